"""pandoc's simple tables: a header line, a line of dashes per column, rows of aligned text.

::

      Right     Left     Center     Default
    -------     ------ ----------   -------
         12     12        12            12

Columns are where the dashes are; each cell is the text above or below its dashes, the
last column running to the end of the line; alignment comes from where the header text
sits against its dashes (:func:`.table_tokens.pandoc_align`). The table ends at a blank
line. Without a header, the table starts and ends with the line of dashes, and the first
row sets the alignment. A single column of dashes under a line is a setext heading (as in
pandoc), so a column line here needs two columns at least. Runs before the thematic-break
rule, which would take a headerless table's first line.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from .table_tokens import Cell, column_bounds, column_spans, pandoc_align, push_table, slices

COLUMN_LINE = re.compile(r"^-+(?:[ \t]+-+)+[ \t]*$")


def line_text(state: StateBlock, line: int) -> str:
    """The line as written, with its indentation (column positions count from the margin)."""
    return state.src[state.bMarks[line]:state.eMarks[line]].expandtabs(4)


def simple_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.is_code_block(start) or start + 1 >= end:
        return False
    first = line_text(state, start)
    headerless = bool(COLUMN_LINE.match(first.strip()))
    if headerless:
        columns_at = start
    else:
        if state.isEmpty(start) or not COLUMN_LINE.match(line_text(state, start + 1).strip()):
            return False
        columns_at = start + 1
    line = columns_at + 1
    while line < end and not state.isEmpty(line):
        if COLUMN_LINE.match(line_text(state, line).strip()) or (
                headerless and line_text(state, line).strip().strip("-") == ""):
            break
        line += 1
    rows = list(range(columns_at + 1, line))
    closing = line < end and not state.isEmpty(line)
    if headerless:
        # a headerless table ends with dashes: a blank line first makes it multiline
        if not closing or not rows:
            return False
        last = line + 1
    else:
        if closing:
            if line + 1 < end and not state.isEmpty(line + 1):
                return False
            last = line + 1
        else:
            last = line
    if silent:
        return True
    columns = line_text(state, columns_at)
    bounds = column_bounds(columns)
    spans = column_spans(columns)
    sample = [] if headerless else [slices(first, bounds)]
    if headerless and rows:
        sample = [slices(line_text(state, rows[0]), bounds)]
    aligns = [pandoc_align([row[i] for row in sample], spans[i][1] - bounds[i][0])
              for i in range(len(bounds))]
    head = [] if headerless else [[Cell(text, start) for text in slices(first, bounds)]]
    body = [[Cell(text, number) for text in slices(line_text(state, number), bounds)]
            for number in rows]
    push_table(state, (start, last), head, body, aligns, None)  # type: ignore[arg-type]
    state.line = last
    return True


def simple_tables_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("table", "simple_table", simple_table)

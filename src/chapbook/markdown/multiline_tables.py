"""pandoc's multiline tables: rows of several lines, separated by blank lines.

::

    -------------------------------------------------------------
     Centered   Default           Right Left
      Header    Aligned         Aligned Aligned
    ----------- ------- --------------- -------------------------
       First    row                12.0 Example of a row that
                                        spans multiple lines.

      Second    row                 5.0 Here's another one.
    -------------------------------------------------------------

The table opens with a line of dashes across it and closes with one; the header's lines
come before the column line. Without a header, it opens with the column line. A cell's
lines are joined as one paragraph; the columns' widths are those of their dashes (with
the spaces after them) in 72 characters, as pandoc takes them. Runs before the
thematic-break rule, which would take the opening line.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from .simple_tables import COLUMN_LINE, line_text
from .table_tokens import (
    COLUMNS,
    Cell,
    column_bounds,
    column_spans,
    pandoc_align,
    push_table,
    slices,
)

FULL_LINE = re.compile(r"^-{3,}[ \t]*$")


def _dashes(state: StateBlock, line: int) -> bool:
    text = line_text(state, line).strip()
    return bool(FULL_LINE.match(text) or COLUMN_LINE.match(text))


def multiline_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.is_code_block(start):
        return False
    first = line_text(state, start).strip()
    if FULL_LINE.match(first):
        columns_at = start + 1
        while columns_at < end and not state.isEmpty(columns_at) and not _dashes(
                state, columns_at):
            columns_at += 1
        if (columns_at == start + 1 or columns_at >= end
                or not COLUMN_LINE.match(line_text(state, columns_at).strip())):
            return False
        header = list(range(start + 1, columns_at))
    elif COLUMN_LINE.match(first):
        columns_at, header = start, []
    else:
        return False
    closing = columns_at + 1
    while closing < end and not _dashes(state, closing):
        closing += 1
    if closing >= end or closing == columns_at + 1:
        return False
    inside = range(columns_at + 1, closing)
    if not header and not any(state.isEmpty(line) for line in inside):
        return False  # no blank line between rows: a headerless simple table
    if silent:
        return True
    columns = line_text(state, columns_at)
    bounds = column_bounds(columns)
    spans = column_spans(columns)
    rows: list[list[int]] = [[]]
    for line in inside:
        if state.isEmpty(line):
            if rows[-1]:
                rows.append([])
        else:
            rows[-1].append(line)
    rows = [row for row in rows if row]
    aligned_by = header or rows[0]
    aligns = [pandoc_align([slices(line_text(state, n), bounds)[i] for n in aligned_by],
                           spans[i][1] - bounds[i][0]) for i in range(len(bounds))]

    def row_cells(lines: list[int]) -> list[Cell | None]:
        parts = [slices(line_text(state, n), bounds) for n in lines]
        return [Cell("\n".join(p[i].strip() for p in parts if p[i].strip()), lines[0])
                for i in range(len(bounds))]

    ends = [right for _, right in bounds[:-1]] + [spans[-1][1] + 1]  # pandoc counts one more
    total = max(ends[-1] - bounds[0][0], COLUMNS)
    widths = [(right - left) / total for (left, _), right in zip(bounds, ends, strict=True)]
    head = [row_cells(header)] if header else []
    push_table(state, (start, closing + 1), head, [row_cells(row) for row in rows], aligns,
               widths)
    state.line = closing + 1
    return True


def multiline_tables_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("table", "multiline_table", multiline_table)

"""pandoc's grid tables: ``+---+---+`` borders, ``+===+`` under the header, cells of blocks.

The cell geometry, ``colspan`` and ``rowspan`` included, is read by docutils' grid-table
parser: pandoc's grid tables are reStructuredText's, plus ``:`` in a border for alignment
(``+:---+---:+:-:+``), which is read here and then blanked out for docutils. Each cell's
text is Markdown blocks (paragraphs, lists). A table docutils cannot read (a border that
does not meet, a ragged line) is kept as a paragraph marked ``meta["table_problem"]``, which
the tables pass reports as an error with its line.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from .table_tokens import COLUMNS, Cell, line_content, push_table

_BORDER = re.compile(r"^\+(?:[-=:]+\+)+\s*$")
_HEAD_RULE = re.compile(r"^\+(?:[=:]+\+)+\s*$")


def _aligns(border: str) -> list[str]:
    aligns = []
    for part in border.strip().strip("+").split("+"):
        left, right = part.startswith(":"), part.endswith(":")
        aligns.append("center" if left and right else "left" if left
                      else "right" if right else "")
    return aligns


def grid_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.is_code_block(start) or not _BORDER.match(line_content(state, start)):
        return False
    line = start + 1
    while line < end and line_content(state, line)[:1] in ("+", "|") and (
            state.sCount[line] == state.sCount[start]):
        line += 1
    if line - start < 3 or not _BORDER.match(line_content(state, line - 1)):
        return False
    if silent:
        return True
    from docutils.parsers.rst.tableparser import GridTableParser, TableMarkupError
    from docutils.statemachine import StringList

    raw = [line_content(state, number).rstrip() for number in range(start, line)]
    head_rule = next((i for i, text in enumerate(raw) if i and _HEAD_RULE.match(text)), None)
    aligns = _aligns(raw[head_rule] if head_rule is not None else raw[0])
    # docutils knows neither ":" in a border nor a "=" rule under a headerless table's top
    cleaned = [text.replace(":", "=" if i == head_rule else "-") if _BORDER.match(text)
               else text for i, text in enumerate(raw)]
    width = max(len(text) for text in cleaned)
    try:
        if any(len(text) != width for text in cleaned):
            ragged = next(i for i, text in enumerate(cleaned) if len(text) != width)
            raise TableMarkupError(f"line {ragged + 1} of the table is "
                                   f"{len(cleaned[ragged])} characters long, not {width}")
        widths, head_rows, body_rows = GridTableParser().parse(StringList(cleaned))
    except (TableMarkupError, IndexError) as problem:
        token = state.push("paragraph_open", "p", 1)
        token.map = [start, line]
        token.meta["table_problem"] = f"this grid table cannot be read: {problem}"
        inline = state.push("inline", "", 0)
        inline.content = "\n".join(raw)
        inline.map = [start, line]
        inline.children = []
        state.push("paragraph_close", "p", -1)
        state.line = line
        return True

    def cells(rows: list) -> list[list[Cell | None]]:
        return [[None if cell is None else Cell("\n".join(cell[3]).strip("\n"), start + cell[2],
                                                rowspan=cell[0] + 1, colspan=cell[1] + 1,
                                                blocks=True)
                 for cell in row] for row in rows]

    total = max(sum(width + 1 for width in widths), COLUMNS)
    push_table(state, (start, line), cells(head_rows), cells(body_rows), aligns,
               [(width + 1) / total for width in widths])
    state.line = line
    return True


def grid_tables_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("table", "grid_table", grid_table,
                          {"alt": ["paragraph", "reference", "blockquote"]})

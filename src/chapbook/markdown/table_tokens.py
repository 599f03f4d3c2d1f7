"""The tokens of a table, shared by the grid, simple and multiline table rules.

Every kind of table comes out as markdown-it's own pipe table does (``table_open``,
``thead_open``, ``tr_open``, ``th_open``/``td_open`` with a ``text-align`` style, ...), so the
caption rule, the tables pass and the renderer treat them all alike. Added: ``colspan`` and
``rowspan`` on a cell, ``meta["widths"]`` on ``table_open`` when the source gives widths
(as pandoc gives them: fractions of 72 characters, or of the table's width if wider), and
cells that hold blocks (a grid table's paragraphs and lists), parsed as Markdown of their
own; a cell of one paragraph prints without its ``<p>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.rules_block import StateBlock

#: pandoc's ``--columns``: the line length that column widths are fractions of; a table
#: whose source is narrower is set narrower than the text, as pandoc sets it.
COLUMNS = 72

#: Tables inside grid-table cells inside ...: deeper than this, a cell is read as one line
#: of text. Each cell is parsed afresh, so markdown-it's own nesting limit does not see the
#: depth, and a hostile chapter could otherwise nest until Python's recursion limit.
MAX_TABLE_DEPTH = 4

#: A run of dashes in a simple or multiline table's column line.
DASHES = re.compile(r"-+")


@dataclass
class Cell:
    text: str
    #: the file line (0-based, of the fragment) the cell's text starts on
    line: int
    rowspan: int = 1
    colspan: int = 1
    #: True: the text is Markdown blocks (grid tables, multiline cells are inline)
    blocks: bool = False


def line_content(state: StateBlock, line: int) -> str:
    """Source line ``line`` without its indentation (as a block rule matches it)."""
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def column_spans(line: str) -> list[tuple[int, int]]:
    """The (start, end) of each run of dashes in a column line."""
    return [match.span() for match in DASHES.finditer(line)]


def column_bounds(line: str) -> list[tuple[int, int]]:
    """Where each column's text is taken from, as pandoc takes it: from the end of the
    column before (the first from the start of the line) to the end of its dashes and the
    spaces after them; the last column runs to the end of the line."""
    starts = [0] + [start for start, _ in column_spans(line)[1:]]
    return list(zip(starts, [*starts[1:], 10**6], strict=True))


def slices(text: str, bounds: list[tuple[int, int]]) -> list[str]:
    return [text[left:right] for left, right in bounds]


def pandoc_align(texts: list[str], dashes: int) -> str:
    """pandoc's alignment of a simple or multiline table's column from its header cell (or
    first row): the shortest line of the cell, right-trimmed, decides. Starting with a
    space: right-aligned, or centred if it also ends before the dashes do; else left-aligned
    if it ends before the dashes, the default if it fills them."""
    lines = sorted((t.rstrip() for t in texts if t.strip()), key=len)
    if not lines:
        return ""
    left_space, right_space = lines[0][0].isspace(), len(lines[0]) < dashes
    if left_space:
        return "center" if right_space else "right"
    return "left" if right_space else ""


def push_table(state: StateBlock, lines: tuple[int, int], head: list[list[Cell | None]],
               body: list[list[Cell | None]], aligns: list[str],
               widths: list[float] | None) -> None:
    """Push a whole table's tokens; ``None`` in a row is a place a span covers."""
    token = state.push("table_open", "table", 1)
    token.map = [lines[0], lines[1]]
    token.meta["aligns"] = aligns
    if widths:
        token.meta["widths"] = widths
    for group, tag, rows in (("thead", "th", head), ("tbody", "td", body)):
        if not rows:
            continue
        opening = state.push(f"{group}_open", group, 1)
        cells = [cell for row in rows for cell in row if cell]
        first = min((cell.line for cell in cells), default=lines[0])
        opening.map = [first, max((cell.line for cell in cells), default=first) + 1]
        for row in rows:
            row_token = state.push("tr_open", "tr", 1)
            row_lines = [cell.line for cell in row if cell]
            row_token.map = [min(row_lines, default=first), max(row_lines, default=first) + 1]
            for column, cell in enumerate(row):
                if cell is None:
                    continue
                _push_cell(state, tag, cell, aligns[column] if column < len(aligns) else "")
            state.push("tr_close", "tr", -1)
        state.push(f"{group}_close", group, -1)
    state.push("table_close", "table", -1)


def _push_cell(state: StateBlock, tag: str, cell: Cell, align: str) -> None:
    opening = state.push(f"{tag}_open", tag, 1)
    if align:
        opening.attrs["style"] = f"text-align:{align}"
    if cell.colspan > 1:
        opening.attrs["colspan"] = cell.colspan
    if cell.rowspan > 1:
        opening.attrs["rowspan"] = cell.rowspan
    opening.map = [cell.line, cell.line + 1]
    depth = state.env.get("table_depth", 0)
    if not cell.blocks or depth >= MAX_TABLE_DEPTH:
        inline = state.push("inline", "", 0)
        inline.content = cell.text.strip()
        inline.map = [cell.line, cell.line + 1]
        inline.children = []
    elif cell.text.strip():
        inner: list = []
        state.env["table_depth"] = depth + 1
        try:
            state.md.block.parse(cell.text, state.md, state.env, inner)
        finally:
            state.env["table_depth"] = depth
        for token in inner:
            token.level += state.level
            if token.map:
                token.map = [token.map[0] + cell.line, token.map[1] + cell.line]
        paragraphs = [t for t in inner if t.type == "paragraph_open" and t.level == state.level]
        if len(paragraphs) == 1 and len([t for t in inner if t.nesting == 1
                                         and t.level == state.level]) == 1:
            for token in inner:
                if token.type in ("paragraph_open", "paragraph_close"):
                    token.hidden = True
        state.tokens.extend(inner)
    state.push(f"{tag}_close", tag, -1)

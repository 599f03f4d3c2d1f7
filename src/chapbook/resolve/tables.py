"""The tables pass: number tables, and find the tables markdown-it could not read.

A table with a caption (``Table: ...``) or an id (``{#tbl:x}``) is numbered, through the
whole booklet as figures are; the number is printed on the caption ("Table 3.") and by
``@tbl:x``. A small table with neither is a layout aid and stays unnumbered.

markdown-it reads a pipe table only when its delimiter row (``| --- | :-: |``) has as many
cells as the header; otherwise the lines are an ordinary paragraph and the PDF prints a
line of pipes, with the ``---`` turned into a dash. Such a paragraph is an error here, at
the delimiter row's line, and an id above it is counted as the table's so that a later
``@tbl:x`` does not blame the id for the table's fault.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from ..diagnostics import Diagnostics
from ..markdown.walk import block_line
from ..model import Book, Fragment

#: A pipe table's delimiter row: cells of ``---`` with optional ``:`` for alignment.
DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")


def pipe_cells(line: str) -> int:
    """How many cells a pipe-table row has (escaped ``\\|`` and enclosing pipes not counted)."""
    cells = re.split(r"(?<!\\)\|", line.strip())
    if cells and not cells[0].strip():
        cells = cells[1:]
    if cells and not cells[-1].strip() and line.strip().endswith("|"):
        cells = cells[:-1]
    return len(cells)


def _malformed(fragment: Fragment, opening: Token, inline: Token,
               diagnostics: Diagnostics) -> bool:
    lines = inline.content.split("\n")
    for i in range(1, len(lines)):
        header, delimiter = lines[i - 1], lines[i]
        if "|" not in header + delimiter or not DELIMITER_ROW.match(delimiter):
            continue
        wanted, found = pipe_cells(header), pipe_cells(delimiter)
        ident = str(opening.attrs.get("id", ""))
        which = f"the table '{ident}'" if ident else "this table"
        if wanted != found:
            problem = (f"{which} is not read as a table: its delimiter row has {found} "
                       f"column{'s' * (found != 1)} but its header has {wanted}")
        else:
            problem = f"{which} is not read as a table"
        diagnostics.error(fragment.file, block_line(fragment, opening) + i, problem, column=1,
                          hint=f"give the row under the header one '---' cell per column "
                          f"({wanted} here), for example "
                          + "|".join([" --- "] * max(wanted, 1)).join("||"))
        return True
    return False


#: pandoc's ``--columns``: a pipe table with a longer line gets widths from its dashes.
COLUMNS = 72


def pipe_widths(fragment: Fragment, table: Token) -> None:
    """A pipe table with a line longer than 72 characters takes its columns' relative widths
    from the dashes of its delimiter row, as pandoc does; a shorter one is laid out by its
    content."""
    if "widths" in table.meta or not table.map or table.meta.get("aligns") is not None:
        return
    lines = fragment.text.split("\n")[table.map[0]:table.map[1]]
    if len(lines) < 2 or max(len(line) for line in lines) <= COLUMNS:
        return
    cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", lines[1].strip().strip("|"))]
    dashes = [len(cell) for cell in cells]
    if cells and all(DELIMITER_ROW.match(cell) for cell in cells) and sum(dashes):
        table.meta["widths"] = [count / sum(dashes) for count in dashes]


def resolve_tables(book: Book, diagnostics: Diagnostics) -> None:
    number = 0
    chapters = {id(chapter.body) for chapter in book.chapters}
    for fragment in book.fragments():
        tokens = fragment.tokens
        for i, token in enumerate(tokens):
            ident = str(token.attrs.get("id", ""))
            if token.type == "table_open":
                pipe_widths(fragment, token)
                if not (token.meta.get("caption") or ident) or id(fragment) not in chapters:
                    continue
                number += 1
                token.meta["table_number"] = number
                if not token.meta.get("caption"):
                    diagnostics.warning(fragment.file, block_line(fragment, token),
                                        f"the table '{ident}' has no caption",
                                        hint="put a line 'Table: what it shows' under it")
            elif token.type == "paragraph_open" and token.meta.get("table_caption"):
                diagnostics.warning(fragment.file, block_line(fragment, token),
                                    "a table caption with no table next to it is printed as "
                                    "a paragraph", column=1,
                                    hint="put the 'Table: ...' line right under the table, "
                                    "with at most a blank line between")
            elif token.type == "paragraph_open" and "table_problem" in token.meta:
                diagnostics.error(fragment.file, block_line(fragment, token),
                                  token.meta["table_problem"], column=1,
                                  hint="every row's '|' and every border's '+' must line up "
                                  "with those above and below")
            elif token.type == "paragraph_open" and i + 1 < len(tokens):
                if _malformed(fragment, token, tokens[i + 1], diagnostics):
                    if ident.startswith("tbl:"):
                        number += 1
                        token.meta["table_number"] = number
                elif ident.startswith("tbl:"):
                    diagnostics.error(fragment.file, block_line(fragment, token),
                                      f"the id '{ident}' is on a paragraph, not a table",
                                      hint="put {#tbl:...} on the line right above the "
                                      "table's header row")

"""Walking a fragment's inline tokens in the order a reader meets them, with their lines.

markdown-it gives block tokens a line map but inline tokens none, and moves footnote bodies
to the end of the stream. Passes that number things (citations in a notes style, the first
use of a term) need reading order, and diagnostics need lines, so both are rebuilt here once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it.token import Token

from ..model import Fragment


@dataclass
class InlineSite:
    token: Token
    fragment: Fragment
    line: int
    column: int
    in_note: bool
    #: In a teacher box or a model answer: printed only in the teacher edition.
    teacher_only: bool = False


def footnote_bodies(tokens: list[Token]) -> dict[int, list[Token]]:
    """The tokens of each footnote, by id, from the block markdown-it moves to the end."""
    bodies: dict[int, list[Token]] = {}
    current: list[Token] | None = None
    for token in tokens:
        if token.type == "footnote_open":
            current = bodies.setdefault(token.meta["id"], [])
        elif token.type == "footnote_close":
            current = None
        elif current is not None:
            current.append(token)
    return bodies


def column_of(fragment: Fragment, line: int, needle: str,
              lines: list[str] | None = None) -> int:
    """The column (from 1) where ``needle``'s first line stands on the file's ``line`` of
    ``fragment``, or 0 when it is not there (markdown-it keeps lines, not columns).
    ``lines`` is the fragment's text split into lines, for a caller that looks often."""
    if lines is None:
        lines = fragment.text.split("\n")
    index = line - fragment.line
    if not needle or not 0 <= index < len(lines):
        return 0
    found = lines[index].find(needle.split("\n")[0])
    return found + 1 if found >= 0 else 0


def inline_sites(fragment: Fragment) -> list[InlineSite]:
    """Every inline token of the fragment, footnote contents at their call sites.

    Found once per parse of the fragment and kept on it: the passes change what tokens
    hold (an HTML tag refused, a citation's text), never which tokens there are.
    """
    if fragment.walked is not None and fragment.walked[0] is fragment.tokens:
        return fragment.walked[1]
    sites = list(_walk_sites(fragment))
    fragment.walked = (fragment.tokens, sites)
    return sites


def _walk_sites(fragment: Fragment) -> Iterator[InlineSite]:
    bodies = footnote_bodies(fragment.tokens)
    seen_notes: set[int] = set()
    lines = fragment.text.split("\n")

    def walk(tokens: list[Token], in_note: bool, skip_notes: bool, teacher: bool
             ) -> Iterator[InlineSite]:
        block_line = fragment.line
        in_block = False
        teacher_depth = 0
        for token in tokens:
            if token.type == "container_teacher_open":
                teacher_depth += 1
            elif token.type == "container_teacher_close":
                teacher_depth -= 1
            if skip_notes and token.type == "footnote_block_open":
                in_block = True
            elif token.type == "footnote_block_close":
                in_block = False
                continue
            if in_block:
                continue
            if token.map:
                block_line = fragment.line + token.map[0]
            if token.type != "inline" or not token.children:
                continue
            line = block_line
            for child in token.children:
                if child.type in ("softbreak", "hardbreak"):
                    line += 1
                    continue
                needle = (child.content if child.type == "citation"
                          else child.markup + child.content if child.type.startswith("math_")
                          else child.markup)
                hidden = teacher or teacher_depth > 0
                yield InlineSite(child, fragment, line, column_of(fragment, line, needle, lines),
                                 in_note, hidden)
                if child.type == "footnote_ref":
                    note_id = child.meta["id"]
                    if note_id not in seen_notes and note_id in bodies:
                        seen_notes.add(note_id)
                        yield from walk(bodies[note_id], True, False, hidden)

    yield from walk(fragment.tokens, False, True, fragment.teacher_only)


def block_line(fragment: Fragment, token: Token) -> int:
    return fragment.line + token.map[0] if token.map else fragment.line

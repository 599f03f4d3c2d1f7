"""Split BibTeX name lists into :class:`Name` values.

bibtexparser's splitter knows BibTeX's rules (``von`` parts are the lower-case words,
``Last, Jr, First``, ``and`` only at brace depth 0) and we use it, but on the *raw*
value: decoding LaTeX first would strip the braces of ``{Barnes and Noble}`` and turn
one company into two people. Each part is decoded afterwards.
"""

from __future__ import annotations

import functools

from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from chapbook.bibliography.latex import decode_plain
from chapbook.bibliography.model import Name

NAME_FIELDS = (
    "author", "editor", "translator", "bookauthor", "editora", "editorb", "editorc", "director",
    "shortauthor", "shorteditor",
    "introduction", "foreword", "afterword", "annotator", "commentator", "holder",
)


def _join(parts: list[str]) -> str:
    return decode_plain(" ".join(parts)).strip()


def _is_corporate(raw: str) -> bool:
    """``{Barnes and Noble}``: one brace group around the whole name."""
    text = raw.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for index, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and index != len(text) - 1:
                return False
    return not text.startswith("{\\")


@functools.lru_cache(maxsize=4096)
def parse_names(raw: str) -> tuple[Name, ...]:
    """A name field as written (``Siegelbaum, Lewis H. and others``) to names.

    Raises ValueError for a name that BibTeX cannot split (too many commas), so the
    loader can report the field's line.
    """
    names: list[Name] = []
    for person in split_multiple_persons_names(raw):
        person = person.strip()
        if not person:
            continue
        if person == "others":
            names.append(Name(literal="others", is_others=True))
            continue
        if _is_corporate(person):
            names.append(Name(literal=decode_plain(person[1:-1])))
            continue
        try:
            parts = parse_single_name_into_parts(person, strict=True)
        except InvalidNameError as exc:
            raise ValueError(str(exc)) from exc
        family = _join(parts.last)
        given = _join(parts.first)
        if not given and not parts.von and not parts.jr and " " not in family:
            # a single word: "Plato", "Time"
            names.append(Name(family=family))
            continue
        names.append(Name(family=family, given=given, particle=_join(parts.von),
                          suffix=_join(parts.jr)))
    return tuple(names)

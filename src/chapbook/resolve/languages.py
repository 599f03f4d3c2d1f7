"""The languages a booklet prints besides its own, for hyphenation.

WeasyPrint hyphenates a passage by its ``lang`` attribute, with pyphen's patterns for that
language; typeset/hyphenation.py loads each language's patterns once, with the booklet's
rules on top (no name broken, no word under seven letters), before the pages are laid out.
This finds the languages: spans ``[...]{lang=xx}``, passages and boxes ``::: {lang=xx}``,
and, where citations print as notes, the cited .bib entries whose ``langid`` (or
``language``, ``hyphenation``) names one. A reference list is never hyphenated
(``hyphens: manual`` in the layouts: a broken title or address reads badly), so an entry's
language needs no patterns there, and loading German's (a megabyte of them) before the
first page is laid out held up every build of a booklet that cites one German article, for
nothing. A project's layout that hyphenates its references gets them from WeasyPrint when
it first needs them.
"""

from __future__ import annotations

from collections.abc import Iterable

from markdown_it.token import Token

from ..bibliography.languages import entry_language
from ..markdown.containers import div_language
from ..model import Book
from ..words import primary_language


def _token_languages(tokens: Iterable[Token]) -> Iterable[str]:
    for token in tokens:
        if token.type.startswith("container_") and token.nesting == 1:
            yield div_language(token.info)
        elif token.type == "inline" and token.children:
            for child in token.children:
                if child.type == "span_open" and child.attrs.get("lang"):
                    yield str(child.attrs["lang"])


def other_languages(book: Book) -> list[str]:
    """The primary language tags the booklet prints besides its own, in order of first use."""
    own = primary_language(book.config.language)
    found: dict[str, None] = {}
    for fragment in book.fragments():
        for language in _token_languages(fragment.tokens):
            found[primary_language(language)] = None
    for key in book.cited_keys if book.cited_in_notes else ():
        if key in book.bibliography:
            found[primary_language(entry_language(book.bibliography[key]) or own)] = None
    found.pop(own, None)
    found.pop("", None)
    return list(found)

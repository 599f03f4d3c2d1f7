"""The resolve passes in the order each needs the one before (see the package's docstring).

Apart from the package so that importing one pass's module (the layout host wants only
:mod:`.fonts`) does not import every pass and the libraries they use.
"""


from __future__ import annotations

from ..diagnostics import Diagnostics
from ..model import Book
from .citations import resolve_citations
from .crossrefs import resolve_crossrefs
from .figures import resolve_figures
from .glyphs import check_glyphs
from .maths import resolve_maths
from .rawhtml import check_raw_html
from .structure import check_boxes, check_nesting, number_headings, parse_all
from .tables import resolve_tables
from .terms import resolve_terms
from .unsupported import check_unsupported


def resolve_book(book: Book, diagnostics: Diagnostics, style_name: str) -> None:
    parse_all(book)
    for fragment in book.fragments():
        check_nesting(fragment, book.config.language, diagnostics)
    used_ids: set[str] = set()
    for chapter in book.chapters:
        check_boxes(chapter.body, diagnostics)
        number_headings(chapter, used_ids, diagnostics)
    resolve_figures(book, diagnostics)
    resolve_tables(book, diagnostics)
    check_unsupported(book, diagnostics)
    resolve_maths(book, diagnostics)
    check_raw_html(book, diagnostics)
    resolve_terms(book, diagnostics)
    resolve_crossrefs(book, diagnostics)
    resolve_citations(book, diagnostics, style_name)
    check_glyphs(book, diagnostics)

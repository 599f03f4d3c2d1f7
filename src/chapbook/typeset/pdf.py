"""Laying the booklet out in this process: front matter, body and back matter.

WeasyPrint's ``target-counter`` cannot de-duplicate page numbers (a glossary term used twice
on page 12 would list "12, 12") and cannot see into another document. So the booklet is laid
out as front matter, body and back matter: the body first, then the back matter with the
real page numbers of every term use, then the front matter with the real page numbers of
every heading; nothing is laid out twice. The pages are joined with ``Document.copy``, which
keeps links, bookmarks and tags. In a long-running process (the watcher) the body is laid
out chapter by chapter and each layout is kept, so a rebuild redoes only what changed.

A one-off build lays the booklet out in parts instead, by worker processes or one after
another in its own process, and joins them (:mod:`.parts`); this module is the way for
handouts and chapter previews, for the watcher, and for a WeasyPrint or pydyf that lacks
what the parts need (:data:`.internals.MISSING`).
"""

# ruff: noqa: E402 - WeasyPrint is imported through internals.import_weasyprint first
from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .internals import import_weasyprint

import_weasyprint()  # before WeasyPrint's names are imported below

# isort: split
from weasyprint import Document

from ..diagnostics import Diagnostics
from ..model import Chapter
from ..output import write_atomic
from ..render.html import BookRenderer
from ..resolve.languages import other_languages
from .clock import Clock
from .engine import (
    BLANK_PAGE_HTML,
    LayoutEngine,
    bookmark_tree,
    capture,
    document_date,
    record_anchors,
    write_document,
)
from .hyphenation import load_patterns
from .inputs import layout_stylesheet, report_refused
from .internals import MISSING, BookmarkTree, PartPdf, join, shift_bookmarks
from .kept_layouts import KeptLayouts
from .labels import LabelRange, booklet_labels, folio
from .layout_report import Fault, layout_faults
from .relayout import lay_out_mended

__all__ = ["Typeset", "Typesetter", "document_date"]

Progress = Callable[[str], None]

#: Layouts kept between builds in one process (the watcher): (css, first page, html) ->
#: the Document and the files the sandbox refused while laying it out (reported again each
#: time the layout is used). A chapter whose HTML and first page did not change is not laid
#: out again.
_KEPT: KeptLayouts[tuple[Document, list[tuple[str, str]]]] = KeptLayouts()
#: The PDF objects of each kept layout as a part of the watcher's booklet: (layout key, part
#: number) -> its objects. Kept and forgotten with the layouts (:class:`KeptLayouts`), so that
#: a save paints only the pages of what it changed.
_CAPTURED: KeptLayouts[PartPdf] = KeptLayouts()


@functools.lru_cache(maxsize=8)
def _engine(css: str, root: Path, allowed: tuple[Path, ...]) -> LayoutEngine:
    """One layout engine per stylesheet for the process: the watcher would otherwise parse
    the booklet's stylesheet again on every save."""
    return LayoutEngine(css, root, list(allowed))


@dataclass
class Joined:
    """The watcher's booklet as parts to join: the front matter (with the blank pages that
    pad chapters), each chapter (or the timeline), the back matter."""

    parts: list[PartPdf]
    #: The booklet's pages in order as (part, page in part).
    order: list[tuple[int, int]]
    bookmarks: BookmarkTree


@dataclass
class Typeset:
    """The laid-out booklet, ready to be written."""

    document: Document
    pages: dict[str, int]
    page_count: int
    timings: dict[str, float] = field(default_factory=dict)
    #: The page labels: the folios (roman front matter, arabic body).
    labels: list[LabelRange] = field(default_factory=lambda: booklet_labels(0))
    #: The layout report: each fault with the folio of its page.
    faults: list[tuple[str, Fault]] = field(default_factory=list)

    #: The booklet as parts already made into PDF objects, to be joined (the watcher's),
    #: instead of ``document`` written whole.
    joined: Joined | None = None

    def write(self, target: Path) -> None:
        """Write the PDF to ``target``, atomically."""
        if self.joined is not None:
            joined = self.joined
            write_atomic(target, lambda handle: join(
                joined.parts, joined.order, joined.bookmarks, handle,
                producer_note="(laid out chapter by chapter, joined by chapbook)",
                labels=self.labels))
            return
        write_atomic(target, lambda handle: write_document(self.document, handle,
                                                           self.labels))

    def close(self) -> None:
        """Nothing to stop: everything was laid out in this process."""


class Typesetter:
    def __init__(self, renderer: BookRenderer, diagnostics: Diagnostics,
                 progress: Progress | None = None, bleed: bool = False,
                 incremental: bool = False, stylesheet: str = "book.css.j2"):
        self.renderer = renderer
        self.diagnostics = diagnostics
        self.progress = progress or (lambda step: None)
        self.incremental = incremental
        css, allowed = layout_stylesheet(renderer, bleed, stylesheet)
        self.engine = _engine(css, renderer.book.root, tuple(allowed))
        # the booklet's language, and each one a passage or a reference is in
        config = renderer.book.config
        load_patterns(config.language, config.hyphenation)
        for language in other_languages(renderer.book):
            load_patterns(language)
        #: What the sandbox refused in the layouts this typesetter used.
        self.refused: list[tuple[str, str]] = []
        root = renderer.book.root
        self._css_key = hashlib.sha256((css + str(root)).encode("utf-8")).hexdigest()

    def _layout(self, html: str, first_page: int = 1) -> Document:
        return self.engine.layout(html, first_page)

    def _blank_page(self) -> Any:
        """A page with nothing on it, not even a number: padding before a right-hand page."""
        return self._layout_cached(BLANK_PAGE_HTML, 1).pages[0]

    def typeset(self) -> Typeset:
        """Lay out body, back and front matter, then join their pages in reading order.

        With ``incremental``, each chapter (and the timeline) is its own document starting
        on a right-hand page with the page number it must have, and a layout already made
        for the same HTML at the same page number is reused, so a rebuild after an edit lays
        out only what changed. Otherwise the body is one document: quicker when there is
        nothing to reuse.
        """
        renderer = self.renderer
        book = renderer.book
        clock = Clock()
        pages: dict[str, int] = {}
        self.progress("laying out the chapters")
        body_pages: list[Any] = []
        #: each layout of the body: (its key, the document, a blank page after it)
        body: list[tuple[object, Document, bool]] = []
        parts: list[tuple[list[Chapter], bool]] = [([c], False) for c in book.chapters]
        if book.timeline:
            parts.append(([], True))
        if not self.incremental:
            parts = [(list(book.chapters), bool(book.timeline))]
        recto = book.config.chapter_opening == "right"
        for index, (chapters, with_timeline) in enumerate(parts):
            with clock("render"):
                html = renderer.render_document(("body",), chapters=chapters,
                                                timeline=with_timeline)
            key = self._key(html, len(body_pages) + 1)
            with clock("layout"):
                document = self._layout_cached(html, len(body_pages) + 1)
            record_anchors(document, len(body_pages) + 1, pages)
            body_pages.extend(document.pages)
            # A chapter laid out on its own starts on a right-hand page (it is kept by that
            # number); the back matter starts on either side unless chapters open right.
            blank = bool(len(body_pages) % 2 and (recto or index + 1 < len(parts)))
            if blank:
                body_pages.append(self._blank_page())
            body.append((key, document, blank))

        back_start = len(body_pages) + 1
        self.progress("laying out the glossary and references")
        with clock("render"):
            html = renderer.render_document(("back",), pages=pages)
        back_key = self._key(html, back_start)
        with clock("layout"):
            back = self._layout_cached(html, back_start)
        record_anchors(back, back_start, pages)

        self.progress("laying out the title page and contents")
        with clock("render"):
            html = renderer.render_document(("front",), pages=pages)
        front_key = self._key(html, 1)
        with clock("layout"):
            front = self._layout_cached(html, 1)
        front_pages = list(front.pages)
        if len(front_pages) % 2:
            front_pages.append(self._blank_page())
        self._report_refused()
        all_pages = [*front_pages, *body_pages, *back.pages]
        document = front.copy(all_pages)
        labels = booklet_labels(len(front_pages))
        joined = None
        if self.incremental and not MISSING:
            with clock("write"):
                joined = self._joined((front_key, front, front_pages), body, (back_key, back))
        _KEPT.typeset_done()
        _CAPTURED.typeset_done()
        return Typeset(document, pages, len(all_pages), clock.totals, labels,
                       self._faults(document, labels), joined)

    def _joined(self, front_matter: tuple[object, Document, list[Any]],
                body: list[tuple[object, Document, bool]],
                back_matter: tuple[object, Document]) -> Joined:
        """The booklet as parts to join, each a kept layout made into PDF objects once:
        a save paints the pages of what it changed, not all of them. Part 0 is the front
        matter followed by the blank pages that pad chapters, as in a build in parts."""
        front_key, front, front_pages = front_matter
        back_key, back = back_matter
        blanks = sum(1 for _, _, blank in body if blank)
        front_document = front.copy([*front_pages, *[self._blank_page()] * blanks])
        pieces: list[tuple[object, Document]] = [
            ((front_key, len(front_pages), blanks), front_document),
            *((key, document) for key, document, _ in body), (back_key, back)]
        parts = [_CAPTURED.get((key, part), functools.partial(capture, document, part))
                 for part, (key, document) in enumerate(pieces)]
        order = [(0, index) for index in range(len(front_pages))]
        blank = len(front_pages)
        for part, (_, document, blank_after) in enumerate(body, start=1):
            order += [(part, index) for index in range(len(document.pages))]
            if blank_after:
                order.append((0, blank))
                blank += 1
        order += [(len(pieces) - 1, index) for index in range(len(back.pages))]
        joined_page: dict[int, dict[int, int]] = {}
        for index, (part, page) in enumerate(order):
            joined_page.setdefault(part, {})[page] = index
        bookmarks = sorted(
            (item for part, (_, document) in enumerate(pieces)
             for item in shift_bookmarks(bookmark_tree(document), joined_page.get(part, {}))),
            key=lambda item: item[1][0])
        return Joined(parts, order, bookmarks)

    def _key(self, html: str, first_page: int) -> tuple[str, int, str]:
        """What a layout is kept by: the stylesheet, the first page and the HTML."""
        return (self._css_key, first_page, hashlib.sha256(html.encode("utf-8")).hexdigest())

    def _layout_cached(self, html: str, first_page: int) -> Document:
        key = self._key(html, first_page)

        def lay_out() -> tuple[Document, list[tuple[str, str]]]:
            fetcher = self.engine.fetcher
            before = len(fetcher.refused)
            document = lay_out_mended(lambda markup: self._layout(markup, first_page), html,
                                      self.renderer.book.config.language)
            refused = fetcher.refused[before:]
            del fetcher.refused[before:]
            return document, refused

        document, refused = _KEPT.get(key, lay_out)
        self.refused += refused
        return document

    def typeset_single(self, html: str) -> Typeset:
        """Lay out one self-contained document (a handout, a chapter preview): no parts, no
        padding pages; a layout made before for the same HTML is reused."""
        clock = Clock()
        with clock("layout"):
            document = self._layout_cached(html, 1)
        pages: dict[str, int] = {}
        record_anchors(document, 1, pages)
        self._report_refused()
        _KEPT.typeset_done()
        labels = booklet_labels(0)
        return Typeset(document, pages, len(document.pages), clock.totals, labels,
                       self._faults(document, labels))

    def _faults(self, document: Document, labels: list[LabelRange]) -> list[tuple[str, Fault]]:
        language = self.renderer.book.config.language
        return [(folio(fault.page, labels), fault)
                for fault in layout_faults(document, language)]

    def _report_refused(self) -> None:
        report_refused(self.renderer.book, self.refused, self.diagnostics)
        self.refused = []

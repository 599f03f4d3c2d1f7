"""Laying the booklet out in three documents and joining their pages.

WeasyPrint's ``target-counter`` cannot de-duplicate page numbers (a glossary term used twice
on page 12 would list "12, 12") and cannot see into another document. So the booklet is laid
out as front matter, body and back matter: the body first, then the back matter with the
real page numbers of every term use, then the front matter with the real page numbers of
every heading; nothing is laid out twice. The pages are joined with ``Document.copy``, which
keeps links, bookmarks and tags. In a long-running process (the watcher) the body is laid
out chapter by chapter and each layout is kept, so a rebuild redoes only what changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration

from ..diagnostics import Diagnostics
from ..layout_paths import PACKAGE_LAYOUTS
from ..model import Chapter
from ..output import write_atomic
from ..render.html import BookRenderer
from .fetcher import SandboxFetcher
from .fonts import font_dirs, font_face_css

Progress = Callable[[str], None]

#: Layouts kept between builds in one process (the watcher): (css, first page, html) ->
#: Document. A chapter whose HTML and first page did not change is not laid out again.
_LAYOUT_CACHE: dict[tuple[str, int, str], Document] = {}
_LAYOUT_CACHE_SIZE = 200


@cache
def _fonts() -> tuple[FontConfiguration, CSS]:
    """One font configuration per process, shared by every layout.

    Cached layouts keep pointers into the configuration that made them, so it must outlive
    them; and registering the fonts once saves their start-up cost on every rebuild.
    """
    config = FontConfiguration()
    css = CSS(string=font_face_css(), font_config=config,
              url_fetcher=SandboxFetcher(list(font_dirs())))
    return config, css


class _Clock:
    """Adds up the time spent in each named phase, for the build's timing report."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.totals[name] = self.totals.get(name, 0.0) + time.perf_counter() - start


@dataclass
class Typeset:
    """The laid-out booklet, ready to be written."""

    document: Document
    pages: dict[str, int]
    page_count: int
    timings: dict[str, float] = field(default_factory=dict)


class Typesetter:
    def __init__(self, renderer: BookRenderer, diagnostics: Diagnostics,
                 progress: Progress | None = None, bleed: bool = False,
                 incremental: bool = False,
                 stylesheet: str = "book.css.j2"):
        self.renderer = renderer
        self.diagnostics = diagnostics
        self.progress = progress or (lambda step: None)
        self.incremental = incremental
        root = renderer.book.root
        self.fetcher = SandboxFetcher([root, PACKAGE_LAYOUTS, *renderer.dirs, *font_dirs()])
        self.font_config, fonts_css = _fonts()
        css = renderer.stylesheet(stylesheet, {"bleed": bleed})
        self.stylesheets = [
            fonts_css,
            CSS(string=css, font_config=self.font_config, url_fetcher=self.fetcher,
                base_url=str(root) + "/"),
        ]
        self.base_url = str(root) + "/"
        self._css_key = hashlib.sha256((css + str(root)).encode("utf-8")).hexdigest()

    def _layout(self, html: str, first_page: int = 1) -> Document:
        sheets = list(self.stylesheets)
        if first_page != 1:
            sheets.append(CSS(string=f"@page :first {{ counter-reset: page {first_page} }}",
                              font_config=self.font_config, url_fetcher=self.fetcher))
        return HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
            stylesheets=sheets, font_config=self.font_config)

    def _blank_page(self) -> Any:
        """A page with nothing on it, not even a number: padding before a right-hand page."""
        html = '<html><body><div style="page: cover"></div></body></html>'
        return self._layout_cached(html, 1).pages[0]

    def typeset(self) -> Typeset:
        """Lay out body, back and front matter, then join their pages in reading order.

        With ``incremental``, each chapter (and the timeline) is its own document starting
        on a right-hand page with the page number it must have, and a layout already made
        for the same HTML at the same page number is reused, so a rebuild after an edit lays
        out only what changed. Otherwise the body is one document: quicker when there is
        nothing to reuse.
        """
        renderer = self.renderer
        clock = _Clock()
        pages: dict[str, int] = {}
        self.progress("laying out the chapters")
        body_pages: list[Any] = []
        book = renderer.book
        parts: list[tuple[list[Chapter], bool]] = [([c], False) for c in book.chapters]
        if book.timeline:
            parts.append(([], True))
        if not self.incremental:
            parts = [(list(book.chapters), bool(book.timeline))]
        for chapters, with_timeline in parts:
            with clock("render"):
                html = renderer.render_document(("body",), chapters=chapters,
                                                timeline=with_timeline)
            with clock("layout"):
                document = self._layout_cached(html, len(body_pages) + 1)
            self._record_anchors(document, len(body_pages) + 1, pages)
            body_pages.extend(document.pages)
            if len(body_pages) % 2:
                body_pages.append(self._blank_page())

        back_start = len(body_pages) + 1
        self.progress("laying out the glossary and references")
        with clock("render"):
            html = renderer.render_document(("back",), pages=pages)
        with clock("layout"):
            back = self._layout_cached(html, back_start)
        self._record_anchors(back, back_start, pages)

        self.progress("laying out the title page and contents")
        with clock("render"):
            html = renderer.render_document(("front",), pages=pages)
        with clock("layout"):
            front = self._layout_cached(html, 1)
        front_pages = list(front.pages)
        if len(front_pages) % 2:
            front_pages.append(self._blank_page())
        self._report_refused()
        all_pages = [*front_pages, *body_pages, *back.pages]
        document = front.copy(all_pages)
        return Typeset(document, pages, len(all_pages), clock.totals)

    @staticmethod
    def _record_anchors(document: Document, first_page: int, pages: dict[str, int]) -> None:
        for index, page in enumerate(document.pages):
            for anchor in page.anchors:
                pages.setdefault(anchor, first_page + index)

    def _layout_cached(self, html: str, first_page: int) -> Document:
        key = (self._css_key, first_page, hashlib.sha256(html.encode("utf-8")).hexdigest())
        document = _LAYOUT_CACHE.get(key)
        if document is None:
            document = self._layout(html, first_page)
            _LAYOUT_CACHE[key] = document
            while len(_LAYOUT_CACHE) > _LAYOUT_CACHE_SIZE:
                _LAYOUT_CACHE.pop(next(iter(_LAYOUT_CACHE)))
        return document

    def typeset_single(self, html: str) -> Typeset:
        """Lay out one self-contained document (a handout, a chapter preview): no parts, no
        padding pages; a layout made before for the same HTML is reused."""
        clock = _Clock()
        with clock("layout"):
            document = self._layout_cached(html, 1)
        pages: dict[str, int] = {}
        self._record_anchors(document, 1, pages)
        self._report_refused()
        return Typeset(document, pages, len(document.pages), clock.totals)

    def _report_refused(self) -> None:
        from ..resolve.rawhtml import locate_url

        for url, reason in dict.fromkeys(self.fetcher.refused):
            file, line = locate_url(self.renderer.book, url)
            self.diagnostics.error(
                file, line, f"refused to load {url}: {reason}",
                hint="keep every image, stylesheet and font inside the project folder")


def document_date(config_date: str | None) -> str | None:
    """The PDF's creation and modification date, never the clock: two builds of the same
    sources must give the same bytes. ``SOURCE_DATE_EPOCH`` (reproducible-builds.org) wins;
    else the date in chapbook.toml when it is an ISO date; else no date at all."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit() and len(epoch) <= 11:
        stamp = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    if config_date and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", config_date.strip()):
        return config_date.strip()
    return None


def write_pdf(typeset: Typeset, target: Path, *, variant: str | None = "pdf/ua-1") -> None:
    # The PDF /ID is an MD5 of the content (pydyf), so it is as reproducible as the rest.
    metadata = typeset.document.metadata
    metadata.created = metadata.modified = document_date(metadata.created)
    write_atomic(target, lambda handle: typeset.document.write_pdf(
        handle, pdf_variant=variant, uncompressed_pdf=False))

"""Laying the booklet out in three documents and joining their pages.

WeasyPrint's ``target-counter`` cannot de-duplicate page numbers (a glossary term used twice
on page 12 would list "12, 12") and cannot see into another document. So the booklet is laid
out as front matter, body and back matter: the body first, then the back matter with the
real page numbers of every term use, then the front matter with the real page numbers of
every heading; nothing is laid out twice. The pages are joined with ``Document.copy``, which
keeps links, bookmarks and tags. In a long-running process (the watcher) the body is laid
out chapter by chapter and each layout is kept, so a rebuild redoes only what changed.

On a machine with several cores a one-off build lays the body out in parts, one forked
process each (:mod:`.parallel`): each part learns its first page number only once the parts
before it are paginated (:mod:`.numbering`), makes its own PDF objects, and the parts are
joined with their tags, links and bookmarks (:mod:`.join`).
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
from functools import cache, partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration

from ..diagnostics import Diagnostics
from ..layout_paths import PACKAGE_LAYOUTS
from ..model import Chapter
from ..output import write_atomic
from ..render.html import BookRenderer
from .fetcher import SandboxFetcher
from .fonts import font_dirs, font_face_css
from .join import BookmarkTree, PartPdf, capture_part, join, shift_bookmarks
from .numbering import numbering_decided_late
from .parallel import Worker, can_fork, split_evenly, stand_in_anchors

Progress = Callable[[str], None]

#: Every booklet PDF is tagged for screen readers.
PDF_VARIANT = "pdf/ua-1"
#: Below this much body HTML (about ten pages), one process is quicker than several.
_PARALLEL_MIN_HTML = 40_000
#: WeasyPrint's scale from CSS pixels to PDF points, for bookmark positions.
_PDF_SCALE = 0.75

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
class PartLayout:
    """What a worker reports once its part is laid out: plain data, to cross the pipe."""

    page_count: int
    #: Anchor name -> index of its page within the part.
    anchors: dict[str, int]
    bookmarks: BookmarkTree
    refused: list[tuple[str, str]]


@dataclass
class OtherParts:
    """The parts laid out by worker processes, which are still making their PDF objects."""

    workers: list[Worker]
    #: The booklet's pages in order as (part, page in part); part 0 is this process's.
    order: list[tuple[int, int]]
    bookmarks: BookmarkTree

    def close(self) -> None:
        for worker in self.workers:
            worker.close()


@dataclass
class Typeset:
    """The laid-out booklet, ready to be written."""

    #: All the pages; or, when ``others`` is set, the front and back matter and the blank
    #: pages between parts, laid out in this process.
    document: Document
    pages: dict[str, int]
    page_count: int
    timings: dict[str, float] = field(default_factory=dict)
    others: OtherParts | None = None

    def close(self) -> None:
        """Stop any worker still at work (after writing, or instead of it when the build
        failed)."""
        if self.others is not None:
            self.others.close()


class Typesetter:
    def __init__(self, renderer: BookRenderer, diagnostics: Diagnostics,
                 progress: Progress | None = None, bleed: bool = False,
                 incremental: bool = False, jobs: int | None = 1,
                 stylesheet: str = "book.css.j2"):
        self.renderer = renderer
        #: Processes for the body: None means one per core when the book is big enough.
        self.jobs = jobs
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
        html = '<html><body style="page: cover"></body></html>'
        return self._layout_cached(html, 1).pages[0]

    def typeset(self) -> Typeset:
        """Lay out body, back and front matter, then join their pages in reading order.

        With ``incremental``, each chapter (and the timeline) is its own document starting
        on a right-hand page with the page number it must have, and a layout already made
        for the same HTML at the same page number is reused, so a rebuild after an edit lays
        out only what changed. Otherwise the body is one document: quicker when there is
        nothing to reuse; or, with several cores, runs of chapters laid out by several
        processes at once (:meth:`_typeset_in_parts`).
        """
        renderer = self.renderer
        book = renderer.book
        clock = _Clock()
        if not self.incremental and self.jobs != 1 and len(book.chapters) > 1 and can_fork():
            runs = self._runs(clock)
            if len(runs) > 1:
                return self._typeset_in_parts(runs, clock)
        pages: dict[str, int] = {}
        self.progress("laying out the chapters")
        body_pages: list[Any] = []
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

        front, front_pages, back = self._back_and_front(len(body_pages) + 1, pages, clock)
        self._report_refused()
        all_pages = [*front_pages, *body_pages, *back.pages]
        document = front.copy(all_pages)
        return Typeset(document, pages, len(all_pages), clock.totals)

    def _back_and_front(self, back_start: int, pages: dict[str, int], clock: _Clock,
                        laid_out_back: Callable[[Document], None] | None = None,
                        ) -> tuple[Document, list[Any], Document]:
        """The back matter (with the body's page numbers), then the front matter (with
        everyone's); the front padded to an even count so the body opens on a right page."""
        renderer = self.renderer
        self.progress("laying out the glossary and references")
        with clock("render"):
            html = renderer.render_document(("back",), pages=pages)
        with clock("layout"):
            back = self._layout_cached(html, back_start)
        self._record_anchors(back, back_start, pages)
        if laid_out_back is not None:
            laid_out_back(back)

        self.progress("laying out the title page and contents")
        with clock("render"):
            html = renderer.render_document(("front",), pages=pages)
        with clock("layout"):
            front = self._layout_cached(html, 1)
        front_pages = list(front.pages)
        if len(front_pages) % 2:
            front_pages.append(self._blank_page())
        return front, front_pages, back

    def _runs(self, clock: _Clock) -> list[list[int]]:
        """The chapters cut into runs that take about as long to lay out: one per process
        asked for, or with ``jobs=None`` one per core if the body is long enough to gain
        from it (starting the processes and joining their PDFs costs about a third of a
        second, what ten pages of layout take)."""
        renderer = self.renderer
        book = renderer.book
        with clock("render"):
            # The length of each chapter's HTML: the renderer keeps it for the documents
            # rendered next, so measuring costs nothing twice.
            weights = [float(sum(len(renderer.html(f)) for f in chapter.fragments()))
                       for chapter in book.chapters]
            weights[-1] += sum(len(renderer.html(event.event)) for event in book.timeline)
        if self.jobs is None and sum(weights) < _PARALLEL_MIN_HTML:
            return [list(range(len(book.chapters)))]
        return split_evenly(weights, self.jobs or os.cpu_count() or 1)

    def _typeset_in_parts(self, runs: list[list[int]], clock: _Clock) -> Typeset:
        """The body cut into runs of chapters laid out by forked workers at once; then the
        back matter here, handed to one more fork to be made into PDF objects while this
        process lays out the front matter. See :meth:`typeset` for the one-process way.

        Parts: 0 is the front matter (and the blank pages that pad body parts to an even
        length), 1..n the runs of chapters, n+1 the back matter.
        """
        renderer = self.renderer
        book = renderer.book
        with clock("render"):
            htmls = [renderer.render_document(
                ("body",), chapters=[book.chapters[i] for i in run],
                timeline=bool(book.timeline) and run is runs[-1]) for run in runs]
        self.progress(f"laying out the chapters in {len(runs)} processes")
        workers: list[Worker] = []
        try:
            with clock("layout"):
                for part, html in enumerate(htmls, start=1):
                    workers.append(Worker(partial(self._lay_out_part, html, part)))
                first_pages, first = [], 1
                for worker in workers:
                    count = worker.receive("paginated")
                    worker.send(first)
                    first_pages.append(first)
                    first += count + count % 2
                layouts: list[PartLayout] = [worker.receive("laid out") for worker in workers]
            pages: dict[str, int] = {}
            for first_page, layout in zip(first_pages, layouts, strict=True):
                for anchor, index in layout.anchors.items():
                    pages.setdefault(anchor, first_page + index)
                self.fetcher.refused.extend(layout.refused)
            back_part = len(runs) + 1
            front, front_pages, back = self._back_and_front(
                first, pages, clock, lambda back: workers.append(
                    Worker(partial(self._capture_part, back, back_part))))
        except BaseException:
            for worker in workers:
                worker.close()
            raise
        self._report_refused()

        blanks = [self._blank_page() for layout in layouts if layout.page_count % 2]
        order = [(0, index) for index in range(len(front_pages))]
        blank = len(front_pages)
        for part, layout in enumerate(layouts, start=1):
            order += [(part, index) for index in range(layout.page_count)]
            if layout.page_count % 2:
                order.append((0, blank))
                blank += 1
        order += [(back_part, index) for index in range(len(back.pages))]
        document = front.copy([*front_pages, *blanks])

        joined_page: dict[int, dict[int, int]] = {}  # part -> page in part -> page in book
        for index, (part, page) in enumerate(order):
            joined_page.setdefault(part, {})[page] = index
        trees = [(0, document.make_bookmark_tree(_PDF_SCALE, transform_pages=True)),
                 *((part, layout.bookmarks) for part, layout in enumerate(layouts, start=1)),
                 (back_part, back.make_bookmark_tree(_PDF_SCALE, transform_pages=True))]
        bookmarks = sorted(
            (item for part, tree in trees
             for item in shift_bookmarks(tree, joined_page.get(part, {}))),
            key=lambda item: item[1][0])
        others = OtherParts(workers, order, bookmarks)
        return Typeset(document, pages, len(order), clock.totals, others)

    def _capture_part(self, document: Document, part: int, channel: Connection) -> None:
        """In a fork made after ``document`` was laid out: its PDF objects."""
        channel.send(("written", _capture(document, part)))

    def _lay_out_part(self, html: str, part: int, channel: Connection) -> None:
        """In a worker: lay out one part, numbered once the parent says where it starts;
        report it; make its PDF objects."""
        def first_page(page_count: int) -> int:
            channel.send(("paginated", page_count))
            number: int = channel.recv()
            return number

        refused_before = len(self.fetcher.refused)
        with numbering_decided_late(first_page):
            document = self._layout(html)
        anchors: dict[str, int] = {}
        self._record_anchors(document, 0, anchors)
        channel.send(("laid out", PartLayout(
            len(document.pages), anchors,
            document.make_bookmark_tree(_PDF_SCALE, transform_pages=True),
            self.fetcher.refused[refused_before:])))
        channel.send(("written", _capture(document, part)))

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


def _set_dates(document: Document) -> None:
    metadata = document.metadata
    metadata.created = metadata.modified = document_date(metadata.created)


def _write_document(document: Document, handle: IO[bytes]) -> None:
    _set_dates(document)
    document.write_pdf(handle, pdf_variant=PDF_VARIANT, uncompressed_pdf=False)


def _capture(document: Document, part: int) -> PartPdf:
    """A part's PDF objects, its links to other parts kept by stand-in anchors."""
    _set_dates(document)
    with stand_in_anchors(document) as borrowed:
        return capture_part(document, PDF_VARIANT, part, borrowed)


def write_pdf(typeset: Typeset, target: Path) -> None:
    """Write the booklet to ``target`` (atomically); parts laid out by workers are waited
    for and joined."""
    others = typeset.others
    if others is None:
        write_atomic(target, lambda handle: _write_document(typeset.document, handle))
        return
    try:
        parts = [_capture(typeset.document, 0)]
        parts += [worker.receive("written") for worker in others.workers]
        write_atomic(target, lambda handle: join(
            parts, others.order, others.bookmarks, handle,
            producer_note=f"(laid out in {len(parts)} parts, joined by chapbook)"))
    finally:
        typeset.close()

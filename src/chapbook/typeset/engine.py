"""WeasyPrint set up for one booklet: its fonts, stylesheet and sandbox, and a layout call.

Shared by the typesetter that lays a book out in this process (:mod:`.pdf`) and by the
layout workers of a build in parts (:mod:`.workers`), so both lay out the same HTML into the
same pages.
"""

# ruff: noqa: E402 - WeasyPrint is imported through internals.import_weasyprint first
from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import IO, Any

from .internals import import_weasyprint

import_weasyprint()  # before WeasyPrint's names are imported below

# isort: split
from weasyprint import CSS, HTML, Document
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration

from ..collector import collection_paused
from ..resolve.fonts import font_dirs, font_face_css
from .early_breaks import spaces_into_inline_starts
from .fetcher import SandboxFetcher
from .internals import PartPdf, capture_part, settle_font_dates
from .labels import LabelRange, add_page_labels
from .scratch import scratch_folder, temporary_files_in
from .ties import tied

#: Every booklet PDF is tagged for screen readers.
PDF_VARIANT = "pdf/ua-1"
#: WeasyPrint's scale from CSS pixels to PDF points, for bookmark positions.
PDF_SCALE = 0.75
#: The HTML of a page with nothing on it, not even a number: padding before a right page.
BLANK_PAGE_HTML = '<html><body style="page: cover"></body></html>'


@cache
def shared_fonts() -> tuple[FontConfiguration, CSS]:
    """One font configuration per process, shared by every layout.

    Cached layouts keep pointers into the configuration that made them, so it must outlive
    them; and registering the fonts once saves their start-up cost on every rebuild. The
    copies WeasyPrint makes of the fonts go in a folder removed as the process ends
    (:mod:`.scratch`), where WeasyPrint's own would stay behind.
    """
    with temporary_files_in(scratch_folder()):
        config = FontConfiguration()
        css = CSS(string=font_face_css(), font_config=config,
                  url_fetcher=SandboxFetcher(list(font_dirs())))
    return config, css


class LayoutEngine:
    """Lays out HTML with one booklet's stylesheet, reading files only through the sandbox.

    ``root`` is the project folder (relative URLs resolve against it); ``allowed`` the
    folders the sandbox lets WeasyPrint read besides the fonts'.
    """

    def __init__(self, css: str, root: Path, allowed: list[Path]):
        self.fetcher = SandboxFetcher([*allowed, *font_dirs()])
        self.font_config, fonts_css = shared_fonts()
        self.base_url = str(root) + "/"
        # the layouts' @counter-style rules (pandoc's "(A)" and "iv)" list markers) reach
        # the layout only through one CounterStyle shared by the stylesheet and render()
        self.counter_style = CounterStyle()
        self.stylesheets = [
            fonts_css,
            CSS(string=css, font_config=self.font_config, url_fetcher=self.fetcher,
                base_url=self.base_url, counter_style=self.counter_style),
        ]

    def layout(self, html: str, first_page: int = 1) -> Document:
        """``html`` laid out as pages numbered from ``first_page``; an even number makes
        the first page a left-hand one (WeasyPrint starts a document on a right-hand page
        unless its root says otherwise), with the margins and running heads of one."""
        sheets = list(self.stylesheets)
        if first_page != 1:
            side = " html { break-before: verso }" if first_page % 2 == 0 else ""
            sheets.append(CSS(string=f"@page :first {{ counter-reset: page {first_page} }}"
                              + side, font_config=self.font_config, url_fetcher=self.fetcher))
        # no line ends inside "1931–33" or between "W. W.", no paragraph with "-phe." (the
        # module); then the space before an inline element moved into it, the spans of the
        # ties too (WeasyPrint's early line breaks, the module)
        html = spaces_into_inline_starts(tied(html))
        with collection_paused():
            return HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
                stylesheets=sheets, font_config=self.font_config,
                counter_style=self.counter_style)


def record_anchors(document: Document, first_page: int, pages: dict[str, int]) -> None:
    """Each anchor's page number (the first page it is on), for anchors not seen before."""
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            pages.setdefault(anchor, first_page + index)


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


def set_dates(document: Document) -> None:
    metadata = document.metadata
    metadata.created = metadata.modified = document_date(metadata.created)


def write_document(document: Document, target: IO[bytes] | None = None,
                   labels: list[LabelRange] | None = None) -> bytes | None:
    """The booklet's PDF of ``document``, dated and tagged, with page ``labels``, written to
    ``target`` (or returned, for a worker to send): the one way both this process and a
    worker write a whole document."""
    set_dates(document)

    def finisher(_document: Document, pdf: Any) -> None:
        settle_font_dates(pdf)
        add_page_labels(pdf, labels)

    with collection_paused():
        return document.write_pdf(target, pdf_variant=PDF_VARIANT, uncompressed_pdf=False,
                                  finisher=finisher)


def capture(document: Document, part: int) -> PartPdf:
    """A part's PDF objects, its links to other parts kept by stand-in anchors."""
    set_dates(document)
    with stand_in_anchors(document) as borrowed, collection_paused():
        return capture_part(document, PDF_VARIANT, part, borrowed)


def bookmark_tree(document: Document) -> Any:
    return document.make_bookmark_tree(PDF_SCALE, transform_pages=True)


@contextmanager
def stand_in_anchors(document: Document) -> Iterator[frozenset[str]]:
    """Give ``document`` a stand-in anchor for every link whose target is in another part,
    for as long as the block runs; yields their names.

    WeasyPrint drops a link to an anchor it cannot find; with a stand-in the link is written
    (as a named destination), and the join points the name at the real anchor. The stand-ins
    are taken away again: the pages may be a cached layout that a later build reuses.
    """
    own = {name for page in document.pages for name in page.anchors}
    wanted = {target for page in document.pages for kind, target, _, _ in page.links
              if kind == "internal"}
    borrowed = frozenset(wanted - own)
    first = document.pages[0].anchors if document.pages else {}
    for name in sorted(borrowed):
        first[name] = (0, 0, 0, 0)
    try:
        yield borrowed
    finally:
        for name in borrowed:
            first.pop(name, None)

"""Laying the booklet out in three documents and joining their pages.

WeasyPrint's ``target-counter`` cannot de-duplicate page numbers (a glossary term used twice
on page 12 would list "12, 12") and cannot see into another document. So the booklet is laid
out as front matter, body and back matter: the body first, then the back matter with the
real page numbers of every term use, then the front matter with the real page numbers of
every heading. Only the few front-matter pages are laid out twice. The pages are joined
with ``Document.copy``, which keeps links, bookmarks and tags.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration

from ..diagnostics import Diagnostics
from ..output import write_atomic
from ..render.html import PACKAGE_LAYOUTS, BookRenderer
from .fetcher import SandboxFetcher
from .fonts import font_dirs, font_face_css

Progress = Callable[[str], None]


@dataclass
class Typeset:
    """The laid-out booklet, ready to be written."""

    document: Document
    pages: dict[str, int]
    page_count: int
    timings: dict[str, float] = field(default_factory=dict)


class Typesetter:
    def __init__(self, renderer: BookRenderer, diagnostics: Diagnostics,
                 progress: Progress | None = None, bleed: bool = False):
        self.renderer = renderer
        self.diagnostics = diagnostics
        self.progress = progress or (lambda step: None)
        root = renderer.book.root
        self.fetcher = SandboxFetcher([root, PACKAGE_LAYOUTS, *renderer.dirs, *font_dirs()])
        self.font_config = FontConfiguration()
        css = renderer.stylesheet("book.css.j2", {"bleed": bleed})
        self.stylesheets = [
            CSS(string=font_face_css(), font_config=self.font_config, url_fetcher=self.fetcher),
            CSS(string=css, font_config=self.font_config, url_fetcher=self.fetcher,
                base_url=str(root) + "/"),
        ]
        self.base_url = str(root) + "/"

    def _layout(self, html: str, first_page: int = 1) -> Document:
        sheets = list(self.stylesheets)
        if first_page != 1:
            sheets.append(CSS(string=f"@page :first {{ counter-reset: page {first_page} }}",
                              font_config=self.font_config, url_fetcher=self.fetcher))
        return HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
            stylesheets=sheets, font_config=self.font_config)

    def _blank_page(self):
        html = '<html><body><div style="page: cover"></div></body></html>'
        return self._layout(html).pages[0]

    def typeset(self) -> Typeset:
        renderer = self.renderer
        import time

        timings: dict[str, float] = {}
        start = time.perf_counter()
        self.progress("laying out the chapters")
        body = self._layout(renderer.render_document(("body",)))
        timings["body"] = time.perf_counter() - start
        pages: dict[str, int] = {}
        for index, page in enumerate(body.pages):
            for anchor in page.anchors:
                pages.setdefault(anchor, index + 1)

        back_start = len(body.pages) + 1
        if back_start % 2 == 0:
            back_start += 1
        self.progress("laying out the glossary and references")
        start = time.perf_counter()
        back = self._layout(renderer.render_document(("back",), pages=pages), back_start)
        for index, page in enumerate(back.pages):
            for anchor in page.anchors:
                pages.setdefault(anchor, back_start + index)
        timings["back"] = time.perf_counter() - start

        self.progress("laying out the title page and contents")
        start = time.perf_counter()
        front = self._layout(renderer.render_document(("front",), pages=pages))
        timings["front"] = time.perf_counter() - start

        blank = self._blank_page() if (len(front.pages) % 2 or back_start > len(body.pages) + 1
                                       ) else None
        all_pages = list(front.pages)
        if len(front.pages) % 2:
            all_pages.append(blank)
        all_pages.extend(body.pages)
        all_pages.extend([blank] * (back_start - len(body.pages) - 1))
        all_pages.extend(back.pages)
        self._report_refused()
        document = front.copy(all_pages)
        return Typeset(document, pages, len(all_pages), timings)

    def _report_refused(self) -> None:
        for url, reason in self.fetcher.refused:
            self.diagnostics.error(
                "layouts" if url.endswith(".css") else "chapters", 0,
                f"refused to load {url}: {reason}",
                hint="keep every image, stylesheet and font inside the project folder")


def write_pdf(typeset: Typeset, target: Path, *, variant: str | None = "pdf/ua-1") -> None:
    write_atomic(target, lambda handle: typeset.document.write_pdf(
        handle, pdf_variant=variant, uncompressed_pdf=False))

"""What runs in the layout host (:mod:`.host`) and in the workers it forks.

Imported by the host, because it imports WeasyPrint, and by a build that lays its parts out
one after another in its own process (:mod:`.in_process`): both lay each part out with
:func:`lay_out_part`, so both make the same PDF objects. A worker lays out one part of the
booklet, reports where its pages and anchors fell, and sends the part's PDF objects; see
:mod:`.parts` for the building process's side of the conversation.
"""

from __future__ import annotations

import contextlib
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from .engine import (
    BLANK_PAGE_HTML,
    LayoutEngine,
    bookmark_tree,
    capture,
    record_anchors,
    shared_fonts,
    write_document,
)
from .internals import numbering_decided_late, parse_c_types
from .labels import booklet_labels
from .layout_report import layout_faults, page_faults
from .messages import PartJob, PartLayout
from .relayout import Mender, lay_out_mended


class Channel(Protocol):
    """Where a part's messages go and the number of its first page comes from: the pipe
    to the building process, or the building process itself (:mod:`.in_process`)."""

    def send(self, obj: Any) -> None: ...

    def recv(self) -> Any: ...


def get_ready() -> None:
    """In the host, before the booklet's stylesheet is known: register the fonts, and parse
    the C types every worker would parse.

    (Laying out and writing a page of text here as well, to warm WeasyPrint's caches for
    every worker, saved the workers nothing measurable: 10 builds each way.)
    """
    shared_fonts()
    parse_c_types()


def engine_for(css: str, root: str, allowed: list[str]) -> LayoutEngine:
    """In the host: the booklet's layout engine."""
    return LayoutEngine(css, Path(root), [Path(p) for p in allowed])


def run(engine: LayoutEngine | None, job: PartJob, channel: Connection) -> int:
    """In a freshly forked worker: do ``job``, report any failure; the exit code."""
    try:
        if engine is None:
            raise RuntimeError("the layout host was sent no stylesheet")
        lay_out_part(engine, job, channel)
        return 0
    except BaseException:  # noqa: BLE001 - everything goes back to the build, as text
        with contextlib.suppress(OSError):  # if the build has gone, nobody is left to tell
            channel.send(("failed", traceback.format_exc()))
        return 1
    finally:
        channel.close()


class _LayOutAgain(Exception):  # noqa: N818 - not an error: a layout given up on purpose
    """Raised once a part is paginated, to lay it out again with this HTML."""

    def __init__(self, html: str):
        self.html = html


def _lay_out_numbered_late(engine: LayoutEngine, job: PartJob, channel: Channel) -> Any:
    """Lay out a part whose first page number the build sends once told its page count.
    A part with a fault that :mod:`.relayout` can mend is laid out again before its count
    is sent: the build never learns of a layout that was given up."""
    mender = Mender(job.html)

    def paginated(pages: list[Any]) -> None:
        changed = mender.next_html(page_faults(pages, job.language))
        if changed is not None:
            raise _LayOutAgain(changed)

    def first_page(page_count: int, mirrorable: bool) -> int:
        channel.send(("paginated", (page_count, mirrorable)))
        number: int = channel.recv()
        return number

    html = job.html
    while True:
        try:
            with numbering_decided_late(first_page, paginated):
                return engine.layout(html)
        except _LayOutAgain as again:
            html = again.html


def lay_out_part(engine: LayoutEngine, job: PartJob, channel: Channel) -> None:
    """Lay out one part, numbered from ``job.first_page`` or from the number the build
    sends once the part is paginated; report it; send its PDF objects (or, for a ``whole``
    job, the PDF file)."""
    refused_before = len(engine.fetcher.refused)
    if job.first_page is None:
        document = _lay_out_numbered_late(engine, job, channel)
    else:
        first = job.first_page
        document = lay_out_mended(lambda html: engine.layout(html, first), job.html,
                                  job.language)
    blanks = job.blank_pages + (1 if job.pad_to_even and len(document.pages) % 2 else 0)
    if blanks:
        blank = engine.layout(BLANK_PAGE_HTML).pages[0]
        document = document.copy([*document.pages, *[blank] * blanks])
    refused = engine.fetcher.refused[refused_before:]
    if job.whole:  # a file of its own: no anchors or bookmarks to join
        channel.send(("laid out", PartLayout(len(document.pages), {}, [], refused)))
        channel.send(("pdf", write_document(document, labels=booklet_labels(0))))
        channel.send(("faults", layout_faults(document, job.language)))
        return
    anchors: dict[str, int] = {}
    record_anchors(document, 0, anchors)
    channel.send(("laid out", PartLayout(len(document.pages), anchors, bookmark_tree(document),
                                         refused)))
    channel.send(("written", capture(document, job.part)))
    channel.send(("faults", layout_faults(document, job.language)))

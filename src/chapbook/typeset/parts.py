"""A booklet laid out in parts, each by a worker of the layout host, and joined into one PDF.

The runs of chapters are laid out at once, one worker each. A run cannot know its first page
number until the runs before it are paginated, but only its folios depend on it: each worker
reports its page count, is told where it starts, and only then makes its page margins
(:func:`.internals.numbering_decided_late`). With the body's anchors known, the back matter
is laid out (the glossary lists the pages each term is used on), then the front matter
(the contents need every page), each by a worker of its own while the runs make their PDF
objects. The parts are
joined with their tags, links and bookmarks (:func:`.internals.join`).

This process renders HTML, hands out page numbers and joins; it never imports WeasyPrint,
which the host has imported meanwhile (:mod:`.host`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..collector import collection_paused
from ..diagnostics import Diagnostics
from ..output import write_atomic
from ..render.html import BookRenderer
from .clock import Clock
from .host import LayoutHost, Worker
from .inputs import layout_stylesheet, report_refused
from .internals import BookmarkTree, join, shift_bookmarks
from .labels import LabelRange, booklet_labels, folio
from .messages import PartJob, PartLayout

if TYPE_CHECKING:
    from .layout_report import Fault

Progress = Callable[[str], None]

#: Below this much body HTML (about ten pages), one process is quicker than several:
#: starting the workers and joining their PDFs costs about what ten pages of layout take.
PARALLEL_MIN_HTML = 40_000


def split_evenly(weights: Sequence[float], groups: int) -> list[list[int]]:
    """Indexes ``0..len(weights)-1`` cut into at most ``groups`` runs of about equal weight,
    keeping order (a part is a run of consecutive chapters)."""
    groups = max(1, min(groups, len(weights)))
    total = sum(weights) or 1.0
    runs: list[list[int]] = [[]]
    done = 0.0
    for index, weight in enumerate(weights):
        boundary = total * len(runs) / groups
        left = len(weights) - index
        # Start a new run when this item would carry the current one past its share by more
        # than stopping short would leave it under, or when the items left are just enough
        # to give every remaining run one.
        if runs[-1] and len(runs) < groups and (
                done + weight / 2 > boundary or left == groups - len(runs)):
            runs.append([])
        runs[-1].append(index)
        done += weight
    return runs


def chapter_runs(renderer: BookRenderer, processes: int, *, decide: bool) -> list[list[int]]:
    """The chapters cut into runs that take about as long to lay out, one per process; with
    ``decide``, a single run if the body is too short to gain from more."""
    book = renderer.book
    if not book.chapters:
        return []
    # The length of each chapter's HTML: the renderer keeps it for the documents rendered
    # next, so measuring costs nothing twice.
    weights = [float(sum(len(renderer.html(f)) for f in chapter.fragments()))
               for chapter in book.chapters]
    weights[-1] += sum(len(renderer.html(event.event)) for event in book.timeline)
    if decide and sum(weights) < PARALLEL_MIN_HTML:
        return [list(range(len(book.chapters)))]
    return split_evenly(weights, processes)


@dataclass
class PartsTypeset:
    """The booklet laid out in parts whose workers are still making their PDF objects."""

    #: The workers in the order of their parts (front matter, runs of chapters, back matter).
    workers: list[Worker]
    #: The booklet's pages in order as (part, page in part).
    order: list[tuple[int, int]]
    bookmarks: BookmarkTree
    timings: dict[str, float] = field(default_factory=dict)
    #: The page labels: the folios (roman front matter, arabic body).
    labels: list[LabelRange] = field(default_factory=lambda: booklet_labels(0))
    #: The layout report, once written: each fault with the folio of its page.
    faults: list[tuple[str, Fault]] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return len(self.order)

    def write(self, target: Path) -> None:
        """Wait for every part's PDF objects and write the joined booklet (atomically)."""
        try:
            parts = [worker.receive("written") for worker in self.workers]
            joined = {place: index for index, place in enumerate(self.order)}
            for part, worker in enumerate(self.workers):
                self.faults += [(folio(joined[part, fault.page], self.labels), fault)
                                for fault in worker.receive("faults")
                                if (part, fault.page) in joined]
            with collection_paused():
                write_atomic(target, lambda handle: join(
                    parts, self.order, self.bookmarks, handle,
                    producer_note=f"(laid out in {len(parts)} parts, joined by chapbook)",
                    labels=self.labels))
        finally:
            self.close()

    def close(self) -> None:
        for worker in self.workers:
            worker.close()


def typeset_in_parts(renderer: BookRenderer, host: LayoutHost, runs: list[list[int]],
                     diagnostics: Diagnostics, progress: Progress,
                     bleed: bool = False) -> PartsTypeset:
    """Lay out ``runs`` of chapters, then the back and the front matter, by the host's
    workers; the parts are joined when the result is written."""
    book = renderer.book
    language = book.config.language
    clock = Clock()
    css, allowed = layout_stylesheet(renderer, bleed)
    host.configure(css, book.root, allowed)
    with clock("render"):
        htmls = [renderer.render_document(
            ("body",), chapters=[book.chapters[i] for i in run],
            timeline=bool(book.timeline) and run is runs[-1]) for run in runs]
    progress(f"laying out the chapters in {len(runs)} processes")
    refused: list[tuple[str, str]] = []
    workers: list[Worker] = []
    try:
        with clock("layout"):
            workers += [host.spawn(PartJob(part, html, first_page=None, language=language))
                        for part, html in enumerate(htmls, start=1)]
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
            refused += layout.refused

        back_part = len(runs) + 1
        progress("laying out the glossary and references")
        with clock("render"):
            html = renderer.render_document(("back",), pages=pages)
        with clock("layout"):
            back_worker = host.spawn(PartJob(back_part, html, first_page=first,
                                             language=language))
            workers.append(back_worker)
            back = back_worker.receive("laid out")
        for anchor, index in back.anchors.items():
            pages.setdefault(anchor, first + index)
        refused += back.refused

        progress("laying out the title page and contents")
        run_blanks = sum(layout.page_count % 2 for layout in layouts)
        with clock("render"):
            html = renderer.render_document(("front",), pages=pages)
        with clock("layout"):
            front_worker = host.spawn(PartJob(0, html, blank_pages=run_blanks,
                                              pad_to_even=True, language=language))
            workers.insert(0, front_worker)
            front = front_worker.receive("laid out")
        refused += front.refused
    except BaseException:
        for worker in workers:
            worker.close()
        raise
    report_refused(book, refused, diagnostics)

    # Part 0 holds the front matter, then the blank pages that pad odd runs.
    blank = front.page_count - run_blanks
    order = [(0, index) for index in range(blank)]
    for part, layout in enumerate(layouts, start=1):
        order += [(part, index) for index in range(layout.page_count)]
        if layout.page_count % 2:
            order.append((0, blank))
            blank += 1
    order += [(back_part, index) for index in range(back.page_count)]

    joined_page: dict[int, dict[int, int]] = {}  # part -> page in part -> page in book
    for index, (part, page) in enumerate(order):
        joined_page.setdefault(part, {})[page] = index
    trees = [(0, front.bookmarks),
             *((part, layout.bookmarks) for part, layout in enumerate(layouts, start=1)),
             (back_part, back.bookmarks)]
    bookmarks = sorted(
        (item for part, tree in trees
         for item in shift_bookmarks(tree, joined_page.get(part, {}))),
        key=lambda item: item[1][0])
    return PartsTypeset(workers, order, bookmarks, clock.totals,
                        booklet_labels(front.page_count - run_blanks))


@dataclass
class WholeTypeset:
    """One document (a handout) laid out by a worker, which is making its PDF."""

    worker: Worker
    page_count: int
    timings: dict[str, float] = field(default_factory=dict)
    #: The layout report, once written: each fault with the folio of its page.
    faults: list[tuple[str, Fault]] = field(default_factory=list)

    def write(self, target: Path) -> None:
        """Wait for the worker's PDF and write it (atomically)."""
        try:
            write_atomic(target, self.worker.receive("pdf"))
            self.faults = [(str(fault.page + 1), fault)
                           for fault in self.worker.receive("faults")]
        finally:
            self.close()

    def close(self) -> None:
        self.worker.close()


def typeset_whole(renderer: BookRenderer, host: LayoutHost, html: str, stylesheet: str,
                  diagnostics: Diagnostics, bleed: bool = False) -> WholeTypeset:
    """Lay out one self-contained document by a worker of the host: what a one-off handout
    gains from the host is WeasyPrint imported while the sources were read."""
    clock = Clock()
    language = renderer.book.config.language
    css, allowed = layout_stylesheet(renderer, bleed, stylesheet)
    host.configure(css, renderer.book.root, allowed)
    with clock("layout"):
        worker = host.spawn(PartJob(0, html, whole=True, language=language))
        try:
            layout: PartLayout = worker.receive("laid out")
        except BaseException:
            worker.close()
            raise
    report_refused(renderer.book, layout.refused, diagnostics)
    return WholeTypeset(worker, layout.page_count, clock.totals)

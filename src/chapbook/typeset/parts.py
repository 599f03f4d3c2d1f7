"""A booklet laid out in parts, each by a worker of the layout host, and joined into one PDF.

The chapters are cut into runs by their content alone (:func:`runs_of`): the parts shape the
PDF's objects, so the same sources make the same parts, and the same bytes, on any machine
and with any ``--jobs``. ``--jobs`` only says how many workers lay runs out at once; with
one (or where forking is not safe) the same parts are laid out one after another in this
process (:mod:`.in_process`) and joined the same way.

A run cannot know its first page number until the runs before it are paginated, but only
its folios depend on it: each worker reports its page count, is told where it starts, and
only then makes its page margins (:func:`.internals.numbering_decided_late`). With the
body's anchors known, the back matter is laid out (the glossary lists the pages each term is
used on), then the front matter (the contents need every page), each by a worker of its own
while the runs make their PDF objects. The parts are joined with their tags, links and
bookmarks (:func:`.internals.join`), each font embedded once (:mod:`.fontmerge`).

With a host, this process renders HTML, hands out page numbers and joins; it never imports
WeasyPrint, which the host has imported meanwhile (:mod:`.host`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..collector import collection_paused
from ..diagnostics import Diagnostics
from ..output import write_atomic
from ..render.html import BookRenderer
from ..resolve.languages import other_languages
from .clock import Clock
from .host import LayoutHost, PartsUnavailable, Worker
from .in_process import InProcess, PartDone
from .inputs import layout_stylesheet, report_refused
from .internals import BookmarkTree, join, shift_bookmarks
from .labels import LabelRange, booklet_labels, folio
from .messages import PartJob, PartLayout

if TYPE_CHECKING:
    from .layout_report import Fault

Progress = Callable[[str], None]

#: About this much body HTML goes into one part (some thirty of the booklet's pages). The
#: chapters are cut into parts by their content alone, never by the number of processes or
#: cores: the parts shape the PDF's objects, so a cut that followed the machine gave another
#: PDF on every machine. Each part pays for setting up its fonts and stylesheet again, so
#: parts half this size (the booklet in four runs) made the booklet slower on two cores,
#: the machines chapbook is measured and tested on (benchmarks/RESULTS.md).
PART_HTML = 60_000


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


def runs_of(weights: Sequence[float], part_size: float | None = None) -> list[list[int]]:
    """The chapters of ``weights`` cut into runs of about ``part_size`` (:data:`PART_HTML`)
    each, at least one run and at most one per chapter, of about equal weight: a rule of the
    content alone."""
    if not weights:
        return []
    parts = max(1, min(len(weights), math.ceil(sum(weights) / (part_size or PART_HTML))))
    return split_evenly(weights, parts)


def chapter_runs(renderer: BookRenderer) -> list[list[int]]:
    """The booklet's chapters cut into the runs laid out as parts (:func:`runs_of`)."""
    book = renderer.book
    if not book.chapters:
        return []
    # The length of each chapter's HTML: the renderer keeps it for the documents rendered
    # next, so measuring costs nothing twice.
    weights = [float(sum(len(renderer.html(f)) for f in chapter.fragments()))
               for chapter in book.chapters]
    weights[-1] += sum(len(renderer.html(event.event)) for event in book.timeline)
    return runs_of(weights)


class FirstPages:
    """The first page of each run: the odd page after the runs before it, so known once
    every run before it is paginated, in whatever order the runs are paginated."""

    def __init__(self, runs: int):
        self.counts: list[int | None] = [None] * runs
        self.first = [1]
        self.told: set[int] = set()

    def paginated(self, run: int, count: int) -> list[tuple[int, int]]:
        """Run ``run`` has ``count`` pages: the (run, first page) of each run that has
        asked and whose first page is now known."""
        self.counts[run] = count
        while len(self.first) <= len(self.counts):
            before = self.counts[len(self.first) - 1]
            if before is None:
                break
            self.first.append(self.first[-1] + before + before % 2)
        known = [(index, self.first[index]) for index, asked in enumerate(self.counts)
                 if asked is not None and index < len(self.first) and index not in self.told]
        self.told.update(index for index, _ in known)
        return known

    def decide(self, run: int, count: int) -> int:
        """Run ``run``'s first page, every run before it paginated already (one process)."""
        self.paginated(run, count)
        return self.first[run]

    @property
    def end(self) -> int:
        """The page after the last run (all paginated): where the back matter starts."""
        return self.first[len(self.counts)]


def lay_out_runs(host: LayoutHost, jobs: list[PartJob], limit: int, first_pages: FirstPages
                 ) -> tuple[list[Worker], list[PartLayout]]:
    """Lay ``jobs`` (the runs) out by workers of ``host``, at most ``limit`` at once, in
    order; tell each its first page as soon as it is known. A worker that has laid its run
    out makes its part's PDF objects while the next run starts; they are read as they come
    (and kept for :meth:`PartsTypeset.write`), so that a worker that is done ends and gives
    back its memory, however many runs the booklet has."""
    workers: list[Worker] = []
    layouts: dict[int, PartLayout] = {}
    expected: dict[int, list[str]] = {}  # run -> the messages still to come from its worker
    try:
        while len(layouts) < len(jobs):
            laying = sum(1 for run in expected if "laid out" in expected[run])
            while len(workers) < len(jobs) and laying < limit:
                expected[len(workers)] = ["paginated", "laid out", "written", "faults"]
                workers.append(host.spawn(jobs[len(workers)]))
                laying += 1
            channels: dict[Any, int] = {workers[run].channel: run for run in expected}
            for channel in wait(list(channels)):
                run = channels[channel]
                kind = expected[run].pop(0)
                if kind == "paginated":
                    for told, first in first_pages.paginated(
                            run, workers[run].receive("paginated")):
                        workers[told].send(first)
                elif kind == "laid out":
                    layouts[run] = workers[run].receive("laid out")
                else:
                    workers[run].read_ahead(kind)
                if not expected[run]:
                    del expected[run]
    except BaseException:
        for worker in workers:
            worker.close()
        raise
    return workers, [layouts[run] for run in range(len(jobs))]


@dataclass
class PartsTypeset:
    """The booklet laid out in parts whose workers are still making their PDF objects."""

    #: The workers (or the parts laid out in this process) in the order of their parts:
    #: front matter, runs of chapters, back matter.
    workers: list[Worker | PartDone]
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


def typeset_in_parts(renderer: BookRenderer, host: LayoutHost | None, runs: list[list[int]],
                     diagnostics: Diagnostics, progress: Progress, *, jobs: int = 1,
                     bleed: bool = False) -> PartsTypeset:
    """Lay out ``runs`` of chapters, then the back and the front matter, each as a part:
    by the host's workers, at most ``jobs`` at once, or without a host one after another in
    this process (:mod:`.in_process`); the parts are joined when the result is written.

    Raises :class:`.host.PartsUnavailable` before anything is rendered or laid out if the
    installed WeasyPrint or pydyf lacks what the parts need.
    """
    book = renderer.book
    language = book.config.language
    clock = Clock()
    css, allowed = layout_stylesheet(renderer, bleed)
    here = InProcess([language, *other_languages(book)])  # used only without a host
    with clock("layout"):  # in this process, that includes importing WeasyPrint
        missing = (host or here).configure(css, book.root, allowed)
    if missing:
        raise PartsUnavailable("; ".join(missing))
    with clock("render"):
        htmls = [renderer.render_document(
            ("body",), chapters=[book.chapters[i] for i in run],
            timeline=bool(book.timeline) and run is runs[-1]) for run in runs]
    progress(f"laying out the chapters in {len(runs)} parts"
             + (f", {min(jobs, len(runs))} at once" if host is not None else ""))
    jobs_of_runs = [PartJob(part, html, first_page=None, language=language)
                    for part, html in enumerate(htmls, start=1)]
    first_pages = FirstPages(len(runs))
    refused: list[tuple[str, str]] = []
    workers: list[Worker | PartDone] = []

    def lay_out(job: PartJob) -> PartLayout:
        worker = host.spawn(job) if host is not None else here.lay_out(job)
        workers.append(worker)
        layout: PartLayout = worker.receive("laid out")
        return layout

    try:
        with clock("layout"):
            if host is not None:
                run_workers, layouts = lay_out_runs(host, jobs_of_runs, jobs, first_pages)
                workers += run_workers
            else:
                for run, job in enumerate(jobs_of_runs):
                    workers.append(here.lay_out(job,
                                                functools.partial(first_pages.decide, run)))
                layouts = [worker.receive("laid out") for worker in workers]
        pages: dict[str, int] = {}
        for first_page, layout in zip(first_pages.first, layouts, strict=False):
            for anchor, index in layout.anchors.items():
                pages.setdefault(anchor, first_page + index)
            refused += layout.refused

        back_part, first = len(runs) + 1, first_pages.end
        progress("laying out the glossary and references")
        with clock("render"):
            html = renderer.render_document(("back",), pages=pages)
        with clock("layout"):
            back = lay_out(PartJob(back_part, html, first_page=first, language=language))
        for anchor, index in back.anchors.items():
            pages.setdefault(anchor, first + index)
        refused += back.refused

        progress("laying out the title page and contents")
        run_blanks = sum(layout.page_count % 2 for layout in layouts)
        with clock("render"):
            html = renderer.render_document(("front",), pages=pages)
        with clock("layout"):
            front = lay_out(PartJob(0, html, blank_pages=run_blanks, pad_to_even=True,
                                    language=language))
        workers.insert(0, workers.pop())  # the front matter is part 0
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

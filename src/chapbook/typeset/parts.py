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
from ..render.html import BACK_SECTIONS, BookRenderer
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
    """The first page of each part after the front matter (the runs of chapters, then the
    back matter's), known once every part before it is paginated, in whatever order they
    are paginated.

    When chapters open on the right (``recto``), every part starts on a right-hand page: a
    blank page goes before it when the part before ends on a right-hand page. Otherwise a
    part starts on the next page, whichever side it is: one laid out once its first page
    is known (the glossary) is laid out as a page of that side, and one laid out before
    (a run of chapters), from a right-hand page, has its pages mirrored once it is told
    it starts on a left-hand one (:func:`.internals.numbering_decided_late`). Where that
    cannot be done (a project's layout whose left- and right-hand text blocks differ), the
    run says so as it reports its page count, and starts on a right-hand page.
    """

    def __init__(self, parts: int, recto: Sequence[bool | None] | None = None):
        self.counts: list[int | None] = [None] * parts
        #: Whether each part must start on a right-hand (odd) page; None for a run that
        #: says so once paginated.
        self.recto = list(recto) if recto is not None else [True] * parts
        self.first = [1]
        self.told: set[int] = set()

    def paginated(self, part: int, count: int, mirrorable: bool = True
                  ) -> list[tuple[int, int]]:
        """Part ``part`` has ``count`` pages (which can be mirrored to start on a left-hand
        page, or not): the (part, first page) of each part that is paginated and whose
        first page is now known, each said once."""
        self.counts[part] = count
        if self.recto[part] is None:
            self.recto[part] = not mirrorable
        while len(self.first) <= len(self.counts):
            before = self.counts[len(self.first) - 1]
            following = len(self.first)
            if before is None or (following < len(self.counts)
                                  and self.recto[following] is None):
                break
            page = self.first[-1] + before
            if following < len(self.counts) and self.recto[following] and page % 2 == 0:
                page += 1
            self.first.append(page)
        known = [(index, self.first[index]) for index, asked in enumerate(self.counts)
                 if asked is not None and index < len(self.first) and index not in self.told]
        self.told.update(index for index, _ in known)
        return known

    def decide(self, part: int, count: int, mirrorable: bool = True) -> int:
        """Part ``part``'s first page, every part before it paginated already (one
        process)."""
        self.paginated(part, count, mirrorable)
        return self.first[part]

    def known(self, part: int) -> int | None:
        """Part ``part``'s first page, if every part before it is paginated."""
        return self.first[part] if part < len(self.first) else None

    def blank_after(self, part: int) -> bool:
        """Whether a blank page follows part ``part`` (all paginated)."""
        count = self.counts[part]
        return (part + 1 < len(self.counts) and count is not None
                and self.first[part + 1] > self.first[part] + count)


#: The messages a worker sends, in order: a part laid out before its first page is known
#: asks for it once paginated.
_NUMBERED_LATE = ("paginated", "laid out", "written", "faults")
_NUMBERED = ("laid out", "written", "faults")


def lay_out_parts(host: LayoutHost, jobs: list[PartJob], limit: int, first_pages: FirstPages,
                  then: Callable[[dict[int, PartLayout]], list[PartJob]]
                  ) -> tuple[dict[int, Worker], dict[int, PartLayout]]:
    """Lay ``jobs`` out by workers of ``host``, at most ``limit`` at once, in order, and the
    jobs ``then`` adds once it sees what is laid out (the glossary needs the pages of the
    chapters); tell each part that asks its first page as soon as it is known.

    A part's place among :class:`FirstPages` is its number less one (0 is the front
    matter). A worker that has laid its part out makes its part's PDF objects while the
    next part starts; they are read as they come (and kept for :meth:`PartsTypeset.write`),
    so that a worker that is done ends and gives back its memory, however many parts the
    booklet has. A part counts against ``limit`` until it is paginated: one that waits for
    its first page lays nothing out.
    """
    jobs = list(jobs)
    numbered_late = {job.part for job in jobs if job.first_page is None}
    workers: dict[int, Worker] = {}
    layouts: dict[int, PartLayout] = {}
    expected: dict[int, list[str]] = {}  # part -> the messages still to come from its worker
    spawned = 0  # jobs[spawned:] wait for a worker
    try:
        while spawned < len(jobs) or len(layouts) < len(jobs):
            laying = sum(1 for part, left in expected.items()
                         if ("paginated" if part in numbered_late else "laid out") in left)
            while spawned < len(jobs) and laying < limit:
                job = jobs[spawned]
                expected[job.part] = list(_NUMBERED_LATE if job.part in numbered_late
                                          else _NUMBERED)
                workers[job.part] = host.spawn(job)
                spawned += 1
                laying += 1
            channels: dict[Any, int] = {workers[part].channel: part for part in expected}
            for channel in wait(list(channels)):
                part = channels[channel]
                kind = expected[part].pop(0)
                told: list[tuple[int, int]] = []
                if kind == "paginated":
                    told = first_pages.paginated(part - 1, *workers[part].receive(kind))
                elif kind == "laid out":
                    layouts[part] = workers[part].receive(kind)
                    if part not in numbered_late:  # its count is news to the parts after
                        told = first_pages.paginated(part - 1, layouts[part].page_count)
                    more = then(layouts)
                    numbered_late.update(job.part for job in more if job.first_page is None)
                    jobs += more
                else:
                    workers[part].read_ahead(kind)
                for index, first in told:
                    if index + 1 in numbered_late:
                        workers[index + 1].send(first)
                if not expected[part]:
                    del expected[part]
    except BaseException:
        for worker in workers.values():
            worker.close()
        raise
    return workers, layouts


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

    The glossary lists the pages its terms are used on, so it is laid out once the runs
    are; the references need no page of the body, so where they start a part of their own
    (the back matter is chapbook's own layout, not a project's that may hold more) they
    are laid out beside the runs. The contents need every page, so the front matter comes
    last.

    Raises :class:`.host.PartsUnavailable` before anything is rendered or laid out if the
    installed WeasyPrint or pydyf lacks what the parts need.
    """
    book = renderer.book
    language = book.config.language
    recto = book.config.chapter_opening == "right"
    clock = Clock()
    css, allowed = layout_stylesheet(renderer, bleed)
    here = InProcess([language, *other_languages(book)],  # used only without a host
                     book.config.hyphenation)
    with clock("layout"):  # in this process, that includes importing WeasyPrint
        missing = (host or here).configure(css, book.root, allowed)
    if missing:
        raise PartsUnavailable("; ".join(missing))
    split = (bool(book.glossary)
             and bool(book.references_for(renderer.options.teacher))
             and renderer.own_layout("back-matter.html.j2")
             and renderer.own_layout("document.html.j2"))
    back_part = len(runs) + 1  # the glossary, or the whole back matter
    with clock("render"):
        part_jobs = [PartJob(part, renderer.render_document(
            ("body",), chapters=[book.chapters[i] for i in run],
            timeline=bool(book.timeline) and run is runs[-1]), first_page=None,
            language=language) for part, run in enumerate(runs, start=1)]
        if split:
            part_jobs.append(PartJob(back_part + 1, renderer.render_document(
                ("back",), back=("references",)), first_page=None, language=language))
    progress(f"laying out the chapters in {len(runs)} parts"
             + (f", {min(jobs, len(runs))} at once" if host is not None else ""))
    parts = len(part_jobs) + 1
    # a part laid out before its first page is known (a run, the references) says whether
    # it can start on a left-hand page once it is paginated; the glossary is laid out as a
    # page of its side
    late = True if recto else None
    first_pages = FirstPages(parts, [late] * len(runs) + [recto] + ([late] if split else []))

    def pages_of(layouts: dict[int, PartLayout]) -> dict[str, int]:
        """Each anchor's page number in the parts laid out so far."""
        pages: dict[str, int] = {}
        for part in sorted(layouts):
            for anchor, index in layouts[part].anchors.items():
                pages.setdefault(anchor, first_pages.first[part - 1] + index)
        return pages

    def back_matter(layouts: dict[int, PartLayout]) -> list[PartJob]:
        """The glossary (or all the back matter), once every run is laid out."""
        if back_part in layouts or any(part not in layouts for part in range(1, back_part)):
            return []
        if any(job.part == back_part for job in part_jobs):
            return []
        progress("laying out the glossary" + ("" if split else " and references"))
        with clock("render"):
            html = renderer.render_document(("back",), pages=pages_of(layouts),
                                            back=("glossary",) if split else BACK_SECTIONS)
        job = PartJob(back_part, html, first_page=first_pages.known(back_part - 1),
                      language=language)
        part_jobs.append(job)
        return [job]

    workers: dict[int, Worker | PartDone] = {}
    layouts: dict[int, PartLayout] = {}
    try:
        with clock("layout"):
            if host is not None:
                run_workers, layouts = lay_out_parts(host, part_jobs, jobs, first_pages,
                                                     back_matter)
                workers.update(run_workers)
            else:
                queue = list(part_jobs)
                while queue:
                    job = queue.pop(0)
                    late = job.first_page is None
                    workers[job.part] = here.lay_out(
                        job, functools.partial(first_pages.decide, job.part - 1)
                        if late else None)
                    layouts[job.part] = workers[job.part].receive("laid out")
                    if not late:
                        first_pages.paginated(job.part - 1, layouts[job.part].page_count)
                    queue[:0] = back_matter(layouts)
        refused = [item for part in sorted(layouts) for item in layouts[part].refused]

        progress("laying out the title page and contents")
        blanks = sum(first_pages.blank_after(index) for index in range(parts))
        with clock("render"):
            html = renderer.render_document(("front",), pages=pages_of(layouts))
        front_job = PartJob(0, html, blank_pages=blanks, pad_to_even=True, language=language)
        with clock("layout"):
            workers[0] = host.spawn(front_job) if host is not None else here.lay_out(front_job)
            front: PartLayout = workers[0].receive("laid out")
        refused += front.refused
    except BaseException:
        for worker in workers.values():
            worker.close()
        raise
    report_refused(book, refused, diagnostics)

    # Part 0 holds the front matter, then the blank pages that go between parts.
    blank = front.page_count - blanks
    order = [(0, index) for index in range(blank)]
    for part in range(1, parts + 1):
        order += [(part, index) for index in range(layouts[part].page_count)]
        if first_pages.blank_after(part - 1):
            order.append((0, blank))
            blank += 1

    joined_page: dict[int, dict[int, int]] = {}  # part -> page in part -> page in book
    for index, (part, page) in enumerate(order):
        joined_page.setdefault(part, {})[page] = index
    trees = [(0, front.bookmarks), *((part, layouts[part].bookmarks) for part in layouts)]
    bookmarks = sorted(
        (item for part, tree in trees
         for item in shift_bookmarks(tree, joined_page.get(part, {}))),
        key=lambda item: item[1][0])
    return PartsTypeset([workers[part] for part in range(parts + 1)], order, bookmarks,
                        clock.totals, booklet_labels(front.page_count - blanks))


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

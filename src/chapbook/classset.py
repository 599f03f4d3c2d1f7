"""The class set: every PDF a teacher prints for a course, made in one run on every core.

``chapbook build --all`` makes both editions of the booklet, a handout of every chapter in
both editions, and the student booklet imposed for folding (``<slug>-booklet.pdf``);
``chapbook handout`` makes one or more handouts through the same machinery.

Loading and resolving is done once in this process, which also reports its
problems and stops on errors. Typesetting is the slow part (seconds per PDF, one core per
WeasyPrint layout), so each PDF is one job in a :class:`ProcessPoolExecutor` with a worker
per core. WeasyPrint documents do not pickle, so a worker lays out and writes its own PDFs
and sends back only paths, descriptions and diagnostics. Where processes are forked (Linux)
workers inherit the resolved book; elsewhere each worker prepares it once and keeps it, and
keeps its handout typesetters too, so CSS and fonts are loaded once per worker and edition.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import ChapbookError, Diagnostic, Diagnostics
from .handouts import HandoutMaker, find_chapter
from .model import Book
from .pipeline import (
    BuildOptions,
    BuildResult,
    Progress,
    output_dir,
    prepare,
    style_name,
    write_booklet,
)
from .typeset.host import LayoutHost, discard_prestarted

EDITIONS = ("student", "teacher")


@dataclass(frozen=True)
class Job:
    """One PDF to make: the booklet or one chapter's handout, in one edition."""

    kind: str                  # "booklet" or "handout"
    edition: str
    chapter: str = ""          # the chapter's slug, for a handout
    impose: str | None = None  # also write this imposed copy

    @property
    def label(self) -> str:
        what = "booklet" if self.kind == "booklet" else f"handout {self.chapter}"
        return f"{what} ({self.edition})"


@dataclass
class JobResult:
    job: Job
    written: list[tuple[Path, str]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0


# -- in the worker --------------------------------------------------------------------------------

#: Per process: the resolved book for (root, style, paper), and handout makers per edition.
_BOOKS: dict[tuple[str, str | None, str | None], Book] = {}
_MAKERS: dict[tuple[str, str | None, str | None, str, bool], HandoutMaker] = {}


def _key(root: Path, options: BuildOptions) -> tuple[str, str | None, str | None]:
    return (str(Path(root).resolve()), options.style, options.paper)


def _book(root: Path, options: BuildOptions) -> Book:
    key = _key(root, options)
    if key not in _BOOKS:
        _BOOKS[key] = prepare(root, options, Diagnostics())  # reported by the parent already
    return _BOOKS[key]


def run_job(root: Path, options: BuildOptions, job: Job,
            host: LayoutHost | None = None) -> JobResult:
    """Make one PDF (and its imposed copy); safe to call in a worker process or in-process.

    A handout made in this process may be laid out by a worker of the layout ``host``.
    """
    start = time.perf_counter()
    book = _book(root, options)
    outcome = JobResult(job)
    # The class set already keeps every core busy with whole PDFs: one process per booklet.
    job_options = dataclasses.replace(options, edition=job.edition, impose=job.impose, jobs=1)
    try:
        if job.kind == "booklet":
            result = BuildResult(Diagnostics())
            write_booklet(book, job_options, result)
            outcome.written = [(path, result.details.get(path, "")) for path in result.outputs]
            outcome.diagnostics = result.diagnostics.items
        else:
            teacher = job.edition == "teacher"
            key = (*_key(root, options), "handout", teacher)
            if key not in _MAKERS:
                _MAKERS[key] = HandoutMaker(book, style_name(book, options), teacher,
                                            bleed=options.bleed)
            maker = _MAKERS[key]
            before = len(maker.diagnostics)
            chapter = find_chapter(book, job.chapter)
            outcome.written = maker.write(chapter, output_dir(book, options), job.impose,
                                          strict=options.strict, host=host,
                                          sheet=options.sheet)
            outcome.diagnostics = maker.diagnostics.items[before:]
    except ChapbookError as exc:
        outcome.diagnostics = list(exc.diagnostics)
    outcome.seconds = time.perf_counter() - start
    return outcome


# -- in the parent --------------------------------------------------------------------------------

def _pool(workers: int) -> ProcessPoolExecutor:
    """Forked workers inherit the resolved book; where fork is unavailable they prepare it."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork") if "fork" in methods else None
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def run_jobs(root: Path, options: BuildOptions, book: Book, jobs: list[Job],
             result: BuildResult, progress: Progress, workers: int | None = None,
             host: LayoutHost | None = None) -> None:
    """Run the jobs, several at once when there are several; collect outputs into ``result``.

    ``book`` is the book this process prepared: forked workers start from it. A single job
    may be handed to the layout ``host``.
    """
    _BOOKS[_key(root, options)] = book
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    outcomes: dict[Job, JobResult] = {}
    if workers == 1:
        for job in jobs:
            progress(f"typesetting the {job.label}")
            outcomes[job] = run_job(root, options, job, host)
    else:
        progress(f"typesetting {len(jobs)} PDFs in {workers} processes")
        with _pool(workers) as pool:
            pending: dict[Future[JobResult], Job] = {
                pool.submit(run_job, root, options, job): job for job in jobs}
            done_count = 0
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    job = pending.pop(future)
                    outcomes[job] = future.result()
                    done_count += 1
                    progress(f"{done_count}/{len(jobs)} {job.label} "
                             f"({outcomes[job].seconds:.1f}s)")
    seen = set(result.diagnostics.items)
    for job in jobs:  # report in the order asked for, whatever order they finished in
        outcome = outcomes[job]
        new = [d for d in outcome.diagnostics if d not in seen]
        seen.update(new)
        result.diagnostics.extend(new)
        for path, detail in outcome.written:
            result.outputs.append(path)
            result.details[path] = detail
        result.timings[job.label] = outcome.seconds


def class_set_jobs(book: Book, options: BuildOptions) -> list[Job]:
    """Both booklets (the student one also imposed), then every handout in both editions.

    The booklets come first: they are the longest jobs, so the handouts fill in around them.
    ``options.impose`` adds that imposition to every PDF of the set.
    """
    extra = options.impose
    return [Job("booklet", "student", impose=extra or "booklet"),
            Job("booklet", "teacher", impose=extra),
            *(Job("handout", edition, chapter.slug, impose=extra)
              for chapter in book.chapters for edition in EDITIONS)]


def _checked_book(root: Path, options: BuildOptions, progress: Progress
                  ) -> tuple[Book | None, BuildResult]:
    """The prepared book, or None (with the diagnostics in the result) if it must not build."""
    result = BuildResult(Diagnostics())
    progress("reading and checking the sources")
    book = prepare(root, options, result.diagnostics, result.timings)
    return (None if result.diagnostics.fail(options.strict) else book), result


def build_class_set(root: Path, options: BuildOptions, progress: Progress | None = None,
                    workers: int | None = None) -> BuildResult:
    """``chapbook build --all``: the whole class set; nothing is written if the sources fail."""
    progress = progress or (lambda step: None)
    start = time.perf_counter()
    book, result = _checked_book(root, options, progress)
    if book is None:
        return result
    run_jobs(root, options, book, class_set_jobs(book, options), result, progress, workers)
    result.timings["total"] = time.perf_counter() - start
    return result


def build_handouts(root: Path, options: BuildOptions, chapters: list[str] | None,
                   progress: Progress | None = None, workers: int | None = None
                   ) -> BuildResult:
    """``chapbook handout``: the named chapters' handouts (all if ``None``) in one edition."""
    progress = progress or (lambda step: None)
    start = time.perf_counter()
    book, result = _checked_book(root, options, progress)
    if book is None:
        return result
    try:
        wanted = book.chapters if chapters is None else [find_chapter(book, c) for c in chapters]
    except ChapbookError as exc:
        result.diagnostics.extend(exc.diagnostics)
        return result
    slugs = dict.fromkeys(chapter.slug for chapter in wanted)  # each chapter once, in order
    jobs = [Job("handout", options.edition, slug, impose=options.impose) for slug in slugs]
    # One handout is laid out by the layout host, started before the sources were read (see
    # chapbook/entry.py); several share the cores in a pool of their own.
    host = None
    if len(jobs) == 1:
        host = LayoutHost.start()
        if host is not None:
            host.expect_language(book.config.language, book.config.hyphenation)
    else:
        discard_prestarted()
    try:
        run_jobs(root, options, book, jobs, result, progress, workers, host)
    finally:
        if host is not None:
            host.close()
    result.timings["total"] = time.perf_counter() - start
    return result

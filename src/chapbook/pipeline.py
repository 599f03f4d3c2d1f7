"""The build, stage by stage: load -> resolve -> render HTML -> typeset -> finish.

The CLI commands are thin wrappers around these functions; tests and the benchmark call them
directly. Each stage reports problems into one :class:`Diagnostics` list, and nothing is
written unless the stages before it found no errors.

Each stage's package is imported when the stage runs, not when this module is: a build that
will lay its pages out in worker processes starts the layout host (which imports WeasyPrint)
before anything else, so that the host and the loading of the sources share the time
on two cores instead of taking it one after the other.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import ChapbookError, Diagnostic, Diagnostics, Severity

if TYPE_CHECKING:
    from .model import Book
    from .render.html import BookRenderer
    from .typeset.host import LayoutHost
    from .typeset.parts import PartsTypeset, WholeTypeset
    from .typeset.pdf import Typeset

Progress = Callable[[str], None]

def default_jobs() -> int:
    """Layout processes when ``--jobs`` is not given: the cores this process may use. The
    number only says how many parts are laid out at once; the parts themselves, and so the
    PDF's bytes, follow the booklet's content alone (typeset/parts.py)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


@dataclass
class BuildOptions:
    """What a build is asked for on the command line; ``None`` means "as chapbook.toml says"."""

    style: str | None = None
    paper: str | None = None
    edition: str = "student"
    format: str = "pdf"
    output: Path | None = None
    strict: bool = False
    bleed: bool = False
    #: Lay out each chapter as its own document so that later builds in the same process
    #: reuse the unchanged ones (the watcher); a one-off build lays the body out in one go,
    #: which is quicker when nothing can be reused.
    incremental: bool = False
    #: 'booklet' or '2up': also write an imposed copy of each PDF (see finish/printing.py).
    impose: str | None = None
    #: The paper the imposed copy goes on ('a4', ...), pages scaled to fit; None: paper
    #: twice the page (finish/impose.py).
    sheet: str | None = None
    #: Render only this chapter (a fast preview while writing it): its printed number, or the
    #: ``NN`` of its file name for an unnumbered chapter. The whole book is still checked.
    chapter: int | None = None
    #: At most this many processes lay the booklet's parts out at once: ``None`` means one
    #: per core (:func:`default_jobs`); 1 lays the same parts out one after another in this
    #: process. The PDF is the same whatever the number (typeset/parts.py).
    jobs: int | None = None


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    outputs: list[Path] = field(default_factory=list)
    page_count: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    #: What to say after an output's name: its pages, or how to print an imposed copy.
    details: dict[Path, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.diagnostics.has_errors()


def load_book(root: Path, diagnostics: Diagnostics, options: BuildOptions | None = None) -> Book:
    """Stage 1: read config, chapters, glossary, timeline and bibliography."""
    from .bibliography import load_bibliography
    from .config import load_config
    from .load.chapters import load_chapters
    from .load.glossary import load_glossary
    from .load.timeline import load_timeline
    from .model import Book

    config = load_config(root, diagnostics)
    if options and options.paper:
        config.paper = options.paper
    unread: list[str] = []
    return Book(
        config=config,
        chapters=load_chapters(config, diagnostics, unread),
        glossary=load_glossary(root, config.glossary, diagnostics, unread),
        timeline=load_timeline(root, config.timeline, diagnostics),
        bibliography=load_bibliography(config.bibliography_files(), root, diagnostics),
        unread=unread,
    )


def keep_what_is_read() -> None:
    """For a process that reads the same booklet again on every save (``watch``,
    ``serve``): keep the parse of each fragment and of each YAML text from one read to the
    next, so that only what an edit changed is parsed again."""
    from .load.yamlfile import keep_parsed_yaml
    from .resolve.structure import keep_parses

    keep_parses()
    keep_parsed_yaml()


def style_name(book: Book, options: BuildOptions | None) -> str:
    return (options.style if options and options.style else None) or book.config.style


def prepare(root: Path, options: BuildOptions, diagnostics: Diagnostics,
            timings: dict[str, float] | None = None) -> Book:
    """Stages 1 and 2, shared by check, build and the class set."""
    from .resolve.passes import resolve_book

    start = time.perf_counter()
    book = load_book(root, diagnostics, options)
    loaded = time.perf_counter()
    resolve_book(book, diagnostics, style_name(book, options))
    if timings is not None:
        timings["load"] = loaded - start
        timings["resolve"] = time.perf_counter() - loaded
    return book


def output_dir(book: Book, options: BuildOptions) -> Path:
    """Where outputs go: ``-o`` as the user gives it, else the booklet's ``output`` folder,
    which must lie inside the project once links are followed (files.py)."""
    if options.output is not None:
        return options.output
    from .files import Refused, output_folder

    try:
        return output_folder(book.root, book.config.output)
    except Refused as exc:
        raise ChapbookError([Diagnostic("chapbook.toml", 0, 0, Severity.ERROR,
                                        f"'output' = {book.config.output!r}: {exc}",
                                        exc.hint)]) from None


def output_target(book: Book, options: BuildOptions, suffix: str) -> Path:
    """The output file for ``options``; refused if a folder has its name."""
    from .files import Refused, output_file

    folder = output_dir(book, options)
    name = output_name(book, options, suffix)
    try:
        return output_file(folder, name)
    except Refused as exc:
        shown = os.path.relpath(folder / name, book.root) if options.output is None \
            else str(folder / name)
        raise ChapbookError([Diagnostic(shown, 0, 0, Severity.ERROR, str(exc),
                                        exc.hint)]) from None


def output_name(book: Book, options: BuildOptions, suffix: str) -> str:
    """``<slug>`` and what the options changed (finish/names.py), then ``suffix``."""
    from .finish.names import variant_suffix

    return book.config.output_slug + variant_suffix(
        book.config, teacher=options.edition == "teacher", style=options.style,
        bleed=options.bleed, chapter=options.chapter) + suffix


def only_chapter(book: Book, number: int, diagnostics: Diagnostics) -> Book:
    """The resolved book cut down to one chapter, for a preview; the timeline is left out."""
    chapter = book.find_chapter(str(number))
    if chapter is None:
        names = ", ".join(f"{c.number if c.number is not None else '-'} ({c.rel})"
                          for c in book.chapters)
        diagnostics.error("chapters", 0, f"there is no chapter {number}",
                          hint=f"the chapters are: {names}" if names else "")
        return book
    return dataclasses.replace(book, chapters=[chapter], timeline=[])


def build(root: Path, options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Make the booklet as PDF or HTML; write nothing if any stage reported an error."""
    result = BuildResult(Diagnostics())
    host = start_layout_host(options)
    if host is not None:
        host.expect_language(configured_language(root))
    try:
        book = checked_book(root, options, result, progress)
        if book is not None and host is not None:
            from .resolve.languages import other_languages

            host.expect_language(book.config.language, book.config.hyphenation)
            for language in other_languages(book):  # read before the workers fork
                host.expect_language(language)
        if book is not None:
            write_output(book, options, result, progress, host)
    finally:
        if host is not None:
            host.close()
    return result


def configured_language(root: Path) -> str:
    """The booklet's language from chapbook.toml, read ahead of the sources for the layout
    host (the sources' reading reports any mistake in the file; here it only means "en")."""
    from .config import load_config

    try:
        return load_config(root, Diagnostics()).language
    except ChapbookError:
        return "en"


def start_layout_host(options: BuildOptions) -> LayoutHost | None:
    """The layout host, if this build may lay its pages out in worker processes (a one-off
    PDF, of the whole booklet in parts or of one chapter; more than one process allowed;
    forking safe); else None."""
    from .typeset.host import LayoutHost, discard_prestarted

    processes = options.jobs or default_jobs()
    if options.format != "pdf" or options.incremental or processes < 2:
        discard_prestarted()
        return None
    return LayoutHost.start()


def checked_book(root: Path, options: BuildOptions, result: BuildResult,
                 progress: Progress | None = None) -> Book | None:
    """Stages 1 and 2 for a build (cut to ``--chapter`` if asked); None if it must not go on.

    Separate from :func:`write_output` so the watcher can write HTML and PDF from one
    reading of the sources.
    """
    (progress or (lambda step: None))("reading and checking the sources")
    book = prepare(root, options, result.diagnostics, result.timings)
    if options.chapter is not None:
        book = only_chapter(book, options.chapter, result.diagnostics)
    return None if result.diagnostics.fail(options.strict) else book


def write_output(book: Book, options: BuildOptions, result: BuildResult,
                 progress: Progress | None = None, host: LayoutHost | None = None) -> None:
    """Stages 3 to 5 for ``options.format``: the HTML file, or the PDF (and imposed copy)."""
    from .output import write_atomic
    from .render.html import BookRenderer
    from .render.markdown_html import RenderOptions

    if options.format not in ("html", "epub"):
        write_booklet(book, options, result, progress, host)
        return
    (progress or (lambda step: None))("rendering HTML")
    start = time.perf_counter()
    render_options = RenderOptions(teacher=options.edition == "teacher", medium="screen")
    renderer = BookRenderer(book, render_options, style_name(book, options),
                            result.diagnostics)
    if options.format == "epub":
        from .finish.epub import epub_bytes
        from .finish.selfcontained import font_subsets

        css = renderer.stylesheet("screen.css.j2", {})
        html = renderer.render_document(("front", "body", "back"))
        data = epub_bytes(html, css, book.config, options.edition, font_subsets(html + css),
                          contents_title=renderer.words["contents"])
        result.timings["render"] = time.perf_counter() - start
        target = output_target(book, options, ".epub")
        write_atomic(target, data)
        result.outputs.append(target)
        return
    html = self_contained_html(renderer, book, result.diagnostics)
    result.timings["render"] = time.perf_counter() - start
    target = output_target(book, options, ".html")
    write_atomic(target, html)
    result.outputs.append(target)


def self_contained_html(renderer: BookRenderer, book: Book, diagnostics: Diagnostics) -> str:
    """The screen edition as one file that needs nothing beside it: the booklet's fonts,
    subset to its characters, and the files extra.css names, embedded as data URLs
    (finish/selfcontained.py)."""
    from .finish.selfcontained import self_contained_css

    marker = "/* chapbook: screen stylesheet */"
    html = renderer.render_document(("front", "body", "back"), screen_css=marker)
    css = self_contained_css(renderer.stylesheet("screen.css.j2", {}, extra=False),
                             renderer.extra_css(), html, renderer.dirs[0], book.root,
                             diagnostics)
    return html.replace(marker, css, 1)


def write_booklet(book: Book, options: BuildOptions, result: BuildResult,
                  progress: Progress | None = None, host: LayoutHost | None = None) -> None:
    """Typeset one edition of a prepared book, write its PDF and the imposed copy if asked.

    Shared by :func:`build` and the class set, which renders one resolved book twice. The
    pages are laid out in parts (typeset/parts.py): by the workers of a layout ``host``, else
    one after another in this process.
    """
    from .render.html import BookRenderer
    from .render.markdown_html import RenderOptions

    progress = progress or (lambda step: None)
    diagnostics = result.diagnostics
    target = output_target(book, options, ".pdf")  # refused before the pages are laid out
    render_options = RenderOptions(teacher=options.edition == "teacher", medium="print")
    renderer = BookRenderer(book, render_options, style_name(book, options), diagnostics)
    typeset: Typeset | PartsTypeset | WholeTypeset
    if options.chapter is not None:
        # A preview of the chapter being written: its pages only, laid out at once (by a
        # worker of the host, for a one-off build; the watcher keeps its layouts here).
        with_timing = time.perf_counter()
        html = renderer.render_document(("body",))
        result.timings["render"] = time.perf_counter() - with_timing
        if host is not None:
            from .typeset.parts import typeset_whole

            typeset = typeset_whole(renderer, host, html, "book.css.j2", diagnostics,
                                    bleed=options.bleed)
        else:
            from .typeset.pdf import Typesetter

            typeset = Typesetter(renderer, diagnostics, progress, bleed=options.bleed,
                                 incremental=options.incremental).typeset_single(html)
    else:
        typeset = _typeset_booklet(renderer, options, diagnostics, progress, host)
    result.timings.update(typeset.timings)
    if diagnostics.fail(options.strict):
        typeset.close()
        return
    progress("writing the PDF")
    start = time.perf_counter()
    typeset.write(target)
    # added to what the typesetting counted as writing (the watcher's parts made into PDF)
    result.timings["write"] = result.timings.get("write", 0.0) + time.perf_counter() - start
    result.outputs.append(target)
    result.page_count = typeset.page_count
    from .typeset.layout_warnings import report_layout

    layout = report_layout(book, typeset.faults, diagnostics, target)
    result.details[target] = f"{typeset.page_count} pages, {layout}"
    if options.impose:
        from .finish.printing import impose

        progress(f"imposing the PDF ({options.impose})")
        start = time.perf_counter()
        imposed, detail = impose(target, options.impose, options.sheet)
        result.timings["impose"] = time.perf_counter() - start
        result.outputs.append(imposed)
        result.details[imposed] = detail


def _typeset_booklet(renderer: BookRenderer, options: BuildOptions, diagnostics: Diagnostics,
                     progress: Progress, host: LayoutHost | None) -> Typeset | PartsTypeset:
    """The whole booklet laid out in parts and joined: by the host's workers when there is a
    host, else one after another in this process; the same PDF either way. The watcher
    (``incremental``) and a WeasyPrint or pydyf without what the parts need lay it out in
    this process as one document instead (typeset/pdf.py)."""
    if not options.incremental and renderer.book.chapters:
        from .typeset.host import PartsUnavailable
        from .typeset.parts import chapter_runs, typeset_in_parts

        start = time.perf_counter()
        runs = chapter_runs(renderer)
        measuring = time.perf_counter() - start  # renders the chapters' fragments
        try:
            typeset = typeset_in_parts(renderer, host, runs, diagnostics, progress,
                                       jobs=options.jobs or default_jobs(),
                                       bleed=options.bleed)
        except PartsUnavailable as missing:
            _warn_in_one_process(str(missing), diagnostics)
        else:
            typeset.timings["render"] = typeset.timings.get("render", 0.0) + measuring
            return typeset
    from .typeset.pdf import Typesetter

    return Typesetter(renderer, diagnostics, progress, bleed=options.bleed,
                      incremental=options.incremental).typeset()


#: Whether this process has said that it lays booklets out in one process (once is enough).
_warned_in_one_process = False


def _warn_in_one_process(missing: str, diagnostics: Diagnostics) -> None:
    global _warned_in_one_process
    if not _warned_in_one_process:
        _warned_in_one_process = True
        diagnostics.warning(
            "chapbook", 0, f"laid out in one process, not in parts: the installed WeasyPrint "
            f"or pydyf lacks what laying out in parts needs ({missing}); the pages are the "
            "same, it takes longer, and the PDF's bytes differ from a build in parts",
            hint="install the WeasyPrint and pydyf versions chapbook's pyproject.toml names")


def check(root: Path, options: BuildOptions) -> Diagnostics:
    """Every loading and resolving pass, and the HTML layouts rendered; no typesetting.

    Bibliography entries never cited are reported as hints.
    """
    from .citations.processor import report_uncited

    diagnostics = Diagnostics()
    book = prepare(root, options, diagnostics)
    if options.chapter is not None:
        book = only_chapter(book, options.chapter, diagnostics)
    if "*" not in book.config.nocite and not book.unread:
        report_uncited(book.bibliography, [*book.cited_keys, *book.config.nocite], diagnostics)
    check_layouts(book, style_name(book, options), diagnostics)
    return diagnostics


def last_layout_warnings(root: Path, options: BuildOptions) -> list[dict[str, object]]:
    """The layout warnings of the PDFs last built in the output folder, each marked with
    its PDF and whether a source changed since (:func:`.layout_warnings.last_reports`):
    what ``check --format json`` adds for an editor, since a check typesets nothing."""
    from .config import load_config
    from .typeset.layout_warnings import last_reports

    output = options.output
    if output is None:
        try:
            output = root / load_config(root, Diagnostics()).output
        except ChapbookError:
            return []
    return last_reports(root, output)


def check_layouts(book: Book, style: str, diagnostics: Diagnostics) -> None:
    """Render every layout (both editions, print and screen, and the CSS templates) to find
    Jinja2 mistakes without typesetting; each becomes a diagnostic at its template line."""
    from .render.html import BookRenderer
    from .render.markdown_html import RenderOptions

    had_errors = diagnostics.has_errors()
    shared_html: dict[tuple[int, bool | None, str | None], str] = {}  # see edition_key
    for teacher, medium in ((False, "print"), (True, "print"), (False, "screen")):
        renderer = BookRenderer(book, RenderOptions(teacher=teacher, medium=medium), style,
                                Diagnostics(), shared_html)
        try:
            if medium == "screen":
                renderer.render_document(("front", "body", "back"),
                                         screen_css=renderer.stylesheet("screen.css.j2", {}))
            else:
                renderer.stylesheet("book.css.j2", {"bleed": False})
                renderer.render_document(("front", "body", "back"), placeholder_toc=True)
        except ChapbookError as exc:
            diagnostics.extend(exc.diagnostics)
            return
        except Exception:
            if had_errors:  # sources the earlier passes rejected cannot be rendered; their
                return      # errors are already reported
            raise


def write_quiz(root: Path, options: BuildOptions, fmt: str) -> BuildResult:
    """The review questions of every chapter as a quiz file for a learning platform
    (``fmt``: gift, moodle or qti; see finish/quiz_formats.py), with the model answers as
    feedback in the teacher edition; nothing is written if the sources have errors."""
    from .finish.quiz_formats import QUIZ_FORMATS, quiz_bytes
    from .output import write_atomic
    from .render.html import BookRenderer
    from .render.markdown_html import RenderOptions
    from .render.quiz import quiz_chapters

    result = BuildResult(Diagnostics())
    book = checked_book(root, options, result)
    if book is None:
        return result
    renderer = BookRenderer(book, RenderOptions(teacher=options.edition == "teacher",
                                                medium="screen"),
                            style_name(book, options), result.diagnostics)
    chapters = quiz_chapters(book, renderer)
    if not chapters:
        result.diagnostics.error("chapters", 0, "no chapter has review questions",
                                 hint="add 'questions:' to a chapter's front matter")
        return result
    slug = book.config.output_slug
    data = quiz_bytes(fmt, book.config.title, "test-" + slug, book.config.language, chapters,
                      renderer.words["model_answer"])
    target = output_dir(book, options) / output_name(book, options, QUIZ_FORMATS[fmt])
    write_atomic(target, data)
    result.outputs.append(target)
    count = sum(len(chapter.items) for chapter in chapters)
    result.details[target] = f"{count} questions from {len(chapters)} chapters"
    return result

"""The build, stage by stage: load -> resolve -> render HTML -> typeset -> finish.

The CLI commands are thin wrappers around these functions; tests and the benchmark call them
directly. Each stage reports problems into one :class:`Diagnostics` list, and nothing is
written unless the stages before it found no errors.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .bibliography import load_bibliography
from .citations.processor import report_uncited
from .config import Config, load_config
from .diagnostics import ChapbookError, Diagnostics
from .load.chapters import load_chapters
from .load.glossary import load_glossary
from .load.timeline import load_timeline
from .model import Book
from .output import write_text_atomic
from .render.html import BookRenderer
from .render.markdown_html import RenderOptions
from .resolve import resolve_book

Progress = Callable[[str], None]


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
    #: which is 10-20% faster when nothing can be reused.
    incremental: bool = False
    #: 'booklet' or '2up': also write an imposed copy of each PDF (see finish/printing.py).
    impose: str | None = None
    #: Render only this chapter (a fast preview while writing it): its printed number, or the
    #: ``NN`` of its file name for an unnumbered chapter. The whole book is still checked.
    chapter: int | None = None
    #: Processes to lay the body out in: ``None`` means one per core when the booklet is long
    #: enough to gain from it; 1 lays everything out in this process. Parts laid out apart
    #: are joined into one tagged PDF (see typeset/join.py).
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


def bibliography_paths(config: Config) -> list[Path]:
    paths: list[Path] = []
    for name in config.bibliography:
        path = config.root / name
        if path.is_dir():
            paths.extend(sorted(path.glob("*.bib")))
        else:
            paths.append(path)
    return paths


def load_book(root: Path, diagnostics: Diagnostics, options: BuildOptions | None = None) -> Book:
    """Stage 1: read config, chapters, glossary, timeline and bibliography."""
    config = load_config(root, diagnostics)
    if options and options.paper:
        config.paper = options.paper
    return Book(
        config=config,
        chapters=load_chapters(config, diagnostics),
        glossary=load_glossary(root, config.glossary, diagnostics),
        timeline=load_timeline(root, config.timeline, diagnostics),
        bibliography=load_bibliography(bibliography_paths(config), root, diagnostics),
    )


def style_name(book: Book, options: BuildOptions | None) -> str:
    return (options.style if options and options.style else None) or book.config.style


def prepare(root: Path, options: BuildOptions, diagnostics: Diagnostics,
            timings: dict[str, float] | None = None) -> Book:
    """Stages 1 and 2, shared by check, build and the class set."""
    start = time.perf_counter()
    book = load_book(root, diagnostics, options)
    loaded = time.perf_counter()
    resolve_book(book, diagnostics, style_name(book, options))
    if timings is not None:
        timings["load"] = loaded - start
        timings["resolve"] = time.perf_counter() - loaded
    return book


def output_dir(book: Book, options: BuildOptions) -> Path:
    return options.output or (book.root / book.config.output)


def output_name(book: Book, options: BuildOptions, suffix: str) -> str:
    name = book.config.output_slug
    if options.edition == "teacher":
        name += "-teacher"
    if options.chapter is not None:
        name += f"-chapter-{options.chapter}"
    return name + suffix


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
    book = checked_book(root, options, result, progress)
    if book is not None:
        write_output(book, options, result, progress)
    return result


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
                 progress: Progress | None = None) -> None:
    """Stages 3 to 5 for ``options.format``: the HTML file, or the PDF (and imposed copy)."""
    if options.format != "html":
        write_booklet(book, options, result, progress)
        return
    (progress or (lambda step: None))("rendering HTML")
    start = time.perf_counter()
    render_options = RenderOptions(teacher=options.edition == "teacher", medium="screen")
    renderer = BookRenderer(book, render_options, style_name(book, options),
                            result.diagnostics)
    css = renderer.stylesheet("screen.css.j2", {})
    html = renderer.render_document(("front", "body", "back"), screen_css=css)
    result.timings["render"] = time.perf_counter() - start
    target = output_dir(book, options) / output_name(book, options, ".html")
    write_text_atomic(target, html)
    result.outputs.append(target)


def write_booklet(book: Book, options: BuildOptions, result: BuildResult,
                  progress: Progress | None = None) -> None:
    """Typeset one edition of a prepared book, write its PDF and the imposed copy if asked.

    Shared by :func:`build` and the class set, which renders one resolved book twice.
    """
    from .typeset.pdf import Typesetter, write_pdf

    progress = progress or (lambda step: None)
    diagnostics = result.diagnostics
    render_options = RenderOptions(teacher=options.edition == "teacher", medium="print")
    renderer = BookRenderer(book, render_options, style_name(book, options), diagnostics)
    typesetter = Typesetter(renderer, diagnostics, progress, bleed=options.bleed,
                            incremental=options.incremental,
                            jobs=options.jobs)
    if options.chapter is not None:
        # A preview of the chapter being written: its pages only, laid out at once.
        with_timing = time.perf_counter()
        html = renderer.render_document(("body",))
        result.timings["render"] = time.perf_counter() - with_timing
        typeset = typesetter.typeset_single(html)
    else:
        typeset = typesetter.typeset()
    result.timings.update(typeset.timings)
    if diagnostics.fail(options.strict):
        typeset.close()
        return
    progress("writing the PDF")
    start = time.perf_counter()
    target = output_dir(book, options) / output_name(book, options, ".pdf")
    write_pdf(typeset, target)
    result.timings["write"] = time.perf_counter() - start
    result.outputs.append(target)
    result.page_count = typeset.page_count
    result.details[target] = f"{typeset.page_count} pages"
    if options.impose:
        from .finish.printing import impose

        progress(f"imposing the PDF ({options.impose})")
        start = time.perf_counter()
        imposed, detail = impose(target, options.impose)
        result.timings["impose"] = time.perf_counter() - start
        result.outputs.append(imposed)
        result.details[imposed] = detail


def check(root: Path, options: BuildOptions) -> Diagnostics:
    """Every loading and resolving pass, and the HTML layouts rendered; no typesetting.

    Bibliography entries never cited are reported as hints.
    """
    diagnostics = Diagnostics()
    book = prepare(root, options, diagnostics)
    if options.chapter is not None:
        book = only_chapter(book, options.chapter, diagnostics)
    if "*" not in book.config.nocite:
        report_uncited(book.bibliography, [*book.cited_keys, *book.config.nocite], diagnostics)
    check_layouts(book, style_name(book, options), diagnostics)
    return diagnostics


def check_layouts(book: Book, style: str, diagnostics: Diagnostics) -> None:
    """Render every layout (both editions, print and screen, and the CSS templates) to find
    Jinja2 mistakes without typesetting; each becomes a diagnostic at its template line."""
    had_errors = diagnostics.has_errors()
    for teacher, medium in ((False, "print"), (True, "print"), (False, "screen")):
        renderer = BookRenderer(book, RenderOptions(teacher=teacher, medium=medium), style,
                                Diagnostics())
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

"""The build, stage by stage: load -> resolve -> render HTML -> typeset -> finish.

The CLI commands are thin wrappers around these functions; tests and the benchmark call them
directly. Each stage reports problems into one :class:`Diagnostics` list, and nothing is
written unless the stages before it found no errors.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .bibliography import load_bibliography
from .config import Config, load_config
from .diagnostics import Diagnostics
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


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    outputs: list[Path] = field(default_factory=list)
    page_count: int = 0
    timings: dict[str, float] = field(default_factory=dict)

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
    return name + suffix


def blocking(diagnostics: Diagnostics, strict: bool) -> bool:
    return diagnostics.has_errors() or (strict and bool(diagnostics.warnings))


def build(root: Path, options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Make the booklet as PDF or HTML; write nothing if any stage reported an error."""
    from .typeset.pdf import Typesetter, write_pdf

    progress = progress or (lambda step: None)
    diagnostics = Diagnostics()
    result = BuildResult(diagnostics)
    progress("reading and checking the sources")
    book = prepare(root, options, diagnostics, result.timings)
    if blocking(diagnostics, options.strict):
        return result
    style = style_name(book, options)
    render_options = RenderOptions(teacher=options.edition == "teacher",
                                   medium="screen" if options.format == "html" else "print")
    renderer = BookRenderer(book, render_options, style, diagnostics)
    target_dir = output_dir(book, options)
    if options.format == "html":
        progress("rendering HTML")
        start = time.perf_counter()
        css = renderer.stylesheet("screen.css.j2", {})
        html = renderer.render_document(("front", "body", "back"), screen_css=css)
        result.timings["render"] = time.perf_counter() - start
        target = target_dir / output_name(book, options, ".html")
        write_text_atomic(target, html)
        result.outputs.append(target)
        return result

    typesetter = Typesetter(renderer, diagnostics, progress, bleed=options.bleed)
    typeset = typesetter.typeset()
    result.timings.update(typeset.timings)
    if blocking(diagnostics, options.strict):
        return result
    progress("writing the PDF")
    start = time.perf_counter()
    target = target_dir / output_name(book, options, ".pdf")
    write_pdf(typeset, target)
    result.timings["write"] = time.perf_counter() - start
    result.outputs.append(target)
    result.page_count = typeset.page_count
    return result


def check(root: Path, options: BuildOptions) -> Diagnostics:
    """Every loading and resolving pass, no typesetting."""
    diagnostics = Diagnostics()
    prepare(root, options, diagnostics)
    return diagnostics

"""``chapbook watch``: rebuild the booklet on every save."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..pipeline import BuildOptions
from .choices import Edition, ProjectArg, StyleOption
from .console import State, err, guarded, out, print_diagnostics

if TYPE_CHECKING:  # imported when watching starts: every other command starts quicker
    from ..watching import Rebuilder

ChapterOpt = Annotated[int | None, typer.Option(
    "--chapter", "-c", metavar="N",
    help="Build only chapter N (its number, or the NN of its file name): a fast preview.")]
HtmlOnlyOpt = Annotated[bool, typer.Option("--html-only",
                                           help="Rebuild only the HTML, not the PDF.")]
EditionOpt = Annotated[Edition, typer.Option(help="student, or teacher (with answers).")]


def make_rebuilder(project: Path, chapter: int | None, html_only: bool, edition: Edition,
                   style: str | None) -> Rebuilder:
    """A rebuilder that prints diagnostics and one status line per rebuild."""
    from ..watching import Rebuilder

    options = BuildOptions(style=style, edition=edition.value,
                           chapter=chapter)

    def status(line: str) -> None:
        failed = "kept the last good" in line
        if failed or not State.quiet:
            err.print(line, style=("red" if failed else "green") if err.is_terminal else None,
                      markup=False, highlight=False)

    return Rebuilder(project, options, pdf=not html_only, on_diagnostics=print_diagnostics,
                     on_status=status, on_error=lambda text: err.print(text, markup=False))


def run_watch(rebuilder: Rebuilder) -> None:
    """Watch until Ctrl-C (or SIGTERM, SIGHUP)."""
    from ..watching import on_stop_signals, watch

    def changed(paths: list[str]) -> None:
        if State.verbose:
            err.print("changed: " + ", ".join(paths), markup=False)

    # SIGTERM and SIGHUP stop the watcher as Ctrl-C does, by setting ``stop``: raised as a
    # KeyboardInterrupt inside the file watcher, they made watchfiles log "KeyboardInterrupt
    # caught, stopping watch".
    stop = threading.Event()
    with contextlib.suppress(KeyboardInterrupt), on_stop_signals(stop.set):
        watch(rebuilder, stop, on_change=changed)
    if not State.quiet:
        out.print("stopped watching")


def watch_command(
    project: ProjectArg = Path("."),
    chapter: ChapterOpt = None,
    html_only: HtmlOnlyOpt = False,
    edition: EditionOpt = Edition.student,
    style: StyleOption = None,
) -> None:
    """Rebuild the booklet (HTML and PDF) every time a source file is saved.

    Errors are printed and the last good output stays in place; Ctrl-C stops.

    Example: chapbook watch --chapter 2 --html-only
    """
    rebuilder = make_rebuilder(project, chapter, html_only, edition, style)
    if not State.quiet:
        out.print(f"watching {project.resolve()} (Ctrl-C to stop)", markup=False)
    guarded(lambda: run_watch(rebuilder))

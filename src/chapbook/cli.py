"""The ``chapbook`` command line: thin wrappers around :mod:`chapbook.pipeline`.

Every command prints problems as ``file:line:col: severity: message`` lines on stderr and
exits 1 on errors. No input may produce a Python traceback: unexpected exceptions are caught
at the top and reported as internal errors with where to report them.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from . import __version__
from .checkclient import colour_wanted, print_answer
from .checkreport import check_answer, diagnostic_text, summary_line
from .diagnostics import ChapbookError, Diagnostic
from .pipeline import BuildOptions, BuildResult, build, check

REPORT_URL = "the chapbook issue tracker"

app = typer.Typer(
    name="chapbook",
    help="Build print-ready study booklets and handouts from Markdown chapters and BibTeX."
    "\n\nExample: chapbook init my-booklet && cd my-booklet && chapbook serve",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


class State:
    quiet = False
    verbose = False


class Style(StrEnum):
    chicago_author_date = "chicago-author-date"
    chicago_notes = "chicago-notes"
    apa = "apa"
    mla = "mla"


class Paper(StrEnum):
    a4 = "a4"
    letter = "letter"
    a5 = "a5"


class Edition(StrEnum):
    student = "student"
    teacher = "teacher"


class Format(StrEnum):
    pdf = "pdf"
    html = "html"
    epub = "epub"


class Impose(StrEnum):
    booklet = "booklet"
    two_up = "2up"


class Sheet(StrEnum):
    a3 = "a3"
    a4 = "a4"
    a5 = "a5"
    letter = "letter"
    tabloid = "tabloid"


SheetOpt = Annotated[Sheet | None, typer.Option(
    help="The paper the printer takes, for --impose: pages are scaled to fit two on it "
    "(an A4 booklet with --sheet a4 prints as an A5 booklet). Default: paper twice the "
    "page (A3 for A4).")]


def _version(value: bool) -> None:
    if value:
        out.print(f"chapbook {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                          help="Print hints and timings too.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    State.quiet = quiet
    State.verbose = verbose


def print_diagnostics(items: list[Diagnostic], *, show_hints: bool | None = None,
                      console: Console | None = None, quiet: bool | None = None) -> None:
    """Print each problem once, in file and line order, on ``console`` (stderr), in the
    words ``check`` prints them (checkreport.py)."""
    console = console or err
    console.file.write(diagnostic_text(
        items, show_hints=State.verbose if show_hints is None else show_hints,
        quiet=State.quiet if quiet is None else quiet,
        colour=console.is_terminal and not console.no_color))
    console.file.flush()


T = TypeVar("T")


def guarded(action: Callable[[], T]) -> T:
    """Run a command body; turn stop-the-run errors and crashes into clean messages."""
    try:
        return action()
    except ChapbookError as exc:
        print_diagnostics(exc.diagnostics)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err.print("interrupted: no output was changed")
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if State.verbose:
            traceback.print_exc()
        err.print(f"chapbook: internal error: {type(exc).__name__}: {exc}", markup=False)
        err.print(f"This is a bug in chapbook, not in your booklet. Please report it to "
                  f"{REPORT_URL} with the command you ran (rerun with --verbose for details).")
        raise typer.Exit(70) from None


def progress_printer(enabled: bool) -> Callable[[str], None]:
    def show(step: str) -> None:
        if enabled:
            err.print(f"[dim]·[/dim] {step}")
    return show


def finish_build(result: BuildResult, strict: bool) -> None:
    print_diagnostics(result.diagnostics.items)
    if result.diagnostics.fail(strict):
        err.print(f"build failed: {summary_line(result.diagnostics)}; "
                  "the previous output was left in place")
        raise typer.Exit(1)
    for path in result.outputs:
        pages = f" ({result.page_count} pages)" if result.page_count else ""
        if path in result.details:
            pages = f" ({result.details[path]})"
        if not State.quiet:
            out.print(f"wrote {path}{pages}", markup=False)
    if State.verbose and result.timings:
        err.print("timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items()))


@app.command("build")
def build_command(
    project: Annotated[Path, typer.Argument(help="The booklet's folder.")] = Path("."),
    format: Annotated[Format, typer.Option("--format", "-f", help="pdf, one html file for "
                                            "screens, or an epub e-book.")] = Format.pdf,
    edition: Annotated[Edition, typer.Option(help="student, or teacher (with answers)."
                                             )] = Edition.student,
    style: Annotated[Style | None, typer.Option(help="Citation style (default: chapbook.toml)."
                                                )] = None,
    paper: Annotated[Paper | None, typer.Option(help="Page size (default: chapbook.toml).")
                     ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Output folder (default: build/).")] = None,
    strict: Annotated[bool, typer.Option(help="Treat warnings as errors.")] = False,
    print_shop: Annotated[bool, typer.Option("--print-shop",
                                             help="Add 3 mm bleed and crop marks.")] = False,
    chapter: Annotated[int | None, typer.Option(
        "--chapter", "-c", metavar="N", help="Only chapter N, as <slug>-chapter-N.pdf: a quick "
        "preview of the chapter being written.")] = None,
    impose: Annotated[Impose | None, typer.Option(
        help="Also write an imposed copy: booklet (<slug>-booklet.pdf, print duplex, flip on "
        "the short edge, fold) or 2up (two pages per sheet side).")] = None,
    all_: Annotated[bool, typer.Option(
        "--all", help="The class set: both editions of the booklet, every chapter's handout in "
        "both editions and the imposed booklet, typeset on every core.")] = False,
    sheet: SheetOpt = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, metavar="N", help="Lay the chapters out in N processes at once "
        "(default: one per core, for a booklet of more than about ten pages; 1: one "
        "process).")] = None,
) -> None:
    """Build the booklet: build/<slug>.pdf (or .html).

    Example: chapbook build --edition teacher --style apa
    """
    if impose and format is not Format.pdf:
        raise typer.BadParameter("imposition needs PDF output", param_hint="--impose")
    if sheet and not (impose or all_):
        raise typer.BadParameter("the sheet is for an imposed copy: add --impose booklet "
                                 "(or 2up)", param_hint="--sheet")
    if all_ and (format is not Format.pdf or chapter is not None):
        raise typer.BadParameter("the class set is PDFs of the whole booklet: leave out "
                                 "--format and --chapter", param_hint="--all")
    options = BuildOptions(
        style=style.value if style else None,
        paper=paper.value if paper else None,
        edition=edition.value,
        format=format.value,
        output=output,
        strict=strict,
        bleed=print_shop,
        chapter=chapter,
        impose=impose.value if impose else None,
        sheet=sheet.value if sheet else None,
        jobs=jobs,
    )
    if all_:
        from .classset import build_class_set

        result = guarded(lambda: build_class_set(project, options,
                                                 progress_printer(not State.quiet)))
    else:
        result = guarded(lambda: build(project, options, progress_printer(not State.quiet)))
    finish_build(result, strict)


@app.command("check")
def check_command(
    project: Annotated[Path, typer.Argument(help="The booklet's folder.")] = Path("."),
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    style: Annotated[Style | None, typer.Option(help="Citation style to check against.")
                     ] = None,
    strict: Annotated[bool, typer.Option(help="Treat warnings as errors.")] = False,
) -> None:
    """Check every chapter, citation, term and image without typesetting.

    A running `watch` or `serve` answers at once, else the server the last check left running.

    It stops after ten idle minutes; CHAPBOOK_CHECK_SERVER=0 leaves none; -v says who answered.

    With none running, a booklet unchanged since a server's last answer gets that answer.

    Example: chapbook check --format json
    """
    options = BuildOptions(style=style.value if style else None)
    diagnostics = guarded(lambda: check(project, options))
    request = {"format": format, "strict": strict, "quiet": State.quiet,
               "verbose": State.verbose, "colour": colour_wanted()}
    raise typer.Exit(print_answer(check_answer(request, diagnostics, [])))


def main() -> None:
    """Entry point of the ``chapbook`` script."""
    try:
        app()
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001
        err.print(f"chapbook: internal error: {exc}", markup=False)
        sys.exit(70)


# Commands in chapbook/commands/ register themselves on `app` when imported.
from .commands import register_all  # noqa: E402

register_all()

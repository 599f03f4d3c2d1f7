"""What every command shares: the two consoles, the quiet/verbose state, and one way to print
problems and to turn a failure into a clean message and an exit code.

No input may produce a Python traceback: :func:`guarded` catches unexpected exceptions at
the top and reports them as internal errors with where to report them.
"""

from __future__ import annotations

import dataclasses
import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console

from ..diagnostics import ChapbookError, Diagnostic, Diagnostics, Severity, in_order
from ..pipeline import BuildResult

REPORT_URL = "the chapbook issue tracker"

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

#: The colour of each severity.
COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.HINT: "36"}


class State:
    """The options given before the command (``chapbook -q build``)."""

    quiet = False
    verbose = False
    #: The booklet's folder the command found (commands/choices.py); a diagnostic names
    #: its file relative to it, and is printed relative to where the command runs.
    booklet: Path | None = None


def printed_path(file: str) -> str:
    """A diagnostic's file as the person who ran the command would type it: relative to
    the folder the command runs in, the rule git follows for every path it prints
    (``02-x.md`` in ``chapters/``, ``chapters/02-x.md`` in the booklet's folder,
    ``../chapters/02-x.md`` in ``layouts/``, ``booklet/chapters/02-x.md`` above it). A
    booklet elsewhere (``chapbook check /tmp/b``) has its files named in full, as ruff and
    mypy do, rather than by a climb of ``../../`` out of the folder the command runs in."""
    if State.booklet is None or not file:
        return file
    # absolute, not resolved: the file named is the one the writer wrote, which may be a
    # link (to /dev/zero, or in a loop) that the diagnostic is about
    target = Path(os.path.abspath(State.booklet / file))
    try:
        relative = Path(os.path.relpath(target))
    except ValueError:  # on another drive
        return str(target)
    here = Path(os.path.abspath(os.curdir))
    booklet = Path(os.path.abspath(State.booklet))
    inside = here.is_relative_to(booklet) or target.is_relative_to(here)
    return relative.as_posix() if inside else str(target)


def as_printed(diagnostic: Diagnostic) -> Diagnostic:
    """``diagnostic`` with its file as :func:`printed_path` gives it."""
    return dataclasses.replace(diagnostic, file=printed_path(diagnostic.file))


def diagnostic_text(items: list[Diagnostic], *, show_hints: bool, quiet: bool,
                    colour: bool) -> str:
    """Each problem once, in file and line order, one line each (two with a hint).

    The one rule for what each verbosity prints, for every command: ``--quiet`` only
    errors; by default errors and warnings; ``--verbose`` hints too (and timings)."""
    lines = []
    for diagnostic in in_order(as_printed(d) for d in items):
        if diagnostic.severity is Severity.HINT and not show_hints:
            continue
        if quiet and diagnostic.severity is not Severity.ERROR:
            continue
        for line in diagnostic.format().split("\n"):
            code = COLOURS[diagnostic.severity]
            lines.append(f"\x1b[{code}m{line}\x1b[0m\n" if colour else f"{line}\n")
    return "".join(lines)


def summary_line(diagnostics: Diagnostics) -> str:
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def print_diagnostics(items: list[Diagnostic]) -> None:
    """Print each problem once, in file and line order, on stderr."""
    err.file.write(diagnostic_text(items, show_hints=State.verbose, quiet=State.quiet,
                                   colour=err.is_terminal and not err.no_color))
    err.file.flush()


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
    """Print a build's problems and what it wrote; exit 1 if it failed."""
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

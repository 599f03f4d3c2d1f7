"""``chapbook check``: every chapter, citation, term and image checked, nothing typeset."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..collector import collection_paused
from ..pipeline import BuildOptions, check, last_layout_warnings
from .choices import STYLE_HELP, ProjectArg, style_names
from .console import (
    State,
    as_printed,
    err,
    guarded,
    print_diagnostics,
    printed_path,
    summary_line,
)


def check_command(
    project: ProjectArg = Path("."),
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    style: Annotated[str | None, typer.Option(help=f"{STYLE_HELP}, to check against.",
                                              autocompletion=style_names)] = None,
    strict: Annotated[bool, typer.Option(help="Treat warnings as errors.")] = False,
) -> None:
    """Check every chapter, citation, term and image without typesetting.

    Example: chapbook check --format json
    """
    options = BuildOptions(style=style)
    # No garbage collection in a process that ends after the check: its passes would find
    # next to nothing.
    with collection_paused():
        diagnostics = guarded(lambda: check(project, options))
    if format == "json":
        # then the layout warnings of the last build, each with its "layout" key
        answer = [as_printed(d).as_dict() for d in diagnostics.sorted()]
        for warning in guarded(lambda: last_layout_warnings(project, options)):
            layout = dict(warning["layout"])  # type: ignore[call-overload]
            answer.append({**warning, "file": printed_path(str(warning.get("file", ""))),
                           "layout": {**layout, "pdf": printed_path(str(layout["pdf"]))}})
        _print_stdout(json.dumps(answer, ensure_ascii=False, indent=2) + "\n")
    else:
        print_diagnostics(diagnostics.items)  # hints with --verbose, as every command
        if not State.quiet:
            err.print(summary_line(diagnostics), markup=False)
    raise typer.Exit(1 if diagnostics.fail(strict) else 0)


def _print_stdout(text: str) -> None:
    """Write the answer; a reader that stopped early (``| head``) gets what it read and the
    check's exit code, a stream that cannot be written (a full disk) a message and EX_IOERR."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        import os

        # Python would complain when it flushes stdout again at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as exc:
        err.print(f"chapbook: could not print the check's answer: {exc.strerror}",
                  markup=False)
        raise typer.Exit(74) from None

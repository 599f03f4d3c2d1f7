"""The ``chapbook`` command line: every command, listed here, each a thin wrapper around the
pipeline in its own module of :mod:`chapbook.commands`.

Every command prints problems as ``file:line:col: severity: message`` lines on stderr and
exits 1 on errors.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from . import __version__
from .commands import build, check, handout, init, layouts, new, quiz, refs, serve, watch
from .commands.console import State, err, out

app = typer.Typer(
    name="chapbook",
    help="Build print-ready study booklets and handouts from Markdown chapters and BibTeX."
    "\n\nExample: chapbook init my-booklet && cd my-booklet && chapbook serve",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

# Every command, in the order `chapbook --help` lists them.
app.command("build")(build.build_command)
app.command("check")(check.check_command)
app.command("handout")(handout.handout_command)
app.command("init")(init.init_command)
app.command("layouts")(layouts.layouts_command)
app.add_typer(new.app, name="new")
app.command("quiz")(quiz.quiz_command)
app.command("refs")(refs.refs_command)
app.command("serve")(serve.serve_command)
app.command("watch")(watch.watch_command)


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
    State.booklet = None  # until the command's project argument finds one


def main() -> None:
    """Run the command line; a crash outside a command's own guard is still one line."""
    try:
        app()
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001
        err.print(f"chapbook: internal error: {exc}", markup=False)
        sys.exit(70)

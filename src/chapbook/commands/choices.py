"""The fixed choices of the command line's options, shared by the commands that take them."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


def style_names(incomplete: str = "") -> list[str]:
    """The shipped citation styles, for shell completion: a style is a file in
    ``layouts/styles/``, so a new file is a new style (a project's own styles are taken by
    name too, and an unknown name is reported with the list)."""
    from ..citations.style import available_styles

    return [name for name in available_styles() if name.startswith(incomplete)]


STYLE_HELP = "Citation style: a style file's name, e.g. apa, harvard, mla"
#: ``--style`` of every command that formats citations
StyleOption = Annotated[str | None, typer.Option(
    help=f"{STYLE_HELP} (default: chapbook.toml).", autocompletion=style_names)]


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
    """The paper a printer takes, for ``--sheet`` (finish/impose.py)."""

    a3 = "a3"
    a4 = "a4"
    a5 = "a5"
    letter = "letter"
    tabloid = "tabloid"


#: ``--sheet``, shared by build and handout.
SheetOpt = Annotated[Sheet | None, typer.Option(
    help="The paper the printer takes, for --impose: pages are scaled to fit two on it "
    "(an A4 booklet with --sheet a4 prints as an A5 booklet). Default: paper twice the "
    "page (A3 for A4).")]


def sheet_value(sheet: Sheet | None, imposing: bool) -> str | None:
    """``--sheet``'s value for the build options; a sheet without an imposition is a
    mistake on the command line."""
    if sheet and not imposing:
        raise typer.BadParameter("the sheet is for an imposed copy: add --impose booklet "
                                 "(or 2up)", param_hint="--sheet")
    return sheet.value if sheet else None


class QuizFormat(StrEnum):
    gift = "gift"
    moodle = "moodle"
    qti = "qti"


def booklet_folder(value: Path) -> Path:
    """The booklet a command run in ``value`` means: that folder, or the nearest folder
    above it with chapbook.toml, as git finds its repository (config.find_project). The
    diagnostics name their files from where the command runs (console.printed_path)."""
    from ..config import find_project
    from .console import State

    State.booklet = find_project(value)
    return State.booklet


#: The booklet's folder, the first argument of most commands.
ProjectArg = Annotated[Path, typer.Argument(
    help="The booklet's folder (default: this one, or the nearest above it with "
    "chapbook.toml).", callback=booklet_folder)]

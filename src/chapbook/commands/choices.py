"""The fixed choices of the command line's options, shared by the commands that take them."""

from __future__ import annotations

from enum import StrEnum
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


class Impose(StrEnum):
    booklet = "booklet"
    two_up = "2up"

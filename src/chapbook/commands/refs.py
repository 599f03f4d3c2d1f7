"""``chapbook refs``: the formatted reference list of every entry, for pasting elsewhere.

Teachers paste reading lists into handouts, slides and learning platforms; this prints one
entry per paragraph in the booklet's style (or any other) from the project's .bib files or
from files named on the command line.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..diagnostics import Diagnostics, fatal
from .choices import StyleOption, booklet_folder, style_names
from .console import guarded, print_diagnostics


class RefsFormat(StrEnum):
    text = "text"
    html = "html"
    markdown = "markdown"


def reference_list(files: list[Path], style: str | None, fmt: str, project: Path
                   ) -> tuple[str, Diagnostics]:
    # Imported here, not at the top: every command's module is imported when the CLI
    # starts, and the citation engine would slow the start of all of them.
    from ..citations.refs import format_reference_list
    from ..citations.style import StyleError, style_search_dirs
    from ..config import CONFIG_NAME, load_config

    diagnostics = Diagnostics()
    search_dirs = style_search_dirs()
    style_name = style or "chicago-author-date"
    named = bool(files)  # files the user names may be anywhere; a booklet's stay inside it
    if (project / CONFIG_NAME).is_file():
        config = load_config(project, diagnostics)
        search_dirs = style_search_dirs(project, config.layout)
        style_name = style or config.style
        files = files or config.bibliography_files()
    if not files:
        raise fatal("bibliography", 0, "no .bib files to format",
                    hint="name the files, or run chapbook refs in a booklet's folder")
    try:
        text = format_reference_list(files, style_name, fmt, search_dirs, root=project,
                                     diagnostics=diagnostics, confine=not named)
    except StyleError as exc:
        raise fatal(CONFIG_NAME, 0, f"citation style '{style_name}': {exc}",
                    hint="use the name of a style file: " + ", ".join(style_names())) from None
    return text, diagnostics


def refs_command(
    files: Annotated[list[Path] | None, typer.Argument(
        help="BibTeX/biblatex files (default: the booklet's bibliography).",
        show_default=False)] = None,
    style: StyleOption = None,
    format: Annotated[RefsFormat, typer.Option("--format", "-f", help="text, html or markdown."
                                               )] = RefsFormat.text,
) -> None:
    """Print every bibliography entry, formatted, one per paragraph.

    Example: chapbook refs bibliography/stakhanovism.bib --style apa --format markdown
    """
    text, diagnostics = guarded(lambda: reference_list(
        list(files or []), style, format.value, booklet_folder(Path.cwd())))
    print_diagnostics(diagnostics.items)
    sys.stdout.write(text)
    if diagnostics.has_errors():
        raise typer.Exit(1)

"""``chapbook handout``: one chapter (or every chapter) as a classroom handout PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..pipeline import BuildOptions
from .choices import Edition, Impose, Paper, SheetOpt, StyleOption, booklet_folder, sheet_value
from .console import State, finish_build, guarded, progress_printer


def handout_command(
    chapter: Annotated[str | None, typer.Argument(
        help="The chapter: its number (2) or slug (record-shift). With --all, leave it out.",
        show_default=False)] = None,
    project: Annotated[Path | None, typer.Argument(
        help="The booklet's folder (default: the current folder).", show_default=False)
    ] = None,
    all_chapters: Annotated[bool, typer.Option("--all", help="A handout of every chapter."
                                               )] = False,
    edition: Annotated[Edition, typer.Option(help="student (ruled answer space), or teacher "
                                             "(model answers and teacher notes)."
                                             )] = Edition.student,
    impose: Annotated[Impose | None, typer.Option(
        help="Also write an imposed copy: booklet (fold and staple) or 2up.")] = None,
    sheet: SheetOpt = None,
    style: StyleOption = None,
    paper: Annotated[Paper | None, typer.Option(help="Page size (default: chapbook.toml).")
                     ] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Output folder (default: build/); handouts go to handouts/ in it."
    )] = None,
    strict: Annotated[bool, typer.Option(help="Treat warnings as errors.")] = False,
    print_shop: Annotated[bool, typer.Option("--print-shop",
                                             help="Add 3 mm bleed and crop marks.")] = False,
) -> None:
    """Make a chapter handout: build/handouts/NN-slug.pdf (-teacher, -a5, ... for options).

    The chapter with a header for name, class and date, its key terms with definitions, its
    review questions as a worksheet (or with model answers in the teacher edition) and the
    works it cites.

    Examples: chapbook handout 2 --edition teacher;
    chapbook handout record-shift --paper a5 --impose booklet;
    chapbook handout --all [PROJECT]
    """
    if all_chapters:
        if chapter is not None and project is not None:
            raise typer.BadParameter("give a chapter or --all, not both")
        project = Path(chapter) if chapter is not None else project  # handout --all PROJECT
        chapters = None
    elif chapter is None:
        raise typer.BadParameter("name a chapter (its number or slug), or give --all",
                                 param_hint="CHAPTER")
    else:
        chapters = [chapter]
    options = BuildOptions(
        style=style,
        paper=paper.value if paper else None,
        edition=edition.value,
        output=output,
        strict=strict,
        bleed=print_shop,
        impose=impose.value if impose else None,
        sheet=sheet_value(sheet, bool(impose)),
    )
    from ..classset import build_handouts

    root = booklet_folder(project or Path("."))
    result = guarded(lambda: build_handouts(root, options, chapters,
                                            progress_printer(not State.quiet)))
    finish_build(result, strict)

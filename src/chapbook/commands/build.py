"""``chapbook build``: the booklet (or one chapter's preview, or the class set)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..pipeline import BuildOptions, build
from .choices import Edition, Format, Impose, Paper, ProjectArg, SheetOpt, StyleOption, sheet_value
from .console import State, finish_build, guarded, progress_printer


def build_command(
    project: ProjectArg = Path("."),
    format: Annotated[Format, typer.Option("--format", "-f", help="pdf, one html file for "
                                            "screens, or an epub e-book.")] = Format.pdf,
    edition: Annotated[Edition, typer.Option(help="student, or teacher (with answers)."
                                             )] = Edition.student,
    style: StyleOption = None,
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
        "--jobs", "-j", min=1, metavar="N", help="Lay out at most N parts of the booklet at "
        "once, each in a process of its own (default: one per core; 1: one after another in "
        "one process). The PDF is the same with any N.")] = None,
) -> None:
    """Build the booklet: build/<slug>.pdf (or .html, .epub); -apa, -a5, ... when options differ.

    Example: chapbook build --edition teacher --style apa
    """
    if impose and format is not Format.pdf:
        raise typer.BadParameter("imposition needs PDF output", param_hint="--impose")
    if all_ and (format is not Format.pdf or chapter is not None):
        raise typer.BadParameter("the class set is PDFs of the whole booklet: leave out "
                                 "--format and --chapter", param_hint="--all")
    options = BuildOptions(
        style=style,
        paper=paper.value if paper else None,
        edition=edition.value,
        format=format.value,
        output=output,
        strict=strict,
        bleed=print_shop,
        chapter=chapter,
        impose=impose.value if impose else None,
        sheet=sheet_value(sheet, bool(impose or all_)),
        jobs=jobs,
    )
    if all_:
        from ..classset import build_class_set

        result = guarded(lambda: build_class_set(project, options,
                                                 progress_printer(not State.quiet)))
    else:
        result = guarded(lambda: build(project, options, progress_printer(not State.quiet)))
    finish_build(result, strict)

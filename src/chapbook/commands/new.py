"""``chapbook new chapter "Title"``: the next numbered chapter, with its front matter."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .choices import booklet_folder
from .console import State, guarded, out

app = typer.Typer(help="Add a part to the booklet.\n\nExample: chapbook new chapter "
                      '"The Record Shift"', no_args_is_help=True)


@app.command("chapter")
def new_chapter_command(
    title: Annotated[str, typer.Argument(help="The chapter's title.")],
    project: Annotated[Path, typer.Option("--project", "-C",
                                          help="The booklet's folder.")] = Path("."),
) -> None:
    """Add the next numbered chapter file, with a front-matter skeleton.

    The file is chapters/NN-title.md; if chapbook.toml lists the chapters, it is added there.

    Example: chapbook new chapter "The Record Shift"
    """
    from ..scaffold import new_chapter  # here, so the CLI starts without it

    made = guarded(lambda: new_chapter(booklet_folder(project), title))
    if not State.quiet:
        out.print(f"wrote {made.rel}" + (" and added it to chapters in chapbook.toml"
                                         if made.listed else ""), markup=False)

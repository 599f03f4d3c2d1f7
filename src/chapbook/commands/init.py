"""``chapbook init DIR``: a new booklet that builds at once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .console import State, guarded, out


def init_command(
    folder: Annotated[Path, typer.Argument(help="The new booklet's folder.")],
    title: Annotated[str | None, typer.Option(
        help="The booklet's title (default: from the folder's name).")] = None,
) -> None:
    """Make a new booklet that builds at once.

    It has chapbook.toml, a sample chapter (with a citation, a glossary term, a box and a
    review question), a bibliography, a glossary and a folder for layout overrides.

    Example: chapbook init my-booklet --title "The Russian Revolution"
    """
    from ..scaffold import init_project  # here, so the CLI starts without it

    written = guarded(lambda: init_project(folder, title))
    if not State.quiet:
        for path in written:
            out.print(f"wrote {path}", markup=False)
        out.print(f"next: cd {folder} && chapbook build   (or chapbook serve for a live "
                  "preview)", markup=False)

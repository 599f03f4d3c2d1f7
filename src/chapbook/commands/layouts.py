"""``chapbook layouts``: chapbook's default layouts copied into the project, to edit.

A booklet restyles a part by putting a file of the same name in its ``layouts/`` folder;
the defaults are inside the installed package, which a teacher should not have to find.
This copies them (every template, stylesheet and citation style) into the project, leaving
alone any file already there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..layout_paths import PACKAGE_LAYOUTS
from .choices import ProjectArg
from .console import State, guarded, out


def copy_default_layouts(project: Path, force: bool = False) -> tuple[Path, list[str],
                                                                        list[str]]:
    """Copy every default layout file into the project's layouts folder; the folder, the
    files copied and the files left as they were (relative to the folder)."""
    from ..config import CONFIG_NAME, load_config
    from ..diagnostics import ChapbookError, Diagnostics, fatal
    from ..output import write_atomic

    diagnostics = Diagnostics()
    config = load_config(project, diagnostics)
    if diagnostics.has_errors():
        raise ChapbookError(diagnostics.sorted())
    if not config.layout:
        # a refused layout folder is left empty by the config check: never copy into the root
        raise fatal(CONFIG_NAME, 0, "there is no layout folder to copy the defaults into",
                    hint="set layout = \"layouts\" in chapbook.toml")
    folder = project / config.layout
    copied, kept = [], []
    for source in sorted(PACKAGE_LAYOUTS.rglob("*")):
        if not source.is_file() or "__pycache__" in source.parts:
            continue
        name = source.relative_to(PACKAGE_LAYOUTS).as_posix()
        target = folder / name
        if target.exists() and not force:
            kept.append(name)
            continue
        write_atomic(target, source.read_bytes())
        copied.append(name)
    return folder, copied, kept


def layouts_command(
    project: ProjectArg = Path("."),
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite the project's own copies with the defaults.")] = False,
) -> None:
    """Copy chapbook's default templates, stylesheets and citation styles into layouts/.

    Edit a copy to change that part of the booklet; delete it to go back to the default.
    Files already in layouts/ are kept unless --force.

    Example: chapbook layouts && edit layouts/title-page.html.j2
    """
    folder, copied, kept = guarded(lambda: copy_default_layouts(project, force))
    if State.quiet:
        return
    shown = folder.as_posix()
    for name in copied:
        out.print(f"copied {shown}/{name}", markup=False)
    if kept:
        out.print(f"kept your own {', '.join(kept)} (--force replaces them)", markup=False)
    out.print(f"the defaults are in {PACKAGE_LAYOUTS}", markup=False)

"""``chapbook serve``: rebuild on every save and show the booklet in a browser that reloads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..diagnostics import fatal
from .choices import Edition, ProjectArg, StyleOption
from .console import State, guarded, out
from .watch import ChapterOpt, EditionOpt, HtmlOnlyOpt, make_rebuilder, run_watch


def serve_command(
    project: ProjectArg = Path("."),
    port: Annotated[int, typer.Option("--port", "-p",
                                      help="Port on 127.0.0.1 (0: any free port).")] = 8000,
    chapter: ChapterOpt = None,
    html_only: HtmlOnlyOpt = False,
    edition: EditionOpt = Edition.student,
    style: StyleOption = None,
) -> None:
    """Rebuild on every save and show a live HTML preview that reloads itself.

    The preview is at http://127.0.0.1:8000/; the PDF is rebuilt too unless --html-only.
    Ctrl-C stops.

    Example: chapbook serve --chapter 3 --html-only
    """
    if not 0 <= port <= 65535:
        def refuse() -> None:
            raise fatal("--port", 0, f"{port} is not a port number (0 to 65535)",
                        hint="give a port such as 8001, or 0 for any free port")

        guarded(refuse)
    rebuilder = make_rebuilder(project, chapter, html_only, edition, style)

    def run() -> None:
        try:
            from ..preview import PreviewServer

            server = PreviewServer(rebuilder, port=port)
        except OSError as exc:
            raise fatal("serve", 0, f"cannot listen on 127.0.0.1:{port}: {exc.strerror}",
                        hint="another program uses the port; try --port 8001 (or 0)") from None
        with server:
            if not State.quiet:
                out.print(f"preview at {server.url} (Ctrl-C to stop)", markup=False)
            run_watch(rebuilder)

    guarded(run)

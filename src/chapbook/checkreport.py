"""What ``chapbook check`` prints, whoever checked: this process, a watcher, a server a check
left running, or a server's kept answer.

Each of those forms the same answer here, the text for stdout and stderr and the exit code,
so they cannot differ in what a writer sees. It is plain text written with the standard
library, not Rich: a check that runs in its own process is started from
:mod:`chapbook.entry` without Typer and Rich (35 ms of a 0.2 s check, for colouring a few
lines), and the text is what Rich printed with ``soft_wrap`` (no wrapping; each line of a
diagnostic in its colour).
"""

from __future__ import annotations

import json

from .diagnostics import ChapbookError, Diagnostic, Diagnostics, Severity

#: The ANSI colour of each severity, as Rich's "red", "yellow" and "cyan" print them.
COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.HINT: "36"}


def diagnostic_text(items: list[Diagnostic], *, show_hints: bool, quiet: bool,
                    colour: bool) -> str:
    """Each problem once, in file and line order, one line each (two with a hint).

    The one rule for what each verbosity prints, for every command: ``--quiet`` only
    errors; by default errors and warnings; ``--verbose`` hints too (and timings)."""
    lines = []
    for diagnostic in sorted(set(items), key=lambda d: (d.file, d.line, d.column)):
        if diagnostic.severity is Severity.HINT and not show_hints:
            continue
        if quiet and diagnostic.severity is not Severity.ERROR:
            continue
        for line in diagnostic.format().split("\n"):
            code = COLOURS[diagnostic.severity]
            lines.append(f"\x1b[{code}m{line}\x1b[0m\n" if colour else f"{line}\n")
    return "".join(lines)


def summary_line(diagnostics: Diagnostics) -> str:
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def check_answer(request: dict, diagnostics: Diagnostics | None,
                 fatal: list[Diagnostic]) -> dict:
    """The answer to ``request`` (see :func:`chapbook.checkclient.parse_check_arguments`):
    ``stdout``, ``stderr`` and ``exit``. ``diagnostics`` is None when the check stopped on
    ``fatal`` (a :class:`ChapbookError`), which is printed as every command prints one."""
    if diagnostics is None:
        stderr = diagnostic_text(fatal, show_hints=request["verbose"],
                                 quiet=request["quiet"], colour=request["colour"])
        return {"stdout": "", "stderr": stderr, "exit": 1}
    stdout = stderr = ""
    if request["format"] == "json":
        stdout = json.dumps([d.as_dict() for d in diagnostics.sorted()], ensure_ascii=False,
                            indent=2) + "\n"
    else:
        stderr = diagnostic_text(diagnostics.items, show_hints=request["verbose"],
                                 quiet=request["quiet"], colour=request["colour"])
        if not request["quiet"]:
            stderr += summary_line(diagnostics) + "\n"
    return {"stdout": stdout, "stderr": stderr,
            "exit": 1 if diagnostics.fail(request["strict"]) else 0}


def check_here(request: dict) -> dict | None:
    """Check ``request`` in this process; its answer, or None if chapbook itself failed (the
    command line then runs the check again and reports the failure, as it reports any)."""
    from pathlib import Path

    from .collector import collection_paused
    from .pipeline import BuildOptions, check

    try:
        # No garbage collection in a process that ends after this check: its passes found
        # next to nothing and took 10 ms of the booklet's check, 60 ms of a 400-page book's.
        with collection_paused():
            diagnostics = check(Path(request["root"]), BuildOptions(style=request["style"]))
        return check_answer(request, diagnostics, [])
    except ChapbookError as exc:
        return check_answer(request, None, list(exc.diagnostics))
    except Exception:  # noqa: BLE001 - reported by the command line's own guard
        return None

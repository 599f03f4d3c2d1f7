"""A ``chapbook check`` that no server answers checks in its own process without Typer and
Rich (entry.py, checkreport.py): the same lines and exit code as the command line's own
check, the colours Rich printed, and a failure of chapbook still reported as one."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

import chapbook.cli
import chapbook.pipeline
from chapbook import entry, resident
from chapbook.checkreport import diagnostic_text
from chapbook.diagnostics import Diagnostic, Severity

#: ``chapbook ARGS`` as the installed command runs it; the last line of stderr lists the
#: command-line libraries it imported.
_COMMAND = """
import atexit, sys
atexit.register(lambda: sys.stderr.write(
    f"\\nimported: {sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'rich', 'click'})}"))
sys.argv = ["chapbook", *sys.argv[1:]]
from chapbook.entry import main
main()
"""

#: ``chapbook ARGS`` through Typer, as it ran before entry.py checked by itself.
_TYPER = """
import sys
sys.argv = ["chapbook", *sys.argv[1:]]
from chapbook.cli import main
main()
"""


def _run(code: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def _break_a_citation(project: Path) -> None:
    chapter = project / "chapters/01-first.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "[@siegelbaum1988]", "[@nosuchkey]", 1), encoding="utf-8")


@pytest.mark.parametrize("arguments", [["check"], ["check", "--format", "json"],
                                       ["-q", "check", "--strict"], ["-v", "check"]])
def test_a_fresh_check_prints_what_the_command_line_prints_without_typer(mini_project,
                                                                         arguments):
    _break_a_citation(mini_project)
    fresh = _run(_COMMAND, *arguments, cwd=mini_project)
    stderr, _, imported = fresh.stderr.rpartition("\nimported: ")
    assert imported == "[]"
    typer = _run(_TYPER, *arguments, cwd=mini_project)
    assert (fresh.returncode, fresh.stdout, stderr) == (typer.returncode, typer.stdout,
                                                        typer.stderr)
    assert fresh.returncode == 1
    assert "no bibliography entry 'nosuchkey'" in fresh.stdout + stderr


def test_a_stopping_error_is_printed_as_the_command_line_prints_it(mini_project):
    (mini_project / "chapbook.toml").write_text('title = "unclosed\n', encoding="utf-8")
    fresh = _run(_COMMAND, "check", cwd=mini_project)
    stderr, _, imported = fresh.stderr.rpartition("\nimported: ")
    typer = _run(_TYPER, "check", cwd=mini_project)
    assert imported == "[]" and fresh.returncode == typer.returncode == 1
    assert stderr == typer.stderr and stderr.startswith("chapbook.toml:1")


def test_a_check_that_finds_no_server_does_not_import_socket(mini_project):
    """``socket`` is for talking to a server (checkclient.py); a check with nothing running
    spent 3-4 ms of its 0.16 s importing it. (The first check with an empty cache folder
    reads the fonts' package data through importlib.metadata, whose ``email`` imports
    ``socket``: the second check is the one that shows.)"""
    listing_socket = _COMMAND.replace("{'typer', 'rich', 'click'}", "{'socket'}")
    assert listing_socket != _COMMAND
    runs = [_run(listing_socket, "check", cwd=mini_project) for _ in range(2)]
    assert [run.returncode for run in runs] == [0, 0], runs[1].stderr
    assert runs[1].stderr.rpartition("\nimported: ")[2] == "[]"


@pytest.mark.parametrize("arguments", [["check", "--help"], ["check", "--no-such-option"]])
def test_help_and_mistakes_still_get_typers_words(mini_project, arguments):
    run = _run(_COMMAND, *arguments, cwd=mini_project)
    assert "'typer'" in run.stderr.rpartition("\nimported: ")[2]
    assert ("Usage: chapbook check" in run.stdout + run.stderr)
    assert run.returncode == (0 if "--help" in arguments else 2)


def test_a_failure_of_chapbook_is_reported_as_an_internal_error(mini_project, monkeypatch,
                                                                capsys):
    """The check in the process fails; the command line checks again and says it is a bug."""
    def broken(root, options):
        raise RuntimeError("a bug")

    monkeypatch.setattr(chapbook.pipeline, "check", broken)
    monkeypatch.setattr(chapbook.cli, "check", broken)
    monkeypatch.chdir(mini_project)
    monkeypatch.setattr(sys, "argv", ["chapbook", "check"])
    assert entry.run() == 70
    assert "internal error: RuntimeError: a bug" in capsys.readouterr().err


def test_an_interrupted_check_says_so_and_leaves_no_server(mini_project, monkeypatch, capsys):
    def interrupted(root, options):
        raise KeyboardInterrupt

    left: list[dict] = []
    monkeypatch.delenv("CI", raising=False)  # no server is left in CI
    monkeypatch.setenv("CHAPBOOK_CHECK_SERVER", "1")
    monkeypatch.setattr(resident, "leave_running", left.append)
    monkeypatch.setattr(chapbook.pipeline, "check", interrupted)
    monkeypatch.chdir(mini_project)
    monkeypatch.setattr(sys, "argv", ["chapbook", "check"])
    assert entry.run() == 130
    assert capsys.readouterr().err == "interrupted: no output was changed\n"
    assert left == []


def test_a_check_here_leaves_a_server_for_the_next(mini_project, monkeypatch, capsys):
    left: list[dict] = []
    monkeypatch.delenv("CI", raising=False)  # no server is left in CI
    monkeypatch.setenv("CHAPBOOK_CHECK_SERVER", "1")
    monkeypatch.setattr(resident, "leave_running", left.append)
    monkeypatch.chdir(mini_project)
    monkeypatch.setattr(sys, "argv", ["chapbook", "check"])
    assert entry.run() == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().err
    assert [request["root"] for request in left] == [str(mini_project.resolve())]


def test_the_colours_are_those_rich_printed():
    items = [Diagnostic("a.md", 3, 1, Severity.ERROR, "no entry [x]", "add it"),
             Diagnostic("a.md", 9, 0, Severity.WARNING, "long <line>"),
             Diagnostic("b.md", 1, 2, Severity.HINT, "unused", "mark it\nor drop it")]
    printed = io.StringIO()
    console = Console(file=printed, highlight=False, soft_wrap=True, width=30,
                      force_terminal=True, color_system="standard")
    for item, colour in zip(items, ("red", "yellow", "cyan"), strict=True):
        console.print(item.format(), style=colour, markup=False)
    ours = diagnostic_text([items[2], *items[:2], items[0]], show_hints=True, quiet=False,
                           colour=True)
    assert ours == printed.getvalue()
    assert diagnostic_text(items, show_hints=False, quiet=True, colour=False) == \
        "a.md:3:1: error: no entry [x]\n    hint: add it\n"


def test_no_garbage_collection_runs_in_the_check_of_a_process_that_ends(mini_project,
                                                                       monkeypatch):
    """Its collections found next to nothing and took 130 ms of a 400-page book's check."""
    import gc

    from chapbook.checkclient import parse_check_arguments
    from chapbook.checkreport import check_here

    enabled: list[bool] = []
    real_check = chapbook.pipeline.check

    def check(root, options):
        enabled.append(gc.isenabled())
        return real_check(root, options)

    monkeypatch.setattr(chapbook.pipeline, "check", check)
    request = parse_check_arguments(["check", str(mini_project)])
    assert request is not None and gc.isenabled()
    answer = check_here(request)
    assert answer is not None and answer["exit"] == 0
    assert enabled == [False] and gc.isenabled()


def test_a_reader_that_stops_early_gets_no_traceback(mini_project):
    """``chapbook check --format json | head -1``: the rest is dropped, the code is the
    check's; a stream that cannot be written (a full disk) is said, with EX_IOERR."""
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the answer is written
    try:
        closed = subprocess.run([sys.executable, "-c", _COMMAND, "check", "--format", "json"],
                                cwd=mini_project, stdout=write_end, stderr=subprocess.PIPE,
                                text=True, timeout=120)
    finally:
        os.close(write_end)
    assert closed.returncode == 0
    assert "Traceback" not in closed.stderr and "Error" not in closed.stderr
    if os.path.exists("/dev/full"):
        with open("/dev/full", "w") as full:
            failed = subprocess.run([sys.executable, "-c", _COMMAND, "check", "--format",
                                     "json"], cwd=mini_project, stdout=full,
                                    stderr=subprocess.PIPE, text=True, timeout=120)
        assert failed.returncode == 74
        assert "could not print the check's answer" in failed.stderr
        assert "Traceback" not in failed.stderr

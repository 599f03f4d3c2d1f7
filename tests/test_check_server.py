"""``chapbook check`` answered by a running watcher: the same lines and exit code as a check
in a fresh process, never a stale answer, and a fresh check whenever the watcher cannot
answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import chapbook.pipeline
from chapbook.checkclient import PROTOCOL, installation, parse_check_arguments, socket_path
from chapbook.checkserver import CheckServer
from chapbook.pipeline import BuildOptions
from chapbook.watching import Rebuilder

pytestmark = pytest.mark.skipif(not hasattr(os, "getuid"), reason="Unix sockets only")

ANSWERED = "checked by the watcher of this booklet"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chapbook", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def _server(root: Path) -> CheckServer:
    server = CheckServer(Rebuilder(root, BuildOptions(), pdf=False))
    assert server.start(), "the check server did not start"
    return server


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _request(project: Path, **changes: object) -> bytes:
    request = parse_check_arguments(["check", str(project)])
    assert request is not None
    request.update(changes)
    return json.dumps(request).encode()


@pytest.mark.parametrize("arguments", [["check"], ["check", "--format", "json"],
                                       ["-q", "check", "--strict"], ["check", "-f", "xml"]])
def test_the_watcher_answers_with_the_lines_and_exit_code_of_a_fresh_check(mini_project,
                                                                           arguments):
    _edit(mini_project / "chapters/01-first.md", "[@siegelbaum1988]", "[@nosuchkey]")
    glossary = mini_project / "chapters/glossary.yaml"
    glossary.write_text(glossary.read_text() + "unused:\n  definition: Never marked.\n")
    fresh = _cli(*arguments, cwd=mini_project)
    assert fresh.returncode == 1 and "no bibliography entry" in fresh.stdout + fresh.stderr
    server = _server(mini_project)
    try:
        answered = _cli("-v", *arguments, cwd=mini_project) if arguments[0] != "-q" else \
            _cli(*arguments, cwd=mini_project)
        again = _cli(*arguments, cwd=mini_project)
    finally:
        server.stop()
    assert server.answered == 2
    if arguments[0] != "-q":
        assert answered.stderr.startswith(ANSWERED)
        answered_err = answered.stderr.split("\n", 1)[1]
    else:
        answered_err = answered.stderr
    for run in (answered, again):
        assert run.returncode == fresh.returncode
        assert run.stdout == fresh.stdout
    assert answered_err == fresh.stderr
    assert again.stderr == fresh.stderr


def test_a_save_just_made_is_seen_by_the_next_check(mini_project):
    server = _server(mini_project)
    try:
        assert _cli("check", cwd=mini_project).returncode == 0
        # The same size and, within the file system's clock, maybe the same time: the
        # watcher compares the bytes as well.
        _edit(mini_project / "chapters/01-first.md", "[@siegelbaum1988]", "[@siegelbaum1989]")
        bad = _cli("check", cwd=mini_project)
        _edit(mini_project / "chapters/01-first.md", "[@siegelbaum1989]", "[@siegelbaum1988]")
        good = _cli("check", cwd=mini_project)
    finally:
        server.stop()
    assert server.answered == 3
    assert bad.returncode == 1 and "siegelbaum1989" in bad.stderr
    assert good.returncode == 0 and "error" not in good.stderr.replace("0 errors", "")


def test_an_unchanged_booklet_is_not_checked_again(mini_project, monkeypatch):
    calls: list[str | None] = []
    real_check = chapbook.pipeline.check

    def counted(root: Path, options: BuildOptions):
        calls.append(options.style)
        return real_check(root, options)

    monkeypatch.setattr(chapbook.pipeline, "check", counted)
    server = CheckServer(Rebuilder(mini_project, BuildOptions(), pdf=False))
    first = server.answer(_request(mini_project))
    second = server.answer(_request(mini_project))
    assert first["exit"] == 0 and first == second
    assert calls == [None]
    other_style = server.answer(_request(mini_project, style="apa"))
    assert other_style["exit"] == 0 and calls == [None, "apa"]
    (mini_project / "chapters/figures/new.txt").write_text("a file the check may read\n")
    server.answer(_request(mini_project))
    assert calls == [None, "apa", None]


def test_a_broken_configuration_is_reported_as_a_fresh_check_reports_it(mini_project):
    (mini_project / "chapbook.toml").write_text('title = "unclosed\n', encoding="utf-8")
    fresh = _cli("check", cwd=mini_project)
    server = _server(mini_project)
    try:
        answered = _cli("check", cwd=mini_project)
    finally:
        server.stop()
    assert server.answered == 1
    assert fresh.returncode == answered.returncode == 1
    assert answered.stderr == fresh.stderr and "chapbook.toml:" in fresh.stderr


@pytest.mark.parametrize("change", [{"installation": "0.0 /elsewhere"}, {"protocol": 0},
                                    {"root": "/"}, {"width": "wide"}, {"extra": 1},
                                    {"style": "vancouver"}])
def test_a_request_the_watcher_must_not_answer_gets_no_exit_code(mini_project, change):
    """No exit code: the command then checks in its own process."""
    server = CheckServer(Rebuilder(mini_project, BuildOptions(), pdf=False))
    answer = server.answer(_request(mini_project, **change))
    assert answer == {"protocol": PROTOCOL}
    assert server.answer(b"not json") == {"protocol": PROTOCOL}


def test_without_a_live_watcher_check_runs_in_its_own_process(mini_project):
    path = Path(socket_path(str(mini_project)))
    server = _server(mini_project)
    assert path.exists()
    second = CheckServer(Rebuilder(mini_project, BuildOptions(), pdf=False))
    assert not second.start(), "a second watcher of the same booklet must not take over"
    server.stop()
    assert not path.exists()
    # A socket left behind by a watcher that was killed: nobody listens on it.
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as stale:
        stale.bind(str(path))
    try:
        run = _cli("-v", "check", cwd=mini_project)
        assert run.returncode == 0 and ANSWERED not in run.stderr
        assert "0 errors" in run.stderr
        replacement = _server(mini_project)  # a new watcher takes the stale socket's place
        replacement.stop()
    finally:
        path.unlink(missing_ok=True)


@pytest.mark.parametrize("arguments", [["check", "--help"], ["check", "--bogus"],
                                       ["check", "a", "b"], ["check", "--style"], ["build"],
                                       ["check", "no-such-folder"], ["--version", "check"]])
def test_anything_but_a_plain_check_is_left_to_the_command_line(arguments, tmp_path,
                                                                  monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert parse_check_arguments(arguments) is None


def test_the_request_names_this_installation_and_the_real_folder(mini_project, monkeypatch):
    monkeypatch.chdir(mini_project / "chapters")
    request = parse_check_arguments(["-q", "check", "..", "-f", "json", "--style=apa"])
    assert request is not None
    assert request["root"] == os.path.realpath(mini_project)
    assert (request["format"], request["style"], request["quiet"]) == ("json", "apa", True)
    assert request["installation"] == installation()


def test_a_check_does_not_wait_for_a_long_rebuild(mini_project):
    """A rebuild under way (the PDF of a long book takes half a minute) holds the watcher's
    lock: the command then checks in its own process rather than wait."""
    server = _server(mini_project)
    try:
        with server.rebuilder.lock:
            busy = _cli("-v", "check", cwd=mini_project)
        free = _cli("-v", "check", cwd=mini_project)
    finally:
        server.stop()
    assert busy.returncode == 0 and ANSWERED not in busy.stderr and "0 errors" in busy.stderr
    assert free.returncode == 0 and ANSWERED in free.stderr
    assert server.answered == 1


def test_a_style_typer_refuses_gets_typers_message(mini_project):
    server = _server(mini_project)
    try:
        run = _cli("check", "--style", "vancouver", cwd=mini_project)
    finally:
        server.stop()
    # no style file of that name: the check says so, with the styles there are
    assert run.returncode == 1 and "vancouver" in run.stderr and "harvard" in run.stderr
    assert server.answered == 0


@pytest.mark.parametrize("width", [0, 100])
def test_a_terminal_gets_its_colours_whatever_size_it_gives(mini_project, width):
    """A pseudo-terminal may report no size (``script``, some CI runners): the lines must
    still be printed, in colour, as the command prints them on a terminal."""
    _edit(mini_project / "chapters/01-first.md", "[@siegelbaum1988]", "[@nosuchkey]")
    server = CheckServer(Rebuilder(mini_project, BuildOptions(), pdf=False))
    answer = server.answer(_request(mini_project, colour=True, width=width))
    assert answer["exit"] == 1
    assert "\x1b[31mchapters/01-first.md:" in answer["stderr"]
    assert "no bibliography entry 'nosuchkey'" in answer["stderr"]
    assert answer["stderr"].rstrip().endswith("1 error, 0 warnings")


def test_a_check_need_not_wait_for_the_watcher_to_typeset_the_pdf(mini_project, monkeypatch):
    """The rebuild holds the lock only while it reads and checks the sources: a check made
    just after a save is answered while the PDF of that save is still being laid out (a
    second or more), not after it, nor by a fresh process once half a second is up."""
    import threading

    import chapbook.watching

    typesetting, finish = threading.Event(), threading.Event()
    real_write = chapbook.watching.write_output

    def slow_pdf(book, options, result, *args, **kwargs):
        if options.format == "pdf":
            typesetting.set()
            finish.wait(60)
        return real_write(book, options, result, *args, **kwargs)

    monkeypatch.setattr(chapbook.watching, "write_output", slow_pdf)
    rebuilder = Rebuilder(mini_project, BuildOptions(), pdf=True)
    server = CheckServer(rebuilder)
    rebuild = threading.Thread(target=rebuilder.rebuild)
    rebuild.start()
    try:
        assert typesetting.wait(60), "the rebuild never reached the PDF"
        assert rebuilder.lock.acquire(timeout=1), "the PDF is typeset under the lock"
        try:
            answer = server.answer(_request(mini_project))
        finally:
            rebuilder.lock.release()
        assert answer["exit"] == 0 and "0 errors" in answer["stderr"]
    finally:
        finish.set()
        rebuild.join(60)
    assert rebuilder.last is not None and rebuilder.last.ok


def test_the_styles_a_request_may_name_are_the_command_lines():
    """checkclient cannot import the command line's Style (Typer would come with it): the
    two lists must stay one list."""
    from chapbook.checkclient import STYLES
    from chapbook.cli import style_names

    assert list(STYLES) == style_names()

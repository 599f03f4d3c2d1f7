"""A check that nobody answered leaves a server running for the next check (resident.py):
it answers as the command would, sees every save, never keeps a caller waiting, gives the
booklet over to a watcher, and goes away when idle, signalled or its folder is gone."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import chapbook.checkserver
from chapbook import resident
from chapbook.checkclient import PROTOCOL, installation, parse_check_arguments, socket_path
from chapbook.checkserver import CheckServer
from chapbook.pipeline import BuildOptions
from chapbook.watching import Rebuilder

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="a server is left running on Linux only")

LEFT = re.compile(r"checked by the check server left running for this booklet "
                  r"\(process (\d+)\)\n")


def _env(**changes: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env["CHAPBOOK_CHECK_SERVER"] = "1"
    env.update(changes)
    return env


def _cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # capture_output: run() returns only once every holder of the pipes has closed them, so
    # a server that kept the command's output open would hang this for its idle minutes.
    return subprocess.run([sys.executable, "-m", "chapbook", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def _gone(pid: int, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def left_servers():
    """The pids of servers a test left running; each is stopped at the end."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue


def _answered_by(run: subprocess.CompletedProcess[str]) -> int | None:
    found = LEFT.match(run.stderr)
    return int(found[1]) if found else None


def _until_answered(project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The next ``-v check`` the left server answers (it may still be reading the booklet,
    and a check it cannot answer at once runs in its own process)."""
    for _ in range(40):
        run = _cli("-v", "check", cwd=project, env=env)
        if _answered_by(run):
            return run
        time.sleep(0.1)
    raise AssertionError("no left server answered")


def test_a_check_leaves_a_server_that_answers_the_next_ones(mini_project, left_servers):
    env = _env()
    chapter = mini_project / "chapters/01-first.md"
    first = _cli("check", cwd=mini_project, env=env)
    assert first.returncode == 0 and "0 errors" in first.stderr
    answered = _until_answered(mini_project, env)
    pid = _answered_by(answered)
    assert pid is not None and pid != os.getpid()
    left_servers.append(pid)
    assert answered.returncode == 0
    assert LEFT.sub("", answered.stderr) == first.stderr
    assert answered.stdout == first.stdout

    # A save made just before the check is seen; the answer is the fresh command's.
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "[@siegelbaum1988]", "[@nosuchkey]", 1), encoding="utf-8")
    fresh = _cli("check", cwd=mini_project, env=_env(CHAPBOOK_CHECK_SERVER="0"))
    edited = _cli("-v", "check", cwd=mini_project, env=env)
    assert _answered_by(edited) == pid
    assert edited.returncode == fresh.returncode == 1
    assert LEFT.sub("", edited.stderr) == fresh.stderr and "nosuchkey" in fresh.stderr

    # SIGTERM stops it, and its socket goes with it.
    os.kill(pid, signal.SIGTERM)
    assert _gone(pid)
    assert not Path(socket_path(str(mini_project))).exists()


def test_after_the_server_has_gone_its_kept_answer_is_given_and_another_is_left(
        mini_project, left_servers):
    env = _env()
    first = _cli("-v", "check", cwd=mini_project, env=env)
    pid = _answered_by(_until_answered(mini_project, env))
    assert pid is not None
    os.kill(pid, signal.SIGTERM)
    assert _gone(pid)
    kept = _cli("-v", "check", cwd=mini_project, env=env)
    assert kept.stderr.startswith("nothing has changed since the last check")
    assert kept.stderr.split("\n", 1)[1] == first.stderr and kept.stdout == first.stdout
    # The check answered from what was kept left a server for the next check, as any
    # check that no server answered does.
    next_pid = _answered_by(_until_answered(mini_project, env))
    assert next_pid is not None and next_pid != pid
    left_servers.append(next_pid)


@pytest.mark.parametrize("env", [{"CI": "true"}, {"CHAPBOOK_CHECK_SERVER": "0"},
                                 {"CHAPBOOK_CHECK_SERVER": "off"}])
def test_no_server_is_left_in_ci_or_when_turned_off(mini_project, env):
    environment = _env(**env)
    assert _cli("check", cwd=mini_project, env=environment).returncode == 0
    time.sleep(0.3)
    second = _cli("-v", "check", cwd=mini_project, env=environment)
    assert second.returncode == 0 and _answered_by(second) is None
    assert not Path(socket_path(str(mini_project))).exists()


def test_only_a_check_that_ran_leaves_a_server(mini_project, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("CHAPBOOK_CHECK_SERVER", "1")
    monkeypatch.chdir(mini_project)
    assert resident.wanted(parse_check_arguments(["check"]))
    assert not resident.wanted(parse_check_arguments(["check", "--help"]))
    assert not resident.wanted(None)
    (mini_project / "chapters").mkdir(exist_ok=True)
    assert not resident.wanted(parse_check_arguments(["check", "chapters"])), \
        "not a booklet's folder"
    # A mistake Typer reports (exit code 2) leaves nothing behind.
    run = _cli("check", "--no-such-option", cwd=mini_project, env=_env())
    assert run.returncode == 2
    time.sleep(0.3)
    assert not Path(socket_path(str(mini_project))).exists()


def _serve_in_thread(project: Path, idle: float) -> tuple[threading.Thread, list[int]]:
    request = parse_check_arguments(["check", str(project)])
    assert request is not None
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(resident.serve(request, idle)))
    thread.start()
    path = Path(socket_path(str(project)))
    deadline = time.monotonic() + 20
    while not path.exists() and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert path.exists(), "the server did not start"
    return thread, codes


def test_the_server_stops_when_idle(mini_project):
    thread, codes = _serve_in_thread(mini_project, idle=0.5)
    thread.join(30)
    assert not thread.is_alive() and codes == [0]
    assert not Path(socket_path(str(mini_project))).exists()


def test_the_server_stops_when_its_folder_is_gone(mini_project, monkeypatch):
    monkeypatch.setattr(resident, "_TICK", 0.1)
    thread, codes = _serve_in_thread(mini_project, idle=600)
    shutil.rmtree(mini_project)
    thread.join(30)
    assert not thread.is_alive() and codes == [0]
    assert not Path(socket_path(str(mini_project))).exists()


def test_the_server_stops_when_its_socket_is_gone(mini_project, monkeypatch):
    """Nobody can reach it any more (the socket was removed by hand, or by a cleaner of
    the temporary folder): it leaves, and does not remove what is on the path now."""
    import socket

    monkeypatch.setattr(resident, "_TICK", 0.1)
    path = Path(socket_path(str(mini_project)))
    thread, codes = _serve_in_thread(mini_project, idle=600)
    path.unlink()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as other:
        other.bind(str(path))
        thread.join(30)
        assert not thread.is_alive() and codes == [0]
        assert path.exists(), "the other socket on the path is not the server's to remove"
    path.unlink()


def test_two_servers_starting_at_once_leave_one_and_no_orphan(mini_project, monkeypatch):
    """Each found the path free, and the second one's unlink took the first one's socket
    away: the first answered nobody for its idle minutes. Looking at the path, unlinking
    and binding are now one step under a lock."""
    path = Path(socket_path(str(mini_project)))
    looked, go_on = threading.Event(), threading.Event()
    first = CheckServer(resident._Booklet(mini_project), resident=True)
    real_path_free = CheckServer._path_free

    def slow_look(self: CheckServer) -> bool:
        free = real_path_free(self)
        if self is first:
            looked.set()
            go_on.wait(10)  # the other starts while this one has looked but not bound
        return free

    monkeypatch.setattr(CheckServer, "_path_free", slow_look)
    second = CheckServer(resident._Booklet(mini_project), resident=True)
    started: dict[str, bool] = {}
    threads = [threading.Thread(target=lambda: started.update(first=first.start())),
               threading.Thread(target=lambda: started.update(second=second.start()))]
    threads[0].start()
    assert looked.wait(10)
    threads[1].start()
    threads[1].join(0.5)
    go_on.set()
    for thread in threads:
        thread.join(10)
    try:
        assert started == {"first": True, "second": False}
        assert first.owns_path() and not second.owns_path()
    finally:
        first.stop()
        second.stop()
    assert not path.exists()


def test_a_watcher_takes_the_booklet_over_and_another_left_server_does_not(mini_project):
    thread, _ = _serve_in_thread(mini_project, idle=600)
    try:
        second = CheckServer(resident._Booklet(mini_project), resident=True)
        assert not second.start(), "a second left server must not take the socket"
        watcher = CheckServer(Rebuilder(mini_project, BuildOptions(), pdf=False))
        assert watcher.start(), "a watcher takes the booklet over"
        thread.join(30)
        assert not thread.is_alive(), "the left server is gone"
        assert Path(socket_path(str(mini_project))).exists(), "the watcher's socket stays"
        watcher.stop()
    finally:
        if thread.is_alive():
            CheckServer(Rebuilder(mini_project, BuildOptions(), pdf=False)).start()
            thread.join(30)


@pytest.mark.parametrize(("resident_server", "asker", "leaves"), [
    (True, {"watcher": True, "installation": "same"}, True),
    (True, {"watcher": False, "installation": "other"}, True),
    (True, {"watcher": False, "installation": "same"}, False),
    (False, {"watcher": True, "installation": "same"}, False),
])
def test_who_leaves_for_whom(mini_project, resident_server, asker, leaves):
    server = CheckServer(resident._Booklet(mini_project), resident=resident_server)
    request = {"protocol": PROTOCOL, "handover": True, **asker}
    if request["installation"] == "same":
        request["installation"] = installation()
    assert server.asked_to_leave(json.dumps(request).encode()) is leaves
    assert not server.asked_to_leave(b"not json")


def test_a_left_server_leaves_once_chapbook_itself_has_changed(mini_project):
    """An editable install keeps its name and version through an edit, and a reinstall may
    too: a server that started before must not answer with the old code."""
    server = CheckServer(resident._Booklet(mini_project), resident=True)
    request = json.dumps(parse_check_arguments(["check", str(mini_project)])).encode()
    assert server.answer(request)["exit"] == 0
    edited = chapbook.checkserver.__file__
    before = os.stat(edited)
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    try:  # as a reinstall or an edit leaves it
        assert server.answer(request) == {"protocol": PROTOCOL}
    finally:
        os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert server.stopped.is_set()

"""Layout processes leave nothing in the temporary folder (typeset/scratch.py).

WeasyPrint's copies of the fonts (3 MB) used to stay in /tmp after every build laid out by
the layout host and every class set: their processes end with ``os._exit``, so WeasyPrint
never removed them.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chapbook.typeset.scratch import scratch_folder

#: Builds PDFs or runs chapbook in subprocesses: left out of `pytest -m 'not slow'`.
pytestmark = pytest.mark.slow

CHAPBOOK = [sys.executable, "-m", "chapbook"]


def _make_and_report(queue: multiprocessing.Queue) -> None:
    folder = scratch_folder()
    Path(folder, "font").write_bytes(b"x")
    queue.put(folder)


def test_a_process_that_ends_removes_its_scratch_folder():
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_make_and_report, args=(queue,))
    child.start()
    folder = queue.get(timeout=30)
    child.join(30)
    assert child.exitcode == 0
    assert not os.path.exists(folder)


def test_a_fork_of_the_owner_leaves_the_folder_to_it(tmp_path):
    script = f"""
import os, sys
sys.path[:0] = {sys.path!r}
from chapbook.typeset.scratch import scratch_folder
folder = scratch_folder()
pid = os.fork()
if pid == 0:
    sys.exit(0)  # a child ends as processes do: the finalizers it inherited run, and pass
os.waitpid(pid, 0)
print(folder, os.path.isdir(folder))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env={**os.environ, "TMPDIR": str(tmp_path)}).stdout
    folder, alive = out.split()
    assert alive == "True"
    assert Path(folder).parent == tmp_path
    assert not Path(folder).exists()  # and the owner removed it as it ended


@pytest.mark.parametrize("command", [["handout", "1"], ["build", "--all"]],
                         ids=["handout by the layout host", "class set"])
def test_commands_that_lay_out_in_other_processes_leave_no_temporary_files(
        mini_project, tmp_path, command):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary)}
    done = subprocess.run([*CHAPBOOK, *command, str(mini_project)], capture_output=True,
                          text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stderr + done.stdout
    assert sorted(p.name for p in temporary.iterdir()) == []


def test_a_layout_host_stopped_before_it_had_work_removes_its_scratch_folder(tmp_path):
    """A build whose sources fail their checks stops the host it started (LayoutHost.close
    terminates a host with no workers); the host still removes its fonts' copies. (In a
    process of its own: this one may have its fonts set up already, and the host would
    inherit them.)"""
    script = f"""
import pathlib, sys, time
sys.path[:0] = {sys.path!r}
from chapbook.typeset.host import LayoutHost
folder = pathlib.Path({str(tmp_path)!r})
host = LayoutHost()
deadline = time.monotonic() + 60
while not list(folder.glob("chapbook-*/weasyprint-*/*")):
    assert time.monotonic() < deadline and host.process.is_alive()
    time.sleep(0.05)
host.close()
print(host.process.exitcode, sorted(folder.iterdir()))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env={**os.environ, "TMPDIR": str(tmp_path)}).stdout
    assert out.split() == ["143", "[]"]  # ended by SIGTERM, as a process ends

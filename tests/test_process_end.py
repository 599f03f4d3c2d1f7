"""A command ends with os._exit once its exit functions have run (entry.end_process): what
it printed arrives whole, its exit code is kept, and its exit functions still clean up."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

#: Builds PDFs or runs chapbook in subprocesses: left out of `pytest -m 'not slow'`.
pytestmark = pytest.mark.slow

CHAPBOOK = [sys.executable, "-m", "chapbook"]


def test_long_output_through_a_pipe_arrives_whole(tmp_path):
    entries = "\n".join(
        f"@book{{key{n}, author = {{Author{n}, Given}}, title = {{Title number {n}}},"
        f" publisher = {{Press}}, year = {{{1900 + n % 100}}}}}" for n in range(1500))
    bib = tmp_path / "many.bib"
    bib.write_text(entries, encoding="utf-8")
    done = subprocess.run([*CHAPBOOK, "refs", str(bib)], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) > 65_536  # more than a pipe holds: written while it is read
    assert done.stdout.count("Press.") == 1500
    assert done.stdout.endswith("Title Number 999. Press.\n")  # sorted by author


def test_exit_codes_are_kept(mini_project, tmp_path):
    checked = subprocess.run([*CHAPBOOK, "check", str(mini_project)], capture_output=True,
                             text=True)
    assert checked.returncode == 0, checked.stderr
    assert "0 errors" in checked.stderr
    missing = subprocess.run([*CHAPBOOK, "check", str(tmp_path / "none")],
                             capture_output=True, text=True)
    assert missing.returncode == 1
    assert "no chapbook.toml" in missing.stderr
    usage = subprocess.run([*CHAPBOOK, "no-such-command"], capture_output=True, text=True)
    assert usage.returncode == 2
    assert "No such command" in usage.stderr


def test_a_one_process_build_still_removes_its_scratch_folder(mini_project, tmp_path):
    """multiprocessing's exit function removes the folder (typeset/scratch.py); it runs
    before os._exit."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    done = subprocess.run([*CHAPBOOK, "build", "--jobs", "1", str(mini_project)],
                          capture_output=True, text=True,
                          env={**os.environ, "TMPDIR": str(temporary)})
    assert done.returncode == 0, done.stderr
    assert (mini_project / "build").is_dir()
    assert list(temporary.iterdir()) == []


def _ended(script: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` with its output buffered, as a command's is when it is piped."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    return subprocess.run([sys.executable, "-c", "from chapbook.entry import end_process\n"
                           + script], capture_output=True, text=True, env=env)


def test_what_is_still_buffered_is_written_and_exit_functions_run():
    done = _ended("import atexit, sys\n"
                  "atexit.register(lambda: sys.stderr.write('exit function ran\\n'))\n"
                  "sys.stdout.write('still in the buffer')\n"
                  "end_process(3)\n")
    assert done.returncode == 3
    assert done.stdout == "still in the buffer"
    assert done.stderr == "exit function ran\n"


def test_a_message_is_printed_as_sys_exit_prints_it():
    done = _ended("end_process('could not go on')\n")
    assert (done.returncode, done.stderr) == (1, "could not go on\n")


def test_a_thread_still_at_work_is_waited_for():
    done = _ended("import threading, time\n"
                  "def late():\n"
                  "    time.sleep(0.3)\n"
                  "    print('thread done', flush=True)\n"
                  "threading.Thread(target=late).start()\n"
                  "end_process(0)\n")
    assert (done.returncode, done.stdout) == (0, "thread done\n")

"""A build stopped while it writes the PDF leaves nothing behind: SIGTERM at once, SIGKILL
at the next build (output.py's part files, typeset/scratch.py's folders).

The signal is sent by the build to itself from inside the PDF writer, so that it arrives
while the file is being written, every time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PREVIOUS = b"%PDF-1.7\n% the previous booklet\n"

#: A build whose PDF writer sends ``sys.argv[1]`` to its own process once it has written
#: the first bytes of the PDF's part file.
_SIGNALLED_BUILD = """
import os, signal, sys
import chapbook.output as output
number = getattr(signal, sys.argv.pop(1))
real = output._write_atomic
def write_then_signal(target, write):
    if target.suffix != ".pdf":  # a cache of chapbook's own
        return real(target, write)
    def writing(handle):
        handle.write(b"%PDF-half")
        handle.flush()
        os.kill(os.getpid(), number)
        write(handle)
    return real(target, writing)
output._write_atomic = write_then_signal
from chapbook.entry import main
main()
"""


def _build(root: Path, tmp: Path, *prefix: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", _SIGNALLED_BUILD, *prefix] if prefix else [
        sys.executable, "-m", "chapbook"]
    return subprocess.run([*command, "build", str(root)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "TMPDIR": str(tmp)})


def _settled(folder: Path, wait: float = 10.0) -> list[str]:
    """What is left in ``folder`` once the layout host a killed build left has ended (it
    ends when it sees its parent gone)."""
    deadline = time.monotonic() + wait
    while True:
        left = sorted(p.name for p in folder.iterdir())
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


@pytest.fixture
def project(mini_project: Path, tmp_path: Path) -> tuple[Path, Path]:
    (mini_project / "build").mkdir()
    (mini_project / "build" / "mini.pdf").write_bytes(PREVIOUS)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    return mini_project, tmp


def test_sigterm_while_writing_leaves_nothing(project):
    root, tmp = project
    done = _build(root, tmp, "SIGTERM")
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in (root / "build").iterdir()) == ["mini.pdf"]
    assert (root / "build" / "mini.pdf").read_bytes() == PREVIOUS
    assert sorted(p.name for p in tmp.iterdir()) == []


def test_the_next_build_removes_what_a_sigkill_left(project):
    root, tmp = project
    killed = _build(root, tmp, "SIGKILL")
    assert killed.returncode == -signal.SIGKILL
    parts = [p.name for p in (root / "build").iterdir() if p.name.endswith(".part")]
    assert parts, "the killed build left no part file: the test did not test anything"
    done = _build(root, tmp)
    assert done.returncode == 0, done.stderr
    # the PDF and its layout report (for `check --format json`), no part file
    assert sorted(p.name for p in (root / "build").iterdir()) == ["mini.layout.json",
                                                                   "mini.pdf"]
    assert (root / "build" / "mini.pdf").read_bytes().startswith(b"%PDF-")
    assert (root / "build" / "mini.pdf").read_bytes() != PREVIOUS
    assert _settled(tmp) == []

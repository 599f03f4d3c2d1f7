"""Writing outputs so that a failed or interrupted build never leaves half a file.

Everything is written to a temporary file beside the target and moved into place with
``os.replace``, which is atomic on one file system: the teacher either gets the new file or
keeps the previous one. A write the file system refuses (a full disk, a read-only one) is an
error at the target; the half-written files a killed build left are removed by the next.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .diagnostics import ChapbookError, Diagnostic, Severity


class WriteFailed(ChapbookError, OSError):
    """A write the file system refused, as a diagnostic at the file. Still an OSError, so
    that a cache whose write fails goes on without it, as it always has."""

    def __init__(self, diagnostics: list[Diagnostic], number: int | None = None):
        ChapbookError.__init__(self, diagnostics)
        self.errno = number


#: What to do when the file system refuses a write, by its error.
_WRITE_HINTS = {
    errno.ENOSPC: "the disk is full: free some space and build again",
    errno.EDQUOT: "your disk quota is used up: free some space and build again",
    errno.EROFS: "the folder is on a read-only file system (a locked USB stick, a CD): copy "
                 "the booklet to a writable folder, or write elsewhere with -o",
    errno.EACCES: "you may not write in that folder: write elsewhere with -o",
    errno.EPERM: "you may not write in that folder: write elsewhere with -o",
    errno.EISDIR: "a folder has the output's name: delete or rename it",
    errno.ENOTDIR: "a file has the name of the output folder: delete or rename it",
    errno.ENAMETOOLONG: "the name is too long for the file system: use a shorter slug",
}


def write_atomic(target: Path, content: bytes | str | Callable[[BinaryIO], object]) -> None:
    """Write ``content`` (bytes, text as UTF-8, or a function that writes to the open file)
    to ``target`` whole or not at all. A write the file system refuses stops the run with an
    error at the target (:class:`WriteFailed`), the previous file kept."""
    try:
        _write_atomic(target, content)
    except OSError as exc:
        if isinstance(exc, WriteFailed):
            raise
        try:
            shown = os.path.relpath(target)
        except ValueError:
            shown = str(target)
        if shown.startswith(".."):
            shown = str(target)
        hint = _WRITE_HINTS.get(exc.errno or 0, "check that the folder exists and that you "
                                "may write in it")
        raise WriteFailed([Diagnostic(shown, 0, 0, Severity.ERROR,
                                      f"cannot write the file: {exc.strerror or exc}", hint)],
                          exc.errno) from None


def part_prefix(target: Path) -> str:
    """The start of the name of a file being written to become ``target``: it names the
    process writing it, so that a later build knows whether it was left by one that was
    killed (:func:`remove_left_parts`)."""
    return f".{target.name}.{os.getpid()}."


def _write_atomic(target: Path, content: bytes | str | Callable[[BinaryIO], object]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_left_parts(target.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=part_prefix(target), suffix=".part",
                                    dir=target.parent)
    try:
        # mkstemp makes the file private (0600); an output is as readable as any file the
        # user creates, so that colleagues on a shared school machine can print it.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            if isinstance(content, str):
                handle.write(content.encode("utf-8"))
            elif isinstance(content, bytes):
                handle.write(content)
            else:
                content(handle)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def process_gone(pid: int) -> bool:
    """Whether no process ``pid`` runs (one that may not be signalled still runs)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


#: The folders whose left parts this process has removed: once is enough, as a part is only
#: left by a writer that was killed, and a watcher writing on every save need not list its
#: folder every time.
_cleaned: set[Path] = set()


def remove_left_parts(folder: Path) -> None:
    """Remove the half-written files a killed build left in ``folder`` (SIGKILL, a power
    cut): those whose writer is gone. A build running beside this one keeps its own."""
    if folder in _cleaned:
        return
    _cleaned.add(folder)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if not (name.startswith(".") and name.endswith(".part")):
            continue
        fields = name[:-len(".part")].rsplit(".", 2)
        if len(fields) == 3 and fields[1].isdigit() and process_gone(int(fields[1])):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)

"""The layout host: a process that gets WeasyPrint ready while the build reads its sources.

Importing WeasyPrint and opening its fonts takes about as long as chapbook takes to read,
check and render the whole booklet, and all of it is on the way to the first laid-out page. So a
build that will lay its parts out in worker processes starts the host first thing, on the
other core: the host imports WeasyPrint and registers the fonts while the build reads and
checks the sources, and reads the hyphenation patterns of the booklet's language once the
build has told it the language; it is sent the booklet's stylesheet as soon as that is
known and parses it; then it forks one worker per part (:mod:`.workers`), each starting
with all of that done. The building process itself never imports WeasyPrint:
it renders the HTML, tells the workers where their pages start and joins their PDFs
(:mod:`.parts`).

Each worker talks to the building process over a pipe of its own, whose far end is handed
to the host (as a file descriptor over a Unix socket) to give to the worker it forks.
Nothing but messages crosses: a WeasyPrint document holds Pango objects and cannot be
pickled, so a worker sends plain facts (its page count, where its anchors fell, its
bookmarks) and then its part as serialised PDF objects.

The host and its workers ignore Ctrl-C: the building process decides. When it closes the
host (at the end of the build, on an error, on Ctrl-C, or because it died), the host
stops any worker still running and exits.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import sys
import threading
import traceback
from collections.abc import Sequence
from multiprocessing import reduction
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from .messages import PartJob


class LayoutProcessError(RuntimeError):
    """The host or a worker failed or died; the message carries its traceback."""


class PartsUnavailable(RuntimeError):
    """The installed WeasyPrint or pydyf lacks an internal that laying out in parts needs
    (:data:`.internals.MISSING`, reported by the host when it is configured); the message
    names them. A whole document still can be laid out."""


def can_fork() -> bool:
    """Forking is only safe where it is the platform's way (Linux) and only from a process
    with no other threads (a lock held by one would stay locked in the child)."""
    return (sys.platform.startswith("linux")
            and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1
            and not multiprocessing.current_process().daemon)


class Worker:
    """The building process's end of one worker: its pipe."""

    def __init__(self, channel: Connection):
        self.channel = channel
        #: Messages read before the build asked for them (:meth:`read_ahead`).
        self.read: dict[str, Any] = {}

    def send(self, value: Any) -> None:
        self.channel.send(value)

    def read_ahead(self, expected: str) -> None:
        """Read the next message, ``expected``, now, for :meth:`receive` to return later: a
        worker that has sent everything ends, and its memory with it."""
        self.read[expected] = self.receive(expected)

    def receive(self, expected: str) -> Any:
        """The next message, which must be ``expected``; a failure or a death is raised."""
        if expected in self.read:
            return self.read.pop(expected)
        try:
            kind, value = self.channel.recv()
        except (EOFError, OSError):
            raise LayoutProcessError("a layout process stopped before it was done") from None
        if kind == "failed":
            raise LayoutProcessError(f"a layout process failed:\n{value}")
        if kind != expected:
            raise LayoutProcessError(f"a layout process said {kind!r}, not {expected!r}")
        return value

    def close(self) -> None:
        self.channel.close()


class LayoutHost:
    """The building process's handle on the host."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self.control, far_end = context.Pipe(duplex=True)
        # Daemonic, so that it cannot outlive the build; its workers are plain forks.
        # The host is given this end too, to close: a fork holds copies of every descriptor,
        # and the host must see the pipe close when this process closes its end.
        self.process = context.Process(target=_serve, args=(far_end, self.control),
                                       daemon=True, name="chapbook-layout-host")
        self.process.start()
        far_end.close()
        self.workers: list[Worker] = []
        #: What the host found missing for laying out in parts, once it has said.
        self.missing: list[str] | None = None

    @classmethod
    def start(cls) -> LayoutHost | None:
        """A host: the one :func:`prestart` made, if any, else a new one; None where forking
        is not safe (see :func:`can_fork`)."""
        global _prestarted
        host, _prestarted = _prestarted, None
        if host is not None and host.process.is_alive():
            return host
        return cls() if can_fork() else None

    def configure(self, css: str, root: Path, allowed: list[Path]) -> list[str]:
        """The booklet's stylesheet, its folder and the folders the sandbox allows; the
        host parses it while the build renders the HTML.

        Returns what the installed WeasyPrint and pydyf lack for laying out in parts
        (:data:`.internals.MISSING`), as the host found when it imported them: waits for
        that import, if it is not done yet. A build that is told of a lack lays the booklet
        out another way before it has rendered or laid out anything in parts.
        """
        if self.missing is None:
            kind, value = self._answer()
            if kind != "ready":
                raise LayoutProcessError(f"the layout host said {kind!r}, not 'ready'")
            self.missing = list(value)
        self.control.send(("configure", (css, str(root), [str(p) for p in allowed])))
        return self.missing

    def _answer(self) -> tuple[str, Any]:
        """The host's next message; its failure or its end raised."""
        wait([self.control, self.process.sentinel])
        try:
            kind, value = self.control.recv()
        except (EOFError, OSError):
            raise LayoutProcessError(
                f"the layout host stopped (exit code {self.process.exitcode})") from None
        if kind == "failed":
            raise LayoutProcessError(f"the layout host failed:\n{value}")
        return kind, value

    def expect_language(self, language: str, exceptions: Sequence[str] = ()) -> None:
        """The booklet's language, as early as it is known: the host reads its hyphenation
        patterns before it forks a worker, so that no worker reads them again (WeasyPrint
        reads them the first time a line needs hyphenating); with the booklet's own
        ``exceptions`` (its ``hyphenation`` setting), once the sources are read."""
        self.control.send(("language", (language, tuple(exceptions))))

    def spawn(self, job: PartJob) -> Worker:
        """A worker forked from the host, at work on ``job``."""
        ours, theirs = multiprocessing.get_context("fork").Pipe(duplex=True)
        try:
            self.control.send(("spawn", job))
            reduction.send_handle(self.control, theirs.fileno(), self.process.pid)
        finally:
            theirs.close()
        try:
            self._answer()
        except BaseException:
            ours.close()
            raise
        worker = Worker(ours)
        self.workers.append(worker)
        return worker

    def close(self) -> None:
        """Stop the host and every worker still running; wait for them to be gone."""
        for worker in self.workers:
            worker.close()
        self.control.close()
        if not self.workers:
            # It has no workers to stop, and may still be importing WeasyPrint: a build
            # that failed its checks should not wait for that to report them.
            self.process.terminate()
        self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()


#: The host started by :func:`prestart`, until a build takes it.
_prestarted: LayoutHost | None = None


def prestart() -> None:
    """Start the host before the command line is even imported.

    The ``chapbook`` command calls this first when it is asked for a build or a handout (see
    :mod:`chapbook.entry`): importing the CLI and reading the sources take about as long as
    the host takes to import WeasyPrint, so neither waits for the other. A command that
    turns out not to want it (a short booklet, several handouts) closes it.
    """
    global _prestarted
    if _prestarted is None and can_fork():
        _prestarted = LayoutHost()


def discard_prestarted() -> None:
    """Close the host :func:`prestart` made, if no command has taken it."""
    global _prestarted
    host, _prestarted = _prestarted, None
    if host is not None:
        host.close()


def _end_when_told(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _serve(control: Connection, builds_end: Connection) -> None:
    """The host's life: get WeasyPrint ready, then fork workers until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Stopped by the build (LayoutHost.close), it still ends as a process does, its workers
    # stopped and its scratch folder removed (typeset/scratch.py), not killed where it is.
    signal.signal(signal.SIGTERM, _end_when_told)
    builds_end.close()
    children: list[int] = []
    try:
        from . import workers  # WeasyPrint: the import this process exists to make early
        from .hyphenation import load_patterns
        from .internals import MISSING

        workers.get_ready()
        # What laying out in parts needs and these libraries lack: read by the build when
        # it configures the host, before it renders or lays out anything in parts.
        control.send(("ready", MISSING))
        engine: Any = None
        while True:
            try:
                kind, value = control.recv()
            except (EOFError, OSError):
                break
            try:
                if kind == "language":
                    # pyphen keeps them for the life of the process, and the workers
                    # forked after inherit them
                    load_patterns(*value)
                elif kind == "configure":
                    engine = workers.engine_for(*value)
                elif kind == "spawn":
                    fd = reduction.recv_handle(control)
                    # Everything the worker starts with (WeasyPrint, the fonts, the parsed
                    # stylesheet) lives as long as it does: frozen, the worker's collections
                    # no longer go through it, nor write to its pages, which stay shared.
                    gc.freeze()
                    pid = os.fork()
                    if pid == 0:
                        signal.signal(signal.SIGTERM, signal.SIG_DFL)
                        control.close()
                        os._exit(workers.run(engine, value, Connection(fd)))
                    os.close(fd)
                    children.append(pid)
                    control.send(("spawned", None))
            except Exception:  # noqa: BLE001 - reported to the build, which stops
                control.send(("failed", traceback.format_exc()))
            children = [pid for pid in children if os.waitpid(pid, os.WNOHANG) == (0, 0)]
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        from .scratch import remove_own_folders

        remove_own_folders()

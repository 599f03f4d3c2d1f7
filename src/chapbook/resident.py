"""A check server that ``chapbook check`` leaves running, so that the next check is quick.

A fresh ``check`` of the booklet takes about 0.2 s, more than half of it starting Python
and importing the toolchain; an editor that checks on every save pays that every time. A
running ``watch`` answers checks in 0.03 to 0.08 s (:mod:`chapbook.checkserver`), but a
writer cannot be expected to start one first. So, as Flow, Bazel, Gradle and sccache start
their servers on first use (mypy's daemon and eslint_d must be started by hand), a check
that ran in its own process forks a copy of itself once it has printed its answer: the
copy has everything imported and the booklet just read, and serves the booklet's check
socket for the checks that follow.

It is meant to be forgotten about, so it keeps itself small and short-lived:
- it stops after :data:`IDLE_SECONDS` without a check, when the booklet's folder is gone,
  when its socket is gone from its path, on SIGTERM or SIGHUP, and when a ``watch`` or
  ``serve`` of the booklet starts (which takes the socket over);
- it is detached from the terminal and from the command's output pipes, so a script or an
  editor waiting for the command's output is not kept waiting by it;
- none is left in CI (``CI`` set), where nobody checks twice, nor when
  ``CHAPBOOK_CHECK_SERVER=0``; only on Linux, where a fork is safe.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time

#: A check answered from a kept answer imports this module: not threading and typing,
#: which would cost it 3-4 ms of about 25 (mypy and the linters read this as typing's own).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

#: A writer who has not checked for this long has stopped writing for now.
IDLE_SECONDS = 600.0

#: How often the server looks at the clock and at its folder.
_TICK = 5.0


def wanted(request: dict | None) -> bool:
    """Whether the check of ``request`` (see :mod:`chapbook.checkclient`; None if the
    command line was not a plain check) should leave a server running once it is done."""
    setting = os.environ.get("CHAPBOOK_CHECK_SERVER", "").strip().lower()
    return (request is not None and sys.platform.startswith("linux")
            and setting not in ("0", "no", "off", "false")
            and not os.environ.get("CI")
            # a booklet's folder, not one the check was run in by mistake
            and os.path.isfile(os.path.join(request["root"], "chapbook.toml")))


class _Booklet:
    """The server's owner, as a watcher's rebuilder would be: the folder, and a lock for the
    checks (one at a time; the parses kept between them are shared). (A plain class: a
    check answered from a kept answer imports this module, and dataclasses would cost it a
    tenth of its time.)"""

    def __init__(self, root: Path):
        import threading

        self.root = root
        self.lock = threading.Lock()


def leave_running(request: dict) -> None:
    """Fork the server for ``request``'s booklet; this process goes on to exit as it would.

    Called as the command ends, after its answer is printed (and flushed: the child must
    not print it again), and only from a process with no other thread.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    threading = sys.modules.get("threading")  # not imported: no thread was started
    if threading is not None and threading.active_count() != 1:
        return
    try:
        pid = os.fork()
    except OSError:
        return
    if pid:
        return
    code = 1
    try:
        _detach()
        # Nothing held open in the booklet's folder or the one the command ran in: a
        # booklet on a USB stick can be unmounted while the server runs (it then stops).
        os.chdir("/")
        code = serve(request)
    finally:
        os._exit(code)


def _detach() -> None:
    """Leave the command's session (its terminal's Ctrl-C and hang-up) and every file the
    command had open: a caller reading its output sees the end as soon as it exits."""
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, _open_file_limit())


def _open_file_limit() -> int:
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        return soft if 0 < soft <= 65536 else 65536
    except (ImportError, OSError, ValueError):
        return 4096


def serve(request: dict, idle: float = IDLE_SECONDS) -> int:
    """Answer checks of ``request``'s booklet until idle for ``idle`` seconds, handed over,
    signalled or the folder is gone; the exit code."""
    from pathlib import Path

    from .checkserver import CheckServer
    from .pipeline import keep_what_is_read
    from .watching import on_stop_signals

    root = Path(request["root"])
    keep_what_is_read()
    server = CheckServer(_Booklet(root), resident=True)
    if not server.start():
        return 0  # a watcher (or another server) answers for this booklet already
    try:
        with on_stop_signals(server.stop_answering):
            # The first answer is ready before it is asked for: the parses are kept and the
            # sources' signature taken while the writer reads what the command printed.
            with contextlib.suppress(Exception), server.rebuilder.lock:
                server.warm(request)
            while not server.stopped.wait(min(_TICK, idle)):
                if time.monotonic() - server.last_request > idle or not root.is_dir() \
                        or not server.owns_path():  # nobody can reach it any more
                    break
    finally:  # whatever ended it (SIGINT sent by hand raises KeyboardInterrupt here)
        server.stop()
    return 0

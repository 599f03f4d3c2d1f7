"""The watcher's side of :mod:`chapbook.checkclient`: ``chapbook watch`` and ``serve`` answer
``chapbook check`` for the booklet they watch.

The watcher has the toolchain imported and its templates compiled, so a check costs it only
the reading and checking itself; and when no source has changed since its last check, not
even that. Whether a source has changed is decided from the files themselves (their size,
time and, for the text files, their bytes), not from the watcher's change events, which
arrive a debounce later: a check run the instant after a save must see the save.

The check runs under the rebuilder's lock, never beside a rebuild's reading and checking of
the sources (both use the kept parses); it may run beside the rebuild's rendering of the
HTML and typesetting of the PDF (a second or more), which work on the book the rebuild read.

The same server also runs on its own, left behind by a ``check`` (:mod:`chapbook.resident`);
such a server hands the booklet's socket over to a watcher that starts, and then leaves.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import watchfiles

from .checkclient import (
    PROTOCOL,
    STYLES,
    ask_to_leave,
    installation,
    private_folder,
    socket_path,
    valid_request,
)
from .checkreport import check_answer
from .collector import garbage_collected_after
from .diagnostics import ChapbookError, Diagnostic, Diagnostics
from .keptcheck import installed_code, keep_answer, request_key, source_signature

#: Folders never read as sources: those the watcher's file filter leaves out.
_SKIPPED_FOLDERS = frozenset(watchfiles.DefaultFilter.ignore_dirs)

#: How long a check waits for a rebuild under way before it leaves the check to the
#: command's own process: the HTML of a booklet is rebuilt in less, but the PDF of a long
#: book takes half a minute, far longer than a fresh check.
BUSY_WAIT = 0.5


class Watched(Protocol):
    """What the server needs of its owner: the booklet's folder, and the lock its rebuilds
    hold while they read the sources (a :class:`chapbook.watching.Rebuilder`, or the
    resident server's own)."""

    root: Path
    lock: threading.Lock


@contextlib.contextmanager
def _path_lock(path: Path) -> Iterator[None]:
    """An exclusive lock for starting to serve on ``path`` (a file beside it, in the private
    folder), held by one starting server of the booklet at a time."""
    import fcntl

    descriptor = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # which lets go of the lock


def checked_folders(root: Path) -> tuple[list[Path], list[Path]]:
    """The folders a check reads, and the output folder inside them that it does not: the
    project folder, any source folder or file its chapbook.toml names outside it (a
    bibliography shared by several booklets, say), and ``build/`` or what the file names."""
    from .config import load_config

    try:
        config = load_config(root, Diagnostics())
    except ChapbookError:
        return [root], [root / "build"]
    folders = [root]
    named = [*config.chapters, *config.bibliography, config.glossary, config.timeline,
             config.layout]
    for name in filter(None, named):
        path = (root / name).resolve()
        if not path.is_relative_to(root) and path.exists():
            folders.append(path)
    return folders, [root / config.output]


@dataclasses.dataclass
class _Checked:
    #: What was read: ``folders``, ``skipped``, ``ignored`` and their ``signature`` (as
    #: chapbook.keptcheck.source_signature takes and gives them).
    sources: dict
    diagnostics: Diagnostics | None
    fatal: list[Diagnostic]


class CheckServer:
    """Answers ``chapbook check`` on the watched booklet's socket while a watcher runs.

    ``start`` does nothing (and returns False) where it cannot serve: no Unix sockets, a
    temporary folder others can write to, or another watcher of the same booklet already
    answering; ``chapbook check`` then simply checks in its own process.
    """

    def __init__(self, rebuilder: Watched, *, resident: bool = False):
        self.rebuilder = rebuilder
        self.root = rebuilder.root.resolve()
        self.path = Path(socket_path(str(self.root))) if hasattr(os, "getuid") else None
        #: Left running by a check (resident.py), not a watcher's: it gives way to a watcher.
        self.resident = resident
        self.answered = 0
        #: When the last request came (time.monotonic()), for a resident server's idle end.
        self.last_request = time.monotonic()
        #: Set once the server has stopped, by :meth:`stop` or by handing its socket over.
        self.stopped = threading.Event()
        #: chapbook as it was when the server started: a server left running for minutes
        #: must not answer with code since reinstalled or edited (an editable install keeps
        #: its name and version through an edit), and its kept answers say which code
        #: gave them.
        self.code = installed_code()
        self._server: socketserver.UnixStreamServer | None = None
        self._thread: threading.Thread | None = None
        self._last: dict[str | None, _Checked] = {}
        #: The inode of the socket this server made, to know it from another's.
        self._socket_file: int | None = None
        #: The sources' last signature, whatever the style: each is taken with the one
        #: before, so that a file read for its checksum once is read again (keptcheck.py).
        self._signature: list[list] | None = None
        #: Whether the last answer needed a check (and so made garbage).
        self.checked_now = False
        #: The last answer given, to be kept on disk once it is sent (keptcheck.py).
        self._to_keep: tuple[dict, dict, _Checked] | None = None
        #: What each way of asking was last kept from: an answer from the same check is not
        #: kept again (the kept file is read and written only when something changed).
        self._kept: dict[str, _Checked] = {}

    def __enter__(self) -> CheckServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> bool:
        if not hasattr(socket, "AF_UNIX") or self.path is None:
            return False
        folder = self.path.parent
        with contextlib.suppress(OSError):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not private_folder(str(folder)):
            return False
        # Two servers starting at once (the checks of two saves in a row, say) each found
        # the path free, and the second one's unlink took the first one's socket away: the
        # first then answered nobody for its ten idle minutes, and on leaving unlinked the
        # second one's. Looking, unlinking and binding are one step under a lock.
        try:
            with _path_lock(self.path):
                return self._take_path()
        except OSError:
            return False

    def _take_path(self) -> bool:
        assert self.path is not None
        if not self._path_free():
            return False
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # left by a watcher that was killed
        owner = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                # The garbage is collected once the answer is sent, as after a rebuild
                # (collector.garbage_collected_after): the watcher holds many objects, and
                # a full collection in the middle of a check would double its time.
                request = self.rfile.readline(1 << 20)
                owner.last_request = time.monotonic()
                if owner.asked_to_leave(request):
                    # Gone from the socket's path before the answer, so that the asker
                    # can take the path as soon as it reads it.
                    owner.stop_answering()
                    self._send({"protocol": PROTOCOL, "leaving": True})
                    return
                # Collected once the lock is let go, too: a rebuild (of the save the check
                # was made for) never waits for the lock while the collector runs.
                with garbage_collected_after(lambda: owner.checked_now):
                    if not owner.rebuilder.lock.acquire(timeout=BUSY_WAIT):
                        self._send({"protocol": PROTOCOL})  # busy: the command checks itself
                        return
                    try:
                        self._send(owner.answer(request))
                        owner.keep_last_answer()
                    finally:
                        owner.rebuilder.lock.release()

            def _send(self, answer: dict) -> None:
                self.wfile.write(json.dumps(answer, ensure_ascii=False).encode())
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_WR)

        try:
            self._server = socketserver.UnixStreamServer(str(self.path), Handler)
            self._socket_file = os.stat(self.path).st_ino
        except OSError:
            return False
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name="chapbook check server", daemon=True)
        self._thread.start()
        return True

    @property
    def serving(self) -> bool:
        return self._server is not None

    def stop(self) -> None:
        if self._server is None or self.path is None:
            return
        self.stop_answering()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def stop_answering(self) -> None:
        """Take the socket off its path (once), so no further check reaches this server,
        and say that it has stopped; :meth:`stop` (or the process's end) closes it."""
        if self.stopped.is_set() or self.path is None:
            return
        if self.owns_path():
            with contextlib.suppress(OSError):
                self.path.unlink()
        self.stopped.set()

    def owns_path(self) -> bool:
        """Whether the socket's path is still this server's own socket (not one that
        another server put there after this one's was removed by hand)."""
        try:
            return self.path is not None and os.stat(self.path).st_ino == self._socket_file
        except OSError:
            return False

    def asked_to_leave(self, line: bytes) -> bool:
        """Whether ``line`` asks for the socket and this server leaves for the asker: a
        server left running by a check leaves for a watcher and for another installation's
        server; a watcher keeps its booklet."""
        try:
            request = json.loads(line)
        except ValueError:
            return False
        if not self.resident or not isinstance(request, dict) \
                or request.get("handover") is not True:
            return False
        return request.get("watcher") is True or request.get("installation") != installation()

    def _path_free(self) -> bool:
        """Whether nobody answers on the socket's path, or whoever did has left for us."""
        if not self._another_answers():
            return True
        assert self.path is not None
        return ask_to_leave(str(self.path), watcher=not self.resident) \
            and not self._another_answers()

    def _another_answers(self) -> bool:
        if self.path is None or not self.path.exists():
            return False
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.5)
            try:
                probe.connect(str(self.path))
            except OSError:
                return False
        return True

    def answer(self, line: bytes) -> dict:
        """The answer to one request: what ``check`` prints and its exit code; or, for a
        request this watcher must not answer or a crash, no exit code, so that the command
        checks in its own process (and reports a crash there, with its traceback)."""
        refused = {"protocol": PROTOCOL}
        self.checked_now = False
        try:
            request = json.loads(line)
        except ValueError:
            return refused
        if self.resident and self.code != installed_code():
            # chapbook was reinstalled or edited since this server started: its answers
            # could be the old code's. It leaves; the command checks, and leaves a new one.
            self.stop_answering()
            return refused
        if not valid_request(request) or request["protocol"] != PROTOCOL \
                or request["installation"] != installation() \
                or Path(request["root"]) != self.root \
                or request["style"] not in (None, *STYLES):
            return refused
        try:
            checked = self._check(request["style"])
        except Exception:  # noqa: BLE001 - the fresh process reports it properly
            return refused
        self.answered += 1
        report = self._report(request, checked)
        self._to_keep = (request, report, checked)
        answer = {"protocol": PROTOCOL, **report}
        if request["verbose"]:
            who = "check server left running for" if self.resident else "watcher of"
            answer["stderr"] = f"checked by the {who} this booklet (process {os.getpid()})\n" \
                + answer["stderr"]
        return answer

    def keep_last_answer(self) -> None:
        """Keep the answer just sent, for a check after this server has gone (the caller
        holds the lock)."""
        if self._to_keep is not None:
            request, report, checked = self._to_keep
            self._to_keep = None
            self._keep(request, report, checked)

    def warm(self, request: dict) -> None:
        """Check ``request`` once before anyone asks (the caller holds the lock): the next
        request finds the sources' signature taken and their parses kept, and the answer
        is kept for the first check of another day."""
        checked = self._check(request["style"])
        self._keep(request, self._report(request, checked), checked)

    def _keep(self, request: dict, report: dict, checked: _Checked) -> None:
        key = request_key(request)
        if self._kept.get(key) is not checked:
            keep_answer(request, report, checked.sources, self.code)
            self._kept[key] = checked

    def _check(self, style: str | None) -> _Checked:
        from .pipeline import BuildOptions, check

        options = BuildOptions(style=style)
        folders, skipped = checked_folders(self.root)
        signature = self._signature = source_signature(folders, skipped, _SKIPPED_FOLDERS,
                                                       self._signature)
        last = self._last.get(style)
        self.checked_now = last is None or last.sources["signature"] != signature
        if last is not None and not self.checked_now:
            return last
        sources = {"folders": [str(folder) for folder in folders],
                   "skipped": [str(folder) for folder in skipped],
                   "ignored": sorted(_SKIPPED_FOLDERS), "signature": signature}
        try:
            checked = _Checked(sources, check(self.root, options), [])
        except ChapbookError as exc:
            checked = _Checked(sources, None, list(exc.diagnostics))
        self._last[style] = checked
        return checked

    def _report(self, request: dict, checked: _Checked) -> dict:
        return check_answer(request, checked.diagnostics, checked.fatal)

"""``chapbook check`` answered by a running ``chapbook watch`` or ``serve`` of the same booklet.

A fresh ``check`` spends half its time starting Python and importing the toolchain (about
0.1 s of 0.2 s) before it reads a line; a watcher has all of that loaded, and often has
just checked the same files. So, as mypy's daemon and eslint_d do, ``check`` first asks a
watcher of the same project over a Unix socket, and checks in its own process only when
there is none or it does not answer. The answer is the text the command would have printed
and its exit code, so the two ways cannot differ in what a writer sees. Where no watcher
runs, the server a previous check left running answers (:mod:`chapbook.resident`).

This module is imported before anything else of chapbook, in every ``check``: it may use
only the standard library's light modules, or it would cost the time it saves.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from pathlib import Path

#: For annotations only: ``collections.abc`` would import ``collections``, which a check
#: a server answers has no other use for (see chapbook/entry.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

#: Bumped whenever a request or an answer changes shape.
PROTOCOL = 1

#: How long a watcher may take to answer (it waits at most
#: :data:`chapbook.checkserver.BUSY_WAIT` for a rebuild under way, then checks).
ANSWER_TIMEOUT = 60.0

#: A request's fields and their types: what ``check`` was asked, in the words the watcher
#: needs to answer it. (A plain dict, not a dataclass: importing dataclasses and pathlib
#: would cost this command a sixth of its time.)
REQUEST_FIELDS: dict[str, tuple[type, ...]] = {
    "protocol": (int,), "installation": (str,), "root": (str,), "style": (str, type(None)),
    "format": (str,), "strict": (bool,), "quiet": (bool,), "verbose": (bool,),
    "colour": (bool,), "width": (int,),
}


def valid_request(request: object) -> bool:
    return isinstance(request, dict) and request.keys() == REQUEST_FIELDS.keys() and all(
        isinstance(request[name], types) for name, types in REQUEST_FIELDS.items())


def installation() -> str:
    """Which chapbook this is: a watcher started from another copy or version must not
    answer for this one."""
    from . import __version__

    return f"{__version__} {os.path.dirname(os.path.realpath(__file__))}"


def socket_folder() -> str:
    """A folder for the sockets that only this user can enter (``$XDG_RUNTIME_DIR`` where
    the system gives one, the temporary folder otherwise)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = runtime if runtime and os.path.isdir(runtime) else \
        os.environ.get("TMPDIR") or "/tmp"
    return os.path.join(base, f"chapbook-{os.getuid()}")


def folder_key(root: str) -> str:
    """A short name for the folder ``root``, from its real path (the path itself could be
    longer than a file's name may be)."""
    resolved = os.path.realpath(root).encode()
    return f"{zlib.crc32(resolved):08x}{zlib.adler32(resolved):08x}"


def socket_path(root: str) -> str:
    """The socket of the watcher of the folder ``root``: one per project folder."""
    return os.path.join(socket_folder(), f"{folder_key(root)}.sock")


def private_folder(folder: str) -> bool:
    """Whether ``folder`` is ours alone: a socket in a folder others may write to could be
    someone else's listener."""
    try:
        info = os.stat(folder)
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & 0o077


#: The shipped citation styles, one per file in ``layouts/styles`` (listed here without
#: importing the style module, to keep a check quick): a request naming another style
#: is left to the command line, to say what is wrong.
STYLES = tuple(sorted(p.stem for p in (Path(__file__).parent / "layouts" / "styles").glob(
    "*.toml")))

#: The options of ``check`` that take a value, and the request's field for each.
_VALUE_OPTIONS = {"--format": "format", "-f": "format", "--style": "style"}


def parse_check_arguments(arguments: list[str]) -> dict | None:
    """The request for ``chapbook [-q] [-v] check [PROJECT] [--format F] [--style S] [--strict]``;
    None for anything else (``--help``, an unknown option or style, a missing folder): Typer
    parses those and says what is wrong, as it always does."""
    quiet = verbose = False
    words = list(arguments)
    while words and words[0] in ("-q", "--quiet", "-v", "--verbose"):
        quiet = quiet or words[0] in ("-q", "--quiet")
        verbose = verbose or words[0] in ("-v", "--verbose")
        words.pop(0)
    if words[:1] != ["check"]:
        return None
    words.pop(0)
    project: str | None = None
    values: dict[str, str] = {"format": "text"}
    strict = False
    while words:
        word = words.pop(0)
        name, equals, inline = word.partition("=")
        if name in _VALUE_OPTIONS and (equals or words):
            values[_VALUE_OPTIONS[name]] = inline if equals else words.pop(0)
        elif word in ("--strict", "--no-strict"):
            strict = word == "--strict"
        elif not word.startswith("-") and project is None:
            project = word
        else:
            return None
    root = project or "."
    if not os.path.isdir(root) or values.get("style") not in (None, *STYLES):
        return None
    try:
        width = os.get_terminal_size(sys.stderr.fileno()).columns
    except (OSError, ValueError):
        width = 0
    width = width if width > 0 else 80  # a terminal that gives no size (``script``, some CI)
    return {"protocol": PROTOCOL, "installation": installation(),
            "root": os.path.realpath(root), "style": values.get("style"),
            "format": values["format"], "strict": strict, "quiet": quiet, "verbose": verbose,
            "colour": colour_wanted(), "width": width}


def colour_wanted() -> bool:
    """Whether ``check`` prints its lines in colour: on a terminal, unless NO_COLOR is set."""
    return sys.stderr.isatty() and "NO_COLOR" not in os.environ


def ask_watcher(request: dict) -> dict | None:
    """The watcher's answer (``stdout``, ``stderr``, ``exit``), or None if no watcher of
    this project answers in full (none runs, it stopped, it is another chapbook)."""
    path = socket_path(request["root"])
    if not os.path.exists(path) or not private_folder(os.path.dirname(path)):
        return None
    answer = _exchange(path, request, ANSWER_TIMEOUT)
    if not isinstance(answer, dict) or answer.get("protocol") != PROTOCOL \
            or not isinstance(answer.get("exit"), int):
        return None
    return answer


def ask_to_leave(path: str, *, watcher: bool) -> bool:
    """Ask the server on ``path`` to give the socket up; whether it has left. A server left
    running by a check leaves for a watcher, and for a server of another installation (the
    newly installed chapbook, say); a watcher leaves for nobody."""
    answer = _exchange(path, {"protocol": PROTOCOL, "handover": True, "watcher": watcher,
                              "installation": installation()}, 2.0)
    return isinstance(answer, dict) and answer.get("leaving") is True


def _exchange(path: str, message: dict, answer_timeout: float) -> object:
    """Send ``message`` as one line of JSON to the server on ``path`` and read its whole
    answer; None if nobody answers in full (none listens, it stopped, it sent no JSON).

    ``socket`` is imported here, once a socket is there to talk to: a check that finds none
    (nothing running) spent 3-4 ms of its 0.17 s importing it for nothing."""
    import socket

    if not hasattr(socket, "AF_UNIX"):
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as channel:
            channel.settimeout(1.0)
            channel.connect(path)
            channel.sendall(json.dumps(message).encode() + b"\n")
            channel.shutdown(socket.SHUT_WR)
            channel.settimeout(answer_timeout)
            chunks = []
            while chunk := channel.recv(1 << 16):
                chunks.append(chunk)
        return json.loads(b"".join(chunks))
    except (OSError, ValueError):
        return None


def check_by_watcher(request: dict | None) -> int | None:
    """Run the check of ``request`` (from :func:`parse_check_arguments`) through a watcher:
    print its answer and return the exit code, or None to check in this process instead."""
    if request is None or not hasattr(os, "getuid"):
        return None  # Windows: no watcher answers there (nor has it AF_UNIX, see _exchange)
    return print_answer_of(ask_watcher, request)


def print_answer_of(answerer: Callable[[dict], dict | None], request: dict) -> int | None:
    """Print what ``answerer`` answers to ``request`` (a watcher, this process) and return
    its exit code; None if it gave no answer, 130 if Ctrl-C stopped it."""
    try:
        answer = answerer(request)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted: no output was changed\n")
        return 130
    if answer is None:
        return None
    return print_answer(answer)


def print_answer(answer: dict) -> int:
    """Print an answer (a watcher's, a kept one, this process's own) as the command prints
    it; its exit code.

    A reader that stops early (``chapbook check | head -1``) is no mistake of the booklet's:
    the rest is dropped, as Python's documentation advises for a closed pipe, and the code
    is still the check's. A stream that cannot be written otherwise (a full disk) is said
    on stderr, with EX_IOERR (74)."""
    try:
        for stream, text in ((sys.stdout, answer.get("stdout", "")),
                             (sys.stderr, answer.get("stderr", ""))):
            stream.write(text)
            stream.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):
            try:  # noqa: SIM105 - contextlib is not loaded in this light path
                os.dup2(devnull, stream.fileno())
            except (OSError, ValueError):
                pass
        os.close(devnull)
    except OSError as exc:
        try:
            sys.stderr.write(f"chapbook: could not print the check's answer: {exc}\n")
            sys.stderr.flush()
        except OSError:
            pass
        return 74
    return int(answer["exit"])

"""The answers of a check server, kept on disk for the first ``chapbook check`` of the next
session.

A check server (a watcher's, :mod:`chapbook.checkserver`, or one a check left running,
:mod:`chapbook.resident`) forgets its answers when it stops, so the next morning's first
check spends 0.2 s starting Python, importing the toolchain and checking, though nothing
has changed since the evening's last check. As ruff and mypy keep their results, a server
therefore keeps each answer it gives beside what the answer was made from: the signature of
every source file (size, times, inode and checksum, :func:`source_signature`) and of the
chapbook that checked (:func:`installed_code`). A fresh check whose request matches a kept
one, and whose sources and chapbook are unchanged, prints the kept answer without importing
the toolchain; any difference, and it checks as it always did. Deleting the cache folder is
always safe.

Imported before anything else of chapbook in a fresh check, like :mod:`chapbook.checkclient`:
it may use only the standard library's light modules (and :mod:`chapbook.usercache`, which
does too), or it would cost the time it saves.
"""

from __future__ import annotations

import contextlib
import json
import os
import site
import sys
import time
import zlib
from collections.abc import Iterable
from pathlib import Path

from .checkclient import folder_key, print_answer
from .usercache import cache_folder, cache_folder_path, file_stamps

#: Text sources up to this size are compared by their bytes as well as their times while
#: an edit could still leave their times as they are (:func:`source_signature`).
_HASHED_SIZE = 1 << 20

#: A file changed less than this long ago (by its ctime, which only the system sets) may
#: change again within one tick of the file system's clock, keeping its size and times:
#: such a file is compared by its bytes too. Seconds, to cover a coarse clock or a file
#: server's clock a little behind this machine's.
RACY_SECONDS = 3.0

#: How many answers are kept per booklet (one per way of asking: options, terminal width).
_KEPT_ANSWERS = 8

#: Bumped whenever what is kept changes shape.
_FORMAT = 3


def source_signature(folders: Iterable[str | os.PathLike[str]],
                     skipped: Iterable[str | os.PathLike[str]],
                     ignored: Iterable[str], previous: list[list] | None = None
                     ) -> list[list]:
    """Every file under ``folders`` (but not under ``skipped``, nor in a folder named in
    ``ignored``), by path, size, modification and change time, inode and, where it counts,
    checksum: equal signatures mean a check would read the same bytes. (Lists, not tuples,
    so that a signature read back from JSON compares equal.)

    As git does with its racily clean files, only a file changed in the last
    :data:`RACY_SECONDS` is read for its checksum, and any file that has one in the
    ``previous`` signature this one is to be compared with, or whose times are in whole
    seconds: reading every file took 2.3 ms of the 4 ms a signature of this repository
    took, on every request to a check server. Any later write moves a file's change time
    past the ones compared.

    Links to folders are not followed: chapbook refuses sources linked from outside the
    project, whatever they hold, and a folder linked from inside is walked where it is.
    """
    skipped_set = {os.path.realpath(path) for path in skipped}
    ignored_set = frozenset(ignored)
    hashed = {entry[0] for entry in previous or () if entry[-1] is not None}
    racy_after = time.time_ns() - int(RACY_SECONDS * 1e9)
    entries: list[list] = []
    for folder in folders:
        if os.path.isfile(folder):
            entries.append(_file_entry(os.fspath(folder), hashed, racy_after))
            continue
        # The real path of each folder walked, from its parent's: os.walk goes into no link,
        # so a subfolder it goes into is where its name says (a realpath call for each one
        # took a third of the signature).
        real = {os.fspath(folder): os.path.realpath(folder)}
        for directory, subfolders, files in os.walk(folder):
            here = real.pop(directory)
            subfolders[:] = sorted(
                name for name in subfolders if name not in ignored_set
                and os.path.join(here, name) not in skipped_set)
            real.update((os.path.join(directory, name), os.path.join(here, name))
                        for name in subfolders)
            entries.extend(_file_entry(os.path.join(directory, name), hashed, racy_after)
                           for name in sorted(files))
    return entries


def _file_entry(path: str, hashed: set[str], racy_after: int) -> list:
    try:
        info = os.stat(path)
    except OSError:
        return [path, None]
    checksum = None
    # A time in whole seconds is a coarse file system's (FAT, as on a USB stick; HFS+; some
    # network shares), whose clock may not be this machine's: such a file is always read.
    coarse = info.st_mtime_ns % 1_000_000_000 == 0
    if info.st_size <= _HASHED_SIZE and (info.st_ctime_ns >= racy_after or coarse
                                         or path in hashed):
        try:
            with open(path, "rb") as handle:
                checksum = zlib.crc32(handle.read())
        except OSError:
            checksum = -1
    return [path, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, checksum]


def installed_code() -> dict:
    """What the chapbook that checks is made of, besides the booklet: the Python that runs
    it, every file of the package (an editable install keeps its version through an edit;
    the built-in layouts are files of it too) and the folders of the installed libraries
    (installing, removing or upgrading a package changes its folder), with their stamps
    (:func:`chapbook.usercache.file_stamps`; None if a file went while they were taken)."""
    package = os.path.dirname(os.path.realpath(__file__))
    files = []
    for directory, subfolders, names in os.walk(package):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        files += [os.path.join(directory, name) for name in sorted(names)]
    libraries = [folder for folder in [*site.getsitepackages(), site.getusersitepackages()]
                 if os.path.isdir(folder)]
    return {"python": sys.version, "files": files, "libraries": libraries,
            "stamps": file_stamps(files + libraries)}


def kept_path(root: str) -> str:
    """The file of ``root``'s kept answers, in chapbook's cache folder for this installation
    (:func:`chapbook.usercache.cache_folder_path`)."""
    return os.path.join(cache_folder_path("checks"), f"{folder_key(root)}.json")


def request_key(request: dict) -> str:
    """``request`` as the kept answers are filed under it."""
    return json.dumps(request, sort_keys=True)


def kept_answer(request: dict) -> dict | None:
    """The kept answer (``stdout``, ``stderr``, ``exit``) to ``request`` (see
    :func:`chapbook.checkclient.parse_check_arguments`), if the booklet's sources and this
    chapbook are as they were when it was given; None otherwise."""
    try:
        with open(kept_path(request["root"]), encoding="utf-8") as handle:
            kept = json.load(handle)
        answer = kept["answers"].get(request_key(request))
        sources = kept["sources"]
        code = installed_code()
        if answer is None or kept["format"] != _FORMAT or code["stamps"] is None \
                or kept["code"] != code:
            return None
        if source_signature(sources["folders"], sources["skipped"], sources["ignored"],
                            sources["signature"]) != sources["signature"]:
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not (isinstance(answer, dict) and isinstance(answer.get("stdout"), str)
            and isinstance(answer.get("stderr"), str) and type(answer.get("exit")) is int):
        return None
    return answer


def keep_answer(request: dict, answer: dict, sources: dict, code: dict) -> None:
    """Keep ``answer`` to ``request``, made from ``sources`` (``folders``, ``skipped`` and
    ``ignored`` as :func:`source_signature` takes them, and the ``signature`` it gave) by
    ``code`` (:func:`installed_code` when the server started), with the answers kept for
    the same sources; a cache that cannot be written is only a slower next check."""
    if cache_folder("checks") is None:
        return
    path = kept_path(request["root"])
    sources = json.loads(json.dumps(sources))  # as it will be read back
    answers: dict[str, dict] = {}
    try:
        with open(path, encoding="utf-8") as handle:
            kept = json.load(handle)
        if kept["format"] == _FORMAT and kept["code"] == code \
                and kept["sources"] == sources and isinstance(kept["answers"], dict):
            answers = kept["answers"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    entry = {name: answer[name] for name in ("stdout", "stderr", "exit")}
    key = request_key(request)
    if answers.get(key) == entry:
        return  # kept already
    answers.pop(key, None)
    answers[key] = entry
    while len(answers) > _KEPT_ANSWERS:
        answers.pop(next(iter(answers)))
    from .output import write_text_atomic

    with contextlib.suppress(OSError):
        write_text_atomic(Path(path), json.dumps({"format": _FORMAT, "code": code,
                                                  "sources": sources, "answers": answers}))


def check_from_kept(request: dict | None) -> int | None:
    """Print the kept answer to ``request`` and return its exit code; None if there is none
    to give (the command then checks)."""
    if request is None:
        return None
    answer = kept_answer(request)
    if answer is None:
        return None
    if request["verbose"]:
        sys.stderr.write("nothing has changed since the last check of this booklet; its "
                         f"answer was kept in {kept_path(request['root'])}\n")
    return print_answer(answer)

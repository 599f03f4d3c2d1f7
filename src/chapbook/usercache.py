"""chapbook's folder in the user's cache (``$XDG_CACHE_HOME/chapbook``, else ``~/.cache``).

What is kept there saves every fresh process time it would otherwise spend before its first
line of work: compiled layouts (render/html.py), the characters the fonts cover
(resolve/fonts.py), the widths of the chart font's letters (charts/text.py) and the parsed
hyphenation patterns (typeset/hyphenation.py). Each entry
is checked against the files it was made from every time it is used, so deleting the folder
is always safe, and where no folder can be made chapbook works without it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import __version__


def cache_folder_path(name: str) -> str:
    """Where the folder ``name`` for this chapbook installation is (version and environment:
    two virtual environments may hold different font packages), whether or not it exists."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    where = f"{sys.prefix}\0{os.path.dirname(__file__)}".encode()
    return os.path.join(base, "chapbook",
                        f"{name}-{__version__}-{zlib.crc32(where):08x}{zlib.adler32(where):08x}")


def cache_folder(name: str) -> Path | None:
    """The private folder ``name`` of :func:`cache_folder_path`, made if need be; None if
    there is no writable cache folder (a read-only home, say)."""
    folder = Path(cache_folder_path(name))
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


def kept_or_measured(name: str, measure: Callable[[], tuple[list[str], Any]],
                     read: Callable[[Any], Any] = lambda facts: facts) -> Any:
    """Facts (anything JSON can hold) measured from some files, as ``read`` makes them
    into what the caller uses: kept from an earlier process while each of those files has
    the size and time it had, else measured now.

    ``measure`` returns the files it read and the facts. A kept file that does not read
    back cleanly (cut short, garbled, or facts ``read`` cannot take) is ignored and
    measured again, never trusted and never fatal.
    """
    folder = cache_folder("facts")
    path = folder / f"{name}.json" if folder else None
    if path is not None:
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
            if file_stamps(kept["sources"]) == kept["stamps"]:
                return read(kept["facts"])
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            pass
    sources, facts = measure()
    stamps = file_stamps(sources)
    if path is not None and stamps is not None:
        _write_whole(path, json.dumps({"sources": sources, "stamps": stamps, "facts": facts}))
    return read(facts)


def file_stamps(paths: list[str]) -> list[list[int]] | None:
    """The size and modification time of each of ``paths``; None if one is gone. Equal
    stamps mean the files are, for all practical purposes, the ones seen before."""
    try:
        return [[(info := os.stat(path)).st_size, info.st_mtime_ns] for path in paths]
    except (OSError, TypeError):
        return None


def _write_whole(path: Path, text: str) -> None:
    """Write a kept file whole or not at all (the processes of a class set read it at once),
    as outputs are written; a cache that cannot be written is only a slower next start."""
    from .output import write_atomic

    with contextlib.suppress(OSError):
        write_atomic(path, text)

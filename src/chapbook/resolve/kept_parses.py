"""The booklet's parses kept on disk, for the next process that reads it.

Parsing the booklet's 164 fragments takes markdown-it about 53 ms, in every fresh process:
each build (where it is on the way to the first page laid out) and each ``chapbook check``
that no server answers. Between two of them a writer has changed a paragraph or two, so the
parses of every other fragment are kept here, one file per booklet in chapbook's cache
folder, pickled as the watcher keeps them in memory (:func:`.structure.keep_parses`): read
back, the unchanged fragments cost about 17 ms instead. A watcher's first build starts from
them too, and every build, a watcher's included, keeps them up to date.

A parse depends only on the fragment's text and the booklet's language, and on the code that
parses (chapbook, markdown-it and its plugins, Python): the file holds the code's stamps
(:func:`chapbook.keptcheck.installed_code`) and is ignored when they differ. The cache
folder is the user's own (0700, like the layouts' compiled templates beside it); a file that
cannot be read back is ignored, and deleting the folder is always safe.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import io
import os
import pickle
from pathlib import Path

from markdown_it.token import Token

from ..checkclient import folder_key
from ..keptcheck import installed_code
from ..usercache import cache_folder, cache_folder_path

#: The parses as :func:`.structure.parse_all` keeps them: (language, text) -> the pickled
#: (tokens, env) of the fragment.
Parses = dict[tuple[str, str], bytes]

_FORMAT = 2


def pickled_parse(tokens: list[Token], env: dict) -> bytes:
    """A fragment's parse, pickled to be read back fast.

    markdown-it's tokens are slotted dataclasses, which pickle with a dict of their slots
    for each token: reading the booklet's parses back took 7.6 ms, in every check and
    build. Pickled as a call of the class with its fields in order, they take 4.3 ms and a
    quarter less room.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH  # type: ignore[assignment]
    pickler.dump((tokens, env))
    return buffer.getvalue()


_TOKEN_FIELDS = dataclasses.fields(Token)


def _token_call(token: Token) -> tuple:
    return Token, tuple(getattr(token, field.name) for field in _TOKEN_FIELDS)


_DISPATCH = dict(copyreg.dispatch_table)
if all(field.init for field in _TOKEN_FIELDS):  # else Token(*fields) fails
    _DISPATCH[Token] = _token_call


def _file(root: Path) -> str:
    return os.path.join(cache_folder_path("parses"), f"{folder_key(str(root))}.pickle")


class KeptParses:
    """The parses kept for the booklet in ``root`` by this chapbook (none if there are
    none, or none that this code made), and the way to keep the next ones."""

    def __init__(self, root: Path):
        self.root = root
        self.code = installed_code()
        self.parses: Parses = {}
        try:
            with open(_file(root), "rb") as handle:
                kept = pickle.load(handle)  # noqa: S301 - chapbook's own, in a private folder
            if kept["format"] == _FORMAT and kept["code"] == self.code \
                    and isinstance(kept["parses"], dict):
                self.parses = kept["parses"]
        except Exception:  # noqa: BLE001 - a damaged or old file is only a slower start
            pass

    def keep(self, parses: Parses) -> None:
        """Keep ``parses`` (those of the booklet as it is now) for the next process."""
        folder = cache_folder("parses")
        if folder is None or parses == self.parses:
            return
        from ..output import write_bytes_atomic

        data = pickle.dumps({"format": _FORMAT, "code": self.code, "parses": parses},
                            pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(OSError):
            write_bytes_atomic(folder / os.path.basename(_file(self.root)), data)
            self.parses = parses

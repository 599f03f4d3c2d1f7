"""Reading source files the way writers save them.

Writers use whatever editor the school machine has: Notepad adds a byte-order mark and
Windows line endings, and a Russian-locale editor may save in Windows-1251. The first two
just work; the third is named with the command that converts it, never guessed at, since a
wrong guess silently turns Cyrillic into nonsense in print.
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Diagnostics
from ..files import Refused, read_limited

#: A chapter or data file larger than this is refused: no booklet chapter is this long, and
#: laying out tens of megabytes of text would take minutes and gigabytes of memory.
MAX_TEXT_BYTES = 2_000_000


def read_source(path: Path, rel: str, diagnostics: Diagnostics, root: Path,
                max_bytes: int = MAX_TEXT_BYTES) -> str | None:
    """The text of a source file with BOM removed and line endings normalised, or None.

    Read by the project's rule (:mod:`chapbook.files`): a regular file inside ``root``, its
    size checked before it is read."""
    try:
        data = read_limited(path, max_bytes, root)
    except FileNotFoundError:
        diagnostics.error(rel, 0, "the file does not exist")
        return None
    except Refused as exc:
        diagnostics.error(rel, 0, str(exc), hint=exc.hint)
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        diagnostics.error(
            rel, line,
            "the file is not UTF-8 text (it may have been saved as Windows-1251 or another "
            "legacy encoding)",
            column=column,
            hint=f"convert it, e.g. 'iconv -f WINDOWS-1251 -t UTF-8 {rel} > tmp && mv tmp {rel}',"
            " or choose 'Save as… UTF-8' in your editor",
        )
        return None
    if "\x00" in text:
        diagnostics.error(rel, 0, "the file contains NUL bytes: it is not a text file")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")

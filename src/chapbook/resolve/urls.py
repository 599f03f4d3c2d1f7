"""The URL rules: which files a source may load (the links it may print are
:mod:`chapbook.bibliography.links`'s rule), where a refused URL was written. The safety
pass (:mod:`.rawhtml`) applies them to the sources; the typesetter reports, with
:func:`locate_url`, what its fetcher refused during layout.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..files import project_name
from ..model import Book

_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""", re.I)
#: ``@import "x.css"``; the ``@import url(x.css)`` form is found by ``_CSS_URL``.
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)")

NETWORK_HINT = ("copy the file into the project and use a relative path; chapbook never "
                "fetches anything from the network")
OUTSIDE_HINT = "keep every image, stylesheet and font inside the booklet's folder"


def css_unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return match.group(2)

    return _CSS_ESCAPE.sub(one, text)


def resource_problem(url: str, base: Path, root: Path) -> str | None:
    """Why loading ``url`` (relative to ``base``) is refused, or None when it is safe.

    Safe means: a ``data:`` image, a same-document ``#anchor``, or a file that, after
    percent-decoding and following symlinks, lies inside ``root``.
    """
    url = url.strip().replace("\\", "/")
    if not url or url.startswith("#"):
        return None
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return None if url[5:].lstrip().lower().startswith("image/") else (
            "only images may be given as data: URLs")
    if scheme and len(scheme) > 1 and scheme != "file":
        return "it is a network address"
    if scheme == "file" or parts.netloc or url.startswith("/") or (
            len(scheme) == 1 and url[1:2] == ":"):
        return "an absolute path or file: URL is not a file in the project"
    decoded = unquote(unquote(parts.path))
    try:
        path = (base / decoded).resolve()
    except (OSError, RuntimeError, ValueError):
        return "the path cannot be read"
    root = root.resolve()
    if not path.is_relative_to(root):
        if (base / decoded).absolute().is_relative_to(root) and ".." not in Path(decoded).parts:
            return "it is a symbolic link to a file outside the project"
        return "it is outside the project"
    return None


def css_urls(css: str) -> list[tuple[str, int]]:
    """Every URL a stylesheet would load, with its offset: ``url()`` and ``@import``."""
    found = []
    for pattern in (_CSS_URL, _CSS_IMPORT):
        for match in pattern.finditer(css):
            url = next((g for g in match.groups() if g is not None), "")
            found.append((url, match.start()))
    return sorted(set(found), key=lambda item: item[1])


def locate_url(book: Book, url: str) -> tuple[str, int]:
    """Where a URL the typesetter refused was probably written: (file, line), best effort."""
    parts = urlsplit(url)
    needles = [url]
    if parts.scheme == "file":
        path = Path(unquote(parts.path))
        needles.append(path.name)
        with contextlib.suppress(ValueError):
            needles.append(path.relative_to(book.root.resolve()).as_posix())
    sources: list[Path] = [c.path for c in book.chapters]
    layouts = book.root / book.config.layout
    if book.config.layout and layouts.is_dir():
        sources.extend(sorted(p for p in layouts.rglob("*") if p.is_file()))
    for needle in needles:
        if not needle:
            continue
        for path in sources:
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            offset = text.find(needle)
            if offset >= 0:
                return project_name(path, book.root), text.count("\n", 0, offset) + 1
    return book.config.layout, 0

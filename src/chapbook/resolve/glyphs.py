"""The glyph pass: characters the booklet's fonts cannot print.

LaTeX warns about a missing glyph; WeasyPrint silently takes the glyph from another font on
this machine, so the PDF looks different elsewhere (or shows an empty box). We report each
such character once per fragment line, where the writer can replace it.

The fonts are chapbook's own (PT Serif and PT Sans, with Source Serif 4 after them for
arrows, Greek and maths operators: resolve/fonts.py) and every font the project's layout
CSS declares with ``@font-face`` (``layouts/extra.css``), so a teacher who adds a font for
a script or a symbol no longer gets a warning for what it prints. Maths is drawn as paths
(render/maths.py) and needs no font.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..diagnostics import Diagnostics
from ..layout_paths import layout_dirs
from ..markdown.walk import inline_sites
from ..model import Book
from .fonts import FAMILIES, SYMBOL_FAMILIES, cmap_of, covered_characters, text_font_coverage
from .urls import resource_problem

_CHECKED_TOKENS = {"text", "code_inline", "term"}
_FONT_FACE = re.compile(r"@font-face\s*\{(?P<body>[^}]*)\}", re.IGNORECASE)
_FAMILY = re.compile(r"font-family\s*:\s*(['\"]?)(?P<name>[^;'\"]+)\1", re.IGNORECASE)
_URL = re.compile(r"url\(\s*(['\"]?)(?P<url>[^)'\"]+)\1\s*\)", re.IGNORECASE)


def declared_fonts(css_files: list[Path], root: Path) -> list[tuple[str, Path]]:
    """(family, file) of every ``@font-face`` in these CSS files whose source is a local
    file the typesetter may load: the URL rules of the safety pass decide (a font outside
    the project is refused there, so it is not opened here either)."""
    found: list[tuple[str, Path]] = []
    for css in css_files:
        try:
            text = css.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for face in _FONT_FACE.finditer(text):
            family = _FAMILY.search(face.group("body"))
            for url in _URL.finditer(face.group("body")):
                parts = urlsplit(url.group("url"))
                if parts.scheme not in ("", "file") or resource_problem(
                        url.group("url"), css.parent, root) is not None:
                    continue
                path = Path(unquote(parts.path))
                path = path if path.is_absolute() else css.parent / path
                if path.is_file():
                    found.append((family.group("name").strip() if family else path.stem,
                                  path))
    return found


@functools.lru_cache(maxsize=32)
def _coverage(path: Path, size: int, mtime: int) -> frozenset[int]:
    try:
        return frozenset(cmap_of(path))
    except Exception:  # noqa: BLE001 - not a font fontTools can read: it covers nothing
        return frozenset()


def check_glyphs(book: Book, diagnostics: Diagnostics) -> None:
    project_css = sorted(layout_dirs(book.root, book.config.layout)[0].glob("*.css"))
    declared = declared_fonts(project_css, book.root)
    codepoints = set(covered_characters())
    for _, path in declared:
        stat = path.stat()
        codepoints |= _coverage(path.resolve(), stat.st_size, stat.st_mtime_ns)
    covered = {chr(c) for c in codepoints}
    names = [*FAMILIES, *SYMBOL_FAMILIES, *dict.fromkeys(family for family, _ in declared)]
    fonts = ", ".join(names[:-1]) + " and " + names[-1]

    symbols_only = covered - {chr(c) for c in text_font_coverage()}

    def check(text: str, file: str, line: int) -> None:
        characters = set(text)
        book.symbol_font_used = book.symbol_font_used or not characters.isdisjoint(
            symbols_only)
        missing = sorted(c for c in characters.difference(covered)
                         if not c.isspace() and unicodedata.category(c)[0] != "C")
        for char in missing:
            name = unicodedata.name(char, "unnamed character")
            diagnostics.warning(
                file, line,
                f"'{char}' (U+{ord(char):04X} {name}) is not in the booklet's fonts "
                f"({fonts}): it would print in a fallback font that differs between "
                "machines",
                hint="use another character, write it as maths ($\\rightleftharpoons$), "
                "or declare a font that has it with @font-face in layouts/extra.css")

    for fragment in book.fragments():
        for site in inline_sites(fragment):
            if site.token.type in _CHECKED_TOKENS:
                check(site.token.meta.get("text", site.token.content), fragment.file,
                      site.line)
    # what is printed from YAML rather than Markdown: a glossary term in its own script
    # ("φῶς") and the chapters' titles
    for entry in book.glossary.values():
        check(entry.term + entry.original + entry.translit, entry.file, entry.line)
    for chapter in book.chapters:
        check(chapter.title + chapter.short_title + chapter.subtitle, chapter.rel, 1)

"""The glyph pass: characters the booklet's fonts cannot print.

LaTeX warns about a missing glyph; WeasyPrint silently takes the glyph from another font on
this machine, so the PDF looks different elsewhere (or shows an empty box). We report each
such character once per fragment line, where the writer can replace it.
"""

from __future__ import annotations

import unicodedata

from ..diagnostics import Diagnostics
from ..markdown.walk import inline_sites
from ..model import Book
from .fonts import FAMILIES, covered_characters

_CHECKED_TOKENS = {"text", "code_inline", "term"}


def check_glyphs(book: Book, diagnostics: Diagnostics) -> None:
    covered = {chr(c) for c in covered_characters()}
    fonts = " and ".join(FAMILIES)
    for fragment in book.fragments():
        for site in inline_sites(fragment):
            if site.token.type not in _CHECKED_TOKENS:
                continue
            text = site.token.meta.get("text", site.token.content)
            missing = sorted(c for c in set(text).difference(covered)
                             if not c.isspace() and unicodedata.category(c)[0] != "C")
            for char in missing:
                name = unicodedata.name(char, "unnamed character")
                diagnostics.warning(
                    fragment.file, site.line,
                    f"'{char}' (U+{ord(char):04X} {name}) is not in the booklet's fonts "
                    f"({fonts}): it would print in a fallback font that differs between "
                    "machines",
                    hint="use another character (for an arrow, '›' or a word), or add a font "
                    "that has it in layouts/")

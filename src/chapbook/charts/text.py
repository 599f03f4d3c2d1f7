"""Measuring and wrapping label text in PT Sans, so wrapped labels really fit.

An SVG has no text layout of its own: a label that is too long simply runs into the next
bar. We therefore measure every label with the advance widths of the PT Sans font files
that the booklet embeds (shipped by ``fontpkg-pt-sans``) and wrap it ourselves. When the
font files cannot be read, an average width per character is used instead; the chart
still comes out, only the wrapping is less exact.
"""

from __future__ import annotations

from functools import lru_cache

FAMILY = "PT Sans"
# PT Sans is narrow: about 0.5 em per character on average in English text.
_FALLBACK_EM = 0.52


@lru_cache(maxsize=8)
def _advances(bold: bool, italic: bool) -> tuple[dict[int, float], float] | None:
    """Map code point -> advance width in em, and the width of a missing glyph.

    Kept between processes (usercache.py): finding the font package and reading the font
    would otherwise come before a fresh process's first chart.
    """
    from ..usercache import kept_or_measured

    name = f"advances-{FAMILY.replace(' ', '-')}-{int(bold)}{int(italic)}"
    def read(facts: list) -> tuple[dict[int, float], float]:
        widths, missing = facts
        return {int(code): float(width) for code, width in widths}, float(missing)

    try:
        return kept_or_measured(name, lambda: _measure_advances(bold, italic), read)
    except Exception:  # no font package, unreadable file: fall back to an estimate
        return None


def _measure_advances(bold: bool, italic: bool) -> tuple[list[str], tuple[list, float]]:
    import fontpkg
    from fontTools.ttLib import TTFont

    path = fontpkg.path(FAMILY, 700 if bold else 400, "italic" if italic else "normal")
    font = TTFont(str(path), lazy=True)
    units = font["head"].unitsPerEm
    hmtx = font["hmtx"].metrics
    widths = [[code, hmtx[glyph][0] / units] for code, glyph in font.getBestCmap().items()]
    missing = hmtx[".notdef"][0] / units if ".notdef" in hmtx else _FALLBACK_EM
    font.close()
    return [str(path)], (widths, missing)


def text_width(text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
    """Width of ``text`` set in PT Sans at ``size`` (same unit as ``size``), no kerning."""
    table = _advances(bold, italic)
    if table is None:
        return len(text) * _FALLBACK_EM * size * (1.06 if bold else 1.0)
    widths, missing = table
    return sum(widths.get(ord(ch), missing) for ch in text) * size


def wrap(text: str, width: float, size: float, *, bold: bool = False,
         italic: bool = False) -> list[str]:
    """Break ``text`` at spaces into lines no wider than ``width``.

    A single word wider than ``width`` is kept whole on its own line (callers decide
    whether that is worth a warning); breaking words would need hyphenation rules
    for the booklet's language. A last line of one short word ("1935" under "night of
    30–31 August") takes the word before it along, where that fits.
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if not current or text_width(candidate, size, bold=bold, italic=italic) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > 1 and " " not in lines[-1] and len(lines[-1]) <= 5 \
            and " " in lines[-2]:
        head, _, moved = lines[-2].rpartition(" ")
        last = f"{moved} {lines[-1]}"
        if text_width(last, size, bold=bold, italic=italic) <= width:
            lines[-2:] = [head, last]
    return lines or [""]

"""Fonts from PyPI font packages, so every machine sets the booklet in the same type.

A PDF made with whatever fonts a machine happens to have breaks lines and pages differently
on the next machine; fontpkg installs PT Serif and PT Sans (made by ParaType for Latin and
Cyrillic) as ordinary Python dependencies, and we point ``@font-face`` at their files.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

#: CSS family name -> fontpkg slug. Both have full Latin and Cyrillic coverage.
FAMILIES = {"PT Serif": "pt-serif", "PT Sans": "pt-sans"}
#: The fallback after them in every font stack, for what they lack: arrows (→ ←), Greek
#: (λ), primes (′ ″), some maths operators. Source Serif 4 is a serif like PT Serif, with
#: those in regular, bold and italic (one variable font file per style).
SYMBOL_FAMILIES = {"Source Serif 4": "source-serif-4"}
_ALL = {**FAMILIES, **SYMBOL_FAMILIES}


@cache
def font_files() -> tuple[tuple[str, int, str, Path], ...]:
    """(family, weight, style, path) for every face of the booklet's fonts.

    Importing fontpkg and finding the packages is on the layout host's way to the first
    worker; the answer is kept (usercache.py) while every font file has the size
    and time it had (a font package reinstalled or removed rewrites or removes them).
    """
    from ..usercache import kept_or_measured

    def read(faces: list[list]) -> tuple[tuple[str, int, str, Path], ...]:
        return tuple((str(family), weight, str(style), Path(path))
                     for family, weight, style, path in faces)

    return kept_or_measured(f"font-files-{'-'.join(_ALL.values())}", _find_font_files, read)


def _find_font_files() -> tuple[list[str], list[list]]:
    import fontpkg

    faces = [[family, face.weight, face.style, str(face.path)]
             for family, slug in _ALL.items() for face in fontpkg.family(slug).files]
    return [path for _, _, _, path in faces], faces


def font_dirs() -> list[Path]:
    """The folders the URL fetcher must allow so that the fonts load in the sandbox."""
    return sorted({path.parent.resolve() for _, _, _, path in font_files()})


def font_face_css() -> str:
    rules = []
    for family, weight, style, path in font_files():
        # A variable font (no weight) covers every weight, but WeasyPrint reads no weight
        # range ('200 900' was ignored with a warning): it is declared at its default,
        # regular instance, as WeasyPrint draws it
        rules.append(
            f'@font-face {{ font-family: "{family}"; src: url("{path.resolve().as_uri()}"); '
            f"font-weight: {weight or 400}; font-style: {style}; }}"
        )
    return "\n".join(rules)


def covered_characters() -> frozenset[int]:
    """Code points every face of the booklet's fonts can draw.

    Anything else falls back to whatever font the machine has (or to an empty box), which
    makes the PDF differ between machines: the glyph pass warns about such characters.
    """
    text, symbols = _coverage()
    return text | symbols


def text_font_coverage() -> frozenset[int]:
    """Code points every face of the text fonts (PT Serif, PT Sans) can draw, without the
    symbol fallback: what the self-contained HTML leaves to the fallback's subset."""
    return _coverage()[0]


@cache
def _coverage() -> tuple[frozenset[int], frozenset[int]]:
    """What every text face has, and what the symbol fallback adds.

    Finding the font packages and reading their character maps is on the way to every
    check and build of a fresh process, so the answer is kept (see usercache.py).
    """
    from ..usercache import kept_or_measured

    return kept_or_measured(
        f"coverage-by-role-{'-'.join(_ALL.values())}", _measure_coverage,
        lambda facts: (frozenset(int(point) for point in facts[0]),
                       frozenset(int(point) for point in facts[1])))


def _measure_coverage() -> tuple[list[str], list[list[int]]]:
    faces = font_files()
    paths = [path for _, _, _, path in faces]
    main = [cmap_of(path) for family, _, _, path in faces if family in FAMILIES]
    symbols = [cmap_of(path) for family, _, _, path in faces if family in SYMBOL_FAMILIES]
    text = set.intersection(*main) if main else set()
    extra = set.intersection(*symbols) - text if symbols else set()
    return [str(path) for path in paths], [sorted(text), sorted(extra)]


def cmap_of(path: Path) -> set[int]:
    """The code points a font file (TrueType, OpenType, WOFF) has glyphs for."""
    from fontTools.ttLib import TTFont

    return set(TTFont(path, lazy=True).getBestCmap() or {})

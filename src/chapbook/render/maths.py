"""TeX formulas as print and screen show them.

Print: ``ziamath`` draws the formula as SVG paths in STIX Two Math, a font made for maths
(WeasyPrint cannot lay out MathML, and pure Python needs no TeX installation). Each glyph is a
path, so no font has to be embedded or checked, and the TeX goes into the SVG's ``<title>``
and the element's ``aria-label`` for screen readers. ziamath costs about a second to import
and 0.05-0.25 s a formula, so it is imported only for a booklet that has maths, and each
formula is drawn once per process.

Screen: ``latex2mathml`` turns the formula into MathML (0.3 ms), which every current browser
lays out itself, selectable and read aloud.
"""

from __future__ import annotations

import functools
import re
from html import escape

#: The size ziamath draws at, in its units; the SVG is then sized in ems of the text.
_SIZE = 10.0
_DIMENSIONS = re.compile(r'^<svg([^>]*?) width="([\d.]+)" height="([\d.]+)" '
                         r'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')


@functools.lru_cache(maxsize=4096)
def formula_svg(tex: str, display: bool) -> str:
    """The formula as an inline SVG element sized in ems, its baseline on the text's."""
    import warnings

    with warnings.catch_warnings():  # ziamath 0.13 uses importlib.resources' old path()
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath

        # SVG 1.1 paths: ziamath's SVG 2 output defines each glyph once as a <symbol> with
        # an id, and the same glyph in two formulas of one page gave two elements one id
        # (an HTML error, and a PDF anchor defined twice)
        ziamath.config.svg2 = False
        svg = ziamath.Latex(tex, size=_SIZE, inline=not display, title=tex).svg()
    match = _DIMENSIONS.match(svg)
    if match is None:
        return svg
    width, height = float(match.group(2)), float(match.group(3))
    top = float(match.group(5))
    depth = height + top  # below the baseline, which is at y = 0
    style = (f'width:{width / _SIZE:.3f}em;height:{height / _SIZE:.3f}em;'
             f'vertical-align:{-depth / _SIZE:.3f}em')
    return (f'<svg{match.group(1)} style="{style}" viewBox="{match.group(4)} {match.group(5)} '
            f'{match.group(6)} {match.group(7)}"' + svg[match.end():])


@functools.lru_cache(maxsize=4096)
def formula_mathml(tex: str, display: bool) -> str:
    from latex2mathml.converter import convert

    return str(convert(tex, display="block" if display else "inline"))


def formula_html(tex: str, display: bool, medium: str) -> str:
    """A formula's element for ``medium`` ('print' or 'screen'); the TeX as written if it
    cannot be drawn (the check has already said why)."""
    label = escape(tex, quote=True)
    try:
        inner = formula_mathml(tex, display) if medium == "screen" else formula_svg(tex, display)
    except Exception:  # noqa: BLE001 - a formula the check reported; print it as typed
        inner = f"<code>{escape(tex)}</code>"
    kind = "math-display" if display else "math-inline"
    return f'<span class="math {kind}" role="math" aria-label="{label}">{inner}</span>'

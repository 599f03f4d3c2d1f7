"""Charts drawn at build time from YAML data files in the repository.

A teacher corrects a number in ``chapters/figures/*.yaml`` and the figure follows on the
next build: no image editor, no stale PNG. The data format is described in
``docs/writing.md`` ("Figures"); this package checks it (:mod:`.spec`), picks round axis
ticks (:mod:`.scale`) and draws a print-safe inline SVG (:mod:`.svg`).
"""

from __future__ import annotations

from pathlib import Path

from chapbook.charts.spec import MAX_CHART_BYTES, ChartSpec, parse_chart
from chapbook.charts.svg import draw_chart
from chapbook.diagnostics import Diagnostics
from chapbook.load.text import read_source

__all__ = ["ChartSpec", "chart_svg", "parse_chart", "render_chart"]


def chart_svg(spec: ChartSpec, rel: str, diagnostics: Diagnostics, *, alt: str) -> str:
    """Draw a checked chart; layout problems (labels that overlap) become warnings."""

    def warn(line: int, message: str, hint: str) -> None:
        diagnostics.warning(rel, line, message, hint=hint)

    return draw_chart(spec, alt, warn)


def render_chart(path: Path, rel: str, diagnostics: Diagnostics, *, root: Path,
                 alt: str) -> str | None:
    """The chart in the data file ``path`` as an inline ``<svg>`` element.

    ``rel`` is the file's path relative to the project root, used in diagnostics; ``alt``
    is the image's alt text, which becomes the SVG's ``<title>``. Returns ``None`` after
    reporting errors (with their lines) when the data file cannot be drawn.
    """
    # read by the rule of every source file: inside ``root``, size first, UTF-8 with its line
    source = read_source(path, rel, diagnostics, root, max_bytes=MAX_CHART_BYTES)
    spec = None if source is None else parse_chart(source, rel, diagnostics)
    if spec is None:
        return None
    return chart_svg(spec, rel, diagnostics, alt=alt)

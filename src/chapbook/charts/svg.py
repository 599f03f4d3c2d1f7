"""Drawing a checked :class:`ChartSpec` as a print-safe inline SVG.

Choices, and why:

* The viewBox is 340 units wide and the SVG is ``width="100%"``: in the booklet's 12 cm
  text column one unit is one point, so the 8.5-unit type prints at 8.5 pt, the size of
  the booklet's captions. In a narrower column everything scales down together.
* Only rectangles, lines and ``<text>``: WeasyPrint draws these as vectors and real,
  selectable text in PT Sans (no ``foreignObject``, no filters, no gradients).
* Booklets are photocopied in black and white. Bars are dark grey; a highlighted bar is
  near-black with a bold label and value, and the other bars turn light grey with a dark
  outline, so the difference survives a grey copier and does not rest on colour.
* No ids and no randomness: the same data gives byte-identical SVG, and several charts on
  one HTML page cannot clash.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

from chapbook.charts.scale import Scale, format_number, make_scale
from chapbook.charts.spec import Bar, ChartSpec
from chapbook.charts.text import FAMILY, text_width, wrap

#: A straight apostrophe between two letters.
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
WIDTH = 340.0          # viewBox width; 12 cm = 340.2 pt
FONT = 8.5             # type size in viewBox units (= pt in a 12 cm column)
LINE = 10.5            # line spacing of wrapped labels
BAR = 12.0             # thickness of a horizontal bar
COLUMN_HEIGHT = 140.0  # height of the plot area of a column chart
INK = "#000000"
FILL = "#595959"            # dark grey: solid on any printer, black text stays readable
FILL_HIGHLIGHT = "#1a1a1a"  # near-black
FILL_MUTED = "#c8c8c8"      # light grey, always with an outline
OUTLINE = "#333333"
GRID = "#b3b3b3"

Warn = Callable[[int, str, str], None]  # (line, message, hint)


def _n(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros: stable output."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _text(x: float, y: float, content: str, *, anchor: str = "start", bold: bool = False,
          italic: bool = False) -> str:
    attrs = f'x="{_n(x)}" y="{_n(y)}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if bold:
        attrs += ' font-weight="bold"'
    if italic:
        attrs += ' font-style="italic"'
    # an apostrophe between letters is a typographer's one ("hewer’s"), in any language
    content = _APOSTROPHE.sub("\u2019", content)
    return f"<text {attrs}>{escape(content, quote=False)}</text>"


def _rect(x: float, y: float, w: float, h: float, bar: Bar, highlighting: bool) -> str:
    if not highlighting:
        style = f'fill="{FILL}"'
    elif bar.highlight:
        style = f'fill="{FILL_HIGHLIGHT}"'
    else:
        style = f'fill="{FILL_MUTED}" stroke="{OUTLINE}" stroke-width="0.6"'
    return f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" {style}/>'


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, width: float) -> str:
    return (f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
            f'stroke="{colour}" stroke-width="{_n(width)}"/>')


def _baseline(centre: float, size: float = FONT) -> float:
    """Baseline that puts mixed-case text visually centred on ``centre``."""
    return centre + 0.32 * size


def _value_text(bar: Bar, spec: ChartSpec) -> str:
    decimals = spec.decimals if spec.decimals is not None else bar.decimals
    return format_number(bar.value, decimals, _grouped(spec))


def _grouped(spec: ChartSpec) -> bool:
    """Whether the chart's numbers are grouped from 1,000 up: its largest is 10,000 or more."""
    return max((abs(bar.value) for bar in spec.bars), default=0) >= 10_000


def _describe(spec: ChartSpec) -> str:
    """The data as one sentence, for ``<desc>``: screen readers can read the numbers."""
    unit = f" {spec.unit}" if spec.unit else ""
    parts = [f"{bar.label}: {_value_text(bar, spec)}{unit}" + (f" ({bar.note})" if bar.note
                                                                 else "")
             for bar in spec.bars]
    return "; ".join(parts) + "."


def _svg(spec: ChartSpec, alt: str, height: float, body: list[str]) -> str:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
            f'viewBox="0 0 {_n(WIDTH)} {_n(height)}" class="chart chart-{spec.type}" '
            f'font-family="{FAMILY}, sans-serif" font-size="{_n(FONT)}" fill="{INK}">')
    return "\n".join([head, f"<title>{escape(alt, quote=False)}</title>",
                      f"<desc>{escape(_describe(spec), quote=False)}</desc>", *body, "</svg>"])


def _scale(spec: ChartSpec) -> Scale:
    largest = max(bar.value for bar in spec.bars)
    return make_scale(largest, top=spec.max, step=spec.step)


def draw_bar(spec: ChartSpec, alt: str, warn: Warn) -> str:
    """Horizontal bars: labels right-aligned on the left, values after the bar ends."""
    highlighting = any(bar.highlight for bar in spec.bars)
    scale = _scale(spec)
    tick_texts = [format_number(t, scale.decimals, _grouped(spec)) for t in scale.ticks]
    values = [_value_text(bar, spec) for bar in spec.bars]

    natural = max(text_width(bar.label, FONT, bold=bar.highlight) for bar in spec.bars)
    label_w = min(natural, WIDTH * 0.4)
    blocks: list[list[tuple[str, bool, bool]]] = []  # (text, bold, italic) per line
    for bar in spec.bars:
        lines = [(t, bar.highlight, False) for t in wrap(bar.label, label_w, FONT,
                                                         bold=bar.highlight)]
        if bar.note:
            lines += [(t, False, True) for t in wrap(bar.note, label_w, FONT, italic=True)]
        blocks.append(lines)
    widest = max(text_width(t, FONT, bold=b, italic=i) for block in blocks for t, b, i in block)
    if widest > label_w + 0.01:
        line = next(bar.line for bar, block in zip(spec.bars, blocks, strict=True)
                    if max(text_width(t, FONT, bold=b, italic=i) for t, b, i in block) > label_w)
        warn(line, "a word in this label is too long to wrap; the label is cut short "
             "of the bars", "shorten the word or hyphenate it by hand")
    value_w = max(text_width(v, FONT, bold=bar.highlight)
                  for v, bar in zip(values, spec.bars, strict=True))
    gutter = max(value_w + 4, text_width(tick_texts[-1], FONT) / 2 + 1)
    x0 = label_w + 6
    x1 = WIDTH - gutter
    span = x1 - x0

    body: list[str] = []
    bars: list[str] = []
    texts: list[str] = []
    y = 2.0
    for bar, block, value in zip(spec.bars, blocks, values, strict=True):
        row = max(BAR + 6, len(block) * LINE + 4)
        centre = y + row / 2
        length = span * scale.fraction(bar.value)
        bars.append(_rect(x0, centre - BAR / 2, length, BAR, bar, highlighting))
        first = centre - (len(block) - 1) * LINE / 2
        for i, (text, bold, italic) in enumerate(block):
            texts.append(_text(label_w, _baseline(first + i * LINE), text, anchor="end",
                               bold=bold, italic=italic))
        # A white patch under the value keeps it readable where a gridline crosses it.
        value_x = x0 + length + 3
        texts.append(f'<rect x="{_n(value_x - 1)}" y="{_n(centre - FONT * 0.55)}" '
                     f'width="{_n(text_width(value, FONT, bold=bar.highlight) + 2)}" '
                     f'height="{_n(FONT * 1.1)}" fill="#ffffff"/>')
        texts.append(_text(value_x, _baseline(centre), value, bold=bar.highlight))
        y += row
    axis = y + 1
    for tick in scale.ticks[1:]:
        x = x0 + span * scale.fraction(tick)
        body.append(_line(x, 2, x, axis, GRID, 0.5))
    body += bars
    body.append(_line(x0, axis, x1, axis, INK, 0.6))
    body.append(_line(x0, 1, x0, axis, INK, 0.8))
    for tick, label in zip(scale.ticks, tick_texts, strict=True):
        x = x0 + span * scale.fraction(tick)
        body.append(_line(x, axis, x, axis + 3, INK, 0.6))
        body.append(_text(x, axis + 3 + FONT + 0.5, label, anchor="middle"))
    bottom = axis + 3 + FONT + 0.5
    for unit_line in wrap(spec.unit, span, FONT) if spec.unit else []:
        bottom += LINE + 1
        body.append(_text((x0 + x1) / 2, bottom, unit_line, anchor="middle"))
    body += texts
    return _svg(spec, alt, bottom + 3, body)


def draw_column(spec: ChartSpec, alt: str, warn: Warn) -> str:
    """Vertical columns: value axis on the left, unit above it, labels under the columns."""
    highlighting = any(bar.highlight for bar in spec.bars)
    scale = _scale(spec)
    tick_texts = [format_number(t, scale.decimals, _grouped(spec)) for t in scale.ticks]
    values = [_value_text(bar, spec) for bar in spec.bars]

    x0 = max(text_width(t, FONT) for t in tick_texts) + 6
    x1 = WIDTH - 2
    slot = (x1 - x0) / len(spec.bars)
    room = slot - 4
    column_w = min(slot * 0.62, 44.0)

    body: list[str] = []
    top = 0.0
    for line in wrap(spec.unit, WIDTH, FONT) if spec.unit else []:
        top += LINE
        body.append(_text(0, top - 2, line))
    plot_top = top + LINE + 2  # room for the value label over the tallest column
    axis = plot_top + COLUMN_HEIGHT

    for tick, label in zip(scale.ticks, tick_texts, strict=True):
        y = axis - COLUMN_HEIGHT * scale.fraction(tick)
        if tick:
            body.append(_line(x0, y, x1, y, GRID, 0.5))
        body.append(_line(x0 - 3, y, x0, y, INK, 0.6))
        body.append(_text(x0 - 5, _baseline(y), label, anchor="end"))

    texts: list[str] = []
    deepest = 0.0
    for index, (bar, value) in enumerate(zip(spec.bars, values, strict=True)):
        centre = x0 + slot * (index + 0.5)
        height = COLUMN_HEIGHT * scale.fraction(bar.value)
        body.append(_rect(centre - column_w / 2, axis - height, column_w, height, bar,
                          highlighting))
        texts.append(_text(centre, axis - height - 3, value, anchor="middle",
                           bold=bar.highlight))
        if text_width(value, FONT, bold=bar.highlight) > slot - 1:
            warn(bar.line, "the value label is wider than its column and will overlap "
                 "its neighbours", "use 'type: bar' or fewer 'decimals'")
        lines = [(t, bar.highlight, False) for t in wrap(bar.label, room, FONT,
                                                         bold=bar.highlight)]
        if bar.note:
            lines += [(t, False, True) for t in wrap(bar.note, room, FONT, italic=True)]
        if any(text_width(t, FONT, bold=b, italic=i) > room for t, b, i in lines):
            warn(bar.line, "a word in this label is wider than its column and will overlap "
                 "its neighbours", "use 'type: bar' for long labels, or shorten the word")
        y = axis + 3
        for text, bold, italic in lines:
            y += LINE
            texts.append(_text(centre, y - 1.5, text, anchor="middle", bold=bold,
                               italic=italic))
        deepest = max(deepest, y)
    body.append(_line(x0, axis, x1, axis, INK, 0.8))
    body.append(_line(x0, plot_top - 2, x0, axis, INK, 0.6))
    body += texts
    return _svg(spec, alt, deepest + 3, body)


def draw_chart(spec: ChartSpec, alt: str, warn: Warn) -> str:
    return (draw_column if spec.type == "column" else draw_bar)(spec, alt, warn)

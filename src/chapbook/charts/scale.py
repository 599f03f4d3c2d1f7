"""Round axis ticks and number formatting for charts.

Readers compare bars against the gridlines, so ticks must fall on round numbers
(1, 2, 2.5 or 5 times a power of ten) and the axis must start at zero: a bar chart
whose axis starts elsewhere makes small differences look large.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

_NICE = (1.0, 2.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class Scale:
    """A value axis from 0 to ``top`` with gridlines at ``ticks``."""

    top: float
    ticks: tuple[float, ...]
    decimals: int  # decimals needed to print the ticks

    def fraction(self, value: float) -> float:
        """Where ``value`` falls on the axis, 0.0 (zero) to 1.0 (top)."""
        return value / self.top if self.top else 0.0


def _step_decimals(step: float) -> int:
    """Decimals needed to print multiples of ``step`` exactly (2.5 -> 1, 0.25 -> 2)."""
    for decimals in range(0, 10):
        if abs(round(step, decimals) - step) < step * 1e-9:
            return decimals
    return 9


def nice_step(span: float, target: int = 5) -> float:
    """The round step that divides ``span`` into about ``target`` intervals, not more."""
    if span <= 0:
        return 1.0
    raw = span / target
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for factor in _NICE:
        step = factor * magnitude
        if step >= raw * (1 - 1e-9):
            return step
    return 10 * magnitude  # pragma: no cover - the loop always returns


def make_scale(largest: float, *, top: float | None = None, step: float | None = None,
               target: int = 5) -> Scale:
    """An axis that holds ``largest``.

    Without ``top`` the axis ends on the first tick at or above the largest value; with
    it (the data file's ``max``) the axis ends exactly there, and the last tick is the
    last multiple of the step that fits.
    """
    limit = top if top is not None else largest
    if limit <= 0:
        limit = 1.0
    if step is None:
        step = nice_step(limit, target)
    count = limit / step
    # Tolerate float noise: 0.3 / 0.1 is 2.9999999999999996.
    whole = math.floor(count + 1e-9)
    if top is None:
        whole = math.ceil(count - 1e-9)
        limit = whole * step
    decimals = _step_decimals(step)
    ticks = tuple(round(i * step, decimals) for i in range(whole + 1))
    return Scale(top=round(limit, max(decimals, 9)), ticks=ticks, decimals=decimals)


def format_number(value: float, decimals: int, group: bool = False) -> str:
    """Print ``value`` with ``decimals`` decimals; group thousands from 10,000 up, or from
    1,000 up with ``group``.

    Four-digit numbers stay ungrouped (1935 is more often a year than a count), as
    most English style guides advise; but a chart whose largest number is grouped groups
    all its four-digit numbers too ("1,118" beside "353,074", not "1118"). A minus sign is
    a true minus (U+2212).
    """
    grouped = abs(value) >= (1_000 if group else 10_000)
    text = f"{abs(value):,.{decimals}f}" if grouped else f"{abs(value):.{decimals}f}"
    if value < 0 and float(text.replace(",", "")) != 0:
        text = "\u2212" + text
    return text

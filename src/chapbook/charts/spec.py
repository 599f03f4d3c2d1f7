"""Reading a chart's YAML data file into a checked :class:`ChartSpec`.

Teachers edit these files by hand, so every problem is reported with the line it is on.
We therefore check the YAML *node* tree (which keeps each value's position) rather than
the plain Python objects ``yaml.safe_load`` returns, and report all problems at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import yaml

from chapbook.diagnostics import Diagnostics, suggest

CHART_TYPES = ("bar", "column")
TOP_KEYS = ("type", "unit", "bars", "max", "step", "decimals", "highlight")
BAR_KEYS = ("label", "value", "note")
_MAX_DECIMALS = 6
_MAX_TICKS = 20
#: The range of a chart's numbers (values, max, step), one rule for all: beyond it the scale
#: loses its precision (a step of 1e-300 never reaches the top; 1.7e308 overflows to inf,
#: drawn as nan).
MAX_MAGNITUDE = 1e15
MIN_MAGNITUDE = 1e-9
#: The longest number written (a value of 400 digits is refused before it is converted).
_MAX_NUMBER_CHARS = 40


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value and optional note, with the lines they came from."""

    label: str
    value: float
    decimals: int  # decimals as written in the data file, used unless ``decimals`` is set
    note: str = ""
    highlight: bool = False
    line: int = 0


@dataclass(frozen=True)
class ChartSpec:
    type: str
    unit: str
    bars: tuple[Bar, ...]
    max: float | None = None
    step: float | None = None
    decimals: int | None = None


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _column(node: yaml.Node) -> int:
    return node.start_mark.column + 1


class _Reader:
    """Checks one file's node tree, adding diagnostics for ``rel``."""

    def __init__(self, rel: str, diagnostics: Diagnostics):
        self.rel = rel
        self.diagnostics = diagnostics
        self.failed = False
        self._constructor = yaml.constructor.SafeConstructor()

    def error(self, node: yaml.Node | None, message: str, hint: str = "") -> None:
        self.failed = True
        line, column = (_line(node), _column(node)) if node is not None else (0, 0)
        self.diagnostics.error(self.rel, line, message, column=column, hint=hint)

    def mapping(self, node: yaml.Node, what: str, valid: tuple[str, ...]
                ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """Keys of a mapping node; unknown and repeated keys are reported."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping of keys to values")
            return {}
        result: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            if key not in valid:
                hint = suggest(key, valid)
                self.error(key_node, f"unknown key '{key}' in {what}; valid keys: "
                           + ", ".join(valid), hint=hint)
            elif key in result:
                self.error(key_node, f"key '{key}' appears twice in {what}")
            else:
                result[key] = (key_node, value_node)
        return result

    def text(self, node: yaml.Node, what: str) -> str | None:
        """A scalar as the text the writer typed (so ``label: 1935`` stays '1935')."""
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            self.error(node, f"{what} must be text")
            return None
        value = str(node.value).strip()
        if not value:
            self.error(node, f"{what} is empty")
            return None
        return value

    def number(self, node: yaml.Node, what: str) -> tuple[float, int] | None:
        """A finite number and the decimals it was written with."""
        shown = node.value if isinstance(node, yaml.ScalarNode) else "a list or mapping"
        if isinstance(node, yaml.ScalarNode) and node.tag in (
                "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            if len(node.value) > _MAX_NUMBER_CHARS:
                # a chart reader cannot tell a number this long at a glance, whatever its size
                self.error(node, f"{what} {shown[:20]}… has more than {_MAX_NUMBER_CHARS} "
                           "characters", hint="round it: a chart shows a few digits")
                return None
            try:
                value = float(self._constructor.construct_object(node))
            except (OverflowError, ValueError):  # over float's range
                value = math.inf
            if not math.isnan(value) and abs(value) > MAX_MAGNITUDE:
                self.error(node, f"{what} {shown[:20]}{'…' * (len(shown) > 20)} is too large "
                           f"for a chart (at most {MAX_MAGNITUDE:g})",
                           hint="give the numbers in a larger unit (thousands, millions)")
                return None
            if value and abs(value) < MIN_MAGNITUDE:
                self.error(node, f"{what} {shown} is too small for a chart (at least "
                           f"{MIN_MAGNITUDE:g}, or 0)",
                           hint="give the numbers in a smaller unit")
                return None
            if math.isfinite(value):
                text = str(node.value)
                decimals = 0
                if "." in text and "e" not in text.lower():
                    decimals = len(text.split(".", 1)[1].rstrip("_"))
                return value, min(decimals, _MAX_DECIMALS)
        self.error(node, f"{what} must be a number, not '{shown}'",
                   hint="write the number alone, e.g. 102 or 7.3; put units in 'unit'")
        return None


def parse_chart(source: str, rel: str, diagnostics: Diagnostics) -> ChartSpec | None:
    """Check a chart data file; ``None`` after reporting every problem found."""
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        diagnostics.error(rel, line, f"not valid YAML: {exc.problem or exc}", column=column)
        return None
    except yaml.YAMLError as exc:
        diagnostics.error(rel, 0, f"not valid YAML: {exc}")
        return None
    reader = _Reader(rel, diagnostics)
    if root is None:
        diagnostics.error(rel, 0, "the chart data file is empty",
                          hint="it needs at least 'type' and 'bars'")
        return None
    keys = reader.mapping(root, "the chart", TOP_KEYS)
    if not isinstance(root, yaml.MappingNode):
        return None

    chart_type = "bar"
    if "type" in keys:
        node = keys["type"][1]
        value = reader.text(node, "'type'")
        if value is not None and value not in CHART_TYPES:
            reader.error(node, f"unknown chart type '{value}'; valid types: "
                         + ", ".join(CHART_TYPES), hint=suggest(value, CHART_TYPES))
        elif value is not None:
            chart_type = value
    else:
        reader.error(root, "the chart has no 'type'", hint="add 'type: bar' or 'type: column'")

    unit = ""
    if "unit" in keys:
        unit = reader.text(keys["unit"][1], "'unit'") or ""

    top = step = None
    decimals = None
    if "max" in keys:
        parsed = reader.number(keys["max"][1], "'max'")
        if parsed is not None:
            top = parsed[0]
            if top <= 0:
                reader.error(keys["max"][1], "'max' must be more than zero")
    if "step" in keys:
        parsed = reader.number(keys["step"][1], "'step'")
        if parsed is not None:
            step = parsed[0]
            if step <= 0:
                reader.error(keys["step"][1], "'step' must be more than zero")
    if "decimals" in keys:
        node = keys["decimals"][1]
        parsed = reader.number(node, "'decimals'")
        if parsed is not None:
            if parsed[0] != int(parsed[0]) or not 0 <= parsed[0] <= _MAX_DECIMALS:
                reader.error(node, f"'decimals' must be a whole number from 0 to {_MAX_DECIMALS}")
            else:
                decimals = int(parsed[0])

    highlights: dict[str, yaml.Node] = {}
    if "highlight" in keys:
        node = keys["highlight"][1]
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for item in items:
            label = reader.text(item, "'highlight'")
            if label is not None:
                highlights[label] = item

    bars: list[Bar] = []
    if "bars" not in keys:
        reader.error(root, "the chart has no 'bars'",
                     hint="add a list of bars, each with a 'label' and a 'value'")
    else:
        bars_node = keys["bars"][1]
        if not isinstance(bars_node, yaml.SequenceNode) or not bars_node.value:
            reader.error(bars_node, "'bars' must be a list of bars, each with 'label' and 'value'")
        else:
            for item in bars_node.value:
                bar = _read_bar(reader, item, highlights)
                if bar is not None:
                    bars.append(bar)

    _check_consistency(reader, bars, highlights, top, step, keys)
    if reader.failed:
        return None
    return ChartSpec(chart_type, unit, tuple(bars), top, step, decimals)


def _read_bar(reader: _Reader, node: yaml.Node, highlights: dict[str, yaml.Node]) -> Bar | None:
    fields = reader.mapping(node, "a bar", BAR_KEYS)
    if not isinstance(node, yaml.MappingNode):
        return None
    label = number = None
    note = ""
    if "label" in fields:
        label = reader.text(fields["label"][1], "the bar's 'label'")
    else:
        reader.error(node, "this bar has no 'label'")
    if "value" in fields:
        value_node = fields["value"][1]
        number = reader.number(value_node, "the bar's 'value'")
        if number is not None and number[0] < 0:
            reader.error(value_node, "negative values are not supported in charts")
            number = None
    else:
        reader.error(node, "this bar has no 'value'")
    if "note" in fields:
        note = reader.text(fields["note"][1], "the bar's 'note'") or ""
    if label is None or number is None:
        return None
    return Bar(label, number[0], number[1], note, label in highlights, _line(node))


def _check_consistency(reader: _Reader, bars: list[Bar], highlights: dict[str, yaml.Node],
                       top: float | None, step: float | None,
                       keys: dict[str, tuple[yaml.Node, yaml.Node]]) -> None:
    """Problems between keys: a highlight naming no bar, bars beyond 'max', too many ticks."""
    labels = [bar.label for bar in bars]
    for label, node in highlights.items():
        if labels and label not in labels:
            reader.error(node, f"'highlight' names no bar: '{label}'; the labels are: "
                         + ", ".join(f"'{x}'" for x in labels), hint=suggest(label, labels))
    seen: set[str] = set()
    for bar in bars:
        if bar.label in seen:
            reader.diagnostics.warning(reader.rel, bar.line,
                                       f"two bars are labelled '{bar.label}'")
        seen.add(bar.label)
    if top is not None and top > 0:
        for bar in bars:
            if bar.value > top:
                reader.error(keys["max"][1], f"'max' is {top:g} but the bar '{bar.label}' "
                             f"(line {bar.line}) is {bar.value:g}",
                             hint="raise 'max' or leave it out to fit the data")
    if step is not None and step > 0:
        limit = top if top is not None else max((bar.value for bar in bars), default=0)
        if limit / step > _MAX_TICKS:
            reader.error(keys["step"][1], f"'step' {step:g} makes more than {_MAX_TICKS} "
                         f"gridlines up to {limit:g}", hint="use a larger step")


#: A chart's data is a few dozen bars; a file larger than this is not chart data.
MAX_CHART_BYTES = 1_000_000

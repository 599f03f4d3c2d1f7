"""Charts from YAML data: errors with lines, escaping, determinism, scales, WeasyPrint."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from chapbook.charts import chart_svg, parse_chart, render_chart
from chapbook.charts.scale import format_number, make_scale, nice_step
from chapbook.charts.svg import WIDTH
from chapbook.charts.text import text_width
from chapbook.diagnostics import Diagnostics, Severity

SVG = "{http://www.w3.org/2000/svg}"
REL = "chapters/figures/record.yaml"

RECORD = """\
type: bar
unit: tonnes of coal
bars:
  - label: Norm for a shift (about)
    value: 7.3
  - label: Stakhanov, 31 August 1935
    value: 102
    note: record
"""


def parse(source: str) -> tuple[object, Diagnostics]:
    diagnostics = Diagnostics()
    return parse_chart(source, REL, diagnostics), diagnostics


def draw(source: str, alt: str = "Bar chart") -> tuple[str, Diagnostics]:
    spec, diagnostics = parse(source)
    assert spec is not None, [d.format() for d in diagnostics]
    return chart_svg(spec, REL, diagnostics, alt=alt), diagnostics


def only_error(diagnostics: Diagnostics):
    errors = diagnostics.errors
    assert len(errors) == 1, [d.format() for d in diagnostics]
    assert errors[0].file == REL
    return errors[0]


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


# --- parsing ---------------------------------------------------------------------------

def test_parses_the_documented_example():
    spec, diagnostics = parse(RECORD)
    assert not diagnostics.items
    assert spec.type == "bar" and spec.unit == "tonnes of coal"
    assert [(b.label, b.value, b.note, b.line) for b in spec.bars] == [
        ("Norm for a shift (about)", 7.3, "", 4), ("Stakhanov, 31 August 1935", 102.0, "record", 6)]


def test_label_keeps_the_text_as_written():
    spec, _ = parse("type: column\nbars:\n  - {label: 1935, value: 1_000}\n"
                    "  - {label: yes, value: 2}\n")
    assert [b.label for b in spec.bars] == ["1935", "yes"]
    assert spec.bars[0].value == 1000


def test_value_that_is_not_a_number_names_its_line():
    source = RECORD.replace("value: 102", "value: 102 t")
    spec, diagnostics = parse(source)
    assert spec is None
    error = only_error(diagnostics)
    assert error.line == 7 and error.column == 12
    assert "must be a number" in error.message and "'102 t'" in error.message


@pytest.mark.parametrize("bad", ["yes", "'12'", "[1, 2]", ".nan", ".inf", "~"])
def test_non_numbers_are_rejected(bad):
    spec, diagnostics = parse(RECORD.replace("value: 7.3", f"value: {bad}"))
    assert spec is None
    assert only_error(diagnostics).line == 5


@pytest.mark.parametrize("written, words", [
    ("0." + "0" * 60 + "1", "more than 40 characters"),
    ("1" * 60, "more than 40 characters"),
    ("1.0e+309", "too large"),
])
def test_an_over_long_number_is_called_long_not_large(written, words):
    spec, diagnostics = parse(RECORD.replace("value: 7.3", f"value: {written}"))
    assert spec is None
    error = only_error(diagnostics)
    assert error.line == 5 and words in error.message


def test_unknown_top_key_lists_the_valid_ones_and_suggests():
    spec, diagnostics = parse(RECORD.replace("unit:", "units:"))
    assert spec is None
    error = only_error(diagnostics)
    assert error.line == 2
    assert "unknown key 'units'" in error.message
    for key in ("type", "unit", "bars", "max", "decimals", "highlight"):
        assert key in error.message
    assert "'unit'" in error.hint


def test_unknown_bar_key_names_its_line():
    spec, diagnostics = parse(RECORD.replace("note: record", "nte: record"))
    error = only_error(diagnostics)
    assert spec is None and error.line == 8
    assert "label, value, note" in error.message


def test_bad_type_missing_fields_and_several_errors_at_once():
    source = "type: pie\nbars:\n  - label: A\n  - value: 3\n  - label: C\n    value: -2\n"
    spec, diagnostics = parse(source)
    assert spec is None
    found = sorted((d.line, d.message.split(";")[0]) for d in diagnostics.errors)
    assert found == [(1, "unknown chart type 'pie'"), (3, "this bar has no 'value'"),
                     (4, "this bar has no 'label'"),
                     (6, "negative values are not supported in charts")]


def test_yaml_syntax_error_has_a_line():
    spec, diagnostics = parse("type: bar\nbars:\n  - label: [unclosed\n    value: 3\n")
    assert spec is None
    error = only_error(diagnostics)
    assert error.line >= 3 and "not valid YAML" in error.message


@pytest.mark.parametrize("source, line, words", [
    ("", 0, "empty"),
    ("- 1\n- 2\n", 1, "mapping"),
    ("type: bar\n", 1, "no 'bars'"),
    ("type: bar\nbars: []\n", 2, "list of bars"),
    ("type: bar\ntype: bar\nbars:\n  - {label: A, value: 1}\n", 2, "twice"),
    ("type: bar\nmax: 50\nbars:\n  - {label: A, value: 60}\n", 2, "'max' is 50"),
    ("type: bar\ndecimals: 1.5\nbars:\n  - {label: A, value: 6}\n", 2, "whole number"),
    ("type: bar\nstep: 0.001\nbars:\n  - {label: A, value: 6}\n", 2, "gridlines"),
    ("type: bar\nhighlight: B\nbars:\n  - {label: A, value: 6}\n", 2, "names no bar"),
])
def test_file_level_errors(source, line, words):
    spec, diagnostics = parse(source)
    assert spec is None
    error = only_error(diagnostics)
    assert error.line == line and words in error.message


def test_render_chart_reads_the_file_and_reports_missing_ones(tmp_path):
    path = tmp_path / "record.yaml"
    path.write_text(RECORD, encoding="utf-8")
    diagnostics = Diagnostics()
    svg = render_chart(path, REL, diagnostics, root=tmp_path, alt="Record")
    assert svg is not None and svg.startswith("<svg") and not diagnostics.items
    assert render_chart(tmp_path / "nope.yaml", REL, diagnostics, root=tmp_path,
                        alt="x") is None
    assert only_error(diagnostics).message == "the file does not exist"


def test_a_chart_file_in_a_legacy_encoding_is_named_with_its_line(tmp_path):
    path = tmp_path / "record.yaml"
    path.write_bytes(RECORD.replace("Stakhanov,", "Стаханов,").encode("cp1251"))
    diagnostics = Diagnostics()
    assert render_chart(path, REL, diagnostics, root=tmp_path, alt="x") is None
    error = only_error(diagnostics)
    assert "not UTF-8" in error.message and (error.line, error.column) == (6, 12)


def test_duplicate_labels_are_a_warning_not_an_error():
    spec, diagnostics = parse("type: bar\nbars:\n  - {label: A, value: 1}\n"
                              "  - {label: A, value: 2}\n")
    assert spec is not None
    assert [(d.severity, d.line) for d in diagnostics] == [(Severity.WARNING, 4)]


# --- SVG ---------------------------------------------------------------------------------

def test_svg_is_accessible_scalable_and_in_pt_sans():
    svg, _ = draw(RECORD, alt="Bar chart: 102 tonnes against a norm of 7.3")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("width") == "100%"
    assert root[0].tag == f"{SVG}title"
    assert root[0].text == "Bar chart: 102 tonnes against a norm of 7.3"
    assert root.get("viewBox").split()[:3] == ["0", "0", "340"]
    assert root.get("font-family").startswith("PT Sans")
    assert 8.5 <= float(root.get("font-size")) <= 9
    assert "foreignObject" not in svg and "<image" not in svg
    assert {"Norm for a shift (about)", "Stakhanov, 31 August 1935", "record", "7.3", "102",
            "tonnes of coal", "0", "25", "100", "125"} <= set(texts(svg))


def test_text_is_escaped():
    source = RECORD.replace("Norm for a shift (about)", "'<b>Norm</b> & co'")
    svg, _ = draw(source, alt='Chart of "<norm>" & record')
    root = ET.fromstring(svg)  # still well-formed XML
    assert root[0].text == 'Chart of "<norm>" & record'
    assert "<b>Norm</b> & co" in texts(svg)
    assert "<b>" not in svg and "&amp; co" in svg
    assert not list(root.iter("b")) and not list(root.iter(f"{SVG}b"))


def test_output_is_deterministic_and_has_no_ids():
    first, _ = draw(RECORD)
    second, _ = draw(RECORD)
    assert first == second
    assert " id=" not in first
    column, _ = draw(RECORD.replace("type: bar", "type: column"))
    assert column == draw(RECORD.replace("type: bar", "type: column"))[0]


def test_bars_are_proportional_and_greys_only():
    svg, _ = draw(RECORD)
    root = ET.fromstring(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") != "#ffffff"]
    widths = [float(r.get("width")) for r in bars]
    assert widths[1] / widths[0] == pytest.approx(102 / 7.3, rel=0.01)
    # The axis runs to 125: the longer bar is 102/125 of the longest gridline span.
    colours = re.findall(r'(?:fill|stroke)="#([0-9a-f]{6})"', svg)
    assert colours and all(c[0:2] == c[2:4] == c[4:6] for c in colours)  # grey: r = g = b


def test_highlight_is_not_colour_alone():
    svg, _ = draw(RECORD + "highlight: Stakhanov, 31 August 1935\n")
    root = ET.fromstring(svg)
    bold = [t.text for t in root.iter(f"{SVG}text") if t.get("font-weight") == "bold"]
    assert bold == ["Stakhanov, 31 August 1935", "102"]
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect") if r.get("fill") != "#ffffff"]
    assert fills[0] != fills[1]
    muted = next(r for r in root.iter(f"{SVG}rect") if r.get("fill") == fills[0])
    assert muted.get("stroke")  # the light bar keeps a dark outline for grey copiers


def test_long_labels_are_wrapped_to_the_label_column():
    label = "Workers in the Donbas mines who met the norm during the second quarter of 1936"
    svg, diagnostics = draw(RECORD.replace("Norm for a shift (about)", label))
    lines = [t for t in texts(svg) if t and t in label]
    assert len(lines) >= 2 and " ".join(lines) == label
    assert all(text_width(line, 8.5) <= WIDTH * 0.4 for line in lines)
    assert not diagnostics.items


def test_column_chart_warns_when_a_label_cannot_fit():
    bars = "".join(f"  - {{label: Industrialisation{i}, value: {i}}}\n" for i in range(1, 13))
    svg, diagnostics = draw("type: column\nbars:\n" + bars)
    assert svg.startswith("<svg")
    assert diagnostics.warnings and diagnostics.warnings[0].line == 3
    assert "type: bar" in diagnostics.warnings[0].hint


def test_decimals_and_max_are_applied():
    svg, _ = draw(RECORD + "decimals: 1\nmax: 150\n")
    assert {"7.3", "102.0", "150"} <= set(texts(svg))


# --- scale ---------------------------------------------------------------------------------

@pytest.mark.parametrize("largest, ticks", [
    (102, (0, 25, 50, 75, 100, 125)),
    (7.3, (0, 2, 4, 6, 8)),
    (0.3, (0, 0.1, 0.2, 0.3)),
    (100, (0, 20, 40, 60, 80, 100)),
    (1, (0, 0.2, 0.4, 0.6, 0.8, 1)),
    (0, (0, 0.2, 0.4, 0.6, 0.8, 1)),
    (14_000, (0, 5000, 10_000, 15_000)),
])
def test_ticks_are_round_and_cover_the_data(largest, ticks):
    scale = make_scale(largest)
    assert scale.ticks == pytest.approx(ticks)
    assert scale.top == pytest.approx(ticks[-1]) and scale.top >= largest


def test_max_ends_the_axis_between_ticks():
    scale = make_scale(102, top=110)
    assert scale.top == 110 and scale.ticks == (0, 25, 50, 75, 100)
    assert make_scale(3, step=0.5).ticks[-1] == 3


def test_nice_step_and_number_format():
    assert [nice_step(x) for x in (10, 12, 40, 0.07)] == pytest.approx([2, 2.5, 10, 0.02])
    assert format_number(1935, 0) == "1935"
    assert format_number(12_345.6, 1) == "12,345.6"
    assert format_number(2.5, 2) == "2.50"


# --- WeasyPrint --------------------------------------------------------------------------

def _font_faces() -> str:
    import fontpkg

    faces = []
    for weight, style in ((400, "normal"), (700, "normal"), (400, "italic")):
        path = fontpkg.path("PT Sans", weight, style)
        faces.append(f"@font-face {{ font-family: 'PT Sans'; font-weight: {weight}; "
                     f"font-style: {style}; src: url('{path.as_uri()}') }}")
    return "\n".join(faces)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_weasyprint_draws_the_chart_as_text(tmp_path):
    from pypdf import PdfReader
    from weasyprint import HTML

    bar, _ = draw(RECORD.replace("Norm for a shift (about)", "Norm <about> & more")
                  + "highlight: Norm <about> & more\n", alt="ALT-TEXT-BAR")
    column, _ = draw(RECORD.replace("type: bar", "type: column"), alt="ALT-TEXT-COLUMN")
    html = (f"<html><head><style>{_font_faces()} @page {{ size: A5; margin: 15mm }} "
            f"figure {{ width: 12cm; margin: 0 }}</style></head><body>"
            f"<figure>{bar}</figure><figure>{column}</figure></body></html>")
    pdf = tmp_path / "chart.pdf"
    HTML(string=html).write_pdf(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for expected in ("Norm <about> & more", "Stakhanov, 31 August 1935", "record", "7.3",
                     "102", "125", "tonnes of coal"):
        assert expected in text
    assert "ALT-TEXT" not in text  # <title> is for screen readers, not painted
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(fonts[key].get_object()["/BaseFont"]) for key in fonts}
    assert any("PT-Sans" in name for name in names), names
    assert not any("PT-Sans" not in name for name in names), names


def test_a_chart_with_a_grouped_number_groups_its_four_digit_ones_too():
    """"1,118" beside "353,074", not "1118"; a chart of small numbers leaves 1935 as it is;
    an apostrophe typed straight prints as a typographer's."""
    svg, _ = draw("type: column\nunit: death sentences\nbars:\n"
                  "  - label: '1936'\n    value: 1118\n"
                  "  - label: '1937'\n    value: 353074\n"
                  "  - label: A hewer's count\n    value: 2552\n")
    printed = texts(svg)
    assert "1,118" in printed and "353,074" in printed and "2,552" in printed
    assert "1118" not in printed and "A hewer’s count" in " ".join(printed)
    small, _ = draw("type: bar\nunit: tonnes\nbars:\n  - label: a\n    value: 1935\n")
    assert "1935" in texts(small)


def test_a_wrapped_label_does_not_end_with_one_short_word_alone():
    from chapbook.charts.text import wrap

    width = text_width("night of 30–31 August", 8.5)
    assert wrap("night of 30–31 August 1935", width, 8.5) == ["night of 30–31", "August 1935"]
    assert wrap("one two", text_width("one", 8.5), 8.5) == ["one", "two"]  # nothing to take

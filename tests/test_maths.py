"""TeX maths, sub- and superscripts: parsed as pandoc reads them, checked, numbered, drawn."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chapbook.diagnostics import Diagnostics
from chapbook.markdown.maths import formula_problem
from chapbook.markdown.parser import markdown_parser
from chapbook.pipeline import BuildOptions, build, prepare
from chapbook.render.html import BookRenderer
from chapbook.render.markdown_html import RenderOptions


def _inline_types(text: str) -> list[str]:
    tokens = markdown_parser("en").parse(text)
    return [child.type for token in tokens for child in token.children or []]


def test_dollars_follow_pandocs_rules():
    assert "math_inline" in _inline_types("the law $I \\propto 1/d^2$ holds")
    assert "math_inline" not in _inline_types("it costs $5 and $6 today")
    assert "math_inline" not in _inline_types("from $ 5 to $ 6")


def test_a_lone_display_formula_with_an_id_is_an_equation():
    tokens = markdown_parser("en").parse("$$E = h f$$ {#eq:energy}\n\n$$\na + b\n$$\n")
    blocks = [t for t in tokens if t.type == "math_block"]
    assert [(t.content, t.attrs.get("id")) for t in blocks] == [
        ("E = h f", "eq:energy"), ("a + b", None)]


def test_sub_and_superscripts():
    html = markdown_parser("en").render("H~2~O and 10^3^ and ~~gone~~")
    assert "H<sub>2</sub>O" in html and "10<sup>3</sup>" in html and "<s>gone</s>" in html


@pytest.mark.parametrize(("tex", "offset", "words"), [
    ("\\frac{1}", 0, "missing an argument"),
    ("x^{2", 2, "never closed"),
    ("a + b }", 6, "no '{'"),
    ("1 + \\sqroot{2}", 4, "unknown command \\sqroot"),
    ("x_", 0, "nothing after it"),
])
def test_malformed_formulas_are_found(tex, offset, words):
    problem = formula_problem(tex)
    assert problem is not None and problem[0] == offset and words in problem[1], problem


def test_good_formulas_pass():
    for tex in ("\\frac{1}{d^2}", "6\\,\\mathrm{CO_2} \\rightarrow x", "a \\leq b \\pm c",
                "\\alpha \\times \\beta", "\\left( x \\right)"):
        assert formula_problem(tex) is None, tex


def _add(project: Path, text: str) -> None:
    chapter = project / "chapters" / "02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_malformed_formula_is_an_error_at_its_line_and_column(mini_project: Path):
    lines = (mini_project / "chapters" / "02-second.md").read_text(encoding="utf-8")
    first = lines.count("\n") + 2
    _add(mini_project, "\nThe law $I = \\frac{1}$ and $x^{2$ too.\n")
    diagnostics = Diagnostics()
    prepare(mini_project, BuildOptions(), diagnostics)
    found = [(d.line, d.column, d.message) for d in diagnostics.errors]
    assert (first, 10, "malformed formula: a command is missing an argument (<mfrac> needs 2)"
            ) in found, found
    assert (first, 31, "malformed formula: a '{' that is never closed") in found, found


def test_equations_are_numbered_drawn_for_print_and_mathml_on_screen(mini_project: Path):
    _add(mini_project, "\n$$E \\propto \\frac{1}{d^2}$$ {#eq:law}\n\nBy @eq:law, $x^2$ "
         "and H~2~O.\n")
    diagnostics = Diagnostics()
    book = prepare(mini_project, BuildOptions(), diagnostics)
    assert not diagnostics.errors, [d.format() for d in diagnostics.errors]
    chapter = book.chapters[-1]
    printed = BookRenderer(book, RenderOptions(), "chicago-author-date").html(chapter.body)
    assert '<div class="equation" id="eq:law">' in printed
    assert '<span class="equation-number">(1)</span>' in printed
    assert 'href="#eq:law">Equation\u00a01</a>' in printed
    assert "<svg" in printed and "\\frac" not in printed.split("aria-label")[0]
    assert "$" not in printed
    screen = BookRenderer(book, RenderOptions(medium="screen"), "chicago-author-date"
                          ).html(chapter.body)
    assert "<math" in screen and "<mfrac>" in screen


def test_formulas_sharing_glyphs_give_no_element_the_same_id():
    """Two formulas on one page must not both define a glyph's id (an HTML error, and a
    PDF anchor WeasyPrint warns is defined twice)."""
    from chapbook.render.maths import formula_svg

    drawn = formula_svg(r"\frac{1}{2}", False) + formula_svg(r"x = \frac{1}{2}", True)
    ids = re.findall(r'\bid="([^"]+)"', drawn)
    assert len(ids) == len(set(ids))
    assert "<path" in drawn


def test_symbols_print_in_the_fallback_font_with_no_glyph_warning(mini_project: Path):
    _add(mini_project, "\nCO~2~ → sugar, 3 ≤ 4, ±1 and 2 × 3, λ = 500 nm.\n")
    diagnostics = Diagnostics()
    prepare(mini_project, BuildOptions(), diagnostics)
    assert not diagnostics.warnings, [d.format() for d in diagnostics.warnings]


def test_the_glyph_check_knows_the_fonts_the_project_css_declares(mini_project: Path):
    _add(mini_project, "\nThe equilibrium sign ⇌ is in no font of chapbook's.\n")
    diagnostics = Diagnostics()
    prepare(mini_project, BuildOptions(), diagnostics)
    [warning] = diagnostics.warnings
    assert "U+21CC" in warning.message
    # a project font that has it, declared in layouts/extra.css, silences the warning
    import ziamath

    stix = Path(ziamath.__file__).parent / "fonts" / "STIXTwoMath-Regular.ttf"
    fonts = mini_project / "layouts" / "fonts"
    fonts.mkdir()
    (fonts / "STIXTwoMath-Regular.ttf").write_bytes(stix.read_bytes())
    extra = mini_project / "layouts" / "extra.css"
    extra.write_text(extra.read_text(encoding="utf-8") + '\n@font-face { font-family: '
                     '"STIX Two Math"; src: url("fonts/STIXTwoMath-Regular.ttf"); }\n',
                     encoding="utf-8")
    diagnostics = Diagnostics()
    prepare(mini_project, BuildOptions(), diagnostics)
    assert not diagnostics.warnings, [d.format() for d in diagnostics.warnings]


@pytest.mark.parametrize(("bibtex", "html"), [
    ("Uptake of CO$_2$ by H$_2$O", "Uptake of CO<sub>2</sub> by H<sub>2</sub>O"),
    ("The $\\alpha$-helix at 25\\,$^\\circ$C", "The α-helix at 25\u2009°C"),
    ("10\\textsuperscript{3} and H\\textsubscript{2}O", "10<sup>3</sup> and H<sub>2</sub>O"),
    ("Heavy Oxygen ({O}$^{18}$)", "Heavy Oxygen (O<sup>18</sup>)"),
    ("It costs \\$5", "It costs $5"),
])
def test_maths_and_scripts_in_bibtex_fields(bibtex, html):
    from chapbook.bibliography.latex import decode
    from chapbook.bibliography.markup import to_html

    assert to_html(decode(bibtex)) == html


def test_maths_in_a_title_keeps_its_case_in_title_case():
    from chapbook.bibliography.latex import decode
    from chapbook.bibliography.markup import to_html
    from chapbook.citations.casing import title_case

    assert to_html(title_case(decode("the $\\alpha$-helix"))).startswith("The α-")


def test_a_font_outside_the_project_is_not_opened_for_the_glyph_check(tmp_path):
    """The glyph check read a `@font-face` file by any absolute path or `file:` URL, which the
    safety pass refuses: it follows the same URL rules now."""
    from chapbook.resolve.glyphs import declared_fonts

    root = tmp_path / "booklet"
    (root / "layouts" / "fonts").mkdir(parents=True)
    outside = tmp_path / "Outside.ttf"
    outside.write_bytes(b"not really a font")
    inside = root / "layouts" / "fonts" / "Inside.ttf"
    inside.write_bytes(b"not really a font")
    css = root / "layouts" / "extra.css"
    css.write_text(
        f'@font-face {{ font-family: "Outside"; src: url("{outside.as_uri()}"); }}\n'
        f'@font-face {{ font-family: "Up"; src: url("../../Outside.ttf"); }}\n'
        '@font-face { font-family: "Inside"; src: url("fonts/Inside.ttf"); }\n',
        encoding="utf-8")
    assert declared_fonts([css], root) == [("Inside", inside)]


def test_the_glyph_check_reads_what_the_glossary_prints_from_yaml(mini_project: Path):
    """A term's original script ("φῶς") is printed from YAML, not Markdown: its polytonic
    omega, in none of the booklet's fonts, came out in the machine's DejaVu Serif unwarned."""
    glossary = mini_project / "chapters" / "glossary.yaml"
    lines = glossary.read_text(encoding="utf-8").split("\n")
    glossary.write_text("\n".join(lines) + "\nphoton:\n  term: photon\n  original: φῶς\n"
                        "  translit: phōs\n  definition: A portion of light.\n",
                        encoding="utf-8")
    diagnostics = Diagnostics()
    prepare(mini_project, BuildOptions(), diagnostics)
    [warning] = [d for d in diagnostics.warnings if "U+" in d.message]
    assert "U+1FF6" in warning.message
    assert (warning.file, warning.line) == ("chapters/glossary.yaml", len(lines) + 1)


def test_the_imprint_names_the_symbol_font_only_when_the_text_needs_it(mini_project: Path):
    diagnostics = Diagnostics()
    assert not prepare(mini_project, BuildOptions(), diagnostics).symbol_font_used
    _add(mini_project, "\nFrom the Greek φύλλον, a leaf.\n")
    diagnostics = Diagnostics()
    book = prepare(mini_project, BuildOptions(), diagnostics)
    assert book.symbol_font_used and not diagnostics.warnings
    result = build(mini_project, BuildOptions(format="html"))
    assert "Set in PT Serif, PT Sans and Source Serif 4." in \
        result.outputs[0].read_text(encoding="utf-8")

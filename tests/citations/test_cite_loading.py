"""Bibliography loading diagnostics, crossref, the processor's own rules, styles, refs."""

from __future__ import annotations

from pathlib import Path

from chapbook.bibliography import load_bibliography
from chapbook.citations.processor import CitationProcessor, check_cited_keys, report_uncited
from chapbook.citations.refs import format_reference_list
from chapbook.citations.style import DEFAULT_STYLE_DIR, load_style, style_search_dirs
from chapbook.citations.syntax import find_citations
from chapbook.diagnostics import Diagnostics, Severity

FIXTURE = Path(__file__).parent / "fixtures" / "fixture.bib"


def _load(tmp_path: Path, *texts: str, encoding: str = "utf-8"):
    paths = []
    for index, text in enumerate(texts):
        path = tmp_path / "bibliography" / f"f{index}.bib"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode(encoding))
        paths.append(path)
    diagnostics = Diagnostics()
    return load_bibliography(paths, tmp_path, diagnostics), diagnostics


def test_duplicate_key_names_both_places(tmp_path: Path) -> None:
    bib, diags = _load(tmp_path, "@book{a, title={One}, year=1990}\n",
                       "\n\n@book{a, title={Two}, year=1991}\n")
    assert bib["a"].plain("title") == "One"
    (error,) = diags.errors
    assert (error.file, error.line) == ("bibliography/f1.bib", 3)
    assert "bibliography/f0.bib:1" in error.message


def test_duplicate_key_in_one_file(tmp_path: Path) -> None:
    _, diags = _load(tmp_path, "@book{a, title={One}}\n@book{a, title={Two}}\n")
    (error,) = diags.errors
    assert error.line == 2 and "f0.bib:1" in error.message


def test_malformed_entry_reported_rest_loads(tmp_path: Path) -> None:
    bib, diags = _load(tmp_path, "@book{ok1, title={A}}\n\n@book{bad, title={B\n\n"
                       "@book{ok2, title={C}}\n")
    assert "ok1" in bib and "ok2" in bib
    assert [(d.line, d.severity) for d in diags] == [(3, Severity.ERROR)]


def test_non_utf8_file_named_with_hint(tmp_path: Path) -> None:
    _, diags = _load(tmp_path, "@book{a,\n title={Caf\u00e9}}\n", encoding="cp1252")
    (error,) = diags.errors
    assert error.file == "bibliography/f0.bib" and error.line == 2
    assert "UTF-8" in error.message and "iconv" in error.hint


def test_string_month_and_crossref(tmp_path: Path) -> None:
    bib, diags = _load(tmp_path, """@string{cup = {Cambridge University Press}}
@collection{parent, editor={Davies, R. W.}, title={The Book}, publisher=cup # { Ltd}, date={1994}}
@incollection{child, author={Harrison, Mark}, title={Ch}, crossref={parent}, month=jan}
@incollection{orphan, title={X}, crossref={parnet}}
""")
    child = bib["child"]
    assert child.plain("booktitle") == "The Book"
    assert child.plain("publisher") == "Cambridge University Press Ltd"
    assert child.names["editor"][0].family == "Davies"
    assert child.dates["date"].year == 1994
    (error,) = diags.errors
    assert error.line == 4 and "'parent'" in error.hint


def test_bad_year_is_a_warning_at_its_line(tmp_path: Path) -> None:
    _, diags = _load(tmp_path, "@book{a,\n  title={T},\n  year={19x},\n}\n")
    (warning,) = diags.warnings
    assert warning.line == 3


def test_booklet_bibliography_loads_cleanly() -> None:
    root = Path(__file__).resolve().parents[2]
    diags = Diagnostics()
    bib = load_bibliography([root / "bibliography" / "stakhanovism.bib"], root, diags)
    assert not diags.items
    assert {"siegelbaum1988", "siegelbaum1986", "siegelbaum2004", "davies2002", "freeze1997",
            "kotkin2017", "overy2006", "time1935", "schmemann1985", "costea2021", "stalin1935",
            "wikipedia-stakhanovite", "fiveable-stakhanovite"} == set(bib.keys())
    assert "stalin1935" in bib and "date" not in bib["stalin1935"].dates


def test_unknown_key_suggests_and_uncited_hint() -> None:
    diags = Diagnostics()
    bib = load_bibliography([FIXTURE], FIXTURE.parent, diags)
    check_cited_keys([("fitzpatrik1999", "chapters/01.md", 7)], bib, diags)
    (error,) = diags.errors
    assert (error.file, error.line) == ("chapters/01.md", 7)
    assert "fitzpatrick1999" in error.hint
    report_uncited(bib, {"fitzpatrick1999"}, diags)
    hints = [d for d in diags if d.severity is Severity.HINT]
    assert len(hints) == len(bib) - 1 and all(d.file == "fixture.bib" for d in hints)


def test_missing_fields_warning(tmp_path: Path) -> None:
    bib, diags = _load(tmp_path, "@book{a,\n  author={Smith, J.},\n  title={T},\n}\n")
    processor = CitationProcessor(bib, load_style("chicago-author-date"), diags)
    processor.process(find_citations_of("[@a]"))
    (warning,) = diags.warnings
    assert warning.line == 1 and "date" in warning.message and "publisher" in warning.message


def find_citations_of(text: str):
    return [c for c, _, _ in find_citations(text)]


def test_links_escaping_and_unknown_key(tmp_path: Path) -> None:
    bib, _ = _load(tmp_path, "@book{a, author={Smith, J.}, title={Tom \\& Jerry <3>}, "
                   "publisher={P}, year=1990, url={https://x.org/?a=1&b=2}}\n")
    result = CitationProcessor(bib, load_style("chicago-author-date")).process(
        find_citations_of("[@a, 12] [@zz]"))
    assert result.cites[0].text_html == '(<a href="#ref-a">Smith 1990, 12</a>)'
    assert "zz?" in result.cites[1].text_html
    (key, html), = result.bibliography
    assert "Tom &amp; Jerry &lt;3&gt;" in html
    assert '<a href="https://x.org/?a=1&amp;b=2">' in html


def test_disambiguation_letters_follow_titles_without_articles(tmp_path: Path) -> None:
    entry = "@book{%s, author={Fitzpatrick, Sheila}, title={%s}, publisher={P}, year=%s}\n"
    bib, _ = _load(tmp_path, entry % ("x", "Stalin's Peasants", 1994)
                   + entry % ("y", "The Russian Revolution", 1994)
                   + entry % ("z", "Another", 1995))
    result = CitationProcessor(bib, load_style("apa")).process(find_citations_of("[@x; @y; @z]"))
    assert "1994b, 1994a, 1995" in result.cites[0].text_html.replace('<a href="#ref-x">', "")\
        .replace('<a href="#ref-y">', "").replace('<a href="#ref-z">', "").replace("</a>", "")
    assert [k for k, _ in result.bibliography] == ["y", "x", "z"]


def test_project_style_overrides_default(tmp_path: Path) -> None:
    styles = tmp_path / "layouts" / "styles"
    styles.mkdir(parents=True)
    text = (DEFAULT_STYLE_DIR / "chicago-author-date.toml").read_text(encoding="utf-8")
    (styles / "chicago-author-date.toml").write_text(
        text.replace('open = "("', 'open = "["').replace('close = ")"', 'close = "]"'),
        encoding="utf-8")
    style = load_style("chicago-author-date", style_search_dirs(tmp_path))
    assert style.path.parent == styles
    bib, _ = _load(tmp_path, "@book{a, author={Smith, J.}, title={T}, publisher={P}, year=1990}")
    result = CitationProcessor(bib, style).process(find_citations_of("[@a]"))
    assert result.cites[0].text_html.startswith("[")


def test_refs_formats() -> None:
    text = format_reference_list([FIXTURE], "chicago-author-date", "text", root=FIXTURE.parent)
    paragraphs = text.strip().split("\n\n")
    assert len(paragraphs) == 19
    assert "Linden, Marcel van der. 2008. Workers of the World" in text
    html = format_reference_list([FIXTURE], "apa", "html", root=FIXTURE.parent)
    assert html.count('class="csl-entry"') == 19 and 'id="ref-filtzer1986"' in html
    markdown = format_reference_list([FIXTURE], "apa", "markdown", root=FIXTURE.parent)
    assert "*Soviet Studies*" in markdown

"""A .bib entry in another language (``langid``, or biblatex's older ``language`` and
``hyphenation``): its titles keep their language's hyphenation (``lang`` in the HTML), their
own quotation marks, and English title case is not applied to them (CSL and biblatex apply
it only to English entries)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chapbook.bibliography import load_bibliography
from chapbook.bibliography.languages import entry_language, language_tag
from chapbook.bibliography.markup import to_html, to_markdown, to_text
from chapbook.citations.localized import localize_style
from chapbook.citations.processor import CitationProcessor
from chapbook.citations.style import load_style
from chapbook.diagnostics import Diagnostics
from chapbook.pipeline import BuildOptions, build

BIB = r"""
@article{blackman1905,
  author = {Blackman, Frederick Frost}, title = {Optima and limiting factors},
  journal = {Annals of Botany}, volume = {19}, pages = {281--295}, year = {1905},
  langid = {english},
}
@article{einstein1905,
  author = {Einstein, Albert},
  title = {Über einen die Erzeugung des Lichtes betreffenden Gesichtspunkt ``Licht''},
  journal = {Annalen der Physik}, volume = {322}, pages = {132--148}, year = {1905},
  langid = {ngerman},
}
@book{dupont2001,
  author = {Dupont, Jean}, title = {la photosynthèse des plantes vertes},
  publisher = {Belin}, address = {Paris}, year = {2001}, hyphenation = {french},
}
@book{plain2001,
  author = {Plain, Ann}, title = {a history of light}, publisher = {Belin}, year = {2001},
}
"""

STYLES = ("apa", "chicago-author-date", "chicago-notes", "mla", "harvard")


@pytest.fixture(scope="module")
def bibliography(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("bib")
    (folder / "x.bib").write_text(BIB, encoding="utf-8")
    diagnostics = Diagnostics()
    loaded = load_bibliography([folder / "x.bib"], folder, diagnostics)
    assert not diagnostics.errors
    return loaded


def _references(bibliography, style: str, language: str) -> dict[str, str]:
    processor = CitationProcessor(bibliography, localize_style(load_style(style), language),
                                  link_citations=False)
    return dict(processor.bibliography_items(bibliography.keys()))


def test_babel_names_and_bcp47_tags_give_the_entrys_language(bibliography):
    assert language_tag("ngerman") == "de" and language_tag("brazilian") == "pt-BR"
    assert language_tag("de-AT") == "de-AT" and language_tag("klingon") == ""
    assert [entry_language(bibliography[k]) for k in
            ("blackman1905", "einstein1905", "dupont2001", "plain2001")] == ["en", "de", "fr", ""]


@pytest.mark.parametrize("style", STYLES)
def test_a_title_in_another_language_is_marked_and_keeps_its_own_quotes(bibliography, style):
    english = _references(bibliography, style, "en")
    einstein = to_html(english["einstein1905"])
    assert '<span lang="de">Über einen' in einstein
    # quoted by the style: the booklet's marks around it, the German inner marks in it
    assert ("„Licht“" in einstein) != ("‚Licht‘" in einstein), einstein
    if "“<span" in einstein:
        assert "‚Licht‘</span>" in einstein
    # no English title case for French and German titles, in any style
    assert "la photosynthèse des plantes vertes" in to_text(english["dupont2001"])
    assert '<span lang="fr">' in to_html(english["dupont2001"])
    # a title in the booklet's own language is not marked
    assert "lang=" not in to_html(english["blackman1905"])
    assert "[Über einen" in to_markdown(english["einstein1905"])  # refs --format markdown


@pytest.mark.parametrize("style", ["chicago-author-date", "mla"])
def test_english_title_case_only_for_english_titles(bibliography, style):
    english = _references(bibliography, style, "en")
    assert "Optima and Limiting Factors" in to_text(english["blackman1905"])
    assert "A History of Light" in to_text(english["plain2001"])  # no langid: the booklet's
    assert "la photosynthèse" in to_text(english["dupont2001"])
    german = _references(bibliography, style, "de")
    # an English title in a German booklet: English case rules and lang="en"
    assert '<span lang="en">Optima and Limiting Factors' in to_html(german["blackman1905"])


def test_in_a_french_booklet_a_german_title_quoted_keeps_german_inner_marks(bibliography):
    french = to_html(_references(bibliography, "chicago-author-date", "fr")["einstein1905"])
    assert '«\u00a0<span lang="de">Über einen' in french and "‚Licht‘</span>\u00a0»" in french
    # not quoted by the style (APA): its own outer marks
    french_apa = to_html(_references(bibliography, "apa", "fr")["einstein1905"])
    assert "„Licht“</span>" in french_apa
    # the booklet's own language, German, in a German booklet: German marks, no span
    german_apa = to_html(_references(bibliography, "apa", "de")["einstein1905"])
    assert "„Licht“" in german_apa and "lang=" not in german_apa.split("Annalen")[0]


@pytest.mark.slow
@pytest.mark.parametrize("style", ["chicago-notes", "apa"])
def test_a_cited_title_in_another_language_carries_its_lang_in_notes_and_list(
        mini_project: Path, style: str):
    with (mini_project / "bibliography" / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write(BIB)
    chapter = mini_project / "chapters" / "02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8")
                       + "\nAs shown [@einstein1905, 140] and [@dupont2001].\n", encoding="utf-8")
    result = build(mini_project, BuildOptions(format="html", style=style))
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    html = result.outputs[0].read_text(encoding="utf-8")
    assert html.count('<span lang="de">Über einen') >= (2 if style == "chicago-notes" else 1)
    assert '<span lang="fr">la photosynthèse' in html


@pytest.mark.parametrize("style", ["chicago-notes", "chicago-author-date"])
def test_a_cited_works_language_is_hyphenated_only_where_it_is_set_in_the_text(
        mini_project: Path, style: str):
    """In notes a cited title is text, hyphenated in its language; in a reference list,
    which the layouts never hyphenate, its language's patterns would be loaded for nothing."""
    from chapbook.pipeline import prepare
    from chapbook.resolve.languages import other_languages

    with (mini_project / "bibliography" / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write(BIB)
    chapter = mini_project / "chapters" / "02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8")
                       + "\nAs shown [@einstein1905, 140] and [@dupont2001].\n", encoding="utf-8")
    diagnostics = Diagnostics()
    book = prepare(mini_project, BuildOptions(style=style), diagnostics, {})
    assert not diagnostics.errors
    assert other_languages(book) == (["de", "fr"] if style == "chicago-notes" else [])

"""The booklet's fixed words, citation terms and dates, and typography, per language."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from chapbook.citations.locale import csl_locale
from chapbook.citations.localized import localize_style
from chapbook.citations.style import load_style
from chapbook.config import load_config
from chapbook.diagnostics import Diagnostics
from chapbook.markdown.parser import markdown_parser
from chapbook.markdown.typography import NBSP, NNBSP, french_spacing
from chapbook.pipeline import BuildOptions, build
from chapbook.render.html import css_content, display_date
from chapbook.words import LOCALES, words_for
from conftest import ENGLISH_FIXED_WORDS

LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pl", "pt", "ru", "uk")


def test_every_language_has_a_locale_file_with_every_english_key():
    english = tomllib.loads((LOCALES / "en.toml").read_text(encoding="utf-8"))
    for language in LANGUAGES:
        words = tomllib.loads((LOCALES / f"{language}.toml").read_text(encoding="utf-8"))
        assert set(words) == set(english), language
        assert len(words["quotes"]) == 4, language
        if language != "en":  # translated, not copied: most words differ from English
            same = [k for k in english if k.startswith(("box_", "review", "summary"))
                    and words[k] == english[k]]
            assert len(same) <= 2, (language, same)


def test_a_regional_tag_falls_back_to_its_language_and_the_booklet_overrides_a_word():
    assert words_for("de-AT")["contents"] == "Inhalt"
    assert words_for("de", {"summary": "Das Wichtigste"})["summary"] == "Das Wichtigste"
    assert words_for("xx")["contents"] == "Contents"
    assert words_for("fr").label("table_label", 2) == "Tableau 2"


def test_an_unknown_word_in_chapbook_toml_is_an_error_with_its_line(tmp_path: Path):
    (tmp_path / "chapbook.toml").write_text(
        'title = "T"\nlanguage = "de"\n\n[words]\nsumary = "Kurz"\nsummary = "Kurz"\n',
        encoding="utf-8")
    diagnostics = Diagnostics()
    config = load_config(tmp_path, diagnostics)
    [error] = diagnostics.errors
    assert error.line == 5 and "sumary" in error.message and "summary" in error.message
    assert config.words == {"sumary": "Kurz", "summary": "Kurz"}


def test_csl_locales_give_terms_and_dates_per_language():
    german = csl_locale("de")
    assert german.term("and") == "und"
    assert german.term("editor", "verb-short") == "hrsg. von"
    assert german.long_date(2021, 6, 29) == "29. Juni 2021"
    assert csl_locale("fr").long_date(2021, 6, 29) == "29 juin 2021"
    assert csl_locale("fr").long_date(2021, 6, 1) == "1 juin 2021"  # fr: numeric days
    assert csl_locale("ru").term("and") == "и"
    assert display_date("2026-12-07", "de") == "7. Dezember 2026"
    assert display_date("2026-12-07", "en") == "7 December 2026"


def test_a_style_in_german_prints_german_terms_quotes_and_dates():
    style = localize_style(load_style("chicago-author-date"), "de")
    assert style.names["bib"].and_word == "und"
    assert "Hrsg." in style.terms["role-editor"]
    assert "herausgegeben von" in style.macros["editors-in"]
    assert "Zugegriffen" in style.bibliography["online"]
    assert style.locale is not None and style.locale.quote("Titel") == "„Titel“"
    assert localize_style(load_style("chicago-author-date"), "en-GB").locale is None


def test_french_spacing_before_high_punctuation_and_inside_guillemets():
    assert french_spacing("Pourquoi ? Voilà !") == f"Pourquoi{NNBSP}? Voilà{NNBSP}!"
    assert french_spacing("Note: « les plantes »;") == (
        f"Note{NBSP}: «{NNBSP}les plantes{NNBSP}»{NNBSP};")
    assert french_spacing("https://example.org") == "https://example.org"
    html = markdown_parser("fr").render('Il dit "bonjour" : oui !')
    assert f"«{NNBSP}bonjour{NNBSP}»{NBSP}:" in html and f"oui{NNBSP}!" in html


def test_quotation_marks_follow_the_language_nested_too():
    html = markdown_parser("de").render('Er sagte "ein \'kleines\' Wort".')
    assert "„ein ‚kleines‘ Wort“" in html


def test_css_content_keeps_its_quotes_and_counters():
    assert css_content("Seite {n} von {total}", n="counter(page)", total="counter(pages)") == (
        '"Seite " counter(page) " von " counter(pages)')
    assert css_content('Say "hi"') == '"Say \\"hi\\""'


@pytest.mark.parametrize("language", ["fr"])
def test_a_french_booklet_prints_no_english_fixed_word(mini_project: Path, language: str):
    toml = mini_project / "chapbook.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'language = "en"', f'language = "{language}"'), encoding="utf-8")
    result = build(mini_project, BuildOptions(edition="teacher", format="html"))
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    html = result.outputs[0].read_text(encoding="utf-8")
    text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S)
    # ("Figure 1" is French too)
    assert "Édition du professeur" in text and "Glossaire" in text and "Figure 1." in text
    found = [w for w in ENGLISH_FIXED_WORDS.findall(text) if w != "Figure 1"]  # French too
    assert not found, found


def test_a_passage_in_another_language_keeps_its_own_quotation_marks():
    html = markdown_parser("en").render(
        'He said "yes", [il a dit "oui" !]{lang=fr} and [sie "ja \'wohl\'"]{lang=de}; it\'s.')
    assert "He said “yes”" in html and "it’s" in html
    assert f"il a dit «{NNBSP}oui{NNBSP}»{NNBSP}!" in html
    assert "sie „ja ‚wohl‘“" in html
    french = markdown_parser("fr").render('Il dit [Hello "you"!]{lang=en} « oui » !')
    assert "Hello “you”!" in french and f"«{NNBSP}oui{NNBSP}»{NNBSP}!" in french


def test_the_init_sample_is_about_no_subject_in_particular():
    from chapbook.scaffold import SAMPLE_CHAPTER, SAMPLE_GLOSSARY

    text = (SAMPLE_CHAPTER + SAMPLE_GLOSSARY).lower()
    for word in ("histor", "primary source", "soviet", "diary"):
        assert word not in text, word

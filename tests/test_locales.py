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
from chapbook.model import Fragment
from chapbook.pipeline import BuildOptions, build, prepare
from chapbook.render.html import css_content, display_date
from chapbook.render.markdown_html import FragmentRenderer, RenderOptions
from chapbook.resolve.structure import parse_fragment
from chapbook.words import LOCALES, words_for
from conftest import ENGLISH_FIXED_WORDS, pdf_text

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
    assert words_for("fr").label("table_label", 2) == "Tableau\u00a02"


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
    assert "Édition du professeur" in text and "Glossaire" in text and "Figure\u00a01." in text
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


def parse(file: str, text: str, language: str = "en") -> Fragment:
    fragment = Fragment(file, 1, text)
    parse_fragment(fragment, language)
    return fragment


def test_a_fenced_div_in_another_language_keeps_its_quotes_spacing_and_lang():
    renderer = FragmentRenderer("en", RenderOptions())
    text = ('::: {lang=fr}\nIl dit "oui \'non\'" ! [Er "sagt"]{lang=de} : fin.\n:::\n\n'
            'After "this": yes!\n\n::: {.note lang="de-AT"}\nEr "sagt".\n:::\n')
    html = renderer.render(parse("chapters/x.md", text))
    # the passage: French marks (nested too), French spacing, and its lang for hyphenation
    assert '<div class="passage" lang="fr">' in html
    assert f"Il dit «{NNBSP}oui “non”{NNBSP}»{NNBSP}!" in html
    # a span inside it is in its own language, with the same rules as a span anywhere
    assert '<span lang="de">Er „sagt“</span>' in html and f"{NBSP}: fin." in html
    # after the passage the booklet's own typography again
    assert "After “this”: yes!" in html
    # a box may carry a language too
    assert 'class="box box-note box-short" lang="de-AT"' in html and "Er „sagt“." in html
    # a French booklet with a passage in English: no French spacing inside it
    french = FragmentRenderer("fr", RenderOptions()).render(
        parse("chapters/x.md", '::: {lang=en}\nHe "said": yes!\n:::\n\nIl "dit" : oui!', "fr"))
    assert "He “said”: yes!" in french and f"Il «{NNBSP}dit{NNBSP}»{NBSP}: oui{NNBSP}!" in french


def test_a_passage_never_closed_is_an_error_at_its_line(mini_project: Path):
    chapter = mini_project / "chapters" / "02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n::: {lang=fr}\nEt voilà.\n",
                       encoding="utf-8")
    lines = chapter.read_text(encoding="utf-8").split("\n")
    diagnostics = Diagnostics()
    prepare(mini_project, BuildOptions(), diagnostics, {})
    [error] = [d for d in diagnostics.errors if "passage" in d.message]
    assert error.file == "chapters/02-second.md" and error.line == lines.index("::: {lang=fr}") + 1


def test_every_language_a_booklet_prints_has_its_hyphenation_patterns(mini_project: Path):
    import pyphen

    from chapbook.resolve.languages import other_languages
    from chapbook.typeset.hyphenation import BookHyphenation, load_patterns

    chapter = mini_project / "chapters" / "02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8")
                       + "\n::: {lang=fr}\nExtraordinairement.\n:::\n\n[Ja]{lang=de-AT}.\n",
                       encoding="utf-8")
    diagnostics = Diagnostics()
    book = prepare(mini_project, BuildOptions(), diagnostics, {})
    assert not diagnostics.errors
    assert other_languages(book) == ["fr", "de"]
    for language in other_languages(book):
        load_patterns(language)
        path = pyphen.LANGUAGES[pyphen.language_fallback(language)]
        # the booklet's rules on top of the language's patterns (no name, no short word)
        assert isinstance(pyphen.hdcache[path], BookHyphenation), language


def _breaks(text: str) -> list[tuple[str, int]]:
    """Each word the PDF's text breaks at a line end, and where: ('responsabilités', 6)."""
    lines = text.split("\n")
    found = []
    for line, following in zip(lines, lines[1:], strict=False):
        head = re.search(r"(\w+)-$", line.rstrip())
        tail = re.match(r"\s*(\w+)", following)
        if head and tail:
            found.append((head.group(1) + tail.group(1), len(head.group(1))))
    return found


@pytest.mark.slow
def test_a_passage_is_hyphenated_with_its_own_languages_patterns(mini_project: Path):
    import pyphen

    chapter = mini_project / "chapters" / "02-second.md"
    # where French and English patterns break these words differs (the book's limits,
    # 7 3 3, leave sep-tembre / septem-bre, pré-sident / prési-dent, pério-dique / péri-odique)
    words = "septembre président périodique " * 6
    chapter.write_text(chapter.read_text(encoding="utf-8")
                       + f"\n::: {{lang=fr}}\nAAA {words}\n:::\n\nBBB {words}\n",
                       encoding="utf-8")
    css = mini_project / "layouts" / "extra.css"
    css.write_text(css.read_text(encoding="utf-8")
                   + "\n.passage, .passage + p { width: 4.5em; text-align: left; }\n",
                   encoding="utf-8")
    from chapbook.typeset.hyphenation import BookHyphenation

    french_file = pyphen.LANGUAGES[pyphen.language_fallback("fr")]
    pyphen.hdcache.pop(french_file, None)
    # laid out in this process (--jobs 1): the passage's patterns with the book's rules
    result = build(mini_project, BuildOptions(jobs=1))
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    assert isinstance(pyphen.hdcache[french_file], BookHyphenation)
    passage, english = pdf_text(result.outputs[0]).split("AAA", 1)[1].split("BBB", 1)
    french, american = pyphen.Pyphen(lang="fr"), pyphen.Pyphen(lang="en_US")
    in_passage, after = _breaks(passage), _breaks(english.split("\f")[0])
    assert in_passage and after, (passage, english)
    assert all(at in french.positions(word) and at not in american.positions(word)
               for word, at in in_passage), in_passage
    assert all(at in american.positions(word) and at not in french.positions(word)
               for word, at in after), after


@pytest.mark.slow
def test_quiz_and_epub_words_are_the_booklets_language(tmp_path: Path):
    """A German booklet's quiz names its questions "Kap. 1, F1" and titles a model answer
    "Musterlösung"; its EPUB's contents are "Inhalt" (they were English)."""
    import zipfile

    from chapbook.pipeline import write_quiz

    root = Path(__file__).resolve().parent.parent / "examples" / "photosynthese"
    result = write_quiz(root, BuildOptions(edition="teacher", output=tmp_path), "qti")
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    with zipfile.ZipFile(result.outputs[0]) as package:
        items = [package.read(n).decode("utf-8") for n in package.namelist()
                 if n.startswith("items/")]
    assert items and all('title="Musterlösung"' in item for item in items)
    assert all(re.search(r'title="Kap\.\s\d, F\d: ', item) for item in items)  # \s: a no-break
    assert not any("Model answer" in item or 'title="Ch.' in item for item in items)
    epub = build(root, BuildOptions(format="epub", output=tmp_path))
    assert not epub.failed, [d.format() for d in epub.diagnostics.errors]
    with zipfile.ZipFile(epub.outputs[0]) as package:
        nav = package.read("EPUB/text/nav.xhtml").decode("utf-8")
    assert "<h1>Inhalt</h1>" in nav and "Contents" not in nav

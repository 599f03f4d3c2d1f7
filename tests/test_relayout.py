"""Faults the layout report finds and chapbook can mend are mended by laying out again:
a figure that left a hole moves after the text that follows it, and the word at the third
hyphenated line in a row is kept whole. A document without such a fault is laid out once."""

from __future__ import annotations

from pathlib import Path

import pytest
from weasyprint import HTML

from chapbook.typeset import relayout
from chapbook.typeset.layout_report import HINTS, Fault, Mend, layout_faults
from chapbook.typeset.layout_warnings import HINT
from chapbook.typeset.relayout import (
    Mender,
    element_span,
    keep_word,
    lay_out_mended,
    move_after,
    move_before,
)
from conftest import copy_fixture

PAGE = """<style>@page { size: 100mm 80mm; margin: 10mm }
html { font: 10pt/12pt serif } p { margin: 0; hyphens: auto; hyphenate-character: "-" }
figure { margin: 0; break-inside: avoid }</style>"""
FIGURE = ("<figure id='fig-1' style='height: 45mm'><figcaption>Figure 1. A chart"
          "</figcaption></figure>")
WORDS = "word " * 40


def document(body: str) -> str:
    return (f"<html lang='en'><body>{PAGE}<section class='chapter' id='ch-x'>{body}"
            "</section></body></html>")


def lay_out(markup: str):
    return HTML(string=markup).render()


def counted(calls: list[str]):
    def layout(markup: str):
        calls.append(markup)
        return lay_out(markup)
    return layout


def messages(doc) -> list[str]:
    return [fault.message for fault in layout_faults(doc, "en")]


# --- the HTML, changed as text ---------------------------------------------------------------

def test_an_element_is_found_by_its_tag_and_place():
    markup = "<div><p>a</p><!-- <p>not one</p> --><div><p>b</p></div></div><p>c</p>"
    start, end = element_span(markup, "p", 1)
    assert markup[start:end] == "<p>b</p>"
    start, end = element_span(markup, "div", 0)
    assert markup[start:end] == "<div><p>a</p><!-- <p>not one</p> --><div><p>b</p></div></div>"
    assert element_span(markup, "p", 3) is None


def test_a_word_is_kept_whole_in_its_element_only():
    markup = ("<p>sabotage</p><p title='sabotage'>the <em>sabotage</em> and sabotaged "
              "sabotage.</p>")
    mended = keep_word(markup, Mend("keep-word", "p", 1, "sabotage"))
    assert mended is not None
    assert mended.startswith("<p>sabotage</p><p title='sabotage'>")  # attribute untouched
    assert mended.count(relayout.KEEP_WORD.format("sabotage")) == 2
    assert "sabotaged" in mended
    assert keep_word(markup, Mend("keep-word", "p", 0, "absent")) is None


def test_a_figure_moves_after_the_paragraph_that_follows_it():
    markup = "<p>one</p>\n<figure><img alt=x></figure>\n<p>two</p><p>three</p>"
    mended = move_after(markup, Mend("move-after", "figure", 0, past=("p", 1)))
    assert mended == "<p>one</p>\n\n<p>two</p>\n<figure><img alt=x></figure><p>three</p>"
    # text between them: the figure stays where it is
    assert move_after("<figure></figure>x<p>two</p>",
                      Mend("move-after", "figure", 0, past=("p", 0))) is None


def test_a_box_moves_before_the_paragraph_that_precedes_it():
    markup = "<p>one</p>\n<p>two</p>\n<aside><p>box</p></aside><p>three</p>"
    mended = move_before(markup, Mend("move-before", "aside", 0, past=("p", 1)))
    assert mended == "<p>one</p>\n<aside><p>box</p></aside>\n<p>two</p>\n<p>three</p>"
    # text between them, or the element not before it: the box stays where it is
    assert move_before("<p>two</p>x<aside></aside>",
                       Mend("move-before", "aside", 0, past=("p", 0))) is None
    assert move_before("<aside></aside><p>two</p>",
                       Mend("move-before", "aside", 0, past=("p", 0))) is None


# --- laying out again ---------------------------------------------------------------------------

def test_a_document_without_a_fault_is_laid_out_once():
    calls: list[str] = []
    markup = document(f"<p>{WORDS}</p><p>{WORDS}</p>")
    lay_out_mended(counted(calls), markup, "en")
    assert calls == [markup]


def test_a_figure_that_leaves_a_hole_moves_after_the_next_paragraph():
    markup = document("".join(f"<p>line {i}</p>" for i in range(8)) + FIGURE
                      + f"<p>{WORDS}</p>" + "".join(f"<p>more {i}</p>" for i in range(10)))
    assert any("left" in message and "empty" in message for message in messages(lay_out(markup)))
    calls: list[str] = []
    mended = lay_out_mended(counted(calls), markup, "en")
    assert len(calls) >= 2
    assert not any("empty" in message for message in messages(mended))
    assert calls[-1].index("<figure") > calls[-1].index("word word")


def test_a_box_with_a_hole_at_its_foot_moves_up_and_ends_on_its_page():
    whole = f"<p style='break-inside: avoid'>{WORDS}</p>"
    box = f"<aside class='box box-long'><p>first</p>{whole}</aside>"
    markup = document("".join(f"<p>line {i}</p>" for i in range(2)) + f"<p>{WORDS}</p>"
                      + box + "<p>after</p>")
    assert any("empty lines at the foot" in message for message in messages(lay_out(markup)))
    calls: list[str] = []
    mended = lay_out_mended(counted(calls), markup, "en")
    assert len(calls) == 2
    assert messages(mended) == []
    assert calls[-1].index("<aside") < calls[-1].index(f"<p>{WORDS}</p>")


def test_the_third_hyphen_in_a_row_is_taken_away():
    words = ("the extraordinarily uncharacteristically institutionalisation of "
             "incomprehensibility administratively")
    markup = document(f"<p style='width: 30mm'>{words}</p>")
    assert "three hyphenated lines in a row" in messages(lay_out(markup))
    calls: list[str] = []
    mended = lay_out_mended(counted(calls), markup, "en")
    assert "three hyphenated lines in a row" not in messages(mended)
    assert 'class="keep-word"' in calls[-1]


def test_a_mend_that_makes_more_faults_is_given_up():
    mender = Mender("<p>a</p>")
    one = [Fault(0, "", "a", "three hyphenated lines in a row",
                 Mend("keep-word", "p", 0, "a"))]
    assert mender.next_html(one) == '<p><span class="keep-word" style="hyphens: manual">a' \
                                    "</span></p>"
    worse = [Fault(0, "", "x", "m"), Fault(1, "", "y", "m")]
    assert mender.next_html(worse) == "<p>a</p>"  # back to the first
    assert mender.next_html(one) is None  # and kept


# --- a booklet ------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_booklet_with_a_hole_has_none_once_laid_out_again(tmp_path: Path, jobs: int,
                                                           monkeypatch: pytest.MonkeyPatch):
    from chapbook.pipeline import BuildOptions, build

    def warnings(output: str) -> list[str]:
        # a booklet of its own: a layout kept from the other build is not reused
        root = copy_fixture("holes", tmp_path / output)
        result = build(root, BuildOptions(jobs=jobs))
        assert not result.failed
        return [d.format() for d in result.diagnostics.warnings
                if d.hint == HINT or d.hint in HINTS.values()]

    with monkeypatch.context() as patch:
        patch.setattr(relayout, "MOST_RELAYOUTS", 0)
        before = warnings("before")
    for chapter in ("01-hole.md", "02-hole.md"):  # with --jobs 2, one part each
        assert [line for line in before if f"{chapter}:17:1" in line
                and "figure “A grey rectangle standing”" in line], before
    assert warnings("after") == []
    # what `check --format json` gives an editor: the warnings of the last build
    from chapbook.pipeline import last_layout_warnings

    recorded = last_layout_warnings(tmp_path / "before" / "holes", BuildOptions())
    assert {(item["file"], item["line"]) for item in recorded} \
        == {("chapters/01-hole.md", 17), ("chapters/02-hole.md", 17)}
    assert last_layout_warnings(tmp_path / "after" / "holes", BuildOptions()) == []


def test_a_figure_moves_past_two_elements_at_most():
    mender = Mender("<figure></figure><p>1</p><p>2</p><p>3</p>")

    def hole(after: int) -> list[Fault]:
        return [Fault(0, "", "", "hole", Mend("move-after", "figure", 0, past=("p", after)))]

    assert mender.next_html(hole(0)) == "<p>1</p>\n<figure></figure><p>2</p><p>3</p>"
    assert mender.next_html(hole(1)) == "<p>1</p>\n<p>2</p>\n<figure></figure><p>3</p>"
    assert mender.next_html(hole(2)) is None


# --- "(continued)" over a long box's part on the next page ----------------------------------

@pytest.mark.slow
def test_a_long_box_that_breaks_says_continued_over_its_second_part_only(tmp_path: Path):
    """The layouts print it from a named string (book.css.j2): nothing is laid out again."""
    from chapbook.pipeline import BuildOptions, build
    from conftest import page_texts

    root = copy_fixture("mini", tmp_path)
    words = "Workers in the mines were asked to cut more coal every year. " * 3
    items = "\n".join(f"{n}. Question {n}: {words}" for n in range(1, 9))
    text = ("---\ntitle: Boxes\n---\n\n" + f"{words}\n\n" * 6
            + f'::: activity "A long activity"\n{items}\n:::\n\n' + f"{words}\n\n" * 12
            + f'::: activity "A second long activity"\n{items}\n:::\n')
    (root / "chapters" / "03-boxes.md").write_text(text, encoding="utf-8")
    result = build(root, BuildOptions(jobs=1))
    assert not result.failed
    pages = page_texts(root / "build" / "mini.pdf")
    marked = [index for index, page in enumerate(pages) if "(continued)" in page]
    expected = []
    for title in ("A LONG ACTIVITY", "A SECOND LONG ACTIVITY"):
        start = next(i for i, page in enumerate(pages) if title in page)
        end = next(i for i, page in enumerate(pages) if "Question 8" in page and i >= start)
        expected += range(start + 1, end + 1)
    assert expected and marked == expected, (marked, expected)


def test_an_element_kept_to_the_one_before_gets_the_style_once():
    from chapbook.typeset.relayout import keep_with_previous

    markup = "<ol><li>one</li><li class='q' style='color: red'>two</li></ol>"
    kept = keep_with_previous(markup, Mend("keep-with-previous", "li", 1))
    assert kept == ("<ol><li>one</li><li class='q' style='break-before: avoid; widows: 3; "
                    "color: red'>two</li></ol>")
    assert keep_with_previous(kept, Mend("keep-with-previous", "li", 1)) is None
    assert keep_with_previous("<p>a</p>", Mend("keep-with-previous", "p", 0)) == \
        '<p style="break-before: avoid; widows: 3">a</p>'
    assert keep_with_previous("<p>a</p>", Mend("keep-with-previous", "p", 3)) is None


def test_a_handout_is_tightened_a_little_then_a_little_more_then_no_more():
    from chapbook.typeset.relayout import tighten

    mend = Mend("tighten", "body", 0)
    markup = '<html><body class="handout-document edition-student"><p>a</p></body></html>'
    once = tighten(markup, mend)
    assert once == ('<html><body class="handout-document edition-student tightened"><p>a</p>'
                    "</body></html>")
    twice = tighten(once, mend)
    assert twice is not None and 'class="handout-document edition-student tightened ' \
        'tightened-more"' in twice
    assert tighten(twice, mend) is None
    assert tighten("<html><body><p>a</p></body></html>", mend) == (
        '<html><body class="tightened"><p>a</p></body></html>')

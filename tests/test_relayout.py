"""Faults the layout report finds and chapbook can mend are mended by laying out again:
a figure that left a hole moves after the text that follows it, and the word at the third
hyphenated line in a row is kept whole. A document without such a fault is laid out once."""

from __future__ import annotations

from pathlib import Path

import pytest
from weasyprint import HTML

from chapbook.typeset import relayout
from chapbook.typeset.layout_report import Fault, Mend, layout_faults
from chapbook.typeset.layout_warnings import HINT
from chapbook.typeset.relayout import (
    Mender,
    element_span,
    keep_word,
    lay_out_mended,
    move_after,
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
    mended = move_after(markup, Mend("move-after", "figure", 0, after=("p", 1)))
    assert mended == "<p>one</p>\n\n<p>two</p>\n<figure><img alt=x></figure><p>three</p>"
    # text between them: the figure stays where it is
    assert move_after("<figure></figure>x<p>two</p>",
                      Mend("move-after", "figure", 0, after=("p", 0))) is None


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
        return [d.format() for d in result.diagnostics.warnings if d.hint == HINT]

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


# --- "(continued)" on a long box's second part -------------------------------------------------

BOX_CSS = """<style>.box-long { position: relative; box-decoration-break: clone; padding: 3mm }
.box-continued { position: absolute; top: -0.6em; right: 3mm; font-size: 7pt }</style>"""


def page_lines(doc) -> list[list[str]]:
    from chapbook.typeset.internals import laid_out_box
    from chapbook.typeset.layout_report import _read_page

    return [[line.text.strip() for line in _read_page(laid_out_box(page)).lines
             if line.text.strip()] for page in doc.pages]


def test_the_continued_mark_goes_after_the_first_word_or_at_the_start():
    markup = "<aside><p>one two</p><ol><li>first</li><li>the <em>next</em> words</li></ol></aside>"
    inside = relayout.mark_continued(markup, Mend("mark-continued", "li", 1, "the next words",
                                                  label="(suite)"))
    assert inside == ("<aside><p>one two</p><ol><li>first</li><li>the<span class="
                      '"box-continued">(suite)</span> <em>next</em> words</li></ol></aside>')
    start = relayout.mark_continued(markup, Mend("mark-continued", "li", 1, label="(a&b)"))
    assert '<li><span class="box-continued">(a&amp;b)</span>the' in start
    assert relayout.mark_continued(markup, Mend("mark-continued", "li", 1, "absent words",
                                                label="x")) is None


@pytest.mark.parametrize("split", ["between items", "inside a paragraph"])
def test_a_long_box_that_breaks_says_continued_on_its_second_part(split: str):
    if split == "between items":
        inner = "<ol>" + "".join(f"<li>item {i}</li>" for i in range(14)) + "</ol>"
    else:
        inner = "<p>" + " ".join(f"w{i}" for i in range(100)) + "</p>"
    box = (f"<aside class='box box-long' data-continued='(continued)'>"
           f"<p class='box-title'>Title</p>{inner}</aside>")
    markup = document(BOX_CSS + "".join(f"<p>line {i}</p>" for i in range(5)) + box)
    before = page_lines(lay_out(markup))
    assert len(before) == 2 and not any("(continued)" in line for page in before for line in page)
    after = page_lines(lay_out_mended(lay_out, markup, "en"))
    assert not any("(continued)" in line for line in after[0])
    assert any("(continued)" in line for line in after[1])
    # the mark takes no room: every line is where it was
    marks_taken_out = [[text for line in page if (text := line.replace("(continued)", "").strip())]
                       for page in after]
    assert marks_taken_out == before


def test_a_figure_moves_past_two_elements_at_most():
    mender = Mender("<figure></figure><p>1</p><p>2</p><p>3</p>")

    def hole(after: int) -> list[Fault]:
        return [Fault(0, "", "", "hole", Mend("move-after", "figure", 0, after=("p", after)))]

    assert mender.next_html(hole(0)) == "<p>1</p>\n<figure></figure><p>2</p><p>3</p>"
    assert mender.next_html(hole(1)) == "<p>1</p>\n<p>2</p>\n<figure></figure><p>3</p>"
    assert mender.next_html(hole(2)) is None

"""Chapter handouts, read back from the PDFs: names, paper, header, key terms, the worksheet's
ruled answer space (counted as drawn rules), answers and teacher notes only in the teacher
edition, references, imposition, bleed; and the edition rules for what a student may see."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from typer.testing import CliRunner

from chapbook.classset import build_handouts
from chapbook.cli import app
from chapbook.diagnostics import ChapbookError, Diagnostics
from chapbook.finish.impose import booklet_order, two_up_order
from chapbook.handouts import (
    find_chapter,
    handout_context,
    visible_citations,
)
from chapbook.pipeline import BuildOptions, build, prepare
from chapbook.render.html import BookRenderer
from chapbook.render.markdown_html import RenderOptions
from conftest import copy_fixture, page_texts, pdf_text

pytestmark = [pytest.mark.slow,  # builds PDFs
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")]

A4 = (595.28, 841.89)
A3_LANDSCAPE = (1190.55, 841.89)
ANSWER_RULE_GREY = 0.4  # #666 in handout.css.j2: the only thing drawn in that grey


@pytest.fixture(scope="session")
def handouts(tmp_path_factory) -> Path:
    """Every mini handout in both editions: student imposed as booklets, teacher 2-up."""
    root = copy_fixture("mini", tmp_path_factory.mktemp("handouts"))
    for options in (BuildOptions(impose="booklet"),
                    BuildOptions(edition="teacher", impose="2up")):
        result = build_handouts(root, options, None)
        assert not result.failed, [d.format() for d in result.diagnostics.errors]
    return root / "build" / "handouts"


def _size(pdf: Path, index: int = 0) -> tuple[float, float]:
    box = PdfReader(pdf).pages[index].mediabox
    return float(box.width), float(box.height)


def _answer_rules(pdf: Path) -> list[int]:
    """Per page, the number of shapes filled in the answer rules' grey."""
    reader = PdfReader(pdf)
    counts = []
    for page in reader.pages:
        fill: tuple[float, ...] = ()
        count = 0
        for args, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"rg":
                fill = tuple(round(float(a), 2) for a in args)
            elif op in (b"f", b"f*") and fill == (ANSWER_RULE_GREY,) * 3:
                count += 1
        counts.append(count)
    return counts


def _half_text(pdf: Path, side: int, half: int) -> str:
    width, height = _size(pdf, side - 1)
    out = subprocess.run(
        ["pdftotext", "-f", str(side), "-l", str(side), "-x", str(int(half * width / 2)),
         "-y", "0", "-W", str(int(width / 2)), "-H", str(int(height) + 1), str(pdf), "-"],
        capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


# -- files and paper ---------------------------------------------------------------------------

def test_handouts_are_named_by_chapter_and_edition(handouts):
    assert sorted(p.name for p in handouts.glob("*.pdf")) == [
        "01-first-booklet.pdf", "01-first-teacher-2up.pdf", "01-first-teacher.pdf",
        "01-first.pdf", "02-second-booklet.pdf", "02-second-teacher-2up.pdf",
        "02-second-teacher.pdf", "02-second.pdf"]
    assert not list(handouts.glob(".*")), "a temporary file was left behind"


def test_handouts_are_a4_with_no_padding_pages(handouts, mini_build):
    for name in ("01-first.pdf", "02-second.pdf", "01-first-teacher.pdf"):
        pdf = handouts / name
        pages = page_texts(pdf)
        assert _size(pdf) == pytest.approx(A4, abs=0.5)
        total = len(pages)
        # No title page and no blank pages: every page has text and says where it is.
        for number, text in enumerate(pages, start=1):
            assert f"Page {number} of {total}" in text, (name, number)
            assert len(text.split()) > 20, (name, number)
    # A handout is shorter than the booklet the chapter came from.
    assert len(page_texts(handouts / "01-first.pdf")) < mini_build[1].page_count


def test_first_page_is_a_compact_header_with_the_chapter_under_it(handouts):
    first = " ".join(page_texts(handouts / "01-first.pdf")[0].split())
    assert first.startswith("MINI BOOKLET · CHAPTER 1")
    assert "The First Chapter" in first
    for field in ("Name", "Class", "Date"):
        assert field in first
    assert "Opening text with a norm" in first  # the chapter starts on page 1
    assert "Teacher edition" not in first


def test_key_terms_are_listed_with_their_definitions(handouts):
    text = " ".join(pdf_text(handouts / "01-first.pdf").split())
    assert "Key terms" in text
    assert "The amount of work a worker was expected to do in a shift." in text
    assert "A worker who beat the norm before 1935" in text
    second = " ".join(pdf_text(handouts / "02-second.pdf").split())
    assert "A worker who beat the norm before 1935" in second


def test_references_are_the_works_the_chapter_cites(handouts):
    text = " ".join(pdf_text(handouts / "01-first.pdf").split())
    tail = text[text.rindex("References"):]
    assert "Siegelbaum" in tail and "Davies" in tail  # Davies: cited in a footnote


# -- worksheet and editions ----------------------------------------------------------------------

def test_student_worksheet_has_ruled_lines_sized_to_each_question(handouts):
    # Chapter 1: 'lines: 3' and a question without 'lines' (4 by default); chapter 2: 4.
    assert sum(_answer_rules(handouts / "01-first.pdf")) == 3 + 4
    assert sum(_answer_rules(handouts / "02-second.pdf")) == 4
    text = pdf_text(handouts / "01-first.pdf")
    assert "Worksheet" in text and "model answer" not in text.casefold()


def test_teacher_worksheet_has_model_answers_instead_of_lines(handouts):
    text = " ".join(pdf_text(handouts / "01-first-teacher.pdf").split())
    assert "model answer" in text.casefold() and "The output expected in one shift" in text
    # The question without a model answer keeps its ruled space; the answered one has none.
    assert sum(_answer_rules(handouts / "01-first-teacher.pdf")) == 4
    assert sum(_answer_rules(handouts / "02-second-teacher.pdf")) == 0


def test_teacher_only_content_is_only_in_teacher_handouts(handouts):
    student = pdf_text(handouts / "02-second.pdf") + pdf_text(handouts / "01-first.pdf")
    teacher_pages = page_texts(handouts / "02-second-teacher.pdf")
    teacher = "".join(teacher_pages)
    for secret in ("marking guide", "model answer", "because records were used",
                   "teacher edition", "the output expected in one shift"):
        assert secret not in student.casefold()
    assert "Only for teachers: a marking guide." in " ".join(teacher.split())
    assert "Because records were used to justify them." in " ".join(teacher.split())
    # "Teacher edition" on the header and in the running foot of every page.
    assert all("Teacher edition" in page for page in teacher_pages)
    # the fields a student fills in are on the student's copy only
    assert "Name" in student and "Class" in student
    assert "Name" not in teacher_pages[0] and "Class" not in teacher_pages[0]


# -- imposition ---------------------------------------------------------------------------------

def test_imposed_student_handout_folds_into_reading_order(handouts):
    source = handouts / "01-first.pdf"
    pages = len(PdfReader(source).pages)
    imposed = handouts / "01-first-booklet.pdf"
    order = booklet_order(pages)
    assert len(PdfReader(imposed).pages) == len(order)
    assert len(order) * 2 % 4 == 0 and len(order) * 2 >= pages
    for side, slots in enumerate(order, start=1):
        assert _size(imposed, side - 1) == pytest.approx(A3_LANDSCAPE, abs=1)
        for half, number in enumerate(slots):
            text = _half_text(imposed, side, half)
            if number is None:
                assert text == "", f"side {side} half {half} should be blank padding"
            else:
                assert f"Page {number} of {pages}" in text, (side, half, text[:80])


def test_teacher_handout_2up_puts_consecutive_pages_side_by_side(handouts):
    source = handouts / "02-second-teacher.pdf"
    pages = len(PdfReader(source).pages)
    imposed = handouts / "02-second-teacher-2up.pdf"
    for side, slots in enumerate(two_up_order(pages), start=1):
        for half, number in enumerate(slots):
            text = _half_text(imposed, side, half)
            if number is None:
                assert text == ""
            else:
                assert f"Page {number} of {pages}" in text
                assert "Teacher edition" in text


def test_a5_handout_imposes_on_a4_and_print_shop_adds_bleed(mini_project):
    options = BuildOptions(paper="a5", impose="booklet", bleed=True)
    result = build_handouts(mini_project, options, ["2"])
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    # Named for what differs from the A4 booklet's own handout (finish/names.py).
    pdf = mini_project / "build" / "handouts" / "02-second-a5-print.pdf"
    assert [p.name for p in result.outputs] == ["02-second-a5-print.pdf",
                                                "02-second-a5-print-booklet.pdf"]
    page = PdfReader(pdf).pages[0]
    mm = 72 / 25.4
    trim = (float(page.trimbox.width), float(page.trimbox.height))
    assert trim == pytest.approx((419.53, 595.28), abs=1)  # A5, as cut
    # at least 3 mm of bleed, and the sheet 12 mm larger on each side: a slug for the marks
    assert float(page.bleedbox.width) >= trim[0] + 2 * 3 * mm - 0.5
    assert float(page.mediabox.width) == pytest.approx(trim[0] + 2 * 12 * mm, abs=1)
    assert float(page.mediabox.height) == pytest.approx(trim[1] + 2 * 12 * mm, abs=1)
    assert float(page.mediabox.width) > float(page.bleedbox.width)
    imposed = pdf.with_name("02-second-a5-print-booklet.pdf")
    # Imposed from the trimmed pages: A5 pages meet on an A4 sheet, no bleed between them.
    assert _size(imposed) == pytest.approx((841.89, 595.28), abs=1)
    sheets = -(-len(PdfReader(pdf).pages) // 4)
    assert result.details[imposed].startswith(f"{sheets} sheet{'s' * (sheets > 1)} of A4:")


# -- choosing a chapter, and what each edition may show ------------------------------------

@pytest.fixture(scope="module")
def mini_book(tmp_path_factory):
    root = copy_fixture("mini", tmp_path_factory.mktemp("mini-book"))
    return prepare(root, BuildOptions(), Diagnostics())


@pytest.mark.parametrize("spec", ["2", "02", "second", "02-second", "02-second.md", "Second"])
def test_a_chapter_is_found_by_number_or_slug(mini_book, spec):
    assert find_chapter(mini_book, spec).slug == "02-second"


def test_an_unknown_chapter_lists_the_choices(mini_book):
    with pytest.raises(ChapbookError) as caught:
        find_chapter(mini_book, "9")
    (diagnostic,) = caught.value.diagnostics
    assert "no chapter '9'" in diagnostic.message
    assert "1 (01-first), 2 (02-second)" in diagnostic.hint


def test_teacher_notes_and_answers_do_not_add_terms_or_references_for_students(mini_project):
    chapter = mini_project / "chapters" / "01-first.md"
    text = chapter.read_text(encoding="utf-8")
    text = text.replace("answer: The output expected in one shift [@siegelbaum1988, p. 33].",
                        "answer: The output expected [@davies2002], with [udarniki]{.term}.")
    text = text.replace("Here the [shock workers]{.term} appear, with a footnote.[^a]",
                        "Here the workers appear, with a footnote.[^a]\n\n"
                        "::: teacher\nA note with a note.[^t]\n:::\n\n[^t]: See [@davies2002].")
    text = text.replace("[^a]: A footnote that cites [@davies2002, 870].", "[^a]: Plain.")
    chapter.write_text(text, encoding="utf-8")
    book = prepare(mini_project, BuildOptions(), Diagnostics())
    first = find_chapter(book, "1")
    assert first.terms_for(teacher=False) == ["norm"]
    assert first.terms_for(teacher=True) == ["norm", "udarnik"]
    body = [first.body]
    assert visible_citations(body, teacher=False) == ["siegelbaum1988"]
    assert visible_citations(body, teacher=True) == ["siegelbaum1988", "davies2002"]
    for teacher in (False, True):
        renderer = BookRenderer(book, RenderOptions(teacher=teacher), "chicago-author-date")
        context = handout_context(renderer, first)
        keys = [key for key, _ in context["references"]]
        assert ("davies2002" in keys) is teacher
        terms = [term["key"] for term in context["chapter"]["key_terms"]]
        assert ("udarnik" in terms) is teacher


def test_student_html_edition_has_no_teacher_content(mini_project):
    result = build(mini_project, BuildOptions(format="html"))
    assert not result.failed
    html = result.outputs[0].read_text(encoding="utf-8")
    html = html[html.index("<body"):]
    for secret in ("marking guide", "Model answer", "The output expected in one shift",
                   "Because records were used", "box-teacher", "Teacher edition"):
        assert secret not in html
    teacher = build(mini_project, BuildOptions(format="html", edition="teacher"))
    teacher_html = teacher.outputs[0].read_text(encoding="utf-8")
    assert "marking guide" in teacher_html and "The output expected in one shift" in teacher_html


# -- the command ---------------------------------------------------------------------------------

def test_handout_command_reports_an_unknown_chapter(mini_project):
    runner = CliRunner()
    result = runner.invoke(app, ["handout", "7", str(mini_project)])
    assert result.exit_code == 1
    assert "there is no chapter '7'" in result.output
    assert not (mini_project / "build").exists()


def test_handout_command_needs_a_chapter_or_all(mini_project):
    result = CliRunner().invoke(app, ["handout"])
    assert result.exit_code == 2
    assert "--all" in result.output


def test_a_one_off_handout_laid_out_by_the_layout_host_is_the_same_file(mini_project,
                                                                        monkeypatch):
    """`chapbook handout 2` lays the handout out in a worker of the layout host (which
    imported WeasyPrint while the sources were read); the PDF must be the one this process
    would make itself, byte for byte."""
    from chapbook.handouts import HandoutMaker
    from chapbook.typeset.host import LayoutHost

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = prepare(mini_project, BuildOptions(), Diagnostics())
    chapter = find_chapter(book, "2")
    maker = HandoutMaker(book, book.config.style, teacher=True)
    here = maker.write(chapter, mini_project / "here")
    host = LayoutHost.start()
    assert host is not None
    try:
        hosted = maker.write(chapter, mini_project / "hosted", host=host)
    finally:
        host.close()
    assert [detail for _, detail in here] == [detail for _, detail in hosted]
    assert here[0][0].read_bytes() == hosted[0][0].read_bytes()
    assert "Teacher edition" in pdf_text(hosted[0][0])

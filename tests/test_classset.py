"""``chapbook build --all``: the class set made in one run, read back from the PDFs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from chapbook import classset
from chapbook.classset import Job, build_class_set, class_set_jobs, run_job
from chapbook.cli import app
from chapbook.diagnostics import Diagnostics
from chapbook.finish.impose import booklet_order
from chapbook.pipeline import BuildOptions, prepare
from conftest import copy_fixture, page_texts, pdf_text

pytestmark = [pytest.mark.slow,  # builds PDFs
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")]


@pytest.fixture(scope="session")
def class_set(tmp_path_factory):
    root = copy_fixture("mini", tmp_path_factory.mktemp("class-set"))
    result = build_class_set(root, BuildOptions(), workers=2)
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    return root / "build", result


def _half_text(pdf: Path, side: int, half: int, width: float, height: float) -> str:
    out = subprocess.run(
        ["pdftotext", "-f", str(side), "-l", str(side), "-x", str(int(half * width / 2)),
         "-y", "0", "-W", str(int(width / 2)), "-H", str(int(height) + 1), str(pdf), "-"],
        capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def _plain_pages(pdf: Path) -> list[str]:
    """Each page's words in pdftotext's reading order (the mode _half_text uses)."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [" ".join(page.split()) for page in out.split("\f")[:-1]]


def test_class_set_writes_both_editions_every_handout_and_the_imposed_booklet(class_set):
    out, result = class_set
    expected = [
        out / "mini.pdf", out / "mini-booklet.pdf", out / "mini-teacher.pdf",
        out / "handouts" / "01-first.pdf", out / "handouts" / "01-first-teacher.pdf",
        out / "handouts" / "02-second.pdf", out / "handouts" / "02-second-teacher.pdf",
    ]
    assert result.outputs == expected  # reported in a fixed order, however jobs finished
    for path in expected:
        assert path.is_file() and path.read_bytes().startswith(b"%PDF")
        assert result.details[path]
    # An A4 booklet goes on A3, and the class set says so and what to do for a printer that
    # takes only A4 (issue 29: it imposed on A3 without a word about it).
    assert "sheets of A3: print on both sides, flip on the short edge, fold in half and " \
        "staple; for a printer that takes only A4, add --sheet a4 (pages scaled to A5)" \
        in result.details[out / "mini-booklet.pdf"]


def test_class_set_booklets_match_single_builds(class_set, mini_build, mini_teacher_build):
    out, _ = class_set
    # One resolved book rendered twice gives what two separate builds give.
    for pdf, (_, single) in ((out / "mini.pdf", mini_build),
                             (out / "mini-teacher.pdf", mini_teacher_build)):
        assert len(PdfReader(pdf).pages) == single.page_count
        assert page_texts(pdf) == page_texts(single.outputs[0])


def test_answers_only_in_teacher_outputs(class_set):
    out, result = class_set
    for path in result.outputs:
        text = " ".join(pdf_text(path).split())
        teacher = "-teacher" in path.name
        assert ("model answer" in text.casefold()) is teacher, path.name
        assert ("teacher edition" in text.casefold()) is teacher, path.name


def test_imposed_class_set_booklet_is_in_folding_order(class_set):
    out, _ = class_set
    source = out / "mini.pdf"
    pages = _plain_pages(source)
    imposed = out / "mini-booklet.pdf"
    reader = PdfReader(imposed)
    order = booklet_order(len(pages))
    assert len(reader.pages) == len(order)
    for side, slots in enumerate(order, start=1):
        box = reader.pages[side - 1].mediabox
        width, height = float(box.width), float(box.height)
        assert (width, height) == pytest.approx((1190.55, 841.89), abs=1)  # A4 pages on A3
        for half, number in enumerate(slots):
            text = _half_text(imposed, side, half, width, height)
            expected = "" if number is None else pages[number - 1]
            assert text == expected, (side, half)


def test_a_worker_without_the_parents_book_prepares_its_own(tmp_path, monkeypatch):
    # As under the spawn start method: the worker's cache starts empty.
    monkeypatch.setattr(classset, "_BOOKS", {})
    monkeypatch.setattr(classset, "_MAKERS", {})
    root = copy_fixture("mini", tmp_path)
    outcome = run_job(root, BuildOptions(), Job("handout", "teacher", "02-second"))
    assert [path.name for path, _ in outcome.written] == ["02-second-teacher.pdf"]
    assert not [d for d in outcome.diagnostics if d.severity.name == "ERROR"]
    assert "Because records were used" in pdf_text(outcome.written[0][0])


def test_class_set_jobs_put_the_long_booklets_first_and_impose_on_request(mini_project):
    book = prepare(mini_project, BuildOptions(), Diagnostics())
    jobs = class_set_jobs(book, BuildOptions())
    assert jobs[:2] == [Job("booklet", "student", impose="booklet"),
                        Job("booklet", "teacher")]
    assert [(j.chapter, j.edition) for j in jobs[2:]] == [
        ("01-first", "student"), ("01-first", "teacher"),
        ("02-second", "student"), ("02-second", "teacher")]
    two_up = class_set_jobs(book, BuildOptions(impose="2up"))
    assert {job.impose for job in two_up} == {"2up"}


def test_class_set_writes_nothing_when_the_sources_have_errors(mini_project):
    chapter = mini_project / "chapters" / "01-first.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "[@siegelbaum1988].", "[@nosuchkey1999]."), encoding="utf-8")
    result = build_class_set(mini_project, BuildOptions())
    assert result.failed and not result.outputs
    assert any("nosuchkey1999" in d.message for d in result.diagnostics.errors)
    assert not (mini_project / "build").exists()


def test_build_all_refuses_html(mini_project):
    result = CliRunner().invoke(app, ["build", str(mini_project), "--all", "--format", "html"])
    assert result.exit_code == 2
    assert not (mini_project / "build").exists()

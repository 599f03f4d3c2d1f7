"""The booklets under ``examples/`` build as the repository's own booklet does.

Every feature is proved on two books: the Stakhanovite booklet (English, history) and
``examples/photosynthese`` (German, biology and physics). These tests build a copy of the
second one with no error and no warning, and read back from the PDF what a reader would
look for: the German text, its figure and chart, its tables, the glossary and the sources.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from chapbook.classset import build_handouts
from chapbook.pipeline import BuildOptions, BuildResult, build
from conftest import ENGLISH_FIXED_WORDS, page_texts, pdf_text

#: Builds PDFs or runs chapbook in subprocesses: left out of `pytest -m 'not slow'`.
pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _copy(name: str, dest: Path) -> Path:
    root = dest / name
    shutil.copytree(EXAMPLES / name, root, ignore=shutil.ignore_patterns("build"))
    return root


@pytest.fixture(scope="module")
def photosynthese(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    root = _copy("photosynthese", tmp_path_factory.mktemp("photosynthese"))
    result = build(root, BuildOptions())
    return root, result


def test_the_german_booklet_builds_without_errors_or_warnings(photosynthese):
    _, result = photosynthese
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    assert not result.diagnostics.warnings, [d.format() for d in result.diagnostics.warnings]
    assert [path.name for path in result.outputs] == ["licht-und-photosynthese.pdf"]


def test_the_german_booklet_prints_its_chapters_figures_tables_and_sources(photosynthese):
    _, result = photosynthese
    pages = page_texts(result.outputs[0])
    text = "\n".join(pages)
    for title in ("Licht als Energiequelle", "Die Photosynthese",
                  "Licht und Geschwindigkeit der Photosynthese"):
        assert title in text
    # the drawn figure's labels and the chart's bars are text in the PDF, not pictures
    assert "Wellenlänge in nm" in text
    assert "genau 6,25" in text
    # both pipe tables, and a cited work with its German title in the references
    assert "630–700 nm" in text and "16-fach" in text
    # (the title runs over two lines of the reference: compare the words, not the lines)
    assert "Erzeugung und Verwandlung des Lichtes" in " ".join(text.split())
    # the glossary's definitions, after the chapters
    glossary = [i for i, page in enumerate(pages) if "Der grüne Farbstoff der Pflanzen" in page]
    chapter_three = [i for i, page in enumerate(pages) if "Ein Versuch mit der Wasserpest" in page]
    assert glossary and chapter_three and glossary[0] > chapter_three[-1]


def test_the_german_booklet_prints_no_english_fixed_word(photosynthese, tmp_path):
    root, result = photosynthese
    pdf = pdf_text(result.outputs[0])
    assert "Inhalt" in pdf and "Abbildung 1." in pdf and "Literatur" in pdf
    # no comma before "und" (biblatex's \\finalandcomma is English only)
    assert "2. Aufl." in pdf and "Emerson, Robert und William Arnold" in pdf
    assert "„Optima and Limiting Factors“" in pdf  # the book's quotation marks in citations
    assert not ENGLISH_FIXED_WORDS.findall(pdf), ENGLISH_FIXED_WORDS.findall(pdf)
    teacher = build(root, BuildOptions(edition="teacher", format="html",
                                       output=tmp_path / "html"))
    html = teacher.outputs[0].read_text(encoding="utf-8")
    assert "Musterlösung" in html and 'lang="de"' in html
    html_text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S)
    assert not ENGLISH_FIXED_WORDS.findall(html_text), ENGLISH_FIXED_WORDS.findall(html_text)
    handouts = build_handouts(root, BuildOptions(edition="teacher", output=tmp_path / "h"),
                              ["3"])
    assert not handouts.failed, [d.format() for d in handouts.diagnostics.errors]
    handout = pdf_text(handouts.outputs[0])
    assert "Seite 1 von" in handout and "Lehrerausgabe" in handout and "Klasse" in handout
    assert not ENGLISH_FIXED_WORDS.findall(handout), ENGLISH_FIXED_WORDS.findall(handout)

"""``chapbook refs``: the reference list on stdout, in the booklet's style or another."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _refs(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chapbook", "refs", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_project_bibliography_in_its_style(mini_project):
    run = _refs(cwd=mini_project)
    assert run.returncode == 0, run.stderr
    paragraphs = run.stdout.strip().split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("Davies, R. W., and Oleg Khlevnyuk. 2002.")
    assert paragraphs[1].startswith("Siegelbaum, Lewis H. 1988. Stakhanovism")


def test_named_file_other_style_and_markdown(mini_project, tmp_path):
    bib = mini_project / "bibliography" / "refs.bib"
    run = _refs(str(bib), "--style", "apa", "--format", "markdown", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "Siegelbaum, L. H. (1988). *Stakhanovism and the politics of productivity in the " \
           "USSR, 1935–1941*." in run.stdout


def test_missing_file_is_an_error(tmp_path):
    run = _refs("nothing.bib", cwd=tmp_path)
    assert run.returncode == 1
    assert "nothing.bib" in run.stderr and "Traceback" not in run.stderr


def test_mla_labels_one_page_p_and_a_range_pp(tmp_path):
    bib = tmp_path / "pages.bib"
    bib.write_text(
        "@article{one,\n  author = {Freeze, Gregory L.},\n  title = {A Single Page},\n"
        "  journal = {Slavic Review},\n  year = {1997},\n  pages = {363}\n}\n"
        "@article{range,\n  author = {Siegelbaum, Lewis H.},\n  title = {A Range},\n"
        "  journal = {Russian History},\n  year = {1986},\n  pages = {259--292}\n}\n",
        encoding="utf-8")
    run = _refs(str(bib), "--style", "mla", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "Slavic Review, 1997, p. 363." in run.stdout
    assert "Russian History, 1986, pp. 259–92." in run.stdout


def test_refs_refuses_the_links_a_build_refuses(tmp_path):
    """The same link rule as the build (bibliography/links.py): nothing is printed."""
    bib = tmp_path / "bad.bib"
    bib.write_text("@misc{bad, author = {A, B}, title = {T}, year = {2000},\n"
                   "  url = {javascript:alert(4)}}\n", encoding="utf-8")
    for fmt in ("html", "markdown", "text"):
        run = _refs(str(bib), "--format", fmt, cwd=tmp_path)
        assert run.returncode == 1, run.stderr
        assert "bad.bib:2: error: the url of 'bad' is refused" in run.stderr
        assert "javascript" not in run.stdout


def test_refs_markdown_escapes_markup_in_titles(tmp_path):
    bib = tmp_path / "raw.bib"
    bib.write_text("@book{raw, author = {A, B}, publisher = {P}, year = {2000},\n"
                   "  title = {A <script>alert(1)</script> and <img src=x onerror=alert(2)>}}\n",
                   encoding="utf-8")
    run = _refs(str(bib), "--format", "markdown", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "<" not in run.stdout.replace("<https", "") and "&lt;" in run.stdout
    html = _refs(str(bib), "--format", "html", cwd=tmp_path)
    assert "<script" not in html.stdout.lower() and "<img" not in html.stdout.lower()

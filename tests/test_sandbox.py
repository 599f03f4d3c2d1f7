"""The sandbox: nothing outside the project is read, nothing is fetched, raw HTML is tamed."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest
from weasyprint.urls import URLFetcher

from chapbook.bibliography.links import link_problem
from chapbook.diagnostics import Diagnostics, Severity
from chapbook.pipeline import BuildOptions, build, check, prepare
from chapbook.render.html import BookRenderer
from chapbook.render.markdown_html import RenderOptions
from chapbook.resolve.urls import css_urls, resource_problem
from chapbook.typeset.fetcher import SandboxFetcher
from conftest import pdf_text

CHAPTER = "chapters/02-second.md"


def _append(root: Path, text: str, name: str = CHAPTER) -> int:
    """Append a paragraph to a chapter; returns the line it starts on."""
    path = root / name
    before = path.read_text(encoding="utf-8")
    path.write_text(before + "\n" + text + "\n", encoding="utf-8")
    return before.count("\n") + 2


def _body_html(root: Path) -> tuple[str, Diagnostics]:
    diagnostics = Diagnostics()
    book = prepare(root, BuildOptions(), diagnostics)
    renderer = BookRenderer(book, RenderOptions(), book.config.style, diagnostics)
    return "".join(renderer.html(c.body) for c in book.chapters), diagnostics


# -- the fetcher: the last line of defence ---------------------------------------------------

@pytest.fixture
def fetcher(tmp_path: Path) -> tuple[SandboxFetcher, Path]:
    root = tmp_path / "project"
    (root / "img").mkdir(parents=True)
    (root / "img" / "ok.css").write_text("p { color: black }")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "img" / "link.css").symlink_to(tmp_path / "secret.txt")
    return SandboxFetcher([root]), root


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://169.254.169.254/latest/meta-data/",
    "https://example.org/font.woff2",
    "ftp://example.org/x.png",
    "file://otherhost/etc/passwd",
])
def test_fetcher_refuses_anything_but_project_files(fetcher, url):
    sandbox, _root = fetcher
    with pytest.raises(ValueError):
        sandbox.fetch(url)
    assert sandbox.refused and sandbox.refused[0][0] == url


@pytest.mark.parametrize("relative", ["../secret.txt", "%2e%2e/secret.txt",
                                      "img/%2E%2E/%2e%2e/secret.txt", "img/link.css"])
def test_fetcher_refuses_escapes_and_symlinks(fetcher, relative):
    sandbox, root = fetcher
    with pytest.raises(ValueError):
        sandbox.fetch(root.as_uri() + "/" + relative)
    assert "outside the project" in sandbox.refused[0][1]


def test_fetcher_serves_project_files_and_data(fetcher):
    sandbox, root = fetcher
    response = sandbox.fetch((root / "img" / "ok.css").as_uri())
    assert b"color: black" in response.read()
    response.close()
    assert b"color:red" in sandbox.fetch("data:text/css,p%7Bcolor:red%7D").read()
    assert sandbox.refused == []


# -- the resolve pass: the same URLs, found in the sources with their line ----------------------

@pytest.mark.parametrize("url,problem", [
    ("figures/bars.yaml", None),
    ("#fig-1", None),
    ("data:image/png;base64,AAAA", None),
    ("data:text/html,<script>", "only images"),
    ("http://169.254.169.254/", "network address"),
    ("//evil.example/x.png", "not a file in the project"),
    ("file:///etc/passwd", "not a file in the project"),
    ("/etc/passwd", "not a file in the project"),
    ("C:\\Windows\\win.ini", "not a file in the project"),
    ("../../../../etc/passwd", "outside the project"),
    ("%2e%2e/%2e%2e/%2e%2e/etc/passwd", "outside the project"),
    ("%252e%252e/%252e%252e/%252e%252e/etc/passwd", "outside the project"),
])
def test_resource_problem(mini_project, url, problem):
    found = resource_problem(url, mini_project / "chapters", mini_project)
    assert (found is None) if problem is None else (problem in found), found


def test_symlink_out_of_the_project_is_named_as_such(mini_project, tmp_path):
    (tmp_path / "outside.png").write_bytes(b"x")
    (mini_project / "chapters" / "figures" / "in.png").symlink_to(tmp_path / "outside.png")
    problem = resource_problem("figures/in.png", mini_project / "chapters", mini_project)
    assert problem and "symbolic link" in problem


@pytest.mark.parametrize("url,bad", [
    ("https://doi.org/10.1017/x", False), ("mailto:a@b.org", False), ("#sec", False),
    ("javascript:alert(1)", True), ("JaVa\tScRiPt:alert(1)", True), ("file:///etc", True),
    ("data:text/html,x", True),
])
def test_link_problem(url, bad):
    assert bool(link_problem(url)) is bad


def test_css_urls_finds_imports_and_escaped_urls():
    css = '@import "a.css";\n@import url(b.css);\nx { background: url( "c.png" ) }'
    assert [u for u, _ in css_urls(css)] == ["a.css", "b.css", "c.png"]


def test_allowed_raw_html_passes_and_prints(mini_project):
    _append(mini_project, "H<sub>2</sub>O, 10<sup>3</sup> tonnes,<br>a new line "
            "and <span class=\"smallcaps\">NKVD</span> <!-- a note to myself -->")
    html, diagnostics = _body_html(mini_project)
    assert [d for d in diagnostics if d.severity is not Severity.HINT] == []
    assert "H<sub>2</sub>O" in html and "<br>" in html and "<sup>3</sup>" in html


def test_refused_raw_html_is_reported_at_its_line_and_stripped(mini_project):
    line = _append(mini_project, 'Text <script>document.title="x"</script> and '
                   '<img src="file:///etc/passwd" alt="p"> here.\n\n'
                   '<iframe src="http://169.254.169.254/"></iframe>\n\n'
                   "<style>\nbody { display: none }\n</style>")
    html, diagnostics = _body_html(mini_project)
    errors = {(d.file, d.line, d.message.split(":")[0]) for d in diagnostics.errors}
    assert (CHAPTER, line, "raw HTML <script> is not allowed in a booklet") in errors
    assert (CHAPTER, line + 2, "raw HTML <iframe> is not allowed in a booklet") in errors
    assert (CHAPTER, line + 4, "raw HTML <style> is not allowed in a booklet") in errors
    assert any(d.line == line and "file:///etc/passwd" in d.message for d in diagnostics.errors)
    for gone in ("<script", "<iframe", "<style", "file:///etc/passwd", "display: none"):
        assert gone not in html


def test_raw_html_in_a_footnote_and_a_glossary_definition_is_checked(mini_project):
    _append(mini_project,
            "A claim.[^x]\n\n[^x]: See <img src='http://evil.example/t.png' alt='t'>.")
    glossary = mini_project / "chapters/glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace(
        "expected to do in a shift.", "expected to do in a shift <script>x()</script>."),
        encoding="utf-8")
    files = {d.file for d in check(mini_project, BuildOptions()).errors}
    assert files == {CHAPTER, "chapters/glossary.yaml"}


# -- limits -----------------------------------------------------------------------------------

def test_deep_nesting_is_bounded(mini_project):
    _append(mini_project, ">" * 5000 + " deep\n\n" + "- " * 5000 + "deep\n\n"
            + "::: note\n" * 300 + "x\n" + ":::\n" * 300)
    start = time.perf_counter()
    html, diagnostics = _body_html(mini_project)
    assert time.perf_counter() - start < 20
    # markdown-it stops nesting at 20 levels and drops what is deeper: bounded, not a crash.
    assert html.count("<blockquote>") <= 25 and "<ul>" in html
    # ...and check says where: the quote and the list (the list, cut short, runs on over
    # the boxes after it, so they may be reported with it).
    deep = [d for d in check(mini_project, BuildOptions()) if "nested more than 20" in d.message]
    assert 2 <= len(deep) <= 3
    assert {(d.file, d.severity) for d in deep} == {(CHAPTER, Severity.WARNING)}
    assert len({d.line for d in deep}) == len(deep)


def test_nesting_that_fits_gets_no_warning(mini_project):
    _append(mini_project, "> " * 19 + "quoted\n\n" + "".join(
        "  " * level + "- item\n" for level in range(8)))
    assert not [d for d in check(mini_project, BuildOptions()) if "nested" in d.message]


def test_a_long_word_under_the_limit_is_accepted(mini_project):
    _append(mini_project, "https://example.org/" + "a" * 4000)
    assert check(mini_project, BuildOptions()).errors == []


# -- one real build: links are printed, never fetched; bibliography text is text --------------

@pytest.mark.slow
def test_build_fetches_nothing_but_project_files(mini_project, monkeypatch):
    bib = mini_project / "bibliography/refs.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace(
        "  year = {1988}\n",
        "  year = {1988},\n  url = {http://169.254.169.254/latest/meta-data/}\n").replace(
        "title = {Stakhanovism and the {Soviet} Economy}",
        "title = {Tom <script>alert(1)</script> & Jerry <b>bold</b>}").replace(
        "  date = {2002}\n", "  date = {2002},\n  doi = {10.1080/09668130220154066}\n"),
        encoding="utf-8")
    _append(mini_project, "See <a href=\"https://example.org/page\">the page</a> and "
            + "W" * 3000 + ".\n\n"
            + "| " + " | ".join(f"Heading {i}" for i in range(12)) + " |\n|" + "---|" * 12
            + "\n| " + " | ".join(f"Stakhanovite_record_value_{i}" for i in range(12)) + " |")
    fetched: list[str] = []
    original = URLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(URLFetcher, "fetch", spy)
    # In one process, so that the spy sees the fetches (a layout process's are its own).
    result = build(mini_project, BuildOptions(jobs=1))
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    # (WeasyPrint caches fonts and images per process, so the list may be empty.)
    assert all(u.startswith(("file:", "data:")) for u in fetched), fetched
    root = mini_project.resolve().as_uri()
    assert all(u.startswith((root, "data:")) or "/chapbook/layouts/" in u
               or "fontpkg" in u or "font" in u for u in fetched), fetched
    text = pdf_text(result.outputs[0])
    # Printed as text (title case makes it "</Script>"), not taken as markup.
    assert "Tom <script>alert(1)</" in text and "& Jerry <b>bold</" in text
    assert "169.254.169.254" in text and "doi.org/10.1080/09668130220154066" in text
    # The 3,000-letter word and the 12-column table stay inside the page.
    bbox = subprocess.run(["pdftotext", "-bbox", str(result.outputs[0]), "-"],
                          capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox)]
    # the table is there (its cells break mid-word: "Hea" on one line, "ding" below it)
    assert text.count("Hea") >= 12
    assert max(right_edges) <= width, (max(right_edges), width)


def test_no_output_outside_the_output_folder(mini_project, tmp_path):
    before = {p for p in mini_project.rglob("*")}
    sources = {p: p.read_bytes() for p in before if p.is_file()}
    out = tmp_path / "elsewhere"
    result = build(mini_project, BuildOptions(format="html", output=out))
    assert not result.failed
    assert {p for p in mini_project.rglob("*")} == before
    assert all(p.read_bytes() == data for p, data in sources.items())
    assert sorted(p.name for p in out.iterdir()) == ["mini.html"]


def test_a_refusal_is_reported_again_when_its_layout_is_reused(mini_project, monkeypatch):
    """The watcher reuses the layout of a chapter that did not change; the file refused when
    it was laid out must fail that build too, not only the first."""
    from chapbook.typeset import engine as typeset_engine

    original = typeset_engine.LayoutEngine.layout
    laid_out: list[int] = []

    def layout(self, html, first_page=1):
        laid_out.append(first_page)
        document = original(self, html, first_page)
        if "Second" in html:
            self.fetcher.refused.append(("file:///etc/hostname", "the file is outside the "
                                                                  "project"))
        return document

    monkeypatch.setattr(typeset_engine.LayoutEngine, "layout", layout)
    watching = BuildOptions(incremental=True)
    counts = []
    for attempt in range(2):
        result = build(mini_project, watching)
        assert result.failed, attempt
        assert [d.message for d in result.diagnostics.errors] == [
            "refused to load file:///etc/hostname: the file is outside the project"]
        counts.append(len(laid_out))
    assert counts[0] > 0 and counts[1] == counts[0]  # the second build laid nothing out

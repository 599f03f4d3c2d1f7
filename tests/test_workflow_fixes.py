"""Rough edges a teacher met in a first booklet (issue 29): each test here failed before its
fix."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from chapbook.diagnostics import Diagnostics
from chapbook.pipeline import BuildOptions, build, prepare
from chapbook.render.html import BookRenderer
from chapbook.render.markdown_html import RenderOptions

#: A real work, for a test that needs a third one.
FITZPATRICK = ("\n@book{fitzpatrick1999,\n  author = {Fitzpatrick, Sheila},\n"
               "  title = {Everyday Stalinism: Ordinary Life in Extraordinary Times},\n"
               "  publisher = {Oxford University Press},\n  location = {New York},\n"
               "  date = {1999}\n}\n")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def body_html(root: Path, style: str) -> str:
    diagnostics = Diagnostics()
    book = prepare(root, BuildOptions(style=style), diagnostics)
    assert not diagnostics.has_errors(), [d.format() for d in diagnostics.errors]
    return BookRenderer(book, RenderOptions(teacher=False, medium="print"), style
                        ).render_document(("body",))


def test_mla_year_only_citation_leaves_no_space_before_the_period(mini_project: Path):
    """MLA prints nothing for "[-@key]" without a page; the space before it went too."""
    edit(mini_project / "chapters" / "01-first.md", "Later the [quotas]{.term} rose again.",
         "Plants take in carbon dioxide [-@siegelbaum1988]. Siegelbaum says so "
         "[-@siegelbaum1988] too. Later the [quotas]{.term} rose again.")
    html = body_html(mini_project, "mla")
    assert "carbon dioxide. Siegelbaum says so too." in html
    # With a page, the citation is printed, with its space.
    edit(mini_project / "chapters" / "01-first.md", "dioxide [-@siegelbaum1988]",
         "dioxide [-@siegelbaum1988, p. 33]")
    text = re.sub(r"<[^>]+>", "", body_html(mini_project, "mla"))
    assert "carbon dioxide (33)." in text


def pdf_fonts_of(pdf: Path, needles: list[str]) -> dict[str, tuple[str, str]]:
    """The font (family without its subset tag, and size) of the first text line holding
    each needle, as poppler's pdftohtml reads the PDF."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", str(pdf)], capture_output=True,
                         text=True, check=True).stdout
    specs = {m["id"]: (m["family"].split("+")[-1], m["size"]) for m in re.finditer(
        r'<fontspec id="(?P<id>\d+)" size="(?P<size>[\d.]+)" family="(?P<family>[^"]+)"', xml)}
    found = {}
    for needle in needles:
        match = re.search(rf'<text [^>]*font="(\d+)"[^>]*>[^\n]*{re.escape(needle)}', xml)
        assert match, needle
        found[needle] = specs[match[1]]
    return found


@pytest.mark.slow
def test_notes_called_in_a_figure_caption_are_set_like_every_other_note(mini_project: Path):
    """A footnote of a caption, and a Chicago note of a citation in a caption, were set in
    the caption's small sans."""
    chapter = mini_project / "chapters" / "01-first.md"
    edit(chapter, "The record against the norm.\n",
         "The record against the norm.[^cap]\n\n[^cap]: Counted for the shift alone.\n")
    edit(chapter, "Source: @siegelbaum1988.", "Source: counted by the mine [@fitzpatrick1999].")
    with (mini_project / "bibliography" / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write(FITZPATRICK)
    result = build(mini_project, BuildOptions(style="chicago-notes", jobs=1))
    assert not result.failed
    fonts = pdf_fonts_of(result.outputs[0], ["Counted for the shift alone",
                                             "A footnote that cites", "Everyday Stalinism"])
    body_note = fonts["A footnote that cites"]
    assert body_note[0] == "PT-Serif"
    assert fonts["Counted for the shift alone"] == body_note
    assert fonts["Everyday Stalinism"] == body_note


def test_check_prints_hints_only_with_verbose(mini_project: Path):
    """One rule for every command: --quiet errors, by default also warnings, --verbose also
    hints. ``check`` printed hints by default."""
    from typer.testing import CliRunner

    from chapbook.cli import app

    with (mini_project / "bibliography" / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n@book{unused2001, author = {Nobody, A.}, title = {Unused}, year = {2001}}\n")
    with (mini_project / "chapters" / "glossary.yaml").open("a", encoding="utf-8") as glossary:
        glossary.write("spare:\n  term: spare\n  definition: Marked nowhere.\n")
    runner = CliRunner()
    default = runner.invoke(app, ["check", str(mini_project)]).output
    verbose = runner.invoke(app, ["-v", "check", str(mini_project)]).output
    quiet = runner.invoke(app, ["-q", "check", str(mini_project)]).output
    warning = "the term 'spare' is defined but never marked"
    hint = "'unused2001' is never cited"
    assert warning in default and hint not in default
    assert warning in verbose and hint in verbose
    assert quiet == ""


def test_a_chapter_that_cannot_be_read_causes_no_follow_on_diagnostics(mini_project: Path):
    """A chapter with bad YAML front matter is left out; what only it cites or marks was
    then reported as never cited or never marked."""
    from chapbook.pipeline import check

    # What only chapter 2 cites and marks.
    with (mini_project / "chapters" / "glossary.yaml").open("a", encoding="utf-8") as glossary:
        glossary.write("spare:\n  term: spare\n  definition: Marked in chapter 2 only.\n")
    with (mini_project / "bibliography" / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write(FITZPATRICK)
    edit(mini_project / "chapters" / "02-second.md", "argue something.",
         "argue something about a [spare]{.term} [@fitzpatrick1999].")
    before = check(mini_project, BuildOptions())
    assert not before.has_errors() and not before.warnings and not before.items
    edit(mini_project / "chapters" / "02-second.md", "title: The Second Chapter",
         "title: [The Second Chapter")
    diagnostics = check(mini_project, BuildOptions())
    assert [(d.file, d.severity.name) for d in diagnostics.items] == [
        ("chapters/02-second.md", "ERROR")], [d.format() for d in diagnostics.items]


def test_an_unreadable_glossary_does_not_make_every_term_an_error(mini_project: Path):
    from chapbook.pipeline import check

    edit(mini_project / "chapters" / "glossary.yaml", "norm:", "norm: [")
    diagnostics = check(mini_project, BuildOptions())
    assert {d.file for d in diagnostics.items} == {"chapters/glossary.yaml"}, \
        [d.format() for d in diagnostics.items]


def test_the_self_contained_html_carries_its_fonts(mini_project: Path):
    """PT Serif and PT Sans, and a font extra.css loads by a relative url(), travel inside
    the HTML file, so it looks the same opened anywhere."""
    import base64
    import io
    import shutil

    from fontTools.ttLib import TTFont

    from chapbook.resolve.fonts import font_files

    fonts = mini_project / "layouts" / "fonts"
    fonts.mkdir()
    shutil.copy(font_files()[0][3], fonts / "Hand.ttf")
    with (mini_project / "layouts" / "extra.css").open("a", encoding="utf-8") as css:
        css.write('\n@font-face { font-family: "Hand"; src: url(fonts/Hand.ttf); }\n'
                  '@font-face { font-family: "Gone"; src: url("fonts/Gone.woff2"); }\n'
                  ".box-title { font-family: Hand; }\n")
    edit(mini_project / "chapters" / "01-first.md", "Later the [quotas]{.term} rose again.",
         "Later the [quotas]{.term} rose again → higher.")  # an arrow PT fonts lack
    result = build(mini_project, BuildOptions(format="html"))
    assert not result.failed
    html = result.outputs[0].read_text(encoding="utf-8")
    # The symbol fallback comes along for the arrow only, as a variable font.
    assert re.search(r'@font-face \{ font-family: "Source Serif 4"; font-weight: 200 900; '
                     r'font-style: normal;', html)
    faces = re.findall(r'@font-face \{ font-family: "(PT Serif|PT Sans)"; font-weight: (\d+); '
                       r'font-style: (\w+);[^}]*src: url\("data:font/(woff2?);base64,([^"]+)"',
                       html)
    assert {(f, w, s) for f, w, s, _, _ in faces} == {
        (family, weight, style) for family in ("PT Serif", "PT Sans") for weight in ("400", "700")
        for style in ("normal", "italic")}
    # Each face is a subset that still draws the booklet's Cyrillic.
    font = TTFont(io.BytesIO(base64.b64decode(faces[0][4])))
    assert ord("у") in font.getBestCmap() and ord("Ж") not in font.getBestCmap()
    assert 'src: url("data:font/ttf;base64,' in html and "fonts/Hand.ttf" not in html
    # A file that is not there is named, and its link left as written.
    (warning,) = [d for d in result.diagnostics.warnings if "Gone" in d.message]
    assert warning.file == "layouts/extra.css" and warning.line == 5


def test_a_watcher_prints_a_warning_once_not_on_every_save(mini_project: Path):
    """watch and serve reprinted every unchanged warning after each save."""
    from chapbook.watching import Rebuilder

    with (mini_project / "chapters" / "glossary.yaml").open("a", encoding="utf-8") as glossary:
        glossary.write("spare:\n  term: spare\n  definition: Marked nowhere.\n")
    printed: list[list[str]] = []
    status: list[str] = []
    rebuilder = Rebuilder(mini_project, BuildOptions(), pdf=False,
                          on_diagnostics=lambda items: printed.append(
                              [d.message for d in items]),
                          on_status=status.append)
    rebuilder.rebuild()
    rebuilder.rebuild()  # a save that changed nothing the warning is about
    chapter = mini_project / "chapters" / "02-second.md"
    edit(chapter, "title: The Second Chapter", "title: The Second Chapter, saved")
    rebuilder.rebuild()
    edit(chapter, "[udarniki]{.term}", "[udarniki]{.term} [unknown]{.term}")
    rebuilder.rebuild()  # an error
    rebuilder.rebuild()  # the same error: printed again, it holds the output back
    warning = "the term 'spare' is defined but never marked in a chapter"
    assert printed[0] == [warning]
    assert printed[1] == printed[2] == []
    assert "(1 warning as before)" in status[1] and "(1 warning as before)" in status[2]
    assert [m for m in printed[3] if "unknown" in m] == [m for m in printed[4] if "unknown" in m]
    assert any("unknown" in m for m in printed[4])
    assert rebuilder.last is not None and warning in [d.message for d in
                                                      rebuilder.last.diagnostics]


def test_outputs_are_named_for_what_differs_so_none_overwrites_another(mini_project: Path):
    """build --style apa overwrote the Chicago PDF, handout --paper a5 the A4 handout and
    --print-shop the ordinary PDF."""
    from chapbook.handouts import handout_path
    from chapbook.pipeline import output_name

    def names(**options: object) -> tuple[str, str]:
        build_options = BuildOptions(**options)  # type: ignore[arg-type]
        book = prepare(mini_project, build_options, Diagnostics())
        teacher = build_options.edition == "teacher"
        handout = handout_path(book, book.chapters[0], Path("build"), teacher,
                               build_options.style, build_options.bleed)
        return output_name(book, build_options, ".pdf"), handout.name

    assert names() == ("mini.pdf", "01-first.pdf")
    assert names(style="apa") == ("mini-apa.pdf", "01-first-apa.pdf")
    assert names(paper="a5") == ("mini-a5.pdf", "01-first-a5.pdf")
    assert names(bleed=True) == ("mini-print.pdf", "01-first-print.pdf")
    assert names(edition="teacher", style="mla", paper="letter", bleed=True) == (
        "mini-teacher-mla-letter-print.pdf", "01-first-teacher-mla-letter-print.pdf")
    # What chapbook.toml already says changes nothing.
    assert names(style="chicago-author-date", paper="a4") == ("mini.pdf", "01-first.pdf")


def test_layouts_refuses_a_layout_folder_outside_the_project(mini_project: Path):
    """A refused `layout` setting left the folder empty, and `chapbook layouts` copied every
    default template into the booklet's top folder; it is an error at the setting now."""
    from typer.testing import CliRunner

    from chapbook.cli import app

    toml = mini_project / "chapbook.toml"
    text = toml.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^layout = .*$', 'layout = "../elsewhere"', text) \
        if re.search(r"(?m)^layout = ", text) else text + 'layout = "../elsewhere"\n'
    toml.write_text(text, encoding="utf-8")
    before = sorted(p.name for p in mini_project.iterdir())
    result = CliRunner().invoke(app, ["layouts", str(mini_project)])
    assert result.exit_code == 1
    assert "chapbook.toml:" in result.output and "layout" in result.output
    assert sorted(p.name for p in mini_project.iterdir()) == before


def test_layouts_copies_the_defaults_into_the_project(mini_project: Path, tmp_path: Path):
    """layouts/README.txt told a teacher to copy templates from "chapbook's own layouts
    folder" without saying where it is; `chapbook layouts` copies them."""
    from typer.testing import CliRunner

    from chapbook.cli import app
    from chapbook.layout_paths import PACKAGE_LAYOUTS
    from chapbook.pipeline import check

    runner = CliRunner()
    extra = (mini_project / "layouts" / "extra.css").read_text(encoding="utf-8")
    first = runner.invoke(app, ["layouts", str(mini_project)])
    assert first.exit_code == 0, first.output
    layouts = mini_project / "layouts"
    for name in ("book.css.j2", "chapter.html.j2", "styles/apa.toml"):
        assert (layouts / name).read_bytes() == (PACKAGE_LAYOUTS / name).read_bytes()
        assert f"copied {layouts.as_posix()}/{name}" in first.output
    assert (layouts / "extra.css").read_text(encoding="utf-8") == extra
    assert str(PACKAGE_LAYOUTS) in first.output
    # The copies are the booklet's layouts now: it checks as before.
    assert not check(mini_project, BuildOptions()).items
    # An edited copy is kept on a second run.
    (layouts / "toc.html.j2").write_text("{# mine #}\n", encoding="utf-8")
    second = runner.invoke(app, ["layouts", str(mini_project)])
    assert "copied" not in second.output and "kept your own" in second.output
    assert (layouts / "toc.html.j2").read_text(encoding="utf-8") == "{# mine #}\n"
    # A new booklet's layouts/README.txt says how to get the defaults and where they are.
    assert runner.invoke(app, ["init", str(tmp_path / "new")]).exit_code == 0
    readme = (tmp_path / "new" / "layouts" / "README.txt").read_text(encoding="utf-8")
    assert "chapbook layouts" in readme and str(PACKAGE_LAYOUTS) in readme


def test_quiet_and_verbose_are_accepted_after_the_command(mini_project: Path):
    """`chapbook build -q` and `chapbook check --verbose` said "No such option"."""
    import sys

    from chapbook.global_options import global_options_first

    assert global_options_first(["build", "-q", "."]) == ["-q", "build", "."]
    assert global_options_first(["check", "--verbose", "-f", "json"]) == \
        ["--verbose", "check", "-f", "json"]
    assert global_options_first(["-q", "handout", "2", "-qv"]) == ["-q", "-qv", "handout", "2"]
    assert global_options_first(["new", "chapter", "--", "-v"]) == ["new", "chapter", "--", "-v"]
    assert global_options_first(["--version"]) == ["--version"]

    with (mini_project / "bibliography" / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write(FITZPATRICK)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "chapbook", *args], cwd=mini_project,
                              capture_output=True, text=True, timeout=120)

    quiet = run("build", "--format", "html", "-q")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == "", quiet.stderr
    assert (mini_project / "build" / "mini.html").is_file()
    verbose = run("check", "--verbose")
    assert verbose.returncode == 0, verbose.stderr
    assert "'fitzpatrick1999' is never cited" in verbose.stderr


def test_a_command_in_a_subfolder_finds_the_booklet_above_it(mini_project: Path,
                                                              tmp_path: Path):
    """`chapbook check` inside chapters/ said "no chapbook.toml in .../chapters"."""
    import sys

    from chapbook.config import find_project

    assert find_project(mini_project / "chapters" / "figures") == mini_project
    assert find_project(mini_project) == mini_project
    (tmp_path / "elsewhere").mkdir()
    assert find_project(tmp_path / "elsewhere") == tmp_path / "elsewhere"

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "chapbook", *args], cwd=cwd,
                              capture_output=True, text=True, timeout=120)

    checked = run("check", cwd=mini_project / "chapters")
    assert checked.returncode == 0 and "0 errors, 0 warnings" in checked.stderr, checked.stderr
    built = run("build", "--format", "html", cwd=mini_project / "chapters" / "figures")
    assert built.returncode == 0, built.stderr
    assert built.stdout.strip().endswith("build/mini.html")
    assert (mini_project / "build" / "mini.html").is_file()
    lost = run("check", cwd=tmp_path / "elsewhere")
    assert lost.returncode == 1 and "no chapbook.toml in" in lost.stderr

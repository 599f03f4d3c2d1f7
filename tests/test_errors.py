"""Bad input gets a clear diagnostic at the right file and line, and nothing is damaged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chapbook.diagnostics import ChapbookError, Severity
from chapbook.pipeline import BuildOptions, build, check


def _messages(root: Path) -> list[str]:
    return [d.format() for d in check(root, BuildOptions()).sorted()]


def _errors(root: Path) -> list[str]:
    return [d.format() for d in check(root, BuildOptions()).sorted()
            if d.severity is Severity.ERROR]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_fixture_is_clean(mini_project):
    assert _errors(mini_project) == []


def test_unknown_config_key_lists_valid_keys(mini_project):
    (mini_project / "chapbook.toml").write_text(
        (mini_project / "chapbook.toml").read_text() + 'papersize = "a5"\n')
    diagnostics = check(mini_project, BuildOptions()).errors
    assert len(diagnostics) == 1
    d = diagnostics[0]
    assert (d.file, d.line) == ("chapbook.toml", 10)
    assert "unknown setting 'papersize'" in d.message and "'paper'" in d.message
    assert "valid settings:" in d.hint and "bibliography" in d.hint


def test_bad_yaml_front_matter_gives_its_line_in_the_chapter(mini_project):
    _edit(mini_project / "chapters/02-second.md", "short_title: Second chapter",
          "short_title: [Second chapter")
    errors = _errors(mini_project)
    assert any(e.startswith("chapters/02-second.md:3:") and "invalid YAML" in e
               for e in errors), errors


def test_unknown_front_matter_key(mini_project):
    _edit(mini_project / "chapters/02-second.md", "short_title:", "shorttitle:")
    errors = _errors(mini_project)
    assert any(e.startswith("chapters/02-second.md:3:")
               and "unknown front-matter key 'shorttitle'" in e and "short_title" in e
               for e in errors), errors


def test_unclosed_box(mini_project):
    _edit(mini_project / "chapters/02-second.md", "Only for teachers: a marking guide.\n:::",
          "Only for teachers: a marking guide.\n")
    errors = _errors(mini_project)
    assert any(e.startswith("chapters/02-second.md:") and "'teacher' box is never closed" in e
               for e in errors), errors


def test_unknown_box_name_suggests_the_right_one(mini_project):
    _edit(mini_project / "chapters/01-first.md", '::: key-facts "Facts in brief"',
          '::: keyfacts "Facts in brief"')
    errors = _errors(mini_project)
    assert any("unknown box 'keyfacts'" in e and "key-facts" in e for e in errors), errors


def test_unknown_citation_key_suggests_closest(mini_project):
    _edit(mini_project / "chapters/01-first.md", "a citation [@siegelbaum1988]",
          "a citation [@siegelbaum1998]")
    errors = _errors(mini_project)
    line = next(i for i, text in enumerate(
        (mini_project / "chapters/01-first.md").read_text().splitlines(), 1)
        if "siegelbaum1998" in text)
    assert any(e.startswith(f"chapters/01-first.md:{line}:")
               and "siegelbaum1998" in e and "siegelbaum1988" in e for e in errors), errors


def test_unknown_term_suggests_closest(mini_project):
    _edit(mini_project / "chapters/02-second.md", '[norm]{term="norm"}', '[norm]{term="nrom"}')
    errors = _errors(mini_project)
    assert any("the term 'nrom' is not in the glossary" in e and "'norm'" in e
               for e in errors), errors


def test_missing_image_names_the_path_tried(mini_project):
    _edit(mini_project / "chapters/01-first.md", "figures/bars.yaml", "figures/barz.yaml")
    errors = _errors(mini_project)
    assert any("image not found: chapters/figures/barz.yaml" in e for e in errors), errors


def test_image_without_alt_text(mini_project):
    _edit(mini_project / "chapters/01-first.md", "![Two bars: the norm and the record.]", "![]")
    errors = _errors(mini_project)
    assert any("has no alt text" in e for e in errors), errors


def test_windows_1251_chapter_is_named_with_how_to_convert(mini_project):
    path = mini_project / "chapters/02-second.md"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1251"))
    errors = _errors(mini_project)
    assert any(e.startswith("chapters/02-second.md:") and "not UTF-8" in e
               and "iconv -f WINDOWS-1251" in e for e in errors), errors


def test_bom_and_windows_line_endings_just_work(mini_project):
    path = mini_project / "chapters/02-second.md"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert _errors(mini_project) == []


def test_layout_error_names_template_and_line(mini_project):
    (mini_project / "layouts/title-page.html.j2").write_text(
        "<section>\n<h1>{{ book.title }}</h1>\n{% if %}\n</section>\n")
    with pytest.raises(ChapbookError) as info:
        build(mini_project, BuildOptions(format="html"))
    d = info.value.diagnostics[0]
    assert (d.file, d.line) == ("layouts/title-page.html.j2", 3), d.format()
    assert "layout error" in d.message


def test_failed_build_leaves_previous_pdf_in_place(mini_project):
    first = build(mini_project, BuildOptions(format="html"))
    assert not first.failed
    target = first.outputs[0]
    before = target.read_bytes()
    _edit(mini_project / "chapters/01-first.md", "[@siegelbaum1988]", "[@nosuchkey]")
    second = build(mini_project, BuildOptions(format="html"))
    assert second.failed and not second.outputs
    assert target.read_bytes() == before
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".part")]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chapbook", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_cli_check_exit_status_and_format(mini_project):
    ok = _cli("check", cwd=mini_project)
    assert ok.returncode == 0, ok.stderr
    _edit(mini_project / "chapters/01-first.md", "[@siegelbaum1988]", "[@nosuchkey]")
    bad = _cli("check", cwd=mini_project)
    assert bad.returncode == 1
    assert "chapters/01-first.md:" in bad.stderr and ": error: no bibliography entry" in bad.stderr
    assert "Traceback" not in bad.stderr
    as_json = _cli("check", "--format", "json", cwd=mini_project)
    records = json.loads(as_json.stdout)
    assert any(r["severity"] == "error" and r["file"] == "chapters/01-first.md"
               for r in records)


def _processes_with(marker: str) -> list[int]:
    """The processes whose environment holds ``marker`` (a child inherits it, wherever it
    goes: a new session, a double fork)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:  # gone meanwhile, or not ours
                continue
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux's /proc")
def test_a_check_leaves_no_process_running(mini_project):
    """Outside CI too: ``chapbook check`` ends, and so does everything it started."""
    marker = f"CHAPBOOK_TEST_MARK={os.getpid()}-{id(mini_project)}"
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    name, _, value = marker.partition("=")
    env[name] = value
    checked = subprocess.run([sys.executable, "-m", "chapbook", "check"], cwd=mini_project,
                             capture_output=True, text=True, timeout=120, env=env)
    assert checked.returncode == 0, checked.stderr
    assert _processes_with(marker) == []


@pytest.mark.slow
def test_a_reader_that_stops_early_gets_no_traceback(mini_project):
    """``chapbook check --format json | head -1``: the rest is dropped, the code is the
    check's; a stream that cannot be written (a full disk) is said, with EX_IOERR."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the answer is written
    try:
        closed = subprocess.run([sys.executable, "-m", "chapbook", "check", "--format",
                                 "json"], cwd=mini_project, stdout=write_end,
                                stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert closed.returncode == 0
    assert "Traceback" not in closed.stderr and "Error" not in closed.stderr
    if os.path.exists("/dev/full"):
        with open("/dev/full", "w") as full:
            failed = subprocess.run([sys.executable, "-m", "chapbook", "check", "--format",
                                     "json"], cwd=mini_project, stdout=full,
                                    stderr=subprocess.PIPE, text=True, timeout=120)
        assert failed.returncode == 74
        assert "could not print the check's answer" in failed.stderr
        assert "Traceback" not in failed.stderr


@pytest.mark.slow
def test_cli_without_a_project_says_what_to_do(tmp_path):
    run = _cli("build", cwd=tmp_path)
    assert run.returncode == 1
    assert "no chapbook.toml" in run.stderr and "chapbook init" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_warnings_fail_only_with_strict(mini_project):
    glossary = mini_project / "chapters/glossary.yaml"
    glossary.write_text(glossary.read_text() + "unused:\n  definition: Never marked.\n")
    assert _cli("check", cwd=mini_project).returncode == 0
    assert _cli("check", "--strict", cwd=mini_project).returncode == 1


# -- check renders the layouts; runtime layout errors; legacy encodings elsewhere -------------


def test_check_finds_an_undefined_name_in_a_teacher_only_part_of_a_layout(mini_project):
    chapter = (Path(__file__).parent.parent / "src/chapbook/layouts/chapter.html.j2")
    text = chapter.read_text(encoding="utf-8")
    old = '{% if edition == "teacher" and question.answer %}'
    assert old in text
    line = text[:text.index(old)].count("\n") + 1
    (mini_project / "layouts/chapter.html.j2").write_text(
        text.replace(old, old + "{{ question.marks }}", 1), encoding="utf-8")
    errors = check(mini_project, BuildOptions()).errors
    assert [(d.file, d.line) for d in errors] == [("layouts/chapter.html.j2", line)], errors
    assert "'dict object' has no attribute 'marks'" in errors[0].message
    assert "Traceback" not in errors[0].format()


def test_a_missing_include_is_reported_at_the_including_line(mini_project):
    (mini_project / "layouts/title-page.html.j2").write_text(
        "<section>\n<h1>{{ book.title }}</h1>\n{% include 'logo.html.j2' %}\n</section>\n")
    errors = check(mini_project, BuildOptions()).errors
    assert [(d.file, d.line) for d in errors] == [("layouts/title-page.html.j2", 3)]
    assert "'logo.html.j2' not found" in errors[0].message


def test_check_lists_uncited_bibliography_entries_as_hints(mini_project):
    bib = mini_project / "bibliography/refs.bib"
    bib.write_text(bib.read_text() + "@book{unused2001,\n  author = {Nobody, A.},\n"
                   "  title = {Never Cited},\n  year = {2001}\n}\n")
    diagnostics = check(mini_project, BuildOptions())
    hints = [d for d in diagnostics if "never cited" in d.message]
    assert [(d.file, d.line, d.severity) for d in hints] == [
        ("bibliography/refs.bib", 17, Severity.HINT)], hints
    assert "'unused2001'" in hints[0].message and "nocite" in hints[0].hint
    assert not diagnostics.has_errors()
    _edit(mini_project / "chapbook.toml", 'slug = "mini"', 'slug = "mini"\nnocite = ["*"]')
    assert not [d for d in check(mini_project, BuildOptions()) if "never cited" in d.message]


def test_timeline_in_windows_1251_is_named_with_how_to_convert(mini_project):
    path = mini_project / "chapters/timeline.yaml"
    path.write_bytes((path.read_text(encoding="utf-8") + "- date: 1936\n  event: Стаханов.\n"
                      ).encode("cp1251"))
    errors = _errors(mini_project)
    assert any(e.startswith("chapters/timeline.yaml:6:") and "not UTF-8" in e
               and "iconv -f WINDOWS-1251 -t UTF-8 chapters/timeline.yaml" in e
               for e in errors), errors


def test_config_in_windows_1251_stops_with_how_to_convert(mini_project):
    path = mini_project / "chapbook.toml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1251"))
    with pytest.raises(ChapbookError) as info:
        check(mini_project, BuildOptions())
    d = info.value.diagnostics[0]
    assert d.file == "chapbook.toml" and "not UTF-8" in d.message
    assert "iconv -f WINDOWS-1251 -t UTF-8 chapbook.toml" in d.hint


def test_config_values_of_the_wrong_type(mini_project):
    _edit(mini_project / "chapbook.toml", 'slug = "mini"',
          'slug = "mini"\nchapters = [1, 2]\npaper = 4')
    errors = check(mini_project, BuildOptions()).errors
    assert [(d.line, d.message) for d in errors] == [
        (8, "'chapters' must be a list of strings"), (9, "'paper' must be a string")], errors


def test_a_chapter_preview_of_a_chapter_that_does_not_exist(mini_project):
    result = build(mini_project, BuildOptions(format="html", chapter=7))
    assert result.failed and not result.outputs
    d = result.diagnostics.errors[0]
    assert d.message == "there is no chapter 7"
    assert "1 (chapters/01-first.md)" in d.hint and "2 (chapters/02-second.md)" in d.hint


def test_a_glossary_term_mentioned_but_never_marked_in_a_chapter_gets_a_hint(mini_project):
    glossary = mini_project / "chapters/glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + (
        "kolkhoz:\n  term: collective farm\n  forms: [collective farms]\n"
        "  definition: A farm worked in common.\n"
        "plan:\n  term: plan\n  definition: A target set from above.\n"
        "fyp:\n  term: Five-Year Plan\n  definition: The plan for industry, 1928-1932.\n"),
        encoding="utf-8")
    chapter = mini_project / "chapters/02-second.md"
    lines = chapter.read_text(encoding="utf-8").split("\n")
    lines.append("The [Five-Year Plan]{.term} came first.")
    lines.append("")
    lines.append("Later the Five-Year Plan reached the collective farms, and the NORM too.")
    chapter.write_text("\n".join(lines), encoding="utf-8")
    hints = [d.format().split("\n")[0] for d in check(mini_project, BuildOptions()).sorted()
             if d.severity is Severity.HINT and "never marked" in d.message]
    # Only the term this chapter never marks, at its line; not "plan" inside the marked
    # "Five-Year Plan", not "norm" (marked elsewhere in the chapter).
    assert hints == [f"chapters/02-second.md:{len(lines)}: hint: 'collective farms' is the "
                     "glossary term 'kolkhoz', never marked in this chapter"]


@pytest.mark.slow
def test_layouts_compiled_by_an_earlier_process_behave_as_freshly_compiled(mini_project,
                                                                           tmp_path):
    """Compiled templates are kept between processes (render/html.py): an edited layout
    must be compiled again, and a mistake in a kept one must still be reported at its line."""
    cache = tmp_path / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "chapbook", *args], cwd=mini_project,
                              capture_output=True, text=True, timeout=120, env=env)

    page = mini_project / "layouts/title-page.html.j2"
    page.write_text("<section>\n<h1>{{ book.title }} FIRST</h1>\n</section>\n")
    assert run("build", "--format", "html").returncode == 0
    assert list(cache.glob("chapbook/templates-*/*")), "nothing was kept"
    page.write_text("<section>\n<h1>{{ book.title }} SECOND</h1>\n</section>\n")
    assert run("build", "--format", "html").returncode == 0
    html = (mini_project / "build/mini.html").read_text(encoding="utf-8")
    assert "SECOND" in html and "FIRST" not in html
    page.write_text("<section>\n<h1>{{ book.title }}</h1>\n\n<p>{{ book.no_such_field }}</p>\n"
                    "</section>\n")
    first, again = run("check"), run("check")
    assert first.returncode == again.returncode == 1
    assert "layouts/title-page.html.j2:4:" in first.stderr
    assert first.stderr == again.stderr


def test_without_a_writable_cache_folder_layouts_are_compiled_as_before(tmp_path,
                                                                      monkeypatch):
    from chapbook.render import html

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert html._compiled_templates() is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert html._compiled_templates() is not None


def test_a_library_logging_to_the_root_logger_prints_nothing():
    """ziafont logs with ``logging.warning``, which would set up Python's default output on
    the root logger and print every library's records (WeasyPrint's) to stderr, even under
    ``--quiet``: chapbook speaks through its diagnostics only."""
    code = ("from chapbook.entry import quiet_libraries\n"
            "quiet_libraries()\n"
            "import logging\n"
            "logging.warning('GPOS has feature variations')\n"
            "logging.getLogger('weasyprint').warning('Anchor defined twice')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stderr == ""


def test_a_hyphenation_word_without_its_breaks_is_an_error_at_its_line(mini_project):
    _edit(mini_project / "chapbook.toml", 'slug = "mini"',
          'slug = "mini"\nhyphenation = ["Sauer-stoff", "Sauerstoff"]')
    errors = check(mini_project, BuildOptions()).errors
    assert [(d.line, d.message) for d in errors] == [
        (8, "'Sauerstoff' in hyphenation is not a word with its breaks marked")], errors
    assert "Sauer-stoff" in errors[0].hint

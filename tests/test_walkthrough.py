"""A new user's first hour, through the real command line.

``chapbook init`` a booklet, add a chapter with a citation and a glossary term, build it,
then break it in each of the ways writers do and read what chapbook says: always the file,
the line where there is one, what to do, and never a Python traceback.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chapbook.cli import app
from conftest import pdf_text

#: Builds PDFs or runs chapbook in subprocesses: left out of `pytest -m 'not slow'`.
pytestmark = pytest.mark.slow


def chapbook(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real ``chapbook`` command in its own process, as a writer runs it."""
    run = subprocess.run([sys.executable, "-m", "chapbook", *args], cwd=cwd,
                         capture_output=True, text=True, timeout=120)
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    return run


def quick(*args: str) -> subprocess.CompletedProcess[str]:
    """The same command line run in this process (no start-up cost) for the many checks."""
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


NEW_CHAPTER_TEXT = """
## A miner in the Donbas

Stakhanov cut 102 tonnes of coal in one shift [@siegelbaum1988, p. 66], about fourteen
times his [norm]{.term}.

::: key-facts "The record"
- 31 August 1935, Central Irmino mine.
:::
"""

BIB_ENTRY = """
@book{siegelbaum1988,
  author = {Siegelbaum, Lewis H.},
  title = {Stakhanovism and the Politics of Productivity in the {USSR}, 1935--1941},
  publisher = {Cambridge University Press},
  address = {Cambridge},
  year = {1988}
}
"""

GLOSSARY_ENTRY = """norm:
  term: norm
  russian: норма
  forms: [norms]
  definition: The amount of work a worker was expected to do in one shift.
"""


@pytest.fixture(scope="module")
def booklet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A booklet made as a new user would: init, a new chapter, a citation and a term."""
    base = tmp_path_factory.mktemp("walkthrough")
    made = chapbook("init", "stakhanov", "--title", "The Stakhanovites", cwd=base)
    assert made.returncode == 0, made.stderr
    root = base / "stakhanov"
    for name in ("chapbook.toml", "chapters/01-working-with-sources.md",
                 "chapters/glossary.yaml", "bibliography/references.bib", "layouts"):
        assert (root / name).exists(), name
    assert "chapbook build" in made.stdout

    fresh = chapbook("check", cwd=root)
    assert fresh.returncode == 0 and "0 errors, 0 warnings" in fresh.stderr, fresh.stderr

    added = chapbook("new", "chapter", "The Record Shift", cwd=root)
    assert added.returncode == 0, added.stderr
    assert "wrote chapters/02-the-record-shift.md" in added.stdout
    chapter = root / "chapters/02-the-record-shift.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + NEW_CHAPTER_TEXT, encoding="utf-8")
    with (root / "bibliography/references.bib").open("a", encoding="utf-8") as bib:
        bib.write(BIB_ENTRY)
    with (root / "chapters/glossary.yaml").open("a", encoding="utf-8") as glossary:
        glossary.write(GLOSSARY_ENTRY)

    checked = chapbook("check", cwd=root)
    assert checked.returncode == 0 and "0 errors, 0 warnings" in checked.stderr, checked.stderr
    return root


def test_the_new_booklet_builds_with_the_new_chapter(booklet, tmp_path):
    root = shutil.copytree(booklet, tmp_path / "b")
    built = chapbook("build", cwd=root)
    assert built.returncode == 0, built.stderr
    pdf = root / "build/the-stakhanovites.pdf"
    assert f"wrote {Path('build/the-stakhanovites.pdf')}" in built.stdout.replace(str(root)
                                                                                + "/", "")
    text = pdf_text(pdf)
    assert "Working with Sources" in text and "The Record Shift" in text
    assert "(Siegelbaum 1988, 66)" in text  # the citation, formatted
    assert "Stakhanovism and the Politics of Productivity" in text  # the reference list
    assert "The amount of work a worker was expected to do" in text  # the glossary
    assert "Strunk, William, and E. B. White. 1959." in text  # the sample's own citation


def test_new_chapter_is_added_to_an_explicit_chapters_list_keeping_comments(booklet, tmp_path):
    root = shutil.copytree(booklet, tmp_path / "b")
    config = root / "chapbook.toml"
    text = config.read_text(encoding="utf-8").replace(
        '# chapters = ["chapters/01-....md"]  # the reading order; default: chapters/NN-*.md by '
        'name\n',
        'chapters = [\n  "chapters/01-working-with-sources.md",  # the sample\n'
        '  "chapters/02-the-record-shift.md",\n]  # the reading order\n')
    config.write_text(text, encoding="utf-8")
    added = chapbook("new", "chapter", "After the War: 1945", cwd=root)
    assert added.returncode == 0, added.stderr
    assert "added it to chapters in chapbook.toml" in added.stdout
    assert config.read_text(encoding="utf-8") == text.replace(
        '  "chapters/02-the-record-shift.md",\n',
        '  "chapters/02-the-record-shift.md",\n  "chapters/03-after-the-war-1945.md",\n')
    new = root / "chapters/03-after-the-war-1945.md"
    assert 'title: "After the War: 1945"' in new.read_text(encoding="utf-8")
    checked = chapbook("check", cwd=root)
    assert checked.returncode == 0, checked.stderr


def test_init_refuses_to_overwrite_a_booklet(booklet):
    again = chapbook("init", booklet.name, cwd=booklet.parent)
    assert again.returncode == 1
    assert "there is already a booklet here" in again.stderr


CHAPTER = "chapters/02-the-record-shift.md"


def _replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, rel)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(root: Path, rel: str, needle: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if needle in text)


def _recode(root: Path, rel: str) -> None:
    """Save a file as a Russian-locale editor might: in Windows-1251, with Cyrillic in it."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    if rel == "chapbook.toml":
        text = text.replace('"Your Name"', '"Алексей Стаханов"')
    elif rel.endswith(".md"):
        text += "\nIn Russian the norm was the норма.\n"
    assert not text.isascii()
    path.write_bytes(text.encode("cp1251"))


# (name, how to break the booklet, what the message must contain). ``{line}`` is replaced by
# a line found in the broken file, so the expectations say where the writer must look.
BREAKAGES = [
    ("bad YAML front matter",
     lambda r: _replace(r, CHAPTER, "  - Describe ...", "  - [Describe ..."),
     [f"{CHAPTER}:{{line:[Describe}}:5: error: invalid YAML"]),
    ("unknown front-matter key",
     lambda r: _replace(r, CHAPTER, "objectives:", "objectifs:"),
     [f"{CHAPTER}:3:", "unknown front-matter key 'objectifs'", "'objectives'",
      "valid keys: title, short_title"]),
    ("unknown config key",
     lambda r: _replace(r, "chapbook.toml", 'paper = "a4"', 'papersize = "a4"'),
     ["chapbook.toml:", "unknown setting 'papersize'", "did you mean 'paper'",
      "valid settings: title, subtitle"]),
    ("bad config value type",
     lambda r: _replace(r, "chapbook.toml", 'edition = "Draft"', "edition = 2"),
     ["chapbook.toml:{line:edition = 2}: error: 'edition' must be a string"]),
    ("unclosed box",
     lambda r: _replace(r, CHAPTER, "- 31 August 1935, Central Irmino mine.\n:::",
                        "- 31 August 1935, Central Irmino mine.\n"),
     [f"{CHAPTER}:", "'key-facts' box is never closed"]),
    ("unknown box",
     lambda r: _replace(r, CHAPTER, "::: key-facts", "::: keyfacts"),
     [f"{CHAPTER}:", "unknown box 'keyfacts'", "key-facts"]),
    ("unknown citation key",
     lambda r: _replace(r, CHAPTER, "@siegelbaum1988", "@siegelbaum1998"),
     [f"{CHAPTER}:{{line:siegelbaum1998}}:", "no bibliography entry 'siegelbaum1998'",
      "did you mean 'siegelbaum1988'"]),
    ("unknown glossary term",
     lambda r: _replace(r, CHAPTER, "[norm]{.term}", '[norm]{term="nrom"}'),
     [f"{CHAPTER}:{{line:nrom}}:", "'nrom' is not in the glossary", "'norm'"]),
    ("missing image",
     lambda r: _replace(r, CHAPTER, "::: key-facts", "![A map of the Donbas.](maps/donbas.png)"
                        "\n\n::: key-facts"),
     [f"{CHAPTER}:{{line:donbas.png}}:", "image not found: chapters/maps/donbas.png"]),
    ("layout syntax error",
     lambda r: (r / "layouts/title-page.html.j2").write_text(
         "<section>\n<h1>{{ book.title }</h1>\n</section>\n", encoding="utf-8"),
     ["layouts/title-page.html.j2:2: error: layout error:"]),
    ("layout with an undefined name",
     lambda r: (r / "layouts/title-page.html.j2").write_text(
         "<section>\n<h1>{{ book.title }}</h1>\n<p>{{ school_name }}</p>\n</section>\n",
         encoding="utf-8"),
     ["layouts/title-page.html.j2:3: error: layout error: 'school_name' is undefined",
      "hint: the template uses a name chapbook does not provide"]),
    ("chapter in Windows-1251",
     lambda r: _recode(r, CHAPTER),
     [f"{CHAPTER}:", "not UTF-8", f"iconv -f WINDOWS-1251 -t UTF-8 {CHAPTER}"]),
    ("glossary in Windows-1251",
     lambda r: _recode(r, "chapters/glossary.yaml"),
     ["chapters/glossary.yaml:", "not UTF-8",
      "iconv -f WINDOWS-1251 -t UTF-8 chapters/glossary.yaml"]),
    ("config in Windows-1251",
     lambda r: _recode(r, "chapbook.toml"),
     ["chapbook.toml: error: the file is not UTF-8",
      "iconv -f WINDOWS-1251 -t UTF-8 chapbook.toml"]),
]


@pytest.mark.parametrize("breakage", BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_each_mistake_gets_a_message_that_helps(booklet, tmp_path, breakage):
    name, damage, expected = breakage
    root = shutil.copytree(booklet, tmp_path / "b")
    damage(root)
    checked = quick("check", str(root))
    assert checked.returncode == 1, (name, checked.stderr)
    for part in expected:
        if "{line:" in part:
            before, rest = part.split("{line:", 1)
            needle, after = rest.split("}", 1)
            rel = before.rstrip(":").split(":")[0]
            part = f"{before}{_line_of(root, rel, needle)}{after}"
        assert part in checked.stderr, (name, part, checked.stderr)


def test_a_failed_build_says_so_and_keeps_the_last_pdf(booklet, tmp_path):
    root = shutil.copytree(booklet, tmp_path / "b")
    assert chapbook("build", "--format", "html", cwd=root).returncode == 0
    html = root / "build/the-stakhanovites.html"
    before = html.read_bytes()
    _replace(root, CHAPTER, "@siegelbaum1988", "@nobody2000")
    failed = chapbook("build", "--format", "html", cwd=root)
    assert failed.returncode == 1
    assert "build failed: 1 error, 0 warnings; the previous output was left in place" in \
        failed.stderr
    assert html.read_bytes() == before


def test_bom_and_windows_line_endings_in_every_file_just_work(booklet, tmp_path):
    root = shutil.copytree(booklet, tmp_path / "b")
    for rel in ("chapbook.toml", CHAPTER, "chapters/glossary.yaml",
                "bibliography/references.bib"):
        path = root / rel
        text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    checked = quick("check", str(root))
    assert checked.returncode == 0 and "0 errors, 0 warnings" in checked.stderr, checked.stderr


def test_check_as_json_for_editors(booklet, tmp_path):
    root = shutil.copytree(booklet, tmp_path / "b")
    _replace(root, CHAPTER, "[norm]{.term}", '[norm]{term="nrom"}')
    run = quick("check", "--format", "json", str(root))
    assert run.returncode == 1
    records = json.loads(run.stdout)
    error = next(r for r in records if r["severity"] == "error")
    # run from another folder: the file in full, which an editor can open as it is
    assert error["file"] == str(root / CHAPTER)
    assert error["line"] == _line_of(root, CHAPTER, "nrom")
    assert error["column"] > 0 and "nrom" in error["message"]


def test_every_command_has_help_with_an_example():
    for command in (["build"], ["check"], ["init"], ["new"], ["new", "chapter"], ["watch"],
                    ["serve"], []):
        run = quick(*command, "--help")
        assert run.returncode == 0, command
        assert "Example: chapbook" in run.stdout, (command, run.stdout)
    version = quick("--version")
    assert version.returncode == 0 and version.stdout.startswith("chapbook ")
    for option in ("--quiet", "--verbose", "--install-completion"):
        assert option in quick("--help").stdout


def test_quiet_prints_only_errors(booklet, tmp_path):
    root = shutil.copytree(booklet, tmp_path / "b")
    (root / "bibliography/references.bib").write_text(
        (root / "bibliography/references.bib").read_text(encoding="utf-8")
        + "@book{unused2001, author = {Nobody, A.}, title = {Unused}, year = {2001}}\n",
        encoding="utf-8")
    loud = quick("-v", "check", str(root))
    assert "'unused2001' is never cited" in loud.stderr and loud.returncode == 0
    assert "never cited" not in quick("check", str(root)).stderr  # hints need --verbose
    assert quick("--quiet", "check", str(root)).stderr == ""
    _replace(root, CHAPTER, "[norm]{.term}", '[norm]{term="nrom"}')
    quiet = quick("-q", "check", str(root))
    assert quiet.returncode == 1 and "nrom" in quiet.stderr and "unused2001" not in quiet.stderr

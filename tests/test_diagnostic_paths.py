"""Where a diagnostic's file is printed: relative to the folder the command runs in, the rule
git follows for every path it prints, whichever folder of the booklet (or above it) that is,
for text and JSON alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chapbook.cli import app


@pytest.fixture
def broken(mini_project: Path) -> Path:
    chapter = mini_project / "chapters" / "02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nSee [@nosuchwork2000].\n",
                       encoding="utf-8")
    return mini_project


@pytest.mark.parametrize(("folder", "args", "shown"), [
    (".", [], "chapters/02-second.md"),
    ("chapters", [], "02-second.md"),
    ("chapters/figures", [], "../02-second.md"),
    ("layouts", [], "../chapters/02-second.md"),
    ("..", ["mini"], "mini/chapters/02-second.md"),
    ("chapters", [".."], "02-second.md"),
])
def test_diagnostics_name_files_relative_to_the_folder_the_command_runs_in(
        broken: Path, monkeypatch: pytest.MonkeyPatch, folder: str, args: list[str],
        shown: str):
    monkeypatch.chdir(broken / folder)
    result = CliRunner().invoke(app, ["check", *args])
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if "nosuchwork2000" in line]
    assert line.startswith(f"{shown}:"), line
    as_json = CliRunner().invoke(app, ["check", *args, "--format", "json"])
    [found] = [d for d in json.loads(as_json.stdout) if "nosuchwork2000" in d["message"]]
    assert found["file"] == shown


def test_a_booklet_outside_the_folder_the_command_runs_in_is_named_in_full(
        broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``chapbook check /elsewhere/b`` from an unrelated folder: the file in full (as ruff
    and mypy print it), not a climb of ``../../`` out of the current folder."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    as_json = CliRunner().invoke(app, ["check", str(broken), "--format", "json"])
    [found] = [d for d in json.loads(as_json.stdout) if "nosuchwork2000" in d["message"]]
    assert found["file"] == str(broken / "chapters" / "02-second.md")

"""The booklet is in its own words: no run of 12 words is shared with a research note.

The research notes the Stakhanovite booklet was written from live outside the repository, in
``shared/sources/`` beside the clone (as on CI and in the project's main checkout). Facts may
carry over from them, sentences may not; a shared run of twelve words is the sign of a copied
sentence. The notes are not part of the product, so the check skips where the folder is absent.
``CHAPBOOK_SOURCE_NOTES`` names another folder of notes (a worktree sits elsewhere).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN = 12
WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


def _notes_folder() -> Path | None:
    named = os.environ.get("CHAPBOOK_SOURCE_NOTES")
    folder = Path(named) if named else ROOT.parent / "shared" / "sources"
    return folder if folder.is_dir() else None


def _words(text: str) -> list[str]:
    # Markdown marks, citation keys and term spans are not words of a sentence.
    text = re.sub(r"\[@[^\]]*\]|@[\w:-]+|\{[^}]*\}", " ", text)
    return WORD.findall(text.lower().replace("’", "'"))


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


def _booklet_files() -> list[Path]:
    chapters = ROOT / "chapters"
    files = sorted(chapters.glob("*.md")) + sorted(chapters.glob("*.yaml"))
    return files + sorted((chapters / "figures").glob("*"))


def shared_runs(text: str, notes: dict[str, set[tuple[str, ...]]]) -> list[tuple[str, str]]:
    """The note and the words of every 12-word run that ``text`` shares with a note."""
    found = []
    mine = _runs(_words(text))
    for name, runs in notes.items():
        found += [(name, " ".join(run)) for run in sorted(mine & runs)]
    return found


def test_a_copied_sentence_is_found() -> None:
    note = "Within a few days Stakhanov's feat was hailed by the party newspaper as a world record."
    notes = {"note.txt": _runs(_words(note))}
    copied = "As we read, within a few days Stakhanov's feat was hailed by the party newspaper."
    own = "Pravda called the shift a world record before the week was out [@siegelbaum1988]."
    assert shared_runs(copied, notes) == [
        ("note.txt", "within a few days stakhanov's feat was hailed by the party newspaper")]
    assert shared_runs(own, notes) == []


def test_no_twelve_word_run_is_shared_with_the_research_notes() -> None:
    folder = _notes_folder()
    if folder is None:
        pytest.skip("no research notes beside the repository (../shared/sources)")
    notes = {path.name: _runs(_words(path.read_text(encoding="utf-8", errors="replace")))
             for path in sorted(folder.iterdir()) if path.is_file()}
    assert notes, f"{folder} holds no notes"
    copied = [f"{path.relative_to(ROOT)} shares with {name}: {run}"
              for path in _booklet_files() if path.suffix in {".md", ".yaml", ".svg"}
              for name, run in shared_runs(path.read_text(encoding="utf-8"), notes)]
    assert copied == [], "\n".join(copied)

"""The watcher keeps each fragment's parse for the next build (resolve/structure.py): a
book read from kept parses must come out exactly as one parsed afresh, and an edit must be
parsed again."""

from __future__ import annotations

from pathlib import Path

import pytest

from chapbook.diagnostics import Diagnostics
from chapbook.pipeline import BuildOptions, prepare
from chapbook.render.html import BookRenderer
from chapbook.render.markdown_html import RenderOptions
from chapbook.resolve import structure

REPO = Path(__file__).resolve().parents[1]  # the booklet itself


def _made(root: Path) -> tuple[list[str], list[str]]:
    """The booklet's diagnostics and its HTML in both editions."""
    diagnostics = Diagnostics()
    book = prepare(root, BuildOptions(), diagnostics)
    html = [BookRenderer(book, RenderOptions(teacher=teacher), book.config.style,
                         Diagnostics()).render_document(("front", "body", "back"),
                                                        placeholder_toc=True)
            for teacher in (False, True)]
    return [d.format() for d in diagnostics.sorted()], html


@pytest.mark.parametrize("which", ["booklet", "mini"])
def test_a_book_from_kept_parses_is_the_book_parsed_afresh(which, mini_project, monkeypatch):
    root = REPO if which == "booklet" else mini_project
    monkeypatch.setattr(structure, "_kept", None)
    fresh = _made(root)
    structure.keep_parses()
    filling = _made(root)
    parsed: list[str] = []
    real_parse = structure.parse_fragment
    monkeypatch.setattr(structure, "parse_fragment",
                        lambda fragment, language: (parsed.append(fragment.text),
                                                    real_parse(fragment, language)))
    kept = _made(root)
    assert parsed == [], "an unchanged fragment was parsed again"
    assert fresh == filling == kept
    assert fresh[1][0] != fresh[1][1]  # the editions differ, so both were compared


def test_an_edited_fragment_is_parsed_again_and_its_old_parse_dropped(mini_project,
                                                                      monkeypatch):
    monkeypatch.setattr(structure, "_kept", None)
    structure.keep_parses()
    _made(mini_project)
    chapter = mini_project / "chapters/01-first.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("[@siegelbaum1988]", "[@nosuchkey]", 1), encoding="utf-8")
    parsed: list[str] = []
    real_parse = structure.parse_fragment
    monkeypatch.setattr(structure, "parse_fragment",
                        lambda fragment, language: (parsed.append(fragment.text),
                                                    real_parse(fragment, language)))
    diagnostics, _ = _made(mini_project)
    assert len(parsed) == 1 and "[@nosuchkey]" in parsed[0]
    assert any("nosuchkey" in line for line in diagnostics)
    kept = structure._kept
    assert kept is not None
    old = parsed[0].replace("[@nosuchkey]", "[@siegelbaum1988]", 1)
    assert ("en", parsed[0]) in kept and ("en", old) not in kept, "the old parse was kept"

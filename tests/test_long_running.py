"""A watcher or a check server runs for hours, reading and laying out the booklet after every
save: nothing it made for one save may stay once it is of no use."""

from __future__ import annotations

import gc

import pytest
import yaml

from chapbook.diagnostics import Diagnostics
from chapbook.load import yamlfile
from chapbook.load.yamlfile import load_yaml
from chapbook.pipeline import BuildOptions, check
from chapbook.typeset import pdf as typeset_pdf
from chapbook.typeset.kept_layouts import KEPT_FOR, KeptLayouts
from chapbook.watching import Rebuilder

#: Builds PDFs or runs chapbook in subprocesses: left out of `pytest -m 'not slow'`.
pytestmark = pytest.mark.slow


def _yaml_nodes() -> int:
    gc.collect()
    return sum(isinstance(o, yaml.Node) for o in gc.get_objects())


def test_reading_yaml_keeps_none_of_its_nodes():
    before = _yaml_nodes()
    for n in range(20):
        doc = load_yaml(f"title: Save {n}\nterms: [norm, shift, {n}]\nwhen: 1935-08-31\n",
                        "chapter.md", Diagnostics())
        assert doc is not None and doc.data["terms"][2] == n
    assert _yaml_nodes() == before


def test_checking_again_and_again_keeps_no_more_than_the_first_check(mini_project):
    """The front matter, glossary and timeline are YAML, read on every check."""
    check(mini_project, BuildOptions())
    before = _yaml_nodes()
    chapter = next((mini_project / "chapters").glob("*.md"))
    for n in range(5):
        chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n\nSaved {n}.\n",
                           encoding="utf-8")
        check(mini_project, BuildOptions())
    assert _yaml_nodes() == before


def test_a_process_that_reads_again_parses_each_yaml_text_once(monkeypatch):
    """A watcher or check server reads the same front matter and glossary on every save:
    each text is parsed once, every reader gets a copy of its own, a mistake is reported
    every time, and only the last texts are kept."""
    monkeypatch.setattr(yamlfile, "_parsed", None)  # as in a new process
    composed: list[str] = []
    compose = yaml.compose
    monkeypatch.setattr(yaml, "compose", lambda text, **kw: (composed.append(text),
                                                             compose(text, **kw))[1])
    yamlfile.keep_parsed_yaml()
    text = "title: The record shift\nterms: [norm]\nwhen: 1935-08-31\n"
    first = load_yaml(text, "a.md", Diagnostics(), line_offset=1)
    assert first is not None
    first.data["terms"].append("changed by its reader")
    again = load_yaml(text, "a.md", Diagnostics(), line_offset=1)
    assert again is not None and again.data["terms"] == ["norm"]
    assert again.lines == first.lines and again.line("when") == 4
    assert composed == [text]
    shifted = load_yaml(text, "b.md", Diagnostics(), line_offset=5)
    assert shifted is not None and shifted.line("when") == 8 and len(composed) == 2
    for _ in range(2):
        diagnostics = Diagnostics()
        assert load_yaml("title: [unclosed\n", "c.md", diagnostics) is None
        assert [d.file for d in diagnostics.errors] == ["c.md"]
    for n in range(yamlfile._KEPT_PARSED + 10):
        load_yaml(f"n: {n}\n", "d.md", Diagnostics())
    assert yamlfile._parsed is not None and len(yamlfile._parsed) == yamlfile._KEPT_PARSED


def test_layouts_are_kept_while_one_of_the_last_typesettings_used_them():
    kept: KeptLayouts[str] = KeptLayouts()
    made: list[str] = []

    def lay_out(html: str):
        return lambda: made.append(html) or f"layout of {html}"

    versions = [f"version {n}" for n in range(KEPT_FOR + 2)]
    for version in versions:
        assert kept.get(("chapter", version), lay_out(version)) == f"layout of {version}"
        assert kept.get("blank page", lay_out("blank")) == "layout of blank"
        kept.typeset_done()
    assert made == [versions[0], "blank", *versions[1:]]
    assert [v for v in versions if ("chapter", v) in kept] == versions[-KEPT_FOR:]
    assert len(kept) == KEPT_FOR + 1
    kept.get(("chapter", versions[-2]), lay_out(versions[-2]))  # the last edit taken back
    assert made == [versions[0], "blank", *versions[1:]]


def test_a_pdf_watcher_keeps_as_many_layouts_after_many_saves_as_after_two(mini_project):
    """Each save lays out the chapter it changed (and the pages that list page numbers)
    anew; the layouts they replace must go, or a watcher grows with every save."""
    rebuilder = Rebuilder(mini_project, BuildOptions(), pdf=True)
    chapter = sorted((mini_project / "chapters").glob("*.md"))[0]
    text = chapter.read_text(encoding="utf-8")
    counts = []
    for n in range(KEPT_FOR + 4):
        chapter.write_text(text + f"\n\nA sentence added on save {n}.\n", encoding="utf-8")
        assert rebuilder.rebuild().ok
        counts.append(len(typeset_pdf._KEPT))
    assert counts[-1] == counts[KEPT_FOR], counts


def test_a_booklet_and_a_preview_typeset_in_turn_each_keep_their_layouts(mini_project,
                                                                          monkeypatch):
    made = [0]
    lay_out = typeset_pdf.Typesetter._layout

    def counted(self, html, first_page=1):
        made[0] += 1
        return lay_out(self, html, first_page)

    monkeypatch.setattr(typeset_pdf.Typesetter, "_layout", counted)
    whole = Rebuilder(mini_project, BuildOptions(), pdf=True)
    preview = Rebuilder(mini_project, BuildOptions(chapter=1), pdf=True)
    assert whole.rebuild().ok
    first = made[0]
    for _ in range(3):
        assert preview.rebuild().ok
    made[0] = 0
    assert whole.rebuild().ok
    assert made[0] == 0, f"{made[0]} of {first} layouts made again for an unchanged booklet"

"""A watcher or a check server runs for hours, reading and laying out the booklet after every
save: nothing it made for one save may stay once it is of no use."""

from __future__ import annotations

import gc

import yaml

from chapbook.diagnostics import Diagnostics
from chapbook.load.yamlfile import load_yaml
from chapbook.pipeline import BuildOptions, check


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


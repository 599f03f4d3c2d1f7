"""Cross-references in pandoc-crossref syntax: ``@fig:id``, ``[see @sec:id]``, ``@ch:slug``."""

from __future__ import annotations

from pathlib import Path

from chapbook.diagnostics import Severity
from chapbook.pipeline import BuildOptions, build, check


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _with_targets(root: Path, reference: str) -> None:
    _edit(root / "chapters/01-first.md", "::: figure\n", "{#fig:bars}\n::: figure\n")
    second = root / "chapters/02-second.md"
    _edit(second, "## Gamma section\n", "{#sec:gamma}\n## Gamma section\n")
    _edit(second, "## Delta section\n", f"{reference}\n\n## Delta section\n")


def test_references_print_labels_and_link_to_their_targets(mini_project):
    _with_targets(mini_project, "As @fig:bars shows [see @sec:gamma; @ch:first].")
    result = build(mini_project, BuildOptions(format="html"))
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    html = result.outputs[0].read_text(encoding="utf-8")
    assert 'As <a class="xref" href="#fig:bars">Figure\u00a01</a> shows' in html
    assert ('see <a class="xref" href="#sec:gamma">“Gamma section”</a>; '
            '<a class="xref" href="#ch-01-first">Chapter\u00a01</a>') in html
    assert '<figure class="figure" id="fig:bars">' in html
    assert 'id="sec:gamma"' in html


def test_unknown_target_is_an_error_with_a_suggestion(mini_project):
    _with_targets(mini_project, "As @fig:barz shows.")
    errors = [d for d in check(mini_project, BuildOptions()).sorted()
              if d.severity is Severity.ERROR]
    assert len(errors) == 1, [d.format() for d in errors]
    assert errors[0].file == "chapters/02-second.md"
    assert "'fig:barz'" in errors[0].message and "'fig:bars'" in errors[0].message


def test_a_reference_mixed_with_a_citation_is_an_error(mini_project):
    _with_targets(mini_project, "See [@fig:bars; @siegelbaum1988].")
    messages = [d.message for d in check(mini_project, BuildOptions()).errors]
    assert any("mixes works and cross-references" in m for m in messages), messages

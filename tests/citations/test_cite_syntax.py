"""Pandoc citation syntax and the markdown-it-py plugin."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.footnote import footnote_plugin

from chapbook.citations.plugin import citations_plugin
from chapbook.citations.syntax import Cite, CiteItem, find_citations


def one(text: str) -> Cite:
    found = find_citations(text)
    assert len(found) == 1, found
    return found[0][0]


def test_bracketed_with_locator_prefix_and_two_works() -> None:
    cite = one("[see @davies2002, 870-72; @siegelbaum1986]")
    assert cite == Cite((CiteItem("davies2002", "see", "870-72", "page"),
                         CiteItem("siegelbaum1986")), narrative=False)


@pytest.mark.parametrize(("source", "locator", "label", "suffix"), [
    ("[@a, p. 33]", "33", "page", ""),
    ("[@a, pp. 33-35]", "33-35", "page", ""),
    ("[@a, chap. 3]", "3", "chapter", ""),
    ("[@a, sec. 2.1]", "2", "section", ".1"),
    ("[@a, fig. 4]", "4", "figure", ""),
    ("[@a, n. 12]", "12", "note", ""),
    ("[@a, para. 7]", "7", "paragraph", ""),
    ("[@a, vol. 2]", "2", "volume", ""),
    ("[@a, 12, emphasis added]", "12", "page", ", emphasis added"),
    ("[@a, {IV, 3}]", "IV, 3", "page", ""),
    ("[@a, and passim]", "", "", ", and passim"),
])
def test_locators(source: str, locator: str, label: str, suffix: str) -> None:
    item = one(source).items[0]
    assert (item.locator, item.label, item.suffix) == (locator, label, suffix)


def test_narrative_and_suppressed() -> None:
    cite = one("@kotkin2017 [p. 5] says")
    assert cite.narrative and cite.items[0].locator == "5"
    cite = one("as he says [-@overy2006]")
    assert not cite.narrative and cite.items[0].suppress_author
    assert one("(@kotkin2017.)").items[0].key == "kotkin2017"  # trailing dot is not the key


@pytest.mark.parametrize("text", [
    "write to a.b@example.com today", "x@y.org", "user_1@host.net", "[link](http://x.org)",
    "[^1]", "[word]{.term}", "[no key here]", "[mail me@x.org](mailto:me@x.org)",
])
def test_not_citations(text: str) -> None:
    assert find_citations(text) == []


def _md() -> MarkdownIt:
    return (MarkdownIt("commonmark").use(footnote_plugin).use(attrs_plugin, spans=True)
            .use(citations_plugin))


def test_plugin_tokens_and_neighbours() -> None:
    src = ("A [@siegelbaum1988, p. 33], [a link](http://x.org), note[^1], [word]{.term}, "
           "a.b@example.com, @kotkin2017 [p. 5].\n\n[^1]: In a note [@davies2002].\n")
    md = _md()
    tokens = md.parse(src)
    cites = [c for t in tokens for c in (t.children or []) if c.type == "citation"]
    assert [c.content for c in cites] == ["[@siegelbaum1988, p. 33]", "@kotkin2017 [p. 5]",
                                           "[@davies2002]"]
    assert cites[0].meta["cite"].items[0].locator == "33"
    html = md.render(src)
    assert '<a href="http://x.org">a link</a>' in html
    assert 'class="footnote-ref"' in html and '<span class="term">word</span>' in html
    assert "a.b@example.com" in html


def test_plugin_uses_resolved_html() -> None:
    md = _md()
    tokens = md.parse("See [@a].")
    for token in tokens[1].children or []:
        if token.type == "citation":
            token.meta["html"] = "(A 1990)"
    assert md.renderer.render(tokens, md.options, {}) == "<p>See (A 1990).</p>\n"

"""markdown-it-py plugin: pandoc citations become ``citation`` tokens.

The rule sits before ``link`` because ``[`` starts a link; it gives way (returns False)
for anything that is not a citation, so links, footnote references and attribute spans
parse as before. Each token carries the parsed :class:`~chapbook.citations.syntax.Cite`
in ``token.meta["cite"]`` and the source text in ``token.content``; the build resolves
and renders them (the default render rule below only shows the source text, so a
document rendered without the engine is still readable).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from chapbook.citations.syntax import match_citation


def _citation_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    ch = state.src[pos]
    if ch not in "[@":
        return False
    if ch == "@" and pos > 0:
        before = state.src[pos - 1]
        if before.isalnum() or before in "._":
            return False
    result = match_citation(state.src, pos)
    if result is None:
        return False
    cite, end = result
    if end > state.posMax:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.content = state.src[pos:end]
        token.meta = {"cite": cite}
    state.pos = end
    return True


def _render_citation(self: Any, tokens: Sequence[Token], idx: int, options: Any,
                     env: Any) -> str:
    token = tokens[idx]
    rendered = token.meta.get("html")
    if rendered is not None:
        return str(rendered)
    keys = " ".join(item.key for item in token.meta["cite"].items)
    return (f'<span class="citation" data-cites="{html.escape(keys)}">'
            f"{html.escape(token.content)}</span>")


def citations_plugin(md: MarkdownIt) -> None:
    """Register the citation rule. Set ``token.meta["html"]`` to control the output."""
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.add_render_rule("citation", _render_citation)

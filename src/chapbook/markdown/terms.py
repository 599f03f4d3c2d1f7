"""Inline rule for glossary-term marks: ``[kulaks]{.term}`` and ``[rich peasants]{term="kulak"}``.

This is pandoc's bracketed-span syntax, so the same chapter still builds with pandoc (the
word appears as a plain span there). It must run before markdown-it's ``link`` rule, which
would otherwise take the ``[`` and give up.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

_ATTRS = re.compile(
    r"""\{\s*(?:\.term|term\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s}]+)))\s*\}"""
)


def _term_rule(state: StateInline, silent: bool) -> bool:
    src = state.src
    start = state.pos
    if src[start] != "[" or src.startswith("[^", start) or src.startswith("[@", start):
        return False
    end = src.find("]", start + 1)
    if end < 0 or "[" in src[start + 1:end]:
        return False
    match = _ATTRS.match(src, end + 1)
    if not match:
        return False
    label = src[start + 1:end]
    if not label.strip():
        return False
    if not silent:
        token = state.push("term", "", 0)
        token.content = label
        token.markup = src[start:match.end()]
        key = match.group("dq") or match.group("sq") or match.group("bare") or ""
        token.meta = {"key": key.strip(), "text": label, "offset": start}
    state.pos = match.end()
    return True


def terms_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "term", _term_rule)

"""pandoc's heading attributes: ``## The record shift {#sec:record}`` gives the heading its id.

pandoc and pandoc-crossref write a heading's id after its title; chapbook's other form is
``{#sec:record}`` on the line above (mdit's block attributes). A core rule, before the inline
rules read the title, takes a trailing ``{#id .class key=value}`` off the title and sets the
id (and classes) on ``heading_open``; an id given on the line above wins. pandoc's
``{-}`` and ``{.unnumbered}`` mean nothing here (chapbook does not number sections) and are
simply taken off.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

_TRAILING = re.compile(r"\s+\{(?P<body>[^{}]*)\}\s*$")
_PART = re.compile(r"""#(?P<id>[^\s}]+)|\.(?P<cls>[\w-]+)|(?P<dash>-)(?=\s|$)"""
                   r"""|(?P<key>[\w-]+)=(?:"[^"]*"|\S+)""")


def _heading_attributes(state: StateCore) -> None:
    tokens = state.tokens
    for i, token in enumerate(tokens[:-1]):
        if token.type != "heading_open" or tokens[i + 1].type != "inline":
            continue
        inline = tokens[i + 1]
        found = _TRAILING.search(inline.content)
        if not found:
            continue
        body = found.group("body").strip()
        parts = list(_PART.finditer(body))
        if not parts or "".join(p.group(0) for p in parts) != "".join(body.split()):
            continue  # not an attribute list: braces that belong to the title
        inline.content = inline.content[:found.start()]
        for part in parts:
            if part.group("id") and "id" not in token.attrs:
                token.attrSet("id", part.group("id"))
            elif part.group("cls") and part.group("cls") != "unnumbered":
                token.attrJoin("class", part.group("cls"))


def heading_attributes_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("block", "heading_attributes", _heading_attributes)

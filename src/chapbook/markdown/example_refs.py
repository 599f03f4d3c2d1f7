"""References to pandoc's numbered examples: ``(@good)`` in the text prints ``(2)``.

The labels are known once the block rules have read every ``(@good)`` item
(:mod:`.fancy_lists`), which is before any inline rule runs, so a reference may come before
its example, as in pandoc. An ``(@x)`` whose label names no example is left to the citation
rule, again as pandoc does: it is then a citation of ``x``.

markdown-it's text rule does not stop at ``(``, so this rule runs at the ``@`` and takes the
``(`` back from the pending text.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

_REF = re.compile(r"@([\w-]+)\)")


def _example_ref(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "@" or pos == 0 or state.src[pos - 1] != "(":
        return False
    if not state.pending.endswith("("):
        return False
    match = _REF.match(state.src, pos)
    examples = state.env.get("examples") or {}
    if not match or match.group(1) not in examples:
        return False
    if not silent:
        state.pending = state.pending[:-1]
        token = state.push("text", "", 0)
        token.content = f"({examples[match.group(1)]})"
        token.meta = {"example_ref": match.group(1)}
    state.pos = match.end()
    return True


def example_refs_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "example_ref", _example_ref)

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


NOTE_MARK = '<span class="footnote'
_PUNCTUATION = ".,;:?!"


def _strip_space_before(children: Sequence[Token], index: int) -> None:
    """Remove the spaces and line breaks between the text and the citation at ``index``."""
    back = index - 1
    while back >= 0:
        token = children[back]
        if token.type == "softbreak":  # "rubble\n[@freeze1997]": the break was a space
            token.type, token.content, token.tag = "text", "", ""
        elif token.type == "text":
            token.content = token.content.rstrip(" \t")
            if token.content:
                return
        else:
            return
        back -= 1


def attach_note_marks(tokens: Sequence[Token]) -> None:
    """Set footnote citations as notes are set: "record.¹¹", not "record ¹¹.".

    Call once, after the citation pass has put each citation's HTML in
    ``token.meta["html"]``; ``tokens`` are a fragment's block tokens. For each citation
    whose HTML holds a footnote (``<span class="footnote``), the space before it goes when
    nothing of it stands in the text, and the punctuation after it moves in front of the
    note mark (CMOS 18 13.26, as pandoc does). Other citations are left alone.
    """
    for block in tokens:
        children = block.children or []
        for index, child in enumerate(children):
            if child.type != "citation":
                continue
            html_text = str(child.meta.get("html", ""))
            position = html_text.find(NOTE_MARK)
            if position < 0:
                continue
            if html_text.startswith('<span class="citation">' + NOTE_MARK):
                _strip_space_before(children, index)
            after = children[index + 1] if index + 1 < len(children) else None
            if after is None or after.type != "text":
                continue
            count = 0
            while count < min(3, len(after.content)) and after.content[count] in _PUNCTUATION:
                count += 1
            punctuation = after.content[:count]
            if not punctuation or punctuation == "...":
                continue
            after.content = after.content[count:]
            before = children[index - 1] if index > 0 else None
            if (punctuation in (".", ",") and position == len('<span class="citation">')
                    and before is not None and before.type == "text"
                    and before.content.endswith("”")):
                # American usage: the period or comma inside the quotation marks (CMOS 6.9)
                before.content = before.content[:-1] + punctuation + "”"
                continue
            child.meta["html"] = (html_text[:position] + html.escape(punctuation)
                                  + html_text[position:])


def citations_plugin(md: MarkdownIt) -> None:
    """Register the citation rule. Set ``token.meta["html"]`` to control the output."""
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.add_render_rule("citation", _render_citation)

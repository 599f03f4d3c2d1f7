"""pandoc's table captions: a paragraph ``Table: text`` (or ``: text``) after or before a table.

markdown-it's pipe table runs on until a blank line, so a caption written straight under the
last row would become one more row: the block rule here ends a table at such a line (it is
one of the terminators the table rule asks, which are the block quote's) and marks the
paragraph it makes. A core rule then moves a marked paragraph that touches a table into it:
``table_caption_open``, the caption's ``inline``, ``table_caption_close``, right after
``table_open``. A marked paragraph with no table beside it stays an ordinary paragraph, as
in pandoc. ``Table: text {#tbl:x}`` gives the table its id, as pandoc-crossref reads it;
``{#tbl:x}`` on the line above the table does the same (mdit's block attributes).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .table_tokens import line_content

#: ``Table: text`` or ``: text`` (pandoc also takes ``table:``).
CAPTION = re.compile(r"^(?:[Tt]able)?:[ \t]+\S")
#: A trailing ``{#tbl:x}`` on the caption.
_TRAILING_ID = re.compile(r"\s*\{\s*#(?P<id>[^\s}]+)\s*\}\s*$")


def _caption_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.is_code_block(start):
        return False
    first = line_content(state, start)
    if not CAPTION.match(first):
        return False
    if silent:
        # asked whether a block quote's lazy line ends it: as in pandoc, it does not
        return state.parentType != "blockquote"
    line = start + 1
    while line < end and not state.isEmpty(line) and state.sCount[line] >= state.blkIndent:
        line += 1
    text = state.getLines(start, line, state.blkIndent, False).strip()
    token = state.push("paragraph_open", "p", 1)
    token.map = [start, line]
    token.meta = {"table_caption": True}
    inline = state.push("inline", "", 0)
    inline.content = text
    inline.map = [start, line]
    inline.children = []
    state.push("paragraph_close", "p", -1)
    state.line = line
    return True


def _paragraph_at(tokens: list[Token], i: int) -> bool:
    return (i >= 0 and i + 2 < len(tokens) and tokens[i].type == "paragraph_open"
            and tokens[i].meta.get("table_caption", False))


def _table_end(tokens: list[Token], start: int) -> int:
    depth = 0
    for j in range(start, len(tokens)):
        if tokens[j].type == "table_open":
            depth += 1
        elif tokens[j].type == "table_close":
            depth -= 1
            if not depth:
                return j
    return len(tokens) - 1


def _attach(state: StateCore) -> None:
    tokens = state.tokens
    i = 0
    while i < len(tokens):
        table = tokens[i]
        if table.type != "table_open" or "caption" in table.meta:
            i += 1
            continue
        close = _table_end(tokens, i)
        if _paragraph_at(tokens, close + 1) and tokens[close + 1].level == table.level:
            where = close + 1
        elif _paragraph_at(tokens, i - 3) and tokens[i - 3].level == table.level:
            where = i - 3
        else:
            i += 1
            continue
        inline = tokens[where + 1]
        text = inline.content.split(":", 1)[1].strip()
        found = _TRAILING_ID.search(text)
        if found:
            text = text[:found.start()]
            table.attrs.setdefault("id", found.group("id"))
        inline.content = text
        if "id" in tokens[where].attrs:  # ``{#tbl:x}`` above a caption written first
            table.attrs.setdefault("id", tokens[where].attrs["id"])
        table.meta["caption"] = True
        opening = Token("table_caption_open", "caption", 1, map=inline.map, level=table.level + 1)
        closing = Token("table_caption_close", "caption", -1, level=table.level + 1)
        inline.level = table.level + 2
        del tokens[where:where + 3]
        if where < i:
            i -= 3
        tokens[i + 1:i + 1] = [opening, inline, closing]
        i += 4


def table_captions_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("table", "table_caption", _caption_block,
                          {"alt": ["table", "blockquote"]})
    md.core.ruler.after("block", "table_captions", _attach)

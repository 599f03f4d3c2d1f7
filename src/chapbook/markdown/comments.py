"""``<!-- comments -->`` vanish, as in pandoc's output.

markdown-it keeps an HTML comment as raw HTML (a block or an inline token), and the HTML
page would carry it: a teacher's "<!-- answer: 1936 -->" would sit in the student edition's
HTML source. A core rule after the inline pass removes every comment; a block holding
something besides the comment keeps that something.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

COMMENT = re.compile(r"<!--.*?-->", re.S)


def _drop_comments(state: StateCore) -> None:
    kept = []
    for token in state.tokens:
        if token.type == "html_block" and "<!--" in token.content:
            token.content = COMMENT.sub("", token.content)
            if not token.content.strip():
                continue
        elif token.type == "inline" and token.children:
            token.children = [child for child in token.children if not (
                child.type == "html_inline" and COMMENT.fullmatch(child.content.strip()))]
        kept.append(token)
    state.tokens = kept


def comments_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("inline", "drop_comments", _drop_comments)

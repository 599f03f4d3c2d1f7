"""Per-language typography that markdown-it's typographer does not do.

French sets a space before ``; : ! ?`` and inside « », and never lets a line break there:
a narrow no-break space (U+202F) before ``; ! ?`` and inside the guillemets, a no-break space
(U+00A0) before ``:`` (Imprimerie nationale, *Lexique des règles typographiques*). Writers type
an ordinary space, or none; both come out right. Only text is touched: code, URLs in links'
targets and maths are other tokens.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

NNBSP = "\u202f"
NBSP = "\u00a0"

# A mark that follows a word (or a closing quote or bracket) and ends a phrase: followed by
# a space, the end of the text, or more closing punctuation. "http://" is not touched.
_HIGH_PUNCT = re.compile(r"(?<=[\w»)\]”’%])[ \u00a0\u202f]?([;!?]+|:)(?=\s|$|[»)\]”’!?.,])")
_AFTER_OPEN = re.compile(r"«[ \u00a0\u202f]?")
_BEFORE_CLOSE = re.compile(r"[ \u00a0\u202f]?»")


def french_spacing(text: str) -> str:
    def space(match: re.Match[str]) -> str:
        mark = match.group(1)
        return (NBSP if mark == ":" else NNBSP) + mark

    text = _HIGH_PUNCT.sub(space, text)
    text = _AFTER_OPEN.sub("«" + NNBSP, text)
    return _BEFORE_CLOSE.sub(NNBSP + "»", text)


def _french_rule(state: StateCore) -> None:
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        if not any(c in token.content for c in ";:!?«»"):
            continue
        for child in token.children:
            if child.type == "text":
                child.content = french_spacing(child.content)


def typography_plugin(md: MarkdownIt, language: str) -> None:
    """Add the rules of ``language`` (a primary subtag) after the smart quotes."""
    if language == "fr":
        md.core.ruler.after("smartquotes", "french_spacing", _french_rule)

"""Per-language typography that markdown-it's typographer does not do.

A passage in another language, ``[Il a dit "oui" !]{lang=fr}``, gets that language's
quotation marks (and French spacing) instead of the booklet's; WeasyPrint hyphenates it by
its ``lang`` attribute.

French sets a space before ``; : ! ?`` and inside « », and never lets a line break there:
a narrow no-break space (U+202F) before ``; ! ?`` and inside the guillemets, a no-break space
(U+00A0) before ``:`` (Imprimerie nationale, *Lexique des règles typographiques*). Writers type
an ordinary space, or none; both come out right. Only text is touched: code, URLs in links'
targets and maths are other tokens.
"""

from __future__ import annotations

import re
from collections.abc import Callable

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
        languages: list[str] = []
        for child in token.children:
            if child.type == "span_open":
                languages.append(str(child.attrs.get("lang") or (languages or ["fr"])[-1]))
            elif child.type == "span_close" and languages:
                languages.pop()
            elif child.type == "text" and (not languages or languages[-1].startswith("fr")):
                child.content = french_spacing(child.content)


def _requote(text: str, book: tuple[str, ...], own: tuple[str, ...], inner: list[int]) -> str:
    """The booklet's quotation marks in ``text`` as the passage's own. The inner closing
    mark is changed only after an inner opening one: in English it is also the apostrophe."""
    spaces = "[\u00a0\u202f]?"
    bare = [mark.strip("\u00a0\u202f ") for mark in book]
    if bare[0] != book[0] or bare[1] != book[1]:  # French marks carry their spaces
        text = re.sub(re.escape(bare[0]) + spaces, bare[0], text)
        text = re.sub(spaces + re.escape(bare[1]), bare[1], text)
        book = tuple(bare)
    out = []
    for char in text:
        if char == book[0]:
            char = own[0]
        elif char == book[1]:
            char = own[1]
        elif char == book[2] and book[2] != book[1]:
            inner.append(1)
            char = own[2]
        elif char == book[3] and inner:
            inner.pop()
            char = own[3]
        out.append(char)
    return "".join(out)


def _passage_rule(book_language: str) -> Callable[[StateCore], None]:
    from ..words import words_for

    book_quotes = words_for(book_language).quotes

    def rule(state: StateCore) -> None:
        for token in state.tokens:
            if token.type != "inline" or not token.children:
                continue
            languages: list[str] = []
            inner: list[int] = []
            for child in token.children:
                if child.type == "span_open":
                    languages.append(str(child.attrs.get("lang") or (languages or [""])[-1]))
                elif child.type == "span_close" and languages:
                    languages.pop()
                elif child.type == "text" and languages and languages[-1]:
                    own = languages[-1].split("-")[0].lower()
                    if own == book_language:
                        continue
                    child.content = _requote(child.content, book_quotes,
                                             words_for(own).quotes, inner)
                    if own == "fr":
                        child.content = french_spacing(child.content)
    return rule


def typography_plugin(md: MarkdownIt, language: str) -> None:
    """Add the rules of ``language`` (a primary subtag) after the smart quotes."""
    if language == "fr":
        md.core.ruler.after("smartquotes", "french_spacing", _french_rule)
    md.core.ruler.push("passage_quotes", _passage_rule(language))

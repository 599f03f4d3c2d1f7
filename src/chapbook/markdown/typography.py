"""Per-language typography that markdown-it's typographer does not do.

A passage in another language, ``[Il a dit "oui" !]{lang=fr}`` or a fenced div
``::: {lang=fr}``, gets that language's quotation marks (nested ones too) and French spacing
instead of the booklet's; its ``lang`` attribute makes WeasyPrint hyphenate it with that
language's patterns (loaded by typeset/hyphenation.py for every language a booklet uses).

French sets a space before ``; : ! ?`` and inside « », and never lets a line break there:
a narrow no-break space (U+202F) before ``; ! ?`` and inside the guillemets, a no-break space
(U+00A0) before ``:`` (Imprimerie nationale, *Lexique des règles typographiques*). Writers type
an ordinary space, or none; both come out right. Only text is touched: code, URLs in links'
targets and maths are other tokens.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..words import primary_language
from .containers import div_language

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


def _text_languages(tokens: list[Token],
                    book_language: str) -> Iterator[tuple[Token, str, bool]]:
    """Each text token of a parsed fragment with the language it is in, and whether it
    follows other text on its line (a span or a link before it): a span's
    ``[...]{lang=xx}``, else the passage's or box's ``::: {lang=xx}`` around it, else the
    booklet's. One walk, so that spans and passages follow the same rules."""
    blocks: list[str] = [book_language]
    for token in tokens:
        if token.type.startswith("container_"):
            if token.nesting == 1:
                blocks.append(div_language(token.info) or blocks[-1])
            elif token.nesting == -1 and len(blocks) > 1:
                blocks.pop()
            continue
        if token.type != "inline" or not token.children:
            continue
        spans: list[str] = [blocks[-1]]
        follows = False
        for child in token.children:
            if child.type == "span_open":
                spans.append(str(child.attrs.get("lang") or spans[-1]))
            elif child.type == "span_close" and len(spans) > 1:
                spans.pop()
            elif child.type == "text":
                yield child, spans[-1], follows
            follows = child.type not in ("softbreak", "hardbreak")


def _language_rule(book_language: str) -> Callable[[StateCore], None]:
    """Quotation marks of a passage in another language as that language's (markdown-it
    gave it the booklet's), and French spacing wherever the text is French."""
    from ..words import words_for

    book_quotes = words_for(book_language).quotes

    def rule(state: StateCore) -> None:
        inner: list[int] = []
        for child, language, follows in _text_languages(state.tokens, book_language):
            own = primary_language(language)
            if own != book_language:
                child.content = _requote(child.content, book_quotes,
                                         words_for(own).quotes, inner)
            if own == "fr" and any(c in child.content for c in ";:!?«»"):
                # "[texte]{lang=fr} :" -- the mark follows the span as it would a word
                child.content = (french_spacing("x" + child.content)[1:] if follows
                                 else french_spacing(child.content))
    return rule


def typography_plugin(md: MarkdownIt, language: str) -> None:
    """Add the rules of ``language`` (a primary subtag) after the smart quotes."""
    md.core.ruler.push("language_typography", _language_rule(language))

"""Typographic quotation marks for text that does not pass through Markdown.

The chapters' Markdown gets its curly quotes from markdown-it's ``smartquotes`` rule; a
chapter's title in its front matter, the booklet's title in chapbook.toml and a glossary
headword are plain text, and printed straight quotes ("Wreckers") in the heading, the contents
and the PDF's bookmarks. This gives them the same marks, by the same rule of thumb: a quote
after a space, an opening bracket or a dash opens, any other closes; an apostrophe inside a
word is a closing single quote.
"""

from __future__ import annotations

#: After one of these (or at the start), a quotation mark opens.
_OPENS_AFTER = set(" \t\n\u00a0([{—–-/\u2009\u202f") | {""}


def smart_quotes(text: str, language: str = "en") -> str:
    """``text`` with its straight quotes ``"`` and ``'`` turned into the language's marks."""
    if '"' not in text and "'" not in text:
        return text
    from .words import words_for

    # the language's marks, as markdown-it is given them (markdown/parser.py)
    marks = "".join(words_for(language).quotes)
    out: list[str] = []
    for index, char in enumerate(text):
        if char not in "\"'":
            out.append(char)
            continue
        before = text[index - 1] if index else ""
        opening = before in _OPENS_AFTER
        if char == '"':
            out.append(marks[0] if opening else marks[1])
        elif opening:
            out.append(marks[2])
        else:
            # an apostrophe (Stalin's) and a closing single quote are the same mark in
            # English; other languages keep the apostrophe as the English one
            out.append("’" if before.isalnum() else marks[3])
    return "".join(out)

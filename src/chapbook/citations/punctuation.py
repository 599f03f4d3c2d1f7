"""Tidy the punctuation where template pieces meet.

A template says "title, then a period"; when the title already ends in "?" or in an
abbreviation ("Jr."), printing both is wrong. American styles (Chicago, APA, MLA) also
put a period or comma that follows a closing quotation mark inside it (Chicago 18
§6.9). All of this is done here, on the assembled text, skipping the markup markers
so that "<i>Title?</i>." loses its period too.
"""

from __future__ import annotations

import functools
import re

from chapbook.bibliography.markup import LINK_CLOSE, LINK_MID, LINK_OPEN, MARKERS

_M = "[" + "".join(sorted(MARKERS - {LINK_OPEN, LINK_MID})) + "]*"


def _visible_before(text: str, index: int) -> tuple[str, int]:
    """The last visible character before ``index`` and its position."""
    i = index - 1
    while i >= 0 and text[i] in MARKERS:
        if text[i] == LINK_MID:  # skip back over the link target
            i = text.rfind(LINK_OPEN, 0, i)
        i -= 1
    return (text[i], i) if i >= 0 else ("", -1)


@functools.lru_cache(maxsize=8192)
def clean(text: str, quotes_inside: bool = True) -> str:
    """Collapse doubled punctuation and move periods and commas inside quotes (kept for
    the texts seen before, as :func:`chapbook.bibliography.markup.to_html` is)."""
    # whitespace: collapse runs, none before , . ; :
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(rf" ({_M})(?=[,.;:)\]])", r"\1", text)
    out: list[str] = []
    index = 0
    while index < len(text):
        ch = text[index]
        index += 1
        if ch == LINK_OPEN:  # copy a link target untouched
            end = text.find(LINK_MID, index)
            end = len(text) if end == -1 else end
            close = text.find(LINK_CLOSE, end)
            shown = text[end + 1 : close] if close != -1 else ""
            if shown and text[index:end].endswith(shown):
                # a URL or DOI shown as itself: "49:8<693::AID>" keeps its colons
                out.extend(text[index - 1 : close + 1])
                index = close + 1
                continue
            out.extend(ch + text[index:end])
            index = end
            continue
        if ch in ".,;:?!" and out:
            joined = "".join(out)
            previous, position = _visible_before(joined, len(joined))
            if previous and position >= 0:
                if ch == "." and previous in ".?!…":
                    continue  # "Jr.." "Labor?." "…."
                if ch == "," and previous == "," or ch == ";" and previous == ";":
                    continue
                if ch == ":" and previous == ":":
                    continue
                if ch in ".," and previous in "?!" and quotes_inside:
                    # "Why?," -> Chicago keeps only the question mark
                    continue
                if quotes_inside and ch in ".," and previous in "”’" and _closes_quote(
                        joined, position):
                    # move inside: “Title.” — before any closing markers
                    inner_prev, _ = _visible_before(joined, position)
                    if inner_prev in ".?!,":
                        continue
                    out.insert(position, ch)
                    continue
        out.append(ch)
    return "".join(out)


def _closes_quote(text: str, position: int) -> bool:
    """Is the ’ at ``position`` a closing single quote rather than an apostrophe?"""
    if text[position] == "”":
        return True
    # an apostrophe ends a word ("Stalins’"); a closing quote has an opening ‘ before it
    opening = text.rfind("‘", 0, position)
    return opening != -1 and text.rfind("’", opening, position) == -1


def join(parts: list[str], delimiter: str) -> str:
    """Join the non-empty parts."""
    return delimiter.join(p for p in parts if p)


def strip_end_punct(text: str) -> str:
    """Remove a final period (for a title that the template follows with a comma)."""
    return text[:-1] if text.endswith(".") else text


__all__ = ["clean", "join", "strip_end_punct", "LINK_CLOSE"]

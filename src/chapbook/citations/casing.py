"""Title case (Chicago, MLA) and sentence case (APA) that respect protected words.

Words the .bib file braces (``{USSR}``, ``{Stalin}``) arrive wrapped in protection
markers and are never changed. Otherwise:

* title case (Chicago 18 §8.160, MLA 9 §1.2): capitalize the first and last words, the
  first word after a colon, and every word but articles, coordinating conjunctions,
  ``to`` and prepositions; hyphenated compounds capitalize each part
  ("Europe-Asia", "Post-Soviet"). Words written with an inner capital ("iPhone")
  or all capitals ("USSR") are left alone, as CSL processors do.
* sentence case (APA 7 §6.17): lower-case everything except the first word, the first
  word after a colon, and protected words. Like pandoc and citeproc-js, a word with
  capitals after its first letter ("USSR", "JSTOR") is kept.
"""

from __future__ import annotations

import re

from chapbook.bibliography.markup import LINK_MID, LINK_OPEN, MARKERS, PROTECT_OPEN

LOWER_WORDS = frozenset([
    "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by", "for",
    "from", "in", "into", "like", "near", "of", "off", "on", "onto", "out", "over", "past",
    "per", "than", "to", "up", "upon", "via", "with", "within", "without", "vs", "v",
])

_MARKS = "".join(MARKERS)
_TOKEN = re.compile(r"\ue000.*?\ue001|[^\s\-–—/\ue000]+|[\s\-–—/]+", re.S)


def _segments(text: str) -> list[tuple[str, bool]]:
    """Split into (piece, protected); whitespace and hyphens are their own pieces."""
    return [(m.group(0), m.group(0).startswith(PROTECT_OPEN)) for m in _TOKEN.finditer(text)]


def _core(word: str) -> tuple[str, str, str]:
    """Leading punctuation/markers, the letters, trailing punctuation."""
    match = re.match(r"^([\W_]*?)([\w’'.]*\w)?([\W_]*)$", word, re.S)
    if not match or not match.group(2):
        return word, "", ""
    return match.group(1), match.group(2), match.group(3)


def _has_inner_capital(word: str) -> bool:
    return any(c.isupper() for c in word[1:])


def _after_colon(previous_words: list[str]) -> bool:
    if not previous_words:
        return True
    last = "".join(ch for ch in previous_words[-1] if ch not in MARKERS).rstrip()
    return last.endswith((":", "?", "!", "—", "."))


def title_case(text: str) -> str:
    """Chicago/MLA headline style."""
    pieces = _segments(text)
    word_indexes = [i for i, (p, _) in enumerate(pieces) if not p.isspace() and
                    not re.fullmatch(r"[\s\-–—/]+", p)]
    out = [p for p, _ in pieces]
    seen: list[str] = []
    for position, index in enumerate(word_indexes):
        piece, protected = pieces[index]
        if protected:
            seen.append(piece)
            continue
        lead, core, trail = _core(piece)
        first_or_last = position == 0 or position == len(word_indexes) - 1
        if core and not _has_inner_capital(core):
            lowered = core.lower()
            # CMOS 8.161: in a hyphenated compound, articles, prepositions and
            # conjunctions stay lower case ("Digital-to-RF"), the rest is capitalized
            if (first_or_last or _after_colon(seen) or "“" in lead or
                    lowered not in LOWER_WORDS):
                core = core[0].upper() + core[1:]
            else:
                core = lowered
        out[index] = lead + core + trail
        seen.append(out[index])
    return "".join(out)


def sentence_case(text: str) -> str:
    """APA's sentence style; the first word and the first after a colon stay capital."""
    pieces = _segments(text)
    out: list[str] = []
    seen: list[str] = []
    quoted = 0  # inside a quoted title within the title (APA 6.17 keeps its case)
    for piece, protected in pieces:
        if quoted or piece.lstrip(_MARKS).startswith("“"):
            quoted += piece.count("“") - piece.count("”")
            quoted = max(quoted, 0)
            out.append(piece)
            if not piece.isspace():
                seen.append(piece)
            continue
        if protected or re.fullmatch(r"[\s\-–—/]+", piece):
            out.append(piece)
            if not piece.isspace() and protected:
                seen.append(piece)
            continue
        lead, core, trail = _core(piece)
        if core and not _has_inner_capital(core) and core != "I":  # "I", "Dues I"
            first = _after_colon(seen) and not (out and out[-1] and out[-1][-1] in "-–")
            core = core[0].upper() + core[1:].lower() if first else core.lower()
        word = lead + core + trail
        out.append(word)
        seen.append(word)
    return "".join(out)


def capitalize_first(text: str) -> str:
    """Capitalize the first letter (after markers and quotes): "ed." -> "Ed."."""
    index = 0
    while index < len(text):
        ch = text[index]
        if ch == LINK_OPEN:  # a link's target is not text: skip to the linked words
            mid = text.find(LINK_MID, index)
            index = len(text) if mid == -1 else mid + 1
            continue
        if ch.isalpha():
            return text[:index] + ch.upper() + text[index + 1 :]
        index += 1
    return text

"""Pandoc's citation syntax: ``[see @a, p. 12; @b]``, ``@a [p. 5]``, ``[-@a]``.

The same chapters also build with ``pandoc --citeproc``, so the grammar follows
pandoc's Markdown reader: a bracketed citation is a ``;``-separated list of items, each
``prefix @key suffix``; the suffix's leading locator (``p. 33``, ``chap. 2``, a bare
``12-15``) is split off with its label, as pandoc's citeproc does. A bare ``@`` that
follows a letter, digit, ``.`` or ``_`` is part of an e-mail address, not a citation.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

# Label abbreviations and words (singular and plural) -> CSL locator type.
LOCATOR_LABELS: dict[str, str] = {}
for _label, _forms in {
    "book": ("bk.", "bks.", "book", "books"),
    "chapter": ("chap.", "chaps.", "chapter", "chapters", "ch."),
    "column": ("col.", "cols.", "column", "columns"),
    "figure": ("fig.", "figs.", "figure", "figures"),
    "folio": ("fol.", "fols.", "folio", "folios"),
    "issue": ("no.", "nos.", "number", "numbers", "issue", "issues"),
    "line": ("l.", "ll.", "line", "lines"),
    "note": ("n.", "nn.", "note", "notes"),
    "opus": ("op.", "opp.", "opus", "opera"),
    "page": ("p.", "pp.", "page", "pages", "pg.", "pgs."),
    "paragraph": ("para.", "paras.", "paragraph", "paragraphs", "¶", "¶¶"),
    "part": ("pt.", "pts.", "part", "parts"),
    "section": ("sec.", "secs.", "section", "sections", "§", "§§"),
    "sub-verbo": ("s.v.", "s.vv.", "sub verbo", "sub verbis"),
    "verse": ("v.", "vv.", "verse", "verses"),
    "volume": ("vol.", "vols.", "volume", "volumes"),
}.items():
    for _form in _forms:
        LOCATOR_LABELS[_form] = _label

_KEY_START = re.compile(r"[\w]", re.UNICODE)
# pandoc: key chars are alphanumerics and _, plus internal punctuation :.#$%&-+?<>~/
# when followed by an alphanumeric.
_KEY_RE = re.compile(
    r"@(?:\{(?P<braced>[^{}]+)\}|(?P<plain>[\w](?:[\w]|[:.#$%&\-+?<>~/](?=[\w]))*))")
_LABEL_RE = re.compile(
    r"(?P<label>" + "|".join(re.escape(f) for f in sorted(LOCATOR_LABELS, key=len, reverse=True))
    + r")(?=[\s\d\u00a0ivxlcdmIVXLCDM{]|$)\s*",
)
# A locator value: numbers, roman numerals, ranges and lists of them, or {anything}.
_VALUE_RE = re.compile(
    r"\{(?P<braced>[^{}]*)\}|(?P<plain>(?:[0-9]+[a-z]?|[ivxlcdm]+|[IVXLCDM]+)"
    r"(?:\s*(?:[-–—]|,|&|\band\b)\s*(?:[0-9]+[a-z]?|[ivxlcdm]+|[IVXLCDM]+))*)",
)


@dataclass(frozen=True)
class CiteItem:
    """One work cited: ``prefix @key, label locator suffix``."""

    key: str
    prefix: str = ""
    locator: str = ""
    label: str = ""  # CSL locator type: "page", "chapter", ... ("" when no locator)
    suffix: str = ""
    suppress_author: bool = False


@dataclass(frozen=True)
class Cite:
    """A citation as written: one or more items; ``narrative`` for a bare ``@key``."""

    items: tuple[CiteItem, ...] = field(default_factory=tuple)
    narrative: bool = False

    @property
    def keys(self) -> list[str]:
        return [item.key for item in self.items]


def is_citation_start(text: str, pos: int) -> bool:
    """May an ``@`` at ``pos`` start a citation (i.e. is it not inside an e-mail)?"""
    if pos > 0:
        before = text[pos - 1]
        if before.isalnum() or before in "._":
            return False
    return _KEY_RE.match(text, pos) is not None


def parse_locator(suffix: str) -> tuple[str, str, str]:
    """Split ``, p. 33, quoted`` into ("33", "page", ", quoted"), pandoc's way.

    A suffix that starts with a number (``12-15``) is a page locator; one that starts
    with a label (``chap. 2``) gets that label; anything else stays suffix.
    """
    text = suffix
    stripped = text.lstrip()
    if stripped.startswith(","):
        stripped = stripped[1:].lstrip()
    label = ""
    match = _LABEL_RE.match(stripped)
    rest = stripped
    if match:
        label = LOCATOR_LABELS[match.group("label")]
        rest = stripped[match.end():]
    value = _VALUE_RE.match(rest)
    if value is None or (not label and not rest[:1].isdigit() and not rest.startswith("{")):
        return "", "", suffix
    locator = value.group("braced") if value.group("braced") is not None else value.group("plain")
    remainder = rest[value.end():]
    return locator.strip(), label or "page", remainder


def _parse_item(segment: str) -> CiteItem | None:
    """``see -@key, p. 5 ff.`` as an item; None if the segment holds no key."""
    for match in _KEY_RE.finditer(segment):
        start = match.start()
        suppress = start > 0 and segment[start - 1] == "-"
        prefix_end = start - 1 if suppress else start
        if prefix_end > 0 and (segment[prefix_end - 1].isalnum() or segment[prefix_end - 1]
                               in "._"):
            continue  # an e-mail address inside the prefix
        key = match.group("braced") or match.group("plain")
        prefix = segment[:prefix_end].strip()
        locator, label, suffix = parse_locator(segment[match.end():])
        return CiteItem(key, prefix, locator, label, _clean_suffix(suffix), suppress)
    return None


def _clean_suffix(suffix: str) -> str:
    """Keep a suffix's own punctuation but not the whitespace around it."""
    return suffix.rstrip()


def parse_bracketed(inner: str) -> Cite | None:
    """The text between ``[`` and ``]``; None unless every ``;`` part has a key."""
    if "@" not in inner:
        return None
    items: list[CiteItem] = []
    for segment in _split_semicolons(inner):
        item = _parse_item(segment)
        if item is None:
            return None
        items.append(item)
    return Cite(tuple(items), narrative=False) if items else None


def _split_semicolons(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    start = 0
    for index, ch in enumerate(text):
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == ";" and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def find_closing_bracket(text: str, pos: int) -> int:
    """Index of the ``]`` matching the ``[`` at ``pos``, or -1 (backslash escapes and code
    spans skipped)."""
    return _closing_brackets(text).get(pos, -1)


@functools.lru_cache(maxsize=4)
def _closing_brackets(text: str) -> dict[int, int]:
    """Where each ``[`` of ``text`` is closed, found in one pass: the inline parser asks at
    every ``[`` of a paragraph, and scanning to the end each time made a paragraph of many
    unclosed ``[`` quadratic (20,000 of them took minutes)."""
    closing: dict[int, int] = {}
    open_at: list[int] = []
    index, length = 0, len(text)
    while index < length:
        ch = text[index]
        if ch == "\\":
            index += 2
            continue
        if ch == "`":
            end = text.find("`", index + 1)
            if end == -1:
                break  # the brackets still open are never closed
            index = end + 1
            continue
        if ch == "[":
            open_at.append(index)
        elif ch == "]" and open_at:
            closing[open_at.pop()] = index
        index += 1
    return closing


def match_citation(text: str, pos: int) -> tuple[Cite, int] | None:
    """A citation starting at ``pos`` (at ``[`` or ``@``): (cite, end) or None.

    Not a citation: ``[text](url)``, ``[text][ref]``, ``[^1]``, ``[word]{.class}``.
    """
    if pos >= len(text):
        return None
    ch = text[pos]
    if ch == "[":
        if text.startswith("[^", pos):
            return None
        end = find_closing_bracket(text, pos)
        if end == -1:
            return None
        after = text[end + 1 : end + 2]
        if after in ("(", "{", "["):
            return None
        cite = parse_bracketed(text[pos + 1 : end])
        if cite is None:
            return None
        return cite, end + 1
    if ch != "@" or not is_citation_start(text, pos):
        return None
    match = _KEY_RE.match(text, pos)
    assert match is not None
    key = match.group("braced") or match.group("plain")
    end = match.end()
    # pandoc: a trailing '.' etc. is punctuation, not part of the key (regex handles it)
    locator = label = suffix = ""
    # "@key [p. 33]": a bracketed suffix after one space, with no key in it
    if text.startswith(" [", end) and not text.startswith(" [^", end) and not text.startswith(
            " [@", end):
        close = find_closing_bracket(text, end + 1)
        if close != -1 and text[close + 1 : close + 2] not in ("(", "{", "[") and "@" not in \
                text[end + 2 : close]:
            locator, label, suffix = parse_locator(text[end + 2 : close])
            suffix = _clean_suffix(suffix)
            end = close + 1
    return Cite((CiteItem(key, "", locator, label, suffix),), narrative=True), end


def find_citations(text: str) -> list[tuple[Cite, int, int]]:
    """Every citation in a plain string: (cite, start, end). For YAML text and tests."""
    found: list[tuple[Cite, int, int]] = []
    index = 0
    while index < len(text):
        ch = text[index]
        if ch in "[@":
            result = match_citation(text, index)
            if result is not None:
                found.append((result[0], index, result[1]))
                index = result[1]
                continue
        index += 1
    return found

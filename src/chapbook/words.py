"""The words a booklet prints (headings, labels, captions, the colophon), in its language.

Each language has one file, ``locales/<lang>.toml``, with the same keys as ``en.toml``; a key
a file lacks falls back to English, a regional tag (``de-AT``) to its language (``de``), and
the booklet's own ``[words]`` table in ``chapbook.toml`` overrides any of them. Words for
citations (``and``, ``edited by``, month names) are not here: they come from the CSL locale
files (:mod:`chapbook.citations.locale`).
"""

from __future__ import annotations

import functools
import tomllib
import unicodedata
from pathlib import Path

LOCALES = Path(__file__).parent / "locales"

#: Quotation marks when a locale has none: outer open, outer close, inner open, inner close.
ENGLISH_QUOTES = ("“", "”", "‘", "’")


@functools.lru_cache(maxsize=32)
def _locale_file(name: str) -> dict[str, object]:
    path = LOCALES / f"{name}.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def word_keys() -> list[str]:
    """Every key a booklet may set in ``[words]``."""
    return [key for key in _locale_file("en") if key != "quotes"]


class Words(dict[str, str]):
    """The booklet's words by key; ``label("figure_label", 3)`` gives "Figure 3"."""

    quotes: tuple[str, str, str, str] = ENGLISH_QUOTES
    language: str = "en"

    def label(self, key: str, n: object) -> str:
        """The label with its number, joined by a no-break space ("Figure 3" never breaks
        between the two)."""
        return self[key].replace(" {n}", "\u00a0{n}").replace("{n}", str(n))

    def fill(self, key: str, **values: object) -> str:
        text = self[key]
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text

    def quote(self, text: str) -> str:
        return f"{self.quotes[0]}{text}{self.quotes[1]}"


def primary_language(tag: str) -> str:
    """'de-AT' -> 'de': the part of a BCP 47 tag that picks words, quotes and spacing."""
    return tag.split("-")[0].lower()


def without_accents(text: str) -> str:
    """'Élan' -> 'Elan': the letters without their accents, for slugs and loose matching."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def words_for(language: str, overrides: dict[str, str] | None = None) -> Words:
    """The words of ``language`` (a BCP 47 tag), with the booklet's ``overrides``."""
    return _words(language, tuple(sorted((overrides or {}).items())))


@functools.lru_cache(maxsize=32)
def _words(language: str, overrides: tuple[tuple[str, str], ...]) -> Words:
    words = Words()
    quotes: object = None
    tag = language.replace("_", "-")
    primary = primary_language(tag)
    for name in dict.fromkeys(("en", primary, tag)):
        data = _locale_file(name)
        quotes = data.get("quotes", quotes)
        words.update({k: str(v) for k, v in data.items() if k != "quotes"})
    words.update(dict(overrides))
    if isinstance(quotes, list) and len(quotes) == 4:
        words.quotes = (str(quotes[0]), str(quotes[1]), str(quotes[2]), str(quotes[3]))
    words.language = primary
    return words


def script_of(text: str) -> str:
    """The script a word is written in, as a ``script_*`` key: cyrillic, greek, arabic, or
    other (Latin letters give "" since they need no word about their script)."""
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        for script in ("CYRILLIC", "GREEK", "ARABIC", "LATIN"):
            if name.startswith(script):
                return "" if script == "LATIN" else script.lower()
        return "other"
    return ""

"""The hyphenation patterns of the booklet's language, kept parsed in chapbook's cache.

WeasyPrint hyphenates with pyphen, which parses a ``hyph_*.dic`` file of some 14,000
patterns with regular expressions the first time a process hyphenates a line, on the way to
the first laid-out page of every build (the layout host reads them before it forks its
workers). Kept as JSON (:func:`chapbook.usercache.kept_or_measured`, checked against the
file's size and time) they load quicker, into pyphen's own table of parsed dictionaries,
where WeasyPrint finds them (:mod:`.internals`).

Only plain patterns are kept. A dictionary with nonstandard hyphenation (the ``/``
alternatives of Hungarian or Dutch, which pyphen holds as ints with data attached) is
parsed as pyphen parses it, as is everything if pyphen's table is not where this expects it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .internals import (
    dictionary_from_patterns,
    parse_dictionary,
    parsed_dictionaries,
    plain_patterns,
)


def load_patterns(language: str, exceptions: Sequence[str] = ()) -> None:
    """Have pyphen's patterns for ``language`` ready in this process (nothing for a language
    pyphen does not know), with the booklet's own ``exceptions`` ("Sauer-stoff", its
    ``hyphenation`` setting: each word breaks only at its hyphens)."""
    import pyphen

    fallback = pyphen.language_fallback(language)
    if not fallback:
        return
    path = pyphen.LANGUAGES[fallback]
    table = parsed_dictionaries()
    if table is None:
        pyphen.Pyphen(lang=fallback)
        return
    base = fallback.split("_")[0].lower()
    # pyphen's own dictionary may be there already, parsed by a layout made before this
    # (WeasyPrint called in the same process, as a test does): it gives way to the book's
    if not isinstance(table.get(path), BookHyphenation):
        source = PATTERNS_FOR.get(fallback, fallback)
        table[path] = BookHyphenation(
            kept_dictionary(pyphen.LANGUAGES[source], f"hyphenation-{source}-{pyphen.VERSION}"),
            CORRECTIONS.get(base, {}), names_capitalised=base not in NOUNS_CAPITALISED)
    hyphenation = table[path]
    if isinstance(hyphenation, BookHyphenation):  # (a watcher's next build: its own words)
        hyphenation.exceptions = _positions(
            {word.lower().replace("-", ""): word.lower() for word in exceptions})


#: A bare language code whose patterns are not pyphen's default for it: pyphen gives "en"
#: LibreOffice's British patterns, which break "rewar-ded" and "evid-ence"; the TeX en-US
#: patterns, the reference for English, are used instead.
PATTERNS_FOR = {"en": "en_US"}


#: Words pyphen's patterns (LibreOffice's) break where the TeX patterns (hyphen.tex, the
#: reference for English; hyph-de-1996 for German) do not: the breaks TeX makes, by
#: language, in lower case.
CORRECTIONS: dict[str, dict[str, str]] = {
    "en": {
        "celebrate": "cel-e-brate",
        "celebrated": "cel-e-brat-ed",
        "celebration": "cel-e-bra-tion",
        "communist": "com-mu-nist",
        "communists": "com-mu-nists",
        "engineer": "en-gi-neer",
        "engineers": "en-gi-neers",
        "organised": "or-gan-ised",
        "propaganda": "pro-pa-gan-da",
        "collectivisation": "col-lec-tiv-i-sa-tion",
        "journalist": "jour-nal-ist",
        "journalists": "jour-nal-ists",
    },
    # LibreOffice's German patterns break "Über-g-ang"; the TeX patterns (hyph-de-1996),
    # and every German dictionary, "Über-gang"
    "de": {
        "übergang": "über-gang",
        "übergangs": "über-gangs",
        "übergänge": "über-gän-ge",
    },
}

#: Languages that capitalise every noun: there a capital does not mark a name, and long
#: compound nouns must break.
NOUNS_CAPITALISED = {"de", "lb"}

#: Words shorter than this are never broken.
SHORTEST_BROKEN = 7


class BookHyphenation:
    """pyphen's dictionary with a book's rules on top: a capitalised word (a name: "Siegel-
    baum", "Radi-ant"; not in German, which capitalises every noun) and a word under seven
    letters are never broken, and the words in ``corrections`` break where the TeX patterns
    break them.

    WeasyPrint asks pyphen's table of parsed dictionaries (``pyphen.hdcache``) for the
    language's dictionary and calls its ``positions``; this stands in that table.
    """

    def __init__(self, dictionary: Any, corrections: dict[str, str],
                 names_capitalised: bool = True):
        import pyphen

        self.names_capitalised = names_capitalised
        self.dictionary = dictionary
        self.data_int = pyphen.DataInt
        self.corrections = _positions(corrections)
        #: The booklet's own words (its ``hyphenation`` setting), broken where it says even
        #: if capitalised or short: the writer asked for these breaks.
        self.exceptions: dict[str, list[int]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.dictionary, name)

    def positions(self, word: str) -> list[Any]:
        lower = word.lower()  # a German noun is capitalised
        listed = self.exceptions.get(lower)
        if listed is not None:
            return [self.data_int(i) for i in listed]
        if len(word) < SHORTEST_BROKEN or (self.names_capitalised and word[:1].isupper()):
            return []
        corrected = self.corrections.get(lower)
        if corrected is not None:
            return [self.data_int(i) for i in corrected]
        return list(self.dictionary.positions(word))


def _positions(words: dict[str, str]) -> dict[str, list[int]]:
    """{'celebrate': 'cel-e-brate'} -> {'celebrate': [3, 4]}: where each word may break."""
    return {word: [i for i, part in _breaks(broken)] for word, broken in words.items()}


def _breaks(broken: str) -> list[tuple[int, str]]:
    """'cel-e-brat-ed' -> [(3, 'cel'), (4, 'e'), (8, 'brat')]: where each break falls."""
    at, found = 0, []
    for part in broken.split("-")[:-1]:
        at += len(part)
        found.append((at, part))
    return found


def kept_dictionary(path: Path, name: str) -> Any:
    """pyphen's parsed dictionary of the file ``path``: kept under ``name``, or parsed."""
    from ..usercache import kept_or_measured

    parsed: list[Any] = []

    def measure() -> tuple[list[str], dict[str, list] | None]:
        parsed.append(parse_dictionary(path))
        return [str(path)], plain_patterns(parsed[0])

    kept = kept_or_measured(name, measure)
    if parsed:
        return parsed[0]
    if not isinstance(kept, dict) or not kept:
        return parse_dictionary(path)
    return dictionary_from_patterns(path, kept)

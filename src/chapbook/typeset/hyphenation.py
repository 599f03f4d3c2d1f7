"""The hyphenation patterns of the booklet's language, kept parsed in chapbook's cache.

WeasyPrint hyphenates with pyphen, which reads a ``hyph_*.dic`` file of some 14,000
patterns with regular expressions the first time a process hyphenates a line: 110 ms for
English, on the way to the first laid-out page of every build (the layout host reads them
before it forks its workers, and that is the last thing the workers wait for). Kept as
JSON (:func:`chapbook.usercache.kept_or_measured`, checked against the file's size and
time) they load in 20 ms, into pyphen's own table of parsed dictionaries, where WeasyPrint
finds them.

Only plain patterns are kept. A dictionary with nonstandard hyphenation (the ``/``
alternatives of Hungarian or Dutch, which pyphen holds as ints with data attached) is
parsed as pyphen parses it, as is everything if pyphen's table is not where this expects it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def load_patterns(language: str) -> None:
    """Have pyphen's patterns for ``language`` ready in this process (nothing for a language
    pyphen does not know)."""
    import pyphen

    fallback = pyphen.language_fallback(language)
    if not fallback:
        return
    path = pyphen.LANGUAGES[fallback]
    table = getattr(pyphen, "hdcache", None)
    if not isinstance(table, dict) or not hasattr(pyphen, "HyphDict"):
        pyphen.Pyphen(lang=fallback)
        return
    if path not in table:
        table[path] = kept_dictionary(path, f"hyphenation-{fallback}-{pyphen.VERSION}")


def kept_dictionary(path: Path, name: str) -> Any:
    """pyphen's parsed dictionary of the file ``path``: kept under ``name``, or parsed."""
    import pyphen

    from ..usercache import kept_or_measured

    parsed: list[Any] = []

    def measure() -> tuple[list[str], dict[str, list] | None]:
        parsed.append(pyphen.HyphDict(path))
        return [str(path)], plain_patterns(parsed[0])

    kept = kept_or_measured(name, measure)
    if parsed:
        return parsed[0]
    if not isinstance(kept, dict) or not kept:
        return pyphen.HyphDict(path)
    dictionary = pyphen.HyphDict.__new__(pyphen.HyphDict)
    try:
        dictionary.patterns = {str(key): (int(start), tuple(int(v) for v in values))
                               for key, (start, values) in kept.items()}
    except (TypeError, ValueError):  # a kept file that does not read back: parse again
        return pyphen.HyphDict(path)
    dictionary.cache = {}
    dictionary.maxlen = max(len(key) for key in dictionary.patterns)
    return dictionary


def plain_patterns(dictionary: Any) -> dict[str, list] | None:
    """The patterns of a parsed dictionary as JSON can hold them; None if some carry the
    data of a nonstandard hyphenation, which JSON would lose."""
    patterns = {}
    for key, (start, values) in dictionary.patterns.items():
        if any(type(value) is not int for value in values):
            return None
        patterns[key] = [start, list(values)]
    return patterns

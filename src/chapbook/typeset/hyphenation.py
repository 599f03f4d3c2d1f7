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

from pathlib import Path
from typing import Any

from .internals import (
    dictionary_from_patterns,
    parse_dictionary,
    parsed_dictionaries,
    plain_patterns,
)


def load_patterns(language: str) -> None:
    """Have pyphen's patterns for ``language`` ready in this process (nothing for a language
    pyphen does not know)."""
    import pyphen

    fallback = pyphen.language_fallback(language)
    if not fallback:
        return
    path = pyphen.LANGUAGES[fallback]
    table = parsed_dictionaries()
    if table is None:
        pyphen.Pyphen(lang=fallback)
        return
    if path not in table:
        table[path] = kept_dictionary(path, f"hyphenation-{fallback}-{pyphen.VERSION}")


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

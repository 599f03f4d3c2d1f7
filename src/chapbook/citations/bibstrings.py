"""biblatex's words for its localisation keys, in the booklet's language.

A .bib file names some things by a biblatex key rather than in words: ``type = {techreport}``,
``pubstate = {inpress}``, ``location = {countryde}``, ``editoratype = {compiler}``. biblatex
prints them from its per-language files (``german.lbx`` ...); the CSL locale files, chapbook's
source for citation terms, have no word for most of them. The words are kept as data in
``locales/bibstrings.toml``, read from the .lbx files, so a German booklet prints "Technischer
Bericht" where an English one prints "Technical report".
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

_DATA = Path(__file__).parent.parent / "locales" / "bibstrings.toml"

#: The role of an ``editora``-``editorc`` (``editoratype``) and its phrase's key.
ROLE_PHRASES = {"editor": "byeditor", "compiler": "bycompiler", "founder": "byfounder",
                "continuator": "bycontinuator", "redactor": "byredactor",
                "reviser": "byreviser", "collaborator": "bycollaborator",
                "organizer": "byorganizer"}
#: The contributors a book names besides its editors, and their phrase's key.
CONTRIBUTOR_PHRASES = (("foreword", "withforeword"), ("introduction", "withintroduction"),
                       ("afterword", "withafterword"), ("commentator", "withcommentator"),
                       ("annotator", "byannotator"))


@functools.lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, str]]:
    with _DATA.open("rb") as handle:
        data = tomllib.load(handle)
    return {language: {k: str(v) for k, v in table.items()} for language, table in data.items()}


def english_words(keys: tuple[str, ...]) -> dict[str, str]:
    """chapbook's English word for each key."""
    table = _tables()["en"]
    return {key: table[key] for key in keys}


def bibstring(language: str, key: str, english: bool = True) -> str:
    """The word for ``key`` in ``language`` (a BCP 47 tag: ``de-AT`` reads ``de``); the
    English word where the language's .lbx has none (or "" with ``english=False``), and ""
    for a key nobody knows."""
    primary = language.replace("_", "-").split("-")[0].lower()
    word = _tables().get(primary, {}).get(key)
    if word is not None:
        return word
    return _tables()["en"].get(key, "") if english else ""

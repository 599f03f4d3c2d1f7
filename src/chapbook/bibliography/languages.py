"""The language of a .bib entry, as a BCP 47 tag: ``langid``, else ``language`` or
``hyphenation`` (biblatex's older names for it).

biblatex takes babel's or polyglossia's language names (``ngerman``, ``french``,
``brazilian``); CSL-JSON and Zotero write BCP 47 tags (``de-DE``). Both are read. A name
neither knows gives '' (the entry is then in the booklet's language), as biblatex ignores a
``langid`` babel does not load.
"""

from __future__ import annotations

import re

from .markup import strip
from .model import Entry

#: babel/polyglossia names (as biblatex's ``langid`` takes them) -> BCP 47 tags.
BABEL_NAMES = {
    "english": "en", "american": "en-US", "usenglish": "en-US", "british": "en-GB",
    "ukenglish": "en-GB", "canadian": "en-CA", "australian": "en-AU",
    "newzealand": "en-NZ",
    "german": "de", "ngerman": "de", "austrian": "de-AT", "naustrian": "de-AT",
    "swissgerman": "de-CH", "nswissgerman": "de-CH",
    "french": "fr", "francais": "fr", "acadian": "fr-CA", "canadien": "fr-CA",
    "spanish": "es", "mexican": "es-MX", "catalan": "ca", "galician": "gl", "basque": "eu",
    "italian": "it", "portuguese": "pt", "portuges": "pt", "brazilian": "pt-BR",
    "brazil": "pt-BR", "dutch": "nl", "flemish": "nl-BE", "afrikaans": "af",
    "polish": "pl", "czech": "cs", "slovak": "sk", "slovene": "sl", "slovenian": "sl",
    "croatian": "hr", "serbian": "sr", "bulgarian": "bg", "russian": "ru",
    "ukrainian": "uk", "belarusian": "be", "danish": "da", "swedish": "sv",
    "norwegian": "nb", "norsk": "nb", "nynorsk": "nn", "icelandic": "is", "finnish": "fi",
    "estonian": "et", "latvian": "lv", "lithuanian": "lt", "hungarian": "hu", "magyar": "hu",
    "romanian": "ro", "greek": "el", "polutonikogreek": "el", "ancientgreek": "grc",
    "latin": "la", "turkish": "tr", "irish": "ga", "welsh": "cy", "hebrew": "he",
    "arabic": "ar", "japanese": "ja", "chinese": "zh", "korean": "ko",
}

#: The fields that give an entry's language, in biblatex's order of preference.
LANGUAGE_FIELDS = ("langid", "language", "hyphenation")

_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


def language_tag(value: str) -> str:
    """'ngerman' -> 'de'; 'de-DE' -> 'de-DE'; an unknown name -> ''."""
    name = value.strip()
    known = BABEL_NAMES.get(name.lower())
    if known:
        return known
    if _TAG.fullmatch(name):
        return name.replace("_", "-")
    return ""


def entry_language(entry: Entry) -> str:
    """The entry's language as a BCP 47 tag, '' if it names none (or one not known)."""
    for name in LANGUAGE_FIELDS:
        value = strip(entry.fields.get(name, ""))
        # ``language`` may list several ("english and german"): the first is the text's
        first = re.split(r"\s+and\s+|[,;]", value)[0] if value else ""
        if first:
            return language_tag(first)
    return ""

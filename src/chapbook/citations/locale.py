"""Citation words and dates in the booklet's language, from the CSL locale files.

The Citation Style Language project keeps one locale file per language: its terms ("und",
"hrsg. von", "abgerufen"), month names, ordinals and date orders, reviewed by speakers of
each. ``citeproc-py`` ships 63 of them as XML; they are read here, at run time, from the
installed package (only the files: citeproc-py's own processor is not used, see
docs/citation-differences.md), so no word is copied by hand into chapbook.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from chapbook.bibliography.model import DatePart, DateValue
from chapbook.words import primary_language

_NS = "{http://purl.org/net/xbiblio/csl}"


class LocaleError(LookupError):
    """No CSL locale for a language (citeproc-py not installed, or an unknown language)."""


def _locales_dir() -> Path:
    spec = importlib.util.find_spec("citeproc")
    if spec is None or not spec.submodule_search_locations:
        raise LocaleError("the citeproc-py package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "locales"


@dataclasses.dataclass(frozen=True)
class DateFormat:
    """One of the locale's date forms: (part name, form, prefix, suffix) in order."""

    parts: tuple[tuple[str, str, str, str], ...]


class CslLocale:
    """The terms and date formats of one CSL locale file."""

    def __init__(self, path: Path):
        root = ElementTree.parse(path).getroot()
        self.tag = root.get("{http://www.w3.org/XML/1998/namespace}lang", path.stem)
        self._terms: dict[tuple[str, str], tuple[str, str]] = {}
        for term in root.iter(f"{_NS}term"):
            name = term.get("name", "")
            form = term.get("form", "long")
            single = term.find(f"{_NS}single")
            multiple = term.find(f"{_NS}multiple")
            if single is not None:
                value = (single.text or "", (multiple.text if multiple is not None else "")
                         or single.text or "")
            else:
                value = (term.text or "", term.text or "")
            if (name, form) in self._terms and term.get("gender-form") == "feminine":
                continue  # the masculine or neutral form, as for day ordinals ("1er")
            self._terms[(name, form)] = value
        self._dates: dict[str, DateFormat] = {}
        for date in root.iter(f"{_NS}date"):
            self._dates[date.get("form", "")] = DateFormat(tuple(
                (part.get("name", ""), part.get("form", ""), part.get("prefix", ""),
                 part.get("suffix", "")) for part in date.iter(f"{_NS}date-part")))
        options = root.find(f"{_NS}style-options")
        self.day_ordinal_only_first = (options is not None and options.get(
            "limit-day-ordinals-to-day-1") == "true")
        self.punctuation_in_quote = (options is not None and options.get(
            "punctuation-in-quote") == "true")

    def term(self, name: str, form: str = "long", plural: bool = False) -> str:
        """A term, falling back from ``verb-short`` to ``verb`` to ``long`` as CSL does."""
        fallbacks = {"verb-short": ("verb-short", "verb", "long"), "short": ("short", "long"),
                     "symbol": ("symbol", "short", "long")}.get(form, (form, "long"))
        for candidate in fallbacks:
            value = self._terms.get((name, candidate))
            if value is not None:
                return value[1 if plural else 0]
        return ""

    def own_term(self, name: str, form: str = "long", plural: bool = False) -> str:
        """:meth:`term`, or "" where a non-English file gives the term only in English
        (es-ES "special issue", uk-UA "ed. & trans. by", nl-NL "original work published"):
        the caller then uses biblatex's word or keeps the style's."""
        word = self.term(name, form, plural)
        if word and not self.tag.startswith("en") and word == csl_locale("en-US").term(
                name, form, plural):
            return ""
        return word

    def quote(self, text: str) -> str:
        """Outer quotation marks, and the inner ones for quotes already inside."""
        outer = (self.term("open-quote"), self.term("close-quote"))
        inner = (self.term("open-inner-quote"), self.term("close-inner-quote"))
        for english, local in (("“", inner[0]), ("”", inner[1])):
            text = text.replace(english, local)
        return f"{outer[0]}{text}{outer[1]}"

    def month(self, number: int, short: bool = False) -> str:
        return self.term(f"month-{number:02d}", "short" if short else "long")

    def ordinal(self, number: int) -> str:
        for name in (f"ordinal-{number:02d}", f"ordinal-{number % 10:02d}", "ordinal"):
            suffix = self.term(name)
            if suffix or (name, "long") in self._terms:
                return f"{number}{suffix}"
        return str(number)

    def long_date(self, year: int, month: int = 0, day: int = 0, with_year: bool = True) -> str:
        """A date in the locale's text form: "29. Juni 2021", "29 juin 2021"."""
        out: list[str] = []
        for name, form, prefix, suffix in self._dates["text"].parts:
            if name == "day":
                if not (day and month):
                    continue
                ordinal = form == "ordinal" and not (self.day_ordinal_only_first and day != 1)
                text = self.ordinal(day) if ordinal else (
                    f"{day:02d}" if form == "numeric-leading-zeros" else str(day))
            elif name == "month":
                if not month:
                    continue
                text = self.month(month, short=form == "short")
            elif name == "year":
                if not with_year:
                    continue
                text = str(year) if year > 0 else f"{-year + 1}"
            else:
                continue
            out.append(prefix + text + suffix)
        return "".join(out).strip(" ,")


@functools.lru_cache(maxsize=16)
def csl_locale(language: str) -> CslLocale:
    """The CSL locale of a BCP 47 tag: its own file (``de-AT``), else its language's
    primary dialect (``de`` -> ``de-DE``), else US English."""
    folder = _locales_dir()
    tag = language.replace("_", "-")
    candidates = [tag]
    primary = primary_language(tag)
    with (folder / "locales.json").open(encoding="utf-8") as handle:
        dialects = json.load(handle)["primary-dialects"]
    if primary in dialects:
        candidates.append(dialects[primary])
    candidates.append("en-US")
    for candidate in candidates:
        path = folder / f"locales-{candidate}.xml"
        if path.is_file():
            return CslLocale(path)
    raise LocaleError(f"no CSL locale for '{language}'")


def format_locale_date(value: DateValue | None, locale: CslLocale, form: str) -> str:
    """A date or range of the bibliography in the locale's order and month names."""
    if value is None:
        return ""
    if value.literal:
        return value.literal
    if value.start is None:
        return ""

    def one(part: DatePart, with_year: bool = True) -> str:
        if form == "year" or not part.month:
            return str(part.year) if with_year else ""
        return locale.long_date(part.year, part.month, part.day or 0, with_year=with_year)

    with_year = form != "month-day"
    text = one(value.start, with_year)
    end = value.end
    if end is not None and (end.year, end.month, end.day) != (value.start.year,
                                                               value.start.month,
                                                               value.start.day):
        text += "–" + one(end, with_year)
    elif value.open_end:
        text += "–"
    return text

"""The values and filters that style templates use, computed from one entry.

Each template slot names a variable (``title``, ``author``, ``pages`` ...) and filters
(``quote``, ``names:bib``, ``date:mla`` ...). This module is the one place that knows
what each name means, so a style file never has to; the list is documented in the
header of every shipped style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chapbook.bibliography.markup import italic, link, protect, strip
from chapbook.bibliography.model import DateValue, Entry, Name
from chapbook.citations.casing import capitalize_first, sentence_case, title_case
from chapbook.citations.dates import format_date
from chapbook.citations.locale import format_locale_date
from chapbook.citations.names import NameFormat, format_names
from chapbook.citations.pages import format_page_range
from chapbook.citations.style import Style
from chapbook.citations.syntax import CiteItem

NAME_VARIABLES = ("author", "editor", "translator", "bookauthor", "director")
_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
                  "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
_PLURAL_LOCATOR = re.compile(r"[-–—,&]|\band\b")


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def quote(text: str) -> str:
    """Double quotes outside; quotes inside a quoted title become single (CMOS 6.11)."""
    inner = text.replace("“", "‘").replace("”", "’")
    return f"“{inner}”"


_UNIVERSITY = re.compile(r"\bUniversity\b")


def abbreviate_university(name: str) -> str:
    """MLA 9's academic publishers: "Oxford UP", "U of Pennsylvania", "Michigan State U".

    Only names with "University" change; "Penguin Press" is not a university press.
    """
    if not _UNIVERSITY.search(name):
        return name
    name = re.sub(r"\bUniversity Press\b", "UP", name)
    name = _UNIVERSITY.sub("U", name)
    return re.sub(r"\bPress\b", "P", name)


@dataclass
class Context:
    """Everything a template may ask about besides the entry itself."""

    style: Style
    year_suffix: str = ""
    item: CiteItem | None = None
    # another listed work has the same short creator (MLA then adds a short title)
    ambiguous: bool = False


def _is_plural(names: list[Name]) -> bool:
    return len([n for n in names if not n.is_others]) > 1 or any(n.is_others for n in names)


class Resolver:
    """Resolve ``(name, filters)`` for one entry; an instance per render."""

    def __init__(self, entry: Entry, context: Context) -> None:
        self.entry = entry
        self.context = context
        self.style = context.style

    # -- values -------------------------------------------------------------------------
    def value(self, name: str) -> str | list[Name] | DateValue | None:
        entry = self.entry
        if name in NAME_VARIABLES:
            if name == "author" and self.author_is_publisher():
                return None
            return entry.names.get(name) or None
        method = getattr(self, "_v_" + name.replace("-", "_"), None)
        if method is not None:
            return method()
        if name in ("date", "urldate", "origdate", "eventdate"):
            return entry.dates.get(name)
        return entry.fields.get(name) or None

    def author_is_publisher(self) -> bool:
        """A body that is both author and publisher, for styles that then omit the author.

        MLA 9 (the author element, organizations): such a work is listed by title and the
        body is given only as publisher.
        Off unless the style sets ``omit_author_if_publisher = true``.
        """
        if not self.style.option("omit_author_if_publisher", False):
            return False
        authors = self.entry.names.get("author") or []
        publisher = strip(self._v_publisher())
        return (len(authors) == 1 and bool(authors[0].literal) and bool(publisher)
                and strip(authors[0].literal) == publisher)

    def _v_title(self) -> str:
        title = self.entry.get("title")
        subtitle = self.entry.get("subtitle")
        if title and subtitle:
            separator = "" if strip(title)[-1:] in "?!" else ":"
            return f"{title}{separator} {subtitle}"
        return title

    def _v_short_title(self) -> str:
        if self.entry.get("shorttitle"):
            return self.entry.get("shorttitle")
        title = self.entry.get("title")
        visible = strip(title)
        if ":" in visible and not self.entry.get("subtitle"):
            return _main_title(title, ":")
        return title

    def _v_container(self) -> str:
        entry = self.entry
        return entry.get("journal") or entry.get("booktitle") or entry.get("maintitle")

    def _v_booktitle(self) -> str:
        title = self.entry.get("booktitle")
        subtitle = self.entry.get("booksubtitle")
        return f"{title}: {subtitle}" if title and subtitle else title

    def _v_publisher(self) -> str:
        entry = self.entry
        if entry.entry_type in ("report",):
            return entry.get("institution") or entry.get("publisher")
        if entry.entry_type in ("phdthesis", "mastersthesis", "thesis"):
            return entry.get("school") or entry.get("institution") or entry.get("publisher")
        return entry.get("publisher") or entry.get("organization")

    def _v_pages(self) -> str:
        pages = self.entry.get("pages")
        form = str(self.style.option("page_range", "chicago"))
        return format_page_range(pages, form)

    def _v_edition(self) -> str:
        edition = self.entry.plain("edition")
        if not edition:
            return ""
        number = int(edition) if edition.isdigit() else _ORDINAL_WORDS.get(edition.lower())
        if number == 1:
            return ""
        if number:
            locale = self.style.locale
            nth = locale.ordinal(number) if locale is not None else ordinal(number)
            return f"{nth} {self.style.term('edition')}".strip()
        return self.entry.get("edition")

    def _v_year(self) -> str:
        date = self.entry.dates.get("date")
        if date is None:
            text = self.style.term("no-date")
            return f"{text}-{self.context.year_suffix}" if self.context.year_suffix and text \
                else text
        return format_date(date, "year") + self.context.year_suffix

    def _v_accessed_undated(self) -> DateValue | None:
        """The access date, only for an undated work (Chicago 18 §14.104)."""
        if self.entry.dates.get("date"):
            return None
        return self.entry.dates.get("urldate")

    def _v_dated_year(self) -> str:
        """The year when the work is dated (pairs with ``undated``)."""
        return self._v_year() if self.entry.dates.get("date") else ""

    def _v_undated(self) -> str:
        """"n.d." for an undated work: Chicago puts a comma before it, not before a year."""
        return "" if self.entry.dates.get("date") else self._v_year()

    def _v_issued(self) -> DateValue | None:
        return self.entry.dates.get("date")

    def _v_url(self) -> str:
        url = self.entry.get("url")
        return link(url, url) if url else ""

    def _v_url_bare(self) -> str:
        """The URL shown without "http://" or "https://" (MLA 9), still linked in full."""
        url = self.entry.get("url")
        if not url:
            return ""
        return link(url, re.sub(r"^https?://", "", url.strip(), flags=re.I))

    def _v_link_bare(self) -> str:
        """A DOI (as https://doi.org/...) if there is one, else the bare URL (MLA 9)."""
        return self._v_doi() or self._v_url_bare()

    def _v_doi(self) -> str:
        doi = self.entry.get("doi")
        if not doi:
            return ""
        doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi.strip(), flags=re.I)
        url = f"https://doi.org/{doi}"
        return link(url, url)

    def _v_link(self) -> str:
        """A DOI if there is one, else the URL: what APA and Chicago want at the end."""
        return self._v_doi() or self._v_url()

    def _v_link_unless_retrieved(self) -> str:
        """The link, unless a "Retrieved DATE, from URL" phrase prints the URL already."""
        if self._v_accessed_undated() is not None and self.entry.get("url"):
            return ""
        return self._v_link()

    def _v_thesis_type(self) -> str:
        entry = self.entry
        if entry.get("type"):
            kind = entry.plain("type").lower()
            mapped = {"phdthesis": "phd-thesis", "mathesis": "masters-thesis",
                      "mastersthesis": "masters-thesis"}.get(kind)
            return self.style.term(mapped) if mapped else entry.get("type")
        if entry.entry_type == "phdthesis":
            return self.style.term("phd-thesis")
        if entry.entry_type == "mastersthesis":
            return self.style.term("masters-thesis")
        return ""

    def _v_publisher_unless_author(self) -> str:
        """APA 7 §9.24: a publisher that is also the (group) author is not repeated."""
        publisher = self._v_publisher()
        authors = self.entry.names.get("author") or []
        if publisher and any(strip(n.literal or n.family) == strip(publisher) for n in authors):
            return ""
        return publisher

    def _v_issue(self) -> str:
        return self.entry.get("number") or self.entry.get("issue")

    def _v_locator(self) -> str:
        item = self.context.item
        if item is None or not item.locator:
            return ""
        label = item.label or "page"
        singular, plural = self.style.locator_labels.get(label, (label, label))
        chosen = plural if _PLURAL_LOCATOR.search(item.locator) else singular
        value = item.locator
        if label == "page":
            value = format_page_range(value, str(self.style.option("page_range", "chicago")))
        return f"{chosen} {value}".strip() if chosen else value

    def _v_locator_page(self) -> str:
        """The locator when it is a page number (MLA: "Smith 33", no comma)."""
        item = self.context.item
        if item is None or (item.label or "page") != "page":
            return ""
        return self._v_locator()

    def _v_locator_other(self) -> str:
        """The locator when it is not a page (MLA: "Smith, ch. 2", after a comma)."""
        item = self.context.item
        if item is None or (item.label or "page") == "page":
            return ""
        return self._v_locator()

    def _v_ambiguous_title(self) -> str:
        """The short title, only when another listed work has the same short creator.

        MLA 9 (in-text citations, several works by one author) names the work:
        "(Fitzpatrick, Everyday Stalinism 33)". Works listed by title need no second title.
        """
        if not self.context.ambiguous:
            return ""
        if not any(self.value(role) for role in ("author", "editor", "translator")):
            return ""
        return self._v_short_title()

    def _v_ambiguous_container(self) -> str:
        """The website or periodical of a work listed by title, when another listed work
        has the same title: "(“Stakhanovite Movement,” Wikipedia)"."""
        if not self.context.ambiguous:
            return ""
        if any(self.value(role) for role in ("author", "editor", "translator")):
            return ""
        return self._v_container()

    def _v_prefix(self) -> str:
        return self.context.item.prefix if self.context.item else ""

    def _v_suffix(self) -> str:
        return self.context.item.suffix if self.context.item else ""

    def _v_volumes(self) -> str:
        volumes = self.entry.plain("volumes")
        return f"{volumes} {self.style.term('volumes')}".strip() if volumes else ""

    # -- filters ------------------------------------------------------------------------
    def resolve(self, name: str, filters: tuple[str, ...]) -> str:
        value = self.value(name)
        if value is None or value == "" or value == []:
            return ""
        text: str
        if isinstance(value, list):
            text = self._names(value, filters)
            filters = tuple(f for f in filters if not f.startswith(("names:", "role:")))
        elif isinstance(value, DateValue):
            form = next((f.split(":", 1)[1] for f in filters if f.startswith("date:")), "long")
            locale = self.style.locale
            text = (format_locale_date(value, locale, form) if locale is not None
                    else format_date(value, form))
            filters = tuple(f for f in filters if not f.startswith("date:"))
        else:
            text = value
        for flt in filters:
            text = self._apply(flt, text)
        return text

    def _names(self, names: list[Name], filters: tuple[str, ...]) -> str:
        profile = next((f.split(":", 1)[1] for f in filters if f.startswith("names:")), "")
        fmt = self.style.names.get(profile) or self.style.names.get("default") or NameFormat()
        text = format_names(names, fmt)
        role = next((f.split(":", 1)[1] for f in filters if f.startswith("role:")), "")
        if role and text:
            term = self.style.term(f"role-{role}s" if _is_plural(names) else f"role-{role}")
            text += term
        return text

    def _quote(self, text: str) -> str:
        """The style's quotation marks, or the booklet language's (CSL locale)."""
        locale = self.style.locale
        return locale.quote(text) if locale is not None else quote(text)

    def _apply(self, flt: str, text: str) -> str:
        if flt == "italic":
            return italic(text)
        if flt == "quote":
            return self._quote(text)
        if flt == "title":
            return title_case(text) if self._english() else text
        if flt == "sentence":
            return sentence_case(text) if self._english() else text
        if flt == "capitalize":
            return capitalize_first(text)
        if flt == "upper":
            return text.upper()
        if flt == "lower":
            return text.lower()
        if flt == "protect":
            return protect(text)
        if flt == "short":
            return self._shorten(text)
        if flt == "if-ambiguous":
            # printed only when another listed work has the same short form
            return text if self.context.ambiguous else ""
        if flt == "abbreviate-university":
            return abbreviate_university(text)
        if flt == "nodot":
            return text[:-1] if text.endswith(".") else text
        if flt == "page-label":
            # "p. 363" for one page, "pp. 259–92" for a range or a list (MLA 9, 5.95)
            return ("pp. " if re.search(r"[-–—,&]", text) else "p. ") + text
        if flt == "styled-text":
            # in running text a part title is always quoted (APA 8.14)
            kinds = self.style.option("italic_title_types", [])
            assert isinstance(kinds, list)
            return italic(text) if self.entry.entry_type in kinds else self._quote(text)
        if flt == "styled":
            kinds = self.style.option("italic_title_types", [])
            assert isinstance(kinds, list)
            if self.entry.entry_type in kinds:
                return italic(text)
            return text if self.style.option("part_title_format") == "plain" else quote(text)
        raise ValueError(f"unknown filter '{flt}' in style {self.style.name}")

    def _english(self) -> bool:
        """Case changes are English rules: leave other languages as written (as CSL does)."""
        language = (self.entry.plain("langid") or self.entry.plain("language")).lower()
        return not language or language.startswith(("en", "american", "british",
                                                     "canadian", "australian"))

    @staticmethod
    def _shorten(title: str) -> str:
        """A title's main part, before the colon (Chicago 18 §13.32 short titles)."""
        return _main_title(title, ":?")


def _main_title(title: str, stops: str) -> str:
    """``title`` up to its first stop character outside case-protection markers.

    A colon ends the main title; a question mark ends it too but belongs to it.
    """
    depth = 0
    for index, ch in enumerate(title):
        if ch == "\ue000":
            depth += 1
        elif ch == "\ue001":
            depth -= 1
        elif ch in stops and depth == 0:
            return title[: index + (1 if ch == "?" else 0)]
    return title

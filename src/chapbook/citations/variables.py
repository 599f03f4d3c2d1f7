"""The values and filters that style templates use, computed from one entry.

Each template slot names a variable (``title``, ``author``, ``pages`` ...) and filters
(``quote``, ``names:bib``, ``date:mla`` ...). This module is the one place that knows
what each name means, so a style file never has to; the list is documented in the
header of every shipped style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chapbook.bibliography.languages import entry_language
from chapbook.bibliography.markup import in_language, italic, link, protect, strip
from chapbook.bibliography.model import DateValue, Entry, Name
from chapbook.bibliography.names import NAME_FIELDS
from chapbook.citations.bibstrings import (
    CONTRIBUTOR_PHRASES,
    ROLE_PHRASES,
    bibstring,
    english_words,
)
from chapbook.citations.casing import capitalize_first, sentence_case, title_case
from chapbook.citations.dates import format_date
from chapbook.citations.locale import LocaleError, csl_locale, format_locale_date
from chapbook.citations.names import NameFormat, format_names
from chapbook.citations.pages import format_page_range
from chapbook.citations.style import Style
from chapbook.citations.syntax import CiteItem
from chapbook.words import primary_language

NAME_VARIABLES = NAME_FIELDS
# biblatex localisation keys (manual 4.9.2) that .bib files put in ``type``, ``pubstate``,
# ``location`` and ``editortype``: the English words (a style's [terms] may override each,
# "type-KEY"); other languages' are in locales/bibstrings.toml (:func:`bibstring`).
TYPE_WORDS = english_words((
    "techreport", "resreport", "phdthesis", "mathesis", "candthesis", "bathesis", "software",
    "datacd", "audiocd", "patent", "patentus", "patentuk", "patentde", "patenteu", "patentfr",
    "patreq", "patrequs", "manual", "report"))
PUBSTATE_WORDS = english_words(("inpress", "forthcoming", "inpreparation", "submitted",
                                "prepublished"))
COUNTRY_WORDS = english_words(("countryus", "countryuk", "countryde", "countryeu", "countryfr"))
# biblatex's eprint types: the link and the label each points to (manual 3.14.7).
EPRINT_URLS = {
    "arxiv": ("https://arxiv.org/abs/{id}", "arXiv:{id}"),
    "jstor": ("https://www.jstor.org/stable/{id}", "JSTOR {id}"),
    "hdl": ("https://hdl.handle.net/{id}", "hdl:{id}"),
    "pubmed": ("https://www.ncbi.nlm.nih.gov/pubmed/{id}", "PMID: {id}"),
    "googlebooks": ("https://books.google.com/books?id={id}", "Google Books: {id}"),
}
_TOP_AND = re.compile(r"\s+and\s+")
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

    def __init__(self, entry: Entry, context: Context,
                 related: list[Entry] | None = None) -> None:
        self.entry = entry
        self.context = context
        self.style = context.style
        #: the loaded entries ``related`` names (translation of, reprint of), in its order
        self.related = related or []
        #: the variables the render has printed already (shared with the RenderState)
        self.used: set[str] = set()

    # -- values -------------------------------------------------------------------------
    def value(self, name: str) -> str | list[Name] | DateValue | None:
        entry = self.entry
        if name in NAME_VARIABLES:
            if name == "author" and self.author_is_publisher():
                return None
            return entry.names.get(name) or None
        if name.endswith("-phrase") and name[:-len("-phrase")] in _CONTRIBUTOR_KEYS:
            return self._contributor_phrase(name[:-len("-phrase")])
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
        return self._v_journal() or self._v_booktitle() or self._v_maintitle()

    def _joined(self, title: str, subtitle: str) -> str:
        title, subtitle = self.entry.get(title), self.entry.get(subtitle)
        if title and subtitle:
            separator = "" if strip(title)[-1:] in "?!" else ":"
            return f"{title}{separator} {subtitle}"
        return title

    def _v_booktitle(self) -> str:
        return self._joined("booktitle", "booksubtitle")

    def _v_maintitle(self) -> str:
        return self._joined("maintitle", "mainsubtitle")

    def _v_booktitle_full(self) -> str:
        """The book's title with its ``booktitleaddon`` ("Essays at Sea. A Selection")."""
        addon = self.entry.get("booktitleaddon")
        return f"{self._v_booktitle()}. {addon}" if addon else self._v_booktitle()

    def _v_maintitle_full(self) -> str:
        addon = self.entry.get("maintitleaddon")
        return f"{self._v_maintitle()}. {addon}" if addon else self._v_maintitle()

    def _v_journal(self) -> str:
        return self._joined("journal", "journalsubtitle")

    def _v_issuetitle(self) -> str:
        return self._joined("issuetitle", "issuesubtitle")

    def _v_maintitle_unless_volume(self) -> str:
        """The multi-volume work's title where no volume number precedes it."""
        return "" if self.entry.get("volume") else self._v_maintitle()

    def _v_title_in_main(self) -> str:
        """APA 7 10.2: "Maintitle: Vol. 3. Title" as one italic title."""
        main = self._v_maintitle_full()
        if not main:
            return ""
        volume, part = self.entry.get("volume"), self.entry.get("part")
        label = self.style.term("volume-label") or "Vol."
        part_label = self.style.term("part-label") or "Pt."
        if self.style.locale is not None:  # "Teil", not "teil" when the title is sentence-cased
            label, part_label = protect(label), protect(part_label)
        volume_part = f": {label} {volume}" if volume else ""
        if volume and part:
            volume_part += f", {part_label} {part}"
        return f"{main}{volume_part}. {self._v_title()}"

    def _v_volume_unless_main(self) -> str:
        return "" if self._v_title_in_main() else self.entry.get("volume")

    def _v_volumes_range(self) -> str:
        """APA's "Vols. 1–32" for a work in 32 volumes."""
        volumes = self.entry.plain("volumes")
        return f"1–{volumes}" if volumes.isdigit() and int(volumes) > 1 else volumes

    def _is_whole_site(self) -> bool:
        """An @online entry with neither a site around it (``journal``) nor an author is
        a whole website (MLA 9 italicizes its title; its owner is the publisher)."""
        return self.entry.entry_type == "online" and not self.entry.get("journal") and \
            not self.entry.names.get("author")

    def _v_website(self) -> str:
        """An online work's site: ``journal`` (as pandoc reads it), else ``organization``
        when the organization is not the author already."""
        if "container" in self.used or self._is_whole_site():
            return ""
        return self._v_journal() or self._v_organization_unless_author()

    def _v_website_journal(self) -> str:
        """The site when it is a title (``journal``): Cite Them Right italicizes it."""
        return self._v_website() if self.entry.get("journal") else ""

    def _v_website_organization(self) -> str:
        """The site when it is its owner (``organization``): a publisher, in roman."""
        return "" if self.entry.get("journal") else self._v_website()

    def _v_organization_unless_website(self) -> str:
        """The owner as publisher, unless it was printed as the site's name."""
        if self.entry.get("journal") or self._is_whole_site():
            return self._v_organization_unless_author()
        return ""

    def _v_contributors(self) -> str:
        """Everyone besides the author, as one phrase: "edited and translated by X,
        introduction by Y" (MLA 9's "other contributors" element). Verbs are the style's terms
        ``verb-ROLE``; the template capitalizes the first if it starts a sentence."""
        roles = [("editor-translator", "edited and translated by"),
                 ("editor-alone", "edited by"), ("translator-alone", "translated by")]
        parts: list[str] = []
        fmt_filters = ("names:given",)
        for variable, default in roles:
            text = self.resolve(variable, fmt_filters)
            if text:
                parts.append(f"{self.style.term('verb-' + variable) or default} {text}")
        for which in ("editora", "editorb", "editorc"):
            text = self.resolve(which, fmt_filters)
            if text:
                parts.append(f"{self._role_verb(which)} {text}")
        parts.extend(p for p in (self._contributor_phrase(role)
                                 for role, _ in CONTRIBUTOR_PHRASES) if p)
        return ", ".join(parts)

    def _contributor_phrase(self, role: str) -> str:
        """"foreword by X" (``{foreword-phrase}``): the style's verb or biblatex's phrase in
        the booklet's language, and the names; French elides "de" before a vowel ("avec une
        préface d’Amara Kestrel"), as biblatex's ``\\smartof`` does."""
        text = self.resolve(role, ("names:given",))
        if not text:
            return ""
        verb = self.style.term("verb-" + role) or bibstring(self._language(),
                                                             _CONTRIBUTOR_KEYS[role])
        if (primary_language(self._language()) == "fr" and verb.endswith(" de")
                and strip(text)[:1].lower() in _FRENCH_VOWELS):
            return f"{verb[:-3]} d’{text}"
        return f"{verb} {text}"

    def _v_organization_unless_author(self) -> str:
        organization = self.entry.get("organization")
        if "organization" in self.used:
            return ""
        authors = self.entry.names.get("author") or []
        if any(strip(n.literal) == strip(organization) for n in authors):
            return ""
        return organization

    def _v_whole_site_title(self) -> str:
        """The title of an online work that is a whole site (no site around it)."""
        return self._v_title() if self._is_whole_site() else ""

    def _v_part_title(self) -> str:
        """The title of an online work that sits in a site."""
        return "" if self._is_whole_site() else self._v_title()

    def _list(self, value: str) -> list[str]:
        """A biblatex list field (``publisher``, ``location``): items split at top-level
        "and", as biblatex splits them (braces protect "{Barnes and Noble}")."""
        items: list[str] = []
        depth = 0
        start = 0
        for match in _TOP_AND.finditer(value):
            depth = value.count("\ue000", 0, match.start()) - value.count("\ue001", 0,
                                                                            match.start())
            if depth == 0:
                items.append(value[start : match.start()])
                start = match.end()
        items.append(value[start:])
        return [i for i in items if i]

    def _joined_list(self, value: str) -> str:
        delimiter = str(self.style.option("publisher_delimiter", "; "))
        return delimiter.join(self._list(value)) if value else ""

    def _v_publisher(self) -> str:
        entry = self.entry
        if entry.entry_type in ("report",):
            value = entry.get("institution") or entry.get("publisher")
        elif entry.entry_type in ("phdthesis", "mastersthesis", "thesis"):
            value = entry.get("school") or entry.get("institution") or entry.get("publisher")
        elif entry.entry_type in ("proceedings", "inproceedings") and entry.get(
                "organization") and entry.get("publisher"):
            # biblatex's standard styles: the organizing body, then the publisher
            value = f"{entry.get('organization')} and {entry.get('publisher')}"
        else:
            value = entry.get("publisher") or entry.get("organization")
        return self._joined_list(value)

    def _v_address(self) -> str:
        return self._joined_list(self.entry.get("address"))

    def _v_origpublisher(self) -> str:
        return self._joined_list(self.entry.get("origpublisher"))

    def _origdate(self) -> DateValue | None:
        """The original date: ``origdate``, else the related original's date."""
        date = self.entry.dates.get("origdate")
        if date is None and self.related and self.entry.plain(
                "relatedtype").lower() in ("translationof", "reprintof", "origpubas",
                                           "origpubin", "reprintfrom"):
            date = self.related[0].dates.get("date")
        return date

    def _v_origyear(self) -> str:
        date = self._origdate()
        return format_date(date, "year") if date is not None else ""

    def _v_related(self) -> str:
        """"Translation of *Les moulins de la Loire* (Éditions du Test, 1962)"; several
        related entries after one phrase, split by "; "."""
        if not self.related:
            return ""
        kind = self.entry.plain("relatedtype").lower()
        words = self.entry.get("relatedstring") or self.style.term(f"related-{kind}") or \
            kind
        works = []
        for related in self.related:
            sub = Resolver(related, Context(self.style))
            title = sub._apply("styled", sub._v_title())
            facts = ", ".join(p for p in (sub._v_publisher(), sub._v_dated_year()) if p)
            works.append(title + (f" ({facts})" if facts else ""))
        return f"{words} " + "; ".join(works)

    def _language(self) -> str:
        """The booklet's language (its CSL locale's tag), "en" without one."""
        return self.style.locale.tag if self.style.locale is not None else "en"

    def _v_type(self) -> str:
        """``type``: a biblatex localisation key ("resreport") becomes words, the
        style's term first, then biblatex's word in the booklet's language."""
        value = self.entry.get("type")
        key = strip(value).lower()
        word = bibstring(self._language(), key, english=False) if key in TYPE_WORDS else ""
        if not word and key == "report" and self.style.locale is not None:
            word = self.style.locale.own_term("report")  # no biblatex key, a CSL term
        if not word and key in TYPE_WORDS:
            word = TYPE_WORDS[key]
        return self.style.term(f"type-{key}") or capitalize_first(word) or value

    def _v_description(self) -> str:
        """What kind of work an entry is, where a style names it ("Data set", "Computer
        software" in APA 7 10.9-10.10): the style's term ``description-TYPE``."""
        return self.style.term(f"description-{self.entry.source_type}")

    def _v_pubstate(self) -> str:
        key = self.entry.plain("pubstate").lower()
        word = bibstring(self._language(), key) if key in PUBSTATE_WORDS else ""
        return self.style.term(f"pubstate-{key}") or word or self.entry.get("pubstate")

    def _v_country(self) -> str:
        """A patent's country (``location = {countryus}``)."""
        value = self.entry.plain("address")
        return ", ".join(bibstring(self._language(), v.lower()) if v.lower() in COUNTRY_WORDS
                         else v for v in self._list(value))

    def _eprint(self) -> tuple[str, str]:
        """(URL, label) of the ``eprint``; ("", "") when there is none."""
        identifier = self.entry.plain("eprint")
        if not identifier:
            return "", ""
        kind = self.entry.plain("eprinttype").lower()
        url, label = EPRINT_URLS.get(kind, ("", f"{self.entry.plain('eprinttype')} {{id}}"))
        label = label.format(id=identifier).strip()
        if self.entry.get("eprintclass") and kind == "arxiv":
            label += f" [{self.entry.plain('eprintclass')}]"
        elif self.entry.get("eprintclass"):
            label += f" ({self.entry.plain('eprintclass')})"
        return url.format(id=identifier), label

    def _v_eprint_url(self) -> str:
        url, label = self._eprint()
        return link(url, url) if url else label

    def _v_eprint_label(self) -> str:
        """arXiv's own form ("arXiv:2101.00001 [cs.CL]", linked); other archives by URL."""
        url, label = self._eprint()
        if self.entry.plain("eprinttype").lower() != "arxiv" and url:
            return link(url, url)
        return link(url, label) if url else label

    def _v_bookauthor_other(self) -> list[Name] | None:
        """The book's author when the part has another author ("In *Book*, by X")."""
        book = self.entry.names.get("bookauthor")
        if not book or book == self.entry.names.get("author"):
            return None
        return book


    def _same(self, first: str, second: str) -> bool:
        one, two = self.entry.names.get(first), self.entry.names.get(second)
        return bool(one) and one == two

    def _v_editor_translator(self) -> list[Name] | None:
        """The editor who is also the translator: "Edited and translated by X"."""
        if "editor" in self.used or not self._same("editor", "translator"):
            return None
        return self.value("editor")  # type: ignore[return-value]

    def _v_editor_alone(self) -> list[Name] | None:
        if "editor" in self.used or self._same("editor", "translator"):
            return None
        return self.entry.names.get("editor") or None

    def _v_translator_alone(self) -> list[Name] | None:
        if "translator" in self.used or self._same("editor", "translator"):
            return None
        return self.entry.names.get("translator") or None

    def _role_verb(self, which: str) -> str:
        kind = self.entry.plain(f"{which}type").lower() or "editor"
        phrase = bibstring(self._language(), ROLE_PHRASES[kind]) if kind in ROLE_PHRASES \
            else f"{kind}:"
        return self.style.term(f"verb-{kind}") or phrase

    def _v_editora_verb(self) -> str:
        return self._role_verb("editora") if self.entry.names.get("editora") else ""

    def _v_editorb_verb(self) -> str:
        return self._role_verb("editorb") if self.entry.names.get("editorb") else ""

    def _v_editorc_verb(self) -> str:
        return self._role_verb("editorc") if self.entry.names.get("editorc") else ""

    def _v_series_number(self) -> str:
        """A journal's series: "3rd ser.", "n.s." (``newseries``), "o.s." (CMOS 14.180)."""
        series = self.entry.plain("series")
        if not series or self.entry.entry_type != "article":
            return ""
        key = series.lower()
        language = self._language()
        if key in ("newseries", "oldseries"):
            return self.style.term(f"series-{key}") or bibstring(language, key)
        if series.isdigit():
            locale = self.style.locale
            nth = locale.ordinal(int(series)) if locale is not None else ordinal(int(series))
            return f"{nth} {self.style.term('series') or bibstring(language, 'jourser')}"
        return self.entry.get("series")

    def _v_book_series(self) -> str:
        """The series of a book or chapter (not a journal's series)."""
        return "" if self.entry.entry_type == "article" else self.entry.get("series")

    def _v_chapter(self) -> str:
        return self.entry.get("chapter")

    def _v_pages(self) -> str:
        pages = self.entry.get("pages")
        form = str(self.style.option("page_range", "chicago"))
        return format_page_range(pages, form)

    def _v_edition(self) -> str:
        edition = self.entry.plain("edition")
        if not edition:
            return ""
        written = re.fullmatch(r"(\d+)(?:st|nd|rd|th)?\.?(?: ed(?:ition|n)?\.?)?", edition, re.I)
        number = int(written.group(1)) if written else _ORDINAL_WORDS.get(edition.lower())
        if number == 1:
            return ""
        if number:
            locale = self.style.locale
            nth = locale.ordinal(number) if locale is not None else ordinal(number)
            # "2. Aufl." must not break after "2.": a numeral ordinal and its abbreviation
            # stay on one line (a no-break space, as German and French typesetting ask)
            space = "\u00a0" if nth.endswith(".") else " "
            return f"{nth}{space}{self.style.term('edition')}".strip()
        return self.entry.get("edition")

    def _v_year(self) -> str:
        date = self.entry.dates.get("date")
        if date is None and self.entry.get("pubstate"):
            return self._v_pubstate()
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
        """A DOI (as https://doi.org/...) if there is one, else the bare URL (MLA 9), also
        for an archive's URL made from ``eprint`` (JSTOR, PubMed)."""
        if self._v_doi() or self.entry.get("url"):
            return self._v_doi() or self._v_url_bare()
        url, label = self._eprint()
        if url and self.entry.plain("eprinttype").lower() != "arxiv":
            return link(url, re.sub(r"^https?://", "", url, flags=re.I))
        return self._v_eprint_label()

    def _v_doi(self) -> str:
        doi = self.entry.get("doi")
        if not doi:
            return ""
        doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi.strip(), flags=re.I)
        url = f"https://doi.org/{doi}"
        return link(url, url)

    def _v_link(self) -> str:
        """A DOI if there is one, else the URL, else the eprint's URL."""
        return self._v_doi() or self._v_url() or self._v_eprint_url()

    def _v_link_label(self) -> str:
        """As ``link``, but an eprint shows its label ("arXiv:2101.00001 [cs.CL]")."""
        return self._v_doi() or self._v_url() or self._v_eprint_label()

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
            return self.style.term(mapped) if mapped else self._v_type()
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
        """The issue number; biblatex's ``issue`` ("Autumn") joins it: "4, Autumn"."""
        number, issue = self.entry.get("number"), self.entry.get("issue")
        return f"{number}, {issue}" if number and issue else number or issue

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
        # a no-break space: "chap." at a line's end and "2" at the next one's start is
        # what typesetters avoid (and WeasyPrint broke a line early there)
        return f"{chosen}\u00a0{value}" if chosen else value

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

    def _v_version(self) -> str:
        return self.entry.get("version")

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
        language = self._title_language(name, text)
        if language:
            return self._in_language(text, filters, language)
        for flt in filters:
            text = self._apply(flt, text)
        return text

    def _title_language(self, name: str, text: str) -> str:
        """The language of a title of the entry (``langid``) where it needs care: not the
        booklet's (marked with it: its hyphenation, ``lang`` in the HTML), or the booklet's
        if that is not English and the title holds quotation marks (its own marks)."""
        if "title" not in name and name not in ("container", "journal"):
            return ""
        booklet = self.style.locale.tag if self.style.locale is not None else "en"
        language = entry_language(self.entry) or booklet
        if primary_language(language) != primary_language(booklet):
            return language
        return booklet if primary_language(booklet) != "en" and "“" in text else ""

    def _in_language(self, text: str, filters: tuple[str, ...], language: str) -> str:
        """A title in another language: its case filters first (English rules only, see
        :meth:`_english`), then the style's quotation marks or italics around it, in the
        booklet's language (as CSL and biblatex's default ``autolang=hyphen`` do); quotes
        inside the title are its own language's."""
        cut = next((i for i, flt in enumerate(filters) if flt in _WRAPPING_FILTERS),
                   len(filters))
        for flt in filters[:cut]:
            text = self._apply(flt, text)
        around = _HOLE
        for flt in filters[cut:]:
            around = self._apply(flt, around)
        if _HOLE not in around:
            return around
        before = strip(around[:around.index(_HOLE)]).rstrip(" \u00a0\u202f")
        quoted = bool(before) and before[-1] in _OPENING_MARKS
        text = _own_quotes(text, language, quoted)
        booklet = self.style.locale.tag if self.style.locale is not None else "en"
        if primary_language(language) != primary_language(booklet):
            text = in_language(text, language)
        return around.replace(_HOLE, text)

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
            several = bool(re.search(r"[-–—,&]", text))
            locale = self.style.locale  # "S. 33" in German
            word = locale.term("page", "short", several) if locale is not None else ""
            space = " " if locale is None else "\u00a0"  # "S. 33" kept on one line
            return (word or ("pp." if several else "p.")) + space + text
        if flt == "styled-text":
            # in running text a part title is always quoted (APA 8.14)
            kinds = self.style.option("italic_title_types", [])
            assert isinstance(kinds, list)
            return italic(text) if self.entry.entry_type in kinds else self._quote(text)
        if flt == "styled":
            kinds = self.style.option("italic_title_types", [])
            assert isinstance(kinds, list)
            roman = self.style.option("roman_title_types", [])
            assert isinstance(roman, list)
            if self.entry.entry_type in roman:
                return text
            # a @misc inside a site (Zotero's web page: ``journal`` is the site) is a part
            contained = self.entry.entry_type == "misc" and bool(self.entry.get("journal")) \
                and bool(self.style.option("quote_misc_in_container", False))
            if self.entry.entry_type in kinds and not contained:
                return italic(text)
            return text if self.style.option("part_title_format") == "plain" else quote(text)
        raise ValueError(f"unknown filter '{flt}' in style {self.style.name}")

    def _english(self) -> bool:
        """Case changes are English rules: leave other languages as written (as CSL does,
        and biblatex's APA style for a ``langid`` other than English)."""
        language = entry_language(self.entry)
        return not language or primary_language(language) == "en"

    @staticmethod
    def _shorten(title: str) -> str:
        """A title's main part, before the colon (Chicago 18 §13.32 short titles)."""
        return _main_title(title, ":?")


_CONTRIBUTOR_KEYS = dict(CONTRIBUTOR_PHRASES)
_FRENCH_VOWELS = "aeiouyàâäéèêëîïôöùûüÿœæ"
#: The filters that put marks around a title (quotation marks, italics): after these the
#: title's own language ends.
_WRAPPING_FILTERS = ("quote", "italic", "styled", "styled-text")
#: Where a title goes while the filters around it run.
_HOLE = "\ue0ff"
_OPENING_MARKS = "“‘„‚«‹»›「『"


def _own_quotes(title: str, language: str, quoted: bool) -> str:
    """The quotation marks inside a title (decoded from TeX's ````...''```` or
    ``\\enquote``, as “...”) as its own language writes them: the inner ones if the style
    quotes the title, else the outer ones."""
    if "“" not in title:
        return title
    try:
        locale = csl_locale(language)
    except LocaleError:
        return title
    level = "inner-" if quoted else ""
    opening = locale.term(f"open-{level}quote") or "“"
    closing = locale.term(f"close-{level}quote") or "”"
    return title.replace("“", "\ue0fe").replace("”", closing).replace("\ue0fe", opening)


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

"""Turn a document's citations into text, footnotes and a reference list.

The processor sees every citation of the document at once, in reading order, because
two things depend on the whole: same-author-same-year works get letters (1994a,
1994b) everywhere, and in note styles the first citation of a work is a full note and
later ones are shortened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chapbook.bibliography.markup import (
    PROTECT_CLOSE,
    PROTECT_OPEN,
    link,
    strip,
    to_html,
)
from chapbook.bibliography.model import Bibliography, Entry
from chapbook.citations.casing import capitalize_first
from chapbook.citations.names import name_sort_key
from chapbook.citations.punctuation import clean
from chapbook.citations.style import Style
from chapbook.citations.syntax import Cite, CiteItem
from chapbook.citations.template import RenderState, render
from chapbook.citations.variables import Context, Resolver
from chapbook.diagnostics import Diagnostics, suggest

_ARTICLES = re.compile(r"^(the|a|an)\s+", re.I)


@dataclass(frozen=True)
class CiteInput:
    """A citation and whether it sits inside a footnote the author wrote."""

    cite: Cite
    in_note: bool = False


@dataclass
class RenderedCite:
    """``text_html`` goes in the running text (may be ""); ``note_html`` is a new footnote."""

    text_html: str
    note_html: str | None = None


@dataclass
class ProcessResult:
    cites: list[RenderedCite]
    bibliography: list[tuple[str, str]]  # (key, html) in the style's order
    is_note_style: bool
    cited_keys: list[str] = field(default_factory=list)


class CitationProcessor:
    """Format citations and the reference list of one document in one style."""

    def __init__(self, bibliography: Bibliography, style: Style,
                 diagnostics: Diagnostics | None = None, link_citations: bool = True) -> None:
        self.bibliography = bibliography
        self.style = style
        self.diagnostics = diagnostics if diagnostics is not None else Diagnostics()
        self.link_citations = link_citations
        self.suffixes: dict[str, str] = {}
        self._warned: set[str] = set()

    # -- rendering helpers ---------------------------------------------------------------
    def _render(self, template: str, entry: Entry, item: CiteItem | None = None,
                used: set[str] | None = None) -> str:
        context = Context(self.style, self.suffixes.get(entry.key, ""), item)
        resolver = Resolver(entry, context)
        kind = self.style.kind(entry.entry_type, entry.get("entrysubtype"))
        state = RenderState(resolver.resolve, self.style.macros_for(kind),
                            used if used is not None else set())
        return render(template, state)

    def _finish(self, text: str) -> str:
        return clean(text, bool(self.style.option("quotes_punctuation_inside", True)))

    def _check_required(self, entry: Entry) -> None:
        if entry.key in self._warned:
            return
        self._warned.add(entry.key)
        kind = self.style.kind(entry.entry_type, entry.get("entrysubtype"))
        needed = self.style.required.get(kind) or self.style.required.get("default", [])
        missing = []
        for requirement in needed:
            options = requirement.split("|")
            if not any(entry.names.get(o) or entry.fields.get(o) or entry.dates.get(o)
                       for o in options):
                missing.append(" or ".join(options))
        if missing:
            self.diagnostics.warning(
                entry.file, entry.line,
                f"'{entry.key}' (@{entry.entry_type}) lacks {', '.join(missing)}, which "
                f"{self.style.title} needs",
                hint="add the field(s), or check the entry type")

    # -- disambiguation -----------------------------------------------------------------
    def _assign_suffixes(self, keys: list[str]) -> None:
        """Same creator and year in the reference list: a, b, c in reference-list order."""
        self.suffixes = {}
        if self.style.option("disambiguate", "") != "year-suffix":
            return
        groups: dict[tuple[str, str], list[str]] = {}
        template = self.style.citation.get("disambiguate", "{>creator-short}")
        for key in keys:
            entry = self.bibliography.entries[key]
            creator = strip(self._render(template, entry)).casefold()
            year = strip(self._render("{year}", entry))
            groups.setdefault((creator, year), []).append(key)
        for members in groups.values():
            if len(members) < 2:
                continue
            ordered = sorted(members, key=lambda k: self._title_sort(self.bibliography[k]))
            for index, key in enumerate(ordered):
                self.suffixes[key] = chr(ord("a") + index) if index < 26 else f"{index}"

    def _title_sort(self, entry: Entry) -> str:
        return _sortable(entry.plain("title"))

    # -- bibliography -------------------------------------------------------------------
    def sort_key(self, entry: Entry) -> tuple[str, str, str]:
        creator = ""
        for role in ("author", "editor", "translator"):
            names = entry.names.get(role)
            if names:
                creator = " ".join(name_sort_key(n) for n in names if not n.is_others)
                break
        if not creator:
            creator = _sortable(strip(self._render("{>creator-bib}", entry)))
        # undated works come before dated ones (APA 9.47); the letter keeps 1994a first
        date = entry.dates.get("date")
        year = f"{date.year:05d}" if date is not None and date.year is not None else ""
        return creator, year + self.suffixes.get(entry.key, ""), self._title_sort(entry)

    def format_entry(self, entry: Entry) -> str:
        """One reference-list entry as marked text (before punctuation cleaning)."""
        self._check_required(entry)
        template = self.style.template_for(self.style.bibliography, entry.entry_type,
                                            entry.get("entrysubtype"))
        return self._finish(self._render(template, entry))

    def bibliography_items(self, keys: list[str]) -> list[tuple[str, str]]:
        """(key, marked text) for ``keys``, sorted and with author substitution."""
        entries = [self.bibliography.entries[k] for k in keys if k in self.bibliography]
        entries.sort(key=self.sort_key)
        substitute = str(self.style.option("subsequent_author_substitute", ""))
        out: list[tuple[str, str]] = []
        previous_creator = None
        for entry in entries:
            text = self.format_entry(entry)
            if substitute:
                creator = self._finish(self._render("{>creator-bib}", entry))
                has_names = any(entry.names.get(r) for r in ("author", "editor", "translator"))
                if has_names and creator and creator == previous_creator and \
                        text.startswith(creator):
                    text = substitute + text[len(creator):]
                previous_creator = creator if has_names else None
            out.append((entry.key, text))
        return out

    # -- citations ----------------------------------------------------------------------
    def _link(self, key: str, text: str) -> str:
        return link(f"#ref-{key}", text) if self.link_citations and text else text

    def _missing(self, item: CiteItem) -> str:
        return f"{PROTECT_OPEN}{item.key}?{PROTECT_CLOSE}"

    def _author_date_cite(self, cite: Cite) -> str:
        citation = self.style.citation
        if cite.narrative:
            item = cite.items[0]
            entry = self.bibliography.entries.get(item.key)
            if entry is None:
                return self._missing(item)
            self._check_required(entry)
            return self._link(item.key, self._render(citation["narrative"], entry, item))
        parts: list[str] = []
        previous_creator: str | None = None
        previous_item: CiteItem | None = None
        collapse = citation.get("collapse") == "year"
        for item in cite.items:
            entry = self.bibliography.entries.get(item.key)
            if entry is None:
                parts.append(self._missing(item))
                previous_creator = None
                continue
            self._check_required(entry)
            creator = strip(self._render("{>creator-short}", entry))
            plain_item = not item.prefix and not item.suppress_author
            if collapse and plain_item and creator == previous_creator and parts:
                text = self._render(citation.get("item-collapsed", "{year}"), entry, item)
                # "(Smith 1990, 1994)" but "(Smith 1990, 12; 1994)" after a locator
                after_locator = previous_item is not None and (previous_item.locator or
                                                               previous_item.suffix)
                delimiter = (citation.get("delimiter", "; ") if after_locator
                             else citation.get("collapse-delimiter", ", "))
                parts[-1] += delimiter + self._link(item.key, text)
                previous_item = item
                continue
            key = "item-suppress-author" if item.suppress_author else "item"
            text = self._link(item.key, self._render(citation[key], entry, item))
            if item.prefix:
                text = item.prefix + " " + text
            parts.append(text)
            previous_creator = creator if not item.suppress_author else None
            previous_item = item
        inner = citation.get("delimiter", "; ").join(parts)
        return citation.get("open", "(") + inner + citation.get("close", ")")

    def _note_items(self, cite: Cite, seen: set[str], last_key: list[str]) -> str:
        """The text of one note (without the final period) for a cite in a note style."""
        texts: list[str] = []
        for item in cite.items:
            entry = self.bibliography.entries.get(item.key)
            if entry is None:
                texts.append(self._missing(item))
                continue
            self._check_required(entry)
            used: set[str] = set()
            if item.suppress_author or cite.narrative:
                used.update(("author", "editor", "translator"))
            if item.key in seen:
                template = self.style.citation["subsequent"]
            else:
                template = self.style.template_for(self.style.notes, entry.entry_type,
                                                   entry.get("entrysubtype"))
            text = self._render(template, entry, item, used)
            seen.add(item.key)
            text = self._link(item.key, text)
            if item.prefix:
                text = item.prefix + " " + text
            texts.append(text)
        return self.style.citation.get("delimiter", "; ").join(texts)

    def process(self, cites: list[CiteInput] | list[Cite], nocite: list[str] | None = None
                ) -> ProcessResult:
        """Format every cite of a document (in reading order) and its reference list.

        ``nocite`` adds keys to the reference list without citing them; ``"*"`` adds all.
        """
        inputs = [c if isinstance(c, CiteInput) else CiteInput(c) for c in cites]
        cited: list[str] = []
        for cite_input in inputs:
            for item in cite_input.cite.items:
                if item.key in self.bibliography and item.key not in cited:
                    cited.append(item.key)
        listed = list(cited)
        for key in nocite or []:
            if key == "*":
                listed.extend(k for k in self.bibliography.entries if k not in listed)
            elif key in self.bibliography and key not in listed:
                listed.append(key)
        self._assign_suffixes(listed)
        rendered: list[RenderedCite] = []
        seen: set[str] = set()
        last_key: list[str] = []
        for cite_input in inputs:
            cite = cite_input.cite
            if not self.style.is_note_style:
                rendered.append(RenderedCite(to_html(self._finish(self._author_date_cite(cite)))))
                continue
            note = self._note_items(cite, seen, last_key)
            note = capitalize_first(note) if not cite.narrative else note
            note = self._finish(note + ".")
            if cite.narrative:
                entry = self.bibliography.entries.get(cite.items[0].key)
                name = self._render(self.style.citation.get("narrative", "{>creator-note}"),
                                    entry) if entry else ""
                name = self._finish(self._link(cite.items[0].key, name)) if name else ""
                if cite_input.in_note:
                    rendered.append(RenderedCite(to_html(name + " " + note if name else note)))
                else:
                    rendered.append(RenderedCite(to_html(name), to_html(note)))
            elif cite_input.in_note:
                rendered.append(RenderedCite(to_html(note)))
            else:
                rendered.append(RenderedCite("", to_html(note)))
        items = self.bibliography_items(listed)
        return ProcessResult(rendered, [(k, to_html(t)) for k, t in items],
                             self.style.is_note_style, cited)


def _sortable(text: str) -> str:
    text = text.strip("“”‘’\"' ")
    text = _ARTICLES.sub("", text)
    return re.sub(r"[^\w\s]", "", text).casefold()


def check_cited_keys(citations: list[tuple[str, str, int]], bibliography: Bibliography,
                     diagnostics: Diagnostics) -> None:
    """Report each cited key (``(key, file, line)``) that the bibliography lacks."""
    for key, file, line in citations:
        if key not in bibliography:
            diagnostics.error(file, line, f"unknown citation key '{key}'",
                              hint=suggest(key, bibliography.keys()))


def report_uncited(bibliography: Bibliography, cited: set[str] | list[str],
                   diagnostics: Diagnostics, as_warning: bool = False) -> None:
    """Entries no chapter cites: a hint (or warning) at each entry's line."""
    cited_set = set(cited)
    for entry in bibliography.entries.values():
        if entry.key not in cited_set:
            message = f"'{entry.key}' is never cited"
            hint = "cite it, list it under nocite, or remove it"
            if as_warning:
                diagnostics.warning(entry.file, entry.line, message, hint=hint)
            else:
                diagnostics.hint(entry.file, entry.line, message, hint=hint)

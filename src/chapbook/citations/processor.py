"""Turn a document's citations into text, footnotes and a reference list.

The processor sees every citation of the document at once, in reading order, because
two things depend on the whole: same-author-same-year works get letters (1994a,
1994b) everywhere, and in note styles the first citation of a work is a full note and
later ones are shortened.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from chapbook.bibliography.markup import (
    LINK_OPEN,
    PROTECT_CLOSE,
    PROTECT_OPEN,
    link,
    strip,
    to_html,
)
from chapbook.bibliography.model import Bibliography, Entry, Name
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
    """A citation, whether it sits inside a footnote the author wrote, and its chapter.

    In a note style a work's first citation in each ``group`` is a full note (CMOS advises
    this for chapters that may be read on their own); "" for all is one long document.
    """

    cite: Cite
    in_note: bool = False
    group: str = ""


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
        self.ambiguous: set[str] = set()
        self._warned: set[str] = set()
        #: What :meth:`_render` made, by all it depends on: a booklet renders each work's
        #: short form once per citation of it, 523 renders of 67 different ones.
        self._rendered: dict[tuple, tuple[Entry, str]] = {}

    # -- rendering helpers ---------------------------------------------------------------
    def _render(self, template: str, entry: Entry, item: CiteItem | None = None,
                used: set[str] | None = None) -> str:
        suffix, ambiguous = self.suffixes.get(entry.key, ""), entry.key in self.ambiguous
        # Only a render whose variables nobody asks for (``used``) may be reused; the entry
        # is kept with it, so that its id cannot be taken by another.
        key = (template, id(entry), item, suffix, ambiguous) if used is None else None
        if key is not None and (kept := self._rendered.get(key)) and kept[0] is entry:
            return kept[1]
        context = Context(self.style, suffix, item, ambiguous=ambiguous)
        resolver = Resolver(entry, context, self.bibliography.linked(entry, "related"))
        kind = self.style.kind(entry.entry_type, entry.get("entrysubtype"))
        state = RenderState(resolver.resolve, self.style.macros_for(kind),
                            used if used is not None else set())
        resolver.used = state.used
        text = render(template, state)
        if key is not None:
            self._rendered[key] = (entry, text)
        return text

    def _finish(self, text: str) -> str:
        text = clean(text, bool(self.style.option("quotes_punctuation_inside", True)))
        words = self.style.option("capitalize_after_period", [])
        if words and isinstance(words, list):
            # MLA 9: an element that starts a sentence is capitalized ("Vol. 7")
            pattern = _sentence_start_pattern(tuple(str(w) for w in words))
            text = pattern.sub(lambda m: m.group(1) + m.group(2)[0].upper() + m.group(2)[1:],
                               text)
        return text

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
        """Same creator and year in the reference list: a, b, c in reference-list order.

        With ``disambiguate = "add-title"`` (MLA) or ``"mark"`` the works whose short form
        (``citation.disambiguate``, by default the short creator) another listed work
        shares are marked instead; their citations print ``ambiguous-title`` or anything
        filtered with ``if-ambiguous``.
        """
        self.suffixes = {}
        self.ambiguous = set()
        mode = self.style.option("disambiguate", "")
        template = self.style.citation.get("disambiguate", "{>creator-short}")
        if mode in ("add-title", "mark"):
            creators: dict[str, list[str]] = {}
            for key in keys:
                creator = strip(self._render(template, self.bibliography.entries[key]))
                creators.setdefault(creator.casefold(), []).append(key)
            self.ambiguous = {k for members in creators.values() if len(members) > 1
                              for k in members}
            return
        if mode != "year-suffix":
            return
        groups: dict[tuple[str, str], list[str]] = {}
        for key in keys:
            entry = self.bibliography.entries[key]
            creator = strip(self._render(template, entry)).casefold()
            # what the citation shows as the date ("[1959] 1997" for a reprint in Chicago)
            year = strip(self._render(self.style.citation.get("year-key", "{year}"), entry))
            groups.setdefault((creator, year), []).append(key)
        for members in groups.values():
            if len(members) < 2:
                continue
            ordered = sorted(members, key=lambda k: self._title_sort(self.bibliography[k]))
            for index, key in enumerate(ordered):
                self.suffixes[key] = chr(ord("a") + index) if index < 26 else f"{index}"

    def _title_sort(self, entry: Entry) -> str:
        """The title an entry is listed by; an issue of a periodical leads with the
        issue's own title ("Tides and Time." Special issue, *Journal*), so sorts by it."""
        if entry.source_type == "periodical" and entry.get("issuetitle"):
            return _sortable(entry.plain("issuetitle"))
        return _sortable(entry.plain("title"))

    # -- bibliography -------------------------------------------------------------------
    def _creator_role(self, entry: Entry) -> str:
        """Which names an entry is listed under, as the style sees them ("": by title)."""
        resolver = Resolver(entry, Context(self.style))
        for role in ("author", "editor", "translator"):
            names = resolver.value(role)
            if isinstance(names, list) and names:
                return role
        return ""

    def _creator_names(self, entry: Entry) -> list[Name]:
        role = self._creator_role(entry)
        return entry.names.get(role, []) if role else []

    def sort_key(self, entry: Entry) -> tuple[str, str, str]:
        """Creator, then year and title; ``sort = "creator-title"`` puts the title first.

        Chicago notes-bibliography (CMOS 18 13.69) and MLA 9 list one author's works by
        title; author-date styles by year (APA 9.47 puts undated works first there).
        """
        names = self._creator_names(entry)
        creator = " ".join(name_sort_key(n) for n in names if not n.is_others)
        if not creator:
            creator = _sortable(strip(self._render("{>creator-bib}", entry)))
        date = entry.dates.get("date")
        year = f"{date.year:05d}" if date is not None and date.year is not None else ""
        if self.style.option("sort", "creator-date") == "creator-title":
            # titles first, then dates, undated last (as CSL sorts empty keys)
            return creator, self._title_sort(entry), (year or "~")
        # undated works come before dated ones (APA 9.47); the letter keeps 1994a first
        return creator, year + self.suffixes.get(entry.key, ""), self._title_sort(entry)

    def _members(self, entry: Entry) -> list[Entry]:
        """The entries of a biblatex @set, in the order ``entryset`` gives."""
        if entry.entry_type != "set":
            return []
        return self.bibliography.linked(entry, "entryset")

    def _cited_entry(self, entry: Entry) -> Entry:
        """A citation of a @set names its first member, as biblatex's labels do."""
        members = self._members(entry)
        return members[0] if members else entry

    def format_entry(self, entry: Entry) -> str:
        """One reference-list entry as marked text (before punctuation cleaning).

        A @set is one entry: its members one after another, split by the style's
        ``set_delimiter`` (biblatex's default "; ").
        """
        members = self._members(entry)
        if members:
            delimiter = str(self.style.option("set_delimiter", "; "))
            texts = [self.format_entry(m).rstrip(".") for m in members]
            return self._finish(delimiter.join(texts) + ".")
        self._check_required(entry)
        template = self.style.template_for(self.style.bibliography, entry.entry_type,
                                            entry.get("entrysubtype"))
        return self._finish(self._render(template, entry))

    def bibliography_items(self, keys: list[str]) -> list[tuple[str, str]]:
        """(key, marked text) for ``keys``, sorted and with author substitution."""
        entries = [self.bibliography.entries[k] for k in keys if k in self.bibliography]
        in_sets = {m.key for e in entries for m in self._members(e)}
        entries = [e for e in entries if e.key not in in_sets]  # printed inside their set
        entries.sort(key=lambda e: self.sort_key(self._cited_entry(e)))
        substitute = str(self.style.option("subsequent_author_substitute", ""))
        names_template = self.style.citation.get(
            "creator-names", "{author|names:bib ?? editor|names:bib ?? translator|names:bib}")
        out: list[tuple[str, str]] = []
        previous_names: str | None = None
        for entry in entries:
            text = self.format_entry(entry)
            if substitute:
                # MLA 9: the dashes stand for the names only; a role that follows them
                # stays ("———, editor.")
                names = self._finish(self._render(names_template, entry))
                has_names = bool(self._creator_names(entry))
                if has_names and names and names == previous_names and \
                        text.startswith(names):
                    rest = text[len(names):]
                    if names.endswith(".") and not rest.startswith((".", ",")):
                        rest = "." + rest  # "Siegelbaum, Lewis H." shared its period
                    text = substitute + rest
                previous_names = names if has_names else None
            out.append((entry.key, text))
        return out

    # -- citations ----------------------------------------------------------------------
    def _link(self, key: str, text: str) -> str:
        """Link a citation to its entry; a URL inside it keeps its own link (no nesting)."""
        if not self.link_citations or not text:
            return text
        inner = text.find(LINK_OPEN)
        if inner == -1:
            return link(f"#ref-{key}", text)
        if inner == 0:
            return text
        return link(f"#ref-{key}", text[:inner]) + text[inner:]

    def _missing(self, item: CiteItem) -> str:
        return f"{PROTECT_OPEN}{item.key}?{PROTECT_CLOSE}"

    def _author_date_cite(self, cite: Cite) -> str:
        citation = self.style.citation
        if cite.narrative:
            item = cite.items[0]
            entry = self.bibliography.entries.get(item.key)
            if entry is None:
                return self._missing(item)
            entry = self._cited_entry(entry)
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
            entry = self._cited_entry(entry)
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
        if not strip(inner).strip():
            # MLA: "Linden argues [-@linden2008]" with no page needs no parentheses
            return ""
        return citation.get("open", "(") + inner + citation.get("close", ")")

    def _note_items(self, cite: Cite, seen: set[str]) -> str:
        """The text of one note (without the final period) for a cite in a note style.

        A work's first citation is a full note (the ``[notes]`` template of its type);
        later ones use ``citation.subsequent``, the shortened note that Chicago 18
        (13.32-13.37) prefers to "ibid.". A narrative cite's author stands in the text,
        so its note leaves the names out.
        """
        texts: list[str] = []
        for item in cite.items:
            entry = self.bibliography.entries.get(item.key)
            if entry is None:
                texts.append(self._missing(item))
                continue
            entry = self._cited_entry(entry)
            self._check_required(entry)
            used: set[str] = set()
            if item.suppress_author or cite.narrative:
                # leave out the names the entry is listed under, keep the others
                # ("How the Steel Was Tempered, trans. R. Prokofieva")
                role = self._creator_role(entry)
                if role:
                    used.add(role)
                macros = self.style.citation.get("author-macros", "creator-note creator-short")
                used.update(">" + name for name in macros.split())
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

    def _note_cite(self, cite_input: CiteInput, seen: set[str]) -> RenderedCite:
        """One cite in a note style: a new footnote, or text inside the author's footnote.

        As pandoc does: ``[@key]`` in the running text becomes a footnote; ``@key`` puts
        the author's name in the text ("Siegelbaum" the second time) and the rest in a
        footnote. Inside a footnote the author wrote, ``[@key]`` is set in parentheses
        and ``@key`` reads "Name, Title ..." — no new note, no added period.
        """
        cite = cite_input.cite
        citation = self.style.citation
        name = ""
        if cite.narrative:
            item = cite.items[0]
            entry = self.bibliography.entries.get(item.key)
            if entry is not None:
                key = "narrative" if item.key not in seen else "narrative-subsequent"
                template = citation.get(key) or citation.get("narrative", "{>creator-short}")
                name = self._render(template, entry, item)
                name = self._link(item.key, name) if name else ""
        body = self._note_items(cite, seen)
        if cite_input.in_note:
            if cite.narrative:
                text = f"{name}, {body}" if name and strip(body).strip() else name or body
            else:
                text = citation.get("in-note-open", "(") + body + \
                    citation.get("in-note-close", ")")
            return RenderedCite(to_html(self._finish(text)))
        note = to_html(self._finish(capitalize_first(body) + "."))
        if cite.narrative:
            return RenderedCite(to_html(self._finish(name)), note)
        return RenderedCite("", note)

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
        seen: dict[str, set[str]] = {}
        for cite_input in inputs:
            if self.style.is_note_style:
                rendered.append(self._note_cite(cite_input,
                                                seen.setdefault(cite_input.group, set())))
            else:
                text = self._finish(self._author_date_cite(cite_input.cite))
                rendered.append(RenderedCite(to_html(text)))
        items = self.bibliography_items(listed)
        return ProcessResult(rendered, [(k, to_html(t)) for k, t in items],
                             self.style.is_note_style, cited)


@functools.lru_cache(maxsize=8)
def _sentence_start_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"([.?!][”’]?\s+)(" + "|".join(re.escape(w) for w in words) + r")")


def _sortable(text: str) -> str:
    text = text.strip("“”‘’\"' ")
    text = _ARTICLES.sub("", text)
    return re.sub(r"[^\w\s]", "", text).casefold()


def check_cited_keys(citations: list[tuple[str, str, int]] | list[tuple[str, str, int, int]],
                     bibliography: Bibliography, diagnostics: Diagnostics) -> set[str]:
    """Report each cited key (``(key, file, line[, column])``) the bibliography lacks.

    Returns the missing keys, so the caller can leave those citations unformatted.
    """
    missing: set[str] = set()
    for key, file, line, *column in citations:
        if key in bibliography:
            continue
        missing.add(key)
        did_you_mean = suggest(key, bibliography.keys())
        diagnostics.error(
            file, line, f"no bibliography entry '{key}'", column=column[0] if column else 0,
            hint=(f"{did_you_mean} Otherwise add" if did_you_mean else "Add")
            + " the entry to a .bib file in bibliography/, or fix the key")
    return missing


def report_uncited(bibliography: Bibliography, cited: set[str] | list[str],
                   diagnostics: Diagnostics) -> None:
    """Entries no chapter cites: a hint at each entry's line."""
    cited_set = set(cited)
    for entry in bibliography.entries.values():
        if entry.key not in cited_set:
            diagnostics.hint(entry.file, entry.line, f"'{entry.key}' is never cited",
                             hint="cite it, list it under nocite, or remove it")

"""The data a style formats: entries with decoded fields, split names and parsed dates.

Kept free of any style knowledge so that the loader, the citation engine and
``chapbook refs`` share one picture of a reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chapbook.bibliography.markup import strip


@dataclass(frozen=True)
class Name:
    """One person or body, split the BibTeX way.

    ``particle`` is BibTeX's "von" part ("van der", "de la"); ``suffix`` its "Jr" part.
    A corporate author written in braces (``{Barnes and Noble}``) is ``literal`` and is
    never inverted or abbreviated. ``others`` in a name list becomes ``is_others``.
    """

    family: str = ""
    given: str = ""
    particle: str = ""
    suffix: str = ""
    literal: str = ""
    is_others: bool = False

    def sort_key(self) -> str:
        """Family name first, particle after it (Chicago 18 §13.52-13.55 "Berg, Hans van der")."""
        if self.literal:
            return self.literal
        parts = [self.family, self.given, self.particle, self.suffix]
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class DatePart:
    """A calendar date with optional month and day; ``season`` 21-24 as in EDTF."""

    year: int
    month: int | None = None
    day: int | None = None
    season: int | None = None


@dataclass(frozen=True)
class DateValue:
    """A date or a range (``end``), with EDTF's circa ``~`` and uncertain ``?`` flags.

    ``open_end`` is a range whose end is unknown or ongoing (``1935/..``).
    ``literal`` holds text that is not a date at all (``forthcoming``) and is printed as is.
    """

    start: DatePart | None = None
    end: DatePart | None = None
    circa: bool = False
    uncertain: bool = False
    open_end: bool = False
    literal: str = ""

    @property
    def year(self) -> int | None:
        return self.start.year if self.start else None


@dataclass
class Entry:
    """One bibliography entry, ready for formatting.

    ``fields`` holds decoded values with the case-protection and italic markers of
    :mod:`chapbook.bibliography.markup`; ``raw`` holds the values as written in the
    file. ``line`` is 1-based; ``field_lines`` gives the line of each field so a
    diagnostic can point at it. biblatex names are normalised on load (``journaltitle``
    is ``journal``, ``location`` is ``address``, ``date`` fills ``year``/``month``), so a
    style asks for one name only.
    """

    key: str
    entry_type: str
    fields: dict[str, str]
    names: dict[str, list[Name]]
    dates: dict[str, DateValue]
    file: str
    line: int
    raw: dict[str, str] = field(default_factory=dict)
    field_lines: dict[str, int] = field(default_factory=dict)
    #: the type as written (``mvbook``, ``techreport``) before aliases: inheritance needs it
    source_type: str = ""

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    def plain(self, name: str) -> str:
        """A field without markers."""
        return strip(self.fields.get(name, ""))

    def field_line(self, name: str) -> int:
        return self.field_lines.get(name, self.line)

    def key_list(self, name: str) -> list[str]:
        """The keys a biblatex link field names (``related = {a, b}``, ``entryset``,
        ``xdata``): a comma-separated list, as biblatex reads it."""
        return [k.strip() for k in self.fields.get(name, "").split(",") if k.strip()]


@dataclass
class Bibliography:
    """Every entry of the project's .bib files, by key, in file order."""

    entries: dict[str, Entry] = field(default_factory=dict)

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def __getitem__(self, key: str) -> Entry:
        return self.entries[key]

    def __len__(self) -> int:
        return len(self.entries)

    def keys(self) -> list[str]:
        return list(self.entries)

    def linked(self, entry: Entry, name: str) -> list[Entry]:
        """The loaded entries ``entry``'s link field ``name`` names, in its order (a
        missing key was reported by the loader)."""
        return [self.entries[k] for k in entry.key_list(name) if k in self.entries]

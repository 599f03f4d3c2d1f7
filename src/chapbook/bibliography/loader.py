"""Load the project's .bib files into a :class:`Bibliography`, reporting every problem.

The booklet is rebuilt on every save, so each file's parse is cached by path, size and
modification time; only a changed file is parsed again. Problems never stop the load:
a malformed entry is reported at its line and the rest of the file still loads.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock

from chapbook.bibliography.dates import from_year_month, parse_edtf, parse_month
from chapbook.bibliography.latex import LatexProblem, decode
from chapbook.bibliography.model import Bibliography, DateValue, Entry, Name
from chapbook.bibliography.names import NAME_FIELDS, parse_names
from chapbook.diagnostics import Diagnostics
from chapbook.files import Refused, inside, project_name, read_limited, resolved

logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

# biblatex field names and their BibTeX twins: styles ask for the BibTeX name.
# biblatex 2.2.5 lists the aliases the other way round (``address`` is an alias of
# ``location``); the meaning is the same.
ALIASES = {
    "journaltitle": "journal",
    "location": "address",
    "annotation": "annote",
    "archiveprefix": "eprinttype",
    "primaryclass": "eprintclass",
    "key": "sortkey",
    "pdf": "file",
    "origyear": "origdate",
}
# Types biblatex and BibTeX spell differently.
TYPE_ALIASES = {
    "conference": "inproceedings",
    "electronic": "online",
    "www": "online",
    "webpage": "online",
    "mastersthesis": "mastersthesis",
    "phdthesis": "phdthesis",
    "techreport": "report",
    "collection": "collection",
    "mvbook": "book",
    "mvcollection": "collection",
    "mvproceedings": "proceedings",
    "reference": "collection",
    "mvreference": "collection",
    "inreference": "incollection",
    "bookinbook": "inbook",
    "suppbook": "inbook",
    "suppcollection": "incollection",
    "suppperiodical": "article",
    "periodical": "periodical",
    **{f"custom{letter}": "misc" for letter in "abcdef"},
}
# biblatex 2.1.2: an alias that also fixes the ``type`` (a localisation key).
_TYPE_DEFAULTS = {"techreport": "techreport", "phdthesis": "phdthesis",
                  "mastersthesis": "mathesis"}
# Values kept as written: identifiers, keys and dates, which LaTeX decoding would change.
_VERBATIM = frozenset((
    "url", "doi", "eprint", "eprinttype", "eprintclass", "isbn", "issn", "crossref", "xref",
    "xdata", "entryset", "related", "relatedtype", "options", "ids", "keywords", "urldate",
    "date", "origdate", "eventdate", "entrysubtype", "langid", "file", "sortkey",
))
DATE_FIELDS = ("date", "urldate", "origdate", "eventdate")
# Fields a child takes from its crossref parent under the same name.
_INHERITED = (
    "editor", "publisher", "address", "year", "month", "date", "edition", "volumes",
    "series", "number", "isbn", "translator", "journal", "organization", "institution",
    "school", "booksubtitle", "booktitleaddon", "maintitle", "mainsubtitle",
    "maintitleaddon", "origdate", "origpublisher", "language", "howpublished", "volume",
    "part", "editora", "editorb", "editorc", "editoratype", "editorbtype", "editorctype",
    "foreword", "introduction", "afterword", "eventtitle", "venue", "eventdate", "langid",
)
# biblatex's default inheritance (manual, appendix B): the parent's title becomes the
# child's booktitle, a multi-volume parent's the maintitle, a periodical's the journal.
_PARENT_TITLE_TO_CHILD = {"title": "booktitle", "subtitle": "booksubtitle",
                          "titleaddon": "booktitleaddon", "author": "bookauthor"}
_MV_TITLE_TO_CHILD = {"title": "maintitle", "subtitle": "mainsubtitle",
                      "titleaddon": "maintitleaddon", "author": "bookauthor"}
_PERIODICAL_TO_CHILD = {"title": "journal", "subtitle": "journalsubtitle"}


@dataclass
class _RawEntry:
    key: str
    entry_type: str
    values: dict[str, str]
    lines: dict[str, int]
    line: int


@dataclass
class _ParsedFile:
    """What the parser gave for one file, before any cross-file checks."""

    entries: list[_RawEntry] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # line, message, hint
    duplicates: list[tuple[str, int]] = field(default_factory=list)  # key, line


_CACHE: dict[tuple[str, int, int], _ParsedFile] = {}


def load_bibliography(paths: list[Path], root: Path, diagnostics: Diagnostics, *,
                      confine: bool = True) -> Bibliography:
    """Every entry of ``paths`` (in order), with problems appended to ``diagnostics``.

    With ``confine`` (a booklet's own files) each must lie inside ``root`` once links are
    followed; files the user names on the command line need not.

    File names in diagnostics are relative to ``root``. The first of two entries with
    the same key wins and the error names both places.
    """
    bibliography = Bibliography()
    for path in paths:
        rel = project_name(path, root)
        parsed = _parse_cached(path, rel, diagnostics, root if confine else None)
        if parsed is None:
            continue
        for line, message, hint in parsed.problems:
            diagnostics.error(rel, line, message, hint=hint)
        for raw in parsed.entries:
            if not raw.key:
                diagnostics.error(rel, raw.line, f"@{raw.entry_type} entry has no key",
                                  hint="write a key after the brace: @book{smith1990, ...")
                continue
            if raw.key in bibliography.entries:
                first = bibliography.entries[raw.key]
                diagnostics.error(rel, raw.line,
                                  f"duplicate key '{raw.key}' (first defined at "
                                  f"{first.file}:{first.line}); this entry is ignored")
                continue
            bibliography.entries[raw.key] = _build_entry(raw, rel, diagnostics)
        for key, line in parsed.duplicates:
            first_entry = bibliography.entries.get(key)
            where = f"{first_entry.file}:{first_entry.line}" if first_entry else rel
            diagnostics.error(rel, line, f"duplicate key '{key}' (first defined at {where}); "
                              "this entry is ignored")
    _resolve_links(bibliography, diagnostics)
    _resolve_crossrefs(bibliography, diagnostics)
    return bibliography


#: A .bib file larger than this is refused before it is read: a booklet's bibliography is
#: a few hundred kilobytes, a whole reference library a few megabytes.
MAX_BIB_BYTES = 20_000_000


def _parse_cached(path: Path, rel: str, diagnostics: Diagnostics, root: Path | None
                  ) -> _ParsedFile | None:
    roots = (root,) if root is not None else ()
    try:
        # the project's rule for reading (files.py): a regular file inside the project
        real = inside(path, *roots) if roots else resolved(path)
        stat = real.stat()
        if not S_ISREG(stat.st_mode):
            raise Refused("not a regular file", "name a .bib file saved in the project")
        cache_key = (str(real), stat.st_mtime_ns, stat.st_size)
        cached = _CACHE.get(cache_key)
        if cached is not None:
            return cached
        data = read_limited(real, MAX_BIB_BYTES, *roots)
    except Refused as exc:
        diagnostics.error(rel, 0, str(exc), hint=exc.hint)
        return None
    except OSError as exc:
        diagnostics.error(rel, 0, f"cannot read bibliography file: {exc.strerror or exc}")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        diagnostics.error(rel, line, "file is not UTF-8 text (byte "
                          f"0x{data[exc.start]:02x} cannot be read)",
                          hint="convert it to UTF-8, e.g. `iconv -f cp1252 -t utf-8 "
                          f"{path.name} > fixed.bib`, or re-export it as UTF-8 "
                          "from your reference manager")
        return None
    parsed = _parse_text(text)
    _CACHE[cache_key] = parsed
    return parsed


def _parse_text(text: str) -> _ParsedFile:
    library = bibtexparser.parse_string(text)
    strings = {s.key.lower(): s.value for s in library.strings}
    result = _ParsedFile()
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            result.duplicates.append((block.key, line))
        elif isinstance(block, DuplicateFieldKeyBlock):
            keys = ", ".join(sorted(block._duplicate_keys))  # noqa: SLF001 - no public accessor
            result.problems.append((line, f"entry has the field(s) {keys} more than once; "
                                    "the entry is ignored", "keep one of each field"))
        else:
            raw = (block.raw or "").strip()
            first = raw.splitlines()[0] if raw else ""
            result.problems.append((line, f"malformed entry, skipped: {first[:60]}",
                                    "check for an unclosed brace or a missing comma "
                                    "after the key or a field"))
    for entry in library.entries:
        values: dict[str, str] = {}
        lines: dict[str, int] = {}
        for fld in entry.fields:
            name = fld.key.lower()
            value = fld.value if isinstance(fld.value, str) else str(fld.value)
            values[name] = _resolve_concatenation(value, strings)
            lines[name] = fld.start_line + 1
        result.entries.append(_RawEntry(entry.key, entry.entry_type.lower(), values, lines,
                                        (entry.start_line or 0) + 1))
    return result


_CONCAT_SPLIT = re.compile(r"\s#\s")


def _resolve_concatenation(value: str, strings: dict[str, str]) -> str:
    """``cup # { Press}`` and ``"A" # b``: bibtexparser leaves some of these unresolved."""
    if "#" not in value:
        return value
    pieces = _split_top_level(value)
    if len(pieces) < 2:
        return value
    out: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        if piece.startswith("{") and piece.endswith("}") or (
                piece.startswith('"') and piece.endswith('"')):
            out.append(piece[1:-1])
        elif piece.lower() in strings:
            out.append(strings[piece.lower()])
        else:
            out.append(piece)
    return "".join(out)


def _split_top_level(value: str) -> list[str]:
    pieces: list[str] = []
    depth = 0
    in_quotes = False
    start = 0
    for index, ch in enumerate(value):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            in_quotes = not in_quotes
        elif ch == "#" and depth == 0 and not in_quotes:
            pieces.append(value[start:index])
            start = index + 1
    pieces.append(value[start:])
    return pieces


def _build_entry(raw: _RawEntry, rel: str, diagnostics: Diagnostics) -> Entry:
    entry_type = TYPE_ALIASES.get(raw.entry_type, raw.entry_type)
    fields: dict[str, str] = {}
    lines: dict[str, int] = {}
    names: dict[str, list[Name]] = {}
    for name, value in raw.values.items():
        target = ALIASES.get(name, name)
        if target != name and target in raw.values:
            continue  # both spellings given: the BibTeX one wins
        lines[target] = raw.lines.get(name, raw.line)
        if target in NAME_FIELDS:
            try:
                names[target] = list(parse_names(value))
            except ValueError as exc:
                diagnostics.error(rel, lines[target], f"cannot split the names in "
                                  f"'{target}' of '{raw.key}': {exc}",
                                  hint="write names as 'Last, First and Last, First'")
            continue
        if target in _VERBATIM:
            fields[target] = value.strip()
        else:
            try:
                fields[target] = decode(value)
            except LatexProblem as exc:
                diagnostics.error(rel, lines[target], f"'{target}' of '{raw.key}': {exc}",
                                  hint="write it as plain Unicode text (½, é, “ ”) instead "
                                  "of LaTeX commands")
                fields[target] = value
    if raw.entry_type in _TYPE_DEFAULTS and "type" not in fields:
        fields["type"] = _TYPE_DEFAULTS[raw.entry_type]
    if _option(fields.get("options", ""), "useprefix"):
        names = {role: [_with_prefix(n) for n in people] for role, people in names.items()}
    entry = Entry(raw.key, entry_type, fields, names, {}, rel, raw.line,
                  raw=dict(raw.values), field_lines=lines, source_type=raw.entry_type)
    _fill_dates(entry, diagnostics)
    _infer_subtype(entry)
    return entry


def _option(options: str, name: str) -> bool:
    """Is a per-entry biblatex option (``options = {useprefix=true}``) switched on?"""
    for item in options.split(","):
        key, _, value = item.partition("=")
        if key.strip().lower() == name:
            return value.strip().lower() in ("", "true")
    return False


def _with_prefix(name: Name) -> Name:
    """``useprefix=true``: the "von" part belongs to the family name everywhere, in the
    list ("van Oosterhout, Lieve"), in citations and in sorting (biblatex 3.1.3)."""
    if not name.particle:
        return name
    return Name(family=f"{name.particle} {name.family}", given=name.given,
                suffix=name.suffix)


def _infer_subtype(entry: Entry) -> None:
    """An @article dated to the day and without a volume is a newspaper's or magazine's
    (Zotero and BibTeX have no ``entrysubtype``): styles date it "June 3, 1985"."""
    date = entry.dates.get("date")
    if (entry.entry_type == "article" and not entry.fields.get("entrysubtype")
            and not entry.fields.get("volume") and date is not None
            and date.start is not None and date.start.day is not None):
        entry.fields["entrysubtype"] = "magazine"


def _fill_dates(entry: Entry, diagnostics: Diagnostics) -> None:
    """Parse ``date`` and friends, falling back to ``year``/``month``; report bad ones."""
    for name in DATE_FIELDS:
        value = entry.fields.get(name)
        if not value:
            continue
        parsed = parse_edtf(value)
        if parsed is None:
            diagnostics.warning(entry.file, entry.field_line(name),
                                f"'{name}' of '{entry.key}' is not a date: {value!r}",
                                hint="write it as YYYY, YYYY-MM-DD or a range "
                                "YYYY-MM-DD/YYYY-MM-DD")
            entry.dates[name] = DateValue(literal=value)
            continue
        entry.dates[name] = parsed
    if "date" not in entry.dates and entry.fields.get("year"):
        year = entry.plain("year")
        parsed = from_year_month(year, entry.plain("month"), entry.plain("day"))
        if parsed is None:
            diagnostics.warning(entry.file, entry.field_line("year"),
                                f"'year' of '{entry.key}' is not a year: {year!r}")
            entry.dates["date"] = DateValue(literal=year)
        else:
            if entry.fields.get("month") and parse_month(entry.plain("month")) is None:
                diagnostics.warning(entry.file, entry.field_line("month"),
                                    f"'month' of '{entry.key}' is not a month: "
                                    f"{entry.plain('month')!r}")
            entry.dates["date"] = parsed


def _missing_link(bibliography: Bibliography, entry: Entry, field_name: str, key: str,
                  diagnostics: Diagnostics, warn: bool = False) -> None:
    """A link to a key that is not there: an error when the entry loses its data
    (``crossref``, ``xdata``), a warning when only a pointer is lost (``related`` ...)."""
    from chapbook.diagnostics import suggest

    report = diagnostics.warning if warn else diagnostics.error
    report(entry.file, entry.field_line(field_name),
           f"'{entry.key}' has {field_name} '{key}', which is not in the bibliography",
           hint=suggest(key, bibliography.entries))


def _resolve_links(bibliography: Bibliography, diagnostics: Diagnostics) -> None:
    """biblatex's other links: ``xdata`` fills fields (and the @xdata entries are never
    listed), ``xref``, ``related`` and a @set's ``entryset`` must name existing entries."""
    for entry in bibliography.entries.values():
        for data_key in entry.key_list("xdata"):
            source = bibliography.entries.get(data_key)
            if source is None:
                _missing_link(bibliography, entry, "xdata", data_key, diagnostics)
                continue
            for name, value in source.fields.items():
                entry.fields.setdefault(name, value)
            for name, people in source.names.items():
                entry.names.setdefault(name, people)
            for name, date in source.dates.items():
                entry.dates.setdefault(name, date)
        for field_name in ("xref", "related", "entryset"):
            for key in entry.key_list(field_name):
                if key not in bibliography.entries:
                    _missing_link(bibliography, entry, field_name, key, diagnostics,
                                  warn=field_name != "entryset")
    for key in [k for k, e in bibliography.entries.items() if e.source_type == "xdata"]:
        del bibliography.entries[key]


def _resolve_crossrefs(bibliography: Bibliography, diagnostics: Diagnostics) -> None:
    """Copy what a child lacks from its ``crossref`` parent, the biblatex way."""
    for entry in bibliography.entries.values():
        parent_key = entry.fields.get("crossref")
        if not parent_key:
            continue
        parent = bibliography.entries.get(parent_key)
        if parent is None:
            _missing_link(bibliography, entry, "crossref", parent_key, diagnostics)
            continue
        mapping = _PARENT_TITLE_TO_CHILD
        if parent.source_type.startswith("mv"):
            mapping = _MV_TITLE_TO_CHILD
        elif parent.source_type == "periodical":
            mapping = _PERIODICAL_TO_CHILD
        for name, child_name in mapping.items():
            if name in parent.fields and child_name not in entry.fields:
                entry.fields[child_name] = parent.fields[name]
            if name in parent.names and child_name not in entry.names:
                entry.names[child_name] = parent.names[name]
        for name in _INHERITED:
            if name in parent.fields and name not in entry.fields:
                entry.fields[name] = parent.fields[name]
            if name in parent.names and name not in entry.names:
                entry.names[name] = parent.names[name]
        for name, value in parent.dates.items():
            entry.dates.setdefault(name, value)

"""One diagnostic type for every problem chapbook finds.

Writers fix problems in a text editor, so every message carries the file, line and
column they must go to, in the ``file:line:col: severity: message`` form that editors
and CI logs already understand. Passes never raise for bad input: they append to a
:class:`Diagnostics` list and carry on, so one run reports every problem at once.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path


class Severity(enum.IntEnum):
    """Ordered so that ``max()`` over a list gives the worst one."""

    HINT = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A problem at a place in a source file.

    ``line`` and ``column`` are 1-based, as editors count; 0 means "the whole file".
    ``file`` is shown as given, so callers pass paths relative to the project root.
    """

    file: str
    line: int
    column: int
    severity: Severity
    message: str
    hint: str = ""

    def format(self) -> str:
        where = shown(self.file)
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        text = f"{where}: {self.severity}: {shown(self.message)}"
        if self.hint:
            text += f"\n    hint: {shown(self.hint)}"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "file": shown(self.file),
            "line": self.line,
            "column": self.column,
            "severity": str(self.severity),
            "message": shown(self.message),
            "hint": shown(self.hint),
        }


#: Characters a terminal acts on instead of showing: C0 and C1 controls (ESC starts the
#: sequences that retitle a window or clear the screen) and the bidirectional overrides
#: that show text in another order than it is written.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``), so that a
    source file cannot drive the terminal of whoever reads chapbook's messages about it."""
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass
class Diagnostics:
    """The problems of one run, collected by every pass in turn."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(
        self,
        file: str | Path,
        line: int,
        column: int,
        severity: Severity,
        message: str,
        hint: str = "",
    ) -> Diagnostic:
        diagnostic = Diagnostic(str(file), line, column, severity, message, hint)
        self.items.append(diagnostic)
        return diagnostic

    def error(self, file: str | Path, line: int, message: str, *, column: int = 0,
              hint: str = "") -> Diagnostic:
        return self.add(file, line, column, Severity.ERROR, message, hint)

    def warning(self, file: str | Path, line: int, message: str, *, column: int = 0,
                hint: str = "") -> Diagnostic:
        return self.add(file, line, column, Severity.WARNING, message, hint)

    def hint(self, file: str | Path, line: int, message: str, *, column: int = 0,
             hint: str = "") -> Diagnostic:
        return self.add(file, line, column, Severity.HINT, message, hint)

    def extend(self, others: Iterable[Diagnostic]) -> None:
        self.items.extend(others)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def fail(self, strict: bool = False) -> bool:
        """Whether the run must stop: any error, or with ``--strict`` any warning too."""
        return self.has_errors() or (strict and bool(self.warnings))

    def sorted(self) -> list[Diagnostic]:
        """By file, then line and column; duplicates (the same pass run twice) dropped."""
        return in_order(self.items)


def in_order(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Problems by file, then line and column, the most severe first at one place, each once
    (a pass run twice reports the same problem twice): the one order every output uses.
    Problems at one place and of one severity keep the order they were found in (a set's
    order changed from run to run)."""
    return sorted(dict.fromkeys(items), key=lambda d: (d.file, d.line, d.column, -d.severity))


class ChapbookError(Exception):
    """A problem that stops the run before any output is written.

    Raised only where going on makes no sense (no config file, an unreadable project);
    it carries diagnostics so the CLI prints them like any other.
    """

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


def suggest(word: str, choices: Iterable[str], n: int = 3) -> str:
    """A 'did you mean' phrase for a misspelt key, or '' when nothing is close.

    ``difflib`` is imported here, by the rare check with a misspelt key, not by every
    process that imports this module."""
    import difflib

    matches = difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in choices}
        matches = [lowered[m] for m in difflib.get_close_matches(word.lower(), lowered, n=n,
                                                                  cutoff=0.6)]
    if not matches:
        return ""
    return "did you mean " + " or ".join(f"'{m}'" for m in matches) + "?"


def with_suggestion(message: str, word: str, choices: Iterable[str]) -> str:
    """``message``, followed by '; did you mean ...?' when one of ``choices`` is close to
    ``word`` (:func:`suggest`)."""
    did_you_mean = suggest(word, choices)
    return f"{message}; {did_you_mean}" if did_you_mean else message


def fatal(file: str | Path, line: int, message: str, *, column: int = 0,
          hint: str = "") -> ChapbookError:
    """An error that stops the run, ready to ``raise``."""
    return ChapbookError([Diagnostic(str(file), line, column, Severity.ERROR, message, hint)])

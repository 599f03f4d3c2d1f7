"""The layout report's faults as warnings at their source lines.

A fault (:mod:`.layout_report`) knows the section it is in and the first words of the
element at fault; this finds the file of that section and the line those words are on, so
the warning reads ``chapters/03-spread.md:112:1: warning: ... (page 14)`` like every other
diagnostic. Kept apart from :mod:`.layout_report`: the building process of a build in parts
never imports WeasyPrint, and needs only this half.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostics
from ..model import Book

if TYPE_CHECKING:
    from .layout_report import Fault

HINT = ("reword or shorten the text near it, or move a figure or box; chapbook's layout "
        "report lists every page a book designer would send back")


def section_file(book: Book, section: str) -> str:
    """The source file of the section with this id, relative to the project."""
    for chapter in book.chapters:
        if chapter.id == section:
            return chapter.rel
    config = book.config
    files = {"glossary": config.glossary, "timeline": config.timeline}
    return files.get(section) or "chapbook.toml"


def _source(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def source_line(path: Path, text: str) -> int:
    """The line of ``path`` that ``text`` (words as printed) starts on; 0 if not found.
    Markdown marks between the words (``**``, ``[...]{term=...}``) are allowed for."""
    source = _source(path)
    words = [re.escape(word.strip("“”‘’\"'()[].,;:!?")) for word in text.split()]
    words = [word for word in words if word]
    for count in (5, 3, 1):
        if len(words) < count:
            continue
        pattern = r"[\W_]+(?:\{[^}]*\}[\W_]*)?".join(words[:count])
        match = re.search(pattern, source)
        if match:
            return source.count("\n", 0, match.start()) + 1
    return 0


def report_layout(book: Book, faults: list[tuple[str, Fault]],
                  diagnostics: Diagnostics) -> str:
    """Each (folio, fault) as a warning at the fault's source line; how many, as said after
    the file's name ("no layout warnings")."""
    report_faults(book, faults, diagnostics)
    return f"{len(faults) or 'no'} layout warning{'s' * (len(faults) != 1)}"


def report_faults(book: Book, faults: list[tuple[str, Fault]],
                  diagnostics: Diagnostics) -> None:
    """Each (folio, fault) as a warning at the fault's source line."""
    for folio, fault in faults:
        file, line = fault_source(book, fault)
        diagnostics.warning(file, line, f"{fault.message} (page {folio})", column=1,
                            hint=HINT)


def fault_source(book: Book, fault: Fault) -> tuple[str, int]:
    """The file and line a fault is at: where its words are in its section's file, else in
    another source its text may come from (a handout's key terms come from the glossary),
    else the first line of its section's file."""
    file = section_file(book, fault.section)
    if not fault.text:
        return file, 1
    config = book.config
    others = [config.glossary, config.timeline, *(chapter.rel for chapter in book.chapters)]
    for candidate in dict.fromkeys([file, *(other for other in others if other)]):
        line = source_line(book.root / candidate, fault.text)
        if line:
            return candidate, line
    return file, 1

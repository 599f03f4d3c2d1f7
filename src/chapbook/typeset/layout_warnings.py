"""The layout report's faults as warnings at their source lines.

A fault (:mod:`.layout_report`) knows the section it is in and the first words of the
element at fault; this finds the file of that section and the line those words are on, so
the warning reads ``chapters/03-spread.md:112:1: warning: ... (page 14)`` like every other
diagnostic. Kept apart from :mod:`.layout_report`: the building process of a build in parts
never imports WeasyPrint, and needs only this half.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, Diagnostics
from ..model import Book
from ..output import write_atomic

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


def source_line(path: Path, text: str, fewest: int = 1) -> int:
    """The line of ``path`` that ``text`` (words as printed) starts on, matched by its first
    5, 3 or (down to ``fewest``) 1 words; 0 if not found. Markdown marks between the words
    (``**``, ``[...]{term=...}``) are allowed for."""
    source = _source(path)
    words = [re.escape(word.strip("“”‘’\"'()[].,;:!?")) for word in text.split()]
    words = [word for word in words if word]
    for count in (count for count in (5, 3, 1) if count >= fewest):
        if len(words) < count:
            continue
        pattern = r"[\W_]+(?:\{[^}]*\}[\W_]*)?".join(words[:count])
        match = re.search(pattern, source)
        if match:
            return source.count("\n", 0, match.start()) + 1
    return 0


#: What the file that records a PDF's layout report is called: beside the PDF, its name
#: with this instead of ".pdf".
REPORT_SUFFIX = ".layout.json"


def report_path(pdf: Path) -> Path:
    return pdf.with_name(pdf.stem + REPORT_SUFFIX)


def report_layout(book: Book, faults: list[tuple[str, Fault]], diagnostics: Diagnostics,
                  pdf: Path | None = None) -> str:
    """Each (folio, fault) as a warning at the fault's source line; how many, as said after
    the file's name ("no layout warnings"). With ``pdf``, the PDF just written, the
    warnings are also written beside it (:func:`report_path`) for ``chapbook check``."""
    found = report_faults(book, faults, diagnostics)
    if pdf is not None:
        record = {"pdf": pdf.name, "warnings": [warning.as_dict() for warning in found]}
        write_atomic(report_path(pdf), json.dumps(record, ensure_ascii=False, indent=1) + "\n")
    return f"{len(faults) or 'no'} layout warning{'s' * (len(faults) != 1)}"


def report_faults(book: Book, faults: list[tuple[str, Fault]],
                  diagnostics: Diagnostics) -> list[Diagnostic]:
    """Each (folio, fault) as a warning at the fault's source line."""
    found = []
    for folio, fault in faults:
        file, line = fault_source(book, fault)
        found.append(diagnostics.warning(file, line, f"{fault.message} (page {folio})",
                                         column=1, hint=fault.hint or HINT))
    return found


def last_reports(root: Path, output: Path) -> list[dict[str, object]]:
    """The layout warnings of the PDFs last built in ``output`` (each written beside its
    PDF by :func:`report_layout`), for an editor: each warning says which PDF it is about
    (``layout.pdf``) and whether a file of the project changed after that build
    (``layout.stale``: the warning may be gone, or its line moved). A record whose PDF is
    gone is left out."""
    warnings: list[dict[str, object]] = []
    records = sorted(output.rglob("*" + REPORT_SUFFIX)) if output.is_dir() else []
    newest = _newest_source(root, output) if records else 0
    for path in records:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            built = path.stat().st_mtime_ns
        except (OSError, ValueError):
            continue
        if not isinstance(record, dict):
            continue
        pdf = path.with_name(str(record.get("pdf", "")))
        if not pdf.is_file():
            continue
        shown = os.path.relpath(pdf, root)
        for warning in record.get("warnings", []):
            if isinstance(warning, dict):
                warnings.append({**warning, "layout": {"pdf": shown, "stale": newest > built}})
    return warnings


def _newest_source(root: Path, output: Path) -> int:
    """The time of the last change to a file of the project, outside the output folder and
    hidden folders (.git, .venv)."""
    newest = 0
    skip = output.resolve()
    for folder, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if not name.startswith(".") and name != "__pycache__"
                   and (Path(folder) / name).resolve() != skip]
        for name in files:
            with contextlib.suppress(OSError):
                newest = max(newest, (Path(folder) / name).stat().st_mtime_ns)
    return newest


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
        # in another file, a word or two could be anywhere: three at least
        line = source_line(book.root / candidate, fault.text, 1 if candidate == file else 3)
        if line:
            return candidate, line
    return file, 1

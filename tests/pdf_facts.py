"""Facts read back from a built PDF, as a book designer measures them.

Shared by the tests of print-grade pages (test_print_grade.py): the measure of the body's
lines, the page labels against the printed folios, the font programs embedded per face.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from xml.etree import ElementTree

from pypdf import PdfReader

_XHTML = "{http://www.w3.org/1999/xhtml}"


def line_lengths(pdf: Path) -> list[int]:
    """Characters in each full line of running text: the lines of every block of three or
    more lines (paragraphs, not headings or folios), less each block's last line, which is
    short by nature."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", out))
    lengths = []
    for block in root.iter(f"{_XHTML}block"):
        lines = list(block.iter(f"{_XHTML}line"))
        if len(lines) < 3:
            continue
        for line in lines[:-1]:
            lengths.append(len(" ".join(w.text or "" for w in line.iter(f"{_XHTML}word"))))
    return sorted(lengths)


def percentile(values: list[int], share: float) -> int:
    return sorted(values)[min(len(values) - 1, int(len(values) * share))]


def page_labels(pdf: Path) -> list[str]:
    return list(PdfReader(pdf).page_labels)


def printed_folios(pdf: Path) -> list[str | None]:
    """The folio printed at the foot of each page (a number, roman or arabic), or None."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    folios: list[str | None] = []
    for page in text.split("\f")[:-1]:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        foot = lines[-1].split() if lines else []
        found = [word for word in (foot[:1] + foot[-1:])
                 if re.fullmatch(r"\d{1,3}|[ivxlc]+", word)]
        folios.append(found[0] if found else None)
    return folios


def font_programs(pdf: Path) -> dict[str, int]:
    """How many embedded font programs each face has (subset tags left out)."""
    reader = PdfReader(pdf)
    counts: dict[str, int] = {}
    seen: set[int] = set()
    for obj_number in range(1, reader.trailer["/Size"]):
        try:
            obj = reader.get_object(obj_number)
        except Exception:
            continue
        if not hasattr(obj, "get") or obj.get("/Type") != "/FontDescriptor":
            continue
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            if key in obj:
                ref = obj.raw_get(key)
                if ref.idnum in seen:
                    continue
                seen.add(ref.idnum)
                face = str(obj["/FontName"]).split("+")[-1]
                counts[face] = counts.get(face, 0) + 1
    return counts

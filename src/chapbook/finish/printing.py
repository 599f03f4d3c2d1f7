"""Imposed copies of a built PDF, named and described for the teacher who prints them.

:mod:`chapbook.finish.impose` does the placing of pages on sheets; this module decides the
file name (``<name>-booklet.pdf``, ``<name>-2up.pdf`` beside the PDF) and says in one line
how to print the result, since that is the step teachers get wrong.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from .impose import impose_2up, impose_booklet, sheet_and_scale

#: The ``--impose`` choices.
IMPOSITIONS = ("booklet", "2up")
#: The ``--sheet`` choices.

_MM = 72 / 25.4
_PAPER_NAMES = {
    (297 * _MM, 420 * _MM): "A3",
    (210 * _MM, 297 * _MM): "A4",
    (148 * _MM, 210 * _MM): "A5",
    (250 * _MM, 353 * _MM): "B4",
    (612.0, 792.0): "Letter",
    (792.0, 1224.0): "Tabloid",
}


def paper_name(width: float, height: float) -> str:
    """'A3' for an A3 sheet in either orientation, else its size in millimetres."""
    short, long = sorted((width, height))
    for (w, h), name in _PAPER_NAMES.items():
        if abs(short - w) <= 1.5 and abs(long - h) <= 1.5:
            return name
    return f"{short / _MM:.0f} x {long / _MM:.0f} mm"


def imposed_path(pdf: Path, kind: str, sheet: str | None = None) -> Path:
    """``build/x.pdf`` -> ``build/x-booklet.pdf`` (or ``-2up.pdf``; ``-booklet-a4.pdf`` on
    a sheet named with ``--sheet``)."""
    return pdf.with_name(f"{pdf.stem}-{kind}{f'-{sheet}' if sheet else ''}{pdf.suffix}")


def impose(pdf: Path, kind: str, sheet: str | None = None) -> tuple[Path, str]:
    """Write the imposed copy of ``pdf`` (on ``sheet``, or on paper twice the page); return
    its path and how to print it: on what paper, at what scale, and, where that paper is
    larger than the page's own, what to ask for if the printer takes only the smaller."""
    if kind not in IMPOSITIONS:
        raise ValueError(f"unknown imposition {kind!r}; choose one of {', '.join(IMPOSITIONS)}")
    dest = imposed_path(pdf, kind, sheet)
    scale = (impose_booklet if kind == "booklet" else impose_2up)(pdf, dest, sheet)
    reader = PdfReader(dest)
    sides = len(reader.pages)
    box = reader.pages[0].mediabox
    paper = paper_name(float(box.width), float(box.height))
    source = PdfReader(pdf).pages[0].trimbox
    page = paper_name(float(source.width), float(source.height))
    scaled = ""
    if scale != 1.0:
        shown = paper_name(float(source.width) * scale, float(source.height) * scale)
        scaled = f" ({page} pages scaled to {scale:.0%}, {shown})"
    if kind == "booklet":
        sheets = sides // 2
        detail = (f"{sheets} sheet{'s' * (sheets != 1)} of {paper}{scaled}: print on both "
                  "sides, flip on the short edge, fold in half and staple")
    else:
        detail = f"{sides} side{'s' * (sides != 1)} of {paper}{scaled}, two pages on each"
    if sheet is None and paper != page and paper in ("A3", "Tabloid"):
        # An A4 booklet goes on A3, which many school printers do not take.
        smaller = "a4" if paper == "A3" else "letter"
        width, height = float(source.width), float(source.height)
        fit = sheet_and_scale(width, height, smaller)[2]
        detail += (f"; for a printer that takes only {page}, add --sheet {smaller} "
                   f"(pages scaled to {paper_name(width * fit, height * fit)})")
    return dest, detail

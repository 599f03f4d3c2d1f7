"""Imposed copies of a built PDF, named and described for the teacher who prints them.

:mod:`chapbook.finish.impose` does the placing of pages on sheets; this module decides the
file name (``<name>-booklet.pdf``, ``<name>-2up.pdf`` beside the PDF) and says in one line
how to print the result, since that is the step teachers get wrong.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from .impose import impose_2up, impose_booklet

#: The ``--impose`` choices.
IMPOSITIONS = ("booklet", "2up")

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


def imposed_path(pdf: Path, kind: str) -> Path:
    """``build/x.pdf`` -> ``build/x-booklet.pdf`` (or ``-2up.pdf``)."""
    return pdf.with_name(f"{pdf.stem}-{kind}{pdf.suffix}")


def impose(pdf: Path, kind: str) -> tuple[Path, str]:
    """Write the imposed copy of ``pdf``; return its path and how to print it."""
    if kind not in IMPOSITIONS:
        raise ValueError(f"unknown imposition {kind!r}; choose one of {', '.join(IMPOSITIONS)}")
    dest = imposed_path(pdf, kind)
    (impose_booklet if kind == "booklet" else impose_2up)(pdf, dest)
    reader = PdfReader(dest)
    sides = len(reader.pages)
    box = reader.pages[0].mediabox
    paper = paper_name(float(box.width), float(box.height))
    if kind == "booklet":
        sheets = sides // 2
        return dest, (f"{sheets} sheet{'s' * (sheets != 1)} of {paper}: print on both sides, "
                      "flip on the short edge, fold in half and staple")
    return dest, f"{sides} side{'s' * (sides != 1)} of {paper}, two pages on each"

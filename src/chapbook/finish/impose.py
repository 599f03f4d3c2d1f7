"""Imposition: arranging a built PDF's pages on sheets for the school's duplex printer.

Teachers have no imposition software, only a printer that prints on both sides. So we
make the PDF they send to it:

* :func:`impose_booklet` for a saddle-stitched booklet: print duplex with *short-edge*
  flipping, fold the stack in half and staple the fold; the pages come out in order.
* :func:`impose_2up` for cheap handouts: two consecutive pages side by side per sheet side.

Decisions:

* Sheets are the paper twice the page size: A5 pages on A4 landscape, A4 on A3, A6 on A5,
  B5 on B4, Letter on Tabloid (ledger), half-letter on Letter. A4 is 1.4 pt wider than two
  A5 pages; pages meet at the centre of the sheet (the fold) and the spare goes to the
  outer edges. Other page sizes get a sheet exactly twice as wide.
* Padding: a booklet needs a multiple of four pages, so blank pages are added *at the
  end* of the content, as pdfjam/pdfbook and most print shops do. The last printed
  page(s) may therefore be blank; a document whose last page is a back cover must be
  padded before it by its builder (chapbook's layout can do that with ``@page :blank``),
  because only the builder knows that the last page is a cover.
* ``sheet``: the paper the school's printer takes, when it is not twice the page (an A4
  booklet for a printer that takes only A4). The pages are then scaled down, both by the
  same factor, to fit side by side on the sheet turned to landscape, as pdfjam's
  ``--booklet`` does: A4 pages on an A4 sheet come out at A5 size (71%).
* All pages must be the size of the first page (within 1 pt); otherwise ValueError. A
  stray page of another size is a build bug, and scaling it silently would print a
  booklet with one page at the wrong size.
* Each page becomes a Form XObject, drawn on its sheet with one ``cm ... Do``: vectors kept,
  clipped to the page's trim box by the form's bounding box (so bleed and crop marks of a
  print PDF do not spill onto the neighbouring page), and nothing re-parsed. pypdf's
  ``merge_transformed_page`` re-parses and rewrites every content stream, which made the
  imposition slower than the build itself. Pages with ``/Rotate`` are turned upright first.
* Links and other annotations are dropped: paper cannot follow them, and link targets
  would drag the source pages into the output.
* Title, author, subject, keywords and language are kept. The document structure
  (tags) and the XMP metadata are not: an imposed file is for the printer only, and its
  XMP would wrongly claim PDF/UA or PDF/A conformance for the new file.
* Output is written to a temporary file beside ``dest`` and moved into place with
  ``os.replace``, so a failed run never leaves a half-written PDF a teacher might print.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    RectangleObject,
    StreamObject,
    TextStringObject,
)

from ..output import write_atomic

__all__ = ["SHEETS", "booklet_order", "impose_2up", "impose_booklet", "sheet_size",
           "two_up_order"]

Slot = int | None  # a 1-based page number, or None for a blank page
_TOLERANCE = 1.0   # pt; WeasyPrint's A5 is 419.53 x 595.28, others round differently
_MM = 72 / 25.4

#: The sheets ``--sheet`` names, portrait (w, h) in pt.
SHEETS = {
    "a3": (297 * _MM, 420 * _MM),
    "a4": (210 * _MM, 297 * _MM),
    "a5": (148 * _MM, 210 * _MM),
    "letter": (612.0, 792.0),
    "tabloid": (792.0, 1224.0),
}

# Portrait page size (w, h) in pt -> portrait size of the paper that holds two of them.
_PAPER = {
    (105 * _MM, 148 * _MM): (148 * _MM, 210 * _MM),   # A6 -> A5
    (148 * _MM, 210 * _MM): (210 * _MM, 297 * _MM),   # A5 -> A4
    (210 * _MM, 297 * _MM): (297 * _MM, 420 * _MM),   # A4 -> A3
    (176 * _MM, 250 * _MM): (250 * _MM, 353 * _MM),   # B5 -> B4
    (396.0, 612.0): (612.0, 792.0),                   # half-letter -> Letter
    (612.0, 792.0): (792.0, 1224.0),                  # Letter -> Tabloid / ledger
}


def booklet_order(pages: int) -> list[tuple[Slot, Slot]]:
    """(left, right) page numbers of each sheet side, fronts and backs alternating.

    For ``n`` pages padded to ``N`` (a multiple of four): sheet 1 front ``[N, 1]``, back
    ``[2, N-1]``; sheet 2 front ``[N-2, 3]``, back ``[4, N-3]``; ... Numbers above
    ``pages`` are the blank padding and come back as ``None``.
    """
    if pages < 1:
        return []
    total = -(-pages // 4) * 4
    sides: list[tuple[int, int]] = []
    for sheet in range(total // 4):
        low = 2 * sheet + 1
        high = total - 2 * sheet
        sides.append((high, low))          # front
        sides.append((low + 1, high - 1))  # back
    return [(_real(left, pages), _real(right, pages)) for left, right in sides]


def _real(number: int, pages: int) -> Slot:
    return number if number <= pages else None


def two_up_order(pages: int) -> list[tuple[Slot, Slot]]:
    """(left, right) page numbers for 2-up handouts: [1, 2], [3, 4], ...; odd ends blank."""
    return [(p, p + 1 if p + 1 <= pages else None) for p in range(1, pages + 1, 2)]


def sheet_size(width: float, height: float) -> tuple[float, float]:
    """The sheet (width, height) in pt that holds two ``width`` x ``height`` pages side by side."""
    if width < height:
        for (w, h), (paper_w, paper_h) in _PAPER.items():
            if abs(width - w) <= _TOLERANCE and abs(height - h) <= _TOLERANCE:
                return paper_h, paper_w  # the paper turned to landscape
    return 2 * width, height


def impose_booklet(src: Path, dest: Path, sheet: str | None = None) -> float:
    """Write ``dest``: ``src`` imposed as a saddle-stitch booklet (print duplex, short edge),
    on ``sheet`` (a key of :data:`SHEETS`) or on paper twice the page; the scale used."""
    return _impose(Path(src), Path(dest), booklet_order, sheet)


def impose_2up(src: Path, dest: Path, sheet: str | None = None) -> float:
    """Write ``dest``: ``src`` with two consecutive pages on each sheet side; the scale."""
    return _impose(Path(src), Path(dest), two_up_order, sheet)


def sheet_and_scale(page_w: float, page_h: float, sheet: str | None
                    ) -> tuple[float, float, float]:
    """The landscape sheet (w, h) and the factor that fits two pages side by side on it:
    1 on paper twice the page, less (or more) on a sheet the printer takes."""
    if sheet is None:
        sheet_w, sheet_h = sheet_size(page_w, page_h)
        return sheet_w, sheet_h, 1.0
    short, long = SHEETS[sheet]
    scale = min(long / 2 / page_w, short / page_h)
    if abs(scale - 1) < 0.005:  # A4 is 1.4 pt wider than two A5 pages
        scale = 1.0
    return long, short, scale


def _trim(page: PageObject) -> RectangleObject:
    """The page as it is meant to be seen: its trim box (defaults to crop, then media box)."""
    return RectangleObject(page.trimbox)


def _prepared_pages(writer: PdfWriter) -> list[PageObject]:
    """The source pages (already in ``writer``) made upright and without annotations."""
    pages = list(writer.pages)
    if not pages:
        raise ValueError("cannot impose a PDF that has no pages")
    for page in pages:
        if page.rotation % 360:
            page.transfer_rotation_to_content()
        if "/Annots" in page:
            del page[NameObject("/Annots")]
    first = _trim(pages[0])
    for number, page in enumerate(pages[1:], start=2):
        box = _trim(page)
        if (abs(float(box.width) - float(first.width)) > _TOLERANCE
                or abs(float(box.height) - float(first.height)) > _TOLERANCE):
            raise ValueError(
                f"page {number} is {float(box.width):.0f} x {float(box.height):.0f} pt but "
                f"page 1 is {float(first.width):.0f} x {float(first.height):.0f} pt; "
                "all pages must have the same size to be imposed")
    return pages


def _as_form(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """The page as a Form XObject clipped to its trim box, ready to be drawn anywhere.

    Cloned into ``writer`` with what it uses (fonts, images), shared objects once; nothing
    else of the source (tags, links, outlines) comes along.
    """
    contents = page.get("/Contents")
    streams = []
    if contents is not None:
        contents = contents.get_object()
        parts = contents if isinstance(contents, ArrayObject) else [contents]
        streams = [part.get_object().get_data() for part in parts]
    form = StreamObject()
    form.set_data(b"\n".join(streams))
    box = _trim(page)
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(float(v)) for v in (
            box.left, box.bottom, box.right, box.top)]),
        NameObject("/Resources"): page.get("/Resources", DictionaryObject()),
    })
    return writer._add_object(form.flate_encode().clone(writer))


def _impose(src: Path, dest: Path, order: Callable[[int], list[tuple[Slot, Slot]]],
            sheet: str | None = None) -> float:
    reader = PdfReader(io.BytesIO(src.read_bytes()))  # in memory: dest may replace src
    # pypdf edits only pages that belong to a writer: prepare them in a scratch one.
    pages = _prepared_pages(PdfWriter(clone_from=reader))
    writer = PdfWriter()
    page_w, page_h = float(_trim(pages[0]).width), float(_trim(pages[0]).height)
    sheet_w, sheet_h, scale = sheet_and_scale(page_w, page_h, sheet)
    lefts = (sheet_w / 2 - page_w * scale, sheet_w / 2)  # pages meet at the fold
    bottom = (sheet_h - page_h * scale) / 2
    forms = [_as_form(writer, page) for page in pages]
    for side in order(len(pages)):
        face = writer.add_blank_page(sheet_w, sheet_h)
        xobjects = DictionaryObject()
        drawing = []
        for left, number in zip(lefts, side, strict=True):
            if number is None:
                continue
            box = _trim(pages[number - 1])
            name = NameObject(f"/P{number}")
            xobjects[name] = forms[number - 1]
            drawing.append(f"q {scale:.6f} 0 0 {scale:.6f} "
                           f"{left - float(box.left) * scale:.4f} "
                           f"{bottom - float(box.bottom) * scale:.4f} cm {name} Do Q")
        face[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/XObject"): xobjects})
        content = StreamObject()
        content.set_data("\n".join(drawing).encode("ascii"))
        face[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    _copy_metadata(reader, writer)
    write_atomic(dest, writer.write)
    return scale


def _copy_metadata(reader: PdfReader, writer: PdfWriter) -> None:
    info = reader.metadata
    keep = ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer",
            "/CreationDate", "/ModDate")
    if info is not None:
        writer.add_metadata({key: str(info[key]) for key in keep if key in info})
    lang = reader.root_object.get("/Lang")
    if lang is not None:
        writer.root_object[NameObject("/Lang")] = TextStringObject(str(lang))

"""Every use of WeasyPrint's, pydyf's and pyphen's internals, fenced in one module.

chapbook keeps to the libraries' public API everywhere else. Three things need more, and
each has a way back to the public API:

* **The parallel layout** (:mod:`.parts`): a part laid out beside the parts before it cannot
  know its first page number. WeasyPrint paginates first and makes the page-margin boxes
  last, so :func:`numbering_decided_late` hooks ``weasyprint.layout.make_margin_boxes`` to
  shift the folios once the page count is known (and to mirror the pages of a part that
  turns out to start on a left-hand page, where WeasyPrint's page functions are the ones
  this expects; where not, that part starts on a right-hand page, after a blank one); and
  :func:`join` joins the parts' pydyf
  objects into one tagged PDF. When an internal these rely on is missing or changed
  (:data:`MISSING`, checked as WeasyPrint and pydyf are imported here), the layout host
  says so when the build configures it, before anything is laid out, and the build lays
  the booklet out in one process as one document on the public API, with one warning: the
  pages are the same, but the PDF's bytes differ from those of a build in parts (its
  objects are WeasyPrint's, not the join's; each face is subset once, not per part).
* **WeasyPrint's import** (:func:`import_weasyprint`): WeasyPrint opens its C libraries by
  trying each library's Windows and macOS names before the Linux one, and cffi hands every
  name it cannot open to ``ctypes.util.find_library``, which runs ``ldconfig`` and gcc. The
  import here first tries the names with ``dlopen`` alone, and imports the usual way if
  that fails. Font subsetting makes sized C arrays whose types cffi parses once per size:
  :class:`_UnsizedArrays` makes them unsized (parsed once), where WeasyPrint's module still
  has the ffi this expects.
* **The layout report** (:mod:`.layout_report`) reads the laid-out boxes of each page, which
  WeasyPrint keeps in a private attribute (:func:`laid_out_box`); without it the report
  finds nothing and says so by finding nothing.
* **One font program per face** in a joined booklet: the join takes each part's TrueType
  programs out of its pydyf objects and embeds their union once (:mod:`.fontmerge`). The
  programs are also rid of the build's time, which fontTools stamps into a variable font's
  static instance (:func:`settle_font_dates`).
* **Hyphenation patterns kept parsed** (:mod:`.hyphenation`): pyphen's dictionary is rebuilt
  from kept patterns and put in pyphen's table of parsed dictionaries, where WeasyPrint finds
  it; where that table is not what this expects, pyphen parses the file as usual.

The join
--------
Each part is WeasyPrint's own PDF, taken as pydyf objects just before WeasyPrint would write
them (:func:`capture_part`, through ``write_pdf``'s ``finisher``): its objects are
serialised with every reference replaced by a marker, and the few facts the join needs are
read off the objects themselves: the pages, the top-level structure elements, the parent
tree, the named destinations. :func:`join` renumbers the objects, makes one page tree, one
structure tree, one name tree of destinations and one outline, and lets pydyf write the file
as WeasyPrint would (object streams, compressed).

Why not pypdf, which the project uses for imposition: joining the parts with ``PdfWriter``
took longer than laying them out in parallel saved, because pypdf parses every one of the
thousands of small structure-tree objects in Python, and its writer has no object streams,
so the booklet came out three times as large. It also drops the structure tree when it
merges (tags are what PDF/UA and screen readers need).

WeasyPrint writes the structure tree page by page: each page's top-level elements hang from
one ``Document`` element, and the parent tree is keyed by page index, then by link
annotation. So joining it is bookkeeping: the top-level elements go under one ``Document``
element in page order, and each part's parent-tree keys are moved into a range of their own.

Links between parts are named destinations. A part that links to an anchor in another part
is given a stand-in anchor before it is written (WeasyPrint drops links to anchors it cannot
see); the join keeps only each name's real destination.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import hashlib
import inspect
import io
import re
import struct
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pydyf

from .fontmerge import NotMergeable, merge_subsets, settled
from .labels import LabelRange, add_page_labels

if TYPE_CHECKING:  # the building process joins parts without importing WeasyPrint
    from weasyprint import Document

#: WeasyPrint's bookmark tree: (label, (page index, x, y), children, "open" or "closed").
BookmarkTree = list[tuple[str, tuple[int, float, float], list[Any], str]]

#: Parent-tree keys of part N are N * KEY_SPAN + WeasyPrint's own key.
KEY_SPAN = 1_000_000
_REFERENCE = re.compile(r"(\d+) 0 R")
#: A reference inside a part's serialised objects: NUL never occurs in PDF syntax outside
#: strings and streams, and the text of a booklet has no NUL (HTML parsing replaces it).
_MARKER = re.compile(rb"\x00(\d+)\x00")


@dataclass
class PartPdf:
    """One part's PDF as objects, with references as markers: plain data, to be pickled."""

    #: (object number, is it a stream, serialised object).
    objects: list[tuple[int, bool, bytes]]
    #: Page objects, in the part's order.
    pages: list[int]
    page_tree: int
    struct_root: int | None = None
    struct_document: int | None = None
    #: Top-level structure elements and the index of the page each is on.
    struct_kids: list[tuple[int, int]] = field(default_factory=list)
    #: The inside of the parent tree's /Nums array, keys already moved into the part's range.
    parent_tree: bytes = b""
    #: Named destinations: (name, page index, x, y); borrowed stand-ins left out.
    destinations: list[tuple[str, int, float, float]] = field(default_factory=list)
    metadata: int | None = None
    info: dict[str, Any] = field(default_factory=dict)
    catalog: dict[str, Any] = field(default_factory=dict)
    #: TrueType programs, taken out of ``objects`` for the join to embed once per face:
    #: (face, subset tag, object number, the program's bytes).
    fonts: list[tuple[bytes, bytes, int, bytes]] = field(default_factory=list)


class _Captured(Exception):
    """Stops ``write_pdf`` once its objects are taken: nothing is written twice."""


def _number(reference: Any) -> int:
    return int(str(reference.decode() if isinstance(reference, bytes) else reference)
               .split()[0])


def capture_part(document: Document, variant: str, part_index: int,
                 borrowed: frozenset[str]) -> PartPdf:
    """The PDF WeasyPrint makes of ``document``, as a part to join."""
    captured: list[PartPdf] = []

    def finisher(_document: Document, pdf: pydyf.PDF) -> None:
        captured.append(_take_apart(pdf, part_index * KEY_SPAN, borrowed))
        raise _Captured

    with contextlib.suppress(_Captured):
        document.write_pdf(io.BytesIO(), pdf_variant=variant, finisher=finisher)
    return captured[0]


def _take_apart(pdf: pydyf.PDF, key_base: int, borrowed: frozenset[str]) -> PartPdf:
    """The part's objects, less those the join makes once for the whole book (catalog,
    page tree, outline, structure root, Document element, parent tree), with the facts
    the join needs read off the objects while their references are still plain."""
    objects = pdf.objects
    catalog = pdf.catalog
    pages = list(pdf.pages["Kids"][::3])
    page_index = {number: index for index, number in enumerate(pages)}
    dropped = {0, pdf.pages.number, catalog.number}
    part = PartPdf([], pages, pdf.pages.number)

    outline = catalog.get("Outlines")
    stack = [_number(outline)] if outline else []
    while stack:  # the part's bookmarks: the join makes one outline for the whole book
        number = stack.pop()
        dropped.add(number)
        stack += [_number(objects[number][key]) for key in ("First", "Next")
                  if key in objects[number]]

    if "StructTreeRoot" in catalog:
        root = objects[_number(catalog["StructTreeRoot"])]
        document = objects[_number(root["K"][0])]
        parent_tree = objects[_number(root["ParentTree"])]
        dropped |= {root.number, parent_tree.number}
        part.struct_root, part.struct_document = root.number, document.number
        dropped.add(document.number)
        page = 0
        for kid in document["K"]:
            # WeasyPrint gives every element its page; one without keeps its neighbour's.
            element = objects[_number(kid)]
            page = page_index[_number(element["Pg"])] if "Pg" in element else page
            part.struct_kids.append((_number(kid), page))
        for number in pages:
            page_object = objects[number]
            if "StructParents" in page_object:
                page_object["StructParents"] += key_base
            for annotation in page_object.get("Annots", []):
                annotation = objects[_number(annotation)]
                if "StructParent" in annotation:
                    annotation["StructParent"] += key_base
        nums = parent_tree["Nums"]
        moved = pydyf.Array()
        for position in range(0, len(nums), 2):
            moved += [nums[position] + key_base, nums[position + 1]]
        _mark_references(moved, set())
        part.parent_tree = moved.data[1:-1]

    names = catalog.get("Names", {}).get("Dests", {}).get("Names", [])
    for position in range(0, len(names), 2):
        name, target = names[position].string, names[position + 1]
        if name not in borrowed:
            part.destinations.append((name, page_index[_number(target[0])],
                                      target[2], target[3]))
    if "Metadata" in catalog:
        part.metadata = _number(catalog["Metadata"])
    part.info = dict(pdf.info)
    part.catalog = {key: catalog[key] for key in ("Lang", "ViewerPreferences", "MarkInfo")
                    if key in catalog}

    if key_base:
        _retag_subsets(objects, key_base)
    for obj in objects:
        if isinstance(obj, dict) and obj.get("Type") == "/FontDescriptor" \
                and "FontFile2" in obj:
            match = _SUBSET_NAME.fullmatch(obj.get("FontName", b""))
            program = objects[_number(obj["FontFile2"])]
            if match and all(isinstance(chunk, bytes) for chunk in program.stream):
                part.fonts.append((match[2], match[1], program.number,
                                   settled(b"".join(program.stream))))
                dropped.add(program.number)
    seen: set[int] = set()
    for obj in objects:
        if obj.number not in dropped:
            _mark_references(obj, seen)
            part.objects.append((obj.number, isinstance(obj, pydyf.Stream), obj.data))
    return part


_SUBSET_NAME = re.compile(rb"/([A-Z]{6})\+(.*)")


def _retag_subsets(objects: list[Any], salt: int) -> None:
    """Give this part's font subsets tags of their own.

    WeasyPrint names a subset after the font (``/DROIWJ+PT-Serif``), so every part would
    carry a different subset under the same name; the PDF standard asks for one tag per
    subset in a file (ISO 32000-1, 9.6.4), and some printers cache fonts by that name.
    """
    def retag(name: bytes) -> bytes:
        match = _SUBSET_NAME.fullmatch(name)
        if not match:
            return name
        digest = hashlib.md5(match[1] + b"%d" % salt, usedforsecurity=False).digest()
        return b"/" + bytes(65 + byte % 26 for byte in digest[:6]) + b"+" + match[2]

    stack = list(objects)
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key in ("BaseFont", "FontName"):
                if isinstance(value.get(key), bytes):
                    value[key] = retag(value[key])
            stack += [item for item in value.values() if isinstance(item, (dict, list))]
        elif isinstance(value, list):
            stack += [item for item in value if isinstance(item, (dict, list))]


def settle_font_dates(pdf: pydyf.PDF) -> None:
    """Take the time of the build out of the font programs of a PDF WeasyPrint is about to
    write (:func:`.fontmerge.settled`); called from ``write_pdf``'s ``finisher``."""
    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Type") == "/FontDescriptor":
            for key in ("FontFile2", "FontFile3"):
                if key in obj:
                    program = pdf.objects[_number(obj[key])]
                    if all(isinstance(chunk, bytes) for chunk in program.stream):
                        program.stream = [settled(b"".join(program.stream))]


def _mark_references(value: Any, seen: set[int]) -> Any:
    """Replace every reference inside ``value`` (in place) by a marker; return the value."""
    if isinstance(value, (bytes, str)):
        match = _REFERENCE.fullmatch(value.decode("latin-1") if isinstance(value, bytes)
                                     else value)
        return b"\x00%d\x00" % int(match[1]) if match else value
    if id(value) in seen:
        return value
    if isinstance(value, pydyf.Stream):
        seen.add(id(value))
        for key, item in value.extra.items():
            value.extra[key] = _mark_references(item, seen)
    elif isinstance(value, dict):
        seen.add(id(value))
        for key, item in value.items():
            value[key] = _mark_references(item, seen)
    elif isinstance(value, list):
        seen.add(id(value))
        for position, item in enumerate(value):
            value[position] = _mark_references(item, seen)
    return value


class _Raw(pydyf.Object):
    """An object already serialised (by a part), written as it is."""

    def __init__(self, stream: bool):
        super().__init__()
        self.stream = stream
        self.serialised = b""

    @property
    def data(self) -> bytes:
        return self.serialised

    @property
    def compressible(self) -> bool:
        return not self.stream


def join(parts: list[PartPdf], order: list[tuple[int, int]], bookmarks: BookmarkTree,
         target: IO[bytes], producer_note: str = "",
         labels: list[LabelRange] | None = None) -> None:
    """Write ``parts`` as one PDF with pages in ``order`` ((part, page in part) each) and
    page ``labels``; part 0 gives the document's metadata."""
    pdf = pydyf.PDF()
    root = pydyf.Dictionary({"Type": "/StructTreeRoot"})
    document = pydyf.Dictionary({"Type": "/StructElem", "S": "/Document"})
    if any(part.struct_root is not None for part in parts):
        pdf.add_object(root)
        pdf.add_object(document)
        document["P"] = root.reference

    font_numbers, retag = _embed_fonts_once(pdf, parts)
    renumbered: list[dict[int, int]] = []
    raws: list[tuple[_Raw, bytes, dict[int, int]]] = []
    for index, part in enumerate(parts):
        numbers = {part.page_tree: pdf.pages.number, **font_numbers[index]}
        if part.struct_root is not None and part.struct_document is not None:
            numbers[part.struct_root] = root.number
            numbers[part.struct_document] = document.number
        for number, stream, data in part.objects:
            if number == part.metadata and index != 0:
                continue  # the joined file carries part 0's XMP metadata
            raw = _Raw(stream)
            if not stream:
                for old, new in retag[index]:
                    data = data.replace(old, new)
            pdf.add_object(raw)
            numbers[number] = raw.number
            raws.append((raw, data, numbers))
        renumbered.append(numbers)
    for raw, data, numbers in raws:
        raw.serialised = _renumber(data, numbers, raw.stream)

    page_at: dict[tuple[int, int], int] = {}
    for position, (index, page) in enumerate(order):
        pdf.pages["Kids"].extend([renumbered[index][parts[index].pages[page]], 0, "R"])
        pdf.pages["Count"] += 1
        page_at[index, page] = position

    if root.number is not None:
        kids = sorted((page_at[index, page], order_in_part, renumbered[index][number])
                      for index, part in enumerate(parts)
                      for order_in_part, (number, page) in enumerate(part.struct_kids))
        document["K"] = pydyf.Array(b"%d 0 R" % number for _, _, number in kids)
        nums = b" ".join(_renumber(part.parent_tree, renumbered[index], False)
                         for index, part in enumerate(parts) if part.parent_tree)
        parent_tree = _Raw(False)
        parent_tree.serialised = b"<</Nums [" + nums + b"]>>"
        pdf.add_object(parent_tree)
        root["K"] = pydyf.Array([document.reference])
        root["ParentTree"] = parent_tree.reference
        root["ParentTreeNextKey"] = len(parts) * KEY_SPAN
        pdf.catalog["StructTreeRoot"] = root.reference

    references = pdf.page_references
    destinations: dict[str, pydyf.Array] = {}
    for index, part in enumerate(parts):
        for name, page, x, y in part.destinations:
            destinations.setdefault(name, pydyf.Array(
                [references[page_at[index, page]], "/XYZ", x, y, 0]))
    if destinations:
        flat = pydyf.Array()
        for name in sorted(destinations):
            flat += [pydyf.String(name), destinations[name]]
        pdf.catalog["Names"] = pydyf.Dictionary({"Dests": pydyf.Dictionary({"Names": flat})})
    _add_outline(pdf, bookmarks)
    add_page_labels(pdf, labels)

    main = parts[0]
    pdf.catalog.update(main.catalog)
    if main.metadata is not None:
        pdf.catalog["Metadata"] = b"%d 0 R" % renumbered[0][main.metadata]
    pdf.info = pydyf.Dictionary(main.info)
    if producer_note and "Producer" in pdf.info:
        pdf.info["Producer"] = pydyf.String(f"{pdf.info['Producer'].string} {producer_note}")
    with _quicker_compression():
        pdf.write(target, version=b"1.7", identifier=True, compress=True)


def _embed_fonts_once(pdf: pydyf.PDF, parts: list[PartPdf]
                      ) -> tuple[list[dict[int, int]], list[list[tuple[bytes, bytes]]]]:
    """Embed one program per face, the union of the parts' subsets (:mod:`.fontmerge`).

    Returns, per part, the new object number of each of its font programs, and the subset
    names to rename (each part named its subset apart; the one program takes the first
    part's name)."""
    faces: dict[bytes, list[tuple[int, bytes, int, bytes]]] = {}
    for index, part in enumerate(parts):
        for face, tag, number, program in part.fonts:
            faces.setdefault(face, []).append((index, tag, number, program))
    numbers: list[dict[int, int]] = [{} for _ in parts]
    retag: list[list[tuple[bytes, bytes]]] = [[] for _ in parts]
    for face, subsets in faces.items():
        try:
            merged = [(merge_subsets([program for *_, program in subsets]), subsets)]
        except (NotMergeable, struct.error, IndexError):
            merged = [(program, [subset]) for *_, program in subsets
                      for subset in subsets if subset[3] is program]
        for program, users in merged:
            stream = pydyf.Stream([program], pydyf.Dictionary({"Length1": len(program)}),
                                  compress=True)
            pdf.add_object(stream)
            name = b"/" + users[0][1] + b"+" + face
            for index, tag, number, _ in users:
                numbers[index][number] = stream.number
                if tag != users[0][1]:
                    retag[index].append((b"/" + tag + b"+" + face, name))
    return numbers, retag


@contextlib.contextmanager
def _quicker_compression(ceiling: int = 6) -> Iterator[None]:
    """pydyf compresses at zlib's level 9. The parts' page content is compressed already
    (in parallel); what is left here is one object stream of thousands of small
    dictionaries, which level 6 compresses in a third of the time, for a file 1% larger."""
    real: Any = getattr(pydyf, "zlib", None)
    if real is None:  # another pydyf: its own compression
        yield
        return

    class Zlib:
        @staticmethod
        def compressobj(level: int = 9, *args: Any, **kwargs: Any) -> Any:
            return real.compressobj(min(level, ceiling), *args, **kwargs)

    pydyf.zlib = Zlib  # type: ignore[assignment]
    try:
        yield
    finally:
        pydyf.zlib = real


def _renumber(data: bytes, numbers: dict[int, int], stream: bool) -> bytes:
    """Markers back to references with the joined numbers; a stream's body is left alone."""
    def reference(match: re.Match[bytes]) -> bytes:
        return b"%d 0 R" % numbers[int(match[1])]

    if stream:
        head, separator, body = data.partition(b"\nstream\n")
        return _MARKER.sub(reference, head) + separator + body
    return _MARKER.sub(reference, data)


def _add_outline(pdf: pydyf.PDF, bookmarks: BookmarkTree) -> None:
    """The bookmarks as a PDF outline, as WeasyPrint writes them for one document."""
    references = pdf.page_references

    def items(tree: BookmarkTree, parent: pydyf.Dictionary) -> tuple[list[Any], int]:
        made: list[pydyf.Dictionary] = []
        visible = len(tree)
        for label, (page, x, y), children, state in tree:
            item = pydyf.Dictionary({"Title": pydyf.String(label), "Parent": parent.reference,
                                     "Dest": pydyf.Array((references[page], "/XYZ", x, y, 0))})
            pdf.add_object(item)
            kids, count = items(children, item)
            item["Count"] = -count if state == "closed" else count
            if state != "closed":
                visible += count
            if kids:
                item["First"], item["Last"] = kids[0].reference, kids[-1].reference
            if made:
                item["Prev"], made[-1]["Next"] = made[-1].reference, item.reference
            made.append(item)
        return made, visible

    if bookmarks:
        outline = pydyf.Dictionary({})
        pdf.add_object(outline)
        top, count = items(bookmarks, outline)
        outline.update({"Count": count, "First": top[0].reference, "Last": top[-1].reference})
        pdf.catalog["Outlines"] = outline.reference


def shift_bookmarks(tree: BookmarkTree, page_of: dict[int, int]) -> BookmarkTree:
    """A part's bookmark tree with its page indexes mapped to the joined document's."""
    return [(label, (page_of[page], x, y), shift_bookmarks(children, page_of), state)
            for label, (page, x, y), children, state in tree]


# The capability check ------------------------------------------------------------------

#: What the parallel layout needs and the installed libraries lack, one line each; empty
#: when it can run. pydyf's part is checked as this module is imported, WeasyPrint's by
#: :func:`import_weasyprint` (the building process joins parts without importing WeasyPrint).
MISSING: list[str] = []


def _pydyf_missing() -> list[str]:
    missing = []
    try:
        pdf = pydyf.PDF()
        stream = pydyf.Stream()
        if not isinstance(pdf.objects, list) or "Kids" not in pdf.pages \
                or not hasattr(pdf, "catalog") or not hasattr(pdf, "info"):
            missing.append("pydyf.PDF's objects, pages, catalog and info")
        if not isinstance(pdf.page_references, (list, tuple)):
            missing.append("pydyf.PDF.page_references")
        if not isinstance(stream.extra, dict) or not isinstance(pdf.catalog.data, bytes):
            missing.append("pydyf.Stream.extra and pydyf.Object.data")
        if not isinstance(getattr(pydyf.Object, "compressible", None), property):
            missing.append("pydyf.Object.compressible")
        if not {"version", "identifier", "compress"} <= set(
                inspect.signature(pydyf.PDF.write).parameters):
            missing.append("pydyf.PDF.write(version, identifier, compress)")
    except Exception as exc:  # noqa: BLE001 - any change of shape means: not this pydyf
        missing.append(f"pydyf as chapbook knows it ({type(exc).__name__}: {exc})")
    return missing


def _weasyprint_missing() -> list[str]:
    missing = []
    try:
        import weasyprint
        import weasyprint.layout as layout

        hook = getattr(layout, "make_margin_boxes", None)
        if not callable(hook) or list(inspect.signature(hook).parameters) \
                != ["context", "page", "state"]:
            missing.append("weasyprint.layout.make_margin_boxes(context, page, state)")
        initialize = getattr(layout, "initialize_page_maker", None)
        if "page_maker" not in getattr(getattr(initialize, "__code__", None), "co_names", ()):
            missing.append("weasyprint.layout: context.page_maker, one entry per page")
        if "finisher" not in inspect.signature(weasyprint.Document.write_pdf).parameters:
            missing.append("weasyprint.Document.write_pdf(finisher)")
    except Exception as exc:  # noqa: BLE001
        missing.append(f"WeasyPrint's layout as chapbook knows it ({type(exc).__name__}: {exc})")
    return missing


MISSING.extend(_pydyf_missing())


# WeasyPrint ------------------------------------------------------------------------------

def import_weasyprint() -> None:
    """Import WeasyPrint, its libraries opened by name alone where that works, and check
    what the parallel layout needs of it (:data:`MISSING`)."""
    if "weasyprint" in sys.modules:
        return
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        # WeasyPrint prints advice before it gives up on a library; not ours to show.
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint  # noqa: F401
    except OSError:
        for name in [name for name in sys.modules
                     if name == "weasyprint" or name.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
    import weasyprint  # noqa: F401, F811 - the usual way, if the quick way failed

    MISSING.extend(_weasyprint_missing())
    _quicker_font_subsets()


#: A C array type with its size: ``hb_codepoint_t[42]``.
_SIZED_ARRAY = re.compile(r"\s*([A-Za-z_][\w ]*?)\s*\[\s*(\d+)\s*\]\s*")


class _UnsizedArrays:
    """A cffi ``FFI`` whose ``new`` makes an array of a size given in its type as an array of
    unsized type, whose type cffi parses once; everything else is the ffi's own."""

    def __init__(self, ffi: Any):
        self._ffi = ffi

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)

    def new(self, cdecl: Any, init: Any = None) -> Any:
        match = _SIZED_ARRAY.fullmatch(cdecl) if isinstance(cdecl, str) else None
        if match is None:
            return self._ffi.new(cdecl, init)
        unsized, size = f"{match[1]}[]", int(match[2])
        if init is not None:
            init = list(init)
            if len(init) == size:
                return self._ffi.new(unsized, init)
        array = self._ffi.new(unsized, size)  # zeroed, as a sized array is
        if init:
            array[0:len(init)] = init  # more values than the size: IndexError, as cffi's
        return array


def _quicker_font_subsets() -> None:
    """Give WeasyPrint's font module the ffi of :class:`_UnsizedArrays`, where it has one."""
    try:
        import weasyprint.pdf.fonts as fonts
    except ImportError:
        return
    ffi = getattr(fonts, "ffi", None)
    if ffi is not None and callable(getattr(ffi, "new", None)) \
            and not isinstance(ffi, _UnsizedArrays):
        fonts.ffi = _UnsizedArrays(ffi)


#: The C types WeasyPrint has cffi parse while it lays out and writes a document.
_LAYOUT_C_TYPES = ("char[]", "PangoLogAttr[]", "PangoRectangle *", "unsigned int *",
                   "hb_codepoint_t[]", "hb_tag_t[]")


def parse_c_types() -> None:
    """Have cffi parse the C types of :data:`_LAYOUT_C_TYPES` now: called in the layout
    host, so that none of the workers it forks parses them again. A type this WeasyPrint
    does not know is left to it."""
    try:
        import cffi
        from weasyprint.text.ffi import ffi
    except ImportError:
        return
    for cdecl in _LAYOUT_C_TYPES:
        with contextlib.suppress(cffi.CDefError, cffi.FFIError, AttributeError):
            ffi.typeof(cdecl)


#: Called once, with the number of pages and whether they can be mirrored to start on a
#: left-hand page (:func:`mirrorable`); returns the number the first page must have.
FirstPage = Callable[[int, bool], int]
#: Called once, with the laid-out page boxes, before :data:`FirstPage`; may raise to give
#: the layout up (to lay the document out again, changed: :mod:`.relayout`).
Paginated = Callable[[list[Any]], None]


class _Unmirrorable(Exception):
    """Pages that cannot be made pages of the other side without laying them out again."""


def _side_of(number: int, root: Any) -> str:
    """The side of page ``number`` in a document of ``root``'s direction: an odd page is a
    right-hand one left to right, a left-hand one right to left."""
    return "right" if (number % 2 == 1) == (root.style["direction"] == "ltr") else "left"


def _mirrored_page(context: Any, html: Any, page: Any) -> Any:
    """A page box of the other side for ``page`` (laid out as a page of one side), with
    that side's page style (margins, margin boxes, background) and nothing in it; raises
    :class:`_Unmirrorable` when its text block would not be as wide and as high, or this
    WeasyPrint makes pages otherwise."""
    from weasyprint.layout import page as weasy_page

    if page.page_type.blank or html is None:
        raise _Unmirrorable("a blank page, or no document to style the other side from")
    try:
        side = "left" if page.page_type.side == "right" else "right"
        page_type = page.page_type._replace(side=side)
        weasy_page.set_page_type_computed_styles(page_type, html, context.style_for)
        style = context.style_for(page_type)
        style["overflow"] = page.style["overflow"]  # propagated from the root (make_page)
        mirrored = type(page)(page_type, style)
        width, height = style["size"]
        weasy_page.resolve_percentages(mirrored, (width, height))
        mirrored.position_x = mirrored.position_y = 0
        weasy_page.page_width(mirrored, context, width)
        weasy_page.page_height(mirrored, context, height)
    except (AttributeError, TypeError, KeyError, ValueError) as changed:
        raise _Unmirrorable(f"this WeasyPrint lays pages out otherwise ({changed})") from changed
    if (mirrored.width, mirrored.height, mirrored.content_box_y()) != (
            page.width, page.height, page.content_box_y()):
        raise _Unmirrorable("the text block differs between left- and right-hand pages")
    return mirrored


def mirrorable(context: Any, html: Any, pages: list[Any]) -> bool:
    """Whether ``pages``, laid out from a right-hand page, can be made pages of the other
    sides without laying them out again: no blank page among them, and a text block as
    wide and as high on either side, for each kind of page among them (named page and
    side)."""
    if not pages or any(page.page_type.blank for page in pages):
        return False
    kinds = {(page.page_type.name, page.page_type.side): page for page in reversed(pages)}
    try:
        for page in kinds.values():
            _mirrored_page(context, html, page)
    except _Unmirrorable:
        return False
    return True


def _mirror(context: Any, html: Any, page: Any) -> None:
    """Make ``page`` a page of the other side: the other side's page style and its text
    block (the root's box, the footnote area) moved across by the difference of the
    margins. Nothing is laid out again."""
    mirrored = _mirrored_page(context, html, page)
    shift = mirrored.content_box_x() - page.content_box_x()
    for child in page.children:
        child.translate(shift, 0)
    page.page_type, page.style = mirrored.page_type, mirrored.style
    for name in ("margin_left", "margin_right", "padding_left", "padding_right",
                 "border_left_width", "border_right_width"):
        setattr(page, name, getattr(mirrored, name))


@contextlib.contextmanager
def numbering_decided_late(first_page: FirstPage,
                           paginated: Paginated | None = None) -> Iterator[None]:
    """Within this block, a layout numbers its pages from ``first_page(page_count)``; with
    ``paginated``, that is first shown the page boxes (as :func:`laid_out_box` gives them).

    Nothing in a part's body depends on its page numbers, only the folios in the page
    margins and which pages are left- and right-hand ones do. WeasyPrint paginates the
    whole document first and makes the margin boxes last, from each page's counter state:
    the hook asks for the real first page number once the page count is known, and shifts
    the ``page`` counter of every margin box by the difference. A part laid out from a
    right-hand page that starts on a left-hand one (chapters that open on any page) has
    each page mirrored before its margin boxes are made (:func:`_mirror`); ``first_page``
    is told whether that can be done (:func:`mirrorable`), and a part whose pages cannot
    be mirrored is given an odd first page. The body is laid out once. Meant for one
    layout at a time in a worker process: the hook is process-wide.
    """
    import weasyprint.layout as weasy_layout

    original = weasy_layout.make_margin_boxes
    # without it (another WeasyPrint), ``paginated`` is not called (nothing is mended) and
    # a page of the wrong side is not mirrored (the part is laid out again)
    original_pages = getattr(weasy_layout, "make_all_pages", None)
    shift: int | None = None
    pages: list[Any] = []
    html: list[Any] = [None]

    def make_all_pages(context: Any, root_box: Any, document: Any, *args: Any,
                       **kwargs: Any) -> Iterator[Any]:
        pages.clear()  # each round of pagination makes them all again
        html[0] = document
        for page in original_pages(  # type: ignore[misc]
                context, root_box, document, *args, **kwargs):
            pages.append(page)
            yield page

    def make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
        nonlocal shift
        if shift is None and paginated is not None and pages:
            paginated(list(pages))
        if shift is None:
            # page_maker holds one entry per page plus the state after the last one.
            shift = first_page(len(context.page_maker) - 1,
                               mirrorable(context, html[0], pages)) - 1
        if shift:
            number = context.current_page + shift
            if page.page_type.side != _side_of(number, page.children[0]):
                _mirror(context, html[0], page)
            quote_depth, counters, *rest = state
            counters = dict(counters)
            counters["page"] = [value + shift for value in counters.get("page", [0])]
            state = type(state)((quote_depth, counters, *rest))
        return original(context, page, state)

    weasy_layout.make_margin_boxes = make_margin_boxes
    if callable(original_pages):
        weasy_layout.make_all_pages = make_all_pages
    try:
        yield
    finally:
        weasy_layout.make_margin_boxes = original
        if callable(original_pages):
            weasy_layout.make_all_pages = original_pages


def laid_out_box(page: Any) -> Any:
    """The laid-out box tree of a WeasyPrint page, or None where WeasyPrint keeps it no
    more under that name."""
    return getattr(page, "_page_box", None)


# pyphen ----------------------------------------------------------------------------------

def parsed_dictionaries() -> dict[Any, Any] | None:
    """pyphen's table of parsed dictionaries (file -> dictionary), where WeasyPrint looks
    first; None if this pyphen keeps none where this expects it."""
    import pyphen

    table = getattr(pyphen, "hdcache", None)
    if not isinstance(table, dict) or not isinstance(getattr(pyphen, "HyphDict", None), type):
        return None
    return table


def parse_dictionary(path: Path) -> Any:
    """pyphen's dictionary of the file ``path``, parsed as pyphen parses it."""
    import pyphen

    return pyphen.HyphDict(path)


def plain_patterns(dictionary: Any) -> dict[str, list] | None:
    """The patterns of a parsed dictionary as JSON can hold them; None if some carry the
    data of a nonstandard hyphenation, which JSON would lose, or if this pyphen keeps them
    otherwise."""
    table = getattr(dictionary, "patterns", None)
    if not isinstance(table, dict):
        return None
    patterns = {}
    for key, (start, values) in table.items():
        if any(type(value) is not int for value in values):
            return None
        patterns[key] = [start, list(values)]
    return patterns


def dictionary_from_patterns(path: Path, patterns: dict[str, list]) -> Any:
    """pyphen's dictionary of the file ``path`` made from its kept ``patterns`` (as
    :func:`plain_patterns` gave them), or parsed from the file if this pyphen's
    dictionaries are not made as this expects."""
    import pyphen

    # What a dictionary's positions() reads is what this gives it.
    read = getattr(getattr(pyphen.HyphDict, "positions", None), "__code__", None)
    if not {"patterns", "cache", "maxlen"} <= set(getattr(read, "co_names", ())):
        return pyphen.HyphDict(path)
    parsed = pyphen.HyphDict.__new__(pyphen.HyphDict)
    try:
        parsed.patterns = {str(key): (int(start), tuple(int(value) for value in values))
                           for key, (start, values) in patterns.items()}
    except (TypeError, ValueError):  # kept patterns that do not read back: parse the file
        return pyphen.HyphDict(path)
    parsed.cache = {}
    parsed.maxlen = max(len(key) for key in parsed.patterns)
    return parsed

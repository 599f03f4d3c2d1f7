"""Importing WeasyPrint without a fifth of a second of library searching, and writing its
fonts without a twentieth of a second of C parsing per document.

WeasyPrint 70 opens Pango, HarfBuzz, fontconfig and GObject by trying each library's names
for Windows, macOS and Linux in turn (``libgobject-2.0-0``, ``gobject-2.0``, ...,
``libgobject-2.0.so.0``). cffi hands every name it cannot open to
``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` and then gcc and ld to look
for it: 22 searches and 54 subprocesses, 0.2 s of a 0.45 s import, before the Linux name
that opens directly is reached. That is a tenth of a booklet build, and most of a handout's.

Importing this module imports WeasyPrint with a ``find_library`` that gives up at once, so
each name is tried with ``dlopen`` only. If that fails (a system where only the search finds
a library), the import is made again the usual way, searches and all.

When WeasyPrint subsets a font it makes its glyph lists with
``ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs)``: a C type named with its size, which
cffi parses with pycparser the first time it meets each size, about 5 ms each, twice per
font. A part of the booklet with four fonts spent 45 ms on it, every build, and the front
matter's part is the last thing a build waits for. The same arrays made as
``hb_codepoint_t[]`` from the same values (their length is the values') are parsed once per
process; :class:`_UnsizedArrays` does that for the font module alone.

Both C-type fixes matter only where WeasyPrint's declarations are parsed: the import here
normally gives WeasyPrint an FFI compiled from them once (:mod:`.compiled_ffi`), whose C
types cffi reads without pycparser; and fontTools is imported only when a font needs it
(:mod:`.later_fonttools`).
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import re
import sys
from typing import Any

from .compiled_ffi import compiled_declarations
from .later_fonttools import fonttools_deferred


def _import_weasyprint() -> None:
    if "weasyprint" in sys.modules:
        return
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        # WeasyPrint prints advice before it gives up on a library; not ours to show.
        with contextlib.redirect_stdout(io.StringIO()), fonttools_deferred(), \
                compiled_declarations():
            import weasyprint  # noqa: F401
    except OSError:
        for name in [name for name in sys.modules
                     if name == "weasyprint" or name.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
    import weasyprint  # noqa: F401, F811 - the usual way, if the quick way failed


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


#: The C types WeasyPrint 70 has cffi parse (with pycparser, about 5 ms each) while it lays
#: out and writes a document, in every process that does so.
_LAYOUT_C_TYPES = ("char[]", "PangoLogAttr[]", "PangoRectangle *", "unsigned int *",
                   "hb_codepoint_t[]", "hb_tag_t[]")


def parse_c_types() -> None:
    """Have cffi parse the C types of :data:`_LAYOUT_C_TYPES` now: called in the layout
    host, so that none of the workers it forks parses them again (30 ms in each worker). A
    type this WeasyPrint does not know is left to it."""
    import cffi
    from weasyprint.text.ffi import ffi

    for cdecl in _LAYOUT_C_TYPES:
        with contextlib.suppress(cffi.CDefError, cffi.FFIError):
            ffi.typeof(cdecl)


def _quicker_font_subsets() -> None:
    import weasyprint.pdf.fonts as fonts

    if not isinstance(getattr(fonts, "ffi", None), _UnsizedArrays):
        fonts.ffi = _UnsizedArrays(fonts.ffi)


_import_weasyprint()
_quicker_font_subsets()

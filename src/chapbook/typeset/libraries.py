"""Importing WeasyPrint without a fifth of a second of library searching.

WeasyPrint 70 opens Pango, HarfBuzz, fontconfig and GObject by trying each library's names
for Windows, macOS and Linux in turn (``libgobject-2.0-0``, ``gobject-2.0``, ...,
``libgobject-2.0.so.0``). cffi hands every name it cannot open to
``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` and then gcc and ld to look
for it: 22 searches and 54 subprocesses, 0.2 s of a 0.45 s import, before the Linux name
that opens directly is reached. That is a tenth of a booklet build, and most of a handout's.

Importing this module imports WeasyPrint with a ``find_library`` that gives up at once, so
each name is tried with ``dlopen`` only. If that fails (a system where only the search finds
a library), the import is made again the usual way, searches and all.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys


def _import_weasyprint() -> None:
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


_import_weasyprint()

"""WeasyPrint's C declarations compiled once, not parsed again by every process.

WeasyPrint 70 declares the Pango, HarfBuzz and fontconfig functions it calls in cffi's
in-line ABI mode: every process that imports it runs pycparser over 450 lines of C, 70 ms of
the layout host's import before its first fork (and of every process that lays out on its
own). cffi's out-of-line ABI mode, which cffi advises "to reduce the import time", is the
same FFI made once into a Python module of type tables, loaded in 8 ms. That module is made
here from WeasyPrint's own declarations the first time they are met, kept in the cache
folder under their digest (with cffi's and Python's versions), and used while they are the
same: other declarations, another cffi, or a module that cannot be loaded, and they are
parsed as before.

Only the FFI that ``weasyprint.text.ffi`` makes is touched. While WeasyPrint is imported it
is a stand-in that hands everything to the compiled FFI; once the import is done, every
WeasyPrint module holds the compiled FFI itself (cffi's own ``_cffi_backend.FFI``, as a
compiled module's ``ffi`` is), and the stand-in is gone.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import os
import sys
from collections.abc import Iterator
from typing import Any

import cffi

from .weasyprint_names import replace_in_weasyprint

#: The module whose FFI is compiled: WeasyPrint's declarations of its C libraries.
_DECLARING_MODULE = "weasyprint.text.ffi"


def _digest(source: str) -> str:
    import _cffi_backend

    key = "\0".join((source, cffi.__version__, _cffi_backend.__version__, sys.version))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _compiled(source: str) -> Any:
    """The compiled FFI of ``source``: loaded from the cache folder, or made there now;
    None where neither can be done (no cache folder, a file that will not load)."""
    from ..usercache import cache_folder

    folder = cache_folder("ffi")
    if folder is None:
        return None
    name = f"_chapbook_ffi_{_digest(source)}"
    path = folder / f"{name}.py"
    try:
        if not path.is_file():
            builder = cffi.FFI()
            builder.cdef(source)
            builder.set_source(name, None)
            partial = folder / f".{name}.{os.getpid()}.part"
            with contextlib.redirect_stdout(io.StringIO()):  # cffi says "generating ..."
                builder.emit_python_code(str(partial))
            os.replace(partial, path)  # whole or not at all: processes may start at once
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            return None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.ffi
    except Exception:  # noqa: BLE001 - parsed as WeasyPrint does, and nothing is lost
        with contextlib.suppress(OSError):
            path.unlink()  # made again by the next process
        return None


class _StandIn:
    """``cffi.FFI()`` as ``weasyprint.text.ffi`` gets it: its ``cdef`` picks the compiled FFI
    of those declarations (or a parsed one); everything else goes to that FFI."""

    def __init__(self) -> None:
        self._ffi: Any = None

    def cdef(self, source: str, **options: Any) -> None:
        if self._ffi is None and not options:
            self._ffi = _compiled(source)
            if self._ffi is not None:
                return
        self._target().cdef(source, **options)

    def dlopen(self, name: str, flags: int = 0) -> Any:
        """The library, kept loaded to the end of the process: a compiled FFI's library
        closes (``dlclose``) when its object is freed, and at the interpreter's teardown
        that came before objects whose destructors call into it (a crash on exit)."""
        target = self._target()
        if not isinstance(target, _REAL_FFI):
            flags |= target.RTLD_NODELETE
        return target.dlopen(name, flags)

    def _target(self) -> Any:
        if self._ffi is None:
            self._ffi = _REAL_FFI()
        return self._ffi

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)


_REAL_FFI = cffi.FFI


@contextlib.contextmanager
def compiled_declarations() -> Iterator[None]:
    """Import WeasyPrint inside this block for its FFI to be the compiled one."""
    made: list[_StandIn] = []

    class _FFI(_REAL_FFI):  # type: ignore[misc, valid-type]
        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1).f_globals.get("__name__")
            if args or kwargs or caller != _DECLARING_MODULE:
                return _REAL_FFI(*args, **kwargs)
            made.append(_StandIn())
            return made[-1]

    cffi.FFI = _FFI
    try:
        yield
    finally:
        cffi.FFI = _REAL_FFI
        for stand_in in made:
            _put_in_place(stand_in)


def _put_in_place(stand_in: _StandIn) -> None:
    """Give every WeasyPrint module that took ``stand_in`` the FFI it stands for."""
    ffi = stand_in._target()
    replace_in_weasyprint(lambda value: ffi if value is stand_in else value)

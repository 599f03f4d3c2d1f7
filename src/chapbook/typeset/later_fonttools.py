"""WeasyPrint imported without fontTools, which it needs only for fonts the booklet does not use.

WeasyPrint 70 imports fontTools' font tables, its subsetter and its variable-font instancer
as it is imported itself: 0.13 s of a 0.45 s import. It calls them only for a WOFF font, a
variable font, a colour or bitmap font, or where HarfBuzz's subsetter is missing; never for
the booklet's PT fonts, which HarfBuzz subsets. The layout host imports WeasyPrint before it
can fork its first worker, and the sources are read by then, so those 0.13 s were on the way
of every build; and of every process that lays out on its own.

While WeasyPrint is imported, the fontTools names it takes (``TTFont``, ``subset``, ...) are
stand-ins. The first use of any of them imports fontTools and puts the real names in their
place, in every WeasyPrint module that holds one; a layout that never needs fontTools never
imports it. ``TTLibError`` stands in as an exception class of its own: only fontTools raises
the real one, and by then it has been put in place.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import types
from collections.abc import Iterator
from typing import Any

from .weasyprint_names import replace_in_weasyprint

#: The names WeasyPrint 70 imports from fontTools, by module.
_TAKEN = {
    "fontTools": ("subset",),
    "fontTools.ttLib": ("TTFont", "TTLibError", "ttFont", "woff2"),
    "fontTools.varLib.instancer": ("instantiateVariableFont",),
}
_PACKAGES = ("fontTools", "fontTools.ttLib", "fontTools.varLib", "fontTools.varLib.instancer")


class _StandIn:
    """A fontTools function, class or module not imported yet."""

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _bring_in(self)(*args, **kwargs)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(_bring_in(self), attribute)

    def __repr__(self) -> str:
        return f"<{self.module}.{self.name}, imported at its first use>"


class _ErrorStandIn(Exception):
    """fontTools' ``TTLibError`` before fontTools is imported: no code raises this one."""


def _stand_in(module: str, name: str) -> Any:
    return _ErrorStandIn if name.endswith("Error") else _StandIn(module, name)


def _real(module: str, name: str) -> Any:
    imported = importlib.import_module(module)
    if hasattr(imported, name):
        return getattr(imported, name)
    return importlib.import_module(f"{module}.{name}")  # a submodule (woff2)


def _real_for(value: Any) -> Any:
    if isinstance(value, _StandIn):
        return _real(value.module, value.name)
    if value is _ErrorStandIn:
        return _real("fontTools.ttLib", "TTLibError")
    return value


def _bring_in(stand_in: _StandIn) -> Any:
    """Import fontTools, replace every stand-in in WeasyPrint's modules, and give the real
    object for ``stand_in``."""
    replace_in_weasyprint(_real_for)
    return _real(stand_in.module, stand_in.name)


@contextlib.contextmanager
def fonttools_deferred() -> Iterator[None]:
    """Import WeasyPrint inside this block to give it stand-ins for fontTools (nothing is
    done if fontTools is imported already, or WeasyPrint is)."""
    if any(name in sys.modules for name in (*_PACKAGES, "weasyprint")):
        yield
        return
    stubs = {name: types.ModuleType(name) for name in _PACKAGES}
    for module, names in _TAKEN.items():
        for name in names:
            setattr(stubs[module], name, _stand_in(module, name))
    sys.modules.update(stubs)
    try:
        yield
    finally:
        for name, stub in stubs.items():
            if sys.modules.get(name) is stub:
                del sys.modules[name]

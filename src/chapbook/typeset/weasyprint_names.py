"""Putting real objects in place of stand-ins in WeasyPrint's imported modules, for
:mod:`.compiled_ffi` and :mod:`.later_fonttools`, which give WeasyPrint stand-ins while it
is imported and the real objects later."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def replace_in_weasyprint(replacement: Callable[[Any], Any]) -> None:
    """Give each global of every imported WeasyPrint module ``replacement(value)`` where that
    is another object than ``value``."""
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("weasyprint"):
            names = vars(module)
            for key, value in list(names.items()):
                new = replacement(value)
                if new is not value:
                    names[key] = new

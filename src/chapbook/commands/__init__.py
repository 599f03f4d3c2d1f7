"""Commands beyond build and check, one module each.

Each module registers its command(s) on :data:`chapbook.cli.app` when imported;
:func:`register_all` imports every module of this package, so adding a command means adding
a file, not editing the CLI core.
"""

from __future__ import annotations

import importlib
import pkgutil


def register_all() -> None:
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{module}")

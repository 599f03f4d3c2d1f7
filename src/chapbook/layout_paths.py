"""Where layouts are found: the project's ``layouts/`` first, chapbook's defaults second.

Its own module because templates (render), citation styles (resolve) and the URL sandbox
(typeset) all need it, and none of them should import another stage to get it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGE_LAYOUTS = Path(str(resources.files("chapbook") / "layouts"))


def layout_dirs(book_root: Path, layout: str) -> list[Path]:
    """Where templates, CSS and citation styles are looked up, the project's first; only
    chapbook's own when the project's was refused (``layout`` empty, config.py)."""
    if not layout:
        return [PACKAGE_LAYOUTS]
    return [book_root / layout, PACKAGE_LAYOUTS]

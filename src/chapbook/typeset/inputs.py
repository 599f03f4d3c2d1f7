"""What the typesetter takes from the rendered book, and what it hands back as diagnostics.

Kept apart from WeasyPrint's own modules: a build in parts (:mod:`.parts`) prepares its
layouts in a process that never imports WeasyPrint, and the one-process typesetter
(:mod:`.pdf`) must prepare them the same way, or the two builds would differ.
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Diagnostics
from ..layout_paths import PACKAGE_LAYOUTS
from ..model import Book
from ..render.html import BookRenderer


def layout_stylesheet(renderer: BookRenderer, bleed: bool,
                      stylesheet: str = "book.css.j2") -> tuple[str, list[Path]]:
    """The print stylesheet, and the folders WeasyPrint may read besides the fonts': the
    project, the package's layouts and the booklet's layout overrides."""
    css = renderer.stylesheet(stylesheet, {"bleed": bleed})
    return css, [renderer.book.root, PACKAGE_LAYOUTS, *renderer.dirs]


def report_refused(book: Book, refused: list[tuple[str, str]],
                   diagnostics: Diagnostics) -> None:
    """Each file the sandbox refused, as an error at the line of the source that asked."""
    from ..resolve.urls import locate_url

    for url, reason in dict.fromkeys(refused):
        file, line = locate_url(book, url)
        diagnostics.error(
            file, line, f"refused to load {url}: {reason}",
            hint="keep every image, stylesheet and font inside the project folder")

"""``chapbook refs``: the formatted reference list of every entry in some .bib files.

Teachers use it to check entries against their school's style before a chapter cites
them, so it prints every entry (not only cited ones), one per paragraph.
"""

from __future__ import annotations

from pathlib import Path

from chapbook.bibliography import load_bibliography
from chapbook.bibliography.links import check_links
from chapbook.bibliography.markup import to_html, to_markdown, to_text
from chapbook.citations.processor import CitationProcessor
from chapbook.citations.style import DEFAULT_STYLE, load_style
from chapbook.diagnostics import Diagnostics

FORMATS = ("text", "html", "markdown")


def format_reference_list(paths: list[Path], style_name: str = DEFAULT_STYLE,
                          fmt: str = "text", search_dirs: list[Path] | None = None,
                          root: Path | None = None,
                          diagnostics: Diagnostics | None = None,
                          confine: bool = True) -> str:
    """Every entry of ``paths`` formatted in ``style_name``, paragraphs split by a blank line.

    ``fmt`` is "text", "html" (``<div id="ref-KEY" class="csl-entry">``) or "markdown".
    Problems with the files go to ``diagnostics`` (paths relative to ``root``), and so do
    links a booklet's build refuses (``javascript:``): with an error, nothing is returned.
    ``confine``: the files must lie inside ``root`` (a booklet's own, not the user's).
    Raises StyleError for an unknown style and ValueError for an unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
    diagnostics = diagnostics if diagnostics is not None else Diagnostics()
    root = root or Path.cwd()
    bibliography = load_bibliography(list(paths), root, diagnostics, confine=confine)
    check_links(bibliography, diagnostics)
    if diagnostics.has_errors():
        return ""
    style = load_style(style_name, search_dirs)
    processor = CitationProcessor(bibliography, style, diagnostics, link_citations=False)
    processor._assign_suffixes(bibliography.keys())  # noqa: SLF001 - same object, same module family
    items = processor.bibliography_items(bibliography.keys())
    if fmt == "html":
        return "\n".join(f'<div id="ref-{key}" class="csl-entry">{to_html(text)}</div>'
                         for key, text in items) + ("\n" if items else "")
    render = to_markdown if fmt == "markdown" else to_text
    return "\n\n".join(render(text) for _, text in items) + ("\n" if items else "")

"""The citation pass: check every cited key, then format all citations in reading order.

Formatting needs the whole document at once: a notes style shortens the second citation of
a work, and author-date styles add 1994a/1994b only when two works collide. So the pass
collects every citation of the book (chapters, answers, timeline, glossary) first and hands
them to the style engine in one call.
"""

from __future__ import annotations

from ..citations.localized import localize_style
from ..citations.plugin import attach_note_marks
from ..citations.processor import CitationProcessor, CiteInput, check_cited_keys
from ..citations.style import StyleError, available_styles, load_style, style_search_dirs
from ..citations.template import TemplateError
from ..diagnostics import Diagnostics
from ..files import project_name
from ..markdown.walk import InlineSite, inline_sites
from ..model import Book


def citation_sites(book: Book) -> list[InlineSite]:
    return [site for fragment in book.fragments() for site in inline_sites(fragment)
            if site.token.type == "citation" and not site.token.meta.get("crossref")]


def resolve_citations(book: Book, diagnostics: Diagnostics, style_name: str) -> None:
    sites = citation_sites(book)
    missing = check_cited_keys(
        [(key, site.fragment.file, site.line, site.column)
         for site in sites for key in site.token.meta["cite"].keys],
        book.bibliography, diagnostics)
    known = [site for site in sites if missing.isdisjoint(site.token.meta["cite"].keys)]

    try:
        style = localize_style(load_style(style_name,
                                          style_search_dirs(book.root, book.config.layout)),
                               book.config.language)
    except StyleError as exc:
        if exc.path is None:
            diagnostics.error("chapbook.toml", 0, f"citation style '{style_name}': {exc}",
                              hint="use a shipped style (" + ", ".join(available_styles()) +
                              ") or the name of a style file in layouts/styles/")
        else:
            shown = project_name(exc.path, book.root)
            diagnostics.error(shown, 0, str(exc).replace(f"{exc.path}: ", "", 1),
                              hint="fix the style file, or delete it to use the default")
        return
    processor = CitationProcessor(book.bibliography, style, diagnostics)
    try:
        result = processor.process(
            # A notes style gives a work's first citation in each chapter a full note, as
            # CMOS advises for a book whose chapters are read on their own (handouts).
            [CiteInput(site.token.meta["cite"], in_note=site.in_note,
                       group=site.fragment.chapter) for site in known],
            book.config.nocite)
    except (TemplateError, RecursionError, TypeError, ValueError) as exc:
        # A house style is the booklet's own code: whatever it cannot do is an error at
        # the style file, not a crash of chapbook.
        message = "a macro calls itself" if isinstance(exc, RecursionError) else str(exc)
        diagnostics.error(project_name(style.path, book.root), 0,
                          f"the citation style cannot format the citations: {message}",
                          hint="fix the style file (compare it with the default styles in "
                          "chapbook's layouts/styles/), or delete it to use the default")
        return
    for site, rendered in zip(known, result.cites, strict=True):
        html = rendered.text_html
        if rendered.note_html:
            html += f'<span class="footnote citation-note">{rendered.note_html}</span>'
        site.token.meta["html"] = f'<span class="citation">{html}</span>'
    if result.is_note_style:
        for fragment in book.fragments():
            attach_note_marks(fragment.tokens)
    book.references = result.bibliography
    book.cited_keys = result.cited_keys
    book.cited_in_notes = result.is_note_style
    book.student_cited_keys = list(dict.fromkeys(
        key for site in known if not site.teacher_only
        for key in site.token.meta["cite"].keys))


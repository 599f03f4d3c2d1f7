"""Chapter handouts: one chapter as a short PDF a teacher prints for one lesson.

A handout is the chapter with a compact header (name, class and date to fill in), its
learning objectives, its key terms with their definitions, the text, the summary, the
review questions as a worksheet and the works the chapter cites. The student edition gives
each question ruled answer space (``lines:`` in the front matter); the teacher edition
prints the model answers there instead and the chapter's teacher notes.

Nothing pads a handout: no title page, no blank left-hand pages, so a short chapter costs
few sheets. It is laid out by the booklet's :class:`~chapbook.typeset.pdf.Typesetter`
(or, for a one-off handout, by a worker of the layout host) with ``handout.css.j2`` (which
includes ``book.css.j2``), from ``handout.html.j2``.

Teacher-only content is decided here once for what the handout *lists*: the key terms and
references of the student edition come only from what a student sees (not from model
answers or ``::: teacher`` boxes), so a reference cited only in a teacher note does not
appear in the student copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diagnostics import ChapbookError, Diagnostic, Diagnostics, Severity
from .markdown.walk import inline_sites
from .model import Book, Chapter, Fragment
from .render.html import BookRenderer
from .render.markdown_html import RenderOptions

if TYPE_CHECKING:
    from .typeset.host import LayoutHost
    from .typeset.parts import WholeTypeset
    from .typeset.pdf import Typeset, Typesetter

#: Handouts go to this folder inside the output folder.
HANDOUT_DIR = "handouts"
_NUMBERED = re.compile(r"^\d+-")


# -- which chapter ------------------------------------------------------------------------------

def chapter_choices(book: Book) -> str:
    return ", ".join(
        f"{c.number} ({c.slug})" if c.number is not None else c.slug for c in book.chapters)


def find_chapter(book: Book, spec: str) -> Chapter:
    """:meth:`Book.find_chapter`, or a :class:`ChapbookError` listing the valid choices."""
    chapter = book.find_chapter(spec)
    if chapter is None:
        raise ChapbookError([Diagnostic(
            "chapters", 0, 0, Severity.ERROR, f"there is no chapter '{spec}'",
            f"give a chapter number or slug: {chapter_choices(book)}")])
    return chapter


def handout_stem(book: Book, chapter: Chapter) -> str:
    """``02-record-shift``: the chapter's file number and slug, for sorting in a folder."""
    if _NUMBERED.match(chapter.slug):
        return chapter.slug
    return f"{book.chapters.index(chapter):02d}-{chapter.slug}"


def handout_path(book: Book, chapter: Chapter, target_dir: Path, teacher: bool,
                 style: str | None = None, bleed: bool = False) -> Path:
    """``handouts/NN-slug.pdf`` and what the options changed (finish/names.py)."""
    from .finish.names import variant_suffix

    suffix = variant_suffix(book.config, teacher=teacher, style=style, bleed=bleed)
    return target_dir / HANDOUT_DIR / f"{handout_stem(book, chapter)}{suffix}.pdf"


# -- what the edition shows -------------------------------------------------------------------

def visible_citations(fragments: list[Fragment], teacher: bool) -> list[str]:
    """Bibliography keys cited in what the edition shows, in order of first citation.

    The resolve passes flag every citation inside a teacher box or a model answer
    (``teacher_only``); the student edition leaves those out.
    """
    keys: list[str] = []
    for fragment in fragments:
        for site in inline_sites(fragment):
            if site.token.type == "citation" and (teacher or not site.teacher_only):
                keys.extend(k for k in site.token.meta["cite"].keys if k not in keys)
    return keys


# -- rendering ----------------------------------------------------------------------------------

def handout_context(renderer: BookRenderer, chapter: Chapter) -> dict[str, Any]:
    """What ``handout.html.j2`` sees: the booklet's context plus this chapter's worksheet."""
    book = renderer.book
    teacher = renderer.options.teacher
    view = renderer.chapter_view(chapter)
    terms = [book.glossary[key] for key in chapter.terms_for(teacher)]
    view["key_terms"] = [{
        "key": entry.key,
        "term": renderer.term(entry.key),
        "original": entry.original,
        "original_lang": entry.original_lang,
        "translit": entry.translit,
        "definition": renderer.html(entry.definition),
    } for entry in terms]
    cited = set(visible_citations(
        [*chapter.fragments(answers=teacher), *(entry.definition for entry in terms)], teacher))
    label = chapter.label(book.words)
    return {
        "book": renderer.book_context(),
        "words": book.words,
        "chapter_label": label,
        "edition": "teacher" if teacher else "student",
        "style_name": renderer.style_name,
        "chapter": view,
        "running": f"{label}: {chapter.title}" if label else chapter.title,
        "references": [(key, html) for key, html in book.references if key in cited],
        "references_title": renderer.references_title,
    }


def render_handout(renderer: BookRenderer, chapter: Chapter) -> str:
    from . import __version__

    return renderer.render_template("handout.html.j2", {
        **handout_context(renderer, chapter), "version": __version__})


@dataclass
class HandoutMaker:
    """Renders and typesets handouts of one book in one edition; reuse it for many chapters.

    The CSS and fonts are loaded once, and each fragment's HTML is rendered once, however
    many handouts are made.
    """

    book: Book
    style: str
    teacher: bool
    bleed: bool = False
    diagnostics: Diagnostics = field(default_factory=Diagnostics)

    def __post_init__(self) -> None:
        self.renderer = BookRenderer(self.book, RenderOptions(teacher=self.teacher),
                                     self.style, self.diagnostics)
        self._typesetter: Typesetter | None = None

    @property
    def typesetter(self) -> Typesetter:
        """Made when first needed: it imports WeasyPrint, which a handout laid out by the
        layout host never needs in this process."""
        if self._typesetter is None:
            from .typeset.pdf import Typesetter

            self._typesetter = Typesetter(self.renderer, self.diagnostics, bleed=self.bleed,
                                          stylesheet="handout.css.j2")
        return self._typesetter

    def write(self, chapter: Chapter, target_dir: Path, impose: str | None = None,
              strict: bool = False, host: LayoutHost | None = None,
              sheet: str | None = None) -> list[tuple[Path, str]]:
        """Write the handout (and its imposed copy); return each file with its description.

        With a layout ``host`` the handout is laid out by one of its workers (see
        typeset/host.py); else in this process. Writes nothing when typesetting reported an
        error (or a warning, if ``strict``).
        """
        from .finish.printing import impose as impose_pdf

        before = len(self.diagnostics)
        html = render_handout(self.renderer, chapter)
        typeset: Typeset | WholeTypeset
        if host is not None:
            from .typeset.parts import typeset_whole

            typeset = typeset_whole(self.renderer, host, html, "handout.css.j2",
                                    self.diagnostics, bleed=self.bleed)
        else:
            typeset = self.typesetter.typeset_single(html)
        found = Diagnostics(self.diagnostics.items[before:])
        if found.fail(strict):
            typeset.close()
            return []
        target = handout_path(self.book, chapter, target_dir, self.teacher, self.style,
                              self.bleed)
        typeset.write(target)
        pages = typeset.page_count
        from .typeset.layout_warnings import report_layout

        layout = report_layout(self.book, typeset.faults, self.diagnostics, target)
        written = [(target, f"{pages} page{'s' * (pages != 1)}, {layout}")]
        if impose:
            written.append(impose_pdf(target, impose, sheet))
        return written

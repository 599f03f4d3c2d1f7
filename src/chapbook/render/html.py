"""Rendering the book through the Jinja2 layouts.

Templates are looked up in the project's ``layouts/`` first and in the package's defaults
second, file by file, so a booklet restyles one part (say the title page) by copying one file.
Autoescaping is on: a bibliography title containing ``<`` or ``&`` prints as text.
"""

from __future__ import annotations

import datetime
import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import __version__
from ..citations.style import Style, StyleError, load_style, style_search_dirs
from ..diagnostics import ChapbookError, Diagnostic, Diagnostics, Severity
from ..files import Refused, read_limited
from ..layout_paths import PACKAGE_LAYOUTS, layout_dirs
from ..model import Book, Chapter
from ..resolve.fonts import FAMILIES, SYMBOL_FAMILIES
from ..typography import smart_quotes
from ..words import Words, primary_language, script_of, without_accents
from .markdown_html import FragmentRenderer, RenderOptions, edition_key
from .sandbox import (
    MAX_TEMPLATE_BYTES,
    KeptTemplates,
    LayoutLoader,
    LayoutRefused,
    render_bounded,
    sandbox,
)

#: The sections of the back matter, in the order they are printed.
BACK_SECTIONS = ("glossary", "references")

#: Page geometry per paper size. The text block is about 125 mm on A4 and Letter (66-72
#: characters of 11 pt PT Serif a line) and 104 mm on A5 (10 pt): a reading measure, not the
#: paper's width less a margin. What is left goes mostly to the outer margin, which a student
#: writes notes in and which keeps the text clear of the thumb; the inner (binding) margin is
#: narrower than the outer but wide enough for a stapled or glued spine. A handout has no
#: spine: it centres the same text block (``handout_side`` each side). See layouts/README.md.
GEOMETRY: dict[str, dict[str, str]] = {
    "a4": {"size": "A4", "top": "22mm", "bottom": "26mm", "inner": "30mm", "outer": "55mm",
           "handout_side": "42mm", "font_size": "11pt"},
    "letter": {"size": "letter", "top": "20mm", "bottom": "24mm", "inner": "30mm",
               "outer": "61mm", "handout_side": "45mm", "font_size": "11pt"},
    "a5": {"size": "A5", "top": "16mm", "bottom": "19mm", "inner": "18mm", "outer": "26mm",
           "handout_side": "20mm", "font_size": "10pt"},
}


def template_environment(dirs: list[Path]) -> jinja2.Environment:
    """One environment per search path for the whole process, so each template is compiled
    once (compiling the layouts is a large part of ``chapbook check``); the loader still
    notices a template edited since (the watcher relies on that)."""
    return _environment(tuple(str(d) for d in dirs))


#: The environment's settings: compiled templates are kept per settings (and per chapbook
#: and Jinja2 version, which Jinja2 itself checks), since a template compiled with other
#: settings would render differently.
_SETTINGS: dict[str, Any] = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True,
                             "keep_trailing_newline": True}


@functools.lru_cache(maxsize=16)
def _environment(dirs: tuple[str, ...]) -> jinja2.Environment:
    """The layouts render in a sandbox (sandbox.py): they come with the booklet."""
    environment = sandbox(LayoutLoader(list(dirs)), _compiled_templates(), **_SETTINGS)
    environment.filters["nowidow"] = no_lone_last_word
    return environment


def no_lone_last_word(text: str) -> Markup | str:
    """``text`` with its last two words kept on one line, so that a title set large never
    ends with one word alone on its last line ("Stalin's Soviet / Union", "“Wreckers” and the
    / Terror"). They go in a ``nowrap`` span rather than round a no-break space, which the
    PDF's bookmarks and an EPUB's contents would keep. A title of three words or fewer is
    left alone: "The / Stakhanovite Movement" is worse than "The Stakhanovite / Movement"."""
    head, _, last = str(text).rpartition(" ")
    if len(str(text).split()) < 4 or len(last) > 12:
        return str(text)
    before, _, previous = head.rpartition(" ")
    # the space before them starts an inline element, as typeset/early_breaks.py wants it
    return Markup('{}<span class="title-end"> <span class="last-words">{} {}</span></span>'
                  ).format(before, previous, last)


def _compiled_templates() -> jinja2.BytecodeCache | None:
    """Jinja2's own cache of compiled templates, in chapbook's cache folder.

    Compiling the layouts is a large part of a fresh ``chapbook check``; loading them
    compiled is not. Jinja2 keys each entry by the template's path and the
    checksum of its source, so an edited layout is compiled again.
    """
    import hashlib

    from ..usercache import cache_folder

    settings = hashlib.sha256(repr(sorted(_SETTINGS.items())).encode()).hexdigest()[:12]
    folder = cache_folder(f"templates-sandboxed-{settings}")
    return KeptTemplates(str(folder)) if folder else None


def template_error(exc: Exception, dirs: list[Path], root: Path) -> ChapbookError:
    """A layout mistake as a diagnostic at the template's file and line, not a traceback."""
    name = getattr(exc, "filename", None)
    line = getattr(exc, "lineno", 0) or 0
    if not (name and line) and not isinstance(exc, LayoutRefused):
        # A runtime error (an undefined name, a missing include) carries no position, but
        # Jinja2 rewrites the traceback so that its frames are the templates' own lines.
        name, line = _template_frame(exc, dirs) or (None, 0)
    name = name or getattr(exc, "name", None) or "layout"
    shown = str(name)
    for base in (root, *dirs):
        try:
            # as written, not resolved: a template may be a link (refused, if it leads out)
            shown = Path(os.path.normpath(Path(str(name)).absolute())).relative_to(
                Path(os.path.normpath(base.absolute()))).as_posix()
            if base != root:
                shown = f"{base.name}/{shown}" if base == dirs[-1] else shown
            break
        except ValueError:
            continue
    message = getattr(exc, "message", None) or str(exc)
    hint = "fix the template, or delete your copy to use the default layout"
    if isinstance(exc, LayoutRefused):
        hint = "keep the layouts inside the booklet's folder, as files, not links"
    elif isinstance(exc, jinja2.UndefinedError):
        hint = "the template uses a name chapbook does not provide; check its spelling"
    return ChapbookError([Diagnostic(shown, line, 0, Severity.ERROR,
                                     f"layout error: {message}", hint)])


def _template_frame(exc: Exception, dirs: list[Path]) -> tuple[str, int] | None:
    """The innermost traceback frame that is a line of a layout template, as (file, line)."""
    roots = [d.resolve() for d in dirs]
    found = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            path = Path(filename).resolve()
            if any(path.is_relative_to(r) for r in roots):
                found = (str(path), tb.tb_lineno)
        tb = tb.tb_next
    return found


def display_date(value: str, language: str) -> str:
    """'2026-11-23' as a reader of ``language`` writes it ('23 November 2026', '23. November
    2026', '23 novembre 2026'), from the CSL locale's long date; other text as written."""
    try:
        parsed = datetime.date.fromisoformat(value)
    except ValueError:
        return value
    if language.split("-")[0] == "en":  # the booklet's own English form, not CSL's US one
        return f"{parsed.day} {parsed.strftime('%B')} {parsed.year}"
    from ..citations.locale import csl_locale

    return csl_locale(language).long_date(parsed.year, parsed.month, parsed.day)


def css_content(text: str, **counters: str) -> Markup:
    """A word as the value of a CSS ``content`` property, its ``{name}`` slots replaced by
    CSS counters: "Seite {n} von {total}" -> ``"Seite " counter(page) " von " counter(pages)``.
    Marked safe: HTML-escaping would turn its quotation marks into ``&#34;``."""
    import re

    parts = []
    for piece in re.split(r"(\{\w+\})", text):
        name = piece[1:-1] if piece.startswith("{") and piece.endswith("}") else ""
        if name in counters:
            parts.append(counters[name])
        elif piece:
            escaped = piece.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
            parts.append(f'"{escaped}"')
    return Markup(" ".join(parts) or '""')


def join_words(items: list[str], language: str) -> str:
    """"A, B and C" with the "and" of ``language`` from its CSL locale."""
    if len(items) < 2:
        return "".join(items)
    from ..citations.locale import LocaleError, csl_locale

    try:
        and_word = csl_locale(language).term("and") or "and"
    except LocaleError:
        and_word = "and"
    return ", ".join(items[:-1]) + f" {and_word} " + items[-1]


def glossary_explanation(entries: list[Any], words: Words) -> str:
    """What the glossary's forms are, said from what it holds: "Russian words are given in
    Cyrillic with a transliteration." for the Stakhanovite booklet, nothing for a glossary
    with no original forms."""
    languages: dict[str, None] = {}
    scripts: dict[str, None] = {}
    translit = True
    for entry in entries:
        if not entry.original:
            continue
        if entry.original_lang:
            languages[primary_language(entry.original_lang)] = None
        scripts[script_of(entry.original) or "latin"] = None
        translit = translit and bool(entry.translit)
    if not languages:
        return ""
    joined = join_words([words.get(f"lang_{code}", code) for code in languages], words.language)
    if translit and len(scripts) == 1 and "latin" not in scripts:
        script = words.get(f"script_{next(iter(scripts))}", words["script_other"])
        text = words.fill("glossary_original_translit", languages=joined, script=script)
    else:
        text = words.fill("glossary_original", languages=joined)
    return text[:1].upper() + text[1:]


def sort_key(text: str) -> str:
    """Alphabetical order ignoring case and diacritics, as a reader looks a term up."""
    return without_accents(text.casefold()).lstrip("'\"‘“«")


@dataclass
class Page:
    """A page reference in the glossary: the number printed and the anchor it links to."""

    number: int
    id: str


class BookRenderer:
    """Renders a resolved :class:`Book` into HTML documents for one edition and medium."""

    def __init__(self, book: Book, options: RenderOptions, style_name: str,
                 diagnostics: Diagnostics | None = None,
                 shared_html: dict[tuple[int, bool | None, str | None], str] | None = None):
        """``shared_html``: the HTML of fragments, by what of the edition and medium each
        depends on (:func:`edition_key`), shared by several renderers of one book (a check
        renders three)."""
        self.book = book
        self.options = options
        self.style_name = style_name
        self.dirs = layout_dirs(book.root, book.config.layout)
        self.env = template_environment(self.dirs)
        self.words = book.words
        self.fragments = FragmentRenderer(book.config.language, options, self.words)
        self.diagnostics = diagnostics or Diagnostics()
        self._html_cache: dict[int, str] = {}
        self._shared_html = shared_html

    # -- fragments ---------------------------------------------------------------------------

    def html(self, fragment: Any) -> str:
        if fragment is None:
            return ""
        key = id(fragment)
        html = self._html_cache.get(key)
        if html is None:
            shared = self._shared_html
            if shared is None:
                html = self.fragments.render(fragment)
            else:
                shared_key = (key, *edition_key(fragment, self.options))
                html = shared.get(shared_key)
                if html is None:
                    html = shared[shared_key] = self.fragments.render(fragment)
            self._html_cache[key] = html
        return html

    def chapter_view(self, chapter: Chapter) -> dict[str, Any]:
        return {
            "id": chapter.id,
            "number": chapter.number,
            "title": chapter.title,
            "short_title": chapter.short_title,
            "subtitle": chapter.subtitle,
            "slug": chapter.slug,
            "objectives": [self.html(o) for o in chapter.objectives],
            "key_terms": [{"key": k, "term": self.term(k)}
                          for k in chapter.terms_for(self.options.teacher)],
            "body": self.html(chapter.body),
            "summary": self.html(chapter.summary),
            "questions": [
                {"text": self.html(q.text), "answer": self.html(q.answer), "lines": q.lines,
                 "options": [self.html(o) for o in q.options], "correct": q.correct,
                 "booklet_lines": q.booklet_lines or 0}
                for q in chapter.questions
            ],
        }

    def term(self, key: str) -> str:
        """A glossary headword as printed: with curly quotes, as its definition has."""
        return smart_quotes(self.book.glossary[key].term, self.book.config.language)

    def glossary_view(self, pages: dict[str, int]) -> list[dict[str, Any]]:
        entries = sorted(self.book.glossary.values(), key=lambda e: sort_key(e.term))
        view = []
        for entry in entries:
            numbers: dict[int, Page] = {}
            for use in entry.uses:
                if use.teacher_only and not self.options.teacher:
                    continue
                number = pages.get(use.id)
                if number is not None and number not in numbers:
                    numbers[number] = Page(number, use.id)
            letter = sort_key(entry.term)[:1].upper() or "#"
            view.append({
                "key": entry.key,
                "term": self.term(entry.key),
                "original": entry.original,
                "original_lang": entry.original_lang,
                "translit": entry.translit,
                "letter": letter if letter.isalpha() else "#",
                "definition": self.html(entry.definition),
                "see": [{"key": k, "term": self.term(k)} for k in entry.see],
                "pages": [numbers[n] for n in sorted(numbers)],
            })
        return view

    def toc(self, pages: dict[str, int], placeholder: bool) -> list[dict[str, Any]]:
        entries = []

        def page(ident: str) -> str:
            if placeholder:
                return "000"
            number = pages.get(ident)
            return str(number) if number is not None else ""

        for chapter in self.book.chapters:
            entries.append({"id": chapter.id, "level": 1, "label": chapter.number or "",
                            "title": chapter.title, "page": page(chapter.id)})
            for heading in chapter.headings:
                if heading.level == 2:
                    entries.append({"id": heading.id, "level": 2, "label": "",
                                    "title": heading.text, "page": page(heading.id)})
        for ident, title, present in self._back_sections():
            if present:
                entries.append({"id": ident, "level": 1, "label": "", "title": title,
                                "page": page(ident)})
        return entries

    def _back_sections(self) -> list[tuple[str, str, bool]]:
        return [
            ("timeline", self.words["timeline"], bool(self.book.timeline)),
            ("glossary", self.words["glossary"], bool(self.book.glossary)),
            ("references", self.references_title,
             bool(self.book.references_for(self.options.teacher))),
        ]

    @property
    def references_title(self) -> str:
        """The list's heading: the locale's word the style file names
        (``reference_word``), else the style file's own heading ("Reference list")."""
        style = self._style()
        fallback = style.reference_title if style else "References"
        key = str(style.option("reference_word", "")) if style else "references"
        return self.words.get(key, fallback) if key else fallback

    def list_label(self, items: list[str]) -> str:
        """"A, B and C" with the booklet language's "and" (the CSL locale's term)."""
        return join_words(items, self.words.language)

    @property
    def style_label(self) -> str:
        """The style in a sentence: the locale's words for it, else the style file's."""
        style = self._style()
        return self.words.get("style_" + self.style_name.replace("-", "_"),
                              (style.label if style else "") or self.style_name)

    def _style(self) -> Style | None:
        """The style file, for its heading and its name in a sentence; None when it cannot
        be read (the citation pass has reported that already)."""
        try:
            return load_style(self.style_name,
                              style_search_dirs(self.book.root, self.book.config.layout))
        except StyleError:
            return None

    # -- documents -----------------------------------------------------------------------------

    def book_context(self) -> dict[str, Any]:
        config = self.book.config
        return {
            "title": smart_quotes(config.title, config.language),
            "subtitle": smart_quotes(config.subtitle, config.language),
            "authors": config.authors,
            "edition": config.edition,
            "date": config.date,
            "date_display": display_date(config.date, config.language),
            "language": config.language,
            "description": config.description,
            "keywords": config.keywords,
            "publisher": config.publisher,
            "rights": config.rights,
        }

    def render_document(self, parts: tuple[str, ...], *, pages: dict[str, int] | None = None,
                        placeholder_toc: bool = False, screen_css: str = "",
                        chapters: list[Chapter] | None = None, timeline: bool = True,
                        back: tuple[str, ...] = BACK_SECTIONS) -> str:
        """One HTML document holding ``parts`` (front, body, back) of the book.

        ``chapters`` and ``timeline`` narrow the body, and ``back`` the back matter (to the
        glossary, or the references), so that the typesetter can lay each run of chapters
        and each back section out as a document of its own.
        """
        pages = pages or {}
        body_chapters = self.book.chapters if chapters is None else chapters
        context = {
            "book": self.book_context(),
            "version": __version__,
            "edition": "teacher" if self.options.teacher else "student",
            "medium": self.options.medium,
            "style_name": self.style_name,
            "style_label": self.style_label,
            "fonts_label": self.list_label(
                [*FAMILIES, *(SYMBOL_FAMILIES if self.book.symbol_font_used else ())]),
            "words": self.words,
            "glossary_explanation": glossary_explanation(list(self.book.glossary.values()),
                                                         self.words)
            if "back" in parts else "",
            "parts": parts,
            "toc": self.toc(pages, placeholder_toc) if "front" in parts else [],
            "chapters": [self.chapter_view(c) for c in body_chapters]
            if "body" in parts else [],
            "timeline": [{"date": e.date, "html": self.html(e.event)}
                         for e in self.book.timeline] if "body" in parts and timeline else [],
            "glossary": self.glossary_view(pages)
            if "back" in parts and "glossary" in back else [],
            "references": self.book.references_for(self.options.teacher)
            if "back" in parts and "references" in back else [],
            "references_title": self.references_title,
            "screen_css": screen_css,
        }
        return self.render_template("document.html.j2", context)

    def own_layout(self, name: str) -> bool:
        """Whether the template ``name`` is chapbook's own, not one of the project's
        layouts (which may put more than the glossary and references in the back matter)."""
        return not (self.dirs[0] != PACKAGE_LAYOUTS and (self.dirs[0] / name).is_file())

    def render_template(self, name: str, context: dict[str, Any]) -> str:
        try:
            return render_bounded(self.env.get_template(name), context)
        except jinja2.TemplateError as exc:
            raise template_error(exc, self.dirs, self.book.root) from None

    def extra_css(self) -> str:
        """The project's layouts/extra.css, or nothing; read under the project's limits."""
        extra = self.dirs[0] / "extra.css"
        if not os.path.lexists(extra):
            return ""
        try:
            return read_limited(extra, MAX_TEMPLATE_BYTES, self.dirs[0]).decode(
                "utf-8", errors="replace")
        except (Refused, OSError) as exc:
            raise template_error(LayoutRefused(f"the stylesheet is refused: {exc}",
                                               str(extra)), self.dirs,
                                 self.book.root) from None

    def stylesheet(self, name: str, context: dict[str, Any], extra: bool = True) -> str:
        """A CSS file of the layout, itself a template, plus the project's extra.css
        (unless ``extra`` is false)."""
        css = self.render_template(name, {
            "book": self.book_context(),
            "geometry": GEOMETRY[self.book.config.paper],
            "edition": "teacher" if self.options.teacher else "student",
            "bleed": False,
            "chapters_open": self.book.config.chapter_opening,
            "words": self.words,
            "teacher_edition_css": css_content(self.words["teacher_edition"]),
            "continued_css": css_content(self.words["continued_label"]),
            "page_of_css": css_content(self.words["page_of"], n="counter(page)",
                                       total="counter(pages)"),
            **context,
        })
        if extra:
            extra_text = self.extra_css()
            if extra_text:
                css += "\n" + extra_text
        return css

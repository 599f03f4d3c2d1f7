"""The booklet's review questions as quiz items, for a learning platform.

A quiz format (finish/quiz_*.py) needs each question's text, its options and its model
answer as small, well-formed XHTML: learning platforms accept a narrow set of tags, and QTI's
schema a fixed subset of XHTML. So each fragment is rendered as in the screen edition and then
reduced here to that subset: emphasis, sub- and superscripts, quotations, lists and
paragraphs are kept; links into the booklet (citations, glossary terms) keep their text only;
a note (Chicago notes style) is kept in brackets where its mark was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from ..model import Book, Chapter
from .html import BookRenderer

#: Tags kept, by what each becomes (all in QTI 2.1's XHTML subset and Moodle's HTML).
_KEPT = {"p": "p", "br": "br", "em": "em", "i": "em", "strong": "strong", "b": "strong",
         "sub": "sub", "sup": "sup", "q": "q", "cite": "cite", "code": "code", "ul": "ul",
         "ol": "ol", "li": "li", "blockquote": "blockquote"}
_VOID = {"br"}
_BLOCK = {"p", "ul", "ol", "blockquote", "div", "li"}


@dataclass
class QuizItem:
    """One review question of the booklet, in the words a platform imports."""

    ident: str
    #: A short name for the platform's question bank: chapter and question number.
    name: str
    text: str
    #: The answer lines the booklet gives, passed to the platform as the expected length.
    lines: int
    options: list[str] = field(default_factory=list)
    #: 0-based index of the right option, if known.
    correct: int | None = None
    #: The model answer as XHTML; empty unless a teacher edition was asked for.
    feedback: str = ""


@dataclass
class QuizChapter:
    ident: str
    title: str
    items: list[QuizItem]


class _Reducer(HTMLParser):
    """HTML to the kept subset, as XHTML; a footnote becomes bracketed text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "span" and "footnote" in classes:
            self.out.append(" [")
            self.stack.append("]")
            return
        if tag in ("sup", "a") and ("footnote-ref" in classes or "fn-ref" in classes):
            self.stack.append("\0skip")
            return
        kept = _KEPT.get(tag)
        if kept in _VOID:
            self.out.append(f"<{kept}/>")
            return
        self.stack.append(kept)
        if kept:
            self.out.append(f"<{kept}>")

    def handle_endtag(self, tag: str) -> None:
        if _KEPT.get(tag) in _VOID or not self.stack:
            return
        kept = self.stack.pop()
        if kept == "]":
            self.out.append("]")
        elif kept and kept != "\0skip":
            self.out.append(f"</{kept}>")

    def handle_data(self, data: str) -> None:
        if "\0skip" in self.stack:
            return
        self.out.append(escape(data, quote=False))


def reduced_html(html: str) -> str:
    """``html`` with only the tags of ``_KEPT``, well-formed, whitespace runs collapsed."""
    reducer = _Reducer()
    reducer.feed(html)
    reducer.close()
    text = "".join(reducer.out)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s*(</?(?:p|ul|ol|li|blockquote)>)\s*", r"\1", text)
    return text.strip()


def as_block(html: str) -> str:
    """Inline text wrapped in a paragraph; text that already has blocks as it is."""
    if re.match(r"<(?:p|ul|ol|blockquote)>", html):
        return html
    return f"<p>{html}</p>"


def plain_text(html: str) -> str:
    """The text of reduced HTML without its tags, for names and titles."""
    import html as html_module

    return html_module.unescape(re.sub(r"<[^>]+>", "", html)).strip()


def quiz_chapters(book: Book, renderer: BookRenderer) -> list[QuizChapter]:
    """Every chapter that has review questions, with its questions as quiz items; model
    answers only if ``renderer`` renders the teacher edition."""
    return [QuizChapter(_ident(chapter), _title(chapter), _items(chapter, renderer))
            for chapter in book.chapters if chapter.questions]


def _title(chapter: Chapter) -> str:
    return f"{chapter.number}. {chapter.title}" if chapter.number is not None else chapter.title


def _ident(chapter: Chapter) -> str:
    """An identifier valid in XML (NCName) and in QTI: letters, digits, '-', '_'."""
    return "ch-" + re.sub(r"[^\w-]", "_", chapter.slug, flags=re.ASCII)


def _items(chapter: Chapter, renderer: BookRenderer) -> list[QuizItem]:
    items = []
    words = renderer.words  # "Ch. 2, Q1", "Kap. 2, F1"
    prefix = (words.label("chapter_abbr", chapter.number) if chapter.number is not None
              else chapter.short_title)
    for n, question in enumerate(chapter.questions, start=1):
        text = reduced_html(renderer.html(question.text))
        feedback = ""
        if renderer.options.teacher and question.answer is not None:
            feedback = as_block(reduced_html(renderer.html(question.answer)))
        items.append(QuizItem(
            ident=f"{_ident(chapter)}-q{n}",
            name=f"{prefix}, {words.label('question_abbr', n)}: {_shortened(plain_text(text))}",
            text=text,
            lines=question.lines,
            options=[reduced_html(renderer.html(o)) for o in question.options],
            correct=question.correct - 1 if question.correct else None,
            feedback=feedback,
        ))
    return items


def _shortened(text: str, limit: int = 60) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"

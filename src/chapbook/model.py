"""The book model: what the loaders produce and the resolve passes complete.

Every piece of Markdown, wherever it was written (a chapter body, a learning objective, a
model answer, a glossary definition, a timeline event), is a :class:`Fragment` that knows its
file and first line. The resolve passes walk all fragments in reading order, so a citation in a
model answer is numbered, checked and reported exactly like one in the running text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markdown_it.token import Token

from .config import Config
from .words import Words, words_for

if TYPE_CHECKING:
    from .bibliography import Bibliography


@dataclass
class Fragment:
    """A piece of Markdown and where it came from.

    ``line`` is the 1-based line in ``file`` where the text starts; token maps are counted
    from the start of ``text`` and shifted by it when a diagnostic is made.
    """

    file: str
    line: int
    text: str
    inline: bool = False
    tokens: list[Token] = field(default_factory=list)
    env: dict[str, Any] = field(default_factory=dict)
    html: str = ""
    #: The chapter the fragment belongs to, for per-chapter rules ("first use of a term").
    chapter: str = ""
    #: Printed only in the teacher edition (a model answer).
    teacher_only: bool = False
    #: ``tokens`` and their inline sites in reading order (markdown/walk.py): found once
    #: for the six passes that walk them, and again only if the tokens are parsed anew.
    walked: tuple[list[Token], list[Any]] | None = field(default=None, repr=False,
                                                          compare=False)


@dataclass
class Question:
    """A review question; the answer is printed only in the teacher edition."""

    text: Fragment
    answer: Fragment | None
    lines: int
    line: int
    #: Listed choices (``options:``): a multiple-choice question, in the booklet and in a
    #: quiz for a learning platform (render/quiz.py).
    options: list[Fragment] = field(default_factory=list)
    #: The 1-based number of the right option, if the question has options and says.
    correct: int | None = None
    #: Ruled lines under the question in the booklet itself (``booklet_lines:``, or every
    #: question's ``lines`` when chapbook.toml sets ``booklet_answer_lines``); None: none.
    booklet_lines: int | None = None


@dataclass
class Heading:
    level: int
    text: str
    id: str


@dataclass
class Chapter:
    path: Path
    rel: str
    slug: str
    number: int | None
    title: str
    short_title: str
    subtitle: str
    objectives: list[Fragment]
    summary: Fragment | None
    questions: list[Question]
    body: Fragment
    headings: list[Heading] = field(default_factory=list)
    #: Glossary keys the chapter marks, in order of first use: its "key terms".
    key_terms: list[str] = field(default_factory=list)
    #: The same, counting only marks the student edition prints.
    student_key_terms: list[str] = field(default_factory=list)

    def terms_for(self, teacher: bool) -> list[str]:
        return self.key_terms if teacher else self.student_key_terms

    @property
    def id(self) -> str:
        return f"ch-{self.slug}"

    def label(self, words: Words) -> str:
        """"Chapter 3" in the booklet's language; '' for an unnumbered chapter."""
        return words.label("chapter_label", self.number) if self.number is not None else ""

    def fragments(self, answers: bool = True) -> list[Fragment]:
        """The chapter's Markdown in the order a reader meets it on the page; without the
        model answers for what a student's copy shows."""
        parts = [*self.objectives, self.body]
        if self.summary:
            parts.append(self.summary)
        for question in self.questions:
            parts.append(question.text)
            parts.extend(question.options)
            if answers and question.answer:
                parts.append(question.answer)
        return parts


@dataclass
class TermUse:
    """One marked use of a glossary term in the text; ``id`` is its anchor in the HTML."""

    key: str
    id: str
    chapter: str
    first_in_chapter: bool
    teacher_only: bool = False


@dataclass
class GlossaryEntry:
    key: str
    term: str
    definition: Fragment
    #: The term in its original language and script (``original:``, or ``russian:`` as
    #: booklets wrote it before), the language's tag (``original_lang:``), and a
    #: transliteration.
    original: str = ""
    original_lang: str = ""
    translit: str = ""
    forms: list[str] = field(default_factory=list)
    see: list[str] = field(default_factory=list)
    file: str = ""
    line: int = 0
    uses: list[TermUse] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"gloss-{self.key}"


@dataclass
class TimelineEvent:
    date: str
    event: Fragment


@dataclass
class Book:
    config: Config
    chapters: list[Chapter]
    glossary: dict[str, GlossaryEntry]
    timeline: list[TimelineEvent]
    bibliography: Bibliography
    #: Set by the citation pass: bibliography entries as (key, html), in the style's order.
    references: list[tuple[str, str]] = field(default_factory=list)
    #: Set by the citation pass: the keys cited somewhere, in order of first citation.
    cited_keys: list[str] = field(default_factory=list)
    #: The keys cited in what the student edition prints (not only in answers or teacher
    #: boxes): its reference list leaves the others out.
    student_cited_keys: list[str] = field(default_factory=list)
    #: Set by the citation pass: whether citations print as notes (their titles are then
    #: text set, and hyphenated, in the cited work's language).
    cited_in_notes: bool = False
    #: Set by the glyph pass: whether the text needs the symbol font (Greek, arrows, maths
    #: signs the text fonts lack), which the imprint then names with them.
    symbol_font_used: bool = False

    def references_for(self, teacher: bool) -> list[tuple[str, str]]:
        if teacher or "*" in self.config.nocite:
            return self.references
        shown = {*self.student_cited_keys, *self.config.nocite}
        return [(key, html) for key, html in self.references if key in shown]
    #: Set by the typesetter after layout: element id -> printed page number.
    pages: dict[str, int] = field(default_factory=dict)
    #: Source files that could not be read (a chapter whose front matter is not YAML, an
    #: unreadable glossary), already reported as errors. What they hold is missing from
    #: the book, so whole-book judgements ("never cited", "never marked", "not in the
    #: glossary") would follow from that error rather than from the sources: they are
    #: not made.
    unread: list[str] = field(default_factory=list)

    @property
    def root(self) -> Path:
        return self.config.root

    @property
    def words(self) -> Words:
        """The fixed words the booklet prints, in its language (chapbook/words.py)."""
        return words_for(self.config.language, self.config.words)

    def find_chapter(self, spec: str) -> Chapter | None:
        """The chapter a writer or teacher names: its number (``2``), the number of its file
        (``02``, for an unnumbered introduction) or its slug, with or without the number
        (``02-record-shift``, ``record-shift``)."""
        wanted = spec.strip().removesuffix(".md").casefold()
        if wanted.isdigit():
            number = int(wanted)
            for chapter in self.chapters:
                if chapter.number == number:
                    return chapter
            for chapter in self.chapters:
                prefix = chapter.path.name.split("-", 1)[0]
                if prefix.isdigit() and int(prefix) == number:
                    return chapter
            return None
        for chapter in self.chapters:
            slug = chapter.slug.casefold()
            if wanted in (slug, slug.split("-", 1)[-1] if slug[:1].isdigit() else slug):
                return chapter
        return None

    def fragments(self) -> list[Fragment]:
        """All Markdown in reading order: chapters, timeline, then glossary definitions."""
        parts: list[Fragment] = []
        for chapter in self.chapters:
            parts.extend(chapter.fragments())
        parts.extend(event.event for event in self.timeline)
        parts.extend(entry.definition for entry in self.glossary.values())
        return parts

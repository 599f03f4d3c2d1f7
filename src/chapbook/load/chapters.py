"""Chapters: ``chapters/NN-slug.md`` files, YAML front matter, then Markdown.

The front matter holds the structured parts of a study chapter (objectives, summary, review
questions with model answers) so that templates can place them, handouts can reuse them and
the student edition can leave the answers out, without parsing prose for them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..config import Config
from ..diagnostics import Diagnostics, with_suggestion
from ..model import Chapter, Fragment, Question
from ..typography import smart_quotes
from .text import read_source
from .yamlfile import YamlDoc, load_yaml

FRONT_MATTER_KEYS = (
    "title", "short_title", "subtitle", "objectives", "summary", "questions", "numbered",
)
QUESTION_KEYS = ("q", "answer", "lines", "booklet_lines", "options", "correct")
CHAPTER_NAME = re.compile(r"^(?P<num>\d+)-(?P<slug>[\w-]+)\.md$")
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)

#: Ruled answer lines a worksheet gives a question that does not say.
DEFAULT_ANSWER_LINES = 4


def chapter_files(config: Config, diagnostics: Diagnostics) -> list[tuple[Path, str]]:
    """The chapter files in reading order, as (path, project-relative name)."""
    root = config.root
    if config.chapters:
        found = []
        for name in config.chapters:
            path = root / name
            if not (path.exists() or path.is_symlink()):
                diagnostics.error("chapbook.toml", 0, f"chapter file '{name}' does not exist",
                                  hint="fix the name in 'chapters', or remove it")
                continue
            found.append((path, name))
        return found
    folder = root / "chapters"
    paths = sorted(p for p in folder.glob("*.md") if CHAPTER_NAME.match(p.name)
                   and not p.is_dir())
    if not paths:
        diagnostics.error("chapters", 0, "no chapters found",
                          hint="add a chapter with 'chapbook new chapter \"Title\"'")
    return [(p, p.relative_to(root).as_posix()) for p in paths]


def split_front_matter(text: str) -> tuple[str, int, int] | None:
    """The front-matter text, its first line (1-based) and the line after the closing fence.

    Only a ``---`` fence on the very first line opens front matter, as in pandoc and Jekyll.
    """
    if not text.startswith("---"):
        return None
    first_line_end = text.find("\n")
    if first_line_end < 0 or text[:first_line_end].rstrip() != "---":
        return None
    closing = _FENCE.search(text, first_line_end + 1)
    if closing is None:
        return None
    yaml_text = text[first_line_end + 1:closing.start()]
    end_line = text.count("\n", 0, closing.start()) + 2
    return yaml_text, 2, end_line


def load_chapter(path: Path, rel: str, number: int | None, diagnostics: Diagnostics,
                 root: Path, booklet_answer_lines: bool = False) -> Chapter | None:
    text = read_source(path, rel, diagnostics, root)
    if text is None:
        return None
    match = CHAPTER_NAME.match(path.name)
    slug = match.group("slug") if match else path.stem
    if match:
        slug = f"{match.group('num')}-{slug}"

    split = split_front_matter(text)
    if split is None:
        if text.startswith("---"):
            diagnostics.error(rel, 1, "the front matter is not closed",
                              hint="end the front matter with a line '---'")
        else:
            diagnostics.error(rel, 1, "the chapter has no front matter",
                              hint="start the file with '---', 'title: Your title', '---'")
        return None
    yaml_text, yaml_line, body_line = split
    doc = load_yaml(yaml_text, rel, diagnostics, line_offset=yaml_line - 1)
    if doc is None:
        return None
    meta = doc.data if doc.data is not None else {}
    if not isinstance(meta, dict):
        diagnostics.error(rel, yaml_line, "the front matter must be a set of 'key: value' lines")
        return None
    for key in meta:
        if key not in FRONT_MATTER_KEYS:
            diagnostics.error(
                rel, doc.line(key),
                with_suggestion(f"unknown front-matter key '{key}'", str(key), FRONT_MATTER_KEYS),
                hint="valid keys: " + ", ".join(FRONT_MATTER_KEYS),
            )

    title = _string(meta, doc, "title", rel, diagnostics)
    if not title:
        diagnostics.error(rel, doc.line("title") or yaml_line, "the chapter has no title",
                          hint="add 'title: ...' to the front matter")
        title = slug
    numbered = meta.get("numbered", True)
    if not isinstance(numbered, bool):
        diagnostics.error(rel, doc.line("numbered"), "'numbered' must be true or false")
        numbered = True

    body_text = text
    if not text[_offset_of_line(text, body_line):].strip():
        diagnostics.warning(rel, body_line, "the chapter has no text after its front matter")
    body = Fragment(rel, 1, body_text, chapter=slug)
    summary_text = _string(meta, doc, "summary", rel, diagnostics)
    return Chapter(
        path=path,
        rel=rel,
        slug=slug,
        number=number if numbered else None,
        title=title,
        short_title=_string(meta, doc, "short_title", rel, diagnostics) or title,
        subtitle=_string(meta, doc, "subtitle", rel, diagnostics),
        objectives=[
            Fragment(rel, doc.line("objectives", i), item, inline=True, chapter=slug)
            for i, item in enumerate(_string_list(meta, doc, "objectives", rel, diagnostics))
        ],
        summary=Fragment(rel, doc.line("summary"), summary_text, chapter=slug)
        if summary_text else None,
        questions=_questions(meta, doc, rel, slug, diagnostics, booklet_answer_lines),
        body=body,
    )


def _offset_of_line(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return len(text)
    return offset


def _string(meta: dict[str, Any], doc: YamlDoc, key: str, rel: str,
            diagnostics: Diagnostics) -> str:
    value = meta.get(key)
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    diagnostics.error(rel, doc.line(key), f"'{key}' must be text")
    return ""


def _string_list(meta: dict[str, Any], doc: YamlDoc, key: str, rel: str,
                 diagnostics: Diagnostics) -> list[str]:
    value = meta.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v).strip() for v in value]
    diagnostics.error(rel, doc.line(key), f"'{key}' must be a list of text items",
                      hint=f"write each item on its own line starting with '- ' under '{key}:'")
    return []


def _questions(meta: dict[str, Any], doc: YamlDoc, rel: str, slug: str,
               diagnostics: Diagnostics, booklet_answer_lines: bool = False) -> list[Question]:
    value = meta.get("questions")
    if value is None:
        return []
    if not isinstance(value, list):
        diagnostics.error(rel, doc.line("questions"), "'questions' must be a list",
                          hint="write each question as '- q: ...' with 'answer: ...' below it")
        return []
    questions = []
    for i, item in enumerate(value):
        line = doc.line("questions", i)
        if isinstance(item, str):
            item = {"q": item}
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            diagnostics.error(rel, line, "a review question needs 'q: the question'",
                              hint="write '- q: ...' and, for the teacher edition, 'answer: ...'")
            continue
        for key in item:
            if key not in QUESTION_KEYS:
                diagnostics.error(rel, doc.line("questions", i, key),
                                  f"unknown question key '{key}'",
                                  hint="valid keys: " + ", ".join(QUESTION_KEYS))
        answer = item.get("answer")
        if answer is not None and not isinstance(answer, str):
            diagnostics.error(rel, doc.line("questions", i, "answer"), "'answer' must be text")
            answer = None
        lines = item.get("lines", DEFAULT_ANSWER_LINES)
        if not isinstance(lines, int) or isinstance(lines, bool) or not 0 <= lines <= 40:
            diagnostics.error(rel, doc.line("questions", i, "lines"),
                              "'lines' must be a whole number from 0 to 40")
            lines = DEFAULT_ANSWER_LINES
        booklet_lines: int | None = lines if booklet_answer_lines else None
        if "booklet_lines" in item:
            value = item["booklet_lines"]
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 40:
                diagnostics.error(rel, doc.line("questions", i, "booklet_lines"),
                                  "'booklet_lines' must be a whole number from 0 to 40",
                                  hint="the ruled lines under this question in the booklet "
                                  "itself; 0 for none")
            else:
                booklet_lines = value
        options = _options(item, doc, rel, slug, i, diagnostics)
        correct = _correct(item, doc, rel, i, len(options), diagnostics)
        questions.append(Question(
            text=Fragment(rel, doc.line("questions", i, "q"), item["q"].strip(), inline=True,
                          chapter=slug),
            answer=Fragment(rel, doc.line("questions", i, "answer"), answer.strip(),
                            chapter=slug, teacher_only=True) if answer else None,
            lines=lines,
            line=line,
            options=options,
            correct=correct,
            booklet_lines=booklet_lines or None,
        ))
    return questions


def _options(item: dict[str, Any], doc: YamlDoc, rel: str, slug: str, i: int,
             diagnostics: Diagnostics) -> list[Fragment]:
    """A question's listed choices: what makes it a multiple-choice question."""
    value = item.get("options")
    if value is None:
        return []
    if (not isinstance(value, list) or len(value) < 2
            or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                       for v in value)):
        diagnostics.error(rel, doc.line("questions", i, "options"),
                          "'options' must be a list of at least two choices",
                          hint="write each choice on its own line starting with '- ' under "
                          "'options:'")
        return []
    return [Fragment(rel, doc.line("questions", i, "options", n), str(v).strip(), inline=True,
                     chapter=slug) for n, v in enumerate(value)]


def _correct(item: dict[str, Any], doc: YamlDoc, rel: str, i: int, count: int,
             diagnostics: Diagnostics) -> int | None:
    """The number of the right option (1 for the first), if the question says."""
    value = item.get("correct")
    if value is None:
        return None
    if not count:
        diagnostics.error(rel, doc.line("questions", i, "correct"),
                          "'correct' needs 'options' to choose from",
                          hint="list the choices under 'options:', or remove 'correct'")
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= count:
        diagnostics.error(rel, doc.line("questions", i, "correct"),
                          f"'correct' must be the number of an option, from 1 to {count}")
        return None
    return value


def load_chapters(config: Config, diagnostics: Diagnostics,
                  unread: list[str] | None = None) -> list[Chapter]:
    """The chapters that could be read; the names of those that could not go to
    ``unread`` (their errors are reported)."""
    chapters: list[Chapter] = []
    number = 0
    for path, rel in chapter_files(config, diagnostics):
        chapter = load_chapter(path, rel, number + 1, diagnostics, config.root,
                               config.booklet_answer_lines)
        if chapter is None:
            if unread is not None:
                unread.append(rel)
            continue
        if chapter.number is not None:
            number += 1
        for name in ("title", "short_title", "subtitle"):
            setattr(chapter, name, smart_quotes(getattr(chapter, name), config.language))
        chapters.append(chapter)
    seen: dict[str, str] = {}
    for chapter in chapters:
        if chapter.slug in seen:
            diagnostics.error(chapter.rel, 0, f"two chapters have the slug '{chapter.slug}'",
                              hint=f"rename this file or {seen[chapter.slug]}")
        seen[chapter.slug] = chapter.rel
    return chapters

"""Ruled answer space in the booklet itself, not only on a handout's worksheet (issue 29,
point 12): ``booklet_answer_lines = true`` in chapbook.toml gives every review question its
``lines``; a question's ``booklet_lines`` sets its own (0 for none)."""

from __future__ import annotations

import re
from pathlib import Path

from chapbook.diagnostics import Diagnostics
from chapbook.pipeline import BuildOptions, prepare
from chapbook.render.html import BookRenderer
from chapbook.render.markdown_html import RenderOptions


def rules_per_question(root: Path, teacher: bool = False, medium: str = "print") -> list[int]:
    diagnostics = Diagnostics()
    book = prepare(root, BuildOptions(), diagnostics)
    assert not diagnostics.has_errors(), [d.format() for d in diagnostics.errors]
    html = BookRenderer(book, RenderOptions(teacher=teacher, medium=medium), "apa"
                        ).render_document(("body",))
    review = html[html.index('class="review"'):]
    questions = re.split(r'<li class="question">', review)[1:]
    return [question.count('class="answer-rule"') for question in questions]


def test_the_booklet_rules_lines_under_each_question_when_asked(mini_project: Path):
    assert rules_per_question(mini_project) == [0, 0, 0]  # by default, as before
    toml = mini_project / "chapbook.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "booklet_answer_lines = true\n",
                    encoding="utf-8")
    # lines: 3, then the default 4 (chapter 1); the default 4 (chapter 2)
    assert rules_per_question(mini_project) == [3, 4, 4]
    # The teacher edition prints the model answer instead (and keeps lines where it has
    # none); the screen edition has nothing to write on.
    assert rules_per_question(mini_project, teacher=True) == [0, 4, 0]
    assert rules_per_question(mini_project, medium="screen") == [0, 0, 0]


def test_a_question_sets_its_own_booklet_lines(mini_project: Path):
    chapter = mini_project / "chapters" / "01-first.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("    lines: 3\n", "    lines: 3\n    booklet_lines: 6\n"),
                       encoding="utf-8")
    assert rules_per_question(mini_project) == [6, 0, 0]
    toml = mini_project / "chapbook.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "booklet_answer_lines = true\n",
                    encoding="utf-8")
    chapter.write_text(text.replace("    lines: 3\n", "    lines: 3\n    booklet_lines: 0\n"),
                       encoding="utf-8")
    assert rules_per_question(mini_project) == [0, 4, 4]


def test_booklet_answer_lines_must_be_true_or_false(mini_project: Path):
    toml = mini_project / "chapbook.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + 'booklet_answer_lines = "yes"\n',
                    encoding="utf-8")
    diagnostics = Diagnostics()
    prepare(mini_project, BuildOptions(), diagnostics)
    (error,) = diagnostics.errors
    assert error.file == "chapbook.toml" and "true or false" in error.message

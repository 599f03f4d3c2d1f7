"""``chapbook quiz``: the review questions for a learning platform (Moodle, Canvas, ...).

Teachers otherwise re-type each chapter's review questions into their platform's quiz
editor; this writes them in the platform's own import format (finish/quiz_formats.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .choices import Edition, ProjectArg, QuizFormat, StyleOption
from .console import finish_build, guarded


def quiz_command(
    project: ProjectArg = Path("."),
    format: Annotated[QuizFormat, typer.Option(
        "--format", "-f", help="gift (Moodle's text format), moodle (Moodle XML) or qti (an "
        "IMS QTI 2.1 package for Canvas, Blackboard and others).")] = QuizFormat.gift,
    edition: Annotated[Edition, typer.Option(
        help="student, or teacher (model answers as feedback).")] = Edition.student,
    style: StyleOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Output folder (default: build/).")] = None,
) -> None:
    """Write every chapter's review questions as a quiz to import into a learning platform.

    Short answers become essay questions; a question with options (and 'correct:') a
    multiple-choice question. Moodle: Question bank > Import, format GIFT or Moodle XML.

    Example: chapbook quiz --format qti --edition teacher
    """
    from ..pipeline import BuildOptions, write_quiz

    options = BuildOptions(style=style, edition=edition.value,
                           output=output)
    result = guarded(lambda: write_quiz(project, options, format.value))
    finish_build(result, strict=False)

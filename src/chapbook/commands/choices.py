"""The fixed choices of the command line's options, shared by the commands that take them."""

from __future__ import annotations

from enum import StrEnum


class Style(StrEnum):
    chicago_author_date = "chicago-author-date"
    chicago_notes = "chicago-notes"
    apa = "apa"
    mla = "mla"


class Paper(StrEnum):
    a4 = "a4"
    letter = "letter"
    a5 = "a5"


class Edition(StrEnum):
    student = "student"
    teacher = "teacher"


class Format(StrEnum):
    pdf = "pdf"
    html = "html"


class Impose(StrEnum):
    booklet = "booklet"
    two_up = "2up"

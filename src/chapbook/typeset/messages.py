"""What the building process and the layout workers send each other: plain data, light to
import (unpickling it must not make the building process import WeasyPrint)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .internals import BookmarkTree


@dataclass
class PartJob:
    """One part of the booklet for a worker to lay out and make into PDF objects."""

    #: The part's place in the joined booklet (0 is the front matter).
    part: int
    html: str
    #: The number of its first page; ``None``: asked for once the part is paginated
    #: (the runs of chapters, which start where the runs before them end).
    first_page: int | None = 1
    #: Pages with nothing on them to add at the end (the front matter carries those that
    #: pad runs of chapters to an even length).
    blank_pages: int = 0
    #: Add one more blank page if the part's own pages are odd in number.
    pad_to_even: bool = False
    #: Send the part as a PDF file of its own (a handout), not as objects to join.
    whole: bool = False
    #: The booklet's language, for the layout report's rules (:mod:`.layout_report`).
    language: str = "en"


@dataclass
class PartLayout:
    """What a worker reports once its part is laid out: plain data, to cross the pipe.

    Defined here, not beside the workers' code: unpickling it must not make the building
    process import WeasyPrint.
    """

    page_count: int
    #: Anchor name -> index of its page within the part.
    anchors: dict[str, int]
    bookmarks: BookmarkTree
    refused: list[tuple[str, str]]

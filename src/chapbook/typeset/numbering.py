"""Page numbers decided after pagination, so that parts of a book can be laid out at once.

A part laid out in parallel with the parts before it cannot know its first page number: that
depends on how many pages they fill. Nothing in a part's body depends on its page numbers
(chapters open on right-hand pages, so each part starts on an odd page whatever the number),
only the folios in the page margins do. WeasyPrint paginates the whole document first and
makes the margin boxes last, from each page's counter state; :func:`numbering_decided_late`
hooks that last step, asks for the real first page number once the page count is known, and
shifts the ``page`` counter of every margin box by the difference. The body is laid out once.

This leans on one internal of WeasyPrint 70 (``weasyprint.layout.make_margin_boxes``, called
once per page after pagination); tests/test_parallel.py fails if that changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import weasyprint.layout as weasy_layout

#: Called once, with the number of pages; returns the number the first page must have.
FirstPage = Callable[[int], int]


@contextmanager
def numbering_decided_late(first_page: FirstPage) -> Iterator[None]:
    """Within this block, a layout numbers its pages from ``first_page(page_count)``.

    Meant for one layout at a time in a worker process: the hook is process-wide.
    """
    original = weasy_layout.make_margin_boxes
    shift: int | None = None

    def make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
        nonlocal shift
        if shift is None:
            # page_maker holds one entry per page plus the state after the last one.
            shift = first_page(len(context.page_maker) - 1) - 1
        if shift:
            quote_depth, counters, *rest = state
            counters = dict(counters)
            counters["page"] = [value + shift for value in counters.get("page", [0])]
            state = type(state)((quote_depth, counters, *rest))
        return original(context, page, state)

    weasy_layout.make_margin_boxes = make_margin_boxes
    try:
        yield
    finally:
        weasy_layout.make_margin_boxes = original

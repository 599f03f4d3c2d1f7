"""Layouts kept from one typesetting to the next in one process, and how long.

A watcher typesets the booklet on every save, chapter by chapter, and a chapter whose HTML
and first page did not change is not laid out again (:mod:`.pdf`). What an edit did change
is laid out anew, and the layout it replaces is of use only if the writer takes the edit
back. So a layout is kept while one of the last :data:`KEPT_FOR` typesettings used it: an
undone edit is still quick, a process that typesets several things in turn (the booklet
and a chapter's preview) keeps the layouts of each, and memory stays at the booklet's
layouts and a few superseded ones however long the writer works. (A limit of 200 layouts,
kept before, let a PDF watcher grow by about 5 MB a save, to a gigabyte in an afternoon.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

Layout = TypeVar("Layout")

#: How many typesettings a layout outlives its last use by.
KEPT_FOR = 8


class KeptLayouts(Generic[Layout]):
    """Layouts by key, each stamped with the last typesetting that used it."""

    def __init__(self) -> None:
        #: key -> (layout, the typesetting that last used it)
        self._kept: dict[object, tuple[Layout, int]] = {}
        #: The typesetting under way: :meth:`typeset_done` moves on to the next.
        self.generation = 0

    def __len__(self) -> int:
        return len(self._kept)

    def __contains__(self, key: object) -> bool:
        return key in self._kept

    def get(self, key: object, lay_out: Callable[[], Layout]) -> Layout:
        """The layout kept under ``key``, or the one ``lay_out()`` makes, kept from now."""
        kept = self._kept.get(key)
        layout = kept[0] if kept is not None else lay_out()
        self._kept[key] = (layout, self.generation)
        return layout

    def typeset_done(self) -> None:
        """A typesetting has finished with its layouts: forget those that none of the last
        :data:`KEPT_FOR` used."""
        oldest = self.generation - KEPT_FOR + 1
        self._kept = {key: kept for key, kept in self._kept.items() if kept[1] >= oldest}
        self.generation += 1

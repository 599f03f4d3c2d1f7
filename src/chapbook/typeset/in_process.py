"""The parts of a booklet laid out one after another in the building process.

What ``--jobs 1`` does, and a build where forking is not safe (:func:`.host.can_fork`): the
same parts as the layout host's workers lay out, by the same function
(:func:`.workers.lay_out_part`), joined the same way, so the PDF has the same bytes as a
build in several processes. Only the conversation differs: a part laid out here asks the
build for its first page by a call, not over a pipe, and its messages are kept for the build
to read as it would read a worker's.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

#: Called with a run's page count once it is paginated, and whether its pages can be
#: mirrored to start on a left-hand page; the number of its first page.
FirstPage = Callable[[int, bool], int]


class InProcess:
    """Lays parts out in this process; imports WeasyPrint when first configured."""

    def __init__(self, languages: list[str], exceptions: Sequence[str] = ()):
        #: the booklet's language, then those of its passages and cited works, whose
        #: hyphenation patterns the layout host would have loaded before forking
        self.languages = languages
        #: the booklet's own breaks of words in its language (its ``hyphenation`` setting)
        self.exceptions = exceptions
        self.engine: Any = None

    def configure(self, css: str, root: Path, allowed: list[Path]) -> list[str]:
        """Get WeasyPrint ready for the booklet's stylesheet; what the installed WeasyPrint
        and pydyf lack for laying out in parts (:data:`.internals.MISSING`)."""
        from . import workers
        from .hyphenation import load_patterns
        from .internals import MISSING

        workers.get_ready()
        for index, language in enumerate(self.languages):
            load_patterns(language, () if index else self.exceptions)
        self.engine = workers.engine_for(css, str(root), [str(path) for path in allowed])
        return list(MISSING)

    def lay_out(self, job: Any, first_page: FirstPage | None = None) -> PartDone:
        """Lay ``job`` out now; its messages, to be read as a worker's."""
        from .workers import lay_out_part

        part = PartDone(first_page)
        lay_out_part(self.engine, job, part)
        return part


class PartDone:
    """A part laid out in this process, read by the build as it reads a worker
    (:class:`.host.Worker`): its messages in the order a worker sends them."""

    def __init__(self, first_page: FirstPage | None):
        self.first_page = first_page
        self.messages: deque[tuple[str, Any]] = deque()
        self.number: int | None = None

    # The part's side: what lay_out_part calls.
    def send(self, obj: Any) -> None:
        kind, value = obj
        if kind == "paginated" and self.first_page is not None:
            self.number = self.first_page(*value)
        else:
            self.messages.append((kind, value))

    def recv(self) -> Any:
        return self.number

    # The build's side.
    def receive(self, expected: str) -> Any:
        kind, value = self.messages.popleft()
        if kind != expected:
            raise RuntimeError(f"a part laid out in this process said {kind!r}, "
                               f"not {expected!r}")
        return value

    def close(self) -> None:
        self.messages.clear()

"""Worker processes for laying parts of a book out at the same time.

A WeasyPrint ``Document`` holds Pango objects and cannot be pickled, so a worker cannot hand
its layout back; it sends plain facts instead (its page count, where its anchors fell, its
bookmarks) and then its part as serialised PDF objects, which :mod:`.join` puts together.
Workers are forked, so they start with WeasyPrint imported and the fonts and stylesheets
already loaded, and the task they run may be any callable: nothing but messages crosses the
pipe.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from typing import Any

from weasyprint import Document

Task = Callable[[Connection], None]


class LayoutProcessError(RuntimeError):
    """A worker failed or died; the message carries its traceback."""


def can_fork() -> bool:
    """Forking is only safe where it is the platform's way (Linux) and only from a process
    with no other threads (a lock held by one would stay locked in the child)."""
    return (sys.platform.startswith("linux")
            and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1
            and not multiprocessing.current_process().daemon)


def _run(task: Task, channel: Connection) -> None:
    try:
        task(channel)
    except BaseException:  # noqa: BLE001 - everything goes back to the parent, as text
        channel.send(("failed", traceback.format_exc()))
    finally:
        channel.close()


class Worker:
    """A forked process running ``task(channel)``, talking to the parent over a pipe."""

    def __init__(self, task: Task):
        context = multiprocessing.get_context("fork")
        self.channel, child = context.Pipe()
        self.process = context.Process(target=_run, args=(task, child), daemon=True)
        self.process.start()
        child.close()

    def send(self, value: Any) -> None:
        self.channel.send(value)

    def receive(self, expected: str) -> Any:
        """The next message, which must be ``expected``; a failure or a death is raised."""
        wait([self.channel, self.process.sentinel])
        try:
            kind, value = self.channel.recv()
        except EOFError:
            raise LayoutProcessError(
                f"a layout process stopped (exit code {self.process.exitcode})") from None
        if kind == "failed":
            raise LayoutProcessError(f"a layout process failed:\n{value}")
        if kind != expected:
            raise LayoutProcessError(f"a layout process said {kind!r}, not {expected!r}")
        return value

    def close(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.channel.close()


def split_evenly(weights: Sequence[float], groups: int) -> list[list[int]]:
    """Indexes ``0..len(weights)-1`` cut into at most ``groups`` runs of about equal weight,
    keeping order (a part is a run of consecutive chapters)."""
    groups = max(1, min(groups, len(weights)))
    total = sum(weights) or 1.0
    runs: list[list[int]] = [[]]
    done = 0.0
    for index, weight in enumerate(weights):
        boundary = total * len(runs) / groups
        left = len(weights) - index
        # Start a new run when this item would carry the current one past its share by more
        # than stopping short would leave it under, or when the items left are just enough
        # to give every remaining run one.
        if runs[-1] and len(runs) < groups and (
                done + weight / 2 > boundary or left == groups - len(runs)):
            runs.append([])
        runs[-1].append(index)
        done += weight
    return runs


@contextmanager
def stand_in_anchors(document: Document) -> Iterator[frozenset[str]]:
    """Give ``document`` a stand-in anchor for every link whose target is in another part,
    for as long as the block runs; yields their names.

    WeasyPrint drops a link to an anchor it cannot find; with a stand-in the link is written
    (as a named destination), and the join points the name at the real anchor. The stand-ins
    are taken away again: the pages may be a cached layout that a later build reuses.
    """
    own = {name for page in document.pages for name in page.anchors}
    wanted = {target for page in document.pages for kind, target, _, _ in page.links
              if kind == "internal"}
    borrowed = frozenset(wanted - own)
    first = document.pages[0].anchors if document.pages else {}
    for name in sorted(borrowed):
        first[name] = (0, 0, 0, 0)
    try:
        yield borrowed
    finally:
        for name in borrowed:
            first.pop(name, None)

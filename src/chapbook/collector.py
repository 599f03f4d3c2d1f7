"""When Python's garbage collector runs while chapbook builds: not in the middle of it.

Laying out pages makes millions of objects that live until the document is written, and
each of the collector's full passes walks all of them again, to find next to nothing (the
boxes are freed by their reference counts). A watcher keeps every chapter's layout between
saves, and a full collection in the middle of a rebuild held it up. So the collector is off
while a build lays out, writes or rebuilds, and back on (with one full collection, where
asked) when it is done.

What survives a rebuild's collection is then set aside (``gc.freeze``) until the next
rebuild's: the collections between two rebuilds walk only what was made since, not the
watcher's hundreds of thousands of objects.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator


class _Collector:
    """Who is inside :func:`garbage_collected_after` (a rebuild and a check may be at once,
    in two threads), so that the collector is turned back on, and run, only when the last
    of them is done."""

    lock = threading.Lock()
    inside = 0
    was_enabled = False
    wanted = False
    settle = False


@contextlib.contextmanager
def garbage_collected_after(wanted: Callable[[], bool] = lambda: True, *,
                            settle: bool = False) -> Iterator[None]:
    """No garbage collection during a rebuild; a full one when it is done (if ``wanted()``
    then: a layout inside a rebuild leaves it to the rebuild).

    With ``settle`` (a rebuild), that collection also takes in what earlier ones set aside,
    and sets aside what survives it: it is what the watcher keeps until the next rebuild.
    """
    with _Collector.lock:
        if _Collector.inside == 0:
            _Collector.was_enabled = gc.isenabled()
            _Collector.wanted = False
            _Collector.settle = False
            gc.disable()
        _Collector.inside += 1
    try:
        yield
    finally:
        with _Collector.lock:
            _Collector.wanted = _Collector.wanted or wanted()
            _Collector.settle = _Collector.settle or settle
            _Collector.inside -= 1
            collect = _Collector.inside == 0 and _Collector.was_enabled
            if collect:
                gc.enable()
            collect = collect and _Collector.wanted
            settled = _Collector.settle
        if collect:
            if settled:
                gc.unfreeze()  # what the last rebuild kept may be garbage now
            gc.collect()
            if settled:
                gc.freeze()


def collection_paused() -> contextlib.AbstractContextManager[None]:
    """No collection while the block lays out or writes a document; none forced after it
    (the process ends soon, or the next collection comes in its own time)."""
    return garbage_collected_after(lambda: False)

"""When Python's garbage collector runs while chapbook builds: not in the middle of it.

Laying out pages makes millions of objects that live until the document is written, and
each of the collector's full passes walks all of them again: in a layout worker of the
401-page book, 1.3-1.7 s of 25 s went on collections that found next to nothing (the
boxes are freed by their reference counts); in a 45-page booklet, 5% of each worker's
time. A watcher keeps every chapter's layout between saves, and a full collection in the
middle of a rebuild took 0.15-0.18 s. So the collector is off while a build lays out, writes
or rebuilds, and back on (with one full collection, where asked) when it is done.
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


@contextlib.contextmanager
def garbage_collected_after(wanted: Callable[[], bool] = lambda: True) -> Iterator[None]:
    """No garbage collection during a rebuild; a full one when it is done (if ``wanted()``
    then: the check server skips it when it answered from what it had).

    A watcher keeps the layouts of every chapter (to reuse the unchanged ones), hundreds of
    thousands of objects, and Python's collector walks all of them each time it makes a full
    collection: 0.15-0.18 s, which fell in the middle of every second rebuild. Collecting
    once a rebuild has been written and reported puts that pause where nobody waits for it.
    """
    with _Collector.lock:
        if _Collector.inside == 0:
            _Collector.was_enabled = gc.isenabled()
            _Collector.wanted = False
            gc.disable()
        _Collector.inside += 1
    try:
        yield
    finally:
        with _Collector.lock:
            _Collector.wanted = _Collector.wanted or wanted()
            _Collector.inside -= 1
            collect = _Collector.inside == 0 and _Collector.was_enabled
            if collect:
                gc.enable()
            collect = collect and _Collector.wanted
        if collect:
            gc.collect()


def collection_paused() -> contextlib.AbstractContextManager[None]:
    """No collection while the block lays out or writes a document; none forced after it
    (the process ends soon, or the next collection comes in its own time)."""
    return garbage_collected_after(lambda: False)

"""The garbage collector does not run while a document is laid out or written
(chapbook/collector.py), and is back as it was afterwards."""

from __future__ import annotations

import gc

import pytest

from chapbook.collector import collection_paused
from chapbook.typeset import engine as typeset_engine


@pytest.fixture
def collections():
    """The number of collections started while the test runs."""
    counted = [0]

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            counted[0] += 1

    gc.callbacks.append(count)
    yield counted
    gc.callbacks.remove(count)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_left_as_it_was(enabled):
    (gc.enable if enabled else gc.disable)()
    try:
        with collection_paused():
            assert not gc.isenabled()
            with collection_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def test_no_collection_while_pages_are_laid_out_and_written(collections, tmp_path):
    assert gc.isenabled()
    layouts = typeset_engine.LayoutEngine("p { margin: 0 0 1em }", tmp_path, [tmp_path])
    paragraphs = "".join(f"<p>Paragraph {n}: the record shift, in plain words.</p>"
                         for n in range(600))
    html = f"<html lang='en'><body>{paragraphs}</body></html>"
    before = collections[0]
    document = layouts.layout(html)
    laid_out = collections[0]
    pdf = typeset_engine.write_document(document)
    assert len(document.pages) > 5 and pdf.startswith(b"%PDF")
    # Without the pause: about 100 collections in the layout, 10 in the writing. With it, at
    # most the one that comes due as the collector is turned back on.
    assert laid_out - before <= 1, "the collector ran during the layout"
    assert collections[0] - laid_out <= 1, "the collector ran while the PDF was written"
    assert gc.isenabled()


class _Cycle:
    """An object in a reference cycle: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_what_a_rebuild_keeps_is_set_aside_until_the_next_rebuild():
    """After a rebuild (``settle``) its survivors are frozen, so a check's collection does
    not walk them; the next rebuild's collection takes them in again and frees what has
    become garbage since."""
    import weakref

    from chapbook.collector import garbage_collected_after

    gc.collect()
    assert gc.get_freeze_count() == 0
    kept: list[object] = []
    try:
        with garbage_collected_after(settle=True):
            kept.append(_Cycle())
        cycle = weakref.ref(kept[0])
        assert gc.get_freeze_count() > 0
        assert not any(o is kept[0] for o in gc.get_objects()), "a check would walk it"
        kept.clear()  # garbage now, but set aside: a check's collection leaves it
        with garbage_collected_after():
            pass
        assert cycle() is not None and gc.get_freeze_count() > 0
        with garbage_collected_after(settle=True):
            pass
        assert cycle() is None, "the next rebuild's collection did not free it"
    finally:
        gc.unfreeze()


def test_a_check_beside_a_rebuild_leaves_the_settling_to_whichever_ends_last():
    from chapbook.collector import garbage_collected_after

    try:
        rebuild = garbage_collected_after(settle=True)
        check = garbage_collected_after()
        rebuild.__enter__()
        check.__enter__()
        rebuild.__exit__(None, None, None)
        assert gc.get_freeze_count() == 0 and not gc.isenabled()
        check.__exit__(None, None, None)
        assert gc.get_freeze_count() > 0 and gc.isenabled()
    finally:
        gc.unfreeze()

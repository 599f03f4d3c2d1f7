"""Laying a document out again where the layout report finds a fault chapbook can mend.

WeasyPrint has neither page floats nor a cap on hyphenated lines in a row
(``hyphenate-limit-lines``). So, as LaTeX does with floats, chapbook looks at the pages it
got and lays the document out again with its HTML changed:

- three hyphenated lines in a row: the word broken at the last of them is wrapped in a span
  that is not hyphenated (``hyphens: manual``);
- a figure pushed to the next page, leaving a hole: the figure is moved after the paragraph
  that follows it, which then fills the page before; a hole that is still there is mended
  again, so the figure may move past a second paragraph;
- a long box whose last line or two go overleaf alone: the element they belong to keeps to
  the one before it (CSS could say this of every box's last element, but a last question
  of three lines kept to the one before left a hole of three lines more);
- a long box whose first part ends with a hole in its frame (what went overleaf could not
  be split): the box is moved before the paragraph that precedes it on its page, as LaTeX
  sets a float at the top of the page it is called on, and the paragraph fills in after it;
- a handout whose last page holds a line or four: its end (summary, key terms, references)
  is set a little closer (the layouts' ``tightened`` class, then ``tightened-more``), as a
  typesetter gains a line with LaTeX's ``\\looseness``, so that it ends a page earlier.

The HTML is changed as text: a fault names its element by tag and place among the elements
of that tag (:class:`.layout_report.Mend`), and :func:`element_span` finds that element in
the HTML chapbook rendered. Each change is checked against the text it expects, and a mend
that cannot be made is left alone (the fault is then reported as before).

Only a document with such a fault is laid out again, at most :data:`MOST_RELAYOUTS` times; a
layout with more faults than the one before it is not kept. A document without one is laid
out once, and its PDF is what it was without this module.
"""

from __future__ import annotations

import html as html_text
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from .layout_report import Fault, Mend, layout_faults
from .markup_text import RAW

#: How many times one document may be laid out again.
MOST_RELAYOUTS = 4
#: How many times one figure may be moved on, past the element that follows it.
MOST_MOVES = 2
#: The span a word is wrapped in to stay whole.
KEEP_WORD = '<span class="keep-word" style="hyphens: manual">{}</span>'


def _masked(markup: str) -> str:
    """``markup`` with comments and raw elements (:data:`.markup_text.RAW`) blanked out,
    positions kept."""
    return RAW.sub(lambda match: " " * len(match.group(0)), markup)


def element_span(markup: str, tag: str, ordinal: int) -> tuple[int, int] | None:
    """Where the ``ordinal``-th element ``tag`` (counted from 0 in document order) starts and
    ends in ``markup``; None if it is not there, or not closed."""
    if ordinal < 0 or not re.fullmatch(r"[a-z][a-z0-9]*", tag):
        return None
    masked = _masked(markup)
    tags = re.compile(rf"<(/?){tag}(?=[\s/>])[^>]*>", re.IGNORECASE)
    start = None
    seen = depth = 0
    for match in tags.finditer(masked):
        closing = bool(match.group(1))
        if start is None:
            if closing:
                continue
            if seen == ordinal:
                start, depth = match.start(), 1
            seen += 1
            continue
        depth += -1 if closing else 1
        if depth == 0:
            return start, match.end()
    return None


def _plain(markup: str) -> str:
    return " ".join(html_text.unescape(re.sub(r"<[^>]*>", " ", markup)).split())


def keep_word(markup: str, mend: Mend) -> str | None:
    """``markup`` with each ``mend.word`` in the element at fault wrapped so that it is not
    hyphenated; None if the word is not found there as text."""
    span = element_span(markup, mend.tag, mend.ordinal)
    if span is None or not mend.word:
        return None
    start, end = span
    word = re.compile(rf"(?<![\w&#]){re.escape(mend.word)}(?!\w)")
    pieces = re.split(r"(<[^>]*>)", markup[start:end])
    found = False
    for index in range(0, len(pieces), 2):  # text between the tags
        pieces[index], count = word.subn(lambda match: KEEP_WORD.format(match.group(0)),
                                         pieces[index])
        found = found or count > 0
    if not found:
        return None
    return markup[:start] + "".join(pieces) + markup[end:]


def move_after(markup: str, mend: Mend) -> str | None:
    """``markup`` with the element at fault moved after the element ``mend.past``, which
    must follow it; None if either is not found."""
    figure = element_span(markup, mend.tag, mend.ordinal)
    after = element_span(markup, *mend.past) if mend.past else None
    if figure is None or after is None or after[0] < figure[1]:
        return None
    between = markup[figure[1]:after[0]]
    if _plain(between):  # only white space may lie between the two
        return None
    moved = markup[figure[0]:figure[1]]
    return (markup[:figure[0]] + between + markup[after[0]:after[1]] + "\n" + moved
            + markup[after[1]:])


def move_before(markup: str, mend: Mend) -> str | None:
    """``markup`` with the element at fault moved before the element ``mend.past``, which
    must precede it; None if either is not found."""
    box = element_span(markup, mend.tag, mend.ordinal)
    before = element_span(markup, *mend.past) if mend.past else None
    if box is None or before is None or before[1] > box[0]:
        return None
    between = markup[before[1]:box[0]]
    if _plain(between):  # only white space may lie between the two
        return None
    return (markup[:before[0]] + markup[box[0]:box[1]] + "\n" + markup[before[0]:before[1]]
            + between + markup[box[1]:])


#: What an element that keeps to the one before it is given.
KEEP_WITH_PREVIOUS = "break-before: avoid; widows: 3"


def keep_with_previous(markup: str, mend: Mend) -> str | None:
    """``markup`` with the element at fault kept to what comes before it (and broken, if
    at all, with three lines after the break); None if it is not found or already kept."""
    return _with_attribute(markup, mend, "style", lambda style: None
                           if KEEP_WITH_PREVIOUS in style
                           else KEEP_WITH_PREVIOUS + ("; " + style if style else ""))


#: The classes a document's body is given, one after the other, to set its end closer (see
#: the layouts): a little first, more only where that was not enough.
TIGHTENED = ("tightened", "tightened-more")


def tighten(markup: str, mend: Mend) -> str | None:
    """``markup`` with its ``body`` given the next class of :data:`TIGHTENED`; None if it
    has them all, or has no body."""
    def next_step(classes: str) -> str | None:
        step = next((name for name in TIGHTENED if name not in classes.split()), None)
        return None if step is None else " ".join(filter(None, [classes, step]))

    return _with_attribute(markup, mend, "class", next_step)


def _with_attribute(markup: str, mend: Mend, name: str,
                    change: Callable[[str], str | None]) -> str | None:
    """``markup`` with the attribute ``name`` of the element at fault's start tag set to
    ``change`` of its value ('' if it has none); None if the element is not found or
    ``change`` gives None (nothing to change)."""
    span = element_span(markup, mend.tag, mend.ordinal)
    opening = re.match(r"<[^>]*>", markup[span[0]:]) if span is not None else None
    if span is None or opening is None:
        return None
    tag = opening.group(0)
    found = re.search(rf"""\s{name}=(["'])(.*?)\1""", tag)
    value = change(found.group(2) if found else "")
    if value is None:
        return None
    changed = (tag[:found.start(2)] + value + tag[found.end(2):] if found
               else tag[:-1].rstrip("/") + f' {name}="{value}">')
    return markup[:span[0]] + changed + markup[span[0] + len(tag):]


_MENDS: dict[str, Callable[[str, Mend], str | None]] = {
    "keep-word": keep_word,
    "move-after": move_after,
    "move-before": move_before,
    "keep-with-previous": keep_with_previous,
    "tighten": tighten,
}
#: The mends that move an element: made one at a time (see :func:`_mends`).
_MOVES = frozenset({"move-after", "move-before"})


def mended_html(markup: str, faults: list[Fault]) -> str | None:
    """``markup`` with its faults mended where they can be; None if none can be."""
    mended = _mends(markup, faults)
    return mended[0] if mended is not None else None


def _mends(markup: str, faults: list[Fault]) -> tuple[str, list[Mend]] | None:
    """Every word that ends a third hyphenated line kept whole, and the first figure that
    can be moved moved. The words are mended together: keeping a word whole only changes
    the lines of its own paragraph, and a relayout for each cost a whole part's layout
    each time. A figure is moved one at a time: a move shifts all that follows it, so the
    next hole is found by laying out again."""
    mends = [fault.mend for fault in faults
             if fault.mend is not None and fault.mend.kind in _MENDS]
    # the words (and kept elements) from the last back, so that a span added for one never
    # moves the place (the element's rank among those of its tag) by which an earlier one
    # is found
    in_place = [mend for mend in reversed(mends) if mend.kind not in _MOVES]
    done: list[Mend] = []
    for mend in in_place:
        changed = _MENDS[mend.kind](markup, mend)
        if changed is not None and changed != markup:
            markup = changed
            done.append(mend)
    for mend in (mend for mend in mends if mend.kind in _MOVES):
        changed = _MENDS[mend.kind](markup, mend)
        if changed is not None and changed != markup:
            markup = changed
            done.append(mend)
            break
    return (markup, done) if done else None


class Mender:
    """Decides, from the faults of each layout of one document, what to lay out next.

    :meth:`next_html` is given the faults of the layout of :attr:`html` just made; it
    returns the HTML to lay out instead, or None to keep that layout. A layout with more
    faults than the best before it is given up for that one, laid out again once more.
    """

    def __init__(self, markup: str, most: int | None = None):
        self.html = markup
        self.most = MOST_RELAYOUTS if most is None else most
        self.relayouts = 0
        self._best: tuple[str, int] | None = None
        self._final = False
        self._moves: Counter[tuple[str, int]] = Counter()

    def next_html(self, faults: list[Fault]) -> str | None:
        if self._final:
            return None
        if self._best is not None and len(faults) > self._best[1]:
            self._final = True
            self.html = self._best[0]
            return self.html
        self._best = (self.html, len(faults))
        # a figure moves past a paragraph or two, no further
        mendable = [fault for fault in faults if fault.mend is not None
                    and self._moves[fault.mend.tag, fault.mend.ordinal] < MOST_MOVES]
        mended = _mends(self.html, mendable) if self.relayouts < self.most else None
        if mended is None:
            return None
        changed, mends = mended
        for mend in mends:
            if mend.kind in _MOVES:
                self._moves[mend.tag, mend.ordinal] += 1
        self.relayouts += 1
        self.html = changed
        return changed


def lay_out_mended(layout: Callable[[str], Any], markup: str, language: str) -> Any:
    """``layout(markup)``, laid out again with its faults mended where they can be (see
    :class:`Mender`)."""
    mender = Mender(markup)
    document = layout(markup)
    while (changed := mender.next_html(layout_faults(document, language))) is not None:
        document = layout(changed)
    return document

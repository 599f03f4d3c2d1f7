"""The layout report: the typographic faults of laid-out pages, found by reading them.

After WeasyPrint has laid a document out, its pages are boxes: every line box with its
text and position, under the boxes of the elements it belongs to. This reads them back as
a book designer reads proofs and finds:

- a heading stranded at the foot of a page (fewer than two lines after it on its page);
- a widow or an orphan (one line of a paragraph alone on a page);
- a short box split across pages, or a long one split with fewer than three lines a side;
- a page more than a third empty that is not a chapter's end: a hole, left by a figure
  when the next page starts with one;
- a line running past the measure;
- three hyphenated lines in a row, and a name broken by a hyphen.

Each fault is plain data (:class:`Fault`): a layout worker sends its faults to the building
process, which turns them into warnings at the source line (:func:`report_faults`).
WeasyPrint has no public API for the laid-out boxes: they come from
:func:`.internals.laid_out_box`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .hyphenation import NOUNS_CAPITALISED
from .internals import laid_out_box

#: Elements whose lines are running text, for widows, orphans and hyphens.
_TEXT_TAGS = frozenset({"p", "li", "dd", "dt", "blockquote", "td", "th", "figcaption"})
_HEADING_TAGS = frozenset({"h2", "h3", "h4"})
#: What WeasyPrint ends a hyphenated line with: chapbook's "-" or its default U+2010.
_HYPHENS = frozenset("-\u2010")
#: The share of a page's text area that may stay empty, except at a chapter's end.
MOST_EMPTY = 1 / 3
#: Lines a long box keeps on each side of a page break.
BOX_SPLIT_LINES = 3
#: Empty lines a long box's first part may end with (its frame, drawn to the page's foot,
#: holds them) before the split is a fault: a question of three lines that does not fit
#: leaves three and the space between two questions; more look like a hole in the box.
MOST_EMPTY_IN_BOX = 3.5
#: The most lines a handout's last page may hold alone before its end is set tighter.
MOST_LINES_ALONE = 4


@dataclass(frozen=True)
class Mend:
    """How a fault can be mended in the HTML before laying it out again (:mod:`.relayout`):
    the element at fault named by its tag and its place among the elements of that tag in
    document order, which the HTML's text gives back without parsing it.

    ``kind`` is ``"keep-word"`` (forbid hyphenating ``word`` in the element),
    ``"move-after"`` (move the element, a figure or a box, after the element ``past``),
    ``"move-before"`` (move the element, a long box, before the element ``past``),
    ``"keep-with-previous"`` (the element, the last lines of a box alone overleaf, keeps to
    what comes before it and leaves three lines if it breaks itself) or ``"tighten"`` (the
    element, the body, is given the class ``tightened``, then ``tightened-more``: a
    handout's end set closer).
    """

    kind: str
    tag: str
    ordinal: int
    word: str = ""
    past: tuple[str, int] | None = None


@dataclass(frozen=True)
class Fault:
    """One fault on one page: plain data, to cross a pipe."""

    #: Index of the page in the document that was laid out.
    page: int
    #: The id of the chapter (or back-matter section) it is in, '' if none.
    section: str
    #: The first words of the element at fault, to find its source line by.
    text: str
    message: str
    #: How to mend it by laying out again, where chapbook knows how.
    mend: Mend | None = None
    #: What the writer can do about it, when a fault is left (the warning's hint).
    hint: str = ""


#: What a writer can do about each fault that is left, as the warning's hint.
HINTS = {
    "stranded": "add or cut a line in the text before the heading, so that the heading "
                "goes overleaf or its first lines come up to this page",
    "widow": "add or cut a few words in the paragraph, so that no line of it stands alone "
             "at the foot or the head of a page",
    "short box": "shorten the box (a short box never breaks) or the text before it, so "
                 "that it fits on one page",
    "box lines": "cut or add a line or two in the box or the text before it, so that three "
                 "lines of the box or more stand on each page",
    "box foot": "cut a line from the box's last question or from the text before the box, "
                "or move the box after the next paragraph in the source",
    "figure": "move the figure after the next paragraph in the source, make it smaller, or "
              "cut a few lines before it",
    "box moved": "move the box after the next paragraph in the source, or cut a few lines "
                 "before it",
    "empty": "add text before the break, or move a box or figure from the next page to "
             "here in the source",
    "measure": "a word or address too long for the line: give a long link a shorter text, "
               "or put a soft hyphen (&shy;) into a long word",
    "early": "reword the line: WeasyPrint broke it where it need not, and chapbook's "
             "workaround did not catch it",
    "hyphens": "reword one of the three lines, or add or cut a word, so that the breaks "
               "move",
    "last page": "cut a few lines (or a question's answer lines) so that the handout ends "
                 "on the page before",
}


@dataclass
class _Line:
    section: str
    element: Any
    tag: str
    text: str
    right: float
    #: Where the line's room ends: its block's right edge.
    room: float = 0.0
    #: The width of its first word and of a space, measured on its first piece of text.
    first_word: float = 0.0
    space: float = 0.0
    #: Whether the line ends where the text forces a break (``<br>``).
    forced: bool = False
    #: The bottom edge of the line, and its height.
    bottom: float = 0.0
    height: float = 0.0


def _page_box(page: Any) -> Any:
    return laid_out_box(page)


def _element_text(element: Any, words: int = 8) -> str:
    return " ".join("".join(element.itertext()).split()[:words])


def _figure_words(element: Any) -> str:
    """The first words of a figure's picture's description, as written in the source, or
    else of its caption, without the label chapbook gives it ("Figure 3.")."""
    alt = next((node.get("alt") for node in element.iter() if node.get("alt")), "")
    if alt:
        return " ".join(alt.split()[:4])
    label = next((" ".join("".join(node.itertext()).split()) for node in element.iter()
                  if "figure-label" in _classes(node)), "")
    text = " ".join("".join(element.itertext()).split())
    return " ".join(text.removeprefix(label).split()[:4])


def _classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split()) if element is not None else set()


def _walk(box: Any, section: str, block: Any, lines: list[_Line], blocks: list[Any],
          sections: list[str], room: float = 0.0, marker: bool = False) -> None:
    marker = marker or str(getattr(box, "element_tag", "")).endswith("::marker")
    element = getattr(box, "element", None)
    classes = _classes(element) if getattr(box, "element_tag", None) else set()
    if classes & {"chapter", "back-section", "handout"} and element is not None:
        section = element.get("id") or section
        sections.append(section)
    tag = getattr(box, "element_tag", "")
    if type(box).__name__ == "LineBox":
        if marker:  # a list item's "1." or "•": no line of its text
            return
        text = "".join(_texts(box))
        leaves = list(_leaves(box))
        right = max((child.position_x + child.width for child in leaves),
                    default=box.position_x)
        first_word, space = _first_word(list(_leaves(box, pictures=True)))
        lines.append(_Line(section, block, getattr(block, "tag", ""), text, right, room,
                           first_word, space, "\n" in text or _ends_forced(box),
                           box.position_y + box.height,
                           box.height))
        return
    if type(box).__name__ in ("BlockBox", "TableCellBox"):
        room = box.content_box_x() + box.width
    if type(box).__name__ in ("BlockBox", "TableBox", "TableWrapperBox", "TableCellBox") \
            and element is not None \
            and tag and tag != "html" and tag != "body":
        blocks.append((section, box))
        # the element whose lines these are: running text, a heading, or any block that
        # holds lines itself (a handout's key term: a div of an inline term and definition)
        if tag in _TEXT_TAGS or tag in _HEADING_TAGS or "box-title" in classes or any(
                type(child).__name__ == "LineBox" for child in getattr(box, "children", [])):
            block = element
    if type(box).__name__ == "FootnoteAreaBox":
        return
    for child in getattr(box, "children", []):
        _walk(child, section, block, lines, blocks, sections, room, marker)


#: A space that is no break opportunity: after a quotation mark and before an opening
#: bracket (Unicode's line-breaking rule LB15, "QU SP* × OP", which Pango follows: in
#: 'record made?” (Chapter 2)' the first place to break is after "(Chapter").
_QUOTES = frozenset("\"'«»“”‘’‹›")
_OPENING = frozenset("([{")


def _first_word(leaves: list[Any]) -> tuple[float, float]:
    """The width of a line's first word (up to its first space where the line could break,
    across the pieces of text it is made of: "(" and "Siegelbaum" of a citation) and of a
    space, each piece measured in proportion to its characters."""
    pieces = []
    for leaf in leaves:
        text = getattr(leaf, "text", None)
        if text is None:  # a picture (a formula, an icon): part of the word it begins
            pieces.append(("", leaf.margin_width()))
        elif text and leaf.width:
            if leaf.style["white_space"] in ("nowrap", "pre"):  # its spaces do not break
                text = text.replace(" ", "\u00a0")
            pieces.append((text, leaf.width / len(text)))
    joined = "".join(text for text, _ in pieces)
    # where the first word ends, in the line's text: its first space that is a break
    start = len(joined) - len(joined.lstrip(" "))
    end = next((match.start() for match in re.finditer(" +", joined)
                if match.start() > start and not (joined[match.start() - 1] in _QUOTES
                                                  and joined[match.end():][:1] in _OPENING)),
               len(joined))
    width = space = 0.0
    offset = 0
    for text, each in pieces:
        if not text:  # a picture
            if start <= offset <= end:
                width += each
            continue
        space = space or each
        width += each * max(0, min(end, offset + len(text)) - max(start, offset))
        offset += len(text)
        if offset > end:
            break
    return width, space


def _ends_forced(line: Any) -> bool:
    """Whether a line box holds a ``<br>`` (WeasyPrint keeps it as an empty inline box)."""
    return any(getattr(child, "element_tag", "") == "br" or _ends_forced(child)
               for child in getattr(line, "children", []))


def _texts(box: Any) -> Iterator[str]:
    if hasattr(box, "text"):
        yield box.text
    for child in getattr(box, "children", []):
        yield from _texts(child)


def _leaves(box: Any, pictures: bool = False) -> Iterator[Any]:
    """The pieces of text in ``box``, in order; with ``pictures``, its replaced boxes (an
    image, a formula) too."""
    children = getattr(box, "children", None)
    if not children:
        if hasattr(box, "text") or (pictures and "Replaced" in type(box).__name__):
            yield box
        return
    for child in children:
        yield from _leaves(child, pictures)


@dataclass
class _Page:
    lines: list[_Line]
    blocks: list[tuple[str, Any]]
    sections: list[str]
    fill: float
    opens: bool
    first_figure: Any
    right_edge: float
    #: The document's root element, to name an element by its place in it.
    root: Any = None
    #: The boxes that start the page, outermost first.
    top: list[Any] = field(default_factory=list)
    #: The bottom edge of the page's text area.
    foot: float = 0.0


#: Values of ``break-before`` that force a new page.
_FORCED_BREAKS = frozenset({"page", "left", "right", "recto", "verso"})


def _read_page(page_box: Any) -> _Page:
    lines: list[_Line] = []
    blocks: list[tuple[str, Any]] = []
    sections: list[str] = []
    root = html_box = None
    top_boxes: list[Any] = []
    bottom = top = page_box.content_box_y()
    for child in page_box.children:
        if type(child).__name__ == "FootnoteAreaBox":
            if child.children:
                bottom = page_box.content_box_y() + page_box.height
            continue
        if getattr(child, "element_tag", None) == "html":
            root, html_box = child.element, child
            _walk(child, "", None, lines, blocks, sections)
            bottom = max(bottom, _content_bottom(child))
            top_boxes = _top_chain(child)
    opens = any(_classes(box.element) & {"chapter-opening", "back-title", "title-page",
                                         "handout-head", "imprint", "toc"}
                for _, box in blocks)
    first_figure = next((box.element for _, box in blocks
                         if box.element_tag in ("figure", "table")
                         or "table-wrap" in _classes(box.element)), None)
    if first_figure is not None:
        # the figure is what the page starts with: no text line above it (in the page's
        # content: the running head, in a margin box, is above everything)
        first_line_y = min(_line_ys(html_box), default=None)
        figure_y = _first_box_y(html_box, first_figure)
        if first_line_y is not None and figure_y is not None and first_line_y < figure_y - 1:
            first_figure = None
    return _Page(lines, blocks, sections, (bottom - top) / page_box.height, opens,
                 first_figure, page_box.content_box_x() + page_box.width, root, top_boxes,
                 top + page_box.height)


def _top_chain(box: Any) -> list[Any]:
    """The boxes that start the page: the root's first child, its first child, and so on."""
    chain = []
    while box is not None:
        chain.append(box)
        children = [child for child in getattr(box, "children", [])
                    if getattr(child, "element_tag", None)
                    and type(child).__name__ not in ("LineBox", "TextBox", "InlineBox")]
        box = children[0] if children else None
    return chain


def _starts_with_forced_break(page: _Page, before: _Page) -> bool:
    """Whether ``page`` starts where the layouts force a new page (a section that opens on
    a page of its own): the page before it then ends a section, however empty."""
    earlier = {id(box.element) for _, box in before.blocks}
    return any(box.style["break_before"] in _FORCED_BREAKS and id(box.element) not in earlier
               for box in page.top if getattr(box, "style", None) is not None)


def _ordinal(root: Any, element: Any) -> int:
    """The place of ``element`` among the elements of its tag in document order; -1 if it
    is not in ``root``."""
    if root is None or element is None:
        return -1
    for index, other in enumerate(root.iter(element.tag)):
        if other is element:
            return index
    return -1


def _line_ys(box: Any) -> Iterator[float]:
    if type(box).__name__ == "LineBox":
        if "".join(_texts(box)).strip():
            yield box.position_y
        return
    if getattr(box, "element_tag", None) in ("figure", "table"):
        return
    for child in getattr(box, "children", []):
        if type(child).__name__ != "FootnoteAreaBox":
            yield from _line_ys(child)


def _first_box_y(box: Any, element: Any) -> float | None:
    if getattr(box, "element", None) is element and getattr(box, "element_tag", None):
        return float(box.position_y)
    for child in getattr(box, "children", []):
        found = _first_box_y(child, element)
        if found is not None:
            return found
    return None


#: Elements that only wrap others: on a page they may reach its foot whatever they hold.
_WRAPPERS = frozenset({"html", "body", "section", "div", "article", "main", "header"})


def _content_bottom(box: Any) -> float:
    """The lowest edge of what is printed on the page: lines, pictures, framed boxes."""
    bottom = 0.0
    if getattr(box, "element_tag", None) not in _WRAPPERS and not isinstance(
            getattr(box, "height", None), str):
        bottom = float(box.position_y + box.margin_height() - box.margin_bottom)
    for child in getattr(box, "children", []):
        if hasattr(child, "position_y") and type(child).__name__ not in (
                "FootnoteAreaBox", "TextBox", "InlineBox"):
            bottom = max(bottom, _content_bottom(child))
    return bottom


#: Languages that capitalise every noun: a capital there does not mark a name.


def layout_faults(document: Any, language: str = "en") -> list[Fault]:
    """Every fault of the laid-out ``document``, in page order."""
    if not document.pages or _page_box(document.pages[0]) is None:
        return []
    return page_faults([_page_box(page) for page in document.pages], language)


def page_faults(page_boxes: list[Any], language: str = "en") -> list[Fault]:
    """Every fault of the laid-out page boxes (WeasyPrint's, as :func:`.internals.laid_out_box`
    gives them, or as a layout has just paginated them), in page order."""
    pages = [_read_page(box) for box in page_boxes]
    faults: list[Fault] = []
    for index, page in enumerate(pages):
        following = pages[index + 1] if index + 1 < len(pages) else None
        faults += _page_faults(index, page, following)
    faults += _split_faults(pages)
    faults += _short_last_page(pages)
    names = language.split("-")[0].lower() not in NOUNS_CAPITALISED
    faults += _hyphen_faults(pages, names)
    return sorted(faults, key=lambda fault: fault.page)


def _page_faults(index: int, page: _Page, following: _Page | None) -> list[Fault]:
    faults = []
    section = page.sections[-1] if page.sections else ""
    lines = [line for line in page.lines if line.text.strip()]
    # a heading at the foot of the page with fewer than two lines after it
    if following is not None and following.lines and not following.opens:
        for position, line in enumerate(lines):
            if line.tag in _HEADING_TAGS and len(lines) - position - 1 < 2 \
                    and line.element is not (lines[position + 1].element
                                             if position + 1 < len(lines) else None):
                faults.append(Fault(index, line.section, _element_text(line.element),
                                    f"heading “{_element_text(line.element)}” is stranded "
                                    "at the foot of the page", hint=HINTS["stranded"]))
                break
    for position, line in enumerate(lines):
        if line.right > page.right_edge + 1:
            faults.append(Fault(index, line.section, line.text[:60].strip(),
                                "a line runs past the measure", hint=HINTS["measure"]))
        after = lines[position + 1] if position + 1 < len(lines) else None
        if after is not None and _broken_early(line, after):
            # the words from the short line on: enough of them to find it in the source
            words = f"{line.text.strip()} {after.text.strip()}"[:60]
            faults.append(Fault(index, line.section, words,
                                f"a line breaks early: “{line.text.strip()[-30:]}” leaves "
                                "room for the next word", hint=HINTS["early"]))
    # a page more than a third empty that is not a chapter's (or a section's) end
    if following is not None and lines and not following.opens and following.lines \
            and page.fill < 1 - MOST_EMPTY and not _starts_with_forced_break(following, page):
        if following.first_figure is not None:
            what = _figure_words(following.first_figure)
            faults.append(Fault(index, section, what,
                                f"the figure “{what}” moved to the next page and left "
                                f"{1 - page.fill:.0%} of this page empty",
                                _figure_mend(following), hint=HINTS["figure"]))
        elif (box := _first_short_box(following)) is not None:
            what = _element_text(box, 6)
            faults.append(Fault(index, section, what,
                                f"the box “{what}” moved to the next page and left "
                                f"{1 - page.fill:.0%} of this page empty",
                                _move_mend(page.root, box, _TEXT_FILLERS),
                                hint=HINTS["box moved"]))
        else:
            last = lines[-1].element
            faults.append(Fault(index, section,
                                _element_text(last) if last is not None else "",
                                f"the page is {1 - page.fill:.0%} empty",
                                hint=HINTS["empty"]))
    return faults


def _short_last_page(pages: list[_Page]) -> list[Fault]:
    """A handout whose last page holds a line or four: a sheet more for every student,
    for what would fit on the page before if the handout's end were set a little tighter
    (:func:`.relayout.tighten`)."""
    if len(pages) < 2:
        return []
    last = pages[-1]
    lines = [line for line in last.lines if line.text.strip()]
    if not lines or len(lines) > MOST_LINES_ALONE or not any(
            "handout" in _classes(box.element) for _, box in last.blocks):
        return []
    return [Fault(len(pages) - 1, lines[0].section, _element_text(lines[0].element),
                  f"the last page holds only {len(lines)} line{'s' * (len(lines) > 1)}",
                  Mend("tighten", "body", 0), hint=HINTS["last page"])]


def _first_short_box(page: _Page) -> Any:
    """The box that never breaks (``box-short``) that ``page`` starts with, if any: like a
    figure, it went overleaf whole, and what follows it may fill the hole it left."""
    elements = (getattr(box, "element", None) for box in page.top)
    return next((element for element in elements if "box-short" in _classes(element)), None)


def _broken_early(line: _Line, following: _Line | None) -> bool:
    """Whether ``line``, in running text, ends although the first word of the line after
    it in the same paragraph would have fitted (with a word's worth to spare): no typesetter
    breaks there, and WeasyPrint has (see :mod:`.early_breaks`)."""
    if following is None or following.element is not line.element or line.forced \
            or line.tag not in _TEXT_TAGS or not line.room or not following.first_word:
        return False
    text = line.text.rstrip()
    if text[-1:] in _HYPHENS or text[-1:] == "\u00ad":
        return False
    spare = line.room - line.right - following.space
    return spare > following.first_word + following.space * 2


#: What a figure may be moved past to fill the hole it left: running text and boxes, not a
#: heading (the figure would leave its section) nor another figure.
_FILLERS = frozenset({"p", "ul", "ol", "dl", "blockquote", "aside"})
#: What a box may be moved past: running text only. Past another box, that box went
#: overleaf in its turn and was moved back, laid out twice for nothing.
_TEXT_FILLERS = _FILLERS - {"aside"}


def _figure_mend(page: _Page) -> Mend | None:
    """Move the figure that starts ``page`` after the element that follows it, if that is
    running text: laid out again, the text fills the page before, as a float would."""
    if page.first_figure is None:
        return None
    return _move_mend(page.root, page.first_figure)


def _move_mend(root: Any, element: Any, fillers: frozenset[str] = _FILLERS) -> Mend | None:
    """Move ``element`` (a figure, a box) after the element that follows it, if that is
    running text: laid out again, the text takes the room the element could not use, and
    the element comes after it, as a float would."""
    siblings, place = _siblings(root, element)
    following = siblings[place + 1] if place + 1 < len(siblings) else None
    if following is None or not isinstance(following.tag, str) \
            or following.tag not in fillers:
        return None
    return Mend("move-after", element.tag, _ordinal(root, element),
                past=(following.tag, _ordinal(root, following)))


def _move_up_mend(pages: list[_Page], index: int, element: Any) -> Mend | None:
    """Move a long box that split with a hole at the foot of its first part before the
    running text that precedes it on its page, as LaTeX sets a float at the top of the page
    it is called on: begun higher, the box ends on its page or splits with less left over,
    and the text fills in after it. Only past text that starts on the box's page (the box
    stays on its page) and that no heading leads into (the box would part them)."""
    here = pages[index]
    siblings, place = _siblings(here.root, element)
    if place < 2:
        return None
    previous, before = siblings[place - 1], siblings[place - 2]
    if not isinstance(previous.tag, str) or previous.tag not in _TEXT_FILLERS \
            or not isinstance(before.tag, str) or before.tag in _HEADING_TAGS:
        return None
    inside = _inside(previous)
    if not any(id(line.element) in inside for line in here.lines) or (index > 0 and any(
            id(line.element) in inside for line in pages[index - 1].lines)):
        return None
    return Mend("move-before", element.tag, _ordinal(here.root, element),
                past=(previous.tag, _ordinal(here.root, previous)))


def _siblings(root: Any, element: Any) -> tuple[list[Any], int]:
    """The children of ``element``'s parent in ``root``, and its place among them (an empty
    list if it has no parent there)."""
    if element is None or root is None:
        return [], 0
    parent = next((node for node in root.iter() if any(child is element for child in node)),
                  None)
    if parent is None:
        return [], 0
    siblings = list(parent)
    return siblings, next(index for index, child in enumerate(siblings) if child is element)


def _split_faults(pages: list[_Page]) -> list[Fault]:
    faults = []
    for index in range(len(pages) - 1):
        here, there = pages[index], pages[index + 1]
        ending = [line for line in here.lines if line.text.strip()]
        starting = [line for line in there.lines if line.text.strip()]
        if not ending or not starting:
            continue
        # one paragraph across the break: its lines on each side
        last, first = ending[-1].element, starting[0].element
        if last is first and last is not None and last.tag in _TEXT_TAGS:
            before = sum(1 for line in ending if line.element is last)
            after = sum(1 for line in starting if line.element is last)
            if before < 2 or after < 2:
                kind = "an orphan" if before < 2 else "a widow"
                faults.append(Fault(index, ending[-1].section, _element_text(last),
                                    f"{kind}: one line of the paragraph alone on a page",
                                    hint=HINTS["widow"]))
        boxes_here = {id(box.element): box for _, box in here.blocks
                      if "box" in _classes(box.element)}
        for _, box in there.blocks:
            element = box.element
            if id(element) not in boxes_here or "box" not in _classes(element):
                continue
            title = _element_text(element, 6)
            if "box-long" not in _classes(element):
                faults.append(Fault(index, ending[-1].section, title,
                                    f"the box “{title}” splits across pages",
                                    hint=HINTS["short box"]))
                continue
            inside = _inside(element)
            before = sum(1 for line in ending if id(line.element) in inside)
            after = sum(1 for line in starting if id(line.element) in inside)
            if before < BOX_SPLIT_LINES or after < BOX_SPLIT_LINES:
                first_over = next((line.element for line in starting
                                   if id(line.element) in inside), None)
                mend = (Mend("keep-with-previous", first_over.tag,
                             _ordinal(here.root, first_over))
                        if after < BOX_SPLIT_LINES <= before and first_over is not None
                        else None)
                faults.append(Fault(index, ending[-1].section, title,
                                    f"the box “{title}” splits with {before} and {after} "
                                    f"lines (at least {BOX_SPLIT_LINES} a side)", mend,
                                    hint=HINTS["box lines"]))
            last = max((line for line in ending if id(line.element) in inside),
                       key=lambda line: line.bottom, default=None)
            # what a box's first part may leave empty at its foot: a line or two
            if last is not None and last.height and here.foot:
                empty = (here.foot - last.bottom) / last.height
                # when only the box's last element went over, the box's closing padding and
                # rule had to fit beside it too
                closing = _closing_frame(boxes_here[id(element)]) if _only_last_child(
                    element, [line for line in starting if id(line.element) in inside]) else 0
                if empty > MOST_EMPTY_IN_BOX + closing / last.height:
                    faults.append(Fault(index, ending[-1].section, title,
                                        f"the box “{title}” splits with {empty:.0f} empty "
                                        "lines at the foot of its first part",
                                        _move_up_mend(pages, index, element),
                                        hint=HINTS["box foot"]))
            break
    return faults


def _only_last_child(box: Any, lines: list[_Line]) -> bool:
    """Whether ``lines`` (a box's on the page after a break) all belong to the box's last
    element, or to the last item of the list it ends with."""
    children = [child for child in box if isinstance(child.tag, str)]
    if not children or not lines:
        return False
    last = children[-1]
    items = [child for child in last if child.tag == "li"] if last.tag in ("ol", "ul") else []
    ending = _inside(items[-1] if items else last)
    return all(id(line.element) in ending for line in lines)


def _closing_frame(box: Any) -> float:
    """The height a box's foot takes when it ends on a page: its bottom padding and rule."""
    style = box.style
    padding = style["padding_bottom"]
    return float(getattr(padding, "value", 0) if getattr(padding, "unit", "px") == "px"
                 else 0) + float(style["border_bottom_width"])


def _inside(element: Any) -> set[int]:
    return {id(node) for node in element.iter()}


def _broken_word(line: _Line, following: _Line) -> str:
    """The word hyphenated at the end of ``line``, whole: its letters on both lines."""
    head = re.search(r"(\w+)\W*$", line.text.replace("\u00ad", "").rstrip()[:-1])
    tail = re.match(r"\W*?(\w+)", following.text)
    return (head.group(1) if head else "") + (tail.group(1) if tail else "")


def _keep_word_mend(page: _Page, run: list[tuple[_Line, _Line]]) -> Mend | None:
    """Forbid hyphenating the word broken at the last of a ``run`` of hyphenated lines that
    chapbook's hyphenation broke (not a compound at its own hyphen, which stays a break)."""
    for line, following in reversed(run):
        word = _broken_word(line, following)
        element = line.element
        if len(word) < 2 or element is None:
            continue
        text = "".join(element.itertext())
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text):
            return Mend("keep-word", element.tag, _ordinal(page.root, element), word)
    return None


def _hyphen_faults(pages: list[_Page], names: bool) -> list[Fault]:
    faults = []
    for index, page in enumerate(pages):
        lines = [line for line in page.lines if line.text.strip()]
        run: list[tuple[_Line, _Line]] = []
        for position, line in enumerate(lines[:-1]):
            following = lines[position + 1]
            text = line.text.replace("\u00ad", "").rstrip()
            hyphenated = (text[-1:] in _HYPHENS and following.element is line.element
                          and following.text.lstrip()[:1].isalpha()
                          and text[-2:-1].isalpha())
            run = [*run, (line, following)] if hyphenated else []
            if len(run) == 3:
                faults.append(Fault(index, line.section, text[-40:].strip(),
                                    "three hyphenated lines in a row",
                                    _keep_word_mend(page, run), hint=HINTS["hyphens"]))
            if hyphenated and names:
                word = text.split()[-1] if text.split() else ""
                start = word.lstrip("(“‘\"'[").rstrip("".join(_HYPHENS))
                rest = following.text.split()[0] if following.text.split() else ""
                # a compound broken at its own hyphen ("Stakhanovite-|style") is no broken name
                compound = line.element is not None and f"{start}-{rest}" in "".join(
                    line.element.itertext())
                if start[:1].isupper() and rest[:1].islower() and not compound:
                    broken = start + rest
                    faults.append(Fault(index, line.section, broken,
                                        f"the name “{broken}” is broken by a hyphen"))
    return faults

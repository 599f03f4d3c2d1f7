"""pandoc's ordered-list markers: ``(A)``, ``b)``, ``iv.``, ``#.``, ``3)``, examples ``(@)``.

markdown-it reads only CommonMark's ``1.`` and ``1)``, and nothing in mdit-py-plugins reads
more; its list rule takes the marker from a module function it does not let a caller change.
So this is markdown-it's list rule (MIT licence, rules_block/list.py of markdown-it-py 4.3),
with the task-list branch left out and the marker read as pandoc reads it:

* a number, ``#``, a letter, a roman numeral or ``@label``, followed by ``.`` or ``)``, or
  between ``(`` and ``)``;
* ``i``/``I`` alone starts a roman list and any other single letter an alphabetic one, as in
  pandoc; a later item is read in the style its list began with (``i.`` after ``h.`` is 9);
* a capital letter with a period needs two spaces after it, so that "B. Smith" at the start
  of a line stays a name;
* a change of style or delimiter starts a new list;
* only a list numbered from 1 in ``1.`` or ``1)`` may interrupt a paragraph (CommonMark), and
  a fancy marker only inside a list item (pandoc wants a blank line before a list).

The ``ordered_list_open`` token carries ``meta["style"]`` and ``meta["delim"]`` (pandoc's
names: ``LowerAlpha``, ``TwoParens``, ...) and ``meta["start"]``. Example items ``(@)`` and
``(@label)`` are numbered through the fragment, and ``env["examples"]`` maps each label to its
number for ``(@label)`` references in the text (:mod:`.example_refs`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.common.utils import isStrSpace
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.list import markTightParagraphs, skipBulletListMarker

_MARKER = re.compile(
    r"(?P<open>\()?(?P<body>[0-9]{1,9}|#|@[\w-]*|[ivxlcdm]+|[IVXLCDM]+|[a-zA-Z])(?P<delim>[.)])")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_VALID_ROMAN = re.compile(r"^m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


@dataclass(frozen=True)
class Marker:
    end: int  # position after the marker
    style: str
    delim: str
    value: int
    label: str = ""


def _roman(text: str) -> int | None:
    low = text.lower()
    if not low or not _VALID_ROMAN.match(low):
        return None
    total = 0
    for i, ch in enumerate(low):
        value = _ROMAN[ch]
        total += -value if i + 1 < len(low) and _ROMAN[low[i + 1]] > value else value
    return total


def _value(body: str, style: str | None) -> tuple[str, int] | None:
    """(style, value) of a marker's body, read in ``style`` if the list has one."""
    if body.isdigit():
        return ("Decimal", int(body)) if style in (None, "Decimal") else None
    if body == "#":
        return ("DefaultStyle", 1) if style in (None, "DefaultStyle") else None
    if body.startswith("@"):
        return ("Example", 1) if style in (None, "Example") else None
    if style is None:
        one = {"i": "LowerRoman", "I": "UpperRoman"}.get(body)
        if one:
            return one, 1
        candidates = ["LowerAlpha", "UpperAlpha", "LowerRoman", "UpperRoman"]
    else:
        candidates = [style]
    for name in candidates:
        lower = name.startswith("Lower")
        if name.endswith("Alpha") and len(body) == 1 and body.islower() == lower:
            return name, ord(body.lower()) - ord("a") + 1
        if name.endswith("Roman") and body.islower() == lower:
            number = _roman(body)
            if number:
                return name, number
    return None


def ordered_marker(state: StateBlock, line: int, style: str | None = None) -> Marker | None:
    start = state.bMarks[line] + state.tShift[line]
    maximum = state.eMarks[line]
    match = _MARKER.match(state.src, start, maximum)
    if not match:
        return None
    opened, delim = match.group("open"), match.group("delim")
    if opened and delim != ")":
        return None
    read = _value(match.group("body"), style)
    if read is None:
        return None
    end = match.end()
    if end < maximum and not isStrSpace(state.src[end]):
        return None
    kind, value = read
    if kind == "UpperAlpha" and delim == "." and not opened and (
            state.src[end:end + 2] not in ("  ", " \t") and state.src[end:end + 1] != "\t"
            and end < maximum):
        return None  # "B. Smith": pandoc wants two spaces after a capital and a period
    delim_name = "TwoParens" if opened else ("OneParen" if delim == ")" else "Period")
    if kind == "DefaultStyle" and delim_name == "Period":
        delim_name = "DefaultDelim"  # pandoc's name for "#."
    label = match.group("body")[1:] if kind == "Example" else ""
    return Marker(end, kind, delim_name, value, label)


def fancy_list_block(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:  # noqa: C901, N803 - markdown-it's rule, kept close to it
    isTerminatingParagraph = False  # noqa: N806
    tight = True

    if state.is_code_block(startLine):
        return False
    if (state.listIndent >= 0 and state.sCount[startLine] - state.listIndent >= 4
            and state.sCount[startLine] < state.blkIndent):
        return False
    if silent and state.parentType == "paragraph" and state.sCount[startLine] >= state.blkIndent:
        isTerminatingParagraph = True  # noqa: N806

    marker = ordered_marker(state, startLine)
    if marker is not None:
        isOrdered = True  # noqa: N806
        posAfterMarker = marker.end  # noqa: N806
        if isTerminatingParagraph:
            commonmark = marker.style == "Decimal" and marker.delim != "TwoParens"
            if not commonmark and state.listIndent < 0:
                return False
            if commonmark and marker.value != 1:
                return False
    else:
        posAfterMarker = skipBulletListMarker(state, startLine)  # noqa: N806
        if posAfterMarker < 0:
            return False
        isOrdered = False  # noqa: N806

    if isTerminatingParagraph and state.skipSpaces(posAfterMarker) >= state.eMarks[startLine]:
        return False
    markerChar = state.src[posAfterMarker - 1]  # noqa: N806
    if silent:
        return True

    listTokIdx = len(state.tokens)  # noqa: N806
    if isOrdered:
        assert marker is not None
        token = state.push("ordered_list_open", "ol", 1)
        start = marker.value
        if marker.style == "Example":
            start = state.env.get("example_count", 0) + 1
        if start != 1:
            token.attrs = {"start": start}
        token.meta = {"style": marker.style, "delim": marker.delim, "start": start}
    else:
        token = state.push("bullet_list_open", "ul", 1)
    token.map = listLines = [startLine, 0]  # noqa: N806
    token.markup = markerChar

    nextLine = startLine  # noqa: N806
    prevEmptyEnd = False  # noqa: N806
    terminatorRules = state.md.block.ruler.getRules("list")  # noqa: N806
    oldParentType = state.parentType  # noqa: N806
    state.parentType = "list"

    while nextLine < endLine:
        pos = posAfterMarker
        maximum = state.eMarks[nextLine]
        initial = offset = (state.sCount[nextLine] + posAfterMarker
                            - (state.bMarks[startLine] + state.tShift[startLine]))
        while pos < maximum:
            ch = state.src[pos]
            if ch == "\t":
                offset += 4 - (offset + state.bsCount[nextLine]) % 4
            elif ch == " ":
                offset += 1
            else:
                break
            pos += 1
        contentStart = pos  # noqa: N806
        indentAfterMarker = 1 if contentStart >= maximum else offset - initial  # noqa: N806
        if indentAfterMarker > 4:
            indentAfterMarker = 1  # noqa: N806
        indent = initial + indentAfterMarker

        token = state.push("list_item_open", "li", 1)
        token.markup = markerChar
        token.map = itemLines = [startLine, 0]  # noqa: N806
        if isOrdered:
            assert marker is not None
            token.info = state.src[state.bMarks[startLine] + state.tShift[startLine]:
                                   marker.end]
            if marker.style == "Example":
                number = state.env["example_count"] = state.env.get("example_count", 0) + 1
                if marker.label:
                    state.env.setdefault("examples", {})[marker.label] = number
                token.meta = {"example": number, "label": marker.label}

        oldTight = state.tight  # noqa: N806
        oldTShift = state.tShift[startLine]  # noqa: N806
        oldSCount = state.sCount[startLine]  # noqa: N806
        oldListIndent = state.listIndent  # noqa: N806
        state.listIndent = state.blkIndent
        state.blkIndent = indent
        state.tight = True
        state.tShift[startLine] = contentStart - state.bMarks[startLine]
        state.sCount[startLine] = offset

        if contentStart >= maximum and state.isEmpty(startLine + 1):
            state.line = min(state.line + 2, endLine)
        else:
            state.md.block.tokenize(state, startLine, endLine)

        if (not state.tight) or prevEmptyEnd:
            tight = False
        prevEmptyEnd = (state.line - startLine) > 1 and state.isEmpty(state.line - 1)  # noqa: N806

        state.blkIndent = state.listIndent
        state.listIndent = oldListIndent
        state.tShift[startLine] = oldTShift
        state.sCount[startLine] = oldSCount
        state.tight = oldTight

        token = state.push("list_item_close", "li", -1)
        token.markup = markerChar
        nextLine = startLine = state.line  # noqa: N806
        itemLines[1] = nextLine
        if nextLine >= endLine:
            break
        if state.sCount[nextLine] < state.blkIndent:
            break
        if state.is_code_block(startLine):
            break
        if any(rule(state, nextLine, endLine, True) for rule in terminatorRules):
            break
        if isOrdered:
            assert marker is not None
            following = ordered_marker(state, nextLine, marker.style)
            if following is None or following.delim != marker.delim:
                break
            marker = following
            posAfterMarker = following.end  # noqa: N806
        else:
            posAfterMarker = skipBulletListMarker(state, nextLine)  # noqa: N806
            if posAfterMarker < 0:
                break
            if markerChar != state.src[posAfterMarker - 1]:
                break

    token = state.push("ordered_list_close" if isOrdered else "bullet_list_close",
                       "ol" if isOrdered else "ul", -1)
    token.markup = markerChar
    listLines[1] = nextLine
    state.line = nextLine
    state.parentType = oldParentType
    if tight:
        markTightParagraphs(state, listTokIdx)
    return True


def fancy_lists_plugin(md: MarkdownIt) -> None:
    md.block.ruler.at("list", fancy_list_block,
                      {"alt": ["paragraph", "reference", "blockquote"]})

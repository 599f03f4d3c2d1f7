"""pandoc's line blocks: lines starting with ``| `` keep their breaks and leading spaces.

Poetry, song lyrics and addresses need the line breaks of the source, and poetry its
indentation. Each ``| `` line is one line of the block; a line that starts with a space
continues the line before it (a long verse line wrapped in the editor), and the spaces after
``| `` are kept as no-break spaces, as pandoc keeps them. The block is ``line_block_open``,
then per line ``line_open``, its ``inline`` and ``line_close``: a ``div`` each, so that a
line too long for the page wraps with a hanging indent instead of running into the next.
It runs after the pipe-table rule, which takes ``| a | b |`` lines that have a delimiter row.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from .table_tokens import line_content

_LINE = re.compile(r"^\|(?: |$)")
#: a pipe table's delimiter row (resolve/tables.py reports a table that has one but fails)
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")


def line_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.is_code_block(start) or not _LINE.match(line_content(state, start)):
        return False
    if start + 1 < end and _DELIMITER_ROW.match(line_content(state, start + 1)):
        return False  # a pipe table the table rule could not read: a paragraph, reported
    if silent:
        return True
    lines: list[tuple[int, str]] = []
    line = start
    while line < end and not state.isEmpty(line):
        text = line_content(state, line)
        if _LINE.match(text):
            body = text[2:]
            kept = len(body) - len(body.lstrip(" "))
            lines.append((line, "\u00a0" * kept + body.lstrip(" ")))
        elif state.sCount[line] > state.blkIndent and lines:
            first, previous = lines[-1]
            lines[-1] = (first, previous + " " + text.strip())
        else:
            break
        line += 1
    opening = state.push("line_block_open", "div", 1)
    opening.attrs = {"class": "line-block"}
    opening.map = [start, line]
    for number, text in lines:
        token = state.push("line_open", "div", 1)
        token.attrs = {"class": "line"}
        token.map = [number, number + 1]
        inline = state.push("inline", "", 0)
        inline.content = text or "\u00a0"  # an empty line keeps its height
        inline.map = [number, number + 1]
        inline.children = []
        state.push("line_close", "div", -1)
    state.push("line_block_close", "div", -1)
    state.line = line
    return True


def line_blocks_plugin(md: MarkdownIt) -> None:
    # no "alt": a line block interrupts nothing (pandoc wants a blank line before it), and
    # the table rule ends its rows at the block quote's terminators
    md.block.ruler.after("table", "line_block", line_block)

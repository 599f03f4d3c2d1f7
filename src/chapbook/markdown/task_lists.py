"""pandoc's task lists: ``- [ ] to do`` and ``- [x] done`` print a box, empty or ticked.

A worksheet's checklist wants boxes to tick with a pen. pandoc reads ``[ ]`` and ``[x]`` at
the start of a list item as the characters ☐ and ☒; the book's fonts have neither, so the
box is drawn by the layouts (``.task-box``, a bordered inline box, with a cross when done).
A core rule after the inline rules replaces the marker with that box (``meta["task"]``
holds pandoc's character, for the comparison with pandoc).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_MARKER = re.compile(r"^\[([ xX])\][ \t]+")


def _task_boxes(state: StateCore) -> None:
    tokens = state.tokens
    for i in range(len(tokens) - 2):
        if tokens[i].type != "list_item_open" or tokens[i + 1].type != "paragraph_open":
            continue
        inline = tokens[i + 2]
        children = inline.children or []
        if not children or children[0].type != "text":
            continue
        found = _MARKER.match(children[0].content)
        if not found:
            continue
        done = found.group(1) != " "
        children[0].content = children[0].content[found.end():]
        box = Token("html_inline", "", 0)
        # a checkbox to assistive technology, which says "checked" in the reader's own
        # language (an aria-label would be a fixed English word in any booklet)
        box.content = (f'<span class="task-box{" task-done" if done else ""}" role="checkbox" '
                       f'aria-checked="{"true" if done else "false"}" aria-readonly="true">'
                       '</span>')
        box.meta = {"task": "☒" if done else "☐"}
        children.insert(0, box)
        tokens[i].attrJoin("class", "task")


def task_lists_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("inline", "task_boxes", _task_boxes)

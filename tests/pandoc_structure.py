"""The structure of a Markdown text as pandoc reads it and as chapbook reads it, in one form.

Both sides become nested tuples: blocks by kind (``Para``, ``Plain``, ``OrderedList`` with
its start, style and delimiter, ``LineBlock`` with its lines, ``Table`` with caption,
alignments, column widths to two places (0 where the layout decides) and cells with their
spans), inline text flattened with a hard line break as
``\\n`` and a soft one as a space, and spans as ``[text]{classes attributes}``. What the two
would print alike is written alike: typographic quotes as straight ones, pandoc's
``SmallCaps``/``Underline`` as spans with those classes, HTML comments dropped (pandoc keeps
them as raw HTML, which its PDF writers leave out).
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it.token import Token

Block = tuple[Any, ...]

_ALIGN = {"left": "AlignLeft", "right": "AlignRight", "center": "AlignCenter", "": "AlignDefault"}


def _clean(text: str) -> str:
    """Whitespace collapsed, quotes straight; a line block's indentation (no-break spaces
    at the start) kept as one ``~`` per space, and a line of them only as empty."""
    rest = text.lstrip("\u00a0")
    if not rest.strip():
        return ""
    text = "~" * (len(text) - len(rest)) + rest.replace("\u00a0", " ")
    for curly, straight in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        text = text.replace(curly, straight)
    return re.sub(r"[ \t]+", " ", text).strip(" ")


# -- pandoc ------------------------------------------------------------------------------------

def _pandoc_inlines(inlines: list[dict]) -> str:
    out = []
    for node in inlines:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            out.append(content)
        elif kind in ("Space", "SoftBreak"):
            out.append(" ")
        elif kind == "LineBreak":
            out.append("\n")
        elif kind in ("Emph", "Strong", "Strikeout", "Superscript", "Subscript"):
            out.append(_pandoc_inlines(content))
        elif kind in ("SmallCaps", "Underline"):
            out.append(f"[{_pandoc_inlines(content)}]{{.{kind.lower()}}}")
        elif kind == "Span":
            (_, classes, pairs), inner = content
            attrs = " ".join([f".{c}" for c in classes] + [f"{k}={v}" for k, v in pairs])
            out.append(f"[{_pandoc_inlines(inner)}]{{{attrs}}}")
        elif kind == "Quoted":
            mark = '"' if content[0]["t"] == "DoubleQuote" else "'"
            out.append(mark + _pandoc_inlines(content[1]) + mark)
        elif kind == "Code":
            out.append(content[1])
        elif kind == "RawInline" and content[1].startswith("<!--"):
            continue
        else:
            raise AssertionError(f"the comparison does not know pandoc's {kind}")
    return _clean("".join(out))


def _pandoc_cell(cell: list) -> tuple:
    _, align, rowspan, colspan, blocks = cell
    return (pandoc_blocks(blocks), rowspan, colspan)


def pandoc_blocks(blocks: list[dict]) -> list[Block]:
    out: list[Block] = []
    for node in blocks:
        kind, content = node["t"], node.get("c")
        if kind in ("Para", "Plain"):
            out.append((kind, _pandoc_inlines(content)))
        elif kind == "Header":
            out.append(("Header", content[0], _pandoc_inlines(content[2])))
        elif kind == "BulletList":
            out.append(("BulletList", [pandoc_blocks(item) for item in content]))
        elif kind == "OrderedList":
            (start, style, delim), items = content
            out.append(("OrderedList", start, style["t"], delim["t"],
                        [pandoc_blocks(item) for item in items]))
        elif kind == "LineBlock":
            out.append(("LineBlock", [_pandoc_inlines(line) for line in content]))
        elif kind == "RawBlock" and content[1].lstrip().startswith("<!--"):
            continue
        elif kind == "Table":
            _, (_, caption), colspecs, head, bodies, _ = content
            caption_text = " ".join(b[1] for b in pandoc_blocks(caption))
            aligns = [spec[0]["t"] for spec in colspecs]
            widths = [round(spec[1].get("c", 0), 2) for spec in colspecs]
            head_rows = [[_pandoc_cell(c) for c in row[1]] for row in head[1]]
            body_rows = [[_pandoc_cell(c) for c in row[1]] for body in bodies
                         for row in body[3]]
            out.append(("Table", caption_text, aligns, widths, head_rows, body_rows))
        else:
            raise AssertionError(f"the comparison does not know pandoc's {kind}")
    return out


# -- chapbook ----------------------------------------------------------------------------------

def _inline_text(token: Token) -> str:
    out = []
    closings: list[str] = []
    for child in token.children or []:
        kind = child.type
        if kind in ("text", "code_inline"):
            out.append(child.content)
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append("\n")
        elif kind == "span_open":
            attrs = dict(child.attrs)
            classes = str(attrs.pop("class", "")).split()
            parts = [f".{c}" for c in classes] + [f"{k}={v}" for k, v in attrs.items()]
            out.append("[")
            closings.append("]{" + " ".join(parts) + "}")
        elif kind == "span_close":
            out.append(closings.pop())
        elif kind == "html_inline" and "task" in child.meta:
            out.append(child.meta["task"] + " ")
    return _clean("".join(out))


def chapbook_blocks(tokens: list[Token]) -> list[Block]:
    """The blocks of a token stream (front matter and footnotes aside)."""
    blocks, _ = _blocks(tokens, 0, len(tokens))
    return blocks


def _close_of(tokens: list[Token], i: int) -> int:
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    raise AssertionError("unbalanced tokens")


def _blocks(tokens: list[Token], start: int, end: int) -> tuple[list[Block], int]:
    out: list[Block] = []
    i = start
    while i < end:
        token = tokens[i]
        kind = token.type
        if kind == "paragraph_open":
            out.append(("Plain" if token.hidden else "Para", _inline_text(tokens[i + 1])))
            i += 3
        elif kind == "heading_open":
            out.append(("Header", int(token.tag[1]), _inline_text(tokens[i + 1])))
            i += 3
        elif kind in ("bullet_list_open", "ordered_list_open"):
            close = _close_of(tokens, i)
            items = []
            j = i + 1
            while j < close:
                item_close = _close_of(tokens, j)
                items.append(_blocks(tokens, j + 1, item_close)[0])
                j = item_close + 1
            if kind == "bullet_list_open":
                out.append(("BulletList", items))
            else:
                meta = token.meta
                out.append(("OrderedList", meta["start"], meta["style"], meta["delim"], items))
            i = close + 1
        elif kind == "line_block_open":
            close = _close_of(tokens, i)
            out.append(("LineBlock", [_inline_text(t) for t in tokens[i:close]
                                      if t.type == "inline"]))
            i = close + 1
        elif kind == "table_open":
            close = _close_of(tokens, i)
            out.append(_table(tokens, i, close))
            i = close + 1
        elif kind in ("html_block", "front_matter"):
            i += 1
        else:
            raise AssertionError(f"the comparison does not know chapbook's {kind}")
    return out, i


def _table(tokens: list[Token], start: int, close: int) -> Block:
    caption = ""
    groups: dict[str, list[list[tuple]]] = {"thead": [], "tbody": []}
    aligns: list[str] = []
    group = "tbody"
    i = start + 1
    while i < close:
        token = tokens[i]
        if token.type == "table_caption_open":
            caption = _inline_text(tokens[i + 1])
            i += 3
            continue
        if token.type in ("thead_open", "tbody_open"):
            group = token.type[:5]
        elif token.type == "tr_open":
            groups[group].append([])
        elif token.type in ("th_open", "td_open"):
            cell_close = _close_of(tokens, i)
            inner = tokens[i + 1:cell_close]
            if len(inner) == 1 and inner[0].type == "inline":
                content: list[Block] = [("Plain", _inline_text(inner[0]))] if inner[0].content \
                    else []
            else:
                content = _blocks(tokens, i + 1, cell_close)[0]
            groups[group][-1].append((content, int(token.attrs.get("rowspan", 1)),
                                      int(token.attrs.get("colspan", 1))))
            first_row = groups["thead"] if groups["thead"] else groups["tbody"]
            if len(first_row) == 1 and groups[group] is first_row:
                style = str(token.attrs.get("style", ""))
                aligns.append(style.split(":", 1)[1] if ":" in style else "")
            i = cell_close + 1
            continue
        i += 1
    aligns = tokens[start].meta.get("aligns", aligns)
    widths = [round(w, 2) for w in tokens[start].meta.get("widths") or [0] * len(aligns)]
    return ("Table", caption, [_ALIGN[a] for a in aligns], widths, groups["thead"],
            groups["tbody"])

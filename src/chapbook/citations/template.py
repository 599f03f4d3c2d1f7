"""The small template language of the style files.

A template is text with three kinds of slot::

    {title|quote}                 a variable, passed through filters left to right
    {author|names:bib ?? title}   alternatives: the first that is not empty; whichever
                                  variable is used is not printed again later
    [, {pages}]                   an optional group: printed only if every variable
                                  directly inside it is not empty
    <", " [{a}] [{b} x] {c}>      a list: the parts that are not empty, joined by the
                                  quoted separator (spaces between parts are ignored)
    {>creator}                    a macro defined in the style file's [macros]
    {author ?? >title-block}      a macro as an alternative: once used, a later
                                  {>title-block} prints nothing

A caller can pre-fill the used set: a variable name there is skipped by ``??`` and
prints nothing, and ``>name`` makes the macro ``name`` print nothing (the processor
does this for the author of ``[-@key]`` and of a narrative cite's note).

``\\[``, ``\\]``, ``\\{`` and ``\\}`` are literal brackets. Templates are parsed once per
style and cached; rendering calls back into a resolver (see
:mod:`chapbook.citations.variables`) for values and filters.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass


class TemplateError(ValueError):
    """A template that cannot be parsed; the message says where."""


@dataclass(frozen=True)
class Literal:
    text: str


@dataclass(frozen=True)
class Variable:
    alternatives: tuple[tuple[str, tuple[str, ...]], ...]  # (name, filters) pairs


@dataclass(frozen=True)
class Macro:
    name: str


@dataclass(frozen=True)
class Group:
    children: tuple[Literal | Variable | Macro | Group | Join, ...]


@dataclass(frozen=True)
class Join:
    separator: str
    parts: tuple[Variable | Macro | Group, ...]


Node = Literal | Variable | Macro | Group | Join


@functools.lru_cache(maxsize=1024)
def parse(template: str) -> Group:
    nodes, index = _parse_seq(template, 0, top=True)
    return Group(tuple(nodes))


def _parse_seq(text: str, index: int, top: bool) -> tuple[list[Node], int]:
    nodes: list[Node] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            nodes.append(Literal("".join(buffer)))
            buffer.clear()

    while index < len(text):
        ch = text[index]
        if ch == "\\" and index + 1 < len(text) and text[index + 1] in "[]{}\\":
            buffer.append(text[index + 1])
            index += 2
            continue
        if ch == "[":
            flush()
            children, index = _parse_seq(text, index + 1, top=False)
            nodes.append(Group(tuple(children)))
            continue
        if ch == "<" and text.startswith('<"', index):
            flush()
            node, index = _parse_join(text, index)
            nodes.append(node)
            continue
        if ch == "]":
            if top:
                raise TemplateError(f"unmatched ']' at character {index + 1} of {text!r}")
            flush()
            return nodes, index + 1
        if ch == "{":
            end = text.find("}", index)
            if end == -1:
                raise TemplateError(f"unclosed '{{' at character {index + 1} of {text!r}")
            flush()
            nodes.append(_parse_slot(text[index + 1 : end].strip(), text))
            index = end + 1
            continue
        buffer.append(ch)
        index += 1
    if not top:
        raise TemplateError(f"unclosed '[' in {text!r}")
    flush()
    return nodes, index


def _parse_join(text: str, index: int) -> tuple[Join, int]:
    """``<"sep" part part ...>`` starting at ``index``; returns the node and the end."""
    close_quote = text.find('"', index + 2)
    if close_quote == -1:
        raise TemplateError(f"unclosed separator quote in {text!r}")
    separator = text[index + 2 : close_quote]
    index = close_quote + 1
    parts: list[Variable | Macro | Group] = []
    while index < len(text):
        ch = text[index]
        if ch.isspace():
            index += 1
            continue
        if ch == ">":
            return Join(separator, tuple(parts)), index + 1
        if ch == "[":
            children, index = _parse_seq(text, index + 1, top=False)
            parts.append(Group(tuple(children)))
            continue
        if ch == "{":
            end = text.find("}", index)
            if end == -1:
                raise TemplateError(f"unclosed '{{' in {text!r}")
            slot = _parse_slot(text[index + 1 : end].strip(), text)
            if not isinstance(slot, (Variable, Macro, Group)):
                raise TemplateError(f"a join can hold variables, macros and groups: {text!r}")
            parts.append(slot)
            index = end + 1
            continue
        raise TemplateError(f"only {{...}} and [...] may stand inside <...> in {text!r}")
    raise TemplateError(f"unclosed '<' in {text!r}")


def _parse_slot(slot: str, whole: str) -> Node:
    if slot.startswith(">"):
        return Macro(slot[1:].strip())
    alternatives: list[tuple[str, tuple[str, ...]]] = []
    for alternative in slot.split("??"):
        pieces = [p.strip() for p in alternative.split("|")]
        if not pieces[0]:
            raise TemplateError(f"empty variable name in {{{slot}}} of {whole!r}")
        alternatives.append((pieces[0], tuple(p for p in pieces[1:] if p)))
    return Variable(tuple(alternatives))


Resolver = Callable[[str, tuple[str, ...]], str]


@dataclass
class RenderState:
    """What one render of one entry has used so far (for ``??`` substitution)."""

    resolve: Resolver
    macros: dict[str, str]
    used: set[str]
    depth: int = 0


def render(template: str, state: RenderState) -> str:
    text, _ = _render_group(parse(template), state)
    return text


def _render_group(group: Group, state: RenderState) -> tuple[str, bool]:
    """(text, complete): complete is False when a direct variable was empty."""
    out: list[str] = []
    complete = True
    for node in group.children:
        if isinstance(node, Literal):
            out.append(node.text)
        elif isinstance(node, Group):
            text, inner_complete = _render_group(node, state)
            if inner_complete:
                out.append(text)
        elif isinstance(node, Join):
            texts = []
            for part in node.parts:
                text, part_complete = _render_group(Group((part,)), state)
                if part_complete and text:
                    texts.append(text)
            if not texts:
                complete = False
            out.append(node.separator.join(texts))
        elif isinstance(node, Macro):
            if ">" + node.name in state.used:  # suppressed (the author of "-@key")
                complete = False
                continue
            text = _render_macro(node, state)
            if not text:
                complete = False
            out.append(text)
        else:
            text = ""
            for name, filters in node.alternatives:
                if name in state.used:
                    continue
                if name.startswith(">"):  # {author ?? >title-block}: a macro as alternative
                    text, printed = _render_alternative_macro(Macro(name[1:]), state)
                    if text:
                        state.used.add(name)
                        state.used.update(printed)
                        break
                    continue
                text = state.resolve(name, filters)
                if text:
                    if len(node.alternatives) > 1:
                        state.used.add(name)
                    break
            if not text:
                complete = False
            out.append(text)
    return "".join(out), complete


def _render_macro(node: Macro, state: RenderState) -> str:
    if state.depth > 8:
        raise TemplateError(f"macro {node.name!r} calls itself")
    body = state.macros.get(node.name)
    if body is None:
        raise TemplateError(f"unknown macro {node.name!r}")
    state.depth += 1
    text = render(body, state)
    state.depth -= 1
    return text


def _render_alternative_macro(node: Macro, state: RenderState) -> tuple[str, set[str]]:
    """A macro standing in for a name, and the variables it printed: those are used up,
    as a variable chosen by ``??`` is."""
    printed: set[str] = set()
    resolve = state.resolve

    def recording(name: str, filters: tuple[str, ...]) -> str:
        text = resolve(name, filters)
        if text:
            printed.add(name)
        return text

    state.resolve = recording
    try:
        return _render_macro(node, state), printed
    finally:
        state.resolve = resolve

"""YAML with the line of every value, so a bad value is reported where it is written.

PyYAML's ``safe_load`` forgets positions; composing the node graph keeps them. We walk the
graph once and build plain Python values plus a map from key paths to 1-based lines.
"""

from __future__ import annotations

import contextlib
import pickle
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..diagnostics import Diagnostics

Path_ = tuple[str | int, ...]

#: libyaml's C parser when PyYAML was built with it: five times faster on a long glossary.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YamlDoc:
    """Parsed data and where each part of it was written."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, *path: str | int) -> int:
        """The line of ``path`` or of its nearest parent that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 0)


#: The most values one YAML file may hold once its aliases are expanded: a long glossary has
#: a few thousand. An "alias bomb" (a list of ten aliases of a list of ten aliases ...) is a
#: few lines that expand to billions of values.
MAX_VALUES = 200_000
#: The deepest lists and mappings may nest.
MAX_DEPTH = 50


#: What to do about each limit the YAML goes over.
_ALIASES = "write the values out instead of repeating them with aliases"
_TWICE = "merge the two, or rename one"
_DEEP = "nest the values less deeply"


class _TooMuch(Exception):
    """The YAML goes over a limit or repeats a key; the message says which, ``line``
    where, ``hint`` what to do."""

    def __init__(self, message: str, line: int, hint: str):
        super().__init__(message)
        self.line = line
        self.hint = hint


def _construct(node: yaml.Node, path: Path_, lines: dict[Path_, int], offset: int,
               scalars: yaml.constructor.SafeConstructor, budget: list[int],
               open_nodes: set[int]) -> Any:
    line = node.start_mark.line + 1 + offset
    lines[path] = line
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooMuch(f"the YAML holds more than {MAX_VALUES:,} values once its aliases "
                       "(*name) are expanded", line, _ALIASES)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if id(node) in open_nodes:
            raise _TooMuch("a value holds itself (an alias inside the value it names)", line,
                           _ALIASES)
        if len(path) > MAX_DEPTH:
            raise _TooMuch(f"lists and mappings are nested more than {MAX_DEPTH} deep", line,
                           _DEEP)
        open_nodes.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                result: dict[Any, Any] = {}
                for key_node, value_node in node.value:
                    key = _construct(key_node, (*path, "\0key"), {}, offset, scalars, budget,
                                     open_nodes)
                    key = str(key) if not isinstance(key, (str, int)) else key
                    if key in result:
                        raise _TooMuch(f"the key '{key}' is given twice in one mapping (first "
                                       f"on line {lines[(*path, key)]}); the second would "
                                       "silently replace the first",
                                       key_node.start_mark.line + 1 + offset, _TWICE)
                    result[key] = _construct(value_node, (*path, key), lines, offset, scalars,
                                             budget, open_nodes)
                    lines[(*path, key)] = key_node.start_mark.line + 1 + offset
                return result
            return [_construct(n, (*path, i), lines, offset, scalars, budget, open_nodes)
                    for i, n in enumerate(node.value)]
        finally:
            open_nodes.discard(id(node))
    return scalars.construct_object(node, deep=True)


#: The YAML parsed in this process, once :func:`keep_parsed_yaml` is called: (text, line
#: offset) -> the pickled :class:`YamlDoc`, the most recently used last.
_parsed: OrderedDict[tuple[str, int], bytes] | None = None

#: How many parsed texts are kept: a booklet's front matters, glossary and timeline, and
#: room for those of a few more booklets or edits.
_KEPT_PARSED = 64


def keep_parsed_yaml() -> None:
    """Keep the YAML parsed from now on, for a process that reads the same booklet again on
    every save (a watcher): its front matters, glossary and timeline are nearly always
    unchanged. Each reader gets a copy of its own (read back from a pickle, quicker than
    the parse)."""
    global _parsed
    if _parsed is None:
        _parsed = OrderedDict()


def load_yaml(text: str, rel: str, diagnostics: Diagnostics, *, line_offset: int = 0
              ) -> YamlDoc | None:
    """Parse YAML text; on a syntax error report its line (shifted by ``line_offset``)."""
    if _parsed is None:
        return _parse(text, rel, diagnostics, line_offset)
    key = (text, line_offset)
    kept = _parsed.get(key)
    if kept is not None:
        # Readers take the rebuild lock (watching.py), but a memo must not fail a reader
        # if another thread evicted the text in between.
        with contextlib.suppress(KeyError):
            _parsed.move_to_end(key)
        doc: YamlDoc = pickle.loads(kept)  # noqa: S301 - this process's own
        return doc
    parsed = _parse(text, rel, diagnostics, line_offset)
    if parsed is not None:  # a text with a mistake is reported again, at its file
        _parsed[key] = pickle.dumps(parsed, pickle.HIGHEST_PROTOCOL)
        if len(_parsed) > _KEPT_PARSED:
            _parsed.popitem(last=False)
    return parsed


def _parse(text: str, rel: str, diagnostics: Diagnostics, line_offset: int
           ) -> YamlDoc | None:
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except RecursionError:
        diagnostics.error(rel, line_offset + 1, f"lists and mappings are nested more than "
                          f"{MAX_DEPTH} deep", hint=_DEEP)
        return None
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct starts (an unclosed '['), which is
        # where the writer must look; the problem mark is where the parser gave up.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 + line_offset if mark else line_offset
        column = mark.column + 1 if mark else 0
        problem = exc.problem or exc.context or "invalid YAML"
        if (mark is not None and exc.context_mark and exc.problem_mark
                and exc.problem_mark.line != mark.line):
            problem += f" (noticed on line {exc.problem_mark.line + 1 + line_offset})"
        diagnostics.error(rel, line, f"invalid YAML: {problem}", column=column,
                          hint="check the indentation and quote values that contain ': ' or '#'")
        return None
    except yaml.YAMLError as exc:
        diagnostics.error(rel, line_offset, f"invalid YAML: {exc}")
        return None
    if node is None:
        return YamlDoc(None, {(): line_offset + 1})
    lines: dict[Path_, int] = {}
    # A constructor turns each scalar into its Python value (int, bool, date ...) by YAML
    # 1.1's safe rules, and remembers every node it turned until its document is done, which
    # only its own document loop says. One per text, then: a single one kept for the process
    # kept every node of every front matter and glossary read since (a watcher's memory
    # grew with each save).
    scalars = yaml.constructor.SafeConstructor()
    try:
        data = _construct(node, (), lines, line_offset, scalars, [MAX_VALUES], set())
    except _TooMuch as exc:
        diagnostics.error(rel, exc.line, f"invalid YAML: {exc}", hint=exc.hint)
        return None
    except yaml.YAMLError as exc:
        diagnostics.error(rel, line_offset + 1, f"invalid YAML: {exc}")
        return None
    return YamlDoc(data, lines)

"""Named boxes: ``::: primary-source "Title"`` ... ``:::``, and passages in another language.

mdit-py-plugins' container plugin does the block parsing; this module fixes the set of names
a booklet may use, reads the optional quoted title, and finds the two mistakes the plugin
passes over silently: an unknown name (the plugin leaves it as a paragraph of text) and a
missing closing fence (the plugin runs the box to the end of the chapter).

pandoc's ``::: {lang=fr}`` ... ``:::`` is a passage in another language (the ``passage``
container): it keeps that language's quotation marks, spacing and hyphenation, as a span
``[...]{lang=fr}`` does. A box may carry a language too: ``::: {.note lang=fr}``.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

#: Box names and the heading printed when the writer gives no title.
BOXES: dict[str, str] = {
    "note": "Note",
    "key-facts": "Key facts",
    "primary-source": "Primary source",
    "source-check": "Source check",
    "activity": "Activity",
    "discussion": "Discussion",
    "teacher": "Teacher's note",
    "figure": "",
}

_INFO = re.compile(
    r"""^\s*(?P<name>[\w-]+)\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<rest>.*?))\s*$""")
OPENING = re.compile(r"^\s{0,3}(:{3,})\s*(\S.*)?$")


#: pandoc's attribute form of a div: ``::: {.note}`` or ``::: {#id .note}``.
_PANDOC_DIV = re.compile(r"^\s*\{[^}]*?\.(?P<name>[\w-]+)[^}]*\}\s*$")

#: The ``lang`` of a div's attributes: ``{lang=fr}``, ``{lang="de-AT"}``, ``{.note lang=fr}``.
_DIV_LANG = re.compile(r"""^\s*\{[^}]*?\blang=(["']?)"""
                       r"""(?P<lang>[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*)\1[\s}]""")

#: The container of a div that only gives a language.
PASSAGE = "passage"


def div_language(info: str) -> str:
    """``' {lang=fr}'`` -> ``'fr'``; '' if the div names no language."""
    match = _DIV_LANG.match(info)
    return match.group("lang") if match else ""


def parse_info(info: str) -> tuple[str, str]:
    """``' primary-source "Stalin speaks"'`` -> ``('primary-source', 'Stalin speaks')``;
    pandoc's ``{.note}`` names the box by its first class, with no title."""
    div = _PANDOC_DIV.match(info)
    if div:
        return div.group("name"), ""
    match = _INFO.match(info)
    if not match:
        return "", ""
    title = match.group("dq") or match.group("sq") or match.group("rest") or ""
    return match.group("name"), title.strip()


def _validator(name: str):
    def validate(params: str, markup: str) -> bool:
        return parse_info(params)[0] == name
    return validate


def _is_passage(params: str, markup: str) -> bool:
    return not _PANDOC_DIV.match(params) and bool(div_language(params))


def containers_plugin(md: MarkdownIt) -> None:
    for name in BOXES:
        container_plugin(md, name, validate=_validator(name))
    container_plugin(md, PASSAGE, validate=_is_passage)


def box_name(token: Token) -> str:
    """The box name of a ``container_*_open`` token, '' for other tokens."""
    if token.type.startswith("container_") and token.type.endswith("_open"):
        return token.type[len("container_"):-len("_open")]
    return ""

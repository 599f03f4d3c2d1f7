"""pandoc's bracketed spans: ``[text]{.smallcaps}``, ``[text]{.underline}``, ``[Text]{lang=de}``.

mdit-py-plugins' attribute plugin reads them (as ``span_open``/``span_close`` tokens with the
attributes); glossary marks ``[word]{.term}`` are read before it by :mod:`.terms`. Only the
attributes a printed page can use are kept: ``id``, ``class``, ``lang`` and ``dir``. Any other
(``style``, ``onclick``, ``data-x``) is set aside in the token's ``meta["insecure_attrs"]``,
and the check reports it (resolve/markup.py) rather than dropping it silently.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_plugin

#: The attributes a span keeps; the layouts style ``.smallcaps`` and ``.underline``.
SPAN_ATTRIBUTES = ("id", "class", "lang", "dir")


def spans_plugin(md: MarkdownIt) -> None:
    attrs_plugin(md, after=("span_close",), spans=True, allowed=SPAN_ATTRIBUTES)

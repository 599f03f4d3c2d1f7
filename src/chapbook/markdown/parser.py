"""One configured markdown-it parser for every piece of Markdown in a booklet."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

from ..citations.plugin import citations_plugin
from ..words import words_for
from .containers import containers_plugin
from .maths import maths_plugin
from .terms import terms_plugin
from .typography import typography_plugin

#: markdown-it's guard against hostile input: blocks nested deeper are left out.
MAX_NESTING = 20


@cache
def markdown_parser(language: str = "en", max_nesting: int = MAX_NESTING) -> MarkdownIt:
    """CommonMark with tables, footnotes, boxes, citations and glossary terms.

    Cached: building the rule chains costs more than parsing a short fragment, and the
    parser holds no per-document state (that lives in ``env``). ``max_nesting`` other than
    the default is for finding out what the limit cut (resolve/structure.py).
    """
    md = (
        MarkdownIt(
            "commonmark",
            # the language's quotation marks (locales/<lang>.toml), nested ones too
            {"typographer": True, "quotes": list(words_for(language).quotes),
             "maxNesting": max_nesting},
        )
        .enable(["table", "strikethrough", "replacements", "smartquotes"])
        .use(front_matter_plugin)
        .use(footnote_plugin)
        .use(deflist_plugin)
        .use(attrs_block_plugin)
        .use(containers_plugin)
        .use(terms_plugin)
        .use(citations_plugin)
        .use(maths_plugin)
        .use(sub_plugin)
        .use(superscript_plugin)
        .use(typography_plugin, language.split("-")[0].lower())
    )
    return md

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
from ..words import primary_language, words_for
from .comments import comments_plugin
from .containers import containers_plugin
from .example_refs import example_refs_plugin
from .fancy_lists import fancy_lists_plugin
from .grid_tables import grid_tables_plugin
from .heading_attributes import heading_attributes_plugin
from .line_blocks import line_blocks_plugin
from .maths import maths_plugin
from .multiline_tables import multiline_tables_plugin
from .simple_tables import simple_tables_plugin
from .spans import spans_plugin
from .table_captions import table_captions_plugin
from .task_lists import task_lists_plugin
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
    return (
        MarkdownIt(
            "commonmark",
            # the language's quotation marks (locales/<lang>.toml), nested ones too
            {"typographer": True, "quotes": list(words_for(language).quotes),
             "maxNesting": max_nesting},
        )
        .enable(["table", "strikethrough", "replacements", "smartquotes"])
        .use(front_matter_plugin)
        .use(fancy_lists_plugin)
        .use(example_refs_plugin)
        .use(footnote_plugin)
        .use(deflist_plugin)
        .use(attrs_block_plugin)
        .use(heading_attributes_plugin)
        .use(containers_plugin)
        .use(grid_tables_plugin)
        .use(multiline_tables_plugin)
        .use(simple_tables_plugin)
        .use(table_captions_plugin)
        .use(line_blocks_plugin)
        .use(terms_plugin)
        .use(spans_plugin)
        .use(citations_plugin)
        .use(comments_plugin)
        .use(task_lists_plugin)
        .use(maths_plugin)
        .use(sub_plugin)
        .use(superscript_plugin)
        .use(typography_plugin, primary_language(language))
    )

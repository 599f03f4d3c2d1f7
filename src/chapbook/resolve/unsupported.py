"""What pandoc would read as structure but chapbook prints as typed: a warning at its place.

A chapter copied from a pandoc or LaTeX project can hold constructs chapbook does not turn
into structure; printed as raw text they pass a check unnoticed. Each is reported with its
line and column and what to write instead:

* raw LaTeX: ``\\begin{tabular}``, ``\\cite{key}``, ``\\textbf{...}``, ``\\newpage`` (chapbook does
  not run LaTeX; pandoc would pass it to LaTeX or drop it);
* pandoc's raw blocks and spans for another format (```` ```{=latex} ````, ```` `x`{=html} ````);
* attributes after an image (``![a](b.png){width=50%}``) or a link, which chapbook does not
  read (a heading's, ``## Title {#id}``, it does: :mod:`..markdown.heading_attributes`);
* span attributes other than ``id``, ``class``, ``lang`` and ``dir``
  (:mod:`..markdown.spans`);
* Markdown inside an HTML block (``<td>This is *emphasized*</td>``), which pandoc reads and
  CommonMark prints as typed (reported once per block).

Mathematics (``$...$``) and sub/superscripts are left to the passes that read them.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from ..diagnostics import Diagnostics
from ..markdown.walk import block_line, column_of, inline_sites
from ..model import Book, Fragment

#: LaTeX commands taking an argument, or known commands that take none.
_LATEX = re.compile(
    r"\\(?:(?P<env>begin|end)\{(?P<name>[A-Za-z*]+)\}|(?P<cmd>[A-Za-z]{2,})\*?(?=[{\[])"
    r"|(?P<bare>newpage|clearpage|noindent|LaTeX|TeX|bigskip|medskip|smallskip|hfill|vfill"
    r"|maketitle|tableofcontents|centering|hline|linebreak|pagebreak|par)(?![A-Za-z]))")
_INSTEAD = {
    "cite": "cite with [@key] (pandoc's citation syntax)",
    "citep": "cite with [@key]", "citet": "cite with @key", "parencite": "cite with [@key]",
    "textcite": "cite with @key", "autocite": "cite with [@key]", "footcite": "cite with [@key]",
    "ref": "refer with @fig:x, @tbl:x or @sec:x", "cref": "refer with @fig:x, @tbl:x or @sec:x",
    "autoref": "refer with @fig:x, @tbl:x or @sec:x", "label": "give an id with {#fig:x} "
    "on the line above the figure box, table or heading",
    "textbf": "write **bold**", "emph": "write *emphasis*", "textit": "write *italics*",
    "underline": "write [text]{.underline}", "textsc": "write [text]{.smallcaps}",
    "footnote": "write a note with ^[text] or [^1]", "url": "write <https://...>",
    "href": "write [text](https://...)", "section": "write ## Heading",
    "subsection": "write ### Heading", "includegraphics": "write ![alt text](path)",
    "tabular": "write a pipe or grid table", "itemize": "write a list with - items",
    "enumerate": "write a numbered list with 1. items", "quote": "write a > block quote",
    "figure": "write a ::: figure box", "table": "write a table with a 'Table: ...' caption",
}
_RAW_FORMAT = re.compile(r"^\{=[\w-]+\}")
#: Markdown emphasis, strong emphasis or a link in the text of an HTML block.
_MARKDOWN_IN_HTML = re.compile(r"(\*\*?|__?)(?=\S)[^*_<>\n]+?(?<=\S)\1|\[[^\]\n]+\]\([^)\s]+\)")
_TAG = re.compile(r"<[^>]*>")


def _latex(fragment: Fragment, diagnostics: Diagnostics) -> None:
    for site in inline_sites(fragment):
        token = site.token
        if token.type != "text" or "\\" not in token.content:
            continue
        inside = 0  # in a \begin{...} already reported: its \hline and \\ are not
        for match in _LATEX.finditer(token.content):
            if match.group("env") == "end":
                inside = max(inside - 1, 0)
                continue
            if inside:
                continue
            if match.group("env"):
                inside += 1
            name = match.group("name") or match.group("cmd") or match.group("bare")
            instead = _INSTEAD.get(name, "write it in Markdown, or leave it out")
            diagnostics.warning(
                fragment.file, site.line,
                f"raw LaTeX '{match.group(0)}' is printed as typed: chapbook does not run "
                "LaTeX", column=column_of(fragment, site.line, match.group(0)), hint=instead)


def _attributes(fragment: Fragment, diagnostics: Diagnostics) -> None:
    for token in fragment.tokens:
        if token.type == "html_block":
            _markdown_in_html(fragment, token, diagnostics)
        if token.type == "fence" and _RAW_FORMAT.match(token.info.strip()):
            diagnostics.warning(
                fragment.file, block_line(fragment, token),
                f"a raw {token.info.strip()} block is not printed as that format: chapbook "
                "shows it as code", column=1,
                hint="write it in Markdown, or leave it out")
        if token.type != "inline":
            continue
        line = block_line(fragment, token)
        children = token.children or []
        for j, child in enumerate(children):
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            follows = children[j + 1] if j + 1 < len(children) else None
            if child.type in ("image", "code_inline", "link_close") and follows is not None and (
                    follows.type == "text"):
                _after(fragment, diagnostics, child, follows, line)
            insecure = child.meta.get("insecure_attrs") if child.meta else None
            if insecure:
                names = ", ".join(sorted(insecure))
                diagnostics.warning(
                    fragment.file, line, f"the span attribute{'s' * (len(insecure) > 1)} "
                    f"{names} {'are' if len(insecure) > 1 else 'is'} not used",
                    column=column_of(fragment, line, next(iter(insecure))),
                    hint="a span keeps id, class (.smallcaps, .underline, .term) and lang")


def _markdown_in_html(fragment: Fragment, token: Token, diagnostics: Diagnostics) -> None:
    """pandoc reads Markdown between the tags of an HTML block; CommonMark prints it as typed."""
    for offset, line in enumerate(token.content.split("\n")):
        found = _MARKDOWN_IN_HTML.search(_TAG.sub(lambda tag: " " * len(tag.group(0)), line))
        if found:
            diagnostics.warning(
                fragment.file, block_line(fragment, token) + offset,
                f"Markdown inside an HTML block is printed as typed: '{found.group(0)}'",
                column=found.start() + 1,
                hint="write the block in Markdown (a table, a list), or use HTML tags such "
                "as <em> inside it")
            return


def _after(fragment: Fragment, diagnostics: Diagnostics, child: Token, follows: Token,
           line: int) -> None:
    text = follows.content
    if child.type == "code_inline" and (raw := _RAW_FORMAT.match(text)):
        diagnostics.warning(fragment.file, line,
                            f"raw {raw.group(0)} code is printed as code, not as that format",
                            column=column_of(fragment, line, raw.group(0)),
                            hint="write it in Markdown, or leave it out")
    elif child.type in ("image", "link_close") and (attrs := re.match(r"\{[^}]*\}", text)):
        what = "image" if child.type == "image" else "link"
        diagnostics.warning(fragment.file, line,
                            f"the {what} attributes {attrs.group(0)} are printed as text",
                            column=column_of(fragment, line, attrs.group(0)),
                            hint="leave them out: a figure is sized by the layout")


def check_unsupported(book: Book, diagnostics: Diagnostics) -> None:
    for fragment in book.fragments():
        _latex(fragment, diagnostics)
        _attributes(fragment, diagnostics)

"""The maths pass: check every TeX formula and number the labelled display equations.

A formula chapbook cannot read is an error at its file, line and column (the column of the
character at fault when it is on the formula's first line), not raw TeX in the PDF. Display
equations with an id (``$$ ... $$ {#eq:label}``) are numbered through the booklet, as
pandoc-crossref numbers them, so ``@eq:label`` can print "Equation 2".
"""

from __future__ import annotations

from ..diagnostics import Diagnostics
from ..markdown.maths import formula_problem
from ..markdown.walk import block_line, column_of, inline_sites
from ..model import Book, Fragment


def _report(fragment: Fragment, line: int, column: int, tex: str, diagnostics: Diagnostics
            ) -> None:
    problem = formula_problem(tex)
    if problem is None:
        return
    offset, message = problem
    before = tex[:offset]
    if "\n" in before:
        line += before.count("\n")
        column = len(before.rsplit("\n", 1)[1]) + 1
    elif column:
        column += offset
    diagnostics.error(fragment.file, line, f"malformed formula: {message}", column=column,
                      hint="write TeX maths as pandoc reads it, e.g. $\\frac{1}{d^2}$; a "
                      "dollar sign for money is \\$")


def resolve_maths(book: Book, diagnostics: Diagnostics) -> None:
    number = 0
    for fragment in book.fragments():
        for token in fragment.tokens:
            if token.type != "math_block":
                continue
            line = block_line(fragment, token)
            _report(fragment, line, column_of(fragment, line, token.content), token.content,
                    diagnostics)
            if token.attrs.get("id"):
                number += 1
                token.meta["equation_number"] = number
        for site in inline_sites(fragment):
            token = site.token
            if token.type in ("math_inline", "math_inline_double"):
                # the site's column is that of the opening dollar(s)
                column = site.column + len(token.markup) if site.column else 0
                _report(fragment, site.line, column, token.content, diagnostics)

"""The PDF's page labels: what a viewer calls a page is the folio printed on it.

Without ``/PageLabels`` a viewer numbers pages from the cover, so the page printed "12" was
"16" in its page box and in "go to page". The booklet's front matter is numbered in lower
roman from its title page and the body in arabic from its first chapter page; a handout in
arabic from 1. WeasyPrint writes no labels; they are added to the catalog through
``write_pdf``'s ``finisher`` (a whole document) or by the join (a booklet laid out in parts).
"""

from __future__ import annotations

import pydyf

#: (index of the first page of a range, numbering style, number of that page): ``"r"`` lower
#: roman, ``"D"`` arabic, as in ISO 32000-1, 12.4.2.
LabelRange = tuple[int, str, int]


def booklet_labels(front_pages: int) -> list[LabelRange]:
    """Roman for the ``front_pages`` pages of front matter, arabic from 1 after them."""
    if front_pages <= 0:
        return [(0, "D", 1)]
    return [(0, "r", 1), (front_pages, "D", 1)]


def folio(index: int, ranges: list[LabelRange]) -> str:
    """The label of the page at ``index``: what is printed on it."""
    first, style, start = max((r for r in ranges if r[0] <= index), default=(0, "D", 1))
    number = start + index - first
    return _roman(number) if style == "r" else str(number)


def _roman(number: int) -> str:
    digits = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
              (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, letters in digits:
        while number >= value:
            out += letters
            number -= value
    return out


def page_labels(ranges: list[LabelRange]) -> pydyf.Dictionary:
    """The catalog's ``/PageLabels`` number tree for ``ranges``."""
    nums = pydyf.Array()
    for first, style, start in ranges:
        label = pydyf.Dictionary({"S": f"/{style}"})
        if start != 1:
            label["St"] = start
        nums += [first, label]
    return pydyf.Dictionary({"Nums": nums})


def add_page_labels(pdf: pydyf.PDF, ranges: list[LabelRange] | None) -> None:
    """Put the labels in ``pdf``'s catalog (nothing for ``None``)."""
    if ranges:
        pdf.catalog["PageLabels"] = page_labels(ranges)

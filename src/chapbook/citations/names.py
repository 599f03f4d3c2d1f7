"""Name lists as styles print them: order, initials, "and"/"&", serial comma, et al.

Every style differs only in a few switches (see :class:`NameFormat`), which a style
file sets per context (bibliography, citation, editor phrase ...). The rules:

* Chicago 18 §13.76-13.78: bibliography lists up to six authors, seven or more give
  the first three and "et al."; notes and author-date citations give the first author
  and "et al." for three or more. A suffix follows the given name without a comma
  ("Martin Luther King Jr.", "King, Martin Luther, Jr.").
* APA 7 §9.8: up to 20 authors in the reference list, then the first 19, an ellipsis
  and the last author; initials with a space ("R. W."), "&" before the last.
* MLA 9 §5.6: two authors "A, and B"; three or more "A, et al.".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chapbook.bibliography.model import Name


@dataclass(frozen=True)
class NameFormat:
    """How one name list is printed; the fields mirror the style file's keys."""

    order: str = "given-family"  # given-family | family-given | first-inverted | family
    initials: bool = False
    initial_sep: str = ". "  # "R. W." ; "" gives "RW"
    and_word: str = "and"  # "and", "&" or "" (comma only)
    delimiter: str = ", "
    serial_comma: str = "contextual"  # always | never | contextual (3+ names)
    sort_separator: str = ", "
    et_al_min: int = 0  # 0: never shorten
    et_al_use_first: int = 1
    et_al: str = "et al."
    et_al_delimiter: str = "contextual"  # comma before et al.: always | never | contextual
    ellipsis: bool = False  # APA: first N, "…", last
    # BibTeX's lower-case "von" part as biblatex's useprefix=false treats it: after the
    # given name when inverted ("Linden, Marcel van der") and left out of short forms.
    particle_in_sort_only: bool = False


def initials(given: str, sep: str = ". ") -> str:
    """``Lewis Henry`` -> ``L. H.``; ``Jean-Paul`` -> ``J.-P.``; ``R. W.`` stays."""
    out: list[str] = []
    for word in given.split():
        pieces = word.split("-")
        rendered = []
        for piece in pieces:
            letters = piece.strip(".")
            if not letters:
                continue
            # "Ch." and "Th." style digraph abbreviations are kept as written
            if piece.endswith(".") and len(letters) > 1 and letters[1:].islower():
                rendered.append(piece)
            else:
                rendered.append(letters[0] + sep.strip())
        out.append("-".join(rendered))
    joiner = " " if sep.endswith(" ") else ""
    return joiner.join(out).strip()


def format_name(name: Name, fmt: NameFormat, position: int) -> str:
    """One name; ``position`` 0 is the first in the list (for first-inverted order)."""
    if name.literal:
        return name.literal
    given = initials(name.given, fmt.initial_sep) if fmt.initials and name.given else name.given
    family = name.family
    if fmt.order == "family":
        if fmt.particle_in_sort_only:
            return family
        return f"{name.particle} {family}".strip()
    inverted = fmt.order == "family-given" or (fmt.order == "first-inverted" and position == 0)
    if inverted:
        if fmt.particle_in_sort_only:
            head = family
            tail = " ".join(p for p in (given, name.particle) if p)
        else:
            head = f"{name.particle} {family}".strip()
            tail = given
        text = head
        if tail:
            text += fmt.sort_separator + tail
        if name.suffix:
            text += fmt.sort_separator + name.suffix
        return text
    parts = [given, name.particle, family]
    text = " ".join(p for p in parts if p)
    if name.suffix:
        text += " " + name.suffix
    return text


def format_names(names: list[Name], fmt: NameFormat) -> str:
    """A whole list, shortened with "et al." or an ellipsis as ``fmt`` says."""
    people = [n for n in names if not n.is_others]
    has_others = len(people) < len(names)
    if not people:
        return ""
    shorten = (fmt.et_al_min and len(people) >= fmt.et_al_min) or has_others
    if shorten and fmt.ellipsis and len(people) >= max(fmt.et_al_min, 2) and not has_others:
        first = [format_name(n, fmt, i) for i, n in enumerate(people[: fmt.et_al_use_first])]
        last = format_name(people[-1], fmt, len(people) - 1)
        return fmt.delimiter.join(first) + fmt.delimiter + "… " + last
    if shorten:
        shown = people[: fmt.et_al_use_first] if fmt.et_al_min and len(
            people) >= fmt.et_al_min else people
        rendered = [format_name(n, fmt, i) for i, n in enumerate(shown)]
        comma = (fmt.et_al_delimiter == "always" or
                 (fmt.et_al_delimiter == "contextual" and len(rendered) > 1)) and \
            fmt.et_al_delimiter != "never"
        joined = fmt.delimiter.join(rendered)
        return joined + ("," if comma else "") + " " + fmt.et_al
    rendered = [format_name(n, fmt, i) for i, n in enumerate(people)]
    if len(rendered) == 1:
        return rendered[0]
    and_part = f"{fmt.and_word} " if fmt.and_word else ""
    serial = fmt.serial_comma == "always" or (fmt.serial_comma == "contextual" and
                                              len(rendered) > 2)
    # an inverted first name already ends in a given name: "Davies, R. W., and Oleg"
    if len(rendered) == 2 and fmt.order == "first-inverted" and fmt.serial_comma != "never":
        serial = True
    if len(rendered) == 2 and fmt.order == "family-given" and fmt.serial_comma != "never":
        serial = True
    if not fmt.and_word:
        return fmt.delimiter.join(rendered)
    last_delimiter = fmt.delimiter.rstrip() + " " if serial else " "
    return fmt.delimiter.join(rendered[:-1]) + last_delimiter + and_part + rendered[-1]


_SPACE = re.compile(r"\s+")


def name_sort_key(name: Name) -> str:
    """Family, then given, then particle: how Chicago and APA alphabetize."""
    return _SPACE.sub(" ", name.sort_key()).casefold()

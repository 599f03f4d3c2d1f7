"""The running text of the print HTML, apart from elements whose content is not markup.

The changes made to the HTML before layout (:mod:`.ties`, :mod:`.early_breaks`) work on
text and tags with regular expressions; a style sheet, a script, preformatted text or an
inline picture (SVG, MathML) must come through them as it was written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: Comments, and elements whose content is not markup nor running text, left alone: a "<p"
#: in them is no paragraph, and a tie in them would change what they say.
RAW = re.compile(r"<!--.*?-->|<(script|style|textarea|title|pre|svg|math)\b.*?</\1\s*>",
                 re.DOTALL | re.IGNORECASE)


def outside_raw(html: str, change: Callable[[str], str]) -> str:
    """``html`` with ``change`` made to each stretch of it between such elements (and
    comments)."""
    pieces: list[str] = []
    position = 0
    for raw in RAW.finditer(html):
        pieces.append(change(html[position:raw.start()]))
        pieces.append(raw.group(0))
        position = raw.end()
    pieces.append(change(html[position:]))
    return "".join(pieces)

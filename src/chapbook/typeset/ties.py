"""Places where a printed line must not break, tied before layout.

A book designer never lets a line end inside a number range ("famine of 1931–" / "33",
"the night of 30–" / "31 August", "pp. 877–" / "79"), between initials ("W." / "W.
Norton", "R." / "W. Davies"), between a number and its unit ("10" / "cm") or inside a
citation's author ("(Ruben" / "u. a. 1941)", "(Kotkin" / "2017)").
Unicode lets a line break after an en dash and at any space, and CSS has no rule for
these, so the print HTML is given the ties a typesetter would type by hand: a word joiner
(U+2060, which draws nothing and is left out of the PDF's text) after an en dash between
two digits, and a no-break space after such an initial, before a unit after a number, and
before a cited year or an abbreviation in a citation ("et al.", "u. a.").

A web address shown in the text breaks before a hyphen, never after it, as the Chicago
Manual asks ("eager-beaver-" / "s-legend" read as a word hyphenated by the typesetter): a
zero-width space before each of its hyphens and a word joiner after it (neither is in the
PDF's text, so the address copies whole).

Nor does a paragraph end with the tail of a hyphenated word ("catastro-" / "phe."), which
TeX discourages with ``\finalhyphendemerits``: the last word of a paragraph or list item
is set in a ``last-word`` span, which the layouts do not hyphenate; and a last word of five
characters or fewer ("records" / "pay.") is tied to the word before it, so that no last
line holds one short word alone. The HTML for screens is left as written: a browser's line
is as wide as its window.
"""

from __future__ import annotations

import re

from .markup_text import outside_raw

#: An en dash between two digits: a range of numbers, years or pages.
_RANGE = re.compile(r"(?<=\d)–(?=\d)")
#: A single letter and a full stop, then a space and a word: an initial, if both letters
#: are capitals, or an abbreviation, if the word is a letter and a full stop too (checked
#: in :func:`_initial`).
_INITIAL = re.compile(r"(?<![\w.])(\w)\. (?=(\w)(\.)?)")
#: A word long enough to be hyphenated (``hyphenate-limit-chars: 7``), then only closing
#: punctuation before the end of a paragraph, list item, definition or caption.
_LAST_WORD = re.compile(r"(?<![\w&#-])([^\W\d_]{7,})(?=[.,;:!?…”’»)\]]*\s*"
                        r"</(?:p|li|dd|figcaption)>)")
#: The space before a short last word (a runt, were it alone on the last line).
_RUNT = re.compile(r"(?<=[^\s>]) (?=[^\s<>]{1,5}\s*</(?:p|li|dd|figcaption)>)")
_TAG = re.compile(r"(<[^>]*>)")
#: A citation's link to its reference ("Kotkin 2017", "Davies and Wheatcroft 2004, 415"),
#: and the space before its year (or "n.d.") or an abbreviation ("et al.", "u. a.") in it.
_CITED = re.compile(r'(<a href="#ref-[^"<>]*"[^<>]*>)([^<]*)(</a>)')
_BEFORE_YEAR = re.compile(r" (?=(?:\d{4}|n\.d\.|et al|[^\W\d_]{1,3}\.))")
#: The space between a number and a unit of measurement (SI and the everyday ones), or a
#: unit or a quantity written out, in English or German ("102 tonnes", "200 per cent",
#: "6.5 million", "10 roubles", "24,4 Kubikmeter").
_UNIT = re.compile(
    r"(?<=\d) (?=(?:[nµmck]?m|[mk]?g|t|m?l|s|min|h|°C|K|[kM]?W|[kM]?J|h?Pa|lx|Hz|%"
    r"|tonnes?|tons?|per cent|percent|million|billion|roubles?|rubles?|kopecks?|dollars?"
    r"|(?:kilo|centi|milli)?(?:metres?|meters?)|hours?|minutes?|seconds?|days?|weeks?"
    r"|months?|years?|degrees?|(?:kilo)?grams?|litres?|liters?|Tonnen|Prozent|Millionen"
    r"|Milliarden|Rubel|Meter|Kilometer|Zentimeter|Millimeter|Kubikmeter|Stunden|Minuten"
    r"|Sekunden|Tage|Wochen|Monate|Jahre|Grad|Gramm|Kilogramm|Liter)(?![\w°]))")
#: The space inside "per cent", which is one word.
_PER_CENT = re.compile(r"(?<=\bper) (?=cent\b)")

#: A link whose text is its own address (a reference's URL, a bare link in the text).
_ADDRESS = re.compile(r'(<a href="(?:https?:|mailto:)[^"<>]*"[^<>]*>)([^<\s]+)(</a>)')

WORD_JOINER = "\u2060"


def tied(html: str) -> str:
    """``html`` with the ties of this module made in its text: ranges, initials, a cited
    year, a short last word, a last word kept whole (in its text, not in its tags nor in
    the elements :func:`.markup_text.outside_raw` leaves alone)."""
    return outside_raw(html, _tie)


def _tie(markup: str) -> str:
    parts = _TAG.split(markup)
    for index in range(0, len(parts), 2):  # the text between the tags
        text = _UNIT.sub("\u00a0", _RANGE.sub("–" + WORD_JOINER, parts[index]))
        text = _PER_CENT.sub("\u00a0", text)
        parts[index] = _INITIAL.sub(_initial, text)
    markup = _CITED.sub(lambda match: match.group(1) + _BEFORE_YEAR.sub(
        "\u00a0", match.group(2)) + match.group(3), "".join(parts))
    markup = _ADDRESS.sub(lambda match: match.group(1) + match.group(2).replace(
        "-", "\u200b-" + WORD_JOINER) + match.group(3), markup)
    markup = _RUNT.sub("\u00a0", markup)
    return _LAST_WORD.sub(r'<span class="last-word">\1</span>', markup)


def _initial(match: re.Match[str]) -> str:
    """Tie initials ("W. W. Norton") and abbreviations of two letters ("z. B.", "v. H.")."""
    letter, following, abbreviated = match.groups()
    if (letter.isupper() and following.isupper()) or abbreviated:
        return f"{letter}.\u00a0"
    return match.group(0)

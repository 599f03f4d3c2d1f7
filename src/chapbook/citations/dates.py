"""Dates as the styles print them.

* ``long``: Chicago and APA, "August 31, 1985"; ranges share what they can
  ("August 31–September 2, 1935", "June 1–5, 1936").
* ``month-day``: Chicago author-date periodicals, whose year already stands after the
  author: "August 31".
* ``apa``: APA's parenthesised date, "1985, August 31".
* ``mla``: day-month-year with MLA 9's month abbreviations (§5.57: months longer than
  four letters are abbreviated, "Sept." included): "31 Aug. 1985".
* ``year``: the year alone.
"""

from __future__ import annotations

import re

from chapbook.bibliography.model import DatePart, DateValue

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
MLA_MONTHS = ("Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.",
              "Oct.", "Nov.", "Dec.")
SEASONS = {21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}


def _month(part: DatePart, form: str) -> str:
    if part.season:
        return SEASONS.get(part.season, "")
    if not part.month:
        return ""
    return (MLA_MONTHS if form == "mla" else MONTHS)[part.month - 1]


#: day month year, as MLA ("3 June 1985", months abbreviated) and British styles
#: ("dmy": Cite Them Right's "3 June 1985") write dates
_DAY_FIRST = ("mla", "dmy")


def _year(part: DatePart) -> str:
    return str(part.year) if part.year > 0 else f"{-part.year + 1} BCE"


def format_part(part: DatePart, form: str, with_year: bool = True) -> str:
    month = _month(part, form)
    day = str(part.day) if part.day and part.month else ""
    year = _year(part) if with_year else ""
    if form in _DAY_FIRST:
        return " ".join(x for x in (day, month, year) if x)
    if form == "apa":
        md = f"{month} {day}".strip()
        return ", ".join(x for x in (year, md) if x)
    md = f"{month} {day}".strip()
    if not with_year:
        return md
    if day:
        return f"{md}, {year}"
    return " ".join(x for x in (month, year) if x)


_YEAR_AT_END = re.compile(r"\s+\d{1,4}$")


def format_date(value: DateValue | None, form: str = "long") -> str:
    """A date or date range in one of the forms above; "" when there is none."""
    if value is None:
        return ""
    if value.literal:
        return value.literal
    if form == "day-month":  # a newspaper's issue when the year stands before it
        return _YEAR_AT_END.sub("", format_date(value, "dmy"))
    start = value.start
    if start is None:
        return ""
    if form == "year":
        text = _year(start)
        if value.end is not None and value.end.year != start.year:
            text += "–" + _year(value.end)
        elif value.open_end:
            text += "–"
        return _flags(text, value)
    if form == "month-day":
        text = format_part(start, "long", with_year=False)
        if value.end is not None and (value.end.month, value.end.day) != (start.month,
                                                                           start.day):
            end_part = value.end
            if end_part.month == start.month and end_part.day:
                text += f"–{end_part.day}"
            else:
                text += "–" + format_part(end_part, "long", with_year=False)
        return text
    end = value.end
    if end is None:
        text = format_part(start, form)
        if value.open_end:
            text += "–"
        return _flags(text, value)
    if end.year != start.year:
        return _flags(f"{format_part(start, form)}–{format_part(end, form)}", value)
    # same year: share the year (and the month, when it is the same)
    if form in _DAY_FIRST:
        if end.month == start.month and start.day and end.day:
            return _flags(f"{start.day}–{end.day} {_month(start, form)} {_year(start)}", value)
        return _flags(f"{format_part(start, form, False)}–{format_part(end, form)}", value)
    if form == "apa":
        if end.month == start.month and start.day and end.day:
            return f"{_year(start)}, {_month(start, form)} {start.day}–{end.day}"
        return (f"{_year(start)}, {format_part(start, 'long', False)}–"
                f"{format_part(end, 'long', False)}")
    if end.month == start.month and start.day and end.day:
        return _flags(f"{_month(start, form)} {start.day}–{end.day}, {_year(start)}", value)
    return _flags(f"{format_part(start, form, False)}–{format_part(end, form)}", value)


def _flags(text: str, value: DateValue) -> str:
    if value.circa:
        return "ca. " + text
    if value.uncertain:
        return text + "?"
    return text

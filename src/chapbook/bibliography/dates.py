"""Dates in BibTeX (``year`` + ``month``) and biblatex (``date``, ISO 8601 / EDTF) form.

biblatex's ``date = {1935-08-31/1935-09-02}`` and the old ``year``/``month`` pair must
end up as the same value, or a style prints one kind and not the other.
"""

from __future__ import annotations

import re

from chapbook.bibliography.model import DatePart, DateValue

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_NAMES = {
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
    "august": 8, "september": 9, "sept": 9, "october": 10, "november": 11, "december": 12,
}
_EDTF_PART = re.compile(r"^(-?\d{1,4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def parse_month(value: str) -> int | None:
    """``jan``, ``January``, ``1`` or ``01`` to 1; None when it is not a month."""
    text = value.strip().strip("{}").strip().rstrip(".").lower()
    if text.isdigit() and len(text) <= 2:
        number = int(text)
        return number if 1 <= number <= 12 else None
    if text in MONTHS:
        return MONTHS[text]
    if text in _MONTH_NAMES:
        return _MONTH_NAMES[text]
    return MONTHS.get(text[:3]) if len(text) >= 3 and text[:3] in MONTHS else None


def _parse_part(text: str) -> DatePart | None:
    match = _EDTF_PART.match(text)
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is not None and 21 <= month <= 24:
        return DatePart(year, season=month)
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= 31:
        return None
    return DatePart(year, month, day)


def parse_edtf(value: str) -> DateValue | None:
    """An ISO/EDTF date or range; None if the text is not one (the caller reports it).

    Supported: ``1935``, ``1935-08``, ``1935-08-31``, ranges with ``/``, open ends
    (``1935/..`` or ``1935/``), ``~`` (circa), ``?`` (uncertain), seasons 21-24.
    """
    text = value.strip()
    if not text:
        return None
    circa = "~" in text or "%" in text
    uncertain = "?" in text or "%" in text
    text = text.replace("~", "").replace("?", "").replace("%", "")
    if "/" in text:
        first, _, second = text.partition("/")
        start = _parse_part(first) if first and first != ".." else None
        if first and first != ".." and start is None:
            return None
        if second in ("", ".."):
            return DateValue(start, None, circa, uncertain, open_end=True)
        end = _parse_part(second)
        if end is None:
            return None
        return DateValue(start, end, circa, uncertain)
    part = _parse_part(text)
    if part is None:
        return None
    return DateValue(part, None, circa, uncertain)


def from_year_month(year: str, month: str = "", day: str = "") -> DateValue | None:
    """BibTeX's ``year``/``month``/``day``; ``year = {1935--1936}`` is a range too."""
    text = year.strip()
    range_match = re.fullmatch(r"(\d{1,4})\s*(?:-{1,3}|–|—|/)\s*(\d{1,4})", text)
    if range_match:
        return DateValue(DatePart(int(range_match.group(1))), DatePart(int(range_match.group(2))))
    # a year has at most four digits, as in EDTF above (and int() refuses 4,300 digits)
    if not text.lstrip("-").isdigit() or len(text.lstrip("-")) > 4:
        return None
    month_number = parse_month(month) if month else None
    day_number = int(day) if day.strip().isdigit() and len(day.strip()) <= 2 \
        and month_number else None
    return DateValue(DatePart(int(text), month_number, day_number))

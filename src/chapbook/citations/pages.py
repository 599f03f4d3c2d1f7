"""Page ranges: an en dash between numbers, shortened as each style says.

* ``chicago``: Chicago 18 §9.63 — keep all digits below 100 and for multiples of 100
  (100–104, 1100–1113); 101–109 style ranges give the changed part only (101–8,
  808–33, 1103–4); otherwise at least two digits (321–28, 498–532, 1087–89).
* ``expanded``: APA 7 gives both numbers in full (259–292).
* ``minimal-two``: MLA 9 §5.58 — the second number to two digits unless more are
  needed (21–32, 91–113, 1,608–774 written here as 1608–774).
Roman numerals and anything else that is not a plain range are left as written,
with a hyphen turned into an en dash.
"""

from __future__ import annotations

import re

_RANGE = re.compile(r"^\s*(\d+)\s*(?:-{1,2}|–|—)\s*(\d+)\s*$")
_PAIR = re.compile(r"(\d+)\s*(?:-{1,2}|–)\s*(\d+)")


def _chicago(first: str, second: str) -> str:
    a, b = int(first), int(second)
    if len(second) < len(first):  # already abbreviated: expand, then re-abbreviate
        b = int(first[: len(first) - len(second)] + second)
        second = str(b)
    if b <= a:
        return f"{first}–{second}"
    if a < 100 or a % 100 == 0:
        return f"{a}–{b}"
    if len(str(a)) != len(str(b)):
        return f"{a}–{b}"
    if (a % 100) < 10:  # 101–108, 1103–1104: changed part only
        return f"{a}–{_changed(str(a), str(b), 1)}"
    return f"{a}–{_changed(str(a), str(b), 2)}"


def _changed(a: str, b: str, minimum: int) -> str:
    """The digits of b from the first one that differs from a, at least ``minimum``."""
    index = 0
    while index < len(a) and a[index] == b[index]:
        index += 1
    keep = max(len(b) - index, minimum)
    return b[-keep:]


def _expanded(first: str, second: str) -> str:
    if len(second) < len(first):
        second = first[: len(first) - len(second)] + second
    return f"{first}–{second}"


def _minimal_two(first: str, second: str) -> str:
    full = _expanded(first, second).split("–")[1]
    if int(full) <= int(first) or len(full) != len(first):
        return f"{first}–{full}"
    return f"{first}–{_changed(first, full, 2)}"


_FORMS = {"chicago": _chicago, "expanded": _expanded, "minimal-two": _minimal_two}


def format_page_range(text: str, form: str = "chicago") -> str:
    """``259--292`` -> ``259–92`` (Chicago), ``259–292`` (APA), ``259–92`` (MLA).

    Lists (``12-15, 33``) are formatted pair by pair.
    """
    if not text:
        return ""
    formatter = _FORMS.get(form)
    if formatter is None:
        return _PAIR.sub(lambda m: f"{m.group(1)}–{m.group(2)}", text)
    return _PAIR.sub(lambda m: formatter(m.group(1), m.group(2)), text.strip())

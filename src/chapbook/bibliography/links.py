"""Which links a booklet may print, for every place one is printed.

A link is printed, never fetched, so only schemes that run code or name local files when a
reader clicks them are refused. The build (resolve/rawhtml.py) and ``chapbook refs`` ask the
same questions here, so that a reference list pasted into a learning platform is held to
the rule a booklet is.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from chapbook.bibliography.model import Bibliography
from chapbook.diagnostics import Diagnostics

#: Link schemes refused in links, raw HTML and bibliography URLs.
HOSTILE_LINK_SCHEMES = frozenset(("javascript", "vbscript", "file", "data", "blob",
                                  "filesystem"))


def link_problem(url: str) -> str | None:
    """Why the link ``url`` is refused, or None."""
    scheme = urlsplit(url.strip()).scheme.lower()
    # Browsers ignore tabs and newlines inside a scheme ("java\tscript:").
    scheme = re.sub(r"[\s\x00-\x1f]", "", scheme)
    if scheme in HOSTILE_LINK_SCHEMES:
        return f"'{scheme}:' links are not allowed in a booklet"
    return None


def check_links(bibliography: Bibliography, diagnostics: Diagnostics) -> None:
    """Each entry's ``url`` and ``doi`` a reader could click, as errors at their field."""
    for entry in bibliography.entries.values():
        for name in ("url", "doi"):
            value = entry.raw.get(name) or entry.fields.get(name, "")
            problem = link_problem(value) if value else None
            if problem:
                diagnostics.error(
                    entry.file, entry.field_line(name),
                    f"the {name} of '{entry.key}' is refused: {problem}",
                    hint="give the web address of the work (https://...)")

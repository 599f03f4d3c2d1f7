"""The timeline file: a YAML list of dated events, printed as a table in the back matter."""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Diagnostics
from ..model import Fragment, TimelineEvent
from .text import read_source
from .yamlfile import load_yaml

#: The most events a timeline may have: it is laid out as one table, which WeasyPrint lays
#: out slowly when it is long (10,000 events took 29 s and 582 MB); tables are capped at
#: 500 rows for the same reason.
MAX_EVENTS = 500


def load_timeline(root: Path, rel: str, diagnostics: Diagnostics) -> list[TimelineEvent]:
    if not rel:
        return []
    path = root / rel
    if not (path.exists() or path.is_symlink()):
        diagnostics.error("chapbook.toml", 0, f"the timeline file '{rel}' does not exist",
                          hint="fix 'timeline' in chapbook.toml or create the file")
        return []
    text = read_source(path, rel, diagnostics, root)
    if text is None:
        return []
    doc = load_yaml(text, rel, diagnostics)
    if doc is None or doc.data is None:
        return []
    if not isinstance(doc.data, list):
        diagnostics.error(rel, 1, "the timeline must be a list of '- date: ...' / 'event: ...'")
        return []
    if len(doc.data) > MAX_EVENTS:
        diagnostics.error(rel, doc.line(MAX_EVENTS),
                          f"the timeline has {len(doc.data):,} events, more than the "
                          f"{MAX_EVENTS} chapbook lays out",
                          hint="keep the events a reader needs; a long chronology belongs "
                          "in a table of its own chapter, split into several")
        return []
    events = []
    for i, item in enumerate(doc.data):
        line = doc.line(i)
        if not isinstance(item, dict) or "date" not in item or "event" not in item:
            diagnostics.error(rel, line, "each timeline item needs 'date' and 'event'")
            continue
        unknown = set(item) - {"date", "event"}
        for key in sorted(map(str, unknown)):
            diagnostics.error(rel, doc.line(i, key), f"unknown timeline field '{key}'",
                              hint="valid fields: date, event")
        events.append(TimelineEvent(
            date=str(item["date"]),
            event=Fragment(rel, doc.line(i, "event"), str(item["event"]).strip(), inline=True),
        ))
    return events

"""The glossary file: one YAML mapping from term key to its entry.

YAML rather than a Markdown definition list because an entry has several named parts
(original form and language, transliteration, other forms, see-also) that a definition
list could only encode by convention.
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Diagnostics, with_suggestion
from ..model import Fragment, GlossaryEntry
from .text import read_source
from .yamlfile import load_yaml

ENTRY_KEYS = ("term", "definition", "original", "original_lang", "translit", "russian", "forms",
              "see")


def load_glossary(root: Path, rel: str, diagnostics: Diagnostics,
                  unread: list[str] | None = None) -> dict[str, GlossaryEntry]:
    """The glossary's entries; ``rel`` goes to ``unread`` if the file cannot be read."""
    path = root / rel
    if not rel or not (path.exists() or path.is_symlink()):
        return {}
    text = read_source(path, rel, diagnostics, root)
    doc = load_yaml(text, rel, diagnostics) if text is not None else None
    if text is None or doc is None:
        if unread is not None:
            unread.append(rel)
        return {}
    if doc.data is None:
        return {}
    if not isinstance(doc.data, dict):
        diagnostics.error(rel, 1, "the glossary must map each term key to its entry",
                          hint="start each entry with 'key:' at the left margin")
        if unread is not None:
            unread.append(rel)
        return {}
    entries: dict[str, GlossaryEntry] = {}
    for key, item in doc.data.items():
        key = str(key)
        line = doc.line(key)
        if isinstance(item, str):
            item = {"definition": item}
        if not isinstance(item, dict):
            diagnostics.error(rel, line, f"glossary entry '{key}' must have 'definition: ...'")
            continue
        for field_name in item:
            if field_name not in ENTRY_KEYS:
                diagnostics.error(
                    rel, doc.line(key, field_name),
                    with_suggestion(f"unknown glossary field '{field_name}'", str(field_name),
                                    ENTRY_KEYS),
                    hint="valid fields: " + ", ".join(ENTRY_KEYS))
        definition = item.get("definition")
        if not isinstance(definition, str) or not definition.strip():
            diagnostics.error(rel, line, f"glossary entry '{key}' has no definition",
                              hint="add 'definition: ...' under it")
            definition = ""
        entries[key] = GlossaryEntry(
            key=key,
            term=str(item.get("term") or key),
            definition=Fragment(rel, doc.line(key, "definition"), definition.strip()),
            original=str(item.get("original") or item.get("russian") or ""),
            original_lang=str(item.get("original_lang")
                              or ("ru" if item.get("russian") else "")),
            translit=str(item.get("translit") or ""),
            forms=_strings(item.get("forms"), rel, doc.line(key, "forms"), diagnostics),
            see=_strings(item.get("see"), rel, doc.line(key, "see"), diagnostics),
            file=rel,
            line=line,
        )
    for entry in entries.values():
        for other in entry.see:
            if other not in entries:
                diagnostics.error(rel, doc.line(entry.key, "see"), with_suggestion(
                    f"'see' names '{other}', which the glossary does not define", other, entries))
        entry.see = [other for other in entry.see if other in entries]
    return entries


def _strings(value: object, rel: str, line: int, diagnostics: Diagnostics) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return [str(v) for v in value]
    diagnostics.error(rel, line, "expected a list of words, e.g. [kulaks, kulak's]")
    return []

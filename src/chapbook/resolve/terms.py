"""The glossary-term pass: match marks to entries, number uses, derive key terms.

A mark is resolved by its explicit key, else by its visible text against each entry's key,
headword and other forms, ignoring case. Every use gets an anchor id so the glossary can list
the page it lands on; the first use in each chapter is flagged so the layout can make it
stand out.
"""

from __future__ import annotations

import functools
import re

from ..diagnostics import Diagnostics, with_suggestion
from ..markdown.walk import inline_sites
from ..model import Book, Chapter, GlossaryEntry, TermUse
from ..words import without_accents


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so 'Kulturnost' matches 'kul'turnost'' loosely."""
    text = without_accents(text.casefold())
    return re.sub(r"[\s\u00a0]+", " ", text.replace("’", "'")).strip()


def form_index(glossary: dict[str, GlossaryEntry]) -> dict[str, str]:
    index: dict[str, str] = {}
    for entry in glossary.values():
        for form in (entry.key, entry.term, *entry.forms):
            index.setdefault(fold(form), entry.key)
    return index


def resolve_terms(book: Book, diagnostics: Diagnostics) -> None:
    index = form_index(book.glossary)
    for entry in book.glossary.values():
        entry.uses = []
    counter = 0
    for chapter in book.chapters:
        chapter.key_terms = []
        chapter.student_key_terms = []
        seen_in_chapter: set[str] = set()
        for fragment in chapter.fragments():
            for site in inline_sites(fragment):
                token = site.token
                if token.type != "term":
                    continue
                wanted = token.meta["key"]
                key = wanted if wanted in book.glossary else (
                    None if wanted else index.get(fold(token.meta["text"])))
                if key is None and book.config.glossary in book.unread:
                    token.meta["resolved"] = None  # the glossary's own error says why
                    continue
                if key is None:
                    name = wanted or token.meta["text"]
                    diagnostics.error(
                        site.fragment.file, site.line,
                        with_suggestion(f"the term '{name}' is not in the glossary", name,
                                        [*book.glossary, *index]),
                        column=site.column,
                        hint=f"add it to {book.config.glossary}, or add '{name}' to the "
                        "'forms' of the entry it belongs to")
                    token.meta["resolved"] = None
                    continue
                counter += 1
                first = key not in seen_in_chapter
                seen_in_chapter.add(key)
                use = TermUse(key, f"t-{key}-{counter}", chapter.slug, first,
                              site.teacher_only)
                token.meta["resolved"] = use
                book.glossary[key].uses.append(use)
                if first:
                    chapter.key_terms.append(key)
                if not site.teacher_only and key not in chapter.student_key_terms:
                    chapter.student_key_terms.append(key)
    _report_unused(book, diagnostics)
    owner = _term_forms(book)
    for chapter in book.chapters:
        _hint_unmarked(chapter, owner, diagnostics)


def _report_unused(book: Book, diagnostics: Diagnostics) -> None:
    if book.unread:  # the unread chapter may be the one that marks them
        return
    linked = {other for entry in book.glossary.values() for other in entry.see}
    for entry in book.glossary.values():
        if not entry.uses:
            diagnostics.warning(
                entry.file, entry.line,
                f"the term '{entry.key}' is defined but never marked in a chapter"
                + (" (only reached by 'see')" if entry.key in linked else ""),
                hint=f"mark a use with [{entry.term}]{{.term}}, or remove the entry")


def _hint_unmarked(chapter: Chapter, owner: dict[str, GlossaryEntry],
                   diagnostics: Diagnostics) -> None:
    """Mentions of a defined term in a chapter that never marks it: probably a missed mark.

    One regular expression of every form in the glossary, compiled once per glossary and
    kept (the watcher and an editor check again and again), not one per term or chapter: a
    book-length chapter has thousands of text tokens. A mention of a term the chapter does
    mark is passed over, and so is a shorter term inside it ("Plan" in "Five-Year Plan").
    """
    if not owner:
        return
    pattern = _forms_pattern(tuple(owner))
    marked = set(chapter.key_terms)
    reported: set[str] = set()
    for site in inline_sites(chapter.body):
        if site.token.type != "text":
            continue
        for match in pattern.finditer(site.token.content):
            entry = owner.get(fold(match.group(0)))
            if entry is None or entry.key in marked or entry.key in reported:
                continue
            reported.add(entry.key)
            diagnostics.hint(
                chapter.rel, site.line,
                f"'{match.group(0)}' is the glossary term '{entry.key}', never marked in "
                "this chapter",
                hint=f"write [{match.group(0)}]{{term=\"{entry.key}\"}} to list it in the "
                "chapter's key terms")


def _term_forms(book: Book) -> dict[str, GlossaryEntry]:
    """Every form of every term long enough to look for, folded, with its entry."""
    owner: dict[str, GlossaryEntry] = {}
    for entry in book.glossary.values():
        for form in (entry.term, *entry.forms):
            if len(form) > 3:
                owner.setdefault(fold(form), entry)
    return owner


@functools.lru_cache(maxsize=8)
def _forms_pattern(forms: tuple[str, ...]) -> re.Pattern[str]:
    """Any of ``forms`` as a whole word, the longest first.

    The forms are factored into a trie ("stakhanov(?:ite|ism)"), not listed one after
    another: Python's regular expressions try every alternative of a list at every word
    start, which made the search with a glossary of some hundred forms the slowest step of a
    check; the trie finds the same mentions without that.
    """
    return re.compile(rf"(?<![\w-])(?:{_trie_alternation(forms)})(?![\w-])", re.IGNORECASE)


def _trie_alternation(words: tuple[str, ...]) -> str:
    """A regular expression matching exactly ``words``, greedy, with shared prefixes."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for character in word.lower():
            node = node.setdefault(character, {})
        node[""] = {}  # a word ends here

    def expression(node: dict[str, dict]) -> str:
        branches = [re.escape(c) + expression(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        group = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a word may end here, or go on: try going on first
            return f"(?:{group})?" if len(branches) == 1 else group + "?"
        return group

    return expression(trie)

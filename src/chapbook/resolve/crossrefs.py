"""The cross-reference pass: ``@fig:record``, ``[see @sec:kremlin]``, ``@ch:record-shift``.

pandoc-crossref's syntax, so a chapter still reads sensibly through pandoc: a citation
whose key starts with ``fig:``, ``tbl:``, ``sec:``, ``ch:`` or ``eq:`` points into the booklet, not
into the bibliography. Targets get their id from ``{#fig:record}`` on the line above a
figure box, table or heading; every chapter is ``ch:`` plus its slug, with or without its
number. The reference prints as the target's label ("Figure 2", "Chapter 3", the section's
title in quotation marks) and links to it; numbers are the ones the figures pass gave.
"""

from __future__ import annotations

from html import escape

from ..diagnostics import Diagnostics, with_suggestion
from ..markdown.containers import box_name
from ..markdown.walk import inline_sites
from ..model import Book

PREFIXES = ("fig:", "tbl:", "sec:", "ch:", "eq:")


def is_crossref(key: str) -> bool:
    return key.startswith(PREFIXES)


def crossref_targets(book: Book) -> dict[str, tuple[str, str]]:
    """Every key a cross-reference may name -> (label as printed, HTML id)."""
    targets: dict[str, tuple[str, str]] = {}
    words = book.words
    for chapter in book.chapters:
        label = chapter.label(words) or words.quote(chapter.title)
        targets[f"ch:{chapter.slug}"] = (label, chapter.id)
        targets.setdefault(f"ch:{chapter.slug.split('-', 1)[-1]}", (label, chapter.id))
        for heading in chapter.headings:
            if heading.id.startswith("sec:"):
                targets[heading.id] = (words.quote(heading.text), heading.id)
        for token in chapter.body.tokens:
            ident = str(token.attrs.get("id", ""))
            if "table_number" in token.meta and ident.startswith("tbl:"):
                targets[ident] = (words.label("table_label", token.meta["table_number"]), ident)
            elif token.type == "math_block" and ident.startswith("eq:"):
                targets[ident] = (words.label("equation_label",
                                              token.meta.get("equation_number", "?")), ident)
            elif box_name(token) == "figure" and ident.startswith("fig:"):
                targets[ident] = (words.label("figure_label", token.meta.get("figure_number", "?")),
                                  ident)
    return targets


def resolve_crossrefs(book: Book, diagnostics: Diagnostics) -> None:
    targets = crossref_targets(book)
    for fragment in book.fragments():
        for site in inline_sites(fragment):
            token = site.token
            if token.type != "citation":
                continue
            keys = token.meta["cite"].keys
            pointing = [key for key in keys if is_crossref(key)]
            if not pointing:
                continue
            token.meta["crossref"] = True
            if len(pointing) != len(keys):
                diagnostics.error(fragment.file, site.line,
                                  "a citation mixes works and cross-references",
                                  column=site.column,
                                  hint="write the cross-reference and the citation separately")
                token.meta["html"] = escape(token.content)
                continue
            parts = []
            for item in token.meta["cite"].items:
                target = targets.get(item.key)
                if target is None:
                    diagnostics.error(
                        fragment.file, site.line,
                        with_suggestion(f"nothing in the booklet has the id '{item.key}'",
                                        item.key, targets),
                        column=site.column,
                        hint=f"put {{#{item.key}}} on the line above the figure box, table or "
                        "heading it names")
                    parts.append(escape(item.key))
                    continue
                label, ident = target
                text = f'<a class="xref" href="#{escape(ident)}">{escape(label)}</a>'
                if item.prefix:
                    text = f"{escape(item.prefix)} {text}"
                if item.suffix:
                    text += escape(item.suffix if item.suffix.startswith(",")
                                   else " " + item.suffix)
                parts.append(text)
            token.meta["html"] = "; ".join(parts)

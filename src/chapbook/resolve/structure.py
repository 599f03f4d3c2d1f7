"""Parsing every fragment, then the checks and ids that need only the token stream.

Heading ids are made here, once, because the table of contents, cross-references, PDF
bookmarks and the running heads all point at them.
"""

from __future__ import annotations

import copyreg
import dataclasses
import io
import pickle
import re

from markdown_it.token import Token

from ..diagnostics import Diagnostics, with_suggestion
from ..markdown.containers import BOXES, OPENING, PASSAGE, box_name, parse_info
from ..markdown.parser import MAX_NESTING, markdown_parser
from ..markdown.walk import block_line
from ..model import Book, Chapter, Fragment, Heading
from ..words import without_accents


def parse_fragment(fragment: Fragment, language: str) -> None:
    """Block-parse even inline fragments: a model answer may hold a footnote or a list."""
    fragment.env = {}
    fragment.tokens = markdown_parser(language).parse(fragment.text, fragment.env)


#: Parses kept from one build to the next, once :func:`keep_parses` is called: (language,
#: text) -> the pickled (tokens, env).
_kept: dict[tuple[str, str], bytes] | None = None


def keep_parses() -> None:
    """Keep each fragment's parse for the next build in this process (the watcher's).

    A watcher reads and checks the whole booklet on every save, though most fragments have
    not changed. Every resolve pass writes into the tokens (heading ids, citations, term
    links), so each build needs a copy of its own: kept pickled, a copy costs a fraction of
    a parse, where ``copy.deepcopy`` would cost more than parsing again.
    """
    global _kept
    if _kept is None:
        _kept = {}


def parse_all(book: Book) -> None:
    """Parse every fragment, or take its parse from those a watcher kept in this process
    (:func:`keep_parses`)."""
    global _kept
    language = book.config.language
    kept = _kept or {}
    used: dict[tuple[str, str], bytes] = {}
    for fragment in book.fragments():
        key = (language, fragment.text)
        pickled = kept.get(key) or used.get(key)
        if pickled is not None:
            fragment.tokens, fragment.env = pickle.loads(pickled)  # noqa: S301 - ours
        else:
            parse_fragment(fragment, language)
            if _kept is not None:
                pickled = pickled_parse(fragment.tokens, fragment.env)
        if pickled is not None:
            used[key] = pickled
    if _kept is not None:
        _kept = used  # the parses of text no longer in the book go


def pickled_parse(tokens: list[Token], env: dict) -> bytes:
    """A fragment's parse, pickled to be read back fast: markdown-it's tokens are slotted
    dataclasses, which pickle with a dict of their slots each; pickled as a call of the class
    with its fields in order, they read back faster and take less room."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH  # type: ignore[assignment]
    pickler.dump((tokens, env))
    return buffer.getvalue()


_TOKEN_FIELDS = dataclasses.fields(Token)


def _token_call(token: Token) -> tuple:
    return Token, tuple(getattr(token, field.name) for field in _TOKEN_FIELDS)


_DISPATCH = dict(copyreg.dispatch_table)
if all(field.init for field in _TOKEN_FIELDS):  # else Token(*fields) fails
    _DISPATCH[Token] = _token_call


def check_nesting(fragment: Fragment, language: str, diagnostics: Diagnostics) -> None:
    """Lists, quotes or boxes nested deeper than markdown-it's limit (20 levels, its guard
    against hostile input) lose what is deeper without a word: say where.

    Only a fragment that reaches the limit is parsed again with a little more room; a
    top-level block that then goes deeper was cut, not merely fitted.
    """
    limit = MAX_NESTING
    if not any(token.level >= limit - 1 for token in fragment.tokens):
        return
    roomier = markdown_parser(language, limit + 5).parse(fragment.text, {})
    for block, wider in zip(_top_level_blocks(fragment.tokens), _top_level_blocks(roomier),
                            strict=False):
        if max(t.level for t in wider) > max(t.level for t in block):
            diagnostics.warning(
                fragment.file, block_line(fragment, block[0]),
                f"lists, quotes or boxes are nested more than {limit} levels deep here, and "
                "what is deeper is left out",
                hint="nest them less deeply")


def _top_level_blocks(tokens: list[Token]) -> list[list[Token]]:
    """The tokens grouped by the top-level block (paragraph, list, quote, box) they are in."""
    blocks: list[list[Token]] = []
    for token in tokens:
        if token.level == 0 and token.nesting >= 0 or not blocks:
            blocks.append([])
        blocks[-1].append(token)
    return blocks


def check_boxes(fragment: Fragment, diagnostics: Diagnostics) -> None:
    """Unknown box names and boxes never closed: the two mistakes the plugin hides."""
    lines = fragment.text.split("\n")
    for token in fragment.tokens:
        name = box_name(token)
        if name and token.map:
            # The plugin's map ends on the closing fence, or past the last line if none.
            fence = token.map[1]
            closed = 0 <= fence < len(lines) and re.fullmatch(r"\s*:{3,}\s*", lines[fence])
            if not closed:
                diagnostics.error(
                    fragment.file, block_line(fragment, token),
                    "the passage in another language is never closed" if name == PASSAGE
                    else f"the '{name}' box is never closed",
                    hint="end the box with a line ':::' (as many colons as it opened with)")
        elif token.type == "inline" and token.map:
            for offset, text in enumerate(token.content.split("\n")):
                match = OPENING.match(text)
                if not match or not match.group(2):
                    continue
                unknown, _title = parse_info(match.group(2))
                if unknown and unknown not in BOXES:
                    diagnostics.error(
                        fragment.file, block_line(fragment, token) + offset,
                        with_suggestion(f"unknown box '{unknown}'", unknown, BOXES),
                        column=1,
                        hint="boxes: " + ", ".join(BOXES))


def _slug(text: str) -> str:
    text = without_accents(text)
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-") or "section"


def _inline_text(token: Token) -> str:
    return "".join(c.content for c in token.children or [] if c.type in (
        "text", "code_inline", "term")) or token.content


def number_headings(chapter: Chapter, used_ids: set[str], diagnostics: Diagnostics) -> None:
    """Give every heading an id and collect the chapter's section list.

    A leading ``# Title`` repeats the front-matter title, which the layout prints: it is
    dropped here. Ids written by the author (``{#id}`` above the heading) are kept.
    """
    tokens = chapter.body.tokens
    first_heading = next((i for i, t in enumerate(tokens) if t.type == "heading_open"), None)
    if first_heading is not None and tokens[first_heading].tag == "h1":
        del tokens[first_heading:first_heading + 3]
    chapter.headings = []
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        text = _inline_text(tokens[i + 1])
        wanted = token.attrs.get("id")
        if isinstance(wanted, str) and wanted:
            if wanted in used_ids:
                diagnostics.error(chapter.rel, block_line(chapter.body, token),
                                  f"the id '{wanted}' is used twice")
            ident = wanted
        else:
            base = f"{chapter.slug}-{_slug(text)}"
            ident, n = base, 2
            while ident in used_ids:
                ident, n = f"{base}-{n}", n + 1
        used_ids.add(ident)
        token.attrSet("id", ident)
        level = int(token.tag[1])
        if token.tag == "h1":
            level = 2
            token.tag = "h2"
            tokens[i + 2].tag = "h2"
        chapter.headings.append(Heading(level, text, ident))

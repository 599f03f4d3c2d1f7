"""The safety pass: raw HTML, stylesheets and links that could reach outside the project.

Chapters are written by many hands, sometimes pasted from the web or sent in by students. The
typesetter's URL fetcher (``typeset/fetcher.py``) refuses anything outside the project, but it
only learns of a URL during layout and cannot say where it was written. This pass finds the
same URLs in the sources first and reports each at its file and line:

* raw HTML in Markdown: a small set of formatting tags is allowed (``<br>``, ``<sup>``,
  ``<span>``, ...); tags that run code, load other documents or restyle the whole book
  (``<script>``, ``<style>``, ``<iframe>``, ``<object>``, ``<embed>``, ``<base>``,
  ``<link>``, ``<meta>``, forms, inline SVG) are refused and stripped, as are event-handler
  attributes and attachments (``<a rel=attachment>``);
* every URL a tag or a ``style`` attribute would load (``src``, ``srcset``, ``url()``, ...)
  must be a file inside the project: network and ``file:`` URLs, absolute paths, ``../``
  escapes (also spelt ``%2e%2e``) and symlinks that lead out are refused;
* the project's own CSS (``layouts/*.css`` and ``*.css.j2``): ``url()`` and ``@import``;
* links (``<a href>``, bibliography ``url`` and ``doi``) are never fetched, only printed as
  links; ``javascript:``, ``file:`` and ``data:`` links are refused;
* source files (chapters, glossary, timeline, bibliography) that are symlinks out of the
  project.

Refused markup is also removed from the token stream, so even a build that went on would
not print it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..bibliography.links import check_links, link_problem
from ..diagnostics import Diagnostics
from ..files import project_name
from ..markdown.walk import block_line, inline_sites
from ..model import Book, Fragment
from .urls import (
    NETWORK_HINT,
    OUTSIDE_HINT,
    css_unescape,
    css_urls,
    resource_problem,
)

#: Tags a chapter may use as raw HTML: inline formatting and simple structure that the
#: print CSS styles and pandoc passes through unchanged.
ALLOWED_TAGS = frozenset((
    "a", "abbr", "b", "bdi", "bdo", "big", "blockquote", "br", "caption", "center", "cite",
    "code", "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption",
    "figure", "font", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strike",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u",
    "ul", "var", "wbr",
))

#: Tags refused outright, with the reason given to the writer.
REFUSED_TAGS: dict[str, str] = {
    **dict.fromkeys(("script", "noscript"), "scripts do not run in a printed booklet"),
    **dict.fromkeys(("style", "link", "meta", "base", "title", "head", "html", "body"),
                    "it would change the whole booklet, not this chapter"),
    **dict.fromkeys(("iframe", "frame", "frameset", "object", "embed", "applet", "portal",
                     "audio", "video", "source", "track", "picture"),
                    "it loads another document or media that cannot be printed"),
    **dict.fromkeys(("form", "input", "button", "select", "textarea", "option", "label",
                     "fieldset", "output", "datalist"), "forms cannot be filled in on paper"),
    **dict.fromkeys(("svg", "math", "template", "slot", "canvas", "dialog", "details",
                     "summary", "xmp", "plaintext", "listing", "param", "area", "map",
                     "image"),
                    "chapbook cannot print it safely"),
}

#: Attributes whose value is a URL the typesetter would load.
RESOURCE_ATTRS = frozenset(("src", "data", "poster", "background", "lowsrc", "dynsrc",
                            "xlink:href", "longdesc", "manifest", "codebase", "archive",
                            "formaction", "action", "ping"))
#: The longest run of characters without a space that is laid out. WeasyPrint's line breaking
#: is quadratic in the length of an unbreakable run: 10,000 characters cost seconds, 200,000
#: never finish. No word or URL comes near this.
MAX_RUN = 5_000
#: A run of non-space characters, not counting scripts written without spaces (CJK), where
#: the typesetter may break between any two characters.
_LONG_RUN = re.compile(
    r"[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]{" + str(MAX_RUN + 1) + ",}")

#: The deepest the elements of one piece of Markdown may nest (quotes, lists, emphasis and
#: raw HTML together). WeasyPrint walks the tree recursively and fails with Python's
#: RecursionError somewhere past a hundred levels; no page needs more than a dozen.
MAX_DEPTH = 40
#: The most footnotes one paragraph may call. WeasyPrint places a paragraph's notes again
#: for each one it adds (500 in a paragraph took 36 s, 1,500 nearly two minutes).
MAX_FOOTNOTES_PER_PARAGRAPH = 60
_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(/?)>")
_VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                        "meta", "source", "track", "wbr"})


def _html_depth_change(html: str) -> tuple[int, int]:
    """How much raw HTML changes the depth of elements, and the deepest it goes within."""
    depth = deepest = 0
    for match in _HTML_TAG.finditer(html):
        closing, tag, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            depth -= 1
        elif not self_closing and tag not in _VOID_TAGS:
            depth += 1
            deepest = max(deepest, depth)
    return depth, deepest


def _after_html(raw: str, depth: int, level: int) -> int | None:
    """The level of raw HTML elements still open after ``raw`` (at block depth ``depth``,
    ``level`` open before it); None if it goes deeper than :data:`MAX_DEPTH` on the way."""
    change, deepest = _html_depth_change(raw)
    if depth + level + deepest > MAX_DEPTH:
        return None
    return max(0, level + change)


#: The most rows a table may have. WeasyPrint lays long tables out slowly (its issue #1296):
#: 10,000 rows take minutes; 500 rows are a dozen pages, far more than a study booklet needs.
MAX_TABLE_ROWS = 500

class _TagScanner(HTMLParser):
    """Collects every start tag with its attributes and its line within the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]], int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs, self.getpos()[0]))


def scan_tags(html: str) -> list[tuple[str, list[tuple[str, str | None]], int]]:
    scanner = _TagScanner()
    try:
        scanner.feed(html)
        scanner.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient; never let markup crash a build
        pass
    return scanner.tags


class RawHtmlChecker:
    def __init__(self, book: Book, diagnostics: Diagnostics):
        self.book = book
        self.root = book.root.resolve()
        self.diagnostics = diagnostics

    # -- raw HTML in Markdown ---------------------------------------------------------------

    def check_html(self, html: str, fragment: Fragment, line: int, column: int) -> bool:
        """Report every problem in one piece of raw HTML; True when it must be stripped."""
        base = (self.book.root / fragment.file).parent
        strip = False
        for tag, attrs, tag_line in scan_tags(html):
            where = line + tag_line - 1
            col = column if tag_line == 1 else 0
            if tag in REFUSED_TAGS:
                self.diagnostics.error(
                    fragment.file, where,
                    f"raw HTML <{tag}> is not allowed in a booklet: {REFUSED_TAGS[tag]}",
                    column=col,
                    hint=self._tag_hint(tag))
                strip = True
                continue
            if tag not in ALLOWED_TAGS:
                self.diagnostics.warning(
                    fragment.file, where, f"unknown raw HTML tag <{tag}>", column=col,
                    hint="allowed tags: " + ", ".join(sorted(ALLOWED_TAGS)))
            if tag == "img" and not (dict(attrs).get("alt") or "").strip():
                self.diagnostics.error(
                    fragment.file, where, "the <img> has no alt text", column=col,
                    hint='describe what it shows in alt="..." — it is read aloud to readers '
                    "who cannot see it")
            strip |= self._check_attrs(tag, attrs, fragment.file, where, col, base)
        return strip

    @staticmethod
    def _tag_hint(tag: str) -> str:
        if tag in ("style", "link"):
            return "put styles in layouts/extra.css"
        if tag in ("svg", "math", "image", "picture"):
            return "save it as a file in the project and use ![alt text](path)"
        return "remove it; see 'Raw HTML' in docs/writing.md for the tags a chapter may use"

    def _check_attrs(self, tag: str, attrs: list[tuple[str, str | None]], file: str, line: int,
                     column: int, base: Path) -> bool:
        strip = False
        rel = " ".join(v or "" for k, v in attrs if k == "rel").lower().split()
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.diagnostics.error(
                    file, line, f"the attribute '{name}' on <{tag}> runs a script",
                    column=column, hint="remove it: scripts do not run in a printed booklet")
                strip = True
            elif name == "href" and "attachment" in rel:
                self.diagnostics.error(
                    file, line, f"<{tag} rel=attachment> would embed '{value}' in the PDF",
                    column=column,
                    hint="attachments are not supported; link to the file on the web instead")
                strip = True
            elif name == "href" or name == "cite":
                problem = link_problem(value)
                if problem:
                    self.diagnostics.error(file, line, f"the link '{value}' is refused: "
                                           f"{problem}", column=column)
                    strip = True
            elif name in RESOURCE_ATTRS:
                strip |= self._resource(value, tag, file, line, column, base)
            elif name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    strip |= self._resource(url, tag, file, line, column, base)
            elif name == "style":
                for css_url, _offset in css_urls(css_unescape(value)):
                    strip |= self._resource(css_url, tag, file, line, column, base)
        return strip

    def _resource(self, url: str, tag: str, file: str, line: int, column: int,
                  base: Path) -> bool:
        problem = resource_problem(url, base, self.root)
        if problem is None:
            path = (base / unquote(unquote(urlsplit(url.strip()).path))).resolve()
            if tag == "img" and url.strip() and not url.strip().startswith(("data:", "#")) \
                    and not path.is_file():
                shown = path.relative_to(self.root).as_posix()
                self.diagnostics.error(file, line, f"image not found: {shown}", column=column,
                                       hint=f"the path is taken relative to "
                                       f"{Path(file).parent.as_posix()}/")
                return True
            return False
        self.diagnostics.error(file, line, f"<{tag}> refers to '{url}', which chapbook will "
                               f"not load: {problem}", column=column,
                               hint=NETWORK_HINT if "network" in problem else OUTSIDE_HINT)
        return True

    def check_long_runs(self, fragment: Fragment) -> None:
        """A 'word' of thousands of characters would make line breaking run for minutes."""
        for token in fragment.tokens:
            if token.type in ("html_block", "html_inline"):
                continue
            texts = [token.content] if token.type in ("fence", "code_block") else [
                c.content for c in token.children or [] if c.type != "html_inline"]
            for text in texts:
                match = _LONG_RUN.search(text)
                if match:
                    line = block_line(fragment, token)
                    self.diagnostics.error(
                        fragment.file, line + token.content.count("\n", 0, match.start()),
                        f"a run of {len(match.group()):,} characters without a space is "
                        f"longer than the {MAX_RUN:,} the typesetter can break into lines",
                        hint="add spaces, or shorten it (a long URL can be put in the "
                        "bibliography's url field)")
                    return

    def check_tables(self, fragment: Fragment) -> None:
        rows, table = 0, None
        for token in fragment.tokens:
            if token.type == "table_open":
                rows, table = 0, token
            elif token.type == "tr_open":
                rows += 1
            elif token.type == "table_close" and table is not None:
                if rows > MAX_TABLE_ROWS:
                    self.diagnostics.error(
                        fragment.file, block_line(fragment, table),
                        f"the table has {rows:,} rows, more than the {MAX_TABLE_ROWS} "
                        "chapbook lays out", hint="split it, or print the data as a chart")
                table = None

    def check_nesting(self, fragment: Fragment) -> None:
        """Elements nested deeper than the typesetter can walk, and paragraphs with more
        footnotes than it can place in reasonable time, are errors at their line."""
        depth = 0
        html: int | None = 0  # raw HTML may open an element in one block, close it later
        for token in fragment.tokens:
            depth += token.nesting
            if token.type == "html_block":
                html = _after_html(token.content, depth, html or 0)
                if html is None:
                    self._too_deep(fragment, block_line(fragment, token))
                    return
            inline: int | None = html or 0
            notes = 0
            for child in token.children or []:
                inline = (inline or 0) + child.nesting
                if child.type == "html_inline":
                    inline = _after_html(child.content, depth, inline)
                    if inline is None:
                        self._too_deep(fragment, block_line(fragment, token))
                        return
                elif child.type == "footnote_ref":
                    notes += 1
                if depth + (inline or 0) > MAX_DEPTH:
                    self._too_deep(fragment, block_line(fragment, token))
                    return
            if notes > MAX_FOOTNOTES_PER_PARAGRAPH:
                self.diagnostics.error(
                    fragment.file, block_line(fragment, token),
                    f"the paragraph has {notes} footnotes, more than the "
                    f"{MAX_FOOTNOTES_PER_PARAGRAPH} chapbook lays out in one paragraph",
                    hint="split the paragraph, or gather the notes into fewer")
            if depth + (html or 0) > MAX_DEPTH:
                self._too_deep(fragment, block_line(fragment, token))
                return

    def _too_deep(self, fragment: Fragment, line: int) -> None:
        self.diagnostics.error(
            fragment.file, line, f"quotes, lists, emphasis or HTML elements are nested more "
            f"than {MAX_DEPTH} levels deep here, more than the typesetter can lay out",
            hint="nest them less deeply (a run of '*' or '_' opens emphasis in emphasis)")

    def check_fragment(self, fragment: Fragment) -> None:
        self.check_nesting(fragment)
        self.check_long_runs(fragment)
        self.check_tables(fragment)
        for token in fragment.tokens:
            if token.type == "html_block" and self.check_html(
                    token.content, fragment, block_line(fragment, token), 0):
                token.content = ""
        for site in inline_sites(fragment):
            inline = site.token
            if inline.type == "html_inline" and self.check_html(
                    inline.content, fragment, site.line, site.column):
                inline.content = ""

    # -- the project's CSS -------------------------------------------------------------------

    def check_css_file(self, path: Path) -> None:
        rel = path.relative_to(self.book.root).as_posix()
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return
        # extra.css is appended to the book's stylesheet, whose base is the project root.
        for url, offset in css_urls(css_unescape(text)):
            problem = resource_problem(url, self.book.root, self.root)
            if problem:
                line = text.count("\n", 0, offset) + 1
                self.diagnostics.error(rel, line, f"the stylesheet refers to '{url}', which "
                                       f"chapbook will not load: {problem}",
                                       hint=NETWORK_HINT if "network" in problem
                                       else OUTSIDE_HINT)

    def check_layouts(self) -> None:
        if not self.book.config.layout:  # refused (config.py): nothing of it is read
            return
        folder = self.book.root / self.book.config.layout
        if not folder.is_dir():
            return
        for path in sorted(folder.rglob("*")):
            if path.name.endswith((".css", ".css.j2")) and path.is_file():
                self.check_source_file(path)
                self.check_css_file(path)

    # -- files and links ---------------------------------------------------------------------

    def check_source_file(self, path: Path) -> None:
        """A source file that is a symlink out of the project would be printed in full."""
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):
            return
        if path.exists() and not resolved.is_relative_to(self.root):
            self.diagnostics.error(project_name(path, self.book.root), 0,
                                   "the file is a link to a file outside the project",
                                   hint="copy the file into the project instead of linking it")

    def check_sources(self) -> None:
        config = self.book.config
        for chapter in self.book.chapters:
            self.check_source_file(chapter.path)
        for name in (config.glossary, config.timeline):
            if name:
                self.check_source_file(self.book.root / name)
        for file in config.bibliography_files():
            self.check_source_file(file)

    def check_bibliography(self) -> None:
        check_links(self.book.bibliography, self.diagnostics)


def check_raw_html(book: Book, diagnostics: Diagnostics) -> None:
    checker = RawHtmlChecker(book, diagnostics)
    checker.check_sources()
    for fragment in book.fragments():
        checker.check_fragment(fragment)
    checker.check_layouts()
    checker.check_bibliography()

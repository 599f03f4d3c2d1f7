"""Render rules that turn chapbook's tokens into the HTML the print CSS expects.

The resolve passes have already decided everything (which citation text, which term anchor,
which figure number); these rules only print those decisions, so rendering the same fragment
for the student and the teacher edition differs only where the edition says it should.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from ..markdown.containers import BOXES, PASSAGE, box_name, div_language, parse_info
from ..markdown.parser import markdown_parser
from ..markdown.walk import footnote_bodies
from ..model import Fragment
from ..words import Words, words_for
from .maths import formula_html


@dataclass(frozen=True)
class RenderOptions:
    """What changes the HTML of a fragment: the edition and the target medium."""

    teacher: bool = False
    #: 'print' links figures as files for WeasyPrint; 'screen' embeds them as data URIs.
    medium: str = "print"


def edition_key(fragment: Fragment, options: RenderOptions) -> tuple[bool | None, str | None]:
    """What of ``options`` the HTML of ``fragment`` depends on: the edition if it holds a
    teacher box (shown in one edition only), the medium if it holds a picture file (a file
    in print, embedded on screen); None for each that it does not. A chart is drawn inline
    and a missing picture is a placeholder, the same in every medium: so the chapters of a
    booklet whose figures are charts render once for print and screen, not twice."""
    teacher = medium = False
    for token in fragment.tokens:
        if token.type == "container_teacher_open":
            teacher = True
        elif token.type == "math_block":
            medium = True  # maths is SVG in print, MathML on screen
        elif token.children and not medium:
            medium = any(child.type in _MATHS or (
                child.type == "image" and "svg" not in child.meta
                and child.meta.get("path") is not None) for child in token.children)
    return (options.teacher if teacher else None), (options.medium if medium else None)


#: The inline tokens chapbook renders itself, not markdown-it.
#: A citation that prints nothing (resolve/citations.py).
EMPTY_CITATION = '<span class="citation"></span>'
_OURS = frozenset({"citation", "term", "footnote_ref", "image", "math_inline",
                   "math_inline_double"})
_MATHS = frozenset({"math_inline", "math_inline_double"})


def caption_label(kind: str, number: object, words: Words | None = None) -> str:
    """The bold label that starts a numbered caption: "Figure 2." or "Table 1." ("Abbildung
    2.", "Tableau 1."); figures and tables go through this one place, with the booklet's
    words (figure_label, table_label in locales/<lang>.toml)."""
    label = (words or words_for("en")).label(f"{kind}_label", number)
    return f'<span class="figure-label">{escape(label)}.</span> '


#: pandoc's list styles and delimiters -> the CSS list-style names of the layouts.
_LIST_STYLES = {"Decimal": "decimal", "DefaultStyle": "decimal", "Example": "decimal",
                "LowerAlpha": "lower-alpha", "UpperAlpha": "upper-alpha",
                "LowerRoman": "lower-roman", "UpperRoman": "upper-roman"}
_LIST_DELIMS = {"Period": "", "OneParen": "-paren", "TwoParens": "-parens"}
_HTML_TYPES = {"LowerAlpha": "a", "UpperAlpha": "A", "LowerRoman": "i", "UpperRoman": "I"}


def _ordered_list(token: Token) -> str:
    """``<ol>`` with its marker style as a class and its first number as a counter reset:
    WeasyPrint reads neither ``type`` nor ``start``, so both are said in CSS too."""
    style = token.meta.get("style", "Decimal")
    start = int(token.meta.get("start") or token.attrs.get("start") or 1)
    delim = _LIST_DELIMS.get(token.meta.get("delim", "Period"), "")
    css_class = f"list-{_LIST_STYLES.get(style, 'decimal')}{delim}"
    attrs = f' class="{css_class}"'
    if style in _HTML_TYPES:
        attrs += f' type="{_HTML_TYPES[style]}"'
    if start != 1:
        attrs += f' start="{start}" style="counter-reset: list-item {start - 1}"'
    return f"<ol{attrs}>\n"


def _small_caps(children: list[Token]) -> list[Token]:
    """The text inside ``[text]{.smallcaps}`` set as small capitals by hand: the book's
    fonts have no small-caps glyphs and WeasyPrint does not make them, so each run of
    lower-case letters becomes capitals in a smaller size (``.sc`` in the layouts)."""
    out, depth, stack = [], 0, []
    for child in children:
        if child.type == "span_open":
            caps = "smallcaps" in str(child.attrs.get("class", "")).split()
            stack.append(caps)
            depth += caps
        elif child.type == "span_close" and stack:
            depth -= stack.pop()
        elif depth and child.type == "text":
            html = re.sub(r"([^\W\d_A-Z\u00c0-\u00de]+)", lambda m: (
                f'<span class="sc">{m.group(1).upper()}</span>'), escape(child.content,
                                                                         quote=False))
            child = Token("html_inline", "", 0, content=html)
        out.append(child)
    return out


#: A box's first paragraph up to this long (two lines or so) leads into what follows it.
BOX_LEAD_IN_CHARACTERS = 160


def _leads_into_a_list(tokens: Sequence[Token], i: int) -> bool:
    """Whether the paragraph opened at ``tokens[i]`` leads into the list (or quotation) that
    follows it: it ends with a colon ("Three figures for the same shift:"), or it is a box's
    short first paragraph ("Accounts agree that 102 tonnes were recorded."), which at a
    page's foot left the box's title with a line or two and the rest overleaf. The layouts
    keep it with the list's start."""
    if i + 3 >= len(tokens) or tokens[i + 1].type != "inline":
        return False
    text = tokens[i + 1].content.rstrip()
    follows = tokens[i + 3].type
    if text.endswith(":") and follows in ("bullet_list_open", "ordered_list_open"):
        return True
    box = box_name(tokens[i - 1]) if i > 0 else ""
    return (box not in ("", "figure", PASSAGE) and len(text) <= BOX_LEAD_IN_CHARACTERS
            and follows in ("bullet_list_open", "ordered_list_open", "blockquote_open"))


def _attrs(token: Token) -> str:
    return "".join(f' {escape(str(k))}="{escape(str(v))}"' for k, v in token.attrs.items())


class FragmentRenderer:
    """Renders fragments with chapbook's rules added to a markdown-it renderer."""

    def __init__(self, language: str, options: RenderOptions, words: Words | None = None):
        self.options = options
        self.words = words or words_for(language)
        self.md: MarkdownIt = markdown_parser(language)
        text_rule = getattr(self.md.renderer, "rules", {}).get("text")
        self._plain_text = getattr(text_rule, "__func__", None) is RendererHTML.text

    def render(self, fragment: Fragment) -> str:
        tokens = fragment.tokens
        env: dict[str, Any] = {**fragment.env, "notes": self._notes(tokens, fragment.env)}
        html = self._render_tokens(self._main_stream(tokens), env)
        if fragment.inline:
            html = html.strip()
            if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
                html = html[3:-4]
        return html

    # -- the token stream ------------------------------------------------------------------

    @staticmethod
    def _main_stream(tokens: list[Token]) -> list[Token]:
        out, skipping = [], False
        for token in tokens:
            if token.type == "footnote_block_open":
                skipping = True
            elif token.type == "footnote_block_close":
                skipping = False
            elif not skipping and token.type != "front_matter":
                out.append(token)
        return out

    def _notes(self, tokens: list[Token], env: dict[str, Any]) -> dict[int, str]:
        """Each footnote's HTML, rendered once so its call site can float it in print."""
        notes = {}
        for note_id, body in footnote_bodies(tokens).items():
            body = [token for token in body if token.type != "footnote_anchor"]
            html = self._render_tokens(body, {**env, "notes": {}})
            html = html.replace("</p>\n<p>", " ").replace("<p>", "").replace("</p>", "")
            notes[note_id] = html.strip()
        return notes

    def _render_tokens(self, tokens: list[Token], env: dict[str, Any]) -> str:
        out: list[str] = []
        hidden_depth = 0
        teacher = self.options.teacher
        for i, token in enumerate(tokens):
            kind = token.type
            if kind == "inline":  # most tokens: tested first
                if not hidden_depth:
                    out.append(self._inline(token.children or [], env))
                continue
            if not teacher and kind == "container_teacher_open":
                hidden_depth += 1
                continue
            if not teacher and kind == "container_teacher_close":
                hidden_depth -= 1
                continue
            if hidden_depth:
                continue
            out.append(self._block(tokens, i, env))
        return "".join(out)

    def _block(self, tokens: Sequence[Token], i: int, env: dict[str, Any]) -> str:
        token = tokens[i]
        name = box_name(token)
        if name == "figure":
            ident = token.attrs.get("id") or f"fig-{token.meta.get('figure_number', '')}"
            return f'<figure class="figure" id="{escape(str(ident))}">\n'
        language = div_language(token.info) if name else ""
        lang = f' lang="{escape(language)}"' if language else ""
        if name == PASSAGE:
            return f'<div class="passage"{lang}>\n'
        if name:
            _, title = parse_info(token.info)
            title = title or self.words.get("box_" + name.replace("-", "_"), BOXES[name])
            size = "long" if _box_text_length(tokens, i) > SHORT_BOX_CHARACTERS else "short"
            return (f'<aside class="box box-{name} box-{size}"{lang}>\n'
                    f'<p class="box-title">{escape(title)}</p>\n')
        if token.type == "container_figure_close":
            return "</figure>\n"
        if token.type == f"container_{PASSAGE}_close":
            return "</div>\n"
        if token.type.startswith("container_") and token.type.endswith("_close"):
            return "</aside>\n"
        if token.type in ("paragraph_open", "paragraph_close") and token.hidden:
            return "\n" if token.nesting == -1 else ""
        if token.type == "paragraph_open":
            if token.meta.get("figure_image"):
                return ""
            if token.meta.get("standalone_figure"):
                return f'<figure class="figure" id="fig-{token.meta["standalone_figure"]}">\n'
            if token.meta.get("caption_start"):
                label = caption_label("figure", token.meta["figure_number"], self.words)
                return f"<figcaption>\n<p{_attrs(token)}>{label}"
            if _leads_into_a_list(tokens, i) and "class" not in token.attrs:
                return f'<p class="lead-in"{_attrs(token)}>'
            return f"<p{_attrs(token)}>"
        if token.type == "paragraph_close":
            if token.meta.get("figure_image"):
                return "\n"
            if token.meta.get("standalone_figure"):
                return "</figure>\n"
            suffix = "</figcaption>\n" if token.meta.get("caption_end") else ""
            return "</p>\n" + suffix
        if token.type == "ordered_list_open":
            return _ordered_list(token)
        if token.type == "list_item_open" and i + 1 < len(tokens) and (
                tokens[i + 1].type == "list_item_close"):
            # an empty item ("1." alone) keeps a line's height, or its number overprints
            # the next line in the PDF
            return self.md.renderer.render([token], self.md.options, env).rstrip() + "&#160;"
        if token.type == "list_item_open" and _short_last_item(tokens, i):
            classes = " ".join(filter(None, [str(token.attrs.get("class", "")), "last-short"]))
            attrs = _attrs(token).replace(f' class="{escape(str(token.attrs.get("class")))}"',
                                          "")
            return f'<li class="{escape(classes)}"{attrs}>'
        if token.type == "table_open":
            return self._table_open(tokens, i)
        if token.type == "table_caption_open":
            number = token.meta.get("table_number")
            return "<caption>" + (caption_label("table", number, self.words) if number else "")
        if token.type == "table_caption_close":
            return "</caption>\n" + token.meta.get("colgroup", "")
        if token.type == "table_close":
            return "</table></div>\n"
        if token.type == "math_block":
            equation_id = token.attrs.get("id")
            anchor = f' id="{escape(str(equation_id))}"' if equation_id else ""
            number = token.meta.get("equation_number")
            tag = f'<span class="equation-number">({number})</span>' if number else ""
            return (f'<div class="equation"{anchor}>'
                    f'{formula_html(token.content, True, self.options.medium)}{tag}</div>\n')
        if token.type == "html_block" or token.type == "html_inline":
            return token.content
        return self.md.renderer.render([token], self.md.options, env)

    @staticmethod
    def _table_open(tokens: Sequence[Token], i: int) -> str:
        """The table's wrapper, then its caption (numbered) and its column widths when the
        source gave them (grid and multiline tables): HTML wants the caption first."""
        token = tokens[i]
        table_id = token.attrs.get("id")
        anchor = f' id="{escape(str(table_id))}"' if table_id else ""
        widths = token.meta.get("widths") or ()
        total = sum(widths) or 1
        columns = "".join(f'<col style="width: {w / total * 100:.1f}%">' for w in widths)
        colgroup = f"<colgroup>{columns}</colgroup>\n" if columns else ""
        # widths that add up to less than the line: a narrow table, as in pandoc
        narrow = f' style="width: {total * 100:.0f}%"' if total < 0.99 else ""
        short = " table-short" if _is_short_table(tokens, i) else ""
        html = f'<div class="table-wrap{short}"{anchor}><table{narrow}>\n'
        if i + 1 < len(tokens) and tokens[i + 1].type == "table_caption_open":
            tokens[i + 1].meta["table_number"] = token.meta.get("table_number")
            close = next(j for j in range(i + 1, len(tokens))
                         if tokens[j].type == "table_caption_close")
            tokens[close].meta["colgroup"] = colgroup
            return html
        return html + colgroup

    def _inline(self, children: list[Token], env: dict[str, Any]) -> str:
        """The HTML of an inline token's children. Runs of markdown-it's own tokens (text,
        emphasis, links) go to its renderer together, and plain text is escaped here when
        its rule is markdown-it's: a call to the renderer per child was half the time of
        rendering the booklet (its inline rules look at no neighbour, so a run renders as
        its tokens one by one)."""
        out: list[str] = []
        run: list[Token] = []
        plain_text = self._plain_text
        if any(child.type == "span_open" for child in children):
            children = _small_caps(children)
        for child in children:
            kind = child.type
            text = kind == "text" and plain_text
            if not text and kind not in _OURS:
                run.append(child)
                continue
            if run:
                out.append(self._render_run(run, env))
                run = []
            if text:
                out.append(escapeHtml(child.content))
            elif kind == "citation":
                html = child.meta.get("html", escape(child.content))
                if html == EMPTY_CITATION:
                    # MLA's "[-@key]" with no page prints nothing, and nor does the space
                    # before it: "carbon dioxide [-@key]." is "carbon dioxide."
                    if out:
                        out[-1] = out[-1].rstrip(" ")
                    continue
                out.append(html)
            elif kind == "term":
                out.append(self._term(child))
            elif kind in _MATHS:
                out.append(formula_html(child.content, False, self.options.medium))
            elif kind == "footnote_ref":
                note = env["notes"].get(child.meta["id"], "")
                out.append(f'<span class="footnote">{note}</span>')
            else:
                out.append(self._image(child))
        if run:
            out.append(self._render_run(run, env))
        return "".join(out)

    def _render_run(self, run: list[Token], env: dict[str, Any]) -> str:
        return self.md.renderer.renderInline(  # type: ignore[attr-defined, no-any-return]
            run, self.md.options, env)

    @staticmethod
    def _term(token: Token) -> str:
        use = token.meta.get("resolved")
        text = escape(token.meta["text"])
        if use is None:
            return f'<span class="term">{text}</span>'
        classes = "term term-first" if use.first_in_chapter else "term"
        return (f'<a class="{classes}" id="{use.id}" href="#gloss-{escape(use.key)}">'
                f"{text}</a>")

    def _image(self, token: Token) -> str:
        alt = escape(token.meta.get("alt", ""))
        if "svg" in token.meta:
            return f'<span class="chart">{token.meta["svg"]}</span>'
        path = token.meta.get("path")
        if path is None:
            return f'<span class="missing-image">[{alt}]</span>'
        if self.options.medium == "screen":
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            src = f"data:{mime};base64,{data}"
        else:
            src = path.as_uri()
        title = token.attrs.get("title")
        number = token.meta.get("figure_number")
        label = caption_label("figure", number, self.words) if number else ""
        caption = f"<figcaption>{label}{escape(str(title))}</figcaption>" if title else ""
        return f'<img src="{escape(src)}" alt="{alt}">{caption}'



#: A box with more text than this (about a third of a page of box text on A4, somewhat more
#: on A5) is "long": it may break across pages; a shorter one never does (book.css.j2).
SHORT_BOX_CHARACTERS = 900


#: A list's last item shorter than this (in characters: a line or less) keeps to the item
#: before it: alone at the top of a page it reads as a stray line (book.css.j2).
SHORT_LAST_ITEM = 75


def _short_last_item(tokens: Sequence[Token], i: int) -> bool:
    """Whether the list item opened at ``tokens[i]`` is its list's last and holds less than
    :data:`SHORT_LAST_ITEM` characters of text."""
    level = tokens[i].level
    length = 0
    for position in range(i + 1, len(tokens)):
        token = tokens[position]
        if token.type == "list_item_close" and token.level == level:
            following = tokens[position + 1] if position + 1 < len(tokens) else None
            return (following is not None and following.type.endswith("_list_close")
                    and 0 < length < SHORT_LAST_ITEM)
        if token.type == "inline":
            length += len(token.content)
    return False


def _box_text_length(tokens: Sequence[Token], i: int) -> int:
    """The characters of text in the box whose opening token is ``tokens[i]``."""
    level = tokens[i].level
    close = tokens[i].type.replace("_open", "_close")
    total = 0
    for token in tokens[i + 1:]:
        if token.type == close and token.level == level:
            break
        if token.type == "inline":
            total += len(token.content)
        elif token.type in ("paragraph_open", "list_item_open"):
            total += 40  # a new line: the rest of the line it ends, on average
    return total


#: A table of at most this many rows (its header too) and characters of text is short: it
#: never breaks across pages, as a short box does not. A long one may, and repeats its header
#: row overleaf. A table cut after its first row ("Violett" alone under the header) reads as
#: a mistake, and WeasyPrint has no ``orphans`` for rows.
SHORT_TABLE_ROWS = 12
SHORT_TABLE_TEXT = 900


def _is_short_table(tokens: Sequence[Token], start: int) -> bool:
    """Whether the table opened at ``tokens[start]`` is short (:data:`SHORT_TABLE_ROWS`)."""
    rows = text = 0
    for token in tokens[start + 1:]:
        if token.type == "table_close":
            break
        if token.type == "tr_open":
            rows += 1
        elif token.type == "inline":
            text += len(token.content)
    return rows <= SHORT_TABLE_ROWS and text <= SHORT_TABLE_TEXT


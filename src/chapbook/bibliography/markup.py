"""The inline markup that travels from a .bib field to the formatted reference.

Decoded field values are plain Unicode strings with a few private-use characters
marking what plain text cannot say: which words are case-protected (``{USSR}``),
which are in italics (``\\emph{...}``) and, once a style has run, links. Keeping
them as characters inside ``str`` (instead of a tree) lets every formatting helper
(casing, punctuation, joining) work on ordinary strings and ignore the markers; the
output writers (:func:`to_html`, :func:`to_text`, :func:`to_markdown`) turn them
into tags at the very end, after HTML escaping.
"""

from __future__ import annotations

import functools
import html
import re

from chapbook.words import primary_language

PROTECT_OPEN = "\ue000"
PROTECT_CLOSE = "\ue001"
ITALIC_OPEN = "\ue002"
ITALIC_CLOSE = "\ue003"
LINK_OPEN = "\ue004"  # LINK_OPEN href LINK_MID text LINK_CLOSE
LINK_MID = "\ue005"
LINK_CLOSE = "\ue006"
SUB_OPEN = "\ue007"  # subscript: CO$_2$, \textsubscript{2}
SUB_CLOSE = "\ue008"
SUP_OPEN = "\ue009"  # superscript: 10$^3$, \textsuperscript{th}
SUP_CLOSE = "\ue00a"
SMALLCAPS_OPEN = "\ue00b"  # \textsc{...}
SMALLCAPS_CLOSE = "\ue00c"
_SCRIPTS = SUB_OPEN + SUB_CLOSE + SUP_OPEN + SUP_CLOSE + SMALLCAPS_OPEN + SMALLCAPS_CLOSE

#: Text in another language than the booklet's (a title with a ``langid``): one opening
#: character per language, so that every helper that skips a marker skips it, then the text,
#: then LANGUAGE_CLOSE. The HTML gets ``<span lang="xx">``: that language's hyphenation.
MARKED_LANGUAGES = (
    "en", "de", "fr", "es", "it", "nl", "pl", "pt", "ru", "uk", "ca", "gl", "eu", "af", "cs",
    "sk", "sl", "hr", "sr", "bg", "be", "da", "sv", "nb", "nn", "is", "fi", "et", "lv", "lt",
    "hu", "ro", "el", "grc", "la", "tr", "ga", "cy", "he", "ar", "ja", "zh", "ko",
)
LANGUAGE_OPENS = {language: chr(0xE020 + i) for i, language in enumerate(MARKED_LANGUAGES)}
_LANGUAGE_OF = {char: language for language, char in LANGUAGE_OPENS.items()}
LANGUAGE_CLOSE = "\ue00d"
_SCRIPTS += "".join(LANGUAGE_OPENS.values()) + LANGUAGE_CLOSE
_LANGUAGE_RUN = re.compile(f"([{''.join(LANGUAGE_OPENS.values())}])(.*?){LANGUAGE_CLOSE}", re.S)

MARKERS = frozenset(
    PROTECT_OPEN + PROTECT_CLOSE + ITALIC_OPEN + ITALIC_CLOSE + LINK_OPEN + LINK_MID + LINK_CLOSE
    + _SCRIPTS
)
_LINK_RE = re.compile(f"{LINK_OPEN}([^{LINK_MID}]*){LINK_MID}(.*?){LINK_CLOSE}", re.S)
_FORMAT_MARKERS = re.compile(
    f"[{PROTECT_OPEN}{PROTECT_CLOSE}{ITALIC_OPEN}{ITALIC_CLOSE}{_SCRIPTS}]")
_INLINE_MARKER = re.compile(
    f"([{PROTECT_OPEN}{PROTECT_CLOSE}{ITALIC_OPEN}{ITALIC_CLOSE}{_SCRIPTS}])")
_SCRIPT_TAGS = {SUB_OPEN: "<sub>", SUB_CLOSE: "</sub>", SUP_OPEN: "<sup>", SUP_CLOSE: "</sup>",
                SMALLCAPS_OPEN: '<span class="smallcaps">', SMALLCAPS_CLOSE: "</span>"}


def protect(text: str) -> str:
    """Mark text whose case no style may change."""
    return f"{PROTECT_OPEN}{text}{PROTECT_CLOSE}" if text else ""


def in_language(text: str, language: str) -> str:
    """``text`` marked as written in ``language`` (a BCP 47 tag; its primary subtag counts);
    unmarked for a language not in :data:`MARKED_LANGUAGES`."""
    opening = LANGUAGE_OPENS.get(primary_language(language))
    return f"{opening}{text}{LANGUAGE_CLOSE}" if text and opening else text


def italic(text: str) -> str:
    return f"{ITALIC_OPEN}{text}{ITALIC_CLOSE}" if text else ""


def link(href: str, text: str) -> str:
    return f"{LINK_OPEN}{href}{LINK_MID}{text}{LINK_CLOSE}" if text else ""


def strip(text: str) -> str:
    """The visible characters only (for sorting, comparing and plain output)."""
    text = _LINK_RE.sub(lambda m: m.group(2), text)
    return _FORMAT_MARKERS.sub("", text)


def to_text(text: str) -> str:
    return strip(text)


@functools.lru_cache(maxsize=8192)
def to_html(text: str) -> str:
    """Escape the text and turn markers into ``<i>`` and ``<a>``.

    Italics inside italics flip back to roman, as in print (a ship's name in a book title).
    Kept for the texts seen before: a booklet turns the same few dozen citations into HTML
    hundreds of times per check, and a watcher checks again on every save.
    """
    out: list[str] = []
    depth = 0
    pos = 0
    for match in _LINK_RE.finditer(text):
        out.append(_html_inline(text[pos : match.start()], depth))
        depth = _italic_depth(text[pos : match.start()], depth)
        href = html.escape(strip(match.group(1)), quote=True)
        out.append(f'<a href="{href}">{_html_inline(match.group(2), depth)}</a>')
        depth = _italic_depth(match.group(2), depth)
        pos = match.end()
    out.append(_html_inline(text[pos:], depth))
    return "".join(out)


def _italic_depth(text: str, depth: int) -> int:
    return depth + text.count(ITALIC_OPEN) - text.count(ITALIC_CLOSE)


def _html_inline(text: str, depth: int) -> str:
    out: list[str] = []
    for piece in _INLINE_MARKER.split(text):  # the runs between markers, and each marker
        if piece == ITALIC_OPEN:
            out.append("<i>" if depth % 2 == 0 else '<span class="roman">')
            depth += 1
        elif piece == ITALIC_CLOSE:
            depth -= 1
            out.append("</i>" if depth % 2 == 0 else "</span>")
        elif piece in _SCRIPT_TAGS:
            out.append(_SCRIPT_TAGS[piece])
        elif piece in _LANGUAGE_OF:
            out.append(f'<span lang="{_LANGUAGE_OF[piece]}">')
        elif piece == LANGUAGE_CLOSE:
            out.append("</span>")
        elif piece and piece not in (PROTECT_OPEN, PROTECT_CLOSE):
            out.append(html.escape(piece, quote=False))
    return "".join(out)


def _markdown_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(text: str) -> str:
    """Markdown for ``chapbook refs --format markdown``: ``*italics*`` and bare URLs.

    ``<``, ``>`` and ``&`` of the text are escaped: a title holding ``<script>`` or an
    ``onerror=`` attribute is text, here as in the booklet, not markup a Markdown renderer
    passes through."""
    pieces = []
    pos = 0
    for match in _LINK_RE.finditer(text):
        pieces.append(_markdown_text(text[pos:match.start()]))
        url, label = strip(match.group(1)), match.group(2)
        pieces.append(f"<{url}>" if url == strip(label)
                      else f"[{_markdown_text(label)}]({url})")
        pos = match.end()
    pieces.append(_markdown_text(text[pos:]))
    text = "".join(pieces).replace(ITALIC_OPEN, "*").replace(ITALIC_CLOSE, "*")
    text = text.replace(SMALLCAPS_OPEN, "[").replace(SMALLCAPS_CLOSE, "]{.smallcaps}")
    text = text.replace(SUB_OPEN, "~").replace(SUB_CLOSE, "~")
    text = text.replace(SUP_OPEN, "^").replace(SUP_CLOSE, "^")
    text = _LANGUAGE_RUN.sub(
        lambda m: f"[{m.group(2)}]{{lang={_LANGUAGE_OF[m.group(1)]}}}", text)
    return text.replace(PROTECT_OPEN, "").replace(PROTECT_CLOSE, "")

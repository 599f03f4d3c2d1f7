"""The HTML as WeasyPrint is given it: the space before an inline element moved into it.

WeasyPrint 70 breaks a line after its first word when the text before an inline element
(a glossary term, a citation, a cross-reference, emphasis) fits on the line only without
the space that ends it: ``split_first_line`` measures that text with its trailing space,
finds it one space too wide, gives up on the break Pango found and "tries to hyphenate the
first word" instead, so the line holds one word and the rest of the text follows on a line
of its own. In the booklet, "Those left" / "with" / "the worse seams ... their own" /
"norms, ...": a line of one word in mid-paragraph, three times in the A4 booklet. The same
happens to the last line of a paragraph or list item whose text ends in a space (the line
break before ``</li>``).

A text that ends in a word and an element that starts with the space set the same words
with the same break opportunity between them, and never trip that path. So, before layout,
``own <a>norms</a>`` becomes ``own<a> norms</a>``; at the start of a line the moved space is
dropped, as any leading space is. Only a space after a word moves, and only into elements
that hold text and draw nothing on a space; a space before an image, a formula or a line
break stays where it is.
"""

from __future__ import annotations

import re

from .markup_text import outside_raw

#: Inline elements whose content is text and that draw nothing on a space of their own
#: (not ``u``, ``mark``, ``code`` or ``q``, whose quotation mark would come before it).
_INLINE = ("a", "abbr", "b", "bdi", "bdo", "cite", "data", "dfn", "em", "i", "small", "span",
           "strong", "sub", "sup", "time", "var")
#: Classes of the layouts that draw on the spaces inside them (an underline, a border), or
#: that keep their words on one line (a space moved in would bind the word before them).
_DRAWN = frozenset({"underline", "edition-badge", "last-words"})
#: White space after a word (not after a tag: the space between two elements is no text's
#: end, and moved into a ``white-space: pre`` label it would print), then the opening tag
#: of an inline element.
_SPACE_BEFORE_INLINE = re.compile(
    r"(?<=[^\s<>])([ \t\n]+)(<(?:" + "|".join(_INLINE) + r")(?=[\s/>])[^<>]*>)", re.IGNORECASE)
_CLASS = re.compile(r"""\bclass\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
#: Elements that end a block of lines: the space before their end (and before a line
#: break) ends the last line's text, and trips the same path. It is dropped.
_BLOCK_ENDS = ("p", "li", "dd", "dt", "td", "th", "caption", "figcaption", "blockquote",
               "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "aside", "figure")
_SPACE_AT_BLOCK_END = re.compile(
    r"[ \t\n]+((?:</(?:" + "|".join(_INLINE) + r")\s*>[ \t\n]*)*(?:</(?:"
    + "|".join(_BLOCK_ENDS) + r")\s*>|<br\b))", re.IGNORECASE)
_BETWEEN_TAGS = re.compile(r">[ \t\n]+<")


def spaces_into_inline_starts(html: str) -> str:
    """``html`` with the white space before each inline element's start tag moved after it
    and the white space at the end of a block or before a line break dropped (not in the
    elements :func:`.markup_text.outside_raw` leaves alone); through nested starts too."""
    return outside_raw(html, _move)


def _move(markup: str) -> str:
    markup = _SPACE_AT_BLOCK_END.sub(lambda match: _BETWEEN_TAGS.sub("><", match.group(1)),
                                     markup)
    while True:
        moved = _SPACE_BEFORE_INLINE.sub(_moved, markup)
        if moved == markup:
            return moved
        markup = moved


def _moved(match: re.Match[str]) -> str:
    space, tag = match.groups()
    classes = _CLASS.search(tag)
    if classes and _DRAWN & set(classes.group(2).split()):
        return match.group(0)
    return tag + space

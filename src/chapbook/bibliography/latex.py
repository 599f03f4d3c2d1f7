"""Decode the LaTeX found in .bib field values into marked-up Unicode.

Why our own decoder rather than pylatexenc's ``LatexDecodingMiddleware``: that one
drops the braces that protect case (``{USSR}``) and is slow (a quarter second for a
hundred entries, on every rebuild). A bibliography uses a small, well-known part of
LaTeX: accents, a few letters and symbols, ``--``/``---``, TeX quotes and a handful
of font commands. We decode those directly, keep case protection and italics as
markers (see :mod:`chapbook.bibliography.markup`) and hand anything unknown to
pylatexenc, so odd input still comes out readable.

BibTeX's rule for protection: a brace group at the top level of a value protects its
case, unless it starts with a command (``{\\"O}``), which is a "special character"
that case changes still apply to.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from chapbook.bibliography.markup import (
    ITALIC_CLOSE,
    ITALIC_OPEN,
    PROTECT_CLOSE,
    PROTECT_OPEN,
    SMALLCAPS_CLOSE,
    SMALLCAPS_OPEN,
    SUB_CLOSE,
    SUB_OPEN,
    SUP_CLOSE,
    SUP_OPEN,
)

_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331",
}
_LETTERS = {
    "i": "ı", "j": "ȷ", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "aa": "å", "AA": "Å", "ss": "ß", "l": "ł", "L": "Ł", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
}
_SYMBOLS = {
    "&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ",
    ",": "\u2009", ";": " ", "-": "", "/": "", "textendash": "–", "textemdash": "—",
    "ldots": "…", "dots": "…", "textellipsis": "…", "textquoteleft": "‘",
    "textquoteright": "’", "textquotedblleft": "“", "textquotedblright": "”",
    "S": "§", "P": "¶", "copyright": "©", "textregistered": "®", "texttrademark": "™",
    "relax": "", "textbackslash": "\\", "textasciitilde": "~", "textdegree": "°",
    "guillemotleft": "«", "guillemotright": "»", "textless": "<", "textgreater": ">",
    "textbar": "|", "textunderscore": "_", "pounds": "£", "euro": "€", "nobreakspace": "\u00a0",
    "space": " ", "slash": "/", "break": "", "newline": " ", "par": " ", "noopsort": "",
    # the TeX logos and biblatex's hyphen commands (\hyphen is a breakable hyphen)
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "BibTeX": "BibTeX",
    "XeTeX": "XeTeX", "LuaTeX": "LuaTeX", "hyphen": "-", "nbhyphen": "\u2011",
    "hyphenate": "-", "textnumero": "№",
}
# Commands whose argument is kept: italics become markers, the rest plain text.
_ITALIC = {"emph", "textit", "textsl", "mkbibemph", "it", "em", "sl"}
_KEEP_ARGUMENT = {
    "textbf", "textrm", "textsf", "texttt", "textup", "textmd", "textnormal",
    "mbox", "text", "url", "hbox", "uppercase", "bf", "rm", "tt", "sf", "mkbibbold",
    "enquote", "mkbibquote", "foreignlanguage", "hyphenation", "ensuremath", "mathrm",
}
_QUOTING = {"enquote", "mkbibquote"}


class _Decoder:
    """A single pass over one value; ``depth`` tracks brace nesting for protection."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.n = len(text)

    def parse(self, stop_at_brace: bool, top: bool) -> str:
        out: list[str] = []
        while self.i < self.n:
            ch = self.s[self.i]
            if ch == "}":
                if stop_at_brace:
                    self.i += 1
                    return "".join(out)
                self.i += 1  # stray closing brace: drop it
                continue
            if ch == "{":
                self.i += 1
                special = self.i < self.n and self.s[self.i] == "\\"
                inner = self.parse(stop_at_brace=True, top=False)
                if top and not special and inner:
                    out.append(PROTECT_OPEN + inner + PROTECT_CLOSE)
                else:
                    out.append(inner)
                continue
            if ch == "\\":
                out.append(self.command())
                continue
            if ch == "-" and self.s.startswith("---", self.i):
                out.append("—")
                self.i += 3
                continue
            if ch == "-" and self.s.startswith("--", self.i):
                out.append("–")
                self.i += 2
                continue
            if ch == "`" and self.s.startswith("``", self.i):
                out.append("“")
                self.i += 2
                continue
            if ch == "'" and self.s.startswith("''", self.i):
                out.append("”")
                self.i += 2
                continue
            if ch == "`":
                out.append("‘")
                self.i += 1
                continue
            if ch == "'":
                out.append("’")
                self.i += 1
                continue
            if ch == "~":
                out.append("\u00a0")
                self.i += 1
                continue
            if ch == "$":  # maths: CO$_2$, $\alpha$-helix, 25\,$^\circ$C
                end = self.s.find("$", self.i + 1)
                while end > 0 and self.s[end - 1] == "\\":
                    end = self.s.find("$", end + 1)
                if end < 0:
                    self.i += 1  # a lone dollar: drop it, as before
                    continue
                maths = _Decoder(self.s[self.i + 1 : end]).maths()
                self.i = end + 1
                # case-protected: a style's title case must not make α an Α
                out.append(PROTECT_OPEN + maths + PROTECT_CLOSE if maths else "")
                continue
            if ch in " \t\n\r":
                # collapse whitespace runs to one space, as TeX does
                while self.i < self.n and self.s[self.i] in " \t\n\r":
                    self.i += 1
                out.append(" ")
                continue
            out.append(ch)
            self.i += 1
        return "".join(out)

    def command(self) -> str:
        start = self.i
        self.i += 1
        if self.i >= self.n:
            return "\\"
        ch = self.s[self.i]
        if not ch.isalpha():
            self.i += 1
            name = ch
            if name in _ACCENTS:
                return self.accent(name)
            if name in _SYMBOLS:
                return _SYMBOLS[name]
            if name == "\\":
                return " "
            return name
        j = self.i
        while j < self.n and self.s[j].isalpha():
            j += 1
        name = self.s[self.i : j]
        self.i = j
        if name in _ACCENTS and len(name) == 1:
            return self.accent(name)
        # a control word swallows the spaces after it
        while self.i < self.n and self.s[self.i] == " ":
            self.i += 1
        if name in _LETTERS:
            if self.s.startswith("{}", self.i):
                self.i += 2
            return _LETTERS[name]
        if name in _SYMBOLS:
            if self.s.startswith("{}", self.i):
                self.i += 2
            return _SYMBOLS[name]
        if name in _ITALIC:
            if self.i < self.n and self.s[self.i] == "{":
                return ITALIC_OPEN + self.argument() + ITALIC_CLOSE
            return ITALIC_OPEN + self.parse(stop_at_brace=True, top=False) + ITALIC_CLOSE
        if name in ("textsc", "sc"):
            if self.i < self.n and self.s[self.i] == "{":
                return SMALLCAPS_OPEN + self.argument() + SMALLCAPS_CLOSE
            return SMALLCAPS_OPEN + self.parse(stop_at_brace=True, top=False) + SMALLCAPS_CLOSE
        if name in _KEEP_ARGUMENT or name == "foreignlanguage":
            if name in ("foreignlanguage", "hyphenation") and self.s.startswith("{", self.i):
                self.argument()  # the language name
            arg = self.argument() if self.i < self.n and self.s[self.i] == "{" else ""
            if name in _QUOTING:
                return "“" + arg + "”"
            return arg
        if name == "url" or name == "href":
            return self.argument()
        if name in ("textsubscript", "textsuperscript"):
            arg = self.argument()
            return (SUB_OPEN + arg + SUB_CLOSE if name == "textsubscript"
                    else SUP_OPEN + arg + SUP_CLOSE) if arg else ""
        return _fallback(self.s[start : self.i] + self._peek_argument())

    def maths(self) -> str:
        """TeX maths as text: Greek letters and symbols as Unicode (pylatexenc's table),
        ``_``/``^`` as sub- and superscript markers, ``^\\circ`` as a degree sign."""
        out: list[str] = []
        while self.i < self.n:
            ch = self.s[self.i]
            if ch in "_^":
                self.i += 1
                arg = self.maths_argument()
                if ch == "^" and arg in ("∘", "°"):
                    out.append("°")
                elif arg:
                    out.append(SUB_OPEN + arg + SUB_CLOSE if ch == "_"
                               else SUP_OPEN + arg + SUP_CLOSE)
                continue
            if ch == "{":
                self.i += 1
                out.append(self.maths_group())
                continue
            if ch == "}":
                self.i += 1
                continue
            if ch == "\\":
                out.append(self.maths_command())
                continue
            out.append(ch)
            self.i += 1
        return "".join(out).strip()

    def maths_group(self) -> str:
        depth, start = 1, self.i
        while self.i < self.n and depth:
            depth += {"{": 1, "}": -1}.get(self.s[self.i], 0)
            self.i += 1
        return _Decoder(self.s[start : self.i - 1]).maths()

    def maths_argument(self) -> str:
        if self.i >= self.n:
            return ""
        ch = self.s[self.i]
        if ch == "{":
            self.i += 1
            return self.maths_group()
        if ch == "\\":
            return self.maths_command()
        self.i += 1
        return ch

    def maths_command(self) -> str:
        start = self.i
        self.i += 1
        if self.i < self.n and not self.s[self.i].isalpha():
            self.i += 1
            name = self.s[start + 1 : self.i]
            return _SYMBOLS.get(name, name)
        while self.i < self.n and self.s[self.i].isalpha():
            self.i += 1
        name = self.s[start + 1 : self.i]
        if name in ("mathrm", "text", "mathit", "mathbf", "mathsf", "textrm", "mbox",
                    "operatorname"):
            return self.maths_argument()
        if name in _SYMBOLS:
            return _SYMBOLS[name]
        return _fallback("$\\" + name + "$").strip() or name

    def _peek_argument(self) -> str:
        if self.i < self.n and self.s[self.i] == "{":
            depth = 0
            j = self.i
            while j < self.n:
                if self.s[j] == "{":
                    depth += 1
                elif self.s[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            text = self.s[self.i : j + 1]
            self.i = j + 1
            return text
        return ""

    def argument(self) -> str:
        while self.i < self.n and self.s[self.i] == " ":
            self.i += 1
        if self.i < self.n and self.s[self.i] == "{":
            self.i += 1
            return self.parse(stop_at_brace=True, top=False)
        if self.i < self.n:
            if self.s[self.i] == "\\":
                return self.command()
            ch = self.s[self.i]
            self.i += 1
            return ch
        return ""

    def accent(self, name: str) -> str:
        base = self.argument()
        if not base:
            return ""
        if base == "ı":
            base = "i"
        if base == "ȷ":
            base = "j"
        return unicodedata.normalize("NFC", base[0] + _ACCENTS[name]) + base[1:]


@functools.lru_cache(maxsize=256)
def _fallback(snippet: str) -> str:
    """Unknown commands go to pylatexenc, which knows far more of LaTeX than we do."""
    import logging

    from pylatexenc.latex2text import LatexNodes2Text

    class Complaints(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.WARNING)
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(record.getMessage())

    # pylatexenc says what it could not do only in its log (printed as a bare "WARNING:"
    # line, with no file or line), or fails outright on a malformed argument (\verb|x|)
    complaints = Complaints()
    logger = logging.getLogger("pylatexenc")
    logger.addHandler(complaints)
    propagate, logger.propagate = logger.propagate, False
    try:
        text = LatexNodes2Text().latex_to_text(snippet)
    except Exception as exc:  # noqa: BLE001 - any failure of the library on this snippet
        raise LatexProblem(f"the LaTeX {snippet.strip()!r} cannot be read "
                           f"({type(exc).__name__})") from None
    finally:
        logger.removeHandler(complaints)
        logger.propagate = propagate
    if complaints.messages:
        raise LatexProblem(f"the LaTeX {snippet.strip()!r} cannot be read: "
                           f"{complaints.messages[0]}")
    return text


class LatexProblem(ValueError):
    """A value the decoder cannot read: braces nested too deeply, or a command pylatexenc
    fails on; the message says which."""


#: The deepest braces may nest in a value (the decoder recurses once per level).
MAX_BRACE_DEPTH = 50


def _brace_depth(value: str) -> int:
    depth = deepest = 0
    for ch in value:
        if ch == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == "}":
            depth -= 1
    return deepest


# Zotero's own BibTeX export keeps its rich-text markup in titles ("The <i>Lantern</i>").
_HTML_TAGS = {
    "<i>": ITALIC_OPEN, "</i>": ITALIC_CLOSE, "<em>": ITALIC_OPEN, "</em>": ITALIC_CLOSE,
    '<span style="font-variant:small-caps;">': SMALLCAPS_OPEN,
    '<span class="nocase">': PROTECT_OPEN, "<sc>": SMALLCAPS_OPEN, "</sc>": SMALLCAPS_CLOSE,
}  # anything else ("<b>", "<script>") stays text, shown as written


def _html_markup(text: str) -> str:
    for tag, marker in _HTML_TAGS.items():
        text = text.replace(tag, marker)
    if "</span>" in text:  # closes whichever span opened last
        out: list[str] = []
        stack: list[str] = []
        for piece in re.split(f"({SMALLCAPS_OPEN}|{PROTECT_OPEN}|</span>)", text):
            if piece in (SMALLCAPS_OPEN, PROTECT_OPEN):
                stack.append(SMALLCAPS_CLOSE if piece == SMALLCAPS_OPEN else PROTECT_CLOSE)
                out.append(piece)
            elif piece == "</span>":
                out.append(stack.pop() if stack else "")
            else:
                out.append(piece)
        text = "".join(out)
    return text


@functools.lru_cache(maxsize=8192)
def decode(value: str) -> str:
    """A field value (outer braces already removed) as marked Unicode text; raises
    :class:`LatexProblem` for a value it cannot read."""
    if not any(c in value for c in "\\{}-`'~$\n\t<"):
        return unicodedata.normalize("NFC", value)
    if _brace_depth(value) > MAX_BRACE_DEPTH:
        raise LatexProblem(f"braces are nested more than {MAX_BRACE_DEPTH} deep")
    text = _Decoder(value).parse(stop_at_brace=False, top=True)
    if "<" in text:
        text = _html_markup(text)
    return unicodedata.normalize("NFC", text).strip()


def decode_plain(value: str) -> str:
    """Decode and drop every marker: for names, keys and other non-prose fields."""
    from chapbook.bibliography.markup import strip

    return strip(decode(value))

"""TeX maths in Markdown, as pandoc reads it: ``$...$`` inline, ``$$...$$`` displayed.

mdit-py-plugins' ``dollarmath`` finds the formulas, with pandoc's rules: an opening ``$`` is
followed by a non-space, a closing one follows a non-space and is not followed by a digit, so
"between $5 and $6" stays text. A paragraph that is only ``$$...$$``, optionally followed by
pandoc-crossref's ``{#eq:label}``, becomes a displayed equation (a ``math_block`` token whose
``id`` attribute is the label), which ``@eq:label`` can refer to.

:func:`formula_problem` checks a formula by converting it with ``latex2mathml`` (the parser
``ziamath`` also uses), since neither refuses a formula it does not understand: an unknown
command comes out as the text ``\\foo``, ``\\frac{1}`` as a fraction with no denominator.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

_LABEL = re.compile(r"^\s*\{#(eq:[\w:.-]+)\}\s*$")


def _display_equations(state: StateCore) -> None:
    tokens = state.tokens
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (token.type == "paragraph_open" and i + 2 < len(tokens)
                and tokens[i + 1].type == "inline" and tokens[i + 2].type == "paragraph_close"):
            children = list(tokens[i + 1].children or [])
            label = None
            if len(children) == 2 and children[1].type == "text":
                found = _LABEL.match(children[1].content)
                label = found.group(1) if found else None
                if label:
                    children = children[:1]
            if len(children) == 1 and children[0].type == "math_inline_double":
                block = Token("math_block", "math", 0, content=children[0].content.strip(),
                              markup="$$", map=token.map, block=True)
                if label:
                    block.attrs["id"] = label
                out.append(block)
                i += 3
                continue
        if token.type == "math_block":
            token.content = token.content.strip()
        if token.type == "math_block_label":  # dollarmath's own "$$ ... $$ (label)"
            token.content = token.content.strip()
            token.type = "math_block"
            label = token.info.strip()
            token.attrs["id"] = label if label.startswith("eq:") else f"eq:{label}"
        out.append(token)
        i += 1
    state.tokens = out


def maths_plugin(md: MarkdownIt) -> None:
    dollarmath_plugin(md, allow_labels=True, allow_space=False, allow_digits=False,
                      double_inline=True)
    md.core.ruler.after("inline", "display_equations", _display_equations)


#: MathML elements and how many children each must have.
_ARITY = {"mfrac": 2, "msub": 2, "msup": 2, "msubsup": 3, "mroot": 2, "munder": 2,
          "mover": 2, "munderover": 3}
_ERRORS = {
    "ExtraLeftOrMissingRightError": "a \\left without its \\right",
    "MissingSuperScriptOrSubscriptError": "a ^ or _ with nothing after it",
    "NoAvailableTokensError": "a command is missing its argument",
    "MissingEndError": "a \\begin without its \\end",
    "DenominatorNotFoundError": "a fraction without its denominator",
    "NumeratorNotFoundError": "a fraction without its numerator",
    "DoubleSubscriptsError": "two subscripts in a row (write x_{ab}, not x_a_b)",
    "DoubleSuperscriptsError": "two superscripts in a row (write x^{ab}, not x^a^b)",
}


def formula_problem(tex: str) -> tuple[int, str] | None:
    """What is wrong with a TeX formula, as (0-based offset in ``tex``, message); or None."""
    depth = 0
    opened: list[int] = []
    index = 0
    while index < len(tex):
        char = tex[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
            opened.append(index)
        elif char == "}":
            if not opened:
                return index, "a closing '}' with no '{' before it"
            opened.pop()
        index += 1
    if opened:
        return opened[-1], "a '{' that is never closed"
    import xml.etree.ElementTree as ElementTree

    from latex2mathml.converter import convert

    try:
        mathml = convert(tex)
    except Exception as exc:  # latex2mathml's own exceptions have no common base class
        return 0, _ERRORS.get(type(exc).__name__, f"latex2mathml cannot read it "
                                                   f"({type(exc).__name__})")
    root = ElementTree.fromstring(mathml)
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        text = (element.text or "").strip()
        if tag in ("mi", "mo") and text.startswith("\\") and len(text) > 1:
            found = tex.find(text)
            return max(found, 0), f"unknown command {text}"
        if tag in _ARITY and len(element) != _ARITY[tag]:
            return 0, f"a command is missing an argument (<{tag}> needs {_ARITY[tag]})"
    return None

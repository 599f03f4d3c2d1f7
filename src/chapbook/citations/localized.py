"""A style in the booklet's language: :func:`localize_style`.

The style files in layouts/styles/ are written in English. This turns one into the same
style in another language, from that language's CSL locale (:mod:`.locale`): its name lists'
"and" and "et al.", its terms ("ed.", "n.d.", "trans."), the role words its templates spell
out ("Edited by", "Accessed", "In"), its quotation marks and its dates.
"""

from __future__ import annotations

import dataclasses
import re

from chapbook.citations.locale import CslLocale, LocaleError, csl_locale
from chapbook.citations.style import Style

# The English words of chapbook's style files and the CSL terms that say them in any
# language: (English as written in a template, term name, form, capitalised).
_TEMPLATE_WORDS = (
    ("Edited and translated by ", "editortranslator", "verb", True),
    ("edited and translated by ", "editortranslator", "verb", False),
    ("Edited by ", "editor", "verb", True),
    ("edited by ", "editor", "verb", False),
    ("Translated by ", "translator", "verb", True),
    ("translated by ", "translator", "verb", False),
    # the term each style asks for, as in CSL: "accessed" (Chicago, MLA, Harvard; de-DE
    # "zugegriffen"), "retrieved ... from" (APA; de-DE "abgerufen ... von")
    ("Accessed ", "accessed", "long", True),
    ("accessed ", "accessed", "long", False),
    ("Accessed:", "accessed", "long", True),
    ("Retrieved ", "retrieved", "long", True),
    (", from ", "from", "long", False),
    ("Available at:", "available at", "long", True),
    ("Version ", "version", "long", True),
    ("version ", "version", "long", False),
    ("ed. ", "editor", "verb-short", False),
    ("trans. ", "translator", "verb-short", False),
)
# Labels the templates spell out before a number: (English, CSL term, plural, capitalised);
# in another language they are joined to the number by a no-break space.
_LABELS = re.compile(r"(?<![\w.])(Vols?\.|pp?\.|pt\.) (?=\{)")
_LABEL_TERMS = {"Vol.": ("volume", False, True), "Vols.": ("volume", True, True),
                "p.": ("page", False, False), "pp.": ("page", True, False),
                "pt.": ("part", False, False)}
#: The CSL term of each locator label of a style file (the rest have the key's name).
_LOCATOR_TERMS = {"paragraph": "paragraph", "sub-verbo": "sub-verbo"}
_FIELDS = re.compile(r"(\{[^}]*\})")
_IN = re.compile(r"(?<=[.,] )In (?=[{\[])|(?<=, )in (?=[{\[])")


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def localize_template(template: str, locale: CslLocale) -> str:
    for english, name, form, capital in _TEMPLATE_WORDS:
        if english in template:
            word = locale.term(name, form)
            if word:
                head = english[:len(english) - len(english.lstrip(" ,"))]  # ", from "
                tail = english[len(english.rstrip(" :")):]  # the space or colon after it
                template = template.replace(english, head + (
                    _capitalize(word) if capital else word) + tail)

    def label(match: re.Match[str]) -> str:
        name, plural, capital = _LABEL_TERMS[match.group(1)]
        word = locale.term(name, "short", plural)
        # a no-break space: "S. 881" never split at a line end
        return ((_capitalize(word) if capital else word) if word else match.group(1)) + "\u00a0"

    template = _LABELS.sub(label, template)
    # APA's roles after a name: "(H. Pennywhistle, Ed. & Trans.)", "(O. Millrace, Trans.)"
    for english, name in ((", Ed. & Trans.]", "editortranslator"),
                          (", Trans.]", "translator")):
        word = locale.term(name, "short")
        if english in template and word:
            template = template.replace(english, ", " + _capitalize(word) + "]")
    if locale.tag.startswith("fr"):  # French sets a no-break space before a colon
        template = "".join(part if part.startswith("{") else part.replace(": ", "\u00a0: ")
                           for part in _FIELDS.split(template))
    word_in = locale.term("in")
    if word_in:
        template = _IN.sub(lambda m: (_capitalize(word_in) if m.group(0)[0] == "I"
                                      else word_in) + " ", template)
    return template


def localize_style(style: Style, language: str) -> Style:
    """``style`` (a :class:`~chapbook.citations.style.Style`) in ``language``; the same
    style for English, whose words the style files already are."""
    if language.split("-")[0].lower() == "en":
        return style
    try:
        locale = csl_locale(language)
    except LocaleError:
        return style
    names = {}
    for profile, fmt in style.names.items():
        and_word = locale.term("and") if fmt.and_word == "and" else ""
        # "et al." as the style writes it, italic markers and all ("u. a." in German)
        et_al = (fmt.et_al.replace("et al.", locale.term("et-al"))
                 if "et al." in fmt.et_al and locale.term("et-al") else "")
        names[profile] = dataclasses.replace(fmt, and_word=and_word or fmt.and_word,
                                             et_al=et_al or fmt.et_al)
    terms = dict(style.terms)
    for key, name, form, plural, lead in (
            ("no-date", "no date", "short", False, ""),
            ("edition", "edition", "short", False, ""),
            ("volumes", "volume", "short", True, ""),
            ("role-editor", "editor", "short", False, ", "),
            ("role-editors", "editor", "short", True, ", "),
            ("role-translator", "translator", "short", False, ", "),
            ("role-translators", "translator", "short", True, ", ")):
        word = locale.term(name, form, plural)
        if key in terms and word:
            terms[key] = lead + word
    # the verbs of the "other contributors" phrase (variables._v_contributors)
    for key, name in (("verb-editor-translator", "editortranslator"),
                      ("verb-editor-alone", "editor"), ("verb-translator-alone", "translator")):
        if locale.term(name, "verb"):
            terms[key] = locale.term(name, "verb")
    for key in ("phd-thesis", "masters-thesis"):  # CSL has one word for any thesis
        if key in terms and locale.term("thesis"):
            terms[key] = _capitalize(locale.term("thesis"))
    labels = {}
    for key, (one, more) in style.locator_labels.items():
        name = _LOCATOR_TERMS.get(key, key)
        labels[key] = (locale.term(name, "short") or one,
                       locale.term(name, "short", plural=True) or more)

    def each(table: dict[str, str]) -> dict[str, str]:
        return {k: localize_template(v, locale) for k, v in table.items()}

    return dataclasses.replace(
        style, names=names, terms=terms, macros=each(style.macros),
        citation=each(style.citation), bibliography=each(style.bibliography),
        notes=each(style.notes),
        kind_macros={k: each(v) for k, v in style.kind_macros.items()},
        locale=locale, locator_labels=labels,
        options={**style.options, "quotes_punctuation_inside": locale.punctuation_in_quote})

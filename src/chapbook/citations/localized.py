"""A style in the booklet's language: :func:`localize_style`.

The style files in layouts/styles/ are written in English. This turns one into the same
style in another language, from that language's CSL locale (:mod:`.locale`): its name lists'
"and" and "et al.", its terms ("ed.", "n.d.", "trans."), the role words its templates spell
out ("Edited by", "Accessed", "In"), its quotation marks and its dates.
"""

from __future__ import annotations

import dataclasses
import re

from chapbook.citations.bibstrings import CONTRIBUTOR_PHRASES, ROLE_PHRASES, bibstring
from chapbook.citations.locale import CslLocale, LocaleError, csl_locale
from chapbook.citations.style import Style
from chapbook.words import primary_language

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
    ("Original work published ", "original-work-published", "long", True),
    ("Originally published ", "original-work-published", "long", True),
    ("Version ", "version", "long", True),
    ("version ", "version", "long", False),
    ("ed. and trans. ", "editortranslator", "verb-short", False),
    ("ed. ", "editor", "verb-short", False),
    ("trans. ", "translator", "verb-short", False),
)
# Labels the templates spell out before a number: (English, CSL term, plural, capitalised);
# in another language they are joined to the number by a no-break space.
_LABELS = re.compile(r"(?<![\w.])(Vols?\.|vol\.|pp?\.|pt\.|[Nn]o\.) (?=\{)")
_LABEL_TERMS = {"Vol.": ("volume", False, True), "Vols.": ("volume", True, True),
                "vol.": ("volume", False, False), "p.": ("page", False, False),
                "pp.": ("page", True, False), "pt.": ("part", False, False),
                "no.": ("issue", False, False), "No.": ("number", False, True)}
# Contributor phrases of the Chicago styles and the biblatex key of each (bibstrings.toml).
_PHRASES = (("Foreword by ", "withforeword"), ("Introduction by ", "withintroduction"),
            ("Afterword by ", "withafterword"), ("Commentary by ", "withcommentator"),
            ("Annotated by ", "byannotator"))
# "Vol. 3 of Collected Works": a book's volume and its multi-volume work; other languages
# name the work first, as biblatex does ("Gesammelte Werke, Bd. 3"), with no word for "of".
_VOLUME_OF = re.compile(r"\[([.,] )((?:[^\[\]]|\[[^\[\]]*\])*?)\[ of (\{[^{}]*\})\]\]")
# "by" before a book's author or a publisher, and a patent's "issued"/"assigned to"
_BY = re.compile(r"(?<=[\[ ])by (?=\{(bookauthor|origpublisher))")
_PATENT_WORDS = re.compile(r"(?<=[\[ ])(?:issued|[Aa]ssigned to) (?=\{(issued|holder))")
_SPECIAL_ISSUE = re.compile(r"([Ss])pecial issue( of)?")
#: The CSL term of each locator label of a style file (the rest have the key's name).
_LOCATOR_TERMS = {"paragraph": "paragraph", "sub-verbo": "sub-verbo"}
_FIELDS = re.compile(r"(\{[^}]*\})")
_IN = re.compile(r"(?<=[.,] )In (?=[{\[])|(?<=[.,] \[)In (?=\{)|(?<=, )in (?=[{\[])"
                 r"|(?<=, \[)in (?=\{)")


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def csl_term(locale: CslLocale, name: str, form: str = "long") -> str:
    """The locale's own word for a term (:meth:`CslLocale.own_term`)."""
    return locale.own_term(name, form)


def localize_template(template: str, locale: CslLocale) -> str:
    language = locale.tag
    template = _VOLUME_OF.sub(lambda m: f"[{m.group(1)}[{m.group(3)}, ]{m.group(2)}]",
                              template)
    for (english, key), (role, _) in zip(_PHRASES, CONTRIBUTOR_PHRASES, strict=True):
        # the phrase with its names, so that French can elide "de" ("préface d’Amara")
        if bibstring(language, key, english=False):
            template = template.replace(f"{english}{{{role}|names:given}}",
                                        f"{{{role}-phrase|capitalize}}")

    def by(match: re.Match[str]) -> str:
        word = bibstring(language, "byauthor" if match.group(1) == "bookauthor"
                         else "bypublisher", english=False)
        return f"{word} " if word else ""

    template = _BY.sub(by, template)
    template = _PATENT_WORDS.sub("", template)
    special = csl_term(locale, "special-issue")
    if special:
        template = _SPECIAL_ISSUE.sub(lambda m: (_capitalize(special) if m.group(1) == "S"
                                                 else special) + ("," if m.group(2) else ""),
                                      template)
    else:  # no word for it in the language: the issue's title stands alone
        for english, bare in ((" \\[Special issue\\]", ""), ("special issue of ", ""),
                              (". Special issue of]", ".]"), (", special issue, ", ", "),
                              (". Special issue,]", ".]"), (",” special issue]", "”]")):
            template = template.replace(english, bare)
    if "ed. and trans. " in template and not csl_term(locale, "editortranslator",
                                                      "verb-short"):
        # "ed. and trans." from its parts where the locale has no word for both
        template = template.replace(
            "ed. and trans. ", f"ed. {csl_term(locale, 'and') or 'and'} trans. ")
    published = bibstring(language, "origpubin", english=False)
    if not csl_term(locale, "original-work-published") and published:
        for english in ("Original work published ", "Originally published "):
            template = template.replace(english, _capitalize(published) + " ")
    for english, name, form, capital in _TEMPLATE_WORDS:
        if english in template:
            word = csl_term(locale, name, form)
            if word:
                head = english[:len(english) - len(english.lstrip(" ,"))]  # ", from "
                tail = english[len(english.rstrip(" :")):]  # the space or colon after it
                template = template.replace(english, head + (
                    _capitalize(word) if capital else word) + tail)

    def label(match: re.Match[str]) -> str:
        name, plural, capital = _LABEL_TERMS[match.group(1)]
        word = locale.term(name, "short", plural)
        if name == "number":  # es, it, nl, ru, uk give CSL's "no." in English
            word = csl_term(locale, name, "short") or bibstring(locale.tag, "number", False)
        # a no-break space: "S. 881" never split at a line end
        return ((_capitalize(word) if capital else word) if word else match.group(1)) + "\u00a0"

    template = _LABELS.sub(label, template)
    # APA's roles after a name: "(H. Pennywhistle, Ed. & Trans.)", "(O. Millrace, Trans.)"
    for english, name in ((", Ed. & Trans.]", "editortranslator"),
                          (", Trans.]", "translator")):
        word = csl_term(locale, name, "short")
        if english in template and word:
            template = template.replace(english, ", " + _capitalize(word) + "]")
    if locale.tag.startswith("fr"):  # French sets a no-break space before a colon
        template = "".join(part if part.startswith("{") else part.replace(": ", "\u00a0: ")
                           for part in _FIELDS.split(template))
    word_in = csl_term(locale, "in")
    if word_in:
        template = _IN.sub(lambda m: (_capitalize(word_in) if m.group(0)[0] == "I"
                                      else word_in) + " ", template)
    return template


#: The CSL term for what a pubstate key says, where CSL has one.
_PUBSTATE_TERMS = {"inpress": "in press", "forthcoming": "forthcoming"}


def _like(english: str, word: str) -> str:
    """``word`` capitalised where the style's English term is."""
    return _capitalize(word) if english[:1].isupper() else word


def _role_terms(english: dict[str, str], locale: CslLocale) -> dict[str, str]:
    """The style's terms that name a kind of work, a publication state, a related work or
    a contributor's role, in the locale's language: its CSL term where the CSL locale
    translates it, else biblatex's word (bibstrings.toml); a term with neither stays."""
    language = locale.tag
    terms: dict[str, str] = {}
    for key, value in english.items():
        kind, _, which = key.partition("-")
        word = ""
        if kind == "type":
            word = bibstring(language, which, english=False)
        elif kind == "pubstate":
            word = (csl_term(locale, _PUBSTATE_TERMS[which])
                    if which in _PUBSTATE_TERMS else "")
            if "." in word or not word:  # de-DE "i. E.": biblatex's "im Erscheinen" in full
                word = bibstring(language, which, english=False) or word
        elif kind == "related":
            word = bibstring(language, which, english=False)
        elif kind == "description":  # APA's "Data set", "Computer software"
            word = csl_term(locale, which) or bibstring(language, which, english=False)
        elif key in ("phd-thesis", "masters-thesis"):
            # CSL has one word for any thesis; where the locale has it only in English,
            # biblatex's word for the degree
            word = csl_term(locale, "thesis") or bibstring(
                language, "phdthesis" if key == "phd-thesis" else "mathesis", False)
        elif key.startswith("role-inline-editor"):  # APA's ", Ed." inside brackets
            word = locale.term("editor", "short", key.endswith("s"))
            word = ", " + _capitalize(word) if word else ""
        elif key == "volume-label":
            word = _capitalize(locale.term("volume", "short"))
        if word:
            terms[key] = _like(value, word) if not word.startswith(", ") else word
    if "volume-label" in english and locale.term("part", "short"):
        # APA's "Vol. 3, Pt. 2" (variables._v_title_in_main, "Pt." where a style has none)
        terms["part-label"] = _capitalize(locale.term("part", "short"))
    # the verbs of the "other contributors" phrase (variables._v_contributors)
    for key, name in (("verb-editor-translator", "editortranslator"),
                      ("verb-editor-alone", "editor"), ("verb-translator-alone", "translator"),
                      ("verb-editor", "editor")):
        if csl_term(locale, name, "verb"):
            terms[key] = csl_term(locale, name, "verb")
    for kind, phrase in [*ROLE_PHRASES.items(), *CONTRIBUTOR_PHRASES]:
        # biblatex's phrase, else CSL's verb where it has one ("organisiert von")
        word = bibstring(language, phrase, english=False) or (
            csl_term(locale, kind, "verb") if kind in ROLE_PHRASES else "")
        if f"verb-{kind}" not in terms and word:
            terms[f"verb-{kind}"] = word
    return terms


def localize_style(style: Style, language: str) -> Style:
    """``style`` (a :class:`~chapbook.citations.style.Style`) in ``language``; the same
    style for English, whose words the style files already are."""
    if primary_language(language) == "en":
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
        # the comma before the last name's "and" is English usage: biblatex's
        # \finalandcomma is a comma in english.lbx and nothing in the other languages'
        # ("Kamen und James", not "Kamen, und James")
        names[profile] = dataclasses.replace(fmt, and_word=and_word or fmt.and_word,
                                             et_al=et_al or fmt.et_al,
                                             serial_comma="never" if and_word
                                             else fmt.serial_comma)
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
    terms.update(_role_terms(style.terms, locale))
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

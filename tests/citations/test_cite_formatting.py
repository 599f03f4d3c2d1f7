"""Unit tests for the shared formatting machinery: names, dates, pages, case, punctuation."""

from __future__ import annotations

import pytest

from chapbook.bibliography.dates import from_year_month, parse_edtf
from chapbook.bibliography.latex import decode
from chapbook.bibliography.markup import PROTECT_CLOSE, PROTECT_OPEN, strip, to_html
from chapbook.bibliography.model import DatePart, DateValue, Name
from chapbook.bibliography.names import parse_names
from chapbook.citations.casing import sentence_case, title_case
from chapbook.citations.dates import format_date
from chapbook.citations.names import NameFormat, format_names, initials
from chapbook.citations.pages import format_page_range
from chapbook.citations.punctuation import clean

P = PROTECT_OPEN
Q = PROTECT_CLOSE


# -- names ---------------------------------------------------------------------------
def test_name_splitting_particles_suffix_corporate_cyrillic() -> None:
    names = parse_names("van der Linden, Marcel and King, Jr., Martin Luther and "
                        "{Barnes and Noble} and Стаханов, Алексей and others")
    assert names[0] == Name(family="Linden", given="Marcel", particle="van der")
    assert names[1] == Name(family="King", given="Martin Luther", suffix="Jr.")
    assert names[2].literal == "Barnes and Noble"
    assert names[3] == Name(family="Стаханов", given="Алексей")
    assert names[4].is_others


def test_name_with_latex_is_decoded_after_splitting() -> None:
    (name,) = parse_names(r"M{\"u}ller, J{\"o}rg")
    assert (name.family, name.given) == ("Müller", "Jörg")


BIB = NameFormat(order="first-inverted", serial_comma="always", et_al_min=7, et_al_use_first=3)
APA = NameFormat(order="family-given", initials=True, and_word="&", serial_comma="always",
                 et_al_min=21, et_al_use_first=19, ellipsis=True)
SHORT = NameFormat(order="family", et_al_min=3, et_al_use_first=1)


def _people(n: int) -> list[Name]:
    return [Name(family=f"F{i}", given=f"Given{i}") for i in range(1, n + 1)]


def test_chicago_bibliography_names() -> None:
    two = [Name(family="Davies", given="R. W."), Name(family="Khlevnyuk", given="Oleg")]
    assert format_names(two, BIB) == "Davies, R. W., and Oleg Khlevnyuk"
    assert format_names(_people(6), BIB).endswith(", and Given6 F6")
    assert format_names(_people(7), BIB) == "F1, Given1, Given2 F2, Given3 F3, et al."


def test_short_names_and_et_al() -> None:
    assert format_names(_people(2), SHORT) == "F1 and F2"
    assert format_names(_people(3), SHORT) == "F1 et al."


def test_apa_names_initials_and_ellipsis() -> None:
    assert format_names([Name(family="Siegelbaum", given="Lewis Henry")], APA) == \
        "Siegelbaum, L. H."
    assert format_names(_people(2), APA) == "F1, G., & F2, G."
    long = format_names(_people(22), APA)
    assert long.count("F") == 20 and ", … F22, G." in long


def test_initials_keep_hyphens() -> None:
    assert initials("Jean-Paul") == "J.-P."
    assert initials("R. W.") == "R. W."


def test_suffix_placement() -> None:
    king = Name(family="King", given="Martin Luther", suffix="Jr.")
    assert format_names([king], BIB) == "King, Martin Luther, Jr."
    assert format_names([king], NameFormat()) == "Martin Luther King Jr."


# -- dates ---------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "form", "expected"), [
    ("1985-08-31", "long", "August 31, 1985"),
    ("1985-08-31", "mla", "31 Aug. 1985"),
    ("1985-09", "mla", "Sept. 1985"),
    ("1985-08-31", "month-day", "August 31"),
    ("1935-09-02/1935-09-03", "long", "September 2–3, 1935"),
    ("1935-08-31/1935-09-02", "long", "August 31–September 2, 1935"),
    ("1935/1936", "year", "1935–1936"),
    ("1935~", "long", "ca. 1935"),
])
def test_dates(text: str, form: str, expected: str) -> None:
    assert format_date(parse_edtf(text), form) == expected


def test_bibtex_year_month_and_bad_dates() -> None:
    assert from_year_month("1986", "jan") == DateValue(DatePart(1986, 1))
    assert parse_edtf("1986-13-01") is None
    assert from_year_month("19x") is None


# -- page ranges ---------------------------------------------------------------------
@pytest.mark.parametrize(("text", "chicago", "apa", "mla"), [
    ("3--10", "3–10", "3–10", "3–10"),
    ("71-72", "71–72", "71–72", "71–72"),
    ("96-117", "96–117", "96–117", "96–117"),
    ("100-104", "100–104", "100–104", "100–04"),
    ("101-108", "101–8", "101–108", "101–08"),
    ("808-833", "808–33", "808–833", "808–33"),
    ("321-328", "321–28", "321–328", "321–28"),
    ("498-532", "498–532", "498–532", "498–532"),
    ("1087-1089", "1087–89", "1087–1089", "1087–89"),
    ("1496-1500", "1496–500", "1496–1500", "1496–500"),
    ("259--92", "259–92", "259–292", "259–92"),
])
def test_page_ranges(text: str, chicago: str, apa: str, mla: str) -> None:
    assert format_page_range(text, "chicago") == chicago
    assert format_page_range(text, "expanded") == apa
    assert format_page_range(text, "minimal-two") == mla


# -- case ----------------------------------------------------------------------------
def test_title_case_keeps_small_words_and_protection() -> None:
    text = decode("the making of {stakhanovites}: a study in the {USSR} of the 1930s")
    assert strip(title_case(text)) == \
        "The Making of stakhanovites: A Study in the USSR of the 1930s"
    assert strip(title_case("europe-asia studies")) == "Europe-Asia Studies"


def test_sentence_case_protects_braced_words() -> None:
    text = decode("Stakhanovism and the {Soviet} Economy: A New View of {Stalin}")
    assert strip(sentence_case(text)) == "Stakhanovism and the Soviet economy: A new view of Stalin"
    assert strip(sentence_case("Politics of Productivity in the USSR")) == \
        "Politics of productivity in the USSR"


# -- LaTeX ---------------------------------------------------------------------------
def test_latex_decoding() -> None:
    assert decode(r"Caf\'e \v{S}koda {\"O}sterreich \ss{} 1935--36 ---") == \
        "Café Škoda Österreich ß 1935–36 —"
    assert decode("{USSR} and {Stalin}") == f"{P}USSR{Q} and {P}Stalin{Q}"
    assert to_html(decode(r"The \emph{Titanic} \& Co.")) == "The <i>Titanic</i> &amp; Co."


# -- punctuation ---------------------------------------------------------------------
def test_period_and_comma_go_inside_quotes() -> None:
    assert clean("“Heroes of Labor”. Time") == "“Heroes of Labor.” Time"
    assert clean("“Title”, in") == "“Title,” in"
    assert clean("“Title”. x", quotes_inside=False) == "“Title”. x"


def test_no_doubled_punctuation() -> None:
    assert clean("Jr.. 1963") == "Jr. 1963"
    assert clean("“Why Work?”. Next") == "“Why Work?” Next"
    assert clean("Stalins’. x") == "Stalins’. x"  # an apostrophe, not a closing quote

"""The layout report finds each fault on pages made to have it, and nothing on clean ones."""

from __future__ import annotations

import pytest
from weasyprint import HTML

from chapbook.typeset.layout_report import layout_faults

PAGE = """<style>@page { size: 100mm 80mm; margin: 10mm }
html { font: 10pt/12pt serif; orphans: 1; widows: 1 } p, h2 { margin: 0 }
h2 { font-size: 10pt; break-after: auto }</style>"""
WORDS = "word " * 30


def faults(body: str, language: str = "en") -> list[str]:
    document = HTML(string=f"<html><body>{PAGE}<section class='chapter' id='ch-x'>"
                           f"{body}</section></body></html>").render()
    return [fault.message for fault in layout_faults(document, language)]


def lines(count: int) -> str:
    return "".join(f"<p>line {i}</p>" for i in range(count))


def test_a_clean_page_has_no_faults():
    assert faults(f"<p>{WORDS}</p><p>{WORDS}</p>") == []


def test_a_heading_at_the_foot_of_a_page_is_stranded():
    found = faults(lines(12) + "<h2>Review questions</h2><p>one</p>" + lines(6))
    assert any("stranded" in message and "Review questions" in message for message in found)


def test_one_line_of_a_paragraph_alone_is_an_orphan_or_a_widow():
    found = faults(lines(15) + f"<p>{WORDS * 3}</p>")
    assert any("orphan" in message or "widow" in message for message in found)


def test_a_short_box_that_splits_is_reported():
    box = f"<aside class='box box-short'><p>{WORDS}</p><p>{WORDS}</p></aside>"
    found = faults(lines(9) + box + lines(3))
    assert any("splits across pages" in message for message in found)


def test_a_page_left_empty_before_a_figure_is_a_hole():
    figure = "<figure id='fig-1' style='height: 50mm; break-inside: avoid; margin: 0'>" \
             "<figcaption>Figure 1. A chart</figcaption></figure>"
    found = faults(lines(5) + figure + lines(25))
    assert any("Figure 1" in message and "empty" in message for message in found)


def test_a_line_past_the_measure_is_reported():
    found = faults("<p style='overflow-wrap: normal'>" + "x" * 120 + "</p>")
    assert any("past the measure" in message for message in found)


def test_three_hyphens_in_a_row_and_a_broken_name():
    soft = "\u00ad"
    words = soft.join(["abcd"] * 40)
    found = faults(f"<p style='width: 17mm; hyphens: manual'>{words}</p>"
                   f"<p style='width: 17mm; hyphens: manual'>the Siegel{soft}baum book</p>")
    assert any("three hyphenated lines" in message for message in found)
    assert any("Siegelbaum" in message for message in found)


@pytest.mark.parametrize("language", ["de"])
def test_a_capitalised_noun_broken_in_german_is_no_name(language):
    soft = "\u00ad"
    found = faults(f"<p style='width: 17mm; hyphens: manual'>die Photo{soft}synthese ist</p>",
                   language)
    assert not any("name" in message for message in found)


def test_a_fault_is_found_at_its_source_line(tmp_path):
    from chapbook.typeset.layout_warnings import source_line

    source = tmp_path / "03-spread.md"
    source.write_text("---\ntitle: X\n---\n\nThe **Stakhanovite** movement spread\n"
                      "to [every industry]{term=\"industry\"} within months.\n",
                      encoding="utf-8")
    assert source_line(source, "The Stakhanovite movement spread to every") == 5
    assert source_line(source, "every industry within months.") == 6
    assert source_line(source, "nowhere to be seen") == 0

"""Imposition: sheet sizes, page order on every sheet side, padding, metadata, atomic writes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PageObject, PdfReader, PdfWriter

from chapbook.finish.impose import (
    booklet_order,
    impose_2up,
    impose_booklet,
    sheet_size,
    two_up_order,
)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

A4_LANDSCAPE = (841.89, 595.28)
COUNTS = [1, 4, 5, 8, 13]


def _make_pdf(path: Path, pages: int, size: str = "A5", extra_css: str = "") -> Path:
    from weasyprint import HTML

    body = "".join(f'<p class="p">PAGE {n}</p>' for n in range(1, pages + 1))
    HTML(string=(
        '<html lang="en-GB"><head><title>Stakhanov handout</title>'
        '<meta name="author" content="A. Teacher"><style>'
        f"@page {{ size: {size}; margin: 2cm }} .p {{ break-before: page; font-size: 30pt }}"
        f".p:first-child {{ break-before: auto }} {extra_css}</style></head>"
        f"<body>{body}</body></html>")).write_pdf(path)
    return path


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("sources")
    return {n: _make_pdf(folder / f"a5-{n}.pdf", n) for n in COUNTS}


def _half_text(pdf: Path, side: int, half: int, width: float, height: float) -> str:
    """Text of the left (0) or right (1) half of one sheet side, via pdftotext's crop."""
    x = int(half * width / 2)
    out = subprocess.run(
        ["pdftotext", "-f", str(side), "-l", str(side), "-x", str(x), "-y", "0",
         "-W", str(int(width / 2)), "-H", str(int(height) + 1), str(pdf), "-"],
        capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def _sides(pdf: Path) -> list[tuple[str, str]]:
    reader = PdfReader(pdf)
    result = []
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        result.append((_half_text(pdf, number, 0, width, height),
                       _half_text(pdf, number, 1, width, height)))
    return result


def _expected(order: list[tuple[int | None, int | None]]) -> list[tuple[str, str]]:
    return [tuple(f"PAGE {p}" if p else "" for p in side) for side in order]


# --- order ---------------------------------------------------------------------------------

def test_booklet_order_matches_the_folding_rule():
    assert booklet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert booklet_order(5) == [(None, 1), (2, None), (None, 3), (4, 5)]
    assert booklet_order(1) == [(None, 1), (None, None)]
    assert booklet_order(0) == []


@pytest.mark.parametrize("pages", range(1, 30))
def test_booklet_order_folds_into_reading_order(pages):
    order = booklet_order(pages)
    assert len(order) % 2 == 0 and len(order) * 2 % 4 == 0
    # Unfold: the first halves of the stack read front-right, back-left; the second
    # halves (from the innermost sheet out) read front... i.e. the rule below.
    sheets = [(order[i], order[i + 1]) for i in range(0, len(order), 2)]
    reading = []
    for front, back in sheets:
        reading += [front[1], back[0]]
    for front, back in reversed(sheets):
        reading += [back[1], front[0]]
    assert reading == [p if p <= pages else None for p in range(1, len(order) * 2 + 1)]


def test_two_up_order():
    assert two_up_order(5) == [(1, 2), (3, 4), (5, None)]
    assert two_up_order(4) == [(1, 2), (3, 4)]


def test_sheet_sizes():
    assert sheet_size(419.53, 595.28) == pytest.approx(A4_LANDSCAPE, abs=0.01)
    assert sheet_size(595.28, 841.89) == pytest.approx((1190.55, 841.89), abs=0.01)
    assert sheet_size(612, 792) == (1224, 792)
    assert sheet_size(500, 700) == (1000, 700)  # no standard paper: exactly twice
    assert sheet_size(595.28, 419.53) == pytest.approx((1190.56, 419.53), abs=0.01)


# --- imposed files --------------------------------------------------------------------------

@pytest.mark.parametrize("pages", COUNTS)
def test_booklet(sources, tmp_path, pages):
    dest = tmp_path / "booklet.pdf"
    impose_booklet(sources[pages], dest)
    reader = PdfReader(dest)
    assert len(reader.pages) == -(-pages // 4) * 2
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            A4_LANDSCAPE, abs=0.01)
    assert _sides(dest) == _expected(booklet_order(pages))


@pytest.mark.parametrize("pages", COUNTS)
def test_two_up(sources, tmp_path, pages):
    dest = tmp_path / "handout.pdf"
    impose_2up(sources[pages], dest)
    assert len(PdfReader(dest).pages) == -(-pages // 2)
    sides = _sides(dest)
    assert sides == _expected(two_up_order(pages))
    if pages % 2:
        assert sides[-1][1] == ""  # blank padding on the right of the last side


def test_thirteen_pages_pad_with_three_blanks_at_the_end(sources, tmp_path):
    dest = tmp_path / "booklet.pdf"
    impose_booklet(sources[13], dest)
    sides = _sides(dest)
    halves = [text for side in sides for text in side]
    assert halves.count("") == 3
    assert sides[0] == ("", "PAGE 1")  # page 16 (blank) is the back of the booklet
    assert sides[1] == ("PAGE 2", "")  # page 15 (blank)


def test_content_stays_vector_and_metadata_is_kept(sources, tmp_path):
    dest = tmp_path / "booklet.pdf"
    impose_booklet(sources[8], dest)
    reader = PdfReader(dest)
    assert reader.metadata.title == "Stakhanov handout"
    assert reader.metadata.author == "A. Teacher"
    assert reader.root_object["/Lang"] == "en-GB"
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        assert all(xobjects[k].get_object().get("/Subtype") != "/Image" for k in xobjects)
        assert "/Annots" not in page


def test_a4_pages_go_on_a3_and_bleed_is_clipped(tmp_path):
    src = _make_pdf(tmp_path / "a4.pdf", 2, size="A4",
                    extra_css="@page { bleed: 3mm; marks: crop }")
    dest = tmp_path / "a3.pdf"
    impose_2up(src, dest)
    page = PdfReader(dest).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
        (1190.55, 841.89), abs=0.01)
    assert _sides(dest) == [("PAGE 1", "PAGE 2")]


def test_letter_pages_go_on_tabloid(tmp_path):
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(612, 792)
    src = tmp_path / "letter.pdf"
    writer.write(src)
    dest = tmp_path / "tabloid.pdf"
    impose_booklet(src, dest)
    reader = PdfReader(dest)
    assert len(reader.pages) == 2
    assert [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages] == [
        (1224, 792)] * 2


def test_rotated_pages_are_set_upright(tmp_path):
    src = _make_pdf(tmp_path / "rot.pdf", 2)
    writer = PdfWriter(clone_from=src)
    page = writer.pages[1]
    page.rotate(90)
    page.transfer_rotation_to_content()  # now a landscape page with sideways text ...
    page.rotate(270)  # ... that /Rotate shows upright again
    assert float(page.mediabox.width) > float(page.mediabox.height)
    writer.write(src)
    dest = tmp_path / "out.pdf"
    impose_2up(src, dest)
    assert _sides(dest) == [("PAGE 1", "PAGE 2")]


def test_mixed_page_sizes_fail_clearly_and_leave_dest_alone(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(419.53, 595.28)
    writer.add_blank_page(419.53, 595.28)
    writer.add_blank_page(595.28, 841.89)
    src = tmp_path / "mixed.pdf"
    writer.write(src)
    dest = tmp_path / "out" / "booklet.pdf"
    dest.parent.mkdir()
    dest.write_bytes(b"previous")
    with pytest.raises(ValueError, match=r"page 3 is 595 x 842 pt but page 1 is 420 x 595 pt"):
        impose_booklet(src, dest)
    assert dest.read_bytes() == b"previous"
    assert [p.name for p in dest.parent.iterdir()] == ["booklet.pdf"]


def test_empty_pdf_fails(tmp_path):
    src = tmp_path / "empty.pdf"
    PdfWriter().write(src)
    with pytest.raises(ValueError, match="no pages"):
        impose_2up(src, tmp_path / "out.pdf")


def test_writes_atomically_and_can_replace_its_source(sources, tmp_path):
    src = tmp_path / "book.pdf"
    src.write_bytes(sources[4].read_bytes())
    impose_booklet(src, src)
    assert [p.name for p in tmp_path.iterdir()] == ["book.pdf"]  # no temporary file left
    assert (src.stat().st_mode & 0o777) != 0o600
    assert _sides(src) == _expected(booklet_order(4))


def test_blank_sheet_sides_are_real_pages(tmp_path):
    # One page makes a whole sheet: front [blank, 1] and an all-blank back.
    writer = PdfWriter()
    writer.add_page(PageObject.create_blank_page(width=419.53, height=595.28))
    src = tmp_path / "one.pdf"
    writer.write(src)
    dest = tmp_path / "out.pdf"
    impose_booklet(src, dest)
    assert len(PdfReader(dest).pages) == 2


def test_an_a4_booklet_on_the_a4_sheet_the_printer_takes_is_scaled_to_a5(tmp_path):
    """``--sheet a4``: an A4 booklet for a printer that takes only A4, scaled as pdfjam's
    --booklet does (issue 29). The imposed copy says so, and without --sheet the A3 copy
    says how to get one."""
    from chapbook.finish.printing import impose

    src = _make_pdf(tmp_path / "a4-booklet.pdf", 8, size="A4")
    dest, detail = impose(src, "booklet", "a4")
    assert dest.name == "a4-booklet-booklet-a4.pdf"
    reader = PdfReader(dest)
    assert [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages] == \
        [pytest.approx(A4_LANDSCAPE, abs=0.01)] * 4
    # The pages in booklet order, each on its half of the sheet, and drawn at 71%.
    assert _sides(dest) == _expected(booklet_order(8))
    content = reader.pages[0].get_contents().get_data().decode()
    assert content.startswith("q 0.7070") and " 0 0 0.7070" in content
    assert detail.startswith("2 sheets of A4 (A4 pages scaled to 71%, A5): print on both")
    _, plain = impose(src, "booklet")
    assert plain.startswith("2 sheets of A3:")
    assert plain.endswith("for a printer that takes only A4, add --sheet a4 (pages scaled "
                          "to A5)")

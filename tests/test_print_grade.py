"""Print-grade pages, read back from the PDF: the measure, page labels against the printed
folios, one font program per face, curly quotes, print-shop boxes."""

from __future__ import annotations

import struct
import subprocess

import pytest

from chapbook.pipeline import BuildOptions, build
from chapbook.typeset.fontmerge import merge_subsets
from chapbook.typography import smart_quotes
from pdf_facts import font_programs, line_lengths, page_labels, percentile, printed_folios


def test_body_lines_keep_a_reading_measure(mini_build):
    _, result = mini_build
    lengths = line_lengths(result.outputs[0])
    assert len(lengths) > 50
    assert percentile(lengths, 0.9) <= 80


def test_page_labels_are_the_printed_folios(mini_build):
    _, result = mini_build
    pdf = result.outputs[0]
    labels, folios = page_labels(pdf), printed_folios(pdf)
    assert labels[0] == "i"
    printed = [(label, folio) for label, folio in zip(labels, folios, strict=True) if folio]
    assert len(printed) >= len(labels) // 2
    assert all(label == folio for label, folio in printed), printed


def test_each_face_is_embedded_once(mini_build):
    _, result = mini_build
    programs = font_programs(result.outputs[0])
    assert programs and set(programs.values()) == {1}, programs


def test_no_straight_quotes_in_the_text(mini_build):
    _, result = mini_build
    text = subprocess.run(["pdftotext", str(result.outputs[0]), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert '"' not in text


@pytest.mark.parametrize(("straight", "curly"), [
    ('Resentment, "Wreckers" and the Terror', "Resentment, “Wreckers” and the Terror"),
    ("Stalin's 'new man'", "Stalin’s ‘new man’"),
    ('("Pravda")', "(“Pravda”)"),
    ("no quotes", "no quotes"),
])
def test_titles_get_curly_quotes(straight, curly):
    assert smart_quotes(straight, "en") == curly


def test_russian_titles_get_guillemets():
    assert smart_quotes('Газета "Правда"', "ru") == "Газета «Правда»"


def _font(glyphs: list[bytes]) -> bytes:
    """A minimal TrueType file with ``glyphs`` (bytes each, empty for none)."""
    from chapbook.typeset.fontmerge import _assemble

    offsets, glyf = [], b""
    for data in glyphs:
        offsets.append(len(glyf))
        glyf += data
    offsets.append(len(glyf))
    count = len(glyphs)
    head = bytearray(54)
    struct.pack_into(">h", head, 50, 1)
    hhea = bytearray(36)
    struct.pack_into(">H", hhea, 34, count)
    maxp = bytearray(32)
    struct.pack_into(">LH", maxp, 0, 0x00010000, count)
    struct.pack_into(">H", maxp, 6, 10 * count)
    hmtx = b"".join(struct.pack(">Hh", 500 + i, 0) for i in range(count))
    return _assemble({b"head": bytes(head), b"hhea": bytes(hhea), b"maxp": bytes(maxp),
                      b"hmtx": hmtx, b"glyf": glyf,
                      b"loca": struct.pack(f">{count + 1}L", *offsets)})


def test_subsets_merge_into_one_program_with_the_same_glyph_ids():
    from chapbook.typeset.fontmerge import _Subset

    first = _font([b"N" * 4, b"A" * 8, b"", b""])
    second = _font([b"N" * 4, b"", b"", b"C" * 12, b"D" * 4])
    merged = _Subset(merge_subsets([first, second]))
    assert merged.glyph_count == 5
    assert [merged.glyph(gid) for gid in range(5)] == [
        b"N" * 4, b"A" * 8, b"", b"C" * 12, b"D" * 4]
    assert merged.advance == [500, 501, 502, 503, 504]


def test_a_font_program_keeps_no_time_of_the_build():
    """fontTools stamps the time into ``head.modified`` of the static instance WeasyPrint
    makes of a variable font: settled() puts the font's creation date there instead, with
    the table's and the file's checksums right."""
    import io
    from pathlib import Path

    from fontTools.ttLib import TTFont

    from chapbook.resolve.fonts import font_dirs
    from chapbook.typeset.fontmerge import _checksum, settled

    path = next(found for folder in font_dirs()
                for found in sorted(Path(folder).glob("PT_Sans-Web-Regular.ttf")))
    font = TTFont(path, recalcTimestamp=False)
    font["head"].modified = font["head"].created + 123_456
    stamped = io.BytesIO()
    font.save(stamped)
    program = settled(stamped.getvalue())
    read = TTFont(io.BytesIO(program), checkChecksums=2)  # a wrong table checksum raises
    assert read["head"].modified == read["head"].created
    assert _checksum(program) == 0xB1B0AFBA  # the file's checkSumAdjustment
    assert settled(program) == program
    assert settled(b"not a font") == b"not a font"


@pytest.mark.slow
def test_print_shop_boxes_nest_with_marks_outside_the_bleed(tmp_path):
    from conftest import copy_fixture

    root = copy_fixture("mini", tmp_path)
    result = build(root, BuildOptions(bleed=True, jobs=1))
    assert not result.failed
    info = subprocess.run(["pdfinfo", "-box", "-f", "2", "-l", "2", str(result.outputs[0])],
                          capture_output=True, text=True, check=True).stdout
    boxes = {line.split(":")[0].split()[-1]: [float(v) for v in line.split(":")[1].split()]
             for line in info.splitlines() if "Box:" in line}
    media, bleed, trim = boxes["MediaBox"], boxes["BleedBox"], boxes["TrimBox"]
    mm = 72 / 25.4
    assert media[0] < bleed[0] < trim[0] and media[2] > bleed[2] > trim[2]
    assert bleed[0] - media[0] >= 5 * mm  # room for the marks outside the bleed
    assert trim[0] - bleed[0] >= 3 * mm


def test_hyphenation_spares_names_and_short_words_but_not_german_nouns():
    import pyphen

    from chapbook.typeset.hyphenation import BookHyphenation

    english = pyphen.HyphDict(pyphen.LANGUAGES[pyphen.language_fallback("en")])
    rules = BookHyphenation(english, {"engineer": "en-gi-neer"})
    assert rules.positions("Siegelbaum") == [] and rules.positions("Radiant") == []
    assert rules.positions("worker") == []
    assert rules.positions("engineer") == [2, 4]
    assert rules.positions("industrialisation")
    german = pyphen.HyphDict(pyphen.LANGUAGES[pyphen.language_fallback("de")])
    assert BookHyphenation(german, {}, names_capitalised=False).positions("Photosynthese")


def test_a_short_table_is_marked_to_stay_whole_and_a_long_one_may_break():
    """A table cut after its first row reads as a mistake; WeasyPrint has no ``orphans`` for
    rows, so a short table (a dozen rows) is kept whole, as a short box is."""
    from chapbook.model import Fragment
    from chapbook.render.markdown_html import SHORT_TABLE_ROWS, FragmentRenderer, RenderOptions
    from chapbook.resolve.structure import parse_fragment

    def rendered(rows: int, cell: str = "") -> str:
        text = "| Colour | nm |\n|---|---|\n" + "".join(f"| c{i}{cell} | {i} |\n"
                                                      for i in range(rows))
        fragment = Fragment("chapters/x.md", 1, text)
        parse_fragment(fragment, "en")
        return FragmentRenderer("en", RenderOptions()).render(fragment)

    assert '<div class="table-wrap table-short">' in rendered(7)
    assert '<div class="table-wrap">' in rendered(SHORT_TABLE_ROWS)  # with its header, one more
    assert '<div class="table-wrap">' in rendered(3, " long words" * 40)  # rows of paragraphs


def test_a_boxs_short_first_paragraph_leads_into_its_list():
    """At a page's foot the box's title and a line or two of it, with the rest overleaf,
    read as a false start: a short first paragraph keeps with what follows, a long one may
    break as any paragraph."""
    from chapbook.model import Fragment
    from chapbook.render.markdown_html import FragmentRenderer, RenderOptions
    from chapbook.resolve.structure import parse_fragment

    def rendered(first: str) -> str:
        text = (f'::: source-check "How was it made?"\n{first}\n\n- one\n- two\n:::\n\n'
                f"{first}\n\n- x\n")
        fragment = Fragment("chapters/x.md", 1, text)
        parse_fragment(fragment, "en")
        return FragmentRenderer("en", RenderOptions()).render(fragment)

    short = rendered("Accounts agree that 102 tonnes were recorded.")
    assert short.count('<p class="lead-in">') == 1  # in the box, not in the running text
    assert '<p class="lead-in">' not in rendered("Accounts agree on the tonnes. " * 8)

"""No printed line ends inside a number range, between initials, between a number and
its unit, or inside a citation's author."""

from __future__ import annotations

from weasyprint import HTML

from chapbook.typeset.ties import WORD_JOINER, tied


def test_ranges_and_initials_are_tied_in_text_only():
    html = ("<p title='1931–33'>the famine of 1931–33, pp. 877–79, W. W. Norton, "
            "z. B. dies, e.g. This, А. Г. Стаханов и</p><style>p::before{content:'1–2'}</style>")
    out = tied(html)
    assert f"1931–{WORD_JOINER}33" in out and f"877–{WORD_JOINER}79" in out
    assert "W.\u00a0W.\u00a0Norton" in out and "А.\u00a0Г.\u00a0Стаханов" in out
    assert "z.\u00a0B. dies" in out and "e.g. This" in out  # an abbreviation of two letters
    assert "title='1931–33'" in out and "content:'1–2'" in out
    cited = tied('<p>x (<a href="#ref-k">Kotkin 2017</a>; <a href="#ref-c">Ukraine, n.d.</a>) '
                 'and <a href="#fig-1">Figure 1</a> in 1935 and later</p>')
    assert '<a href="#ref-k">Kotkin\u00a02017</a>;' in cited and "in 1935 and" in cited
    assert '<a href="#ref-c">Ukraine,\u00a0n.d.</a>' in cited
    cited = tied('<p>(<a href="#ref-r">Ruben u. a. 1941</a>; <a href="#ref-g">Getty et al. '
                 '1993</a>; <a href="#ref-d">Davies and Wheatcroft 2004</a>)</p>')
    assert "Ruben\u00a0u.\u00a0a.\u00a01941" in cited
    assert "Getty\u00a0et\u00a0al.\u00a01993" in cited
    assert "Davies and Wheatcroft\u00a02004" in cited
    linked = tied('<p class="reference">x. <a href="https://a.org/in-soviet-eager">'
                  'https://a.org/in-soviet-eager</a>. <a href="#ref-k">well-known</a></p>')
    assert (f'<a href="https://a.org/in-soviet-eager">https://a.org/in\u200b-{WORD_JOINER}'
            f'soviet\u200b-{WORD_JOINER}eager</a>') in linked
    assert ">well-known</a>" in linked  # a link whose text is not its address
    units = tied("<p>at 10 cm, 102 t of coal in 5 h 45 min, 20 °C, 50 % and 3 millions or 2 "
                 "wagons</p>")
    assert units == ("<p>at 10\u00a0cm, 102\u00a0t of coal in 5\u00a0h 45\u00a0min, 20\u00a0°C, "
                     "50\u00a0% and 3 millions or 2 wagons</p>")
    spelled = tied("<p>102 tonnes, 200 per cent, 6.5 million, 10 roubles, 24,4 Kubikmeter, "
                   "1935 the record and 3 men worked</p>")
    assert spelled == ("<p>102\u00a0tonnes, 200\u00a0per\u00a0cent, 6.5\u00a0million, "
                       "10\u00a0roubles, 24,4\u00a0Kubikmeter, 1935 the record and 3 men "
                       "worked</p>")
    assert tied("<li>why they made records pay.</li><p>was it real?</p><p>x <em>ok</em></p>") == (
        "<li>why they made records\u00a0pay.</li><p>was it\u00a0real?</p><p>x <em>ok</em></p>")
    ended = tied("<p>a great catastrophe.</p><li>the calendar).</li><p>a <em>linked</em>.</p>")
    assert ended == ('<p>a great <span class="last-word">catastrophe</span>.</p>'
                     '<li>the <span class="last-word">calendar</span>).</li>'
                     "<p>a <em>linked</em>.</p>")


def test_a_paragraph_never_ends_with_the_tail_of_a_hyphenated_word(tmp_path):
    from chapbook.typeset.engine import LayoutEngine

    engine = LayoutEngine("@page { size: 200mm 280mm; margin: 10mm } html { font: 11pt/1.4 "
                          "'PT Serif'; hyphens: auto } p { margin: 0 0 4mm } "
                          ".last-word { hyphens: manual }", tmp_path, [])
    text = "and the famine was a national " * 3 + "catastrophe."
    paragraphs = "".join(f"<p style='width: {width}mm'>{text}</p>" for width in range(40, 90))
    html = f"<html lang='en'><body>{paragraphs}</body></html>"

    def tails(document):
        ends = [lines[-2:] for lines in _paragraph_lines(document.pages[0]._page_box)]
        # a last line that is nothing but the end of a word hyphenated on the line before
        return [pair for pair in ends if len(pair) == 2 and len(pair[1].split()) == 1
                and pair[0].rstrip().endswith(("-", "\u2010"))]

    # as WeasyPrint sets them, some widths end with "catastro-" / "phe."; chapbook's, none
    assert tails(HTML(string=html).render(stylesheets=engine.stylesheets,
                                          font_config=engine.font_config))
    assert tails(engine.layout(html)) == []


def test_a_line_never_ends_after_the_dash_of_a_range():
    text = "and the famine of 1931–33 and W. W. Norton " * 6
    for width in range(60, 140, 4):
        page = f"<p style='width: {width}mm; font: 11pt serif; margin: 0'>{text}</p>"
        document = HTML(string=tied(page)).render()
        lines = [line for line in _lines(document.pages[0]._page_box)]
        assert not any(line.rstrip().endswith(("–", " W.")) for line in lines), (width, lines)


def _lines(box):
    if type(box).__name__ == "LineBox":
        yield "".join(_texts(box))
        return
    for child in getattr(box, "children", []):
        yield from _lines(child)


def _texts(box):
    yield getattr(box, "text", "")
    for child in getattr(box, "children", []):
        yield from _texts(child)


def test_a_titles_last_two_words_are_kept_together_as_text():
    """In a span, not round a no-break space: the PDF's bookmarks and an EPUB's contents
    take a title's text, and must read it with ordinary spaces."""
    from chapbook.render.html import no_lone_last_word

    kept = no_lone_last_word("Resentment, “Wreckers” & the Terror")
    assert kept == ('Resentment, “Wreckers” &amp;<span class="title-end"> '
                    '<span class="last-words">the Terror</span></span>')
    assert no_lone_last_word("Timeline") == "Timeline"
    assert no_lone_last_word("The Stakhanovite Movement") == "The Stakhanovite Movement"
    assert no_lone_last_word("A Supercalifragilistic") == "A Supercalifragilistic"


def test_a_title_with_its_last_words_kept_never_breaks_early(tmp_path):
    """The space before the kept words starts an inline element: left before it, at the
    end of the text before, it tripped WeasyPrint's early line break ("The" / "Stakhanovite
    Movement: Work, ..." in the A5 imprint)."""
    from chapbook.render.html import no_lone_last_word
    from chapbook.typeset.engine import LayoutEngine
    from chapbook.typeset.layout_report import layout_faults

    engine = LayoutEngine("@page { size: 200mm 120mm; margin: 10mm } html { font: 9pt/1.4 "
                          "'PT Serif' } p { margin: 0 } .last-words { white-space: nowrap }",
                          tmp_path, [])
    title = no_lone_last_word("The Stakhanovite Movement: Work, Propaganda and Memory in "
                              "Stalin’s Soviet Union")
    paragraphs = "".join(f"<p style='width: {width}mm'>{title}</p>" for width in range(60, 110, 3))
    html = (f"<html lang='en'><body><section class='chapter' id='x'>{paragraphs}</section>"
            "</body></html>")
    faults = [fault.message for fault in layout_faults(engine.layout(html))]
    assert not [message for message in faults if "breaks early" in message], faults


def _paragraph_lines(box):
    """The lines of each paragraph under ``box``, as text."""
    if getattr(box, "element_tag", "") == "p":
        yield list(_lines(box))
        return
    for child in getattr(box, "children", []):
        yield from _paragraph_lines(child)

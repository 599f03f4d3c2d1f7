"""The built booklet, read back from the PDF: what a teacher would check by eye, asserted."""

from __future__ import annotations

import re
import subprocess

import pypdf

from conftest import page_texts, pdf_text


def _pdf(build):
    root, result = build
    assert result.outputs, "no output written"
    return result.outputs[0]


def _printed_number(text: str) -> str | None:
    """The page number printed in the foot of a page (the last non-empty line)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return None
    match = re.search(r"(\d+|[ivxlc]+)\s*$", lines[-1])
    return match.group(1) if match else None


def test_output_is_a4_pdf_named_after_the_slug(mini_build):
    pdf = _pdf(mini_build)
    assert pdf.name == "mini.pdf"
    reader = pypdf.PdfReader(pdf)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_title_page_has_the_title_high_and_the_authors_at_the_foot(mini_build):
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(_pdf(mini_build)),
                           "-"], capture_output=True, text=True, check=True).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', bbox).group(1))

    def top_of(word: str) -> float:
        return float(re.search(rf'yMin="([\d.]+)"[^>]*>{word}</word>', bbox).group(1))

    assert top_of("Mini") < height / 2
    # The authors and edition stand at the foot of the page, not under the title.
    assert top_of("Ada") > height * 0.75 and top_of("Test") > top_of("Ada")


def test_timeline_dates_take_a_narrow_column(mini_build):
    pdf = _pdf(mini_build)
    page = next(i for i, text in enumerate(page_texts(pdf), start=1)
                if text.strip().startswith("Timeline"))
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf),
                           "-"], capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    event = float(re.search(r'xMin="([\d.]+)"[^>]*>record</word>', bbox).group(1))
    date = float(re.search(r'xMin="([\d.]+)"[^>]*>August</word>', bbox).group(1))
    # The event column starts about a third of the way in, not at the middle of the page.
    assert date < event < width * 0.45


def test_toc_page_numbers_are_the_pages_the_headings_are_on(mini_build):
    pdf = _pdf(mini_build)
    pages = page_texts(pdf)
    toc_page = next(i for i, text in enumerate(pages) if "Contents" in text)
    toc = pages[toc_page]
    # The leader dots are a picture, not text: a copy or a screen reader meets no ". . .".
    assert ". ." not in toc
    entries = re.findall(r"^\s*(?:\d+\s+)?([A-Z][\w ]+?)\s{2,}(\d+)\s*$", toc, re.M)
    titles = dict(entries)
    for title in ("The First Chapter", "Alpha section", "Beta section", "The Second Chapter",
                  "Gamma section", "Delta section", "Timeline", "Glossary", "References"):
        assert title in titles, f"{title!r} missing from the contents: {toc}"
        printed = titles[title]
        on_page = [i for i, text in enumerate(pages) if _printed_number(text) == printed]
        assert on_page, f"no page numbered {printed}"
        assert title in pages[on_page[0]], f"{title!r} is not on page {printed}"


def test_chapters_open_on_right_hand_pages(mini_build):
    pdf = _pdf(mini_build)
    pages = page_texts(pdf)
    for title in ("The First Chapter", "The Second Chapter", "Glossary"):
        index = next(i for i, t in enumerate(pages) if re.search(rf"^\s*{title}\s*$", t, re.M)
                     and "Contents" not in t)
        number = int(_printed_number(pages[index]) or 0)
        assert number % 2 == 1, f"{title} opens on page {number}, a left-hand page"


def test_running_heads_name_the_chapter(mini_build):
    pdf = _pdf(mini_build)
    pages = page_texts(pdf)
    first = next(i for i, t in enumerate(pages) if "Alpha section" in t and "Contents" not in t)
    second = next(i for i, t in enumerate(pages) if "Gamma section" in t and "Contents" not in t)
    right_in_first = [i for i in range(first + 1, second)
                      if (_printed_number(pages[i]) or "x").isdigit()
                      and int(_printed_number(pages[i])) % 2 == 1 and pages[i].strip()]
    assert right_in_first, "chapter 1 has no right-hand page after its opening"
    for i in right_in_first:
        head = pages[i].strip().splitlines()[0]
        if "The Second Chapter" in pages[i]:
            continue
        assert "First chapter" in head, head
    left = [i for i in range(first + 1, second) if (_printed_number(pages[i]) or "x").isdigit()
            and int(_printed_number(pages[i])) % 2 == 0 and pages[i].strip()]
    for i in left:
        assert "Mini Booklet" in pages[i].strip().splitlines()[0]


def test_every_font_is_embedded_and_covers_cyrillic(mini_build):
    pdf = _pdf(mini_build)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts
    for line in fonts:
        columns = line.split()
        assert columns[-5] == "yes", f"not embedded: {line}"
        assert columns[0].split("+")[-1].startswith(("PT-Serif", "PT-Sans")), line
    assert "ударник, стахановец" in pdf_text(pdf)


def test_pdf_is_tagged_with_metadata_and_bookmarks(mini_build):
    pdf = _pdf(mini_build)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.M)
    assert re.search(r"^Title:\s+Mini Booklet: A fixture for the tests", info, re.M)
    assert re.search(r"^Author:\s+Ada Tester, Boris Проверкин", info, re.M)
    reader = pypdf.PdfReader(pdf)
    assert reader.trailer["/Root"]["/Lang"] == "en"
    top = [item for item in reader.outline if not isinstance(item, list)]
    titles = [item.title for item in top]
    assert {"Contents", "The First Chapter", "The Second Chapter", "Glossary"} <= set(titles)
    nested = [item for item in reader.outline if isinstance(item, list)]
    assert any("Alpha section" in [i.title for i in group] for group in nested)


def test_internal_links_point_into_the_document(mini_build):
    pdf = _pdf(mini_build)
    reader = pypdf.PdfReader(pdf)
    links = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link" and "/Dest" in annot or (
                    "/A" in annot and annot["/A"].get("/S") == "/GoTo"):
                links += 1
    assert links >= 10


def test_footnotes_sit_at_the_foot_of_their_page(mini_build):
    pdf = _pdf(mini_build)
    pages = page_texts(pdf)
    index = next(i for i, t in enumerate(pages) if "A footnote that cites" in t)
    lines = [line for line in pages[index].splitlines() if line.strip()]
    note_line = next(i for i, line in enumerate(lines) if "A footnote that cites" in line)
    assert note_line >= len(lines) - 3, "the footnote is not at the bottom of the page"
    assert "footnote." in pages[index]


def test_glossary_lists_the_pages_of_marked_uses(mini_build):
    pdf = _pdf(mini_build)
    pages = page_texts(pdf)
    numbered = {_printed_number(text): text for text in pages}
    glossary = next(t for t in pages if re.search(r"^\s*Glossary\s*$", t, re.M)
                    and "Contents" not in t)
    flat = " ".join(glossary.split())
    # "norm" is marked in the objectives and text of chapter 1 and in chapter 2.
    match = re.search(r"expected to do in a shift\. pp?\. ([\d, ]+)", flat)
    assert match, flat
    listed = [n.strip() for n in match.group(1).split(",") if n.strip()]
    assert listed == sorted(set(listed), key=int), "pages must be unique and in order"
    for number in listed:
        text = " ".join(numbered[number].split())
        assert re.search(r"\bnorms?\b|quotas", text), f"no marked use on page {number}"


def test_teacher_content_only_in_teacher_edition(mini_build, mini_teacher_build):
    student = pdf_text(_pdf(mini_build)).casefold()
    teacher_pdf = _pdf(mini_teacher_build)
    teacher = pdf_text(teacher_pdf).casefold()
    assert teacher_pdf.name == "mini-teacher.pdf"
    assert "marking guide" not in student and "model answer" not in student
    assert "marking guide" in teacher and "model answer" in teacher
    assert "the output expected in one shift" in teacher
    assert "teacher edition" in teacher and "teacher edition" not in student


def test_glossary_pages_are_exactly_the_pages_of_the_marked_uses(mini_build):
    """Every marked use's anchor lands on a listed page, and every listed page has one."""
    pdf = _pdf(mini_build)
    reader = pypdf.PdfReader(pdf)
    pages = page_texts(pdf)
    printed = [_printed_number(text) for text in pages]
    glossary = next(t for t in pages if re.search(r"^\s*Glossary\s*$", t, re.M)
                    and "Contents" not in t)
    flat = " ".join(glossary.split())
    checked = 0
    for key, definition_end in (("norm", "expected to do in a shift."),
                                ("udarnik", "See also norm.")):
        match = re.search(re.escape(definition_end) + r" pp?\. ((?:\d+, )*\d+)", flat)
        assert match, (key, flat)
        listed = {n.strip() for n in match.group(1).split(",") if n.strip()}
        anchored = {printed[reader.get_destination_page_number(dest)]
                    for name, dest in reader.named_destinations.items()
                    if name.startswith(f"t-{key}-")}
        assert anchored, f"no marked use of {key} found in the PDF"
        assert listed == anchored, (key, listed, anchored)
        checked += 1
    assert checked == 2


def test_nothing_lies_between_a_contents_label_and_its_title(mini_project):
    """The leader's dots run under the whole entry and are hidden by the label's and the
    title's white ground: a space between the two spans let a dot show through. The space
    is inside the label, so a copy still reads "1 The First Chapter"."""
    from chapbook.diagnostics import Diagnostics
    from chapbook.pipeline import BuildOptions, prepare
    from chapbook.render.html import BookRenderer
    from chapbook.render.markdown_html import RenderOptions

    book = prepare(mini_project, BuildOptions(), Diagnostics())
    html = BookRenderer(book, RenderOptions(), book.config.style).render_document(
        ("front",), placeholder_toc=True)
    labelled = re.findall(r'<span class="toc-label">([^<]*)</span>(\s*)<span class="toc-title">',
                          html)
    assert len(labelled) >= 2
    assert all(label.endswith(" ") and not gap for label, gap in labelled), labelled

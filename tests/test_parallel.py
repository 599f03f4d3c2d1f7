"""Laying the booklet out in parts, in worker processes, gives the same booklet as one process.

The parallel build lays parts out in workers forked by the layout host (typeset/host.py) and
joins them (typeset/internals.py); everything a reader, a screen reader or a printer sees must
come out as a one-process build makes it: the text of every page with its page number, the
bookmarks, every link and where it lands, and the tag tree. These tests compare the two
builds of the repository's own booklet object by object, and check that the processes come
and go as they should.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import CSS, HTML

from chapbook import pipeline
from chapbook.entry import asks_for_the_layout_host
from chapbook.pipeline import BuildOptions, build
from chapbook.typeset import engine as typeset_engine
from chapbook.typeset import host as layout_host
from chapbook.typeset import internals
from chapbook.typeset import workers as layout_workers
from chapbook.typeset.host import LayoutProcessError
from chapbook.typeset.internals import numbering_decided_late
from chapbook.typeset.parts import split_evenly
from conftest import copy_fixture, page_texts

#: Builds PDFs or runs chapbook in subprocesses: left out of `pytest -m 'not slow'`.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


def _copy_booklet(dest: Path) -> Path:
    root = dest / "booklet"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "tests", "benchmarks", "__pycache__", "*.egg-info"))
    return root


@pytest.fixture(scope="module")
def booklet_both_ways(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The booklet laid out as one document in one process (on WeasyPrint's public API, as
    a build does when the parts' internals are missing) and in parts by two processes."""
    root = _copy_booklet(tmp_path_factory.mktemp("parallel"))
    outputs = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(internals, "MISSING", ["(one document, for the comparison)"])
        result = build(root, BuildOptions(jobs=1, output=root / "build-whole"))
        assert not result.failed, [d.format() for d in result.diagnostics.errors]
        outputs.append(result.outputs[0])
    result = build(root, BuildOptions(jobs=2, output=root / "build-2"))
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    outputs.append(result.outputs[0])
    return outputs[0], outputs[1]


def _outline(reader: PdfReader) -> list[tuple[int, str, int, float, float]]:
    found: list[tuple[int, str, int, float, float]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item),
                              round(float(item.left), 1), round(float(item.top), 1)))

    walk(reader.outline, 0)
    return found


def _destinations(reader: PdfReader) -> dict[str, tuple[int, float, float]]:
    return {name: (reader.get_destination_page_number(dest), round(float(dest.left), 1),
                   round(float(dest.top), 1))
            for name, dest in reader.named_destinations.items()}


def _links(reader: PdfReader) -> list[tuple[int, list[float], str]]:
    links = []
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            target = (str(annotation["/Dest"]) if "/Dest" in annotation
                      else str(annotation["/A"]["/URI"]))
            links.append((index, [round(float(x), 1) for x in annotation["/Rect"]], target))
    return links


def _tag_tree(reader: PdfReader) -> list[tuple]:
    """The structure tree in reading order: each element's depth, type and page, and each
    marked-content id, as a screen reader walks it."""
    page_index = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    walked: list[tuple] = []

    def walk(node, depth: int) -> None:
        node = node.get_object()
        if isinstance(node, int):
            walked.append(("mcid", node))
            return
        if node.get("/Type") == "/OBJR":
            walked.append(("annotation",))
            return
        page = node.raw_get("/Pg").idnum if "/Pg" in node else None
        walked.append((depth, str(node.get("/S")), page_index.get(page)))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [] if kids is None else [kids]:
            walk(kid, depth + 1)

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"][0], 0)
    return walked


def test_the_parallel_booklet_reads_exactly_like_the_one_process_booklet(booklet_both_ways):
    one, parallel = booklet_both_ways
    assert "joined by chapbook" in str(PdfReader(parallel).metadata["/Producer"])
    texts_one, texts_parallel = page_texts(one), page_texts(parallel)
    assert len(texts_one) > 40
    # Page by page, running heads and page numbers included.
    assert texts_parallel == texts_one


def test_bookmarks_links_and_destinations_are_the_same(booklet_both_ways):
    one, parallel = (PdfReader(path) for path in booklet_both_ways)
    assert _outline(parallel) == _outline(one)
    destinations = _destinations(parallel)
    assert len(destinations) > 100
    assert destinations == _destinations(one)
    links = _links(parallel)
    assert len(links) > 300
    assert links == _links(one)
    # Every internal link lands on a named destination that exists.
    assert {target for _, _, target in links if not target.startswith("http")} <= set(
        destinations)


def test_the_tag_tree_is_the_same_and_its_parent_tree_is_whole(booklet_both_ways):
    one, parallel = (PdfReader(path) for path in booklet_both_ways)
    tree = _tag_tree(parallel)
    assert len(tree) > 5000
    assert tree == _tag_tree(one)
    root = parallel.trailer["/Root"]["/StructTreeRoot"]
    nums = root["/ParentTree"]["/Nums"]
    parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    assert len(parent_tree) == len(nums) // 2  # no key twice
    for page in parallel.pages:
        for element in parent_tree[int(page["/StructParents"])].get_object():
            assert element.get_object().raw_get("/Pg").idnum == page.indirect_reference.idnum
        for annotation in page.get("/Annots") or []:
            key = annotation.get_object().get("/StructParent")
            assert key is None or int(key) in parent_tree
    assert int(root["/ParentTreeNextKey"]) > max(parent_tree)


def test_each_font_subset_has_a_name_of_its_own(booklet_both_ways):
    reader = PdfReader(booklet_both_ways[1])
    names: dict[str, int] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            program = descriptor.get_object().raw_get("/FontFile2").idnum
            names.setdefault(str(font["/BaseFont"]), program)
            # One subset per name (ISO 32000-1, 9.6.4), however many parts made it: the
            # parts' font dictionaries of a face share its one program and its name.
            assert names[str(font["/BaseFont"])] == program


def test_two_parallel_builds_in_one_process_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = copy_fixture("mini", tmp_path)
    first = build(root, BuildOptions(jobs=2))
    assert not first.failed
    assert "joined by chapbook" in str(PdfReader(first.outputs[0]).metadata["/Producer"])
    pdf = first.outputs[0].read_bytes()
    # The second build reuses cached layouts of the front and back matter: the stand-in
    # anchors given to them for the first build must be gone.
    again = build(root, BuildOptions(jobs=2))
    assert again.outputs[0].read_bytes() == pdf


def _no_process_left() -> None:
    assert multiprocessing.active_children() == []
    assert layout_host._prestarted is None


def test_a_failing_layout_process_stops_the_build_and_writes_nothing(tmp_path, monkeypatch):
    root = copy_fixture("mini", tmp_path)
    original = layout_workers.lay_out_part

    def failing(engine, job, channel):
        if job.part == 2:
            raise RuntimeError("the second part broke")
        original(engine, job, channel)

    monkeypatch.setattr(layout_workers, "lay_out_part", failing)
    with pytest.raises(LayoutProcessError, match="the second part broke"):
        build(root, BuildOptions(jobs=2))
    assert not (root / "build").exists() or not list((root / "build").glob("*.pdf"))
    _no_process_left()


def test_a_part_failing_in_the_building_process_writes_nothing(tmp_path, monkeypatch):
    """With --jobs 1 the parts are laid out in this process: a failure stops the build as
    it is, with no PDF written and no process started."""
    root = copy_fixture("mini", tmp_path)
    original = layout_workers.lay_out_part

    def failing(engine, job, channel):
        if job.part == 0:  # the front matter, laid out last
            raise RuntimeError("the front matter broke")
        original(engine, job, channel)

    monkeypatch.setattr(layout_workers, "lay_out_part", failing)
    with pytest.raises(RuntimeError, match="the front matter broke"):
        build(root, BuildOptions(jobs=1))
    assert not list(root.rglob("*.pdf"))
    _no_process_left()


def test_a_layout_process_that_dies_stops_the_build_and_writes_nothing(tmp_path, monkeypatch):
    root = copy_fixture("mini", tmp_path)
    original = layout_workers.lay_out_part

    def dying(engine, job, channel):
        if job.part == 0:  # the front matter, laid out last
            os._exit(9)
        original(engine, job, channel)

    monkeypatch.setattr(layout_workers, "lay_out_part", dying)
    with pytest.raises(LayoutProcessError, match="stopped before it was done"):
        build(root, BuildOptions(jobs=2))
    assert not list(root.rglob("*.pdf"))
    _no_process_left()


def test_a_changed_weasyprint_internal_means_one_process_and_the_same_booklet(
        booklet_both_ways, tmp_path, monkeypatch):
    """A WeasyPrint whose margin-box step is not what the parallel layout hooks: the
    capability check names it, the host says so when it is configured, before any part is
    laid out, and the build lays the booklet out in one process on the public API, with one
    warning, and makes the same pages."""
    import weasyprint.layout as layout

    original = layout.make_margin_boxes

    def changed(context, page, state, *more):  # one parameter more: not the hooked step
        return original(context, page, state)

    monkeypatch.setattr(layout, "make_margin_boxes", changed)
    missing = internals._weasyprint_missing()
    assert missing == ["weasyprint.layout.make_margin_boxes(context, page, state)"]
    monkeypatch.setattr(internals, "MISSING", missing)  # the host forked below inherits it
    monkeypatch.setattr(pipeline, "_warned_in_one_process", False)

    def spawn(host, job):  # the host said what it lacks when configured: no part is begun
        raise AssertionError(f"part {job.part} was sent to a worker")

    monkeypatch.setattr(layout_host.LayoutHost, "spawn", spawn)
    root = _copy_booklet(tmp_path)
    builds = [build(root, BuildOptions(jobs=2, output=root / f"build-{i}")) for i in (1, 2)]
    for result in builds:
        assert not result.failed, [d.format() for d in result.diagnostics.errors]
        producer = PdfReader(result.outputs[0]).metadata.producer
        assert "joined by chapbook" not in producer  # laid out whole, not in parts
    said = [d for result in builds for d in result.diagnostics.warnings
            if "laid out in one process" in d.message]
    assert len(said) == 1 and "make_margin_boxes" in said[0].message  # once per process
    single, _parallel = booklet_both_ways
    assert page_texts(builds[0].outputs[0]) == page_texts(single)
    _no_process_left()


def test_a_changed_pydyf_is_named_by_the_capability_check(monkeypatch):
    import pydyf

    assert internals._pydyf_missing() == []
    monkeypatch.setattr(pydyf.Object, "compressible", True)
    assert internals._pydyf_missing() == ["pydyf.Object.compressible"]


def test_page_numbers_can_be_decided_after_pagination(tmp_path):
    html = "<html lang=en><body>" + "".join(
        f"<p style='break-after: page'>text {i}</p>" for i in range(5)) + "</body></html>"
    css = CSS(string="@page { @bottom-right { content: counter(page) } }")
    counts: list[int] = []

    def first_page(page_count: int, mirrorable: bool) -> int:
        counts.append(page_count)
        return 17

    with numbering_decided_late(first_page):
        document = HTML(string=html).render(stylesheets=[css])
    target = tmp_path / "numbers.pdf"
    document.write_pdf(target)
    assert counts == [5]
    assert [text.split()[-1] for text in page_texts(target)] == ["17", "18", "19", "20", "21"]
    # The hook is gone after the block: the next layout numbers from 1 again.
    HTML(string=html).render(stylesheets=[css]).write_pdf(target)
    assert page_texts(target)[0].split()[-1] == "1"


SIDES = """@page :left { margin: 10mm 10mm 10mm 40mm; @bottom-left { content: counter(page) } }
@page :right { margin: 10mm 40mm 10mm 10mm; @bottom-right { content: counter(page) } }
body { margin: 0 }"""


def _words_x(target: Path, page: int) -> dict[str, float]:
    """Each word of page ``page`` (from 1) of ``target``, and where it starts (pt)."""
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page),
                           str(target), "-"], capture_output=True, text=True, check=True).stdout
    return {word: float(x) for x, word in re.findall(r'xMin="([\d.]+)"[^>]*>([^<]+)</word>',
                                                     bbox)}


def test_pages_laid_out_from_a_right_hand_page_are_mirrored_to_start_on_a_left_hand_one(
        tmp_path):
    """A run of chapters laid out before its first page is known, told it starts on page 18,
    gets left-hand pages where a left-hand page falls: that side's margins (the text block
    moved across, nothing laid out again) and folio. A layout whose text block differs
    between the sides says it cannot be mirrored (its part then starts on a right-hand
    page)."""
    html = "<html lang=en><body>" + "".join(
        f"<p style='break-after: page'>text{i} words</p>" for i in range(3)) + "</body></html>"
    said: list[bool] = []

    def first_page(page_count: int, mirrorable: bool) -> int:
        said.append(mirrorable)
        return 18

    with numbering_decided_late(first_page):
        document = HTML(string=html).render(stylesheets=[CSS(string=SIDES)])
    target = tmp_path / "sides.pdf"
    document.write_pdf(target)
    assert said == [True]
    assert [text.split()[-1] for text in page_texts(target)] == ["18", "19", "20"]
    mm = 72 / 25.4
    for page, left_hand in ((1, True), (2, False), (3, True)):
        words = _words_x(target, page)
        text, folio = words[f"text{page - 1}"], words[str(17 + page)]
        # a left-hand page: the wide margin on the left, the folio at the left foot
        assert abs(text - (40 if left_hand else 10) * mm) < 0.5, (page, words)
        assert (folio < 105 * mm) == left_hand, (page, words)
    uneven = SIDES.replace("10mm 40mm 10mm 10mm", "10mm 30mm 10mm 10mm")
    said.clear()
    with numbering_decided_late(lambda count, mirrorable: said.append(mirrorable) or 19):
        HTML(string=html).render(stylesheets=[CSS(string=uneven)])
    assert said == [False]


@pytest.mark.parametrize("weights,groups", [
    ([1, 1, 1, 1, 1, 1, 1, 1], 2), ([5, 1, 1, 1], 2), ([1, 1], 4), ([3, 3, 3, 3, 10], 2),
    ([6.3, 14.0, 18.5, 19.2, 16.4, 16.0, 12.5, 23.9], 2), ([1, 2, 3, 4, 5, 6, 7, 8], 3),
    ([4], 3), ([0, 0, 0], 2)])
def test_runs_keep_every_chapter_once_in_order_and_share_the_weight(weights, groups):
    runs = split_evenly(weights, groups)
    assert [i for run in runs for i in run] == list(range(len(weights)))
    assert all(runs) and len(runs) <= groups
    assert len(runs) == min(groups, len(weights))
    # No run is heavier than an even share plus one chapter.
    share = sum(weights) / len(runs)
    assert max(sum(weights[i] for i in run) for run in runs) <= share + max(weights)


def test_a_file_refused_in_a_layout_process_is_reported_and_nothing_is_written(
        tmp_path, monkeypatch):
    root = copy_fixture("mini", tmp_path)
    original = typeset_engine.LayoutEngine.layout

    def layout(self, html, first_page=1):
        document = original(self, html, first_page)
        if multiprocessing.parent_process() is not None:  # in a layout process only
            self.fetcher.refused.append(("file:///etc/passwd", "the file is outside the project"))
        return document

    monkeypatch.setattr(typeset_engine.LayoutEngine, "layout", layout)
    result = build(root, BuildOptions(jobs=2))
    assert result.failed
    assert [d.message for d in result.diagnostics.errors] == [
        "refused to load file:///etc/passwd: the file is outside the project"]
    assert not list(root.rglob("*.pdf"))
    _no_process_left()


def test_the_building_process_never_imports_weasyprint(tmp_path):
    """The host imports WeasyPrint while the build reads the sources; if the building
    process imported it too (say, to unpickle a worker's message), the time would be spent
    twice, one after the other."""
    root = copy_fixture("mini", tmp_path)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from chapbook.pipeline import BuildOptions, build\n"
        f"result = build(Path({str(root)!r}), BuildOptions(jobs=2))\n"
        "assert not result.failed, result.diagnostics.items\n"
        "print(result.details, sorted(m for m in sys.modules if m.startswith('weasyprint')))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert "pages" in done.stdout
    assert done.stdout.strip().endswith("[]")
    assert "laid out in 4 parts" in str(PdfReader(root / "build/mini.pdf").metadata["/Producer"])


def test_a_prestarted_host_is_taken_by_the_build_or_closed(tmp_path):
    root = copy_fixture("mini", tmp_path)
    assert asks_for_the_layout_host(["-q", "build", str(root), "--edition", "teacher"])
    assert asks_for_the_layout_host(["handout", "2", "--edition", "teacher"])
    assert asks_for_the_layout_host(["build", "--chapter", "2"])
    layout_host.prestart()
    host = layout_host._prestarted
    assert host is not None and host.process.is_alive()
    result = build(root, BuildOptions(jobs=2))
    assert not result.failed
    assert "laid out in 4 parts" in str(PdfReader(result.outputs[0]).metadata["/Producer"])
    assert not host.process.is_alive()  # the build took it and closed it
    _no_process_left()
    # A build that lays out in one process closes the host it did not need.
    layout_host.prestart()
    host = layout_host._prestarted
    assert host is not None
    result = build(root, BuildOptions(jobs=1))
    assert not result.failed and not host.process.is_alive()
    _no_process_left()
    # Other commands, and builds that lay out in one process, never start one.
    for arguments in (["check", "build"], ["build", "--jobs", "1"], ["-q", "build", "--all"],
                      ["build", "-f", "html"], ["handout", "--all"], ["watch"]):
        assert not asks_for_the_layout_host(arguments), arguments


def test_build_takes_the_number_of_layout_processes_on_the_command_line(mini_project):
    from typer.testing import CliRunner

    from chapbook.cli import app

    result = CliRunner().invoke(app, ["build", str(mini_project), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    pdf = (mini_project / "build/mini.pdf").read_bytes()
    producer = str(PdfReader(mini_project / "build/mini.pdf").metadata["/Producer"])
    # front, the one run of chapters, the glossary, the references
    assert "laid out in 4 parts" in producer
    result = CliRunner().invoke(app, ["build", str(mini_project), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert (mini_project / "build/mini.pdf").read_bytes() == pdf
    result = CliRunner().invoke(app, ["build", str(mini_project), "--jobs", "0"])
    assert result.exit_code == 2 and "--jobs" in result.output


_MORE_CHAPTERS = {
    "03-third.md": ("The Third Chapter", "Rewards",
                    "A worker who beat the norm could be given a flat, a bicycle or a place at a "
                    "rest home, and the newspapers printed the names of the winners "
                    "[@siegelbaum1988]. "),
    "04-fourth.md": ("The Fourth Chapter", "Doubts",
                     "Engineers and older hands complained that records broke machines and set "
                     "norms nobody could keep for long, and some of them lost their posts. "),
}


def _four_chapter_booklet(dest: Path) -> Path:
    """The mini booklet with two short chapters more: four runs when each chapter is a part."""
    root = copy_fixture("mini", dest)
    for name, (title, section, sentence) in _MORE_CHAPTERS.items():
        (root / "chapters" / name).write_text(
            f"---\ntitle: {title}\n---\n\n## {section}\n\n{sentence * 12}\n\n"
            f"The [norm]{{term=\"norm\"}} again.\n", encoding="utf-8")
    return root


def test_any_number_of_layout_processes_gives_the_same_bytes(tmp_path, monkeypatch):
    """The runs are cut by the content alone; ``--jobs`` only says how many are laid out at
    once (here four runs: one process after another, two or three at once)."""
    from chapbook.typeset import parts

    monkeypatch.setattr(parts, "PART_HTML", 1)  # every chapter a part of its own
    root = _four_chapter_booklet(tmp_path)
    pdfs = {}
    for jobs in (1, 2, 3):
        result = build(root, BuildOptions(jobs=jobs, output=root / f"build-{jobs}"))
        assert not result.failed, [d.format() for d in result.diagnostics.errors]
        pdfs[jobs] = result.outputs[0].read_bytes()
    producer = PdfReader(result.outputs[0]).metadata.producer
    assert "laid out in 7 parts" in producer  # front, four runs, glossary, references
    assert pdfs[1] == pdfs[2] == pdfs[3]
    texts = page_texts(result.outputs[0])
    assert any("The Fourth Chapter" in text for text in texts)
    _no_process_left()


@pytest.mark.parametrize("weights,parts", [
    ([5929, 12860, 19058, 13281, 14407, 18484, 12427, 19582], 4),  # the booklet's chapters
    ([5851, 18793, 28377], 2), ([12794, 8148], 1), ([100_000], 1), ([40_000] * 3, 3)])
def test_runs_follow_the_content_alone(weights, parts):
    from chapbook.typeset.parts import runs_of

    runs = runs_of(weights, 30_000)
    assert len(runs) == parts
    assert [i for run in runs for i in run] == list(range(len(weights)))


def test_the_booklet_is_laid_out_in_two_runs():
    """Parts of some thirty pages: the booklet's chapters in two runs (in four, each part
    setting up fonts and stylesheet again, it was slower on two cores)."""
    from chapbook.typeset.parts import runs_of

    runs = runs_of([5929, 12860, 19058, 13281, 14407, 18484, 12427, 19582])
    assert runs == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_first_pages_are_told_in_order_whichever_run_is_paginated_first():
    from chapbook.typeset.parts import FirstPages

    first_pages = FirstPages(3)
    assert first_pages.paginated(2, 4) == []  # runs 0 and 1 not paginated yet
    assert first_pages.paginated(1, 5) == []
    # Run 0's 7 pages end on page 7: run 1 starts on page 9, run 2 after run 1's 5 (+1).
    assert first_pages.paginated(0, 7) == [(0, 1), (1, 9), (2, 15)]
    assert first_pages.known(3) == 19  # the page after the last part: no blank before it
    assert [first_pages.blank_after(part) for part in range(3)] == [True, True, False]


def test_a_part_starts_on_either_side_when_chapters_open_on_any_page():
    """Chapters that open on any page: a run follows the one before directly once it says
    its pages can be mirrored, and on a right-hand page if not; the glossary (laid out
    once the runs are, its first page known) follows the last run directly."""
    from chapbook.typeset.parts import FirstPages

    first_pages = FirstPages(4, recto=[None, None, None, False])
    assert first_pages.paginated(0, 7) == [(0, 1)]
    assert first_pages.known(1) is None  # not before run 1 says whether it can be mirrored
    assert first_pages.paginated(1, 4, mirrorable=True) == [(1, 8)]  # a left-hand page
    assert first_pages.paginated(2, 3, mirrorable=False) == [(2, 13)]  # page 12 left blank
    assert first_pages.known(3) == 16
    assert [first_pages.blank_after(part) for part in range(3)] == [False, True, False]


def test_parts_embed_each_face_once_with_the_same_labels(booklet_both_ways):
    """Each part embeds its own subsets; the join makes one program per face of them,
    and gives the joined booklet the page labels a one-process build has."""
    from pdf_facts import font_programs, page_labels

    one, parts = booklet_both_ways
    programs = font_programs(parts)
    assert programs and set(programs.values()) == {1}, programs
    assert page_labels(parts) == page_labels(one)
    assert page_labels(parts)[:2] == ["i", "ii"]


def test_chapters_that_open_on_any_page_leave_no_blank_page(tmp_path, monkeypatch):
    """`chapters_open = "any"` (a stapled booklet): every run of chapters, the glossary and
    the references follow on the next page, left- or right-hand, with that side's margins
    and folio, in parts (each chapter a run) as in one document."""
    from chapbook.typeset import parts as typeset_parts

    monkeypatch.setattr(typeset_parts, "PART_HTML", 1)  # every chapter a part of its own
    root = _four_chapter_booklet(tmp_path)
    config = root / "chapbook.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'chapters_open = "any"\n',
                      encoding="utf-8")
    # a paragraph more, so that the last chapter ends on a right-hand page
    fourth = root / "chapters" / "04-fourth.md"
    fourth.write_text(fourth.read_text(encoding="utf-8") + "\n"
                      + "More text about the norms and how they changed. " * 30 + "\n",
                      encoding="utf-8")
    parts = build(root, BuildOptions(jobs=2, output=root / "build-2"))
    assert not parts.failed, [d.format() for d in parts.diagnostics.errors]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(internals, "MISSING", ["(one document, for the comparison)"])
        whole = build(root, BuildOptions(jobs=1, output=root / "build-whole"))
    assert not whole.failed, [d.format() for d in whole.diagnostics.errors]
    pdf = parts.outputs[0]
    texts = page_texts(pdf)
    assert texts == page_texts(whole.outputs[0])
    # front, four runs, the glossary, the references (laid out beside the runs, and
    # mirrored if they fall on a left-hand page)
    assert "laid out in 7 parts" in PdfReader(pdf).metadata.producer
    openings = [index for index, text in enumerate(texts) if text.lstrip().startswith("CHAPTER")]
    # a run starts on a left-hand page (an even number, counted from the first chapter's 1):
    # the case this test is about
    assert any((index - openings[0]) % 2 == 1 for index in openings), openings
    # every page's words where the one-document build has them: margins of the right side
    for page in range(1, len(texts) + 1):
        assert _words_x(pdf, page) == _words_x(whole.outputs[0], page), page
    body = next(i for i, text in enumerate(texts) if "Alpha section" in text
                and "Contents" not in text)
    blanks = [i for i, text in enumerate(texts[body:], start=body) if not text.strip()]
    assert blanks == [], f"blank pages {blanks} in the body or back matter"
    glossary = next(i for i, text in enumerate(texts)
                    if text.lstrip().startswith("Glossary"))
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", str(glossary + 1), "-l",
                           str(glossary + 1), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    width = float(bbox.split('<page width="')[1].split('"')[0])
    words = [(float(x), word) for x, word in
             re.findall(r'xMin="([\d.]+)"[^>]*>([^<]+)</word>', bbox)]
    folio_x, folio = words[-1]
    assert folio.isdigit() and int(folio) % 2 == 0  # the case this test is about
    # a left-hand page has its number at the left foot, a right-hand one at the right
    assert (folio_x < width / 2) == (int(folio) % 2 == 0), (folio, folio_x, width)

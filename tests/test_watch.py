"""``chapbook watch``: a rebuild on every save; bad input never kills the watcher or the output."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chapbook.pipeline import BuildOptions
from chapbook.watching import Rebuilder, SourceFilter, watch
from conftest import FIXTURES

WAIT = 30.0  # seconds: an upper bound for one rebuild, never waited out when things work


@contextlib.contextmanager
def watching(root: Path, **options: object) -> Iterator[tuple[Rebuilder, list[str]]]:
    """A watcher on ``root`` in a thread, stopped (and joined) at the end."""
    lines: list[str] = []
    rebuilder = Rebuilder(root, BuildOptions(**options), pdf=False, on_status=lines.append)
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(rebuilder, stop), daemon=True)
    thread.start()
    try:
        assert rebuilder.wait_for(lambda last: last is not None, WAIT), "no first build"
        yield rebuilder, lines
    finally:
        stop.set()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the watcher did not stop"


def save(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def wait_lines(rebuilder: Rebuilder, lines: list[str], count: int) -> str:
    """The ``count``-th status line, once that many rebuilds have finished."""
    assert rebuilder.wait_for(lambda last: len(lines) >= count, WAIT), lines
    return lines[count - 1]


@pytest.mark.slow
def test_rebuilds_on_save_and_keeps_last_good_output(mini_project):
    chapter = mini_project / "chapters/01-first.md"
    with watching(mini_project) as (rebuilder, lines):
        first = rebuilder.last
        assert first.ok and rebuilder.build_number == 1, lines
        html = rebuilder.html
        assert html == mini_project / "build/mini.html" and html.is_file()
        assert "build 1: wrote build/mini.html in" in lines[0]

        save(chapter, "Opening text", "Edited opening text")
        wait_lines(rebuilder, lines, 2)
        assert rebuilder.build_number == 2, lines
        assert "Edited opening text" in html.read_text(encoding="utf-8")

        # A broken save: diagnostics, a status line that says so, the good HTML untouched.
        good = html.read_bytes()
        save(chapter, "[@siegelbaum1988]", "[@siegelbaum1998]")
        status = wait_lines(rebuilder, lines, 3)
        assert "1 error: kept the last good output (build 2)" in status, lines
        assert not rebuilder.last.ok and rebuilder.build_number == 2
        assert any("siegelbaum1998" in d.message and d.file == "chapters/01-first.md"
                   for d in rebuilder.last.diagnostics)
        assert html.read_bytes() == good

        # Input that is not even text, then a fix: the watcher carries on.
        chapter.write_bytes(b"\xff\xfe\x00garbage")
        assert "kept the last good output" in wait_lines(rebuilder, lines, 4), lines
        fixed = (FIXTURES / "mini/chapters/01-first.md").read_text(encoding="utf-8")
        chapter.write_text(fixed.replace("Opening text", "Fixed again"), encoding="utf-8")
        assert "build 3: wrote" in wait_lines(rebuilder, lines, 5), lines
        assert "Fixed again" in html.read_text(encoding="utf-8")


def test_output_folder_and_editor_files_do_not_trigger_rebuilds(mini_project):
    from watchfiles import Change

    keep = SourceFilter([mini_project / "build"])
    assert keep(Change.modified, str(mini_project / "chapters/01-first.md"))
    assert keep(Change.modified, str(mini_project / "layouts/extra.css"))
    assert not keep(Change.modified, str(mini_project / "build/mini.html"))
    assert not keep(Change.added, str(mini_project / "build/.mini.pdf.x1.part"))
    assert not keep(Change.added, str(mini_project / "chapters/.01-first.md.swp"))
    assert not keep(Change.added, str(mini_project / "chapters/01-first.md~"))
    assert not keep(Change.added, str(mini_project / "chapters/.#01-first.md"))


def test_chapter_preview_renders_only_that_chapter(mini_project):
    with watching(mini_project, chapter=2) as (rebuilder, lines):
        assert rebuilder.last.ok, lines
        html = rebuilder.html.read_text(encoding="utf-8")
        assert rebuilder.html.name == "mini-chapter-2.html"
        assert "The Second Chapter" in html and "The First Chapter" not in html
        save(mini_project / "chapters/02-second.md", "title: The Second Chapter",
             "title: The Second Chapter, revised")
        wait_lines(rebuilder, lines, 2)
        assert "The Second Chapter, revised" in rebuilder.html.read_text(encoding="utf-8")


def test_a_crash_inside_a_rebuild_is_reported_and_the_watcher_goes_on(mini_project,
                                                                      monkeypatch):
    import chapbook.watching as watching_module

    errors: list[str] = []
    real_checked_book = watching_module.checked_book
    calls = {"n": 0}

    def flaky(root, options, result, progress=None):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("boom")
        return real_checked_book(root, options, result, progress)

    monkeypatch.setattr(watching_module, "checked_book", flaky)
    rebuilder = Rebuilder(mini_project, BuildOptions(), pdf=False, on_error=errors.append)
    assert not rebuilder.rebuild().ok
    assert errors and "internal error: RuntimeError: boom" in errors[0]
    assert "report" in errors[0]
    assert rebuilder.rebuild().ok and rebuilder.build_number == 1


def test_pdf_is_rebuilt_too_unless_html_only(mini_project):
    lines: list[str] = []
    rebuilder = Rebuilder(mini_project, BuildOptions(chapter=2), pdf=True,
                          on_status=lines.append)
    result = rebuilder.rebuild()
    assert result.ok, [d.format() for d in result.diagnostics]
    assert [p.name for p in result.outputs] == ["mini-chapter-2.html", "mini-chapter-2.pdf"]
    assert "build/mini-chapter-2.pdf in" in lines[0] and "pages)" in lines[0]


@pytest.mark.slow
@pytest.mark.parametrize(("command", "stop_signal"),
                         [("watch", signal.SIGINT), ("serve", signal.SIGINT),
                          ("watch", signal.SIGTERM), ("serve", signal.SIGTERM),
                          ("serve", signal.SIGHUP)])
def test_the_command_runs_and_stops_cleanly(mini_project, command, stop_signal):
    """The real command in a subprocess: first build, a rebuild on save, and a clean stop on
    Ctrl-C, on SIGTERM (a service manager) and on SIGHUP (the terminal closed)."""
    args = [sys.executable, "-m", "chapbook", command, "--html-only"]
    if command == "serve":
        args += ["--port", "0"]
    proc = subprocess.Popen(args, cwd=mini_project, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    seen: list[str] = []
    reader = threading.Thread(target=lambda: seen.extend(proc.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + WAIT
        while not any("build 1: wrote" in line for line in seen):
            assert time.monotonic() < deadline and proc.poll() is None, seen
            time.sleep(0.05)
        save(mini_project / "chapters/02-second.md", "title: The Second Chapter",
             "title: Second, saved")
        while not any("build 2: wrote" in line for line in seen):
            assert time.monotonic() < deadline and proc.poll() is None, seen
            time.sleep(0.05)
    finally:
        proc.send_signal(stop_signal)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
    output = "".join(seen)
    assert proc.returncode == 0, output
    assert "Traceback" not in output
    assert "KeyboardInterrupt" not in output  # watchfiles' own log line, issue 29
    if command == "serve":
        assert "preview at http://127.0.0.1:" in output
    assert "stopped watching" in output


def test_the_garbage_is_collected_once_the_outermost_of_nested_pauses_is_done(
        monkeypatch):
    """A rebuild holds the typesetting's own pause: the collector stays off until both
    are done, then runs once."""
    import gc

    from chapbook.watching import garbage_collected_after

    collections: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *args: collections.append(1) or 0)
    assert gc.isenabled()
    rebuild = garbage_collected_after()
    typesetting = garbage_collected_after(lambda: False)
    rebuild.__enter__()
    typesetting.__enter__()
    rebuild.__exit__(None, None, None)
    assert not gc.isenabled() and collections == []
    typesetting.__exit__(None, None, None)
    assert gc.isenabled() and collections == [1]


@pytest.mark.slow
def test_the_watchers_booklet_has_the_build_pages_and_a_save_paints_only_what_changed(
        mini_project, monkeypatch):
    """The watcher joins its chapters' PDF objects as a build joins its parts: the same pages,
    bookmarks and links as `chapbook build`, each font program once; after a save, only the
    parts whose layout changed are made into PDF objects again."""
    from pypdf import PdfReader

    from chapbook.pipeline import build
    from chapbook.typeset import pdf as typeset_pdf
    from conftest import page_texts

    captured: list[int] = []
    real_capture = typeset_pdf.capture

    def counting(document, part):
        captured.append(part)
        return real_capture(document, part)

    monkeypatch.setattr(typeset_pdf, "capture", counting)
    rebuilder = Rebuilder(mini_project, BuildOptions(output=mini_project / "watched"),
                          pdf=True)
    assert rebuilder.rebuild().ok
    watched = mini_project / "watched/mini.pdf"
    built = build(mini_project, BuildOptions(output=mini_project / "built")).outputs[0]
    assert page_texts(watched) == page_texts(built)
    assert "chapter by chapter, joined by chapbook" in PdfReader(watched).metadata.producer
    readers = PdfReader(watched), PdfReader(built)
    assert [sorted(r.named_destinations) for r in readers][0] == \
        [sorted(r.named_destinations) for r in readers][1]
    assert [len(r.outline) for r in readers][0] == [len(r.outline) for r in readers][1]
    programs = subprocess.run(["pdffonts", str(watched)], capture_output=True, text=True,
                              check=True).stdout
    faces = {line.split("+")[1].split()[0] for line in programs.splitlines()[2:]}
    # one program per face: every font dictionary of a face points at the same file
    reader = PdfReader(watched)
    files: dict[str, set[int]] = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            name = str(descriptor["/FontName"]).split("+")[1]
            files.setdefault(name, set()).add(descriptor.raw_get("/FontFile2").idnum)
    assert set(files) == faces and all(len(numbers) == 1 for numbers in files.values())

    parts = len(captured)
    captured.clear()
    save(mini_project / "chapters/02-second.md", "\n\n", "\n\nA sentence added on save.\n\n")
    assert rebuilder.rebuild().ok
    assert 0 < len(captured) < parts, captured  # the second chapter, not every part
    assert page_texts(watched) != page_texts(built)

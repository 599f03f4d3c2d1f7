"""A check server's answers kept on disk (keptcheck.py): a fresh ``chapbook check`` of an
unchanged booklet prints the same lines and exit code as a check, without the toolchain,
and any change to the sources, the request or chapbook itself means a real check."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import time
from pathlib import Path

import pytest

import chapbook.citations.processor
from chapbook import keptcheck
from chapbook.checkclient import ask_watcher, parse_check_arguments
from chapbook.checkserver import CheckServer
from chapbook.pipeline import BuildOptions
from chapbook.watching import Rebuilder

pytestmark = pytest.mark.skipif(not hasattr(os, "getuid"), reason="Unix sockets only")

#: Run ``chapbook ARGS`` as the command does, and say afterwards whether the toolchain was
#: imported (the last line of stderr).
_PROBE = """
import atexit, sys
atexit.register(lambda: sys.stderr.write(
    f"\\nheavy: {sorted({'typing', 'threading'} & set(sys.modules))}"
    f"\\ntoolchain: {'chapbook.pipeline' in sys.modules}"))
sys.argv = ["chapbook", *sys.argv[1:]]
from chapbook.entry import main
main()
"""


def _cli(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], bool]:
    run = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=cwd,
                         capture_output=True, text=True, timeout=120)
    stderr, _, probe = run.stderr.rpartition("\ntoolchain: ")
    run.stderr, _, heavy = stderr.rpartition("\nheavy: ")
    if probe == "False":
        # An answer that needs no toolchain needs none of the standard library's slower
        # modules either: typing and threading cost it 3-4 ms of about 20.
        assert heavy == "[]", f"a kept answer imported {heavy}"
    return run, probe == "True"


def _request(project: Path, *arguments: str) -> dict:
    request = parse_check_arguments(["check", str(project), *arguments])
    assert request is not None
    return request


def _answer_by_a_watcher(project: Path, request: dict) -> dict:
    """The answer a watcher gives to ``request``, which it keeps once sent."""
    with CheckServer(Rebuilder(project, BuildOptions(), pdf=False)) as server:
        assert server.serving
        answer = ask_watcher(request)
    assert answer is not None
    return {name: answer[name] for name in ("stdout", "stderr", "exit")}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("arguments", [(), ("--format", "json"), ("--strict",)])
def test_an_unchanged_booklet_gets_the_kept_answer_without_the_toolchain(mini_project,
                                                                         arguments):
    _edit(mini_project / "chapters/01-first.md", "[@siegelbaum1988]", "[@nosuchkey]")
    fresh, imported = _cli("check", *arguments, cwd=mini_project)
    assert fresh.returncode == 1 and imported
    answer = _answer_by_a_watcher(mini_project, _request(mini_project, *arguments))
    assert answer == {"stdout": fresh.stdout, "stderr": fresh.stderr, "exit": 1}
    kept, imported = _cli("check", *arguments, cwd=mini_project)
    assert not imported, "a kept answer was not used"
    assert (kept.stdout, kept.stderr, kept.returncode) == (fresh.stdout, fresh.stderr, 1)
    verbose, _ = _cli("-v", "check", *arguments, cwd=mini_project)
    assert "its answer was kept" not in verbose.stderr, "another request, another answer"


def test_the_verbose_line_says_the_answer_was_kept(mini_project):
    answer = _answer_by_a_watcher(mini_project, _request(mini_project) | {"verbose": True})
    run, imported = _cli("-v", "check", cwd=mini_project)
    assert not imported and run.returncode == answer["exit"] == 0
    first, rest = run.stderr.split("\n", 1)
    assert first.startswith("nothing has changed since the last check of this booklet")
    who, body = answer["stderr"].split("\n", 1)
    assert who.startswith("checked by the watcher of this booklet")
    assert rest == body, "the line of the server that answered is not kept"


def _same_size_same_time_edit(root: Path) -> None:
    chapter = root / "chapters/01-first.md"
    before = chapter.stat()
    _edit(chapter, "a", "b")
    os.utime(chapter, ns=(before.st_atime_ns, before.st_mtime_ns))


def _new_chapter(root: Path) -> None:
    (root / "chapters/09-extra.md").write_text("# Extra\n\nMore text.\n", encoding="utf-8")


def _configuration(root: Path) -> None:
    config = root / "chapbook.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# a comment\n",
                      encoding="utf-8")


def _removed_glossary(root: Path) -> None:
    (root / "chapters/glossary.yaml").unlink()


@pytest.mark.parametrize("change", [_same_size_same_time_edit, _new_chapter, _configuration,
                                    _removed_glossary])
def test_any_change_to_the_sources_means_a_real_check(mini_project, change):
    request = _request(mini_project)
    _answer_by_a_watcher(mini_project, request)
    assert keptcheck.kept_answer(request) is not None
    change(mini_project)
    assert keptcheck.kept_answer(request) is None
    run, imported = _cli("check", cwd=mini_project)
    assert imported


def test_a_change_to_chapbook_or_its_libraries_means_a_real_check(mini_project, tmp_path,
                                                                  monkeypatch):
    libraries = tmp_path / "site-packages"
    libraries.mkdir()
    monkeypatch.setattr(site, "getsitepackages", lambda: [str(libraries)])
    request = _request(mini_project)
    _answer_by_a_watcher(mini_project, request)
    assert keptcheck.kept_answer(request) is not None
    (libraries / "newly_installed").mkdir()
    os.utime(libraries, ns=(0, libraries.stat().st_mtime_ns + 1_000_000_000))
    assert keptcheck.kept_answer(request) is None

    _answer_by_a_watcher(mini_project, request)
    assert keptcheck.kept_answer(request) is not None
    edited = chapbook.citations.processor.__file__
    before = os.stat(edited)
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    try:  # as an edit of an editable install, or a reinstall, leaves it
        assert keptcheck.kept_answer(request) is None
    finally:
        os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_an_answer_given_by_code_since_changed_is_not_kept_for_the_new_code(mini_project):
    """A watcher started before chapbook was edited answers with the old code; what it keeps
    must not be taken for the new code's answer."""
    request = _request(mini_project)
    server = CheckServer(Rebuilder(mini_project, BuildOptions(), pdf=False))
    edited = chapbook.citations.processor.__file__
    before = os.stat(edited)
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    try:
        assert server.start()
        try:
            assert ask_watcher(request) is not None
        finally:
            server.stop()
        assert keptcheck.kept_answer(request) is None
    finally:
        os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.mark.parametrize("kept", ["not json", "[]", '{"format": 1}',
                                  '{"format": 1, "code": null, "sources": {}, "answers": []}'])
def test_a_damaged_kept_file_means_a_real_check(mini_project, kept):
    request = _request(mini_project)
    answer = _answer_by_a_watcher(mini_project, request)
    path = Path(keptcheck.kept_path(request["root"]))
    whole = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(kept, encoding="utf-8")
    assert keptcheck.kept_answer(request) is None
    run, imported = _cli("check", cwd=mini_project)
    assert imported and run.returncode == answer["exit"]
    whole["answers"][keptcheck.request_key(request)]["exit"] = "0"  # not an exit code
    path.write_text(json.dumps(whole), encoding="utf-8")
    assert keptcheck.kept_answer(request) is None


def test_without_a_cache_folder_nothing_is_kept_and_the_check_runs(mini_project, tmp_path,
                                                                   monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    request = _request(mini_project)
    _answer_by_a_watcher(mini_project, request)
    assert keptcheck.kept_answer(request) is None
    assert blocked.read_text(encoding="utf-8").startswith("a file")


def test_a_few_ways_of_asking_are_kept_side_by_side(mini_project):
    plain, strict = _request(mini_project), _request(mini_project, "--strict")
    answers = [_answer_by_a_watcher(mini_project, request) for request in (plain, strict)]
    assert [keptcheck.kept_answer(request) for request in (plain, strict)] == answers
    for width in range(100, 100 + keptcheck._KEPT_ANSWERS):
        _answer_by_a_watcher(mini_project, plain | {"width": width})
    assert keptcheck.kept_answer(plain) is None, "the oldest answers make way"
    assert keptcheck.kept_answer(plain | {"width": 107}) is not None


def _signature(root: Path, previous: list[list] | None = None) -> dict[str, list]:
    entries = keptcheck.source_signature([root], [], [], previous)
    return {Path(entry[0]).name: entry for entry in entries}


def test_only_files_changed_lately_are_read_for_their_checksum(tmp_path, monkeypatch):
    """As git's racily clean files: a file changed within RACY_SECONDS could change again
    within one tick of the clock, keeping its size and times, so its bytes are compared;
    an older one is not read, and any later write moves its change time."""
    (tmp_path / "old.md").write_text("settled\n", encoding="utf-8")
    monkeypatch.setattr(keptcheck, "RACY_SECONDS", -60.0)  # everything counts as old
    old = _signature(tmp_path)
    assert old["old.md"][-1] is None
    monkeypatch.setattr(keptcheck, "RACY_SECONDS", 3.0)
    (tmp_path / "new.md").write_text("just written\n", encoding="utf-8")
    now = _signature(tmp_path)
    assert now["new.md"][-1] is not None
    assert now["old.md"][-1] is not None, "written under a second ago, it is racy too"


def test_a_file_read_for_its_checksum_before_is_read_again(tmp_path, monkeypatch):
    """A signature compared with one that has a file's checksum must have it too, even
    once the file is no longer racy, or the two could never be equal again (and an edit
    that kept the times would pass unseen)."""
    chapter = tmp_path / "chapter.md"
    chapter.write_text("first words\n", encoding="utf-8")
    first = _signature(tmp_path)
    assert first["chapter.md"][-1] is not None
    monkeypatch.setattr(keptcheck, "RACY_SECONDS", -60.0)
    assert _signature(tmp_path)["chapter.md"][-1] is None
    again = _signature(tmp_path, list(first.values()))
    assert again == first
    before = chapter.stat()
    chapter.write_text("other words\n", encoding="utf-8")
    os.utime(chapter, ns=(before.st_atime_ns, before.st_mtime_ns))
    edited = _signature(tmp_path, list(first.values()))
    assert edited["chapter.md"][-1] != first["chapter.md"][-1]


def test_an_edit_that_keeps_the_size_and_mtime_of_an_old_file_is_seen(tmp_path, monkeypatch):
    """An old file is not read, but its change time (which only the system sets) moves."""
    chapter = tmp_path / "chapter.md"
    chapter.write_text("first words\n", encoding="utf-8")
    monkeypatch.setattr(keptcheck, "RACY_SECONDS", -60.0)
    before = chapter.stat()
    old = _signature(tmp_path)
    deadline = before.st_ctime_ns + 50_000_000
    while time.time_ns() < deadline:  # past a coarse clock's tick
        time.sleep(0.01)
    chapter.write_text("other words\n", encoding="utf-8")
    os.utime(chapter, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert _signature(tmp_path) != old


def test_the_signature_walks_no_link_and_no_skipped_or_ignored_folder(tmp_path):
    root, outside = tmp_path / "booklet", tmp_path / "outside"
    for folder in (root / "chapters/figures", root / "build", root / ".git", outside):
        folder.mkdir(parents=True)
        (folder / "file.txt").write_text("x", encoding="utf-8")
    (root / "chapters/built").symlink_to(root / "build")
    (root / "chapters/shared").symlink_to(outside)
    linked_root = tmp_path / "linked"
    linked_root.symlink_to(root)
    for walked in (root, linked_root):
        entries = keptcheck.source_signature([walked], [root / "build"], [".git"])
        assert [Path(entry[0]).relative_to(walked).as_posix() for entry in entries] == \
            ["chapters/figures/file.txt"]


def test_a_file_with_whole_second_times_is_always_read(tmp_path, monkeypatch):
    """FAT (a USB stick), HFS+ and some network shares keep whole seconds, and their clock
    may be another's: the change time cannot be trusted to move, so the bytes are read."""
    (tmp_path / "stick.md").write_text("on a USB stick\n", encoding="utf-8")
    (tmp_path / "disk.md").write_text("on the disk\n", encoding="utf-8")
    os.utime(tmp_path / "stick.md", ns=(1_700_000_000 * 10**9, 1_700_000_000 * 10**9))
    os.utime(tmp_path / "disk.md", ns=(1_700_000_000 * 10**9 + 1, 1_700_000_000 * 10**9 + 1))
    monkeypatch.setattr(keptcheck, "RACY_SECONDS", -60.0)
    signature = _signature(tmp_path)
    assert signature["stick.md"][-1] is not None
    assert signature["disk.md"][-1] is None

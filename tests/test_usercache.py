"""What chapbook keeps in the user's cache folder (usercache.py) is used only while the files
it was measured from are unchanged, and is the same as measuring again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chapbook import usercache


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def test_facts_are_kept_while_their_files_are_unchanged(cache_home, tmp_path):
    source = tmp_path / "font.ttf"
    source.write_bytes(b"version one")
    calls: list[int] = []

    def measure() -> tuple[list[str], dict]:
        calls.append(1)
        return [str(source)], {"size": source.stat().st_size}

    assert usercache.kept_or_measured("sample", measure) == {"size": 11}
    assert usercache.kept_or_measured("sample", measure) == {"size": 11}
    assert len(calls) == 1
    source.write_bytes(b"version two, longer")
    assert usercache.kept_or_measured("sample", measure) == {"size": 19}
    assert len(calls) == 2
    # A kept file cut short (a crash while writing it, a full disk) is measured again.
    kept = next(cache_home.glob("chapbook/facts-*/sample.json"))
    kept.write_text(kept.read_text()[:10])
    assert usercache.kept_or_measured("sample", measure) == {"size": 19}
    assert len(calls) == 3
    assert not list(kept.parent.glob(".*.part")), "a temporary file was left behind"


def test_kept_facts_the_reader_cannot_take_are_measured_again(cache_home, tmp_path):
    """A facts file whose stamps match but whose facts are garbled (a TypeError for the
    reader) is ignored and rewritten, never trusted and never fatal."""
    source = tmp_path / "font.ttf"
    source.write_bytes(b"font")
    calls: list[int] = []

    def measure() -> tuple[list[str], list[int]]:
        calls.append(1)
        return [str(source)], [65, 66]

    def read(points: list[int]) -> frozenset[int]:
        return frozenset(int(point) for point in points)

    assert usercache.kept_or_measured("points", measure, read) == {65, 66}
    kept = next(cache_home.glob("chapbook/facts-*/points.json"))
    data = json.loads(kept.read_text())
    data["facts"] = 5  # not a list: iterating it is a TypeError
    kept.write_text(json.dumps(data))
    assert usercache.kept_or_measured("points", measure, read) == {65, 66}
    assert len(calls) == 2
    assert json.loads(kept.read_text())["facts"] == [65, 66]


def test_without_a_cache_folder_facts_are_measured_every_time(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    calls: list[int] = []

    def measure() -> tuple[list[str], int]:
        calls.append(1)
        return [str(blocked)], 7

    assert usercache.kept_or_measured("x", measure) == usercache.kept_or_measured("x", measure)
    assert len(calls) == 2 and usercache.cache_folder("x") is None


@pytest.mark.slow
def test_kept_font_facts_are_the_measured_ones(tmp_path):
    """In fresh processes, as a build uses them: the first measures and keeps, the second
    reads what was kept (and imports neither fontpkg nor fontTools)."""
    code = (
        "import json, sys\n"
        "from chapbook.resolve import fonts\n"
        "from chapbook.charts import text\n"
        "covered = sorted(fonts.covered_characters())\n"
        "widths = [text._advances(b, i) for b in (False, True) for i in (False, True)]\n"
        "files = [[f, w, s, str(p)] for f, w, s, p in fonts.font_files()]\n"
        "print(json.dumps({'covered': covered, 'widths': [[sorted(w.items()), m] for w, m in"
        " widths], 'files': files, 'imported': sorted(n for n in ('fontpkg', 'fontTools')"
        " if n in sys.modules)}))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def run() -> dict:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, timeout=120, check=True)
        return json.loads(done.stdout)

    first, second = run(), run()
    assert first["imported"] == ["fontTools", "fontpkg"]
    assert second["imported"] == []
    assert first["covered"] == second["covered"] and first["widths"] == second["widths"]
    from chapbook.resolve.fonts import _find_font_files

    assert first["files"] == second["files"] == _find_font_files()[1]
    assert len(second["files"]) == 10  # PT Serif and PT Sans, four faces each; Source Serif 4
    from chapbook.charts.text import _measure_advances
    from chapbook.resolve.fonts import _measure_coverage

    text, symbols = _measure_coverage()[1]
    assert second["covered"] == sorted(text + symbols)
    widths, missing = _measure_advances(True, False)[1]
    assert second["widths"][2] == [sorted([code, width] for code, width in widths), missing]
    assert 0x0416 in second["covered"]  # Ж: the fonts cover Cyrillic

"""A corpus of bad inputs: each must end in a clean diagnostic, never a traceback or damage.

Every ``tests/bad_inputs/*.yaml`` describes one case: edits to a fresh copy of
``tests/fixtures/mini`` and the diagnostic ``chapbook check`` must give (severity, file, line,
a message fragment) with its exit status. Cases marked ``build: true`` (those that pass the
check, or whose problem only the typesetter sees) also run ``chapbook build``. Every run is
a real subprocess (``python -m chapbook``), and after it ``build/`` must hold exactly what it
held before: the previous PDF byte for byte, no new or partial file.

Edits (``edits:``, applied in order):

- ``replace: {file, old, new}``: replace the first ``old`` (which must be there) by ``new``
- ``append: {file, text}`` / ``write: {file, text}``: add to / replace a file (UTF-8)
- ``encode: {file, encoding}``: save an existing file in another encoding
- ``bytes: {file, hex}``: write raw bytes; ``truncate: {file, size}``: cut or extend (sparse)
- ``repeat: {file, text, times}``: append ``text`` repeated; ``delete: {file}``
- ``png: {file, width, height}``: a valid, highly compressed 1-bit PNG of that size
- ``symlink: {file, target}``: ``target`` absolute, or relative to the copy's parent folder
- ``outside: {file, text}``: a file beside (not inside) the project, for symlinks to point at
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

#: Builds PDFs or runs chapbook in subprocesses: left out of `pytest -m 'not slow'`.
pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(CORPUS.glob("*.yaml"))
#: What the build folder holds before each run: a PDF from an earlier build.
PREVIOUS_PDF = b"%PDF-1.7\n% the previous booklet, which a failed build must not touch\n"


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
            + chunk(b"IEND", b""))


def apply_edit(root: Path, edit: dict[str, Any]) -> None:
    (kind, args), = edit.items()
    path = root / args["file"]
    if kind in ("write", "bytes", "png", "symlink", "repeat", "append"):
        path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "replace":
        text = path.read_text(encoding="utf-8")
        assert args["old"] in text, f"{args['old']!r} not in {path}"
        path.write_text(text.replace(args["old"], args["new"], 1), encoding="utf-8")
    elif kind == "append":
        with path.open("a", encoding="utf-8") as handle:
            handle.write(args["text"])
    elif kind == "write":
        path.write_text(args["text"], encoding="utf-8")
    elif kind == "encode":
        path.write_bytes(path.read_text(encoding="utf-8").encode(args["encoding"]))
    elif kind == "bytes":
        path.write_bytes(bytes.fromhex(args["hex"]))
    elif kind == "truncate":
        with path.open("r+b") as handle:
            handle.truncate(args["size"])
    elif kind == "repeat":
        with path.open("a", encoding="utf-8") as handle:
            handle.write(args["text"] * args["times"])
    elif kind == "delete":
        path.unlink()
    elif kind == "png":
        path.write_bytes(png(args["width"], args["height"]))
    elif kind == "symlink":
        target = Path(args["target"])
        path.symlink_to(target if target.is_absolute() else root.parent / target)
    elif kind == "outside":
        (root.parent / args["file"]).write_text(args["text"], encoding="utf-8")
    else:
        raise AssertionError(f"unknown edit {kind!r}")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class Run:
    command: str
    returncode: int
    stdout: str
    stderr: str
    build_before: dict[str, bytes]
    build_after: dict[str, bytes]


def run_chapbook(root: Path, *args: str) -> Run:
    build = root / "build"
    before = snapshot(build)
    done = subprocess.run([sys.executable, "-m", "chapbook", *args], cwd=root,
                          capture_output=True, text=True, timeout=120)
    return Run(args[0], done.returncode, done.stdout, done.stderr, before, snapshot(build))


def run_case(case: Path, workdir: Path) -> tuple[dict[str, Any], list[Run]]:
    spec = yaml.safe_load(case.read_text(encoding="utf-8"))
    parent = workdir / case.stem
    parent.mkdir()
    root = parent / "mini"
    shutil.copytree(FIXTURES / "mini", root)
    (root / "build").mkdir()
    (root / "build" / "mini.pdf").write_bytes(PREVIOUS_PDF)
    for edit in spec.get("edits", []):
        apply_edit(root, edit)
    runs = [run_chapbook(root, "check", "--format", "json")]
    if spec.get("build"):
        runs.append(run_chapbook(root, "build"))
    return spec, runs


_TEXT_DIAGNOSTIC = re.compile(
    r"^(?P<file>[^\s:]+)(?::(?P<line>\d+))?(?::\d+)?: (?P<severity>error|warning): "
    r"(?P<message>.*)$", re.M)


def diagnostics_of(run: Run) -> list[dict[str, Any]]:
    """The JSON records of ``check --format json``; a problem that stops the run before the
    checks (a broken chapbook.toml) is printed as text on stderr instead."""
    if run.stdout.strip():
        return json.loads(run.stdout)
    return [{"file": m["file"], "line": int(m["line"] or 0), "severity": m["severity"],
             "message": m["message"]} for m in _TEXT_DIAGNOSTIC.finditer(run.stderr)]


@pytest.fixture(scope="module")
def corpus_results(tmp_path_factory: pytest.TempPathFactory
                   ) -> dict[str, tuple[dict[str, Any], list[Run]]]:
    """All cases at once, a few subprocesses at a time: the corpus is about I/O and startup."""
    workdir = tmp_path_factory.mktemp("bad-inputs")
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {case.stem: pool.submit(run_case, case, workdir) for case in CASES}
        return {name: future.result() for name, future in futures.items()}


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", [c.stem for c in CASES])
def test_bad_input(case: str, corpus_results) -> None:
    spec, runs = corpus_results[case]
    expect = spec["expect"]
    check = runs[0]
    for run in runs:
        assert "Traceback" not in run.stderr + run.stdout, run.stderr
        assert not [n for n in run.build_after if n.endswith(".part")], run.build_after
    assert check.build_after == check.build_before, "check wrote to build/"

    records = diagnostics_of(check)
    if expect.get("stage") == "build":
        # Only the typesetter sees it: the check passes, the build must fail and say where.
        assert check.returncode == 0, records
        assert len(runs) == 2, "a build-stage case needs 'build: true'"
        build = runs[1]
        assert build.returncode == 1, build.stderr
        assert f"{expect['file']}:{expect.get('line', '')}" in build.stderr, build.stderr
        assert expect["message"] in build.stderr, build.stderr
        assert build.build_after == build.build_before, "a failed build changed build/"
        return
    wanted_exit = 1 if expect["severity"] == "error" else 0
    assert check.returncode == wanted_exit, (check.returncode, records)
    matches = [r for r in records if r["severity"] == expect["severity"]
               and r["file"] == expect["file"]
               and expect["message"] in r["message"]]
    assert matches, f"no {expect['severity']} in {expect['file']} with " \
                    f"{expect['message']!r}; got:\n" + "\n".join(map(str, records))
    if "line" in expect:
        assert expect["line"] in [r["line"] for r in matches], matches

    if len(runs) > 1:
        build = runs[1]
        build_exit = expect.get("build_exit", wanted_exit)
        assert build.returncode == build_exit, build.stderr
        if "build_message" in expect:
            assert expect["build_message"] in build.stderr, build.stderr
        if build_exit:
            assert build.build_after == build.build_before, "a failed build changed build/"
        else:
            assert set(build.build_after) == {"mini.pdf"}, build.build_after
            assert build.build_after["mini.pdf"].startswith(b"%PDF-")
            assert build.build_after["mini.pdf"] != PREVIOUS_PDF

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
- ``fifo: {file}``: a named pipe; ``mkdir: {file}``; ``rmtree: {file}`` (a file or a folder)

``{outside}`` in any text is the folder beside the project (where ``outside:`` files are).

Other keys of a case:

- ``command: [args]``: run this instead of ``check --format json``; ``expect`` then names the
  exit status (``exit``) and a fragment of stderr (``message``, ``file``)
- ``fault: ENOSPC`` or ``EROFS``: every output write fails with that error (the disk is full,
  the file system read-only), as the kernel would say it
- ``corrupt_cache: true``: run the check once, then cut every file chapbook keeps in its
  cache folder to half its size, then run the case
- ``slow: true``: the case takes seconds (marked slow)

Every run has a time limit and a memory limit (RLIMIT_AS), its own $TMPDIR (which must be
empty afterwards), and its own session (no process of it may be left when it ends); nothing
may be written beside the project.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import struct
import subprocess
import sys
import time
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
#: The most memory (address space) one run may take, and the longest it may run: a case
#: that needs more is a case chapbook failed to bound.
MEMORY_LIMIT = 3 << 30
TIME_LIMIT = 60
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
    args = {k: v.replace("{outside}", str(root.parent)) if isinstance(v, str) else v
            for k, v in args.items()}
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
        (root.parent / args["file"]).parent.mkdir(parents=True, exist_ok=True)
        (root.parent / args["file"]).write_text(args["text"], encoding="utf-8")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "mkdir":
        path.mkdir(parents=True)
    elif kind == "rmtree":
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    else:
        raise AssertionError(f"unknown edit {kind!r}")


def snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def beside(root: Path) -> list[str]:
    """What lies beside the project (its parent folder, the project itself left out)."""
    return sorted(p.relative_to(root.parent).as_posix() for p in root.parent.rglob("*")
                  if not p.is_relative_to(root) and p.name != ".tmp")


#: Run before chapbook in the child when a case has a ``fault``: every file chapbook.output
#: writes fails as the disk would.
_FAULT = """
import errno, os, sys
import chapbook.output as output
number = getattr(errno, sys.argv.pop(1))
real_fdopen = os.fdopen
class Failing:
    def __init__(self, handle): self.handle = handle
    def write(self, data): raise OSError(number, os.strerror(number))
    def __enter__(self): return self
    def __exit__(self, *exc): self.handle.close()
    def __getattr__(self, name): return getattr(self.handle, name)
class FailingOs:
    def __getattr__(self, name): return getattr(os, name)
    def fdopen(self, *args, **kwargs): return Failing(real_fdopen(*args, **kwargs))
output.os = FailingOs()
from chapbook.entry import main
main()
"""


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def left_processes(session: int) -> list[str]:
    """The processes of ``session`` still running (from /proc, as Linux keeps it)."""
    left = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            left.append(stat.parent.name)
    return left


@dataclass
class Run:
    command: str
    returncode: int
    stdout: str
    stderr: str
    build_before: dict[str, bytes]
    build_after: dict[str, bytes]
    #: what was left: files in $TMPDIR, processes of the run's session, files beside the
    #: project that were not there before
    left: list[str]
    seconds: float = 0.0


def run_chapbook(root: Path, *args: str, fault: str | None = None,
                 env: dict[str, str] | None = None) -> Run:
    build = root / "build"
    before = snapshot(build)
    outside_before = beside(root)
    tmp = root.parent / ".tmp"
    tmp.mkdir(exist_ok=True)
    command = [sys.executable, "-c", _FAULT, fault] if fault else [sys.executable, "-m",
                                                                    "chapbook"]
    process = subprocess.Popen([*command, *args], cwd=root, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True,
                               preexec_fn=_limits,
                               env={**os.environ, "TMPDIR": str(tmp), **(env or {})})
    start = time.monotonic()
    try:
        stdout, stderr = process.communicate(timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        stdout, stderr = process.communicate()
        stderr += f"\n(killed after {TIME_LIMIT} s)"
    left = [f"process {pid}" for pid in left_processes(process.pid)]
    left += [f"$TMPDIR/{p.name}" for p in tmp.iterdir()]
    left += [f"beside: {name}" for name in beside(root) if name not in outside_before]
    return Run(args[0], process.returncode, stdout, stderr, before, snapshot(build), left,
               time.monotonic() - start)


def corrupt_cache(cache: Path) -> None:
    for path in cache.rglob("*"):
        if path.is_file():
            with path.open("r+b") as handle:
                handle.truncate(path.stat().st_size // 2)


def run_case(case: Path, workdir: Path) -> tuple[dict[str, Any], list[Run]]:
    spec = yaml.safe_load(case.read_text(encoding="utf-8"))
    parent = workdir / case.stem
    parent.mkdir()
    root = parent / "mini"
    shutil.copytree(FIXTURES / "mini", root)
    (root / "build").mkdir()
    (root / "build" / "mini.pdf").write_bytes(PREVIOUS_PDF)
    env = {}
    if spec.get("corrupt_cache"):
        cache = workdir / f"{case.stem}-cache"
        env["XDG_CACHE_HOME"] = str(cache)
        run_chapbook(root, "check", env=env)
        corrupt_cache(cache)
    for edit in spec.get("edits", []):
        apply_edit(root, edit)
    if "command" in spec:
        return spec, [run_chapbook(root, *spec["command"], fault=spec.get("fault"), env=env)]
    runs = [run_chapbook(root, "check", "--format", "json", env=env)]
    if spec.get("build"):
        runs.append(run_chapbook(root, "build", fault=spec.get("fault"), env=env))
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
def corpus_results(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
                   ) -> dict[str, tuple[dict[str, Any], list[Run]]]:
    """All cases at once, a few subprocesses at a time: the corpus is about I/O and startup."""
    workdir = tmp_path_factory.mktemp("bad-inputs")
    # only the cases selected (by -k, -m "not slow" or by name) are run
    selected = {item.callspec.params["case"] for item in request.session.items
                if item.name.startswith("test_bad_input[")}
    wanted = [case for case in CASES if case.stem in selected]
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {case.stem: pool.submit(run_case, case, workdir) for case in wanted}
        return {name: future.result() for name, future in futures.items()}


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 40


def _slow(case: Path) -> bool:
    return bool(yaml.safe_load(case.read_text(encoding="utf-8")).get("slow"))


@pytest.mark.parametrize("case", [pytest.param(c.stem, marks=[pytest.mark.slow] * _slow(c))
                                  for c in CASES])
def test_bad_input(case: str, corpus_results) -> None:
    spec, runs = corpus_results[case]
    expect = spec["expect"]
    check = runs[0]
    for run in runs:
        assert "Traceback" not in run.stderr + run.stdout, run.stderr
        assert "internal error" not in run.stderr, run.stderr
        assert not [n for n in run.build_after if n.endswith(".part")], run.build_after
        assert not run.left, run.left
    assert check.build_after == check.build_before, f"{check.command} wrote to build/"
    if "command" in spec:
        assert check.returncode == expect.get("exit", 1), check.stderr
        assert expect["message"] in check.stderr + check.stdout, check.stderr
        if "file" in expect:
            assert re.search(rf"^{re.escape(expect['file'])}:(\d+:)*(\d+:)? error: ",
                             check.stderr, re.M), check.stderr
        if expect.get("exit", 1):
            assert "hint:" in check.stderr or "--verbose" not in check.stderr, check.stderr
        return

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
    if expect["severity"] == "none":  # chapbook copes: it must only do so in bounded time
        assert not [r for r in records if r["severity"] == "error"], records
        if len(runs) > 1:
            assert runs[1].returncode == 0, runs[1].stderr
        return
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
            # the PDF and its layout report (for `check --format json`)
            assert set(build.build_after) == {"mini.pdf", "mini.layout.json"}, \
                build.build_after
            assert build.build_after["mini.pdf"].startswith(b"%PDF-")
            assert build.build_after["mini.pdf"] != PREVIOUS_PDF

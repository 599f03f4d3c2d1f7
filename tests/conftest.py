"""Shared fixtures: a small booklet built once per test session.

Building a PDF takes seconds, so the tests that read the PDF back share one build per
configuration instead of building their own.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from chapbook.pipeline import BuildOptions, BuildResult, build

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_configure(config: pytest.Config) -> None:
    """chapbook's cache folder (usercache.py) and runtime folder of this test run, not the
    user's, for what runs before the first test (the session's shared builds)."""
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="chapbook-test-cache-")
    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="chapbook-test-runtime-")
    # The tests start a few hundred chapbook processes. Where the environment forbids
    # writing bytecode (PYTHONDONTWRITEBYTECODE, set on this project's CI image), each of
    # them compiled chapbook's own modules from source again; compiled once here (only
    # what changed), they all read the bytecode, which Python still does under that flag.
    import compileall

    import chapbook

    compileall.compile_dir(Path(chapbook.__file__).parent, quiet=1)


@pytest.fixture(autouse=True)
def _own_folders(tmp_path_factory: pytest.TempPathFactory,
                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own cache and runtime folders, inherited by the processes it starts:
    what one test keeps or leaves cannot change what another sees."""
    folder = tmp_path_factory.mktemp("folders")
    for name, sub in (("XDG_CACHE_HOME", "cache"), ("XDG_RUNTIME_DIR", "runtime")):
        (folder / sub).mkdir(mode=0o700)
        monkeypatch.setenv(name, str(folder / sub))


@pytest.fixture(autouse=True)
def _nothing_left_frozen():
    """A watcher's rebuild sets aside what it keeps (chapbook/collector.py) for the rest of
    the process, which for the tests is the whole run: take it back after each test."""
    yield
    gc.unfreeze()


def copy_fixture(name: str, dest: Path) -> Path:
    target = dest / name
    shutil.copytree(FIXTURES / name, target)
    return target


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A fresh, writable copy of the mini booklet."""
    return copy_fixture("mini", tmp_path)


@pytest.fixture(scope="session")
def mini_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    root = copy_fixture("mini", tmp_path_factory.mktemp("mini-build"))
    result = build(root, BuildOptions())
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    return root, result


@pytest.fixture(scope="session")
def mini_teacher_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    root = copy_fixture("mini", tmp_path_factory.mktemp("mini-teacher"))
    result = build(root, BuildOptions(edition="teacher"))
    assert not result.failed, [d.format() for d in result.diagnostics.errors]
    return root, result


#: Fixed English words (headings, labels, editions, handout fields, citation terms) that a
#: booklet in another language must not print anywhere.
ENGLISH_FIXED_WORDS = re.compile(
    r"\b(Contents|Glossary|References|Summary|Review questions|Key terms|Chapter \d|"
    r"See also|Student edition|Teacher edition|Model answer|Citations follow|Accessed|"
    r"edited by|Worksheet|In this chapter|Page \d+ of|Class|Figure \d|"
    r"Table \d)\b")


def pdf_text(pdf: Path, page: int | None = None) -> str:
    """Text of the PDF (or of one 1-based page) as poppler's pdftotext reads it."""
    args = ["pdftotext", "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def page_texts(pdf: Path) -> list[str]:
    """One string per page, split on pdftotext's form feeds."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]

"""Two builds of the same sources give the same bytes, wherever and whenever they run."""

from __future__ import annotations

import io

import pypdf
import pytest

from chapbook.pipeline import BuildOptions, build
from chapbook.typeset.pdf import document_date
from conftest import copy_fixture

#: Builds PDFs or runs chapbook in subprocesses: left out of `pytest -m 'not slow'`.
pytestmark = pytest.mark.slow


def _info(pdf: bytes) -> dict[str, str]:
    return {k: str(v) for k, v in (pypdf.PdfReader(io.BytesIO(pdf)).metadata or {}).items()}


def test_two_builds_in_different_folders_are_byte_identical(mini_build, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    _, first = mini_build
    root = copy_fixture("mini", tmp_path / "elsewhere")
    second = build(root, BuildOptions())
    assert not second.failed
    one, two = first.outputs[0].read_bytes(), second.outputs[0].read_bytes()
    assert one == two
    info = _info(two)
    # The date is chapbook.toml's date (2026-01-15), never the time of the build.
    assert info["/CreationDate"].startswith("D:20260115") and info["/ModDate"] == info[
        "/CreationDate"]


def test_source_date_epoch_sets_the_document_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    root = copy_fixture("mini", tmp_path)
    result = build(root, BuildOptions())
    assert not result.failed
    pdf = result.outputs[0].read_bytes()
    assert _info(pdf)["/CreationDate"].startswith("D:20231114221320")
    again = build(root, BuildOptions())
    assert again.outputs[0].read_bytes() == pdf


@pytest.mark.parametrize("epoch,config,expected", [
    ("0", "2026-01-15", "1970-01-01T00:00:00Z"),
    ("1700000000", None, "2023-11-14T22:13:20Z"),
    ("", "2026-01-15", "2026-01-15"),
    ("not-a-number", "2026-01", "2026-01"),
    ("99999999999999999999", "2026", "2026"),
    ("", "Spring 2026", None),
    ("", None, None),
])
def test_document_date(monkeypatch, epoch, config, expected):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert document_date(config) == expected

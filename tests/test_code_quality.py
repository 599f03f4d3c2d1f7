"""The code stays as clean as the booklet: ruff and mypy report nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("tool", [
    ["ruff", "check", "src", "tests", "benchmarks"],
    ["mypy", "src"],
])
def test_tool_reports_nothing(tool):
    run = subprocess.run([sys.executable, "-m", *tool], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr

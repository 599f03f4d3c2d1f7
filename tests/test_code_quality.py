"""The code stays as clean as the booklet: ruff and mypy report nothing, and the import
contracts in pyproject.toml (the stages point one way, no circles) hold."""

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


def test_the_import_contracts_hold():
    """``lint-imports`` (import-linter) checks the contracts of pyproject.toml."""
    command = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run([str(command)], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_module_imports():
    """A module that names one moved away fails here, not only when its command runs."""
    import importlib
    import pkgutil

    import chapbook

    for module in pkgutil.walk_packages(chapbook.__path__, "chapbook."):
        if module.name != "chapbook.__main__":  # that one runs the command line
            importlib.import_module(module.name)

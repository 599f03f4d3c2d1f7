"""The ``chapbook`` command: starts the layout host if it is asked to typeset, then runs the
command line.

A separate module from :mod:`chapbook.cli` so that a build's layout host can be forked
before the CLI and its libraries are imported (see :func:`chapbook.typeset.host.prestart`):
the host then holds WeasyPrint alone, and the build reads its sources while the host starts.
Any other command starts as it would without it.
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import NoReturn

#: Options with which ``build`` lays everything out in this process (or in a pool of its
#: own, as ``--all`` does for ``handout`` too).
_ONE_PROCESS = {"--all", "--format", "-f", "--help", "--jobs=1", "-j1"}


def asks_for_the_layout_host(arguments: list[str]) -> bool:
    """Whether the command line asks for a booklet laid out in parts, one chapter's preview or
    one handout: a guess from the words alone (the command decides for itself, and closes an
    unwanted host)."""
    words = [word for word in arguments if not word.startswith("-")]
    if words[:1] not in (["build"], ["handout"]) or _ONE_PROCESS & set(arguments):
        return False
    for option, value in zip(arguments, arguments[1:], strict=False):
        if option in ("--jobs", "-j") and value == "1":
            return False
    return True


def main() -> NoReturn:
    stop_on_terminate()
    end_process(run())


def stop_on_terminate() -> None:
    """SIGTERM (a closed terminal, ``kill``, a CI timeout) ends the command as Ctrl-C does:
    by an exception, so that a file being written is removed and the scratch folders go
    with the exit functions, instead of the process vanishing and leaving them behind."""
    import signal

    def terminated(number: int, frame: object) -> None:
        raise SystemExit(128 + number)

    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, terminated)


def quiet_libraries() -> None:
    """chapbook speaks through its diagnostics only. A library that logs through the root
    logger (ziafont's ``logging.warning``, for a maths font) would otherwise set up
    Python's default output on first use, and from then on every library's log records
    (WeasyPrint's) went to stderr, even under ``--quiet``; a handler on the root logger
    keeps that default from being set up, in this process and in those it forks."""
    import logging

    logging.getLogger().addHandler(logging.NullHandler())


def run() -> str | int | None:
    """The command the process was started with; what it would give ``sys.exit``."""
    from .global_options import global_options_first

    quiet_libraries()
    sys.argv[1:] = global_options_first(sys.argv[1:])
    wanted = asks_for_the_layout_host(sys.argv[1:])
    if wanted:
        from .typeset.host import prestart

        prestart()
    exit_code: str | int | None = 0
    try:
        from .cli import main as run_command_line

        run_command_line()
    except SystemExit as ended:
        exit_code = ended.code
    finally:
        if wanted:
            # A command that stopped before it took the host (a mistake in its options or
            # in the sources) closes it here.
            from .typeset.host import discard_prestarted

            discard_prestarted()
    return exit_code


def end_process(code: str | int | None) -> NoReturn:
    """End the command with ``code`` as ``sys.exit`` would, without freeing every object.

    Tearing the interpreter down (clearing every module, freeing the parsed book, the
    templates and the libraries) frees memory the system takes back at once anyway. So, as
    mypy's ``hard_exit`` does, the process ends
    with ``os._exit``, once the exit functions have run (multiprocessing's, which stop the
    layout host and remove a scratch folder; logging's) and the output is flushed. Where a
    thread of the command's own is still running, or this Python cannot run the exit
    functions, it ends the usual way.
    """
    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    threading = sys.modules.get("threading")  # not imported: no thread was started
    running = [thread for thread in threading.enumerate()
               if thread is not threading.main_thread() and not thread.daemon
               ] if threading is not None else []
    if run_exit_functions is None or running:
        sys.exit(code)
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # as Python prints a message given to sys.exit
        print(code, file=sys.stderr)
        status = 1
    run_exit_functions()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: Python's own exit says 120
            status = status or 120
    os._exit(status)

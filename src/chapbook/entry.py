"""The ``chapbook`` command: starts the layout host if it is asked to typeset, then runs the
command line.

A separate module from :mod:`chapbook.cli` so that a build's layout host can be forked
before the CLI and its libraries are imported (see :func:`chapbook.typeset.host.prestart`);
any other command starts as it would without it. For the same reason ``check`` asks a
running watcher first (:mod:`chapbook.checkclient`).
"""

from __future__ import annotations

import sys

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


def main() -> None:
    if "check" in sys.argv[1:3]:
        # A watcher of the booklet may answer at once (checkclient.py); if none does, the
        # command runs as usual.
        from .checkclient import check_by_watcher

        code = check_by_watcher(sys.argv[1:])
        if code is not None:
            sys.exit(code)
    wanted = asks_for_the_layout_host(sys.argv[1:])
    if wanted:
        from .typeset.host import prestart

        prestart()
    try:
        from .cli import main as run_command_line

        run_command_line()
    finally:
        if wanted:
            # A command that stopped before it took the host (a mistake in its options or
            # in the sources) closes it here.
            from .typeset.host import discard_prestarted

            discard_prestarted()

"""The ``chapbook`` command: starts the layout host, then runs the command line.

A separate module from :mod:`chapbook.cli` so that a build's layout host can be forked
before the CLI and its libraries are imported (see :func:`chapbook.typeset.host.prestart`).
"""

from __future__ import annotations

import sys


def main() -> None:
    from .typeset.host import prestart

    prestart(sys.argv[1:])
    from .cli import main as run_command_line

    run_command_line()

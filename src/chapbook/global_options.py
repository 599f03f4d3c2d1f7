"""``--quiet`` and ``--verbose`` accepted after the command as well as before it.

Typer (Click) takes the options of the ``chapbook`` group only before the command's name:
``chapbook -q build`` worked and ``chapbook build -q`` said "No such option", although a
writer adds a flag at the end of the line they just ran. No command has a ``-q`` or ``-v``
of its own, so these words are moved in front of the command before the command line is
read; everything after ``--`` is left as it is.
"""

from __future__ import annotations

#: The options of the ``chapbook`` group that take no value.
GLOBAL_FLAGS = frozenset({"-q", "--quiet", "-v", "--verbose"})


def global_options_first(arguments: list[str]) -> list[str]:
    """``["build", "-q", "."]`` -> ``["-q", "build", "."]``; short flags may be joined
    (``-qv``). Arguments before the command and after ``--`` are not moved."""
    command = next((i for i, word in enumerate(arguments) if not word.startswith("-")), None)
    if command is None:
        return list(arguments)
    moved, kept = [], []
    for i, word in enumerate(arguments[command + 1:], start=command + 1):
        if word == "--":
            kept.extend(arguments[i:])
            break
        if word in GLOBAL_FLAGS or (len(word) > 2 and word[0] == "-" and word[1] != "-"
                                    and set(word[1:]) <= {"q", "v"}):
            moved.append(word)
        else:
            kept.append(word)
    return [*arguments[:command], *moved, arguments[command], *kept]

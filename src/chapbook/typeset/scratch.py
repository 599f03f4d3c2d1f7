"""A folder for the files WeasyPrint makes while it lays out, removed when the process ends.

WeasyPrint copies every ``@font-face`` font into a folder it makes with ``mkdtemp`` (3 MB for
the booklet's eight faces) and removes it when the font configuration is garbage-collected.
That never happens in a process that ends with ``os._exit``, as the layout host and the class
set's workers do: each build and each class set left its copies in ``/tmp`` for good, and a
writer who rebuilds on every save would fill it over a term. The copies are made in a folder
of this process's own instead, which multiprocessing's finalizers remove as the process ends
(they run as its children end, and at the exit of the main process). The processes forked
from the one that made it share the folder and never remove it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from multiprocessing import util as process_util


def _removed_by(owner: int, folder: str) -> None:
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


#: The folders made so far, with the process that made each.
_made: list[tuple[int, str]] = []


def scratch_folder() -> str:
    """A new private folder that is removed when this process ends. Its name holds this
    process's id, so that the folders of a process that was killed (SIGKILL, a power cut:
    no finalizer ran) are removed by the next that makes one."""
    remove_left_folders()
    folder = tempfile.mkdtemp(prefix=f"chapbook-{os.getpid()}-")
    _made.append((os.getpid(), folder))
    process_util.Finalize(None, _removed_by, args=(os.getpid(), folder), exitpriority=0)
    return folder


#: Whether this process has looked for left folders: once is enough (a watcher makes a
#: scratch folder on every save), and a forked child shares its parent's look.
_looked = False


def remove_left_folders() -> None:
    """Remove the scratch folders of processes that are gone."""
    from ..output import process_gone

    global _looked
    if _looked:
        return
    _looked = True
    base = tempfile.gettempdir()
    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        fields = name.split("-")
        if len(fields) == 3 and fields[0] == "chapbook" and fields[1].isdigit() \
                and process_gone(int(fields[1])):
            shutil.rmtree(os.path.join(base, name), ignore_errors=True)


def remove_own_folders() -> None:
    """Remove this process's folders now (the layout host, as it ends, whatever stopped it:
    not left to the finalizers alone)."""
    for owner, folder in _made:
        _removed_by(owner, folder)


@contextlib.contextmanager
def temporary_files_in(folder: str) -> Iterator[None]:
    """Have ``tempfile`` make its files and folders in ``folder`` while the block runs (only
    WeasyPrint's setup of the fonts runs in it; chapbook names its own folders)."""
    before = tempfile.tempdir
    tempfile.tempdir = folder
    try:
        yield
    finally:
        tempfile.tempdir = before

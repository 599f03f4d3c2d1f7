"""The two rules for every file a booklet names: where it may be, and how it is read.

A booklet's sources come from strangers (a colleague's booklet, a student's project), so a
path they name is trusted only after it is resolved: every file chapbook reads or writes for
a booklet lies inside the project folder once symlinks are followed (``../``, an absolute
path, a symlinked ``build/`` or ``layouts/`` all end up outside and are refused), and every
name is one the file system can hold (no NUL, no part longer than 255 bytes).

Reading: only a regular file is read, and its size is checked before a byte is read, so a
link to ``/dev/zero`` or a FIFO is refused at once instead of filling memory or blocking.
A path the command line names (``-o``) is the user's own choice and is not bound by this.

Both rules raise :class:`Refused`, whose message and hint the caller reports at the file
that named the path; this module knows nothing of diagnostics or stages, so every stage may
use it.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

#: The longest name of one folder or file most file systems accept, in bytes.
NAME_MAX = 255
#: The longest path Linux accepts, in bytes.
PATH_MAX = 4096


class Refused(Exception):
    """A path or file the rules refuse; ``str()`` says why, ``hint`` what to do."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


_INSIDE_HINT = "keep every file of the booklet inside its folder (no '..', no absolute " \
               "paths, no links to elsewhere)"


def check_name(name: str) -> None:
    """Refuse a path the file system cannot hold."""
    if "\x00" in name:
        raise Refused("the name contains a NUL character", "remove it from the name")
    encoded = os.fsencode(name) if isinstance(name, str) else name
    if len(encoded) > PATH_MAX or any(len(part) > NAME_MAX for part in encoded.split(b"/")):
        raise Refused(f"the name is too long for the file system (a part of it is over "
                      f"{NAME_MAX} bytes)", "use a shorter name")


def resolved(path: Path) -> Path:
    """``path`` with every symlink followed; a loop of links is refused."""
    check_name(str(path))
    try:
        return path.resolve()
    except RuntimeError:  # Python before 3.13 on a loop of links
        raise Refused("the path is a loop of symbolic links", "remove the link") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused("the path is a loop of symbolic links", "remove the link") from None
        if exc.errno == errno.ENAMETOOLONG:
            raise Refused("the name is too long for the file system",
                          "use a shorter name") from None
        raise Refused(f"cannot follow the path: {exc.strerror}") from None


def inside(path: Path, *roots: Path) -> Path:
    """``path`` resolved, if it lies inside one of ``roots`` (themselves resolved); else
    :class:`Refused`."""
    real = resolved(path)
    for root in roots:
        if real.is_relative_to(root.resolve()):
            return real
    written = Path(os.path.normpath(path.absolute()))
    if any(written.is_relative_to(root.absolute()) for root in roots):
        raise Refused("the file is a link to a file outside the project", _INSIDE_HINT)
    raise Refused("the path leads outside the project", _INSIDE_HINT)


def project_name(path: Path, root: Path) -> str:
    """``path`` as the project writes it, relative to ``root``, for a diagnostic: a link is
    named, not followed, unless only its target lies inside; a path outside as given."""
    for name, folder in ((path.absolute, root.absolute), (path.resolve, root.resolve)):
        try:
            return name().relative_to(folder()).as_posix()
        except (ValueError, OSError, RuntimeError):  # outside; a loop of links
            pass
    return path.as_posix()


def project_path(root: Path, name: str) -> Path:
    """The file or folder ``name`` (as a booklet's sources write it) of the project at
    ``root``, resolved; refused if it leads outside the project."""
    check_name(name)
    return inside(root / name, root)


def read_limited(path: Path, max_bytes: int, *roots: Path) -> bytes:
    """The bytes of ``path``, a regular file inside one of ``roots`` (any file when no root
    is given), of at most ``max_bytes`` bytes."""
    real = inside(path, *roots) if roots else resolved(path)
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused("the path is a loop of symbolic links", "remove the link") from None
        raise Refused(f"cannot read the file: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else \
                "a pipe" if stat.S_ISFIFO(info.st_mode) else "a device or other special file"
            raise Refused(f"not a regular file but {kind}",
                          "name a text file saved in the project")
        if info.st_size > max_bytes:
            raise Refused(f"the file is {info.st_size / 1e6:.1f} MB, over the "
                          f"{max_bytes / 1e6:g} MB limit", "split it into smaller files")
        chunks = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > max_bytes:  # it grew while being read
            raise Refused(f"the file is over the {max_bytes / 1e6:.1f} MB limit",
                          "split it into smaller files")
        return data
    finally:
        os.close(fd)


def output_folder(root: Path, name: str) -> Path:
    """The folder ``name`` (the booklet's ``output`` setting) where outputs go: inside the
    project once resolved, and a folder (or not there yet), not a file."""
    folder = project_path(root, name)
    if folder.exists() and not folder.is_dir():
        raise Refused(f"the output folder '{name}' is a file",
                      "delete or rename the file, or set 'output' in chapbook.toml")
    return folder


def output_file(folder: Path, name: str) -> Path:
    """The output ``name`` in ``folder``: a name the file system can hold, not a folder."""
    check_name(name)
    if "/" in name or name in ("", ".", ".."):
        raise Refused(f"'{name}' is not a file name", "use letters, digits and '-' only")
    target = folder / name
    if target.is_dir():
        raise Refused(f"the output {target.name} is a folder",
                      "delete or rename the folder")
    return target

"""Atomic file output: write to a temporary file in the target directory, then rename.

An error while writing leaves the old file (or no file) in place, never a partial one. ``os.replace``
is atomic on POSIX and Windows when source and target are on the same file system, which a sibling
temporary file guarantees.

The folder must exist: ``-o results/x.json`` with no ``results/`` is an error, not a silently
created directory tree (a typo would otherwise scatter folders).

Only regular files are replaced by rename. A symbolic link is followed and its *target* is
replaced (the link stays a link). A character device (``/dev/null``, ``/dev/stdout``) or a FIFO is
written directly, without a temporary file: a rename would turn the device node into a regular
file. Other special files (sockets, block devices) are refused. Commands whose output *is* a
folder (``centric demo --out``) create it with :func:`ensure_dir`. Any ``OSError`` while creating,
writing or renaming becomes an :class:`~assessment.errors.OutputError` naming the path.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from assessment.errors import OutputError

__all__ = [
    "atomic_open",
    "atomic_write_bytes",
    "atomic_write_text",
    "cannot_write",
    "check_output",
    "ensure_dir",
]


def cannot_write(path: str | Path, exc: OSError, what: str = "write") -> OutputError:
    """An :class:`OutputError` for ``exc`` raised while writing ``path``, saying how to fix it."""
    reason = exc.strerror or exc.__class__.__name__
    path = Path(path)
    if isinstance(exc, FileNotFoundError) and not path.parent.exists():
        hint = f"the folder {path.parent} does not exist; create it or choose another path"
    elif isinstance(exc, NotADirectoryError | FileExistsError):
        hint = "a file is in the way where a folder is needed; choose another path"
    elif isinstance(exc, IsADirectoryError):
        hint = "that is a folder; give a file name"
    elif isinstance(exc, PermissionError):
        hint = "check that the folder is writable"
    else:
        hint = "check that the folder exists, is writable and has free space"
    return OutputError(f"cannot {what} {path}: {reason}; {hint}")


def check_output(path: str | Path | None) -> None:
    """Fail early, before any work, when ``path`` clearly cannot be written: its folder is missing,
    is a file or is not writable, or ``path`` is a folder. ``None`` (stdout) passes. Writing can
    still fail later (disk full); :func:`atomic_open` reports that."""
    if path is None:
        return
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        raise cannot_write(path, IsADirectoryError(21, "Is a directory"))
    if not folder.exists():
        raise cannot_write(path, FileNotFoundError(2, "No such file or directory"))
    if not folder.is_dir():
        raise cannot_write(path, NotADirectoryError(20, "Not a directory"))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise cannot_write(path, PermissionError(13, "Permission denied"))


def ensure_dir(path: str | Path) -> Path:
    """Create the output folder ``path`` (and its parents) if missing; for commands whose output
    is a folder. A file in the way or no permission is an :class:`OutputError`."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(path, exc, "create the folder") from None
    return path


def _target(path: Path) -> tuple[Path, str]:
    """The file to write for ``path`` and how: ``"replace"`` (temporary file + rename) for a
    regular or missing file, ``"direct"`` for a character device or FIFO. A symbolic link
    resolves to its target."""
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return path, "replace"
    except OSError as exc:
        raise cannot_write(path, exc) from None
    if stat.S_ISDIR(mode):
        raise cannot_write(path, IsADirectoryError(21, "Is a directory"))
    if stat.S_ISREG(mode):
        return path, "replace"
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return path, "direct"
    raise OutputError(
        f"cannot write {path}: it is a socket or block device, not a regular file; give a file name"
    )


@contextlib.contextmanager
def _direct_open(
    path: Path, mode: str, encoding: str | None, newline: str | None
) -> Iterator[IO[Any]]:
    """Write a character device or FIFO in place (no rename would be safe there)."""
    kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": encoding, "newline": newline}
    try:
        with open(path, mode, **kwargs) as fh:
            yield fh
    except OSError as exc:
        raise cannot_write(path, exc) from None


@contextlib.contextmanager
def atomic_open(
    path: str | Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO[Any]]:
    """Open ``path`` for writing through a sibling temporary file renamed into place on success.

    A symbolic link is followed (its target is replaced, the link kept); a character device or
    FIFO is written directly (never replaced by a regular file); a socket or block device is
    refused. Raises :class:`OutputError` when the folder is missing or not writable, ``path`` is
    a folder, or writing fails (disk full); the old file, if any, is left as it was.
    """
    path, how = _target(Path(path))
    if how == "direct":
        with _direct_open(path, mode, encoding, newline) as direct:
            yield direct
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    binary = "b" in mode
    try:
        fh: IO[Any] = (
            os.fdopen(fd, mode)
            if binary
            else os.fdopen(fd, mode, encoding=encoding, newline=newline)
        )
        with fh:
            yield fh
        os.chmod(tmp, _file_mode(path))
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc) from None
        raise


def _file_mode(path: Path) -> int:
    """Keep an existing file's mode; a new file gets 0o666 minus the umask (as ``open`` would)."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    with atomic_open(path, "w", encoding=encoding, newline="") as fh:
        fh.write(text)
    return Path(path)


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    with atomic_open(path, "wb") as fh:
        fh.write(data)
    return Path(path)

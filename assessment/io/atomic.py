"""Atomic file output: write to a temporary file in the target directory, then rename.

An error while writing leaves the old file (or no file) in place, never a partial one. ``os.replace``
is atomic on POSIX and Windows when source and target are on the same file system, which a sibling
temporary file guarantees. The data is flushed to disk (``fsync``) before the rename.

On Linux the temporary file is unnamed (``O_TMPFILE`` in the target folder) until the data is
written: it gets a name (``.NAME.XXXXXXXX.tmp``, linked from ``/proc/self/fd``) only right before
the rename, so a process killed while writing (SIGKILL, power loss) leaves nothing behind. Where
the file system or kernel does not support ``O_TMPFILE``, a named temporary file
(:func:`tempfile.mkstemp`) is used, which a kill can leave behind.

The folder must exist: ``-o results/x.json`` with no ``results/`` is an error, not a silently
created directory tree (a typo would otherwise scatter folders).

Only regular files are replaced by rename. A symbolic link is followed and its *target* is
replaced (the link stays a link). A character device (``/dev/null``, ``/dev/stdout``) or a FIFO is
written directly, without a temporary file: a rename would turn the device node into a regular
file. Other special files (sockets, block devices) are refused. Commands whose output *is* a
folder (``centric demo --out``) create it with :func:`ensure_dir`. Any ``OSError`` while creating,
writing or renaming becomes an :class:`~questionnaires.errors.OutputError` naming the path.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from questionnaires.errors import OutputError

__all__ = [
    "atomic_open",
    "atomic_write_bytes",
    "atomic_write_text",
    "cannot_write",
    "check_output",
    "ensure_dir",
]


def cannot_write(path: str | Path, exc: OSError, what: str = "write") -> OutputError:
    """An :class:`OutputError` for ``exc`` raised while writing ``path``, saying how to fix it.

    Parameters
    ----------
    path : str or pathlib.Path
        The file that could not be written.
    exc : OSError
        What the operating system raised.
    what : str, default "write"
        The verb of the message ("cannot <what> <path>: ...").

    Returns
    -------
    OutputError
        The error to raise, its hint chosen by the kind of ``exc``.
    """
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
    """Fail early, before any work, when ``path`` clearly cannot be written.

    That is when its folder is missing, is a file or is not writable, or ``path`` is a folder.
    ``None`` (stdout) passes. Writing can still fail later (disk full); :func:`atomic_open`
    reports that.

    Parameters
    ----------
    path : str or pathlib.Path or None
        The output file, ``None`` for stdout.
    """
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
    """Create the output folder ``path`` (and its parents) if missing.

    For commands whose output is a folder. A file in the way or no permission is an
    :class:`OutputError`.

    Parameters
    ----------
    path : str or pathlib.Path
        The folder.

    Returns
    -------
    pathlib.Path
        ``path``, which now exists.
    """
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

    Parameters
    ----------
    path : str or pathlib.Path
        The file to write.
    mode : str, default "w"
        ``"w"`` (text) or ``"wb"`` (bytes).
    encoding : str or None, default "utf-8"
        Text encoding; ``None`` in binary mode.
    newline : str or None, optional
        As for :func:`open`.

    Yields
    ------
    IO
        The open temporary file; it replaces ``path`` when the block ends without an error.
    """
    path, how = _target(Path(path))
    if how == "direct":
        with _direct_open(path, mode, encoding, newline) as direct:
            yield direct
        return
    try:
        fd, tmp = _temp_file(path)
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
            fh.flush()
            tmp = _publish(fd, path, tmp)
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc) from None
        raise


#: errno values of ``open(O_TMPFILE)`` where the kernel or file system does not support it.
_NO_TMPFILE = {errno.EOPNOTSUPP, errno.ENOTSUP, errno.EISDIR, errno.EINVAL}
#: Devices (``st_dev``) where an ``O_TMPFILE`` file could not be linked: mkstemp from then on.
_NO_LINK: set[int] = set()


def _temp_file(path: Path) -> tuple[int, str | None]:
    """A new temporary file for ``path``, in its folder: ``(fd, name)``. ``name`` is ``None`` for
    an unnamed ``O_TMPFILE`` file (Linux), else the :func:`tempfile.mkstemp` name
    ``.NAME.XXXXXXXX.tmp``. Raises ``OSError``."""
    flag = getattr(os, "O_TMPFILE", 0)
    if flag and os.stat(path.parent).st_dev not in _NO_LINK:
        try:
            return os.open(path.parent, flag | os.O_RDWR | os.O_CLOEXEC, 0o600), None
        except OSError as exc:
            if exc.errno not in _NO_TMPFILE:
                raise
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)


def _link(fd: int, name: str) -> bool:
    """Give the unnamed file ``fd`` the name ``name``: ``linkat`` of ``/proc/self/fd/N``, else
    ``linkat(fd, "", AT_EMPTY_PATH)`` (some sandboxes refuse the first with EXDEV). ``False``
    when neither works; ``FileExistsError`` when ``name`` is taken."""
    try:
        os.link(f"/proc/self/fd/{fd}", name, follow_symlinks=True)
        return True
    except FileExistsError:
        raise
    except OSError:
        pass
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        at_fdcwd, at_empty_path = -100, 0x1000
        if libc.linkat(fd, b"", at_fdcwd, os.fsencode(name), at_empty_path) == 0:
            return True
    except (OSError, AttributeError):
        return False
    if ctypes.get_errno() == errno.EEXIST:
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), name)
    return False


def _publish(fd: int, path: Path, tmp: str | None) -> str:
    """Make the written temporary file ``fd`` ready to be renamed onto ``path``: on disk
    (``fsync``), with ``path``'s mode (:func:`_file_mode`), and named (an ``O_TMPFILE`` file is
    linked as ``.NAME.XXXXXXXX.tmp``; where linking is refused its bytes are copied into a
    :func:`tempfile.mkstemp` file). Returns the name. Raises ``OSError``."""
    os.fchmod(fd, _file_mode(path))
    os.fsync(fd)
    if tmp is not None:
        return tmp
    for _ in range(100):
        name = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            if _link(fd, name):
                return name
            break
        except FileExistsError:
            continue
    _NO_LINK.add(os.fstat(fd).st_dev)
    out, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        with os.fdopen(os.dup(fd), "rb") as src, os.fdopen(out, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fchmod(dst.fileno(), _file_mode(path))
            os.fsync(dst.fileno())
    except BaseException:
        os.unlink(name)
        raise
    return name


def _file_mode(path: Path) -> int:
    """Keep an existing file's mode; a new file gets 0o666 minus the umask (as ``open`` would)."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (:func:`atomic_open`).

    Parameters
    ----------
    path : str or pathlib.Path
        The file to write.
    text : str
        Its whole content.
    encoding : str, default "utf-8"
        Text encoding.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    with atomic_open(path, "w", encoding=encoding, newline="") as fh:
        fh.write(text)
    return Path(path)


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (:func:`atomic_open`).

    Parameters
    ----------
    path : str or pathlib.Path
        The file to write.
    data : bytes
        Its whole content.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    with atomic_open(path, "wb") as fh:
        fh.write(data)
    return Path(path)

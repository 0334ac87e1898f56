"""Output paths checked before any work: never overwrite an input, never fail after rendering.

Every command that writes a file or a folder calls one of these first, before it reads, scores or
renders anything, so a bad ``-o`` costs a second, not a minute of rendering, and never a traceback::

    output = check_output_file(output, inputs=files, db=db)   # -o FILE
    folder = check_output_dir(output, inputs=files)          # -o DIR (one file per respondent)

Both raise :class:`~questionnaires.errors.OutputError` (exit code 2, one line naming the path and the
fix) when

- the output is one of the inputs or the ``--db`` SQLite file: same resolved path, or the same file
  through a hard link or symlink (:func:`os.path.samefile`);
- the output is a companion file of the SQLite database (``DB-wal``, ``DB-shm``, ``DB-journal``):
  SQLite replays, truncates or deletes those at the next access, so the output would vanish or
  the database be damaged;
- the output is ``-``, which means stdout: a command that can write to stdout checks
  :func:`is_stdout` first (binary output through :func:`write_stdout_bytes`); ``./-`` names a
  file called ``-``;
- the folder it goes into does not exist (``-o FILE`` never creates folders: a typo would scatter
  them; an output *folder* may itself be missing, it is then created one level deep by the writer);
- a file output is an existing folder, a FIFO (a write would block until something reads it), a
  socket or a block device (an atomic rename would replace the special file with a regular one),
  or a folder output is an existing file;
- the folder cannot be written (probed by creating and removing a temporary file, which also
  catches read-only and pseudo file systems such as ``/proc`` where :func:`os.access` says yes to
  root).

A character device (``-o /dev/null``, ``/dev/stdout``) is a write-through target: it is returned
as is, without probing its folder (``/dev`` itself is not writable for most users), provided it
can be opened for writing; the atomic writer writes such a device directly, never replacing it.

A symbolic link given as ``-o`` is followed: :func:`check_output_file` returns the link's target,
so writing replaces the target and keeps the link. Writing can still fail later (disk full); the
atomic writers in :mod:`assessment.io.atomic` report that and leave the old file in place.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from questionnaires.errors import OutputError

__all__ = [
    "SQLITE_COMPANIONS",
    "STDOUT",
    "check_binary_stdout",
    "check_output_dir",
    "check_output_file",
    "is_stdout",
    "refuse_inputs",
    "sqlite_file",
    "write_stdout_bytes",
]

STDOUT = "-"
SQLITE_COMPANIONS = {
    "-wal": "write-ahead log",
    "-shm": "shared-memory index",
    "-journal": "rollback journal",
}


def is_stdout(path: str | Path | None) -> bool:
    """True when ``-o`` is ``-``: write to stdout (``./-`` is a file named ``-``)."""
    return path is not None and str(path) == STDOUT


def check_binary_stdout(what: str, suffix: str) -> None:
    """Refuse binary output (``what``, e.g. ``"an xlsx workbook"``) for ``-o -`` with an
    :class:`OutputError` when stdout is a terminal (the bytes would garble it); the message says
    to redirect or give ``-o FILE<suffix>``. Call it before any work."""
    if sys.stdout.isatty():
        raise OutputError(
            f"{what} is binary and stdout is a terminal; redirect it (-o - > file{suffix}) or "
            f"give -o FILE{suffix}"
        )


def write_stdout_bytes(data: bytes, what: str, suffix: str) -> None:
    """Write binary output to stdout for ``-o -`` (checked with :func:`check_binary_stdout`)."""
    check_binary_stdout(what, suffix)
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def sqlite_file(db: str | Path | None) -> Path | None:
    """The file behind a ``--db`` value: a plain path or a ``sqlite:///path`` URL; ``None`` for
    other URLs (PostgreSQL), for in-memory SQLite and when no database is given."""
    if db is None:
        return None
    text = str(db)
    if "://" not in text:
        return Path(text)
    scheme, _, rest = text.partition("://")
    if not scheme.startswith("sqlite"):
        return None
    path = rest[1:] if rest.startswith("/") else rest  # sqlite:///rel, sqlite:////abs
    path = path.split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def refuse_inputs(
    path: str | Path, inputs: Iterable[str | Path] = (), db: str | Path | None = None
) -> None:
    """Raise :class:`OutputError` when ``path`` is one of ``inputs`` or the ``db`` file."""
    out = Path(path)
    for given in inputs:
        if str(given) == "-":  # stdin
            continue
        if _same(out, Path(given)):
            raise OutputError(
                f"the output {out} is the input file {given}; writing it would destroy the "
                "input: choose another output name"
            )
    dbfile = sqlite_file(db)
    if dbfile is None:
        return
    if _same(out, dbfile):
        raise OutputError(
            f"the output {out} is the database {db}; writing it would destroy the database: "
            "choose another output name"
        )
    for suffix, kind in SQLITE_COMPANIONS.items():
        if _same(out, dbfile.with_name(dbfile.name + suffix)):
            raise OutputError(
                f"the output {out} is the {kind} of the database {dbfile} (SQLite deletes or "
                "replays it at the next access, which loses the output or damages the "
                "database): choose another output name"
            )


def _probe_writable(folder: Path, target: Path) -> None:
    """Create and remove a temporary file in ``folder``; an :class:`OutputError` if that fails."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".centric-probe-", dir=folder)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise OutputError(
            f"cannot write {target}: {reason} in the folder {folder}; choose a folder you can "
            "write to"
        ) from None
    os.close(fd)
    os.unlink(tmp)


def _existing_folder(folder: Path, target: Path) -> None:
    if not folder.exists():
        raise OutputError(
            f"cannot write {target}: the folder {folder} does not exist; create it or choose "
            "another path"
        )
    if not folder.is_dir():
        raise OutputError(
            f"cannot write {target}: {folder} is a file, not a folder; choose another path"
        )


def _writable_device(device: Path, given: Path) -> Path:
    """``device`` (a character device) if this process may write it, else an :class:`OutputError`."""
    if not os.access(device, os.W_OK):
        raise OutputError(
            f"cannot write {given}: the device {device} is not writable for you; choose a file"
        )
    return device


def check_output_file(
    path: str | Path, *, inputs: Iterable[str | Path] = (), db: str | Path | None = None
) -> Path:
    """Check that the file ``path`` can be written without harm; return the path to write.

    ``inputs`` are the command's input files (they must not be overwritten), ``db`` its ``--db``
    value (a path or URL; only a SQLite file can collide). Nothing is created. Returns ``path``,
    or its target when ``path`` is a symbolic link.
    """
    if is_stdout(path):
        raise OutputError(
            "-o - means stdout, and this output cannot go to stdout; give -o FILE (./- for a "
            "file named '-')"
        )
    out = Path(path)
    if str(out) in ("", "."):
        raise OutputError("no output file name given; give -o FILE")
    refuse_inputs(out, inputs, db)
    if out.is_symlink():
        out = Path(os.path.realpath(out))
    if out.is_dir():
        raise OutputError(
            f"cannot write {path}: that is a folder; give a file name, e.g. {path}/report.pdf"
        )
    if out.exists():
        mode = out.stat().st_mode
        if stat.S_ISCHR(mode):
            return _writable_device(out, Path(path))
        if not stat.S_ISREG(mode):
            raise OutputError(
                f"cannot write {path}: it is a FIFO, socket or block device, not a regular file; "
                "give a file name"
            )
    folder = out.parent
    _existing_folder(folder, Path(path))
    _probe_writable(folder, Path(path))
    return out


def check_output_dir(path: str | Path, *, inputs: Iterable[str | Path] = ()) -> Path:
    """Check that the folder ``path`` can receive output files; return it.

    The folder may be missing when its parent exists (the writer then creates it, one level, not
    a whole tree); it must not be a file or one of ``inputs``. Nothing is created here.
    """
    out = Path(path)
    refuse_inputs(out, inputs)
    if out.exists():
        if not out.is_dir():
            raise OutputError(
                f"cannot write into {out}: it is a file, not a folder; give a folder name"
            )
        _probe_writable(out, out)
        return out
    parent = out.parent
    if not parent.exists():
        raise OutputError(
            f"cannot create the folder {out}: its parent {parent} does not exist; create it first "
            "or choose another folder"
        )
    if not parent.is_dir():
        raise OutputError(
            f"cannot create the folder {out}: {parent} is a file, not a folder; choose another path"
        )
    _probe_writable(parent, out)
    return out

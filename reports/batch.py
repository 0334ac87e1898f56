"""Many reports at once: personal reports over a process pool, and the demo's set of PDFs.

WeasyPrint layout is single-threaded and holds the GIL, so parallelism comes from processes. Each
worker receives the scored wave once (pool initializer) and keeps its own WeasyPrint font
configuration and stylesheet (see :mod:`reports.render`), then renders one respondent per task.
File names are derived from the pseudonymous respondent ids, fixed up front, unique (also on
case-insensitive file systems) and at most :data:`MAX_STEM` characters before ``.pdf``; a set of
personal reports is written all or nothing (:func:`write_individual_reports`), also when the
process is killed. Writing is the caller's: pass a ``write(path, data)`` callable
(:mod:`assessment.service` passes :func:`assessment.io.atomic.atomic_write_bytes`, the one atomic
writer; this package does not import :mod:`assessment`). Calling without ``write`` is deprecated
(a ``DeprecationWarning``; it falls back to :func:`write_file`, which goes in the next release).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import multiprocessing
import os
import re
import secrets
import shutil
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from questionnaires.answers import ResponseSet
from questionnaires.errors import OutputError, ReportError
from questionnaires.model import Instrument
from reports.options import TREND_MIN_GROUP, ReportOptions, comment_threshold
from scoring.results import WaveResult

__all__ = [
    "Writer",
    "individual_filename",
    "individual_filenames",
    "recover_report_sets",
    "write_demo_reports",
    "write_file",
    "write_individual_reports",
]

#: Writes ``data`` to ``path`` (raising a :class:`questionnaires.errors.CentricError` on failure).
Writer = Callable[[Path, bytes], object]

_JOB: dict[str, Any] = {}


def _writer(write: Writer | None) -> Writer:
    """``write``, or (deprecated) :func:`write_file` with a ``DeprecationWarning``."""
    if write is not None:
        return write
    warnings.warn(
        "reports.batch without write= is deprecated and its own writer goes in the next "
        "release; pass write=assessment.io.atomic.atomic_write_bytes (or your own writer)",
        DeprecationWarning,
        stacklevel=3,
    )
    return write_file


def write_file(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (sibling temporary file, ``fsync``, ``os.replace``).

    Deprecated (next release: removed): pass :func:`assessment.io.atomic.atomic_write_bytes` as
    ``write``, the one atomic writer.

    On Linux the temporary file is unnamed (``O_TMPFILE``) until it is complete and linked from
    ``/proc/self/fd`` right before the rename, so a killed process leaves no ``.NAME.*.tmp``
    file; elsewhere, or where linking is refused, a :func:`tempfile.mkstemp` file is used (as
    :func:`assessment.io.atomic.atomic_open` does, which the CLI uses). The folder must exist: a
    mistyped path is reported, never created.

    Parameters
    ----------
    path : pathlib.Path
        The file to write.
    data : bytes
        Its content.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    questionnaires.errors.OutputError
        Naming the path, when it cannot be written.
    """
    tmp: str | None = None
    try:
        tmp = _unnamed_write(path, data)
        if tmp is None:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fchmod(fd, _new_file_mode())
                os.fsync(fd)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise OutputError(
            f"cannot write {path}: {exc.strerror}; check that the folder exists and is writable"
        ) from None
    return path


def _unnamed_write(path: Path, data: bytes) -> str | None:
    """``data`` in an ``O_TMPFILE`` file of ``path``'s folder, linked as ``.NAME.XXXXXXXX.tmp``
    once complete; the name, or ``None`` where ``O_TMPFILE`` or the link is not supported."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag:
        return None
    try:
        fd = os.open(path.parent, flag | os.O_WRONLY | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            return None
        raise
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fchmod(fd, _new_file_mode())
        os.fsync(fd)
        name = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.link(f"/proc/self/fd/{fd}", name, follow_symlinks=True)
        except OSError:
            return None
    return name


def _new_file_mode(base: int = 0o666) -> int:
    """``base`` minus the umask: the mode ``open`` or ``mkdir`` would give."""
    umask = os.umask(0)
    os.umask(umask)
    return base & ~umask


def _make_folder(folder: Path, parents: bool = True) -> None:
    try:
        folder.mkdir(parents=parents, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create output folder {str(folder)!r}: {exc.strerror}; "
            "choose a folder you can write to"
        ) from None


#: Longest file-name stem (before ``.pdf``) of a personal report; longer ones are shortened.
MAX_STEM = 80


def _stem(respondent: str) -> str:
    return "individual-" + re.sub(r"[^A-Za-z0-9_-]+", "_", respondent)


def _hashed(respondent: str, stem: str) -> str:
    digest = hashlib.sha256(respondent.encode("utf-8")).hexdigest()[:8]
    return f"{stem[: MAX_STEM - 9]}-{digest}"


def individual_filename(respondent: str) -> str:
    """The file name of one respondent's personal report: ``individual-<id>.pdf``, made safe.

    Anything but ASCII letters, digits, ``-`` and ``_`` is replaced by ``_``; a stem longer than
    :data:`MAX_STEM` characters is cut and ends in ``-`` and the first 8 hex digits of the id's
    SHA-256. For many respondents use :func:`individual_filenames`, which also keeps the names
    unique.

    Parameters
    ----------
    respondent : str
        The respondent id.

    Returns
    -------
    str
        The file name.

    Examples
    --------
    >>> individual_filename("NW-E02"), individual_filename("a/b")
    ('individual-NW-E02.pdf', 'individual-a_b.pdf')
    """
    stem = _stem(respondent)
    return f"{_hashed(respondent, stem) if len(stem) > MAX_STEM else stem}.pdf"


def individual_filenames(respondents: Sequence[str]) -> dict[str, str]:
    """A unique, safe file name per respondent id, computed up front.

    Each name is :func:`individual_filename`; ids whose names would collide — ``a/b``, ``a_b`` and
    ``a:b`` all become ``individual-a_b``, and ``NW-E02``/``nw-e02`` are one file on a
    case-insensitive file system (macOS, Windows) — all get the hash suffix instead, so no report
    overwrites another.

    Parameters
    ----------
    respondents : sequence of str
        The respondent ids.

    Returns
    -------
    dict of str to str
        Respondent id → file name.

    Raises
    ------
    questionnaires.errors.ReportError
        If names still collide (only for ids that are duplicates or differ in an 8-hex-digit hash
        prefix).
    """
    plain = {r: individual_filename(r)[: -len(".pdf")] for r in respondents}
    count = Counter(stem.lower() for stem in plain.values())
    names = {
        r: f"{_hashed(r, _stem(r)) if count[stem.lower()] > 1 else stem}.pdf"
        for r, stem in plain.items()
    }
    seen: dict[str, str] = {}
    for r, name in names.items():
        if name.lower() in seen:
            raise ReportError(
                f"respondents {seen[name.lower()]!r} and {r!r} would get the same report file "
                f"name {name}; make the ids distinct"
            )
        seen[name.lower()] = r
    return names


def _init(
    result: WaveResult,
    responses: ResponseSet,
    instrument: Instrument,
    options: ReportOptions,
    out: str,
    names: dict[str, str],
    write: Writer,
) -> None:
    _JOB.update(
        result=result,
        responses=responses,
        instrument=instrument,
        options=options,
        out=out,
        names=names,
        write=write,
    )
    from reports.render import _engine

    _engine()  # import WeasyPrint and parse the stylesheet once per worker


def _one(respondent: str) -> str:
    from reports.api import render_individual_pdf

    pdf = render_individual_pdf(
        _JOB["result"], _JOB["responses"], _JOB["instrument"], respondent, _JOB["options"]
    )
    path = Path(_JOB["out"]) / _JOB["names"][respondent]
    _JOB["write"](path, pdf)
    return respondent


def write_individual_reports(
    result: WaveResult,
    responses: ResponseSet,
    instrument: Instrument,
    out_dir: str | Path,
    options: ReportOptions | None = None,
    respondents: Sequence[str] | None = None,
    workers: int = 2,
    progress: Callable[[Path], None] | None = None,
    write: Writer | None = None,
    before: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Write one personal report per respondent into ``out_dir``; return the paths in id order.

    All or nothing, also for a killed process. File names are fixed up front
    (:func:`individual_filenames`) and every report is rendered into a hidden staging folder;
    only when all succeeded is the set put in place:

    - ``out_dir`` missing or empty (POSIX): the set is staged in ``.NAME.centric-reports-*``
      beside it and the *folder* is renamed to ``out_dir`` (one atomic rename). ``out_dir`` may
      be missing when its parent exists (it is created one level deep, never a whole tree).
    - ``out_dir`` holds files: the set is staged in ``out_dir/.centric-reports-*``, a journal
      listing the moves is written (``fsync``) and the files are renamed into place. A process
      killed while moving leaves the journal; the next call for ``out_dir`` completes the moves
      first (:func:`recover_report_sets`).

    On an error, or Ctrl-C, the staging folder is removed and the error raised.

    Parameters
    ----------
    result : scoring.results.WaveResult
        The scored wave.
    responses : questionnaires.answers.ResponseSet
        The responses it was scored from.
    instrument : questionnaires.model.Instrument
        The instrument of the wave.
    out_dir : str or pathlib.Path
        The folder of the set.
    options : ReportOptions, optional
        Report options; ``None`` = the defaults.
    respondents : sequence of str, optional
        Respondent ids to write; ``None`` = every respondent.
    workers : int, default 2
        More than 1 uses a process pool (``fork`` where available, so workers start warm; with
        ``spawn``, ``write`` must be a module-level function).
    progress : callable, optional
        Called with each final path as its report is rendered (for a progress bar).
    write : callable, optional
        ``write(path, data)``, the atomic writer (:func:`assessment.io.atomic.atomic_write_bytes`);
        ``None`` is deprecated and falls back to :func:`write_file` with a ``DeprecationWarning``.
    before : callable, optional
        Called once with the staging folder before the first report is rendered (the report
        ledger: a file it writes there is moved into place with the set, before the reports).

    Returns
    -------
    list of pathlib.Path
        The reports written, in respondent id order.

    Raises
    ------
    questionnaires.errors.OutputError
        When the folder cannot be created or the set cannot be moved into place.
    questionnaires.errors.ReportError
        When a report cannot be rendered or file names collide.
    """
    options = options or ReportOptions()
    write = _writer(write)
    ids = list(respondents) if respondents is not None else [r.id for r in responses.respondents]
    known = {r.id for r in responses.respondents}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ReportError(f"unknown respondent id(s): {', '.join(unknown[:5])}")
    names = individual_filenames(ids)
    out = Path(out_dir)
    recover_report_sets(out)
    stage, whole = _stage(out)
    finals = {r: out / names[r] for r in ids}
    lock = _lock(stage)
    journaled = False
    try:
        if before is not None:
            before(stage)
        args = (result, responses, instrument, options, str(stage), names, write)
        if workers <= 1 or len(ids) < 2:
            _init(*args)
            for r in map(_one, ids):
                if progress:
                    progress(finals[r])
        else:
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            with ProcessPoolExecutor(
                max_workers=workers, mp_context=ctx, initializer=_init, initargs=args
            ) as pool:
                for r in pool.map(_one, ids, chunksize=max(1, len(ids) // (8 * workers))):
                    if progress:
                        progress(finals[r])
        if whole:
            _move_folder(stage, out)
        else:
            staged = sorted(set(os.listdir(stage)) - set(names.values()))  # e.g. the manifest
            _journal(stage, [*staged, *(names[r] for r in ids)])
            journaled = True
            _complete(stage, out)
    except BaseException:
        if not journaled:  # else the journal lets the next run complete the moves
            shutil.rmtree(stage, ignore_errors=True)
        raise
    finally:
        if lock is not None:
            os.close(lock)
    return [finals[r] for r in ids]


_STAGE = ".centric-reports-"
_JOURNAL = ".centric-journal.json"


def _stage(out: Path) -> tuple[Path, bool]:
    """The staging folder for a set written to ``out`` and whether the whole folder is renamed
    into place (``out`` missing or empty, POSIX) rather than the files one by one."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"cannot write into {out}: it is a file; give a folder")
    whole = os.name == "posix" and (not out.exists() or not any(out.iterdir()))
    if not whole and not out.exists():  # not POSIX: create it, then move file by file
        _make_folder(out, parents=False)
    if whole and not out.parent.is_dir():
        raise OutputError(
            f"cannot create output folder {str(out)!r}: the folder {out.parent} does not exist; "
            "create it or choose another folder"
        )
    try:
        if whole:
            try:
                stage = tempfile.mkdtemp(prefix=f".{out.name}{_STAGE}", dir=out.parent)
            except PermissionError:
                if not out.exists():
                    raise
                whole = False  # an empty folder in a parent we may not write: file by file
        if not whole:
            stage = tempfile.mkdtemp(prefix=_STAGE, dir=out)
    except OSError as exc:
        where = out.parent if whole else out
        raise OutputError(
            f"cannot write into {where}: {exc.strerror}; choose a folder you can write to"
        ) from None
    return Path(stage), whole


def _lock(stage: Path) -> int | None:
    """Hold an exclusive ``flock`` on the staging folder while the set is written, so that
    :func:`recover_report_sets` in another process leaves it alone (the kernel drops the lock
    when this process dies). ``None`` where ``flock`` does not exist (Windows)."""
    try:
        import fcntl
    except ImportError:
        return None
    fd = os.open(stage, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _move_folder(stage: Path, out: Path) -> None:
    mode = out.stat().st_mode & 0o7777 if out.exists() else _new_file_mode(0o777)
    try:
        os.chmod(stage, mode)
        _fsync_dir(stage)
        os.replace(stage, out)  # onto a missing or empty folder: atomic
        _fsync_dir(out.parent)
    except OSError as exc:
        hint = (
            "files appeared in it while the reports were written; run again"
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST)
            else "check the folder"
        )
        raise OutputError(f"cannot move the reports into {out}: {exc.strerror}; {hint}") from None


def _journal(stage: Path, files: Sequence[str]) -> None:
    """Record (durably) that the staged ``files`` are complete and are being moved."""
    tmp = stage / f"{_JOURNAL}.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump({"format": "centric-report-set", "files": list(files)}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, stage / _JOURNAL)
    for folder in (stage, stage.parent):
        _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _complete(stage: Path, out: Path) -> list[Path]:
    """Move the files a journal in ``stage`` lists into ``out`` (those still staged), then remove
    ``stage``; returns the files moved. Raises :class:`OutputError`."""
    data = json.loads((stage / _JOURNAL).read_text(encoding="utf-8"))
    moved = []
    for name in data["files"]:
        if Path(name).name != name or not (stage / name).exists():
            continue  # moved before the interruption (or not a plain name)
        try:
            os.replace(stage / name, out / name)
        except OSError as exc:
            raise OutputError(
                f"cannot move the report {name} to {out}: {exc.strerror}; check the folder"
            ) from None
        moved.append(out / name)
    _fsync_dir(out)
    shutil.rmtree(stage, ignore_errors=True)
    return moved


def recover_report_sets(out_dir: str | Path) -> list[Path]:
    """Finish or undo sets of personal reports for ``out_dir`` left by a killed process.

    A staging folder of :func:`write_individual_reports` that no running process holds (its
    ``flock`` is free): with a journal the set was complete and was being moved, so the moves are
    completed (the returned files); without one the set was never put in place, so the folder
    is removed. Staging folders of a running process are left alone; without ``flock``
    (Windows) nothing is done.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        The folder of a set of personal reports.

    Returns
    -------
    list of pathlib.Path
        The files whose moves were completed.

    Raises
    ------
    questionnaires.errors.OutputError
        When a journalled move cannot be completed.
    """
    try:
        import fcntl
    except ImportError:
        return []
    out = Path(out_dir)
    candidates: list[tuple[Path, bool]] = []
    with contextlib.suppress(OSError):
        candidates += [(p, False) for p in out.parent.glob(f".{out.name}{_STAGE}*")]
    with contextlib.suppress(OSError):
        candidates += [(p, True) for p in out.glob(f"{_STAGE}*")]
    moved: list[Path] = []
    for stage, inside in candidates:
        try:
            fd = os.open(stage, os.O_RDONLY)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a run in progress
            if inside and (stage / _JOURNAL).exists():
                moved += _complete(stage, out)
            else:
                shutil.rmtree(stage, ignore_errors=True)
        finally:
            os.close(fd)
    return moved


def write_demo_reports(
    instrument: Instrument | Sequence[Instrument],
    waves: Sequence[ResponseSet],
    results: Sequence[WaveResult],
    out_dir: str | Path,
    options: ReportOptions | None = None,
    workers: int = 2,
    progress: Callable[[Path], None] | None = None,
    write: Writer | None = None,
) -> list[Path]:
    """Write the demo's PDFs: a team report per wave, the trend report and personal reports.

    The trend report uses k at least 5 (``docs/reports.md#anonymity``); the personal reports of the
    last wave go to ``individual/``. Waves collected with different versions are compared in the
    trend report on the items the versions share (:func:`scoring.compare_waves`).

    Parameters
    ----------
    instrument : questionnaires.model.Instrument or sequence of them
        The instrument of every wave, or one per wave.
    waves : sequence of questionnaires.answers.ResponseSet
        The responses of each wave.
    results : sequence of scoring.results.WaveResult
        The scored waves, one per response set.
    out_dir : str or pathlib.Path
        Folder of the reports.
    options : ReportOptions, optional
        Report options; ``None`` = the defaults.
    workers : int, default 2
        Processes for the personal reports.
    progress : callable, optional
        Called with each path as it is written.
    write : callable, optional
        ``write(path, data)``, the atomic writer; ``None`` is deprecated (see
        :func:`write_individual_reports`).

    Returns
    -------
    list of pathlib.Path
        Every path written.
    """
    from questionnaires.model import Instrument
    from reports.api import render_team_pdf, render_trend_pdf

    options = options or ReportOptions()
    write = _writer(write)
    out = Path(out_dir)
    _make_folder(out)
    files: list[Path] = []
    insts = [instrument] * len(waves) if isinstance(instrument, Instrument) else list(instrument)
    if len(insts) != len(waves):
        raise ValueError(
            f"{len(insts)} instruments given for {len(waves)} waves; give one per wave"
        )
    for inst, rs, res in zip(insts, waves, results, strict=True):
        path = out / f"team-report-{res.wave}.pdf"
        write(path, render_team_pdf(res, rs, inst, options))
        files.append(path)
    if len(results) >= 2:
        k = max(TREND_MIN_GROUP, options.min_group)
        trend_options = replace(
            options,
            min_group=k,
            min_group_comments=max(comment_threshold(k), options.min_group_comments),
        )
        path = out / "trend-report.pdf"
        pairs = list(zip(insts, waves, strict=True))
        write(path, render_trend_pdf(results, pairs, trend_options))
        files.append(path)
    files += write_individual_reports(
        results[-1],
        waves[-1],
        insts[-1],
        out / "individual",
        options,
        workers=workers,
        progress=progress,
        write=write,
    )
    return files

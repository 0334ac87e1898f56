"""Many reports at once: personal reports over a process pool, and the demo's set of PDFs.

WeasyPrint layout is single-threaded and holds the GIL, so parallelism comes from processes. Each
worker receives the scored wave once (pool initializer) and keeps its own WeasyPrint font
configuration and stylesheet (see :mod:`reports.render`), then renders one respondent per task.
File names are derived from the pseudonymous respondent ids, fixed up front, unique (also on
case-insensitive file systems) and at most :data:`MAX_STEM` characters before ``.pdf``; a set of
personal reports is written all or nothing (:func:`write_individual_reports`). Writing is the caller's: pass a
``write(path, data)`` callable (the CLI passes :func:`assessment.io.atomic.atomic_write_bytes`);
the default, :func:`write_file`, writes atomically with the standard library, so this package
does not depend on :mod:`assessment.io`.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from assessment.errors import OutputError, ReportError
from assessment.model import Instrument
from assessment.responses import ResponseSet
from reports.options import ReportOptions
from scoring.results import WaveResult

__all__ = [
    "Writer",
    "individual_filename",
    "individual_filenames",
    "write_demo_reports",
    "write_file",
    "write_individual_reports",
]

#: Writes ``data`` to ``path`` (raising a :class:`assessment.errors.CentricError` on failure).
Writer = Callable[[Path, bytes], object]

#: DESIGN §7: trend reports use k = 5.
TREND_MIN_GROUP = 5

_JOB: dict[str, Any] = {}


def write_file(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (sibling temporary file, then ``os.replace``).

    The folder must exist: a mistyped path is reported, never created. Raises
    :class:`OutputError` naming the path when it cannot be written.
    """
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(
            f"cannot write {path}: {exc.strerror}; check that the folder exists and is writable"
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(
            f"cannot write {path}: {exc.strerror}; check that the folder exists and is writable"
        ) from None
    return path


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
    """``individual-<id>.pdf`` with anything but ASCII letters, digits, ``-`` and ``_`` replaced by
    ``_``; a stem longer than :data:`MAX_STEM` characters is cut and ends in ``-`` and the first 8
    hex digits of the id's SHA-256. For many respondents use :func:`individual_filenames`, which
    also keeps the names unique."""
    stem = _stem(respondent)
    return f"{_hashed(respondent, stem) if len(stem) > MAX_STEM else stem}.pdf"


def individual_filenames(respondents: Sequence[str]) -> dict[str, str]:
    """A unique, safe file name per respondent id, computed up front.

    Each name is :func:`individual_filename`; ids whose names would collide — ``a/b``, ``a_b`` and
    ``a:b`` all become ``individual-a_b``, and ``NW-E02``/``nw-e02`` are one file on a
    case-insensitive file system (macOS, Windows) — all get the hash suffix instead, so no report
    overwrites another. Raises :class:`ReportError` if names still collide (only for ids that are
    duplicates or differ in an 8-hex-digit hash prefix).
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
    write: Writer = write_file,
) -> list[Path]:
    """Write one personal report per respondent into ``out_dir``; return the paths in id order.

    All or nothing: file names are fixed up front (:func:`individual_filenames`), every report is
    rendered into a temporary folder inside ``out_dir`` and only when all succeeded are they moved
    into place (renames on one file system). On any failure, or Ctrl-C, the temporary folder is
    removed — and ``out_dir`` too if this call created it — and the error is raised, so no
    partial set is left behind. ``out_dir`` may be missing when its parent exists (it is created
    one level deep, never a whole tree).

    ``workers`` > 1 uses a process pool (``fork`` where available, so workers start warm; with
    ``spawn``, ``write`` must be a module-level function). ``progress`` is called with each final
    path as its report is rendered (for a progress bar).
    """
    options = options or ReportOptions()
    ids = list(respondents) if respondents is not None else [r.id for r in responses.respondents]
    known = {r.id for r in responses.respondents}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ReportError(f"unknown respondent id(s): {', '.join(unknown[:5])}")
    names = individual_filenames(ids)
    out = Path(out_dir)
    created = not out.exists()
    _make_folder(out, parents=False)
    try:
        stage = Path(tempfile.mkdtemp(prefix=".centric-reports-", dir=out))
    except OSError as exc:
        raise OutputError(
            f"cannot write into {out}: {exc.strerror}; choose a folder you can write to"
        ) from None
    finals = {r: out / names[r] for r in ids}
    try:
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
        for r in ids:
            try:
                os.replace(stage / names[r], finals[r])
            except OSError as exc:
                raise OutputError(
                    f"cannot move the report of {r!r} to {finals[r]}: {exc.strerror}; "
                    "check the folder"
                ) from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        _cleanup_created(out, created)
        raise
    shutil.rmtree(stage, ignore_errors=True)
    return [finals[r] for r in ids]


def _cleanup_created(out: Path, created: bool) -> None:
    if created:
        with contextlib.suppress(OSError):
            out.rmdir()


def write_demo_reports(
    instrument: Instrument,
    waves: Sequence[ResponseSet],
    results: Sequence[WaveResult],
    out_dir: str | Path,
    options: ReportOptions | None = None,
    workers: int = 2,
    progress: Callable[[Path], None] | None = None,
    write: Writer = write_file,
) -> list[Path]:
    """The demo's PDFs: a team report per wave, the trend report (k at least 5, DESIGN §7), and
    personal reports of the last wave in ``individual/``. Every wave was collected with
    ``instrument``. Returns every path written."""
    from reports.api import render_team_pdf, render_trend_pdf

    options = options or ReportOptions()
    out = Path(out_dir)
    _make_folder(out)
    files: list[Path] = []
    for rs, res in zip(waves, results, strict=True):
        path = out / f"team-report-{res.wave}.pdf"
        write(path, render_team_pdf(res, rs, instrument, options))
        files.append(path)
    if len(results) >= 2:
        k = max(TREND_MIN_GROUP, options.min_group)
        trend_options = replace(
            options, min_group=k, min_group_comments=max(k, options.min_group_comments)
        )
        path = out / "trend-report.pdf"
        pairs = [(instrument, rs) for rs in waves]
        write(path, render_trend_pdf(results, pairs, trend_options))
        files.append(path)
    files += write_individual_reports(
        results[-1],
        waves[-1],
        instrument,
        out / "individual",
        options,
        workers=workers,
        progress=progress,
        write=write,
    )
    return files

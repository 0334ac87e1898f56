"""Many reports at once: personal reports over a process pool, and the demo's set of PDFs.

WeasyPrint layout is single-threaded and holds the GIL, so parallelism comes from processes. Each
worker receives the scored wave once (pool initializer) and keeps its own WeasyPrint font
configuration and stylesheet (see :mod:`reports.render`), then renders one respondent per task.
File names are derived from the pseudonymous respondent ids. Writing is the caller's: pass a
``write(path, data)`` callable (the CLI passes :func:`assessment.io.atomic.atomic_write_bytes`);
the default, :func:`write_file`, writes atomically with the standard library, so this package
does not depend on :mod:`assessment.io`.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
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


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create output folder {str(folder)!r}: {exc.strerror}; "
            "choose a folder you can write to"
        ) from None


def individual_filename(respondent: str) -> str:
    """``individual-<id>.pdf`` with anything but letters, digits, ``-`` and ``_`` replaced."""
    return f"individual-{re.sub(r'[^A-Za-z0-9_-]+', '_', respondent)}.pdf"


def _init(
    result: WaveResult,
    responses: ResponseSet,
    instrument: Instrument,
    options: ReportOptions,
    out: str,
    write: Writer,
) -> None:
    _JOB.update(
        result=result,
        responses=responses,
        instrument=instrument,
        options=options,
        out=out,
        write=write,
    )
    from reports.render import _engine

    _engine()  # import WeasyPrint and parse the stylesheet once per worker


def _one(respondent: str) -> str:
    from reports.api import render_individual_pdf

    pdf = render_individual_pdf(
        _JOB["result"], _JOB["responses"], _JOB["instrument"], respondent, _JOB["options"]
    )
    path = Path(_JOB["out"]) / individual_filename(respondent)
    _JOB["write"](path, pdf)
    return str(path)


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

    ``workers`` > 1 uses a process pool (``fork`` where available, so workers start warm; with
    ``spawn``, ``write`` must be a module-level function). ``progress`` is called with each path
    as it is written (for a progress bar). ``out_dir`` is created when missing.
    """
    options = options or ReportOptions()
    ids = list(respondents) if respondents is not None else [r.id for r in responses.respondents]
    known = {r.id for r in responses.respondents}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ReportError(f"unknown respondent id(s): {', '.join(unknown[:5])}")
    out = Path(out_dir)
    _make_folder(out)
    args = (result, responses, instrument, options, str(out), write)
    done: list[str] = []
    if workers <= 1 or len(ids) < 2:
        _init(*args)
        results: Iterable[str] = map(_one, ids)
        for p in results:
            done.append(p)
            if progress:
                progress(Path(p))
    else:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_init, initargs=args
        ) as pool:
            for p in pool.map(_one, ids, chunksize=max(1, len(ids) // (8 * workers))):
                done.append(p)
                if progress:
                    progress(Path(p))
    return [Path(p) for p in done]


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

"""Many reports at once: personal reports over a process pool, and the demo's set of PDFs.

WeasyPrint layout is single-threaded and holds the GIL, so parallelism comes from processes. Each
worker receives the scored wave once (pool initializer) and keeps its own WeasyPrint font
configuration and stylesheet (see :mod:`reports.render`), then renders one respondent per task.
Output files are written atomically; file names are derived from the pseudonymous respondent ids.
"""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from assessment.errors import ReportError
from assessment.model import Instrument
from assessment.responses import ResponseSet
from reports.options import ReportOptions
from scoring.results import WaveResult

__all__ = ["individual_filename", "write_demo_reports", "write_individual_reports"]

_JOB: dict[str, Any] = {}


def individual_filename(respondent: str) -> str:
    """``individual-<id>.pdf`` with anything but letters, digits, ``-`` and ``_`` replaced."""
    return f"individual-{re.sub(r'[^A-Za-z0-9_-]+', '_', respondent)}.pdf"


def _init(
    result: WaveResult,
    responses: ResponseSet,
    instrument: Instrument,
    options: ReportOptions,
    out: str,
) -> None:
    _JOB.update(result=result, responses=responses, instrument=instrument, options=options, out=out)
    from reports.render import _engine

    _engine()  # import WeasyPrint and parse the stylesheet once per worker


def _one(respondent: str) -> str:
    from assessment.io.atomic import atomic_write_bytes
    from reports.api import render_individual_pdf

    pdf = render_individual_pdf(
        _JOB["result"], _JOB["responses"], _JOB["instrument"], respondent, _JOB["options"]
    )
    path = Path(_JOB["out"]) / individual_filename(respondent)
    atomic_write_bytes(path, pdf)
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
) -> list[Path]:
    """Write one personal report per respondent into ``out_dir``; return the paths in id order.

    ``workers`` > 1 uses a process pool (``fork`` where available, so workers start warm).
    ``progress`` is called with each path as it is written (for a progress bar).
    """
    options = options or ReportOptions()
    ids = list(respondents) if respondents is not None else [r.id for r in responses.respondents]
    known = {r.id for r in responses.respondents}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ReportError(f"unknown respondent id(s): {', '.join(unknown[:5])}")
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create output folder {str(out)!r}: {exc.strerror}") from None
    args = (result, responses, instrument, options, str(out))
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
) -> list[Path]:
    """The demo's PDFs: a team report per wave, the trend report, and personal reports of the
    last wave in ``individual/``. Returns every path written."""
    from assessment.io.atomic import atomic_write_bytes
    from reports.api import render_team_pdf, render_trend_pdf

    options = options or ReportOptions()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for rs, res in zip(waves, results, strict=True):
        files.append(
            atomic_write_bytes(
                out / f"team-report-{res.wave}.pdf", render_team_pdf(res, rs, instrument, options)
            )
        )
    if len(results) >= 2:
        files.append(
            atomic_write_bytes(
                out / "trend-report.pdf", render_trend_pdf(results, waves, instrument, options)
            )
        )
    files += write_individual_reports(
        results[-1],
        waves[-1],
        instrument,
        out / "individual",
        options,
        workers=workers,
        progress=progress,
    )
    return files

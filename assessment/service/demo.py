"""The demo: the Northwind waves generated, scored and written with their safe results
(:func:`run_demo`), and their PDF reports (:func:`demo_reports`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assessment.service.analyst_output import ScoreOutput, write_result_files
from assessment.service.ledger import report_ledger
from assessment.service.loading import LoadedResponses
from assessment.service.withholding import safe_result

if TYPE_CHECKING:
    from questionnaires.answers import ResponseSet
    from questionnaires.model import Instrument
    from scoring.results import ScoreOptions, WaveResult


@dataclass
class DemoRun:
    """What ``centric demo`` produced: the generated waves, their results, the files written.

    Attributes
    ----------
    instrument : Instrument
        The instrument of the last wave (the newest version).
    waves : list of ResponseSet
        The generated waves, oldest first.
    results : list of WaveResult
        Their (unsuppressed) results, in the same order.
    files : list of Path
        The files written so far.
    instruments : list of Instrument
        The instrument of each wave (Northwind's first wave is on 1.0.0, the second on 1.1.0).
    """

    instrument: Instrument
    waves: list[ResponseSet]
    results: list[WaveResult]
    files: list[Path] = field(default_factory=list)
    instruments: list[Instrument] = field(default_factory=list)


def run_demo(
    out_dir: str | Path,
    *,
    seed: int | None = None,
    instrument: Instrument | None = None,
    options: ScoreOptions | None = None,
    record: bool = False,
) -> DemoRun:
    """Generate both Northwind waves, score them, and write responses and results into ``out_dir``.

    Everything is computed before the first file is written, and every file is written atomically,
    so an error leaves no partial output (at most the empty folder). ``out_dir`` is created if
    missing (an :class:`~questionnaires.errors.OutputError` when it cannot be). Files:
    ``northwind-<wave>.csv`` (long responses), ``results-<wave>.json`` and ``results-<wave>.csv``,
    both safe (:func:`safe_result`).

    Parameters
    ----------
    out_dir : str or Path
        The folder to write into.
    seed : int or None, optional
        The generator's seed; ``None`` for the fixed demo seed.
    instrument : Instrument or None, optional
        One instrument for both waves; ``None`` for each wave's version
        (:data:`assessment.synthetic.WAVE_INSTRUMENT`: 1.0.0, then 1.1.0).
    options : ScoreOptions or None, optional
        Scoring options; ``None`` for the defaults.
    record : bool, default False
        Record the result files in the user's report ledger (:func:`report_ledger`). Off by
        default: the people are synthetic, and their outputs would only make later real outputs
        of a wave with the same name and ids look like conflicts.

    Returns
    -------
    DemoRun
        The waves, their results and the files written.
    """
    from assessment import service  # score_responses is looked up on the package (patchable)
    from assessment.io.atomic import ensure_dir
    from assessment.io.writers import write_csv
    from assessment.synthetic import DEFAULT_SEED, northwind_waves
    from questionnaires.catalogue import get_instrument

    out = ensure_dir(out_dir)  # first: a bad --out fails before a minute of scoring
    waves = northwind_waves(seed=DEFAULT_SEED if seed is None else seed, instrument=instrument)
    insts = [instrument or get_instrument(rs.instrument_ref) for rs in waves]
    results = [
        service.score_responses(LoadedResponses(inst, rs), options)
        for inst, rs in zip(insts, waves, strict=True)
    ]
    run = DemoRun(insts[-1], waves, results, instruments=insts)
    k = results[0].options.min_group if results else 3
    for rs, res in zip(waves, results, strict=True):
        safe, withheld = safe_result(res, rs, k)
        run.files.append(write_csv(rs, out / f"northwind-{rs.wave}.csv"))
        files = write_result_files(ScoreOutput(safe, False, k, withheld), out)
        run.files.extend(files)
        if record:
            report_ledger(files[0]).record(
                res,
                kind="score",
                path=files[0],
                respondents=[r.id for r in rs.respondents],
                pdf=b"",
            )
    return run


def demo_reports(
    run: DemoRun,
    out_dir: str | Path,
    progress: Callable[[Path], None] | None = None,
    *,
    record: bool = False,
) -> list[Path]:
    """The demo's PDFs into ``out_dir``; returns the paths.

    A team report per wave, the trend report and a personal report per respondent of the last
    wave, themed for Northwind Telecom.

    Parameters
    ----------
    run : DemoRun
        What :func:`run_demo` produced.
    out_dir : str or Path
        The folder to write the PDFs into.
    progress : callable or None, optional
        Called with every path once its file is written.
    record : bool, default False
        As :func:`run_demo` (off: synthetic data are not recorded in the report ledger); on,
        each wave's respondent set is recorded once per PDF written.

    Returns
    -------
    list of Path
        The PDFs written.
    """
    from assessment.io.atomic import atomic_write_bytes
    from reports import ReportOptions
    from reports.batch import write_demo_reports
    from reports.theme import theme_from_data

    options = ReportOptions(theme=theme_from_data({"client": "Northwind Telecom"}))
    paths = write_demo_reports(
        run.instruments or run.instrument,
        run.waves,
        run.results,
        out_dir,
        options,
        progress=progress,
        write=atomic_write_bytes,
    )
    if record:
        ledger = report_ledger(out_dir, folder=True)
        sets = {rs.wave: (rs, res) for rs, res in zip(run.waves, run.results, strict=True)}
        for path in paths:
            wave = next((w for w in sets if w in path.name), run.waves[-1].wave)
            rs, res = sets[wave]
            kind = "individual" if path.name.startswith("individual") else path.name.split("-")[0]
            ledger.record(
                res, kind=kind, path=path, respondents=[r.id for r in rs.respondents], pdf=b""
            )
    return paths

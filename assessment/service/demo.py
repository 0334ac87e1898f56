"""The demo: the Northwind waves generated, scored and written with their safe results
(:func:`run_demo`), and their PDF reports (:func:`demo_reports`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.service.analyst_output import ScoreOutput, write_result_files
from assessment.service.ledger import report_ledger
from assessment.service.loading import LoadedResponses
from assessment.service.withholding import safe_result

if TYPE_CHECKING:
    from assessment.io.engagement import Engagement
    from questionnaires.answers import ResponseSet
    from questionnaires.model import Instrument
    from scoring.results import ScoreOptions, WaveResult


#: The demo's engagement file (written as ``northwind-engagement.yaml``): the example of
#: ``docs/examples/northwind-engagement.yaml`` without its editor schema line (a test keeps the
#: two equal).
NORTHWIND_ENGAGEMENT = """\
# Engagement file for Northwind, the demo organisation (docs/engagement.md describes every key).
# Northwind is fictitious and every number below is INVENTED for the demo: it is a plausible
# shape for a mid-size telecom operator, not data about any real company.
#
# Shares are written as a number from 0 to 1 (0.4) or with a % sign (40%); a bare number above 1
# (40) is an error.

client: Northwind Telecom
currency: EUR

customers: 420000             # active consumer and small-business accounts
revenue_per_customer: 540     # a year (about EUR 45 a month)
service_contact_share: 40%    # customers with at least one service contact in a year

contact_mix:                  # share of service contacts that go well (resolved, customer satisfied)
  today: 62%                  # near SQM's telco benchmark for first-contact resolution (61%)
  target: 72%                 # above SQM's all-industry average (67%), below world class (80%)

# Northwind has no churn study of its own, so B. Wood's rates (78% on average, 89% after a good
# contact, 32% after a bad one) apply. A client with its own figures writes, for example:
# repurchase_rates:
#   base: 81%
#   good: 90%
#   bad: 45%
#   source: Northwind churn and renewal study 2025 (contract renewals by last contact outcome)

acquisition_cost_per_customer: 320   # marketing, commissions and handset subsidy per new account

programme:
  band_costs:                 # cost of one roadmap action in each cost band of the instrument
    low: 25000                # within existing budgets (staff time, facilitation)
    medium: 150000            # a budget line approved by the action's owner
    high: 600000              # significant operating cost or a pay or grade change
    capital: 2500000          # a capital investment (systems, customer data)

horizon_months: 60            # five years, long enough for every stage of the roadmap

gates:
  pass_probability: 80%       # an assumption: the chance that each decision gate is passed

report:
  date: 2026-07-15
"""

#: The file name of the demo's engagement file.
ENGAGEMENT_FILE = "northwind-engagement.yaml"


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
    engagement : Engagement or None
        Northwind's engagement (:data:`NORTHWIND_ENGAGEMENT`), behind the reports' business case.
    """

    instrument: Instrument
    waves: list[ResponseSet]
    results: list[WaveResult]
    files: list[Path] = field(default_factory=list)
    instruments: list[Instrument] = field(default_factory=list)
    engagement: Engagement | Any = None


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
    both safe (:func:`safe_result`), and the engagement file ``northwind-engagement.yaml``
    (:data:`NORTHWIND_ENGAGEMENT`).

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
    from assessment.io.atomic import atomic_write_bytes, ensure_dir
    from assessment.io.engagement import load_engagement
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
    engagement_bytes = NORTHWIND_ENGAGEMENT.encode("utf-8")
    engagement = load_engagement(engagement_bytes, name=ENGAGEMENT_FILE)
    run = DemoRun(insts[-1], waves, results, instruments=insts, engagement=engagement)
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
    atomic_write_bytes(out / ENGAGEMENT_FILE, engagement_bytes)
    run.files.append(out / ENGAGEMENT_FILE)
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
    wave, themed for Northwind Telecom; the team reports' business case is computed from
    ``run.engagement`` (the 1.0.0 wave, whose actions have no cost bands, shows its revenue side).

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

    options = ReportOptions(
        theme=theme_from_data({"client": "Northwind Telecom"}), engagement=run.engagement
    )
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

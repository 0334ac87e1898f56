"""The report use cases: the team, personal and trend PDF reports of :mod:`reports`, guarded by
the anonymity threshold and the report ledger (:mod:`assessment.service.ledger`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.service.loading import LoadedResponses, _ids

if TYPE_CHECKING:
    from assessment.service.ledger import ReportLedger
    from reports.batch import Writer
    from reports.options import ReportOptions
    from scoring.results import BusinessCaseParams, ScoreOptions, WaveResult


# Each report use case refuses a wave with fewer than k = ``options.min_group`` respondents (unless
# ``options.named_workshop``) before scoring, scores it with the report's k and the instrument's
# management roles, and renders with :mod:`reports`; WeasyPrint and matplotlib load only here.


def report_score_options(k: int, business: BusinessCaseParams | None = None) -> ScoreOptions:
    """Scoring options for a report with anonymity threshold ``k``.

    ``min_group = max(k, 3)``, the instrument's management roles (``management_roles=None``), the
    other defaults of ``docs/methodology.md``. Group statistics (AGI, perception gap, department
    means) thus need ``max(k, 3)`` respondents in scoring too: a named workshop may show groups
    below 3 in the report, but an AGI is never computed from fewer than 3 people
    (``docs/methodology.md#4-alignment-gap-index-agi``).

    Parameters
    ----------
    k : int
        The report's anonymity threshold.
    business : BusinessCaseParams or None, optional
        The business-case parameters; ``None`` for Wood's worked example.

    Returns
    -------
    ScoreOptions
        The options to score the report's wave with.
    """
    from scoring.results import ScoreOptions

    return ScoreOptions(min_group=max(k, 3), management_roles=None, business=business)


def _require_k(loaded: LoadedResponses, options: ReportOptions, report: str) -> None:
    """Refuse a wave with fewer than k respondents before scoring and rendering."""
    from reports.anonymity import require_population

    rs = loaded.responses
    require_population(rs.n_respondents, options.min_group, options.named_workshop, report, rs.wave)


def _self_assessment(loaded: LoadedResponses, options: ReportOptions) -> bool:
    """Whether personal reports of ``loaded`` are self-assessments: fewer than k respondents."""
    from reports.anonymity import too_few

    return too_few(loaded.responses.n_respondents, options.min_group, options.named_workshop)


def _score_for_report(loaded: LoadedResponses, options: ReportOptions) -> WaveResult:
    from assessment import service  # looked up on the package: a test may patch it there

    return service.score_responses(loaded, report_score_options(options.min_group))


def _guard(
    ledger: ReportLedger | None,
    waves: Sequence[LoadedResponses],
    options: ReportOptions,
    allow_reissue: bool,
) -> ReportOptions:
    """Rules 6 and 7 of :mod:`reports.anonymity` for each wave: refuse, or mark the report a
    reissue."""
    from dataclasses import replace

    if ledger is None or options.named_workshop:
        return options
    clash = False
    for lr in waves:
        clash |= bool(ledger.check(lr.responses.wave, _ids(lr), options.min_group, allow_reissue))
    return replace(options, reissue=True) if clash else options


def _recheck(options: ReportOptions) -> dict[str, Any]:
    """``record``'s re-check under the ledger lock: none for a named workshop."""
    return {"k": None if options.named_workshop else options.min_group, "reissue": options.reissue}


def _record(
    ledger: ReportLedger | None,
    result: WaveResult,
    loaded: LoadedResponses,
    options: ReportOptions,
    *,
    kind: str,
    path: str | Path,
    pdf: bytes,
    respondent: str | None = None,
) -> None:
    """Record one rendered report of ``loaded`` in ``ledger`` (nothing without a ledger)."""
    if ledger is None:
        return
    ledger.record(
        result,
        kind=kind,
        path=Path(path),
        respondents=_ids(loaded),
        pdf=pdf,
        respondent=respondent,
        **_recheck(options),
    )


def team_report(
    loaded: LoadedResponses,
    options: ReportOptions,
    *,
    ledger: ReportLedger | None = None,
    path: str | Path = "team-report.pdf",
    allow_reissue: bool = False,
) -> bytes:
    """The team/workshop report of one wave as PDF bytes (a :class:`ReportError` below k).

    Parameters
    ----------
    loaded : LoadedResponses
        The validated wave.
    options : ReportOptions
        What to show and how; ``options.k`` is the anonymity threshold.
    ledger : ReportLedger or None, optional
        The report is checked against the earlier reports of the wave (refused, or a reissue
        with ``allow_reissue``) and recorded as ``path`` before the bytes are returned.
    path : str or Path, default 'team-report.pdf'
        Where the report is written, for the ledger.
    allow_reissue : bool, default False
        Write a conflicting report anyway, as a reissue.

    Returns
    -------
    bytes
        The PDF.
    """
    from reports import render_team_pdf

    _require_k(loaded, options, "team report")
    options = _guard(ledger, [loaded], options, allow_reissue)
    result = _score_for_report(loaded, options)
    pdf = render_team_pdf(result, loaded.responses, loaded.instrument, options)
    _record(ledger, result, loaded, options, kind="team", path=path, pdf=pdf)
    return pdf


def individual_report(
    loaded: LoadedResponses,
    options: ReportOptions,
    respondent: str,
    *,
    ledger: ReportLedger | None = None,
    path: str | Path = "individual-report.pdf",
    allow_reissue: bool = False,
) -> bytes:
    """One respondent's personal report as PDF bytes.

    With k respondents it compares the respondent with the management team and the organisation
    and is checked against and recorded in the ledger; below k it is a self-assessment (the
    respondent's own view, no team figure), which publishes nothing about anyone else and so is
    neither checked nor recorded (a record of one person would block the team's later reports).

    Parameters
    ----------
    loaded : LoadedResponses
        The validated wave.
    options : ReportOptions
        What to show and how; ``options.k`` is the anonymity threshold.
    respondent : str
        The respondent's id.
    ledger : ReportLedger or None, optional
        As for :func:`team_report`.
    path : str or Path, default 'individual-report.pdf'
        Where the report is written, for the ledger.
    allow_reissue : bool, default False
        Write a conflicting report anyway, as a reissue.

    Returns
    -------
    bytes
        The PDF.
    """
    from reports import render_individual_pdf

    if _self_assessment(loaded, options):  # own answers only: nothing of anyone else to guard
        result = _score_for_report(loaded, options)
        return render_individual_pdf(
            result, loaded.responses, loaded.instrument, respondent, options
        )
    options = _guard(ledger, [loaded], options, allow_reissue)
    result = _score_for_report(loaded, options)
    pdf = render_individual_pdf(result, loaded.responses, loaded.instrument, respondent, options)
    _record(
        ledger,
        result,
        loaded,
        options,
        kind="individual",
        path=path,
        pdf=pdf,
        respondent=respondent,
    )
    return pdf


def individual_reports(
    loaded: LoadedResponses,
    options: ReportOptions,
    out_dir: str | Path,
    *,
    workers: int = 2,
    check_path: Callable[[Path], None] | None = None,
    progress: Callable[[Path], None] | None = None,
    write: Writer | None = None,
    ledger: ReportLedger | None = None,
    allow_reissue: bool = False,
) -> list[Path]:
    """One personal report per respondent into ``out_dir`` (created one level deep if missing).

    Before scoring: the ``ledger`` (as :func:`team_report`) must allow the reports (below k they
    are self-assessments, neither checked nor recorded, see :func:`individual_report`), and ``check_path`` (e.g. "never overwrite an input file") is called
    with every file that will be written, so a refused name costs nothing. The set is recorded
    in the ledger once (kind ``individual``, path ``out_dir``, no file hash) after scoring, once
    the staging folder exists and before the first report is written: a manifest is written into
    the staging folder and moved into place with the reports (one unit; it was written before
    ``out_dir`` existed), a database record is committed then.

    Parameters
    ----------
    loaded : LoadedResponses
        The validated wave.
    options : ReportOptions
        What to show and how; ``options.k`` is the anonymity threshold.
    out_dir : str or Path
        The folder to write the reports into.
    workers : int, default 2
        Processes rendering the reports (more than 1 uses a process pool).
    check_path : callable or None, optional
        Called with every path that will be written; raises to refuse one.
    progress : callable or None, optional
        Called with every path once its report is written.
    write : callable or None, optional
        ``write(path, pdf)``; ``None`` for :func:`assessment.io.atomic.atomic_write_bytes`.
    ledger : ReportLedger or None, optional
        As for :func:`team_report`.
    allow_reissue : bool, default False
        Write a conflicting set anyway, as a reissue.

    Returns
    -------
    list of Path
        The paths written, in respondent id order.
    """
    from assessment.io.atomic import atomic_write_bytes
    from reports.batch import individual_filenames, write_individual_reports

    alone = _self_assessment(loaded, options)
    if alone:
        ledger = None  # self-assessments publish no group figure (see individual_report)
    else:
        options = _guard(ledger, [loaded], options, allow_reissue)
    ids = _ids(loaded)
    if check_path is not None:
        for name in individual_filenames(ids).values():
            check_path(Path(out_dir) / name)
    result = _score_for_report(loaded, options)

    def record(stage: Path) -> None:
        if ledger is not None:  # one record for the set: N records of N people would grow as N²
            ledger.record(
                result,
                kind="individual",
                path=Path(out_dir),
                respondents=ids,
                pdf=b"",
                into=stage,
                **_recheck(options),
            )

    return write_individual_reports(
        result,
        loaded.responses,
        loaded.instrument,
        out_dir,
        options,
        workers=workers,
        progress=progress,
        write=write or atomic_write_bytes,
        before=record,
    )


def trend_report(
    waves: Sequence[LoadedResponses],
    options: ReportOptions,
    *,
    ledger: ReportLedger | None = None,
    path: str | Path = "trend-report.pdf",
    allow_reissue: bool = False,
) -> bytes:
    """The trend report over two or more waves as PDF bytes.

    Waves are put in order by wave id (stable, oldest first: ``2026-H1`` before ``2026-H2``), each
    must have k respondents, each is scored and rendered with its own instrument version.

    Parameters
    ----------
    waves : sequence of LoadedResponses
        The waves, in any order.
    options : ReportOptions
        What to show and how; ``options.k`` is the anonymity threshold.
    ledger : ReportLedger or None, optional
        Each wave is checked and recorded as for :func:`team_report`.
    path : str or Path, default 'trend-report.pdf'
        Where the report is written, for the ledger.
    allow_reissue : bool, default False
        Write a conflicting report anyway, as a reissue.

    Returns
    -------
    bytes
        The PDF.
    """
    from reports import render_trend_pdf

    ordered = sorted(waves, key=lambda lr: lr.responses.wave)
    for lr in ordered:
        _require_k(lr, options, "trend report")
    options = _guard(ledger, ordered, options, allow_reissue)
    results = [_score_for_report(lr, options) for lr in ordered]
    pairs = [(lr.instrument, lr.responses) for lr in ordered]
    pdf = render_trend_pdf(results, pairs, options)
    for lr, res in zip(ordered, results, strict=True):
        _record(ledger, res, lr, options, kind="trend", path=path, pdf=pdf)
    return pdf

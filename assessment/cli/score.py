"""``centric score``: score a wave of responses and print the per-capability summary."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assessment.cli._common import (
    business_case_from,
    business_options,
    checked_output,
    emit,
    format_table,
    load_responses,
    output_options,
    responses_source,
    user_errors,
    warn,
)

if TYPE_CHECKING:
    from assessment.service import ScoreOutput
    from scoring.results import WaveResult
    from scoring.stability import LevelEstimate

TABLE_COLUMNS = (
    ("capability", "Capability"),
    ("n", "n"),
    ("score", "Score"),
    ("ci", "95% CI"),
    ("level", "Level"),
    ("level_management", "Mgmt level (95% CI)"),
    ("target_level", "Target"),
    ("agi_management", "AGI mgmt"),
    ("agi_ci", "AGI 95% CI"),
    ("agi_band", "Band"),
    ("perception_gap", "Perception gap"),
    ("perception", "View"),
)

TABLE_FORMATS = {"score": ".2f", "agi_management": ".1f", "perception_gap": "+.2f"}


@click.command(
    epilog="""\b
Examples:
  centric score responses.csv
  centric score wave.json --format json -o result.json
  centric score a.csv b.csv --instrument customer-centricity@1.0.0 --bootstrap 0
  centric score --db assessments.db --org northwind --wave 2026-H1
  centric score responses.csv --customers 250000 --revenue-per-customer 480 --format json"""
)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@responses_source
@output_options
@click.option(
    "--min-group",
    type=click.IntRange(1),
    default=None,
    help="Anonymity: smallest group shown, at least 3 [default: 3]. "
    "Below 3 only with --named-workshop.",
)
@click.option(
    "--named-workshop",
    is_flag=True,
    help="The team agreed to be identified: groups of any size (no respondent-level data).",
)
@click.option(
    "--identifying",
    is_flag=True,
    help="Full result with respondent-level scores and ids, no suppression; "
    "marked as identifying output.",
)
@click.option(
    "--allow-reissue",
    is_flag=True,
    help="Write safe output for a wave whose respondents differ from an earlier output's or "
    "report's by fewer than --min-group people (or complete a chain isolating one); it shows "
    "no counts and no department, management/others or camp figures.",
)
@click.option(
    "--bootstrap",
    type=click.IntRange(0),
    default=None,
    help="Bootstrap resamples for CIs; 0 turns CIs off [default: 1000].",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Seed of the score bootstrap and the alignment map (results are reproducible).",
)
@business_options
@user_errors
def score(
    files: tuple[Path, ...],
    instrument_ref: str | None,
    db: str | None,
    org: str | None,
    wave: str | None,
    fmt: str,
    output: Path | None,
    min_group: int | None,
    named_workshop: bool,
    identifying: bool,
    allow_reissue: bool,
    bootstrap: int | None,
    seed: int | None,
    **business: float | None,
) -> None:
    """Score a wave: maturity level, agreement and Alignment Gap Index per capability.

    FILES are response files (CSV, JSON or XLSX; long or wide layout), combined into one wave.
    Every problem in them is reported at once and nothing is scored until all are fixed.

    The output follows the reports' anonymity rules: no respondent-level data, no statistic of a
    group below --min-group or one that could be worked out by subtraction, no per-item answer
    counts. Like a report it is recorded in the report ledger ($CENTRIC_LEDGER, else
    ~/.local/share/centric/report-ledger.json; with --db also the database), and refused when
    its respondents differ from an earlier output of the wave by fewer than --min-group people
    (see --allow-reissue). --identifying gives the full result, marked as such, not recorded.
    """
    from dataclasses import replace

    from assessment import service
    from assessment.cli._paths import is_stdout
    from scoring.results import ScoreOptions

    if output is not None and not is_stdout(output):  # a bad -o fails before reading and scoring
        output = checked_output(output, files, db)
    loaded = load_responses(files, instrument_ref, db, org, wave)
    # management_roles=None: the instrument's management roles (as `report` uses)
    options = ScoreOptions(management_roles=None, business=business_case_from(business))
    if min_group is not None:
        options = replace(options, min_group=min_group)
    if bootstrap is not None:
        options = replace(options, bootstrap=bootstrap)
    if seed is not None:
        options = replace(options, seed=seed)
    ledger = service.report_ledger(None, db=None if files else db, org=org)
    out = service.score_output(
        loaded,
        options,
        identifying=identifying,
        named_workshop=named_workshop,
        ledger=ledger,
        allow_reissue=allow_reissue,
        path=None if output is None or is_stdout(output) else output,
    )
    result = out.result
    if fmt == "json":
        text = out.json()
    elif fmt == "csv":
        text = out.csv()
    else:
        rows = out.rows()
        for r in rows:
            lo, hi = r.get("ci_low"), r.get("ci_high")
            r["ci"] = f"{lo:.2f}–{hi:.2f}" if lo is not None and hi is not None else None
        _calibrated_cells(rows, result, _management_levels_shown(out))
        head = (
            f"{result.instrument_ref}  wave {result.wave}  {result.n_respondents} respondents\n"
            f"data {result.data_hash[:19]}  instrument {result.instrument_hash[:19]}\n\n"
        )
        text = head + format_table(rows, TABLE_COLUMNS, TABLE_FORMATS)
    if identifying:
        warn(service.IDENTIFYING_WARNING)
    for w in result.warnings:
        warn(w)
    emit(text, output)


def level_cell(e: LevelEstimate | None) -> str | None:
    """A level estimate for the table: the interpolated level, its median's interval and, when
    borderline, the whole levels it could be: ``2.9 (2.4–3.6) could be 2 or 3``.

    ``None`` (shown as a dash) when there is no estimate or no score; the reason is in the JSON.
    """
    if e is None or not e.computable:
        return None
    text = f"{e.interpolated:.1f}"
    if e.interval.defined:
        text += f" ({e.interval.low:.1f}–{e.interval.high:.1f})"
    if e.borderline and len(e.possible_levels) > 1:
        lv = e.possible_levels
        text += " could be " + (f"{lv[0]} or {lv[1]}" if len(lv) == 2 else f"{lv[0]}–{lv[-1]}")
    elif e.borderline:
        text += " borderline"
    return text


def _management_levels_shown(out: ScoreOutput) -> set[str] | None:
    """Capabilities whose management-team level may be printed; ``None`` = all (identifying).

    Safe output prints it only where the management team has at least ``min_group`` scores and
    the management/others split is not withheld (a median's interval ends are order statistics:
    for a small team they are one person's score); a reissue prints none."""
    if out.identifying:
        return None
    if out.reissue:
        return set()
    split_off = {c for w in out.withheld if w.group == "management/others" for c in w.capabilities}
    return {
        lv.capability_id
        for lv in out.result.levels
        if lv.management is not None
        and lv.management.n >= out.min_group
        and lv.capability_id not in split_off
    }


def _calibrated_cells(
    rows: list[dict[str, Any]], result: WaveResult, management_shown: set[str] | None
) -> None:
    """Add the management team's level estimate and the management AGI's interval to the rows
    (the band words come with the rows); nothing the safe result withheld is shown."""
    levels = {lv.capability_id: lv for lv in result.levels}
    for r in rows:
        cap = r["capability"]
        lv = levels.get(cap)
        shown = management_shown is None or cap in management_shown
        r["level_management"] = level_cell(lv.management) if shown and lv is not None else None
        r["agi_ci"] = None
        if r.get("agi_management") is None:
            continue
        try:
            ci = result.agi_for(cap, "management").ci
        except KeyError:
            continue
        if ci.defined:
            r["agi_ci"] = f"{ci.low:.1f}–{ci.high:.1f}"

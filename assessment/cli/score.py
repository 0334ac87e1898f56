"""``centric score``: score a wave of responses and print the per-capability summary."""

from __future__ import annotations

import json
from pathlib import Path

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

TABLE_COLUMNS = (
    ("capability", "Capability"),
    ("n", "n"),
    ("score", "Score"),
    ("ci", "95% CI"),
    ("level", "Level"),
    ("target_level", "Target"),
    ("agi_management", "AGI mgmt"),
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
    type=click.IntRange(2),
    default=None,
    help="Smallest group for AGI and group statistics [default: 3].",
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
    help="Seed for bootstrap and permutations (results are reproducible).",
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
    bootstrap: int | None,
    seed: int | None,
    **business: float | None,
) -> None:
    """Score a wave: maturity level, agreement and Alignment Gap Index per capability.

    FILES are response files (CSV, JSON or XLSX; long or wide layout), combined into one wave.
    Every problem in them is reported at once and nothing is scored until all are fixed.
    """
    from dataclasses import replace

    from assessment import service
    from scoring.results import ScoreOptions

    if output is not None:  # a bad -o fails before reading and scoring
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
    result = service.score_responses(loaded, options)
    rows = service.capability_summary(result)
    if fmt == "json":
        text = (
            json.dumps(service.result_dict(result), indent=2, ensure_ascii=False, allow_nan=False)
            + "\n"
        )
    elif fmt == "csv":
        text = service.summary_csv(rows)
    else:
        for r in rows:
            lo, hi = r.get("ci_low"), r.get("ci_high")
            r["ci"] = f"{lo:.2f}–{hi:.2f}" if lo is not None and hi is not None else None
        head = (
            f"{result.instrument_ref}  wave {result.wave}  {result.n_respondents} respondents\n"
            f"data {result.data_hash[:19]}  instrument {result.instrument_hash[:19]}\n\n"
        )
        text = head + format_table(rows, TABLE_COLUMNS, TABLE_FORMATS)
    for w in result.warnings:
        warn(w)
    emit(text, output)

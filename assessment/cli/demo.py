"""``centric demo``: generate Northwind Telecom (two waves), score it and write everything to a folder."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from assessment.cli._common import user_errors


@click.command(
    epilog="""\b
Examples:
  centric demo --out demo-output
  centric demo --out /tmp/nw --seed 7"""
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Folder for the generated responses, results and reports (created if missing).",
)
@click.option(
    "--seed", type=int, default=None, help="Seed of the synthetic organisation [default: 20260101]."
)
@click.option(
    "--bootstrap",
    type=click.IntRange(0),
    default=None,
    help="Bootstrap resamples for CIs [default: 1000].",
)
@click.option(
    "--reports/--no-reports",
    default=True,
    show_default=True,
    help="Also write the PDF reports (team per wave, trend, one personal report per respondent).",
)
@user_errors
def demo(out: Path, seed: int | None, bootstrap: int | None, reports: bool) -> None:
    """Generate the Northwind Telecom demo: 60 respondents, waves 2026-H1 and 2026-H2.

    Writes per wave the responses (northwind-<wave>.csv, long format), the scored result as
    `centric score --format json` gives it (results-<wave>.json) and a per-capability summary
    (results-<wave>.csv); then the PDF reports into reports/: team-report-<wave>.pdf,
    trend-report.pdf and individual/individual-<respondent>.pdf for the last wave. The data are
    synthetic and seeded: the same seed gives the same files.
    """
    from dataclasses import replace

    from assessment import service
    from assessment.io.atomic import ensure_dir
    from scoring.results import ScoreOptions

    # management_roles=None: the instrument's management roles (as `score` and `report` use)
    options = ScoreOptions(management_roles=None)
    if bootstrap is not None:
        options = replace(options, bootstrap=bootstrap)
    ensure_dir(out)  # a bad --out fails before the progress message
    click.echo(f"Generating Northwind Telecom into {out}/ ...", err=True)
    # synthetic people: nothing is recorded in the report ledger (record=False)
    run = service.run_demo(out, seed=seed, options=options, record=False)
    for path in run.files:
        click.echo(str(path))
    if not reports:
        return

    with click.progressbar(
        length=run.waves[-1].n_respondents,
        label="Personal reports",
        file=sys.stderr,
    ) as bar:
        written = service.demo_reports(
            run, out / "reports", progress=lambda _path: bar.update(1), record=False
        )
    for path in written:
        click.echo(str(path))

"""``centric report``: team, individual and trend PDF reports.

Thin: check the output path first (:mod:`assessment.cli._paths`: never an input file or the
database, its folder must exist, so a bad ``-o`` fails in a second, before loading and rendering),
refuse a wave with fewer than k respondents (unless ``--named-workshop``), load responses
(shared ``responses_source`` options), score them with the report's
anonymity threshold (``ScoreOptions.min_group = max(k, 3)``, management roles from the
instrument), hand the result to :mod:`reports`, write the PDF atomically. WeasyPrint and
matplotlib are imported inside commands.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from assessment.cli._common import load_responses, responses_source, user_errors

F = TypeVar("F", bound=Callable[..., Any])


def report_options(f: F) -> F:
    """``--theme``, ``--lang``, ``--min-group``, ``--named-workshop``, ``--pdfa``, ``--date``."""
    for decorator in reversed(
        [
            click.option(
                "--theme",
                type=click.Path(dir_okay=False, exists=True, path_type=Path),
                default=None,
                help="Theme file (YAML or TOML): client name, logo, colours, fonts.",
            ),
            click.option("--lang", default="en", show_default=True, help="Report language."),
            click.option(
                "--min-group",
                type=click.IntRange(1),
                default=None,
                help="Anonymity: smallest group shown, at least 3 [default: 3; trend: 5]. "
                "Below 3 only with --named-workshop.",
            ),
            click.option(
                "--named-workshop",
                is_flag=True,
                help="The team agreed to be identified: show groups of any size.",
            ),
            click.option("--pdfa", is_flag=True, help="Write PDF/A-3b (archival)."),
            click.option(
                "--date",
                "report_date",
                default=None,
                help="Date printed on the cover [default: the wave id; never the clock].",
            ),
            click.option(
                "--templates",
                "template_dir",
                type=click.Path(file_okay=False, exists=True, path_type=Path),
                default=None,
                help="Folder of templates overriding the built-in ones (same file names).",
            ),
        ]
    ):
        f = decorator(f)
    return f


def _options(
    theme: Path | None,
    lang: str,
    min_group: int | None,
    named_workshop: bool,
    pdfa: bool,
    report_date: str | None,
    template_dir: Path | None,
    default_k: int = 3,
) -> Any:
    from reports import ReportOptions, load_theme

    k = min_group or default_k
    return ReportOptions(
        min_group=k,
        min_group_comments=max(5, k),
        named_workshop=named_workshop,
        lang=lang,
        pdfa=pdfa,
        theme=load_theme(theme),
        template_dir=template_dir,
        report_date=report_date,
    )


def _score(loaded: Any, options: Any) -> Any:
    """Score one wave for a report with k = ``options.min_group``.

    Group statistics (AGI, perception, department means) then need ``max(k, 3)`` respondents in
    scoring too, and the management team is the instrument's (``management_roles=None``).
    """
    from assessment import service

    return service.score_responses(loaded, _score_options(options))


def _score_options(options: Any) -> Any:
    """Scoring options for a report with k = ``options.min_group``: ``min_group = max(k, 3)``,
    the instrument's management roles."""
    from dataclasses import replace

    from scoring.results import ScoreOptions

    return replace(ScoreOptions(), min_group=max(options.min_group, 3), management_roles=None)


def _require_k(loaded: Any, options: Any, report: str) -> None:
    """Refuse a wave with fewer than k respondents before scoring and rendering."""
    from reports.anonymity import require_population

    rs = loaded.responses
    require_population(rs.n_respondents, options.min_group, options.named_workshop, report, rs.wave)


def _write(path: Path, pdf: bytes) -> None:
    from assessment.io.atomic import atomic_write_bytes

    atomic_write_bytes(path, pdf)
    click.echo(f"Wrote {path}", err=True)


@click.group()
def report() -> None:
    """Write team, individual and trend PDF reports.

    \b
    Examples:
      centric report team responses.csv -o team-report.pdf
      centric report individual responses.csv --respondent R017 -o r017.pdf
      centric report individual responses.csv --all -o personal/
      centric report trend 2026-H1.csv 2026-H2.csv -o trend.pdf --min-group 5
    """


_out_file = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="PDF file to write.",
)


@report.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@responses_source
@_out_file
@report_options
@user_errors
def team(
    files: tuple[Path, ...],
    instrument_ref: str | None,
    db: str | None,
    org: str | None,
    wave: str | None,
    output: Path,
    **opts: Any,
) -> None:
    """The team/workshop report: findings, maturity, alignment, roadmap, appendices."""
    from assessment.cli._paths import check_output_file
    from reports import render_team_pdf

    output = check_output_file(output, inputs=files, db=db)
    options = _options(**opts)
    loaded = load_responses(files, instrument_ref, db, org, wave)
    _require_k(loaded, options, "team report")
    result = _score(loaded, options)
    _write(output, render_team_pdf(result, loaded.responses, loaded.instrument, options))


@report.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@responses_source
@click.option("--respondent", default=None, help="Respondent id for one personal report.")
@click.option("--all", "all_", is_flag=True, help="One report per respondent into the folder -o.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="PDF file (with --respondent) or folder (with --all).",
)
@click.option(
    "--workers", type=click.IntRange(1), default=2, show_default=True, help="Processes for --all."
)
@report_options
@user_errors
def individual(
    files: tuple[Path, ...],
    instrument_ref: str | None,
    db: str | None,
    org: str | None,
    wave: str | None,
    respondent: str | None,
    all_: bool,
    output: Path,
    workers: int,
    **opts: Any,
) -> None:
    """Personal reports: a respondent's view against the team's median and spread."""
    from assessment.cli._paths import check_output_dir, check_output_file, refuse_inputs

    if bool(respondent) == all_:
        raise click.UsageError("give either --respondent ID or --all")
    if respondent:
        output = check_output_file(output, inputs=files, db=db)
    else:
        output = check_output_dir(output, inputs=files)
    options = _options(**opts)
    loaded = load_responses(files, instrument_ref, db, org, wave)
    _require_k(loaded, options, "personal report (it compares with the team)")
    if all_:
        from reports.batch import individual_filenames

        names = individual_filenames([r.id for r in loaded.responses.respondents])
        for name in names.values():  # an input file inside the folder is never overwritten
            refuse_inputs(output / name, files, db)
    result = _score(loaded, options)
    if respondent:
        from reports import render_individual_pdf

        pdf = render_individual_pdf(
            result, loaded.responses, loaded.instrument, respondent, options
        )
        _write(output, pdf)
        return
    from assessment.io.atomic import atomic_write_bytes
    from reports.batch import write_individual_reports

    n = loaded.responses.n_respondents
    with click.progressbar(length=n, label="Personal reports", file=sys.stderr) as bar:
        paths = write_individual_reports(
            result,
            loaded.responses,
            loaded.instrument,
            output,
            options,
            workers=workers,
            progress=lambda _p: bar.update(1),
            write=atomic_write_bytes,
        )
    click.echo(f"Wrote {len(paths)} personal report{'s' * (len(paths) != 1)} to {output}", err=True)


@report.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--instrument",
    "instrument_ref",
    metavar="ID@VERSION",
    default=None,
    help="Instrument of the response files (default: the one a file names, else the newest).",
)
@_out_file
@report_options
@user_errors
def trend(files: tuple[Path, ...], instrument_ref: str | None, output: Path, **opts: Any) -> None:
    """The trend report over two or more waves: one response file per wave, in any order (the
    waves are put in order by wave id, e.g. 2026-H1 before 2026-H2)."""
    from assessment.cli._paths import check_output_file
    from reports import render_trend_pdf

    if len(files) < 2:
        raise click.UsageError("a trend report needs two or more response files, one per wave")
    output = check_output_file(output, inputs=files)
    options = _options(**opts, default_k=5)
    loaded = [load_responses([f], instrument_ref) for f in files]
    loaded.sort(key=lambda lr: lr.responses.wave)  # stable: by wave id, oldest first
    for lr in loaded:
        _require_k(lr, options, "trend report")
    results = [_score(lr, options) for lr in loaded]
    pairs = [(lr.instrument, lr.responses) for lr in loaded]  # each wave with its own instrument
    _write(output, render_trend_pdf(results, pairs, options))

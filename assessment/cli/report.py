"""``centric report``: team, individual and trend PDF reports.

Thin: parse the options, check the output path first (:mod:`assessment.cli._paths`: never an
input file or the database, its folder must exist, so a bad ``-o`` fails in a second, before
loading and rendering), load responses (shared ``responses_source`` options), call one use case of
:mod:`assessment.service` (``team_report``, ``individual_report``, ``individual_reports``,
``trend_report``: refuse a wave below k, check and record the report in the ledger (the
user's ledger file, and the database or ``centric-reports.json`` next to the PDF), score with
the report's k, render) and
write the PDF atomically. WeasyPrint and matplotlib are imported only when a report is rendered.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from assessment.cli._common import (
    load_responses,
    output_option,
    responses_source,
    user_errors,
    warn,
)

if TYPE_CHECKING:
    from reports.options import ReportKind, ReportOptions

F = TypeVar("F", bound=Callable[..., Any])


def report_options(f: F) -> F:
    """``--theme``, ``--lang``, ``--min-group``, ``--named-workshop``, ``--allow-reissue``,
    ``--pdfa``, ``--pdfua``, ``--date``, ``--templates``."""
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
            click.option(
                "--allow-reissue",
                is_flag=True,
                help="Write a report for a wave whose respondents differ from an earlier "
                "report's by fewer than --min-group people (or complete a chain of reports "
                "isolating one); it shows no per-item or per-person counts.",
            ),
            click.option("--pdfa", is_flag=True, help="Write PDF/A-3b (archival)."),
            click.option(
                "--pdfua",
                is_flag=True,
                help="Write PDF/UA-1 (accessible: tagged, with alternative texts).",
            ),
            click.option(
                "--date",
                "report_date",
                default=None,
                help="Date printed on the cover [default: none; never the clock].",
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
    pdfua: bool,
    report_date: str | None,
    template_dir: Path | None,
    kind: ReportKind = "team",
    engagement: Any = None,
) -> ReportOptions:
    """The report options from the command line (:meth:`ReportOptions.for_report`).

    ``engagement`` (an :class:`~assessment.io.engagement.Engagement`) feeds the business case;
    its ``report.date`` and ``report.theme`` apply where ``--date`` and ``--theme`` are not given.
    """
    from reports import ReportOptions, load_theme

    settings = engagement.report if engagement is not None else None
    if settings is not None:
        if theme is None and settings.theme:
            theme = Path(settings.theme)
        if report_date is None and settings.date is not None:
            report_date = settings.date.isoformat()
    loaded = load_theme(theme)
    for note in loaded.logo_notes:  # what the SVG sanitiser removed from a client's logo
        warn(note)
    return ReportOptions.for_report(
        kind,
        min_group,
        named_workshop=named_workshop,
        lang=lang,
        pdfa=pdfa,
        pdfua=pdfua,
        theme=loaded,
        template_dir=template_dir,
        report_date=report_date,
        engagement=engagement,
    )


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
      centric report trend 2026-H1.csv 2026-H2.csv -o trend.pdf
    """


_out_file = output_option("PDF file to write.", required=True)


@report.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@responses_source
@_out_file
@click.option(
    "--engagement",
    "engagement_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The client's engagement file (YAML or TOML, docs/engagement.md) behind the business "
    "case; without it the business case is left out.",
)
@report_options
@user_errors
def team(
    files: tuple[Path, ...],
    instrument_ref: str | None,
    db: str | None,
    org: str | None,
    wave: str | None,
    output: Path,
    engagement_file: Path | None,
    **opts: Any,
) -> None:
    """The team/workshop report: findings, maturity, alignment, roadmap, business case,
    appendices."""
    from assessment import service
    from assessment.cli._paths import check_output_file

    output = check_output_file(output, inputs=files, db=db)
    engagement = None
    if engagement_file is not None:  # a bad file fails before loading and rendering
        from assessment.io.engagement import load_engagement

        engagement = load_engagement(engagement_file)
    allow_reissue = opts.pop("allow_reissue")
    options = _options(**opts, engagement=engagement)
    loaded = load_responses(files, instrument_ref, db, org, wave)
    ledger = service.report_ledger(output, db=None if files else db, org=org)
    pdf = service.team_report(
        loaded, options, ledger=ledger, path=output, allow_reissue=allow_reissue
    )
    _write(output, pdf)


@report.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@responses_source
@click.option("--respondent", default=None, help="Respondent id for one personal report.")
@click.option("--all", "all_", is_flag=True, help="One report per respondent into the folder -o.")
@output_option("PDF file (with --respondent) or folder (with --all).", required=True, dir_okay=True)
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
    from assessment import service
    from assessment.cli._paths import check_output_dir, check_output_file, refuse_inputs

    if bool(respondent) == all_:
        raise click.UsageError("give either --respondent ID or --all")
    if respondent:
        output = check_output_file(output, inputs=files, db=db)
    else:
        output = check_output_dir(output, inputs=files)
    allow_reissue = opts.pop("allow_reissue")
    options = _options(**opts, kind="individual")
    loaded = load_responses(files, instrument_ref, db, org, wave)
    ledger = service.report_ledger(output, db=None if files else db, org=org, folder=all_)
    if respondent:
        pdf = service.individual_report(
            loaded, options, respondent, ledger=ledger, path=output, allow_reissue=allow_reissue
        )
        _write(output, pdf)
        return
    n = loaded.responses.n_respondents
    with click.progressbar(length=n, label="Personal reports", file=sys.stderr) as bar:
        paths = service.individual_reports(
            loaded,
            options,
            output,
            workers=workers,
            # an input file inside the folder is never overwritten
            check_path=lambda path: refuse_inputs(path, files, db),
            progress=lambda _p: bar.update(1),
            ledger=ledger,
            allow_reissue=allow_reissue,
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
    from assessment import service
    from assessment.cli._paths import check_output_file

    if len(files) < 2:
        raise click.UsageError("a trend report needs two or more response files, one per wave")
    output = check_output_file(output, inputs=files)
    allow_reissue = opts.pop("allow_reissue")
    options = _options(**opts, kind="trend")
    loaded = [load_responses([f], instrument_ref) for f in files]
    ledger = service.report_ledger(output)
    pdf = service.trend_report(  # sorted by wave id in the service
        loaded, options, ledger=ledger, path=output, allow_reissue=allow_reissue
    )
    _write(output, pdf)

"""The report use cases: scored results in, PDF bytes out."""

from __future__ import annotations

from collections.abc import Sequence

from questionnaires.answers import ResponseSet
from questionnaires.model import Instrument
from reports.options import ReportOptions
from scoring.results import WaveResult

__all__ = [
    "render_individual_pdf",
    "render_team_pdf",
    "render_trend_pdf",
    "team_report_html",
]


def team_report_html(
    result: WaveResult,
    responses: ResponseSet,
    instrument: Instrument,
    options: ReportOptions | None = None,
) -> str:
    """The team report as final HTML (view model, charts and template applied).

    Parameters
    ----------
    result : scoring.results.WaveResult
        The scored wave.
    responses : questionnaires.answers.ResponseSet
        The responses it was scored from.
    instrument : questionnaires.model.Instrument
        The instrument of the wave.
    options : ReportOptions, optional
        Report options; ``None`` = the defaults.

    Returns
    -------
    str
        The report as HTML.
    """
    from reports.charts import team_charts
    from reports.render import render_html
    from reports.views import build_team_report

    options = options or ReportOptions()
    vm = build_team_report(result, responses, instrument, options)
    return render_html(vm, team_charts(vm, options.theme), options)


def render_team_pdf(
    result: WaveResult,
    responses: ResponseSet,
    instrument: Instrument,
    options: ReportOptions | None = None,
    strict: bool = False,
) -> bytes:
    """The team/workshop report as PDF bytes.

    Parameters
    ----------
    result : scoring.results.WaveResult
        The scored wave.
    responses : questionnaires.answers.ResponseSet
        The responses it was scored from.
    instrument : questionnaires.model.Instrument
        The instrument of the wave.
    options : ReportOptions, optional
        Report options (anonymity k, theme, PDF/A …); ``None`` = the defaults.
    strict : bool, default False
        Turn any WeasyPrint warning into a :class:`~questionnaires.errors.ReportError`.

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    questionnaires.errors.ReportError
        When the report cannot be rendered (or, with ``strict``, renders with a warning).
    """
    from reports.render import html_to_pdf

    options = options or ReportOptions()
    return html_to_pdf(team_report_html(result, responses, instrument, options), options, strict)


def render_individual_pdf(
    result: WaveResult,
    responses: ResponseSet,
    instrument: Instrument,
    respondent: str,
    options: ReportOptions | None = None,
    strict: bool = False,
) -> bytes:
    """One respondent's personal report as PDF bytes.

    Parameters
    ----------
    result : scoring.results.WaveResult
        The scored wave.
    responses : questionnaires.answers.ResponseSet
        The responses it was scored from.
    instrument : questionnaires.model.Instrument
        The instrument of the wave.
    respondent : str
        The respondent id.
    options : ReportOptions, optional
        Report options; ``None`` = the defaults.
    strict : bool, default False
        Turn any WeasyPrint warning into a :class:`~questionnaires.errors.ReportError`.

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    questionnaires.errors.ReportError
        For an unknown respondent, or when the report cannot be rendered.
    """
    from reports.charts import individual_charts
    from reports.render import html_to_pdf, render_html
    from reports.views import build_individual_report

    options = options or ReportOptions()
    vm = build_individual_report(result, responses, instrument, respondent, options)
    html = render_html(vm, individual_charts(vm, options.theme), options)
    return html_to_pdf(html, options, strict)


def render_trend_pdf(
    results: Sequence[WaveResult],
    waves: Sequence[tuple[Instrument, ResponseSet]],
    options: ReportOptions | None = None,
    strict: bool = False,
) -> bytes:
    """The trend report over two or more waves as PDF bytes.

    Waves are ordered by wave id, so any order works.

    Parameters
    ----------
    results : sequence of scoring.results.WaveResult
        The scored waves.
    waves : sequence of (Instrument, ResponseSet)
        One ``(instrument, responses)`` pair per result: each wave with the instrument version it
        was collected (and scored) with.
    options : ReportOptions, optional
        Report options; ``None`` = the defaults.
    strict : bool, default False
        Turn any WeasyPrint warning into a :class:`~questionnaires.errors.ReportError`.

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    questionnaires.errors.ReportError
        When the waves cannot be compared or the report cannot be rendered.
    """
    from reports.charts import trend_charts
    from reports.render import html_to_pdf, render_html
    from reports.views import build_trend_report

    options = options or ReportOptions()
    vm = build_trend_report(results, waves, options)
    html = render_html(vm, trend_charts(vm, options.theme), options)
    return html_to_pdf(html, options, strict)

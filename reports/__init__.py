"""PDF reports: results → view model → charts → HTML templates → WeasyPrint.

Public API::

    from reports import ReportOptions, load_theme
    from reports import render_team_pdf, render_individual_pdf, render_trend_pdf

Each ``render_*`` function takes scored results (:class:`scoring.results.WaveResult`), the responses
they came from and the instrument, and returns PDF bytes. Heavy libraries (matplotlib, WeasyPrint)
are imported on first use.
"""

from reports.api import (
    render_individual_pdf,
    render_team_pdf,
    render_trend_pdf,
    team_report_html,
)
from reports.options import ReportOptions
from reports.theme import DEFAULT_THEME, Theme, load_theme

__all__ = [
    "DEFAULT_THEME",
    "ReportOptions",
    "Theme",
    "load_theme",
    "render_individual_pdf",
    "render_team_pdf",
    "render_trend_pdf",
    "team_report_html",
]

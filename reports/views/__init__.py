"""Results → view models: plain frozen dataclasses, numbers already formatted, anonymity applied.

One module per report (:mod:`~reports.views.team`, :mod:`~reports.views.individual`,
:mod:`~reports.views.trend`) over the shared pieces in :mod:`~reports.views.common`. Templates and
charts only ever see what is built here; see ``docs/reports.md#anonymity`` for the rules.
"""

from reports.views.common import (
    REISSUE_NOTE,
    DotRow,
    Finding,
    MapData,
    StageView,
    TeamReport,
    safe_gate,
)
from reports.views.individual import IndividualReport, build_individual_report
from reports.views.team import build_team_report
from reports.views.trend import TrendReport, build_trend_report

__all__ = [
    "REISSUE_NOTE",
    "DotRow",
    "Finding",
    "IndividualReport",
    "MapData",
    "StageView",
    "TeamReport",
    "TrendReport",
    "build_individual_report",
    "build_team_report",
    "build_trend_report",
    "safe_gate",
]

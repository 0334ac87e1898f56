"""Deprecated alias of :mod:`reports.views` (kept for one release; import from there).

Every name, public or private, resolves to the object in its module of :mod:`reports.views`.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reports.views import (
        REISSUE_NOTE as REISSUE_NOTE,
    )
    from reports.views import (
        DotRow as DotRow,
    )
    from reports.views import (
        Finding as Finding,
    )
    from reports.views import (
        IndividualReport as IndividualReport,
    )
    from reports.views import (
        MapData as MapData,
    )
    from reports.views import (
        StageView as StageView,
    )
    from reports.views import (
        TeamReport as TeamReport,
    )
    from reports.views import (
        TrendReport as TrendReport,
    )
    from reports.views import (
        build_individual_report as build_individual_report,
    )
    from reports.views import (
        build_team_report as build_team_report,
    )
    from reports.views import (
        build_trend_report as build_trend_report,
    )
    from reports.views import (
        safe_gate as safe_gate,
    )

_HOMES = (
    "reports.views",
    "reports.views.common",
    "reports.views.team",
    "reports.views.individual",
    "reports.views.trend",
)


def __getattr__(name: str) -> Any:
    """``name`` from its home in :mod:`reports.views`, with a :class:`DeprecationWarning`.

    Same rule as ``assessment/_moved.py`` (which this floor may not import): public names first,
    then any other module-level name.
    """
    if name.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    modules = [importlib.import_module(home) for home in _HOMES]
    found = next((m for m in modules if name in getattr(m, "__all__", ())), None)
    found = found or next((m for m in modules if name in vars(m)), None)
    if found is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(
        f"{__name__}.{name} moved to {found.__name__}; import it from there "
        f"({__name__} goes away in the next release)",
        DeprecationWarning,
        stacklevel=2,
    )
    return vars(found)[name]

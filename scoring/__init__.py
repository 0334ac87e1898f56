"""Pure numerics for centric: scores, maturity levels, agreement, alignment, roadmap, business case.

No I/O, no click, no WeasyPrint. Arrays in, frozen dataclasses out. The entry point is
:func:`score_wave`; the statistics live in :mod:`scoring.agreement`, :mod:`scoring.alignment`,
:mod:`scoring.business_case` and friends.

The public names are loaded on first use (PEP 562 module ``__getattr__``), so importing a light
submodule such as :mod:`scoring.results` (the result dataclasses reports and the CLI type against)
does not import numpy and scipy; ``from scoring import score_wave`` imports them then.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scoring.results import ScoreOptions, WaveResult
    from scoring.trend import compare_waves
    from scoring.wave import score_wave

__all__ = ["ScoreOptions", "WaveResult", "compare_waves", "score_wave"]

_LAZY = {
    "ScoreOptions": "scoring.results",
    "WaveResult": "scoring.results",
    "compare_waves": "scoring.trend",
    "score_wave": "scoring.wave",
}


def __getattr__(name: str) -> Any:
    """Import ``scoring.<module>`` for a public name on first access and cache it here."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'scoring' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})

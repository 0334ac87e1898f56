"""Pure numerics for centric: scores, maturity levels, agreement, alignment, roadmap, business case.

No I/O, no click, no WeasyPrint. Arrays in, frozen dataclasses out. The entry point is
:func:`score_wave`; the statistics live in :mod:`scoring.agreement`, :mod:`scoring.alignment`,
:mod:`scoring.business_case` and friends.
"""

from scoring.results import ScoreOptions, WaveResult
from scoring.trend import compare_waves
from scoring.wave import score_wave

__all__ = ["ScoreOptions", "WaveResult", "compare_waves", "score_wave"]

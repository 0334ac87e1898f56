"""Pure numerics for centric: scores, maturity levels, agreement, alignment, roadmap, business case.

No I/O, no click, no WeasyPrint. Arrays in, frozen dataclasses out.
"""

from scoring.results import ScoreOptions, WaveResult


def score_wave(instrument, responses, options=None):  # noqa: ANN001, ANN201
    """Score one wave: see :func:`scoring.wave.score_wave`."""
    from scoring.wave import score_wave as _score_wave

    return _score_wave(instrument, responses, options)


__all__ = ["ScoreOptions", "WaveResult", "score_wave"]

"""A confidence interval for the AGI that covers: the jackknife on the log scale with t(n − 1).

Why not the bootstrap
---------------------
The AGI is Gini's mean difference ``G = mean_{i<j} |s_i − s_j|`` rescaled to the answer scale
(:func:`scoring.alignment.alignment_gap`). A bootstrap resample repeats respondents, every repeat adds
a zero pair difference, and the replicates average ``(n − 1)/n · G``: at n = 8 the percentile
interval sits below the estimate and covered 0.78–0.89 in the review's simulations (issue 10).

The interval
------------
With ``G_(−k)`` the AGI without respondent ``k`` and an offset ``δ`` (default 1 AGI point)::

    θ = log(AGI + δ),   θ_k = log(G_(−k) + δ),   θ̄ = mean_k θ_k
    SE = sqrt((n − 1)/n · Σ_k (θ_k − θ̄)²)                       (Tukey's jackknife, Efron 1982)
    interval = exp(θ ± t_{1−(1−level)/2, n−1} · SE) − δ, clipped to [0, 100]

The log scale makes the interval asymmetric the way the sampling distribution of a dispersion is
(long right tail, bounded at 0); ``t(n − 1)`` widens it for small teams. ``δ`` is there because
``log 0`` is undefined: a team that all give the same score has AGI 0 and, when every leave-one-out
AGI is 0 too, the interval ``[0, 0]``; when only some are 0 (3, 3, 4) the offset keeps the spread of
the ``θ_k`` finite. One AGI point is 1% of the scale, below anything a report shows.

Leave-one-out in O(n log n)
---------------------------
With the scores sorted, ``P_k`` the prefix sums and ``T`` the total, respondent ``k``'s absolute
differences to everyone else sum to::

    D_k = Σ_{i<k} (s_(k) − s_(i)) + Σ_{i>k} (s_(i) − s_(k))
        = (2k − n − 1) · s_(k) − P_{k−1} + (T − P_k)

so the pair sum without ``k`` is ``S − D_k`` (``S = Σ_k (2k − n − 1) s_(k)``, David 1968) and
``G_(−k) = (S − D_k) / C(n − 1, 2)``: one sort and two cumulative sums for all ``n`` leave-one-out
values (ties need nothing special: tied scores differ by 0 whichever comes first).

Measured coverage (``tests/calibration/agi.py``, 95% intervals): see
``docs/methodology.md#4-alignment-gap-index-agi``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from scoring.results import Interval

__all__ = ["DEFAULT_OFFSET", "jackknife_agi_interval", "jackknife_log_bounds", "loo_agi"]

#: AGI points added before taking logs (``log 0`` is undefined); see the module docstring.
DEFAULT_OFFSET = 1.0


def _loo_pair_sums(xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pair sum ``S`` and the leave-one-out pair sums ``S − D_k`` of scores sorted along the last
    axis (any leading axes are independent teams)."""
    n = xs.shape[-1]
    k = np.arange(1, n + 1, dtype=float)
    w = 2.0 * k - n - 1.0
    s = xs @ w
    prefix = np.cumsum(xs, axis=-1)
    total = prefix[..., -1:]
    before = prefix - xs  # P_{k-1}
    d = w * xs - before + (total - prefix)
    return s, s[..., None] - d


def loo_agi(scores: Sequence[float] | np.ndarray, low: float, high: float) -> np.ndarray:
    """AGI without each respondent in turn, in the order of ``scores`` (NaN stays NaN).

    Parameters
    ----------
    scores : array_like
        Respondent scores on the scale ``low..high``; NaN (no score) is left out.
    low, high : float
        The answer scale's bounds.

    Returns
    -------
    numpy.ndarray
        ``G_(−k)`` for every respondent with a score (NaN where the score is NaN, and everywhere
        when fewer than 3 scores remain, since an AGI of 2 - 1 = 1 person is not defined).

    References
    ----------
    David, H. A. (1968). Gini's mean difference rediscovered. *Biometrika* 55(3), 573-575.

    Examples
    --------
    >>> loo_agi([3, 3, 4], 1, 5).tolist()  # without a 3: |3 - 4| = 1 of 4; without the 4: 0
    [25.0, 25.0, 0.0]
    """
    x = np.asarray(scores, dtype=float).ravel()
    out = np.full(x.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(x))
    if ok.size < 3:
        return out
    if high <= low:
        raise ValueError(f"high ({high}) must be above low ({low})")
    order = np.argsort(x[ok], kind="stable")
    xs = x[ok][order]
    _, loo = _loo_pair_sums(xs)
    m = ok.size - 1
    out[ok[order]] = 100.0 * loo / (m * (m - 1) / 2 * (high - low))
    return out


def jackknife_log_bounds(
    sorted_scores: np.ndarray,
    span: float,
    level: float = 0.95,
    offset: float = DEFAULT_OFFSET,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """AGI and its log-jackknife bounds for many teams at once (the vectorised core).

    Parameters
    ----------
    sorted_scores : numpy.ndarray
        ``(..., n)`` complete scores (no NaN), sorted along the last axis; ``n ≥ 3``.
    span : float
        ``high − low`` of the answer scale.
    level : float
        Confidence level.
    offset : float
        AGI points added before the log (see the module docstring).

    Returns
    -------
    tuple of numpy.ndarray
        ``(agi, low, high)``, each of shape ``(...)``.

    Examples
    --------
    >>> a, lo, hi = jackknife_log_bounds(np.array([[1.0, 2, 3, 4, 5], [3, 3, 3, 3, 3]]), 4.0)
    >>> a.round(1).tolist(), (lo <= a).all(), (a <= hi).all(), hi[1]
    ([50.0, 0.0], np.True_, np.True_, np.float64(0.0))
    """
    xs = np.asarray(sorted_scores, dtype=float)
    n = xs.shape[-1]
    if n < 3:
        raise ValueError(f"the jackknife interval needs at least 3 scores, got {n}")
    s, loo = _loo_pair_sums(xs)
    agi = 100.0 * s / (n * (n - 1) / 2 * span)
    agi_loo = np.maximum(100.0 * loo / ((n - 1) * (n - 2) / 2 * span), 0.0)
    theta = np.log(agi_loo + offset)
    spread = theta - theta.mean(axis=-1, keepdims=True)
    se = np.sqrt((n - 1) / n * (spread * spread).sum(axis=-1))
    t = float(stats.t.ppf(0.5 + level / 2, n - 1))
    centre = np.log(np.maximum(agi, 0.0) + offset)
    lo = np.clip(np.exp(centre - t * se) - offset, 0.0, 100.0)
    hi = np.clip(np.exp(centre + t * se) - offset, 0.0, 100.0)
    return agi, lo, hi


def jackknife_agi_interval(
    scores: Sequence[float] | np.ndarray,
    low: float,
    high: float,
    level: float = 0.95,
    offset: float = DEFAULT_OFFSET,
    min_n: int = 3,
) -> Interval:
    """Confidence interval of the AGI: jackknife on ``log(AGI + offset)`` with t(n − 1).

    Parameters
    ----------
    scores : array_like
        Respondent scores on the scale ``low..high``; NaN (no score) is left out.
    low, high : float
        The answer scale's bounds.
    level : float
        Confidence level (0.95 for a 95% interval).
    offset : float
        AGI points added before the log, so that an AGI of 0 has a log (module docstring).
    min_n : int
        Fewest scores an interval is given for (at least 3); below it the interval is undefined.

    Returns
    -------
    Interval
        ``Interval(low, high)`` on the AGI scale (0–100); undefined (NaN) below ``min_n`` scores.

    References
    ----------
    Efron, B. (1982). *The Jackknife, the Bootstrap and Other Resampling Plans*. SIAM, ch. 3.
    Tukey, J. W. (1958). Bias and confidence in not-quite large samples. *Ann. Math. Stat.* 29, 614.

    Examples
    --------
    >>> ci = jackknife_agi_interval([2, 2.5, 3, 3, 3.5, 4, 2.5, 3], 1, 5)
    >>> round(ci.low, 1), round(ci.high, 1)
    (8.3, 39.2)
    >>> jackknife_agi_interval([3, 3, 3], 1, 5)
    Interval(low=0.0, high=0.0)
    >>> jackknife_agi_interval([3, 4], 1, 5).defined
    False
    """
    x = np.asarray(scores, dtype=float).ravel()
    x = np.sort(x[~np.isnan(x)])
    if x.size < max(min_n, 3):
        return Interval()
    if high <= low:
        raise ValueError(f"high ({high}) must be above low ({low})")
    _, lo, hi = jackknife_log_bounds(x, high - low, level, offset)
    return Interval(float(lo), float(hi))

"""Level uncertainty: the median with a distribution-free interval, and borderline levels.

A maturity level is the floor of a median (``docs/methodology.md#2-maturity-levels``), so a change
of 0.01 in the median can move it a whole level. This module says how firmly a level stands:

* :func:`median_interval` — a confidence interval of the median from two order statistics, whose
  coverage follows from the binomial distribution alone (no assumption about the scores'
  distribution);
* :func:`level_estimate` — the median, its interval, the whole level (floor of the median, as
  today), the interpolated level (one decimal) and a *borderline* flag when the interval comes
  within ``margin`` of a level boundary;
* :func:`level_estimates` — the same for every column of a respondents × capabilities array.

Notation: ``n`` non-missing scores, sorted ``x_(1) ≤ … ≤ x_(n)``; ``B ~ Binomial(n, 1/2)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from scoring.results import Interval

__all__ = [
    "LevelEstimate",
    "MedianInterval",
    "level_estimate",
    "level_estimates",
    "median_interval",
]

NAN = float("nan")
#: Level boundaries on the 1–5 maturity scale: level ``b`` starts at ``b``.
BOUNDARIES = (2, 3, 4, 5)
_TOL = 1e-9


@dataclass(frozen=True)
class MedianInterval:
    """A distribution-free confidence interval of the median.

    Attributes
    ----------
    median : float
        The sample median (``nan`` without scores).
    interval : Interval
        ``[x_(r), x_(n−r+1)]``; undefined (``nan`` ends) below 2 scores.
    coverage : float
        The exact coverage ``1 − 2·P(B ≤ r − 1)`` of the interval for any continuous
        distribution (at least that with ties); ``nan`` when undefined.
    rank : int
        The order statistic ``r`` of the lower end (the upper end is ``n − r + 1``); 0 when
        undefined.
    n : int
        Number of non-missing scores.
    level : float
        The coverage that was asked for.
    reason : str
        Empty when the interval reaches ``level``; otherwise why not, in words.
    """

    median: float
    interval: Interval
    coverage: float
    rank: int
    n: int
    level: float
    reason: str = ""

    @property
    def reaches_level(self) -> bool:
        """Whether the interval's coverage is at least the level asked for."""
        return not math.isnan(self.coverage) and self.coverage >= self.level - 1e-12


def _coverage(n: int, r: int) -> float:
    """1 − 2·P(B ≤ r − 1) for B ~ Binomial(n, 1/2)."""
    return float(1.0 - 2.0 * special.bdtr(r - 1, n, 0.5)) if r >= 1 else 0.0


def _rank(n: int, level: float) -> int:
    """Largest r ≤ ⌈n/2⌉ with 1 − 2·P(B ≤ r − 1) ≥ level; 1 when even r = 1 falls short."""
    alpha2 = (1.0 - level) / 2.0
    # P(B ≤ r − 1) ≤ α/2: r − 1 ≤ the α/2 quantile; scan the (short) range near it
    cdf = special.bdtr(np.arange(0, (n + 1) // 2), n, 0.5)
    ok = np.flatnonzero(cdf <= alpha2 + 1e-15)
    return int(ok[-1]) + 1 if ok.size else 1


def median_interval(x: npt.ArrayLike, level: float = 0.95) -> MedianInterval:
    """Distribution-free confidence interval of the median from order statistics.

    For sorted scores ``x_(1) ≤ … ≤ x_(n)`` the interval ``[x_(r), x_(n−r+1)]`` contains the
    population median with probability ``1 − 2·P(B ≤ r − 1)``, ``B ~ Binomial(n, 1/2)``, for any
    continuous distribution (Thompson 1936; Conover 1999, §3.2); with ties (discrete scores) the
    closed interval covers at least that often. ``r`` is the largest rank whose coverage is at
    least ``level``, so the coverage is exact and never below ``level``: the same interval as
    R ``DescTools::MedianCI(method = "exact")``.

    Small n: the widest interval, ``[x_(1), x_(n)]``, covers ``1 − 2^(1−n)``. At
    ``level = 0.95`` that is 0.9375 for n = 5, so n < 6 cannot reach 95%: the widest interval is
    returned with its actual coverage and a reason. One score has no interval (coverage 0).
    Missing values (``NaN``) are dropped.

    Parameters
    ----------
    x : array_like
        Scores (1-D), ``NaN`` for missing.
    level : float, default 0.95
        The coverage asked for, strictly between 0 and 1.

    Returns
    -------
    MedianInterval
        The median, the interval, its exact coverage and a reason when ``level`` is not reached.

    Raises
    ------
    ValueError
        When ``level`` is not strictly between 0 and 1 or ``x`` is not 1-D.

    References
    ----------
    Thompson, W. R. (1936). On confidence ranges for the median and other expectation
    distributions for populations of unknown distribution form. *Ann. Math. Statist.* 7, 122–128.
    Conover, W. J. (1999). *Practical Nonparametric Statistics* (3rd ed.). Wiley, §3.2.

    Examples
    --------
    >>> mi = median_interval([2.1, 2.4, 2.6, 2.8, 3.0, 3.1, 3.3, 3.4, 3.6, 4.0])
    >>> mi.median, mi.interval.low, mi.interval.high, mi.rank, round(mi.coverage, 4)
    (3.05, 2.4, 3.6, 2, 0.9785)
    >>> median_interval([3, 3, 4, 4, 5]).reason
    'with 5 scores no interval reaches 95% coverage; the widest, [min, max], covers 93.8%'
    """
    if not 0.0 < float(level) < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    a = np.asarray(x, dtype=float)
    if a.ndim != 1:
        raise ValueError(f"scores x must be a 1-D array, got shape {a.shape}")
    a = np.sort(a[~np.isnan(a)])
    n = int(a.size)
    if n == 0:
        return MedianInterval(NAN, Interval(), NAN, 0, 0, level, "no scores: nothing to estimate")
    med = float(np.median(a))
    if n == 1:
        why = "one score: a median of one answer has no interval"
        return MedianInterval(med, Interval(), NAN, 0, 1, level, why)
    r = _rank(n, level)
    cov = _coverage(n, r)
    reason = ""
    if cov < level - 1e-12:
        reason = (
            f"with {n} scores no interval reaches {level:.0%} coverage; "
            f"the widest, [min, max], covers {cov:.1%}"
        )
    return MedianInterval(med, Interval(float(a[r - 1]), float(a[n - r])), cov, r, n, level, reason)


@dataclass(frozen=True)
class LevelEstimate:
    """A maturity level with its uncertainty.

    Attributes
    ----------
    population : str
        Whose scores these are, as the caller names them ("management team", "organisation").
    n : int
        Number of non-missing scores.
    median : float
        Median score on the 1–5 maturity scale (``nan`` without scores).
    interval : Interval
        Distribution-free interval of the median (see :func:`median_interval`).
    coverage : float
        Exact coverage of ``interval`` (``nan`` when undefined).
    level : int
        Whole level ``⌊median⌋`` clipped to 1..5, as :func:`scoring.levels.maturity_levels`
        computes it before its caps; 0 when not computable.
    interpolated : float
        ``⌊10·median⌋/10`` clipped to [1, 5]: the median truncated to one decimal, so its whole
        part is always ``level`` (2.96 reads 2.9, "level 2, nine tenths of the way to 3");
        ``nan`` when not computable.
    borderline : bool
        The interval comes within ``margin`` of a level boundary (2, 3, 4 or 5): another sample
        of the same population could well give another whole level.
    possible_levels : tuple of int
        The whole levels the interval itself reaches, ``⌊lo⌋..⌊hi⌋`` clipped to 1..5 (no margin:
        interval 3.0–4.17 gives ``(3, 4)``); ``(level,)`` without an interval; empty when not
        computable. A level borderline by the margin alone has one possible level.
    margin : float
        The margin used for ``borderline``.
    reason : str
        Empty when everything is computable; otherwise what is missing and why, in words.
    """

    population: str
    n: int
    median: float
    interval: Interval
    coverage: float
    level: int
    interpolated: float
    borderline: bool
    possible_levels: tuple[int, ...]
    margin: float
    reason: str = ""

    @property
    def computable(self) -> bool:
        """Whether a level could be given at all (at least one score)."""
        return self.level > 0


def _level(v: float) -> int:
    return int(min(5, max(1, math.floor(v + _TOL))))


def level_estimate(
    x: npt.ArrayLike, level: float = 0.95, margin: float = 0.1, population: str = ""
) -> LevelEstimate:
    """The whole level, the interpolated level and whether the level is borderline.

    With ``m`` the median of the scores (1–5 maturity scale) and ``[lo, hi]`` its
    distribution-free interval (:func:`median_interval`):

    * whole level ``⌊m⌋`` clipped to 1..5 (today's rule);
    * interpolated level ``⌊10·m⌋/10`` clipped to [1, 5] (one decimal, truncated, so that the
      whole part is the whole level: 2.96 shows as 2.9, never as a "3.0" beside level 2);
    * **borderline** when ``[lo − margin, hi + margin]`` contains a level boundary
      ``b ∈ {2, 3, 4, 5}``;
    * ``possible_levels`` = ``⌊lo⌋..⌊hi⌋`` clipped to 1..5: the whole levels of the interval
      itself, *without* the margin (the margin decides whether to warn, not which levels the data
      allow; review of issue 10, finding 6). So a level can be borderline by the margin alone
      (interval 2.55–2.95: borderline, possible levels ``(2,)``, "close to level 3"), and an
      interval spanning several boundaries (1.8–4.1 at n = 8) gives every level it reaches.

    Why a margin: the interval alone crosses a boundary only when the sample straddles it, which
    for large, tight samples misses medians just beside a boundary (at n = 60 and a score SD of
    0.4 a median 0.1 below a boundary is flagged in about 2 samples of 3). With the margin, a
    population median within ``margin`` of a boundary is flagged whenever the interval covers it
    or misses it on the boundary's side, so at least ``coverage`` of the time — ≥ 95%, measured
    ≥ 97% (``tests/calibration/levels.py``). ``margin = 0`` gives the plain "interval crosses a
    boundary" rule. Below 6 scores the interval is ``[min, max]`` with coverage under 95% (named
    in ``reason``); one score has no interval and is reported borderline, with the reason.

    Parameters
    ----------
    x : array_like
        Respondent scores of one capability on the 1–5 maturity scale (1-D), ``NaN`` for missing.
    level : float, default 0.95
        Coverage asked of the median's interval.
    margin : float, default 0.1
        Distance from a level boundary, in scale points, that still counts as borderline.
    population : str, default ""
        Whose scores these are; carried into the result for the report's wording.

    Returns
    -------
    LevelEstimate
        Median, interval, whole and interpolated level, borderline flag and a reason.

    Raises
    ------
    ValueError
        When ``margin`` is negative or not finite, or as :func:`median_interval`.

    Examples
    --------
    >>> e = level_estimate([2.4, 2.7, 2.8, 2.9, 3.0, 3.1, 3.2, 3.6], population="management team")
    >>> e.level, e.interpolated, e.borderline, e.possible_levels
    (2, 2.9, True, (2, 3))
    >>> level_estimate([float("nan")] * 3).reason
    'not computable: all 3 scores are missing (N/A or too few items answered)'
    """
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be a finite number >= 0, got {margin!r}")
    raw = np.asarray(x, dtype=float)
    mi = median_interval(raw, level)
    if mi.n == 0:
        why = (
            "not computable: no respondent scored this capability"
            if raw.size == 0
            else f"not computable: all {raw.size} scores are missing (N/A or too few items answered)"
        )
        return LevelEstimate(population, 0, NAN, Interval(), NAN, 0, NAN, False, (), margin, why)
    m = mi.median
    whole = _level(m)
    interp = min(5.0, max(1.0, math.floor(10.0 * m + _TOL) / 10.0))
    if mi.interval.defined:
        lo, hi = mi.interval.low - margin, mi.interval.high + margin
        possible = tuple(range(_level(mi.interval.low), _level(mi.interval.high) + 1))
        border = any(lo - _TOL <= b <= hi + _TOL for b in BOUNDARIES)
        reason = mi.reason
    else:
        possible, border = (whole,), True
        reason = f"{mi.reason}; the level is one person's view and is reported as borderline"
    return LevelEstimate(
        population,
        mi.n,
        m,
        mi.interval,
        mi.coverage,
        whole,
        interp,
        border,
        possible,
        margin,
        reason,
    )


def level_estimates(
    scores: npt.ArrayLike, level: float = 0.95, margin: float = 0.1, population: str = ""
) -> tuple[LevelEstimate, ...]:
    """:func:`level_estimate` of every column of a respondents × capabilities array.

    Parameters
    ----------
    scores : array_like
        Respondents × capabilities scores on the 1–5 maturity scale, ``NaN`` for missing.
    level : float, default 0.95
        Coverage asked of each median's interval.
    margin : float, default 0.1
        Distance from a level boundary that still counts as borderline.
    population : str, default ""
        Whose scores these are.

    Returns
    -------
    tuple of LevelEstimate
        One estimate per column, in column order.

    Raises
    ------
    ValueError
        When ``scores`` is not 2-D, or as :func:`level_estimate`.

    Examples
    --------
    >>> [e.level for e in level_estimates([[2.5, 4.0], [2.8, 4.1], [3.1, 4.4]])]
    [2, 4]
    """
    s = np.asarray(scores, dtype=float)
    if s.ndim != 2:
        raise ValueError(f"scores must be a 2-D respondents × capabilities array, got {s.shape}")
    return tuple(level_estimate(s[:, k], level, margin, population) for k in range(s.shape[1]))

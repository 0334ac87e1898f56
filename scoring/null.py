"""The AGI's null reference: what random answering gives, and bands calibrated against it.

A capability score is the mean of a respondent's ``j`` answered items, so under random answering its
spread shrinks with ``j``: on a 5-point scale one random item gives AGI 40, a 6-item mean about 16.
An AGI is only evidence of a shared view when it is smaller than random answering would produce
for the same ``n``, ``j`` and scale (``docs/methodology.md#4-alignment-gap-index-agi``).

Null answering models (per item, on ``K`` options)
--------------------------------------------------
* ``"uniform"``: every option equally likely (the rectangular null of James, Demaree & Wolf 1984).
* ``"triangular"``: central tendency; on 5 points ``.11 .22 .34 .22 .11`` (variance 1.32, LeBreton &
  Senter 2008, Table 3); on other ``K`` proportional to ``min(k, K + 1 − k)``.
* ``"slight skew"``: leniency; on 5 points ``.05 .15 .20 .35 .25`` (variance 1.34, same table); only
  defined for 5 options.

Null distribution of the AGI
----------------------------
Items are independent draws from the model; a score is the mean of ``j`` of them, so its
distribution is the ``j``-fold convolution ``q`` of the item probabilities on the lattice of sums
``0..j(K − 1)``. Gini's mean difference is unbiased for ``E|X − Y|`` whatever ``n``, so the null
mean is exact::

    AGI_null = 100 · E|S − S'| / (j (K − 1)),   E|S − S'| = 2 Σ_t F(t) (1 − F(t))

(``F`` the cumulative distribution of ``q``; j = 1 uniform on 5 points gives 1.6 of 4 steps = 40).
The quantiles depend on ``n``: for ``n ≤ 30``, ``j ≤ 10`` and 5 options they come from a shipped
table (:mod:`scoring._null_table`, 20,000 seeded random teams per cell); other small cases are
simulated the same way once per process (cached); for ``n > 30`` a normal approximation with the
U-statistic variance of Gini's mean difference (Hoeffding 1948)::

    Var = 2 / (n (n − 1)) · (2 (n − 2) ζ₁ + ζ₂),
    ζ₁ = Var_X(E_Y |X − Y|),  ζ₂ = Var |X − Y|

Critical values follow Dunlap, Burke & Smith-Crowe (2003): ``critical_low`` is the smallest AGI
with ``P_null(AGI ≤ c) ≥ α``, so under the null ``P(AGI < c) ≤ α``; ``critical_high`` the smallest
with ``P_null(AGI ≤ c) ≥ 1 − α``, so ``P(AGI > c) ≤ α``.

Missing answers: ``j`` varies by respondent; :func:`effective_items` takes the mean number of
answered items of the respondents with a score, rounded to the nearest integer, half up
(``⌊mean + ½⌋``): one N/A among 8 people answering 6 items (mean 5.875) keeps ``j = 6`` and the null
of 6 items, where rounding down gave the 5-item null and moved the reference by 2 AGI points
(review of issue 10, finding 13). Item weights are taken as equal (as in customer-centricity 1.0.0).

Calibrated bands (:func:`calibrated_band`)
------------------------------------------
1. *undefined* (with a reason in words) below 3 scores or when nothing was answered.
2. *not distinguishable from random answering* when ``critical_low ≤ AGI ≤ critical_high``: the
   team's spread is what random answering would give (each tail tested at α = .05).
3. AGI below ``critical_low`` (the team agrees more than random answering): the absolute band
   whose range holds the whole interval (:mod:`scoring.agi_interval`): *aligned* below
   ``bands[0]`` (15), *partly aligned* within ``bands[0]..bands[1]`` (25 = pairs a full level apart
   on 5 points), *misaligned* above ``bands[1]`` (possible only for few items).
4. AGI above ``critical_high`` (more spread than random answering, i.e. camps): *misaligned* when
   the whole interval lies above both the null mean and ``bands[0]``.
5. otherwise *indeterminate*: the interval crosses a boundary.

With several null models (default uniform and triangular) ``critical_low`` is the smallest and
``critical_high`` the largest of their critical values, and the null mean of rule 4 the largest: a
label must beat every plausible kind of random answering. Under random answering "aligned" and
"misaligned" therefore each occur at most α = 5% of the time by construction (measured: about 1%
each at n = 8, J = 6 under uniform answering); the operating characteristics are measured by
``tests/calibration/agi.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, get_args

import numpy as np
from scipy import stats

from questionnaires.errors import ScoringError
from scoring._null_table import TABLE, TABLE_J, TABLE_N
from scoring.agi_interval import DEFAULT_OFFSET, jackknife_log_bounds
from scoring.results import Interval

__all__ = [
    "ALPHA",
    "BAND_CODES",
    "DEFAULT_MODELS",
    "SEED",
    "SIMULATIONS",
    "AgiNull",
    "CalibratedAgi",
    "CalibratedBand",
    "NullModel",
    "agi_null",
    "calibrated_band",
    "classify",
    "critical_values",
    "effective_items",
    "expected_agi",
    "null_probabilities",
    "relative_agi",
    "score_distribution",
    "simulate_null",
    "simulated_quantiles",
]

NullModel = Literal["uniform", "triangular", "slight skew"]
CalibratedBand = Literal[
    "aligned",
    "partly aligned",
    "misaligned",
    "indeterminate",
    "not distinguishable from random answering",
    "undefined",
]
#: Band keys by the integer codes :func:`classify` returns.
BAND_CODES: tuple[CalibratedBand, ...] = get_args(CalibratedBand)
DEFAULT_MODELS: tuple[NullModel, ...] = ("uniform", "triangular")
ALPHA = 0.05
SIMULATIONS = 20_000
SEED = 20260101

#: LeBreton & Senter (2008), Table 3, 5-point scale.
_FIVE_POINT = {
    "triangular": (0.11, 0.22, 0.34, 0.22, 0.11),
    "slight skew": (0.05, 0.15, 0.20, 0.35, 0.25),
}


def null_probabilities(model: NullModel = "uniform", n_options: int = 5) -> np.ndarray:
    """Probabilities of the ``n_options`` answer options under a null answering model.

    Parameters
    ----------
    model : {"uniform", "triangular", "slight skew"}
        The null model (module docstring).
    n_options : int
        Options on the scale (``K``, at least 2).

    Returns
    -------
    numpy.ndarray
        ``K`` probabilities, lowest option first, summing to 1.

    References
    ----------
    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater reliability
    and interrater agreement. *Organizational Research Methods* 11(4), 815-852, Table 3.

    Examples
    --------
    >>> null_probabilities("triangular").tolist()
    [0.11, 0.22, 0.34, 0.22, 0.11]
    >>> null_probabilities("uniform", 4).tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    if model not in get_args(NullModel):
        raise ScoringError(
            f"unknown null model {model!r}; use one of {', '.join(get_args(NullModel))}"
        )
    if n_options < 2:
        raise ScoringError(f"a scale needs at least 2 options, got {n_options}")
    if model == "uniform":
        return np.full(n_options, 1.0 / n_options)
    if n_options == 5:
        return np.array(_FIVE_POINT[model])
    if model == "slight skew":
        raise ScoringError(
            f"the 'slight skew' null is published for 5 options only, the scale has {n_options}; "
            "use 'uniform' or 'triangular'"
        )
    k = np.arange(1, n_options + 1)
    w = np.minimum(k, n_options + 1 - k).astype(float)
    result: np.ndarray = w / w.sum()
    return result


def score_distribution(j: int, n_options: int = 5, model: NullModel = "uniform") -> np.ndarray:
    """Distribution of the sum of ``j`` independent null items on ``0..j(K − 1)`` steps.

    Parameters
    ----------
    j : int
        Items summed (at least 1).
    n_options : int
        Options on the answer scale (``K``).
    model : {"uniform", "triangular", "slight skew"}
        The null answering model.

    Returns
    -------
    numpy.ndarray
        ``j(K − 1) + 1`` probabilities, the ``j``-fold convolution of the item probabilities.

    Examples
    --------
    >>> score_distribution(2, 3).round(4).tolist()  # sums of two uniform 3-point items
    [0.1111, 0.2222, 0.3333, 0.2222, 0.1111]
    """
    if j < 1:
        raise ScoringError(f"a capability score needs at least 1 item, got j = {j}")
    p = null_probabilities(model, n_options)
    q = np.array([1.0])
    for _ in range(j):
        q = np.convolve(q, p)
    return q


def expected_agi(j: int, n_options: int = 5, model: NullModel = "uniform") -> float:
    """Exact AGI expected when every respondent's score is the mean of ``j`` random items.

    ``100 · E|S − S'| / (j (K − 1))`` with ``E|S − S'| = 2 Σ_t F(t)(1 − F(t))`` over the lattice of
    sums; exact for any team size because Gini's mean difference is unbiased.

    Parameters
    ----------
    j : int
        Items averaged into a capability score.
    n_options : int
        Options on the answer scale.
    model : {"uniform", "triangular", "slight skew"}
        The null answering model.

    Returns
    -------
    float
        The null mean on the AGI scale (0-100).

    References
    ----------
    Yitzhaki, S. (2003). Gini's mean difference: a superior measure of variability for
    non-normal distributions. *Metron* 61(2), 285-316.

    Examples
    --------
    >>> expected_agi(1)  # one uniform item on 5 points: E|X - Y| = 1.6 of 4 steps
    40.0
    >>> round(expected_agi(6), 2)
    16.31
    """
    f = np.cumsum(score_distribution(j, n_options, model))[:-1]
    return float(100.0 * 2.0 * np.sum(f * (1.0 - f)) / (j * (n_options - 1)))


def _u_statistic_sd(n: int, j: int, n_options: int, model: NullModel) -> float:
    """SD of Gini's mean difference of ``n`` null scores (Hoeffding 1948), on the AGI scale."""
    q = score_distribution(j, n_options, model)
    v = np.arange(q.size, dtype=float)
    d = np.abs(v[:, None] - v[None, :])
    g = d @ q
    mu = float(q @ g)
    zeta1 = float(q @ (g - mu) ** 2)
    zeta2 = float(q @ ((d - mu) ** 2 @ q))
    var = 2.0 / (n * (n - 1)) * (2.0 * (n - 2) * zeta1 + zeta2)
    return 100.0 * math.sqrt(var) / (j * (n_options - 1))


def simulate_null(
    n: int,
    j: int,
    n_options: int = 5,
    model: NullModel = "uniform",
    reps: int = SIMULATIONS,
    seed: int = SEED,
) -> np.ndarray:
    """AGIs of ``reps`` seeded random teams of ``n``, each score the mean of ``j`` null items.

    The generator is seeded with ``(seed, n, j, K, model)``, so every cell is reproducible alone.

    Parameters
    ----------
    n : int
        Respondents per team.
    j : int
        Items averaged per score.
    n_options : int
        Options on the answer scale.
    model : {"uniform", "triangular", "slight skew"}
        The null answering model.
    reps : int
        Teams simulated.
    seed : int
        Base seed.

    Returns
    -------
    numpy.ndarray
        ``reps`` AGIs (0-100).

    Examples
    --------
    >>> a = simulate_null(8, 6, reps=4000)
    >>> bool(abs(a.mean() - expected_agi(6)) < 0.3)
    True
    """
    q = score_distribution(j, n_options, model)
    cdf = np.cumsum(q)
    cdf[-1] = 1.0
    key = get_args(NullModel).index(model)
    rng = np.random.default_rng([seed, n, j, n_options, key])
    sums = np.searchsorted(cdf, rng.random((reps, n)), side="right").astype(float)
    sums.sort(axis=1)
    w = 2.0 * np.arange(1, n + 1) - n - 1
    result: np.ndarray = 100.0 * (sums @ w) / (n * (n - 1) / 2 * j * (n_options - 1))
    return result


def simulated_quantiles(
    n: int, j: int, n_options: int = 5, model: NullModel = "uniform", reps: int = SIMULATIONS
) -> tuple[float, float, float, float]:
    """``(q01, q05, q95, q99)`` of the simulated null AGI (inverted-CDF quantiles, 6 decimals).

    Parameters
    ----------
    n : int
        Respondents per team.
    j : int
        Items averaged per score.
    n_options : int
        Options on the answer scale.
    model : {"uniform", "triangular", "slight skew"}
        The null answering model.
    reps : int
        Teams simulated (:func:`simulate_null`).

    Returns
    -------
    tuple of float
        The four quantiles; the lower two satisfy ``P(AGI < q) ≤ level`` under the null.
    """
    a = simulate_null(n, j, n_options, model, reps)
    qs = np.quantile(a, [0.01, ALPHA, 1 - ALPHA, 0.99], method="inverted_cdf")
    return tuple(round(float(v), 6) for v in qs)  # type: ignore[return-value]


@dataclass(frozen=True)
class AgiNull:
    """The AGI of random answering for ``n`` respondents averaging ``j`` items on ``K`` options.

    Attributes
    ----------
    n, j, n_options : int
        Respondents, items per score and answer options.
    model : str
        The null answering model.
    mean : float
        Exact null mean of the AGI.
    sd : float
        SD of the AGI of ``n`` random respondents (U-statistic variance).
    q01, q05, q95, q99 : float
        Quantiles of the null distribution.
    method : str
        Where the quantiles come from: ``"table"``, ``"simulated"`` or ``"normal approximation"``.
    """

    n: int
    j: int
    n_options: int
    model: NullModel
    mean: float
    sd: float
    q01: float
    q05: float
    q95: float
    q99: float
    method: str

    @property
    def critical_low(self) -> float:
        """Below this the team agrees more than random answering (α = .05)."""
        return self.q05

    @property
    def critical_high(self) -> float:
        """Above this the team disagrees more than random answering (α = .05)."""
        return self.q95


@lru_cache(maxsize=4096)
def agi_null(n: int, j: int, n_options: int = 5, model: NullModel = "uniform") -> AgiNull:
    """The null reference of an AGI: its mean, SD and critical values under random answering.

    Parameters
    ----------
    n : int
        Respondents with a score (at least 3).
    j : int
        Items averaged per score (see :func:`effective_items` for missing answers).
    n_options : int
        Options on the answer scale (``high − low + 1``); the AGI does not depend on ``low``.
    model : {"uniform", "triangular", "slight skew"}
        The null answering model.

    Returns
    -------
    AgiNull
        Exact mean, U-statistic SD, quantiles from the shipped table (5 options, n ≤ 30,
        j ≤ 10), a cached simulation (other n ≤ 30) or the normal approximation (n > 30).

    References
    ----------
    Dunlap, W. P., Burke, M. J., & Smith-Crowe, K. (2003). Accurate tests of statistical
    significance for rWG and average deviation interrater agreement indexes. *Journal of Applied
    Psychology* 88(2), 356-362.
    Hoeffding, W. (1948). A class of statistics with asymptotically normal distribution. *Ann.
    Math. Stat.* 19(3), 293-325.

    Examples
    --------
    >>> null = agi_null(8, 6)
    >>> round(null.mean, 2), null.method, null.critical_low < null.mean < null.critical_high
    (16.31, 'table', True)
    >>> agi_null(200, 6).method
    'normal approximation'
    """
    if n < 3:
        raise ScoringError(f"the AGI null needs at least 3 respondents, got n = {n}")
    mean = expected_agi(j, n_options, model)
    sd = _u_statistic_sd(n, j, n_options, model)
    cell = TABLE.get(model) if n_options == 5 else None
    qs: tuple[float, ...]
    if cell is not None and n in TABLE_N and j in TABLE_J:
        qs, method = cell[TABLE_N.index(n)][TABLE_J.index(j)], "table"
    elif n <= TABLE_N[-1]:
        qs, method = simulated_quantiles(n, j, n_options, model), "simulated"
    else:
        z = stats.norm.ppf([0.01, ALPHA, 1 - ALPHA, 0.99])
        qs = tuple(max(0.0, mean + float(zi) * sd) for zi in z)
        method = "normal approximation"
    q01, q05, q95, q99 = qs
    return AgiNull(n, j, n_options, model, mean, sd, q01, q05, q95, q99, method)


def relative_agi(agi: float, null_mean: float) -> float:
    """Relative index ``1 − AGI / AGI_null``: 0 = as spread as random answering, 1 = consensus.

    Negative when the team is more spread than random answering (two camps).

    Parameters
    ----------
    agi : float
        The team's AGI.
    null_mean : float
        The AGI expected under random answering (:func:`expected_agi`).

    Returns
    -------
    float
        The relative index; NaN when the AGI is NaN or the null mean is not positive.

    Examples
    --------
    >>> relative_agi(8.0, 16.0)
    0.5
    """
    if math.isnan(agi) or not null_mean > 0:
        return math.nan
    return 1.0 - agi / null_mean


def effective_items(answered: Sequence[float] | np.ndarray) -> int:
    """The ``j`` of a capability: mean answered items per scored respondent, rounded half up.

    ``j = ⌊mean + ½⌋``, the nearest integer (5.875 → 6, 5.5 → 6, 5.49 → 5): the null of the number of items people
    typically answered. Rounding down made one N/A among eight people (5.875) use the 5-item null
    (about 18 instead of 16 for n = 8).

    Parameters
    ----------
    answered : array_like
        Items answered by each respondent who has a capability score (NaN or 0 left out).

    Returns
    -------
    int
        ``⌊mean + ½⌋``, at least 1; 0 when nobody answered anything.

    Examples
    --------
    >>> effective_items([6, 6, 6, 6, 6, 6, 6, 5])
    6
    >>> effective_items([6, 6, 5, 3])
    5
    >>> effective_items([6, 5])
    6
    """
    a = np.asarray(answered, dtype=float)
    a = a[~np.isnan(a) & (a > 0)]
    return max(1, math.floor(a.mean() + 0.5 + 1e-9)) if a.size else 0


@dataclass(frozen=True)
class CalibratedAgi:
    """An AGI with its null reference, interval and calibrated band.

    Attributes
    ----------
    agi : float
        The AGI (NaN when undefined).
    n, j : int
        Respondents with a score and items per score.
    null_mean : float
        AGI expected under the first null model.
    critical_low, critical_high : float
        The strictest critical values over all models used (module docstring).
    relative : float
        ``1 − agi / null_mean``.
    interval : Interval
        Log-jackknife interval (:func:`scoring.agi_interval.jackknife_agi_interval`).
    band : str
        The calibrated band.
    reason : str
        Why the band is ``undefined``, random-like or indeterminate, in words; empty otherwise.
    models : tuple of str
        The null models used.
    """

    agi: float
    n: int
    j: int
    null_mean: float
    critical_low: float
    critical_high: float
    relative: float
    interval: Interval
    band: CalibratedBand
    reason: str = ""
    models: tuple[NullModel, ...] = DEFAULT_MODELS


def classify(
    agi: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    critical_low: float | np.ndarray,
    critical_high: float | np.ndarray,
    null_mean: float | np.ndarray,
    bands: tuple[float, float] = (15.0, 25.0),
) -> np.ndarray:
    """Band codes (indexes into :data:`BAND_CODES`) of AGIs with intervals ``[low, high]``.

    Vectorised form of the rule in the module docstring; NaN AGIs give ``undefined``.

    Parameters
    ----------
    agi : numpy.ndarray
        AGIs.
    low, high : numpy.ndarray
        Their interval bounds.
    critical_low, critical_high : float or numpy.ndarray
        Critical values of the null (:func:`critical_values`).
    null_mean : float or numpy.ndarray
        The largest null mean; "misaligned" needs the whole interval above it.
    bands : tuple of float
        Absolute band boundaries (aligned below the first, misaligned above the second).

    Returns
    -------
    numpy.ndarray
        Integer codes, ``BAND_CODES[code]`` the band.

    Examples
    --------
    >>> agi, low, high = np.array([8.0, 16, 30, 9]), np.array([5.0, 10, 27, 5]), np.array([12.0, 22, 34, 17])
    >>> codes = classify(agi, low, high, critical_low=10.0, critical_high=23.0, null_mean=16.3)
    >>> [BAND_CODES[c] for c in codes]
    ['aligned', 'not distinguishable from random answering', 'misaligned', 'indeterminate']
    """
    a, lo, hi = (np.asarray(v, dtype=float) for v in (agi, low, high))
    eps = 1e-9  # AGIs sit on a lattice: a tie with the critical value is not "below" it
    t1, t2 = bands
    code = np.full(a.shape, BAND_CODES.index("indeterminate"))
    agree = a < np.asarray(critical_low) - eps
    code[(hi < t1) & agree] = BAND_CODES.index("aligned")
    code[(lo >= t1) & (hi <= t2) & agree] = BAND_CODES.index("partly aligned")
    code[(lo > t2) & agree] = BAND_CODES.index("misaligned")
    apart = a > np.asarray(critical_high) + eps
    code[apart & (lo > np.maximum(null_mean, t1))] = BAND_CODES.index("misaligned")
    random_like = (a >= np.asarray(critical_low) - eps) & (a <= np.asarray(critical_high) + eps)
    code[random_like] = BAND_CODES.index("not distinguishable from random answering")
    code[np.isnan(a) | np.isnan(lo) | np.isnan(hi)] = BAND_CODES.index("undefined")
    return code


def critical_values(
    n: int, j: int, n_options: int = 5, models: tuple[NullModel, ...] = DEFAULT_MODELS
) -> tuple[float, float, float, float]:
    """``(reference mean, critical_low, critical_high, largest null mean)`` over ``models``.

    Parameters
    ----------
    n : int
        Respondents with a score.
    j : int
        Items per score.
    n_options : int
        Options on the answer scale.
    models : tuple of str
        Null models; the first is the reference.

    Returns
    -------
    tuple of float
        The first model's mean, the smallest q05, the largest q95 and the largest mean.

    Examples
    --------
    >>> [round(v, 1) for v in critical_values(8, 6)]
    [16.3, 7.6, 23.7, 16.3]
    """
    nulls = [agi_null(n, j, n_options, m) for m in models]
    return (
        nulls[0].mean,
        min(x.q05 for x in nulls),
        max(x.q95 for x in nulls),
        max(x.mean for x in nulls),
    )


def calibrated_band(
    scores: Sequence[float] | np.ndarray,
    j: int,
    low: float,
    high: float,
    n_options: int | None = None,
    models: tuple[NullModel, ...] = DEFAULT_MODELS,
    level: float = 0.95,
    bands: tuple[float, float] = (15.0, 25.0),
    min_n: int = 3,
) -> CalibratedAgi:
    """The AGI of ``scores`` against random answering, with its interval and calibrated band.

    Parameters
    ----------
    scores : array_like
        Respondent capability scores on ``low..high``; NaN (no score) is left out.
    j : int
        Items per score (:func:`effective_items` when answers are missing).
    low, high : float
        The answer scale's bounds.
    n_options : int, optional
        Options on the scale; ``high − low + 1`` when not given.
    models : tuple of str
        Null models; the first gives ``null_mean`` and ``relative``, all give the critical values.
    level : float
        Confidence level of the interval (:func:`scoring.agi_interval.jackknife_agi_interval`).
    bands : tuple of float
        Absolute band boundaries on the AGI scale (aligned below the first, misaligned above the
        second).
    min_n : int
        Fewest scores an AGI is computed for (at least 3).

    Returns
    -------
    CalibratedAgi
        The AGI, null mean, critical values, relative index, interval, band and a reason.

    References
    ----------
    Dunlap, W. P., Burke, M. J., & Smith-Crowe, K. (2003). *J. Appl. Psychol.* 88(2), 356-362.
    LeBreton, J. M., & Senter, J. L. (2008). *Organ. Res. Methods* 11(4), 815-852.

    Examples
    --------
    >>> r = calibrated_band([3.0, 3.2, 3.0, 2.8, 3.2, 3.0, 2.8, 3.0], 6, 1, 5)
    >>> round(r.agi, 1), round(r.critical_low, 1), r.band
    (4.3, 7.6, 'aligned')
    >>> calibrated_band([2.5, 3.0, 3.5, 2.5, 3.5, 2.0, 3.0, 4.0], 6, 1, 5).band
    'not distinguishable from random answering'
    >>> calibrated_band([1, 2, 3, 4, 5, 2, 4, 3], 6, 1, 5).band  # more spread than random
    'misaligned'
    >>> calibrated_band([3.0, float("nan")], 6, 1, 5).reason
    'only 1 respondent has a score; the AGI needs at least 3'
    """
    x = np.asarray(scores, dtype=float).ravel()
    x = np.sort(x[~np.isnan(x)])
    n, need = x.size, max(3, min_n)
    k = int(n_options if n_options is not None else round(high - low) + 1)
    if n < need or j < 1:
        who = "respondent has" if n == 1 else "respondents have"
        why = (
            "no items were answered"
            if j < 1
            else f"only {n} {who} a score; the AGI needs at least {need}"
        )
        if n == 0:
            why = "nobody has a score (all answers N/A or unanswered)"
        return CalibratedAgi(math.nan, n, j, math.nan, math.nan, math.nan, math.nan, Interval(),
                             "undefined", why, models)  # fmt: skip
    agi, lo, hi = jackknife_log_bounds(x, high - low, level, DEFAULT_OFFSET)
    mean, c_lo, c_hi, top = critical_values(n, j, k, models)
    band = BAND_CODES[int(classify(agi, lo, hi, c_lo, c_hi, top, bands))]
    reason = ""
    if band == "not distinguishable from random answering":
        reason = (
            f"AGI {float(agi):.1f} lies within what random answering gives for {n} people "
            f"averaging {j} item{'s' * (j != 1)} ({c_lo:.1f}-{c_hi:.1f})"
        )
    elif band == "indeterminate":
        reason = f"the interval {float(lo):.1f}-{float(hi):.1f} crosses a band boundary {bands}"
    return CalibratedAgi(
        float(agi), n, j, mean, c_lo, c_hi, relative_agi(float(agi), mean),
        Interval(float(lo), float(hi)), band, reason, models,
    )  # fmt: skip

"""Error-controlled labels for perception gaps and wave changes (``docs/methodology.md#5-gaps``,
``docs/methodology.md#9-wave-comparison-trend``; issue 10, item 3).

One comparison is a :class:`Difference`: an estimate on the answer scale, its ``1 − α`` interval,
a two-sided p-value against no difference, an equivalence p-value against a smallest effect of
interest (SESOI) and a standardised effect size with its interval. A report's comparisons form a
*family*; :func:`label_family` adjusts the p-values within the family (Holm 1979 or
Benjamini & Hochberg 1995) and labels each comparison with :func:`label_difference`:

* **higher** / **lower**: the adjusted test rejects "no difference" and the equivalence test does
  not show the difference to be smaller than the SESOI;
* **equivalent**: the adjusted equivalence test (TOST, Lakens 2017) shows ``|Δ| < SESOI``;
* **no clear difference**: neither;
* **not computed**: a group below the minimum n, all answers N/A, or zero variance; the label
  carries the reason in words.

Tests
    *Two groups* (executives vs the rest): Welch's t (:func:`welch_difference`). *The same people
    twice*: paired t, or the sign-flip permutation test (exact for small n)
    (:func:`paired_difference`). *Waves that overlap in part*: the partially overlapping samples
    t-test ``T_new2`` of Derrick, Toher & White (2017) (:func:`partial_overlap_difference`), which
    equals the paired t at full overlap and Welch's t at none. :func:`wave_change` pairs two waves by
    pseudonymous respondent id and picks the test.

Perception gaps compare the same questions: :func:`common_item_scores` scores each respondent on
the items both groups were asked.

References
----------
Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B*, 57, 289–300.
Derrick, B., Toher, D., & White, P. (2017). How to compare the means of two samples that include
paired observations and independent observations. *The Quantitative Methods for Psychology*, 13(2),
120–126. Hedges, L. V., & Olkin, I. (1985). *Statistical Methods for Meta-Analysis*. Academic Press.
Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scand. J. Statist.*, 6,
65–70. Lakens, D. (2013). Calculating and reporting effect sizes. *Frontiers in Psychology*, 4, 863.
Lakens, D. (2017). Equivalence tests. *Social Psychological and Personality Science*, 8, 355–362.
Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval estimation. In *What If There Were
No Significance Tests?* Erlbaum. Welch, B. L. (1947). The generalization of Student's problem.
*Biometrika*, 34, 28–35.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Literal

import numpy as np
from scipy import optimize, special, stats

from questionnaires.errors import ScoringError
from scoring.results import NAN, Interval

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_MIN_N",
    "DEFAULT_SESOI",
    "CommonItems",
    "Difference",
    "DifferenceLabel",
    "EffectSize",
    "LabelKey",
    "benjamini_hochberg",
    "common_item_scores",
    "hedges_g",
    "holm",
    "label_difference",
    "label_family",
    "paired_difference",
    "paired_effect_size",
    "partial_overlap_difference",
    "sign_flip_test",
    "wave_change",
    "welch_difference",
]

#: Smallest effect size of interest on the answer scale: half a maturity level.
DEFAULT_SESOI = 0.5
#: Fewest scores per group (or pairs) for a test.
DEFAULT_MIN_N = 3
#: Family-wise (Holm) or false-discovery (BH) level of a report's labels.
DEFAULT_ALPHA = 0.05

LabelKey = Literal["higher", "lower", "equivalent", "no clear difference", "not computed"]
Adjust = Literal["holm", "bh"]


@dataclass(frozen=True)
class EffectSize:
    """A standardised mean difference with its interval.

    Attributes
    ----------
    value : float
        The effect size (NaN when undefined).
    ci : Interval
        Its interval (undefined when not computed).
    kind : str
        ``"hedges_g"`` (two groups, pooled SD), ``"g_av"`` (two waves, average SD) or ``"d_z"``
        (paired differences, SD of the differences).
    ci_method : str
        ``"noncentral t"``, ``"noncentral t (approximate)"``, ``"normal"`` (Hedges & Olkin) or
        ``"none"``.
    """

    value: float = NAN
    ci: Interval = field(default_factory=Interval)
    kind: str = "hedges_g"
    ci_method: str = "none"


@dataclass(frozen=True)
class Difference:
    """One comparison of two samples: its estimate, interval, tests and effect size.

    ``estimate`` = mean of the second sample (``b``, later wave) minus the first (``a``) for
    changes, ``mean(x) − mean(y)`` for two groups; ``ci`` its ``confidence`` interval;
    ``p_value`` two-sided against 0; ``equivalence_p`` the TOST p-value against ``±sesoi``.
    ``reason`` says in words why nothing was computed (then every number is NaN).

    Attributes
    ----------
    estimate : float
        The difference on the answer scale.
    ci : Interval
        Its ``confidence`` interval.
    se : float
        Standard error of the estimate.
    df : float
        Degrees of freedom of the t reference distribution.
    t : float
        Test statistic ``estimate / se``.
    p_value : float
        Two-sided p-value against no difference.
    equivalence_p : float
        TOST p-value against ``±sesoi``.
    sesoi : float
        Smallest effect size of interest.
    effect : EffectSize
        Standardised effect with its interval.
    method : str
        ``"welch"``, ``"paired t"``, ``"sign-flip permutation"`` or ``"partially overlapping t"``.
    n_a : int
        Scores in the first sample (earlier wave, or the first group).
    n_b : int
        Scores in the second sample.
    n_paired : int
        Respondents in both samples.
    confidence : float
        Level of ``ci``.
    reason : str
        Why nothing was computed; empty when computed.
    """

    estimate: float
    ci: Interval
    se: float
    df: float
    t: float
    p_value: float
    equivalence_p: float
    sesoi: float
    effect: EffectSize
    method: str
    n_a: int
    n_b: int
    n_paired: int = 0
    confidence: float = 0.95
    reason: str = ""

    @property
    def computed(self) -> bool:
        """Whether a test was run (no ``reason``)."""
        return not self.reason


@dataclass(frozen=True)
class DifferenceLabel:
    """What a report prints for one comparison.

    The label ``key``, the estimate, its interval, the raw and family-adjusted p-values, the
    (adjusted) equivalence p-value, the SESOI, the effect size ``g`` with its interval, and
    ``reason`` in words when the key is ``not computed``.

    Attributes
    ----------
    key : str
        ``"higher"``, ``"lower"``, ``"equivalent"``, ``"no clear difference"`` or
        ``"not computed"``.
    estimate : float
        The difference on the answer scale.
    ci : Interval
        Its interval.
    p_value : float
        Raw two-sided p-value.
    p_adjusted : float
        P-value adjusted within the family.
    equivalence_p : float
        Equivalence (TOST) p-value, adjusted within the family.
    sesoi : float
        Smallest effect size of interest.
    g : float
        Standardised effect size.
    g_ci : Interval
        Its interval.
    reason : str
        Why the comparison was not computed.
    """

    key: LabelKey
    estimate: float
    ci: Interval
    p_value: float
    p_adjusted: float
    equivalence_p: float
    sesoi: float
    g: float
    g_ci: Interval
    reason: str = ""


@dataclass(frozen=True)
class CommonItems:
    """Respondent scores over the items both groups were asked (:func:`common_item_scores`).

    Attributes
    ----------
    scores : numpy.ndarray
        One score per respondent, NaN for no answer to a used item.
    items_used : tuple of str
        Items asked of at least the minimum share of both groups.
    items_dropped : tuple of str
        The other items.
    reason : str
        Why no item is left; empty otherwise.
    """

    scores: np.ndarray
    items_used: tuple[str, ...]
    items_dropped: tuple[str, ...]
    reason: str = ""


# --------------------------------------------------------------------------- multiplicity


def _finite(p: np.ndarray) -> np.ndarray:
    if np.any((p[~np.isnan(p)] < 0) | (p[~np.isnan(p)] > 1)):
        raise ScoringError("p-values must lie in [0, 1] (NaN for a comparison not computed)")
    return np.flatnonzero(~np.isnan(p))


def holm(pvalues: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values; NaN passes through and is not counted.

    With the ``m`` finite p-values sorted, ``p_(1) ≤ … ≤ p_(m)``::

        p̃_(i) = min(1, max_{j ≤ i} (m − j + 1) · p_(j))

    Rejecting ``p̃ < α`` controls the family-wise error rate at ``α`` under any dependence.

    Parameters
    ----------
    pvalues : sequence of float
        Raw p-values in [0, 1]; NaN for comparisons that were not computed.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the input order.

    References
    ----------
    Holm, S. (1979). *Scandinavian Journal of Statistics*, 6, 65–70.

    Examples
    --------
    >>> holm([0.01, 0.04, float("nan"), 0.03]).round(3).tolist()
    [0.03, 0.06, nan, 0.06]
    """
    p = np.asarray(pvalues, dtype=float).copy()
    idx = _finite(p)
    m = idx.size
    if m:
        order = idx[np.argsort(p[idx], kind="stable")]
        adj = np.maximum.accumulate((m - np.arange(m)) * p[order])
        p[order] = np.minimum(adj, 1.0)
    return p


def benjamini_hochberg(pvalues: Sequence[float] | np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg (1995) step-up adjusted p-values; NaN passes through and is not counted.

    With the ``m`` finite p-values sorted, ``p_(1) ≤ … ≤ p_(m)``::

        p̃_(i) = min(1, min_{j ≥ i} m · p_(j) / j)

    Rejecting ``p̃ < q`` controls the false discovery rate at ``q`` for independent or positively
    dependent tests; under the global null it controls the family-wise rate too.

    Parameters
    ----------
    pvalues : sequence of float
        Raw p-values in [0, 1]; NaN for comparisons that were not computed.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the input order.

    References
    ----------
    Benjamini, Y., & Hochberg, Y. (1995). *JRSS B*, 57, 289–300.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, float("nan"), 0.03]).round(3).tolist()
    [0.03, 0.04, nan, 0.04]
    """
    p = np.asarray(pvalues, dtype=float).copy()
    idx = _finite(p)
    m = idx.size
    if m:
        order = idx[np.argsort(p[idx], kind="stable")]
        raw = p[order] * m / np.arange(1, m + 1)
        p[order] = np.minimum(np.minimum.accumulate(raw[::-1])[::-1], 1.0)
    return p


# --------------------------------------------------------------------------- effect sizes


def _hedges_j(df: float) -> float:
    """Exact small-sample correction ``J(ν) = Γ(ν/2) / (√(ν/2) Γ((ν − 1)/2))`` (Hedges 1981)."""
    if df <= 1:
        return NAN
    if math.isinf(df):
        return 1.0
    return float(
        math.exp(special.gammaln(df / 2) - special.gammaln((df - 1) / 2)) / math.sqrt(df / 2)
    )


def _nct_limits(t: float, df: float, confidence: float) -> tuple[float, float]:
    """Noncentrality parameters ``λ`` with ``P(T ≤ t | λ) = 1 − α/2`` and ``α/2`` (Steiger &
    Fouladi 1997): the ``confidence`` interval of ``λ`` given the observed ``t``."""
    a = 1 - confidence

    def cdf(lam: float) -> float:
        # scipy (1.17) gives NaN far in the tail (nct.cdf(5.5, 58, -6)); there the survival
        # function still answers, and beyond both the limit is 1 below t and 0 above it
        c = float(stats.nct.cdf(t, df, lam))
        if math.isnan(c):
            c = 1.0 - float(stats.nct.sf(t, df, lam))
        if math.isnan(c):
            c = 1.0 if lam < t else 0.0
        return c

    def root(q: float) -> float:
        def f(lam: float) -> float:
            return cdf(lam) - q

        lo, hi = t - 10.0, t + 10.0
        while f(lo) < 0:
            lo -= 10.0
        while f(hi) > 0:
            hi += 10.0
        return float(optimize.brentq(f, lo, hi, xtol=1e-10))

    return root(1 - a / 2), root(a / 2)


def _effect(
    delta: float,
    sd: float,
    scale: float,
    t: float,
    df: float,
    j_df: float,
    kind: str,
    confidence: float,
    exact: bool,
    ci: bool,
) -> EffectSize:
    """``J · delta / sd`` with the noncentral-t interval of ``t`` (``df``) times ``scale``:
    ``scale = SE/sd`` turns the test's noncentrality into the standardised effect. The limits are
    an interval for the population effect δ, so ``J`` (a bias correction of the point estimate)
    does not scale them."""
    if not (sd > 0) or math.isnan(delta):
        return EffectSize(kind=kind)
    j = _hedges_j(j_df)
    value = j * delta / sd
    if not ci or not math.isfinite(t) or not df > 0:
        return EffectSize(value, Interval(), kind, "none")
    try:
        lo, hi = _nct_limits(t, df, confidence)
    except (ValueError, RuntimeError):  # no bracket or no convergence: the effect without limits
        return EffectSize(value, Interval(), kind, "none")
    method = "noncentral t" if exact else "noncentral t (approximate)"
    return EffectSize(value, Interval(lo * scale, hi * scale), kind, method)


def hedges_g(
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    confidence: float = 0.95,
    ci_method: Literal["noncentral", "normal"] = "noncentral",
) -> EffectSize:
    """Hedges' g of two independent groups, ``mean(x) − mean(y)`` over the pooled SD, with an interval.

    ::

        s_p = √(((n_x − 1) s_x² + (n_y − 1) s_y²) / ν),  ν = n_x + n_y − 2
        g   = J(ν) · (x̄ − ȳ) / s_p,   J(ν) = Γ(ν/2) / (√(ν/2) Γ((ν − 1)/2)) ≈ 1 − 3/(4ν − 1)

    Interval, ``ci_method="noncentral"`` (default, exact under normality and equal variances):
    the Student statistic ``t = d / √(1/n_x + 1/n_y)`` follows a noncentral t with ``ν`` degrees of
    freedom and noncentrality ``δ / √(1/n_x + 1/n_y)``; inverting its cdf gives limits for the
    population ``δ`` (Steiger & Fouladi 1997), not multiplied by ``J``. ``"normal"``: Hedges &
    Olkin (1985, p. 86),
    ``g ± t_{1−α/2, ν} · √((n_x + n_y)/(n_x n_y) + g²/(2(n_x + n_y)))`` (as pingouin's
    ``compute_esci``). NaN are dropped; fewer than 2 per group or zero pooled SD gives NaN.

    Parameters
    ----------
    x, y : array_like
        Scores of the two groups.
    confidence : float
        Level of the interval.
    ci_method : {"noncentral", "normal"}
        How the interval is computed.

    Returns
    -------
    EffectSize
        ``kind="hedges_g"``.

    References
    ----------
    Hedges, L. V., & Olkin, I. (1985). *Statistical Methods for Meta-Analysis*. Academic Press.
    Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval estimation.

    Examples
    --------
    >>> e = hedges_g([3.0, 3.5, 4.0, 4.5], [2.0, 2.5, 3.0, 3.5, 2.5])
    >>> round(e.value, 3), round(e.ci.low, 2), round(e.ci.high, 2)
    (1.545, 0.11, 3.29)
    """
    a = _clean(x)
    b = _clean(y)
    nx, ny = a.size, b.size
    if nx < 2 or ny < 2:
        return EffectSize()
    df = nx + ny - 2
    sp = math.sqrt(((nx - 1) * a.var(ddof=1) + (ny - 1) * b.var(ddof=1)) / df)
    delta = float(a.mean() - b.mean())
    if not sp > 0:
        return EffectSize()
    if ci_method == "normal":
        g = _hedges_j(df) * delta / sp
        se = math.sqrt((nx + ny) / (nx * ny) + g**2 / (2 * (nx + ny)))
        crit = float(stats.t.ppf(0.5 + confidence / 2, df))
        return EffectSize(g, Interval(g - crit * se, g + crit * se), "hedges_g", "normal")
    scale = math.sqrt(1 / nx + 1 / ny)
    return _effect(delta, sp, scale, delta / sp / scale, df, df, "hedges_g", confidence, True, True)


def paired_effect_size(
    before: Sequence[float] | np.ndarray,
    after: Sequence[float] | np.ndarray,
    kind: Literal["d_z", "g_av"] = "g_av",
    confidence: float = 0.95,
) -> EffectSize:
    """Standardised change of paired scores (``after − before``), ``d_z`` or Hedges' ``g_av``.

    ::

        d_z  = mean(d) / s_d                                  (d = after − before)
        g_av = J(2n − 2) · mean(d) / √((s_before² + s_after²)/2)   (Lakens 2013)

    ``d_z`` answers "how consistent is the change across people" and has an exact noncentral-t
    interval (``t = d_z √n``, ``n − 1`` df). ``g_av`` is on the same footing as a between-group g
    (how many SDs the scores moved); its interval is the paired t's noncentral interval scaled by
    ``SE/s_av`` (approximate; exact methods in Algina & Keselman 2003). Pairs with a NaN are dropped.

    Parameters
    ----------
    before, after : array_like
        Scores of the same respondents, in the same order.
    kind : {"d_z", "g_av"}
        Which standardiser.
    confidence : float
        Level of the interval.

    Returns
    -------
    EffectSize
        ``d_z`` or ``g_av`` with its interval.

    References
    ----------
    Lakens, D. (2013). *Frontiers in Psychology*, 4, 863. Algina, J., & Keselman, H. J. (2003).
    *Educational and Psychological Measurement*, 63, 537–553.

    Examples
    --------
    >>> e = paired_effect_size([2.0, 2.5, 3.0, 3.0, 3.5], [2.5, 3.0, 3.0, 3.5, 4.0], kind="d_z")
    >>> round(e.value, 3), e.ci_method
    (1.789, 'noncentral t')
    """
    a, b = _pairs(before, after)
    n = a.size
    if n < 2:
        return EffectSize(kind=kind)
    d = b - a
    sd_d = float(d.std(ddof=1))
    delta = float(d.mean())
    if not sd_d > 0:
        return EffectSize(kind=kind)
    t = delta / (sd_d / math.sqrt(n))
    if kind == "d_z":
        e = _effect(
            delta, sd_d, 1 / math.sqrt(n), t, n - 1, math.inf, "d_z", confidence, True, True
        )
        return e
    s_av = math.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
    scale = sd_d / math.sqrt(n) / s_av if s_av > 0 else NAN
    return _effect(delta, s_av, scale, t, n - 1, 2 * n - 2, "g_av", confidence, False, True)


# --------------------------------------------------------------------------- the tests


def _clean(x: Sequence[float] | np.ndarray) -> np.ndarray:
    v = np.asarray(x, dtype=float).ravel()
    out: np.ndarray = v[~np.isnan(v)]
    return out


def _pairs(
    before: Sequence[float] | np.ndarray, after: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(before, dtype=float).ravel()
    b = np.asarray(after, dtype=float).ravel()
    if a.shape != b.shape:
        raise ScoringError(
            f"paired scores need the same number of respondents before and after "
            f"(got {a.size} and {b.size}); pair them by respondent id with wave_change"
        )
    ok = ~(np.isnan(a) | np.isnan(b))
    return a[ok], b[ok]


def _check(sesoi: float, confidence: float, min_n: int) -> None:
    if not (sesoi > 0 and math.isfinite(sesoi)):
        raise ScoringError(f"sesoi must be a positive number of scale points, got {sesoi!r}")
    if not 0 < confidence < 1:
        raise ScoringError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    if min_n < 2:
        raise ScoringError(f"min_n must be at least 2 (a variance needs 2 scores), got {min_n!r}")


def _not_computed(
    reason: str, method: str, n_a: int, n_b: int, n_paired: int, sesoi: float, confidence: float
) -> Difference:
    return Difference(
        NAN, Interval(), NAN, NAN, NAN, NAN, NAN, sesoi, EffectSize(), method,
        n_a, n_b, n_paired, confidence, reason,
    )  # fmt: skip


def _too_few(names: tuple[str, str], ns: tuple[int, int], min_n: int, what: str) -> str:
    for name, n in zip(names, ns, strict=True):
        if n == 0:
            return f"{name} has no {what} (every answer N/A or missing)"
        if n < min_n:
            counted = what[:-1] if n == 1 and what.endswith("s") else what
            return f"{name} has {n} {counted}; at least {min_n} are needed for a label"
    return ""


def _t_summary(
    estimate: float, se: float, df: float, sesoi: float, confidence: float
) -> tuple[Interval, float, float, float]:
    """``(interval, t, two-sided p, TOST p)`` of an estimate with standard error ``se`` and ``df``.

    TOST (Schuirmann 1987; Lakens 2017): ``t_L = (Δ + SESOI)/SE``, ``t_U = (Δ − SESOI)/SE``,
    ``p_eq = max(P(T ≥ t_L), P(T ≤ t_U))``.
    """
    t = estimate / se
    p = float(2 * stats.t.sf(abs(t), df))
    crit = float(stats.t.ppf(0.5 + confidence / 2, df))
    ci = Interval(estimate - crit * se, estimate + crit * se)
    p_eq = max(
        float(stats.t.sf((estimate + sesoi) / se, df)),
        float(stats.t.cdf((estimate - sesoi) / se, df)),
    )
    return ci, t, p, p_eq


def welch_difference(
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    *,
    sesoi: float = DEFAULT_SESOI,
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
    names: tuple[str, str] = ("the first group", "the second group"),
    effect_ci: bool = True,
) -> Difference:
    """Welch's t for ``mean(x) − mean(y)`` of two independent groups, with TOST and Hedges' g.

    ::

        SE = √(s_x²/n_x + s_y²/n_y)
        ν  = SE⁴ / ((s_x²/n_x)²/(n_x − 1) + (s_y²/n_y)²/(n_y − 1))      (Welch 1947)
        t  = (x̄ − ȳ)/SE,  CI = x̄ − ȳ ± t_{1−α/2, ν} SE

    The equivalence p-value is the larger of the two one-sided tests against ``±sesoi`` (Lakens
    2017). The effect size is Hedges' g with its noncentral-t interval (:func:`hedges_g`).
    NaN are dropped. Not computed, with the reason in words, when a group has fewer than
    ``min_n`` scores or both groups have zero variance.

    Parameters
    ----------
    x, y : array_like
        Scores of the two groups (e.g. executives and everyone else).
    sesoi : float
        Smallest effect size of interest, in scale points.
    confidence : float
        Level of the interval.
    min_n : int
        Fewest scores per group.
    names : tuple of str
        How the reason names the groups.
    effect_ci : bool
        Compute g's interval (a root search; simulations switch it off).

    Returns
    -------
    Difference
        ``method="welch"``.

    References
    ----------
    Welch, B. L. (1947). *Biometrika*, 34, 28–35. Lakens, D. (2017). *SPPS*, 8, 355–362.

    Examples
    --------
    >>> d = welch_difference([3.0, 3.5, 4.0, 4.5], [2.0, 2.5, 3.0, 3.5, 2.5])
    >>> round(d.estimate, 2), round(d.p_value, 4), round(d.df, 2)
    (1.05, 0.0426, 6.12)
    >>> welch_difference([3.0, 3.5], [2.0, 2.5, 3.0], names=("management", "the others")).reason
    'management has 2 scores; at least 3 are needed for a label'
    """
    _check(sesoi, confidence, min_n)
    a, b = _clean(x), _clean(y)
    nx, ny = a.size, b.size
    why = _too_few(names, (nx, ny), min_n, "scores")
    if why:
        return _not_computed(why, "welch", nx, ny, 0, sesoi, confidence)
    vx, vy = a.var(ddof=1) / nx, b.var(ddof=1) / ny
    se = math.sqrt(vx + vy)
    if not se > 0:
        why = f"every score in {names[0]} and {names[1]} is the same (zero variance): no test"
        return _not_computed(why, "welch", nx, ny, 0, sesoi, confidence)
    df = float((vx + vy) ** 2 / (vx**2 / (nx - 1) + vy**2 / (ny - 1)))
    est = float(a.mean() - b.mean())
    ci, t, p, p_eq = _t_summary(est, se, df, sesoi, confidence)
    g = hedges_g(a, b, confidence) if effect_ci else _g_only(a, b)
    return Difference(est, ci, se, df, t, p, p_eq, sesoi, g, "welch", nx, ny, 0, confidence)


def _g_only(a: np.ndarray, b: np.ndarray) -> EffectSize:
    df = a.size + b.size - 2
    sp = math.sqrt(((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / df)
    v = _hedges_j(df) * float(a.mean() - b.mean()) / sp if sp > 0 else NAN
    return EffectSize(v, Interval(), "hedges_g", "none")


def sign_flip_test(
    differences: Sequence[float] | np.ndarray,
    *,
    sesoi: float = DEFAULT_SESOI,
    permutations: int = 10000,
    seed: int = 0,
) -> tuple[float, float, bool]:
    """Sign-flip permutation test of paired differences: ``(p, equivalence p, exact)``.

    Under "no change" each difference ``d_i`` is as likely to be ``−d_i`` (symmetry). The two-sided
    p-value is the share of the ``2ⁿ`` sign vectors ``s`` with ``|Σ s_i d_i| ≥ |Σ d_i|``; enumerated
    exactly when ``2ⁿ ≤ permutations``, otherwise ``permutations`` random sign vectors with a fixed
    seed and ``p = (1 + hits)/(1 + B)`` (Phipson & Smyth 2010). Equivalence (TOST by permutation):
    one-sided tests of ``d + sesoi > 0`` and ``d − sesoi < 0``, ``p_eq`` the larger.

    Parameters
    ----------
    differences : array_like
        ``after − before`` per respondent; NaN dropped.
    sesoi : float
        Smallest effect size of interest.
    permutations : int
        Largest number of sign vectors to enumerate, and the Monte Carlo count beyond it.
    seed : int
        Seed of the Monte Carlo draw.

    Returns
    -------
    tuple of (float, float, bool)
        The two-sided p-value, the equivalence (TOST) p-value and whether the enumeration was exact.

    References
    ----------
    Good, P. (2005). *Permutation, Parametric and Bootstrap Tests of Hypotheses*, §3.
    Phipson, B., & Smyth, G. K. (2010). *SAGMB*, 9(1), 39.

    Examples
    --------
    >>> p, p_eq, exact = sign_flip_test([0.5, 0.3, 0.6, 0.2, 0.4])
    >>> p, exact   # only all-plus and all-minus reach |Σd|: 2/32
    (0.0625, True)
    """
    d = _clean(differences)
    n = d.size
    if n == 0:
        return NAN, NAN, False
    exact = 2**n <= permutations
    if exact:
        signs = np.array(list(product((1.0, -1.0), repeat=n)))
    else:
        rng = np.random.default_rng(seed)
        signs = rng.choice(np.array([1.0, -1.0]), size=(permutations, n))

    def share(hits: np.ndarray) -> float:
        k = int(hits.sum())
        m = int(signs.shape[0])
        return k / m if exact else (1 + k) / (1 + m)

    obs = float(d.sum())
    tol = 1e-9 * max(1.0, abs(obs))
    p = share(np.abs(signs @ d) >= abs(obs) - tol)
    lo, hi = d + sesoi, d - sesoi
    p_lo = share(signs @ lo >= float(lo.sum()) - tol)
    p_hi = share(signs @ hi <= float(hi.sum()) + tol)
    return min(p, 1.0), max(p_lo, p_hi), exact


def paired_difference(
    before: Sequence[float] | np.ndarray,
    after: Sequence[float] | np.ndarray,
    *,
    method: Literal["t", "sign-flip"] = "t",
    sesoi: float = DEFAULT_SESOI,
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
    permutations: int = 10000,
    seed: int = 0,
    effect_ci: bool = True,
) -> Difference:
    """Paired change ``mean(after − before)`` of the same respondents: paired t or sign-flip.

    ::

        d_i = after_i − before_i,  SE = s_d/√n,  t = d̄/SE,  ν = n − 1,  CI = d̄ ± t_{1−α/2, ν} SE

    ``method="sign-flip"`` replaces the p-value and the equivalence p-value by the sign-flip
    permutation test's (:func:`sign_flip_test`, exact for ``2ⁿ ≤ permutations``); the interval stays
    the t interval. Effect size: Hedges' ``g_av`` (:func:`paired_effect_size`). Not computed, with
    the reason, when fewer than ``min_n`` pairs or all differences are equal (zero variance).

    Parameters
    ----------
    before, after : array_like
        Scores of the same respondents in the same order; pairs with a NaN are dropped.
    method : {"t", "sign-flip"}
        Which p-values.
    sesoi : float
        Smallest effect size of interest, in scale points.
    confidence : float
        Level of the interval.
    min_n : int
        Fewest pairs.
    permutations : int
        As in :func:`sign_flip_test`.
    seed : int
        As in :func:`sign_flip_test`.
    effect_ci : bool
        Compute the effect size's interval.

    Returns
    -------
    Difference
        ``method`` ``"paired t"`` or ``"sign-flip permutation"``; ``n_paired`` pairs.

    Examples
    --------
    >>> d = paired_difference([2.0, 2.5, 3.0, 3.0, 3.5], [2.5, 3.0, 3.0, 3.5, 4.0])
    >>> round(d.estimate, 2), round(d.p_value, 4), d.df
    (0.4, 0.0161, 4.0)
    """
    _check(sesoi, confidence, min_n)
    a, b = _pairs(before, after)
    n = a.size
    name = "paired t" if method == "t" else "sign-flip permutation"
    if n < min_n:
        why = (
            f"{n} respondent(s) answered both waves; at least {min_n} pairs are needed for a label"
        )
        return _not_computed(why, name, n, n, n, sesoi, confidence)
    d = b - a
    se = float(d.std(ddof=1)) / math.sqrt(n)
    if not se > 0:
        why = "every respondent changed by the same amount (zero variance of the changes): no test"
        return _not_computed(why, name, n, n, n, sesoi, confidence)
    est = float(d.mean())
    ci, t, p, p_eq = _t_summary(est, se, n - 1, sesoi, confidence)
    if method == "sign-flip":
        p, p_eq, _ = sign_flip_test(d, sesoi=sesoi, permutations=permutations, seed=seed)
    g = paired_effect_size(a, b, "g_av", confidence) if effect_ci else _g_av_only(a, b)
    return Difference(est, ci, se, n - 1.0, t, p, p_eq, sesoi, g, name, n, n, n, confidence)


def _g_av_only(a: np.ndarray, b: np.ndarray) -> EffectSize:
    s_av = math.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
    n1, n2 = a.size, b.size
    v = _hedges_j(n1 + n2 - 2) * float(b.mean() - a.mean()) / s_av if s_av > 0 else NAN
    return EffectSize(v, Interval(), "g_av", "none")


def partial_overlap_difference(
    a_only: Sequence[float] | np.ndarray,
    b_only: Sequence[float] | np.ndarray,
    a_paired: Sequence[float] | np.ndarray,
    b_paired: Sequence[float] | np.ndarray,
    *,
    sesoi: float = DEFAULT_SESOI,
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
    effect_ci: bool = True,
) -> Difference:
    """Partially overlapping samples t-test ``T_new2`` (Derrick, Toher & White 2017).

    Tests ``mean(b) − mean(a)`` when ``n_c`` respondents answered both waves, ``n_a`` only the
    first and ``n_b`` only the second.

    With ``n_1 = n_a + n_c`` and ``n_2 = n_b + n_c`` all the scores of each wave, ``x̄_k`` and ``s_k``
    their mean and SD, and ``r`` the Pearson correlation of the ``n_c`` pairs (0 when undefined)::

        SE = √(s_1²/n_1 + s_2²/n_2 − 2 r s_1 s_2 n_c/(n_1 n_2))
        γ  = Welch's ν of the two full samples
        ν  = (n_c − 1) + (γ − n_c + 1) · (n_a + n_b)/(n_a + n_b + 2 n_c)

    At full overlap (``n_a = n_b = 0``) ``SE = s_d/√n`` and ``ν = n − 1``: the paired t. With no
    overlap (``n_c = 0``) it is Welch's t. Derrick et al. found its type I error close to nominal
    for normal data and small samples, where a mixed model's likelihood-based df are unreliable; we
    use it instead of a mixed model for that reason (one closed form, no iteration, and it contains
    the paired and Welch tests as its limits). Effect size: ``g_av`` over the two full samples,
    interval scaled from the test's noncentral t (approximate).

    Parameters
    ----------
    a_only, b_only : array_like
        Scores of respondents who answered only the first / only the second wave.
    a_paired, b_paired : array_like
        Scores of those who answered both, in the same respondent order.
    sesoi : float
        Smallest effect size of interest, in scale points.
    confidence : float
        Level of the interval.
    min_n : int
        Fewest scores per wave.
    effect_ci : bool
        Compute the effect size's interval.

    Returns
    -------
    Difference
        ``method="partially overlapping t"``.

    References
    ----------
    Derrick, B., Toher, D., & White, P. (2017). *TQMP*, 13(2), 120–126. Derrick, B., Russ, B.,
    Toher, D., & White, P. (2017). *JMASM*, 16(1), 137–157.

    Examples
    --------
    >>> d = partial_overlap_difference([2.0, 3.0], [3.5], [2.0, 2.5, 3.0, 3.0], [2.5, 3.0, 3.5, 3.0])
    >>> round(d.estimate, 3), round(d.df, 3), d.n_paired
    (0.517, 4.632, 4)
    """
    _check(sesoi, confidence, min_n)
    xa, xb = _clean(a_only), _clean(b_only)
    pa, pb = _pairs(a_paired, b_paired)
    nc, na, nb = pa.size, xa.size, xb.size
    s1, s2 = np.concatenate([xa, pa]), np.concatenate([xb, pb])
    n1, n2 = s1.size, s2.size
    name = "partially overlapping t"
    why = _too_few(("the earlier wave", "the later wave"), (n1, n2), min_n, "scores")
    if why:
        return _not_computed(why, name, n1, n2, nc, sesoi, confidence)
    v1, v2 = float(s1.var(ddof=1)), float(s2.var(ddof=1))
    r = 0.0
    if nc >= 2 and pa.std() > 0 and pb.std() > 0:
        r = float(np.corrcoef(pa, pb)[0, 1])
    se2 = v1 / n1 + v2 / n2 - 2 * r * math.sqrt(v1 * v2) * nc / (n1 * n2)
    if not se2 > 1e-15:
        why = "the scores do not vary between respondents or waves (zero variance): no test"
        return _not_computed(why, name, n1, n2, nc, sesoi, confidence)
    se = math.sqrt(se2)
    gamma = (v1 / n1 + v2 / n2) ** 2 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))
    df = (nc - 1) + (gamma - nc + 1) * (na + nb) / (na + nb + 2 * nc)
    est = float(s2.mean() - s1.mean())
    ci, t, p, p_eq = _t_summary(est, se, df, sesoi, confidence)
    s_av = math.sqrt((v1 + v2) / 2)
    g = _effect(est, s_av, se / s_av, t, df, n1 + n2 - 2, "g_av", confidence, False, effect_ci)
    return Difference(est, ci, se, df, t, p, p_eq, sesoi, g, name, n1, n2, nc, confidence)


def wave_change(
    before: Mapping[str, float],
    after: Mapping[str, float],
    *,
    method: Literal["t", "sign-flip"] = "t",
    sesoi: float = DEFAULT_SESOI,
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
    permutations: int = 10000,
    seed: int = 0,
    effect_ci: bool = True,
) -> Difference:
    """Change ``after − before`` of one capability in one group, paired by pseudonymous id.

    ``before`` and ``after`` map respondent id → capability score (NaN = no score that wave).
    Respondents with a score in both waves are pairs; the test is

    * the paired t (or sign-flip, ``method``) when every scored respondent answered both waves;
    * Welch's t when fewer than 2 did;
    * otherwise the partially overlapping samples t (:func:`partial_overlap_difference`), which
      uses the pairs and the unpaired respondents of both waves.

    ``method="sign-flip"`` applies at full overlap only; with partial overlap the t version runs
    and ``Difference.method`` says so.

    Parameters
    ----------
    before, after : mapping of str to float
        Scores of the earlier and later wave by respondent id.
    method : {"t", "sign-flip"}
        p-values of the paired case.
    sesoi : float
        Smallest effect size of interest, in scale points.
    confidence : float
        Level of the interval.
    min_n : int
        Fewest pairs (paired) or scores per wave (otherwise).
    permutations : int
        As in :func:`sign_flip_test`.
    seed : int
        As in :func:`sign_flip_test`.
    effect_ci : bool
        Compute the effect size's interval.

    Returns
    -------
    Difference
        The paired, partially overlapping or Welch comparison, later minus earlier.

    Examples
    --------
    >>> a = {"NW-E01": 2.0, "NW-E02": 2.5, "NW-E03": 3.0, "NW-E04": 3.0, "NW-E05": 3.5}
    >>> b = {"NW-E01": 2.5, "NW-E02": 3.0, "NW-E03": 3.0, "NW-E04": 3.5, "NW-E05": 4.0}
    >>> wave_change(a, b).method
    'paired t'
    >>> wave_change(a, {**b, "NW-E09": 3.0}).method
    'partially overlapping t'
    """
    x = {k: float(v) for k, v in before.items() if not math.isnan(float(v))}
    y = {k: float(v) for k, v in after.items() if not math.isnan(float(v))}
    common = sorted(x.keys() & y.keys())
    a_only = np.array([x[k] for k in x if k not in y])
    b_only = np.array([y[k] for k in y if k not in x])
    pa = np.array([x[k] for k in common])
    pb = np.array([y[k] for k in common])
    if len(common) >= 2 and a_only.size == 0 and b_only.size == 0:
        return paired_difference(
            pa, pb, method=method, sesoi=sesoi, confidence=confidence, min_n=min_n,
            permutations=permutations, seed=seed, effect_ci=effect_ci,
        )  # fmt: skip
    if len(common) < 2:
        d = welch_difference(
            np.array([*x.values()]), np.array([*y.values()]), sesoi=sesoi, confidence=confidence,
            min_n=min_n, names=("the earlier wave", "the later wave"), effect_ci=effect_ci,
        )  # fmt: skip
        return _flip(d)  # Welch estimates earlier − later; a change is later − earlier
    return partial_overlap_difference(
        a_only, b_only, pa, pb, sesoi=sesoi, confidence=confidence, min_n=min_n,
        effect_ci=effect_ci,
    )  # fmt: skip


def _flip(d: Difference) -> Difference:
    if not d.computed:
        return d
    e = d.effect
    g = EffectSize(-e.value, Interval(-e.ci.high, -e.ci.low), e.kind, e.ci_method)
    return Difference(
        -d.estimate, Interval(-d.ci.high, -d.ci.low), d.se, d.df, -d.t, d.p_value,
        d.equivalence_p, d.sesoi, g, d.method, d.n_a, d.n_b, 0, d.confidence,
    )  # fmt: skip


# --------------------------------------------------------------------------- labels


def label_difference(
    estimate: float,
    interval: Interval,
    p_adjusted: float,
    equivalence_p: float,
    sesoi: float,
    *,
    alpha: float = DEFAULT_ALPHA,
    p_value: float = NAN,
    g: float = NAN,
    g_interval: Interval | None = None,
    reason: str = "",
) -> DifferenceLabel:
    """The label of one comparison from its (family-adjusted) tests.

    Rule (``α`` = ``alpha``):

    * ``reason`` given, or no estimate or p-value → **not computed** (the reason in words);
    * ``p_adjusted < α`` and not ``equivalence_p < α`` → **higher** (estimate > 0) or **lower**;
    * ``equivalence_p < α`` → **equivalent**: the difference is shown to be smaller than
      ``sesoi``, even if it is not zero;
    * otherwise **no clear difference**.

    With ``α = 0.05`` and *unadjusted* p-values the difference test is dual to the 95% interval
    excluding 0 and the equivalence test to the 90% interval lying inside ``(−sesoi, sesoi)``
    (Lakens 2017). Within a family the p-values are Holm- (or BH-) adjusted, so a label can be
    "no clear difference" while the unadjusted interval lies inside ``±sesoi`` or excludes 0:
    the interval a report prints beside a label must say that it is unadjusted.

    Parameters
    ----------
    estimate : float
        The difference on the answer scale.
    interval : Interval
        Its interval, carried to the label.
    p_adjusted : float
        P-value of "no difference", adjusted within the family (:func:`holm`).
    equivalence_p : float
        TOST p-value (adjusted within the family when the family's labels are to be controlled).
    sesoi : float
        The smallest effect of interest used by the equivalence test.
    alpha : float
        Level of both tests.
    p_value : float
        The raw p-value, carried to the label.
    g : float
        Effect size, carried to the label.
    g_interval : Interval, optional
        Its interval.
    reason : str
        Why the comparison was not computed; non-empty forces ``not computed``.

    Returns
    -------
    DifferenceLabel
        The label with its numbers, or ``not computed`` with the reason.

    Examples
    --------
    >>> label_difference(0.8, Interval(0.3, 1.3), 0.01, 0.8, 0.5).key
    'higher'
    >>> label_difference(0.05, Interval(-0.1, 0.2), 0.5, 0.001, 0.5).key
    'equivalent'
    >>> label_difference(0.4, Interval(-0.4, 1.2), 0.3, 0.4, 0.5).key
    'no clear difference'
    >>> label_difference(math.nan, Interval(), math.nan, math.nan, 0.5, reason="management has 2 scores").reason
    'management has 2 scores'
    """
    gi = g_interval if g_interval is not None else Interval()
    if not reason and (math.isnan(estimate) or math.isnan(p_adjusted)):
        reason = "no estimate or p-value was computed"
    if reason:
        return DifferenceLabel(
            "not computed", NAN, Interval(), NAN, NAN, NAN, sesoi, NAN, Interval(), reason
        )
    key: LabelKey
    equivalent = not math.isnan(equivalence_p) and equivalence_p < alpha
    if p_adjusted < alpha and not equivalent:
        key = "higher" if estimate > 0 else "lower"
    elif equivalent:
        key = "equivalent"
    else:
        key = "no clear difference"
    return DifferenceLabel(
        key, estimate, interval, p_value, p_adjusted, equivalence_p, sesoi, g, gi
    )


def label_family(
    differences: Sequence[Difference],
    *,
    adjust: Adjust = "holm",
    alpha: float = DEFAULT_ALPHA,
) -> tuple[DifferenceLabel, ...]:
    """Label every comparison of one report's family, with multiplicity control within it.

    The two-sided p-values of the computed comparisons are adjusted together (Holm: family-wise
    error rate ≤ ``α``; ``"bh"``: false discovery rate ≤ ``α``), and so are their equivalence
    p-values (a claim of equivalence is an error too when the true difference reaches the SESOI).
    Comparisons not computed keep their reason and are not counted in ``m``. Then
    :func:`label_difference`. A family is what one report shows together, e.g. the 8 capabilities'
    perception gaps, or all change labels of a trend report (capabilities × groups).

    Parameters
    ----------
    differences : sequence of Difference
        The family, in report order.
    adjust : {"holm", "bh"}
        Holm (1979) or Benjamini–Hochberg (1995).
    alpha : float
        Level of the family.

    Returns
    -------
    tuple of DifferenceLabel
        In the order of ``differences``.

    Examples
    --------
    >>> fam = [welch_difference([3.0, 3.5, 4.0, 4.5], [2.0, 2.5, 3.0, 3.5, 2.5]),
    ...        welch_difference([3.0, 3.5], [2.0, 2.5, 3.0])]
    >>> [lab.key for lab in label_family(fam)]
    ['higher', 'not computed']
    """
    if adjust not in ("holm", "bh"):
        raise ScoringError(f"adjust must be 'holm' or 'bh', got {adjust!r}")
    if not 0 < alpha < 1:
        raise ScoringError(f"alpha must lie strictly between 0 and 1, got {alpha!r}")
    fn = holm if adjust == "holm" else benjamini_hochberg
    p_adj = fn([d.p_value for d in differences])
    eq_adj = fn([d.equivalence_p for d in differences])
    return tuple(
        label_difference(
            d.estimate,
            d.ci,
            float(pa),
            float(pe),
            d.sesoi,
            alpha=alpha,
            p_value=d.p_value,
            g=d.effect.value,
            g_interval=d.effect.ci,
            reason=d.reason,
        )
        for d, pa, pe in zip(differences, p_adj, eq_adj, strict=True)
    )


# --------------------------------------------------------------------------- common items


def common_item_scores(
    answers: np.ndarray,
    in_group: np.ndarray,
    item_ids: Sequence[str] | None = None,
    *,
    min_fraction: float = 0.5,
) -> CommonItems:
    """Each respondent's capability score over the items both groups were asked.

    ``answers`` is respondents × items of one capability, NaN where the item was not asked or
    answered N/A. An item is kept when at least ``min_fraction`` of *each* group answered it
    (``in_group`` marks the first group, e.g. the management team); a respondent's score is the
    mean of their answers to the kept items (NaN when they answered none). A perception gap on
    these scores compares the same questions: staff who were asked 3 of 6 items are compared with
    executives on those 3.

    Parameters
    ----------
    answers : numpy.ndarray
        Respondents × items (answer scale, reverse coding applied), NaN for no answer.
    in_group : numpy.ndarray of bool
        Membership of the first group; the rest form the second.
    item_ids : sequence of str, optional
        Column names (default ``"item 1"``, ``"item 2"``, …).
    min_fraction : float
        Smallest share of either group that must have answered an item for it to be used.

    Returns
    -------
    CommonItems
        ``scores`` per respondent, the items used and dropped, and ``reason`` when none is left.

    Examples
    --------
    >>> x = np.array([[3, 4, 2.0], [4, 4, 3], [2, np.nan, 3], [3, np.nan, 2]])
    >>> c = common_item_scores(x, np.array([True, True, False, False]), ["M1", "M2", "M3"])
    >>> c.items_used, c.items_dropped, c.scores.tolist()
    (('M1', 'M3'), ('M2',), [2.5, 3.5, 2.5, 2.5])
    """
    x = np.asarray(answers, dtype=float)
    g = np.asarray(in_group, dtype=bool)
    if x.ndim != 2 or g.shape != (x.shape[0],):
        raise ScoringError(
            f"answers must be respondents × items and in_group one flag per respondent "
            f"(got answers {x.shape}, in_group {g.shape})"
        )
    if not 0 < min_fraction <= 1:
        raise ScoringError(f"min_fraction must lie in (0, 1], got {min_fraction!r}")
    ids = (
        tuple(item_ids)
        if item_ids is not None
        else tuple(f"item {j + 1}" for j in range(x.shape[1]))
    )
    if len(ids) != x.shape[1]:
        raise ScoringError(f"{len(ids)} item ids for {x.shape[1]} answer columns")
    asked = ~np.isnan(x)
    keep = np.ones(x.shape[1], dtype=bool)
    for grp in (g, ~g):
        share = asked[grp].mean(axis=0) if grp.any() else np.zeros(x.shape[1])
        keep &= share >= min_fraction
    used = tuple(i for i, k in zip(ids, keep, strict=True) if k)
    dropped = tuple(i for i, k in zip(ids, keep, strict=True) if not k)
    if not keep.any():
        if not g.any() or g.all():
            reason = "one of the two groups has no members, so there is nothing to compare"
        elif not asked.any():
            reason = "nobody answered any of these items (every answer N/A or missing)"
        else:
            reason = (
                f"no item was answered by at least {min_fraction:.0%} of both groups, "
                "so the groups cannot be compared on the same questions"
            )
        return CommonItems(np.full(x.shape[0], NAN), (), dropped, reason)
    sub = x[:, keep]
    n = (~np.isnan(sub)).sum(axis=1)
    total = np.nansum(sub, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(n > 0, total / np.maximum(n, 1), NAN)
    return CommonItems(scores, used, dropped)

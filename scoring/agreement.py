"""Agreement and reliability statistics: how far a team of raters sees the same thing.

Pure numpy/scipy, vectorised, no I/O. Every function takes plain arrays where ``NaN`` marks a
missing rating ("not applicable" is missing, never 0) and returns plain floats or frozen
dataclasses. Undefined statistics are ``nan``, never 0 or 1; the ``*_detail`` variants say why.

Notation: a scale has A options from ``low`` L to ``high`` H (A = H − L + 1); k raters; J items.

=====================  ==========================================================================
statistic              reference
=====================  ==========================================================================
r_wg, r_wg(J)          James, Demaree & Wolf (1984), J. Appl. Psychol. 69(1), 85–98
r*_wg(J)               Lindell, Brandt & Whitney (1999), Appl. Psychol. Meas. 23(2), 127–135
AD_M, AD_Md            Burke, Finkelstein & Dusig (1999), Organ. Res. Methods 2(1), 49–68
a_wg, a_wg(J)          Brown & Hauenstein (2005), Organ. Res. Methods 8(2), 165–184
ICC (six forms)        Shrout & Fleiss (1979), Psychol. Bull. 86(2), 420–428; CIs: McGraw & Wong (1996)
Krippendorff's α       Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability"
Cronbach's α           Cronbach (1951), Psychometrika 16(3), 297–334
ICC(1), ICC(2), F      Bliese (2000) in Klein & Kozlowski (eds.), Multilevel Theory, Research, and
                       Methods in Organizations, 349–381
=====================  ==========================================================================

Conventions (``docs/methodology.md#notation-and-conventions``), and where they differ from R
``multilevel`` (Bliese), which is the
reference implementation for r_wg, AD and a_wg:

* uniform null variance σ²_EU = (A² − 1)/12; unbiased variances (k − 1) for r_wg, r*_wg(J), a_wg;
  denominator k for AD.
* ``truncate=True``: r_wg and r_wg(J) outside [0, 1] become 0 — exactly what ``multilevel::rwg``
  and ``rwg.j`` do, because they cap the observed variance at σ²_EU before applying the formula.
  The raw value and an out-of-range flag stay available in :class:`RwgResult`.
* Missing data in multi-item statistics are handled per item (pairwise): each item's variance or
  AD uses the raters who answered it; items with fewer than two ratings are left out and J counts
  the items that remain. R's functions drop every rater with any missing item first (listwise);
  on complete data both agree exactly.
* a_wg at a scale endpoint (every rating L, or every rating H) is 0/0 and returns ``nan`` with a
  reason; ``multilevel::awg`` returns 1 there. The admissible-mean rule is R's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import special

from questionnaires.errors import ScoringError
from scoring.results import ICCResult, Interval, Separation

__all__ = [
    "AgreementResult",
    "RwgResult",
    "ad",
    "ad_cutoff",
    "ad_detail",
    "awg",
    "awg_detail",
    "awg_j",
    "awg_j_detail",
    "cronbach_alpha",
    "cronbach_alpha_detail",
    "group_separation",
    "icc",
    "krippendorff_alpha",
    "null_variance",
    "rwg",
    "rwg_detail",
    "rwg_j",
    "rwg_j_detail",
    "rwg_star_j",
    "rwg_star_j_detail",
]

NAN = float("nan")
Level = Literal["nominal", "ordinal", "interval", "ratio"]
_LEVELS = ("nominal", "ordinal", "interval", "ratio")
# relative tolerance for boundary tests (a_wg admissible range, zero total variance of α)
_EPS = 1e-12


# --------------------------------------------------------------------------------------------
# result types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RwgResult:
    """An r_wg-family value with its provenance.

    Attributes
    ----------
    value : float
        What :func:`rwg`/:func:`rwg_j` return (truncated to [0, 1] when asked).
    raw : float
        The untruncated formula value (``nan`` when the formula itself divides by zero).
    out_of_range : bool
        The observed variance exceeded σ²_EU (raw outside [0, 1]).
    reason : str
        Empty when the value is defined; why it is ``nan`` otherwise.
    n_raters : int
        Raters with at least one rating.
    n_items : int
        Items that entered the value (J).
    mean_variance : float
        The observed (mean item) variance s² or S.
    null_variance : float
        The uniform null variance σ²_EU = (A² − 1)/12.
    """

    value: float
    raw: float
    out_of_range: bool
    reason: str = ""
    n_raters: int = 0
    n_items: int = 0
    mean_variance: float = NAN
    null_variance: float = NAN

    @property
    def defined(self) -> bool:
        """Whether :attr:`value` is a number (not ``nan``)."""
        return not math.isnan(self.value)


@dataclass(frozen=True)
class AgreementResult:
    """A value of AD or a_wg with the reason when it is undefined (``nan``).

    Attributes
    ----------
    value : float
        The statistic, ``nan`` when undefined.
    reason : str
        Empty when the value is defined; why it is ``nan`` otherwise.
    n_raters : int
        Raters (respondents) with at least one rating.
    n_items : int
        Items that entered the value.
    n_items_excluded : int
        Items left out (too few ratings, or an a_wg item mean outside its admissible range).
    """

    value: float
    reason: str = ""
    n_raters: int = 0
    n_items: int = 0
    n_items_excluded: int = 0

    @property
    def defined(self) -> bool:
        """Whether :attr:`value` is a number (not ``nan``)."""
        return not math.isnan(self.value)


# --------------------------------------------------------------------------------------------
# input helpers
# --------------------------------------------------------------------------------------------


def _as_float(x: npt.ArrayLike, ndim: tuple[int, ...], what: str) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim not in ndim:
        want = " or ".join(f"{d}-D" for d in ndim)
        raise ValueError(f"{what} must be a {want} array, got shape {a.shape}")
    if np.isinf(a).any():
        raise ScoringError(f"{what} contains an infinite value; ratings must be finite or NaN")
    return a


def _as_matrix(X: npt.ArrayLike, what: str) -> np.ndarray:
    """A 2-D float array; a 1-D input is taken as one item (a column)."""
    a = _as_float(X, (1, 2), what)
    return a[:, None] if a.ndim == 1 else a


def null_variance(n_options: int) -> float:
    """Variance of the uniform ("rectangular") null distribution on A options.

    σ²_EU = (A² − 1)/12.

    Parameters
    ----------
    n_options : int
        Number of answer options A (at least 2).

    Returns
    -------
    float
        σ²_EU.

    Raises
    ------
    ValueError
        When ``n_options`` is not an integer of at least 2.

    References
    ----------
    James, Demaree & Wolf (1984), J. Appl. Psychol. 69(1), 85–98, eq. 3.

    Examples
    --------
    >>> null_variance(5)
    2.0
    """
    if isinstance(n_options, bool) or int(n_options) != n_options or n_options < 2:
        raise ValueError(
            f"n_options must be an integer >= 2 (the number of answer options), got {n_options!r}"
        )
    a = int(n_options)
    return (a * a - 1) / 12.0


def _item_moments(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column: number of ratings, mean, unbiased variance (nan where fewer than 2 ratings)."""
    mask = ~np.isnan(X)
    n = mask.sum(axis=0)
    x0 = np.where(mask, X, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = x0.sum(axis=0) / n
        dev = np.where(mask, X - mean, 0.0)
        var = (dev * dev).sum(axis=0) / (n - 1)
    var = np.where(n >= 2, var, np.nan)
    return n, mean, var


# --------------------------------------------------------------------------------------------
# r_wg family
# --------------------------------------------------------------------------------------------


def rwg_detail(x: npt.ArrayLike, n_options: int) -> RwgResult:
    """The r_wg of one item with raw value, truncated value, out-of-range flag and reason.

    r_wg = 1 − s²/σ²_EU, with s² the unbiased variance of the k ratings and σ²_EU = (A² − 1)/12
    (James, Demaree & Wolf 1984). Undefined for k < 2. The truncated value is
    max(0, r_wg): ``multilevel::rwg`` caps s² at σ²_EU, which gives 0 whenever s² > σ²_EU.

    Parameters
    ----------
    x : array_like
        The k ratings of one item (1-D), ``NaN`` = missing.
    n_options : int
        Number of answer options A.

    Returns
    -------
    RwgResult
        Truncated and raw value, out-of-range flag, reason and counts.

    Raises
    ------
    ValueError
        When ``x`` is not 1-D or ``n_options`` is below 2.
    questionnaires.errors.ScoringError
        When a rating is infinite.

    References
    ----------
    James, Demaree & Wolf (1984), J. Appl. Psychol. 69(1), 85–98.

    Examples
    --------
    >>> r = rwg_detail([1, 5, 1, 5], 5)
    >>> round(r.raw, 4), r.value, r.out_of_range
    (-1.6667, 0.0, True)
    """
    ev = null_variance(n_options)
    a = _as_float(x, (1,), "ratings x")
    a = a[~np.isnan(a)]
    k = a.size
    if k < 2:
        return RwgResult(NAN, NAN, False, f"r_wg needs at least 2 ratings, got {k}", k, 1, NAN, ev)
    s2 = float(a.var(ddof=1))
    raw = 1.0 - s2 / ev
    out = s2 > ev
    return RwgResult(0.0 if out else raw, raw, bool(out), "", k, 1, s2, ev)


def rwg(x: npt.ArrayLike, n_options: int, truncate: bool = True) -> float:
    """Within-group agreement on one item: r_wg = 1 − s²/σ²_EU.

    s² is the unbiased (k − 1) variance of the non-missing ratings; σ²_EU = (A² − 1)/12 is the
    variance expected if raters answered at random on A options. 1 = perfect agreement (also when
    every rating is the same); 0 = no more agreement than random answering. With
    ``truncate=True`` values below 0 (more disagreement than random) are reported as 0, as
    ``multilevel::rwg`` does; ``truncate=False`` gives the raw value. ``nan`` with fewer than two
    ratings.

    Parameters
    ----------
    x : array_like
        The k ratings of one item (1-D), ``NaN`` = missing.
    n_options : int
        Number of answer options A.
    truncate : bool, default True
        Report values below 0 as 0 (as R does); ``False`` gives the raw value.

    Returns
    -------
    float
        r_wg, ``nan`` with fewer than two ratings.

    Raises
    ------
    ValueError
        When ``x`` is not 1-D or ``n_options`` is below 2.
    questionnaires.errors.ScoringError
        When a rating is infinite.

    See Also
    --------
    rwg_detail : The same value with its raw value and reason.

    References
    ----------
    James, Demaree & Wolf (1984), J. Appl. Psychol. 69, 85–98.

    Examples
    --------
    >>> rwg([4, 4, 5, 4, 3], 5)
    0.75
    >>> rwg([1, 5, 1, 5], 5), round(rwg([1, 5, 1, 5], 5, truncate=False), 4)
    (0.0, -1.6667)
    """
    r = rwg_detail(x, n_options)
    return r.value if truncate else r.raw


def _mean_item_variance(X: np.ndarray) -> tuple[float, int, int, int]:
    """Mean of the defined per-item variances; (S, J used, J excluded, raters with any rating)."""
    n, _, var = _item_moments(X)
    ok = n >= 2
    j = int(ok.sum())
    raters = int((~np.isnan(X)).any(axis=1).sum())
    if j == 0:
        return NAN, 0, X.shape[1], raters
    return float(var[ok].mean()), j, X.shape[1] - j, raters


def rwg_j_detail(X: npt.ArrayLike, n_options: int) -> RwgResult:
    """The r_wg(J) of a J-item scale with raw value, truncated value, out-of-range flag and reason.

    With S the mean of the item variances (pairwise: each item over the raters who answered it;
    items with fewer than 2 ratings left out, J = items kept) and r = S/σ²_EU:
    r_wg(J) = J(1 − r) / (J(1 − r) + r) (James, Demaree & Wolf 1984, eq. 4). When S > σ²_EU
    the raw value leaves [0, 1] (negative for 1 < r < J/(J − 1), above 1 beyond, infinite at
    r = J/(J − 1), where ``raw`` is ``nan``); the truncated value is then 0, as in
    ``multilevel::rwg.j``.

    Parameters
    ----------
    X : array_like
        Ratings, raters × items (1-D: one item), ``NaN`` = missing.
    n_options : int
        Number of answer options A.

    Returns
    -------
    RwgResult
        Truncated and raw value, out-of-range flag, reason and counts.

    Raises
    ------
    ValueError
        When ``X`` has more than 2 dimensions or ``n_options`` is below 2.
    questionnaires.errors.ScoringError
        When a rating is infinite.

    References
    ----------
    James, Demaree & Wolf (1984), J. Appl. Psychol. 69(1), 85–98, eq. 4.

    Examples
    --------
    >>> r = rwg_j_detail([[1, 5], [5, 1], [1, 5]], 5)
    >>> round(r.raw, 4), r.value, r.out_of_range
    (5.0, 0.0, True)
    """
    ev = null_variance(n_options)
    A = _as_matrix(X, "ratings X (raters × items)")
    s, j, _, raters = _mean_item_variance(A)
    if j == 0:
        why = "r_wg(J) needs at least one item rated by 2 or more raters"
        return RwgResult(NAN, NAN, False, why, raters, 0, NAN, ev)
    r = s / ev
    den = j * (1.0 - r) + r
    raw = j * (1.0 - r) / den if den != 0 else NAN
    out = s > ev
    value = 0.0 if out else raw
    return RwgResult(value, raw, bool(out), "", raters, j, s, ev)


def rwg_j(X: npt.ArrayLike, n_options: int, truncate: bool = True) -> float:
    """Within-group agreement on a J-item scale, r_wg(J) (Spearman–Brown stepped up r_wg).

    r_wg(J) = J(1 − S/σ²_EU) / (J(1 − S/σ²_EU) + S/σ²_EU), with S the mean of the unbiased
    item variances and σ²_EU = (A² − 1)/12. Each item's variance uses the raters who answered it
    (pairwise) and items with fewer than 2 ratings are left out (J counts the items kept).
    ``truncate=True`` reports 0 when S > σ²_EU (raw value < 0 or > 1), as ``multilevel::rwg.j``
    does. ``nan`` when no item has 2 ratings.

    Parameters
    ----------
    X : array_like
        Ratings, raters × items (1-D: one item), ``NaN`` = missing.
    n_options : int
        Number of answer options A.
    truncate : bool, default True
        Report 0 when S > σ²_EU (as R does); ``False`` gives the raw value.

    Returns
    -------
    float
        r_wg(J), ``nan`` when no item has 2 ratings.

    Raises
    ------
    ValueError
        When ``X`` has more than 2 dimensions or ``n_options`` is below 2.
    questionnaires.errors.ScoringError
        When a rating is infinite.

    See Also
    --------
    rwg_j_detail : The same value with its raw value and reason.

    References
    ----------
    James, Demaree & Wolf (1984), J. Appl. Psychol. 69, 85–98, eq. 4.

    Examples
    --------
    >>> round(rwg_j([[4, 4], [4, 5], [5, 4]], 5), 4)
    0.9091
    """
    r = rwg_j_detail(X, n_options)
    return r.value if truncate else r.raw


def rwg_star_j_detail(X: npt.ArrayLike, n_options: int) -> RwgResult:
    """The r*_wg(J) with its reason; never truncated.

    See :func:`rwg_star_j` for the formula (Lindell, Brandt & Whitney 1999). ``raw`` equals
    ``value``; ``out_of_range`` flags values below 0.

    Parameters
    ----------
    X : array_like
        Ratings, raters × items (1-D: one item), ``NaN`` = missing.
    n_options : int
        Number of answer options A.

    Returns
    -------
    RwgResult
        Value, out-of-range flag (< 0), reason and counts.

    Raises
    ------
    ValueError
        When ``X`` has more than 2 dimensions or ``n_options`` is below 2.
    questionnaires.errors.ScoringError
        When a rating is infinite.

    References
    ----------
    Lindell, Brandt & Whitney (1999), Appl. Psychol. Meas. 23(2), 127–135.

    Examples
    --------
    >>> r = rwg_star_j_detail([[1, 1], [5, 5], [1, 1], [5, 5]], 5)
    >>> round(r.value, 4), r.out_of_range
    (-1.6667, True)
    """
    ev = null_variance(n_options)
    A = _as_matrix(X, "ratings X (raters × items)")
    s, j, _, raters = _mean_item_variance(A)
    if j == 0:
        why = "r*_wg(J) needs at least one item rated by 2 or more raters"
        return RwgResult(NAN, NAN, False, why, raters, 0, NAN, ev)
    v = 1.0 - s / ev
    return RwgResult(v, v, bool(v < 0), "", raters, j, s, ev)


def rwg_star_j(X: npt.ArrayLike, n_options: int) -> float:
    """Lindell, Brandt & Whitney's r*_wg(J) = 1 − S/σ²_EU (no Spearman–Brown step-up).

    S is the mean of the unbiased item variances (pairwise per item, as in :func:`rwg_j`) and
    σ²_EU = (A² − 1)/12. Not truncated: negative values mean more disagreement than random
    answering (two equal camps at the scale ends give −1 in a large team, less in a small one).
    Unlike r_wg(J) it does not grow with the number of items. Same as ``multilevel::rwg.j.lindell``.

    Parameters
    ----------
    X : array_like
        Ratings, raters × items (1-D: one item), ``NaN`` = missing.
    n_options : int
        Number of answer options A.

    Returns
    -------
    float
        r*_wg(J), ``nan`` when no item has 2 ratings.

    Raises
    ------
    ValueError
        When ``X`` has more than 2 dimensions or ``n_options`` is below 2.
    questionnaires.errors.ScoringError
        When a rating is infinite.

    References
    ----------
    Lindell, Brandt & Whitney (1999), Appl. Psychol. Meas. 23, 127–135.

    Examples
    --------
    >>> round(rwg_star_j([[4, 4], [4, 5], [5, 4]], 5), 4)
    0.8333
    """
    return rwg_star_j_detail(X, n_options).value


# --------------------------------------------------------------------------------------------
# average deviation
# --------------------------------------------------------------------------------------------


def ad_cutoff(n_options: int) -> float:
    """Burke & Dunlap's practical cut-off for AD: A/6; AD at or below it indicates agreement.

    Parameters
    ----------
    n_options : int
        Number of answer options A.

    Returns
    -------
    float
        A/6.

    Raises
    ------
    ValueError
        When ``n_options`` is not an integer of at least 2.

    References
    ----------
    Burke & Dunlap (2002), Organ. Res. Methods 5(2), 159–172.

    Examples
    --------
    >>> ad_cutoff(5)
    0.8333333333333334
    """
    null_variance(n_options)  # validates
    return n_options / 6.0


def ad_detail(x: npt.ArrayLike, center: Literal["mean", "median"] = "mean") -> AgreementResult:
    """AD_M / AD_Md with the number of raters and items used, and a reason when undefined.

    See :func:`ad` for the formula (Burke, Finkelstein & Dusig 1999).

    Parameters
    ----------
    x : array_like
        Ratings of one item (1-D) or raters × items (2-D), ``NaN``/``None`` = missing.
    center : {"mean", "median"}, default "mean"
        Deviations from the mean (AD_M) or the median (AD_Md).

    Returns
    -------
    AgreementResult
        Value, reason and counts.

    Raises
    ------
    ValueError
        When ``center`` is neither ``"mean"`` nor ``"median"`` or ``x`` has more than 2 dimensions.
    questionnaires.errors.ScoringError
        When a rating is infinite.

    References
    ----------
    Burke, Finkelstein & Dusig (1999), Organ. Res. Methods 2(1), 49–68.

    Examples
    --------
    >>> ad_detail([[4, None], [2, None], [None, 3]])
    AgreementResult(value=1.0, reason='', n_raters=3, n_items=1, n_items_excluded=1)
    """
    if center not in ("mean", "median"):
        raise ValueError(f"center must be 'mean' or 'median', got {center!r}")
    A = _as_matrix(x, "ratings x")
    mask = ~np.isnan(A)
    n = mask.sum(axis=0)
    ok = n >= 2
    raters = int(mask.any(axis=1).sum())
    j = int(ok.sum())
    if j == 0:
        return AgreementResult(NAN, "AD needs at least 2 ratings of an item", raters, 0, A.shape[1])
    B = A[:, ok]
    with np.errstate(all="ignore"):
        c = np.nanmean(B, axis=0) if center == "mean" else np.nanmedian(B, axis=0)
        per_item = np.nansum(np.abs(B - c), axis=0) / n[ok]
    return AgreementResult(float(per_item.mean()), "", raters, j, A.shape[1] - j)


def ad(x: npt.ArrayLike, center: Literal["mean", "median"] = "mean") -> float:
    """Average deviation index AD_M (``center="mean"``) or AD_Md (``center="median"``).

    AD = Σ|x_i − c| / k over the k non-missing ratings, c the mean or median (denominator k, not
    k − 1). For a 2-D raters × items array, the mean of the per-item ADs (pairwise per item; items
    with fewer than 2 ratings left out). In scale units: 0 = complete agreement; compare with
    :func:`ad_cutoff` (A/6). ``nan`` when no item has 2 ratings. Same as ``multilevel::ad.m``
    on complete data.

    Parameters
    ----------
    x : array_like
        Ratings of one item (1-D) or raters × items (2-D), ``NaN`` = missing.
    center : {"mean", "median"}, default "mean"
        Deviations from the mean (AD_M) or the median (AD_Md).

    Returns
    -------
    float
        AD in scale units, ``nan`` when no item has 2 ratings.

    Raises
    ------
    ValueError
        When ``center`` is neither ``"mean"`` nor ``"median"`` or ``x`` has more than 2 dimensions.
    questionnaires.errors.ScoringError
        When a rating is infinite.

    See Also
    --------
    ad_detail : The same value with counts and reason.

    References
    ----------
    Burke, Finkelstein & Dusig (1999), Organ. Res. Methods 2, 49–68.

    Examples
    --------
    >>> ad([4, 4, 5, 4, 3])
    0.4
    >>> round(ad([[1, 2], [3, 2], [5, 5]], center="median"), 4)
    1.1667
    """
    return ad_detail(x, center).value


# --------------------------------------------------------------------------------------------
# a_wg
# --------------------------------------------------------------------------------------------


def _check_range(low: float, high: float) -> tuple[float, float]:
    lo, hi = float(low), float(high)
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        raise ValueError(f"the scale needs low < high, got low={low!r}, high={high!r}")
    return lo, hi


def _check_within(arr: np.ndarray, lo: float, hi: float) -> None:
    with np.errstate(invalid="ignore"):
        bad = (arr < lo) | (arr > hi)
    if bad.any():
        r, c = (int(i) for i in np.argwhere(bad)[0])
        where = f"rater row {r}" + (f", item column {c}" if arr.shape[1] > 1 else "")
        raise ScoringError(
            f"rating {arr[r, c]:g} at {where} is outside the scale [{lo:g}, {hi:g}] "
            f"({int(bad.sum())} such rating(s)); pass the scale's real low/high or correct the data"
        )


def _awg_items(A: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-item a_wg values and reasons ('' when defined)."""
    n, m, var = _item_moments(A)
    with np.errstate(invalid="ignore", divide="ignore"):
        k = n.astype(float)
        max_var = ((hi + lo) * m - m * m - hi * lo) * k / (k - 1)
        val = 1.0 - 2.0 * var / max_var
        lower = (lo * (k - 1) + hi) / k
        upper = (hi * (k - 1) + lo) / k
    tol = _EPS * max(1.0, abs(lo), abs(hi))
    reasons = np.full(A.shape[1], "", dtype=object)
    few = n < 2
    endpoint = ~few & ((np.abs(m - lo) <= tol) | (np.abs(m - hi) <= tol))
    outside = ~few & ~endpoint & ((m < lower - tol) | (m > upper + tol))
    reasons[few] = "fewer than 2 ratings"
    reasons[endpoint] = "every rating at the scale end (maximum possible variance 0)"
    reasons[outside] = "mean outside the admissible range [L + (H − L)/k, H − (H − L)/k]"
    val = np.where(few | endpoint | outside, np.nan, val)
    return val, reasons


def awg_detail(x: npt.ArrayLike, low: float, high: float) -> AgreementResult:
    """The a_wg of one item with a reason when undefined.

    See :func:`awg` for the formula (Brown & Hauenstein 2005).

    Parameters
    ----------
    x : array_like
        The k ratings of one item (1-D), ``NaN`` = missing.
    low : float
        Lowest answer option L.
    high : float
        Highest answer option H.

    Returns
    -------
    AgreementResult
        Value, reason and counts.

    Raises
    ------
    ValueError
        When ``low >= high`` or ``x`` is not 1-D.
    questionnaires.errors.ScoringError
        When a rating lies outside [low, high] or is infinite.

    References
    ----------
    Brown & Hauenstein (2005), Organ. Res. Methods 8(2), 165–184.

    Examples
    --------
    >>> awg_detail([1, 1, 4], 1, 5).reason
    'a_wg undefined: mean outside the admissible range [L + (H − L)/k, H − (H − L)/k]'
    """
    lo, hi = _check_range(low, high)
    a = _as_float(x, (1,), "ratings x")
    _check_within(a[:, None], lo, hi)
    val, why = _awg_items(a[:, None], lo, hi)
    k = int((~np.isnan(a)).sum())
    if np.isnan(val[0]):
        return AgreementResult(NAN, f"a_wg undefined: {why[0]}", k, 0, 1)
    return AgreementResult(float(val[0]), "", k, 1, 0)


def awg(x: npt.ArrayLike, low: float, high: float) -> float:
    """Brown & Hauenstein's a_wg: observed variance relative to the largest possible at that mean.

    a_wg = 1 − 2·s² / ([(H + L)·M − M² − H·L] · k/(k − 1)), with M the mean and s² the unbiased
    variance of the k ratings on a scale from L to H. Ranges from −1 (two camps at the ends)
    to 1. Undefined (``nan``) with fewer than 2 ratings, and when M lies outside the admissible
    range [L + (H − L)/k, H − (H − L)/k] (the rule of ``multilevel::awg``); at M = L or M = H the
    ratio is 0/0 and we return ``nan`` (R returns 1 there).

    Parameters
    ----------
    x : array_like
        The k ratings of one item (1-D), ``NaN`` = missing.
    low : float
        Lowest answer option L.
    high : float
        Highest answer option H.

    Returns
    -------
    float
        a_wg, ``nan`` when undefined.

    Raises
    ------
    ValueError
        When ``low >= high`` or ``x`` is not 1-D.
    questionnaires.errors.ScoringError
        When a rating lies outside [low, high] or is infinite.

    See Also
    --------
    awg_detail : The same value with the reason when undefined.

    References
    ----------
    Brown & Hauenstein (2005), Organ. Res. Methods 8, 165–184.

    Examples
    --------
    >>> round(awg([4, 4, 5, 4, 3], 1, 5), 4)
    0.7333
    >>> awg([5, 5, 4], 1, 5)
    nan
    """
    return awg_detail(x, low, high).value


def awg_j_detail(X: npt.ArrayLike, low: float, high: float) -> AgreementResult:
    """The a_wg(J) with the number of items used and excluded, and a reason when undefined.

    See :func:`awg_j` for the formula (Brown & Hauenstein 2005).

    Parameters
    ----------
    X : array_like
        Ratings, raters × items (1-D: one item), ``NaN`` = missing.
    low : float
        Lowest answer option L.
    high : float
        Highest answer option H.

    Returns
    -------
    AgreementResult
        Value, reason and counts of items used and excluded.

    Raises
    ------
    ValueError
        When ``low >= high`` or ``X`` has more than 2 dimensions.
    questionnaires.errors.ScoringError
        When a rating lies outside [low, high] or is infinite.

    References
    ----------
    Brown & Hauenstein (2005), Organ. Res. Methods 8(2), 165–184.

    Examples
    --------
    >>> d = awg_j_detail([[4, 5], [3, 5], [4, 4], [5, 4]], 1, 5)
    >>> round(d.value, 4), d.n_items, d.n_items_excluded
    (0.6667, 1, 1)
    """
    lo, hi = _check_range(low, high)
    A = _as_matrix(X, "ratings X (raters × items)")
    _check_within(A, lo, hi)
    val, why = _awg_items(A, lo, hi)
    ok = ~np.isnan(val)
    raters = int((~np.isnan(A)).any(axis=1).sum())
    if not ok.any():
        reasons = sorted(set(why[~ok]))
        return AgreementResult(
            NAN, "a_wg(J) undefined on every item: " + "; ".join(reasons), raters, 0, A.shape[1]
        )
    return AgreementResult(float(val[ok].mean()), "", raters, int(ok.sum()), int((~ok).sum()))


def awg_j(X: npt.ArrayLike, low: float, high: float) -> float:
    """The a_wg(J) of a raters × items array: the mean of its item a_wg values.

    Items where a_wg is undefined (fewer than 2 ratings, mean outside the admissible range, all
    ratings at one end) are left out of the mean, as ``multilevel::awg`` does (``na.rm = TRUE``);
    :func:`awg_j_detail` reports how many. ``nan`` when no item is defined.

    Parameters
    ----------
    X : array_like
        Ratings, raters × items (1-D: one item), ``NaN`` = missing.
    low : float
        Lowest answer option L.
    high : float
        Highest answer option H.

    Returns
    -------
    float
        a_wg(J), ``nan`` when no item is defined.

    Raises
    ------
    ValueError
        When ``low >= high`` or ``X`` has more than 2 dimensions.
    questionnaires.errors.ScoringError
        When a rating lies outside [low, high] or is infinite.

    References
    ----------
    Brown & Hauenstein (2005), Organ. Res. Methods 8, 165–184, eq. 5 (mean over items).

    Examples
    --------
    >>> round(awg_j([[4, 2], [4, 3], [5, 2], [4, 2], [3, 3]], 1, 5), 4)
    0.8007
    """
    return awg_j_detail(X, low, high).value


# --------------------------------------------------------------------------------------------
# intraclass correlations
# --------------------------------------------------------------------------------------------


def _q(a: float, b: float) -> float:
    """a/b, ``nan`` when b is 0 or not finite."""
    return a / b if b != 0 and math.isfinite(b) else NAN


def _f_ppf(q: float, d1: float, d2: float) -> float:
    """Quantile of the F distribution (scipy.special, without scipy.stats' per-call overhead)."""
    return float(special.fdtri(d1, d2, q))


def icc(X: npt.ArrayLike, missing: Literal["raise", "listwise"] = "raise") -> ICCResult:
    """The six intraclass correlations of Shrout & Fleiss (1979), with F tests and 95% CIs.

    From the two-way ANOVA mean squares of the n × k array — MSR (targets, df n − 1), MSC (raters,
    df k − 1), MSE (residual, df (n − 1)(k − 1)) and the one-way within-target
    MSW = (SSC + SSE)/(n(k − 1)):

    * ICC(1,1) = (MSR − MSW)/(MSR + (k − 1)MSW);  ICC(1,k) = (MSR − MSW)/MSR
    * ICC(2,1) = (MSR − MSE)/(MSR + (k − 1)MSE + k(MSC − MSE)/n);
      ICC(2,k) = (MSR − MSE)/(MSR + (MSC − MSE)/n)   (absolute agreement)
    * ICC(3,1) = (MSR − MSE)/(MSR + (k − 1)MSE);  ICC(3,k) = (MSR − MSE)/MSR   (consistency)

    ``f1`` = MSR/MSW, ``f23`` = MSR/MSE (∞ without error variance). ``ci`` maps ``"icc1"`` …
    ``"icc3k"`` to 95% intervals; the CIs are as McGraw & Wong (1996) give them and
    ``pingouin.intraclass_corr`` computes them (F-quantile intervals; for ICC(2,·) the
    Satterthwaite-type df). Values are ``nan`` when a ratio is 0/0 (no variance at all).

    Parameters
    ----------
    X : array_like
        Ratings, targets × raters (n × k), complete unless ``missing="listwise"``.
    missing : {"raise", "listwise"}, default "raise"
        A ``NaN`` raises, or drops its target (as pingouin's ``nan_policy="omit"``).

    Returns
    -------
    ICCResult
        The six ICCs, n, k, the F ratios and the 95% intervals.

    Raises
    ------
    ValueError
        When ``missing`` is neither ``"raise"`` nor ``"listwise"`` or ``X`` is not 2-D.
    questionnaires.errors.ScoringError
        When a rating is missing (``missing="raise"``) or infinite, or under 2 targets or raters.

    References
    ----------
    Shrout & Fleiss (1979), Psychol. Bull. 86(2), 420–428, Table 2 (worked example).
    McGraw & Wong (1996), Psychol. Methods 1(1), 30–46 (intervals).

    Examples
    --------
    >>> r = icc([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]])
    >>> round(r.icc1, 2), round(r.icc2, 2), round(r.icc3, 2)
    (0.17, 0.29, 0.71)
    """
    if missing not in ("raise", "listwise"):
        raise ValueError(f"missing must be 'raise' or 'listwise', got {missing!r}")
    A = _as_float(X, (2,), "ratings X (targets × raters)")
    nan_rows = np.isnan(A).any(axis=1)
    if nan_rows.any():
        if missing == "raise":
            r, c = (int(i) for i in np.argwhere(np.isnan(A))[0])
            raise ScoringError(
                f"ICC needs complete data, but {int(np.isnan(A).sum())} rating(s) are missing "
                f"(first at target row {r}, rater column {c}); drop those targets "
                "(icc(X, missing='listwise')) or use krippendorff_alpha, which allows missing values"
            )
        A = A[~nan_rows]
    n, k = A.shape
    if n < 2 or k < 2:
        raise ScoringError(f"ICC needs at least 2 complete targets and 2 raters, got {n} × {k}")

    gm = A.mean()
    row = A.mean(axis=1)
    col = A.mean(axis=0)
    ssr = k * float(((row - gm) ** 2).sum())
    ssc = n * float(((col - gm) ** 2).sum())
    sst = float(((A - gm) ** 2).sum())
    sse = max(sst - ssr - ssc, 0.0)
    df1, dfc, dfe, dfw = n - 1, k - 1, (n - 1) * (k - 1), n * (k - 1)
    msr, msc, mse = ssr / df1, ssc / dfc, sse / dfe
    msw = (ssc + sse) / dfw

    # a denominator that is zero up to rounding makes the ratio undefined (nan), not ±1e16
    tiny = 1e-12 * max(msr, msc, mse, msw, 1e-300)

    def div(a: float, b: float) -> float:
        return NAN if not math.isfinite(b) or abs(b) <= tiny else a / b

    def fratio(a: float, b: float) -> float:  # F with no error variance: infinite if a > 0
        return (math.inf if a > tiny else NAN) if abs(b) <= tiny else a / b

    icc1 = div(msr - msw, msr + (k - 1) * msw)
    icc2 = div(msr - mse, msr + (k - 1) * mse + k * (msc - mse) / n)
    icc3 = div(msr - mse, msr + (k - 1) * mse)
    icc1k = div(msr - msw, msr)
    icc2k = div(msr - mse, msr + (msc - mse) / n)
    icc3k = div(msr - mse, msr)
    f1 = fratio(msr, msw)
    f3 = fratio(msr, mse)

    ci: dict[str, Interval] = {}
    with np.errstate(all="ignore"):
        q = 0.975
        f1l = f1 / _f_ppf(q, df1, dfw)
        f1u = f1 * _f_ppf(q, dfw, df1)
        f3l = f3 / _f_ppf(q, df1, dfe)
        f3u = f3 * _f_ppf(q, dfe, df1)
        ci["icc1"] = Interval(_q(f1l - 1, f1l + k - 1), _q(f1u - 1, f1u + k - 1))
        ci["icc3"] = Interval(_q(f3l - 1, f3l + k - 1), _q(f3u - 1, f3u + k - 1))
        ci["icc1k"] = Interval(1 - _q(1, f1l), 1 - _q(1, f1u))
        ci["icc3k"] = Interval(1 - _q(1, f3l), 1 - _q(1, f3u))
        fj = div(msc, mse)
        vn = dfe * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        vd = df1 * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        v = _q(vn, vd)
        f2u = _f_ppf(q, df1, v)
        f2l = _f_ppf(q, v, df1)
        base = k * msc + (k * n - k - n) * mse
        l2 = div(n * (msr - f2u * mse), f2u * base + n * msr)
        u2 = div(n * (f2l * msr - mse), base + n * f2l * msr)
        ci["icc2"] = Interval(l2, u2)
        ci["icc2k"] = Interval(_q(l2 * k, 1 + l2 * (k - 1)), _q(u2 * k, 1 + u2 * (k - 1)))

    return ICCResult(
        icc1=icc1, icc2=icc2, icc3=icc3, icc1k=icc1k, icc2k=icc2k, icc3k=icc3k,
        n=n, k=k, f1=f1, f23=f3, ci=ci,
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# Krippendorff's alpha
# --------------------------------------------------------------------------------------------


def _value_counts(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Units × values count matrix and the sorted value domain of a coders × units array."""
    finite = ~np.isnan(A)
    if not finite.any():
        return np.zeros((A.shape[1], 0)), np.zeros(0)
    vmin, vmax = float(np.nanmin(A)), float(np.nanmax(A))
    if vmin == math.floor(vmin) and vmax - vmin <= 32:
        # small integer scales (the common case): one vectorised comparison pass per value;
        # if every finite value was counted, all were integers and the counts are complete
        domain = np.arange(vmin, vmax + 1.0)
        counts = np.empty((A.shape[1], domain.size))
        for j, v in enumerate(domain):
            counts[:, j] = np.count_nonzero(np.equal(A, v), axis=0)
        if counts.sum() == np.count_nonzero(finite):
            keep = counts.any(axis=0)
            return counts[:, keep], domain[keep]
    coder, unit = np.nonzero(finite)
    domain, code = np.unique(A[coder, unit], return_inverse=True)
    flat = np.bincount(unit * domain.size + code, minlength=A.shape[1] * domain.size)
    return flat.reshape(A.shape[1], domain.size).astype(float), domain


def _delta2(level: str, domain: np.ndarray, n_c: np.ndarray) -> np.ndarray:
    """Squared difference function δ²(c, k) of Krippendorff (2011) for each level."""
    c, k = domain[:, None], domain[None, :]
    if level == "nominal":
        result: np.ndarray = (c != k).astype(float)
        return result
    if level == "interval":
        result = (c - k) ** 2
        return result
    if level == "ratio":
        s = c + k
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(s != 0, ((c - k) / s) ** 2, 0.0)
    # ordinal: (Σ_{g=c..k} n_g − (n_c + n_k)/2)², with values ranked by the domain order
    cum = np.concatenate(([0.0], np.cumsum(n_c)))
    i = np.arange(domain.size)
    lo, hi = np.minimum.outer(i, i), np.maximum.outer(i, i)
    between = cum[hi + 1] - cum[lo]
    result = (between - (n_c[lo] + n_c[hi]) / 2.0) ** 2
    return result


def krippendorff_alpha(X: npt.ArrayLike, level: Level = "interval") -> float:
    """Krippendorff's α for any number of coders, missing values and four levels of measurement.

    Coincidence-matrix method (Krippendorff 2011): units with fewer than 2 values are not pairable
    and are dropped; each unit u with m_u values adds (n_uc·n_uk − [c = k]·n_uc)/(m_u − 1) to
    o_ck; n_c = Σ_k o_ck, n = Σ_c n_c, and

        α = 1 − D_o/D_e = 1 − (n − 1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck

    with δ² nominal [c ≠ k], ordinal (Σ_{g=c}^{k} n_g − (n_c + n_k)/2)², interval (c − k)²,
    ratio ((c − k)/(c + k))². 1 = perfect reliability, 0 = chance level; below 0 systematic
    disagreement. Matches the ``krippendorff`` package (same data, same level) to rounding.

    Parameters
    ----------
    X : array_like
        Values, coders × units (for a team: respondents × items), ``NaN``/``None`` = missing.
    level : {"nominal", "ordinal", "interval", "ratio"}, default "interval"
        Level of measurement, which chooses δ².

    Returns
    -------
    float
        α, ``nan`` when there are no pairable values or only one value is ever used (D_e = 0).

    Raises
    ------
    ValueError
        When ``level`` is not one of the four levels or ``X`` is not 2-D.
    questionnaires.errors.ScoringError
        When a value is infinite, or negative at the ratio level.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
    Communication, University of Pennsylvania (its worked example: nominal α = 0.743).

    Examples
    --------
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    ...         [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
    >>> round(krippendorff_alpha(data, "nominal"), 3), round(krippendorff_alpha(data, "interval"), 3)
    (0.743, 0.849)
    """
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {', '.join(_LEVELS)}; got {level!r}")
    A = _as_float(X, (2,), "ratings X (coders × units)")
    counts, domain = _value_counts(A)
    m = counts.sum(axis=1)
    pairable = m >= 2
    if not pairable.any() or domain.size == 0:
        return NAN
    counts, m = counts[pairable], m[pairable]
    if level == "ratio" and (domain < 0).any():
        raise ScoringError("ratio-level Krippendorff's alpha needs non-negative values")
    weighted = counts / (m - 1.0)[:, None]
    o = weighted.T @ counts
    o[np.diag_indices_from(o)] -= weighted.sum(axis=0)
    n_c = o.sum(axis=0)
    n = n_c.sum()
    d2 = _delta2(level, domain, n_c)
    d_o = float((o * d2).sum())
    d_e = float(n_c @ d2 @ n_c) / (n - 1.0)
    if d_e <= 0:
        return NAN
    return float(1.0 - d_o / d_e)


# --------------------------------------------------------------------------------------------
# Cronbach's alpha
# --------------------------------------------------------------------------------------------


def _pairwise_cov(A: np.ndarray) -> np.ndarray:
    """Covariance matrix from pairwise-complete observations (as pandas ``DataFrame.cov``)."""
    mask = ~np.isnan(A)
    M = mask.astype(float)
    Z = np.where(mask, A, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = Z.sum(axis=0) / M.sum(axis=0)  # column means; covariance is shift-invariant
    Z = np.where(mask, A - np.nan_to_num(shift), 0.0)  # centring keeps the sums accurate
    n = M.T @ M
    sx = Z.T @ M  # [i, j]: sum of item i over rows where i and j are both present
    sxy = Z.T @ Z
    with np.errstate(invalid="ignore", divide="ignore"):
        cov: np.ndarray = (sxy - sx * sx.T / n) / (n - 1)
    cov[n < 2] = np.nan
    return cov


def cronbach_alpha_detail(
    X: npt.ArrayLike, missing: Literal["pairwise", "listwise"] = "pairwise"
) -> AgreementResult:
    """Cronbach's α with the number of respondents and items used, and a reason when undefined.

    See :func:`cronbach_alpha` for the formula. The total variance Σ_ij σ_ij counts as zero
    when |Σ_ij σ_ij| ≤ 10⁻¹² · Σ_i σ²_i (the relative tolerance of :func:`icc`), so round-off
    in a scale whose item totals are all equal gives ``nan``, never ±10¹⁶.

    Parameters
    ----------
    X : array_like
        Ratings, respondents × items, ``NaN`` = missing.
    missing : {"pairwise", "listwise"}, default "pairwise"
        Covariances from pairwise-complete observations, or drop respondents with any missing item.

    Returns
    -------
    AgreementResult
        Value, reason and counts.

    Raises
    ------
    ValueError
        When ``missing`` is neither ``"pairwise"`` nor ``"listwise"`` or ``X`` is not 2-D.
    questionnaires.errors.ScoringError
        When a rating is infinite.

    References
    ----------
    Cronbach (1951), Psychometrika 16(3), 297–334.

    Examples
    --------
    >>> cronbach_alpha_detail([[1, 1, 2], [1, 2, 1], [2, 1, 1]]).reason
    'every respondent has the same item total (total variance 0)'
    """
    if missing not in ("pairwise", "listwise"):
        raise ValueError(f"missing must be 'pairwise' or 'listwise', got {missing!r}")
    A = _as_float(X, (2,), "ratings X (respondents × items)")
    if missing == "listwise":
        A = A[~np.isnan(A).any(axis=1)]
    j = int(A.shape[1])
    n = int(A.shape[0])
    if j < 2:
        return AgreementResult(NAN, "needs at least 2 items", n, j)
    if n < 2:
        return AgreementResult(NAN, "needs at least 2 respondents", n, j)
    C = _pairwise_cov(A)
    total = float(C.sum())
    if not math.isfinite(total):
        why = "some pair of items has fewer than 2 respondents in common"
        return AgreementResult(NAN, why, n, j)
    item_var = float(np.trace(C))
    if abs(total) <= _EPS * item_var or total == 0:
        why = "every respondent has the same item total (total variance 0)"
        return AgreementResult(NAN, why, n, j)
    return AgreementResult(j / (j - 1) * (1.0 - item_var / total), "", n, j)


def cronbach_alpha(
    X: npt.ArrayLike, missing: Literal["pairwise", "listwise"] = "pairwise"
) -> float:
    """Cronbach's α of a respondents × items array: internal consistency of a scale.

    α = J/(J − 1) · (1 − Σ_i σ²_i / Σ_ij σ_ij), with C = (σ_ij) the item covariance matrix
    (unbiased). ``missing="pairwise"`` builds C from pairwise-complete observations (as
    ``pingouin.cronbach_alpha`` and R ``psych::alpha(use="pairwise")``); ``"listwise"`` first
    drops respondents with any missing item. A pairwise matrix need not be positive
    semi-definite, so under heavy missingness pairwise α can exceed 1 (listwise α cannot).

    Parameters
    ----------
    X : array_like
        Ratings, respondents × items, ``NaN`` = missing.
    missing : {"pairwise", "listwise"}, default "pairwise"
        Covariances from pairwise-complete observations, or drop respondents with any missing item.

    Returns
    -------
    float
        α; ``nan`` when J < 2, fewer than 2 respondents (per pair), or zero total variance
        (|Σ_ij σ_ij| ≤ 10⁻¹² · Σ_i σ²_i, so round-off cannot give ±10¹⁶);
        :func:`cronbach_alpha_detail` says which.

    Raises
    ------
    ValueError
        When ``missing`` is neither ``"pairwise"`` nor ``"listwise"`` or ``X`` is not 2-D.
    questionnaires.errors.ScoringError
        When a rating is infinite.

    References
    ----------
    Cronbach (1951), Psychometrika 16, 297–334.

    Examples
    --------
    >>> round(cronbach_alpha([[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 5, 5], [5, 4, 5]]), 4)
    0.9455
    """
    return cronbach_alpha_detail(X, missing).value


# --------------------------------------------------------------------------------------------
# between-group separation
# --------------------------------------------------------------------------------------------


def group_separation(values: npt.ArrayLike, groups: npt.ArrayLike) -> Separation:
    """How strongly groups (e.g. departments) differ: one-way ANOVA with unequal group sizes.

    With G groups, N values, MSB = SSB/(G − 1) and MSW = SSW/(N − G):

    * F = MSB/MSW on (G − 1, N − G) df, p from the F distribution (as ``scipy.stats.f_oneway``)
    * ICC(1) = (MSB − MSW)/(MSB + (k̄ − 1)·MSW), k̄ = N/G the mean group size, as
      ``multilevel::ICC1`` computes it (Bliese 2000): the share of rating variance due to group
    * ICC(2) = (MSB − MSW)/MSB, ``multilevel::ICC2``: reliability of the group means
    * η² = SSB/SST;  ω² = (SSB − (G − 1)·MSW)/(SST + MSW) (Hays), less biased for small groups

    ``NaN`` values are dropped with their labels. Undefined parts are ``nan`` with a ``reason``:
    fewer than 2 groups, no within-group degrees of freedom (every group of size 1), or no
    variance at all.

    Parameters
    ----------
    values : array_like
        One value per respondent (1-D), ``NaN`` = missing.
    groups : array_like
        One group label per value (1-D).

    Returns
    -------
    Separation
        ICC(1), ICC(2), η², ω², F, degrees of freedom, p-value and reason.

    Raises
    ------
    ValueError
        When ``groups`` is not 1-D with one label per value.
    questionnaires.errors.ScoringError
        When a value is infinite.

    References
    ----------
    Bliese (2000) in Klein & Kozlowski (eds.), Multilevel Theory, Research, and Methods in
    Organizations, 349–381; Hays (1963) for ω².

    Examples
    --------
    >>> s = group_separation([1, 2, 3, 3, 4, 5], ["a", "a", "a", "b", "b", "b"])
    >>> s.f, s.df_between, s.df_within, round(s.icc1, 4), round(s.eta2, 4)
    (6.0, 1, 4, 0.625, 0.6)
    """
    v = _as_float(values, (1,), "values")
    g = np.asarray(groups)
    if g.ndim != 1 or g.shape[0] != v.shape[0]:
        raise ValueError(f"groups must be 1-D with one label per value: {g.shape} vs {v.shape}")
    keep = ~np.isnan(v)
    v, g = v[keep], g[keep]
    _, gid = np.unique(g, return_inverse=True)
    gid = gid.ravel()
    n_g = np.bincount(gid).astype(float)
    G, N = n_g.size, v.size
    dfb, dfw = G - 1, N - G
    if G < 2:
        why = f"needs at least 2 groups with a value, got {G}"
        return Separation(NAN, NAN, NAN, NAN, NAN, max(dfb, 0), max(dfw, 0), NAN, why)
    means = np.bincount(gid, weights=v) / n_g
    gm = v.mean()
    ssb = float((n_g * (means - gm) ** 2).sum())
    ssw = float(((v - means[gid]) ** 2).sum())
    sst = ssb + ssw
    if dfw < 1:
        why = "no within-group variation to compare with: every group has a single value"
        eta2 = ssb / sst if sst > 0 else NAN
        return Separation(NAN, NAN, eta2, NAN, NAN, dfb, dfw, NAN, why)
    msb, msw = ssb / dfb, ssw / dfw
    if sst == 0:
        return Separation(NAN, NAN, NAN, NAN, NAN, dfb, dfw, NAN, "all values are equal")
    kbar = N / G
    f = msb / msw if msw > 0 else math.inf
    p = float(special.fdtrc(dfb, dfw, f)) if msw > 0 else 0.0
    icc1 = (msb - msw) / (msb + (kbar - 1) * msw)
    icc2 = (msb - msw) / msb if msb > 0 else NAN
    reason = "" if msb > 0 else "group means are identical: ICC(2) is 0/0"
    eta2 = ssb / sst
    omega2 = (ssb - dfb * msw) / (sst + msw)
    return Separation(icc1, icc2, eta2, omega2, f, dfb, dfw, p, reason)

"""Agreement shown to managers, the direct-consensus gate, and item–rest checks.

* :func:`agreement_index` — one agreement index per capability: r*_wg(J) (Lindell, Brandt &
  Whitney 1999) against the variance of random answering with a central tendency (the discrete
  triangular null, LeBreton & Senter 2008), with the reason for that null in words;
* the **direct-consensus gate** (Chan 1998) in the same result: the team mean is interpreted only
  when the index reaches the gate, otherwise a reason in words;
* :func:`item_rest_correlations` and :func:`flag_items` — each item's correlation with the mean of
  the capability's other items, flagged under 0.2;
* :func:`agreement_items` and :func:`same_scale_mask` — the items of one scale kind, the only ones
  the agreement statistics may pool (``docs/methodology.md#3-agreement-statistics``).

Notation: A answer options, k raters, J items, S the mean of the unbiased item variances (each
item over the raters who answered it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from questionnaires.errors import ScoringError
from scoring import agreement as ag

if TYPE_CHECKING:
    from questionnaires.model import Instrument

__all__ = [
    "AgreementIndex",
    "AgreementItems",
    "ItemFlag",
    "ItemRest",
    "agreement_index",
    "agreement_items",
    "flag_items",
    "item_check_reason",
    "item_rest_correlations",
    "null_critical_value",
    "same_scale_mask",
    "triangular_null_variance",
]

NAN = float("nan")
#: The gate's fixed threshold: "moderate agreement" starts above 0.50 (LeBreton & Senter 2008).
GATE_THRESHOLD = 0.5
#: Raters and items beyond which the simulated critical value is taken at this size (conservative:
#: the critical value falls with k and J, and is far below :data:`GATE_THRESHOLD` there).
_MAX_SIM_RATERS = 60
_MAX_SIM_ITEMS = 12
_N_SIM = 4000
#: Fewest raters of :func:`agreement_index` (the AGI's minimum too).
MIN_RATERS = 3
#: Fewest respondents with the item and a rest score for :func:`flag_items` to flag it: the
#: sampling SD of r is about ``1/sqrt(n − 1)`` (0.45 at n = 6, 0.33 at n = 10).
ITEM_FLAG_MIN_N = 10

NULL_REASON = (
    "random answering is compared with a central tendency (the triangular null: middle options "
    "more likely than the ends), not with dice: people without a view rarely pick the scale ends, "
    "and against the uniform null such answering already reads as agreement "
    "(r_wg(J) about 0.73 for 8 people and 6 items)"
)


def _triangular_probs(n_options: int) -> np.ndarray:
    ag.null_variance(n_options)  # validates n_options
    i = np.arange(1, n_options + 1, dtype=float)
    w = np.minimum(i, n_options + 1 - i)
    p: np.ndarray = w / w.sum()
    return p


def triangular_null_variance(n_options: int) -> float:
    """Variance of the discrete triangular null on A options, the realistic "random answering".

    Option ``i`` (1..A) has probability ``min(i, A + 1 − i) / Σ_h min(h, A + 1 − h)``:
    answering without a view, with a tendency towards the middle. For A = 5 (probabilities
    1/9, 2/9, 3/9, 2/9, 1/9) the variance is 4/3 ≈ 1.33, within 0.01 of LeBreton & Senter's
    (2008) null variances for a slightly skewed (1.34) and a triangular (1.32) response
    distribution on five options; the uniform null of r_wg is (A² − 1)/12 = 2.

    Parameters
    ----------
    n_options : int
        Number of answer options A (at least 2).

    Returns
    -------
    float
        The null variance σ²_T in squared scale points.

    Raises
    ------
    ValueError
        When ``n_options`` is not an integer of at least 2.

    References
    ----------
    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater reliability
    and interrater agreement. *Organizational Research Methods*, 11, 815–852.

    Examples
    --------
    >>> round(triangular_null_variance(5), 4)
    1.3333
    """
    p = _triangular_probs(n_options)
    v = np.arange(n_options, dtype=float)
    mean = float(p @ v)
    return float(p @ (v - mean) ** 2)


@lru_cache(maxsize=1024)
def null_critical_value(
    n_raters: int, n_items: int, n_options: int, quantile: float = 0.95
) -> float:
    """The critical value of r*_wg(J) against the triangular null for random answering.

    Seeded simulation (4,000 teams of ``n_raters`` answering ``n_items`` items by drawing from
    the triangular distribution, seed fixed per size), cached per size. The critical value is the
    smallest simulated value ``v`` that at most ``1 − quantile`` of random teams reach
    (``share(r ≥ v) ≤ 1 − quantile``; the index is discrete in small teams, so an interpolated
    quantile would let more through). A team whose index lies below it cannot be told apart from random answering with a central tendency at the
    ``1 − quantile`` level, in the manner of Dunlap, Burke & Smith-Crowe's (2003) critical values
    for r_wg. Sizes above 60 raters or 12 items are simulated at 60 and 12: the critical value
    falls with both, so the value used is at least the true one.

    Parameters
    ----------
    n_raters : int
        Number of raters k (at least 2).
    n_items : int
        Number of items J (at least 1).
    n_options : int
        Number of answer options A (at least 2).
    quantile : float, default 0.95
        Quantile of the null distribution.

    Returns
    -------
    float
        The critical value of r*_wg(J) against :func:`triangular_null_variance`.

    Raises
    ------
    ValueError
        When a size is too small or ``quantile`` is not strictly between 0 and 1.

    References
    ----------
    Dunlap, W. P., Burke, M. J., & Smith-Crowe, K. (2003). Accurate tests of statistical
    significance for r_wg and average deviation interrater agreement indexes. *Journal of
    Applied Psychology*, 88, 356–362.

    Examples
    --------
    >>> null_critical_value(8, 6, 5) < GATE_THRESHOLD < null_critical_value(3, 1, 5)
    True
    """
    if n_raters < 2 or n_items < 1 or not 0.0 < quantile < 1.0:
        raise ValueError(
            f"need n_raters >= 2, n_items >= 1 and 0 < quantile < 1; got {n_raters}, {n_items}, "
            f"{quantile}"
        )
    k, j = min(n_raters, _MAX_SIM_RATERS), min(n_items, _MAX_SIM_ITEMS)
    p = _triangular_probs(n_options)
    rng = np.random.default_rng([20260110, k, j, n_options])
    draws = np.searchsorted(np.cumsum(p)[:-1], rng.random((_N_SIM, k, j)), side="right")
    s = draws.astype(float).var(axis=1, ddof=1).mean(axis=1)
    r = np.sort(1.0 - s / triangular_null_variance(n_options))
    # the smallest simulated value v with share(r ≥ v) ≤ 1 − quantile: the index is discrete in
    # small teams, so an interpolated quantile sitting on an atom would let more than 5% pass
    values, first = np.unique(np.round(r, 12), return_index=True)
    tail = (r.size - first) / r.size
    ok = np.flatnonzero(tail <= 1.0 - quantile + 1e-12)
    return float(values[ok[0]]) if ok.size else math.inf


@dataclass(frozen=True)
class AgreementIndex:
    """The agreement index shown to managers and the direct-consensus gate's verdict.

    Attributes
    ----------
    value : float
        r*_wg(J) against the triangular null, ``1 − S/σ²_T`` (not truncated; below 0 means more
        disagreement than random answering); ``nan`` when not computable.
    n_raters : int
        Raters with at least one rating.
    n_items : int
        Items rated by at least 2 raters (J).
    mean_variance : float
        S, the mean of the item variances.
    null_variance : float
        σ²_T of :func:`triangular_null_variance`.
    null_reason : str
        Why this null, in words.
    threshold : float
        The gate's fixed threshold (0.50 unless changed).
    critical_value : float
        :func:`null_critical_value` for this size (``nan`` when not computable).
    gate : float
        ``max(threshold, critical_value)``: the value the index must reach.
    agrees : bool or None
        Whether the gate is passed; ``None`` when the index is not computable.
    message : str
        What the manager reads, in words: whether the team mean may be read as a shared view.
    """

    value: float
    n_raters: int
    n_items: int
    mean_variance: float
    null_variance: float
    null_reason: str
    threshold: float
    critical_value: float
    gate: float
    agrees: bool | None
    message: str


def _disagreement(value: float, gate: float) -> str:
    """The message of an index below its gate; a value just under the gate does not print as
    the gate itself ("agreement 0.50, needs 0.50 or more")."""
    shown = f"{value:.2f}" if round(value, 2) < round(gate, 2) else f"just under {gate:.2f}"
    return (
        f"the team does not agree on this (agreement {shown}, needs {gate:.2f} or more); "
        "the mean is not a shared view"
    )


def agreement_index(
    X: npt.ArrayLike,
    n_options: int,
    threshold: float = GATE_THRESHOLD,
    min_raters: int = MIN_RATERS,
) -> AgreementIndex:
    """The agreement index r*_wg(J) against the triangular null, with the direct-consensus gate.

    ``value = 1 − S/σ²_T`` with S the mean unbiased item variance (pairwise per item, as
    :func:`scoring.agreement.rwg_star_j`) and σ²_T :func:`triangular_null_variance`.

    Why this index: r*_wg(J) (Lindell, Brandt & Whitney 1999) does not grow with the number of
    items, unlike r_wg(J), whose Spearman–Brown step-up turns the same per-item spread into more
    "agreement" the more items a capability has; it is not truncated, so a split team reads below
    0. Why this null: :data:`NULL_REASON` — answering without a view gravitates to the middle
    options, and LeBreton & Senter (2008) recommend such a null over the uniform one. a_wg(J)
    was the alternative; it needs no null but is undefined near the scale ends and does not
    answer "is this different from random answering?".

    The gate (Chan 1998, direct consensus: a team mean stands for a shared view only when the
    members agree) is ``max(threshold, critical value)``: 0.50 is where LeBreton & Senter's
    "moderate agreement" begins, and the critical value (:func:`null_critical_value`) keeps random
    answering from passing more than 5% of the time in small teams. Measured pass rates
    (``tests/calibration/levels.py``, n = 8, J = 6): random triangular answering 0.3%, uniform
    0%, consensus with item noise 99%, a two-level split 0%.

    Parameters
    ----------
    X : array_like
        Raters × items reverse-coded ratings of one capability on one answer scale (see
        :func:`agreement_items`), ``NaN`` for missing; 1-D is one item.
    n_options : int
        Number of answer options A of that scale.
    threshold : float, default 0.5
        The gate's fixed threshold.
    min_raters : int, default 3
        Fewest raters the index is computed for (at least 2; the wave passes the AGI's minimum
        ``ScoreOptions.agi_min_n``, so that both read the same teams). Below it ``value`` is
        ``nan``, ``agrees`` is ``None`` and ``message`` says why: with 2 raters the index reads
        one difference per item, and a management team of 2 got "agreement -1.33, needs 0.85"
        while its AGI was not computed.

    Returns
    -------
    AgreementIndex
        The index, its null and the gate's verdict with a message in words.

    Raises
    ------
    ValueError
        When ``X`` is not 1-D or 2-D or ``n_options`` is not an integer of at least 2.

    References
    ----------
    Chan, D. (1998). Functional relations among constructs in the same content domain at
    different levels of analysis: a typology of composition models. *J. Appl. Psychol.*, 83,
    234–246.
    Lindell, M. K., Brandt, C. J., & Whitney, D. J. (1999). A revised index of interrater
    agreement for multi-item ratings of a single target. *Appl. Psychol. Meas.*, 23, 127–135.
    LeBreton, J. M., & Senter, J. L. (2008). *Organizational Research Methods*, 11, 815–852.

    Examples
    --------
    >>> r = agreement_index([[3, 3, 4], [3, 4, 4], [4, 3, 4], [3, 3, 3], [4, 4, 4]], 5)
    >>> round(r.value, 3), r.agrees
    (0.8, True)
    >>> agreement_index([[1, 1], [5, 5], [1, 2], [5, 4]], 5).message
    'the team does not agree on this (agreement -2.25, needs 0.75 or more); the mean is not a shared view'
    """
    var_t = triangular_null_variance(n_options)
    d = ag.rwg_star_j_detail(X, n_options)
    if not d.defined:
        why = f"agreement not computable: {d.reason}; the mean is not interpreted"
        return AgreementIndex(
            NAN, d.n_raters, 0, NAN, var_t, NULL_REASON, threshold, NAN, NAN, None, why
        )
    if d.n_raters < min_raters:
        why = (
            f"agreement not computable: {d.n_raters} rater{'s' * (d.n_raters != 1)}, needs at "
            f"least {min_raters}; the mean is not interpreted"
        )
        return AgreementIndex(
            NAN, d.n_raters, d.n_items, NAN, var_t, NULL_REASON, threshold, NAN, NAN, None, why
        )
    value = 1.0 - d.mean_variance / var_t
    crit = null_critical_value(max(d.n_raters, 2), d.n_items, n_options)
    gate = max(threshold, crit)
    agrees = value >= gate
    if math.isinf(gate):
        msg = (
            f"with {d.n_raters} raters and {d.n_items} item{'s' * (d.n_items != 1)} even full "
            "agreement happens by chance too often to be told apart from random answering; "
            "the mean is not interpreted"
        )
    elif agrees:
        msg = (
            f"the team agrees on this (agreement {value:.2f}, needs {gate:.2f}); "
            "its mean can be read as a shared view"
        )
    else:
        msg = _disagreement(value, gate)
    return AgreementIndex(
        value, d.n_raters, d.n_items, d.mean_variance, var_t, NULL_REASON, threshold, crit, gate,
        bool(agrees), msg,
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# item–rest correlations
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ItemRest:
    """Corrected item–total (item–rest) correlations of one capability's items.

    Attributes
    ----------
    item_ids : tuple of str
        The items, in column order.
    r : numpy.ndarray
        Per item, the Pearson correlation of the item with the mean of the other items
        (``nan`` when not computable).
    n : numpy.ndarray
        Per item, the respondents who answered it and at least one other item.
    reasons : tuple of str
        Per item, empty when ``r`` is defined, otherwise why not, in words.
    """

    item_ids: tuple[str, ...]
    r: np.ndarray
    n: np.ndarray
    reasons: tuple[str, ...]


def _pearson(a: np.ndarray, b: np.ndarray) -> tuple[float, str]:
    da, db = a - a.mean(), b - b.mean()
    sa, sb = float(da @ da), float(db @ db)
    if sa <= 1e-12 * max(1.0, float(a @ a)):
        return NAN, "everyone who answered it gave the same rating"
    if sb <= 1e-12 * max(1.0, float(b @ b)):
        return NAN, "the mean of the other items does not vary"
    return float(da @ db / math.sqrt(sa * sb)), ""


def item_rest_correlations(X: npt.ArrayLike, item_ids: Sequence[str] | None = None) -> ItemRest:
    """Each item's correlation with the mean of the other items of its capability.

    For item j, the rest score of respondent i is the mean of the *other* items i answered
    (available-case: ``(Σ_h x_ih − x_ij)/(m_i − 1)`` over the m_i answered items), and
    ``r_j = corr(x_·j, rest_·j)`` over the respondents who answered j and at least one other item
    (pairwise-complete Pearson). This is the corrected item–total correlation (psych's
    ``r.drop``, which correlates with the sum of the others: the same value on complete data) and
    equals pandas' ``df[j].corr(df.drop(columns=j).mean(axis=1))``. Needs ratings already
    reverse-coded, so a working reverse-worded item correlates positively. ``nan`` with a reason
    below 3 such respondents, for a single item, or without variance.

    Parameters
    ----------
    X : array_like
        Respondents × items reverse-coded ratings of one capability, ``NaN`` for missing.
    item_ids : sequence of str, optional
        Item names; ``item_1``, ``item_2``, … when omitted.

    Returns
    -------
    ItemRest
        Per item: r, the respondents used and a reason when r is undefined.

    Raises
    ------
    ValueError
        When ``X`` is not 2-D or ``item_ids`` does not match its columns.

    References
    ----------
    Nunnally, J. C., & Bernstein, I. H. (1994). *Psychometric Theory* (3rd ed.). McGraw-Hill,
    ch. 8 (corrected item–total correlation).

    Examples
    --------
    >>> X = [[1, 2, 2, 4], [2, 1, 2, 5], [3, 3, 4, 2], [4, 5, 4, 3], [5, 4, 5, 1], [2, 3, 2, 3]]
    >>> [round(float(v), 2) for v in item_rest_correlations(X).r]
    [0.78, 0.63, 0.67, -0.82]
    """
    A = np.asarray(X, dtype=float)
    if A.ndim != 2:
        raise ValueError(f"ratings X must be a 2-D respondents × items array, got shape {A.shape}")
    ids = (
        tuple(item_ids)
        if item_ids is not None
        else tuple(f"item_{j + 1}" for j in range(A.shape[1]))
    )
    if len(ids) != A.shape[1]:
        raise ValueError(f"{len(ids)} item ids for {A.shape[1]} item columns")
    mask = ~np.isnan(A)
    total = np.where(mask, A, 0.0).sum(axis=1)
    m = mask.sum(axis=1)
    r = np.full(A.shape[1], NAN)
    n = np.zeros(A.shape[1], dtype=int)
    reasons: list[str] = []
    for j in range(A.shape[1]):
        if A.shape[1] < 2:
            reasons.append("needs at least 2 items")
            continue
        ok = mask[:, j] & (m >= 2)
        n[j] = int(ok.sum())
        if n[j] < 3:
            reasons.append(f"only {n[j]} respondents answered it and another item (needs 3)")
            continue
        rest = (total[ok] - A[ok, j]) / (m[ok] - 1)
        r[j], why = _pearson(A[ok, j], rest)
        reasons.append(why)
    return ItemRest(ids, r, n, tuple(reasons))


@dataclass(frozen=True)
class ItemFlag:
    """An item whose item–rest correlation is low, negative or not computable.

    Attributes
    ----------
    item_id : str
        The item.
    r : float
        Its item–rest correlation (``nan`` when not computable).
    n : int
        Respondents used.
    message : str
        What is wrong and what to check, in words.
    """

    item_id: str
    r: float
    n: int
    message: str


def flag_items(
    X: npt.ArrayLike,
    item_ids: Sequence[str] | None = None,
    threshold: float = 0.2,
    min_n: int = ITEM_FLAG_MIN_N,
) -> tuple[ItemFlag, ...]:
    """The items of a capability that do not go with the others: item–rest r under ``threshold``.

    An item whose correlation with the rest of its capability (:func:`item_rest_correlations`)
    is below 0.20 measures something else, or is read differently — the usual sign of a
    reverse-worded item answered as if it were not, or of a method factor (Streiner, Norman &
    Cairney 2015 give 0.20 as the lowest acceptable corrected item–total correlation). Items
    whose correlation cannot be computed are listed too, with the reason, never silently passed.

    Items with fewer than ``min_n`` respondents (with the item and a rest score) are not
    flagged: the sampling SD of r is about ``1/sqrt(n − 1)`` — 0.45 at n = 6, 0.33 at n = 10 —
    so below 10 a flag says more about the sample than the item (a random team of 6 had every
    item flagged; by Fisher's z an item whose true r is 0.5 falls below 0.2 in 27% of samples of
    6, 18% of 10, 8% of 20). :func:`item_check_reason` says which items were not checked and why.

    Parameters
    ----------
    X : array_like
        Respondents × items reverse-coded ratings of one capability, ``NaN`` for missing.
    item_ids : sequence of str, optional
        Item names; ``item_1``, ``item_2``, … when omitted.
    threshold : float, default 0.2
        Lowest acceptable item–rest correlation.
    min_n : int, default 10
        Fewest respondents an item is checked with.

    Returns
    -------
    tuple of ItemFlag
        The flagged items in column order (empty when every item passes or none is checked).

    Raises
    ------
    ValueError
        As :func:`item_rest_correlations`.

    References
    ----------
    Streiner, D. L., Norman, G. R., & Cairney, J. (2015). *Health Measurement Scales* (5th ed.).
    Oxford University Press, ch. 5.

    Examples
    --------
    >>> X = [[1, 2, 2, 4], [2, 1, 2, 5], [3, 3, 4, 2], [4, 5, 4, 3], [5, 4, 5, 1], [2, 3, 2, 3]]
    >>> [f.item_id for f in flag_items(X * 2, ["A1", "A2", "A3", "A4"])]
    ['A4']
    >>> flag_items(X, ["A1", "A2", "A3", "A4"])  # 6 respondents: not checked
    ()
    """
    return _flags(item_rest_correlations(X, item_ids), threshold, min_n)[0]


def item_check_reason(
    X: npt.ArrayLike, item_ids: Sequence[str] | None = None, min_n: int = ITEM_FLAG_MIN_N
) -> str:
    """Why :func:`flag_items` checked none or only some items: ``""`` when it checked all.

    Parameters
    ----------
    X : array_like
        As :func:`flag_items`.
    item_ids : sequence of str, optional
        As :func:`flag_items`.
    min_n : int, default 10
        As :func:`flag_items`.

    Returns
    -------
    str
        The items left unchecked, their respondent count and the minimum, in words.

    Examples
    --------
    >>> item_check_reason([[1, 2], [2, 2], [3, 4], [4, 5], [5, 4], [2, 3]], ["A1", "A2"])
    'item–rest correlations not checked for A1, A2: 6 respondents with the item and another, needs 10 (r varies by about 0.45 between samples of 6)'
    """
    return _flags(item_rest_correlations(X, item_ids), 0.2, min_n)[1]


def _flags(ir: ItemRest, threshold: float, min_n: int) -> tuple[tuple[ItemFlag, ...], str]:
    flags = []
    few: list[tuple[str, int]] = []
    for iid, r, n, why in zip(ir.item_ids, ir.r, ir.n, ir.reasons, strict=True):
        if len(ir.item_ids) >= 2 and n < min_n:
            few.append((iid, int(n)))
        elif why:
            flags.append(
                ItemFlag(iid, NAN, int(n), f"{iid}: item–rest correlation not computable: {why}")
            )
        elif r < 0:
            msg = (
                f"{iid}: item–rest correlation {r:.2f} is negative: the item runs against the "
                "others; check its wording and its reverse-coding"
            )
            flags.append(ItemFlag(iid, float(r), int(n), msg))
        elif r < threshold:
            msg = (
                f"{iid}: item–rest correlation {r:.2f} is below {threshold:.2f}: the item does "
                "not measure what the other items of its capability measure"
            )
            flags.append(ItemFlag(iid, float(r), int(n), msg))
    reason = ""
    if few:
        counts = sorted({n for _, n in few})
        shown = ", ".join(str(n) for n in counts)
        reason = (
            f"item–rest correlations not checked for {', '.join(i for i, _ in few)}: {shown} "
            f"respondent{'s' * (counts != [1])} with the item and another, needs {min_n}"
        )
        if counts[0] >= 3:
            sd = 1.0 / math.sqrt(counts[0] - 1)
            reason += f" (r varies by about {sd:.2f} between samples of {counts[0]})"
    return tuple(flags), reason


# --------------------------------------------------------------------------------------------
# items of one scale kind
# --------------------------------------------------------------------------------------------


def same_scale_mask(scales: Sequence[str], reference: str | None = None) -> np.ndarray:
    """Which items are on the reference answer scale (by scale id, not by its end points).

    Two scales with the same options (``maturity5`` and ``extent5`` are both 1..5) are still
    different kinds of question; comparing only low and high pools them. ``reference`` defaults
    to the first item's scale (the rule of ``docs/methodology.md#3-agreement-statistics``).

    Parameters
    ----------
    scales : sequence of str
        The scale id of each item of one capability, in column order.
    reference : str, optional
        The scale to keep; the first item's when omitted.

    Returns
    -------
    numpy.ndarray
        Boolean, one per item: true where the item is on ``reference``.

    Examples
    --------
    >>> same_scale_mask(["maturity5", "maturity5", "extent5"]).tolist()
    [True, True, False]
    """
    if not scales:
        return np.zeros(0, dtype=bool)
    ref = scales[0] if reference is None else reference
    return np.array([s == ref for s in scales], dtype=bool)


@dataclass(frozen=True)
class AgreementItems:
    """The items of one capability that its agreement statistics use.

    Attributes
    ----------
    capability_id : str
        The capability.
    scale : str
        The scale kept (the first item's).
    item_ids : tuple of str
        Items on that scale, in instrument order.
    excluded : tuple of str
        Items on another scale, in instrument order.
    reason : str
        Empty when nothing is left out; otherwise which items and why, in words.
    """

    capability_id: str
    scale: str
    item_ids: tuple[str, ...]
    excluded: tuple[str, ...]
    reason: str = ""


def agreement_items(instrument: Instrument, capability_id: str) -> AgreementItems:
    """The items of ``capability_id`` on its first item's answer scale, and those left out.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire.
    capability_id : str
        A capability of it.

    Returns
    -------
    AgreementItems
        Items kept, items left out and the reason in words.

    Raises
    ------
    ScoringError
        When the capability is not in the instrument.

    Examples
    --------
    >>> from questionnaires.catalogue import get_instrument
    >>> a = agreement_items(get_instrument("customer-centricity@1.0.0"), "CUL")
    >>> a.scale, a.excluded
    ('maturity5', ('CUL-04',))
    """
    cap = next((c for c in instrument.capabilities if c.id == capability_id), None)
    if cap is None:
        known = ", ".join(c.id for c in instrument.capabilities)
        raise ScoringError(
            f"capability {capability_id!r} is not in {instrument.ref}; known capabilities: {known}"
        )
    scales = [i.scale for i in cap.items]
    keep = same_scale_mask(scales)
    kept = tuple(i.id for i, k in zip(cap.items, keep, strict=True) if k)
    out = tuple(i.id for i, k in zip(cap.items, keep, strict=True) if not k)
    reason = ""
    if out:
        other = sorted({s for s, k in zip(scales, keep, strict=True) if not k})
        reason = (
            f"{', '.join(out)} on another answer scale ({', '.join(other)}, not {scales[0]}): "
            "left out of the agreement statistics"
        )
    return AgreementItems(cap.id, scales[0], kept, out, reason)

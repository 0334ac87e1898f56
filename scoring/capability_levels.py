"""Capability-level answers (instruments with ``rate_levels``): targets from the rated target
levels, the check of the rated current level against the item-based level, and the investment
points with the team's agreement on priorities (Kendall's W).

See ``docs/methodology.md#11-capability-level-answers``. All functions take respondents ×
capabilities arrays (NaN = not given) and return frozen results of :mod:`scoring.results`.
"""

from __future__ import annotations

import math
import warnings as _warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

from questionnaires.errors import ScoringError
from scoring.inference import benjamini_hochberg, holm
from scoring.results import (
    CapabilityAnswers,
    InvestmentPoints,
    LevelCheck,
    LevelCheckLabel,
    PriorityAgreement,
)

if TYPE_CHECKING:
    from questionnaires.answers import Respondent, ResponseSet
    from scoring.results import ScoreOptions

__all__ = [
    "LEVELS",
    "aligned_levels",
    "capability_answers",
    "investment_points",
    "kendalls_w",
    "level_checks",
    "level_targets",
    "priority_agreement",
]

#: The levels a capability's descriptors run through.
LEVELS = (1, 5)
_TOL = 1e-9
GROUPS = ("management", "organisation")


def aligned_levels(
    responses: ResponseSet, cap_ids: Sequence[str], budget: int | None, source: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rated current and target levels and the points, respondents × ``cap_ids``.

    An N/A on a capability's level empties its current and target level (its points stay). A
    capability the responses hold no answers for is all NaN.

    Parameters
    ----------
    responses : questionnaires.answers.ResponseSet
        One wave's responses.
    cap_ids : sequence of str
        The capabilities, in scoring order.
    budget : int or None
        The instrument's ``investment_points`` (points must lie in ``0..budget``).
    source : str
        Named in errors.

    Returns
    -------
    current : numpy.ndarray
        Rated current levels, NaN where not given.
    target : numpy.ndarray
        Rated target levels, NaN where not given.
    points : numpy.ndarray
        Investment points, NaN where not given.

    Raises
    ------
    questionnaires.errors.ScoringError
        Naming the respondent and capability of a level that is not a whole number in 1..5 or
        of points outside ``0..budget``.
    """
    n = responses.n_respondents
    out = [np.full((n, len(cap_ids)), np.nan) for _ in range(3)]
    pos = {c: k for k, c in enumerate(responses.capability_ids)}
    for k, cap in enumerate(cap_ids):
        if cap not in pos:
            continue
        j = pos[cap]
        na = np.asarray(responses.level_na[:, j], dtype=bool)
        out[0][:, k] = np.where(na, np.nan, responses.level_current[:, j])
        out[1][:, k] = np.where(na, np.nan, responses.level_target[:, j])
        out[2][:, k] = responses.points[:, j]
    for what, x in (("current level", out[0]), ("target level", out[1])):
        _check(x, LEVELS[0], LEVELS[1], what, responses.respondents, cap_ids, source)
    _check(
        out[2],
        0,
        budget if budget is not None else math.inf,
        "points",
        responses.respondents,
        cap_ids,
        source,
    )
    return out[0], out[1], out[2]


def _check(
    x: np.ndarray,
    low: float,
    high: float,
    what: str,
    respondents: Sequence[Respondent],
    cap_ids: Sequence[str],
    source: str,
) -> None:
    bad = ~np.isnan(x) & ((x < low) | (x > high) | (x != np.round(x)))
    if bad.any():
        r, c = (int(v[0]) for v in np.nonzero(bad))
        raise ScoringError(
            f"{source}: {int(bad.sum())} {what}(s) are not whole numbers in {low:g}..{high:g}, "
            f"first respondent {respondents[r].id!r}, capability {cap_ids[c]} ({what} = {x[r, c]:g}); "
            "fix the response file"
        )


def level_targets(
    target_levels: np.ndarray, cap_low: np.ndarray, cap_high: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Respondent target scores from rated target levels.

    ``t_norm = 100 · (level − 1)/4`` (level 1 → 0, level 5 → 100), ``t`` the same on each
    capability's answer scale, and one answer behind each target (``j = 1`` in the target AGI's
    null reference, :func:`scoring.null.effective_items`).

    Parameters
    ----------
    target_levels : numpy.ndarray
        Respondents × capabilities, 1..5, NaN = not given.
    cap_low, cap_high : numpy.ndarray
        Each capability's answer scale.

    Returns
    -------
    t_norm : numpy.ndarray
        Target scores on 0–100.
    t : numpy.ndarray
        The same on each capability's answer scale.
    answered : numpy.ndarray
        Answers behind each target (0 or 1).

    Examples
    --------
    >>> t_norm, t, j = level_targets(np.array([[4.0, np.nan]]), np.array([1.0, 1.0]), np.array([5.0, 5.0]))
    >>> t_norm.tolist(), t.tolist(), j.tolist()
    ([[75.0, nan]], [[4.0, nan]], [[1.0, 0.0]])
    """
    lo, hi = LEVELS
    t_norm = 100.0 * (np.asarray(target_levels, dtype=float) - lo) / (hi - lo)
    t = cap_low + t_norm * (cap_high - cap_low) / 100.0
    return t_norm, t, (~np.isnan(t_norm)).astype(float)


def item_levels(s_norm: np.ndarray) -> np.ndarray:
    """Item-based levels: ``⌊1 + 4·score/100⌋`` clipped to 1..5, NaN kept.

    Parameters
    ----------
    s_norm : numpy.ndarray
        Respondent capability scores on 0–100.

    Returns
    -------
    numpy.ndarray
        Whole levels (float, NaN where there is no score).

    Examples
    --------
    >>> item_levels(np.array([0.0, 49.9, 50.0, 100.0, np.nan])).tolist()
    [1.0, 2.0, 3.0, 5.0, nan]
    """
    x = 1.0 + 4.0 * np.asarray(s_norm, dtype=float) / 100.0
    with np.errstate(invalid="ignore"):
        return np.clip(np.floor(x + _TOL), LEVELS[0], LEVELS[1])


def _sign_test(d: np.ndarray) -> tuple[int, int, int, float]:
    """Exact two-sided sign test of paired differences ``d`` (zeros dropped)."""
    up, down = int((d > 0).sum()), int((d < 0).sum())
    eq = int(d.size - up - down)
    p = float(stats.binomtest(up, up + down, 0.5).pvalue) if up + down else 1.0
    return up, down, eq, p


def level_checks(
    cap_ids: Sequence[str],
    rated: np.ndarray,
    s_norm: np.ndarray,
    groups: Mapping[str, np.ndarray],
    opts: ScoreOptions,
) -> tuple[LevelCheck, ...]:
    """The rated current level against the item-based level, per capability and group.

    Per group and capability, over respondents with both: the median rated level, the item-based
    level ``⌊median(1 + 4·score/100)⌋`` (clipped to 1..5), the descriptive flag
    ``|rated median − item level| ≥ 1``, and the exact sign test of each respondent's rated level
    against their own item-based level (:func:`item_levels`). The p-values of all capabilities ×
    groups are one family, adjusted by Holm (or BH, ``opts.label_adjust``); a label needs
    ``opts.label_min_n`` pairs.

    Parameters
    ----------
    cap_ids : sequence of str
        The capabilities.
    rated : numpy.ndarray
        Respondents × capabilities rated current levels (NaN = not given).
    s_norm : numpy.ndarray
        Respondents × capabilities item-based scores on 0–100 (NaN = not scored).
    groups : mapping of str to numpy.ndarray
        Group name → boolean respondent mask, in output order.
    opts : ScoreOptions
        ``label_alpha``, ``label_adjust`` and ``label_min_n``.

    Returns
    -------
    tuple of LevelCheck
        Group by group, capability by capability.

    Examples
    --------
    >>> from scoring.results import ScoreOptions
    >>> rated = np.array([[4.0], [4.0], [3.0]]); s = np.array([[25.0], [30.0], [50.0]])
    >>> (c,) = level_checks(["CUL"], rated, s, {"organisation": np.ones(3, bool)}, ScoreOptions())
    >>> c.rated_median, c.item_level, c.differs, (c.n_higher, c.n_lower, c.n_equal), c.label
    (4.0, 2, True, (2, 0, 1), 'no clear difference')
    """
    lvl = item_levels(s_norm)
    x = 1.0 + 4.0 * np.asarray(s_norm, dtype=float) / 100.0
    cells = [
        _level_check(cap, g, rated[:, k], x[:, k], lvl[:, k], mask, opts.label_min_n)
        for g, mask in groups.items()
        for k, cap in enumerate(cap_ids)
    ]
    adjust = holm if opts.label_adjust == "holm" else benjamini_hochberg
    p_adj = adjust([c.p_value for c in cells])
    out = []
    for c, pa in zip(cells, p_adj, strict=True):
        label: LevelCheckLabel = "not computed"
        if not math.isnan(pa):
            label = "no clear difference"
            if pa < opts.label_alpha:
                label = "rated higher" if c.n_higher > c.n_lower else "rated lower"
        out.append(replace(c, p_adjusted=float(pa), label=label))
    return tuple(out)


def _level_check(
    cap: str,
    group: str,
    rated: np.ndarray,
    x: np.ndarray,
    lvl: np.ndarray,
    mask: np.ndarray,
    min_n: int,
) -> LevelCheck:
    """One capability and group of :func:`level_checks`, before the family's adjustment."""
    both = mask & ~np.isnan(rated) & ~np.isnan(lvl)
    n = int(both.sum())
    if n == 0:
        why = f"nobody in {group} rated the level and has an item-based score"
        return LevelCheck(
            cap, group, 0, math.nan, 0, math.nan, False, 0, 0, 0, math.nan, math.nan,
            "not computed", why,
        )  # fmt: skip
    med = float(np.median(rated[both]))
    item_level = int(min(LEVELS[1], max(LEVELS[0], math.floor(float(np.median(x[both])) + _TOL))))
    up, down, eq, p = _sign_test(rated[both] - lvl[both])
    reason = ""
    if n < min_n:
        p = math.nan
        reason = f"{n} respondent(s) in {group} with both; the test needs at least {min_n}"
    return LevelCheck(
        capability_id=cap,
        group=group,
        n=n,
        rated_median=med,
        item_level=item_level,
        difference=med - item_level,
        differs=abs(med - item_level) >= 1.0 - _TOL,
        n_higher=up,
        n_lower=down,
        n_equal=eq,
        p_value=p,
        p_adjusted=math.nan,
        label="not computed",
        reason=reason,
    )


def _allocations(points: np.ndarray) -> np.ndarray:
    """Rows of respondents who allocated points, a capability left empty counted as 0."""
    given = ~np.isnan(points).all(axis=1)
    out: np.ndarray = np.nan_to_num(points[given], nan=0.0)
    return out


def investment_points(
    cap_ids: Sequence[str], points: np.ndarray, groups: Mapping[str, np.ndarray]
) -> tuple[InvestmentPoints, ...]:
    """Mean, median, quartiles, share of zeros and rank of each capability's points, per group.

    Over the group's respondents who allocated points (a capability they left empty got 0).
    Quartiles: linear interpolation (numpy's default, R type 7). Rank by mean points, 1 = most,
    ties sharing the best rank (``scipy.stats.rankdata(method="min")``).

    Parameters
    ----------
    cap_ids : sequence of str
        The capabilities.
    points : numpy.ndarray
        Respondents × capabilities points (NaN = not given).
    groups : mapping of str to numpy.ndarray
        Group name → boolean respondent mask, in output order.

    Returns
    -------
    tuple of InvestmentPoints
        Group by group, capability by capability.

    Examples
    --------
    >>> pts = np.array([[60.0, 40.0], [20.0, 80.0], [50.0, 50.0]])
    >>> a, b = investment_points(["CUL", "SYS"], pts, {"organisation": np.ones(3, bool)})
    >>> a.mean, a.median, a.q1, a.q3, a.rank, b.rank
    (43.333333333333336, 50.0, 35.0, 55.0, 2, 1)
    """
    out = []
    for g, mask in groups.items():
        x = _allocations(points[mask])
        n = int(x.shape[0])
        if n == 0:
            out += [InvestmentPoints(c, g, 0, *(math.nan,) * 5, 0) for c in cap_ids]
            continue
        mean = x.mean(axis=0)
        q1, med, q3 = np.percentile(x, [25, 50, 75], axis=0)
        zero = (x == 0).mean(axis=0)
        rank = stats.rankdata(-mean, method="min")
        out += [
            InvestmentPoints(
                c,
                g,
                n,
                float(mean[k]),
                float(med[k]),
                float(q1[k]),
                float(q3[k]),
                float(zero[k]),
                int(rank[k]),
            )
            for k, c in enumerate(cap_ids)
        ]
    return tuple(out)


def kendalls_w(ratings: np.ndarray) -> tuple[float, float, int, float]:
    """Kendall's W, corrected for ties, with Friedman's χ² test.

    ``ratings`` is raters × objects; each rater's values are ranked (ties: average ranks).
    ``W = 12 S / (m²(n³ − n) − m Σ_j T_j)``, ``T_j = Σ (t³ − t)`` over rater ``j``'s ties;
    ``χ² = m(n − 1)W`` on ``n − 1`` df (identical to ``scipy.stats.friedmanchisquare``).

    Parameters
    ----------
    ratings : numpy.ndarray
        Raters × objects, complete (no NaN).

    Returns
    -------
    w, chi2 : float
        W and χ²; NaN when every rater gives every object the same value (0/0) or with fewer
        than 2 raters or objects.
    df : int
        ``n − 1``.
    p_value : float
        Upper tail of χ²(df).

    References
    ----------
    Kendall, M. G., & Babington Smith, B. (1939). The problem of m rankings. *Annals of
    Mathematical Statistics*, 10, 275–287.

    Examples
    --------
    The ``anxiety`` ratings of R's ``irr`` package (20 subjects, 3 raters):
    ``irr::kendall(anxiety, correct = TRUE)`` prints Wt = 0.54, Chisq(19) = 30.8, p = 0.0429.

    >>> r1 = [3, 3, 3, 4, 5, 5, 2, 3, 5, 2, 2, 6, 1, 5, 2, 2, 1, 2, 4, 3]
    >>> r2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4]
    >>> r3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2]
    >>> w, chi2, df, p = kendalls_w(np.array([r1, r2, r3], dtype=float))
    >>> round(w, 2), round(chi2, 1), df, round(p, 4)
    (0.54, 30.8, 19, 0.0429)
    """
    x = np.asarray(ratings, dtype=float)
    m, n = x.shape
    df = max(n - 1, 0)
    if m < 2 or n < 2:
        return math.nan, math.nan, df, math.nan
    ranks = stats.rankdata(x, axis=1)
    sums = ranks.sum(axis=0)
    s = float(((sums - sums.mean()) ** 2).sum())
    ties = 0.0
    for row in x:
        _, t = np.unique(row, return_counts=True)
        ties += float((t**3 - t).sum())
    denom = m**2 * (n**3 - n) - m * ties
    if denom <= 0:
        return math.nan, math.nan, df, math.nan
    w = 12.0 * s / denom
    chi2 = m * (n - 1) * w
    return w, chi2, df, float(stats.chi2.sf(chi2, df))


def priority_agreement(
    points: np.ndarray, groups: Mapping[str, np.ndarray], min_raters: int = 3
) -> tuple[PriorityAgreement, ...]:
    """Kendall's W (:func:`kendalls_w`) of each group's point allocations.

    Parameters
    ----------
    points : numpy.ndarray
        Respondents × capabilities points (NaN = not given; a row with any points counts, its
        empty capabilities as 0).
    groups : mapping of str to numpy.ndarray
        Group name → boolean respondent mask.
    min_raters : int, default 3
        Raters W needs.

    Returns
    -------
    tuple of PriorityAgreement
        One per group, in ``groups`` order.
    """
    out = []
    for g, mask in groups.items():
        x = _allocations(points[mask])
        m, n = int(x.shape[0]), int(points.shape[1])
        if m < min_raters:
            why = f"{m} respondent(s) in {g} allocated points; W needs at least {min_raters}"
            out.append(PriorityAgreement(g, m, n, math.nan, math.nan, max(n - 1, 0), math.nan, why))
            continue
        w, chi2, df, p = kendalls_w(x)
        why = "" if not math.isnan(w) else "every respondent gave every capability the same points"
        if n < 2:
            why = "W needs at least 2 capabilities"
        out.append(PriorityAgreement(g, m, n, w, chi2, df, p, why))
    return tuple(out)


def capability_answers(
    cap_ids: Sequence[str],
    rated: np.ndarray,
    points: np.ndarray,
    s_norm: np.ndarray,
    is_mgmt: np.ndarray,
    opts: ScoreOptions,
    budget: int | None,
    horizon_months: int | None,
) -> CapabilityAnswers:
    """Level checks, investment points and priority agreement of management and organisation.

    :func:`level_checks`, :func:`investment_points` and :func:`priority_agreement` over the
    groups ``management`` and ``organisation``.

    Parameters
    ----------
    cap_ids : sequence of str
        The capabilities.
    rated, points : numpy.ndarray
        Respondents × capabilities rated current levels and points (NaN = not given).
    s_norm : numpy.ndarray
        Respondents × capabilities item-based scores on 0–100.
    is_mgmt : numpy.ndarray
        Whether each respondent is in the management team.
    opts : ScoreOptions
        The scoring options.
    budget, horizon_months : int or None
        The instrument's ``investment_points`` and ``target_horizon_months``.

    Returns
    -------
    CapabilityAnswers
        The results; no investment figures without a budget.
    """
    groups = {
        "management": np.asarray(is_mgmt, dtype=bool),
        "organisation": np.ones(len(is_mgmt), bool),
    }
    checks = level_checks(cap_ids, rated, s_norm, groups, opts)
    if budget is None:
        return CapabilityAnswers(budget, horizon_months, checks)
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", RuntimeWarning)
        invest = investment_points(cap_ids, points, groups)
    return CapabilityAnswers(
        budget,
        horizon_months,
        checks,
        invest,
        priority_agreement(points, groups, max(3, opts.label_min_n)),
    )

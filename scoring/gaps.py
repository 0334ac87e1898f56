"""Perception, silo and ambition gaps (``docs/methodology.md#5-gaps``).

Perception gap (error-controlled, :func:`perception_gaps`; what :func:`scoring.score_wave` uses)
    Per capability, each respondent is scored on the items asked of *both* groups
    (:func:`scoring.inference.common_item_scores`: an item enters when at least half of the
    management team and half of the others answered it), so the two means compare the same
    questions. ``gap = mean(management) − mean(others)`` on those scores, with Welch's t
    (:func:`scoring.inference.welch_difference`: interval, p-value, TOST equivalence p-value against
    ``±sesoi``, Hedges' g). The 8 capabilities form one family: :func:`scoring.inference.label_family`
    adjusts both p-values within it (Holm by default) and labels each gap:

    * **blind spot**: management rates it higher (adjusted ``p < α``, not shown equivalent);
    * **hidden strength**: management rates it lower;
    * **shared view**: shown to differ by less than ``sesoi`` (adjusted TOST ``p < α``);
    * **no clear gap**: neither shown;
    * **undefined**: a group below ``min_n`` scores, no common item, or zero variance; ``reason``
      says which.

    Under no true gap the chance of any false label among the 8 capabilities is at most ``α``
    (Holm controls the family-wise error); measured 0.05 (``tests/calibration/labels.py``).

Perception gap (legacy, :func:`perception_gap`; public API, no longer used by ``score_wave``)
    ``gap = mean(management) − mean(others)`` of respondent capability scores, on the answer scale,
    with a two-sided permutation p-value for the difference in means (Fisher 1935; Good 2005,
    *Permutation, Parametric and Bootstrap Tests of Hypotheses*): the share of relabellings of the
    pooled respondents whose ``|gap|`` is at least the observed one. When the number of relabellings
    ``C(n, k)`` is at most ``permutations`` they are enumerated exactly; otherwise ``permutations``
    random relabellings with a fixed seed give ``p = (1 + #{|gap*| ≥ |gap|}) / (1 + B)`` (Phipson &
    Smyth 2010), never 0.

    Label rule (documented in docs/methodology.md): **blind spot** when management sees the
    capability at least :data:`PERCEPTION_MIN_GAP` scale points *higher* than the rest and
    ``p < PERCEPTION_ALPHA``; **hidden strength** when at least that much *lower* and ``p`` below the
    same level; otherwise **shared view**; **undefined** when either group has fewer than 2 scores.

Silo gap
    Per-department means of respondent capability scores, their spread (max − min), and the
    one-way ANOVA separation statistics of :func:`scoring.agreement.group_separation`.

Ambition gap
    ``target mean − current mean`` per capability, the current and target maturity levels, and the
    AGI of the target scores (do we want the same company?).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import combinations
from typing import TYPE_CHECKING, Literal

import numpy as np

from questionnaires.errors import ScoringError
from scoring.inference import (
    DEFAULT_ALPHA,
    DEFAULT_MIN_N,
    DEFAULT_SESOI,
    Difference,
    DifferenceLabel,
    EffectSize,
    common_item_scores,
    label_family,
    welch_difference,
)
from scoring.results import (
    NAN,
    AmbitionGap,
    Interval,
    PerceptionGap,
    PerceptionLabel,
    Separation,
    SiloGap,
)

if TYPE_CHECKING:
    from scoring.scores import InstrumentIndex

__all__ = [
    "PERCEPTION_ALPHA",
    "PERCEPTION_LABELS",
    "PERCEPTION_MIN_GAP",
    "ambition_gap",
    "perception_gap",
    "perception_gaps",
    "permutation_test",
    "permutation_tests",
    "silo_gap",
]

PERCEPTION_MIN_GAP = 0.5  # scale points
PERCEPTION_ALPHA = 0.10
_MAX_CELLS = 1 << 20  # random keys drawn per chunk in the Monte Carlo test
_SUM_CELLS = 1 << 18  # values gathered per chunk for the relabelled group sums


def _random_subsets(n: int, k: int, reps: int, rng: np.random.Generator) -> np.ndarray:
    """``reps × k`` indices, each row a uniformly random ``k``-subset of ``range(n)``.

    Small ``k``: draw with replacement and redraw the few rows with a repeat. Otherwise: the ``k``
    smallest of ``n`` uniform keys per row (``argpartition``), in chunks to bound memory.
    """
    return np.vstack(list(_subset_chunks(n, k, reps, rng)))


def _subset_chunks(n: int, k: int, reps: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """:func:`_random_subsets` as a stream of row chunks (the same rows, the same generator calls):
    the large-``k`` case never holds all ``reps × k`` indices."""
    if k * k < n // 4:
        out = rng.integers(0, n, size=(reps, k))
        while True:
            s = np.sort(out, axis=1)
            bad = np.flatnonzero((np.diff(s, axis=1) == 0).any(axis=1))
            if bad.size == 0:
                yield out
                return
            out[bad] = rng.integers(0, n, size=(bad.size, k))
    rows = max(1, _MAX_CELLS // n)
    for start in range(0, reps, rows):
        m = min(rows, reps - start)
        keys = rng.random((m, n))
        yield (
            np.argpartition(keys, k - 1, axis=1)[:, :k] if k < n else np.tile(np.arange(n), (m, 1))
        )


def _count_extreme(
    v: np.ndarray,
    subsets: Iterable[np.ndarray],
    diff: Callable[[np.ndarray], np.ndarray],
    threshold: np.ndarray,
) -> np.ndarray:
    """Per column of ``v``: how many relabellings (rows of the index chunks) give
    ``|diff(group sum)| ≥ threshold``.

    The group sums ``v[idx].sum(axis=1)`` are taken a few rows at a time (about
    :data:`_SUM_CELLS` gathered values), so memory does not grow with relabellings × group size ×
    columns (a 2,000-person management team at n = 10,000 with 10,000 permutations and 8
    capabilities would otherwise gather 1.3 GB); each row's sum is the same as in one gather.
    """
    hits = np.zeros(v.shape[1], dtype=np.int64)
    for idx in subsets:
        rows = max(1, _SUM_CELLS // max(idx.shape[1] * v.shape[1], 1))
        for a in range(0, idx.shape[0], rows):
            sums = v[idx[a : a + rows]].sum(axis=1)
            hits += (np.abs(diff(sums)) >= threshold).sum(axis=0)
    return hits


def permutation_test(
    values: np.ndarray, in_group: np.ndarray, permutations: int = 10000, seed: int = 0
) -> tuple[float | np.ndarray, bool]:
    """Two-sided permutation p-value for ``mean(values[in_group]) − mean(values[~in_group])``.

    The p-value is the share of relabellings of the pooled respondents whose ``|gap|`` is at least
    the observed one: exact enumeration when ``C(n, k)`` is at most ``permutations``, otherwise
    ``permutations`` seeded random relabellings with ``p = (1 + #{|gap*| ≥ |gap|}) / (1 + B)``
    (Phipson & Smyth 2010), never 0. ``values`` may be 2-D (respondents × statistics, no NaN): the
    same relabellings serve every column (:func:`permutation_tests`).

    Parameters
    ----------
    values : numpy.ndarray
        One value per respondent (1-D), or respondents × statistics (2-D).
    in_group : numpy.ndarray
        Boolean mask of the first group, one flag per respondent.
    permutations : int, default 10000
        Exact enumeration up to this many relabellings; else this many random ones.
    seed : int, default 0
        Seed of the random relabellings.

    Returns
    -------
    p : float or numpy.ndarray
        The p-value; a float for 1-D ``values``, one per column for 2-D.
    exact : bool
        Whether every relabelling was enumerated.

    References
    ----------
    Fisher (1935), The Design of Experiments; Good (2005), Permutation, Parametric and Bootstrap
    Tests of Hypotheses; Phipson & Smyth (2010), Stat. Appl. Genet. Mol. Biol. 9(1), 39.
    """
    v = np.asarray(values, dtype=float)
    if v.ndim == 1:
        p, exact = permutation_tests(v[:, None], in_group, permutations, seed)
        return float(p[0]), exact
    return permutation_tests(v, in_group, permutations, seed)


def permutation_tests(
    values: np.ndarray, in_group: np.ndarray, permutations: int = 10000, seed: int = 0
) -> tuple[np.ndarray, bool]:
    """:func:`permutation_test` of every column of the 2-D ``values``.

    Parameters
    ----------
    values : numpy.ndarray
        Respondents × statistics, no NaN.
    in_group : numpy.ndarray
        Boolean mask of the first group, one flag per respondent.
    permutations : int, default 10000
        Exact enumeration up to this many relabellings; else this many random ones.
    seed : int, default 0
        Seed of the random relabellings.

    Returns
    -------
    p : numpy.ndarray
        One p-value per column.
    exact : bool
        Whether every relabelling was enumerated.
    """
    v = np.asarray(values, dtype=float)
    g = np.asarray(in_group, dtype=bool)
    n, k = len(g), int(g.sum())
    if k == 0 or k == n or permutations <= 0:
        return np.full(v.shape[1], np.nan), False
    small = min(k, n - k)
    side = g if k == small else ~g  # the difference is a function of the smaller group's sum
    total = v.sum(axis=0)

    def diff(group_sum: np.ndarray) -> np.ndarray:
        other = (total - group_sum) / (n - small)
        d: np.ndarray = group_sum / small - other
        return d if k == small else -d

    observed = diff(v[side].sum(axis=0))
    n_arrangements = math.comb(n, small)
    exact = n_arrangements <= permutations
    tol = 1e-9 * np.maximum(1.0, np.abs(observed))
    threshold = np.abs(observed) - tol
    if exact:
        idx = np.array(list(combinations(range(n), small)), dtype=np.intp)
        hits = _count_extreme(v, [idx], diff, threshold)
        p = hits / n_arrangements
    else:
        rng = np.random.default_rng(seed)
        hits = _count_extreme(v, _subset_chunks(n, small, permutations, rng), diff, threshold)
        p = (1.0 + hits) / (1.0 + permutations)
    return p, exact


def _label(gap: float, p: float) -> PerceptionLabel:
    if math.isnan(gap) or math.isnan(p):
        return "undefined"
    if p < PERCEPTION_ALPHA and gap >= PERCEPTION_MIN_GAP:
        return "blind spot"
    if p < PERCEPTION_ALPHA and gap <= -PERCEPTION_MIN_GAP:
        return "hidden strength"
    return "shared view"


def perception_gap(
    scores: np.ndarray,
    is_management: np.ndarray,
    cap_ids: Sequence[str],
    permutations: int = 10000,
    seed: int = 0,
) -> tuple[PerceptionGap, ...]:
    """Perception gap per capability from respondents × capabilities scores (legacy rule).

    ``gap = mean(management) − mean(others)`` with the two-sided p-value of :func:`permutation_test`
    and the 1.0 label rule (blind spot / hidden strength when ``|gap| ≥ 0.5`` and ``p < .10``, else
    shared view; undefined), one capability at a time and on whatever items each group answered.
    Kept as public API; :func:`scoring.score_wave` uses the error-controlled
    :func:`perception_gaps` instead. Respondents without a score for a capability are left out of that capability's test.
    Columns sharing the same set of scored respondents share the relabellings (one draw, all columns).

    Parameters
    ----------
    scores : numpy.ndarray
        Respondent capability scores, respondents × capabilities, NaN = no score.
    is_management : numpy.ndarray
        Boolean mask of the management team, one flag per respondent.
    cap_ids : sequence of str
        One capability id per column.
    permutations : int, default 10000
        Exact enumeration up to this many relabellings; else this many random ones.
    seed : int, default 0
        Seed of the random relabellings.

    Returns
    -------
    tuple of PerceptionGap
        One gap per capability, in column order.
    """
    s = np.asarray(scores, dtype=float)
    mgmt = np.asarray(is_management, dtype=bool)
    valid = ~np.isnan(s)
    out: dict[int, PerceptionGap] = {}
    groups: dict[bytes, list[int]] = {}
    for c in range(s.shape[1]):
        groups.setdefault(valid[:, c].tobytes(), []).append(c)
    for cols in groups.values():
        rows = valid[:, cols[0]]
        v = s[rows][:, cols]
        g = mgmt[rows]
        nm, no = int(g.sum()), int((~g).sum())
        if nm >= 2 and no >= 2:
            p, exact = permutation_tests(v, g, permutations, seed + cols[0])
        else:
            p, exact = np.full(len(cols), np.nan), False
        for j, c in enumerate(cols):
            m_mean = float(v[g, j].mean()) if nm else NAN
            o_mean = float(v[~g, j].mean()) if no else NAN
            gap = m_mean - o_mean
            pj = float(p[j])
            out[c] = PerceptionGap(
                capability_id=cap_ids[c],
                management_mean=m_mean,
                others_mean=o_mean,
                gap=gap,
                p_value=pj,
                exact=bool(exact),
                n_management=nm,
                n_others=no,
                label=_label(gap, pj) if nm >= 2 and no >= 2 else "undefined",
            )
    return tuple(out[c] for c in range(s.shape[1]))


#: Perception label per :data:`scoring.inference.LabelKey`.
PERCEPTION_LABELS: dict[str, PerceptionLabel] = {
    "higher": "blind spot",
    "lower": "hidden strength",
    "equivalent": "shared view",
    "no clear difference": "no clear gap",
    "not computed": "undefined",
}


def _no_test(reason: str, sesoi: float, confidence: float) -> Difference:
    """A comparison that was not run, carrying ``reason`` (it is not counted in the family)."""
    return Difference(
        NAN, Interval(), NAN, NAN, NAN, NAN, NAN, sesoi, EffectSize(), "welch", 0, 0, 0,
        confidence, reason,
    )  # fmt: skip


def _welch(m: np.ndarray, o: np.ndarray, sesoi: float, confidence: float, min_n: int) -> Difference:
    """Welch's t of management − everyone else."""
    names = ("the management team", "everyone else")
    return welch_difference(m, o, sesoi=sesoi, confidence=confidence, min_n=min_n, names=names)


def perception_gaps(
    cur: np.ndarray,
    index: InstrumentIndex,
    is_management: np.ndarray,
    cap_ids: Sequence[str],
    *,
    sesoi: float = DEFAULT_SESOI,
    alpha: float = DEFAULT_ALPHA,
    adjust: Literal["holm", "bh"] = "holm",
    min_n: int = DEFAULT_MIN_N,
) -> tuple[PerceptionGap, ...]:
    """Error-controlled perception gap per capability, on the items both groups were asked.

    For capability ``k`` (items ``index.items_of(k)``):

    1. :func:`scoring.inference.common_item_scores` keeps the items answered by at least half of
       the management team *and* half of the others, and scores each respondent as the mean of
       their answers to those items (NaN when none);
    2. :func:`scoring.inference.welch_difference` of management − others on these scores:
       ``gap``, its ``1 − α`` interval, the two-sided p-value, the TOST p-value against
       ``±sesoi`` and Hedges' g with its interval (``min_n`` scores per group needed);
    3. the capabilities form one family: :func:`scoring.inference.label_family` adjusts the
       p-values (``adjust``) and labels each gap, mapped by :data:`PERCEPTION_LABELS`
       (higher → blind spot, lower → hidden strength, equivalent → shared view, no clear
       difference → no clear gap, not computed → undefined with the reason).

    ``p_value`` is the unadjusted Welch p (the adjusted one is ``test.p_adjusted``); ``exact`` is
    always ``False`` (a t reference, not an enumeration).

    Parameters
    ----------
    cur : numpy.ndarray
        Reverse-coded current ratings, respondents × items (NaN = N/A or not asked).
    index : scoring.scores.InstrumentIndex
        The instrument's index (item ids and which items belong to each capability).
    is_management : numpy.ndarray
        Boolean mask of the management team, one flag per respondent.
    cap_ids : sequence of str
        The capabilities to compare, ids of ``index.cap_ids``, in report order.
    sesoi : float, default 0.5
        Smallest gap of interest on the answer scale (half a level).
    alpha : float, default 0.05
        Family-wise (Holm) or false-discovery (``"bh"``) level of the labels.
    adjust : {"holm", "bh"}, default "holm"
        Multiplicity adjustment within the family.
    min_n : int, default 3
        Fewest scores per group for a label.

    Returns
    -------
    tuple of PerceptionGap
        One gap per capability of ``cap_ids``, in that order.

    Raises
    ------
    questionnaires.errors.ScoringError
        When a capability id is not in the index, the arrays do not match, or ``sesoi``,
        ``alpha``, ``adjust`` or ``min_n`` is out of range.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> ix = SimpleNamespace(item_ids=("M1", "M2"), cap_ids=("MGT",),
    ...                      items_of=lambda k: np.array([0, 1]))
    >>> cur = np.array([[4, 4.0], [4, 5], [5, 4], [4, 4], [2, np.nan], [2, np.nan], [3, np.nan],
    ...                 [2, np.nan], [3, np.nan], [2, np.nan]])
    >>> g, = perception_gaps(cur, ix, np.arange(10) < 4, ["MGT"])
    >>> g.items_used, round(g.gap, 2), g.label
    (('M1',), 1.92, 'blind spot')
    """
    x = np.asarray(cur, dtype=float)
    mgmt = np.asarray(is_management, dtype=bool)
    if x.ndim != 2 or mgmt.shape != (x.shape[0],) or x.shape[1] != len(index.item_ids):
        raise ScoringError(
            f"perception gaps need ratings respondents × {len(index.item_ids)} items and one "
            f"management flag per respondent (got ratings {x.shape}, flags {mgmt.shape})"
        )
    confidence = 1.0 - alpha
    diffs: list[Difference] = []
    cells: list[tuple[float, float, int, int, tuple[str, ...]]] = []
    for cid in cap_ids:
        if cid not in index.cap_ids:
            raise ScoringError(
                f"capability {cid!r} is not in the instrument (it has {', '.join(index.cap_ids)})"
            )
        cols = index.items_of(index.cap_ids.index(cid))
        ids = [index.item_ids[j] for j in cols]
        common = common_item_scores(x[:, cols], mgmt, ids)
        sc = common.scores
        m, o = sc[mgmt & ~np.isnan(sc)], sc[~mgmt & ~np.isnan(sc)]
        if common.reason:
            d = _no_test(common.reason, sesoi, confidence)
        else:
            d = _welch(m, o, sesoi, confidence, min_n)
        diffs.append(d)
        m_mean = float(m.mean()) if m.size else NAN
        o_mean = float(o.mean()) if o.size else NAN
        cells.append((m_mean, o_mean, int(m.size), int(o.size), common.items_used))
    labels = label_family(diffs, adjust=adjust, alpha=alpha)
    return tuple(
        _gap(cid, cell, d, lab)
        for cid, cell, d, lab in zip(cap_ids, cells, diffs, labels, strict=True)
    )


def _gap(
    cid: str,
    cell: tuple[float, float, int, int, tuple[str, ...]],
    d: Difference,
    lab: DifferenceLabel,
) -> PerceptionGap:
    m_mean, o_mean, nm, no, used = cell
    return PerceptionGap(
        capability_id=cid,
        management_mean=m_mean,
        others_mean=o_mean,
        gap=m_mean - o_mean,
        p_value=d.p_value,
        exact=False,
        n_management=nm,
        n_others=no,
        label=PERCEPTION_LABELS[lab.key],
        test=lab,
        items_used=used,
        reason=lab.reason,
    )


def silo_gap(
    scores: np.ndarray,
    departments: np.ndarray,
    cap_ids: Sequence[str],
    shown: Sequence[str],
    separation_fn: Callable[[np.ndarray, np.ndarray], Separation] | None = None,
) -> tuple[SiloGap, ...]:
    """Per-department means and the between-department separation, per capability.

    Only the departments in ``shown`` (large enough to show) enter the means and the separation
    statistics of :func:`scoring.agreement.group_separation`; the spread is max − min of the means.

    Parameters
    ----------
    scores : numpy.ndarray
        Respondent capability scores, respondents × capabilities, NaN = no score.
    departments : numpy.ndarray
        Department key per respondent.
    cap_ids : sequence of str
        One capability id per column.
    shown : sequence of str
        Department keys large enough to show.
    separation_fn : callable, optional
        ``(values, groups) -> Separation``; ``None`` uses
        :func:`scoring.agreement.group_separation`.

    Returns
    -------
    tuple of SiloGap
        One silo gap per capability, in column order.
    """
    s = np.asarray(scores, dtype=float)
    deps = np.asarray(departments, dtype=object)
    out = []
    for c in range(s.shape[1]):
        col = s[:, c]
        means = []
        for d in shown:
            x = col[(deps == d) & ~np.isnan(col)]
            means.append((d, int(x.size), float(x.mean()) if x.size else NAN))
        finite = [m for _, _, m in means if not math.isnan(m)]
        spread = float(max(finite) - min(finite)) if len(finite) >= 2 else NAN
        keep = np.isin(deps, list(shown)) & ~np.isnan(col)
        if separation_fn is not None and len({d for d in deps[keep]}) >= 2:
            sep = separation_fn(col[keep], deps[keep])
        else:
            sep = Separation(
                NAN, NAN, NAN, NAN, NAN, 0, 0, reason="needs at least 2 departments to compare"
            )
        out.append(SiloGap(cap_ids[c], tuple(means), spread, sep))
    return tuple(out)


def ambition_gap(
    cap_ids: Sequence[str],
    current_means: Sequence[float] | np.ndarray,
    target_means: Sequence[float] | np.ndarray,
    current_levels: Sequence[int],
    target_levels: Sequence[int],
    target_agis: Sequence[float],
) -> tuple[AmbitionGap, ...]:
    """``target − current`` team mean per capability, with both levels and the AGI of targets.

    Parameters
    ----------
    cap_ids : sequence of str
        Capability ids, in instrument order.
    current_means : sequence of float or numpy.ndarray
        Team mean of current scores per capability.
    target_means : sequence of float or numpy.ndarray
        Team mean of target scores per capability.
    current_levels : sequence of int
        Current maturity level per capability.
    target_levels : sequence of int
        Target maturity level per capability.
    target_agis : sequence of float
        AGI of the target scores per capability.

    Returns
    -------
    tuple of AmbitionGap
        One ambition gap per capability.
    """
    return tuple(
        AmbitionGap(
            capability_id=c,
            current_mean=float(cm),
            target_mean=float(tm),
            gap=float(tm - cm),
            current_level=int(cl),
            target_level=int(tl),
            target_agi=float(ta),
        )
        for c, cm, tm, cl, tl, ta in zip(
            cap_ids,
            current_means,
            target_means,
            current_levels,
            target_levels,
            target_agis,
            strict=True,
        )
    )

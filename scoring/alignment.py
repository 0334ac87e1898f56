"""The Alignment Gap Index (AGI) and the alignment map (classical MDS + camps).

AGI
---
For ``n`` respondent scores ``s_1..s_n`` on a scale ``L..H`` (NaN ignored), with
``S = Σ_{i<j} |s_i − s_j|`` the sum of absolute pairwise differences
(``docs/methodology.md#4-alignment-gap-index-agi``)::

    AGI = 100 · mean_{i<j} |s_i − s_j| / (H − L) = 100 · S / (C(n, 2) · (H − L))

It reads directly: *on average, two members of the team place the company AGI % of the scale
apart* — on a 5-point scale, AGI 25 means one full maturity level. The mean over pairs is Gini's mean
difference (Gini 1912; Yitzhaki 2003), an unbiased estimator of ``E|X − Y|`` whatever the team size,
so teams and departments of different sizes compare fairly. Anchors: 0 when everyone gives the same
score; uniformly random answers on a 5-point scale give 40 on single items; two equal camps at the
opposite ends give ``50 · n/(n − 1)`` (57 for a team of 8, 50 as the team grows); 100 is reached only
by two people at the ends, and AGI is not computed for fewer than 3.

Normalising by the largest sum ``n`` scores can reach (``⌊n/2⌋⌈n/2⌉(H − L)``) would put two camps at
exactly 100, but it inflates ordinary disagreement by ``2(n − 1)/n`` — 1.33× for 3 people, 1.9× for
30 — so a small department and the whole organisation would not be comparable. We keep the
methodology's formula.

``S`` is computed in ``O(n log n)`` from the sorted scores ``s_(1) ≤ … ≤ s_(n)`` (David 1968)::

    S = Σ_i (2i − n − 1) · s_(i)

Not computed below 3 respondents (NaN with a reason). Bands (configurable): below 15 aligned (two
people typically within 0.6 of a level), 15–25 partly aligned, above 25 misaligned (on average more
than a full maturity level apart on a 5-point scale).

These fixed bands (:func:`agi_band`) do not know what random answering gives: a capability score
averages J items, so random answers give about 40/√J (16 for 6 items), "aligned" or "partly
aligned" by these bands. :func:`scoring.score_wave` therefore bands capability AGIs against the
null of random answering with their log-jackknife interval (:func:`scoring.null.calibrated_band`);
:func:`agi_band` and the bootstrap intervals (:func:`bootstrap_agi`) stay as library functions
(the bootstrap interval sits low and covered 0.78–0.89 at n = 8, :mod:`scoring.agi_interval`).

Alignment map
-------------
Respondents' capability profiles are compared by the Euclidean distance over the capabilities both
answered, rescaled to the full number of capabilities (``d_ij = sqrt(C · mean_shared (p_ik − p_jk)²)``);
classical (Torgerson 1952; Gower 1966) MDS embeds them in 2-D; camps are Ward clusters (Ward 1963) of
the distances with ``k`` in 2..4 chosen by the mean silhouette (Rousseeuw 1987).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from scoring.results import AlignmentMap, Band, Camp, Interval
from scoring.scores import percentile_interval

__all__ = [
    "agi_band",
    "agi_many",
    "alignment_gap",
    "alignment_map",
    "bootstrap_agi",
    "bootstrap_agi_replicates",
    "pairwise_abs_sum",
    "silhouette",
]

#: Above this many respondents the map uses the equivalent PCA of mean-imputed profiles and k-means
#: (the n × n distance matrix would not fit a laptop's memory comfortably).
EXACT_MAP_MAX = 1500

#: Resampling counts handled per chunk by :func:`bootstrap_agi_replicates`: the working arrays
#: (gathered counts, running counts, weights, their float copy) stay in cache and the peak stays a
#: few MB instead of ~4 copies of the ``B × n`` count matrix (~160 MB at n = 10,000, B = 1,000).
_CHUNK_CELLS = 1 << 17


def pairwise_abs_sum(sorted_x: np.ndarray) -> np.ndarray:
    """Sum of absolute pairwise differences of values already sorted along the last axis.

    ``Σ_{i<j} |x_i − x_j|`` computed as ``Σ (2i − n − 1) x_(i)`` (David 1968).

    Parameters
    ----------
    sorted_x : numpy.ndarray
        Values sorted ascending along the last axis, no NaN.

    Returns
    -------
    numpy.ndarray
        The pair sum over the last axis (a 0-d array for 1-D input).
    """
    n = sorted_x.shape[-1]
    w = 2.0 * np.arange(1, n + 1) - n - 1
    result: np.ndarray = sorted_x @ w
    return result


def _pair_count(n: np.ndarray | int, span: float) -> np.ndarray:
    """``C(n, 2) · span``: the denominator that turns a pair sum into the mean pair difference."""
    n = np.asarray(n, dtype=float)
    result: np.ndarray = n * (n - 1) / 2 * span
    return result


def alignment_gap(scores: Sequence[float] | np.ndarray, low: float, high: float) -> float:
    """Alignment Gap Index of 1-D respondent scores on the scale ``low..high``.

    ``AGI = 100 · mean_{i<j}|s_i − s_j| / (H − L)`` (0 = everyone agrees), the pair sum taken in
    O(n log n) as ``Σ (2i − n − 1) s_(i)`` over sorted scores
    (``docs/methodology.md#4-alignment-gap-index-agi``).

    Parameters
    ----------
    scores : sequence of float or numpy.ndarray
        Respondent scores on the scale; NaN scores are ignored.
    low : float
        Lowest point L of the scale.
    high : float
        Highest point H of the scale.

    Returns
    -------
    float
        The AGI on 0–100; NaN when fewer than 3 scores remain.

    Raises
    ------
    ValueError
        When ``high`` is not above ``low``.

    References
    ----------
    Gini (1912), Variabilità e mutabilità; Yitzhaki (2003), Metron 61(2), 285–316; David (1968),
    Biometrika 55(3), 573–575 (the sorted-sum form).

    Examples
    --------
    >>> round(alignment_gap([1, 1, 5, 5], 1, 5), 1)  # two camps of two at the ends: 4 of 6 pairs apart
    66.7
    >>> round(alignment_gap([2, 3, 4], 1, 5), 4)  # pairs 1, 1, 2 apart: mean 4/3 of a 4-point span
    33.3333
    >>> alignment_gap([3, 3, 3], 1, 5)
    0.0
    """
    x = np.asarray(scores, dtype=float).ravel()
    x = x[~np.isnan(x)]
    n = x.size
    if n < 3:
        return float("nan")
    if high <= low:
        raise ValueError(f"high ({high}) must be above low ({low})")
    s = pairwise_abs_sum(np.sort(x))
    return float(100.0 * s / _pair_count(n, high - low))


def agi_many(
    x: np.ndarray, low: float | np.ndarray, high: float | np.ndarray, min_n: int = 3
) -> np.ndarray:
    """AGI of every column of ``x`` (respondents × columns) at once, NaN ignored per column.

    NaNs are sorted to the end of each column; the weights ``2i − m − 1`` use each column's own count
    ``m`` of valid values.

    Parameters
    ----------
    x : numpy.ndarray
        Scores, respondents × columns, NaN = no score.
    low : float or numpy.ndarray
        Lowest point L of the scale (one per column, or one for all).
    high : float or numpy.ndarray
        Highest point H of the scale (one per column, or one for all).
    min_n : int, default 3
        Fewest valid scores a column needs for an AGI.

    Returns
    -------
    numpy.ndarray
        One AGI per column, NaN where a column has fewer than ``min_n`` scores.
    """
    x = np.asarray(x, dtype=float)
    xs = np.sort(x, axis=0)  # NaN last
    valid = ~np.isnan(xs)
    m = valid.sum(axis=0).astype(float)
    i = np.arange(1, x.shape[0] + 1, dtype=float)[:, None]
    w = np.where(valid, 2.0 * i - m - 1.0, 0.0)
    s = (np.where(valid, xs, 0.0) * w).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        agi = 100.0 * s / _pair_count(m, 1.0) / (np.asarray(high, dtype=float) - low)
    return np.where(m >= max(min_n, 2), agi, np.nan)


def bootstrap_agi_replicates(
    scores: np.ndarray, counts: np.ndarray, low: float, high: float, min_n: int = 3
) -> np.ndarray:
    """AGI of every bootstrap resample given as counts, without sorting any resample.

    The resamples are a ``B × n`` count matrix (see :func:`scoring.scores.bootstrap_counts`). A
    resample holds sorted value ``x_(i)`` ``c_i`` times; with ``C_i`` the running count and ``m`` the
    resample size, its copies take sorted positions ``C_{i−1}+1 .. C_i``, so
    ``S = Σ_i x_(i) · c_i · (C_{i−1} + C_i − m)``: one cumulative sum per resample, vectorised over
    chunks of resamples (:func:`_chunk_rows`: ~3 MB of working arrays instead of ~160 MB, and ~10×
    faster at n = 10,000, B = 1,000 because the chunk stays in cache). Respondents whose score is NaN
    are drawn but not counted (resample size varies).

    Parameters
    ----------
    scores : numpy.ndarray
        The n respondent scores (1-D), NaN = no score.
    counts : numpy.ndarray
        ``B × n`` draw counts, one row per resample.
    low : float
        Lowest point L of the scale.
    high : float
        Highest point H of the scale.
    min_n : int, default 3
        Fewest scores a resample needs for an AGI.

    Returns
    -------
    numpy.ndarray
        B AGIs; NaN for resamples with fewer than ``min_n`` scores.
    """
    x = np.asarray(scores, dtype=float)
    if counts.shape[0] == 0:
        return np.zeros(0)
    ok = ~np.isnan(x)
    if ok.sum() < min_n:
        return np.full(counts.shape[0], np.nan)
    cols = np.flatnonzero(ok)
    order = np.argsort(x[cols], kind="stable")
    xs = x[cols][order]
    sel = cols[order]
    dtype = np.int32 if len(x) < 40000 else np.int64  # c·(2C − c − m) stays below n²
    n_boot = counts.shape[0]
    s = np.empty(n_boot)
    m: np.ndarray = np.empty(n_boot, dtype=dtype)
    rows = _chunk_rows(len(sel))
    for a in range(0, n_boot, rows):
        b = min(a + rows, n_boot)
        c: np.ndarray = counts[a:b, sel].astype(dtype, copy=False)
        # running counts per resample: one flat cumulative sum (numpy's row-wise cumsum of
        # integers is slower and returns a Fortran-ordered array), minus each row's starting offset
        total = np.int64(c.shape[0]) * max(len(x), 1)
        cum: np.ndarray = np.cumsum(c.ravel(), dtype=np.int64 if total >= 2**31 else dtype)
        cum = cum.reshape(c.shape)
        start = np.concatenate(([0], cum[:-1, -1])).astype(cum.dtype)
        cum -= start[:, None]
        w: np.ndarray = cum.astype(dtype, copy=False)
        m[a:b] = w[:, -1]
        w *= 2
        w -= c
        w -= m[a:b, None]
        w *= c
        s[a:b] = w.astype(np.float64) @ xs
    with np.errstate(invalid="ignore", divide="ignore"):
        reps = 100.0 * s / _pair_count(m, high - low)
    return np.where(m >= min_n, reps, np.nan)


def _chunk_rows(n: int) -> int:
    """Resamples per chunk in :func:`bootstrap_agi_replicates`: about :data:`_CHUNK_CELLS` counts,
    a multiple of 16 rows (so BLAS groups the rows of each chunk as it did in one product over all
    resamples, and the sums are bitwise those of the unchunked computation)."""
    return max(16, (_CHUNK_CELLS // max(n, 1)) // 16 * 16)


def bootstrap_agi(
    scores: np.ndarray,
    counts: np.ndarray,
    low: float,
    high: float,
    level: float = 0.95,
    min_n: int = 3,
) -> Interval:
    """Percentile bootstrap CI of the AGI (see :func:`bootstrap_agi_replicates`).

    Parameters
    ----------
    scores : numpy.ndarray
        The n respondent scores (1-D), NaN = no score.
    counts : numpy.ndarray
        ``B × n`` draw counts, one row per resample.
    low : float
        Lowest point L of the scale.
    high : float
        Highest point H of the scale.
    level : float, default 0.95
        Confidence level of the interval.
    min_n : int, default 3
        Fewest scores a resample needs for an AGI.

    Returns
    -------
    Interval
        The percentile interval of the defined replicates.
    """
    if counts.shape[0] == 0:
        return Interval()
    return percentile_interval(bootstrap_agi_replicates(scores, counts, low, high, min_n), level)


def agi_band(value: float, bands: tuple[float, float] = (15.0, 25.0)) -> Band:
    """The band of an AGI value.

    ``aligned`` below ``bands[0]``, ``partly aligned`` up to ``bands[1]``, ``misaligned`` above,
    ``undefined`` for NaN.

    Parameters
    ----------
    value : float
        An AGI on 0–100 (NaN allowed).
    bands : tuple of (float, float), default (15.0, 25.0)
        Upper bounds of "aligned" (exclusive) and "partly aligned" (inclusive).

    Returns
    -------
    str
        ``"aligned"``, ``"partly aligned"``, ``"misaligned"`` or ``"undefined"``.
    """
    if np.isnan(value):
        return "undefined"
    if value < bands[0]:
        return "aligned"
    if value <= bands[1]:
        return "partly aligned"
    return "misaligned"


# -- alignment map ----------------------------------------------------------------------------------


def pairwise_distances(p: np.ndarray) -> np.ndarray:
    """Distances between profile rows over pairwise-available columns, rescaled to all columns.

    ``d_ij² = C · Σ_shared (p_ik − p_jk)² / |shared|``, computed with three matrix products. NaN when
    two respondents share no scored capability.
    """
    v = (~np.isnan(p)).astype(float)
    x = np.where(v > 0, p, 0.0)
    x2 = x * x
    ss = x2 @ v.T + v @ x2.T - 2.0 * (x @ x.T)
    shared = v @ v.T
    with np.errstate(invalid="ignore", divide="ignore"):
        d2 = np.where(shared > 0, p.shape[1] * np.maximum(ss, 0.0) / shared, np.nan)
    np.fill_diagonal(d2, 0.0)
    return np.sqrt(d2)


def _euclidean(x: np.ndarray) -> np.ndarray:
    """Euclidean distances between the rows of a complete matrix, via the Gram matrix."""
    sq = (x * x).sum(axis=1)
    # (sq_i + sq_j) − 2·G_ij, evaluated in that order in place: two n × n arrays at a time, not five
    d2 = np.add.outer(sq, sq)
    gram = x @ x.T
    gram *= 2.0
    d2 -= gram
    del gram
    np.fill_diagonal(d2, 0.0)
    np.maximum(d2, 0.0, out=d2)
    result: np.ndarray = np.sqrt(d2, out=d2)
    return result


def _fix_signs(vecs: np.ndarray) -> np.ndarray:
    """Make eigenvector signs deterministic: the largest-magnitude entry of each is positive."""
    idx = np.argmax(np.abs(vecs), axis=0)
    signs = np.sign(vecs[idx, np.arange(vecs.shape[1])])
    signs[signs == 0] = 1.0
    result: np.ndarray = vecs * signs
    return result


def classical_mds(d: np.ndarray, dims: int = 2) -> tuple[np.ndarray, float]:
    """Classical (Torgerson–Gower) MDS: eigendecomposition of ``B = −½ J D² J``.

    Returns the ``n × dims`` coordinates ``V_k √λ_k`` and the share of ``Σ|λ|`` not shown by the
    first ``dims`` positive eigenvalues (0 = the 2-D picture shows every distance exactly).
    """
    n = d.shape[0]
    d2 = d**2
    j = np.eye(n) - 1.0 / n
    b = -0.5 * j @ d2 @ j
    vals, vecs = np.linalg.eigh(b)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], _fix_signs(vecs[:, order])
    top = np.clip(vals[:dims], 0.0, None)
    coords = vecs[:, :dims] * np.sqrt(top)
    total = np.abs(vals).sum()
    stress = float(1.0 - top.sum() / total) if total > 0 else 0.0
    return coords, max(stress, 0.0)


def _pca_embedding(p: np.ndarray, dims: int = 2) -> tuple[np.ndarray, float, np.ndarray]:
    """Classical MDS of Euclidean distances between mean-imputed profiles, via the SVD (equivalent,
    Gower 1966); returns coordinates, stress and the imputed profiles."""
    col_mean = np.nanmean(p, axis=0)
    col_mean = np.where(np.isnan(col_mean), 0.0, col_mean)
    filled = np.where(np.isnan(p), col_mean, p)
    centred = filled - filled.mean(axis=0)
    u, s, _vt = np.linalg.svd(centred, full_matrices=False)
    u = _fix_signs(u)
    coords = u[:, :dims] * s[:dims]
    if coords.shape[1] < dims:
        coords = np.hstack([coords, np.zeros((coords.shape[0], dims - coords.shape[1]))])
    total = float((s**2).sum())
    stress = 1.0 - float((s[:dims] ** 2).sum()) / total if total > 0 else 0.0
    return coords, max(stress, 0.0), filled


def silhouette(d: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette width (Rousseeuw 1987) from a distance matrix; singletons score 0.

    Parameters
    ----------
    d : numpy.ndarray
        Symmetric n × n distance matrix.
    labels : numpy.ndarray
        Cluster label per point (n).

    Returns
    -------
    float
        The mean silhouette width in [−1, 1].

    References
    ----------
    Rousseeuw (1987), J. Comput. Appl. Math. 20, 53–65.
    """
    k = int(labels.max()) + 1
    onehot = np.eye(k)[labels]
    sums = d @ onehot
    sizes = onehot.sum(axis=0)
    own = sizes[labels]
    a = np.where(own > 1, sums[np.arange(len(labels)), labels] / np.maximum(own - 1, 1), 0.0)
    other = np.where(onehot > 0, np.inf, sums / np.where(sizes > 0, sizes, 1.0))
    other[:, sizes == 0] = np.inf
    b = other.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(own > 1, (b - a) / np.maximum(a, b), 0.0)
    s = np.where(np.isfinite(s), s, 0.0)
    return float(s.mean())


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Number clusters by size (largest first), ties by first member: deterministic camp letters."""
    uniq = np.unique(labels)
    keyed = sorted(uniq, key=lambda c: (-(labels == c).sum(), int(np.flatnonzero(labels == c)[0])))
    mapping = {c: k for k, c in enumerate(keyed)}
    return np.array([mapping[c] for c in labels], dtype=np.intp)


def _cluster(d: np.ndarray | None, feats: np.ndarray, k: int, seed: int) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster, linkage

    if d is not None:
        from scipy.spatial.distance import squareform

        z = linkage(squareform(d, checks=False), method="ward")
        return _relabel(fcluster(z, t=k, criterion="maxclust") - 1)
    from scipy.cluster.vq import kmeans2

    _, lab = kmeans2(feats, k, minit="++", seed=seed)
    return _relabel(lab)


def alignment_map(
    profiles: np.ndarray,
    respondent_ids: Sequence[str],
    capability_ids: Sequence[str],
    n_camps: int | None = None,
    seed: int = 0,
    min_respondents: int = 3,
) -> AlignmentMap:
    """2-D map of respondents' capability profiles with camps.

    Respondents with no scored capability are left off the map (coordinates NaN, camp −1). Up to
    :data:`EXACT_MAP_MAX` placed respondents use pairwise-available distances, classical MDS and Ward
    clustering; above that, the equivalent SVD of mean-imputed profiles and seeded k-means. ``k`` is
    ``n_camps`` or the best mean silhouette in 2..4 (ties to the smaller ``k``).

    Parameters
    ----------
    profiles : numpy.ndarray
        Scores, respondents × capabilities, NaN = no score.
    respondent_ids : sequence of str
        One id per row of ``profiles``.
    capability_ids : sequence of str
        One id per column of ``profiles``.
    n_camps : int, optional
        Number of camps; ``None`` chooses 2..4 by silhouette.
    seed : int, default 0
        Seed of the k-means used above :data:`EXACT_MAP_MAX` respondents.
    min_respondents : int, default 3
        Fewest placed respondents for a map; below it the map is empty with a reason.

    Returns
    -------
    AlignmentMap
        Coordinates, camp per respondent, camps with their profiles, stress and reason.

    References
    ----------
    Torgerson (1952), Psychometrika 17, 401–419; Gower (1966), Biometrika 53, 325–338; Ward (1963),
    J. Am. Stat. Assoc. 58, 236–244; Rousseeuw (1987), J. Comput. Appl. Math. 20, 53–65.
    """
    p = np.asarray(profiles, dtype=float)
    n = p.shape[0]
    ids = tuple(respondent_ids)
    placed = ~np.all(np.isnan(p), axis=1) if p.size else np.zeros(n, dtype=bool)
    m = int(placed.sum())
    nan_coords = tuple((float("nan"), float("nan")) for _ in range(n))
    if m < min_respondents:
        return AlignmentMap(
            ids,
            nan_coords,
            tuple([-1] * n),
            (),
            float("nan"),
            reason=f"needs at least {min_respondents} respondents with scores, has {m}",
        )
    q = p[placed]
    if m <= EXACT_MAP_MAX:
        exact = pairwise_distances(q)
        # no shared capability: fall back to the imputed profiles
        d: np.ndarray | None = None if np.isnan(exact).any() else exact
        if d is not None:
            coords, stress = classical_mds(d)
            feats = q
        else:
            coords, stress, feats = _pca_embedding(q)
            d = _euclidean(feats)
    else:
        coords, stress, feats = _pca_embedding(q)
        d = None
    # camps
    if d is not None:
        d_sil = d
        sample = np.arange(m)
    else:
        sample = np.random.default_rng(seed).choice(m, EXACT_MAP_MAX, replace=False)
        sample.sort()
        d_sil = _euclidean(feats[sample])
    if np.allclose(d_sil, 0.0):
        labels = np.zeros(m, dtype=np.intp)
    else:
        ks = [n_camps] if n_camps else [k for k in (2, 3, 4) if k < m]
        best: tuple[float, np.ndarray] | None = None
        for k in ks:
            lab = _cluster(d if m <= EXACT_MAP_MAX else None, feats, k, seed)
            score = silhouette(d_sil, lab[sample]) if len(np.unique(lab)) > 1 else -1.0
            if best is None or score > best[0] + 1e-12:
                best = (score, lab)
        labels = best[1] if best is not None else np.zeros(m, dtype=np.intp)
    camps = []
    for c in range(int(labels.max()) + 1):
        members = q[labels == c]
        with warnings.catch_warnings():  # a capability nobody in the camp scored stays NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            prof = np.nanmean(members, axis=0) if members.size else np.full(q.shape[1], np.nan)
        camps.append(
            Camp(
                label=f"Camp {chr(ord('A') + c)}",
                size=int((labels == c).sum()),
                profile=tuple((cid, float(v)) for cid, v in zip(capability_ids, prof, strict=True)),
            )
        )
    full_coords = np.full((n, 2), np.nan)
    full_coords[placed] = coords[:, :2]
    camp_of = np.full(n, -1, dtype=np.intp)
    camp_of[placed] = labels
    return AlignmentMap(
        respondent_ids=ids,
        coords=tuple((float(a), float(b)) for a, b in full_coords),
        camp_of=tuple(int(c) for c in camp_of),
        camps=tuple(camps),
        stress=float(stress),
    )

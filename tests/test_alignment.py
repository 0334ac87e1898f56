"""Alignment Gap Index and alignment map.

AGI = 100 · mean_{i<j}|s_i − s_j| / (H − L) (DESIGN §6, docs/methodology.md); the O(n log n) pair sum
Σ (2i − n − 1) s_(i) over sorted scores is David (1968), *Order Statistics*, for Gini's mean difference.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.alignment import (
    EXACT_MAP_MAX,
    agi_band,
    agi_many,
    alignment_gap,
    alignment_map,
    bootstrap_agi,
    bootstrap_agi_replicates,
    classical_mds,
    pairwise_distances,
    silhouette,
)
from scoring.scores import bootstrap_counts


def naive_agi(x, low, high):
    """The O(n²) definition of DESIGN §6: the mean absolute difference over every pair, over (H − L)."""
    x = [v for v in x if not np.isnan(v)]
    n = len(x)
    if n < 3:
        return float("nan")
    s = sum(abs(a - b) for a, b in itertools.combinations(x, 2))
    return 100 * s / (n * (n - 1) / 2 * (high - low))


def test_agi_is_zero_when_everyone_agrees():
    assert alignment_gap([3, 3, 3, 3], 1, 5) == 0.0
    assert alignment_gap([2.5] * 11, 1, 5) == 0.0


@pytest.mark.parametrize("n", [4, 6, 8, 10, 100])
def test_agi_of_two_equal_camps_at_the_ends_is_50_n_over_n_minus_1(n):
    # (n/2)² pairs of 4 points out of C(n, 2): 100 · (n²/4) / (n(n−1)/2) = 50 · n/(n − 1)
    x = [1.0] * (n // 2) + [5.0] * (n // 2)
    assert alignment_gap(x, 1, 5) == pytest.approx(50.0 * n / (n - 1))
    assert alignment_gap(x[::-1], 1, 5) == pytest.approx(50.0 * n / (n - 1))


def test_agi_reads_as_mean_pair_gap_in_percent_of_scale():
    # every pair exactly one point apart on a 1..5 scale is impossible beyond 2 people, but a
    # steady staircase 1, 2, 3 has pairs 1, 1, 2 -> mean 4/3 -> 100 · (4/3) / 4
    assert alignment_gap([1, 2, 3], 1, 5) == pytest.approx(100 / 3)


def test_agi_does_not_grow_with_team_size_for_the_same_spread():
    # Gini's mean difference is unbiased for E|X − Y|: for uniform draws on 1..5 that is 4/3 -> 33.3
    rng = np.random.default_rng(7)
    small = np.mean([alignment_gap(rng.uniform(1, 5, 4), 1, 5) for _ in range(4000)])
    large = np.mean([alignment_gap(rng.uniform(1, 5, 60), 1, 5) for _ in range(400)])
    assert small == pytest.approx(100 / 3, abs=1.0)
    assert large == pytest.approx(100 / 3, abs=1.0)


def test_agi_hand_example():
    # scores 1, 2, 4 on 1..5: pairs 1 + 3 + 2 = 6 over C(3, 2) = 3 pairs -> mean 2 -> 100 · 2/4 = 50
    assert alignment_gap([1, 2, 4], 1, 5) == pytest.approx(50.0)
    assert naive_agi([1, 2, 4], 1, 5) == pytest.approx(50.0)


def test_agi_ignores_nan_and_needs_three_scores():
    assert alignment_gap([1, np.nan, 2, 4], 1, 5) == pytest.approx(50.0)
    assert np.isnan(alignment_gap([1, 5], 1, 5))
    assert np.isnan(alignment_gap([1, np.nan, np.nan, 5], 1, 5))
    assert np.isnan(alignment_gap([], 1, 5))


def test_agi_equals_the_naive_pair_formula_on_random_data():
    rng = np.random.default_rng(42)
    for n in (3, 4, 9, 30, 101):
        x = rng.uniform(1, 5, n)
        assert alignment_gap(x, 1, 5) == pytest.approx(naive_agi(x, 1, 5), rel=1e-12)
        xi = rng.integers(0, 7, n).astype(float)  # ties, 0..6 scale
        assert alignment_gap(xi, 0, 6) == pytest.approx(naive_agi(xi, 0, 6), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(1, 5, allow_nan=False), min_size=3, max_size=40),
    st.randoms(use_true_random=False),
)
def test_agi_is_invariant_to_respondent_order(values, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    a, b = alignment_gap(values, 1, 5), alignment_gap(shuffled, 1, 5)
    assert a == pytest.approx(b, abs=1e-9)
    assert -1e-9 <= a <= 100 + 1e-9


def test_agi_many_matches_column_by_column():
    rng = np.random.default_rng(5)
    x = rng.uniform(1, 5, (12, 4))
    x[rng.random((12, 4)) < 0.3] = np.nan
    x[:, 3] = np.nan
    x[:2, 3] = 2.0  # two values only -> NaN
    got = agi_many(x, 1, 5)
    for k in range(4):
        exp = alignment_gap(x[:, k], 1, 5)
        assert (np.isnan(got[k]) and np.isnan(exp)) or got[k] == pytest.approx(exp)
    assert np.isnan(agi_many(x[:, :1], 1, 5, min_n=100)[0])


def test_bootstrap_agi_replicates_equal_explicitly_resampled_agis():
    """The cumulative-count formula reproduces the AGI of each explicit resample (with NaNs)."""
    rng = np.random.default_rng(8)
    x = rng.uniform(1, 5, 9)
    x[2] = np.nan
    counts = bootstrap_counts(9, 300, seed=4)
    reps = bootstrap_agi_replicates(x, counts, 1, 5)
    for row, got in zip(counts, reps, strict=True):
        exp = naive_agi(np.repeat(x, row), 1, 5)
        assert (np.isnan(got) and np.isnan(exp)) or got == pytest.approx(exp)
    ci = bootstrap_agi(x, counts, 1, 5)
    assert ci.defined and ci.low <= alignment_gap(x, 1, 5) <= ci.high + 10
    assert not bootstrap_agi(x, bootstrap_counts(9, 0, 1), 1, 5).defined


def test_bootstrap_agi_is_reproducible():
    x = np.random.default_rng(1).uniform(1, 5, 20)
    a = bootstrap_agi(x, bootstrap_counts(20, 200, 7), 1, 5)
    b = bootstrap_agi(x, bootstrap_counts(20, 200, 7), 1, 5)
    assert a == b


def test_bands_follow_the_documented_thresholds():
    assert agi_band(0.0) == "aligned"
    assert agi_band(14.99) == "aligned"
    assert agi_band(15.0) == "partly aligned"
    assert agi_band(25.0) == "partly aligned"
    assert agi_band(25.01) == "misaligned"
    assert agi_band(float("nan")) == "undefined"
    assert agi_band(20, (25, 40)) == "aligned"


# -- alignment map --------------------------------------------------------------------------


def test_pairwise_distances_use_shared_capabilities_rescaled():
    p = np.array([[1.0, 2.0, 3.0], [1.0, np.nan, 5.0], [3.0, 2.0, 3.0]])
    d = pairwise_distances(p)
    # rows 0, 1 share caps 0 and 2: squared diffs 0 + 4 over 2 shared, times 3 caps = 6
    assert d[0, 1] == pytest.approx(np.sqrt(6.0))
    assert d[0, 2] == pytest.approx(2.0)
    assert np.allclose(d, d.T) and np.allclose(np.diag(d), 0)


def test_classical_mds_recovers_planar_configurations():
    """Torgerson (1952): Euclidean distances of 2-D points are reproduced exactly, stress 0."""
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(10, 2))
    d = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1))
    coords, stress = classical_mds(d)
    d2 = np.sqrt(((coords[:, None] - coords[None]) ** 2).sum(-1))
    np.testing.assert_allclose(d2, d, atol=1e-9)
    assert stress == pytest.approx(0.0, abs=1e-9)


def test_silhouette_by_hand():
    # Rousseeuw (1987): s(i) = (b - a)/max(a, b). Points 0, 1 | 10, 11: for point 0, a = 1 and
    # b = (10 + 11)/2 = 10.5; for point 1, a = 1 and b = (9 + 10)/2 = 9.5; the others mirror these.
    pts = np.array([0.0, 1.0, 10.0, 11.0])
    d = np.abs(pts[:, None] - pts[None])
    expected = ((1 - 1 / 10.5) + (1 - 1 / 9.5)) / 2
    assert silhouette(d, np.array([0, 0, 1, 1])) == pytest.approx(expected)
    # a singleton scores 0 (Rousseeuw's convention)
    assert silhouette(d[:3, :3], np.array([0, 0, 1])) == pytest.approx((1 - 1 / 10 + 1 - 1 / 9) / 3)


def _two_camps(n_each=5, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.normal(4.2, 0.15, (n_each, 6))
    b = rng.normal(1.8, 0.15, (n_each, 6))
    return np.clip(np.vstack([a, b]), 1, 5)


def test_alignment_map_finds_two_planted_camps():
    p = _two_camps()
    ids = [f"R{i}" for i in range(10)]
    m = alignment_map(p, ids, list("ABCDEF"))
    assert len(m.camps) == 2
    assert len(set(m.camp_of[:5])) == 1 and len(set(m.camp_of[5:])) == 1
    assert m.camp_of[0] != m.camp_of[5]
    assert {c.size for c in m.camps} == {5}
    assert m.camps[0].label == "Camp A"
    assert 0 <= m.stress < 0.5
    # deterministic
    assert m == alignment_map(p, ids, list("ABCDEF"))
    # the first MDS axis separates the camps
    xs = np.array(m.coords)[:, 0]
    assert (np.sign(xs[:5]) != np.sign(xs[5:])[0]).all() or (
        np.sign(xs[5:]) != np.sign(xs[0])
    ).all()


def test_alignment_map_respects_n_camps_and_nan_profiles():
    p = _two_camps(4)
    p[0, :3] = np.nan
    p[1, :] = np.nan  # no score at all: left off the map
    m = alignment_map(p, [str(i) for i in range(8)], list("ABCDEF"), n_camps=3)
    assert len(m.camps) == 3
    assert m.camp_of[1] == -1 and np.isnan(m.coords[1][0])
    assert sum(c.size for c in m.camps) == 7


def test_alignment_map_needs_three_respondents():
    m = alignment_map(np.array([[1.0, 2.0], [3.0, 4.0]]), ["a", "b"], ["X", "Y"])
    assert m.camps == () and "at least 3" in m.reason
    assert m.camp_of == (-1, -1)


def test_alignment_map_large_teams_use_the_svd_path():
    rng = np.random.default_rng(2)
    n = EXACT_MAP_MAX + 100
    p = np.vstack([rng.normal(4, 0.3, (n // 2, 4)), rng.normal(2, 0.3, (n - n // 2, 4))])
    m = alignment_map(p, [str(i) for i in range(n)], list("ABCD"), seed=3)
    assert len(m.camps) == 2
    assert sorted(c.size for c in m.camps) == [n // 2, n - n // 2]
    assert m == alignment_map(p, [str(i) for i in range(n)], list("ABCD"), seed=3)


def test_silhouette_matches_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(11)
    pts = rng.normal(size=(25, 3))
    labels = rng.integers(0, 3, 25)
    d = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1))
    assert silhouette(d, labels) == pytest.approx(
        metrics.silhouette_score(d, labels, metric="precomputed")
    )


def test_bootstrap_agi_replicates_in_chunks_equal_one_pass_and_stay_small(monkeypatch):
    """Review (fixA2): the AGI bootstrap held ~4 copies of the B × n counts (160 MB at n = 10,000)
    and took ~0.4 s per capability. It now works on chunks of rows; the replicates must be bitwise
    those of one pass over all rows, with a remainder chunk, and the working memory a few MB."""
    import tracemalloc

    import scoring.alignment as al

    rng = np.random.default_rng(3)
    x = np.round(rng.normal(3, 0.8, 500) * 6) / 6
    x[rng.random(500) < 0.1] = np.nan
    counts = bootstrap_counts(500, 203, seed=5)
    monkeypatch.setattr(al, "_CHUNK_CELLS", 1 << 40)  # one chunk
    whole = bootstrap_agi_replicates(x, counts, 1, 5)
    monkeypatch.setattr(al, "_CHUNK_CELLS", 500 * 32)  # 32 rows per chunk, the last of 11
    assert al._chunk_rows(450) == 32
    chunked = bootstrap_agi_replicates(x, counts, 1, 5)
    assert np.array_equal(whole, chunked, equal_nan=True)
    for row, got in zip(counts[:20], chunked[:20], strict=True):
        assert got == pytest.approx(naive_agi(np.repeat(x, row), 1, 5))

    monkeypatch.undo()
    big = bootstrap_counts(4000, 1000, seed=1)  # 16 MB, allocated before tracing
    tracemalloc.start()
    try:
        bootstrap_agi_replicates(rng.uniform(1, 5, 4000), big, 1, 5)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4e6  # one B × n float copy alone would be 32 MB


def test_euclidean_distances_in_place_equal_the_gram_formula():
    """_euclidean now works in place (2 n × n arrays instead of 5); same bits as the formula."""
    from scoring.alignment import _euclidean

    x = np.random.default_rng(2).normal(size=(60, 5))
    sq = (x * x).sum(axis=1)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (x @ x.T)
    np.fill_diagonal(d2, 0.0)
    assert np.array_equal(_euclidean(x), np.sqrt(np.maximum(d2, 0.0)))

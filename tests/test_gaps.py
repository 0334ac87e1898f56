"""Perception, silo and ambition gaps.

Permutation test: Fisher (1935) / Good (2005); Monte Carlo p = (1 + hits)/(1 + B), Phipson & Smyth
(2010), Stat. Appl. Genet. Mol. Biol. 9(1):39.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from questionnaires.errors import ScoringError
from scoring import agreement
from scoring.gaps import (
    PERCEPTION_ALPHA,
    PERCEPTION_MIN_GAP,
    ambition_gap,
    perception_gap,
    perception_gaps,
    permutation_test,
    silo_gap,
)


def test_exact_p_value_by_hand():
    # values 1..5, group {1, 2}: observed 1.5 - 4 = -2.5. Of the C(5,2) = 10 relabellings only
    # {1,2} (-2.5) and {4,5} (+2.5) reach |2.5|: p = 2/10.
    p, exact = permutation_test(np.array([1.0, 2, 3, 4, 5]), np.array([1, 1, 0, 0, 0], bool))
    assert exact and p == pytest.approx(0.2)


def test_exact_p_value_equals_full_enumeration():
    rng = np.random.default_rng(4)
    v = rng.normal(size=9)
    g = np.zeros(9, bool)
    g[[0, 3, 4]] = True
    obs = v[g].mean() - v[~g].mean()
    hits = 0
    for c in itertools.combinations(range(9), 3):
        m = np.zeros(9, bool)
        m[list(c)] = True
        hits += abs(v[m].mean() - v[~m].mean()) >= abs(obs) - 1e-12
    p, exact = permutation_test(v, g, permutations=10000)
    assert exact and p == pytest.approx(hits / math.comb(9, 3))


def test_larger_group_side_gives_the_same_p():
    v = np.array([1.0, 2, 3, 4, 5, 6])
    g = np.array([1, 1, 1, 1, 0, 0], bool)
    assert permutation_test(v, g)[0] == pytest.approx(permutation_test(v, ~g)[0])


def test_monte_carlo_p_is_close_to_exact_and_reproducible():
    rng = np.random.default_rng(1)
    v = rng.normal(size=16)
    v[:5] += 0.8
    g = np.zeros(16, bool)
    g[:5] = True
    exact, is_exact = permutation_test(v, g, permutations=10**6)
    assert is_exact  # C(16,5) = 4368
    mc, mc_exact = permutation_test(v, g, permutations=4000, seed=3)
    assert not mc_exact
    assert mc == pytest.approx(exact, abs=0.03)
    assert permutation_test(v, g, permutations=4000, seed=3)[0] == mc
    assert mc > 0  # (1 + hits)/(1 + B) is never 0


def test_monte_carlo_with_large_groups_uses_the_chunked_sampler(monkeypatch):
    """Groups of 200 of 400 take the argpartition sampler, in chunks of _MAX_CELLS // n rows.

    Checked: the chunked path runs (several rng.random calls), every row is a k-subset, each index
    is drawn with frequency ≈ k/n = 0.5, and the Monte Carlo p-value agrees with Welch's t-test
    (scipy.stats.ttest_ind), which the permutation distribution approaches at this size.
    """
    from scipy import stats

    import scoring.gaps as gaps

    monkeypatch.setattr(gaps, "_MAX_CELLS", 400 * 64)  # 64 rows per chunk
    calls: list[tuple[int, int]] = []

    class Spy:
        def __init__(self, rng):
            self.rng = rng

        def random(self, size):
            calls.append(size)
            return self.rng.random(size)

    subsets = gaps._random_subsets(400, 200, 1000, Spy(np.random.default_rng(4)))
    assert len(calls) == 16 and calls[0] == (64, 400) and calls[-1] == (1000 - 15 * 64, 400)
    assert subsets.shape == (1000, 200)
    assert all(np.unique(row).size == 200 for row in subsets)
    freq = np.bincount(subsets.ravel(), minlength=400) / 1000
    # Binomial(1000, 0.5)/1000 has SD 0.016: every index within 5 SD, the mean exactly 0.5
    assert freq.mean() == pytest.approx(0.5) and np.abs(freq - 0.5).max() < 0.08

    rng = np.random.default_rng(2)
    v = rng.normal(size=400)
    v[:200] += 0.2
    g = np.zeros(400, bool)
    g[:200] = True
    p, exact = permutation_test(v, g, permutations=2000, seed=1)
    assert not exact
    t_p = stats.ttest_ind(v[g], v[~g], equal_var=False).pvalue
    assert p == pytest.approx(t_p, abs=0.03)


def test_one_group_empty_gives_nan():
    p, exact = permutation_test(np.array([1.0, 2.0]), np.array([True, True]))
    assert math.isnan(p) and not exact


def _scores_for(mgmt, others):
    s = np.array([[x] for x in mgmt + others], dtype=float)
    g = np.array([True] * len(mgmt) + [False] * len(others))
    return s, g


def test_perception_labels():
    s, g = _scores_for([4.5, 4.8, 4.6, 4.4], [2.0, 2.2, 2.1, 1.9, 2.3, 2.0])
    gap = perception_gap(s, g, ["CUL"])[0]
    assert gap.gap == pytest.approx(
        np.mean([4.5, 4.8, 4.6, 4.4]) - np.mean([2.0, 2.2, 2.1, 1.9, 2.3, 2.0])
    )
    assert gap.exact and gap.p_value < PERCEPTION_ALPHA and gap.gap >= PERCEPTION_MIN_GAP
    assert gap.label == "blind spot"
    s2, g2 = _scores_for([2.0, 2.2, 2.1, 1.9], [4.5, 4.8, 4.6, 4.4, 4.2, 4.0])
    assert perception_gap(s2, g2, ["CUL"])[0].label == "hidden strength"
    s3, g3 = _scores_for([3.0, 3.5, 2.5], [3.1, 3.4, 2.6, 3.0])
    assert perception_gap(s3, g3, ["CUL"])[0].label == "shared view"
    # fewer than 2 respondents in a group: no test, no label
    s4, g4 = _scores_for([5.0], [1.0, 3.0])
    assert perception_gap(s4, g4, ["CUL"])[0].label == "undefined"


def test_perception_ignores_missing_scores_per_capability():
    s = np.array([[4.0, np.nan], [4.2, 4.0], [4.4, 4.1], [2.0, 2.0], [2.1, np.nan], [2.2, 2.1]])
    g = np.array([1, 1, 1, 0, 0, 0], bool)
    a, b = perception_gap(s, g, ["A", "B"])
    assert (a.n_management, a.n_others) == (3, 3)
    assert (b.n_management, b.n_others) == (2, 2)
    assert b.management_mean == pytest.approx(4.05)


def test_silo_gap_means_and_separation():
    s = np.array([[1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [9.0]])
    deps = np.array(["a", "a", "a", "b", "b", "b", "c"], dtype=object)
    gap = silo_gap(s, deps, ["X"], ["a", "b"], agreement.group_separation)[0]
    assert gap.department_means == (("a", 3, 2.0), ("b", 3, 5.0))
    assert gap.spread == 3.0
    # department c (1 respondent, not shown) is left out of the separation too:
    # one-way ANOVA on a = 1,2,3 and b = 4,5,6: MSB = 13.5, MSW = 1, F = 13.5 on (1, 4) df
    assert gap.separation.f == pytest.approx(13.5)
    assert (gap.separation.df_between, gap.separation.df_within) == (1, 4)
    one = silo_gap(s, deps, ["X"], ["a"], agreement.group_separation)[0]
    assert math.isnan(one.separation.f) and "2 departments" in one.separation.reason


def test_ambition_gap():
    (a,) = ambition_gap(["X"], [2.5], [4.0], [2], [4], [12.0])
    assert (a.gap, a.current_level, a.target_level, a.target_agi) == (1.5, 2, 4, 12.0)


def test_no_permutations_means_no_p_value():
    p, exact = permutation_test(
        np.array([1.0, 2, 3, 4]), np.array([1, 1, 0, 0], bool), permutations=0
    )
    assert math.isnan(p) and not exact


def test_permutation_sums_are_streamed_for_a_large_management_team(monkeypatch):
    """Review (fixA2): with a large management team the Monte Carlo test gathered
    permutations × group size × capabilities values at once (1.3 GB for 2,000 managers among
    10,000 respondents, 8 capabilities). The sums are now taken in chunks: the p-values are
    identical whatever the chunk size, and memory stays small."""
    import tracemalloc

    from scoring import gaps

    rng = np.random.default_rng(9)
    v = rng.normal(size=(1000, 3))
    g = np.zeros(1000, bool)
    g[:300] = True
    v[g] += 0.1
    p_default, exact = permutation_test(v, g, permutations=500, seed=2)
    monkeypatch.setattr(gaps, "_SUM_CELLS", 7)  # one relabelling per gather
    monkeypatch.setattr(gaps, "_MAX_CELLS", 1000 * 37)  # 37 rows of keys per draw
    p_small, _ = permutation_test(v, g, permutations=500, seed=2)
    assert not exact and np.array_equal(p_default, p_small)

    monkeypatch.undo()
    big = rng.normal(size=(4000, 8))
    mgmt = np.zeros(4000, bool)
    mgmt[:2000] = True
    tracemalloc.start()
    try:
        permutation_test(big, mgmt, permutations=1000, seed=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30e6  # one gather would be 1,000 × 2,000 × 8 floats = 128 MB


# -- perception_gaps: error-controlled, on the items both groups were asked (issue 10, item 3) --


class _Index:
    """The part of scoring.scores.InstrumentIndex that perception_gaps reads."""

    def __init__(self, caps: dict[str, int]) -> None:
        self.cap_ids = tuple(caps)
        self.item_ids = tuple(f"{c}{j + 1}" for c, n in caps.items() for j in range(n))
        self.item_cap = np.repeat(np.arange(len(caps)), list(caps.values()))

    def items_of(self, k):
        return np.flatnonzero(self.item_cap == k)


def _team(rng, gaps, n_mgmt=8, n_others=52, n_items=6, sd=(0.54, 0.76)):
    """Ratings respondents × (capabilities × items): a person's trait per capability plus item
    noise, rounded to 1..5; management shifted by ``gaps`` (one per capability)."""
    n = n_mgmt + n_others
    mgmt = np.arange(n) < n_mgmt
    sds = np.where(mgmt, sd[0], sd[1])[:, None]
    trait = 3.0 + rng.normal(0.0, 1.0, (n, len(gaps))) * sds + np.outer(mgmt, gaps)
    items = np.repeat(trait, n_items, axis=1) + rng.normal(0.0, 0.3, (n, len(gaps) * n_items))
    return np.clip(np.rint(items), 1, 5), mgmt


def test_perception_gap_compares_only_items_asked_of_both_groups():
    # MGT: 6 items, staff are asked only the first 3. Executives rate the 3 executive-only items 5
    # and the common ones like everyone else: the old scores differ by ~1.7, the common items not.
    rng = np.random.default_rng(3)
    common = rng.integers(2, 5, size=(60, 3)).astype(float)
    exec_only = np.full((60, 3), np.nan)
    mgmt = np.arange(60) < 8
    exec_only[mgmt] = 5.0
    cur = np.hstack([common, exec_only])
    (g,) = perception_gaps(cur, _Index({"MGT": 6}), mgmt, ["MGT"])
    assert g.items_used == ("MGT1", "MGT2", "MGT3")
    assert g.management_mean == pytest.approx(common[mgmt].mean())
    assert g.others_mean == pytest.approx(common[~mgmt].mean())
    assert g.label in ("shared view", "no clear gap") and g.exact is False
    assert g.p_value == pytest.approx(
        stats.ttest_ind(common[mgmt].mean(1), common[~mgmt].mean(1), equal_var=False).pvalue
    )


def test_perception_gaps_on_northwind_use_the_items_staff_were_asked(instrument):
    from assessment.synthetic import northwind
    from scoring.pipeline import prepare
    from scoring.results import ScoreOptions

    p = prepare(instrument, northwind(instrument=instrument), ScoreOptions(), None)
    gaps = {g.capability_id: g for g in perception_gaps(p.cur, p.index, p.is_mgmt, p.index.cap_ids)}
    mgt = instrument.capabilities[[c.id for c in instrument.capabilities].index("MGT")]
    asked_all = tuple(i.id for i in mgt.items if not i.roles or "staff" in i.roles)
    assert gaps["MGT"].items_used == asked_all and len(asked_all) < len(mgt.items)
    # the planted blind spots, and nothing else labelled a gap
    assert {c for c, g in gaps.items() if g.label == "blind spot"} == {"CUL", "VOC", "DEC"}
    assert all(g.label != "hidden strength" for g in gaps.values())


def test_no_true_gap_gives_no_false_label_in_most_reports():
    # 8 capabilities, one family (Holm, α = .05): any blind spot / hidden strength in ≤ ~5% of
    # reports. 100 reports: the binomial 99.9% bound at 5% is about 12.
    rng = np.random.default_rng(11)
    ix = _Index({f"C{k}": 6 for k in range(8)})
    false_reports = 0
    for _ in range(100):
        cur, mgmt = _team(rng, np.zeros(8))
        labels = [g.label for g in perception_gaps(cur, ix, mgmt, ix.cap_ids)]
        assert set(labels) <= {"shared view", "no clear gap", "blind spot", "hidden strength"}
        false_reports += any(lab in ("blind spot", "hidden strength") for lab in labels)
    assert false_reports <= 12


def test_one_level_gap_with_8_executives_and_52_others_is_a_blind_spot():
    rng = np.random.default_rng(12)
    ix = _Index({"CUL": 6, "SKL": 6})
    hits = 0
    for _ in range(20):
        cur, mgmt = _team(rng, np.array([1.0, 0.0]))
        cul, _ = perception_gaps(cur, ix, mgmt, ix.cap_ids)
        hits += cul.label == "blind spot"
        assert cul.test is not None and cul.test.key in ("higher", "no clear difference")
    assert hits >= 18
    # a level lower: hidden strength (power ~0.94 measured over 200 seeds; ~0.98 for + 1)
    lower = []
    for _ in range(20):
        cur, mgmt = _team(rng, np.array([-1.0, 0.0]))
        lower.append(perception_gaps(cur, ix, mgmt, ix.cap_ids)[0])
    assert sum(g.label == "hidden strength" for g in lower) >= 16
    assert all(g.label in ("hidden strength", "no clear gap") for g in lower)


def test_perception_gaps_say_why_there_is_no_label():
    ix = _Index({"A": 2, "B": 2})
    cur = np.array([[4, 4, 3, np.nan]] * 3 + [[2, 3, np.nan, 2]] * 2 + [[3, 2, np.nan, 3]] * 2)
    mgmt = np.arange(7) < 3
    a, b = perception_gaps(cur, ix, mgmt, ix.cap_ids, min_n=3)
    # A: both groups have 3+ scores, but every score within each group is the same
    assert a.label == "undefined" and "zero variance" in a.reason and a.gap == pytest.approx(1.5)
    assert b.label == "undefined" and b.items_used == ()
    assert "both groups" in b.reason and b.test is not None and b.test.key == "not computed"
    c, _ = perception_gaps(cur[:5], ix, mgmt[:5], ix.cap_ids)
    assert c.label == "undefined" and "everyone else has 2" in c.reason
    assert math.isnan(c.p_value) and c.n_others == 2


def test_perception_gaps_reject_an_unknown_capability():
    with pytest.raises(ScoringError, match="'XYZ' is not in the instrument"):
        perception_gaps(np.ones((4, 2)), _Index({"A": 2}), np.arange(4) < 2, ["XYZ"])


def test_perception_gaps_survive_scipy_nct_nan_in_the_far_tail():
    # Northwind 2026-H2 CUL: t = 5.5 with 58 df; scipy's nct.cdf(5.5, 58, -6) is NaN, which made
    # the Hedges' g interval's root search raise and score_wave crash.
    from assessment.synthetic import northwind
    from questionnaires.catalogue import get_instrument
    from scoring.pipeline import prepare
    from scoring.results import ScoreOptions

    inst = get_instrument("customer-centricity@1.0.0")
    p = prepare(inst, northwind("2026-H2", instrument=inst), ScoreOptions(), None)
    gaps = perception_gaps(p.cur, p.index, p.is_mgmt, p.index.cap_ids)
    assert gaps[p.index.cap_ids.index("CUL")].label == "blind spot"

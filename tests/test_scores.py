"""Scores: reverse coding, normalisation, respondent and team scores, bootstrap (DESIGN §6)."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from questionnaires.loader import instrument_from_data
from scoring.scores import (
    InstrumentIndex,
    align_columns,
    answered_counts,
    bootstrap_counts,
    bootstrap_mean_ci,
    bootstrap_mean_cis,
    normalise,
    respondent_scores,
    reverse_code,
    to_scale,
)

NAN = np.nan


@pytest.fixture(scope="module")
def idx(mini_instrument):
    return InstrumentIndex.from_instrument(mini_instrument)


def test_reverse_code_flips_around_the_scale_midpoint():
    # DESIGN §6: x -> L + H - x
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, NAN])
    r = reverse_code(x, 1, 5)
    assert r[:5].tolist() == [5.0, 4.0, 3.0, 2.0, 1.0]
    assert np.isnan(r[5])


@given(st.integers(0, 3), st.integers(2, 10), st.lists(st.integers(0, 9), min_size=1, max_size=20))
def test_reverse_coding_is_an_involution_and_mirrors_normalised_scores(low, options, raw):
    high = low + options - 1
    x = np.array([low + v % options for v in raw], dtype=float)
    r = reverse_code(x, low, high)
    np.testing.assert_allclose(reverse_code(r, low, high), x)
    # symmetry: normalised(reversed) = 100 - normalised(original)
    np.testing.assert_allclose(normalise(r, low, high), 100 - normalise(x, low, high))


def test_normalise_and_back():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    n = normalise(x, 1, 5)
    assert n.tolist() == [0.0, 25.0, 50.0, 75.0, 100.0]
    np.testing.assert_allclose(to_scale(n, 1, 5), x)
    assert normalise(np.array([0.0, 10.0]), 0, 10).tolist() == [0.0, 100.0]


def test_index_reflects_the_instrument(idx):
    assert idx.item_ids == ("CUL-01", "CUL-02", "SYS-01", "SYS-02", "MET-01", "MET-02")
    assert idx.cap_ids == ("CUL", "SYS", "MET")
    assert idx.reverse.tolist() == [False, True, False, False, False, True]
    assert idx.item_cap.tolist() == [0, 0, 1, 1, 2, 2]
    assert idx.prerequisites == ((), (), (1,))
    assert idx.cap_weights.tolist() == [1.0, 2.0, 1.0]
    # SYS-02 is asked of executives and managers only
    asked = idx.asked(["staff", "executive"])
    assert asked[0].tolist() == [True, True, True, False, True, True]
    assert asked[1].all()


def test_respondent_scores_by_hand(idx):
    # raw ratings; CUL-02 and MET-02 are reverse coded (6 - x)
    raw = np.array(
        [
            [5, 1, 3, 3, 2, 4],  # CUL: 5, 5 -> 100; SYS: 3,3 -> 50; MET: 2, 2 -> 25
            [
                4,
                NAN,
                2,
                NAN,
                NAN,
                NAN,
            ],  # CUL 4 (1 of 2 answered = 50%): 75; SYS 2 (1/2): 25; MET none
            [1, 5, NAN, NAN, 3, 3],  # CUL 1,1 -> 0; SYS none; MET 3,3 -> 50
        ]
    )
    x = idx.recode(raw)
    s, share = respondent_scores(x, idx, idx.asked(["manager", "manager", "manager"]), 0.5)
    np.testing.assert_allclose(s[0], [100, 50, 25])
    np.testing.assert_allclose(s[1, :2], [75, 25])
    assert np.isnan(s[1, 2]) and np.isnan(s[2, 1])
    np.testing.assert_allclose(s[2, [0, 2]], [0, 50])
    np.testing.assert_allclose(share[1], [0.5, 0.5, 0.0])
    # with a stricter share, half-answered capabilities become missing (never 0)
    s2, _ = respondent_scores(x, idx, None, 0.6)
    assert np.isnan(s2[1, :2]).all()


def test_min_share_counts_only_items_asked_of_the_role(idx):
    # SYS-02 is not asked of staff: a staff member answering SYS-01 only has answered 100% of SYS.
    raw = np.array([[3, 3, 4, NAN, 3, 3], [3, 3, 4, NAN, 3, 3]])
    x = idx.recode(raw)
    s, share = respondent_scores(x, idx, idx.asked(["staff", "manager"]), 0.75)
    assert share[0, 1] == 1.0 and share[1, 1] == 0.5
    assert s[0, 1] == 75.0 and np.isnan(s[1, 1])


def test_item_weights_enter_the_mean(mini_instrument, fixtures_dir):
    data = yaml.safe_load((fixtures_dir / "mini" / "1.0.0.yaml").read_text())
    data["capabilities"][0]["items"][0]["weight"] = 3.0
    idx = InstrumentIndex.from_instrument(instrument_from_data(data))
    x = idx.recode(np.array([[5, 5, NAN, NAN, NAN, NAN]]))  # CUL-01 = 100, CUL-02 reversed = 0
    s, _ = respondent_scores(x, idx)
    assert s[0, 0] == pytest.approx((3 * 100 + 1 * 0) / 4)


def test_align_columns_reorders_and_rejects_unknown_items(idx):
    a = np.array([[1.0, 2.0]])
    (full,) = align_columns(idx, ["MET-02", "CUL-01"], a)
    assert full[0, 5] == 1.0 and full[0, 0] == 2.0 and np.isnan(full[0, 1])
    from questionnaires.errors import ScoringError

    with pytest.raises(ScoringError, match="XXX-01"):
        align_columns(idx, ["XXX-01"], a[:, :1], source="wave.csv")


def test_bootstrap_counts_are_resamples_of_size_n_and_reproducible():
    c = bootstrap_counts(7, 200, seed=1)
    assert c.shape == (200, 7)
    assert (c.sum(axis=1) == 7).all()
    assert np.array_equal(c, bootstrap_counts(7, 200, seed=1))
    assert not np.array_equal(c, bootstrap_counts(7, 200, seed=2))
    assert bootstrap_counts(7, 0, 1).shape == (0, 7)


def test_bootstrap_mean_ci_equals_explicit_resampling():
    """The count-matrix shortcut gives exactly the replicate means of explicit resamples
    (percentile bootstrap, Efron & Tibshirani 1993, ch. 13)."""
    rng = np.random.default_rng(3)
    v = rng.normal(3, 1, 15)
    v[4] = NAN
    counts = bootstrap_counts(15, 500, seed=9)
    reps = []
    for row in counts:
        sample = np.repeat(v, row)
        reps.append(np.nanmean(sample))
    lo, hi = np.quantile(reps, [0.025, 0.975])
    ci = bootstrap_mean_ci(v, counts)
    assert ci.low == pytest.approx(lo) and ci.high == pytest.approx(hi)
    assert ci.low < np.nanmean(v) < ci.high


def test_bootstrap_counts_in_chunks_equal_one_draw(monkeypatch):
    """Review: bootstrap_counts peaked at ~280 MB for n = 10,000, B = 1,000; it now fills rows in
    chunks. The counts are exactly those of one B × n draw from the same generator."""
    import scoring.scores as sc

    n, b, seed = 7, 203, 11
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(b, n))
    reference = np.stack([np.bincount(row, minlength=n) for row in idx])
    monkeypatch.setattr(sc, "_CHUNK_CELLS", 5 * n)  # 41 chunks of 5 rows (the last of 3)
    c = bootstrap_counts(n, b, seed)
    assert c.dtype == np.int32 and c.shape == (b, n)
    assert np.array_equal(c, reference)


def test_stacked_bootstrap_cis_equal_separate_calls():
    """score_wave computes current and target CIs in one stacked call; columns are independent."""
    rng = np.random.default_rng(5)
    cur, tgt = rng.normal(3, 1, (12, 3)), rng.normal(4, 1, (12, 3))
    cur[2, 1] = NAN
    counts = bootstrap_counts(12, 300, seed=2)
    stacked = bootstrap_mean_cis(np.hstack([cur, tgt]), counts)
    assert stacked == bootstrap_mean_cis(cur, counts) + bootstrap_mean_cis(tgt, counts)


def test_bootstrap_mean_cis_in_chunks_equal_one_pass(monkeypatch):
    """Review (fixA2): bootstrap_mean_cis converted all B × n counts to float at once (80 MB at
    n = 10,000); it now converts chunks of rows. Intervals are identical to one pass."""
    import scoring.scores as sc

    rng = np.random.default_rng(6)
    v = rng.normal(3, 1, (300, 5))
    v[rng.random(v.shape) < 0.1] = np.nan
    counts = bootstrap_counts(300, 250, seed=3)
    monkeypatch.setattr(sc, "_MEAN_CHUNK_CELLS", 1 << 40)  # one chunk
    whole = bootstrap_mean_cis(v, counts)
    monkeypatch.setattr(sc, "_MEAN_CHUNK_CELLS", 0)
    monkeypatch.setattr(sc, "_MEAN_CHUNK_ROWS", 64)  # 4 chunks, the last of 58 rows
    assert bootstrap_mean_cis(v, counts) == whole


def test_scale_ids_come_from_the_items_and_survive_subset(instrument):
    """Issue 10: the agreement statistics select items by scale id (maturity5 vs extent5 are
    both 1..5), so the index carries each item's scale, also when restricted to some items."""
    full = InstrumentIndex.from_instrument(instrument)
    assert full.scale_ids == tuple(i.scale for i in instrument.items)
    assert sum(s == "extent5" for s in full.scale_ids) == 9
    cols = [*[j for j, s in enumerate(full.scale_ids) if s == "extent5"][:3], 0]
    sub = full.subset(cols)
    assert sub.scale_ids == ("extent5", "extent5", "extent5", full.scale_ids[0])
    assert sub.item_ids == tuple(full.item_ids[j] for j in cols)


def test_answered_counts_are_the_items_behind_each_score(idx):
    x = np.array([[1, NAN, 3, 4, NAN, NAN], [2, 2, NAN, NAN, 5, 1.0]])
    assert answered_counts(x, idx).tolist() == [[1, 2, 0], [2, 0, 2]]

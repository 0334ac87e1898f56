"""The AGI against random answering: exact null means, critical values, calibrated bands (issue 10)."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from questionnaires.errors import ScoringError
from scoring._null_table import TABLE, TABLE_J, TABLE_N
from scoring.alignment import agi_band, alignment_gap
from scoring.null import (
    BAND_CODES,
    agi_null,
    calibrated_band,
    classify,
    critical_values,
    effective_items,
    expected_agi,
    null_probabilities,
    relative_agi,
    score_distribution,
    simulate_null,
    simulated_quantiles,
)
from tests.calibration.agi import TEAMS, band_rates, monotone_quantiles


def _variance(p: np.ndarray) -> float:
    k = np.arange(1, p.size + 1)
    mean = float(p @ k)
    return float(p @ (k - mean) ** 2)


def test_null_variances_are_lebreton_and_senter_2008_table_3() -> None:
    """LeBreton & Senter (2008), Table 3, 5-point scale: uniform 2.00, slight skew 1.34,
    triangular 1.32 (the variances of the probabilities the paper lists)."""
    assert _variance(null_probabilities("uniform")) == pytest.approx(2.00)
    assert round(_variance(null_probabilities("slight skew")), 2) == 1.34
    assert round(_variance(null_probabilities("triangular")), 2) == 1.32
    for model in ("uniform", "triangular", "slight skew"):
        assert null_probabilities(model).sum() == pytest.approx(1.0)


def test_one_uniform_item_on_five_points_gives_agi_40() -> None:
    """docs/methodology.md: random answers on one 5-point item give AGI 40 (E|X − Y| = 1.6)."""
    assert expected_agi(1) == pytest.approx(40.0)
    assert expected_agi(1) * 4 / 100 == pytest.approx(1.6)


@pytest.mark.parametrize("model", ["uniform", "triangular", "slight skew"])
@pytest.mark.parametrize("j", [1, 2, 3])
def test_exact_null_mean_equals_brute_force_enumeration(model: str, j: int) -> None:
    p = null_probabilities(model)  # type: ignore[arg-type]
    means, probs = [], []
    for combo in itertools.product(range(5), repeat=j):
        means.append(np.mean(combo))
        probs.append(np.prod(p[list(combo)]))
    m, w = np.array(means), np.array(probs)
    brute = float(w @ np.abs(m[:, None] - m[None, :]) @ w) / 4 * 100
    assert expected_agi(j, 5, model) == pytest.approx(brute, abs=1e-10)  # type: ignore[arg-type]


@pytest.mark.parametrize(("j", "model"), [(6, "uniform"), (4, "triangular"), (8, "slight skew")])
def test_exact_null_mean_equals_simulation(j: int, model: str) -> None:
    a = simulate_null(8, j, 5, model, reps=20000)  # type: ignore[arg-type]
    se = a.std() / np.sqrt(a.size)
    assert abs(a.mean() - expected_agi(j, 5, model)) < 4 * se  # type: ignore[arg-type]


def test_null_mean_shrinks_like_one_over_root_j_as_the_issue_says() -> None:
    """Issue 10: about 40/√J under uniform answering, 16.3 for a 6-item capability."""
    assert expected_agi(6) == pytest.approx(16.3, abs=0.05)
    assert expected_agi(6) == pytest.approx(40 / np.sqrt(6), rel=0.01)


def test_score_distribution_is_the_convolution_of_the_items() -> None:
    q = score_distribution(3, 5, "triangular")
    assert q.size == 13 and q.sum() == pytest.approx(1.0)
    assert q[0] == pytest.approx(0.11**3)


@pytest.mark.parametrize("model", ["uniform", "triangular", "slight skew"])
def test_critical_values_are_monotone_in_n(model: str) -> None:
    cells = np.array(TABLE[model])
    assert (np.diff(cells[:, :, 1], axis=0) >= 0).all()  # q05 never falls as n grows
    assert (np.diff(cells[:, :, 2], axis=0) <= 0).all()  # q95 never rises
    beyond = [agi_null(n, 6, 5, model) for n in (31, 40, 60, 200)]
    assert [b.q05 for b in beyond] == sorted(b.q05 for b in beyond)


def test_monotone_adjustment_only_ever_makes_a_test_more_conservative() -> None:
    raw = np.array([[[1.0, 5.0, 20.0, 25.0]], [[0.5, 4.0, 21.0, 24.0]], [[1.5, 6.0, 19.0, 26.0]]])
    out = monotone_quantiles(raw)
    assert (out[:, :, :2] <= raw[:, :, :2]).all() and (out[:, :, 2:] >= raw[:, :, 2:]).all()
    assert out[:, 0, 1].tolist() == [4.0, 4.0, 6.0]
    assert out[:, 0, 2].tolist() == [21.0, 21.0, 19.0]


@pytest.mark.parametrize(("n", "j", "model"), [(8, 6, "uniform"), (20, 3, "triangular")])
def test_shipped_table_cells_regenerate_from_their_seed(n: int, j: int, model: str) -> None:
    """Away from lattice steps the shipped cell is the simulation itself, to 6 decimals."""
    cell = TABLE[model][TABLE_N.index(n)][TABLE_J.index(j)]
    sim = simulated_quantiles(n, j, 5, model)  # type: ignore[arg-type]
    assert cell[1] <= sim[1] and cell[2] >= sim[2]
    assert cell[1:3] == pytest.approx(sim[1:3], abs=1e-6)


@pytest.mark.parametrize(
    ("n", "j", "tol"), [(31, 1, 0.5), (31, 6, 0.15), (40, 6, 0.15), (60, 3, 0.15), (100, 10, 0.1)]
)
def test_normal_approximation_beyond_the_table_matches_simulation(
    n: int, j: int, tol: float
) -> None:
    """Single items (j = 1) are skewed at n = 31 (measured 0.43 AGI points off); j ≥ 2 within 0.1."""
    approx = agi_null(n, j)
    a = simulate_null(n, j, reps=20000)
    assert approx.method == "normal approximation"
    assert approx.sd == pytest.approx(a.std(), rel=0.03)
    assert approx.q05 == pytest.approx(np.quantile(a, 0.05), abs=tol)
    assert approx.q95 == pytest.approx(np.quantile(a, 0.95), abs=tol)


def test_null_reference_is_cached_not_simulated_per_call() -> None:
    assert agi_null(8, 6) is agi_null(8, 6)
    assert agi_null(8, 6).method == "table"
    assert agi_null(12, 4, 7, "triangular").method == "simulated"
    start = time.perf_counter()
    for _ in range(1000):
        agi_null(12, 4, 7, "triangular")
    assert time.perf_counter() - start < 0.05


def test_calibrated_band_of_ten_thousand_respondents_is_fast() -> None:
    x = np.random.default_rng(3).normal(3, 0.7, 10000).clip(1, 5)
    calibrated_band(x, 6, 1, 5)  # warm the cache
    start = time.perf_counter()
    r = calibrated_band(x, 6, 1, 5)
    assert time.perf_counter() - start < 0.1
    assert r.agi == pytest.approx(alignment_gap(x, 1, 5))


def test_random_uniform_teams_are_aligned_at_most_5_percent() -> None:
    """Acceptance (issue 10): n = 8, J = 6, uniform random answering; the old bands gave 40%."""
    rates = band_rates("random uniform", 8, 6, reps=2000)
    assert rates["aligned"] <= 0.05
    assert rates["misaligned"] <= 0.05
    assert rates["not distinguishable from random answering"] >= 0.85


def test_old_fixed_bands_fail_the_same_acceptance() -> None:
    """The acceptance test can fail: the fixed bands (15/25) call ~40% of random teams aligned."""
    rng = np.random.default_rng(11)
    scores = TEAMS["random uniform"](rng, 2000, 8, 6)
    bands = [agi_band(alignment_gap(s, 1, 5)) for s in scores]
    assert bands.count("aligned") / len(bands) > 0.3


def test_two_level_split_is_misaligned_in_at_least_95_percent() -> None:
    """Acceptance (issue 10): half at L, half at L + 2 levels, plus item noise, n = 8, J = 6."""
    assert band_rates("two-level split", 8, 6, reps=2000)["misaligned"] >= 0.95


@pytest.mark.parametrize("team", ["random triangular", "random skewed"])
def test_realistic_random_teams_are_rarely_aligned(team: str) -> None:
    assert band_rates(team, 8, 6, reps=2000)["aligned"] <= 0.06


def test_a_one_level_split_is_not_called_aligned() -> None:
    rates = band_rates("one-level split", 8, 6, reps=1000)
    assert rates["aligned"] <= 0.01


def test_consensus_teams_are_never_misaligned() -> None:
    rates = band_rates("consensus", 12, 8, reps=1000)
    assert rates["misaligned"] == 0.0 and rates["aligned"] > 0.3


def test_fewer_than_three_scores_say_why_in_words() -> None:
    r = calibrated_band([3.0, np.nan, 4.0], 6, 1, 5)
    assert r.band == "undefined" and np.isnan(r.agi)
    assert r.reason == "only 2 respondents have a score; the AGI needs at least 3"


def test_all_answers_na_say_why_in_words() -> None:
    r = calibrated_band([np.nan] * 5, 6, 1, 5)
    assert r.band == "undefined"
    assert "nobody has a score" in r.reason


def test_min_n_above_three_is_the_floor() -> None:
    r = calibrated_band([3.0, 3.0, 3.0, 3.0], 6, 1, 5, min_n=5)
    assert r.band == "undefined" and "at least 5" in r.reason


def test_zero_variance_is_agi_zero_and_aligned_not_undefined() -> None:
    r = calibrated_band([3.0] * 8, 6, 1, 5)
    assert r.agi == 0.0 and r.relative == 1.0 and r.band == "aligned"
    assert (r.interval.low, r.interval.high) == (0.0, 0.0)


def test_identical_single_answers_of_three_people_are_not_proof_of_alignment() -> None:
    """Under the triangular null three equal single answers happen more than 5% of the time."""
    r = calibrated_band([3.0, 3.0, 3.0], 1, 1, 5)
    assert r.band == "not distinguishable from random answering" and r.reason


def test_random_like_team_reason_gives_the_null_range() -> None:
    r = calibrated_band([2.5, 3.0, 3.5, 2.5, 3.5, 2.0, 3.0, 4.0], 6, 1, 5)
    assert r.band == "not distinguishable from random answering"
    assert "random answering gives for 8 people averaging 6 items" in r.reason


def test_a_tie_with_the_critical_value_is_not_below_it() -> None:
    codes = classify(np.array([7.589286]), np.array([1.0]), np.array([9.0]), 7.589286, 23.0, 16.3)
    assert BAND_CODES[int(codes[0])] == "not distinguishable from random answering"


def test_interval_crossing_a_boundary_is_indeterminate() -> None:
    code = classify(np.array([6.0]), np.array([2.0]), np.array([16.0]), 7.6, 23.7, 16.3)
    assert BAND_CODES[int(code[0])] == "indeterminate"


def test_critical_values_take_the_strictest_model() -> None:
    mean, low, high, top = critical_values(8, 6)
    uniform, triangular = agi_null(8, 6, 5, "uniform"), agi_null(8, 6, 5, "triangular")
    assert low == min(uniform.q05, triangular.q05) == triangular.q05
    assert high == max(uniform.q95, triangular.q95)
    assert mean == top == uniform.mean


def test_relative_index() -> None:
    assert relative_agi(0.0, 16.3) == 1.0
    assert relative_agi(16.3, 16.3) == 0.0
    assert relative_agi(32.6, 16.3) == -1.0
    assert np.isnan(relative_agi(float("nan"), 16.3))


def test_effective_items_rounds_the_mean_answered_to_nearest_half_up() -> None:
    assert effective_items([6, 6, 6, 5]) == 6  # 5.75
    assert effective_items([6, 5]) == 6  # 5.5: half up
    assert effective_items([6, 5, 5]) == 5  # 5.33
    assert effective_items([6, 6, np.nan]) == 6
    assert effective_items([1, 0, np.nan]) == 1
    assert effective_items([]) == 0


def test_one_na_among_eight_keeps_the_six_item_null_reference() -> None:
    # review finding 13: 5.875 answered on average was rounded down to 5 and the reference moved
    j = effective_items([6, 6, 6, 6, 6, 6, 6, 5])
    assert j == 6
    assert agi_null(8, j, 5).mean == pytest.approx(agi_null(8, 6, 5).mean)
    assert agi_null(8, j, 5).mean < agi_null(8, 5, 5).mean - 1


def test_unknown_null_model_is_a_scoring_error_naming_the_models() -> None:
    with pytest.raises(ScoringError, match="unknown null model 'normal'; use one of uniform"):
        null_probabilities("normal")  # type: ignore[arg-type]


def test_slight_skew_on_seven_options_is_refused_with_the_fix() -> None:
    with pytest.raises(ScoringError, match=r"5 options only.*use 'uniform' or 'triangular'"):
        null_probabilities("slight skew", 7)


def test_triangular_on_other_scales_is_the_discrete_triangle() -> None:
    assert null_probabilities("triangular", 3).tolist() == pytest.approx([0.25, 0.5, 0.25])

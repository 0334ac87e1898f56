"""The AGI interval: closed-form leave-one-out, log-scale jackknife, measured coverage (issue 10)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from scoring.agi_interval import jackknife_agi_interval, jackknife_log_bounds, loo_agi
from scoring.alignment import alignment_gap, bootstrap_agi_replicates
from scoring.scores import bootstrap_counts
from tests.calibration.agi import COVERAGE_SIZES, coverage


def _naive_loo(x: np.ndarray) -> np.ndarray:
    out = np.full(x.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(x))
    for k in ok:
        out[k] = alignment_gap(np.delete(x, k), 1, 5)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_leave_one_out_formula_equals_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(3, 1, rng.integers(3, 40)).clip(1, 5)
    np.testing.assert_allclose(loo_agi(x, 1, 5), _naive_loo(x), atol=1e-9)


def test_leave_one_out_with_ties_and_missing_scores_equals_brute_force() -> None:
    x = np.array([3.0, np.nan, 3.0, 4.0, 2.0, 4.0, np.nan, 3.0, 5.0])
    got = loo_agi(x, 1, 5)
    np.testing.assert_allclose(got, _naive_loo(x), atol=1e-12)
    assert np.isnan(got[[1, 6]]).all()


def test_leave_one_out_below_three_scores_is_nan() -> None:
    assert np.isnan(loo_agi([3.0, 4.0, np.nan], 1, 5)).all()


def test_vectorised_bounds_equal_one_team_at_a_time() -> None:
    rng = np.random.default_rng(7)
    teams = np.sort(rng.normal(3, 0.6, (50, 8)).clip(1, 5), axis=1)
    agi, lo, hi = jackknife_log_bounds(teams, 4.0)
    for t in range(50):
        ci = jackknife_agi_interval(teams[t], 1, 5)
        assert (ci.low, ci.high) == pytest.approx((lo[t], hi[t]))
        assert agi[t] == pytest.approx(alignment_gap(teams[t], 1, 5))


def test_interval_holds_the_estimate_and_narrows_with_n() -> None:
    rng = np.random.default_rng(2)
    widths = []
    for n in (8, 80, 800):
        x = rng.normal(3, 0.6, n).clip(1, 5)
        ci = jackknife_agi_interval(x, 1, 5)
        assert ci.low <= alignment_gap(x, 1, 5) <= ci.high
        widths.append(ci.high - ci.low)
    assert widths == sorted(widths, reverse=True)


def test_agi_zero_gives_the_interval_zero_to_zero() -> None:
    ci = jackknife_agi_interval([4.0] * 6, 1, 5)
    assert (ci.low, ci.high) == (0.0, 0.0)


def test_some_leave_one_out_zero_keeps_the_interval_finite() -> None:
    """3, 3, 4: dropping the 4 leaves AGI 0, whose log is undefined without the offset."""
    ci = jackknife_agi_interval([3.0, 3.0, 4.0], 1, 5)
    assert ci.defined and 0.0 <= ci.low < 16.7 < ci.high <= 100.0


def test_fewer_than_three_scores_give_no_interval() -> None:
    assert not jackknife_agi_interval([3.0, np.nan, 4.0], 1, 5).defined
    assert not jackknife_agi_interval([3.0, 3.5, 4.0], 1, 5, min_n=4).defined


def test_bounds_stay_on_the_agi_scale() -> None:
    ci = jackknife_agi_interval([1.0, 5.0, 1.0, 5.0], 1, 5)
    assert 0.0 <= ci.low <= ci.high <= 100.0


def test_ten_thousand_respondents_in_milliseconds() -> None:
    x = np.random.default_rng(1).normal(3, 0.7, 10000).clip(1, 5)
    jackknife_agi_interval(x, 1, 5)
    start = time.perf_counter()
    ci = jackknife_agi_interval(x, 1, 5)
    assert time.perf_counter() - start < 0.05
    assert ci.low < alignment_gap(x, 1, 5) < ci.high


@pytest.mark.parametrize("kind", ["normal", "two camps"])
@pytest.mark.parametrize("n", COVERAGE_SIZES)
def test_coverage_is_between_93_and_97_percent(kind: str, n: int) -> None:
    """Acceptance (issue 10): 0.93–0.97 at n = 5, 8, 12; 2,000 samples (SE ≈ 0.005), so the
    window is widened by 0.005 on each side. The full-size run is in tests/calibration/agi.py."""
    res = coverage(kind, n, reps=2000, draws=200_000)
    assert 0.925 <= float(res["coverage"]) <= 0.975  # type: ignore[arg-type]


def test_an_interval_that_is_too_narrow_fails_the_coverage_window() -> None:
    """The coverage test can fail: an 80% interval is far outside 0.93–0.97."""
    from tests.calibration.agi import _answers, _coverage_truth, population_agi

    truth = population_agi("normal", draws=200_000)
    rng = np.random.default_rng(5)
    s = np.sort(_answers(rng, _coverage_truth(rng, (2000, 8), "normal"), 6), axis=-1)
    _, lo, hi = jackknife_log_bounds(s, 4.0, level=0.80)
    assert np.mean((lo <= truth) & (truth <= hi)) < 0.9


def test_the_bootstrap_it_replaces_is_biased_by_n_minus_one_over_n() -> None:
    """Issue 10, item 2: bootstrap replicates average (n − 1)/n of the AGI (repeats add zero pair
    differences); the jackknife interval is centred on the estimate itself on the log scale."""
    x = np.array([2.0, 2.5, 3.0, 3.0, 3.5, 4.0, 2.5, 3.0])
    reps = bootstrap_agi_replicates(x, bootstrap_counts(8, 4000, 1), 1, 5)
    agi = alignment_gap(x, 1, 5)
    assert np.nanmean(reps) == pytest.approx(7 / 8 * agi, rel=0.02)
    jack = jackknife_agi_interval(x, 1, 5)
    assert np.sqrt(jack.low + 1) * np.sqrt(jack.high + 1) == pytest.approx(agi + 1)


def test_one_outlier_widens_the_upper_bound_and_stays_on_the_scale() -> None:
    x = [3.0] * 7 + [5.0]
    ci = jackknife_agi_interval(x, 1, 5)
    agi = alignment_gap(x, 1, 5)
    assert 0.0 <= ci.low < agi < ci.high <= 100.0
    assert ci.high - agi > agi - ci.low  # the log scale's long right tail


def test_n_three_interval_holds_the_estimate() -> None:
    x = [2.0, 3.0, 4.5]
    ci = jackknife_agi_interval(x, 1, 5)
    assert 0.0 <= ci.low <= alignment_gap(x, 1, 5) <= ci.high <= 100.0


def test_jackknife_variance_bias_equals_the_hoeffding_closed_form() -> None:
    """Module docstring: E V_jack − Var G = 2δ/((n − 1)(n − 2)), δ = ζ₂ − 2ζ₁, checked exactly by
    enumerating every sample of n = 6 from the two-point population {2, 4} with P(4) = 0.3."""
    import itertools

    n, p, span = 6, 0.3, 4.0
    e_g = e_g2 = e_vj = 0.0
    for draw in itertools.product((0, 1), repeat=n):
        prob = float(np.prod([p if d else 1 - p for d in draw]))
        x = 2.0 + 2.0 * np.array(draw, dtype=float)
        g = alignment_gap(x, 1, 5)
        loo = loo_agi(x, 1, 5)
        e_g += prob * g
        e_g2 += prob * g * g
        e_vj += prob * (n - 1) / n * float(((loo - loo.mean()) ** 2).sum())
    var_g = e_g2 - e_g**2
    scale = 100.0 / span
    h = 2.0 * scale  # kernel |x − y| on the AGI scale: 0 or 2 points
    theta = 2 * p * (1 - p) * h
    zeta1 = p * (1 - p) * ((1 - 2 * p) * h) ** 2  # Var E[h | X]: X = 4 gives (1−p)h, X = 2 gives ph
    zeta2 = theta * (h - theta)
    delta = zeta2 - 2 * zeta1
    assert e_g == pytest.approx(theta)
    assert var_g == pytest.approx(4 * zeta1 / n + 2 * delta / (n * (n - 1)))
    assert e_vj - var_g == pytest.approx(2 * delta / ((n - 1) * (n - 2)))


@pytest.mark.parametrize("n", [20, 60])
def test_coverage_at_larger_teams_stays_in_the_window(n: int) -> None:
    res = coverage("normal", n, reps=2000, draws=200_000)
    assert 0.925 <= float(res["coverage"]) <= 0.975  # type: ignore[arg-type]


@pytest.mark.xfail(
    strict=True,
    reason="known miss (scoring/agi_interval.py docstring): camps 70/30 at n = 8 cover 0.919; "
    "this test starts passing, and then fails as XPASS, when a better interval is in place",
)
def test_coverage_of_unequal_camps_at_n_8_reaches_the_window() -> None:
    res = coverage("two camps 70/30", 8, reps=2000, draws=200_000)
    assert float(res["coverage"]) >= 0.925  # type: ignore[arg-type]


# -- near consensus (brief N3): a leave-one-out AGI of 0 made the log interval [0, 95] / [0, 100] --


def test_one_dissenter_at_half_a_point_is_not_zero_to_ninety_five() -> None:
    """Seven 3.0 and one 3.5 (J = 6) gave AGI 3.1 with [0, 94.7] and band 'indeterminate'."""
    from scoring.null import calibrated_band

    x = [3.0] * 7 + [3.5]
    ci = jackknife_agi_interval(x, 1, 5)
    assert ci.low == 0.0 and 3.125 < ci.high < 15.0
    assert calibrated_band(x, 6, 1, 5, n_options=5).band == "aligned"


def test_one_dissenter_at_one_point_is_not_zero_to_hundred() -> None:
    ci = jackknife_agi_interval([3.0] * 7 + [4.0], 1, 5)
    assert ci.low == 0.0 and 6.25 < ci.high < 25.0


@pytest.mark.parametrize("n", [5, 8, 12])
def test_one_dissenter_interval_grows_in_proportion_to_the_dissent(n: int) -> None:
    """n − 1 equal scores and one dissenter: SE_raw = AGI, interval [0, (1 + t_{n−1}) AGI]."""
    from scipy import stats

    t = float(stats.t.ppf(0.975, n - 1))
    highs = []
    for d in (1 / 6, 0.5, 1.0, 2.0):
        x = [3.0] * (n - 1) + [3.0 + d]
        ci = jackknife_agi_interval(x, 1, 5)
        agi = alignment_gap(x, 1, 5)
        assert ci.low == 0.0
        assert ci.high == pytest.approx(min(100.0, (1 + t) * agi))
        highs.append(ci.high)
    assert highs == sorted(highs) and len(set(highs)) == 4


@pytest.mark.parametrize("n", [5, 8, 12])
def test_two_dissenters_interval_grows_with_the_dissent_and_stays_below_ninety(n: int) -> None:
    highs = []
    for d in (0.5, 1.0, 2.0):
        x = [3.0] * (n - 2) + [3.0 + d] * 2
        ci = jackknife_agi_interval(x, 1, 5)
        assert ci.low <= alignment_gap(x, 1, 5) <= ci.high < 90.0
        highs.append(ci.high)
    assert highs == sorted(highs)


def test_near_consensus_interval_is_continuous_between_the_two_scales() -> None:
    """A second person a lattice step away moves the interval a little, not from 21 to 100."""
    one = jackknife_agi_interval([3.0] * 7 + [4.0], 1, 5)
    near = jackknife_agi_interval([3.0] * 6 + [3 + 1 / 6, 4.0], 1, 5)
    assert abs(near.high - one.high) < 3.0


def test_lattice_cases_of_the_harness_have_no_degenerate_interval() -> None:
    from tests.calibration.agi import lattice_cases

    rows = lattice_cases()
    assert len(rows) == 27
    for r in rows:
        agi, low, high = float(r["agi"]), float(r["low"]), float(r["high"])  # type: ignore[arg-type]
        assert low <= agi <= high <= 6.0 * agi


def test_raw_weight_is_one_near_zero_and_zero_when_no_leave_one_out_is_small() -> None:
    from scoring.agi_interval import raw_weight

    w = raw_weight(np.array([10.0, 10.0, 10.0, 10.0, 0.0]), np.array([0.0, 2.5, 3.75, 5.0, 0.0]))
    assert w.tolist() == [1.0, 1.0, 0.5, 0.0, 0.0]


def test_forty_eight_intervals_of_ten_thousand_in_milliseconds() -> None:
    x = np.sort(np.random.default_rng(3).normal(3, 0.7, (48, 10000)).clip(1, 5), axis=-1)
    jackknife_log_bounds(x, 4.0)
    start = time.perf_counter()
    jackknife_log_bounds(x, 4.0)
    assert time.perf_counter() - start < 0.1

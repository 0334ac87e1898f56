"""Level uncertainty (issue 10, item 4): median interval, interpolated level, borderline flag."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from scoring.levels import maturity_levels
from scoring.stability import level_estimate, level_estimates, median_interval
from tests.calibration.levels import borderline_rates, level_flip_rates


def _reference_rank(n: int, level: float) -> int:
    """Largest r with 1 − 2·P(B ≤ r − 1) ≥ level, B ~ Binomial(n, 1/2), by scipy.stats.binom."""
    ok = [r for r in range(1, (n + 1) // 2 + 1) if 1 - 2 * stats.binom.cdf(r - 1, n, 0.5) >= level]
    return max(ok) if ok else 1


@pytest.mark.parametrize("level", [0.90, 0.95, 0.99])
def test_median_interval_ranks_and_coverage_equal_the_binomial_computation(level: float) -> None:
    # the construction of DescTools::MedianCI(method = "exact"), recomputed with scipy.stats.binom
    for n in range(2, 121):
        mi = median_interval(np.arange(n, dtype=float), level)
        r = _reference_rank(n, level)
        assert mi.rank == r, n
        assert mi.interval.low == r - 1 and mi.interval.high == n - r, n
        assert mi.coverage == pytest.approx(1 - 2 * stats.binom.cdf(r - 1, n, 0.5), abs=1e-12)


def test_median_interval_textbook_ranks() -> None:
    # 95%: n = 10 -> x(2), x(9), 0.9785; n = 20 -> x(6), x(15), 0.9586; n = 60 -> x(22), x(39)
    for n, r, cov in [(10, 2, 0.978516), (20, 6, 0.958610), (60, 22, 0.972660)]:
        mi = median_interval(np.arange(1.0, n + 1))
        assert (mi.rank, mi.interval.low, mi.interval.high) == (r, r, n - r + 1)
        assert mi.coverage == pytest.approx(cov, abs=1e-6)
        assert mi.reaches_level and mi.reason == ""


@pytest.mark.parametrize(("n", "cov"), [(2, 0.5), (3, 0.75), (4, 0.875), (5, 0.9375)])
def test_below_six_scores_the_widest_interval_is_returned_with_its_actual_coverage(
    n: int, cov: float
) -> None:
    mi = median_interval([3.0 + 0.1 * i for i in range(n)])
    assert mi.interval.low == 3.0 and mi.interval.high == pytest.approx(3.0 + 0.1 * (n - 1))
    assert mi.coverage == pytest.approx(cov)
    assert not mi.reaches_level
    assert f"{cov:.1%}" in mi.reason and f"with {n} scores" in mi.reason


def test_six_scores_reach_95_percent() -> None:
    mi = median_interval([1, 2, 3, 4, 5, 6])
    assert mi.reaches_level and mi.coverage == pytest.approx(1 - 2 / 64)


def test_one_score_has_no_interval_and_says_why() -> None:
    mi = median_interval([2.5, float("nan")])
    assert mi.median == 2.5 and not mi.interval.defined and "one score" in mi.reason


def test_no_scores_is_nan_with_a_reason() -> None:
    mi = median_interval([float("nan")])
    assert math.isnan(mi.median) and mi.n == 0 and mi.reason


def test_median_interval_covers_at_least_its_level_by_simulation() -> None:
    rng = np.random.default_rng(5)
    for n in (8, 20, 60):
        x = rng.lognormal(1.0, 0.5, (2000, n))  # skewed: the interval assumes no shape
        hits = [
            (mi := median_interval(row)).interval.low <= math.exp(1.0) <= mi.interval.high
            for row in x
        ]
        assert np.mean(hits) >= 0.94, n


def test_bad_level_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        median_interval([1, 2, 3], 1.0)
    with pytest.raises(ValueError, match="margin"):
        level_estimate([1, 2, 3], margin=-0.1)


def test_interpolated_level_truncates_so_its_whole_part_is_the_whole_level() -> None:
    # regression: rounding would print "3.0" beside level 2 for a median of 2.96
    e = level_estimate([2.9, 2.96, 3.0])
    assert (e.level, e.interpolated) == (2, 2.9)
    assert level_estimate([5.0, 5.0, 5.0]).interpolated == 5.0
    assert level_estimate([3.0, 3.0, 3.0]).interpolated == 3.0


def test_whole_level_is_the_floor_of_the_median_as_maturity_levels_computes_it() -> None:
    rng = np.random.default_rng(6)
    x = np.clip(rng.normal(3.0, 0.8, (40, 5)), 1, 5)
    ests = level_estimates(x)
    med = np.median(x, axis=0)
    lv = maturity_levels(
        list("ABCDE"), med, med, [[f"{c}1"] for c in "ABCDE"], [[1.0]] * 5, [[]] * 5
    )
    assert [e.level for e in ests] == [m.uncapped_level for m in lv]


def test_a_median_just_below_a_boundary_is_borderline_not_a_silent_level() -> None:
    x = np.linspace(2.6, 3.2, 60)  # median 2.9, interval about [2.83, 2.97]
    e = level_estimate(x, population="organisation")
    # borderline by the margin alone: the interval itself lies in level 2
    assert e.level == 2 and e.borderline and e.possible_levels == (2,)
    assert e.population == "organisation"
    assert not level_estimate(x, margin=0.0).borderline  # the plain rule misses it


def test_possible_levels_come_from_the_interval_not_from_the_margin() -> None:
    # review finding 6: Culture 3.0-4.17 read "could be 2, 3 or 4" (the 0.1 margin reached 2.9)
    e = level_estimate([3.0, 3.2, 3.4, 3.5, 3.6, 3.7, 4.0, 4.17], population="management team")
    assert (e.interval.low, e.interval.high) == (3.0, 4.17)  # n = 8: the range
    assert e.borderline and e.possible_levels == (3, 4)


def test_an_interval_across_several_boundaries_lists_only_the_levels_it_reaches() -> None:
    # review finding 6: MET "could be 1, 2, 3 or 4" from an interval that does not reach 4
    e = level_estimate([1.95, 2.3, 2.6, 2.8, 2.9, 3.2, 3.5, 3.95])
    assert e.borderline and e.possible_levels == (1, 2, 3)


def test_possible_levels_are_clipped_to_the_scale() -> None:
    assert level_estimate([4.6, 4.8, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0]).possible_levels == (4, 5)
    assert level_estimate([1.0] * 8).possible_levels == (1,)


def test_a_median_well_inside_a_level_is_not_borderline() -> None:
    e = level_estimate(np.linspace(3.3, 3.7, 60))
    assert (e.level, e.borderline, e.possible_levels) == (3, False, (3,))


def test_all_missing_scores_say_why_instead_of_a_level() -> None:
    e = level_estimate([float("nan")] * 4)
    assert e.level == 0 and not e.computable and math.isnan(e.interpolated)
    assert e.reason == "not computable: all 4 scores are missing (N/A or too few items answered)"
    assert level_estimate([]).reason == "not computable: no respondent scored this capability"


def test_one_score_is_reported_borderline_with_the_reason() -> None:
    e = level_estimate([3.4])
    assert e.level == 3 and e.borderline and "one person's view" in e.reason


def test_population_median_within_a_tenth_of_a_boundary_is_borderline_in_90_percent() -> None:
    # acceptance (issue 10): n = 60 (Northwind) and n = 8 (the management team), small mode
    rows = borderline_rates(n_samples=200, margins=(0.0, 0.1))
    with_margin = [r for r in rows if r["margin"] == 0.1]
    assert with_margin and min(float(r["borderline"]) for r in with_margin) >= 0.90
    assert {r["n"] for r in with_margin} == {8, 60}
    assert any(r["population"] == "item model" for r in with_margin)
    # without the margin, tight samples of 60 just beside a boundary are missed: why it exists
    plain = [r for r in rows if r["margin"] == 0.0 and r["n"] == 60 and r["sd"] == 0.4]
    assert min(float(r["borderline"]) for r in plain) < 0.90


def test_northwind_levels_flip_today_and_no_flip_goes_unflagged_with_borderline() -> None:
    res = level_flip_rates(n_pairs=25)
    org = res["organisation"]
    # today (floor of the median): the 42-47% on MGT and DEC, 82% for any of 8
    assert org["MGT"]["flip"] >= 0.3 and org["DEC"]["flip"] >= 0.3
    assert org["any"]["flip"] >= 0.6
    # with the borderline flag, a level that differs is flagged in at least one of the two
    for pop in res.values():
        assert pop["any"]["unflagged_flip"] <= 0.05

"""Property tests of the scoring engine (issue 8, item 8): respondent order, N/A handling and the
bounds of every index, on random small waves of the mini instrument.

What is and is not order-invariant: every point statistic (means, medians, levels, agreement, AGI,
perception and silo gaps, the roadmap) must not depend on the order of the respondents. The
bootstrap confidence intervals and a sampled (non-exact) permutation p-value are seeded draws over
respondent positions: reordering the respondents gives other draws, so they are checked for
reproducibility (same input, same output) and bounds, not for order invariance. An exact
permutation p-value enumerates every arrangement and must be order-invariant.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace
from typing import Any, get_args

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaires.answers import Respondent, ResponseSet
from questionnaires.errors import CentricError
from scoring import ScoreOptions, score_wave
from scoring.agreement import (
    ad,
    awg,
    cronbach_alpha,
    cronbach_alpha_detail,
    krippendorff_alpha,
    rwg,
    rwg_j,
)
from scoring.alignment import alignment_gap
from scoring.results import Band
from scoring.scores import normalise, reverse_code

pytestmark = pytest.mark.fuzz

SCALE = float(os.environ.get("CENTRIC_FUZZ_SCALE", "1"))
OPTIONS = ScoreOptions(bootstrap=40, permutations=200)


def fuzz(n: int) -> settings:
    return settings(
        max_examples=max(1, int(n * SCALE)),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@st.composite
def waves(draw: st.DrawFn, instrument: Any, min_n: int = 3, max_n: int = 12) -> ResponseSet:
    """A random wave: 3..12 respondents, random roles and departments (one-person ones too), random
    ratings with unanswered cells and explicit N/A."""
    n = draw(st.integers(min_n, max_n))
    items = [i.id for i in instrument.items]
    roles = draw(
        st.lists(st.sampled_from(["executive", "manager", "staff"]), min_size=n, max_size=n)
    )
    depts = draw(st.lists(st.sampled_from(["Sales", "HR", "IT", "Legal"]), min_size=n, max_size=n))
    cells = st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 3.0, math.nan])
    cur = np.array(draw(st.lists(st.lists(cells, min_size=len(items), max_size=len(items)), min_size=n, max_size=n)))  # fmt: skip
    na = np.isnan(cur) & np.array(draw(st.lists(st.booleans(), min_size=cur.size, max_size=cur.size))).reshape(cur.shape)  # fmt: skip
    lift = np.array(draw(st.lists(st.sampled_from([0.0, 1.0, 2.0]), min_size=cur.size, max_size=cur.size))).reshape(cur.shape)  # fmt: skip
    tgt = np.clip(cur + lift, 1, 5)
    return ResponseSet(
        instrument_ref=instrument.ref,
        wave="W1",
        respondents=tuple(Respondent(f"R{k:02d}", roles[k], depts[k]) for k in range(n)),
        item_ids=tuple(items),
        current=cur,
        target=tgt,
        na=na,
        confidence=np.full(cur.shape, math.nan),
    )


def permuted(rs: ResponseSet, order: list[int]) -> ResponseSet:
    o = np.asarray(order)
    return replace(
        rs,
        respondents=tuple(rs.respondents[k] for k in order),
        current=rs.current[o],
        target=rs.target[o],
        na=rs.na[o],
        confidence=rs.confidence[o],
    )


def score_or_refuse(instrument: Any, rs: ResponseSet, options: ScoreOptions = OPTIONS) -> Any:
    """score_wave, or ``None`` when it refuses with a CentricError (e.g. no rating at all)."""
    try:
        return score_wave(instrument, rs, options)
    except CentricError:
        return None


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def order_free(result: Any) -> dict[str, Any]:
    """Every statistic that must not depend on respondent order, keyed by where it comes from."""
    out: dict[str, Any] = {"n": result.n_respondents}
    for s in result.scores:
        out[f"score {s.capability_id}"] = (s.n, s.mean, s.median, s.sd, s.mean_norm, s.target_mean, s.target_median, tuple(sorted(s.respondent_scores, key=repr)))  # fmt: skip
    for lv in result.levels:
        out[f"level {lv.capability_id}"] = (lv.level, lv.target_level, lv.median, lv.capped_by_prerequisite, lv.holding_back)  # fmt: skip
    for it in result.items:
        out[f"item {it.item_id}"] = (it.n, it.n_na, it.mean, it.median, it.sd, it.distribution, it.rwg, it.rwg_raw, it.ad, it.awg, it.agi, it.agi_management)  # fmt: skip
    for a in result.agreement:
        icc = tuple(sorted(a.icc.values.items())) if a.icc is not None and hasattr(a.icc, "values") else ()  # fmt: skip
        out[f"agreement {a.capability_id}"] = (a.n, a.rwg_j, a.rwg_star_j, a.ad_mean, a.ad_median, a.awg_j, a.alpha_interval, a.alpha_ordinal, a.cronbach_alpha, a.cronbach_alpha_listwise, icc)  # fmt: skip
    for g in result.agi:
        out[f"agi {g.capability_id} {g.group} {g.basis}"] = (g.value, g.band, g.n)
    for p in result.perception:
        out[f"perception {p.capability_id}"] = (p.management_mean, p.others_mean, p.gap, p.n_management, p.n_others, p.exact) + ((p.p_value, p.label) if p.exact else ())  # fmt: skip
    for s in result.silos:
        sep = s.separation
        out[f"silo {s.capability_id}"] = (tuple(sorted(s.department_means)), s.spread, sep.f, sep.df_between, sep.df_within, sep.p_value)  # fmt: skip
    for a in result.ambition:
        out[f"ambition {a.capability_id}"] = (a.current_mean, a.target_mean, a.gap, a.current_level, a.target_level, a.target_agi)  # fmt: skip
    out["roadmap"] = tuple((st_.name, tuple(x.action_id for x in st_.actions)) for st_ in result.roadmap.stages)  # fmt: skip
    return out


def assert_same(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a.keys() == b.keys()
    for key in a:
        va, vb = a[key], b[key]
        flat_a, flat_b = _flat(va), _flat(vb)
        assert len(flat_a) == len(flat_b), key
        for x, y in zip(flat_a, flat_b, strict=True):
            if isinstance(x, float) or isinstance(y, float):
                assert same(float(x), float(y)), (key, va, vb)
            else:
                assert x == y, (key, va, vb)


def _flat(v: Any) -> list[Any]:
    if isinstance(v, tuple | list):
        return [y for x in v for y in _flat(x)]
    return [v]


@fuzz(60)
@given(st.data())
def test_respondent_order_changes_no_point_statistic(mini_instrument, data):
    rs = data.draw(waves(mini_instrument))
    order = data.draw(st.permutations(range(rs.n_respondents)))
    a = score_or_refuse(mini_instrument, rs)
    b = score_or_refuse(mini_instrument, permuted(rs, list(order)))
    assert (a is None) == (b is None)
    if a is not None:
        assert_same(order_free(a), order_free(b))
        assert a.data_hash == b.data_hash


@fuzz(10)
@given(st.data())
def test_seeded_draws_are_reproducible(mini_instrument, data):
    rs = data.draw(waves(mini_instrument))
    a = score_or_refuse(mini_instrument, rs)
    if a is None:
        return
    b = score_wave(mini_instrument, rs, OPTIONS)
    assert repr(a) == repr(b)  # CIs, p-values, the map: identical, NaN included


def _check_bounds(result: Any) -> None:
    def within(x: float, lo: float, hi: float, what: str) -> None:
        assert math.isnan(x) or lo - 1e-9 <= x <= hi + 1e-9, f"{what} = {x} not in [{lo}, {hi}]"

    for s in result.scores:
        within(s.mean, 1, 5, "mean")
        within(s.median, 1, 5, "median")
        within(s.mean_norm, 0, 100, "mean_norm")
        within(s.target_mean, 1, 5, "target_mean")
        assert s.n <= result.n_respondents
        for ci, point in ((s.ci, s.mean), (s.target_ci, s.target_mean)):
            if not math.isnan(ci.low):
                assert ci.low <= ci.high
                assert ci.low - 1e-9 <= point <= ci.high + 1e-9, (ci, point)
                within(ci.low, 1, 5, "ci.low")
                within(ci.high, 1, 5, "ci.high")
    for lv in result.levels:
        if math.isnan(lv.median):  # 0 = not assessed, said so in the explanation
            assert lv.level == 0 and "not assessed" in lv.explanation
        else:
            assert 1 <= lv.level <= 5 and 0 <= lv.target_level <= 5
        assert lv.level <= lv.uncapped_level or lv.uncapped_level < 1
    for it in result.items:
        within(it.rwg, 0, 1, "rwg (truncated)")
        within(it.rwg_raw, -math.inf, 1, "rwg_raw")
        assert math.isnan(it.rwg) or it.rwg_out_of_range == (it.rwg_raw < 0)
        within(it.ad, 0, 2, "AD_M")  # at most (H − L)/2 on a 1..5 scale
        within(it.awg, -1, 1, "a_wg")
        within(it.agi, 0, 100, "item AGI")
        assert it.n + it.n_na <= result.n_respondents
        assert sum(it.distribution) == it.n
    for a in result.agreement:
        within(a.rwg_j, 0, 1, "rwg_j")
        within(a.rwg_star_j, -math.inf, 1, "rwg*_j (documented as never truncated)")
        within(a.awg_j, -1, 1, "awg_j")
        # pairwise Cronbach alpha may exceed 1 under missingness (documented); listwise may not
        for alpha in (a.alpha_interval, a.alpha_ordinal, a.cronbach_alpha_listwise):
            within(alpha, -math.inf, 1, "alpha")
    for g in result.agi:
        within(g.value, 0, 100, f"AGI {g.capability_id} {g.group}")
        # issue 10: calibrated bands add "indeterminate" and "not distinguishable from random
        # answering" (scoring.results.Band)
        assert g.band in get_args(Band)
        if not math.isnan(g.ci.low):
            assert g.ci.low <= g.ci.high
            within(g.ci.low, 0, 100, "AGI ci")
            within(g.ci.high, 0, 100, "AGI ci")
        if g.n < 3:
            assert math.isnan(g.value), f"AGI of {g.n} respondents: {g.value}"
    for p in result.perception:
        within(p.p_value, 0, 1, "perception p")
    for s in result.silos:
        within(s.separation.p_value, 0, 1, "silo p")
        assert math.isnan(s.spread) or s.spread >= 0
        for _key, n, mean in s.department_means:
            assert n >= 1 or math.isnan(mean)  # a department with no score for it: NaN
            within(mean, 1, 5, "department mean")
    within(result.alignment_map.stress, 0, 1, "map stress")
    assert len(result.alignment_map.camp_of) in (0, result.n_respondents)


@fuzz(80)
@given(st.data())
def test_every_index_stays_in_its_bounds(mini_instrument, data):
    rs = data.draw(waves(mini_instrument))
    result = score_or_refuse(mini_instrument, rs, ScoreOptions(bootstrap=60, permutations=200))
    if result is not None:
        _check_bounds(result)


@fuzz(30)
@given(st.data())
def test_na_is_never_counted_as_zero(mini_instrument, data):
    """Item statistics equal those of the answered ratings alone (reverse-coded), and marking an
    answer N/A gives the same capability scores as leaving it unanswered."""
    rs = data.draw(waves(mini_instrument))
    result = score_or_refuse(mini_instrument, rs)
    if result is None:
        return
    by_id = {i.id: i for i in mini_instrument.items}
    for j, iid in enumerate(rs.item_ids):
        col = rs.current[:, j]
        seen = col[~np.isnan(col)]
        st_ = next(x for x in result.items if x.item_id == iid)
        assert st_.n == seen.size
        assert st_.n_na == int(rs.na[:, j].sum())
        if seen.size:
            expect = 6 - seen if by_id[iid].reverse else seen
            assert math.isclose(st_.mean, float(expect.mean()))
            assert st_.mean >= 1, "an N/A counted as 0 would pull the mean below the scale"
    # N/A flags off: same numbers (N/A and unanswered both mean "no rating")
    other = score_or_refuse(mini_instrument, replace(rs, na=np.zeros_like(rs.na)))
    assert other is not None
    for s, t in zip(result.scores, other.scores, strict=True):
        assert same(s.mean, t.mean) and s.n == t.n


@fuzz(100)
@given(
    st.lists(st.one_of(st.integers(1, 7).map(float), st.just(math.nan)), min_size=1, max_size=30),
    st.integers(1, 3),
    st.integers(1, 4),
)
def test_reverse_coding_is_an_involution(values, low, span):
    x = np.clip(np.asarray(values), low, low + span)
    twice = reverse_code(reverse_code(x, low, low + span), low, low + span)
    assert np.array_equal(np.isnan(twice), np.isnan(x))
    assert np.allclose(twice[~np.isnan(x)], x[~np.isnan(x)])
    once = reverse_code(x, low, low + span)
    ok = ~np.isnan(x)
    assert ((once[ok] >= low) & (once[ok] <= low + span)).all()
    assert np.allclose(
        normalise(once[ok], low, low + span), 100 - normalise(x[ok], low, low + span)
    )


ratings = st.lists(st.integers(1, 5).map(float) | st.just(math.nan), min_size=0, max_size=15)


@fuzz(100)
@given(ratings)
def test_single_item_agreement_indices_are_bounded_and_order_free(x):
    arr = np.asarray(x, dtype=float)
    rev = arr[::-1].copy()
    r = rwg(arr, 5)
    assert math.isnan(r) or 0 <= r <= 1
    assert math.isnan(rwg(arr, 5, truncate=False)) or rwg(arr, 5, truncate=False) <= 1
    assert same(r, rwg(rev, 5))
    if (~np.isnan(arr)).sum() >= 1:
        d = ad(arr)
        assert math.isnan(d) or 0 <= d <= 2
        assert same(d, ad(rev))
    try:
        a = awg(arr, 1, 5)
    except CentricError:
        a = math.nan
    assert math.isnan(a) or -1 - 1e-9 <= a <= 1 + 1e-9
    g = alignment_gap(arr, 1, 5)
    assert math.isnan(g) or 0 <= g <= 100
    assert same(g, alignment_gap(rev, 1, 5))
    if (~np.isnan(arr)).sum() < 3:
        assert math.isnan(g)


@fuzz(60)
@given(
    st.integers(2, 10).flatmap(
        lambda n: st.lists(
            st.lists(st.integers(1, 5).map(float) | st.just(math.nan), min_size=3, max_size=3),
            min_size=n,
            max_size=n,
        )
    )
)
def test_multi_item_agreement_indices_are_bounded_and_order_free(rows):
    X = np.asarray(rows, dtype=float)
    Y = X[::-1].copy()
    r = rwg_j(X, 5)
    assert math.isnan(r) or 0 <= r <= 1
    assert same(r, rwg_j(Y, 5))
    for f in (lambda m: krippendorff_alpha(m), lambda m: cronbach_alpha(m, "listwise")):
        try:
            a, b = f(X), f(Y)
        except CentricError:
            continue
        a, b = float(a), float(b)
        assert math.isnan(a) or a <= 1 + 1e-9
        assert same(a, b)


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_cronbach_alpha_with_zero_total_variance_is_nan(missing):
    rows = [[1.0, 1.0, 2.0], [1.0, 2.0, 1.0], [2.0, 1.0, 1.0]]  # every row sums to 4
    for order in (rows, rows[::-1]):
        assert math.isnan(cronbach_alpha(np.asarray(order), missing))
    why = cronbach_alpha_detail(np.asarray(rows), missing).reason
    assert why == "every respondent has the same item total (total variance 0)"

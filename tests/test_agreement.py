"""Tests of scoring.agreement against published values and reference implementations.

Sources, named again in each test:
* Shrout & Fleiss (1979), Psychol. Bull. 86, 420–428, Table 2 data and the ICC values in the text.
* Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", worked example (4 coders × 12 units, missing values).
* R ``multilevel`` 2.7 (Bliese) — rwg, rwg.j, rwg.j.lindell, ad.m, awg, ICC1, ICC2: hand-computed
  values confirmed by R 4.2.2 (``tests/reference/multilevel_reference.R`` and its ``.Rout``), R's own
  output on seeded group data (``multilevel_groups.R`` → ``multilevel_groups_values.csv``), and
  ``tests/reference/multilevel_oracle.py`` (a loop-by-loop restatement of R's rules) on random data.
* pingouin 0.5+ (``intraclass_corr``, ``cronbach_alpha``; validated by its authors against R psych)
  and the ``krippendorff`` PyPI package, compared live on random data.
"""

from __future__ import annotations

import csv
import importlib.util
import math
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from questionnaires.errors import ScoringError
from scoring import agreement as ag
from scoring.results import ICCResult, Separation

REF = Path(__file__).parent / "reference"
# pingouin 0.7 calls a pandas API deprecated in pandas 3.1; not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword")
nan = math.nan


def _load_oracle():
    spec = importlib.util.spec_from_file_location("multilevel_oracle", REF / "multilevel_oracle.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


oracle = _load_oracle()


def _read_matrix(name: str) -> np.ndarray:
    with open(REF / name, newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    return np.array([[float(v) if v else nan for v in r[1:]] for r in rows])


SF = _read_matrix("shrout_fleiss_1979_table2.csv")  # 6 targets × 4 judges
KRIPP = _read_matrix("krippendorff_2011_example.csv")  # 4 coders × 12 units


def _random_ratings(seed: int, shape: tuple[int, int], missing: float, high: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.integers(1, high + 1, shape).astype(float)
    x[rng.random(shape) < missing] = nan
    return x


# ------------------------------------------------------------------------------------------
# API surface
# ------------------------------------------------------------------------------------------


def test_public_api_is_exported_and_documented():
    names = {
        "rwg", "rwg_j", "rwg_star_j", "ad", "awg", "awg_j", "icc", "krippendorff_alpha",
        "cronbach_alpha", "group_separation", "rwg_detail", "rwg_j_detail", "ad_cutoff",
    }  # fmt: skip
    assert names <= set(ag.__all__)
    for name in ag.__all__:
        obj = getattr(ag, name)
        assert obj.__doc__, name
        if callable(obj) and not isinstance(obj, type):
            assert ">>>" in obj.__doc__, f"{name} needs a >>> example"


def test_docstring_examples_run():
    import doctest

    failures, tried = doctest.testmod(ag, verbose=False)
    assert tried > 15 and failures == 0


# ------------------------------------------------------------------------------------------
# rwg family — R multilevel::rwg, rwg.j, rwg.j.lindell (hand-computed expected values)
# ------------------------------------------------------------------------------------------


def test_null_variance_uniform():
    # James, Demaree & Wolf (1984): sigma²_EU = (A² − 1)/12; R multilevel's default ranvar=2 is A=5
    assert ag.null_variance(5) == 2.0
    assert ag.null_variance(7) == 4.0
    assert ag.null_variance(2) == 0.25
    for bad in (1, 0, 2.5, True):
        with pytest.raises(ValueError, match="n_options"):
            ag.null_variance(bad)


def test_rwg_hand_computed_like_r_multilevel_rwg():
    # R multilevel::rwg(c(2,3,3,4,4), grp, ranvar=2): var = 2.8/4 = 0.7 -> 1 - 0.7/2 = 0.65
    assert ag.rwg([2, 3, 3, 4, 4], 5) == pytest.approx(0.65, abs=1e-15)
    assert oracle.rwg([2, 3, 3, 4, 4], 2.0) == pytest.approx(0.65, abs=1e-15)
    # 7-point scale: sigma² = 4; var([5, 6, 7]) = 1 -> 0.75
    assert ag.rwg([5, 6, 7], 7) == pytest.approx(0.75)


def test_rwg_truncation_matches_r_cap_on_variance():
    # R multilevel::rwg caps V at ranvar: var(c(1,1,5,5)) = 16/3 > 2 -> rwg = 0.
    d = ag.rwg_detail([1, 1, 5, 5], 5)
    assert d.value == 0.0 and d.out_of_range
    assert d.raw == pytest.approx(1 - (16 / 3) / 2)
    assert ag.rwg([1, 1, 5, 5], 5) == oracle.rwg([1, 1, 5, 5], 2.0) == 0.0
    assert ag.rwg([1, 1, 5, 5], 5, truncate=False) == pytest.approx(-5 / 3)


def test_rwg_zero_variance_is_one_and_single_rater_is_nan():
    # zero variance is perfect agreement (defined): R gives 1
    assert ag.rwg([4, 4, 4], 5) == 1.0
    # fewer than 2 raters: R multilevel::rwg returns NA
    for x in ([3], [3, nan], [nan, nan], []):
        d = ag.rwg_detail(x, 5)
        assert math.isnan(d.value) and math.isnan(d.raw)
        assert "at least 2 ratings" in d.reason
        assert math.isnan(ag.rwg(x, 5))


def test_rwg_ignores_missing_ratings():
    assert ag.rwg([2, nan, 3, 3, 4, nan, 4], 5) == pytest.approx(0.65)


def test_rwg_rejects_2d_input():
    with pytest.raises(ValueError, match="1-D"):
        ag.rwg([[1, 2], [3, 4]], 5)


X4 = [[4, 4, 5], [3, 4, 4], [4, 5, 5], [5, 4, 4]]  # 4 raters × 3 items


def test_rwg_j_hand_computed_like_r_multilevel_rwg_j():
    # item variances 2/3, 1/4, 1/3 -> S = 5/12; r = S/2 = 5/24; J = 3:
    # rwg(J) = 3(19/24) / (3(19/24) + 5/24) = 57/62  (R multilevel::rwg.j)
    expected = 57 / 62
    assert ag.rwg_j(X4, 5) == pytest.approx(expected, abs=1e-15)
    assert oracle.rwg_j(X4, 2.0) == pytest.approx(expected, abs=1e-15)
    d = ag.rwg_j_detail(X4, 5)
    assert d.mean_variance == pytest.approx(5 / 12)
    assert (d.n_raters, d.n_items, d.out_of_range, d.reason) == (4, 3, False, "")


def test_rwg_j_one_item_equals_rwg():
    # J = 1: the Spearman–Brown formula reduces to rwg (James et al. 1984)
    x = [2, 3, 3, 4, 4]
    assert ag.rwg_j(np.array(x)[:, None], 5) == pytest.approx(ag.rwg(x, 5))
    assert ag.rwg_j(x, 5) == pytest.approx(0.65)  # 1-D is one item


def test_rwg_j_out_of_range_both_sides_truncated_to_zero_as_r():
    # S/sigma² = r in (1, J/(J-1)) gives raw < 0; r > J/(J-1) gives raw > 1 (James et al. 1984
    # note the artefact); R multilevel::rwg.j caps S at ranvar, giving 0 in both cases.
    # two items [1,5,3,3] and [3,3,1,5]: variances 8/3 -> r = 4/3 in (1, 2) -> raw = −1
    neg = [[1, 3], [5, 3], [3, 1], [3, 5]]
    # variances 16/3 each -> r = 8/3 > 2 -> raw = 2(−5/3)/(2(−5/3) + 8/3) = 5
    high = [[1, 5], [5, 1], [1, 5]]
    # both items [1,5,1,5,3]: variance 4 -> r = 2 = J/(J − 1): the denominator is 0
    pole = [[1, 1], [5, 5], [1, 1], [5, 5], [3, 3]]
    d_high = ag.rwg_j_detail(high, 5)
    assert d_high.raw == pytest.approx(5.0) and d_high.value == 0.0 and d_high.out_of_range
    d_neg = ag.rwg_j_detail(neg, 5)
    assert d_neg.mean_variance == pytest.approx(8 / 3)
    assert d_neg.raw == pytest.approx(-1.0) and d_neg.value == 0.0 and d_neg.out_of_range
    d_pole = ag.rwg_j_detail(pole, 5)
    assert d_pole.mean_variance == pytest.approx(4.0)
    assert math.isnan(d_pole.raw) and d_pole.value == 0.0 and d_pole.out_of_range
    for x in (high, neg, pole):
        assert ag.rwg_j(x, 5) == oracle.rwg_j(x, 2.0) == 0.0


def test_rwg_j_missing_data_pairwise_per_item():
    # Documented convention: each item's variance over the raters who answered it.
    x = np.array([[4, 4, 5], [3, nan, 4], [4, 5, 5], [5, 4, nan]])
    v = [np.var([4, 3, 4, 5], ddof=1), np.var([4, 5, 4], ddof=1), np.var([5, 4, 5], ddof=1)]
    r = np.mean(v) / 2.0
    assert ag.rwg_j(x, 5) == pytest.approx(3 * (1 - r) / (3 * (1 - r) + r))
    # R drops raters 2 and 4 entirely (listwise) — a different, documented, number
    assert oracle.rwg_j(x, 2.0) != pytest.approx(ag.rwg_j(x, 5))


def test_rwg_j_all_nan_column_and_too_few_raters():
    x = np.array([[4, nan, 5], [3, nan, 4], [4, nan, 5]])
    assert ag.rwg_j(x, 5) == pytest.approx(ag.rwg_j(x[:, [0, 2]], 5))
    assert ag.rwg_j_detail(x, 5).n_items == 2
    one_rater = ag.rwg_j_detail([[4, 5, 3]], 5)
    assert math.isnan(one_rater.value) and "2 or more raters" in one_rater.reason
    assert math.isnan(ag.rwg_j(np.full((4, 3), nan), 5))
    assert math.isnan(oracle.rwg_j([[4, 5, 3]], 2.0))


def test_rwg_star_j_lindell_hand_computed():
    # Lindell, Brandt & Whitney (1999); R multilevel::rwg.j.lindell: 1 - (5/12)/2 = 19/24
    assert ag.rwg_star_j(X4, 5) == pytest.approx(19 / 24, abs=1e-15)
    assert oracle.rwg_j_lindell(X4, 2.0) == pytest.approx(19 / 24, abs=1e-15)
    # not truncated, not stepped up: two camps at the ends of a 5-point scale
    camps = [[1, 1], [5, 5], [1, 1], [5, 5]]  # variances 16/3 -> 1 - 8/3
    assert ag.rwg_star_j(camps, 5) == pytest.approx(1 - 8 / 3)
    assert ag.rwg_star_j_detail(camps, 5).out_of_range
    assert math.isnan(ag.rwg_star_j([[1, 2]], 5))


def test_rwg_family_matches_r_oracle_on_random_complete_data():
    # R multilevel semantics on complete data (no listwise/pairwise difference)
    for seed in range(30):
        rng = np.random.default_rng(seed)
        a = int(rng.integers(3, 8))
        x = _random_ratings(seed, (int(rng.integers(2, 9)), int(rng.integers(1, 7))), 0.0, a)
        ev = (a * a - 1) / 12
        assert ag.rwg_j(x, a) == pytest.approx(oracle.rwg_j(x.tolist(), ev), abs=1e-12)
        assert ag.rwg_star_j(x, a) == pytest.approx(oracle.rwg_j_lindell(x.tolist(), ev))
        assert ag.rwg(x[:, 0], a) == pytest.approx(oracle.rwg(x[:, 0].tolist(), ev))
        for c in ("mean", "median"):
            assert ag.ad(x, c) == pytest.approx(oracle.ad_m(x.tolist(), c), abs=1e-12)


# ------------------------------------------------------------------------------------------
# AD — Burke, Finkelstein & Dusig (1999); R multilevel::ad.m
# ------------------------------------------------------------------------------------------


def test_ad_hand_computed_like_r_ad_m():
    # item 1 [4,3,4,5]: |dev| from mean 4 = 0,1,0,1 -> 2/4; item 2 [4,4,5,4]: mean 4.25 -> 1.5/4;
    # item 3 [5,4,5,4]: 0.5 each -> 0.5. AD_M = (0.5 + 0.375 + 0.5)/3 = 11/24 (k denominator)
    assert ag.ad(X4) == pytest.approx(11 / 24, abs=1e-15)
    # medians 4, 4, 4.5 -> 0.5, 0.25, 0.5 -> 5/12
    assert ag.ad(X4, center="median") == pytest.approx(5 / 12, abs=1e-15)
    assert ag.ad([2, 3, 3, 4, 4]) == pytest.approx((1.2 + 0.2 + 0.2 + 0.8 + 0.8) / 5)


def test_ad_cutoff_is_a_over_6():
    # Burke & Dunlap (2002): c = A/6
    assert ag.ad_cutoff(5) == pytest.approx(5 / 6)
    assert ag.ad_cutoff(7) == pytest.approx(7 / 6)


def test_ad_undefined_and_missing():
    # R multilevel::ad.m: NA for a group of one
    d = ag.ad_detail([3])
    assert math.isnan(d.value) and "at least 2 ratings" in d.reason
    assert ag.ad([4, 4, 4]) == 0.0
    x = np.array([[4, nan], [2, nan], [nan, 3]])
    assert ag.ad(x) == pytest.approx(1.0)  # item 2 (one rating) left out
    assert ag.ad_detail(x).n_items_excluded == 1
    with pytest.raises(ValueError, match="center"):
        ag.ad([1, 2], center="mode")


# ------------------------------------------------------------------------------------------
# awg — Brown & Hauenstein (2005); R multilevel::awg
# ------------------------------------------------------------------------------------------


def test_awg_hand_computed():
    # x = [4,4,5,4,3]: M = 4, s² = 0.5, k = 5; max var = ((5+1)·4 − 16 − 5)·5/4 = 3.75
    # awg = 1 − 2·0.5/3.75 = 11/15
    assert ag.awg([4, 4, 5, 4, 3], 1, 5) == pytest.approx(11 / 15, abs=1e-15)
    assert oracle.awg([[4], [4], [5], [4], [3]], 1, 5) == pytest.approx(11 / 15)


def test_awg_admissible_range_follows_r():
    # R multilevel::awg: NA when M < (L(k−1)+H)/k or M > (H(k−1)+L)/k. k = 3 on 1..5: [7/3, 11/3]
    # On the bound: [1,1,5] has M = 7/3 and the largest possible variance -> −1
    assert ag.awg([1, 1, 5], 1, 5) == pytest.approx(-1.0)
    assert oracle.awg([[1], [1], [5]], 1, 5) == pytest.approx(-1.0)
    d = ag.awg_detail([1, 1, 4], 1, 5)  # M = 2 < 7/3
    assert math.isnan(d.value) and "admissible range" in d.reason
    assert math.isnan(oracle.awg([[1], [1], [4]], 1, 5))
    assert math.isnan(ag.awg([5, 5, 4], 1, 5))  # M = 14/3 > 11/3


def test_awg_all_at_endpoint_is_nan_not_one():
    # DESIGN §6: undefined is nan, never 1. R multilevel::awg returns 1 here (documented deviation).
    d = ag.awg_detail([5, 5, 5], 1, 5)
    assert math.isnan(d.value) and "scale end" in d.reason
    assert oracle.awg([[5], [5], [5]], 1, 5) == 1.0


def test_awg_single_rater_and_bad_input():
    assert math.isnan(ag.awg([3], 1, 5))
    assert "fewer than 2" in ag.awg_detail([3, nan], 1, 5).reason
    with pytest.raises(ValueError, match="low < high"):
        ag.awg([1, 2], 5, 1)
    with pytest.raises(ScoringError, match=r"outside the scale \[1, 5\]"):
        ag.awg([1, 6], 1, 5)
    with pytest.raises(ScoringError, match=r"rater row 1, item column 0 is outside"):
        ag.awg_j([[1, 2], [0, 3]], 1, 5)


def test_awg_j_mean_of_admissible_items_like_r():
    # X4: item means 4, 4.25, 4.5; k = 4 -> upper bound (5·3 + 1)/4 = 4: items 2, 3 are NA in R
    # and dropped (na.rm = TRUE); item 1: s² = 2/3, max var = (24 − 16 − 5)·4/3 = 4 -> 1 − (4/3)/4
    d = ag.awg_j_detail(X4, 1, 5)
    assert d.value == pytest.approx(2 / 3, abs=1e-15)
    assert (d.n_items, d.n_items_excluded) == (1, 2)
    assert oracle.awg(X4, 1, 5) == pytest.approx(2 / 3)
    # two admissible items: the plain mean of item values
    y = [[4, 2], [4, 3], [5, 2], [4, 2], [3, 3]]
    i2 = 1 - 2 * 0.3 / ((6 * 2.4 - 2.4**2 - 5) * 5 / 4)
    assert ag.awg_j(y, 1, 5) == pytest.approx((11 / 15 + i2) / 2)
    none = ag.awg_j_detail([[5, 1], [5, 1]], 1, 5)
    assert math.isnan(none.value) and "every item" in none.reason


def test_awg_matches_r_oracle_on_random_complete_data():
    for seed in range(30):
        x = _random_ratings(100 + seed, (int(2 + seed % 7), int(1 + seed % 5)), 0.0)
        x[:, 0] = np.clip(x[:, 0], 2, 4)  # keep some items admissible
        want = oracle.awg(x.tolist(), 1, 5)
        got = ag.awg_j(x, 1, 5)
        if any(np.all(x[:, j] == x[0, j]) and x[0, j] in (1, 5) for j in range(x.shape[1])):
            continue  # endpoint items: R says 1, we say nan (tested above)
        assert got == pytest.approx(want, abs=1e-12, nan_ok=True)


# ------------------------------------------------------------------------------------------
# ICC — Shrout & Fleiss (1979); pingouin.intraclass_corr
# ------------------------------------------------------------------------------------------


def test_icc_shrout_fleiss_1979_published_values():
    # Shrout & Fleiss (1979), Table 2 data (6 targets × 4 judges); values given in the text:
    # ICC(1,1)=.17, ICC(2,1)=.29, ICC(3,1)=.71, ICC(1,4)=.44, ICC(2,4)=.62, ICC(3,4)=.91
    r = ag.icc(SF)
    assert isinstance(r, ICCResult) and (r.n, r.k) == (6, 4)
    published = dict(icc1=0.17, icc2=0.29, icc3=0.71, icc1k=0.44, icc2k=0.62, icc3k=0.91)
    for name, value in published.items():
        assert round(getattr(r, name), 2) == value, name
    # their Table 3 mean squares: BMS 11.24, WMS 6.26, EMS 1.02 -> F = BMS/WMS, BMS/EMS
    assert r.f1 == pytest.approx(11.24 / 6.26, abs=0.01)
    assert r.f23 == pytest.approx(11.24 / 1.02, abs=0.05)


def _pingouin_icc(x: np.ndarray) -> pd.DataFrame:
    n, k = x.shape
    long = pd.DataFrame(
        {"t": np.repeat(np.arange(n), k), "r": np.tile(np.arange(k), n), "s": x.ravel()}
    )
    return pg.intraclass_corr(long, targets="t", raters="r", ratings="s").set_index("Type")


PG_TYPES = {
    "icc1": "ICC(1,1)", "icc2": "ICC(A,1)", "icc3": "ICC(C,1)",
    "icc1k": "ICC(1,k)", "icc2k": "ICC(A,k)", "icc3k": "ICC(C,k)",
}  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
def test_icc_matches_pingouin_all_six_forms(seed):
    # pingouin.intraclass_corr (validated against R psych::ICC), values and 95% CIs at 1e-10
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(3, 30)), int(rng.integers(2, 9))
    x = rng.normal(size=(n, 1)) * rng.uniform(0, 2) + rng.normal(size=(n, k)) + rng.normal(size=k)
    if seed % 2:
        x = np.round(x * 2 + 3)  # integer ratings too
    ref = _pingouin_icc(x)
    ours = ag.icc(x)
    for field, typ in PG_TYPES.items():
        assert getattr(ours, field) == pytest.approx(ref.at[typ, "ICC"], abs=1e-10), field
        low, high = ref.at[typ, "CI95"]
        ci = ours.ci[field]
        # pingouin rounds its CIs to 2 decimals
        assert round(ci.low, 2) == pytest.approx(low, abs=1e-9), field
        assert round(ci.high, 2) == pytest.approx(high, abs=1e-9), field
    assert ours.f1 == pytest.approx(ref.at["ICC(1,1)", "F"], rel=1e-10)
    assert ours.f23 == pytest.approx(ref.at["ICC(A,1)", "F"], rel=1e-10)


def test_icc_pingouin_wine_dataset_published_values():
    # pingouin docs (intraclass_corr example, "icc" dataset: 8 wines × 4 judges):
    # ICC(1,1) 0.728, ICC(A,1) 0.728, ICC(C,1) 0.729, ICC(1,k) 0.914, ICC(A,k) 0.914,
    # ICC(C,k) 0.915; F 11.680 / 11.787; CI95 [0.43, 0.93] and [0.75, 0.98]
    data = pg.read_dataset("icc").pivot_table(index="Wine", columns="Judge", values="Scores")
    r = ag.icc(data.to_numpy())
    assert [round(v, 3) for v in (r.icc1, r.icc2, r.icc3, r.icc1k, r.icc2k, r.icc3k)] == [
        0.728, 0.728, 0.729, 0.914, 0.914, 0.915,
    ]  # fmt: skip
    assert (round(r.f1, 3), round(r.f23, 3)) == (11.680, 11.787)
    assert (round(r.ci["icc1"].low, 2), round(r.ci["icc1"].high, 2)) == (0.43, 0.93)
    assert (round(r.ci["icc3k"].low, 2), round(r.ci["icc3k"].high, 2)) == (0.75, 0.98)


def test_icc_missing_values_raise_or_listwise():
    x = SF.copy()
    x[2, 1] = nan
    with pytest.raises(ScoringError, match=r"target row 2, rater column 1") as e:
        ag.icc(x)
    assert isinstance(e.value, ValueError) and "missing='listwise'" in str(e.value)
    r = ag.icc(x, missing="listwise")
    assert r.n == 5
    assert r.icc3 == pytest.approx(ag.icc(np.delete(SF, 2, axis=0)).icc3)
    with pytest.raises(ScoringError, match="at least 2"):
        ag.icc([[1, 2, 3]])


def test_icc_no_variance_is_nan():
    r = ag.icc(np.full((4, 3), 3.0))
    assert all(math.isnan(getattr(r, f)) for f in PG_TYPES)


# ------------------------------------------------------------------------------------------
# Krippendorff's alpha — Krippendorff (2011); krippendorff package
# ------------------------------------------------------------------------------------------


def test_krippendorff_2011_worked_example():
    # Krippendorff (2011) worked example: 4 coders × 12 units with missing values, nominal α = 0.743;
    # the paper's interval value is 0.849; ordinal 0.815 and ratio 0.797 as the krippendorff
    # package's documentation reports for the same data.
    assert round(ag.krippendorff_alpha(KRIPP, "nominal"), 3) == 0.743
    assert round(ag.krippendorff_alpha(KRIPP, "ordinal"), 3) == 0.815
    assert round(ag.krippendorff_alpha(KRIPP, "interval"), 3) == 0.849
    assert round(ag.krippendorff_alpha(KRIPP, "ratio"), 3) == 0.797
    # and exactly the package's values
    for level in ("nominal", "ordinal", "interval", "ratio"):
        ref = krippendorff.alpha(KRIPP, level_of_measurement=level)
        assert ag.krippendorff_alpha(KRIPP, level) == pytest.approx(ref, abs=1e-12)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", range(5))
def test_krippendorff_matches_package_random_missing(level, seed):
    # krippendorff package (alpha(reliability_data, level_of_measurement=...)), ~20% missing
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(2, 12)), int(rng.integers(5, 60))
    x = _random_ratings(seed, (m, n), 0.2, high=int(rng.integers(3, 8)))
    # add shared signal so alphas are not all near zero
    x = np.where(np.isnan(x), nan, np.clip(np.round((x + rng.integers(1, 6, n)) / 2), 1, 7))
    ref = krippendorff.alpha(x, level_of_measurement=level)
    assert ag.krippendorff_alpha(x, level) == pytest.approx(ref, abs=1e-10)


@pytest.mark.parametrize("level", ["ordinal", "interval", "ratio"])
def test_krippendorff_general_value_path(level):
    # non-integer and wide-range values take the np.unique path; same as the package
    rng = np.random.default_rng(7)
    x = np.round(rng.normal(50, 20, (5, 40)), 1)
    x[rng.random(x.shape) < 0.15] = nan
    x = np.abs(x)
    assert ag.krippendorff_alpha(x, level) == pytest.approx(
        krippendorff.alpha(x, level_of_measurement=level), abs=1e-10
    )
    mixed = np.array([[1, 2.5, 3, 4, nan], [1, 2, 3.5, 4, 5], [2, 2, 3, nan, 5]])  # integer ends
    assert ag.krippendorff_alpha(mixed, level) == pytest.approx(
        krippendorff.alpha(mixed, level_of_measurement=level), abs=1e-10
    )
    wide = np.round(x)  # integer but range > 32
    assert ag.krippendorff_alpha(wide, level) == pytest.approx(
        krippendorff.alpha(wide, level_of_measurement=level), abs=1e-10
    )


def test_krippendorff_edge_cases():
    assert ag.krippendorff_alpha([[1, 2, 3], [1, 2, 3]], "nominal") == 1.0
    # only one value ever used: expected disagreement 0 -> undefined
    assert math.isnan(ag.krippendorff_alpha([[3, 3], [3, 3]]))
    # nothing pairable (each unit coded once)
    assert math.isnan(ag.krippendorff_alpha([[1, nan], [nan, 2]]))
    assert math.isnan(ag.krippendorff_alpha(np.full((3, 4), nan)))
    with pytest.raises(ValueError, match="level must be one of"):
        ag.krippendorff_alpha(KRIPP, "cardinal")


# ------------------------------------------------------------------------------------------
# Cronbach's alpha — pingouin.cronbach_alpha (pairwise/listwise)
# ------------------------------------------------------------------------------------------


def test_cronbach_pingouin_published_examples():
    # pingouin docs, "cronbach_wide_missing" (R psych::alpha(use="pairwise") 0.7327;
    # use="complete.obs" 0.8017)
    data = pg.read_dataset("cronbach_wide_missing").to_numpy(dtype=float)
    assert ag.cronbach_alpha(data) == pytest.approx(0.732660835214447, abs=1e-12)
    assert ag.cronbach_alpha(data, "listwise") == pytest.approx(0.8016949152542373, abs=1e-12)
    # pingouin docs, long-format "cronbach_alpha" dataset: 0.5917188485995826
    long = pg.read_dataset("cronbach_alpha")
    wide = long.pivot(index="Subj", columns="Items", values="Scores").to_numpy(dtype=float)
    assert ag.cronbach_alpha(wide) == pytest.approx(0.5917188485995826, abs=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_cronbach_matches_pingouin_with_nans(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(6, 60)), int(rng.integers(2, 9))
    x = np.clip(np.round(rng.normal(3, 1, (n, 1)) + rng.normal(0, 1, (n, k))), 1, 5)
    x[rng.random(x.shape) < 0.12] = nan
    df = pd.DataFrame(x)
    assert ag.cronbach_alpha(x) == pytest.approx(pg.cronbach_alpha(df)[0], abs=1e-10)
    if len(df.dropna()) >= 2:
        ref = pg.cronbach_alpha(df, nan_policy="listwise")[0]
        assert ag.cronbach_alpha(x, "listwise") == pytest.approx(ref, abs=1e-10, nan_ok=True)


def test_cronbach_undefined():
    assert math.isnan(ag.cronbach_alpha([[1], [2], [3]]))  # one item
    assert math.isnan(ag.cronbach_alpha([[1, 2]]))  # one respondent
    assert math.isnan(ag.cronbach_alpha([[3, 3], [3, 3], [3, 3]]))  # no variance
    with pytest.raises(ValueError, match="pairwise"):
        ag.cronbach_alpha([[1, 2], [2, 3]], missing="mean")


# ------------------------------------------------------------------------------------------
# group separation — R multilevel::ICC1/ICC2 (Bliese 2000), scipy.stats.f_oneway
# ------------------------------------------------------------------------------------------


def test_group_separation_hand_computed_equal_groups():
    # groups a=[1,2,3], b=[3,4,5]: SSB = 6, SSW = 4, MSB = 6, MSW = 1, F(1, 4) = 6;
    # ICC1 = (6−1)/(6+2·1) = 0.625; ICC2 = 5/6; η² = 0.6; ω² = (6 − 1)/(10 + 1) = 5/11
    s = ag.group_separation([1, 2, 3, 3, 4, 5], ["a", "a", "a", "b", "b", "b"])
    assert isinstance(s, Separation)
    assert (s.df_between, s.df_within) == (1, 4)
    assert s.f == pytest.approx(6.0)
    assert s.icc1 == pytest.approx(0.625)
    assert s.icc2 == pytest.approx(5 / 6)
    assert s.eta2 == pytest.approx(0.6)
    assert s.omega2 == pytest.approx(5 / 11)


def test_group_separation_unequal_groups_like_r_icc1_icc2():
    # R: ICC1(aov(v ~ g)) uses the mean group size N/G = 10/3: MSB = 6.675, MSW = 19/28
    v = [1, 2, 3, 3, 4, 5, 5, 4, 5, 5]
    g = ["a"] * 3 + ["b"] * 3 + ["c"] * 4
    s = ag.group_separation(v, g)
    msb, msw = 6.675, 19 / 28
    assert s.icc1 == pytest.approx((msb - msw) / (msb + (10 / 3 - 1) * msw), abs=1e-12)
    assert s.icc2 == pytest.approx((msb - msw) / msb, abs=1e-12)
    assert (s.icc1, s.icc2) == pytest.approx(oracle.icc1_icc2(v, g), abs=1e-12)
    f, p = stats.f_oneway([1, 2, 3], [3, 4, 5], [5, 4, 5, 5])
    assert s.f == pytest.approx(f, rel=1e-12) and s.p_value == pytest.approx(p, rel=1e-9)
    assert (s.df_between, s.df_within) == (2, 7)


def test_group_separation_random_vs_scipy_and_oracle():
    rng = np.random.default_rng(3)
    for _ in range(10):
        g = rng.integers(0, int(rng.integers(2, 6)), 40)
        v = rng.normal(size=40) + g * rng.uniform(0, 1)
        v[rng.random(40) < 0.1] = nan
        s = ag.group_separation(v, g)
        ok = ~np.isnan(v)
        groups = [v[ok & (g == k)] for k in np.unique(g[ok])]
        f, p = stats.f_oneway(*groups)
        assert s.f == pytest.approx(f, rel=1e-10) and s.p_value == pytest.approx(p, rel=1e-8)
        assert (s.icc1, s.icc2) == pytest.approx(oracle.icc1_icc2(v[ok], g[ok]), rel=1e-10)


def test_group_separation_undefined_cases():
    one = ag.group_separation([1, 2, 3], ["a", "a", "a"])
    assert math.isnan(one.icc1) and "at least 2 groups" in one.reason
    singles = ag.group_separation([1, 2, 3], ["a", "b", "c"])
    assert math.isnan(singles.f) and singles.df_within == 0 and "single value" in singles.reason
    flat = ag.group_separation([2, 2, 2, 2], ["a", "a", "b", "b"])
    assert math.isnan(flat.icc1) and "equal" in flat.reason
    same_means = ag.group_separation([1, 3, 1, 3], ["a", "a", "b", "b"])
    assert math.isnan(same_means.icc2) and "ICC(2)" in same_means.reason
    with pytest.raises(ValueError, match="one label per value"):
        ag.group_separation([1, 2], ["a"])


# ------------------------------------------------------------------------------------------
# Hypothesis properties
# ------------------------------------------------------------------------------------------


@st.composite
def rating_matrices(draw, min_raters=2, max_raters=8, min_items=1, max_items=5, missing=True):
    k = draw(st.integers(min_raters, max_raters))
    j = draw(st.integers(min_items, max_items))
    cells = st.one_of(st.integers(1, 5).map(float), st.just(nan)) if missing else st.integers(1, 5)
    rows = draw(st.lists(st.lists(cells, min_size=j, max_size=j), min_size=k, max_size=k))
    return np.array(rows, dtype=float)


PROPS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-9)


def _agreement_stats(x: np.ndarray) -> list[float]:
    return [
        ag.rwg(x[:, 0], 5), ag.rwg_j(x, 5), ag.rwg_j(x, 5, truncate=False), ag.rwg_star_j(x, 5),
        ag.ad(x), ag.ad(x, "median"), ag.awg_j(x, 1, 5),
        ag.krippendorff_alpha(x, "interval"), ag.krippendorff_alpha(x, "ordinal"),
        ag.krippendorff_alpha(x, "nominal"), ag.cronbach_alpha(x), ag.cronbach_alpha(x, "listwise"),
    ]  # fmt: skip


@PROPS
@given(rating_matrices(), st.randoms(use_true_random=False))
def test_property_rater_order_invariance(x, rnd):
    perm = list(range(x.shape[0]))
    rnd.shuffle(perm)
    for a, b in zip(_agreement_stats(x), _agreement_stats(x[perm]), strict=True):
        assert _same(a, b)


@PROPS
@given(rating_matrices())
def test_property_ranges(x):
    for v in (ag.rwg(x[:, 0], 5), ag.rwg_j(x, 5)):
        assert math.isnan(v) or 0.0 <= v <= 1.0
    for v in (ag.ad(x), ag.ad(x, "median")):
        assert math.isnan(v) or v >= 0.0
    a = ag.awg_j(x, 1, 5)
    assert math.isnan(a) or -1.0 - 1e-12 <= a <= 1.0 + 1e-12
    for level in ("nominal", "ordinal", "interval", "ratio"):
        v = ag.krippendorff_alpha(x, level)
        assert math.isnan(v) or v <= 1.0 + 1e-12
    # listwise α <= 1 (its covariance matrix is positive semi-definite); pairwise matrices need
    # not be, so pairwise α can exceed 1 under heavy missingness (pingouin and R psych agree)
    c = ag.cronbach_alpha(x, "listwise")
    assert math.isnan(c) or c <= 1.0 + 1e-12


@PROPS
@given(rating_matrices())
def test_property_reverse_coding_symmetry(x):
    # x -> L + H − x (DESIGN §6 reverse coding) leaves agreement and reliability unchanged
    flipped = 1 + 5 - x
    for a, b in zip(_agreement_stats(x), _agreement_stats(flipped), strict=True):
        assert _same(a, b)


@PROPS
@given(rating_matrices(min_items=2, missing=False))
def test_property_icc_reverse_and_order(x):
    # targets × raters here: reverse coding and the order of targets and raters change nothing
    a, b = ag.icc(x), ag.icc(6 - x)
    c = ag.icc(x[::-1, ::-1])
    for f in PG_TYPES:
        assert _same(getattr(a, f), getattr(b, f))
        assert _same(getattr(a, f), getattr(c, f))


@PROPS
@given(rating_matrices())
def test_property_all_nan_rater_changes_nothing(x):
    padded = np.vstack([x, np.full((1, x.shape[1]), nan)])
    for a, b in zip(_agreement_stats(x), _agreement_stats(padded), strict=True):
        assert _same(a, b)


def test_icc_perfect_agreement_is_one_with_infinite_f():
    # raters identical on every target: no error variance, every ICC = 1, F = ∞
    r = ag.icc([[1, 1], [3, 3], [5, 5]])
    assert all(getattr(r, f) == pytest.approx(1.0) for f in PG_TYPES)
    assert r.f1 == math.inf and r.f23 == math.inf


# R-computed values: tests/reference/multilevel_groups.R (R 4.2.2, multilevel 2.7) wrote the data
# and every expected number below; six groups of 3-10 raters × 6 items, one group past truncation.


def _r_groups():
    import csv

    with open(REF / "multilevel_groups_data.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(REF / "multilevel_groups_values.csv", encoding="utf-8") as f:
        values = list(csv.DictReader(f))
    groups = np.array([int(r["group"]) for r in rows])
    x = np.array([[float(r[f"i{j}"]) for j in range(1, 7)] for r in rows])
    return groups, x, values


def test_r_multilevel_group_values():
    groups, x, values = _r_groups()
    for v in values:
        xg = x[groups == int(v["group"])]
        assert ag.rwg_j(xg, 5) == pytest.approx(float(v["rwg_j"]), abs=1e-12)
        # R's rwg.j.lindell is not truncated: group 5 is slightly negative there and here
        assert ag.rwg_star_j(xg, 5) == pytest.approx(float(v["rwg_j_lindell"]), abs=1e-12)
        assert ag.ad(xg) == pytest.approx(float(v["ad_mean"]), abs=1e-12)
        assert ag.ad(xg, center="median") == pytest.approx(float(v["ad_median"]), abs=1e-12)
        assert ag.awg_j(xg, 1, 5) == pytest.approx(float(v["awg"]), abs=1e-12)
    sep = ag.group_separation(x[:, 0], groups)
    assert sep.icc1 == pytest.approx(float(values[0]["icc1_item1"]), abs=1e-12)
    assert sep.icc2 == pytest.approx(float(values[0]["icc2_item1"]), abs=1e-12)

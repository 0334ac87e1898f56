"""Benchmarks: scoring.agreement against the reference implementations, side by side in one process.

Run with ``make bench``. Each pair is timed best-of-N with ``time.perf_counter`` on the same data,
interleaved (ours, theirs, ours, theirs, ...) so machine load hits both alike; absolute times and
the ratio are printed, and the ratio is asserted:

* ``krippendorff_alpha`` vs ``krippendorff.alpha`` on 200 coders × 2,000 units, integer ratings
  1..5, ~10% missing, interval and ordinal: ours must be no slower (ratio >= 1).
* ``icc`` vs ``pingouin.intraclass_corr`` on 200 targets × 8 raters: ours >= 20× faster. pingouin
  needs a long-format DataFrame; it is built outside the timer, only the call is timed.
"""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from _timing import best_of_pair

from scoring import agreement as ag

pytestmark = pytest.mark.bench


def _report(name: str, ours: float, theirs: float) -> float:
    ratio = theirs / ours
    print(
        f"\n{name}: ours {ours * 1e3:8.3f} ms | reference {theirs * 1e3:8.3f} ms | "
        f"ratio {ratio:6.1f}x"
    )
    return ratio


@pytest.fixture(scope="module")
def coders_units() -> np.ndarray:
    rng = np.random.default_rng(20260101)
    x = rng.integers(1, 6, (200, 2000)).astype(float)
    x[rng.random(x.shape) < 0.10] = np.nan
    return x


@pytest.mark.parametrize("level", ["interval", "ordinal"])
def test_bench_krippendorff_alpha_vs_package(coders_units, level):
    x = coders_units
    a = ag.krippendorff_alpha(x, level)
    b = krippendorff.alpha(x, level_of_measurement=level)
    assert a == pytest.approx(b, abs=1e-10)
    ours, theirs = best_of_pair(
        lambda: ag.krippendorff_alpha(x, level),
        lambda: krippendorff.alpha(x, level_of_measurement=level),
        n=7,
        warmup=True,
    )
    ratio = _report(f"krippendorff_alpha[{level}] 200x2000", ours, theirs)
    assert ratio >= 1.0, f"ours is slower than the krippendorff package ({ratio:.2f}x)"


@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_bench_icc_vs_pingouin():
    rng = np.random.default_rng(7)
    n, k = 200, 8
    x = rng.normal(size=(n, 1)) + rng.normal(size=(n, k)) + rng.normal(size=k)
    long = pd.DataFrame(
        {"t": np.repeat(np.arange(n), k), "r": np.tile(np.arange(k), n), "s": x.ravel()}
    )

    def theirs():
        return pg.intraclass_corr(long, targets="t", raters="r", ratings="s")

    ref = theirs().set_index("Type")
    assert ag.icc(x).icc2 == pytest.approx(ref.at["ICC(A,1)", "ICC"], abs=1e-10)
    ours_t, theirs_t = best_of_pair(lambda: ag.icc(x), theirs, n=7, warmup=True)
    ratio = _report("icc 200x8 vs pingouin.intraclass_corr", ours_t, theirs_t)
    assert ratio >= 20.0, f"icc is only {ratio:.1f}x faster than pingouin (need >= 20x)"

"""The benchmark's pandas reference (tests/benchmarks/test_bench_score_wave.py) is a second, plain
implementation of capability scores and the AGI; here it must agree with ``score_wave`` on Northwind.

This keeps the benchmark's reference honest between ``make bench`` runs (it once drifted from the
AGI definition unnoticed) and cross-checks ``score_wave`` against an independent group-by version.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from assessment.synthetic import northwind
from questionnaires.catalogue import get_instrument
from scoring import ScoreOptions, score_wave

BENCH = Path(__file__).parent / "benchmarks" / "test_bench_score_wave.py"


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_score_wave", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_score_wave_equals_the_pandas_reference_on_northwind():
    bench = _bench_module()
    instrument = get_instrument("customer-centricity@1.0.0")
    rs = northwind(instrument=instrument)
    result = score_wave(instrument, rs, ScoreOptions(bootstrap=0))
    long, items, asked = bench._long_format(instrument, rs)
    scores, agi = bench.pandas_scores_and_agi(long, items, asked)
    ids = [r.id for r in rs.respondents]
    for cap in result.capabilities:
        ours = np.array(result.score(cap).respondent_scores)
        np.testing.assert_allclose(
            ours, scores.loc[ids, cap].to_numpy(), rtol=1e-10, equal_nan=True
        )
        assert result.agi_for(cap, "organisation").value == pytest.approx(
            agi[("org", cap)], rel=1e-9
        )
        assert result.agi_for(cap, "management").value == pytest.approx(
            agi[("mgmt", cap)], rel=1e-9
        )

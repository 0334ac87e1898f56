"""Harbour Freight, the second seeded organisation (issue 12): its own planted effects — a silo on
Sales–Service Integration, no blind spot, the management team split on the Decision Authority
target — reproducible from its seed."""

from __future__ import annotations

import numpy as np
import pytest

from assessment.synthetic import (
    HARBOUR_DEPARTMENTS,
    HARBOUR_PLANTED,
    HARBOUR_WAVE,
    harbour,
    northwind,
)
from questionnaires.catalogue import get_instrument
from scoring import score_wave
from scoring.results import ScoreOptions

INST = get_instrument("customer-centricity@1.1.0")


@pytest.fixture(scope="module")
def scored():
    rs = harbour(instrument=INST)
    return rs, score_wave(INST, rs, ScoreOptions(bootstrap=0))


def test_harbour_is_a_different_organisation_on_1_1_0(scored):
    rs, _ = scored
    assert rs.instrument_ref == "customer-centricity@1.1.0" and rs.wave == HARBOUR_WAVE
    assert rs.n_respondents == 60
    assert sum(r.role == "executive" for r in rs.respondents) == 8
    assert {r.department for r in rs.respondents} == set(HARBOUR_DEPARTMENTS)
    assert all(r.id.startswith("HB-") for r in rs.respondents)
    assert rs.level_current is not None and rs.points is not None
    nw = northwind("2026-H2", instrument=INST)
    assert rs.data_hash != nw.data_hash


def test_the_same_seed_gives_the_same_answers_and_another_seed_others():
    assert harbour(instrument=INST).data_hash == harbour(instrument=INST).data_hash
    assert harbour(instrument=INST, seed=7).data_hash != harbour(instrument=INST).data_hash


def test_silo_on_sales_service_integration_is_the_widest(scored):
    _, r = scored
    spreads = {s.capability_id: s.spread for s in r.silos}
    assert max(spreads, key=spreads.__getitem__) == "SSI"
    means = {
        d: m for d, _, m in next(s for s in r.silos if s.capability_id == "SSI").department_means
    }
    assert means["sales"] - means["customer service"] > 1.0


def test_no_blind_spot(scored):
    _, r = scored
    assert not [p for p in r.perception if p.label in ("blind spot", "hidden strength")]


def test_the_management_team_is_split_on_the_decision_authority_target_only(scored):
    rs, r = scored
    target = r.agi_for("DEC", "management", "target")
    assert target.band == "misaligned" and target.ci.low > target.null_mean
    assert r.agi_for("DEC", "management", "current").band != "misaligned"
    others = [
        a
        for a in r.agi
        if a.group == "management" and a.band == "misaligned" and a.capability_id != "overall"
    ]
    assert [(a.capability_id, a.basis) for a in others] == [("DEC", "target")]
    k = rs.capability_ids.index("DEC")
    execs = np.flatnonzero([x.role == "executive" for x in rs.respondents])
    assert sorted(rs.level_target[execs, k])[-4:] == [5.0] * 4
    assert max(rs.level_target[execs[4:], k]) <= 2


def test_planted_findings_are_named(scored):
    _, r = scored
    assert set(HARBOUR_PLANTED) <= {(f.kind, f.capability_id) for f in r.findings}

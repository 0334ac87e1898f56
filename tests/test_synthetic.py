"""Northwind Telecom, the seeded synthetic organisation (DESIGN §9): shape, determinism, planted findings."""

from __future__ import annotations

import time

import numpy as np
import pytest

from assessment.io import records_to_response_set
from assessment.synthetic import (
    DEPARTMENTS,
    northwind,
    northwind_people,
    northwind_waves,
)


@pytest.fixture(scope="module")
def waves(instrument):
    return northwind_waves(instrument=instrument)


def capability_scores(rs, instrument, cap_id):
    """Respondent means of a capability's items after reverse coding (1..5)."""
    cols = [rs.item_ids.index(i.id) for i in instrument.capability(cap_id).items]
    x = rs.current[:, cols].copy()
    for k, j in enumerate(cols):
        if instrument.item(rs.item_ids[j]).reverse:
            x[:, k] = 6 - x[:, k]
    return np.nanmean(x, axis=1)


def test_shape_and_pseudonymous_ids(waves, instrument):
    rs = waves[0]
    assert rs.n_respondents == 60
    assert rs.item_ids == tuple(i.id for i in instrument.items)
    assert [r.id for r in rs.respondents[:8]] == [f"NW-E{k:02d}" for k in range(1, 9)]
    assert {r.role for r in rs.respondents[:8]} == {"executive"}
    assert {r.department for r in rs.respondents} == set(DEPARTMENTS)
    titles = {p.title for p in northwind_people()[:8]}
    assert titles == {"CEO", "CFO", "CCO", "CIO", "COO", "CHRO", "Head of Sales", "Head of Service"}
    # titles are generator metadata only: nothing in the ResponseSet carries them
    assert not any(t in repr(r) for r in rs.respondents for t in ("CEO", "Head of"))


def test_deterministic_for_a_seed(instrument):
    a = northwind(instrument=instrument)
    b = northwind(instrument=instrument)
    c = northwind(instrument=instrument, seed=7)
    assert a.data_hash == b.data_hash
    assert c.data_hash != a.data_hash


def test_answers_are_valid_for_the_instrument(waves, instrument):
    for rs in waves:
        # back through the importer's validation: no problem may be raised
        again = records_to_response_set(instrument, rs.to_records(), source="northwind")
        assert again.data_hash == rs.data_hash
        na_allowed = np.array([i.na_allowed for i in instrument.items])
        assert not rs.na[:, ~na_allowed].any()
        assert 0.02 < rs.na.mean() < 0.06


def test_targets_are_at_or_above_current(waves, instrument):
    rs = waves[0]
    reverse = np.array([i.reverse for i in instrument.items])
    cur, tgt = rs.current, rs.target
    both = ~np.isnan(cur) & ~np.isnan(tgt)
    assert (tgt[:, ~reverse][both[:, ~reverse]] >= cur[:, ~reverse][both[:, ~reverse]]).all()
    assert (tgt[:, reverse][both[:, reverse]] <= cur[:, reverse][both[:, reverse]]).all()
    assert np.nanmean(tgt[:, ~reverse] - cur[:, ~reverse]) > 0.8


def test_planted_sales_vs_service_split_on_metrics(waves, instrument):
    for rs in waves:
        met = capability_scores(rs, instrument, "MET")
        leaders = rs.roles != "staff"
        sales = met[leaders & (rs.department_keys == "sales")].mean()
        service = met[leaders & (rs.department_keys == "customer service")].mean()
        assert 3.5 <= sales <= 4.6, sales
        assert 1.5 <= service <= 2.6, service


def test_planted_blind_spot_executives_above_staff(waves, instrument):
    rs = waves[0]
    for cap in ("CUL", "VOC", "DEC"):
        s = capability_scores(rs, instrument, cap)
        assert s[rs.roles == "executive"].mean() - s[rs.roles == "staff"].mean() > 0.7, cap


def test_second_wave_improves_some_capabilities(waves, instrument):
    h1, h2 = waves
    assert (h1.wave, h2.wave) == ("2026-H1", "2026-H2")
    assert [r.id for r in h1.respondents] == [r.id for r in h2.respondents]
    for cap in ("SYS", "VOC"):
        gain = (
            capability_scores(h2, instrument, cap).mean()
            - capability_scores(h1, instrument, cap).mean()
        )
        assert gain > 0.4, cap
    for cap in ("MET", "DEC"):
        change = (
            capability_scores(h2, instrument, cap).mean()
            - capability_scores(h1, instrument, cap).mean()
        )
        assert abs(change) < 0.3, cap


def test_items_asked_of_some_roles_only(waves, instrument):
    rs = waves[0]
    for j, item in enumerate(instrument.items):
        if item.roles:
            not_asked = ~np.isin(rs.roles, item.roles)
            assert np.isnan(rs.current[not_asked, j]).all() and not rs.na[not_asked, j].any()


def test_the_showcase_comments_hold_no_test_strings(waves):
    """Hostile text belongs in the tests (tests/test_reports_support.py), not in the demo."""
    texts = [c.text for w in waves for c in w.comments]
    assert len(texts) >= 8
    assert not any("<script" in t or "{{" in t or "alert(" in t for t in texts)
    assert any("&" in t and '"' in t for t in texts)  # still text that must be escaped


def test_scored_demo_shows_the_planted_findings(waves, instrument):
    """Through scoring.score_wave: MET is the management team's most disputed capability."""
    from scoring import ScoreOptions, score_wave

    for rs in waves:
        result = score_wave(instrument, rs, ScoreOptions(bootstrap=0, permutations=2000))
        agi = {c: result.agi_for(c, "management", "current").value for c in result.capabilities}
        assert max(agi, key=agi.get) == "MET"
        assert result.agi_for("MET", "management", "current").band == "misaligned"
        labels = {p.capability_id: p.label for p in result.perception}
        assert labels["CUL"] == "blind spot"


def test_scale_generates_ten_thousand_respondents_quickly(instrument):
    start = time.perf_counter()
    rs = northwind(instrument=instrument, n_managers=100, n_staff=9892)
    elapsed = time.perf_counter() - start
    assert rs.n_respondents == 10_000
    assert rs.current.shape == (10_000, len(instrument.items))
    assert elapsed < 3.0, f"{elapsed:.2f} s"
    assert northwind(instrument=instrument, scale=3).n_respondents == 8 + 3 * 52


def test_people_allocation_is_balanced():
    people = northwind_people(n_managers=14, n_staff=38)
    managers = [p.department for p in people if p.role == "manager"]
    assert all(managers.count(d) == 2 for d in DEPARTMENTS)
    staff = [p.department for p in people if p.role == "staff"]
    assert len(staff) == 38 and staff.count("Customer Service") == max(
        staff.count(d) for d in DEPARTMENTS
    )
    with pytest.raises(ValueError):
        northwind_people(scale=0)

"""Wave comparison: changes on comparable items, bootstrap intervals, labels."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import yaml

from questionnaires.errors import ScoringError
from questionnaires.loader import instrument_from_data
from scoring import ScoreOptions, score_wave
from scoring.trend import compare_waves
from tests.test_wave import PEOPLE, RAW, make_set


def test_change_by_hand_and_labels(mini_instrument):
    # four copies of the test team, so that a one-point rise is clearly outside sampling noise
    raw = np.tile(RAW, (4, 1))
    people = [(f"{p[0]}-{k}", p[1], p[2]) for k in range(4) for p in PEOPLE]
    a = make_set(mini_instrument, raw=raw, people=people, wave="W1")
    better = np.clip(raw + 1, 1, 5)
    better[:, [1, 5]] = np.clip(raw[:, [1, 5]] - 1, 1, 5)  # reverse-coded items improve downwards
    b = make_set(mini_instrument, raw=better, people=people, wave="W2")
    cmp = compare_waves([(mini_instrument, a), (mini_instrument, b)], ScoreOptions(bootstrap=500))
    assert cmp.waves == ("W1", "W2")
    assert cmp.dropped_items == (("W1", "W2", ()),)
    ch = cmp.change_for("CUL")
    before = np.mean([4, 4, 5, 4, 2, 2, 1, 2.5])
    after = np.mean(np.clip(np.array([4, 4, 5, 4, 2, 2, 1, 2.5]) + 1, 1, 5))
    assert ch.score_before == pytest.approx(before) and ch.score_after == pytest.approx(after)
    assert ch.change == pytest.approx(after - before)
    assert ch.label == "improved" and ch.ci.low > 0
    assert ch.items_used == ("CUL-01", "CUL-02")
    assert ch.n_before == 32
    same = compare_waves([(mini_instrument, a), (mini_instrument, a)], ScoreOptions(bootstrap=500))
    assert all(
        c.label == "stable" and c.change == 0 for c in same.changes if not math.isnan(c.change)
    )
    worse = compare_waves([(mini_instrument, b), (mini_instrument, a)], ScoreOptions(bootstrap=500))
    assert worse.change_for("CUL").label == "declined"


def test_groups_management_and_departments(mini_instrument):
    a = make_set(mini_instrument, wave="W1")
    cmp = compare_waves(
        [(mini_instrument, a), (mini_instrument, a)], ScoreOptions(bootstrap=100, min_group=3)
    )
    groups = {c.group for c in cmp.changes}
    assert groups == {
        "organisation",
        "management",
        "department:sales",
        "department:customer service",
    }
    met = cmp.change_for("MET", "management")
    # two camps of two at the ends: 4 of the 6 pairs are the whole scale apart -> 66.7
    assert met.agi_before == pytest.approx(200 / 3) and met.agi_change == 0


def test_bootstrap_off_gives_undefined_labels(mini_instrument):
    a = make_set(mini_instrument, wave="W1")
    cmp = compare_waves([(mini_instrument, a), (mini_instrument, a)], ScoreOptions(bootstrap=0))
    assert {c.label for c in cmp.changes} == {"undefined"}
    assert "bootstrap is off" in cmp.changes[0].reason


def test_results_of_the_same_version_compare_for_the_organisation(mini_instrument):
    opts = ScoreOptions(bootstrap=200)
    a = score_wave(mini_instrument, make_set(mini_instrument, wave="W1"), opts)
    b = score_wave(
        mini_instrument, make_set(mini_instrument, raw=np.clip(RAW + 1, 1, 5), wave="W2"), opts
    )
    cmp = compare_waves([a, b], opts)
    assert {c.group for c in cmp.changes} == {"organisation"}
    assert cmp.change_for("SYS").change == pytest.approx(b.score("SYS").mean - a.score("SYS").mean)
    assert any("organisation only" in n for n in cmp.notes)
    with pytest.raises(ScoringError, match="at least 2 waves"):
        compare_waves([a])


def test_new_version_uses_comparable_items_only(mini_instrument, fixtures_dir):
    data = yaml.safe_load((fixtures_dir / "mini" / "1.0.0.yaml").read_text())
    data["version"] = "1.1.0"
    data["supersedes"] = "mini@1.0.0"
    caps = data["capabilities"]
    caps[0]["items"][0]["text"] = "Customers come first in every decision we take"  # reworded
    caps[2]["items"][1]["scale"] = "m7"  # rescaled: not comparable
    data["scales"]["m7"] = {"options": 7, "labels": [str(i) for i in range(1, 8)]}
    data["item_map"] = [
        {"old": "CUL-01", "new": "CUL-01", "change": "reworded"},
        {"old": "CUL-02", "new": "CUL-02", "change": "same"},
        {"old": "SYS-01", "new": "SYS-01", "change": "same"},
        {"old": "SYS-02", "new": "SYS-02", "change": "same"},
        {"old": "MET-01", "new": "MET-01", "change": "same"},
        {"old": "MET-02", "new": "MET-02", "change": "rescaled"},
    ]
    v2 = instrument_from_data(data)
    a = make_set(mini_instrument, wave="W1")
    b = make_set(v2, wave="W2")
    cmp = compare_waves([(mini_instrument, a), (v2, b)], ScoreOptions(bootstrap=100))
    assert cmp.dropped_items == (("W1", "W2", ("MET-02",)),)
    assert cmp.change_for("MET").items_used == ("MET-01",)
    assert cmp.change_for("CUL").items_used == ("CUL-01", "CUL-02")
    assert any("MET-02" in n for n in cmp.notes)
    # MET on MET-01 alone, raw ratings identical in both waves: no change
    assert cmp.change_for("MET").change == 0
    ra, rb = (
        score_wave(mini_instrument, a, ScoreOptions(bootstrap=0)),
        score_wave(v2, b, ScoreOptions(bootstrap=0)),
    )
    with pytest.raises(ScoringError, match="different instrument versions"):
        compare_waves([ra, rb])


def test_northwind_improvements_are_found(instrument):
    """Northwind plants improvements on SYS and VOC in 2026-H2 (assessment.synthetic)."""
    from assessment.synthetic import northwind_waves

    w1, w2 = northwind_waves(instrument=instrument)
    cmp = compare_waves([(instrument, w1), (instrument, w2)], ScoreOptions(bootstrap=300))
    assert cmp.change_for("SYS").label == "improved"
    assert cmp.change_for("VOC").label == "improved"
    again = compare_waves([(instrument, w1), (instrument, w2)], ScoreOptions(bootstrap=300))
    assert repr(again) == repr(cmp)


def test_department_called_management_does_not_replace_the_management_team(mini_instrument):
    """Regression (review H1): in _from_pair a department "Management" replaced the management
    mask, so the trend's "management" change compared that department's people."""
    people = [
        (p[0], p[1], "Management" if p[2].strip().casefold() == "sales" else p[2]) for p in PEOPLE
    ]
    a = make_set(mini_instrument, people=people, wave="W1")
    b = make_set(mini_instrument, raw=np.clip(RAW + 1, 1, 5), people=people, wave="W2")
    cmp = compare_waves([(mini_instrument, a), (mini_instrument, b)], ScoreOptions(bootstrap=50))
    mgmt = cmp.change_for("MET", "management")
    assert (mgmt.n_before, mgmt.n_after) == (4, 4)  # the four executives
    # MET of the executives before: (5+5)/2, (1+1)/2, ... = 5, 1, 5, 1 -> 66.7
    assert mgmt.agi_before == pytest.approx(200 / 3)
    dept = cmp.change_for("MET", "department:management")
    assert dept.n_before == 4  # E1, E3, M1, S2
    assert len([c for c in cmp.changes if c.group == "management"]) == 3


def test_responses_of_another_version_are_refused(mini_instrument):
    """Review H4: trend scored every wave with the instrument it was given, whatever the
    responses were collected with."""
    a = make_set(mini_instrument, wave="W1")
    b = replace(make_set(mini_instrument, wave="W2"), instrument_ref="mini@0.9.0")
    with pytest.raises(ScoringError, match=r"collected with mini@0\.9\.0 but are being scored"):
        compare_waves([(mini_instrument, a), (mini_instrument, b)], ScoreOptions(bootstrap=0))


def test_trend_checks_rating_values_like_score_wave(mini_instrument):
    a = make_set(mini_instrument, wave="W1")
    bad = RAW.copy()
    bad[2, 4] = 0  # N/A typed as 0
    b = make_set(mini_instrument, raw=bad, wave="W2")
    with pytest.raises(ScoringError, match=r"respondent 'E3', item MET-01 \(current = 0"):
        compare_waves([(mini_instrument, a), (mini_instrument, b)], ScoreOptions(bootstrap=0))


def test_management_roles_default_to_the_instruments(mini_instrument, fixtures_dir):
    data = yaml.safe_load((fixtures_dir / "mini" / "1.0.0.yaml").read_text())
    data["management_roles"] = ["executive", "manager"]
    inst = instrument_from_data(data)
    a = make_set(inst, wave="W1")
    for opts in (None, ScoreOptions(bootstrap=0)):
        assert (
            compare_waves([(inst, a), (inst, a)], opts).change_for("CUL", "management").n_before
            == 5
        )


def test_results_use_their_own_scale_bounds(fixtures_dir):
    """_from_result takes each capability's L and H from CapabilityScore.low/high (a 7-point CUL)."""
    from scoring.alignment import alignment_gap

    data = yaml.safe_load((fixtures_dir / "mini" / "1.0.0.yaml").read_text())
    data["scales"]["m7"] = {"options": 7, "labels": [str(i) for i in range(1, 8)]}
    for item in data["capabilities"][0]["items"]:
        item["scale"] = "m7"
    inst = instrument_from_data(data)
    opts = ScoreOptions(bootstrap=0)
    ra = score_wave(inst, make_set(inst, wave="W1"), opts)
    rb = score_wave(inst, make_set(inst, raw=np.clip(RAW + 1, 1, 5), wave="W2"), opts)
    assert (ra.score("CUL").low, ra.score("CUL").high) == (1.0, 7.0)
    ch = compare_waves([ra, rb], opts).change_for("CUL")
    scores = [v for v in ra.score("CUL").respondent_scores if not math.isnan(v)]
    assert ch.agi_before == pytest.approx(alignment_gap(scores, 1, 7))
    old = replace(ra, scores=tuple(replace(s, low=math.nan) for s in ra.scores))
    with pytest.raises(ScoringError, match="no answer-scale bounds"):
        compare_waves([old, rb], opts)

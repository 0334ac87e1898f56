"""Wave comparison: changes on comparable items, bootstrap intervals, labels."""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml

from assessment.errors import ScoringError
from assessment.model import instrument_from_data
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

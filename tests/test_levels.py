"""Maturity levels: floor of the median, no-high-water-mark cap, prerequisite cap (DESIGN §6)."""

from __future__ import annotations

import math

import pytest

from scoring.levels import maturity_levels, topological_order

NAN = math.nan


def one(median, item_meds, target=NAN, ids=None):
    ids = ids or [f"X-{k + 1:02d}" for k in range(len(item_meds))]
    return maturity_levels(["X"], [median], [target], [ids], [item_meds], [()])[0]


def test_level_is_the_floor_of_the_team_median():
    assert one(3.0, [3, 3]).level == 3
    assert one(3.99, [4, 4]).level == 3
    assert one(1.2, [1, 2]).level == 1
    assert one(5.0, [5, 5]).level == 5
    lv = one(3.4, [3, 4], target=4.6)
    assert (lv.uncapped_level, lv.target_level, lv.capped_by_item, lv.capped_by_prerequisite) == (
        3,
        4,
        False,
        None,
    )


def test_no_high_water_mark_caps_at_one_above_the_weakest_item():
    lv = one(4.2, [5, 5, 1.5], ids=["X-01", "X-02", "X-03"])
    assert lv.uncapped_level == 4
    assert lv.level == 2  # floor(1.5) + 1
    assert lv.capped_by_item
    assert (lv.weakest_item, lv.weakest_item_median) == ("X-03", 1.5)
    assert "X-03" in lv.explanation and "weakest item" in lv.explanation
    assert lv.holding_back == ("X-03",)


def test_weakest_item_at_the_level_does_not_cap():
    lv = one(3.5, [3.0, 4.0, 4.0])
    assert lv.level == 3 and not lv.capped_by_item
    # items below level + 1 hold it back and are named
    assert lv.holding_back == ("X-01",)
    assert "To reach level 4, raise X-01" in lv.explanation


def test_prerequisite_caps_at_one_above_in_topological_order():
    # C requires B, B requires A; listed so that C comes first in the instrument
    caps = ["C", "B", "A"]
    prereq = [(1,), (2,), ()]
    levels = maturity_levels(
        caps,
        [5.0, 4.5, 1.5],
        [5, 5, 5],
        [["C-01"], ["B-01"], ["A-01"]],
        [[5.0], [4.5], [1.5]],
        prereq,
    )
    by = {lv.capability_id: lv for lv in levels}
    assert by["A"].level == 1
    assert by["B"].level == 2 and by["B"].capped_by_prerequisite == "A"
    assert by["C"].level == 3 and by["C"].capped_by_prerequisite == "B"
    assert "prerequisite B (level 2)" in by["C"].explanation
    assert [lv.capability_id for lv in levels] == caps  # instrument order kept


def test_unscored_capability_is_level_zero_and_says_why():
    lv = one(NAN, [NAN, NAN])
    assert lv.level == 0 and "not assessed" in lv.explanation


def test_unscored_prerequisite_does_not_cap():
    levels = maturity_levels(
        ["A", "B"], [NAN, 4.0], [NAN, 4.0], [["A-01"], ["B-01"]], [[NAN], [4.0]], [(), (0,)]
    )
    assert levels[1].level == 4


def test_topological_order_and_cycles():
    assert topological_order([(1,), (2,), ()]) == [2, 1, 0]
    assert topological_order([(), (), ()]) == [0, 1, 2]
    with pytest.raises(ValueError, match="cycle"):
        topological_order([(1,), (0,)])


def test_top_level_has_nothing_holding_it_back():
    lv = one(5.0, [5.0, 5.0])
    assert lv.level == 5 and lv.holding_back == () and "highest level" in lv.explanation

"""Capability-level answers (instrument 1.1.0, issue 11): rated levels, targets and investment
points in the response model, and the located errors for bad ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from questionnaires.answers import ResponseRecord, records_to_response_set
from questionnaires.errors import ResponseError
from questionnaires.loader import load_instrument

MINI11 = Path(__file__).parent / "fixtures" / "mini11" / "1.1.0.yaml"


@pytest.fixture(scope="module")
def mini11():
    return load_instrument(MINI11)


def rec(rid, item, current=None, target=None, *, points=None, na=False, row=None, role="executive"):
    return ResponseRecord(
        wave="W1",
        respondent=rid,
        role=role,
        department="Sales",
        item=item,
        current=current,
        target=target,
        na=na,
        points=points,
        row=row,
    )


def good_records():
    out = []
    for k, rid in enumerate(("a", "b", "c")):
        out += [
            rec(rid, "CUL", 2, 4, points=60 + 10 * k),
            rec(rid, "SYS", 1, 3, points=40 - 10 * k),
            rec(rid, "MET", 2, 2, points=0),
            rec(rid, "CUL-01", 3, 4),
            rec(rid, "CUL-02", 2),
            rec(rid, "SYS-01", 2),
        ]
    return [ResponseRecord(**{**r.__dict__, "row": n + 2}) for n, r in enumerate(out)]


def problems_of(instrument, records):
    with pytest.raises(ResponseError) as info:
        records_to_response_set(instrument, records, source="answers.csv")
    return info.value.problems


def test_capability_answers_become_respondent_by_capability_matrices(mini11):
    rs = records_to_response_set(mini11, good_records(), source="answers.csv")
    assert rs.capability_ids == ("CUL", "SYS", "MET")
    assert rs.level_current.tolist() == [[2, 1, 2]] * 3
    assert rs.level_target.tolist() == [[4, 3, 2]] * 3
    assert rs.points.tolist() == [[60, 40, 0], [70, 30, 0], [80, 20, 0]]
    assert rs.has_capability_answers
    # statements keep their own matrices; SYS-01 asks no target
    j = rs.item_ids.index("SYS-01")
    assert np.isnan(rs.target[:, j]).all()


def test_capability_answers_round_trip_through_records(mini11):
    rs = records_to_response_set(mini11, good_records(), source="answers.csv")
    back = records_to_response_set(mini11, rs.to_records(), source="again")
    assert back.data_hash == rs.data_hash
    np.testing.assert_array_equal(back.points, rs.points)


def test_data_hash_changes_with_a_point_moved(mini11):
    records = good_records()
    moved = [
        ResponseRecord(**{**r.__dict__, "points": r.points + (5 if r.item == "CUL" else -5)})
        if r.respondent == "a" and r.item in ("CUL", "SYS")
        else r
        for r in records
    ]
    a = records_to_response_set(mini11, records, source="x")
    b = records_to_response_set(mini11, moved, source="x")
    assert a.data_hash != b.data_hash


def test_select_cuts_capability_matrices_with_the_respondents(mini11):
    rs = records_to_response_set(mini11, good_records(), source="answers.csv")
    two = rs.select([2, 0])
    assert [r.id for r in two.respondents] == ["c", "a"]
    assert two.points.tolist() == [[80, 20, 0], [60, 40, 0]]


def test_level_outside_the_descriptors_is_a_located_error(mini11):
    records = good_records()
    records[0] = ResponseRecord(**{**records[0].__dict__, "target": 6})
    (p,) = problems_of(mini11, records)
    assert p.row == 2 and p.column == "target" and p.source == "answers.csv"
    assert "target level 6 is outside 1..5 for capability CUL" in p.message


def test_points_that_do_not_add_up_name_the_respondent_and_rows(mini11):
    records = good_records()
    records[1] = ResponseRecord(**{**records[1].__dict__, "points": 30})  # a: 60 + 30
    (p,) = problems_of(mini11, records)
    assert p.column == "points" and p.row == 2
    assert "respondent a add up to 90, not 100 (rows 2, 3, 4)" in p.message


def test_points_on_an_unknown_capability_suggest_the_closest(mini11):
    records = [*good_records(), rec("a", "SYX", points=0, row=99)]
    (p,) = problems_of(mini11, records)
    assert p.row == 99 and p.column == "item"
    assert "unknown item 'SYX'" in p.message and "'SYS'" in p.message


def test_points_on_a_statement_are_refused(mini11):
    records = good_records()
    records[3] = ResponseRecord(**{**records[3].__dict__, "points": 10})  # CUL-01
    (p,) = problems_of(mini11, records)
    assert p.row == 5 and p.column == "points"
    assert "move the points of CUL-01 to the row of capability CUL" in p.message


def test_a_target_on_a_statement_that_asks_none_is_refused(mini11):
    records = good_records()
    records[4] = ResponseRecord(**{**records[4].__dict__, "target": 4})  # CUL-02: target false
    (p,) = problems_of(mini11, records)
    assert p.row == 6 and p.column == "target"
    assert "CUL-02 asks no target" in p.message and "once per capability (CUL)" in p.message


def test_a_capability_row_on_an_instrument_without_rated_levels_is_refused(mini_instrument):
    (p,) = problems_of(mini_instrument, [rec("a", "CUL", 2, 3, row=7)])
    assert p.row == 7 and "asks no capability-level answers" in p.message


def test_duplicate_capability_rating_names_both_rows(mini11):
    records = [*good_records(), rec("a", "CUL", 3, 4, row=40)]
    found = problems_of(mini11, records)
    assert any("rated capability CUL in row 2 and again in row 40" in p.message for p in found)


def test_na_with_a_level_is_refused(mini11):
    records = good_records()
    records[6] = ResponseRecord(**{**records[6].__dict__, "na": True})  # b CUL has levels
    (p,) = problems_of(mini11, records)
    assert p.row == 8 and p.column == "na"


def test_a_set_without_capability_answers_hashes_as_before(mini_instrument):
    # 1.0-style sets: no capability matrices, so the hash is the one stored before 1.1.0
    rs = records_to_response_set(mini_instrument, [rec("a", "CUL-01", 3, 4)], source="x")
    assert rs.capability_ids == () and rs.level_current.shape == (1, 0)
    assert not rs.has_capability_answers


def test_empty_wave_of_a_wide_row_names_the_row_once(mini11):
    """A wide row gives several records with one row number: 'rows 2, 2' read as a typo."""
    records = [
        ResponseRecord("", "a", "executive", "Sales", item, 3, None, row=2)
        for item in ("CUL-02", "SYS-01")
    ]
    found = problems_of(mini11, records)
    (p,) = [p for p in found if p.column == "wave"]
    assert "(row 2)" in p.message and "2, 2" not in p.message


def test_confidence_on_a_capability_rating_is_kept(mini11):
    records = good_records()
    records[0] = ResponseRecord(**{**records[0].__dict__, "confidence": 2})
    rs = records_to_response_set(mini11, records, source="x")
    assert rs.level_confidence[0, 0] == 2 and np.isnan(rs.level_confidence[1, 0])
    back = records_to_response_set(mini11, rs.to_records(), source="y")
    assert back.data_hash == rs.data_hash and back.level_confidence[0, 0] == 2

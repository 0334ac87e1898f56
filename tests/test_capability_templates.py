"""Respondent templates of an instrument that rates levels (customer-centricity 1.1.0, issue 11):
the "Capability levels" section, no target cell where a statement asks none, filled sheets read
back to the same records; 1.0.0 templates unchanged."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest

from assessment.io import read_file, read_responses
from assessment.io.template import template_csv_text, write_template
from questionnaires.catalogue import get_instrument
from questionnaires.errors import ResponseError

PREFILL = {"wave": "2026-H2", "respondent": "E1", "role": "executive", "department": "Board"}
POINTS = {"CUL": 30, "SKL": 10, "MGT": 20, "MET": 10, "SYS": 10, "DEC": 10, "SSI": 5, "VOC": 5}


@pytest.fixture(scope="module")
def v11():
    return get_instrument("customer-centricity@1.1.0")


def _answers(v11):
    """What the respondent types: per capability (current, target, points), per statement
    (current, target or None)."""
    caps = {c.id: (1 + k % 4, 2 + k % 4, POINTS[c.id]) for k, c in enumerate(v11.capabilities)}
    items = {
        item.id: (1 + j % 5, 4 if item.target else None)
        for j, (_, item) in enumerate(v11.iter_items())
        if not item.roles or "executive" in item.roles
    }
    return caps, items


def _expected(v11):
    caps, items = _answers(v11)
    out = [(c, cur, tgt, pts) for c, (cur, tgt, pts) in caps.items()]
    out += [(i, cur, tgt, None) for i, (cur, tgt) in items.items()]
    return out


def _got(records):
    assert {(r.wave, r.respondent, r.role, r.department) for r in records} == {
        tuple(PREFILL.values())
    }
    return [(r.item, r.current, r.target, r.points) for r in records]


def _fill_xlsx(path, v11):
    from openpyxl import load_workbook

    caps, items = _answers(v11)
    wb = load_workbook(path)
    ws = wb["Responses"]
    header = [c.value for c in ws[1]]
    at = {name: k for k, name in enumerate(header)}
    for row in ws.iter_rows(min_row=2):
        item = row[at["item"]].value
        if item in caps:
            cur, tgt, pts = caps[item]
            row[at["current"]].value, row[at["target"]].value = cur, tgt
            row[at["points"]].value = pts
        elif item in items:
            cur, tgt = items[item]
            row[at["current"]].value = cur
            if tgt is not None:
                row[at["target"]].value = tgt
    wb.save(path)
    return ws, at


def test_filled_xlsx_template_reads_back_to_the_same_records(tmp_path, v11):
    path = write_template(v11, tmp_path / "t.xlsx", "xlsx", **PREFILL)
    _fill_xlsx(path, v11)
    res = read_file(path)
    assert not res.problems, res.problems
    assert res.declared[""] == v11.ref
    assert _got(res.records) == _expected(v11)
    rs = read_responses(path)
    assert rs.instrument_ref == v11.ref and rs.points.sum() == 100


def test_filled_csv_template_reads_back_to_the_same_records(tmp_path, v11):
    caps, items = _answers(v11)
    rows = list(csv.reader(io.StringIO(template_csv_text(v11, **PREFILL))))
    at = {name: k for k, name in enumerate(rows[0])}
    for row in rows[1:]:
        item = row[at["item"]]
        if item in caps:
            cur, tgt, pts = caps[item]
            row[at["current"]], row[at["target"]], row[at["points"]] = str(cur), str(tgt), str(pts)
        elif item in items:
            cur, tgt = items[item]
            row[at["current"]] = str(cur)
            row[at["target"]] = "" if tgt is None else str(tgt)
    path = tmp_path / "t.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    res = read_file(path)
    assert not res.problems, res.problems
    assert _got(res.records) == _expected(v11)


def test_template_has_a_capability_levels_section_with_every_descriptor(v11):
    rows = list(csv.DictReader(io.StringIO(template_csv_text(v11))))
    assert rows[0]["capability"] == "Capability levels"
    assert (
        "within 18 months" in rows[0]["question"] and "100 investment points" in rows[0]["question"]
    )
    for cap in v11.capabilities:
        k = next(n for n, r in enumerate(rows) if r["item"] == cap.id)
        levels = [r["question"] for r in rows[k + 1 : k + 6]]
        assert levels == [f"Level {lv}: {cap.levels[lv]}" for lv in range(1, 6)]
    assert any(r["capability"] == "Total investment points" for r in rows)
    assert list(rows[0])[7:10] == ["current", "target", "points"]


def test_xlsx_template_locks_and_greys_unasked_targets_and_shows_the_points_total(tmp_path, v11):
    from openpyxl import load_workbook

    path = write_template(v11, tmp_path / "t.xlsx", "xlsx", **PREFILL)
    ws = load_workbook(path)["Responses"]
    header = [c.value for c in ws[1]]
    at = {name: k for k, name in enumerate(header)}
    by_item = {row[at["item"]].value: row for row in ws.iter_rows(min_row=2)}
    no_target = next(i for i in v11.items if not i.target)
    with_target = next(i for i in v11.items if i.target)
    cell = by_item[no_target.id][at["target"]]
    assert cell.protection.locked and cell.fill.fgColor.rgb.endswith("D9D9D9")
    assert not by_item[with_target.id][at["target"]].protection.locked
    assert not by_item["CUL"][at["points"]].protection.locked
    assert by_item[no_target.id][at["points"]].protection.locked
    total = next(
        row
        for row in ws.iter_rows(min_row=2)
        if row[at["capability"]].value == "Total investment points"
    )
    formula = total[at["question"]].value
    assert formula.startswith('="Total: "&SUM(J') and "of 100" in formula
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert any(dv.type == "whole" and dv.formula2 == "100" for dv in validations.values())
    target_col = header.index("target")
    letter = "ABCDEFGHIJKL"[target_col]
    greyed = f"{letter}{by_item[no_target.id][0].row}"
    assert not any(greyed in str(dv.sqref).split() for dv in validations.values())


def test_a_target_typed_into_a_greyed_cell_is_refused_with_its_row(tmp_path, v11):
    from openpyxl import load_workbook

    path = write_template(v11, tmp_path / "t.xlsx", "xlsx", **PREFILL)
    _, at = _fill_xlsx(path, v11)
    wb = load_workbook(path)
    ws = wb["Responses"]
    no_target = next(i for i in v11.items if not i.target and not i.roles)
    row = next(r for r in ws.iter_rows(min_row=2) if r[at["item"]].value == no_target.id)
    row[at["target"]].value = 5
    wb.save(path)
    with pytest.raises(ResponseError) as info:
        read_responses(path)
    (p,) = info.value.problems
    assert (p.row, p.column, p.sheet) == (row[0].row, "target", "Responses")
    assert f"{no_target.id} asks no target" in p.message


@pytest.mark.parametrize(
    ("prefill", "digest"),
    [
        ({}, "dfab6687780f1d0df82d4f9116300ac8f4f5cd56630c9f210621822ca7604361"),
        (
            {"wave": "W", "respondent": "R1", "role": "manager", "department": "Sales"},
            "20ebaca0f361fa9ab809d13aad1256d22cd4d51fecab4a6e652dd21638408256",
        ),
    ],
)
def test_1_0_csv_template_is_unchanged(instrument, prefill, digest):
    text = template_csv_text(instrument, **prefill)
    assert hashlib.sha256(text.encode()).hexdigest() == digest


def test_1_0_xlsx_template_has_no_capability_section(tmp_path, instrument):
    from openpyxl import load_workbook

    path = write_template(instrument, tmp_path / "t.xlsx", "xlsx")
    wb = load_workbook(path)
    ws = wb["Responses"]
    assert [c.value for c in ws[1]][7:10] == ["current", "target", "confidence"]
    assert ws.max_row == len(instrument.items) + 1
    intro = [r[0].value for r in wb["Instructions"].iter_rows() if r[0].value]
    assert "Capability levels" not in intro

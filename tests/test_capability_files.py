"""Capability-level answers (instrument 1.1.0, issue 11) in every response file format: long and
wide CSV, JSON (plain and interchange), XLSX export and wide XLSX; 1.0.0 files unchanged."""

from __future__ import annotations

import csv
import json

import pytest

from assessment.io import read_file, read_responses, write_csv, write_json
from assessment.io.export import export_columns, interchange_document, write_export
from questionnaires.answers import LONG_COLUMNS, ResponseRecord, WaveInfo, records_to_response_set
from questionnaires.catalogue import get_instrument
from questionnaires.errors import ResponseError

POINTS = (30, 20, 10, 10, 10, 10, 5, 5)


@pytest.fixture(scope="module")
def v11():
    return get_instrument("customer-centricity@1.1.0")


def answers_11(inst, n=3):
    """Records of ``n`` executives: levels, targets, points (adding up), one N/A level, comments
    (one a formula), statements with a target only where asked."""
    out = []
    for k in range(n):
        rid = f"E{k + 1}"
        base = {"wave": "2026-H2", "respondent": rid, "role": "executive", "department": "Board"}
        for c, cap in enumerate(inst.capabilities):
            na = k == 1 and c == 7
            out.append(
                ResponseRecord(
                    **base,
                    item=cap.id,
                    current=None if na else 1 + (c + k) % 4,
                    target=None if na else 2 + (c + k) % 4,
                    na=na,
                    points=POINTS[(c + k) % len(POINTS)],
                    comment='=HYPERLINK("x")' if (k, c) == (0, 0) else None,
                )
            )
        for j, (_, item) in enumerate(inst.iter_items()):
            if item.roles and "executive" not in item.roles:
                continue
            out.append(
                ResponseRecord(
                    **base,
                    item=item.id,
                    current=1 + (j + k) % 5,
                    target=5 if item.target else None,
                    comment="plain note" if j == 3 else None,
                )
            )
    return out


@pytest.fixture(scope="module")
def rs11(v11):
    return records_to_response_set(v11, answers_11(v11), source="test")


def test_set_has_levels_targets_points_na_and_comments(rs11):
    assert rs11.has_capability_answers
    assert rs11.level_na.sum() == 1
    assert (rs11.points.sum(axis=1) == 100).all()


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_csv_round_trip_keeps_capability_answers(tmp_path, v11, rs11, layout):
    path = write_csv(rs11, tmp_path / f"a-{layout}.csv", layout)
    back = read_responses(path, v11)
    assert back.data_hash == rs11.data_hash
    assert back.points.tolist() == rs11.points.tolist()


def test_undeclared_long_csv_with_capabilities_reads_as_1_1(tmp_path, rs11):
    path = write_csv(rs11, tmp_path / "a.csv")
    back = read_responses(path)
    assert back.instrument_ref == "customer-centricity@1.1.0"
    assert back.data_hash == rs11.data_hash


def test_long_csv_has_points_column_and_capability_rows_first(tmp_path, rs11):
    path = write_csv(rs11, tmp_path / "a.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert list(rows[0]) == [*LONG_COLUMNS, "points"]
    first = [r["item"] for r in rows[:8]]
    assert first == list(rs11.capability_ids)
    assert rows[0]["points"] == "30" and rows[0]["comment"] == '\'=HYPERLINK("x")'
    assert all(r["points"] == "" for r in rows[8:20])


def test_wide_csv_writes_capability_columns_before_item_columns(tmp_path, rs11):
    path = write_csv(rs11, tmp_path / "w.csv", "wide")
    header = next(csv.reader(path.open(encoding="utf-8")))
    assert header[4:7] == ["CUL", "CUL.target", "CUL.points"]
    assert "CUL.comment" in header and "VOC.na" in header
    first_item = next(k for k, h in enumerate(header) if "-" in h)
    assert all("-" not in h for h in header[4:first_item])
    assert header[first_item].startswith("CUL-")


def test_json_round_trip_carries_points_on_capability_records_only(tmp_path, v11, rs11):
    path = write_json(rs11, tmp_path / "a.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    caps = [r for r in doc["responses"] if "-" not in r["item"]]
    items = [r for r in doc["responses"] if "-" in r["item"]]
    assert caps and all("points" in r for r in caps)
    assert items and not any("points" in r for r in items)
    assert read_responses(path).data_hash == rs11.data_hash


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_round_trip_every_format(tmp_path, v11, rs11, fmt):
    wave = WaveInfo("Northwind", rs11.wave, v11.ref, v11.content_hash)
    path = write_export(fmt, "Northwind", [wave], rs11.to_records(), tmp_path / f"e.{fmt}")
    assert read_responses(path).data_hash == rs11.data_hash


def test_interchange_export_with_capabilities_validates_against_the_schema(v11, rs11):
    import jsonschema

    from assessment.io.schema import interchange_schema

    wave = WaveInfo("Northwind", rs11.wave, v11.ref, v11.content_hash)
    doc = interchange_document("Northwind", [wave], rs11.to_records())
    schema = interchange_schema()
    jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
    assert doc["responses"][0]["points"] == 30
    bad = {**doc, "responses": [{**doc["responses"][0], "points": -1}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema, cls=jsonschema.Draft202012Validator)
    bad = {**doc, "responses": [{**doc["responses"][0], "item": "CUL-1"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema, cls=jsonschema.Draft202012Validator)


def test_wide_xlsx_round_trip(tmp_path, v11, rs11):
    from openpyxl import Workbook

    wide = write_csv(rs11, tmp_path / "w.csv", "wide")
    wb = Workbook()
    ws = wb.active
    ws.title = "responses"
    for k, row in enumerate(csv.reader(wide.open(encoding="utf-8"))):
        ws.append([int(c) if k and c.isdigit() else (c or None) for c in row])
    wb.save(tmp_path / "w.xlsx")
    assert read_responses(tmp_path / "w.xlsx", v11).data_hash == rs11.data_hash


def test_export_of_1_0_records_is_byte_identical(tmp_path, instrument):
    from assessment.synthetic import northwind

    rs = northwind("2026-H1", instrument=instrument)
    assert not rs.has_capability_answers
    records = rs.to_records()
    assert export_columns(records) == LONG_COLUMNS
    wave = WaveInfo("Northwind", rs.wave, instrument.ref, instrument.content_hash)
    path = write_export("csv", "Northwind", [wave], records, tmp_path / "e.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(LONG_COLUMNS)
    # the long CSV writer and the export writer give the same bytes, as before capabilities
    assert write_csv(rs, tmp_path / "w.csv").read_bytes() == path.read_bytes()
    doc = interchange_document("Northwind", [wave], records)
    assert all(set(r) == set(LONG_COLUMNS) for r in doc["responses"])


def test_1_0_long_and_wide_csv_are_written_as_before(tmp_path, mini_instrument):
    recs = [
        ResponseRecord("W", "R1", "executive", "Sales", "CUL-01", 3, 4, comment="=x"),
        ResponseRecord("W", "R1", "executive", "Sales", "SYS-01", None, None, na=True),
        ResponseRecord("W", "R2", "manager", "HR", "CUL-01", 2, 5, confidence=2),
    ]
    rs = records_to_response_set(mini_instrument, recs, source="x")
    long = write_csv(rs, tmp_path / "a.csv").read_text(encoding="utf-8")
    assert long == (
        "wave,respondent,role,department,item,current,target,na,confidence,comment\n"
        "W,R1,executive,Sales,CUL-01,3,4,false,,'=x\n"
        "W,R1,executive,Sales,SYS-01,,,true,,\n"
        "W,R2,manager,HR,CUL-01,2,5,false,2,\n"
    )
    wide = write_csv(rs, tmp_path / "w.csv", "wide").read_text(encoding="utf-8")
    assert wide.splitlines()[0].startswith(
        "wave,respondent,role,department,CUL-01,CUL-01.target,CUL-01.confidence,CUL-01.comment,"
    )


# -- reading cells -----------------------------------------------------------------------------

HEAD = "wave,respondent,role,department,item,current,target,na,confidence,comment,points\n"


def _long(tmp_path, body, name="a.csv"):
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("cell", "says"),
    [
        ("12.5", "points '12.5' for CUL is not a whole number"),
        ("many", "points 'many' for CUL is not a whole number"),
        ("-5", "points -5 for CUL are negative"),
    ],
)
def test_bad_points_cell_is_a_located_error(tmp_path, cell, says):
    path = _long(tmp_path, f"W,E1,executive,Board,CUL,2,3,,,,{cell}\n")
    res = read_file(path)
    (p,) = [p for p in res.problems if not p.warning]
    assert (p.source, p.row, p.column) == (str(path), 2, "points")
    assert says in p.message


def test_points_column_is_matched_case_insensitively_and_empty_is_not_given(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        "wave,respondent,role,department,item,current,target,POINTS\n"
        "W,E1,executive,Board,CUL,2,3,40\nW,E1,executive,Board,CUL-01,2,,\n",
        encoding="utf-8",
    )
    res = read_file(path)
    assert not res.problems
    assert [r.points for r in res.records] == [40, None]


def test_wide_points_cell_that_is_text_names_its_column(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(
        "respondent,role,department,CUL,CUL.target,CUL.points,CUL-01\nE1,executive,Board,2,3,lots,4\n",
        encoding="utf-8",
    )
    res = read_file(path)
    (p,) = res.problems
    assert (p.row, p.column) == (2, "CUL.points") and "not a whole number" in p.message


def test_unknown_bare_upper_case_column_keeps_the_ignored_column_warning(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("respondent,role,department,NPS,CUL-01\nE1,executive,Board,9,4\n", "utf-8")
    res = read_file(path)
    assert [r.item for r in res.records] == ["CUL-01"]
    (p,) = res.problems
    assert p.warning and "ignored column 'NPS'" in p.message


def test_bare_capability_column_of_an_instrument_outside_the_catalogue(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("respondent,role,department,ZZZ,CUL-01\nE1,executive,Board,3,4\n", "utf-8")
    assert [r.item for r in read_file(path).records] == ["CUL-01"]
    got = read_file(path, capabilities=["ZZZ"]).records
    assert [(r.item, r.current) for r in got] == [("ZZZ", 3), ("CUL-01", 4)]


def test_wide_file_with_capability_na_and_comment_columns(tmp_path, v11):
    path = tmp_path / "w.csv"
    path.write_text(
        "respondent,role,department,CUL,CUL.target,CUL.na,CUL.comment,CUL-01\n"
        "E1,executive,Board,,,true,not my area,4\n",
        encoding="utf-8",
    )
    (cap, item) = read_file(path).records
    assert (cap.item, cap.na, cap.comment, cap.current) == ("CUL", True, "not my area", None)
    assert item.item == "CUL-01"


def test_1_0_file_with_a_target_on_every_statement_still_reads(tmp_path, instrument):
    from assessment.synthetic import northwind

    rs = northwind("2026-H1", instrument=instrument)
    path = write_csv(rs, tmp_path / "a.csv")
    back = read_responses(path)
    assert back.instrument_ref == instrument.ref and back.data_hash == rs.data_hash
    with pytest.raises(ResponseError):
        read_responses(path, get_instrument("customer-centricity@1.1.0"))

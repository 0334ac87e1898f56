"""Reading responses: CSV/JSON, long and wide, all-or-nothing validation (DESIGN §5)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assessment.io import (
    parse_long_rows,
    parse_wide_rows,
    read_responses,
    read_wave,
    records_to_response_set,
    write_csv,
    write_json,
)
from assessment.synthetic import northwind
from questionnaires.errors import ResponseError

HEADER = "wave,respondent,role,department,item,current,target,na,confidence,comment\n"


def write(tmp_path: Path, text: str, name: str = "r.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems_of(
    exc: pytest.ExceptionInfo[ResponseError],
) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.message) for p in exc.value.problems]


# -- reading good files ---------------------------------------------------------------------------


def test_long_csv_builds_arrays_in_instrument_order(fixtures_dir, mini_instrument):
    rs = read_responses(fixtures_dir / "responses" / "mini-long.csv", mini_instrument)
    assert rs.instrument_ref == "mini@1.0.0"
    assert rs.wave == "2026-H1"
    assert [r.id for r in rs.respondents] == ["R1", "R2", "R3"]
    assert rs.item_ids == ("CUL-01", "CUL-02", "SYS-01", "SYS-02", "MET-01", "MET-02")
    assert rs.current[0].tolist()[:5] == [4, 2, 3, 3, 4]
    assert math.isnan(rs.current[0, 5]) and rs.na[0, 5]  # na=true
    assert math.isnan(rs.current[1, 3]) and rs.na[1, 3]  # "N/A" in the rating cell
    assert math.isnan(rs.current[2, 3]) and not rs.na[2, 3]  # not asked: missing, not N/A
    assert rs.confidence[0, 0] == 3 and rs.confidence[1, 0] == 2
    assert [(c.respondent, c.item) for c in rs.comments] == [("R1", "MET-01")]


def test_department_is_trimmed_and_matched_case_insensitively(fixtures_dir, mini_instrument):
    # R2's first row says " customer  service ", later rows "Customer Service": the same department
    rs = read_responses(fixtures_dir / "responses" / "mini-long.csv", mini_instrument)
    r2 = rs.respondents[1]
    assert r2.department == "customer service"  # first spelling, whitespace collapsed
    assert r2.department_key == "customer service"


def test_wide_file_gives_the_same_responses_as_long(fixtures_dir, mini_instrument):
    long = read_responses(fixtures_dir / "responses" / "mini-long.csv", mini_instrument)
    wide = read_responses(fixtures_dir / "responses" / "mini-wide.csv", mini_instrument)
    assert wide.data_hash == long.data_hash
    np.testing.assert_array_equal(wide.current, long.current)
    np.testing.assert_array_equal(wide.na, long.na)


def test_bom_semicolons_and_capitalised_headers_are_accepted(tmp_path, mini_instrument):
    text = "Wave;Respondent;Role;Department;Item;Current;Target\n2026-H1;R1;Executive;Sales;CUL-01;4;5\n"
    rs = read_responses(write(tmp_path, text, encoding="utf-8-sig"), mini_instrument)
    assert rs.respondents[0].role == "executive"
    assert rs.current[0, 0] == 4 and rs.target[0, 0] == 5


def test_spreadsheet_cells_as_numbers_and_flags(mini_instrument):
    rows = [
        {
            "respondent": "R1",
            "role": "staff",
            "department": "IT",
            "item": "CUL-01",
            "current": 4.0,
            "target": 5,
            "na": "no",
        },
        {
            "respondent": "R1",
            "role": "staff",
            "department": "IT",
            "item": "CUL-02",
            "current": None,
            "target": "",
            "na": "YES",
        },
        {
            "respondent": "R1",
            "role": "staff",
            "department": "IT",
            "item": "MET-01",
            "current": "3.0",
            "target": "",
            "na": 0,
        },
    ]
    records, problems = parse_long_rows(rows, source="sheet.xlsx", sheet="Answers", wave="W1")
    assert problems == []
    assert [(r.current, r.target, r.na, r.row) for r in records] == [
        (4, 5, False, 2),
        (None, None, True, 3),
        (3, None, False, 4),
    ]
    rs = records_to_response_set(mini_instrument, records, source="sheet.xlsx")
    assert rs.wave == "W1"


def test_json_with_declared_instrument(tmp_path, mini_instrument):
    payload = {
        "instrument": "mini@1.0.0",
        "wave": "2026-H1",
        "responses": [
            {
                "respondent": "R1",
                "role": "manager",
                "department": "HR",
                "item": "SYS-01",
                "current": 2,
                "target": 4,
            },
            {
                "respondent": "R1",
                "role": "manager",
                "department": "HR",
                "item": "SYS-02",
                "na": True,
            },
        ],
    }
    path = write(tmp_path, json.dumps(payload), "w.json")
    inst, rs = read_wave(path, mini_instrument)
    assert inst is mini_instrument
    assert rs.wave == "2026-H1" and rs.na[0, 3] and rs.current[0, 2] == 2


def test_json_list_of_records(tmp_path, mini_instrument):
    recs = [
        {
            "wave": "W",
            "respondent": "R1",
            "role": "staff",
            "department": "HR",
            "item": "CUL-01",
            "current": 3,
        }
    ]
    rs = read_responses(write(tmp_path, json.dumps(recs), "w.json"), mini_instrument)
    assert rs.current[0, 0] == 3


def test_all_na_respondent_is_kept_with_a_warning(tmp_path, mini_instrument):
    from assessment.service import response_warnings

    text = (
        HEADER
        + "W,R1,staff,HR,CUL-01,3,4,,,\nW,R2,staff,HR,CUL-01,,,true,,\nW,R2,staff,HR,MET-01,NA,,,,\n"
    )
    rs = read_responses(write(tmp_path, text), mini_instrument)
    assert rs.n_respondents == 2
    [warning] = response_warnings(rs)
    assert "R2" in warning and "no scores" in warning


def test_wave_option_selects_one_of_several_waves(tmp_path, mini_instrument):
    text = HEADER + "2026-H1,R1,staff,HR,CUL-01,3,4,,,\n2026-H2,R1,staff,HR,CUL-01,4,4,,,\n"
    path = write(tmp_path, text)
    with pytest.raises(ResponseError, match=r"several waves.*choose one") as err:
        read_responses(path, mini_instrument)
    assert err.value.settings == {"wave": None}
    rs = read_responses(path, mini_instrument, wave="2026-H2")
    assert rs.wave == "2026-H2" and rs.current[0, 0] == 4


def test_wave_fills_a_file_without_wave_column(tmp_path, mini_instrument):
    text = "respondent,role,department,item,current\nR1,staff,HR,CUL-01,3\n"
    path = write(tmp_path, text)
    with pytest.raises(ResponseError, match="add a 'wave' column or name the wave"):
        read_responses(path, mini_instrument)
    assert read_responses(path, mini_instrument, wave="2026-H1").wave == "2026-H1"


# -- all-or-nothing validation ------------------------------------------------------------------


def test_acceptance_unknown_item_out_of_range_and_duplicate_in_one_error(
    fixtures_dir, mini_instrument
):
    """DESIGN §5 acceptance: every problem is reported together, with rows."""
    with pytest.raises(ResponseError) as exc:
        read_responses(fixtures_dir / "responses" / "mini-bad.csv", mini_instrument)
    found = problems_of(exc)
    assert len(found) == 3
    assert found[0][:2] == (3, "item") and "unknown item 'CUL-03'" in found[0][2]
    assert "did you mean 'CUL-02'" in found[0][2]
    assert found[1] == (4, "current", "current 7 is outside 1..5 for SYS-01")
    assert found[2][:2] == (6, "item") and "in row 5 and again in row 6" in found[2][2]
    assert "3 problems found:" in str(exc.value)
    assert "nothing was imported" not in str(exc.value)  # read_responses imports nothing


def test_missing_required_column_is_named(tmp_path, mini_instrument):
    path = write(tmp_path, "wave,respondent,role,item,curent\nW,R1,staff,CUL-01,3\n")
    with pytest.raises(ResponseError) as exc:
        read_responses(path, mini_instrument)
    messages = " | ".join(m for _, _, m in problems_of(exc))
    assert "missing required column 'department'" in messages
    assert (
        "missing required column 'current'" in messages and "did you mean 'curent'" not in messages
    )
    assert "unknown column 'curent'; did you mean 'current'?" in messages


def test_cell_problems_are_collected(tmp_path, mini_instrument):
    text = HEADER + (
        "W,R1,staff,HR,CUL-01,3.5,4,,,\n"  # not whole
        "W,R1,staff,HR,CUL-02,three,4,,,\n"  # not a number
        "W,R1,staff,HR,MET-01,3,4,true,,\n"  # na with a rating
        "W,R1,staff,HR,MET-02,,,maybe,,\n"  # bad flag
        "W,R1,staff,HR,SYS-01,3,0,,5,\n"  # target and confidence out of range
        "W,R1,staff,HR,SYS-02,3,4,,,\n"  # not asked of staff
    )
    with pytest.raises(ResponseError) as exc:
        read_responses(write(tmp_path, text), mini_instrument)
    found = problems_of(exc)
    rows = [(r, c) for r, c, _ in found]
    assert rows == [
        (2, "current"),
        (3, "current"),
        (4, "na"),
        (5, "na"),
        (6, "target"),
        (6, "confidence"),
        (7, "item"),
    ]
    text_all = " | ".join(m for *_, m in found)
    assert "'3.5' for CUL-01 is not a whole number" in text_all
    assert "target 0 is outside 1..5 for SYS-01" in text_all
    assert "SYS-02 is asked only of executive, manager, but respondent R1 is staff" in text_all


def test_conflicting_respondent_and_unknown_role(tmp_path, mini_instrument):
    text = HEADER + (
        "W,R1,staff,HR,CUL-01,3,4,,,\n"
        "W,R1,manager,Finance,CUL-02,3,4,,,\n"
        "W,R2,intern,HR,CUL-01,3,4,,,\n"
    )
    with pytest.raises(ResponseError) as exc:
        read_responses(write(tmp_path, text), mini_instrument)
    messages = [m for *_, m in problems_of(exc)]
    assert any("unknown role 'intern'" in m and "executive, manager, staff" in m for m in messages)
    assert any("conflicting roles: 'staff' in row 2, 'manager' in row 3" in m for m in messages)
    assert any("conflicting departments: 'HR' in row 2, 'Finance' in row 3" in m for m in messages)


def test_empty_and_header_only_files(tmp_path, mini_instrument):
    with pytest.raises(ResponseError, match="is empty"):
        read_responses(write(tmp_path, "", "empty.csv"), mini_instrument)
    with pytest.raises(ResponseError, match="only a header row"):
        read_responses(write(tmp_path, HEADER, "header.csv"), mini_instrument)


def test_not_utf8_is_reported_with_its_line_not_guessed(tmp_path, mini_instrument):
    good = "".join(f"W,R{k},staff,HR,CUL-01,3,4,,,\n" for k in range(3000))  # past the first block
    path = tmp_path / "r.csv"
    path.write_bytes(
        (HEADER + good).encode() + "W,R1,staff,Vertrieb Süd,CUL-02,3,4,,,\n".encode("latin-1")
    )
    with pytest.raises(ResponseError, match=r"not UTF-8.*save the file as UTF-8") as exc:
        read_responses(path, mini_instrument)
    [problem] = exc.value.problems
    assert problem.row == 3002
    assert "at byte 22 of the line" in problem.message  # "W,R1,staff,Vertrieb S" is 21 bytes


def test_json_naming_another_instrument_version_is_refused(tmp_path, mini_instrument):
    payload = {"instrument": "mini@2.0.0", "responses": []}
    with pytest.raises(
        ResponseError, match=r"answered on mini@2\.0\.0 but the instrument given is mini@1\.0\.0"
    ):
        read_responses(write(tmp_path, json.dumps(payload), "w.json"), mini_instrument)


def test_invalid_json_names_line(tmp_path, mini_instrument):
    with pytest.raises(ResponseError, match=r"not valid JSON.*line 1"):
        read_responses(write(tmp_path, '{"responses": [', "w.json"), mini_instrument)


def test_unknown_layout(tmp_path, mini_instrument):
    with pytest.raises(ResponseError, match="cannot tell the layout"):
        read_responses(write(tmp_path, "a,b\n1,2\n"), mini_instrument)


def test_wide_flags_misnamed_item_columns():
    rows = [{"respondent": "R1", "role": "staff", "department": "HR", "CUL-01": "3", "CUL02": "4"}]
    _, problems = parse_wide_rows(rows, source="w.csv", wave="W")
    assert [(p.row, p.column) for p in problems] == [(1, "CUL02")]
    assert "looks like an item" in problems[0].message


def test_parse_long_rows_streams_from_a_generator():
    def rows():
        for k in range(50_000):
            yield {
                "wave": "W",
                "respondent": f"R{k}",
                "role": "staff",
                "department": "HR",
                "item": "CUL-01",
                "current": "3",
            }

    records, problems = parse_long_rows(rows(), source="big.csv")
    assert problems == [] and len(records) == 50_000 and records[-1].row == 50_001


# -- writing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_write_csv_round_trips(tmp_path, mini_instrument, layout):
    rs = northwind(instrument=mini_instrument)
    path = write_csv(rs, tmp_path / f"nw-{layout}.csv", format=layout)
    back = read_responses(path, mini_instrument)
    assert back.data_hash == rs.data_hash
    assert sorted(back.comments, key=str) == sorted(rs.comments, key=str)


def test_write_json_round_trips(tmp_path, mini_instrument):
    rs = northwind(instrument=mini_instrument)
    back = read_responses(write_json(rs, tmp_path / "nw.json"), mini_instrument)
    assert back.data_hash == rs.data_hash


def test_atomic_write_leaves_no_partial_file(tmp_path):
    from assessment.io import atomic_open

    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError), atomic_open(target) as fh:
        fh.write("half")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_filled_in_csv_template_is_read(tmp_path, mini_instrument):
    """A `centric template` CSV: identity on the first row only, question texts, blank rows skipped."""
    from assessment.io.template import write_template_csv

    path = write_template_csv(
        mini_instrument,
        tmp_path / "t.csv",
        wave="W1",
        respondent="R9",
        role="staff",
        department="IT",
    )
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    at = {line.split(",")[5]: k for k, line in enumerate(lines)}
    assert "SYS-02" not in at  # a staff template lists only the items staff are asked
    lines[1] = lines[1].replace(",,,,", ",3,4,,", 1)  # CUL-01
    k = at["MET-02"]
    lines[k] = lines[k].removesuffix(",,,,") + ",N/A,,,"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    rs = read_responses(path, mini_instrument)
    assert [r.id for r in rs.respondents] == ["R9"] and rs.wave == "W1"
    assert rs.current[0, 0] == 3 and rs.target[0, 0] == 4
    assert rs.na[0, 5] and int(np.isnan(rs.current[0]).sum()) == 5


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_formula_like_text_is_neutralised_in_csv_and_restored_on_reading(
    tmp_path, mini_instrument, layout
):
    from questionnaires.answers import Comment

    rs = northwind(instrument=mini_instrument)
    first = rs.respondents[0]
    answered = rs.item_ids[int(np.flatnonzero(~np.isnan(rs.current[0]))[0])]
    evil = '=HYPERLINK("http://evil.example","click")'
    rs = type(rs)(**{**rs.__dict__, "comments": (Comment(first.id, answered, evil),)})
    path = write_csv(rs, tmp_path / f"x-{layout}.csv", format=layout)
    assert "'=HYPERLINK" in path.read_text(encoding="utf-8")
    assert read_responses(path, mini_instrument).comments == (Comment(first.id, answered, evil),)


def test_xlsx_is_delegated_to_the_xlsx_reader(tmp_path, mini_instrument):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Answers"
    ws.append(["wave", "respondent", "role", "department", "item", "current", "target"])
    ws.append(["W1", "R1", "manager", "IT", "SYS-01", 2, 4])
    ws.append(["W1", "R1", "manager", "IT", "MET-01", 9, 4])
    wb.save(tmp_path / "r.xlsx")
    with pytest.raises(ResponseError) as exc:
        read_responses(tmp_path / "r.xlsx", mini_instrument)
    [problem] = exc.value.problems
    assert (problem.row, problem.column) == (
        3,
        "current",
    ) and "current 9 is outside 1..5" in problem.message


def test_read_file_returns_layout_sheet_and_problems_instead_of_filling_lists(tmp_path):
    """Readers return a ReadResult; they used to append to ``problems=`` and ``layouts=`` lists."""
    from openpyxl import Workbook

    from assessment.io import ReadResult, read_file

    wb = Workbook()
    ws = wb.active
    ws.title = "Answers"
    ws.append(["wave", "respondent", "role", "department", "MET-01", "MET-01.target"])
    ws.append(["W1", "R1", "manager", "IT", "x", 4])
    wb.save(tmp_path / "r.xlsx")
    res = read_file(tmp_path / "r.xlsx")
    assert isinstance(res, ReadResult)
    assert (res.layout, res.sheet, res.declared) == ("wide", "Answers", {})
    assert [(p.sheet, p.row, p.column) for p in res.problems] == [("Answers", 2, "MET-01")]
    csv_res = read_file(
        write(tmp_path, "respondent,role,department,item,current\nR1,m,IT,MET-01,3\n")
    )
    assert (csv_res.layout, csv_res.sheet, csv_res.problems) == ("long", None, [])
    assert [r.item for r in csv_res.records] == ["MET-01"]
    missing = read_file(tmp_path / "nope.csv")
    assert (missing.records, [p.message for p in missing.problems]) == (
        [],
        ["no such file; check the path"],
    )


# -- the CSV fast path ----------------------------------------------------------------------------
# CSV long files are parsed from csv.reader lists with the usual cells (plain whole numbers, empty
# cells, true/false) decided inline. Cells of a ``str`` subclass skip every inline shortcut and go
# through the general helpers, so parsing the same table both ways must give the same records and
# the same problems (row, column, message): the shortcuts change speed, never a result.

_CELLS = ["", " ", "3", " 4 ", "4.0", "3.5", "0", "7", "-1", "+2", "NA", "n/a", " N/A ", "na ",
          "true", "TRUE", "Yes", "y", "no", "N", "1", "maybe", "²", "٣", "1e0", "three"]  # fmt: skip


class _Cell(str):
    """A text cell that is not exactly ``str``: takes the general path of the long parser."""


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cells=st.lists(st.tuples(*[st.sampled_from(_CELLS)] * 4), min_size=1, max_size=6))
@example(cells=[(c, c, c, c) for c in _CELLS])  # every cell in every column
def test_csv_fast_path_gives_what_the_general_cell_helpers_give(tmp_path, cells):
    import csv

    header = ["wave", "respondent", "role", "department", "item", "current", "target", "na",
              "confidence", "comment"]  # fmt: skip
    rows = [
        ["W", f"R{k}", "staff", "HR", "CUL-01", cur, tgt, na, conf, ""]
        for k, (cur, tgt, na, conf) in enumerate(cells)
    ]
    path = tmp_path / "cells.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    from assessment.io import read_records

    fast, fast_problems, _ = read_records(path)
    slow, slow_problems = parse_long_rows(
        [{h: _Cell(v) for h, v in zip(header, row, strict=True)} for row in rows],
        source=str(path),
    )
    assert fast == slow and [r.row for r in fast] == [r.row for r in slow]
    assert [(p.row, p.column, p.message) for p in fast_problems] == [
        (p.row, p.column, p.message) for p in slow_problems
    ]


def test_repeated_and_capitalised_header_names_read_like_a_mapping_row(tmp_path, mini_instrument):
    """A column named twice ("Current" and "current") keeps the last cell, as csv.DictReader and
    the mapping rows of XLSX/JSON do; the header check sees the name once."""
    text = (
        "wave,respondent,role,department,item,Current,current,extra\nW,R1,staff,HR,CUL-01,9,3,x\n"
    )
    path = write(tmp_path, text)
    from assessment.io import read_records

    records, problems, _ = read_records(path)
    assert [p.warning for p in problems] == [True] and records[0].current == 3
    assert "ignored column 'extra'" in problems[0].message
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        ref, ref_problems = parse_long_rows(csv.DictReader(fh), source=str(path))
    assert records == ref and ref_problems == problems


def test_empty_lines_in_a_csv_count_as_spreadsheet_rows(tmp_path, mini_instrument):
    """Rows are numbered as a spreadsheet shows the file: an empty line is a row of its own."""
    text = HEADER + "W,R1,staff,HR,CUL-01,3,4,,,\n\n,,,,,,,,,\nW,R1,staff,HR,CUL-02,8,4,,,\n"
    with pytest.raises(ResponseError) as exc:
        read_responses(write(tmp_path, text), mini_instrument)
    assert problems_of(exc) == [(5, "current", "current 8 is outside 1..5 for CUL-02")]


def test_short_rows_are_padded_and_surplus_cells_ignored(tmp_path, mini_instrument):
    text = HEADER + "W,R1,staff,HR,CUL-01,3\nW,R1,staff,HR,CUL-02,2,4,false,1,ok,surplus\n"
    rs = read_responses(write(tmp_path, text), mini_instrument)
    assert rs.current[0, :2].tolist() == [3, 2] and math.isnan(rs.target[0, 0])
    assert rs.confidence[0, 1] == 1 and [c.text for c in rs.comments] == ["ok"]


def test_read_records_names_the_instrument_of_each_wave(tmp_path):
    """An export JSON declares an instrument per wave (``waves``); read_rows picks the one of the
    chosen wave, else the whole-file one."""
    from assessment.io import declared_instrument, read_records, read_rows

    rec = {"respondent": "R1", "role": "staff", "department": "HR", "item": "CUL-01", "current": 3}
    doc = {
        "waves": [
            {"wave": "2025", "instrument": "mini@1.0.0"},
            {"wave": "2026", "instrument": "mini@1.1.0"},
            {"wave": 7},
        ],
        "responses": [{**rec, "wave": "2025"}, {**rec, "wave": "2026"}],
    }
    path = write(tmp_path, json.dumps(doc), "x.json")
    records, problems, declared = read_records(path)
    assert declared == {"2025": "mini@1.0.0", "2026": "mini@1.1.0"}
    assert [(p.column, p.message) for p in problems] == [
        ("waves", 'waves[2] needs "wave" and "instrument" strings')
    ]
    assert [r.wave for r in records] == ["2025", "2026"]
    assert read_rows(path, wave="2026")[2] == "mini@1.1.0"
    assert read_rows(path)[2] is None  # two instruments and no wave chosen: nothing to pick
    assert declared_instrument({"": "a@1", "W": "b@2"}, "X") == "a@1"
    assert declared_instrument({"W": "b@2"}) == "b@2"


# -- output files (review H6) -------------------------------------------------------------------


def test_atomic_write_into_a_missing_folder_is_an_output_error_and_creates_nothing(tmp_path):
    from assessment.io.atomic import atomic_write_text
    from questionnaires.errors import OutputError

    target = tmp_path / "typo" / "deeper" / "x.csv"
    with pytest.raises(OutputError, match=r"folder .*typo/deeper does not exist; create it"):
        atomic_write_text(target, "a\n")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_where_a_file_is_in_the_way_or_onto_a_folder(tmp_path):
    from assessment.io.atomic import atomic_write_text
    from questionnaires.errors import OutputError

    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="a file is in the way"):
        atomic_write_text(tmp_path / "afile" / "x.csv", "a\n")
    with pytest.raises(OutputError, match="that is a folder; give a file name"):
        atomic_write_text(tmp_path, "a\n")


def test_atomic_write_failing_midway_keeps_the_old_file(tmp_path):
    """An OSError while writing (here: disk full, simulated) is an OutputError naming the path;
    the previous file is left untouched and no temporary file remains."""
    import errno

    from assessment.io.atomic import atomic_open
    from questionnaires.errors import OutputError

    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    with (
        pytest.raises(OutputError, match=r"cannot write .*out\.csv: No space left on device"),
        atomic_open(target) as fh,
    ):
        fh.write("new\n")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_xlsx_declared_instrument_is_kept_when_rows_have_problems(tmp_path, mini_instrument):
    """The workbook is opened once; its declared instrument (the template's hidden _centric
    sheet) is returned even when a row is bad, so the right version checks the other rows."""
    from openpyxl import load_workbook

    from assessment.io.responses import read_records
    from assessment.io.template import write_template_xlsx

    path = tmp_path / "t.xlsx"
    write_template_xlsx(mini_instrument, path, wave="W1", respondent="R1", role="executive")
    wb = load_workbook(path)
    ws = wb["Responses"]
    ws["D2"] = "Sales"
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=8).value = 3
    ws.cell(row=3, column=8).value = "three"  # a bad cell
    wb.save(path)
    records, problems, declared = read_records(path)
    assert declared == {"": "mini@1.0.0"}
    assert [(p.row, p.column) for p in problems] == [(3, "current")]
    assert {r.item for r in records} >= {"CUL-01", "MET-02"}


# Review finding 2: atomic writes replaced symlinks, FIFOs and device nodes with regular files.


def test_atomic_write_through_a_symlink_replaces_the_target_and_keeps_the_link(tmp_path):
    from assessment.io.atomic import atomic_write_text

    target = tmp_path / "real.txt"
    target.write_text("old\n")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    atomic_write_text(link, "new\n")
    assert link.is_symlink()
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "real.txt"]


def test_atomic_write_through_a_dangling_symlink_creates_the_target(tmp_path):
    from assessment.io.atomic import atomic_write_text

    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "missing.txt")
    atomic_write_text(link, "x\n")
    assert link.is_symlink()
    assert (tmp_path / "missing.txt").read_text() == "x\n"


def test_atomic_write_to_a_fifo_writes_into_it_and_keeps_the_fifo(tmp_path):
    import os
    import stat
    import threading

    from assessment.io.atomic import atomic_write_text

    fifo = tmp_path / "fifo1"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    atomic_write_text(fifo, "through the pipe\n")
    reader.join(timeout=5)
    assert got == ["through the pipe\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_atomic_write_to_dev_null_writes_through_and_keeps_the_device():
    import os
    import stat

    from assessment.io.atomic import atomic_write_bytes

    atomic_write_bytes("/dev/null", b"discarded")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_atomic_write_to_dev_full_is_an_output_error_and_keeps_the_device():
    import os
    import stat

    from assessment.io.atomic import atomic_write_text
    from questionnaires.errors import OutputError

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with pytest.raises(OutputError, match="/dev/full"):
        atomic_write_text("/dev/full", "x" * 100_000)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_atomic_write_to_a_socket_is_refused(tmp_path):
    import os
    import socket

    from assessment.io.atomic import atomic_write_text
    from questionnaires.errors import OutputError

    path = tmp_path / "s.sock"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(os.fspath(path))
        with pytest.raises(OutputError, match="socket"):
            atomic_write_text(path, "x")
        assert path.is_socket()
    finally:
        sock.close()


# Review finding 9: several files / several waves gave thousands of "duplicate" problems.

LONG_FIXTURE = Path(__file__).parent / "fixtures" / "responses" / "mini-long.csv"
MINI_PATH = str(Path(__file__).parent / "fixtures" / "mini" / "1.0.0.yaml")


def _copy_with_wave(src: Path, dest: Path, wave: str) -> Path:
    text = src.read_text(encoding="utf-8").replace("2026-H1,", f"{wave},")
    dest.write_text(text, encoding="utf-8")
    return dest


def test_two_files_of_two_waves_give_one_problem_naming_waves_and_files(tmp_path, mini_instrument):
    h1 = _copy_with_wave(LONG_FIXTURE, tmp_path / "H1.csv", "2026-H1")
    h2 = _copy_with_wave(LONG_FIXTURE, tmp_path / "H2.csv", "2026-H2")
    with pytest.raises(ResponseError) as err:
        read_responses([h1, h2], mini_instrument)
    assert [p.message for p in err.value.problems] == [
        f"the files hold several waves ('2026-H1': 17 answers in {h1}, '2026-H2': 17 answers "
        f"in {h2}); choose one"
    ]
    rs = read_responses([h1, h2], mini_instrument, wave="2026-H2")
    assert rs.wave == "2026-H2"


def test_one_file_with_two_waves_gives_one_problem(tmp_path, mini_instrument):
    both = tmp_path / "both.csv"
    lines = LONG_FIXTURE.read_text(encoding="utf-8").splitlines()
    both.write_text(
        "\n".join(lines + [x.replace("2026-H1,", "2026-H2,") for x in lines[1:]]) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ResponseError) as err:
        read_responses(both, mini_instrument)
    assert len(err.value.problems) == 1
    assert "the file holds several waves ('2026-H1': 17 answers, '2026-H2': 17 answers)" in str(
        err.value
    )


def test_the_same_file_twice_is_refused_with_one_message(tmp_path, mini_instrument):
    with pytest.raises(ResponseError) as err:
        read_responses([LONG_FIXTURE, LONG_FIXTURE], mini_instrument)
    assert [p.message for p in err.value.problems] == [
        f"the file {LONG_FIXTURE} is given twice; give each file once"
    ]
    link = tmp_path / "other-name.csv"
    link.symlink_to(LONG_FIXTURE)
    with pytest.raises(ResponseError, match="given twice"):
        read_responses([LONG_FIXTURE, link], mini_instrument)


def test_problems_from_several_files_name_the_file_of_each_row(tmp_path, mini_instrument):
    h1 = _copy_with_wave(LONG_FIXTURE, tmp_path / "H1.csv", "2026-H1")
    lines = LONG_FIXTURE.read_text(encoding="utf-8").splitlines()
    again = tmp_path / "again.csv"
    again.write_text("\n".join([lines[0], lines[2]]) + "\n", encoding="utf-8")  # R1 CUL-02
    with pytest.raises(ResponseError) as err:
        read_responses([h1, again], mini_instrument)
    (problem,) = err.value.problems
    assert (problem.source, problem.row) == (str(again), 2)
    assert problem.message == (
        f"duplicate answer: respondent R1 answered CUL-02 in {h1} row 3 and again in {again} "
        "row 2; keep one"
    )


# Polish: problem wording.


def test_unknown_item_in_one_row_does_not_repeat_the_row(mini_instrument):
    from questionnaires.answers import ResponseRecord, records_to_response_set

    recs = [ResponseRecord("W", "E1", "executive", "Sales", "CUL-99", 3, 4, row=5)]
    with pytest.raises(ResponseError) as err:
        records_to_response_set(mini_instrument, recs, source="x.csv")
    (p,) = err.value.problems
    assert p.row == 5 and p.message.startswith("unknown item 'CUL-99' in mini@1.0.0")


def test_conflicting_roles_are_summarised(mini_instrument):
    from questionnaires.answers import ResponseRecord, records_to_response_set

    items = ["CUL-01", "CUL-02", "SYS-01", "MET-01", "MET-02", "SYS-02", "CUL-01"]
    recs = [
        ResponseRecord(
            "W", "E1", "executive" if k == 0 else "manager", "Sales", item, 3, 4, row=k + 2
        )
        for k, item in enumerate(items[:6])
    ]
    with pytest.raises(ResponseError) as err:
        records_to_response_set(mini_instrument, recs, source="x.csv")
    (p,) = [p for p in err.value.problems if "conflicting roles" in p.message]
    assert p.message == (
        "respondent E1 has conflicting roles: 'executive' in row 2, 'manager' in row 3, "
        "'manager' in row 4, 'manager' in row 5, 'manager' in row 6 and 1 more row; give each "
        "respondent one role"
    )


# Review finding 11: a missing column also claimed the file was empty.


def test_missing_required_column_is_the_only_problem(tmp_path, mini_instrument):
    path = write(tmp_path, "wave,respondent,role,item,current\nW,R1,staff,CUL-01,3\n")
    with pytest.raises(ResponseError) as err:
        read_responses(path, mini_instrument)
    assert [p.message for p in err.value.problems] == [
        "missing required column 'department' (long format needs respondent, role, department, "
        "item, current)"
    ]


# Review finding 13: unknown extra columns were silently ignored (a misspelt comment column).


def test_unknown_extra_columns_are_a_warning_naming_them(tmp_path, mini_instrument):
    from assessment.service import load_responses

    path = write(
        tmp_path,
        "wave,respondent,role,department,item,current,Notes,extra\n"
        "W,R1,executive,HR,CUL-01,3,lost comment,x\n",
    )
    loaded = load_responses([path], MINI_PATH)
    assert loaded.responses.n_respondents == 1
    assert loaded.warnings[0] == (
        f"{path}, row 1: ignored columns 'Notes', 'extra': not part of the long format (wave, "
        "respondent, role, department, item, current, target, na, confidence, comment); rename a "
        "column to use it, e.g. 'comment'"
    )


def test_respondent_ids_differing_only_by_case_are_a_warning(tmp_path, mini_instrument):
    from assessment.service import load_responses

    path = write(
        tmp_path,
        "wave,respondent,role,department,item,current\n"
        "W,nw-e02,executive,HR,CUL-01,3\nW,NW-E02,executive,HR,CUL-01,4\n",
    )
    loaded = load_responses([path], MINI_PATH)
    assert loaded.responses.n_respondents == 2
    assert loaded.warnings == (
        "respondent ids 'nw-e02', 'NW-E02' differ only in letter case and count as different "
        "people; write them the same way if they are one person",
    )


# Polish: exponent ratings, a workbook saved as .csv, a JSON naming a version that does not exist.


@pytest.mark.parametrize("cell", ["1e0", "4E0", "inf", "2.5"])
def test_ratings_must_be_plain_whole_numbers(tmp_path, mini_instrument, cell):
    path = write(
        tmp_path, f"wave,respondent,role,department,item,current\nW,R1,staff,HR,CUL-01,{cell}\n"
    )
    with pytest.raises(ResponseError, match=f"current '{cell}' for CUL-01 is not a whole number"):
        read_responses(path, mini_instrument)


def test_a_decimal_whole_number_is_still_a_rating(tmp_path, mini_instrument):
    path = write(
        tmp_path, "wave,respondent,role,department,item,current\nW,R1,staff,HR,CUL-01,4.0\n"
    )
    assert read_responses(path, mini_instrument).current[0, 0] == 4


def test_an_xlsx_workbook_named_csv_says_it_is_a_workbook(tmp_path, mini_instrument):
    from assessment.io.template import write_template_xlsx

    book = write_template_xlsx(mini_instrument, tmp_path / "t.xlsx")
    renamed = tmp_path / "answers.csv"
    renamed.write_bytes(book.read_bytes())
    with pytest.raises(ResponseError) as err:
        read_responses(renamed, mini_instrument)
    assert [p.message for p in err.value.problems] == [
        "this is an Excel workbook (or another zip file), not text; name it .xlsx, or save the "
        "sheet from Excel as CSV UTF-8"
    ]


def test_json_declaring_an_unknown_version_says_unknown_version(tmp_path):
    from questionnaires.answers import choose_instrument
    from questionnaires.errors import QuestionnaireError

    with pytest.raises(QuestionnaireError) as err:
        choose_instrument(
            "v.json", ["customer-centricity@9.9.9"], None, bound="customer-centricity@1.0.0"
        )
    assert "customer-centricity has no version 9.9.9; available: 1.0.0" in str(err.value)
    assert "new wave" not in str(err.value)


# Review finding 10: wide-file problems named long-format columns ('current', 'item').


def test_wide_file_problems_name_the_real_columns(tmp_path, mini_instrument):
    path = write(
        tmp_path,
        "wave,respondent,role,department,CUL-01,CUL-01.target,CUL-99\nW,R1,executive,HR,9,7,3\n",
    )
    with pytest.raises(ResponseError) as err:
        read_responses(path, mini_instrument)
    got = {
        (p.column, p.message.split(" in mini")[0].split(" is outside")[0])
        for p in err.value.problems
    }
    assert got == {
        ("CUL-01", "current 9"),
        ("CUL-01.target", "target 7"),
        ("CUL-99", "unknown item 'CUL-99'"),
    }


def test_wide_import_problems_name_the_real_columns(tmp_path, mini_instrument):
    from assessment.service import import_file
    from assessment.store import upgrade_db

    db = str(tmp_path / "w.db")
    upgrade_db(db)
    path = write(
        tmp_path, "wave,respondent,role,department,CUL-01,CUL-01.target\nW,R1,executive,HR,3,8\n"
    )
    with pytest.raises(ResponseError) as err:
        import_file(db, path, org="a", instrument=mini_instrument)
    assert [p.column for p in err.value.problems] == ["CUL-01.target"]


# Review finding 14: N/A in the target cell was read differently from N/A in the current cell.


@pytest.mark.parametrize(
    ("current", "target"), [("N/A", "4"), ("3", "N/A"), ("n/a", "n/a"), ("N/A", ""), ("", "NA")]
)
def test_na_in_either_rating_cell_follows_one_rule(tmp_path, mini_instrument, current, target):
    """N/A in current or target marks the answer not applicable; the other cell must be empty."""
    path = write(
        tmp_path,
        "wave,respondent,role,department,item,current,target\n"
        f"W,R1,executive,HR,CUL-01,{current},{target}\n",
    )
    rated = any(c not in ("", "N/A", "n/a", "NA") for c in (current, target))
    if rated:
        with pytest.raises(ResponseError, match="na is true but CUL-01 also has a rating"):
            read_responses(path, mini_instrument)
    else:
        rs = read_responses(path, mini_instrument)
        assert rs.na[0, 0] and np.isnan(rs.current[0, 0]) and np.isnan(rs.target[0, 0])


def test_xlsx_formula_without_a_saved_value_is_a_problem_naming_the_cell(tmp_path, mini_instrument):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Responses"
    ws.append(["wave", "respondent", "role", "department", "item", "current", "target"])
    ws.append(["W", "R1", "executive", "HR", "CUL-01", "=1+1", 4])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    with pytest.raises(ResponseError) as err:
        read_responses(path, mini_instrument)
    (p,) = err.value.problems
    assert (p.sheet, p.row, p.column) == ("Responses", 2, "current")
    assert p.message.startswith("cell F2 holds the formula =1+1 with no saved value")


def test_xlsx_problems_found_against_the_instrument_name_the_sheet(tmp_path, mini_instrument):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Answers"
    ws.append(["wave", "respondent", "role", "department", "item", "current", "target"])
    ws.append(["W", "R1", "executive", "HR", "CUL-01", 9, 4])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    with pytest.raises(ResponseError) as err:
        read_responses(path, mini_instrument)
    assert str(err.value.problems[0]).startswith(
        f"{path}, sheet 'Answers', row 2, column 'current'"
    )

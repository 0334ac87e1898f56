"""Bad capability-level answers through the CLI (issue 11): a target level outside the scale,
investment points that do not add up to 100, points on an unknown capability, a per-item target
on a statement that asks none. Each names file, row and column, exits 2 and writes nothing."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from assessment.cli import cli
from assessment.store import upgrade_db

LONG = "wave,respondent,role,department,item,current,target,na,confidence,comment,points\n"
GOOD_LONG = (
    "W,E1,executive,Board,CUL,2,3,,,,60\n"
    "W,E1,executive,Board,SKL,2,3,,,,40\n"
    "W,E1,executive,Board,CUL-02,3,,,,,\n"
)
# (case, bad long rows replacing GOOD_LONG's, (row, column) of the problem, message part)
LONG_CASES = {
    "target_level": (
        GOOD_LONG.replace("CUL,2,3", "CUL,2,6"),
        (2, "target"),
        "target level 6 is outside 1..5 for capability CUL",
    ),
    "points_sum": (
        GOOD_LONG.replace(",40\n", ",30\n"),
        (2, "points"),
        "add up to 90, not 100",
    ),
    "unknown_capability": (
        GOOD_LONG + "W,E1,executive,Board,CUX,,,,,,0\n",
        (5, "item"),
        "unknown item 'CUX'",
    ),
    "item_target": (
        GOOD_LONG.replace("CUL-02,3,,", "CUL-02,3,4,"),
        (4, "target"),
        "CUL-02 asks no target",
    ),
}
WIDE = "wave,respondent,role,department,CUL,CUL.target,CUL.points,SKL,SKL.target,SKL.points,CUL-02,CUL-02.target\n"
WIDE_CASES = {
    "target_level": ("W,E1,executive,Board,2,6,60,2,3,40,3,\n", "CUL.target", "target level 6"),
    "item_target": ("W,E1,executive,Board,2,3,60,2,3,40,3,4\n", "CUL-02.target", "asks no target"),
}
# the model names the long-format column for these in a wide file (see the report)
WIDE_MODEL_CASES = {
    "points_sum": ("W,E1,executive,Board,2,3,60,2,3,30,3,\n", "CUL.points", "add up to 90"),
}


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    upgrade_db(url)
    return url


def _rows_in(url: str) -> int:
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        tables = [t for (t,) in con.execute("select name from sqlite_master where type='table'")]
        return sum(
            con.execute(f'select count(*) from "{t}"').fetchone()[0]
            for t in tables
            if t in ("responses", "capability_answers", "waves", "respondents")
        )
    finally:
        con.close()


def _check(result, path, row, column, says):
    assert result.exit_code == 2, result.output
    line = next(x for x in result.stderr.splitlines() if says in x)
    assert f"{path}, row {row}, column '{column}'" in line


def _score_and_import(tmp_path, db, path, row, column, says):
    out = tmp_path / "out.json"
    runner = CliRunner()
    result = runner.invoke(cli, ["score", str(path), "--format", "json", "-o", str(out)])
    _check(result, path, row, column, says)
    assert not out.exists()
    before = _rows_in(db)
    result = runner.invoke(cli, ["import", str(path), "--db", db, "--org", "acme"])
    _check(result, path, row, column, says)
    assert _rows_in(db) == before == 0


@pytest.mark.parametrize("case", sorted(LONG_CASES))
def test_bad_capability_answer_in_long_csv_is_located_exit_2_nothing_written(tmp_path, db, case):
    body, (row, column), says = LONG_CASES[case]
    path = tmp_path / f"{case}.csv"
    path.write_text(LONG + body, encoding="utf-8")
    _score_and_import(tmp_path, db, path, row, column, says)


@pytest.mark.parametrize("case", sorted(WIDE_CASES))
def test_bad_capability_answer_in_wide_csv_names_the_wide_column(tmp_path, db, case):
    body, column, says = WIDE_CASES[case]
    path = tmp_path / f"{case}.csv"
    path.write_text(WIDE + body, encoding="utf-8")
    _score_and_import(tmp_path, db, path, 2, column, says)


@pytest.mark.parametrize("case", sorted(WIDE_MODEL_CASES))
def test_points_sum_in_wide_csv_names_the_wide_points_column(tmp_path, db, case):
    body, column, says = WIDE_MODEL_CASES[case]
    path = tmp_path / f"{case}.csv"
    path.write_text(WIDE + body, encoding="utf-8")
    _score_and_import(tmp_path, db, path, 2, column, says)


def test_points_on_an_unknown_capability_in_wide_csv_are_refused(tmp_path, db):
    path = tmp_path / "w.csv"
    path.write_text(
        WIDE.replace("\n", ",CUX.points\n") + "W,E1,executive,Board,2,3,60,2,3,40,3,,0\n",
        encoding="utf-8",
    )
    # the file has only CUX.points: that is the column named
    _score_and_import(tmp_path, db, path, 2, "CUX.points", "unknown item 'CUX'")


def test_bad_capability_answers_in_xlsx_are_located_with_the_sheet(tmp_path, db):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "responses"
    ws.append(LONG.strip().split(","))
    body = GOOD_LONG.replace("CUL,2,3", "CUL,2,6").replace(",40\n", ",30\n")
    for line in body.splitlines():
        ws.append([int(c) if c.isdigit() else (c or None) for c in line.split(",")])
    wb.save(tmp_path / "bad.xlsx")
    path = tmp_path / "bad.xlsx"
    out = tmp_path / "out.json"
    result = CliRunner().invoke(cli, ["score", str(path), "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert f"{path}, sheet 'responses', row 2, column 'target'" in result.stderr
    assert f"{path}, sheet 'responses', row 2, column 'points'" in result.stderr
    result = CliRunner().invoke(cli, ["import", str(path), "--db", db, "--org", "acme"])
    assert result.exit_code == 2 and _rows_in(db) == 0
    assert "target level 6" in result.stderr and "add up to 90, not 100" in result.stderr

"""Regression tests for the smaller reader/writer findings of issue 8 (each named after what broke)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.io import read_responses
from questionnaires.errors import ResponseError

LONG = ["wave", "respondent", "role", "department", "item", "current", "target"]


def _workbook(path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        if title in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def test_xlsx_with_two_data_sheets_is_a_located_error_not_the_first_silently(
    tmp_path, mini_instrument
):
    path = _workbook(
        tmp_path / "two.xlsx",
        {
            "Team A": [LONG, ["W", "A1", "executive", "HR", "CUL-01", 3, 4]],
            "Team B": [LONG, ["W", "B1", "manager", "HR", "CUL-01", 2, 4]],
        },
    )
    with pytest.raises(ResponseError) as err:
        read_responses(path, mini_instrument)
    (p,) = err.value.problems
    assert p.source == str(path)
    assert "2 sheets with responses ('Team A', 'Team B')" in p.message
    assert "rename the sheet to import to 'responses'" in p.message


def test_xlsx_sheet_named_responses_is_read_when_there_are_other_data_sheets(
    tmp_path, mini_instrument
):
    path = _workbook(
        tmp_path / "named.xlsx",
        {
            "Old": [LONG, ["W", "A1", "executive", "HR", "CUL-01", 3, 4]],
            "Responses": [LONG, ["W", "B1", "manager", "HR", "CUL-01", 2, 4]],
        },
    )
    assert [r.id for r in read_responses(path, mini_instrument).respondents] == ["B1"]


def test_xlsx_instructions_and_hidden_sheets_do_not_count_as_data_sheets(tmp_path, mini_instrument):
    path = _workbook(
        tmp_path / "one.xlsx",
        {
            "Instructions": [["How to answer"], ["Rate each item"]],
            "Answers": [LONG, ["W", "A1", "executive", "HR", "CUL-01", 3, 4]],
            "Scratch": [LONG, ["W", "Z9", "staff", "HR", "CUL-01", 1, 1]],
        },
        hidden=("Scratch",),
    )
    assert [r.id for r in read_responses(path, mini_instrument).respondents] == ["A1"]


def _db_with_answers(tmp_path: Path, mini_instrument) -> str:
    from assessment.service import import_file
    from assessment.store import upgrade_db

    db = str(tmp_path / "t.db")
    upgrade_db(db)
    csv_path = tmp_path / "a.csv"
    csv_path.write_text(
        "wave,respondent,role,department,item,current,target\nW1,R1,manager,HR,CUL-01,3,4\n",
        encoding="utf-8",
    )
    import_file(db, csv_path, org="acme", instrument=mini_instrument)
    return db


def test_export_dash_writes_stdout_not_a_file_named_dash(tmp_path, monkeypatch, mini_instrument):
    from click.testing import CliRunner

    from assessment.cli import cli

    db = _db_with_answers(tmp_path, mini_instrument)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    r = runner.invoke(cli, ["export", "--db", db, "--org", "acme", "-o", "-"])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[1].startswith("W1,R1,manager,HR,CUL-01,3,4")
    r = runner.invoke(cli, ["export", "--db", db, "--org", "acme", "--format", "xlsx", "-o", "-"])
    assert r.exit_code == 0, r.output
    assert r.stdout_bytes[:4] == b"PK\x03\x04"
    r = runner.invoke(
        cli, ["template", "--instrument", str(_mini()), "--format", "xlsx", "-o", "-"]
    )
    assert r.exit_code == 0, r.output
    assert r.stdout_bytes[:4] == b"PK\x03\x04"
    assert not (tmp_path / "-").exists()


def test_export_to_the_databases_wal_file_is_refused_by_the_cli(tmp_path, mini_instrument):
    from click.testing import CliRunner

    from assessment.cli import cli

    db = _db_with_answers(tmp_path, mini_instrument)
    r = CliRunner().invoke(cli, ["export", "--db", db, "--org", "acme", "-o", f"{db}-wal"])
    assert r.exit_code == 2
    assert "write-ahead log of the database" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def _mini() -> Path:
    return Path(__file__).parent / "fixtures" / "mini" / "1.0.0.yaml"


def _long_csv(path: Path, rows: list[str]) -> Path:
    path.write_text(
        "wave,respondent,role,department,item,current,target\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    return path


def test_lookalike_item_id_is_escaped_and_named_not_echoed_as_the_real_id(
    tmp_path, mini_instrument
):
    """Before: "unknown item 'СUL-02' ...; did you mean 'CUL-02'?" with the Cyrillic С unescaped,
    so the message seemed to suggest the very id the user typed."""
    path = _long_csv(tmp_path / "a.csv", ["W,R1,manager,HR,\u0421UL-02,3,4"])
    with pytest.raises(ResponseError) as err:
        read_responses(path, mini_instrument)
    (p,) = err.value.problems
    assert "unknown item '\\u0421UL-02'" in p.message
    assert "\u0421" not in p.message
    assert "non-ASCII character U+0421 (CYRILLIC CAPITAL LETTER ES) at position 1" in p.message
    assert "looks like the Latin letter 'C'" in p.message
    assert p.message.endswith("did you mean 'CUL-02'?")
    assert (p.row, p.column) == (2, "item")


def test_lookalike_item_column_of_a_wide_file_is_a_problem_not_ignored(tmp_path, mini_instrument):
    path = tmp_path / "w.csv"
    path.write_text(
        "wave,respondent,role,department,CUL-01,\u0421UL-02\nW,R1,manager,HR,3,4\n",
        encoding="utf-8",
    )
    with pytest.raises(ResponseError) as err:
        read_responses(path, mini_instrument)
    (p,) = err.value.problems
    assert "column '\\u0421UL-02' looks like the item column 'CUL-02'" in p.message
    assert "\u0421" not in p.message and p.row == 1


def test_respondent_id_with_a_bidi_character_is_escaped_in_errors(tmp_path, mini_instrument):
    """A right-to-left override in a respondent id would reorder the message text around it."""
    rid = "R1\u202e"
    path = _long_csv(
        tmp_path / "a.csv", [f"W,{rid},manager,HR,CUL-01,3,4", f"W,{rid},manager,HR,CUL-01,2,4"]
    )
    with pytest.raises(ResponseError) as err:
        read_responses(path, mini_instrument)
    text = str(err.value)
    assert "duplicate answer: respondent 'R1\\u202e' answered CUL-01" in text
    assert "\u202e" not in text


def test_printable_respondent_ids_are_shown_as_they_are():
    from questionnaires.answers import lookalike_note, shown, shown_id

    assert shown("Müller-1") == "Müller-1"
    assert shown("R\t1") == "'R\\t1'"
    assert shown_id("CUL-02") == "'CUL-02'"
    assert lookalike_note("CUL-02") == ""
    assert "U+2013 (EN DASH) at position 4; ids use ASCII" in lookalike_note("CUL\u201302")
    assert "Latin letter 'C'" in lookalike_note("\uff23UL-02")  # fullwidth C

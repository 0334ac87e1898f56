"""Regression tests for the smaller reader/writer findings of issue 8 (each named after what broke)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.errors import ResponseError
from assessment.io import read_responses

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

"""The one formula-neutralising rule (``assessment.io.cells``) and its inverse."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from assessment.io import cells
from assessment.io.cells import neutralise, neutralise_cell, restore

HOSTILE = ["=1+1", "@SUM(A1)", "+cmd", "-2+3", "'=already", "''x", "\t=cmd", "\r=x", "\n=x", "\0x"]


@pytest.mark.parametrize("text", ["=1+1", "@SUM(A1)", "+cmd", "-2+3", "\t=cmd", "\r=x", "'=x"])
def test_text_that_would_start_a_formula_gets_one_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["fine", "", "'quoted'", "''x", "-1", "+2", "-0.25", "1e-3"])
def test_plain_text_and_decimal_numbers_are_written_unchanged(text: str) -> None:
    assert neutralise(text) == text


def test_numbers_are_never_neutralised() -> None:
    assert neutralise_cell(-1) == -1
    assert neutralise_cell(-0.5) == -0.5
    assert neutralise_cell(None) is None
    assert neutralise_cell("=1") == "'=1"


def test_comment_really_starting_with_apostrophe_equals_keeps_its_apostrophe() -> None:
    # before: the writer left "'=x" alone and the reader stripped it to "=x"
    assert neutralise("'=x") == "''=x"
    assert restore(neutralise("'=x")) == "'=x"


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_round_trip(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert neutralise(text)[:1] not in cells.TRIGGERS


@given(st.text())
@example("'")
@example("'-1")
@example("''=")
def test_restore_undoes_neutralise_for_every_string(text: str) -> None:
    safe = neutralise(text)
    assert restore(safe) == text
    # what is written never starts a formula, unless it is a plain number
    assert safe[:1] not in cells.TRIGGERS or cells._NUMBER.fullmatch(safe)


def test_docstring_examples_hold() -> None:
    result = doctest.testmod(cells)
    assert result.attempted >= 5 and result.failed == 0

"""The calibration tables in docs/methodology.md: their markers exist, the harness's small mode runs
(within the make-test budget) and gives tables of the same shape as the ones in the docs."""

from __future__ import annotations

import re
import time

import pytest

from tests.calibration.__main__ import DOCS, HARNESSES, doc_text, marker, replace_tables, run


def _shape(text: str) -> list[tuple[str, int, int]]:
    """Per table: its header row, its number of columns and rows."""
    shapes, header, rows = [], None, 0
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            if header is None:
                header = re.sub(r"\d+", "#", line)
            rows += 1
        elif header is not None:
            shapes.append((header, header.count("|") - 1, rows))
            header, rows = None, 0
    return shapes


def _docs_tables(name: str) -> str:
    doc = DOCS.read_text(encoding="utf-8")
    start, end = marker(name)
    assert start in doc and end in doc, f"{DOCS} lacks the markers of the {name} tables"
    return doc[doc.index(start) + len(start) : doc.index(end)]


@pytest.fixture(scope="module")
def small():
    t0 = time.perf_counter()
    out = run(small=True)
    return out, time.perf_counter() - t0


@pytest.mark.parametrize("name", sorted(HARNESSES))
def test_docs_have_calibration_markers_with_tables(name):
    assert _shape(_docs_tables(name)), f"no table between the {name} markers: run make calibrate"


@pytest.mark.parametrize("name", sorted(HARNESSES))
def test_small_calibration_gives_tables_of_the_docs_shape(small, name):
    out, _took = small
    assert _shape(doc_text(out[name])) == _shape(_docs_tables(name))


def test_small_calibration_runs_within_the_make_test_budget(small):
    assert small[1] < 60


def test_replace_tables_needs_its_markers():
    with pytest.raises(ValueError, match="calibration:agi"):
        replace_tables("no markers here", {"agi": "| a |"})
    start, end = marker("agi")
    assert replace_tables(f"x {start}old{end} y", {"agi": "new"}) == f"x {start}\nnew\n{end} y"

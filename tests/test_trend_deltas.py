"""Trend report (issue 12): every printed delta agrees with the rounded figures printed beside it.

Northwind's trend compares 2026-H1 (customer-centricity 1.0.0) with 2026-H2 (1.1.0) through the item
map: the change and its test use the shared statements, which the report lists; the wave columns
keep each wave's mean on all its statements.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import pypdf
import pytest

from reports import ReportOptions
from reports.formatting import DASH

K5 = ReportOptions(min_group=5)


def _num(text: str) -> Decimal:
    return Decimal(text.replace("−", "-"))


@pytest.fixture(scope="module")
def northwind_trend():
    from assessment.service import report_score_options
    from assessment.synthetic import WAVE_INSTRUMENT, northwind
    from questionnaires.catalogue import get_instrument
    from scoring import score_wave

    pairs, results = [], []
    for w in ("2026-H1", "2026-H2"):
        inst = get_instrument(WAVE_INSTRUMENT[w])
        rs = northwind(w, instrument=inst)
        pairs.append((inst, rs))
        results.append(score_wave(inst, rs, report_score_options(5)))
    return results, pairs


def _view(northwind_trend, options=K5):
    from reports.views import build_trend_report

    results, pairs = northwind_trend
    return build_trend_report(results, pairs, options)


def _delta(change: str) -> Decimal:
    m = re.search(r"\(([+−]?\d+\.\d+)\)$", change)
    assert m, change
    return _num(m.group(1))


def test_northwind_trend_compares_two_instrument_versions(northwind_trend):
    _results, pairs = northwind_trend
    assert [inst.ref for inst, _rs in pairs] == [
        "customer-centricity@1.0.0",
        "customer-centricity@1.1.0",
    ]
    vm = _view(northwind_trend)
    assert all(r.compared_items for r in vm.rows)
    cul = next(r for r in vm.rows if r.name == "Culture")
    assert cul.compared_items == "3 statements: CUL-02, CUL-05, CUL-06"
    assert any("not comparable" in n for n in vm.notes)


@pytest.mark.parametrize("reissue", [False, True])
def test_every_capability_delta_is_the_difference_of_the_printed_shared_means(
    northwind_trend, reissue
):
    """Management & Leadership printed 3.00 → 2.91 beside '+0.3' (the change on the shared
    statements next to the means on all statements); Culture 2.9 → 2.7 read −0.1."""
    vm = _view(northwind_trend, replace(K5, reissue=reissue))
    digits = 1 if reissue else 2
    checked = 0
    for r in vm.rows:
        if DASH in r.compared:
            continue
        before, after = (_num(x) for x in r.compared)
        assert all(len(x.split(".")[1]) == digits for x in r.compared)
        assert _delta(r.change) == (after - before).quantize(Decimal("0.1"), ROUND_HALF_UP)
        checked += 1
    assert checked == len(vm.rows)


def test_printed_delta_agrees_even_where_the_unrounded_change_rounds_the_other_way():
    from reports.views.trend import _printed_change

    # 2.9 → 2.7 as printed in a reissue: −0.2, although the unrounded change is −0.1
    assert _printed_change(2.949, 2.651, reissue=True) == pytest.approx(-0.2)
    assert _printed_change(2.8749, 2.7551, reissue=False) == pytest.approx(-0.1)
    # 2.17 → 3.22 is +1.05 exactly as printed: halves go away from zero (a float 1.05 may not)
    assert _printed_change(2.1722, 3.2181, reissue=False) == pytest.approx(1.1)
    assert _printed_change(3.2181, 2.1722, reissue=False) == pytest.approx(-1.1)


def test_every_department_delta_is_the_difference_of_the_printed_means(northwind_trend):
    vm = _view(northwind_trend)
    checked = 0
    for r in vm.dept_rows:
        for value, before, after in zip(r.values, r.before, r.after, strict=True):
            if value == DASH:
                assert before == after == DASH
                continue
            assert value.startswith(after + " (")
            assert _delta(value) == _num(after) - _num(before)
            checked += 1
    assert checked > 20


def test_every_agi_delta_is_the_difference_of_the_printed_agis(northwind_trend):
    vm = _view(northwind_trend)
    for r in (*vm.rows, vm.overall):
        if r.agi_change == "undefined":
            continue
        first, last = (int(a.split(" ")[0]) for a in (r.agis[0], r.agis[-1]))
        m = re.search(r"\(([+−]?\d+)\)$", r.agi_change)
        assert m and int(m.group(1).replace("−", "-")) == last - first, r


def test_pdf_prints_the_shared_means_beside_each_delta(northwind_trend):
    from reports import render_trend_pdf

    results, pairs = northwind_trend
    pdf = render_trend_pdf(results, pairs, K5, strict=True)
    text = " ".join(
        " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split()
    )
    vm = _view(northwind_trend)
    for r in vm.rows:
        shown = f"{' '.join(r.scores)} {' '.join(r.compared)} {r.change}"
        assert shown in text, shown
    assert "Statements compared (2026-H2 ids)" in text and "CUL-02, CUL-05, CUL-06" in text

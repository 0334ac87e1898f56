"""Pilot figures of an instrument version (issue 11, item 6): Cronbach's α per capability,
item–rest correlations, the share of trivial targets; ``centric questionnaire pilot``."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

from assessment.cli import cli
from assessment.io.writers import write_csv
from assessment.synthetic import northwind
from questionnaires.answers import ResponseRecord, records_to_response_set
from questionnaires.catalogue import get_instrument
from questionnaires.errors import ScoringError
from scoring.agreement import cronbach_alpha
from scoring.consensus import item_rest_correlations
from scoring.pilot import pilot_statistics
from scoring.pipeline import prepare


def test_alpha_and_item_rest_are_the_validated_statistics_on_reverse_coded_ratings():
    """α and r come from scoring.agreement / scoring.consensus (checked against pingouin and
    psych in their own tests), on the same reverse-coded current ratings scoring uses."""
    inst = get_instrument("customer-centricity@1.0.0")
    rs = northwind("2026-H1")
    rep = pilot_statistics(inst, rs)
    p = prepare(inst, rs)
    for c, cap in enumerate(rep.capabilities):
        X = p.cur[:, p.index.item_cap == c]
        assert cap.alpha == pytest.approx(cronbach_alpha(X), abs=1e-12)
        ids = [i.item_id for i in rep.items if i.capability == cap.capability]
        r = item_rest_correlations(X, ids).r
        got = [i.item_rest for i in rep.items if i.capability == cap.capability]
        np.testing.assert_allclose(got, r, atol=1e-12)


def rec(rid, item, cur, tgt=None, role="staff", points=None):
    return ResponseRecord("P", rid, role, "Ops", item, cur, tgt, points=points)


def test_a_target_at_the_customer_centric_end_is_trivial_also_on_a_reverse_item(mini_instrument):
    """mini CUL-02 is reverse-keyed: raw target 1 ("not at all" of a bad practice) is the
    customer-centric end, as raw 5 is on CUL-01."""
    records = []
    for k, rid in enumerate("abcde"):
        records += [rec(rid, "CUL-01", 3, 5 if k < 4 else 4), rec(rid, "CUL-02", 3, 1)]
        records += [rec(rid, "SYS-01", 2 + k % 3, 3), rec(rid, "MET-01", 2, 3)]
    rs = records_to_response_set(mini_instrument, records, source="pilot")
    rep = pilot_statistics(mini_instrument, rs)
    by_id = {i.item_id: i for i in rep.items}
    assert by_id["CUL-01"].trivial_target_share == pytest.approx(4 / 5)
    assert by_id["CUL-01"].trivial_target
    assert by_id["CUL-02"].trivial_target_share == 1.0
    assert by_id["SYS-01"].trivial_target_share == 0.0
    assert rep.trivial_target_items == ("CUL-01", "CUL-02")
    # 4 + 5 + 0 + 0 of 20 target answers
    assert rep.trivial_target_share == pytest.approx(9 / 20)


def test_rated_target_levels_count_as_targets(tmp_path):
    from questionnaires.loader import load_instrument
    from tests.test_capability_answers import MINI11, good_records

    inst = load_instrument(MINI11)
    rs = records_to_response_set(inst, good_records(), source="pilot")
    rep = pilot_statistics(inst, rs)
    cul = next(c for c in rep.capabilities if c.capability == "CUL")
    assert cul.n_level_targets == 3 and cul.level_target_at_top == 0.0  # targets 4
    # CUL-01's three targets (4) plus 9 level targets (4, 3, 2): none at the top
    assert rep.n_targets == 12 and rep.trivial_target_share == 0.0


def test_1_1_0_asks_far_fewer_targets_and_none_on_the_statements_1_0_0_made_trivial():
    old = pilot_statistics(get_instrument("customer-centricity@1.0.0"), northwind("2026-H1"))
    new = pilot_statistics(get_instrument("customer-centricity@1.1.0"), northwind("2026-H2"))
    assert new.n_targets < old.n_targets / 3
    assert all(not i.asks_target for i in new.items if i.n_targets == 0)
    assert all(not math.isnan(c.alpha) for c in new.capabilities)


def test_statements_asked_of_fewer_than_k_show_no_figure(mini_instrument):
    records = [rec(r, "CUL-01", 3, 4) for r in "abcd"]
    records += [
        rec("e", "SYS-02", 3, 4, role="executive"),
        rec("e", "CUL-01", 2, 3, role="executive"),
    ]
    rs = records_to_response_set(mini_instrument, records, source="pilot")
    rep = pilot_statistics(mini_instrument, rs)
    sys02 = next(i for i in rep.items if i.item_id == "SYS-02")  # asked of executives: 1 person
    assert sys02.n == 0 and math.isnan(sys02.item_rest) and math.isnan(sys02.trivial_target_share)


def test_a_pilot_of_fewer_than_k_people_is_refused(mini_instrument):
    rs = records_to_response_set(mini_instrument, [rec("a", "CUL-01", 3, 4)], source="one.csv")
    with pytest.raises(ScoringError, match="at least 3 respondents"):
        pilot_statistics(mini_instrument, rs)


def test_cli_pilot_table_and_json(tmp_path):
    data = write_csv(northwind("2026-H2"), tmp_path / "h2.csv")
    runner = CliRunner()
    table = runner.invoke(cli, ["questionnaire", "pilot", str(data)])
    assert table.exit_code == 0, table.output
    assert "customer-centricity@1.1.0, wave 2026-H2: 60 respondents" in table.output
    assert "alpha" in table.output and "item-rest r" in table.output
    out = tmp_path / "pilot.json"
    result = runner.invoke(
        cli, ["questionnaire", "pilot", str(data), "--format", "json", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["instrument_ref"] == "customer-centricity@1.1.0"
    assert len(data["capabilities"]) == 8 and len(data["items"]) == 54


def pilot_doc_figures():
    """The rows and figures of the synthetic pilot in docs/questionnaire-format.md."""
    old = pilot_statistics(get_instrument("customer-centricity@1.0.0"), northwind("2026-H1"))
    new = pilot_statistics(get_instrument("customer-centricity@1.1.0"), northwind("2026-H2"))
    rows = [
        f"| {a.capability} | {a.n_items} | {a.alpha:.2f} | {', '.join(a.weak_items) or '–'} "
        f"| {b.n_items} | {b.alpha:.2f} | {', '.join(b.weak_items) or '–'} "
        f"| {b.level_target_at_top:.0%} |"
        for a, b in zip(old.capabilities, new.capabilities, strict=True)
    ]
    return "\n".join(rows), old, new


def test_the_synthetic_pilot_in_the_docs_is_what_scoring_pilot_computes():
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "questionnaire-format.md").read_text("utf-8")
    rows, old, new = pilot_doc_figures()
    table = doc.split("<!-- pilot-table")[1].split("<!-- /pilot-table -->")[0]
    assert rows in table
    text = " ".join(doc.split())  # the prose is wrapped
    assert f"{old.n_targets} target answers on 1.0.0 and {new.n_targets} on 1.1.0" in text
    assert (
        f"{old.trivial_target_share:.0%} on 1.0.0 and {new.trivial_target_share:.0%} on 1.1.0"
        in text
    )

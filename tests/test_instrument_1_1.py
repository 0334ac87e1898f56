"""customer-centricity 1.1.0 (issue 11): what the published version must hold — rated levels,
targets only where they are a real choice, KPIs, a costed playbook with done criteria — and its
item map against 1.0.0."""

from __future__ import annotations

from pathlib import Path

import pytest

from questionnaires.catalogue import get_instrument
from questionnaires.diff import diff_instruments
from questionnaires.loader import load_instrument

SHIPPED = Path(__file__).resolve().parent.parent / "questionnaires" / "customer-centricity"


@pytest.fixture(scope="module")
def draft():
    inst = get_instrument("customer-centricity@1.1.0")
    assert inst == load_instrument(SHIPPED / "1.1.0.yaml")
    return inst


def test_1_1_0_loads_superseding_1_0_0(draft):
    assert draft.ref == "customer-centricity@1.1.0"
    assert draft.supersedes == "customer-centricity@1.0.0"
    assert draft.rate_levels and draft.target_horizon_months and draft.investment_points == 100


def test_no_per_item_target_on_a_reverse_keyed_statement(draft):
    items = [i for c in draft.capabilities for i in c.items]
    assert not [i.id for i in items if i.reverse and i.target]
    asked = [i.id for i in items if i.target]
    assert 0 < len(asked) <= len(items) // 4, asked  # targets only where they are a real choice


def test_every_capability_has_three_kpis_a_gate_kpi_and_actions_for_every_step(draft):
    for cap in draft.capabilities:
        assert len(cap.kpis) >= 3, cap.id
        assert cap.gate_kpi in {k.id for k in cap.kpis}, cap.id
        for level in (1, 2, 3, 4):
            assert cap.actions_from(level), (cap.id, level)


def test_every_action_has_owner_cost_band_horizon_and_done_criterion(draft):
    for cap in draft.capabilities:
        for act in cap.actions:
            assert act.owner_role in draft.owner_roles, act.id
            assert act.cost_band is not None and act.done_when, act.id
            assert 1 <= act.horizon_months <= 36, act.id


def test_item_map_holds_every_kind_and_the_diff_lists_other_changes(draft):
    kinds = {ch.change for ch in draft.item_map}
    assert kinds == {"same", "reworded", "rescaled", "removed", "new"}
    d = diff_instruments(get_instrument("customer-centricity@1.0.0"), draft)
    assert d.declared and d.field_changes


# statements of 1.0.0 whose target the review found trivially "5" (issue 11): reverse-worded bad
# practices, and seven whose best answer is obvious
TRIVIALLY_TARGETED_1_0_0 = ("CUL-01", "CUL-02", "MGT-06", "SYS-03", "SYS-06", "SSI-06", "DEC-06")


def test_no_successor_of_a_trivially_targeted_or_reverse_keyed_statement_asks_a_target(draft):
    old = get_instrument("customer-centricity@1.0.0")
    reverse = [i.id for i in old.items if i.reverse]
    assert len(reverse) == 9
    successor = {c.old: c.new for c in draft.item_map if c.old}
    for old_id in (*TRIVIALLY_TARGETED_1_0_0, *reverse):
        new_id = successor.get(old_id)
        if new_id is not None:  # removed statements ask nothing
            assert not draft.item(new_id).target, (old_id, new_id)


def test_capability_targets_and_points_load_score_and_export(tmp_path, draft):
    """From a file to the score JSON: the rated target level is the capability's target and the
    investment points are summarised."""
    import json

    from click.testing import CliRunner

    from assessment.cli import cli
    from assessment.io.responses import read_wave
    from assessment.io.writers import write_csv
    from assessment.synthetic import northwind

    rs = northwind("2026-H2")
    path = write_csv(rs, tmp_path / "h2.csv")
    inst, back = read_wave(path)
    assert inst.ref == draft.ref and back.data_hash == rs.data_hash
    out = tmp_path / "score.json"
    result = CliRunner().invoke(
        cli, ["score", str(path), "--format", "json", "--bootstrap", "0", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    answers = data["capability_answers"]
    assert answers["budget"] == 100 and answers["horizon_months"] == 18
    org = {p["capability_id"]: p for p in answers["investment"] if p["group"] == "organisation"}
    assert set(org) == {c.id for c in draft.capabilities}
    assert sum(p["mean"] for p in org.values()) == pytest.approx(100.0)
    assert {c["group"] for c in answers["level_checks"]} >= {"organisation"}

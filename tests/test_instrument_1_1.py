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

"""The business case from a client's numbers, the customers to win back and the value of staging
(issue 12, item 4). Every expected number is computed by hand in the test's docstring."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from questionnaires.errors import ScoringError
from scoring import business_case as bc
from scoring.staging import StagePlan, stage_plans, staging_value


def _client(**over: Any) -> bc.ClientEconomics:
    values: dict[str, Any] = {
        "customers": 10_000,
        "revenue_per_customer": 500.0,
        "service_contact_share": 0.4,
        "good_share_today": 0.6,
        "good_share_target": 0.7,
        "acquisition_cost": 200.0,
        "horizon_months": 36,
    }
    values.update(over)
    return bc.ClientEconomics(**values)


STAGES = (
    StagePlan(1, "Align", 0.0, 1 / 3),
    StagePlan(2, "Stage 2", 30_000.0, 1 / 3),
    StagePlan(3, "Stage 3", 65_000.0, 1 / 3),
)


def test_wood_worked_example_stays_a_test_vector():
    """Wood: 1,000 customers × $1,000 give $780k at 78%, $890k after good service, $320k after bad
    service; the loss of $460k is the revenue of 460 customers. The client formula with s = 1
    gives the same: every contact good (g = 1) $890k, every contact bad (g = 0) $320k."""
    case = bc.business_case()
    assert (case.base_revenue, case.good_revenue, case.bad_revenue) == pytest.approx(
        (780_000, 890_000, 320_000)
    )
    assert case.customers_equivalent_lost == pytest.approx(460)
    assert bc.retained_revenue(1000, 1000, 1.0, 1.0) == pytest.approx(890_000)
    assert bc.retained_revenue(1000, 1000, 1.0, 0.0) == pytest.approx(320_000)
    assert bc.retained_revenue(1000, 1000, 0.0, 0.3) == pytest.approx(780_000)
    everyone_bad = bc.client_business_case(
        bc.ClientEconomics(1000, 1000.0, 1.0, 0.0, 0.0, acquisition_cost=50.0)
    )
    assert everyone_bad.bad_contact_loss.revenue == pytest.approx(460_000)
    assert everyone_bad.bad_contact_loss.customers == pytest.approx(460)
    assert everyone_bad.bad_contact_loss.acquisition_cost == pytest.approx(23_000)


def test_forty_percent_contact_share_and_a_mix_change_give_the_hand_computed_gain_and_payback():
    """N = 10,000 customers, R = 500 a year, s = 40% with a service contact, good contacts 60% → 70%,
    Wood's rates 78/89/32, stages costing 0 + 30,000 + 65,000 = 95,000.

    today  = 10,000 · 500 · (0.4 · (0.6 · 0.89 + 0.4 · 0.32) + 0.6 · 0.78)
           = 5,000,000 · (0.4 · 0.662 + 0.468) = 5,000,000 · 0.7328 = 3,664,000
    target = 5,000,000 · (0.4 · (0.7 · 0.89 + 0.3 · 0.32) + 0.468)
           = 5,000,000 · (0.4 · 0.719 + 0.468) = 5,000,000 · 0.7556 = 3,778,000
    gain   = 114,000 a year (= 5,000,000 · 0.4 · 0.10 · (0.89 − 0.32)), +3.11% of today
    payback = 95,000 / (114,000 / 12) = 95,000 / 9,500 = 10 months
    over 36 months (no stage months: each third of the gain for 36 months) = 342,000; net 247,000
    """
    case = bc.client_business_case(_client(), STAGES)
    assert case.revenue_today == pytest.approx(3_664_000)
    assert case.revenue_target == pytest.approx(3_778_000)
    assert case.annual_gain == pytest.approx(114_000)
    assert case.gain_share == pytest.approx(114_000 / 3_664_000)
    assert case.total_investment == pytest.approx(95_000)
    assert case.payback_months == pytest.approx(10.0)
    assert case.pays_back_within_horizon
    assert case.gain_over_horizon == pytest.approx(342_000)
    assert case.net_over_horizon == pytest.approx(247_000)
    assert case.breakeven_month is None  # no stage months without a roadmap
    assert case.rates_source == bc.WOOD_SOURCE and "Wood" in case.rates_source


def test_sensitivity_low_base_high_are_the_hand_computed_cases():
    """low: half the mix change (Δg = 0.05), rates 5 points closer (0.84 / 0.37, gap 0.47):
    5,000,000 · 0.4 · 0.05 · 0.47 = 47,000 a year, payback 95,000 · 12 / 47,000 = 24.26 months.
    base: 114,000, 10 months. high: full change, rates 5 points apart (0.94 / 0.27, gap 0.67):
    5,000,000 · 0.4 · 0.10 · 0.67 = 134,000, payback 95,000 · 12 / 134,000 = 8.51 months."""
    low, base, high = bc.client_business_case(_client(), STAGES).sensitivity
    assert (low.name, base.name, high.name) == ("low", "base", "high")
    assert (low.mix_achieved, low.good_rate, low.bad_rate) == pytest.approx((0.5, 0.84, 0.37))
    assert low.annual_gain == pytest.approx(47_000)
    assert low.payback_months == pytest.approx(95_000 * 12 / 47_000)
    assert base.annual_gain == pytest.approx(114_000) and base.payback_months == pytest.approx(10)
    assert (high.good_rate, high.bad_rate) == pytest.approx((0.94, 0.27))
    assert high.annual_gain == pytest.approx(134_000)
    assert high.payback_months == pytest.approx(95_000 * 12 / 134_000)
    assert low.net_over_horizon < base.net_over_horizon < high.net_over_horizon


def test_customers_to_win_back_and_their_acquisition_cost():
    """Bad contacts today: 10,000 · 500 · 0.4 · (1 − 0.6) · (0.78 − 0.32) = 368,000 a year, the
    revenue of 368,000 / 500 = 736 customers; winning them at 200 each costs 147,200.
    The gain of 114,000 equals 228 customers, 45,600 to acquire."""
    case = bc.client_business_case(_client(), STAGES)
    assert case.bad_contact_loss.revenue == pytest.approx(368_000)
    assert case.bad_contact_loss.customers == pytest.approx(736)
    assert case.bad_contact_loss.acquisition_cost == pytest.approx(147_200)
    assert case.gain_equivalent.customers == pytest.approx(228)
    assert case.gain_equivalent.acquisition_cost == pytest.approx(45_600)
    unknown = bc.client_business_case(_client(acquisition_cost=None), STAGES)
    assert unknown.bad_contact_loss.acquisition_cost is None


def test_value_of_staging_worked_example():
    """Costs 100, 200, 300, gains 150, 250, 400, every gate passed with p = 0.8:
    R = 1, 0.8, 0.64; staged cost = 100 + 0.8·200 + 0.64·300 = 452; committed 600;
    E[gain] = 0.8·150 + 0.64·250 + 0.512·400 = 120 + 160 + 204.8 = 484.8;
    nets 32.8 (staged) and −115.2 (committed); value of staging = 600 − 452 = 148."""
    v = staging_value([100, 200, 300], [150, 250, 400], 0.8)
    assert v.reach_probabilities == pytest.approx((1, 0.8, 0.64))
    assert v.expected_cost_staged == pytest.approx(452)
    assert v.cost_committed == pytest.approx(600)
    assert v.expected_gain == pytest.approx(484.8)
    assert v.expected_net_staged == pytest.approx(32.8)
    assert v.expected_net_committed == pytest.approx(-115.2)
    assert v.value_of_staging == pytest.approx(148)
    assert v.probability_all_gates == pytest.approx(0.512)
    per_stage = staging_value([100, 200, 300], [150, 250, 400], [1.0, 0.5, 1.0])
    # R = 1, 1, 0.5: staged cost 100 + 200 + 150 = 450; E[gain] = 150 + 0.5·250 + 0.5·400 = 475
    assert per_stage.expected_cost_staged == pytest.approx(450)
    assert per_stage.expected_gain == pytest.approx(475)
    certain = staging_value([100, 200], [1, 1], 1.0)
    assert certain.value_of_staging == 0  # gates always passed: staging saves nothing


def test_client_case_staging_uses_the_stage_gains_over_the_horizon():
    """Each stage third of 114,000 a year over 36 months = 114,000; p = 0.8:
    E[gain] = (0.8 + 0.64 + 0.512) · 114,000 = 222,528; staged cost = 0 + 0.8·30,000 + 0.64·65,000
    = 65,600; value of staging = 95,000 − 65,600 = 29,400."""
    st = bc.client_business_case(_client(), STAGES).staging
    assert st.expected_gain == pytest.approx(222_528)
    assert st.expected_cost_staged == pytest.approx(65_600)
    assert st.value_of_staging == pytest.approx(29_400)


def test_breakeven_month_on_the_roadmap_calendar():
    """Stages 0–2 (cost 0), 2–8 (30,000, half the gain), 8–14 (65,000, half the gain); gain 114,000
    a year = 9,500 a month. Spent: 95,000 by month 14. Gained: 4,750 a month in months 9–14
    (28,500), then 9,500 a month: 28,500 + 7 · 9,500 = 95,000 at the end of month 21."""
    stages = (
        StagePlan(1, "Align", 0.0, 0.0, 0, 2),
        StagePlan(2, "B", 30_000.0, 0.5, 2, 8),
        StagePlan(3, "C", 65_000.0, 0.5, 8, 14),
    )
    case = bc.client_business_case(_client(), stages)
    assert case.breakeven_month == 21
    assert bc.client_business_case(_client(horizon_months=20), stages).breakeven_month is None
    # gain of stage B for 36 − 8 = 28 months, of C for 22: 0.5·114,000·(28 + 22)/12 = 237,500
    assert case.gain_over_horizon == pytest.approx(237_500)


def _roadmap() -> Any:
    action = lambda aid: SimpleNamespace(action_id=aid)  # noqa: E731
    return SimpleNamespace(
        starting_levels=(("CUL", 2), ("MET", 2)),
        stages=(
            SimpleNamespace(
                number=1, name="Align", start_month=0, end_month=2, actions=(),
                projected_levels=(("CUL", 2), ("MET", 2)),
            ),
            SimpleNamespace(
                number=2, name="Build", start_month=2, end_month=8,
                actions=(action("CUL-A2-1"), action("MET-A2-1")),
                projected_levels=(("CUL", 3), ("MET", 3)),
            ),
            SimpleNamespace(
                number=3, name="Grow", start_month=8, end_month=20,
                actions=(action("CUL-A3-1"),), projected_levels=(("CUL", 4), ("MET", 3)),
            ),
        ),
    )  # fmt: skip


def test_stage_plans_from_cost_bands_and_level_steps():
    """Band costs low 10, capital 1,000: Build = 10 + 1,000, Grow = 10; the align stage costs 0.
    Level steps 0, 2, 1 of 3: gain shares 0, 2/3, 1/3."""
    bands = {"CUL-A2-1": "low", "MET-A2-1": "capital", "CUL-A3-1": "low"}
    costs = {"low": 10.0, "medium": 100.0, "high": 500.0, "capital": 1000.0}
    plans = stage_plans(_roadmap(), band_costs=costs, action_bands=bands)
    assert [p.cost for p in plans] == [0.0, 1010.0, 10.0]
    assert [p.gain_share for p in plans] == pytest.approx([0, 2 / 3, 1 / 3])
    assert [(p.start_month, p.end_month) for p in plans] == [(0, 2), (2, 8), (8, 20)]
    per_stage = stage_plans(_roadmap(), stage_costs=[5, 6, 7])
    assert [p.cost for p in per_stage] == [5, 6, 7] and per_stage[1].name == "Build"


def test_stage_costs_that_do_not_fit_the_roadmap_are_errors():
    with pytest.raises(ScoringError, match="2 stage costs given but the roadmap has 3 stages"):
        stage_plans(_roadmap(), stage_costs=[1, 2])
    with pytest.raises(ScoringError, match="CUL-A2-1 has no cost band"):
        stage_plans(_roadmap(), band_costs={"low": 1.0}, action_bands={})
    with pytest.raises(ScoringError, match="needs a roadmap"):
        stage_plans(None, band_costs={"low": 1.0})
    with pytest.raises(ScoringError, match="either a cost per stage or a cost per cost band"):
        stage_plans(_roadmap())
    with pytest.raises(ScoringError, match="3 gate pass probabilities for 2 stages"):
        staging_value([1, 2], [1, 1], [0.5, 0.5, 0.5])


def test_client_numbers_out_of_range_are_errors():
    with pytest.raises(ScoringError, match="service_contact_share must be a share"):
        _client(service_contact_share=40)
    with pytest.raises(ScoringError, match="below today's"):
        _client(good_share_target=0.5)
    with pytest.raises(ScoringError, match="below the rate after a bad one"):
        _client(good_rate=0.3, bad_rate=0.5)
    with pytest.raises(ScoringError, match="must not be negative"):
        _client(acquisition_cost=-1.0)
    with pytest.raises(ScoringError, match="2 gate pass probabilities for 3 stages"):
        bc.client_business_case(_client(gate_pass_probabilities=(0.5, 0.5)), STAGES)


def test_no_gain_means_no_payback():
    case = bc.client_business_case(_client(good_share_target=0.6), STAGES)
    assert case.annual_gain == pytest.approx(0)
    assert case.payback_months is None and not case.pays_back_within_horizon

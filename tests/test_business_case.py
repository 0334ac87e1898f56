"""The repurchase business case. Test vector: B. Wood's worked example (DESIGN §2)."""

from __future__ import annotations

import pytest

from scoring import business_case as bc


def test_wood_worked_example():
    # 1,000 customers x $1,000: $780,000 at 78%, $890,000 at 89%, $320,000 at 32%
    assert bc.repeat_revenue(1000, 1000, 0.78) == pytest.approx(780_000)
    assert bc.repeat_revenue(1000, 1000, 0.89) == pytest.approx(890_000)
    assert bc.repeat_revenue(1000, 1000, 0.32) == pytest.approx(320_000)
    case = bc.business_case(customers=1000, revenue_per_customer=1000)
    assert case.base_revenue == pytest.approx(780_000)
    assert case.good_revenue == pytest.approx(890_000)
    assert case.bad_revenue == pytest.approx(320_000)
    assert case.uplift_good == pytest.approx(110_000)  # about +14%
    assert case.uplift_good_share == pytest.approx(0.141, abs=5e-4)
    assert case.loss_bad == pytest.approx(-460_000)  # about -59%
    assert case.loss_bad_share == pytest.approx(-0.590, abs=5e-4)
    assert case.customers_equivalent_lost == pytest.approx(460)


def test_service_contact_share_scales_the_effect():
    half = bc.business_case(customers=1000, revenue_per_customer=1000, service_contact_share=0.5)
    assert half.good_revenue == pytest.approx(780_000 + 55_000)
    assert half.loss_bad == pytest.approx(-230_000)
    none = bc.business_case(service_contact_share=0.0)
    assert none.uplift_good == 0 and none.loss_bad == 0


def test_invalid_rates_are_rejected_with_a_hint():
    with pytest.raises(ValueError, match=r"0\.78 for 78%"):
        bc.repeat_revenue(1000, 1000, 78)
    with pytest.raises(ValueError, match="bad_rate"):
        bc.business_case(bad_rate=-0.1)
    with pytest.raises(ValueError, match="negative"):
        bc.repeat_revenue(-5, 1000, 0.5)

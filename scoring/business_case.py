"""The service business case: repeat revenue under the repurchase model
(``docs/methodology.md#8-business-case``).

B. Wood's figures: customers intend to buy again at a rate of about 78% on average, 89% after a
good service contact and 32% after a bad one. Repeat revenue is ``customers × revenue per customer
× rate``. Only customers who had a service contact move from the base rate to the good or bad rate::

    revenue(rate) = N · R · (s · rate + (1 − s) · base_rate)

with ``s`` the share of customers with a service contact (``s = 1`` in Wood's worked example:
1,000 customers × $1,000 give $780,000 at 78%, $890,000 after good service, +$110,000 or about
+14%, and $320,000 after bad service, −$460,000 or about −59%, as many dollars as 460 customers).
"""

from __future__ import annotations

from scoring.results import BusinessCase

__all__ = ["business_case", "repeat_revenue"]


def _check_rate(name: str, rate: float) -> None:
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"{name} must be a share between 0 and 1 (e.g. 0.78 for 78%), got {rate}")


def repeat_revenue(customers: float, revenue_per_customer: float, rate: float) -> float:
    """Repeat revenue ``customers × revenue_per_customer × rate``.

    Parameters
    ----------
    customers : float
        Number of customers (not negative).
    revenue_per_customer : float
        Revenue of one customer (not negative).
    rate : float
        Repurchase rate, a share in [0, 1].

    Returns
    -------
    float
        The repeat revenue.

    Raises
    ------
    ValueError
        When ``rate`` is outside [0, 1] or a count or revenue is negative.

    Examples
    --------
    >>> repeat_revenue(1000, 1000, 0.78)
    780000.0
    """
    _check_rate("rate", rate)
    if customers < 0 or revenue_per_customer < 0:
        raise ValueError("customers and revenue_per_customer must not be negative")
    return float(customers) * float(revenue_per_customer) * float(rate)


def business_case(
    customers: int = 1000,
    revenue_per_customer: float = 1000.0,
    base_rate: float = 0.78,
    good_rate: float = 0.89,
    bad_rate: float = 0.32,
    service_contact_share: float = 1.0,
) -> BusinessCase:
    """Repeat revenue at the base rate, after good service and after bad service.

    ``uplift_good = good − base``; ``loss_bad = bad − base`` (negative);
    ``customers_equivalent_lost = −loss_bad / revenue_per_customer`` (how many customers' revenue the
    bad-service loss equals). Defaults reproduce Wood's worked example.

    Parameters
    ----------
    customers : int, default 1000
        Number of customers.
    revenue_per_customer : float, default 1000.0
        Revenue of one customer.
    base_rate : float, default 0.78
        Repurchase rate on average.
    good_rate : float, default 0.89
        Repurchase rate after good service.
    bad_rate : float, default 0.32
        Repurchase rate after bad service.
    service_contact_share : float, default 1.0
        Share of customers with a service contact.

    Returns
    -------
    BusinessCase
        The three revenues, the uplift, the loss and its customer equivalent.

    Raises
    ------
    ValueError
        When a rate or share is outside [0, 1] or a count or revenue is negative.

    References
    ----------
    B. Wood's repurchase model and its worked example, ``docs/methodology.md#8-business-case``.

    Examples
    --------
    >>> round(business_case().uplift_good)
    110000
    """
    for name, r in (
        ("base_rate", base_rate),
        ("good_rate", good_rate),
        ("bad_rate", bad_rate),
        ("service_contact_share", service_contact_share),
    ):
        _check_rate(name, r)
    s = service_contact_share
    base = repeat_revenue(customers, revenue_per_customer, base_rate)
    good = repeat_revenue(customers, revenue_per_customer, s * good_rate + (1 - s) * base_rate)
    bad = repeat_revenue(customers, revenue_per_customer, s * bad_rate + (1 - s) * base_rate)
    uplift, loss = good - base, bad - base
    return BusinessCase(
        customers=int(customers),
        revenue_per_customer=float(revenue_per_customer),
        base_rate=base_rate,
        good_rate=good_rate,
        bad_rate=bad_rate,
        service_contact_share=s,
        base_revenue=base,
        good_revenue=good,
        bad_revenue=bad,
        uplift_good=uplift,
        loss_bad=loss,
        customers_equivalent_lost=(-loss / revenue_per_customer)
        if revenue_per_customer
        else float("nan"),
        uplift_good_share=(uplift / base) if base else float("nan"),
        loss_bad_share=(loss / base) if base else float("nan"),
    )

"""The service business case: repeat revenue under the repurchase model
(``docs/methodology.md#8-business-case``).

B. Wood's figures: customers intend to buy again at a rate of about 78% on average, 89% after a
good service contact and 32% after a bad one. Repeat revenue is ``customers × revenue per customer
× rate``. Only customers who had a service contact move from the base rate to the good or bad rate::

    revenue(rate) = N · R · (s · rate + (1 − s) · base_rate)

with ``s`` the share of customers with a service contact (``s = 1`` in Wood's worked example:
1,000 customers × $1,000 give $780,000 at 78%, $890,000 after good service, +$110,000 or about
+14%, and $320,000 after bad service, −$460,000 or about −59%, as many dollars as 460 customers).

From a client's numbers (:func:`client_business_case`,
``docs/methodology.md#12-business-case-from-the-clients-numbers``), with ``g`` the share of service
contacts that go well::

    retained(g) = N · R · (s · (g · good_rate + (1 − g) · bad_rate) + (1 − s) · base_rate)
    annual gain = retained(g_target) − retained(g_today) = N · R · s · (g_target − g_today) · (good_rate − bad_rate)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from questionnaires.errors import ScoringError
from scoring.results import BusinessCase
from scoring.staging import DEFAULT_GATE_PASS, StagePlan, StagingValue, staging_value

__all__ = [
    "LOW_MIX_ACHIEVED",
    "RATE_MARGIN",
    "WOOD_RATES",
    "WOOD_SOURCE",
    "ClientBusinessCase",
    "ClientEconomics",
    "Scenario",
    "WinBack",
    "business_case",
    "client_business_case",
    "repeat_revenue",
    "retained_revenue",
]

#: B. Wood's repurchase rates: on average, after a good and after a bad service contact.
WOOD_RATES = (0.78, 0.89, 0.32)

#: How the rates are cited when the client gives none.
WOOD_SOURCE = (
    "B. Wood, Customer service as a profit lever: repurchase intention 78% on average, "
    "89% after a good service contact, 32% after a bad one"
)

#: Sensitivity: the low case achieves this share of the planned change in the contact mix.
LOW_MIX_ACHIEVED = 0.5

#: Sensitivity: the good and bad repurchase rates move this far towards (low) or away from (high)
#: each other.
RATE_MARGIN = 0.05


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


def retained_revenue(
    customers: float,
    revenue_per_customer: float,
    service_contact_share: float,
    good_share: float,
    base_rate: float = WOOD_RATES[0],
    good_rate: float = WOOD_RATES[1],
    bad_rate: float = WOOD_RATES[2],
) -> float:
    """Repeat revenue retained at a given mix of good and bad service contacts.

    ``N · R · (s · (g · good_rate + (1 − g) · bad_rate) + (1 − s) · base_rate)``: customers with a
    service contact (share ``s``) repurchase at the good rate when the contact went well (share
    ``g`` of contacts) and at the bad rate when it did not; the others at the base rate.

    Parameters
    ----------
    customers : float
        ``N``, number of customers (not negative).
    revenue_per_customer : float
        ``R``, yearly revenue of one customer (not negative).
    service_contact_share : float
        ``s``, share of customers with a service contact in a year, in [0, 1].
    good_share : float
        ``g``, share of service contacts that go well, in [0, 1].
    base_rate : float, default 0.78
        Repurchase rate of customers without a contact.
    good_rate : float, default 0.89
        Repurchase rate after a good contact.
    bad_rate : float, default 0.32
        Repurchase rate after a bad contact.

    Returns
    -------
    float
        Yearly repeat revenue.

    Raises
    ------
    ValueError
        When a rate or share is outside [0, 1] or a count or revenue is negative.

    References
    ----------
    B. Wood's repurchase model, ``docs/methodology.md#8-business-case``.

    Examples
    --------
    >>> retained_revenue(1000, 1000, 1.0, 0.0)  # Wood: everyone has a bad contact
    320000.0
    """
    for name, r in (
        ("service_contact_share", service_contact_share),
        ("good_share", good_share),
        ("base_rate", base_rate),
        ("good_rate", good_rate),
        ("bad_rate", bad_rate),
    ):
        _check_rate(name, r)
    s, g = service_contact_share, good_share
    rate = s * (g * good_rate + (1 - g) * bad_rate) + (1 - s) * base_rate
    return repeat_revenue(customers, revenue_per_customer, rate)


@dataclass(frozen=True)
class ClientEconomics:
    """A client's numbers for the business case (from an engagement file).

    Attributes
    ----------
    customers : int
        ``N``, number of customers.
    revenue_per_customer : float
        ``R``, yearly revenue of one customer.
    service_contact_share : float
        ``s``, share of customers with a service contact in a year.
    good_share_today : float
        ``g_today``, share of service contacts that go well today.
    good_share_target : float
        ``g_target``, the share the programme aims for (not below today's).
    base_rate : float
        Repurchase rate without a service contact (Wood: 0.78).
    good_rate : float
        Repurchase rate after a good contact (Wood: 0.89).
    bad_rate : float
        Repurchase rate after a bad contact (Wood: 0.32); not above ``good_rate``.
    rates_source : str
        Where the rates come from (:data:`WOOD_SOURCE` or the client's own study).
    acquisition_cost : float or None
        Cost of winning one new customer, ``None`` when not known.
    horizon_months : int
        Months over which the gain is counted.
    gate_pass_probabilities : float or tuple of float
        Probability that each decision gate is passed (one for all, or one per stage).
    currency : str
        Currency of every amount (ISO 4217 code such as ``"EUR"``).
    client : str
        Client name.

    Raises
    ------
    questionnaires.errors.ScoringError
        When a share or rate lies outside [0, 1], the target mix is below today's, the good rate is
        below the bad rate, or a count, amount or horizon is negative.
    """

    customers: int
    revenue_per_customer: float
    service_contact_share: float
    good_share_today: float
    good_share_target: float
    base_rate: float = WOOD_RATES[0]
    good_rate: float = WOOD_RATES[1]
    bad_rate: float = WOOD_RATES[2]
    rates_source: str = WOOD_SOURCE
    acquisition_cost: float | None = None
    horizon_months: int = 36
    gate_pass_probabilities: float | tuple[float, ...] = DEFAULT_GATE_PASS
    currency: str = "USD"
    client: str = ""

    def __post_init__(self) -> None:
        for name in (
            "service_contact_share",
            "good_share_today",
            "good_share_target",
            "base_rate",
            "good_rate",
            "bad_rate",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ScoringError(
                    f"business case: {name} must be a share between 0 and 1, got {value!r}"
                )
        if self.good_share_target < self.good_share_today:
            raise ScoringError(
                "business case: the target share of good contacts "
                f"({self.good_share_target:.0%}) is below today's ({self.good_share_today:.0%})"
            )
        if self.good_rate < self.bad_rate:
            raise ScoringError(
                f"business case: the repurchase rate after a good contact ({self.good_rate:.0%}) "
                f"is below the rate after a bad one ({self.bad_rate:.0%})"
            )
        amounts = (self.customers, self.revenue_per_customer, self.horizon_months)
        if any(x < 0 for x in amounts) or (self.acquisition_cost or 0) < 0:
            raise ScoringError(
                "business case: customers, revenue per customer, acquisition cost and horizon "
                "must not be negative"
            )


class SupportsEconomics(Protocol):
    """Anything that gives :class:`ClientEconomics` (an engagement file)."""

    def economics(self) -> ClientEconomics:
        """The client's numbers.

        Returns
        -------
        ClientEconomics
            The numbers the business case is computed from.
        """


@dataclass(frozen=True)
class Scenario:
    """One case of the sensitivity range.

    Attributes
    ----------
    name : {"low", "base", "high"}
        The case.
    mix_achieved : float
        Share of the planned change in the contact mix that is achieved.
    good_rate, bad_rate : float
        Repurchase rates used.
    annual_gain : float
        Yearly gain in retained revenue.
    payback_months : float or None
        Total investment / monthly gain; ``None`` when the gain is not positive.
    net_over_horizon : float
        Gain over the horizon − total investment.
    """

    name: Literal["low", "base", "high"]
    mix_achieved: float
    good_rate: float
    bad_rate: float
    annual_gain: float
    payback_months: float | None
    net_over_horizon: float


@dataclass(frozen=True)
class WinBack:
    """A revenue amount as the customers that bring as much, and what winning them would cost.

    Attributes
    ----------
    revenue : float
        The yearly revenue (a loss or a gain).
    customers : float
        ``revenue / revenue per customer`` (Wood's "460 customers").
    acquisition_cost_per_customer : float or None
        The client's cost of winning one customer.
    acquisition_cost : float or None
        ``customers × acquisition_cost_per_customer``; ``None`` without an acquisition cost.
    """

    revenue: float
    customers: float
    acquisition_cost_per_customer: float | None
    acquisition_cost: float | None


@dataclass(frozen=True)
class ClientBusinessCase:
    """The business case from a client's numbers (:func:`client_business_case`).

    Attributes
    ----------
    economics : ClientEconomics
        The inputs.
    revenue_today : float
        Yearly repeat revenue retained at today's contact mix.
    revenue_target : float
        Yearly repeat revenue retained at the target mix.
    annual_gain : float
        ``revenue_target − revenue_today``.
    gain_share : float
        ``annual_gain / revenue_today`` (``nan`` when nothing is retained today).
    stages : tuple of StagePlan
        Investment per stage.
    total_investment : float
        Sum of the stage costs.
    payback_months : float or None
        Simple payback, ``total_investment / (annual_gain / 12)``, counted from when the target
        mix is reached; ``None`` when the gain is not positive.
    pays_back_within_horizon : bool
        The payback is at most the horizon.
    breakeven_month : int or None
        On the roadmap's calendar: the first month (from the start) at whose end the cumulative
        gain reaches the cumulative spend, each stage's cost spent evenly over its months and its
        share of the gain flowing from its end; ``None`` without stage months or when it falls
        after the horizon.
    gain_over_horizon : float
        ``Σ_k gain_share_k · annual_gain · months_k / 12``, ``months_k`` = horizon − the month
        stage ``k`` ends (the whole horizon when no roadmap gave the months), at least 0.
    net_over_horizon : float
        ``gain_over_horizon − total_investment``.
    sensitivity : tuple of Scenario
        Low, base and high cases.
    bad_contact_loss : WinBack
        What bad contacts cost today against the base rate,
        ``N · R · s · (1 − g_today) · (base_rate − bad_rate)``, and the customers it equals.
    gain_equivalent : WinBack
        The annual gain as customers, and what winning as many would cost.
    staging : StagingValue
        Staging with go/no-go gates against committing to every stage at once.
    rates_source : str
        The citation of the repurchase rates.
    """

    economics: ClientEconomics
    revenue_today: float
    revenue_target: float
    annual_gain: float
    gain_share: float
    stages: tuple[StagePlan, ...]
    total_investment: float
    payback_months: float | None
    pays_back_within_horizon: bool
    breakeven_month: int | None
    gain_over_horizon: float
    net_over_horizon: float
    sensitivity: tuple[Scenario, ...]
    bad_contact_loss: WinBack
    gain_equivalent: WinBack
    staging: StagingValue
    rates_source: str


def _payback(investment: float, annual_gain: float) -> float | None:
    if annual_gain <= 0:
        return None
    return 12.0 * investment / annual_gain


def _breakeven(stages: Sequence[StagePlan], annual_gain: float, horizon: int) -> int | None:
    """First month whose end sees cumulative gain >= cumulative spend (see the attribute)."""
    if not stages or any(st.start_month is None or st.end_month is None for st in stages):
        return None
    spent = gained = 0.0
    for month in range(1, horizon + 1):
        for st in stages:
            start, end = st.start_month or 0, st.end_month or 0
            if start < month <= end:
                spent += st.cost / (end - start)
            elif month > end:
                gained += st.gain_share * annual_gain / 12.0
            if end <= start and month == end + 1:
                spent += st.cost  # a stage of no months is paid at once
        if spent > 0 and gained >= spent * (1 - 1e-9):
            return month
    return None


def _win_back(revenue: float, e: ClientEconomics) -> WinBack:
    customers = revenue / e.revenue_per_customer if e.revenue_per_customer else math.nan
    cost = None if e.acquisition_cost is None else customers * e.acquisition_cost
    return WinBack(revenue, customers, e.acquisition_cost, cost)


def _stage_gains(
    e: ClientEconomics, stages: Sequence[StagePlan], annual_gain: float
) -> list[float]:
    """``v_k``: each stage's share of the annual gain over the months left in the horizon."""
    gains = []
    for st in stages:
        months = e.horizon_months if st.end_month is None else e.horizon_months - st.end_month
        gains.append(st.gain_share * annual_gain * max(0, months) / 12.0)
    return gains


def _scenario(
    name: Literal["low", "base", "high"],
    mix: float,
    margin: float,
    e: ClientEconomics,
    stages: Sequence[StagePlan],
) -> Scenario:
    good = round(min(1.0, max(0.0, e.good_rate + margin)), 12)
    bad = round(min(good, max(0.0, e.bad_rate - margin)), 12)
    delta = mix * (e.good_share_target - e.good_share_today)
    gain = e.customers * e.revenue_per_customer * e.service_contact_share * delta * (good - bad)
    investment = sum(st.cost for st in stages)
    over = sum(_stage_gains(e, stages, gain))
    return Scenario(name, mix, good, bad, gain, _payback(investment, gain), over - investment)


def client_business_case(
    economics: ClientEconomics | SupportsEconomics,
    stages: Sequence[StagePlan] | None = None,
) -> ClientBusinessCase:
    """The business case from a client's numbers: retained revenue today and at the target mix.

    ``retained(g) = N · R · (s · (g · good + (1 − g) · bad) + (1 − s) · base)``;
    ``annual gain = retained(g_target) − retained(g_today)``; payback = investment / monthly gain.
    Sensitivity: *low* achieves :data:`LOW_MIX_ACHIEVED` of the mix change with the good and bad
    rates :data:`RATE_MARGIN` closer together (each moved by the margin); *base* the plan with the
    given rates; *high* the plan with the rates the margin further apart (clipped to [0, 1]).

    Parameters
    ----------
    economics : ClientEconomics or SupportsEconomics
        The client's numbers, or an object with an ``economics()`` method (an engagement).
    stages : sequence of StagePlan, optional
        The programme's stages and costs (:func:`scoring.staging.stage_plans`); none: no
        investment (payback 0, staging of nothing).

    Returns
    -------
    ClientBusinessCase
        Revenues, gain, investment, payback, sensitivity, customer equivalents and staging value.

    Raises
    ------
    questionnaires.errors.ScoringError
        When the gate pass probabilities do not match the stages.

    References
    ----------
    B. Wood's repurchase model; Dixit & Pindyck (1994) for staging;
    ``docs/methodology.md#12-business-case-from-the-clients-numbers``.

    Examples
    --------
    >>> e = ClientEconomics(1000, 1000.0, 1.0, 0.0, 1.0)  # Wood: every contact bad -> every good
    >>> round(client_business_case(e).annual_gain)
    570000
    """
    e = economics if isinstance(economics, ClientEconomics) else economics.economics()
    plans = tuple(stages or ())
    n, r, s = e.customers, e.revenue_per_customer, e.service_contact_share
    rates = (e.base_rate, e.good_rate, e.bad_rate)
    today = retained_revenue(n, r, s, e.good_share_today, *rates)
    target = retained_revenue(n, r, s, e.good_share_target, *rates)
    gain = target - today
    investment = sum(st.cost for st in plans)
    payback = _payback(investment, gain)
    stage_gains = _stage_gains(e, plans, gain)
    over = sum(stage_gains)
    loss = n * r * s * (1 - e.good_share_today) * max(0.0, e.base_rate - e.bad_rate)
    return ClientBusinessCase(
        economics=e,
        revenue_today=today,
        revenue_target=target,
        annual_gain=gain,
        gain_share=gain / today if today else math.nan,
        stages=plans,
        total_investment=investment,
        payback_months=payback,
        pays_back_within_horizon=payback is not None and payback <= e.horizon_months,
        breakeven_month=_breakeven(plans, gain, e.horizon_months),
        gain_over_horizon=over,
        net_over_horizon=over - investment,
        sensitivity=(
            _scenario("low", LOW_MIX_ACHIEVED, -RATE_MARGIN, e, plans),
            _scenario("base", 1.0, 0.0, e, plans),
            _scenario("high", 1.0, RATE_MARGIN, e, plans),
        ),
        bad_contact_loss=_win_back(loss, e),
        gain_equivalent=_win_back(gain, e),
        staging=staging_value(
            [st.cost for st in plans], stage_gains, _probabilities(e, len(plans))
        ),
        rates_source=e.rates_source,
    )


def _probabilities(e: ClientEconomics, n_stages: int) -> float | tuple[float, ...]:
    p = e.gate_pass_probabilities
    if isinstance(p, tuple) and len(p) != n_stages:
        raise ScoringError(
            f"business case: {len(p)} gate pass probabilities for {n_stages} stages; give one "
            "per stage or a single one for every gate"
        )
    return p

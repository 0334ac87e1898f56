"""The value of staging: investing stage by stage with a go/no-go at each decision gate
(``docs/methodology.md#12-business-case-from-the-clients-numbers``).

A simple real option (Dixit & Pindyck 1994). Stages ``k = 1..K`` cost ``c_k`` and deliver a gain
``v_k``. The gate at the end of stage ``k`` is passed with probability ``p_k`` (independently): a
stage's gain is delivered only when its gate passes, and a failed gate means the later stages
deliver nothing (their foundation is missing). The probability of reaching stage ``k`` is::

    R_1 = 1,   R_k = p_1 · … · p_(k−1)

- **Staged** (stop at the first failed gate; later stages are not paid for):
  ``E[cost] = Σ R_k · c_k``, ``E[gain] = Σ R_(k+1) · v_k``.
- **Committed** (every stage paid up front): ``cost = Σ c_k``; the same ``E[gain]``.
- **Value of staging** = ``E[net staged] − E[net committed] = Σ (1 − R_k) · c_k`` (never negative):
  the expected spend that the gates save.

Worked example (tested): three stages costing 100, 200, 300 with gains 150, 250, 400 and every
gate passed with probability 0.8: ``R = 1, 0.8, 0.64``; staged cost ``100 + 160 + 192 = 452``;
committed cost 600; expected gain ``0.8·150 + 0.64·250 + 0.512·400 = 484.8``; value of staging
``600 − 452 = 148``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from questionnaires.errors import ScoringError
from scoring.results import Roadmap

__all__ = [
    "BAND_NAMES",
    "DEFAULT_GATE_PASS",
    "StagePlan",
    "StagingValue",
    "stage_plans",
    "staging_value",
]

#: Probability that a decision gate is passed when the engagement states none (an assumption).
DEFAULT_GATE_PASS = 0.8

#: The action cost bands of instrument 1.1.0, cheapest first.
BAND_NAMES = ("low", "medium", "high", "capital")


@dataclass(frozen=True)
class StagePlan:
    """One stage of the programme as the business case sees it: its cost and its share of the gain.

    Attributes
    ----------
    number : int
        1-based stage number (the roadmap's).
    name : str
        Stage name.
    cost : float
        Investment in the stage (not negative).
    gain_share : float
        Share of the programme's annual gain that the stage delivers (the stage's level steps over
        all level steps; shares add up to 1).
    start_month : int or None
        Month the stage starts (its cost is spent evenly until it ends), ``None`` without a roadmap.
    end_month : int or None
        Month the stage ends (its gain starts then), ``None`` without a roadmap.
    """

    number: int
    name: str
    cost: float
    gain_share: float
    start_month: int | None = None
    end_month: int | None = None


@dataclass(frozen=True)
class StagingValue:
    """Expected result of investing stage by stage against committing to every stage at once.

    Attributes
    ----------
    pass_probabilities : tuple of float
        ``p_k``, the probability that the gate at the end of stage ``k`` is passed.
    reach_probabilities : tuple of float
        ``R_k``, the probability that stage ``k`` is started under staging.
    expected_cost_staged : float
        ``Σ R_k · c_k``.
    cost_committed : float
        ``Σ c_k``.
    expected_gain : float
        ``Σ R_(k+1) · v_k``, the same under both policies.
    expected_net_staged : float
        Expected gain − expected staged cost.
    expected_net_committed : float
        Expected gain − committed cost.
    value_of_staging : float
        ``expected_net_staged − expected_net_committed = Σ (1 − R_k) · c_k``.
    probability_all_gates : float
        Probability that every gate is passed.
    """

    pass_probabilities: tuple[float, ...]
    reach_probabilities: tuple[float, ...]
    expected_cost_staged: float
    cost_committed: float
    expected_gain: float
    expected_net_staged: float
    expected_net_committed: float
    value_of_staging: float
    probability_all_gates: float


def staging_value(
    costs: Sequence[float],
    gains: Sequence[float],
    pass_probabilities: float | Sequence[float] = DEFAULT_GATE_PASS,
) -> StagingValue:
    """Expected value of staging with go/no-go gates against committing to every stage.

    Parameters
    ----------
    costs : sequence of float
        ``c_k``, the cost of each stage, in order (not negative).
    gains : sequence of float
        ``v_k``, the gain each stage delivers when its gate passes (same length as ``costs``).
    pass_probabilities : float or sequence of float, default 0.8
        ``p_k``, one probability for every gate or one per stage, each in [0, 1].

    Returns
    -------
    StagingValue
        Reach probabilities, expected costs, gain and nets, and the value of staging.

    Raises
    ------
    questionnaires.errors.ScoringError
        When the lengths differ, a cost is negative or a probability lies outside [0, 1].

    References
    ----------
    Dixit & Pindyck (1994); ``docs/methodology.md#12-business-case-from-the-clients-numbers``.

    Examples
    --------
    >>> v = staging_value([100, 200, 300], [150, 250, 400], 0.8)
    >>> round(v.expected_cost_staged, 6), round(v.expected_gain, 6), round(v.value_of_staging, 6)
    (452.0, 484.8, 148.0)
    """
    c = [float(x) for x in costs]
    v = [float(x) for x in gains]
    if len(c) != len(v):
        raise ScoringError(f"staging value: {len(c)} stage costs but {len(v)} stage gains")
    if isinstance(pass_probabilities, int | float):
        p = [float(pass_probabilities)] * len(c)
    else:
        p = [float(x) for x in pass_probabilities]
    if len(p) != len(c):
        raise ScoringError(
            f"staging value: {len(p)} gate pass probabilities for {len(c)} stages; give one for "
            "every stage or a single one for all"
        )
    bad = [x for x in p if not 0.0 <= x <= 1.0 or math.isnan(x)]
    if bad:
        raise ScoringError(
            f"staging value: a gate pass probability must lie between 0 and 1, got {bad[0]}"
        )
    if any(x < 0 or math.isnan(x) for x in c):
        raise ScoringError("staging value: a stage cost must not be negative")
    reach = [float(math.prod(p[:k])) for k in range(len(c) + 1)]  # reach[k] = R_(k+1)
    cost_staged = sum(r * x for r, x in zip(reach, c, strict=False))
    gain = sum(reach[k + 1] * v[k] for k in range(len(v)))
    committed = sum(c)
    return StagingValue(
        pass_probabilities=tuple(p),
        reach_probabilities=tuple(reach[: len(c)]),
        expected_cost_staged=cost_staged,
        cost_committed=committed,
        expected_gain=gain,
        expected_net_staged=gain - cost_staged,
        expected_net_committed=gain - committed,
        value_of_staging=committed - cost_staged,
        probability_all_gates=reach[len(c)],
    )


def _level_steps(roadmap: Roadmap) -> list[int]:
    """Level steps each stage plans: the rise of its projected levels over the stage before."""
    before = dict(roadmap.starting_levels)
    steps = []
    for stage in roadmap.stages:
        after = dict(before)
        after.update(dict(stage.projected_levels))
        steps.append(sum(max(0, lv - before.get(cap, lv)) for cap, lv in after.items()))
        before = after
    return steps


def _band_cost(
    stage_number: int,
    actions: Sequence[object],
    band_costs: Mapping[str, float],
    action_bands: Mapping[str, str | None],
) -> float:
    total = 0.0
    for action in actions:
        action_id = str(getattr(action, "action_id", ""))
        band = action_bands.get(action_id, getattr(action, "cost_band", None))
        if band is None:
            raise ScoringError(
                f"stage {stage_number}: action {action_id} has no cost band in the instrument; "
                "give a cost per stage (stage_costs) instead of costs per band"
            )
        if band not in band_costs:
            raise ScoringError(
                f"stage {stage_number}: action {action_id} is in cost band {band!r}, which has "
                f"no cost; give one for each of {', '.join(BAND_NAMES)}"
            )
        total += float(band_costs[band])
    return total


def stage_plans(
    roadmap: Roadmap | None = None,
    *,
    stage_costs: Sequence[float] | None = None,
    stage_names: Sequence[str | None] | None = None,
    band_costs: Mapping[str, float] | None = None,
    action_bands: Mapping[str, str | None] | None = None,
) -> tuple[StagePlan, ...]:
    """The programme's stages with their cost and share of the gain.

    Costs come from ``stage_costs`` (one per roadmap stage, in order) or from ``band_costs`` (cost of
    one action in each cost band; a stage costs the sum over its actions, so a stage without actions,
    such as the align stage, costs 0). Gain shares are each stage's level steps over all level steps
    (rises of the roadmap's projected levels; equal shares when no stage raises a level). Without a
    roadmap the stages are ``stage_costs`` with equal gain shares and no months.

    Parameters
    ----------
    roadmap : scoring.results.Roadmap or None, optional
        The roadmap; required with ``band_costs``.
    stage_costs : sequence of float, optional
        Cost of each stage.
    stage_names : sequence of str or None, optional
        Names for ``stage_costs`` (used without a roadmap; ``None`` gives "Stage k").
    band_costs : mapping of str to float, optional
        Cost of one action per cost band (``low``, ``medium``, ``high``, ``capital``).
    action_bands : mapping of str to str or None, optional
        Action id -> cost band (from the instrument); otherwise the action's ``cost_band``.

    Returns
    -------
    tuple of StagePlan
        One plan per stage, in order.

    Raises
    ------
    questionnaires.errors.ScoringError
        When neither or both cost sources are given, the number of stage costs differs from the
        roadmap's stages, band costs come without a roadmap, or an action has no (costed) band.
    """
    if (stage_costs is None) == (band_costs is None):
        raise ScoringError("programme cost: give either a cost per stage or a cost per cost band")
    if roadmap is None:
        if stage_costs is None:
            raise ScoringError("programme cost per cost band needs a roadmap to turn into stages")
        names = list(stage_names or [None] * len(stage_costs))
        n = len(stage_costs)
        return tuple(
            StagePlan(k + 1, names[k] or f"Stage {k + 1}", float(stage_costs[k]), 1.0 / n)
            for k in range(n)
        )
    stages = roadmap.stages
    if stage_costs is not None and len(stage_costs) != len(stages):
        raise ScoringError(
            f"programme cost: {len(stage_costs)} stage costs given but the roadmap has "
            f"{len(stages)} stages; give one cost per stage"
        )
    steps = _level_steps(roadmap)
    total = sum(steps)
    shares = [s / total for s in steps] if total else [1.0 / len(stages)] * len(stages)
    plans = []
    for k, stage in enumerate(stages):
        if stage_costs is not None:
            cost = float(stage_costs[k])
        else:
            assert band_costs is not None
            cost = _band_cost(stage.number, stage.actions, band_costs, action_bands or {})
        plans.append(
            StagePlan(stage.number, stage.name, cost, shares[k], stage.start_month, stage.end_month)
        )
    return tuple(plans)

"""Result types returned by :func:`scoring.score_wave`. All frozen dataclasses of plain values.

Conventions: scores on the answer scale (e.g. 1–5) are named ``*_score``/``mean``/``median``; the
normalised 0–100 form is ``*_norm``. Undefined statistics are ``nan`` and, where useful, carry a
``reason``. Capability ids are the instrument's (e.g. ``"MET"``); ``"overall"`` marks the
weight-weighted aggregate.

Group names (:attr:`AGIResult.group`, :attr:`CapabilityChange.group`) live in one name space:
``"management"``, ``"organisation"`` and ``"department:<key>"`` for a department whose normalised
key is ``<key>`` (:func:`department_group` / :func:`department_key`), so a department called
"Management" never stands in for the management team. :attr:`SiloGap.department_means` keeps plain
department keys.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from questionnaires.errors import ScoringError

__all__ = [
    "AGIResult",
    "AlignmentMap",
    "AmbitionGap",
    "BusinessCase",
    "BusinessCaseParams",
    "Camp",
    "CapabilityAgreement",
    "CapabilityChange",
    "CapabilityScore",
    "ICCResult",
    "Interval",
    "ItemStats",
    "MaturityLevel",
    "PerceptionGap",
    "Roadmap",
    "RoadmapAction",
    "RoadmapStage",
    "ScoreOptions",
    "Separation",
    "SiloGap",
    "WaveComparison",
    "WaveResult",
    "department_group",
    "department_key",
]

NAN = float("nan")
Band = Literal["aligned", "partly aligned", "misaligned", "undefined"]
PerceptionLabel = Literal["blind spot", "hidden strength", "shared view", "undefined"]

#: Prefix of a department's group name (``"department:sales"``).
DEPARTMENT_PREFIX = "department:"


def department_group(key: str) -> str:
    """The group name of the department with normalised key ``key``.

    >>> department_group("management")
    'department:management'
    """
    return DEPARTMENT_PREFIX + key


def department_key(group: str) -> str | None:
    """The department key of a group name, or ``None`` for ``"management"``/``"organisation"``.

    >>> department_key("department:sales"), department_key("management")
    ('sales', None)
    """
    return group[len(DEPARTMENT_PREFIX) :] if group.startswith(DEPARTMENT_PREFIX) else None


def _check_share(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and 0.0 <= value <= 1.0):
        raise ScoringError(
            f"business case: {name} must be a share between 0 and 1 (e.g. 0.78 for 78%), got {value!r}"
        )


@dataclass(frozen=True)
class BusinessCaseParams:
    """Inputs of the repurchase business case (:func:`scoring.business_case.business_case`).

    Defaults are B. Wood's worked example: 1,000 customers × $1,000, repurchase 78% on average, 89%
    after good service, 32% after bad service, every customer with a service contact. Rates and
    ``service_contact_share`` must lie in [0, 1]; ``customers`` and ``revenue_per_customer`` must not
    be negative (:class:`questionnaires.errors.ScoringError` otherwise).
    """

    customers: int = 1000
    revenue_per_customer: float = 1000.0
    base_rate: float = 0.78
    good_rate: float = 0.89
    bad_rate: float = 0.32
    service_contact_share: float = 1.0

    def __post_init__(self) -> None:
        for name in ("base_rate", "good_rate", "bad_rate", "service_contact_share"):
            _check_share(name, getattr(self, name))
        if self.customers < 0 or self.revenue_per_customer < 0:
            raise ScoringError(
                "business case: customers and revenue_per_customer must not be negative, got "
                f"{self.customers!r} and {self.revenue_per_customer!r}"
            )


@dataclass(frozen=True)
class ScoreOptions:
    """Everything that changes a result. Defaults follow ``docs/methodology.md``.

    ``management_roles``: roles that form the management team; ``None`` (default) means the
    instrument's ``management_roles``, resolved once by :func:`scoring.score_wave` and
    :func:`scoring.compare_waves` (the resolved tuple is stored in ``WaveResult.options``).

    ``min_group`` is two floors at once: the anonymity floor k for groups scoring reports on their
    own (departments, camps, group AGIs), and, together with the methodology's "AGI is not computed
    below 3 respondents", the AGI floor: an AGI needs ``max(3, min_group)`` respondents with a score.

    ``business``: parameters of the repurchase business case; ``None`` = Wood's worked example.
    """

    min_answered_share: float = (
        0.5  # respondent capability score needs this share of items answered
    )
    management_roles: tuple[str, ...] | None = None  # None = the instrument's management_roles
    min_group: int = 3  # anonymity k; AGI needs max(3, min_group) respondents
    bootstrap: int = 1000  # resamples for CIs; 0 switches CIs off (nan)
    seed: int = 20260101
    ci_level: float = 0.95
    # AGI < first: aligned; <= second: partly aligned; above: misaligned (see scoring.alignment)
    agi_bands: tuple[float, float] = (15.0, 25.0)
    permutations: int = 10000  # perception-gap permutations (exact when fewer arrangements exist)
    n_camps: int | None = None  # alignment-map clusters; None = chosen by silhouette (2..4)
    roadmap_stage_months: int = 6
    roadmap_align_months: int = 2  # length of the "Align" stage
    roadmap_max_per_stage: int = 3  # capability level steps per build stage (focus beats breadth)
    business: BusinessCaseParams | None = None  # None = Wood's worked example

    @property
    def agi_min_n(self) -> int:
        """Respondents with a score an AGI needs: ``max(3, min_group)``
        (``docs/methodology.md#4-alignment-gap-index-agi``)."""
        return max(3, self.min_group)

    def resolved(self, instrument_roles: Sequence[str]) -> ScoreOptions:
        """These options with ``management_roles`` filled in from the instrument when ``None``."""
        if self.management_roles is not None:
            return self
        return replace(self, management_roles=tuple(instrument_roles))

    @property
    def management(self) -> tuple[str, ...]:
        """The management roles; ``("executive",)`` when still unresolved (``None``)."""
        return self.management_roles if self.management_roles is not None else ("executive",)


@dataclass(frozen=True)
class Interval:
    low: float = NAN
    high: float = NAN

    @property
    def defined(self) -> bool:
        return not (math.isnan(self.low) or math.isnan(self.high))


@dataclass(frozen=True)
class ICCResult:
    """The six intraclass correlations of Shrout & Fleiss (1979), with F-tests and 95% CIs.

    ``icc1``/``icc1k``: one-way random; ``icc2``/``icc2k``: two-way random, absolute agreement;
    ``icc3``/``icc3k``: two-way mixed, consistency. ``n`` targets, ``k`` raters.
    """

    icc1: float
    icc2: float
    icc3: float
    icc1k: float
    icc2k: float
    icc3k: float
    n: int
    k: int
    f1: float = NAN
    f23: float = NAN
    ci: dict[str, Interval] = field(default_factory=dict)


@dataclass(frozen=True)
class Separation:
    """How strongly groups (departments) differ: one-way ANOVA decomposition.

    ``icc1`` = (MSB − MSW)/(MSB + (k̄ − 1)·MSW), ``icc2`` = (MSB − MSW)/MSB (Bliese 2000), η², ω², F.
    """

    icc1: float
    icc2: float
    eta2: float
    omega2: float
    f: float
    df_between: int
    df_within: int
    p_value: float = NAN
    reason: str = ""


@dataclass(frozen=True)
class ItemStats:
    """Per item, over all respondents who answered it (after reverse coding)."""

    item_id: str
    capability_id: str
    n: int
    n_na: int
    mean: float
    median: float
    sd: float
    target_mean: float
    target_median: float
    distribution: tuple[int, ...]  # counts per option, low..high, current ratings
    rwg: float
    rwg_raw: float
    rwg_out_of_range: bool
    ad: float  # AD_M around the mean, k denominator
    awg: float
    agi: float  # organisation-wide AGI of the item's ratings (same formula as capability AGI)
    # the management team's item AGI (nan below max(3, min_group) ratings): what "most disputed
    # items" ranks by, in the report and in roadmap stage 1
    agi_management: float = NAN


@dataclass(frozen=True)
class CapabilityScore:
    """Team score of a capability: respondent capability scores summarised."""

    capability_id: str
    name: str
    n: int  # respondents with a score
    mean: float
    median: float
    sd: float
    ci: Interval  # bootstrap CI of the mean
    mean_norm: float  # 0-100
    target_mean: float
    target_median: float
    target_ci: Interval
    respondent_scores: tuple[
        float, ...
    ]  # current, respondent order of the ResponseSet, nan = missing
    respondent_targets: tuple[float, ...]
    low: float = (
        NAN  # answer-scale bounds L and H of the capability (mean_norm = 100·(mean−L)/(H−L))
    )
    high: float = NAN


@dataclass(frozen=True)
class MaturityLevel:
    """Maturity level 1–5 and why it is not higher."""

    capability_id: str
    level: int
    median: float
    uncapped_level: int  # floor of the median
    weakest_item: str
    weakest_item_median: float
    capped_by_item: bool
    capped_by_prerequisite: str | None  # capability id that capped this level, if any
    target_level: int
    explanation: str
    holding_back: tuple[str, ...] = ()  # item ids whose median is below the level above


@dataclass(frozen=True)
class CapabilityAgreement:
    """Agreement among respondents on one capability's items (current ratings)."""

    capability_id: str
    n: int
    rwg_j: float
    rwg_j_raw: float
    rwg_j_out_of_range: bool
    rwg_star_j: float
    ad_mean: float
    ad_median: float
    awg_j: float
    alpha_interval: float  # Krippendorff, respondents as coders, items as units
    alpha_ordinal: float
    cronbach_alpha: float  # pairwise
    cronbach_alpha_listwise: float
    icc: ICCResult | None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class AGIResult:
    """Alignment Gap Index: 100 · mean |s_i − s_j| over pairs / (H − L)."""

    capability_id: str  # or "overall"
    group: str  # "management", "organisation" or department_group(key) = "department:<key>"
    basis: Literal["current", "target"]
    value: float
    ci: Interval
    band: Band
    n: int
    reason: str = ""


@dataclass(frozen=True)
class PerceptionGap:
    """Executives' mean minus everyone else's, per capability."""

    capability_id: str
    management_mean: float
    others_mean: float
    gap: float  # on the answer scale
    p_value: float  # two-sided permutation (exact when feasible)
    exact: bool
    n_management: int
    n_others: int
    label: PerceptionLabel


@dataclass(frozen=True)
class SiloGap:
    """Per-department capability means and how strongly departments differ."""

    capability_id: str
    department_means: tuple[tuple[str, int, float], ...]  # (department key, n, mean)
    spread: float  # max − min of department means
    separation: Separation


@dataclass(frozen=True)
class AmbitionGap:
    capability_id: str
    current_mean: float
    target_mean: float
    gap: float  # target − current
    current_level: int
    target_level: int
    target_agi: float


@dataclass(frozen=True)
class Camp:
    """A cluster of respondents who see the company alike."""

    label: str
    size: int
    profile: tuple[tuple[str, float], ...]  # (capability id, mean score)


@dataclass(frozen=True)
class AlignmentMap:
    """Classical MDS of respondent capability profiles, with camps."""

    respondent_ids: tuple[str, ...]
    coords: tuple[tuple[float, float], ...]
    camp_of: tuple[int, ...]  # index into camps, per respondent
    camps: tuple[Camp, ...]
    stress: float  # share of distance variance not shown in 2-D
    reason: str = ""


@dataclass(frozen=True)
class RoadmapAction:
    action_id: str
    capability_id: str
    title: str
    description: str
    from_level: int
    to_level: int
    effort: str
    horizon_months: int
    owner_role: str
    depends_on: tuple[str, ...]
    priority: float


@dataclass(frozen=True)
class RoadmapStage:
    number: int
    name: str
    kind: Literal["align", "build"]
    start_month: int
    end_month: int
    actions: tuple[RoadmapAction, ...]
    capabilities: tuple[str, ...]
    disputed_items: tuple[str, ...]  # align stage: items to discuss
    owners: tuple[str, ...]
    projected_levels: tuple[tuple[str, int], ...]  # (capability id, level after this stage)
    decision_gate: str


@dataclass(frozen=True)
class Roadmap:
    stages: tuple[RoadmapStage, ...]
    starting_levels: tuple[tuple[str, int], ...]
    target_levels: tuple[tuple[str, int], ...]
    notes: tuple[str, ...] = ()  # e.g. level steps without actions in the instrument, blocked steps


@dataclass(frozen=True)
class BusinessCase:
    """Repeat revenue under the repurchase model (Wood): customers × revenue × rate."""

    customers: int
    revenue_per_customer: float
    base_rate: float
    good_rate: float
    bad_rate: float
    service_contact_share: float
    base_revenue: float
    good_revenue: float
    bad_revenue: float
    uplift_good: float  # good − base
    loss_bad: float  # bad − base (negative)
    customers_equivalent_lost: float  # −loss_bad / revenue_per_customer (positive: customers lost)
    uplift_good_share: float = NAN  # uplift_good / base_revenue (+0.141 in Wood's example)
    loss_bad_share: float = NAN  # loss_bad / base_revenue (−0.590 in Wood's example)


@dataclass(frozen=True)
class WaveResult:
    """Everything :func:`scoring.score_wave` computes for one wave."""

    instrument_ref: str
    instrument_hash: str
    data_hash: str
    wave: str
    options: ScoreOptions
    n_respondents: int
    capabilities: tuple[str, ...]
    scores: tuple[CapabilityScore, ...]
    levels: tuple[MaturityLevel, ...]
    items: tuple[ItemStats, ...]
    agreement: tuple[CapabilityAgreement, ...]
    agi: tuple[AGIResult, ...]  # every capability + "overall", groups and bases
    perception: tuple[PerceptionGap, ...]
    silos: tuple[SiloGap, ...]
    ambition: tuple[AmbitionGap, ...]
    alignment_map: AlignmentMap
    roadmap: Roadmap
    business_case: BusinessCase
    warnings: tuple[str, ...] = ()

    def score(self, capability_id: str) -> CapabilityScore:
        """The team score of ``capability_id``; :class:`KeyError` naming the known ids otherwise."""
        for s in self.scores:
            if s.capability_id == capability_id:
                return s
        raise KeyError(
            f"no score for capability {capability_id!r} in wave {self.wave!r}; "
            f"known: {', '.join(self.capabilities)}"
        )

    def level(self, capability_id: str) -> MaturityLevel:
        """The maturity level of ``capability_id``; :class:`KeyError` naming the known ids otherwise."""
        for lv in self.levels:
            if lv.capability_id == capability_id:
                return lv
        raise KeyError(
            f"no maturity level for capability {capability_id!r} in wave {self.wave!r}; "
            f"known: {', '.join(self.capabilities)}"
        )

    def agi_for(
        self, capability_id: str = "overall", group: str = "management", basis: str = "current"
    ) -> AGIResult:
        for a in self.agi:
            if (a.capability_id, a.group, a.basis) == (capability_id, group, basis):
                return a
        raise KeyError(
            f"no AGI for capability {capability_id!r}, group {group!r}, basis {basis!r} in wave "
            f"{self.wave!r}; departments are named department_group(key), e.g. 'department:sales'"
        )


ChangeLabel = Literal["improved", "stable", "declined", "undefined"]


@dataclass(frozen=True)
class CapabilityChange:
    """Change of one capability between two waves, on the items both waves can compare.

    ``group`` is ``"organisation"``, ``"management"`` or ``department_group(key)``. Score change is on the
    answer scale (``after − before``); ``ci`` is a percentile bootstrap interval of that change
    (waves resampled independently). ``label`` is ``improved``/``declined`` when the interval lies
    wholly above/below 0, ``stable`` otherwise, ``undefined`` without an interval.
    """

    capability_id: str
    group: str
    wave_before: str
    wave_after: str
    n_before: int
    n_after: int
    score_before: float
    score_after: float
    change: float
    ci: Interval
    agi_before: float
    agi_after: float
    agi_change: float
    agi_ci: Interval
    label: ChangeLabel
    items_used: tuple[str, ...] = ()  # item ids of the later wave's instrument
    reason: str = ""


@dataclass(frozen=True)
class WaveComparison:
    """Consecutive-wave changes for every capability (and group), oldest pair first."""

    waves: tuple[str, ...]
    instrument_refs: tuple[str, ...]
    changes: tuple[CapabilityChange, ...]
    dropped_items: tuple[
        tuple[str, str, tuple[str, ...]], ...
    ]  # (wave_before, wave_after, item ids)
    notes: tuple[str, ...] = ()

    def change_for(
        self, capability_id: str, group: str = "organisation", wave_after: str | None = None
    ) -> CapabilityChange:
        for c in self.changes:
            if (c.capability_id, c.group) == (capability_id, group) and wave_after in (
                None,
                c.wave_after,
            ):
                return c
        raise KeyError((capability_id, group, wave_after))

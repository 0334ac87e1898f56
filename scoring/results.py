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
from typing import TYPE_CHECKING, Literal

from questionnaires.errors import ScoringError

if TYPE_CHECKING:
    from scoring.consensus import AgreementIndex, ItemFlag
    from scoring.inference import DifferenceLabel
    from scoring.stability import LevelEstimate

__all__ = [
    "FINDING_KINDS",
    "AGIResult",
    "AlignmentMap",
    "AmbitionGap",
    "BusinessCase",
    "BusinessCaseParams",
    "Camp",
    "CapabilityAgreement",
    "CapabilityAnswers",
    "CapabilityChange",
    "CapabilityScore",
    "Finding",
    "FindingKind",
    "ICCResult",
    "Interval",
    "InvestmentPoints",
    "ItemStats",
    "LevelCheck",
    "MaturityLevel",
    "PerceptionGap",
    "PriorityAgreement",
    "Roadmap",
    "RoadmapAction",
    "RoadmapStage",
    "RoadmapValidation",
    "ScoreOptions",
    "Separation",
    "SiloGap",
    "StageKpi",
    "WaveComparison",
    "WaveResult",
    "department_group",
    "department_key",
]

NAN = float("nan")
Band = Literal[
    "aligned",
    "partly aligned",
    "misaligned",
    "indeterminate",
    "not distinguishable from random answering",
    "undefined",
]
PerceptionLabel = Literal[
    "blind spot", "hidden strength", "shared view", "no clear gap", "undefined"
]

#: Prefix of a department's group name (``"department:sales"``).
DEPARTMENT_PREFIX = "department:"


def department_group(key: str) -> str:
    """The group name of the department with normalised key ``key``.

    Parameters
    ----------
    key : str
        The department's normalised key.

    Returns
    -------
    str
        ``"department:<key>"``.

    Examples
    --------
    >>> department_group("management")
    'department:management'
    """
    return DEPARTMENT_PREFIX + key


def department_key(group: str) -> str | None:
    """The department key of a group name, or ``None`` for ``"management"``/``"organisation"``.

    Parameters
    ----------
    group : str
        A group name (:attr:`AGIResult.group`, :attr:`CapabilityChange.group`).

    Returns
    -------
    str or None
        The key after ``"department:"``, ``None`` for any other group.

    Examples
    --------
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
    after good service, 32% after bad service, every customer with a service contact.

    Attributes
    ----------
    customers : int
        Number of customers (not negative).
    revenue_per_customer : float
        Revenue of one customer (not negative).
    base_rate : float
        Repurchase rate on average, in [0, 1].
    good_rate : float
        Repurchase rate after good service, in [0, 1].
    bad_rate : float
        Repurchase rate after bad service, in [0, 1].
    service_contact_share : float
        Share of customers with a service contact, in [0, 1].

    Raises
    ------
    questionnaires.errors.ScoringError
        When a rate or share is outside [0, 1] or a count or revenue is negative.
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

    ``min_group`` is two floors at once: the anonymity floor k for groups scoring reports on their
    own (departments, camps, group AGIs), and, together with the methodology's "AGI is not computed
    below 3 respondents", the AGI floor: an AGI needs ``max(3, min_group)`` respondents with a score.

    Attributes
    ----------
    min_answered_share : float
        Share of a capability's items a respondent must answer for a capability score.
    management_roles : tuple of str or None
        Roles that form the management team; ``None`` (default) means the instrument's
        ``management_roles``, resolved once by :func:`scoring.score_wave` and
        :func:`scoring.compare_waves` (the resolved tuple is stored in ``WaveResult.options``).
    min_group : int
        Anonymity floor k; an AGI needs ``max(3, min_group)`` respondents.
    bootstrap : int
        Resamples for the confidence intervals of capability scores; 0 switches them off (nan).
        AGI intervals are jackknife intervals and do not depend on it.
    seed : int
        Seed of every resampling and of the alignment map.
    ci_level : float
        Confidence level of the intervals.
    agi_bands : tuple of (float, float)
        AGI below the first is aligned, up to the second partly aligned, above misaligned
        (:func:`scoring.alignment.agi_band`).
    permutations : int
        Relabellings of the legacy :func:`scoring.gaps.perception_gap` (exact when fewer
        arrangements exist); :func:`scoring.score_wave` labels perception gaps with Welch's test.
    n_camps : int or None
        Alignment-map clusters; ``None`` = chosen by silhouette (2..4).
    roadmap_stage_months : int
        Length of a build stage of the roadmap.
    roadmap_align_months : int
        Length of the "Align" stage.
    roadmap_max_per_stage : int
        Capability level steps per build stage (focus beats breadth).
    business : BusinessCaseParams or None
        Parameters of the repurchase business case; ``None`` = Wood's worked example.
    agi_null_models : tuple of str
        The random-answering models an AGI must be distinguishable from before it gets a band
        (:data:`scoring.null.DEFAULT_MODELS`).
    sesoi : float
        Smallest difference worth acting on, on the answer scale (perception gaps, changes): the
        equivalence margin of the labels.
    label_alpha : float
        Family-wise (Holm) or false-discovery (BH) level of a report's labels.
    label_adjust : {"holm", "bh"}
        Multiplicity control within a report's family of labels.
    label_min_n : int
        Scores each group of a comparison needs before it is labelled.
    level_margin : float
        A level is borderline when its median's interval comes within this of a level boundary.
    """

    min_answered_share: float = 0.5
    management_roles: tuple[str, ...] | None = None
    min_group: int = 3
    bootstrap: int = 1000
    seed: int = 20260101
    ci_level: float = 0.95
    agi_bands: tuple[float, float] = (15.0, 25.0)
    permutations: int = 10000
    n_camps: int | None = None
    roadmap_stage_months: int = 6
    roadmap_align_months: int = 2
    roadmap_max_per_stage: int = 3
    business: BusinessCaseParams | None = None
    agi_null_models: tuple[str, ...] = ("uniform", "triangular")
    sesoi: float = 0.5
    label_alpha: float = 0.05
    label_adjust: Literal["holm", "bh"] = "holm"
    label_min_n: int = 3
    level_margin: float = 0.1

    @property
    def agi_min_n(self) -> int:
        """Respondents with a score an AGI needs: ``max(3, min_group)``.

        See ``docs/methodology.md#4-alignment-gap-index-agi``.
        """
        return max(3, self.min_group)

    def resolved(self, instrument_roles: Sequence[str]) -> ScoreOptions:
        """These options with ``management_roles`` filled in from the instrument when ``None``.

        Parameters
        ----------
        instrument_roles : sequence of str
            The instrument's ``management_roles``.

        Returns
        -------
        ScoreOptions
            ``self`` when already resolved, else a copy with ``management_roles`` set.
        """
        if self.management_roles is not None:
            return self
        return replace(self, management_roles=tuple(instrument_roles))

    @property
    def management(self) -> tuple[str, ...]:
        """The management roles; ``("executive",)`` when still unresolved (``None``)."""
        return self.management_roles if self.management_roles is not None else ("executive",)


@dataclass(frozen=True)
class Interval:
    """A confidence interval; ``nan`` bounds when there is none.

    Attributes
    ----------
    low : float
        Lower bound.
    high : float
        Upper bound.
    """

    low: float = NAN
    high: float = NAN

    @property
    def defined(self) -> bool:
        """Whether both bounds are numbers."""
        return not (math.isnan(self.low) or math.isnan(self.high))


@dataclass(frozen=True)
class ICCResult:
    """The six intraclass correlations of Shrout & Fleiss (1979), with F-tests and 95% CIs.

    ``icc1``/``icc1k``: one-way random; ``icc2``/``icc2k``: two-way random, absolute agreement;
    ``icc3``/``icc3k``: two-way mixed, consistency.

    Attributes
    ----------
    icc1, icc2, icc3 : float
        Single-rater ICC(1,1), ICC(2,1), ICC(3,1).
    icc1k, icc2k, icc3k : float
        Average-of-k-raters ICC(1,k), ICC(2,k), ICC(3,k).
    n : int
        Targets.
    k : int
        Raters.
    f1 : float
        MSR/MSW, the F of the one-way model.
    f23 : float
        MSR/MSE, the F of the two-way models.
    ci : dict of str to Interval
        95% interval per statistic name (``"icc1"`` … ``"icc3k"``).
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

    Attributes
    ----------
    icc1 : float
        ICC(1): share of rating variance due to group.
    icc2 : float
        ICC(2): reliability of the group means.
    eta2 : float
        η² = SSB/SST.
    omega2 : float
        ω² (Hays), less biased for small groups.
    f : float
        F = MSB/MSW.
    df_between : int
        G − 1.
    df_within : int
        N − G.
    p_value : float
        p of F on (df_between, df_within).
    reason : str
        Why a part is ``nan``; empty otherwise.
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
    """Per item, over all respondents who answered it (after reverse coding).

    Attributes
    ----------
    item_id : str
        The item.
    capability_id : str
        Its capability.
    n : int
        Respondents with a rating.
    n_na : int
        Respondents who answered N/A.
    mean, median, sd : float
        Of the current ratings.
    target_mean, target_median : float
        Of the target ratings.
    distribution : tuple of int
        Counts per option, low..high, current ratings.
    rwg : float
        r_wg (truncated).
    rwg_raw : float
        r_wg before truncation.
    rwg_out_of_range : bool
        Whether the raw r_wg left [0, 1].
    ad : float
        AD_M around the mean, k denominator.
    awg : float
        a_wg.
    agi : float
        Organisation-wide AGI of the item's ratings (same formula as capability AGI).
    agi_management : float
        The management team's item AGI (nan below ``max(3, min_group)`` ratings): what "most
        disputed items" ranks by, in the report and in roadmap stage 1.
    """

    item_id: str
    capability_id: str
    n: int
    n_na: int
    mean: float
    median: float
    sd: float
    target_mean: float
    target_median: float
    distribution: tuple[int, ...]
    rwg: float
    rwg_raw: float
    rwg_out_of_range: bool
    ad: float
    awg: float
    agi: float
    agi_management: float = NAN


@dataclass(frozen=True)
class CapabilityScore:
    """Team score of a capability: respondent capability scores summarised.

    Attributes
    ----------
    capability_id : str
        The capability.
    name : str
        Its name.
    n : int
        Respondents with a score.
    mean, median, sd : float
        Of the current scores, on the answer scale.
    ci : Interval
        Bootstrap CI of the mean.
    mean_norm : float
        The mean on 0–100.
    target_mean, target_median : float
        Of the target scores.
    target_ci : Interval
        Bootstrap CI of the target mean.
    respondent_scores : tuple of float
        Current score per respondent, in the ResponseSet's order, nan = missing.
    respondent_targets : tuple of float
        Target score per respondent, same order.
    low, high : float
        Answer-scale bounds L and H of the capability (mean_norm = 100·(mean−L)/(H−L)).
    """

    capability_id: str
    name: str
    n: int
    mean: float
    median: float
    sd: float
    ci: Interval
    mean_norm: float
    target_mean: float
    target_median: float
    target_ci: Interval
    respondent_scores: tuple[float, ...]
    respondent_targets: tuple[float, ...]
    low: float = NAN
    high: float = NAN


@dataclass(frozen=True)
class MaturityLevel:
    """Maturity level 1–5 and why it is not higher.

    Attributes
    ----------
    capability_id : str
        The capability.
    level : int
        The level after caps (0 when nobody scored the capability).
    median : float
        Team median of the capability scores.
    uncapped_level : int
        Floor of the median.
    weakest_item : str
        Item with the lowest median.
    weakest_item_median : float
        Its median.
    capped_by_item : bool
        Whether the weakest item capped the level.
    capped_by_prerequisite : str or None
        Capability id that capped this level, if any.
    target_level : int
        Floor of the target median.
    explanation : str
        The level and its caps in words.
    holding_back : tuple of str
        Item ids whose median is below the level above.
    management, organisation : LevelEstimate or None
        The median of each population with its distribution-free interval, the interpolated
        level and whether it is borderline (:func:`scoring.stability.level_estimate`); the
        management team is the headline, the organisation is shown beside it.
    """

    capability_id: str
    level: int
    median: float
    uncapped_level: int
    weakest_item: str
    weakest_item_median: float
    capped_by_item: bool
    capped_by_prerequisite: str | None
    target_level: int
    explanation: str
    holding_back: tuple[str, ...] = ()
    management: LevelEstimate | None = None
    organisation: LevelEstimate | None = None


@dataclass(frozen=True)
class CapabilityAgreement:
    """Agreement among respondents on one capability's items (current ratings).

    Attributes
    ----------
    capability_id : str
        The capability.
    n : int
        Respondents.
    rwg_j, rwg_j_raw : float
        r_wg(J), truncated and raw.
    rwg_j_out_of_range : bool
        Whether the raw r_wg(J) left [0, 1].
    rwg_star_j : float
        r*_wg(J).
    ad_mean, ad_median : float
        AD_M and AD_Md.
    awg_j : float
        a_wg(J).
    alpha_interval, alpha_ordinal : float
        Krippendorff's α, respondents as coders, items as units.
    cronbach_alpha : float
        Cronbach's α, pairwise.
    cronbach_alpha_listwise : float
        Cronbach's α, listwise.
    icc : ICCResult or None
        ICCs of the complete ratings, ``None`` when they cannot be computed.
    reasons : tuple of str
        Why statistics are undefined.
    consensus, consensus_management : AgreementIndex or None
        The one agreement index shown to managers, r*wg(J) against the triangular null with the
        direct-consensus gate (:func:`scoring.consensus.agreement_index`), for everyone and for
        the management team.
    item_flags : tuple of ItemFlag
        Items whose correlation with the rest of the capability is under .2 (or negative, or not
        computable) this wave (:func:`scoring.consensus.flag_items`).
    """

    capability_id: str
    n: int
    rwg_j: float
    rwg_j_raw: float
    rwg_j_out_of_range: bool
    rwg_star_j: float
    ad_mean: float
    ad_median: float
    awg_j: float
    alpha_interval: float
    alpha_ordinal: float
    cronbach_alpha: float
    cronbach_alpha_listwise: float
    icc: ICCResult | None
    reasons: tuple[str, ...] = ()
    consensus: AgreementIndex | None = None
    consensus_management: AgreementIndex | None = None
    item_flags: tuple[ItemFlag, ...] = ()


@dataclass(frozen=True)
class AGIResult:
    """Alignment Gap Index: 100 · mean |s_i − s_j| over pairs / (H − L).

    Attributes
    ----------
    capability_id : str
        The capability, or ``"overall"``.
    group : str
        ``"management"``, ``"organisation"`` or ``department_group(key)`` = ``"department:<key>"``.
    basis : {"current", "target"}
        Which ratings.
    value : float
        The AGI on 0–100.
    ci : Interval
        Log-jackknife interval (:func:`scoring.agi_interval.jackknife_agi_interval`).
    band : str
        Calibrated against random answering (:func:`scoring.null.calibrated_band`; the overall
        AGI, which has no critical values, by its interval alone).
    n : int
        Respondents with a score.
    reason : str
        Why the value is ``nan``; empty otherwise.
    null_mean : float
        The AGI random answering gives for this J and scale under the first of
        ``ScoreOptions.agi_null_models`` (by default the uniform null, the larger of the two;
        :func:`scoring.null.critical_values`).
    critical_low, critical_high : float
        The null's 5th and 95th percentiles: below ``critical_low`` the team is more aligned than
        random answering, above ``critical_high`` more split.
    relative : float
        ``1 − AGI / null_mean``: 0 as spread as random answering, 1 full consensus.
    items : int
        J, the mean number of items behind each respondent's score, rounded to the nearest (half up).
    """

    capability_id: str
    group: str
    basis: Literal["current", "target"]
    value: float
    ci: Interval
    band: Band
    n: int
    reason: str = ""
    null_mean: float = NAN
    critical_low: float = NAN
    critical_high: float = NAN
    relative: float = NAN
    items: int = 0


@dataclass(frozen=True)
class PerceptionGap:
    """Executives' mean minus everyone else's, per capability.

    Attributes
    ----------
    capability_id : str
        The capability.
    management_mean : float
        Mean score of the management team.
    others_mean : float
        Mean score of everyone else.
    gap : float
        The difference, on the answer scale.
    p_value : float
        Two-sided p-value before the family's adjustment: Welch's t in :func:`scoring.score_wave`
        (:func:`scoring.gaps.perception_gaps`), a permutation p-value in the legacy
        :func:`scoring.gaps.perception_gap`.
    exact : bool
        Whether every relabelling was enumerated (legacy permutation test; ``False`` for Welch).
    n_management : int
        Management respondents with a score.
    n_others : int
        Other respondents with a score.
    label : str
        ``"blind spot"`` (executives rate it higher), ``"hidden strength"`` (lower), ``"shared
        view"`` (shown to differ by less than the smallest meaningful gap), ``"no clear gap"``
        or ``"undefined"``.
    test : DifferenceLabel or None
        The error-controlled comparison behind the label (Welch interval, Holm-adjusted p,
        equivalence p, Hedges' g; :func:`scoring.inference.label_family`).
    items_used : tuple of str
        The items both groups were asked, over which the two means are taken.
    reason : str
        Why there is no label; empty otherwise.
    """

    capability_id: str
    management_mean: float
    others_mean: float
    gap: float
    p_value: float
    exact: bool
    n_management: int
    n_others: int
    label: PerceptionLabel
    test: DifferenceLabel | None = None
    items_used: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class SiloGap:
    """Per-department capability means and how strongly departments differ.

    Attributes
    ----------
    capability_id : str
        The capability.
    department_means : tuple of (str, int, float)
        ``(department key, n, mean)`` per shown department.
    spread : float
        Max − min of department means.
    separation : Separation
        One-way ANOVA separation statistics.
    """

    capability_id: str
    department_means: tuple[tuple[str, int, float], ...]
    spread: float
    separation: Separation


@dataclass(frozen=True)
class AmbitionGap:
    """How far the team's target lies above its current score, per capability.

    Attributes
    ----------
    capability_id : str
        The capability.
    current_mean : float
        Team mean of current scores.
    target_mean : float
        Team mean of target scores.
    gap : float
        Target − current.
    current_level : int
        Current maturity level.
    target_level : int
        Target maturity level.
    target_agi : float
        AGI of the target scores.
    """

    capability_id: str
    current_mean: float
    target_mean: float
    gap: float
    current_level: int
    target_level: int
    target_agi: float


@dataclass(frozen=True)
class Camp:
    """A cluster of respondents who see the company alike.

    Attributes
    ----------
    label : str
        The camp's name.
    size : int
        Respondents in it.
    profile : tuple of (str, float)
        ``(capability id, mean score)`` per capability.
    """

    label: str
    size: int
    profile: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class AlignmentMap:
    """Classical MDS of respondent capability profiles, with camps.

    Attributes
    ----------
    respondent_ids : tuple of str
        Respondents, in the map's order.
    coords : tuple of (float, float)
        2-D coordinates per respondent (NaN when off the map).
    camp_of : tuple of int
        Index into ``camps`` per respondent (−1 when off the map).
    camps : tuple of Camp
        The camps.
    stress : float
        Share of distance variance not shown in 2-D.
    reason : str
        Why there is no map; empty otherwise.
    """

    respondent_ids: tuple[str, ...]
    coords: tuple[tuple[float, float], ...]
    camp_of: tuple[int, ...]
    camps: tuple[Camp, ...]
    stress: float
    reason: str = ""


@dataclass(frozen=True)
class RoadmapAction:
    """One action of the roadmap: a step of a capability from one level to the next.

    Attributes
    ----------
    action_id : str
        The instrument's action id.
    capability_id : str
        The capability it raises.
    title : str
        Short title.
    description : str
        What to do.
    from_level, to_level : int
        The level step.
    effort : str
        The instrument's effort estimate.
    horizon_months : int
        Expected duration.
    owner_role : str
        Role that owns it.
    depends_on : tuple of str
        Action ids it depends on.
    priority : float
        Ranking score (higher first).
    cost_band : str or None
        The instrument's cost band (``low``, ``medium``, ``high``, ``capital``; 1.1.0), else ``None``.
    done_when : str or None
        The instrument's done criterion (1.1.0), else ``None``.
    approved_by : str or None
        The role that must approve it (1.1.0), else ``None``.
    quick_win : bool
        Effort S, at most :data:`scoring.roadmap.QUICK_WIN_MONTHS` months, and startable at
        month 0 (no unmet prerequisite or dependency): planned in the first build stage.
    start_month, end_month : int
        When it runs, in months from the start of the roadmap: from its stage's start, after the
        actions of the same stage it depends on.
    """

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
    cost_band: str | None = None
    done_when: str | None = None
    approved_by: str | None = None
    quick_win: bool = False
    start_month: int = 0
    end_month: int = 0


@dataclass(frozen=True)
class RoadmapValidation:
    """A step of stage 1 that tests the executive view of a blind spot against the front line.

    Attributes
    ----------
    capability_id : str
        The capability the management team rates higher than the rest of the organisation.
    title : str
        ``"Test the executive view against the front line"``.
    description : str
        What to do, with the capability's name.
    owner_role : str
        Who leads it (the stage's accountable owner).
    """

    capability_id: str
    title: str
    description: str
    owner_role: str


@dataclass(frozen=True)
class StageKpi:
    """A KPI a roadmap stage reports (instrument 1.1.0: ``Capability.kpis``).

    Attributes
    ----------
    capability_id : str
        The capability the stage raises.
    kpi_id : str
        The KPI's id (``MET-K1``).
    name : str
        Its name.
    unit : str
        Its unit.
    direction : str
        ``"higher"`` or ``"lower"`` is better.
    gate : bool
        Whether it is the capability's gate KPI (``Capability.gate_kpi``), part of the go/no-go.
    """

    capability_id: str
    kpi_id: str
    name: str
    unit: str
    direction: str
    gate: bool = False


@dataclass(frozen=True)
class RoadmapStage:
    """One stage of the roadmap: the align stage or a build stage.

    Attributes
    ----------
    number : int
        1-based stage number.
    name : str
        Stage title.
    kind : {"align", "build"}
        Align (discuss disputed items) or build (raise levels).
    start_month, end_month : int
        Months from the start of the roadmap.
    actions : tuple of RoadmapAction
        Actions of the stage.
    capabilities : tuple of str
        Capabilities the stage works on.
    disputed_items : tuple of str
        Align stage: items to discuss.
    owners : tuple of str
        Owner roles of the actions.
    projected_levels : tuple of (str, int)
        ``(capability id, level after this stage)``.
    decision_gate : str
        What must hold before the next stage (capability ids; the management AGI quoted in
        ``(today: …)``, which :data:`scoring.roadmap.GATE_VALUES_PATTERN` strips).
    goal : str
        What the stage achieves, in words with capability names (the build stages' ``name`` is
        its short form).
    accountable : str
        The one accountable owner, a role of the instrument's ``owner_roles`` (1.1.0); empty
        when the instrument has no role vocabulary (1.0.0: see ``owners``).
    reached : tuple of (str, int, str)
        ``(capability id, level, the instrument's descriptor of that level)`` per capability the
        stage raises.
    kpis : tuple of StageKpi
        The KPIs of the capabilities the stage works on (1.1.0), the gate KPIs marked.
    criteria : tuple of str
        The go/no-go criteria, one sentence each, written with capability names.
    validations : tuple of RoadmapValidation
        Stage 1 only: one step per blind spot, testing the executive view against the front line.
    """

    number: int
    name: str
    kind: Literal["align", "build"]
    start_month: int
    end_month: int
    actions: tuple[RoadmapAction, ...]
    capabilities: tuple[str, ...]
    disputed_items: tuple[str, ...]
    owners: tuple[str, ...]
    projected_levels: tuple[tuple[str, int], ...]
    decision_gate: str
    goal: str = ""
    accountable: str = ""
    reached: tuple[tuple[str, int, str], ...] = ()
    kpis: tuple[StageKpi, ...] = ()
    criteria: tuple[str, ...] = ()
    validations: tuple[RoadmapValidation, ...] = ()


@dataclass(frozen=True)
class Roadmap:
    """The staged roadmap from the current to the target levels.

    Attributes
    ----------
    stages : tuple of RoadmapStage
        Align stage first, then build stages.
    starting_levels : tuple of (str, int)
        ``(capability id, level)`` today.
    target_levels : tuple of (str, int)
        ``(capability id, level)`` planned.
    notes : tuple of str
        E.g. level steps without actions in the instrument, blocked steps.
    owner_note : str
        Empty when the instrument has a role vocabulary (``owner_roles``, 1.1.0); else why the
        stages have no accountable owner (1.0.0: the actions' owners as written).
    """

    stages: tuple[RoadmapStage, ...]
    starting_levels: tuple[tuple[str, int], ...]
    target_levels: tuple[tuple[str, int], ...]
    notes: tuple[str, ...] = ()
    owner_note: str = ""


@dataclass(frozen=True)
class BusinessCase:
    """Repeat revenue under the repurchase model (Wood): customers × revenue × rate.

    Attributes
    ----------
    customers : int
        Number of customers.
    revenue_per_customer : float
        Revenue of one customer.
    base_rate, good_rate, bad_rate : float
        Repurchase rates on average, after good and after bad service.
    service_contact_share : float
        Share of customers with a service contact.
    base_revenue, good_revenue, bad_revenue : float
        Repeat revenue at each rate.
    uplift_good : float
        Good − base.
    loss_bad : float
        Bad − base (negative).
    customers_equivalent_lost : float
        −loss_bad / revenue_per_customer (positive: customers lost).
    uplift_good_share : float
        uplift_good / base_revenue (+0.141 in Wood's example).
    loss_bad_share : float
        loss_bad / base_revenue (−0.590 in Wood's example).
    """

    customers: int
    revenue_per_customer: float
    base_rate: float
    good_rate: float
    bad_rate: float
    service_contact_share: float
    base_revenue: float
    good_revenue: float
    bad_revenue: float
    uplift_good: float
    loss_bad: float
    customers_equivalent_lost: float
    uplift_good_share: float = NAN
    loss_bad_share: float = NAN


LevelCheckLabel = Literal["rated higher", "rated lower", "no clear difference", "not computed"]


@dataclass(frozen=True)
class LevelCheck:
    """The rated level of a capability checked against its item-based level, in one group.

    Respondents who rated a level (the descriptor true today) *and* have an item-based score are
    paired: ``d_i = rated_i − ⌊1 + 4·score_i/100⌋`` (the item-based level clipped to 1..5). The
    sign test on the non-zero ``d_i`` is exact (binomial, p = ½, two-sided) and its p-values are
    adjusted within the wave's level-check family (every capability × group, Holm or BH as
    ``ScoreOptions.label_adjust``); see ``docs/methodology.md#11-capability-level-answers``.

    Attributes
    ----------
    capability_id : str
        The capability.
    group : str
        ``"management"`` or ``"organisation"``.
    n : int
        Respondents with both a rated level and an item-based score.
    rated_median : float
        Median rated level of those respondents (``nan`` when ``n == 0``).
    item_level : int
        ``⌊median⌋`` of their item-based levels ``1 + 4·score/100``, clipped to 1..5, before the
        weakest-item and prerequisite caps (0 when ``n == 0``).
    difference : float
        ``rated_median − item_level``.
    differs : bool
        Descriptive flag: ``|difference| ≥ 1`` (the rated level and the item-based level are a
        whole level or more apart). Not a test.
    n_higher, n_lower, n_equal : int
        Respondents whose rated level is above, below or equal to their own item-based level.
    p_value : float
        Exact two-sided sign-test p-value (``nan`` when not computed).
    p_adjusted : float
        ``p_value`` adjusted within the level-check family.
    label : {"rated higher", "rated lower", "no clear difference", "not computed"}
        ``rated higher``/``rated lower`` when ``p_adjusted < ScoreOptions.label_alpha``.
    reason : str
        Why it is not computed, in words; empty otherwise.
    """

    capability_id: str
    group: str
    n: int
    rated_median: float
    item_level: int
    difference: float
    differs: bool
    n_higher: int
    n_lower: int
    n_equal: int
    p_value: float
    p_adjusted: float
    label: LevelCheckLabel
    reason: str = ""


@dataclass(frozen=True)
class InvestmentPoints:
    """How one group allocated its investment points to one capability.

    Over the respondents of the group who allocated points (a capability they left empty got
    none: 0). Quartiles are linear interpolation between order statistics (numpy's and R's
    default, type 7).

    Attributes
    ----------
    capability_id : str
        The capability.
    group : str
        ``"management"`` or ``"organisation"``.
    n : int
        Respondents of the group who allocated points.
    mean, median, q1, q3 : float
        Mean, median, first and third quartile of the points (``nan`` when ``n == 0``).
    share_zero : float
        Share of those respondents who gave the capability 0 points.
    rank : int
        Rank of the capability by mean points within the group, 1 = most points; tied means share
        the best rank (``1, 2, 2, 4``); 0 when ``n == 0``.
    """

    capability_id: str
    group: str
    n: int
    mean: float
    median: float
    q1: float
    q3: float
    share_zero: float
    rank: int


@dataclass(frozen=True)
class PriorityAgreement:
    """Kendall's coefficient of concordance W of one group's point allocations.

    Each respondent who allocated points ranks the capabilities by their points (ties get
    average ranks); ``W = 12 S / (m²(n³ − n) − m Σ_j T_j)`` with ``m`` raters, ``n``
    capabilities, ``S`` the sum of squared deviations of the capabilities' rank sums from their
    mean and ``T_j = Σ (t³ − t)`` over rater ``j``'s groups of ``t`` tied capabilities (Kendall &
    Babington Smith 1939; tie correction as R ``irr::kendall(correct = TRUE)``). The test is
    Friedman's: ``χ² = m(n − 1)W`` on ``n − 1`` degrees of freedom (large-sample).

    Attributes
    ----------
    group : str
        ``"management"`` or ``"organisation"``.
    n_raters : int
        Respondents who allocated points (``m``).
    n_capabilities : int
        Capabilities ranked (``n``).
    w : float
        Tie-corrected W: 0 = no shared priorities, 1 = every rater ranks the capabilities alike
        (``nan`` when not computable).
    chi2 : float
        Friedman's χ².
    df : int
        ``n − 1``.
    p_value : float
        Upper tail of χ²(df) at ``chi2``.
    reason : str
        Why W is not computable, in words; empty otherwise.
    """

    group: str
    n_raters: int
    n_capabilities: int
    w: float
    chi2: float
    df: int
    p_value: float
    reason: str = ""


@dataclass(frozen=True)
class CapabilityAnswers:
    """What the capability-level answers of an instrument with ``rate_levels`` give.

    Targets are not here: they are the respondents' target levels and flow through the scores,
    levels, target AGIs, ambition gaps and roadmap (``docs/methodology.md#11-capability-level-answers``).

    Attributes
    ----------
    budget : int or None
        Points each respondent allocates (the instrument's ``investment_points``).
    horizon_months : int or None
        The target horizon (the instrument's ``target_horizon_months``).
    level_checks : tuple of LevelCheck
        Per capability and group (management, organisation).
    investment : tuple of InvestmentPoints
        Per capability and group (management, organisation); empty without a budget.
    priorities : tuple of PriorityAgreement
        Kendall's W of the management team and of the organisation; empty without a budget.
    """

    budget: int | None
    horizon_months: int | None
    level_checks: tuple[LevelCheck, ...] = ()
    investment: tuple[InvestmentPoints, ...] = ()
    priorities: tuple[PriorityAgreement, ...] = ()


FindingKind = Literal[
    "perception_gap",
    "misaligned_current",
    "misaligned_target",
    "silo",
    "ambition_gap",
    "borderline_level",
    "prerequisite_cap",
    "strength",
]
FINDING_KINDS: tuple[FindingKind, ...] = (
    "perception_gap",
    "misaligned_current",
    "misaligned_target",
    "silo",
    "ambition_gap",
    "borderline_level",
    "prerequisite_cap",
    "strength",
)
"""Every kind of :class:`Finding`, in the order a tie in salience is broken."""


@dataclass(frozen=True)
class Finding:
    """One candidate finding of a wave, ranked by salience (:mod:`scoring.findings`).

    ``salience = effect × certainty × weight``: the effect in maturity levels, the certainty of
    the calibrated test behind it (0–1) and the capability's weight in the instrument. The
    executive summary leads with the most salient finding; the report, ``score --format json``
    and the web app share the same list.

    Attributes
    ----------
    kind : FindingKind
        What was found (:data:`FINDING_KINDS`).
    capability_id : str
        The capability (``"overall"`` for a finding about the whole instrument).
    population : str
        Whose view: ``"management"``, ``"organisation"``, ``"managers"``, ``"staff"``,
        ``"management_vs_organisation"``, ``"departments"`` (a silo: departments against each
        other) or ``"department:<key>"`` (a group name, :func:`department_group`).
    effect_levels : float
        The size in maturity levels (absolute; ``direction`` carries the sign).
    direction : int
        ``+1`` or ``−1`` (e.g. executives above or below the organisation), ``0`` when it has none.
    certainty : float
        0–1 from the calibrated statistic (e.g. ``1 − p_adjusted``); 1 for a definition (a
        prerequisite cap).
    weight : float
        The capability's weight.
    salience : float
        ``effect_levels × certainty × weight``.
    label : str
        The error-controlled label behind it (``"blind spot"``, ``"misaligned"`` …).
    headline : str
        One plain sentence naming the capability and the populations, for the summary.
    evidence : dict of str to float
        The numbers behind it (named, e.g. ``{"management": 3.9, "organisation": 2.7}``), the same
        the detailed pages print.
    n : int or None
        Respondents behind it (``None`` when it would reveal a group below k).
    """

    kind: FindingKind
    capability_id: str
    population: str
    effect_levels: float
    direction: int
    certainty: float
    weight: float
    salience: float
    label: str
    headline: str
    evidence: dict[str, float] = field(default_factory=dict)
    n: int | None = None


@dataclass(frozen=True)
class WaveResult:
    """Everything :func:`scoring.score_wave` computes for one wave.

    Attributes
    ----------
    instrument_ref : str
        ``<instrument-id>@<version>`` scored against.
    instrument_hash : str
        Content hash of the instrument.
    data_hash : str
        Hash of the responses scored.
    wave : str
        The wave id.
    options : ScoreOptions
        The options used, ``management_roles`` resolved.
    n_respondents : int
        Respondents in the wave.
    capabilities : tuple of str
        Capability ids, in instrument order.
    scores : tuple of CapabilityScore
        Per capability.
    levels : tuple of MaturityLevel
        Per capability.
    items : tuple of ItemStats
        Per item.
    agreement : tuple of CapabilityAgreement
        Per capability.
    agi : tuple of AGIResult
        Every capability and ``"overall"``, per group and basis.
    perception : tuple of PerceptionGap
        Per capability.
    silos : tuple of SiloGap
        Per capability.
    ambition : tuple of AmbitionGap
        Per capability.
    alignment_map : AlignmentMap
        The map of respondents.
    roadmap : Roadmap
        The staged roadmap.
    business_case : BusinessCase
        The repurchase business case.
    warnings : tuple of str
        What the reader should know about the data.
    capability_answers : CapabilityAnswers or None
        Level checks, investment points and priority agreement of an instrument with
        ``rate_levels``; ``None`` otherwise (and then absent from the JSON).
    findings : tuple of Finding
        The wave's candidate findings, most salient first (:mod:`scoring.findings`).
    """

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
    agi: tuple[AGIResult, ...]
    perception: tuple[PerceptionGap, ...]
    silos: tuple[SiloGap, ...]
    ambition: tuple[AmbitionGap, ...]
    alignment_map: AlignmentMap
    roadmap: Roadmap
    business_case: BusinessCase
    warnings: tuple[str, ...] = ()
    capability_answers: CapabilityAnswers | None = None
    findings: tuple[Finding, ...] = ()

    def score(self, capability_id: str) -> CapabilityScore:
        """The team score of a capability.

        Parameters
        ----------
        capability_id : str
            The capability.

        Returns
        -------
        CapabilityScore
            Its team score.

        Raises
        ------
        KeyError
            Naming the known ids, when the wave has no such capability.
        """
        for s in self.scores:
            if s.capability_id == capability_id:
                return s
        raise KeyError(
            f"no score for capability {capability_id!r} in wave {self.wave!r}; "
            f"known: {', '.join(self.capabilities)}"
        )

    def level(self, capability_id: str) -> MaturityLevel:
        """The maturity level of a capability.

        Parameters
        ----------
        capability_id : str
            The capability.

        Returns
        -------
        MaturityLevel
            Its level.

        Raises
        ------
        KeyError
            Naming the known ids, when the wave has no such capability.
        """
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
        """The AGI of one capability, group and basis.

        Parameters
        ----------
        capability_id : str, default "overall"
            The capability, or ``"overall"``.
        group : str, default "management"
            ``"management"``, ``"organisation"`` or ``department_group(key)``.
        basis : str, default "current"
            ``"current"`` or ``"target"``.

        Returns
        -------
        AGIResult
            The AGI.

        Raises
        ------
        KeyError
            When there is no such AGI (departments are named ``department_group(key)``).
        """
        for a in self.agi:
            if (a.capability_id, a.group, a.basis) == (capability_id, group, basis):
                return a
        raise KeyError(
            f"no AGI for capability {capability_id!r}, group {group!r}, basis {basis!r} in wave "
            f"{self.wave!r}; departments are named department_group(key), e.g. 'department:sales'"
        )


ChangeLabel = Literal["improved", "stable", "declined", "no clear change", "undefined"]


@dataclass(frozen=True)
class CapabilityChange:
    """Change of one capability between two waves, on the items both waves can compare.

    Score change is on the answer scale (``after − before``); ``ci`` is the interval of the test
    behind the label: the paired t when the same pseudonymous respondents answered both waves,
    the partially overlapping t (Derrick et al. 2017) with newcomers, Welch's t without pairs.
    All changes of one wave pair form a Holm family: ``improved``/``declined`` when the adjusted
    test rejects no change, ``stable`` when the change is shown to lie within ``±sesoi``, ``no
    clear change`` when neither, ``undefined`` with ``reason`` when no test is possible.

    Attributes
    ----------
    capability_id : str
        The capability.
    group : str
        ``"organisation"``, ``"management"`` or ``department_group(key)``.
    wave_before, wave_after : str
        The two waves.
    n_before, n_after : int
        Respondents with a score in each.
    score_before, score_after : float
        Mean scores on the compared items.
    change : float
        ``score_after − score_before``.
    ci : Interval
        Interval of the change from the test behind the label (``ci_level``).
    agi_before, agi_after : float
        AGIs in each wave.
    agi_change : float
        ``agi_after − agi_before``.
    agi_ci : Interval
        Interval of the AGI change in AGI points: the ``agi_test`` interval of
        ``log((AGI_after + 1)/(AGI_before + 1))`` at the earlier wave's AGI (holds 0 exactly when
        the unadjusted test does not reject).
    label : str
        ``"improved"``, ``"declined"``, ``"stable"``, ``"no clear change"`` or ``"undefined"``.
    items_used : tuple of str
        Item ids of the later wave's instrument.
    reason : str
        Why the change is undefined; empty otherwise.
    test : DifferenceLabel or None
        The error-controlled comparison behind the label (paired, partly paired or Welch;
        Holm-adjusted within the report's family; :func:`scoring.inference.wave_change`).
    n_paired : int
        Respondents (by pseudonymous id) who answered both waves.
    agi_test : DifferenceLabel or None
        The error-controlled test of the AGI change behind ``agi_label``
        (:func:`scoring.trend.agi_change`: jackknife on ``log(AGI + 1)``, in the same Holm family
        as the score changes); its estimate and interval are on the log scale.
    agi_label : str
        ``"more aligned"``, ``"less aligned"``, ``"no clear change"`` or ``"undefined"`` (the
        reason in ``agi_test.reason``); empty when not computed.
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
    items_used: tuple[str, ...] = ()
    reason: str = ""
    test: DifferenceLabel | None = None
    n_paired: int = 0
    agi_test: DifferenceLabel | None = None
    agi_label: str = ""


@dataclass(frozen=True)
class WaveComparison:
    """Consecutive-wave changes for every capability (and group), oldest pair first.

    Attributes
    ----------
    waves : tuple of str
        Wave ids, oldest first.
    instrument_refs : tuple of str
        Instrument of each wave.
    changes : tuple of CapabilityChange
        Every capability and group, per consecutive pair.
    dropped_items : tuple of (str, str, tuple of str)
        ``(wave_before, wave_after, item ids)`` left out because one wave cannot compare them.
    notes : tuple of str
        What the reader should know about the comparison.
    """

    waves: tuple[str, ...]
    instrument_refs: tuple[str, ...]
    changes: tuple[CapabilityChange, ...]
    dropped_items: tuple[tuple[str, str, tuple[str, ...]], ...]
    notes: tuple[str, ...] = ()

    def change_for(
        self, capability_id: str, group: str = "organisation", wave_after: str | None = None
    ) -> CapabilityChange:
        """The change of one capability and group.

        Parameters
        ----------
        capability_id : str
            The capability.
        group : str, default "organisation"
            ``"organisation"``, ``"management"`` or ``department_group(key)``.
        wave_after : str, optional
            The later wave of the pair; ``None`` takes the first pair.

        Returns
        -------
        CapabilityChange
            The change.

        Raises
        ------
        KeyError
            When there is no such change.
        """
        for c in self.changes:
            if (c.capability_id, c.group) == (capability_id, group) and wave_after in (
                None,
                c.wave_after,
            ):
                return c
        raise KeyError((capability_id, group, wave_after))

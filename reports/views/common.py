"""Pieces every report's view model shares: the frozen dataclasses, formatting and suppression helpers.

Templates and charts only ever see what the view models build. Every number a reader can see is
formatted here (see :mod:`reports.formatting`); groups below the anonymity threshold are removed
here (see :mod:`reports.anonymity`), so no hidden value can leak through a template or a chart.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from questionnaires.answers import ResponseSet
from questionnaires.model import Instrument
from reports.anonymity import (
    Suppression,
    isolated_members,
    safe_level_estimate,
    suppress_cells,
    suppress_groups,
    unsized,
)
from reports.formatting import (
    COMMENT_MAX,
    DASH,
    cap_text,
    clean_text,
    fmt_int,
    fmt_num,
    fmt_p,
    fmt_pct,
    one_decimal,
    short_hash,
)
from reports.options import ReportOptions
from scoring.results import (
    AGIResult,
    CapabilityAgreement,
    MaturityLevel,
    PerceptionGap,
    SiloGap,
    WaveResult,
)
from scoring.stability import LevelEstimate

NAN = float("nan")
BAND_CLASS = {
    "aligned": "ok",
    "partly aligned": "warn",
    "misaligned": "bad",
    "indeterminate": "na",
    "not distinguishable from random answering": "rnd",
    "undefined": "na",
}
#: the band as a pill prints it (the legend sentence, :data:`BAND_LEGEND`, gives the full words)
BAND_SHORT = {
    "not distinguishable from random answering": "too few to tell",
    "indeterminate": "between bands",
}
#: what "too few to tell" means, in words a manager can check against the table
RANDOM_WORDS = (
    "the spread is within what random answering would give for this many people and "
    "statements, so it cannot be told apart yet"
)
BAND_LEGEND = (
    "Alignment bands, as applied: “aligned” (AGI below 15) and “partly aligned” (15–25) need the "
    "management team's AGI below what random answering gives in 95% of teams of its size and its "
    "whole 95% interval inside the band; “misaligned” needs the AGI above what random answering "
    "gives in 95% of teams and its whole interval above both the random-answering AGI and 15. "
    f"“Too few to tell” means {RANDOM_WORDS}; “between bands” means the interval reaches into "
    "more than one band."
)


def _nan(x: float) -> bool:
    return isinstance(x, float) and math.isnan(x)


# -- view model types -------------------------------------------------------------------------


@dataclass(frozen=True)
class Meta:
    title: str
    subtitle: str
    client: str
    wave: str
    date: str
    instrument_ref: str
    instrument_title: str
    instrument_hash: str
    instrument_hash_short: str
    data_hash: str
    data_hash_short: str
    n_respondents: str
    n_management: str
    min_group: int
    min_group_comments: int
    named_workshop: bool
    keywords: str
    author: str
    lang: str
    #: trend report: ``(wave, data hash)`` of every wave, oldest first (empty otherwise)
    wave_hashes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str
    note: str
    css: str = ""


@dataclass(frozen=True)
class Finding:
    """One key finding of the team report.

    Attributes
    ----------
    kind : str
        ``"alignment"``, ``"perception"``, ``"silo"`` or ``"ambition"``.
    capability : str
        Capability name.
    headline : str
        The finding in one sentence.
    detail : str
        The numbers behind it.
    implication : str
        What it means for the workshop.
    severity : float
        Used for ranking only, never printed.
    """

    kind: str
    capability: str
    headline: str
    detail: str
    implication: str
    severity: float


@dataclass(frozen=True)
class CapabilityRow:
    id: str
    name: str
    weight: str
    level: str
    level_name: str
    target_level: str
    median: str
    mean: str
    ci: str
    target_median: str
    agi: str
    agi_band: str
    band_css: str
    agi_target: str
    n: str
    explanation: str
    holding_back: str
    #: the band as its pill prints it (see :data:`BAND_LEGEND`)
    agi_pill: str = ""
    #: the AGI's interval, or why it has none
    agi_interval: str = ""
    #: what random answering would give, in words, or why the AGI is not computed
    agi_reference: str = ""
    #: the AGI random answering would give (its null mean), or why there is none
    agi_null: str = ""
    #: the management team's level: "level 2 (2.9), borderline: could be 2 or 3 (management
    #: team, n = 8)", or why it is not shown
    level_management: str = ""
    #: the organisation's, beside it
    level_organisation: str = ""
    #: does the team agree? "yes" / "no" / "cannot tell" / "not computed", css and the sentence
    agrees: str = ""
    agree_css: str = "na"
    agree_note: str = ""
    #: whose agreement: "management team" or "everyone"
    agree_population: str = ""
    #: the organisation's level (after its caps), beside ``level`` (the management team's where
    #: it may be shown)
    level_org: str = ""
    #: whose level ``level`` is: "management team" or "organisation"
    level_population: str = ""
    #: the target AGI's band as its pill prints it, and its random reference
    agi_target_pill: str = ""
    agi_target_css: str = "na"
    agi_target_null: str = ""
    #: statements averaged per score (J) behind "if random"
    agi_items: str = ""
    #: "The management team does not agree on this: the level is not a shared view." or empty
    shared_note: str = ""
    #: "why this level": the organisation level's descriptor and the statements holding it back
    why: str = ""
    #: the management team's / organisation's level uncertainty, short (``3.5 · borderline 3–4``)
    level_mark: str = ""
    level_org_mark: str = ""
    #: "at a glance": the management team against everyone else, "+1.2 blind spot", or "–"
    perception: str = ""
    perception_css: str = "na"


@dataclass(frozen=True)
class DotRow:
    """One capability of the dot plot: anonymous respondent scores (no ids, no order).

    Attributes
    ----------
    name : str
        Capability name.
    management : tuple of float
        Scores of the management team.
    others : tuple of float
        Scores of everyone else.
    median : float
        Team median.
    label : str
        The median as printed.
    q1, q3 : float
        Quartiles of the team: a reissue draws the middle half of the team (q1–q3) instead of one
        dot per person.
    """

    name: str
    management: tuple[float, ...]
    others: tuple[float, ...]
    median: float
    label: str
    q1: float = NAN
    q3: float = NAN


@dataclass(frozen=True)
class HeatCell:
    text: str
    css: str  # background class h-2..h+2 or 'na'


@dataclass(frozen=True)
class HeatRow:
    name: str
    all_text: str
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class Heatmap:
    columns: tuple[str, ...]  # department display names with n
    rows: tuple[HeatRow, ...]
    note: str
    names: tuple[str, ...] = ()  # the display names alone (user text, isolated in the template)
    sizes: tuple[str, ...] = ()  # their respondent counts


@dataclass(frozen=True)
class PerceptionRow:
    name: str
    management: str
    others: str
    gap: str
    p: str
    label: str
    css: str
    gap_value: float  # for the chart
    #: the difference's interval, or empty
    ci: str = ""
    #: items used when fewer than all, or why the gap is not labelled
    note: str = ""


@dataclass(frozen=True)
class PerceptionTestRow:
    """The test behind one perception label (technical appendix).

    Attributes
    ----------
    name : str
        Capability name.
    p : str
        Raw two-sided p-value.
    p_adjusted : str
        Holm- (or Benjamini–Hochberg-) adjusted p-value within the report's family.
    equivalence_p : str
        Adjusted equivalence (TOST) p-value against the smallest meaningful difference.
    g : str
        Hedges' g with its interval.
    items : str
        Items used when fewer than all, else ``all``.
    """

    name: str
    p: str
    p_adjusted: str
    equivalence_p: str
    g: str
    items: str


@dataclass(frozen=True)
class AgreementRow:
    """Technical appendix: the agreement statistics of one capability.

    Attributes
    ----------
    name : str
        Capability name.
    n : str
        Respondents (``–`` in a reissue).
    index : str
        r*wg(J) against the triangular null, everyone.
    gate : str
        The value it must reach (``max(.5, critical value)``).
    index_management : str
        The same for the management team, or why not shown.
    k_alpha : str
        Krippendorff's α (interval), items as units.
    rwg_j : str
        rwg(J) against the uniform null.
    icc : str
        ICC(1) and ICC(2,k), items as targets.
    flags : tuple of str
        Item–rest messages (items under .2).
    """

    name: str
    n: str
    index: str
    gate: str
    index_management: str
    k_alpha: str
    rwg_j: str
    icc: str
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiloRow:
    name: str
    spread: str
    highest: str
    lowest: str
    icc1: str
    eta2: str
    f: str
    p: str


@dataclass(frozen=True)
class CampView:
    label: str
    size: str
    sees_higher: str
    sees_lower: str


@dataclass(frozen=True)
class MapData:
    """The alignment map as drawn: points, camps and labels.

    Attributes
    ----------
    coords : tuple of (float, float)
        2-D coordinates per respondent.
    camp_of : tuple of int
        Camp index per respondent.
    camp_labels : tuple of str
        Camp names.
    labels : tuple of str
        Respondent ids only in a named workshop, else empty.
    """

    coords: tuple[tuple[float, float], ...]
    camp_of: tuple[int, ...]
    camp_labels: tuple[str, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class DisputedItem:
    id: str
    capability: str
    text: str
    median: str
    agi: str
    rwg: str
    distribution: tuple[tuple[str, int | str, str], ...]  # (label, count or – in a reissue, bar %)
    #: the AGI one statement answered at random would give
    reference: str = ""
    #: why the statement has no rwg, or empty
    note: str = ""
    #: the management team's answers per row, (count, bar % of its base), empty when not shown
    management: tuple[tuple[int | str, str], ...] = ()
    #: whose answers the bars are, with the base n (``Whole organisation (n = 58)``)
    base: str = ""
    #: the management team's base (``Management team (n = 8)``), empty when not shown
    management_base: str = ""
    #: reverse-worded: rows are turned round so they run to the customer-centric end
    reverse: bool = False


@dataclass(frozen=True)
class RoadmapActionView:
    id: str
    title: str
    capability: str
    levels: str
    effort: str
    horizon: str
    owner: str
    #: what to do (the instrument's description)
    description: str = ""
    #: the actions it waits for, by id (``MET-A2-1, SYS-A2-1``), or empty
    depends_on: str = ""
    #: 1.1.0: cost band (``S``/``M``/``L`` or the instrument's words) and done criterion
    cost_band: str = ""
    done_when: str = ""
    #: months of the roadmap it runs in (``3–6``), empty when scoring gives none
    months: str = ""
    quick_win: bool = False


@dataclass(frozen=True)
class StageView:
    """One roadmap stage as printed.

    Attributes
    ----------
    number : int
        Stage number.
    name : str
        Stage title.
    kind : str
        ``"align"`` or ``"build"``.
    months : str
        ``"Months a–b"``.
    start, end : int
        First and last month.
    actions : tuple of RoadmapActionView
        The stage's actions.
    focus : str
        Capability names the stage works on, or ``–``.
    disputed : str
        Align stage: items to discuss (those shown).
    owners : str
        Owner roles, or ``–``.
    projected : str
        ``"capability → level"`` after the stage, for shown capabilities.
    gate : str
        The decision gate (:func:`safe_gate`).
    goal : str
        What the stage achieves, with capability names.
    accountable : str
        The one accountable owner (an ``owner_roles`` id), or empty.
    reached : tuple of (str, str, str)
        ``(capability, level, descriptor)`` each capability reaches.
    kpis : tuple of (str, str)
        ``(capability, its KPIs)``; gate KPIs marked ``(gate)``.
    criteria : tuple of str
        The go/no-go criteria, with capability names.
    validations : tuple of (str, str)
        Stage 1: ``(title, description)`` of the validation steps for blind spots.
    """

    number: int
    name: str
    kind: str
    months: str
    start: int
    end: int
    actions: tuple[RoadmapActionView, ...]
    focus: str
    disputed: str
    owners: str
    projected: str
    gate: str
    #: what the stage achieves, in words with capability names
    goal: str = ""
    #: the one accountable owner (a role of the instrument's ``owner_roles``), or empty
    accountable: str = ""
    #: ``(capability, level, descriptor)`` each capability reaches at the end of the stage
    reached: tuple[tuple[str, str, str], ...] = ()
    #: the KPIs the stage reports, ``Net Promoter Score (points, higher; gate)``, by capability
    kpis: tuple[tuple[str, str], ...] = ()
    #: go/no-go criteria, one sentence each with capability names
    criteria: tuple[str, ...] = ()
    #: stage 1: ``(title, description)`` per blind spot to validate with the front line
    validations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class BusinessRow:
    """One row of a business-case table: a label and its figures, formatted."""

    label: str
    values: tuple[str, ...]
    css: str = ""


@dataclass(frozen=True)
class BusinessView:
    """The business case from the client's engagement file (``docs/reports.md#business-case``).

    Attributes
    ----------
    shown : bool
        An engagement file was given; else the section is one line (``note``).
    note : str
        Without an engagement: the line saying the section is left out and how to add it.
    client, currency : str
        From the engagement.
    inputs : str
        The client's numbers in one sentence (customers, revenue, contact share, mix).
    revenue : tuple of BusinessRow
        Revenue retained today and at the target mix, and the gain.
    gain, gain_pct, gain_short : str
        The yearly gain (full, as a share of today's, and rounded for the headline).
    stages : tuple of BusinessRow
        Investment per stage (name, months, cost, share of the gain); empty without costs.
    investment, payback, breakeven : str
        Total investment, simple payback in months, break-even month on the roadmap's calendar.
    sensitivity : tuple of BusinessRow
        Low, base and high: mix achieved, rates, yearly gain, payback, net over the horizon.
    staging : str
        The value of staging in one or two sentences.
    win_back : str
        What bad contacts cost today as customers to win back, at the acquisition cost.
    investment_note : str
        Why investment, payback and staging are missing (an instrument without cost bands).
    source : str
        The repurchase model's source.
    horizon : str
        The horizon in months.
    """

    shown: bool
    note: str = ""
    client: str = ""
    currency: str = "USD"
    inputs: str = ""
    revenue: tuple[BusinessRow, ...] = ()
    gain: str = ""
    gain_pct: str = ""
    gain_short: str = ""
    stages: tuple[BusinessRow, ...] = ()
    investment: str = ""
    payback: str = ""
    breakeven: str = ""
    sensitivity: tuple[BusinessRow, ...] = ()
    staging: str = ""
    win_back: str = ""
    investment_note: str = ""
    source: str = ""
    horizon: str = ""


@dataclass(frozen=True)
class ReliabilityRow:
    name: str
    n: str
    cronbach: str
    cronbach_listwise: str
    k_alpha: str
    k_alpha_ordinal: str
    rwg_j: str
    ad: str
    note: str
    verdict: str = ""  # internal consistency in words
    verdict_css: str = "na"
    agrees: str = ""  # does the team agree? (see agreement_words)
    agree_css: str = "na"
    agree_note: str = ""
    agree_population: str = ""


@dataclass(frozen=True)
class ItemRow:
    id: str
    text: str
    reverse: bool
    n: str
    n_na: str
    median: str
    target_median: str


@dataclass(frozen=True)
class ItemGroup:
    capability: str
    items: tuple[ItemRow, ...]


@dataclass(frozen=True)
class Params:
    """Parameters the methodology appendix quotes."""

    band_low: str
    band_high: str
    bootstrap: str
    ci_level: str
    seed: str
    min_answered: str
    management_roles: str
    scale: str
    scale_range: str
    sesoi: str = "0.5"
    level_margin: str = "0.1"


@dataclass(frozen=True)
class TeamReport:
    """View model of the team/workshop report: every section, formatted and anonymised.

    Attributes
    ----------
    kind : str
        ``"team"``: the template to fill.
    meta : Meta
        Cover and provenance (title, organisation, wave, instrument, hashes, date).
    headline : str
        The summary sentence.
    kpis : tuple of Kpi
        The summary figures.
    findings : tuple of Finding
        The largest findings, most salient first (``scoring.results.WaveResult.findings``).
    decision : str
        The decision the summary asks of the board (from the leading finding).
    capabilities : tuple of CapabilityRow
        One row per capability (score, level, agreement).
    radar : tuple of (str, float, float)
        ``(name, current median, target median)`` per capability.
    dots : tuple of DotRow
        The dot plot.
    dots_by_role : bool
        Whether dots are coloured by management and others.
    heatmap : Heatmap or None
        Capability × department means, ``None`` without departments to show.
    perception : tuple of PerceptionRow
        Perception gaps.
    perception_note : str
        What the perception section leaves out and why.
    silos : tuple of SiloRow
        Silo gaps.
    silo_note : str
        What the silo section leaves out and why.
    camps : tuple of CampView
        The alignment map's camps.
    map : MapData or None
        The alignment map, ``None`` when not drawn.
    map_note : str
        What the map leaves out and why.
    disputed : tuple of DisputedItem
        The most disputed items.
    disputed_note : str
        What the disputed-items section leaves out and why.
    stages : tuple of StageView
        The roadmap's stages.
    stage_span : int
        Months the roadmap spans.
    business : BusinessView
        The business case.
    reliability : tuple of ReliabilityRow
        Agreement and reliability statistics per capability.
    reliability_summary : str
        The reliability section in a sentence.
    items : tuple of ItemGroup
        Appendix: item statistics per capability.
    comments : tuple of (str, str)
        ``(item id, text)``, unattributed, sorted.
    comments_note : str
        What the comments section leaves out and why.
    params : Params
        Scoring and anonymity parameters printed in the appendix.
    level_names : tuple of str
        Names of the maturity levels 1–5.
    warnings : tuple of str
        Scoring warnings safe to print.
    reissue : bool
        A reissue: the dot plot shows quartiles, the alignment map no points (see ``dots_caption``).
    dots_caption : str
        The dot plot's caption in a reissue, else empty.
    roadmap_note : str
        What the roadmap leaves out and why.
    reissue_note : str
        A reissue: the one sentence on what it leaves out and why (empty otherwise).
    band_legend : str
        What the alignment bands mean, in one sentence.
    perception_tests : tuple of PerceptionTestRow
        Technical appendix: the test behind each perception label.
    perception_tests_note : str
        How the perception labels are decided.
    agreement : tuple of AgreementRow
        Technical appendix: agreement statistics per capability.
    agreement_note : str
        Why Krippendorff's α, rwg(J) and r*wg(J) differ.
    item_flags : tuple of str
        Items whose item–rest correlation is under .2, in words.
    level_note : str
        Whose scores the levels are and what "borderline" means.
    team_label, org_label : str
        Column-group headers naming the management team and the organisation, with their n
        (none in a reissue).
    alts : dict of str to str
        Each chart's alternative text, its message in words.
    map_population : str
        Whose alignment map is drawn, with its n.
    owner_legend : tuple of (str, str)
        The roadmap's owner roles with the instrument's definitions.
    kpi_note : str
        Empty, or the line that the instrument version defines no KPIs.
    others_label : str
        The perception comparison's other population, ``Everyone else (n = 52)``.
    silo_lead : str
        The silo section's first sentence: which capabilities are real silos.
    """

    kind: str
    meta: Meta
    headline: str
    kpis: tuple[Kpi, ...]
    findings: tuple[Finding, ...]
    capabilities: tuple[CapabilityRow, ...]
    decision: str
    radar: tuple[tuple[str, float, float], ...]
    dots: tuple[DotRow, ...]
    dots_by_role: bool
    heatmap: Heatmap | None
    perception: tuple[PerceptionRow, ...]
    perception_note: str
    silos: tuple[SiloRow, ...]
    silo_note: str
    camps: tuple[CampView, ...]
    map: MapData | None
    map_note: str
    disputed: tuple[DisputedItem, ...]
    disputed_note: str
    stages: tuple[StageView, ...]
    stage_span: int
    business: BusinessView
    reliability: tuple[ReliabilityRow, ...]
    reliability_summary: str
    items: tuple[ItemGroup, ...]
    comments: tuple[tuple[str, str], ...]
    comments_note: str
    params: Params
    level_names: tuple[str, ...]
    warnings: tuple[str, ...]
    reissue: bool = False
    dots_caption: str = ""
    roadmap_note: str = ""
    reissue_note: str = ""
    band_legend: str = BAND_LEGEND
    perception_tests: tuple[PerceptionTestRow, ...] = ()
    perception_tests_note: str = ""
    agreement: tuple[AgreementRow, ...] = ()
    agreement_note: str = ""
    item_flags: tuple[str, ...] = ()
    level_note: str = ""
    #: column-group headers naming each population: ``Management team (n = 8)``,
    #: ``Organisation (n = 60)`` (no n in a reissue)
    team_label: str = "Management team"
    org_label: str = "Organisation"
    #: each chart's alternative text (its message in words), keyed as ``team_charts``
    alts: dict[str, str] = field(default_factory=dict)
    #: whose alignment map it is: ``Management team (n = 8)`` (the people in the room) or, when
    #: the management team may not be shown, ``Whole organisation (n = 60)``
    map_population: str = ""
    #: the owner roles the roadmap names, with the instrument's definition (``owner_roles``)
    owner_legend: tuple[tuple[str, str], ...] = ()
    #: KPIs: empty, or the line saying the instrument version defines none
    kpi_note: str = ""
    #: the perception comparison's other population: ``Everyone else (n = 52)``
    others_label: str = "Everyone else"
    #: the silo section's first sentence: which capabilities are real silos (``Only Metrics &
    #: Incentives is a real silo: ...``), from the findings engine's silo findings
    silo_lead: str = ""


# -- helpers ----------------------------------------------------------------------------------


def _level_names(instrument: Instrument) -> tuple[str, ...]:
    """Names of maturity levels 1-5: the labels of the 5-option scale most items use."""
    from collections import Counter

    used = Counter(i.scale for i in instrument.items if instrument.scales[i.scale].options == 5)
    if used:
        return tuple(instrument.scales[used.most_common(1)[0][0]].labels)
    return tuple(f"Level {k}" for k in range(1, 6))


def _scale_bounds(instrument: Instrument) -> tuple[int, int]:
    scale = next(iter(instrument.scales.values()))
    return scale.low, scale.high


def department_suppression(
    responses: ResponseSet, options: ReportOptions, k: int | None = None
) -> tuple[Suppression, dict[str, str], dict[str, int]]:
    """Which departments may be shown, with display names and sizes (keys are normalised names)."""
    counts: dict[str, int] = {}
    for r in responses.respondents:
        counts[r.department_key] = counts.get(r.department_key, 0) + 1
    sup = suppress_groups(
        counts, k or options.min_group, total_shown=True, named=options.named_workshop
    )
    names = {d: clean_text(n) or d for d, n in responses.department_names().items()}
    return sup, names, counts


def _meta(
    result: WaveResult,
    instrument: Instrument,
    responses: ResponseSet,
    options: ReportOptions,
    title: str,
    subtitle: str,
) -> Meta:
    mgmt = sum(1 for r in responses.respondents if r.role in result.options.management)
    client = clean_text(options.theme.client or "") or instrument.title
    return Meta(
        title=title,
        subtitle=subtitle,
        client=client,
        wave=clean_text(result.wave),
        # the data carry no collection date, and the clock would break reproducible output:
        # a date is printed only when given (--date)
        date=clean_text(options.report_date or ""),
        instrument_ref=result.instrument_ref,
        instrument_title=instrument.title,
        instrument_hash=result.instrument_hash,
        instrument_hash_short=short_hash(result.instrument_hash),
        data_hash=result.data_hash,
        data_hash_short=short_hash(result.data_hash),
        n_respondents=fmt_int(result.n_respondents),
        # a management team below k is not even sized: its size is a figure of fewer than k
        n_management=DASH
        if options.reissue
        else fmt_int(mgmt)
        if mgmt == 0 or mgmt >= options.min_group or options.named_workshop
        else f"fewer than {options.min_group}",
        min_group=options.min_group,
        min_group_comments=options.min_group_comments,
        named_workshop=options.named_workshop,
        keywords=", ".join(
            ["customer centricity", "maturity", "alignment", instrument.id, result.wave]
        ),
        author=options.author,
        lang=options.lang,
    )


def _params(result: WaveResult, instrument: Instrument) -> Params:
    o = result.options
    low, high = _scale_bounds(instrument)
    return Params(
        band_low=fmt_num(o.agi_bands[0], 0),
        band_high=fmt_num(o.agi_bands[1], 0),
        bootstrap=fmt_int(o.bootstrap),
        ci_level=fmt_pct(o.ci_level),
        seed=str(o.seed),
        min_answered=fmt_pct(o.min_answered_share),
        management_roles=", ".join(o.management),
        scale=", ".join(f"{k + low} {lab}" for k, lab in enumerate(_level_names(instrument))),
        scale_range=f"{low}–{high}",
        sesoi=fmt_num(o.sesoi),
        level_margin=fmt_num(o.level_margin),
    )


def _perception_shown(
    p: PerceptionGap, options: ReportOptions, isolated: frozenset[str] = frozenset()
) -> bool:
    """A perception gap is shown only when both of its groups have k respondents with a score
    and no one's score follows from the published sums (``isolated``: capabilities where it
    would, see :func:`_isolating_perception`)."""
    k = options.min_group
    if options.named_workshop:
        return True
    return p.n_management >= k and p.n_others >= k and p.capability_id not in isolated


def _isolating_perception(
    result: WaveResult,
    responses: ResponseSet,
    cells: dict[str, dict[str, float]],
    is_mgmt: Sequence[bool],
) -> frozenset[str]:
    """Capabilities whose management and others means, beside the organisation mean and the
    shown department cells, would give one respondent's score (rule 5, as
    :func:`assessment.service.safe_result`)."""
    keys = [r.department_key for r in responses.respondents]
    out = set()
    for sc in result.scores:
        scored = [i for i, v in enumerate(sc.respondent_scores) if not _nan(v)]
        m = {i for i in scored if is_mgmt[i]}
        published = [set(scored), m, set(scored) - m] + [
            {i for i in scored if keys[i] == d} for d in cells.get(sc.capability_id, {})
        ]
        if isolated_members(published):
            out.add(sc.capability_id)
    return frozenset(out)


def _few(k: int) -> str:
    """What a withheld team figure says instead of a number."""
    return f"fewer than {k} answered"


REISSUE_NOTE = (
    "This report is a reissue for a changed set of respondents, so it leaves out department, "
    "management-versus-others and camp figures, answer counts and comments, and gives capability "
    "figures to one decimal: compared with the earlier report, these would reveal the answers of "
    "the people added or removed."
)
_one_decimal = one_decimal  # the views' name for reports.formatting.one_decimal


def _r1(x: float) -> float:
    """A chart value of a reissue to one decimal, as printed (NaN stays NaN)."""
    return x if _nan(x) else round(x, 1)


def _p_text(p: float) -> str:
    text = fmt_p(p)
    return text if text.startswith("<") else f"= {text}"


# -- findings ---------------------------------------------------------------------------------


def _consistency(alpha: float) -> tuple[str, str]:
    """Cronbach's α in words: ≥ 0.80 good, ≥ 0.70 adequate, below low (Nunnally's rule of thumb)."""
    if _nan(alpha):
        return "undefined", "na"
    alpha = round(alpha, 2)  # judge the number the reader sees
    if alpha >= 0.8:
        return "good", "ok"
    if alpha >= 0.7:
        return "adequate", "ok"
    return "low", "warn"


def _safe_warnings(
    warnings: Sequence[str], sup: Suppression, dept_names: dict[str, str], k: int = 0
) -> tuple[str, ...]:
    """Scoring warnings, minus any that name a hidden department (they would undo suppression),
    and without the size of any group below ``k`` ("has 2 respondents" reads "has fewer than 3
    respondents").

    Names match as whole words, case-insensitively, so a department keyed ``it`` does not drop
    a warning about an "item".
    """
    pattern = _names_pattern(sup.hidden, dept_names)
    kept = (
        tuple(warnings) if pattern is None else tuple(w for w in warnings if not pattern.search(w))
    )

    return tuple(unsized(_ONE_RESPONDENTS.sub("1 respondent", clean_text(w)), k) for w in kept)


_ONE_RESPONDENTS = re.compile(r"(?<![\d.,])1 respondents\b")


def team_size(n: int, k: int, named: bool) -> str:
    """A group's size as printed: the number, or "fewer than k" for a group below ``k`` (its
    size is a figure of fewer than k people); a named workshop prints the number.

    Examples
    --------
    >>> team_size(8, 3, False), team_size(2, 3, False), team_size(2, 3, True)
    ('8', 'fewer than 3', '2')
    """
    return str(n) if n == 0 or n >= k or named else f"fewer than {k}"


def _names_pattern(keys: Sequence[str], display: dict[str, str]) -> re.Pattern[str] | None:
    """One case-insensitive whole-word pattern for the keys and display names of departments."""
    names = sorted({n for d in keys for n in (d, display.get(d, d)) if n}, key=len, reverse=True)
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _safe_agi(
    result: WaveResult,
    cid: str,
    options: ReportOptions,
    group: str = "management",
    basis: str = "current",
) -> AGIResult | None:
    """The AGI of ``group`` when it may be shown: computed, and from at least k respondents.

    Scoring has its own ``min_group``; this second guard keeps a group statistic from fewer than
    the report's k respondents out of every template (unless the workshop is named).
    """
    try:
        agi = result.agi_for(cid, group, basis)
    except KeyError:
        return None
    if agi.n < options.min_group and not options.named_workshop:
        return None
    return agi


_GATE_NUMBERS = re.compile(r"\s*\((?:management AGI now|today:) [^)]*\)")


def safe_gate(gate: str, management_shown: bool) -> str:
    """A roadmap decision gate without the management AGI values when they are hidden.

    Parameters
    ----------
    gate : str
        The decision gate of :class:`scoring.results.RoadmapStage`.
    management_shown : bool
        Whether the management AGI may be shown.

    Returns
    -------
    str
        ``gate``, or ``gate`` with the AGI values removed.
    """
    return gate if management_shown else _GATE_NUMBERS.sub("", gate)


def _cell_suppression(
    silo: SiloGap,
    result: WaveResult,
    responses: ResponseSet,
    sup: Suppression,
    options: ReportOptions,
) -> dict[str, float]:
    """Department means of one capability that may be shown: ``{department key: mean}``.

    Suppression runs again over every respondent with a score for this capability
    (:func:`reports.anonymity.suppress_cells`), in every department, not only those scoring
    kept: a department hidden for the report whose members have fewer than k scores would
    otherwise follow by subtraction from the organisation mean, which is per capability too.
    Departments hidden for the whole report stay hidden (as in
    :func:`assessment.service.safe_result`).
    """
    keys = [r.department_key for r in responses.respondents]
    scores = result.score(silo.capability_id).respondent_scores
    means = {d: m for d, _n, m in silo.department_means if not _nan(m)}
    hidden = set(sup.hidden) | (set(keys) - set(sup.shown))
    while True:
        cell_sup = suppress_cells(
            keys, scores, options.min_group, hidden=hidden, named=options.named_workshop
        )
        missing = set(cell_sup.shown) - set(means)  # scoring gave no mean: hidden as well
        if not missing or options.named_workshop:
            return {d: means[d] for d in cell_sup.shown if d in means}
        hidden |= missing


def _comments(
    responses: ResponseSet, options: ReportOptions
) -> tuple[tuple[tuple[str, str], ...], str]:
    """Unattributed comments, only when the population reaches ``min_group_comments``."""
    k = options.min_group_comments
    if not responses.comments:
        return (), "No comments were given."
    if options.reissue:
        return (), (
            "Comments are not shown in a reissue: comparing it with the earlier report would "
            "show whose comments were added or removed."
        )
    if responses.n_respondents < k and not options.named_workshop:
        return (), (
            f"Comments are not shown: they need at least {k} respondents, this wave has "
            f"{responses.n_respondents}."
        )
    texts = {(c.item, clean_text(c.text)) for c in responses.comments}
    rows = sorted((item, cap_text(text)) for item, text in texts if text)
    return tuple(rows), (
        "Comments are shown verbatim, without respondent, role or department, and sorted by item and "
        "text so that their order says nothing about who wrote them; control characters are "
        f"removed and a comment longer than {COMMENT_MAX} characters is cut (…)."
    )


def _quartiles(vals: Sequence[float]) -> tuple[float, float, float]:
    v = sorted(x for x in vals if not _nan(x))
    if not v:
        return NAN, NAN, NAN
    if len(v) == 1:
        return v[0], v[0], v[0]
    q = statistics.quantiles(v, n=4, method="inclusive")
    return q[0], statistics.median(v), q[2]


def _n_of(n: int, total: int) -> str:
    """``none of them`` / ``1 of 7 capabilities`` / ``3 of 7 capabilities``."""
    return "none of them" if n == 0 else f"{n} of {total} capabilit{'y' if total == 1 else 'ies'}"


def _safe_text(text: str, hidden: set[str], display: dict[str, str]) -> str:
    """``text`` with every hidden department's key or name (whole words) replaced."""
    pattern = _names_pattern(sorted(hidden), display)
    return text if pattern is None else pattern.sub("(a small department)", text)


def _dept_cells(
    result: WaveResult,
    responses: ResponseSet,
    cid: str,
    sup: Suppression,
    options: ReportOptions,
) -> dict[str, float]:
    """Department means of ``cid`` in one wave that may be shown (see :func:`_cell_suppression`)."""
    silo = next((s for s in result.silos if s.capability_id == cid), None)
    return {} if silo is None else _cell_suppression(silo, result, responses, sup, options)


# -- calibrated inference in words (issue 10) --------------------------------------------------


def band_pill(band: str) -> str:
    """The band as its pill prints it: the band, or its short form (see :data:`BAND_LEGEND`)."""
    return BAND_SHORT.get(band, band)


def band_phrase(band: str) -> str:
    """What follows "the management team" in a sentence about its alignment band."""
    return {
        "aligned": "is aligned",
        "partly aligned": "is partly aligned",
        "misaligned": "is misaligned",
        "indeterminate": "cannot yet be placed in an alignment band, because its interval "
        "reaches into more than one",
        "not distinguishable from random answering": "cannot yet be told apart from random "
        "answering: its spread is within what random answering would give for this many "
        "people and statements",
    }.get(band, "has no alignment band")


def agi_reference(agi: AGIResult, reissue: bool = False) -> str:
    """The random-answering reference of an AGI in words: ``random answering would give about 16``.

    In a reissue the scoring reasons, which count respondents, are not used.
    """
    if agi.band == "undefined":
        return "not computed: too few scores" if reissue or not agi.reason else agi.reason
    if _nan(agi.null_mean):
        return "no random-answering reference computed"
    text = f"random answering would give about {fmt_num(agi.null_mean, 0)}"
    if not _nan(agi.critical_low) and not _nan(agi.critical_high):
        text += f" ({fmt_num(agi.critical_low, 0)}–{fmt_num(agi.critical_high, 0)} in 90% of teams)"
    return text


def agi_interval(agi: AGIResult) -> str:
    """The AGI's interval, ``9–14``, or ``no interval`` when it has none."""
    if not agi.ci.defined:
        return "no interval"
    return f"{fmt_num(agi.ci.low, 0)}–{fmt_num(agi.ci.high, 0)}"


def level_shown(est: LevelEstimate | None, k: int, named: bool, allowed: bool = True) -> bool:
    """Whether a population's level estimate may be printed: computed, and from k scores or more."""
    return est is not None and allowed and est.computable and (named or est.n >= k)


def level_text(est: LevelEstimate | None, population: str, reissue: bool) -> str:
    """One sentence on a population's level: ``The management team's level is 2 (2.9), borderline
    between 2 and 3 (n = 8).``; reasons in words.

    When the interval reaches more than two levels the level cannot be pinned down: ``With 8
    people the management team's level cannot be pinned down (between 1 and 4).`` ``population``
    names whose scores these are; a reissue prints no n.
    """
    if est is None:
        return f"There is no level estimate for the {population}."
    if not est.computable:
        return f"There is no level for the {population}: {est.reason or 'no scores'}."
    whose = f"the {population}'s level"
    levels = est.possible_levels
    tenths = "" if _nan(est.interpolated) else _tenths(est)
    if len(levels) > 2:
        span = f"between {levels[0]} and {levels[-1]}"
        lead = "With so few scores" if reissue else f"With {est.n} people"
        median = f"; median {tenths}" if tenths else ""
        return f"{lead} {whose} cannot be pinned down ({span}{median})."
    text = f"{whose[0].upper()}{whose[1:]} is {est.level}" + (f" ({tenths})" if tenths else "")
    if est.borderline and len(levels) == 2:
        text += f", borderline between {levels[0]} and {levels[1]}"
    elif est.borderline:
        text += ", borderline"
    return text + ("." if reissue else f" (n = {est.n}).")


def level_mark(est: LevelEstimate | None) -> str:
    """A level's uncertainty for a table cell: ``3.5 · borderline 3–4``, ``2.9 · 1 to 3 possible``
    (more than two levels), ``2.4`` (one level), empty without an estimate (:func:`level_text`
    says the same in a sentence)."""
    if est is None or not est.computable:
        return ""
    tenths = "" if _nan(est.interpolated) else _tenths(est)
    levels = est.possible_levels
    if len(levels) > 2:
        mark = f"{levels[0]} to {levels[-1]} possible"
    elif est.borderline and len(levels) == 2:
        mark = f"borderline {levels[0]}–{levels[1]}"
    elif est.borderline:
        mark = "borderline"
    else:
        return tenths
    return f"{tenths} · {mark}" if tenths else mark


def _tenths(est: LevelEstimate) -> str:
    """The interpolated level to one decimal (2.9 = level 2, nine tenths of the way to 3)."""
    return fmt_num(est.interpolated, 1)


def management_level(
    lv: MaturityLevel, k: int, named: bool, management_shown: bool
) -> LevelEstimate | None:
    """The management team's level estimate when it may be shown, else ``None``; without the
    figures that are members' own scores in a small team
    (:func:`reports.anonymity.safe_level_estimate`)."""
    est = lv.management
    if not level_shown(est, k, named, management_shown):
        return None
    return est if named else safe_level_estimate(est, k)


def organisation_level(lv: MaturityLevel, k: int, named: bool) -> LevelEstimate | None:
    """The organisation's level estimate when it may be shown (as :func:`management_level`)."""
    est = lv.organisation
    if not level_shown(est, k, named):
        return None
    return est if named else safe_level_estimate(est, k)


def agreement_words(
    ag: CapabilityAgreement | None, k: int, named: bool, management_shown: bool
) -> tuple[str, str, str, str]:
    """Does the team agree? ``(answer, css, sentence, population)`` for one capability.

    The management team's index (:attr:`CapabilityAgreement.consensus_management`) when it may be
    shown, else everyone's; the sentence is scoring's message without any count, so that it may
    stand in a reissue.
    """
    if ag is None:
        return "not computed", "na", "no agreement statistics for this capability", ""
    mg = ag.consensus_management
    if mg is not None and management_shown and (named or mg.n_raters >= k):
        index, population = mg, "management team"
    elif ag.consensus is not None and (named or ag.consensus.n_raters >= k):
        index, population = ag.consensus, "everyone"
    else:
        return (
            "not computed",
            "na",
            "the agreement index against random answering is not computed for this capability",
            "",
        )
    if index.agrees is True:
        return "yes", "ok", _agreement_message(index.message), population
    if index.agrees is False:
        return "no", "warn", _agreement_message(index.message), population
    if math.isinf(index.gate):
        why = "too few people and statements to tell agreement from random answering"
    else:
        why = _agreement_message(index.message)
    return "cannot tell", "na", why, population


_COUNTS = re.compile(r"with \d+ raters and \d+ items? ")
_NEEDS = re.compile(r"\bneeds (\d+\.\d+)(?!\d| or more)")


def _agreement_message(message: str) -> str:
    """Scoring's agreement message without counts, its gate read as "needs 0.50 or more"."""
    return _NEEDS.sub(r"needs \1 or more", _COUNTS.sub("", message))


#: the manager-facing verdict per capability: (answer, css)
VERDICTS = {
    "yes": "ok",
    "no": "warn",
    "no — split": "bad",
    "too few to tell": "na",
    "not computed": "na",
}


def team_verdict(
    agi: AGIResult | None,
    ag: CapabilityAgreement | None,
    k: int,
    named: bool,
    management_shown: bool,
) -> tuple[str, str, str, str]:
    """Does the team agree? One verdict per capability from both indices.

    ``"no — split"`` when the management team's AGI band is "misaligned" (camps: more spread
    than random answering, the whole interval above it); otherwise the consensus gate of
    :func:`agreement_words` (``"yes"`` / ``"no"``); ``"too few to tell"`` when neither can decide.

    Returns
    -------
    tuple of str
        ``(verdict, css, sentence, population)``.
    """
    answer, _css, note, population = agreement_words(ag, k, named, management_shown)
    if management_shown and agi is not None and agi.band == "misaligned":
        why = (
            "the management team splits into camps: its AGI is above what random answering "
            "gives and its whole interval lies above it"
        )
        return "no — split", VERDICTS["no — split"], why, "management team"
    if answer in ("yes", "no"):
        return answer, VERDICTS[answer], note, population
    if answer == "cannot tell":
        return "too few to tell", VERDICTS["too few to tell"], note, population
    return answer, VERDICTS.get(answer, "na"), note, population


def verdict_counts(verdicts: Sequence[str]) -> str:
    """The verdicts counted, after "The management team": ``agrees on 6 of 8 capabilities and is
    split into camps on 1; on 1 there are too few answers to tell.``"""
    total = len(verdicts)
    yes = sum(v == "yes" for v in verdicts)
    split = sum(v == "no — split" for v in verdicts)
    no = sum(v == "no" for v in verdicts)
    unsure = total - yes - split - no
    parts = [f"agrees on {yes} of {total} capabilit{'y' if total == 1 else 'ies'}"]
    if split:
        parts.append(f"is split into camps on {split}")
    if no:
        parts.append(f"does not agree on {no}")
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    if unsure:
        text += f"; on {unsure} there are too few answers to tell"
    return text + "."

"""Results → view model: plain frozen dataclasses, numbers already formatted, anonymity applied.

Templates and charts only ever see what is built here. Every number a reader can see is formatted
in this module (see :mod:`reports.formatting`); groups below the anonymity threshold are removed here
(see :mod:`reports.anonymity`), so no hidden value can leak through a template or a chart.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

from questionnaires.answers import ResponseSet
from questionnaires.errors import ReportError
from questionnaires.model import Instrument
from reports.anonymity import (
    Suppression,
    isolated_members,
    require_population,
    suppress_cells,
    suppress_groups,
    too_few,
)
from reports.formatting import (
    COMMENT_MAX,
    DASH,
    cap_text,
    clean_text,
    fmt_agi,
    fmt_int,
    fmt_money,
    fmt_num,
    fmt_p,
    fmt_pct,
    fmt_signed,
    short_hash,
)
from reports.options import ReportOptions
from scoring.results import (
    AGIResult,
    CapabilityChange,
    ItemStats,
    PerceptionGap,
    SiloGap,
    WaveComparison,
    WaveResult,
)

__all__ = [
    "Finding",
    "IndividualReport",
    "TeamReport",
    "TrendReport",
    "build_individual_report",
    "build_team_report",
    "build_trend_report",
    "safe_gate",
]

NAN = float("nan")
BAND_CLASS = {"aligned": "ok", "partly aligned": "warn", "misaligned": "bad", "undefined": "na"}


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
    kind: str  # alignment | perception | silo | ambition
    capability: str
    headline: str
    detail: str
    implication: str
    severity: float  # used for ranking only, never printed


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


@dataclass(frozen=True)
class DotRow:
    """One capability of the dot plot: anonymous respondent scores (no ids, no order)."""

    name: str
    management: tuple[float, ...]
    others: tuple[float, ...]
    median: float
    label: str
    #: a reissue draws the middle half of the team (q1–q3) instead of one dot per person
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
    coords: tuple[tuple[float, float], ...]
    camp_of: tuple[int, ...]
    camp_labels: tuple[str, ...]
    labels: tuple[str, ...]  # respondent ids only in a named workshop, else empty


@dataclass(frozen=True)
class DisputedItem:
    id: str
    capability: str
    text: str
    median: str
    agi: str
    rwg: str
    distribution: tuple[tuple[str, int | str, str], ...]  # (label, count or – in a reissue, bar %)


@dataclass(frozen=True)
class RoadmapActionView:
    id: str
    title: str
    capability: str
    levels: str
    effort: str
    horizon: str
    owner: str


@dataclass(frozen=True)
class StageView:
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


@dataclass(frozen=True)
class BusinessRow:
    scenario: str
    rate: str
    revenue: str
    change: str
    css: str


@dataclass(frozen=True)
class BusinessView:
    customers: str
    revenue_per_customer: str
    rows: tuple[BusinessRow, ...]
    uplift: str
    uplift_pct: str
    loss: str
    loss_pct: str
    customers_lost: str


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


@dataclass(frozen=True)
class TeamReport:
    kind: str
    meta: Meta
    headline: str
    kpis: tuple[Kpi, ...]
    findings: tuple[Finding, ...]
    capabilities: tuple[CapabilityRow, ...]
    radar: tuple[tuple[str, float, float], ...]  # (name, current median, target median)
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
    comments: tuple[tuple[str, str], ...]  # (item id, text), unattributed, sorted
    comments_note: str
    params: Params
    level_names: tuple[str, ...]
    warnings: tuple[str, ...]
    #: a reissue: the dot plot shows quartiles, the alignment map no points (see ``dots_caption``)
    reissue: bool = False
    dots_caption: str = ""
    roadmap_note: str = ""
    #: a reissue: the one sentence on what it leaves out and why (empty otherwise)
    reissue_note: str = ""


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
        n_management=DASH if options.reissue else fmt_int(mgmt),
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
_LONG_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d{2,}(?!\d)")


def _one_decimal(text: str) -> str:
    """``text`` with every number of two or more decimals cut to one decimal, rounded (reissue)."""
    return _LONG_DECIMAL.sub(lambda m: f"{float(m.group(0)):.1f}", text)


def _r1(x: float) -> float:
    """A chart value of a reissue to one decimal, as printed (NaN stays NaN)."""
    return x if _nan(x) else round(x, 1)


def _p_text(p: float) -> str:
    text = fmt_p(p)
    return text if text.startswith("<") else f"= {text}"


# -- findings ---------------------------------------------------------------------------------


def _findings(
    result: WaveResult,
    names: dict[str, str],
    shown_dept_means: dict[str, list[tuple[str, float]]],
    options: ReportOptions,
    perception_shown: bool,
    thin: frozenset[str] = frozenset(),
    isolated: frozenset[str] = frozenset(),
) -> tuple[Finding, ...]:
    """Rank candidate findings by severity and keep the three that matter most.

    Severity puts the four kinds on one footing: management AGI / upper band, |perception gap| /
    0.75 scale points (only for gaps scoring labels a blind spot or hidden strength, so the
    summary never contradicts the perception table), department spread / 1.0 point, ambition gap
    / 1.5 points. At most one finding per capability, so three findings name three capabilities.
    Only statistics the report may show are used (see :func:`_safe_agi`); a capability that
    fewer than k scored (``thin``) gives no finding.
    """
    low_band, high_band = result.options.agi_bands
    cands: list[Finding] = []
    for cid in result.capabilities:
        if cid in thin:
            continue
        name = names[cid]
        depts = sorted(shown_dept_means.get(cid, []), key=lambda t: -t[1])
        split = ""
        if len(depts) >= 2 and depts[0][1] - depts[-1][1] >= 0.75:
            (hi, hv), (lo, lv) = depts[0], depts[-1]
            split = f" {hi} rates it {fmt_num(hv)} on average, {lo} {fmt_num(lv)}."
        agi = _safe_agi(result, cid, options)
        if agi is not None and not _nan(agi.value) and agi.value >= low_band:
            word = "misaligned" if agi.band == "misaligned" else "only partly aligned"
            cands.append(
                Finding(
                    "alignment",
                    cid,
                    f"The team is {word} on {name}",
                    f"The management team's Alignment Gap Index is {fmt_agi(agi.value)} of 100 "
                    f"(aligned below {fmt_num(low_band, 0)}, misaligned above "
                    f"{fmt_num(high_band, 0)}).{split}",
                    "Agree on where the company stands here before investing; otherwise the "
                    "budget will be argued over rather than used.",
                    agi.value / high_band + (0.3 if split else 0.0),
                )
            )
        elif split:
            silo = next(s for s in result.silos if s.capability_id == cid)
            leaders = (
                "Leaders agree, but departments do not."
                if agi is not None and not _nan(agi.value)
                else "Departments do not agree."
            )
            cands.append(
                Finding(
                    "silo",
                    cid,
                    f"Departments see {name} differently",
                    f"{leaders}{split} "
                    f"Differences between departments explain {fmt_pct(silo.separation.eta2)} of the "
                    "variation in scores.",
                    "Bring the two departments together on the evidence; a shared view of the "
                    "customer is the first step out of the silo.",
                    (depts[0][1] - depts[-1][1]) / 1.0,
                )
            )
        if perception_shown:
            pg = next((p for p in result.perception if p.capability_id == cid), None)
            if (
                pg is not None
                and _perception_shown(pg, options, isolated)
                and pg.label in ("blind spot", "hidden strength")
            ):
                blind = pg.label == "blind spot"
                cands.append(
                    Finding(
                        "perception",
                        cid,
                        (
                            f"Executives see more than their organisation on {name}"
                            if blind
                            else f"The organisation rates {name} higher than its executives do"
                        ),
                        f"Executives rate it {fmt_num(pg.management_mean)}, everyone else "
                        f"{fmt_num(pg.others_mean)} (difference {fmt_signed(pg.gap)}, "
                        f"p {_p_text(pg.p_value)}).",
                        (
                            f"A possible blind spot: test the executive view of {name.lower()} "
                            "against what front-line staff and customers experience."
                            if blind
                            else f"A hidden strength: in {name.lower()} executives can build on "
                            "more than they think."
                        ),
                        abs(pg.gap) / 0.75,
                    )
                )
        amb = next((a for a in result.ambition if a.capability_id == cid), None)
        if amb and not _nan(amb.gap) and amb.gap >= 1.0:
            cands.append(
                Finding(
                    "ambition",
                    cid,
                    f"The largest ambition is in {name}",
                    f"The team rates it {fmt_num(amb.current_mean)} today and wants "
                    f"{fmt_num(amb.target_mean)}: from maturity level {amb.current_level} to "
                    f"{amb.target_level}.",
                    "Stage the investment: fund the first step, then decide on the next one with "
                    "a new assessment.",
                    amb.gap / 1.5,
                )
            )
    cands.sort(key=lambda f: (-f.severity, f.capability, f.kind))
    out: list[Finding] = []
    seen: set[str] = set()
    for f in cands:
        if f.capability in seen:
            continue
        out.append(f)
        seen.add(f.capability)
        if len(out) == 3:
            break
    return tuple(out)


# -- team report ------------------------------------------------------------------------------


def build_team_report(
    result: WaveResult,
    responses: ResponseSet,
    instrument: Instrument,
    options: ReportOptions | None = None,
) -> TeamReport:
    """Build the team/workshop report's view model from a scored wave."""
    options = options or ReportOptions()
    if responses.n_respondents != result.n_respondents:
        raise ReportError(
            f"the responses ({responses.n_respondents} respondents) are not the ones scored "
            f"({result.n_respondents}); score and report the same file"
        )
    k = options.min_group
    named = options.named_workshop
    # a reissue shows no department, role-split or camp figure and capability figures to one
    # decimal: a figure of the changed person's group that moves, or stays, would point at them
    reissue = options.reissue
    digits = 1 if reissue else 2
    require_population(result.n_respondents, k, named, "team report", result.wave)
    names = {c.id: c.name for c in instrument.capabilities}
    level_names = _level_names(instrument)
    mgmt_roles = result.options.management
    is_mgmt = [r.role in mgmt_roles for r in responses.respondents]
    n_mgmt, n_oth = sum(is_mgmt), len(is_mgmt) - sum(is_mgmt)
    roles_shown = not reissue and (named or (n_mgmt >= k and n_oth >= k))
    management_shown = named or n_mgmt >= k

    # departments: hidden by headcount for the whole report, then per cell on who has a score
    sup, dept_names, dept_n = department_suppression(responses, options)
    shown = () if reissue else sup.shown
    cell_means = {
        s.capability_id: {} if reissue else _cell_suppression(s, result, responses, sup, options)
        for s in result.silos
    }
    isolated = _isolating_perception(result, responses, cell_means, is_mgmt)
    # capabilities and items scored by fewer than k: no team figure at all (rule 1)
    few = _few(k)
    thin = frozenset(c for c in result.capabilities if too_few(result.score(c).n, k, named))
    thin_items = frozenset(i.item_id for i in result.items if too_few(i.n, k, named))
    shown_dept_means: dict[str, list[tuple[str, float]]] = {
        cid: [(dept_names.get(d, d), m) for d, m in sorted(cells.items())]
        for cid, cells in cell_means.items()
    }

    # capabilities
    hidden_band = "undefined" if management_shown else f"not shown (fewer than {k})"
    caps: list[CapabilityRow] = []
    radar = []
    dots = []
    for cid in result.capabilities:
        sc, lv = result.score(cid), result.level(cid)
        cap = instrument.capability(cid)
        agi = _safe_agi(result, cid, options)
        agi_t = _safe_agi(result, cid, options, basis="target")
        if cid in thin:
            caps.append(
                CapabilityRow(
                    id=cid,
                    name=names[cid],
                    weight=fmt_num(cap.weight),
                    level=DASH,
                    level_name=few,
                    target_level=DASH,
                    median=DASH,
                    mean=DASH,
                    ci=DASH,
                    target_median=DASH,
                    agi=DASH,
                    agi_band=few,
                    band_css="na",
                    agi_target=DASH,
                    n=DASH if options.reissue else fmt_int(sc.n),
                    explanation=f"Not shown: fewer than {k} respondents answered enough of its "
                    "statements for a score, and a team figure from so few would let them work "
                    "out each other's answers.",
                    holding_back=DASH,
                )
            )
            radar.append((f"{names[cid]} ({few})", NAN, NAN))
            dots.append(DotRow(names[cid], (), (), NAN, few))
            continue
        caps.append(
            CapabilityRow(
                id=cid,
                name=names[cid],
                weight=fmt_num(cap.weight),
                level=str(lv.level),
                level_name=level_names[lv.level - 1] if 1 <= lv.level <= 5 else DASH,
                target_level=str(lv.target_level),
                median=fmt_num(sc.median),
                mean=fmt_num(sc.mean, digits),
                ci=(
                    f"{fmt_num(sc.ci.low, digits)}–{fmt_num(sc.ci.high, digits)}"
                    if sc.ci.defined
                    else DASH
                ),
                target_median=fmt_num(sc.target_median),
                agi=fmt_agi(agi.value) if agi else DASH,
                agi_band=agi.band if agi else hidden_band,
                band_css=BAND_CLASS.get(agi.band if agi else "undefined", "na"),
                agi_target=fmt_agi(agi_t.value) if agi_t else DASH,
                n=DASH if options.reissue else fmt_int(sc.n),
                explanation=_one_decimal(lv.explanation) if reissue else lv.explanation,
                holding_back=", ".join(lv.holding_back) or DASH,
            )
        )
        if reissue:
            radar.append((names[cid], _r1(sc.median), _r1(sc.target_median)))
        else:
            radar.append((names[cid], sc.median, sc.target_median))
        vals = sc.respondent_scores
        mg = tuple(sorted(v for v, m in zip(vals, is_mgmt, strict=True) if m and not _nan(v)))
        ot = tuple(sorted(v for v, m in zip(vals, is_mgmt, strict=True) if not m and not _nan(v)))
        if not roles_shown:
            mg, ot = (), tuple(sorted(mg + ot))
        label = f"AGI {fmt_agi(agi.value)}" if agi else "AGI –"
        if options.reissue:  # one dot more or less would show who was added or removed
            q1, med, q3 = _quartiles(mg + ot)
            dots.append(DotRow(names[cid], (), (), _r1(med), label, _r1(q1), _r1(q3)))
        else:
            dots.append(DotRow(names[cid], mg, ot, sc.median, label))

    overall = _safe_agi(result, "overall", options)
    overall_t = _safe_agi(result, "overall", options, basis="target")
    # average maturity over the assessed capabilities only (level 0 = not assessed)
    weights = {c.id: c.weight for c in instrument.capabilities}
    assessed = [c for c in result.capabilities if result.level(c).level > 0 and c not in thin]
    wsum = sum(weights[c] for c in assessed)
    mean_level = sum(result.level(c).level * weights[c] for c in assessed) / wsum if wsum else NAN
    mean_target = (
        sum(result.level(c).target_level * weights[c] for c in assessed) / wsum if wsum else NAN
    )
    n_mis = sum(1 for c in caps if c.agi_band == "misaligned")
    band = overall.band if overall else "undefined"
    maturity = (
        f"places the company at maturity level {fmt_num(mean_level)} on average over the "
        f"{len(assessed)} capabilities assessed, aiming for {fmt_num(mean_target)}."
        if assessed
        else "gives no capability enough answers for a maturity level."
    )
    if overall is not None and band == "undefined":
        headline = (
            f"The team {maturity} The management team's alignment could not be computed "
            "(too few of its members answered enough statements)."
        )
    elif overall is not None:
        headline = (
            f"Overall, the management team is {band} (Alignment Gap Index "
            f"{fmt_agi(overall.value)} of 100) and {maturity} "
            + (
                f"It is misaligned on {n_mis} of {len(caps)} capabilities."
                if n_mis
                else "No capability is misaligned."
            )
        )
    elif not management_shown:
        headline = (
            f"The team {maturity} The management team's alignment is not shown: it has fewer "
            f"than {k} respondents."
        )
    else:
        headline = f"The team {maturity} The management team's alignment could not be computed."
    kpis = (
        Kpi(
            "Overall AGI",
            fmt_agi(overall.value) if overall else DASH,
            band if overall or management_shown else f"not shown (fewer than {k})",
            BAND_CLASS.get(band, ""),
        ),
        Kpi("Target AGI", fmt_agi(overall_t.value) if overall_t else DASH, "agreement on ambition"),
        Kpi("Maturity today", fmt_num(mean_level), "weighted mean level, 1–5"),
        Kpi("Target maturity", fmt_num(mean_target), "weighted mean level, 1–5"),
        Kpi(
            "Respondents",
            fmt_int(result.n_respondents),
            "reissue: group sizes not shown"
            if options.reissue
            else f"{n_mgmt} in the management team",
        ),
    )

    findings = _findings(result, names, shown_dept_means, options, roles_shown, thin, isolated)

    # heatmap: department means, coloured by distance from the all-respondent mean
    heatmap = None
    hidden_note = ""
    if sup.hidden and not reissue:
        hidden_note = (
            f"{len(sup.hidden)} department{'s are' if len(sup.hidden) != 1 else ' is'} not shown: "
            f"groups below {k} respondents are hidden, together with the smallest other group where "
            "needed so that no hidden group can be worked out by subtraction."
        )
    if shown:
        cols = tuple(f"{dept_names.get(d, d)} ({dept_n[d]})" for d in shown)
        rows = []
        for silo in result.silos:
            means = cell_means[silo.capability_id]
            allm = result.score(silo.capability_id).mean
            cells = []
            for d in shown:
                m = means.get(d, NAN)
                if _nan(m):
                    cells.append(HeatCell(DASH, "na"))
                    continue
                delta = m - allm
                step = max(-3, min(3, round(delta / 0.35)))
                cells.append(
                    HeatCell(fmt_num(m), f"h{step:+d}".replace("+", "p").replace("-", "m"))
                )
            all_text = few if silo.capability_id in thin else fmt_num(allm)
            rows.append(HeatRow(names[silo.capability_id], all_text, tuple(cells)))
        heatmap = Heatmap(
            cols,
            tuple(rows),
            hidden_note,
            tuple(dept_names.get(d, d) for d in shown),
            tuple(DASH if options.reissue else fmt_int(dept_n[d]) for d in shown),
        )

    # perception gap
    perception: tuple[PerceptionRow, ...] = ()
    if roles_shown:
        perception = tuple(
            (
                PerceptionRow(
                    names[p.capability_id],
                    fmt_num(p.management_mean),
                    fmt_num(p.others_mean),
                    fmt_signed(p.gap),
                    fmt_p(p.p_value),
                    p.label,
                    {"blind spot": "bad", "hidden strength": "ok"}.get(p.label, "na"),
                    0.0 if _nan(p.gap) else p.gap,
                )
                if _perception_shown(p, options, isolated)
                else PerceptionRow(
                    names[p.capability_id], DASH, DASH, DASH, DASH, "not shown", "na", 0.0
                )
            )
            for p in result.perception
        )
        perception_note = (
            f"Management team (roles: {', '.join(mgmt_roles)}) against everyone else."
            if options.reissue
            else f"Management team (roles: {', '.join(mgmt_roles)}; n = {n_mgmt}) against "
            f"everyone else (n = {n_oth})."
        ) + " Permutation p-values, two-sided."
    elif reissue:
        perception_note = (
            "Not shown in a reissue: a management or others mean that moves, or stays, would "
            "show in which group the people added or removed are."
        )
    else:
        perception_note = (
            f"Not shown: the management team ({n_mgmt}) or the rest of the organisation "
            f"({n_oth}) has fewer than {k} respondents."
        )

    # silo gap (recomputed on shown departments only)
    silos = []
    for silo in result.silos:
        dept_means = sorted(shown_dept_means[silo.capability_id], key=lambda t: -t[1])
        sep = silo.separation
        if len(dept_means) >= 2:
            hi, lo = dept_means[0], dept_means[-1]
            silos.append(
                SiloRow(
                    names[silo.capability_id],
                    fmt_num(hi[1] - lo[1]),
                    f"{hi[0]} {fmt_num(hi[1])}",
                    f"{lo[0]} {fmt_num(lo[1])}",
                    fmt_num(sep.icc1, 2),
                    fmt_num(sep.eta2, 2),
                    (
                        f"{fmt_num(sep.f, 1)} ({sep.df_between}, {sep.df_within})"
                        if not _nan(sep.f)
                        else DASH
                    ),
                    fmt_p(sep.p_value),
                )
            )
    silos.sort(key=lambda r: r.spread, reverse=True)
    silo_note = (
        "Department means and the analysis of variance across departments (ICC(1), η², F) are "
        "not shown in a reissue: the department of the people added or removed is the one whose "
        "mean moves."
        if reissue
        else "Spread = highest minus lowest department mean among the departments shown; a "
        f"department mean is shown only when at least {k} of its respondents have a score for "
        "the capability. ICC(1), η² and F come from a one-way analysis of variance over all "
        f"departments of at least {result.options.min_group} respondents; they describe the "
        "organisation as a whole and identify no department."
    )

    # alignment map
    amap = result.alignment_map
    camps = []
    mapdata = None
    map_note = amap.reason
    if options.reissue and amap.coords and not amap.reason:
        map_note = (
            "not drawn and no camps described in a reissue: a point or a camp more or less would "
            "show where the people added or removed since the earlier report stand"
        )
    elif amap.coords and not amap.reason:
        # camps partition the respondents and the organisation means are printed beside them, so
        # a hidden camp's profile would follow by subtraction: complementary suppression as for
        # departments (labels are unique per wave)
        camp_sup = suppress_groups(
            {c.label: c.size for c in amap.camps}, k, total_shown=True, named=named
        )
        for camp in amap.camps:
            if camp.label not in camp_sup.shown:
                continue
            allmeans = {c: result.score(c).mean for c in result.capabilities}
            diffs = sorted(
                (
                    (v - allmeans.get(c, v), c)
                    for c, v in camp.profile
                    if not _nan(v) and c not in thin
                ),
                reverse=True,
            )
            higher = [f"{names[c]} ({fmt_signed(d)})" for d, c in diffs[:2] if d > 0.2]
            lower = [f"{names[c]} ({fmt_signed(d)})" for d, c in diffs[::-1][:2] if d < -0.2]
            camps.append(
                CampView(
                    camp.label,
                    DASH if options.reissue else fmt_int(camp.size),
                    ", ".join(higher) or DASH,
                    ", ".join(lower) or DASH,
                )
            )
        mapdata = MapData(
            amap.coords,
            amap.camp_of,
            tuple(c.label for c in amap.camps),
            tuple(clean_text(i) for i in amap.respondent_ids) if named else (),
        )
        n_hidden = len(camp_sup.hidden)
        map_note = (
            f"{n_hidden} camp{'s are' if n_hidden != 1 else ' is'} not described: camps of fewer "
            f"than {k} are hidden, together with the smallest other camp where needed so that no "
            "hidden camp's profile can be worked out by subtraction."
            if n_hidden
            else ""
        )

    # most disputed items: highest management item AGI (as roadmap stage 1), then lowest rwg;
    # everyone's item AGI when the management team is hidden or too small for item AGIs
    by_mgmt = management_shown and any(not _nan(i.agi_management) for i in result.items)

    def item_agi(i: ItemStats) -> float:
        return i.agi_management if by_mgmt else i.agi

    ranked = sorted(
        (i for i in result.items if not _nan(item_agi(i)) and i.item_id not in thin_items),
        key=lambda i: (-item_agi(i), i.rwg, i.item_id),
    )[: options.max_disputed_items]
    disputed_note = (
        "Ranked by the management team's item AGI, as in stage 1 of the roadmap; rwg and the "
        "bars are over all respondents."
        if by_mgmt
        else "Ranked by the item AGI over all respondents (the management team's is not shown)."
    ) + (
        " This report is a reissue for a changed set of respondents: answer counts are not "
        "shown, so that comparing it with the earlier report reveals no one's answers."
        if options.reissue
        else ""
    )
    disputed = []
    for it in ranked:
        # bars and median show the answers as given: the item's own labels, reverse-coded items
        # un-flipped
        item = instrument.item(it.item_id)
        scale = instrument.scale_of(it.item_id)
        answer_labels = scale.labels
        counts = it.distribution[::-1] if item.reverse else it.distribution
        median = scale.low + scale.high - it.median if item.reverse else it.median
        peak = max(counts) or 1
        # a reissue shows no answer counts, nor bars whose lengths give them away
        dist = tuple(
            (
                answer_labels[j] if j < len(answer_labels) else str(j + scale.low),
                DASH if options.reissue else c,
                "0" if options.reissue else f"{100 * c / peak:.0f}",
            )
            for j, c in enumerate(counts)
        )
        disputed.append(
            DisputedItem(
                it.item_id,
                names[it.capability_id],
                item.text,
                fmt_num(median),
                fmt_agi(item_agi(it)),
                fmt_num(it.rwg, digits),
                dist,
            )
        )

    # roadmap: scoring plans no step for a capability fewer than its min_group scored
    # (scoring.roadmap), so no stage, action or gate names one
    unplanned = frozenset(
        c for c in result.capabilities if result.score(c).n < result.options.min_group
    )
    planned_thin = sorted(
        {c for st in result.roadmap.stages for c in st.capabilities} & (thin - unplanned)
    )
    if planned_thin:  # scored with a lower min_group than the report's k: its plan would leak
        raise ReportError(
            f"the roadmap plans {', '.join(planned_thin)}, which fewer than {k} respondents "
            f"scored: the wave was scored with min_group {result.options.min_group}, below the "
            f"report's k = {k}; score it with ScoreOptions(min_group={k}) "
            "(assessment.service.report_score_options)"
        )
    stages = []
    for st in result.roadmap.stages:
        acts = tuple(
            RoadmapActionView(
                a.action_id,
                a.title,
                names.get(a.capability_id, a.capability_id),
                f"{a.from_level} → {a.to_level}",
                a.effort,
                f"{a.horizon_months} mo",
                a.owner_role,
            )
            for a in st.actions
        )
        stages.append(
            StageView(
                st.number,
                st.name,
                st.kind,
                f"Months {st.start_month}–{st.end_month}",
                st.start_month,
                st.end_month,
                acts,
                ", ".join(names.get(c, c) for c in st.capabilities) or DASH,
                ", ".join(i for i in st.disputed_items if i not in thin_items),
                ", ".join(st.owners) or DASH,
                ", ".join(
                    f"{names.get(c, c)} → {lv}"
                    for c, lv in st.projected_levels
                    if c not in thin | unplanned
                ),
                safe_gate(st.decision_gate, management_shown),
            )
        )
    roadmap_note = (
        f"{', '.join(names[c] for c in sorted(unplanned))}: not planned here, because fewer "
        f"than {result.options.min_group} respondents answered enough of its statements for a "
        "maturity level."
        if unplanned
        else ""
    )
    span = max([s.end for s in stages] + [1])

    bc = result.business_case
    business = BusinessView(
        customers=fmt_int(bc.customers),
        revenue_per_customer=fmt_money(bc.revenue_per_customer),
        rows=(
            BusinessRow(
                "Average repurchase", fmt_pct(bc.base_rate), fmt_money(bc.base_revenue), DASH, ""
            ),
            BusinessRow(
                "After a good service contact",
                fmt_pct(bc.good_rate),
                fmt_money(bc.good_revenue),
                ("+" if bc.uplift_good >= 0 else "") + fmt_money(bc.uplift_good),
                "ok",
            ),
            BusinessRow(
                "After a bad service contact",
                fmt_pct(bc.bad_rate),
                fmt_money(bc.bad_revenue),
                fmt_money(bc.loss_bad),
                "bad",
            ),
        ),
        uplift=fmt_money(bc.uplift_good),
        uplift_pct=fmt_pct(bc.uplift_good / bc.base_revenue) if bc.base_revenue else DASH,
        loss=fmt_money(abs(bc.loss_bad)),
        loss_pct=fmt_pct(abs(bc.loss_bad) / bc.base_revenue) if bc.base_revenue else DASH,
        customers_lost=fmt_int(bc.customers_equivalent_lost),
    )

    reliability = []
    for ag in result.agreement:
        if too_few(ag.n, k, named):
            reliability.append(
                ReliabilityRow(
                    names[ag.capability_id],
                    DASH if options.reissue else fmt_int(ag.n),
                    *(DASH,) * 6,
                    f"Not shown: {few}.",
                    few,
                    "na",
                )
            )
            continue
        note = "; ".join(ag.reasons)
        if ag.rwg_j_out_of_range:
            note = (
                note + "; " if note else ""
            ) + f"rwg(J) raw {fmt_num(ag.rwg_j_raw, digits)}, truncated"
        reliability.append(
            ReliabilityRow(
                names[ag.capability_id],
                DASH if options.reissue else fmt_int(ag.n),
                fmt_num(ag.cronbach_alpha, digits),
                fmt_num(ag.cronbach_alpha_listwise, digits),
                fmt_num(ag.alpha_interval, digits),
                fmt_num(ag.alpha_ordinal, digits),
                fmt_num(ag.rwg_j, digits),
                fmt_num(ag.ad_mean, digits),
                _one_decimal(note) if reissue else note,
                *_consistency(ag.cronbach_alpha),
            )
        )
    n_ok = sum(1 for r in reliability if r.verdict in ("good", "adequate"))
    reliability_summary = (
        f"The statements hang together well enough (Cronbach's α of 0.70 or more) for {n_ok} of "
        f"{len(reliability)} capabilities. Low agreement between respondents (Krippendorff's α, "
        "rwg) is not a flaw of the questionnaire: when people honestly see the company "
        "differently, that is exactly the misalignment this report measures."
    )

    stats = {i.item_id: i for i in result.items}
    groups = []
    for cap in instrument.capabilities:
        rows_ = []
        for item in cap.items:
            s = stats.get(item.id)
            withheld = s is not None and item.id in thin_items
            rows_.append(
                ItemRow(
                    item.id,
                    item.text,
                    item.reverse,
                    fmt_int(s.n) if s and not options.reissue else DASH,
                    fmt_int(s.n_na) if s and not options.reissue else DASH,
                    few if withheld else (fmt_num(s.median) if s else DASH),
                    DASH if withheld or not s else fmt_num(s.target_median),
                )
            )
        groups.append(ItemGroup(cap.name, tuple(rows_)))

    comments, comments_note = _comments(responses, options)

    return TeamReport(
        kind="team",
        meta=_meta(
            result,
            instrument,
            responses,
            options,
            "Customer-centricity alignment",
            "Management team report",
        ),
        headline=headline,
        kpis=kpis,
        findings=findings,
        capabilities=tuple(caps),
        radar=tuple(radar),
        dots=tuple(dots),
        dots_by_role=roles_shown,
        heatmap=heatmap,
        perception=perception,
        perception_note=perception_note,
        silos=tuple(silos),
        silo_note=silo_note + (" " + hidden_note if hidden_note else ""),
        camps=tuple(camps),
        map=mapdata,
        map_note=map_note,
        disputed=tuple(disputed),
        disputed_note=disputed_note,
        stages=tuple(stages),
        stage_span=span,
        business=business,
        reliability=tuple(reliability),
        reliability_summary=reliability_summary,
        items=tuple(groups),
        comments=comments,
        comments_note=comments_note,
        params=_params(result, instrument),
        level_names=level_names,
        warnings=_safe_warnings(
            result.warnings,
            # a reissue names no department at all
            Suppression((), tuple(dept_n), ()) if reissue else sup,
            dept_names,
        ),
        reissue=options.reissue,
        dots_caption=(
            "A reissue for a changed set of respondents: the bar is the team median and the band "
            "the middle half of the team (25th to 75th percentile); no dot per person is drawn, "
            "so that comparing it with the earlier report shows no one's score."
            if options.reissue
            else ""
        ),
        roadmap_note=roadmap_note,
        reissue_note=REISSUE_NOTE if reissue else "",
    )


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
    warnings: Sequence[str], sup: Suppression, dept_names: dict[str, str]
) -> tuple[str, ...]:
    """Scoring warnings, minus any that name a hidden department (they would undo suppression).

    Names match as whole words, case-insensitively, so a department keyed ``it`` does not drop
    a warning about an "item".
    """
    pattern = _names_pattern(sup.hidden, dept_names)
    kept = (
        tuple(warnings) if pattern is None else tuple(w for w in warnings if not pattern.search(w))
    )
    return tuple(_ONE_RESPONDENTS.sub("1 respondent", clean_text(w)) for w in kept)


_ONE_RESPONDENTS = re.compile(r"(?<![\d.,])1 respondents\b")


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


_GATE_NUMBERS = re.compile(r"\s*\(management AGI now [^)]*\)")


def safe_gate(gate: str, management_shown: bool) -> str:
    """A roadmap decision gate without the management AGI values when they are hidden."""
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


# -- individual report ------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalRow:
    name: str
    you: str
    team_median: str
    team_range: str  # interquartile range
    difference: str
    you_value: float
    median_value: float
    q1: float
    q3: float


@dataclass(frozen=True)
class PersonalItem:
    id: str
    text: str
    you: str
    team_median: str
    difference: str


@dataclass(frozen=True)
class IndividualReport:
    kind: str
    meta: Meta
    respondent: str
    role: str
    summary: str
    rows: tuple[PersonalRow, ...]
    differences: tuple[PersonalItem, ...]
    agree: tuple[PersonalItem, ...]
    answered: str
    level_names: tuple[str, ...]
    params: Params


def _quartiles(vals: Sequence[float]) -> tuple[float, float, float]:
    v = sorted(x for x in vals if not _nan(x))
    if not v:
        return NAN, NAN, NAN
    if len(v) == 1:
        return v[0], v[0], v[0]
    q = statistics.quantiles(v, n=4, method="inclusive")
    return q[0], statistics.median(v), q[2]


def build_individual_report(
    result: WaveResult,
    responses: ResponseSet,
    instrument: Instrument,
    respondent: str,
    options: ReportOptions | None = None,
) -> IndividualReport:
    """One respondent's ratings against the team's median and interquartile range.

    Nothing about any other single person is shown: only team medians and quartiles over at least
    ``min_group`` respondents (else :class:`ReportError`). A capability or statement that fewer
    than ``min_group`` people scored shows no team figure ("fewer than k answered"): with two,
    the team median would give the other person's answer.
    """
    options = options or ReportOptions()
    ids = [r.id for r in responses.respondents]
    if respondent not in ids:
        sample = ", ".join(ids[:5])
        raise ReportError(
            f"respondent {respondent!r} is not in {responses.source or 'the responses'}; "
            f"ids look like {sample}"
        )
    require_population(
        result.n_respondents,
        options.min_group,
        options.named_workshop,
        "personal report (it compares with the team)",
        result.wave,
    )
    idx = ids.index(respondent)
    person = responses.respondents[idx]
    names = {c.id: c.name for c in instrument.capabilities}
    k, named = options.min_group, options.named_workshop
    rows = []
    for cid in result.capabilities:
        sc = result.score(cid)
        you = sc.respondent_scores[idx]
        if too_few(sc.n, k, named):
            rows.append(
                PersonalRow(names[cid], fmt_num(you), _few(k), DASH, DASH, you, NAN, NAN, NAN)
            )
            continue
        q1, med, q3 = _quartiles(sc.respondent_scores)
        rows.append(
            PersonalRow(
                names[cid],
                fmt_num(you),
                fmt_num(med),
                f"{fmt_num(q1)}–{fmt_num(q3)}",
                fmt_signed(you - med) if not _nan(you) else DASH,
                you,
                med,
                q1,
                q3,
            )
        )
    # statements: the answer as given (its label on the item's own scale) against the team
    # median on the same scale; a reverse-coded item's median is turned back (L + H − median),
    # as in the disputed-items section of the team report
    stats = {s.item_id: s for s in result.items}
    items: list[tuple[float, float, str, str, float]] = []
    for j, iid in enumerate(responses.item_ids):
        x = float(responses.current[idx, j])
        st = stats.get(iid)
        if math.isnan(x) or st is None or _nan(st.median) or too_few(st.n, k, named):
            continue
        scale = instrument.scale_of(iid)
        med = scale.low + scale.high - st.median if instrument.item(iid).reverse else st.median
        pos = round(x) - scale.low
        answer = scale.labels[pos] if 0 <= pos < len(scale.labels) else fmt_num(x, 0)
        items.append((abs(x - med), x - med, iid, f"{fmt_num(x, 0)} {answer}", med))
    items.sort(key=lambda t: (-t[0], t[2]))
    diffs = tuple(
        PersonalItem(iid, instrument.item(iid).text, you, fmt_num(m), fmt_signed(d))
        for _a, d, iid, you, m in items[:6]
        if _a >= 1.0
    )
    agree = tuple(
        PersonalItem(iid, instrument.item(iid).text, you, fmt_num(m), fmt_signed(d))
        for _a, d, iid, you, m in sorted(items, key=lambda t: (t[0], t[2]))[:4]
        if _a < 0.5
    )
    higher = sum(1 for r in rows if not _nan(r.you_value) and r.you_value - r.median_value >= 0.5)
    lower = sum(1 for r in rows if not _nan(r.you_value) and r.you_value - r.median_value <= -0.5)

    def _count(n: int) -> str:
        return "no capability" if n == 0 else f"{n} of {len(rows)} capabilities"

    answered = sum(1 for x in responses.current[idx] if not math.isnan(x))
    if not any(not _nan(r.you_value) for r in rows):
        summary = (
            "Your answers give no capability score: you answered "
            + ("no statement" if answered == 0 else f"only {answered}")
            + " with a rating (the others were N/A or left out), and a capability score needs "
            f"at least {_params(result, instrument).min_answered} of its statements. The team's "
            "scores are shown for reference; the workshop is a good place to say why the "
            "statements did not apply to you."
        )
    else:
        summary = (
            "You rate the company at least half a point above the team median on "
            f"{_count(higher)} and at least half a point below it on {_count(lower)}. "
            "Where your view differs most, your perspective is worth bringing to the workshop."
        )
    meta = _meta(
        result, instrument, responses, options, "Your view and the team's", "Personal report"
    )
    return IndividualReport(
        "individual",
        meta,
        clean_text(respondent),
        clean_text(person.role),
        summary,
        tuple(rows),
        diffs,
        agree,
        f"{answered} of {len(responses.item_ids)}",
        _level_names(instrument),
        _params(result, instrument),
    )


# -- trend report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendRow:
    name: str
    scores: tuple[str, ...]
    agis: tuple[str, ...]
    change: str
    change_css: str
    agi_change: str
    agi_css: str
    series: tuple[float, ...]
    agi_series: tuple[float, ...]


@dataclass(frozen=True)
class TrendDeptRow:
    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class TrendReport:
    kind: str
    meta: Meta
    waves: tuple[str, ...]
    rows: tuple[TrendRow, ...]
    overall: TrendRow
    summary: str
    departments: tuple[str, ...]
    dept_rows: tuple[TrendDeptRow, ...]  # capability × department, last wave change
    dept_note: str
    rule: str
    params: Params
    notes: tuple[str, ...] = ()
    #: a reissue: the one sentence on what it leaves out and why (empty otherwise)
    reissue_note: str = ""


STABLE_SCORE = 0.25  # scale points
STABLE_AGI = 5.0  # AGI points


def _change(delta: float, ci_low: float = NAN, ci_high: float = NAN) -> tuple[str, str]:
    """improved / stable / declined: from the interval when scoring gives one, else a ±0.25 band."""
    if _nan(delta):
        return "undefined", "na"
    if not (_nan(ci_low) or _nan(ci_high)):
        if ci_low > 0:
            return "improved", "ok"
        if ci_high < 0:
            return "declined", "bad"
        return "stable", "na"
    if delta >= STABLE_SCORE:
        return "improved", "ok"
    if delta <= -STABLE_SCORE:
        return "declined", "bad"
    return "stable", "na"


def build_trend_report(
    results: Sequence[WaveResult],
    waves: Sequence[tuple[Instrument, ResponseSet]],
    options: ReportOptions | None = None,
    comparison: WaveComparison | None = None,
) -> TrendReport:
    """Waves over time: capability score and management AGI per wave, with change labels.

    ``waves`` holds one ``(instrument, responses)`` pair per scored wave, in the order of
    ``results``: each wave is compared with the instrument it was collected with. The waves are
    put in order by wave id (a stable sort), so they may be given in any order. Change labels and printed changes cover
    one span, the first against the last wave (scoring's :func:`scoring.trend.compare_waves` on
    those two, on the items both share): *improved*/*declined* when the bootstrap interval of the
    change excludes 0. Alignment labels: the management AGI moved by at least 5 points; an AGI
    from fewer than k respondents is not shown. Departments are shown only when they reach k in
    every wave (a department hidden in one wave is hidden in all, so differences between waves
    cannot reveal it), and a department's cell only when k of its respondents have a score in
    both waves. ``comparison``, when given, must compare exactly the first and the last wave.
    """
    options = options or ReportOptions()
    if len(results) < 2:
        raise ReportError(
            "a trend report needs at least two waves; give two or more response files"
        )
    if len(results) != len(waves):
        raise ReportError(
            f"give one (instrument, responses) pair per scored wave: {len(results)} results, "
            f"{len(waves)} pairs"
        )
    for res, (inst, rs) in zip(results, waves, strict=True):
        if res.instrument_ref != inst.ref or res.n_respondents != rs.n_respondents:
            raise ReportError(
                f"wave {res.wave!r} was scored with {res.instrument_ref} on {res.n_respondents} "
                f"respondents, but is paired with {inst.ref} and {rs.n_respondents} respondents; "
                "pass each wave's own instrument and responses, oldest first"
            )
    # waves in time order whatever order they were given in: by wave id (2026-H1 < 2026-H2 <
    # 2027-H1), stable, so "first" and "last" are always the oldest and the newest
    order = sorted(range(len(results)), key=lambda i: results[i].wave)
    results = [results[i] for i in order]
    waves = [waves[i] for i in order]
    for res in results:
        require_population(
            res.n_respondents, options.min_group, options.named_workshop, "trend report", res.wave
        )
    names: dict[str, str] = {}
    for inst, _rs in waves:
        names.update({c.id: c.name for c in inst.capabilities})
    wave_ids = tuple(r.wave for r in results)
    if len(set(wave_ids)) != len(wave_ids):
        raise ReportError(f"the waves must differ; got {', '.join(wave_ids)}")
    first, last = wave_ids[0], wave_ids[-1]
    if comparison is None:
        comparison = _compare(results[-1], [waves[0], waves[-1]])
    elif (comparison.waves[0], comparison.waves[-1]) != (first, last) or len(comparison.waves) != 2:
        raise ReportError(
            f"the comparison covers {', '.join(comparison.waves)}; a trend report compares the "
            f"first and the last wave ({first}, {last})"
        )
    common = [c for c in results[0].capabilities if all(c in r.capabilities for r in results[1:])]
    rows = []
    k, named = options.min_group, options.named_workshop
    for cid in common:
        thin = [too_few(r.score(cid).n, k, named) for r in results]
        series = tuple(NAN if t else r.score(cid).mean for r, t in zip(results, thin, strict=True))
        agis = tuple((a.value if (a := _safe_agi(r, cid, options)) else NAN) for r in results)
        change = _span_change(comparison, cid, last)
        if thin[0] or thin[-1]:  # no change from a mean over fewer than k
            delta, label, css = NAN, f"not shown ({_few(k)})", "na"
        elif change is not None:
            delta, label = change.change, str(change.label)
            css = {"improved": "ok", "declined": "bad"}.get(label, "na")
        else:
            delta = series[-1] - series[0]
            label, css = _change(delta)
        d_agi = agis[-1] - agis[0]
        if _nan(d_agi):
            alabel, acss = "undefined", "na"
        elif d_agi <= -STABLE_AGI:
            alabel, acss = "more aligned", "ok"
        elif d_agi >= STABLE_AGI:
            alabel, acss = "less aligned", "bad"
        else:
            alabel, acss = "unchanged", "na"
        rows.append(
            TrendRow(
                names.get(cid, cid),
                tuple(_few(k) if t else fmt_num(x) for x, t in zip(series, thin, strict=True)),
                tuple(fmt_agi(a) for a in agis),
                f"{label} ({fmt_signed(delta)})" if not _nan(delta) else label,
                css,
                f"{alabel} ({fmt_signed(d_agi, 0)})" if not _nan(d_agi) else alabel,
                acss,
                series,
                agis,
            )
        )
    ov = tuple((a.value if (a := _safe_agi(r, "overall", options)) else NAN) for r in results)
    d_ov = ov[-1] - ov[0]
    overall = TrendRow(
        "Overall",
        tuple(DASH for _ in results),
        tuple(fmt_agi(a) for a in ov),
        "",
        "",
        fmt_signed(d_ov, 0) if not _nan(d_ov) else DASH,
        "ok" if d_ov <= -STABLE_AGI else ("bad" if d_ov >= STABLE_AGI else "na"),
        (),
        ov,
    )
    n_up = sum(1 for r in rows if r.change.startswith("improved"))
    n_down = sum(1 for r in rows if r.change.startswith("declined"))
    n_al = sum(1 for r in rows if r.agi_change.startswith("more aligned"))
    if _nan(ov[0]) or _nan(ov[-1]):
        agi_sentence = (
            "The management team's alignment is not compared: its Alignment Gap Index is not "
            f"shown for a wave with fewer than {options.min_group} managers, or is undefined."
        )
    elif fmt_agi(ov[0]) == fmt_agi(ov[-1]):
        agi_sentence = (
            f"The management team became more aligned on {_n_of(n_al, len(rows))}; the overall "
            f"Alignment Gap Index stayed at {fmt_agi(ov[-1])}."
        )
    else:
        agi_sentence = (
            f"The management team became more aligned on {_n_of(n_al, len(rows))}; the overall "
            f"Alignment Gap Index moved from {fmt_agi(ov[0])} to {fmt_agi(ov[-1])}."
        )
    summary = (
        f"Between {first} and {last}, {n_up} of {len(rows)} capabilities improved and "
        f"{n_down or 'none'} declined. {agi_sentence}"
    )
    # departments: shown only when large enough in every wave
    responses = [rs for _inst, rs in waves]
    hidden: set[str] = set()
    display: dict[str, str] = {}
    for rs in responses:
        sup, dn, _ = department_suppression(rs, options)
        hidden |= set(sup.hidden)
        display.update(dn)
    all_keys = set().union(*[{r.department_key for r in rs.respondents} for rs in responses])
    if options.reissue:  # a department whose change moves would point at the people changed
        hidden = set(all_keys)
    shown = sorted(
        d
        for d in all_keys
        if d not in hidden
        and all(any(r.department_key == d for r in rs.respondents) for rs in responses)
    )
    trend_sup = Suppression(tuple(shown), tuple(sorted(all_keys - set(shown))), ())
    dept_rows = []
    for cid in () if options.reissue else common:
        before = _dept_cells(results[0], responses[0], cid, trend_sup, options)
        after = _dept_cells(results[-1], responses[-1], cid, trend_sup, options)
        vals = [
            f"{fmt_num(after[d])} ({fmt_signed(after[d] - before[d])})"
            if d in before and d in after
            else DASH
            for d in shown
        ]
        dept_rows.append(TrendDeptRow(names.get(cid, cid), tuple(vals)))
    dept_note = (
        "Departments are not shown in a reissue: the department of the people added or removed "
        "is the one whose means move."
        if options.reissue
        else f"Mean score in {last} and change since {first}. Departments with fewer than "
        f"{options.min_group} respondents in any wave are not shown"
        + (f" ({len(all_keys) - len(shown)} not shown)" if len(all_keys) > len(shown) else "")
        + f"; a dash marks a capability that fewer than {options.min_group} of a department's "
        "respondents scored in either wave, or that had to be hidden so that no hidden department "
        "can be worked out by subtraction."
    )
    last_inst, last_rs = waves[-1]
    meta = replace(
        _meta(
            results[-1],
            last_inst,
            last_rs,
            options,
            "Customer-centricity over time",
            "Trend report",
        ),
        wave=f"{clean_text(first)} → {clean_text(last)}",
        wave_hashes=tuple((clean_text(r.wave), r.data_hash) for r in results),
    )
    return TrendReport(
        "trend",
        meta,
        wave_ids,
        tuple(rows),
        overall,
        summary,
        tuple(display.get(d, d) for d in shown),
        tuple(dept_rows),
        dept_note,
        f"Change = {last} against {first}, on the statements both waves share. Improved or "
        f"declined: the {results[-1].options.ci_level:.0%} bootstrap interval of that change lies "
        "wholly above or below zero (the respondents of each wave resampled independently); "
        "stable otherwise. The waves in between are shown but do not enter the label. "
        f"More or less aligned: the management AGI moved by at least {STABLE_AGI:.0f} points "
        f"between {first} and {last}.",
        _params(results[-1], last_inst),
        tuple(_safe_text(n, hidden, display) for n in comparison.notes),
        REISSUE_NOTE if options.reissue else "",
    )


def _n_of(n: int, total: int) -> str:
    """``none of them`` / ``1 of 7 capabilities`` / ``3 of 7 capabilities``."""
    return "none of them" if n == 0 else f"{n} of {total} capabilit{'y' if total == 1 else 'ies'}"


def _compare(last: WaveResult, pair: Sequence[tuple[Instrument, ResponseSet]]) -> WaveComparison:
    """Scoring's comparison of two waves (bootstrap intervals, comparable items)."""
    from scoring.trend import compare_waves

    return compare_waves(list(pair), last.options)


def _span_change(comparison: WaveComparison, cid: str, wave: str) -> CapabilityChange | None:
    """The organisation-wide change of ``cid`` ending at ``wave``, if scoring computed one."""
    try:
        return comparison.change_for(cid, "organisation", wave)
    except KeyError:
        return None


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

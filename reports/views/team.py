"""The team/workshop report's view model: one function per report section."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from questionnaires.answers import ResponseSet
from questionnaires.errors import ReportError
from questionnaires.model import Action, Capability, Instrument
from reports.anonymity import (
    Suppression,
    require_population,
    suppress_groups,
    too_few,
)
from reports.formatting import (
    DASH,
    clean_text,
    fmt_agi,
    fmt_int,
    fmt_money,
    fmt_money_short,
    fmt_num,
    fmt_p,
    fmt_pct,
    fmt_signed,
)
from reports.options import ReportOptions
from reports.views.common import (
    BAND_CLASS,
    NAN,
    REISSUE_NOTE,
    AgreementRow,
    BusinessRow,
    BusinessView,
    CampView,
    CapabilityRow,
    DisputedItem,
    DotRow,
    Finding,
    HeatCell,
    Heatmap,
    HeatRow,
    ItemGroup,
    ItemRow,
    Kpi,
    MapData,
    PerceptionRow,
    PerceptionTestRow,
    ReliabilityRow,
    RoadmapActionView,
    SiloRow,
    StageView,
    TeamReport,
    _cell_suppression,
    _comments,
    _consistency,
    _few,
    _isolating_perception,
    _level_names,
    _meta,
    _nan,
    _one_decimal,
    _p_text,
    _params,
    _perception_shown,
    _quartiles,
    _r1,
    _safe_agi,
    _safe_warnings,
    agi_interval,
    agi_reference,
    band_phrase,
    band_pill,
    department_suppression,
    level_mark,
    level_shown,
    level_text,
    management_level,
    organisation_level,
    safe_gate,
    team_size,
    team_verdict,
    verdict_counts,
)
from scoring.consensus import agreement_items
from scoring.inference import DifferenceLabel
from scoring.null import DEFAULT_MODELS, expected_agi
from scoring.results import (
    AGIResult,
    AlignmentMap,
    AmbitionGap,
    ItemStats,
    MaturityLevel,
    PerceptionGap,
    RoadmapAction,
    WaveResult,
)
from scoring.results import (
    Finding as ResultFinding,
)


def _perception_finding(pg: PerceptionGap, name: str) -> Finding:
    """The finding of a blind spot or hidden strength; severity |gap| / 0.75 points."""
    blind = pg.label == "blind spot"
    return Finding(
        "perception",
        pg.capability_id,
        (
            f"Executives see more than their organisation on {name}"
            if blind
            else f"The organisation rates {name} higher than its executives do"
        ),
        f"Executives rate it {fmt_num(pg.management_mean)}, everyone else "
        f"{fmt_num(pg.others_mean)} (difference {fmt_signed(pg.gap)}, p {_p_text(pg.p_value)}).",
        (
            f"A possible blind spot: test the executive view of {name.lower()} "
            "against what front-line staff and customers experience."
            if blind
            else f"A hidden strength: in {name.lower()} executives can build on "
            "more than they think."
        ),
        abs(pg.gap) / 0.75,
    )


def _ambition_finding(amb: AmbitionGap, name: str) -> Finding:
    """The finding of a large ambition gap; severity gap / 1.5 points."""
    return Finding(
        "ambition",
        amb.capability_id,
        f"The largest ambition is in {name}",
        f"The organisation rates it {fmt_num(amb.current_mean)} today and wants "
        f"{fmt_num(amb.target_mean)}: from maturity level {amb.current_level} to "
        f"{amb.target_level}.",
        "Stage the investment: fund the first step, then decide on the next one with "
        "a new assessment.",
        amb.gap / 1.5,
    )


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
    _low, high_band = result.options.agi_bands
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
        if agi is not None and not _nan(agi.value) and agi.band in ("misaligned", "partly aligned"):
            word = "misaligned" if agi.band == "misaligned" else "only partly aligned"
            reference = (
                ""
                if _nan(agi.null_mean)
                else f"; random answering would give about {fmt_agi(agi.null_mean)}"
            )
            cands.append(
                Finding(
                    "alignment",
                    cid,
                    f"The management team is {word} on {name}",
                    f"The management team's Alignment Gap Index is {fmt_agi(agi.value)} of 100 "
                    f"(interval {agi_interval(agi)}, misaligned above {fmt_num(high_band, 0)}"
                    f"{reference}).{split}",
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
                cands.append(_perception_finding(pg, name))
        amb = next((a for a in result.ambition if a.capability_id == cid), None)
        if amb and not _nan(amb.gap) and amb.gap >= 1.0:
            cands.append(_ambition_finding(amb, name))
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


#: What the summary asks the board to decide, per kind of the leading finding ({name}: the
#: capability's name).
DECISIONS = {
    "perception_gap": "Decision asked of the board: fund, in stage 1, a validation step that tests "
    "the executive view of {name} against what front-line staff and customers experience, and "
    "make the next stage's funding depend on its result.",
    "misaligned_current": "Decision asked of the board: hold a facilitated alignment session on "
    "{name} before any money is committed to it; fund the first stage only once the management "
    "team agrees where the company stands.",
    "misaligned_target": "Decision asked of the board: agree one target for {name} before the "
    "roadmap is funded; until then the team would spend towards different goals.",
    "silo": "Decision asked of the board: name one owner for {name} across the departments that "
    "see it differently, and fund the first stage under that owner.",
    "ambition_gap": "Decision asked of the board: approve stage 1 of the roadmap for {name} and the "
    "decision gate after it, not the whole programme at once.",
    "borderline_level": "Decision asked of the board: treat the level of {name} as undecided; "
    "confirm it with evidence before a decision gate depends on it.",
    "prerequisite_cap": "Decision asked of the board: fund the prerequisite that caps {name} first; "
    "investing in {name} itself cannot raise its level until then.",
    "strength": "Decision asked of the board: approve stage 1 of the roadmap and its decision gate; "
    "build on {name}, where the organisation is strongest.",
}

#: What to do, per finding kind (printed under each finding).
IMPLICATIONS = {
    "perception_gap": "Test the executive view against front-line staff and customers before "
    "investing.",
    "misaligned_current": "Agree on where the company stands here before investing; otherwise the "
    "budget will be argued over rather than used.",
    "misaligned_target": "Agree one target before the roadmap is funded.",
    "silo": "Bring the departments together on the evidence; a shared view of the customer is the "
    "first step out of the silo.",
    "ambition_gap": "Stage the investment: fund the first step, then decide on the next one with "
    "a new assessment.",
    "borderline_level": "Read the level as either of the two; a gate should not hinge on it.",
    "prerequisite_cap": "Raise the prerequisite first.",
    "strength": "Build on it: it can carry the first stage.",
}

_KIND_RANK = {k: i for i, k in enumerate(DECISIONS)}


def _finding_shown(f: ResultFinding, t: _Team) -> bool:
    """A finding the report may print: its capability scored by k or more, its population not
    a hidden department nor a management split the report does not show."""
    if f.capability_id != "overall" and f.capability_id in t.thin:
        return False
    pop = f.population
    if t.reissue and (pop == "departments" or pop.startswith("department:")):
        return False  # a reissue shows no department figure
    if pop.startswith("department:") and pop.split(":", 1)[1] not in t.shown:
        return False
    if pop in ("management", "management_vs_organisation") and not t.management_shown:
        return False
    return not (pop == "management_vs_organisation" and not t.roles_shown)


def printed_difference(a: float, b: float, digits: int = 1) -> str:
    """``a − b`` as the difference of the two figures as printed (``fmt_num`` to ``digits``),
    signed: 3.64 and 2.68 print as 3.6 and 2.7, so their difference prints as +0.9, not +1.0."""
    if _nan(a) or _nan(b):
        return DASH

    def shown(x: float) -> float:
        return float(fmt_num(x, digits).replace("−", "-"))

    return fmt_signed(round(shown(a) - shown(b), digits), digits)


#: Whose view a finding's population is, as the report names it.
POPULATION_NAMES = {
    "management": "Management team",
    "organisation": "Whole organisation",
    "managers": "Managers",
    "staff": "Staff",
    "departments": "Whole organisation",
    "management_vs_organisation": "Management team against everyone else",
}


def _p_words(p: float) -> str:
    """An adjusted p as printed beside a finding (``adjusted p < 0.001``)."""
    return f"adjusted p {fmt_p(p)}" if fmt_p(p).startswith("<") else f"adjusted p = {fmt_p(p)}"


def _evidence_text(f: ResultFinding, t: _Team | None = None) -> str:
    """The numbers behind a finding in words, each with its population and statistic:
    ``Management team (n = 8) mean 3.8 against everyone else (n = 52) 2.7; +1.1 points,
    adjusted p < 0.001 (Holm), Hedges' g 2.3.`` No n in a reissue (``t.reissue``)."""
    ev = {k: v for k, v in f.evidence.items() if not _nan(v)}
    reissue = t is not None and t.reissue

    def n_of(n: int | None) -> str:
        return "" if reissue or n is None else f" (n = {n})"

    n_mgmt = t.n_mgmt if t is not None else None
    pop = POPULATION_NAMES.get(f.population, f.population.replace("department:", ""))
    kind = f.kind
    if kind == "perception_gap" and {"management", "others", "gap"} <= ev.keys():
        others = None if f.n is None or n_mgmt is None else f.n - n_mgmt
        text = (
            f"Management team{n_of(n_mgmt)} mean {fmt_num(ev['management'], 1)} against everyone "
            f"else{n_of(others)} {fmt_num(ev['others'], 1)}: "
            # the difference of the printed means, so the three figures agree
            f"{printed_difference(ev['management'], ev['others'])} points"
        )
        if "p_adjusted" in ev and not reissue:
            text += f", {_p_words(ev['p_adjusted'])} (Holm)"
        if "g" in ev:
            text += f", Hedges' g {fmt_num(ev['g'], 1)}"
        return text + "."
    if kind in ("misaligned_current", "misaligned_target") and "agi" in ev:
        text = f"Management team{n_of(n_mgmt)}: AGI {fmt_agi(ev['agi'])}"
        if "ci_low" in ev and "ci_high" in ev:
            text += f" (interval {fmt_agi(ev['ci_low'])}–{fmt_agi(ev['ci_high'])})"
        if "null_mean" in ev:
            text += f"; random answering would give about {fmt_agi(ev['null_mean'])}"
        if "critical_high" in ev:
            text += f", and above {fmt_agi(ev['critical_high'])} in only 5% of random teams"
        return text + "."
    if kind == "silo":
        means = [v for k, v in ev.items() if k.startswith("department:")]
        text = f"Department means{n_of(f.n)}"
        if means:
            text += f" from {fmt_num(min(means), 1)} to {fmt_num(max(means), 1)}"
        if "icc1" in ev:
            text += f"; ICC(1) {fmt_num(ev['icc1'], 2)}"
        if "p_adjusted" in ev:
            text += "" if reissue else f", {_p_words(ev['p_adjusted'])}"
        return text + " (Silo gap, page “Where views differ”)."
    if kind == "ambition_gap" and {"current", "target"} <= ev.keys():
        text = (
            f"{pop}{n_of(f.n)}: mean level {fmt_num(ev['current'], 1)} today, "
            f"{fmt_num(ev['target'], 1)} as target"
        )
        if "p_adjusted" in ev:
            text += "" if reissue else f", {_p_words(ev['p_adjusted'])}"
        return text + "."
    if kind == "borderline_level" and "median" in ev:
        d = 1 if reissue else 2  # a reissue prints capability figures to one decimal
        text = f"{pop}{n_of(f.n)}: median {fmt_num(ev['median'], d)}"
        if "interval_low" in ev and "interval_high" in ev:
            text += (
                f", 95% interval {fmt_num(ev['interval_low'], d)}–{fmt_num(ev['interval_high'], d)}"
            )
        return text + "."
    if kind == "prerequisite_cap" and {"level", "uncapped_level"} <= ev.keys():
        return (
            f"{pop}: level {int(ev['level'])}; its own statements would give level "
            f"{int(ev['uncapped_level'])}."
        )
    if kind == "strength" and "difference" in ev:
        text = f"{pop}{n_of(f.n)}: {fmt_signed(ev['difference'], 1)} levels above its other capabilities"
        if "p_adjusted" in ev:
            text += "" if reissue else f", {_p_words(ev['p_adjusted'])}"
        return text + "."
    parts = [
        _p_words(v)
        if k == "p_adjusted" and not reissue
        else ""
        if k == "p_adjusted"
        else f"{k.replace('_', ' ')} {fmt_num(v, 1 if reissue or abs(v) >= 1 or v == 0 else 2)}"
        for k, v in ev.items()
    ]
    parts = [p for p in parts if p]
    return f"{pop}{n_of(f.n)}: " + " · ".join(parts) + "." if parts else pop + "."


def board_findings(result: WaveResult, t: _Team, limit: int = 3) -> tuple[Finding, ...]:
    """The summary's findings from ``result.findings``: largest salience first, one per capability.

    Rule (``docs/reports.md#executive-summary``): ``salience = effect in levels × certainty ×
    weight`` (:class:`scoring.results.Finding`); sorted by salience, ties by kind
    (:data:`scoring.results.FINDING_KINDS` order) and capability; findings the report may not show
    (a capability or group below k) are skipped; at most one finding per capability, ``limit`` in
    all.
    """
    cands = sorted(
        (f for f in result.findings if _finding_shown(f, t)),
        key=lambda f: (-f.salience, _KIND_RANK.get(f.kind, 99), f.capability_id),
    )
    out: list[Finding] = []
    seen: set[str] = set()
    for f in cands:
        if f.capability_id in seen:
            continue
        seen.add(f.capability_id)
        out.append(
            Finding(
                f.kind,
                f.capability_id,
                _one_decimal(f.headline) if t.reissue else f.headline,
                _evidence_text(f, t),
                IMPLICATIONS.get(f.kind, ""),
                f.salience,
            )
        )
        if len(out) == limit:
            break
    return tuple(out)


#: The report's own findings' kinds in the engine's vocabulary (fallback until it fills them).
_LEGACY_KINDS = {
    "alignment": "misaligned_current",
    "perception": "perception_gap",
    "silo": "silo",
    "ambition": "ambition_gap",
}


def decision_text(findings: Sequence[Finding], names: dict[str, str]) -> str:
    """The decision the summary asks of the board, from the leading finding (:data:`DECISIONS`);
    ``names`` maps capability ids to names."""
    if not findings:
        return (
            "Decision asked of the board: approve stage 1 of the roadmap and the decision gate "
            "after it."
        )
    top = findings[0]
    kind = _LEGACY_KINDS.get(top.kind, top.kind)
    name = names.get(top.capability, "the instrument as a whole")
    return DECISIONS.get(kind, DECISIONS["ambition_gap"]).format(name=name)


# -- team report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Team:
    """What every section of the team report needs: the inputs and who may be shown."""

    result: WaveResult
    responses: ResponseSet
    instrument: Instrument
    options: ReportOptions
    k: int
    named: bool
    reissue: bool
    digits: int
    names: dict[str, str]
    level_names: tuple[str, ...]
    mgmt_roles: tuple[str, ...]
    is_mgmt: list[bool]
    n_mgmt: int
    n_oth: int
    roles_shown: bool
    management_shown: bool
    sup: Suppression
    dept_names: dict[str, str]
    dept_n: dict[str, int]
    shown: tuple[str, ...]
    cell_means: dict[str, dict[str, float]]
    isolated: frozenset[str]
    few: str
    thin: frozenset[str]
    thin_items: frozenset[str]
    shown_dept_means: dict[str, list[tuple[str, float]]]


def _team(
    result: WaveResult,
    responses: ResponseSet,
    instrument: Instrument,
    options: ReportOptions,
) -> _Team:
    """Check the inputs and work out, once, which groups, capabilities and items may be shown."""
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
    return _Team(
        result=result,
        responses=responses,
        instrument=instrument,
        options=options,
        k=k,
        named=named,
        reissue=reissue,
        digits=digits,
        names=names,
        level_names=level_names,
        mgmt_roles=mgmt_roles,
        is_mgmt=is_mgmt,
        n_mgmt=n_mgmt,
        n_oth=n_oth,
        roles_shown=roles_shown,
        management_shown=management_shown,
        sup=sup,
        dept_names=dept_names,
        dept_n=dept_n,
        shown=shown,
        cell_means=cell_means,
        isolated=isolated,
        few=few,
        thin=thin,
        thin_items=thin_items,
        shown_dept_means=shown_dept_means,
    )


def _capabilities(
    t: _Team,
) -> tuple[tuple[CapabilityRow, ...], tuple[tuple[str, float, float], ...], tuple[DotRow, ...]]:
    """The capability table, the radar's points and the dot plot's rows."""
    result, names = t.result, t.names
    caps: list[CapabilityRow] = []
    radar = []
    dots = []
    for cid in result.capabilities:
        sc = result.score(cid)
        if cid in t.thin:
            caps.append(_thin_row(t, cid))
            radar.append((f"{names[cid]} ({t.few})", NAN, NAN))
            dots.append(DotRow(names[cid], (), (), NAN, t.few))
            continue
        agi = _safe_agi(result, cid, t.options)
        caps.append(_capability_row(t, cid, agi))
        if t.reissue:
            radar.append((names[cid], _r1(sc.median), _r1(sc.target_median)))
        else:
            radar.append((names[cid], sc.median, sc.target_median))
        dots.append(_dot_row(t, cid, agi))
    return tuple(caps), tuple(radar), tuple(dots)


def _thin_row(t: _Team, cid: str) -> CapabilityRow:
    """The row of a capability scored by 1..k−1 people: nothing but why."""
    sc, cap = t.result.score(cid), t.instrument.capability(cid)
    return CapabilityRow(
        id=cid,
        name=t.names[cid],
        weight=fmt_num(cap.weight),
        level=DASH,
        level_name=t.few,
        target_level=DASH,
        median=DASH,
        mean=DASH,
        ci=DASH,
        target_median=DASH,
        agi=DASH,
        agi_band=t.few,
        band_css="na",
        agi_target=DASH,
        n=DASH if t.options.reissue else fmt_int(sc.n),
        explanation=f"Not shown: fewer than {t.k} respondents answered enough of its "
        "statements for a score, and a team figure from so few would let them work "
        "out each other's answers.",
        holding_back=DASH,
    )


_TEAM_WORDS = (
    ("the team median is", "the organisation's median is"),
    ("The team's target is", "The organisation's target is"),
)
NOT_SHARED = "The management team does not agree on this: the level is not a shared view."


def _organisation_words(explanation: str) -> str:
    """Scoring's level explanation, which is over everyone, with its population named."""
    for old, new in _TEAM_WORDS:
        explanation = explanation.replace(old, new)
    return explanation


def why_level(t: _Team, cid: str, level: int, holding: int = 2) -> str:
    """ "Why this level" in words: the level's descriptor, what the next level asks, and the few
    statements that hold the capability back.

    Holding back = the capability's statements whose organisation median lies below the
    capability's median (lowest first, at most ``holding``; statements fewer than k answered are
    never named); when none lies below, the sentence says that no single statement holds it back.
    A cap by the weakest statement or by a prerequisite is named first.
    """
    cap, lv, sc = t.instrument.capability(cid), t.result.level(cid), t.result.score(cid)
    parts: list[str] = []
    if 1 <= level <= 5 and level in cap.levels:
        parts.append(f"Level {level} · {t.level_names[level - 1]}: {cap.levels[level]}")
    if lv.capped_by_prerequisite:
        pre = t.names.get(lv.capped_by_prerequisite, lv.capped_by_prerequisite)
        parts.append(f"Capped by its prerequisite {pre}, which is at a lower level.")
    stats = {i.item_id: i for i in t.result.items}
    below = sorted(
        (
            (stats[i.id].median, i.id)
            for i in cap.items
            if i.id in stats
            and i.id not in t.thin_items
            and not _nan(stats[i.id].median)
            and not _nan(sc.median)
            and stats[i.id].median < sc.median
        ),
    )[:holding]
    if level < 5 and (level + 1) in cap.levels:
        if below:
            held = ", ".join(f"{iid} (median {fmt_num(m)})" for m, iid in below)
            parts.append(f"Held back most by {held}.")
        elif not _nan(sc.median):
            parts.append(
                f"No single statement holds it back: every statement's median is at least "
                f"{fmt_num(sc.median)}, so level {level + 1} needs progress across the board."
            )
    return " ".join(parts)


def _capability_row(t: _Team, cid: str, agi: AGIResult | None) -> CapabilityRow:
    """One capability's row: level, medians, AGI with its band and reference, agreement."""
    result, k, reissue, digits = t.result, t.k, t.reissue, t.digits
    sc, lv, cap = result.score(cid), result.level(cid), t.instrument.capability(cid)
    agi_t = _safe_agi(result, cid, t.options, basis="target")
    hidden_band = "undefined" if t.management_shown else f"not shown (fewer than {k})"
    ag = next((a for a in result.agreement if a.capability_id == cid), None)
    agrees, agree_css, agree_note, agree_pop = team_verdict(agi, ag, k, t.named, t.management_shown)
    mgmt_level = management_level(lv, k, t.named, t.management_shown)
    level = mgmt_level.level if mgmt_level is not None else lv.level
    explanation = _organisation_words(lv.explanation)
    return CapabilityRow(
        id=cid,
        name=t.names[cid],
        weight=fmt_num(cap.weight),
        level=str(level),
        level_name=t.level_names[level - 1] if 1 <= level <= 5 else DASH,
        target_level=str(lv.target_level),
        median=fmt_num(sc.median),
        mean=fmt_num(sc.mean, digits),
        ci=(
            f"{fmt_num(sc.ci.low, digits)}–{fmt_num(sc.ci.high, digits)}" if sc.ci.defined else DASH
        ),
        target_median=fmt_num(sc.target_median),
        agi=fmt_agi(agi.value) if agi else DASH,
        agi_band=agi.band if agi else hidden_band,
        band_css=BAND_CLASS.get(agi.band if agi else "undefined", "na"),
        agi_target=fmt_agi(agi_t.value) if agi_t else DASH,
        n=DASH if t.options.reissue else fmt_int(sc.n),
        explanation=_one_decimal(explanation) if reissue else explanation,
        holding_back=", ".join(lv.holding_back) or DASH,
        why=_one_decimal(why_level(t, cid, lv.level)) if reissue else why_level(t, cid, lv.level),
        agi_pill=band_pill(agi.band) if agi else hidden_band,
        agi_interval=agi_interval(agi) if agi else DASH,
        agi_reference=agi_reference(agi, reissue) if agi else hidden_band,
        agi_null=_null_text(agi),
        level_management=(
            level_text(mgmt_level, "management team", reissue)
            if mgmt_level is not None
            else _hidden_level(lv, k, t.management_shown)
        ),
        level_organisation=(
            level_text(organisation_level(lv, k, t.named), "organisation", reissue)
            if level_shown(lv.organisation, k, t.named)
            else "There is no level estimate for the organisation."
        ),
        agrees=agrees,
        agree_css=agree_css,
        agree_note=_one_decimal(agree_note) if reissue else agree_note,
        agree_population=agree_pop,
        level_org=str(lv.level),
        level_population="management team" if mgmt_level is not None else "organisation",
        agi_target_pill=band_pill(agi_t.band) if agi_t else hidden_band,
        agi_target_css=BAND_CLASS.get(agi_t.band if agi_t else "undefined", "na"),
        agi_target_null=_null_text(agi_t),
        agi_items=str(agi.items) if agi is not None and agi.items else DASH,
        shared_note=NOT_SHARED if agrees in ("no", "no — split") else "",
        level_mark=level_mark(mgmt_level) if mgmt_level is not None else "",
        level_org_mark=(
            level_mark(organisation_level(lv, k, t.named))
            if level_shown(lv.organisation, k, t.named)
            else ""
        ),
    )


def _null_text(agi: AGIResult | None) -> str:
    """The AGI random answering would give, or ``none``/``–``."""
    if agi is None:
        return DASH
    return "none" if _nan(agi.null_mean) else fmt_agi(agi.null_mean)


def _dot_row(t: _Team, cid: str, agi: AGIResult | None) -> DotRow:
    """The dot plot's row: every score by side (management / others) unless roles are hidden;
    in a reissue only quartiles (one dot more or less would show who was added or removed)."""
    sc = t.result.score(cid)
    vals = sc.respondent_scores
    mg = tuple(sorted(v for v, m in zip(vals, t.is_mgmt, strict=True) if m and not _nan(v)))
    ot = tuple(sorted(v for v, m in zip(vals, t.is_mgmt, strict=True) if not m and not _nan(v)))
    if not t.roles_shown:
        mg, ot = (), tuple(sorted(mg + ot))
    label = f"AGI {fmt_agi(agi.value)}" if agi else "AGI –"
    if t.options.reissue:
        q1, med, q3 = _quartiles(mg + ot)
        return DotRow(t.names[cid], (), (), _r1(med), label, _r1(q1), _r1(q3))
    return DotRow(t.names[cid], mg, ot, sc.median, label)


def _hidden_level(lv: MaturityLevel, k: int, management_shown: bool) -> str:
    """Why the management team's level estimate is not printed, in words."""
    if not management_shown:
        return f"The management team's level is not shown (fewer than {k} in the team)."
    est = lv.management
    if est is None:
        return "There is no level estimate for the management team."
    if not est.computable:
        return f"There is no level for the management team: {est.reason or 'no scores'}."
    return f"The management team's level is not shown ({_few(k)})."


def _summary(
    t: _Team, caps: Sequence[CapabilityRow], lead: Finding | None = None
) -> tuple[str, tuple[Kpi, ...]]:
    """The headline and the key figures.

    With a leading finding (``lead``, the most salient) other than a strength, the headline opens
    with its sentence and the overall alignment band is left to its tile: a summary never calls
    the team "aligned" while a larger finding stands.
    """
    result, instrument, options, k, n_mgmt, management_shown, thin = (
        t.result,
        t.instrument,
        t.options,
        t.k,
        t.n_mgmt,
        t.management_shown,
        t.thin,
    )
    overall = _safe_agi(result, "overall", options)
    overall_t = _safe_agi(result, "overall", options, basis="target")
    # average maturity over the assessed capabilities only (level 0 = not assessed)
    weights = {c.id: c.weight for c in instrument.capabilities}
    assessed = [c for c in result.capabilities if result.level(c).level > 0 and c not in thin]
    wsum = sum(weights[c] for c in assessed)
    # the headline's population is the management team (the design's "team") when every assessed
    # capability has a level estimate of it that may be shown; otherwise everyone, and it says so
    mgmt = {c: management_level(result.level(c), k, t.named, management_shown) for c in assessed}
    by_mgmt = bool(assessed) and all(e is not None for e in mgmt.values())
    org_level = sum(result.level(c).level * weights[c] for c in assessed) / wsum if wsum else NAN
    mean_level = (
        sum((e.level if (e := mgmt[c]) is not None else 0) * weights[c] for c in assessed) / wsum
        if by_mgmt and wsum
        else org_level
    )
    mean_target = (
        sum(result.level(c).target_level * weights[c] for c in assessed) / wsum if wsum else NAN
    )
    n_org = "" if options.reissue else f" (n = {result.n_respondents})"
    n_team = "" if options.reissue else f" (n = {n_mgmt})"
    if not assessed:
        maturity = "The team gives no capability enough answers for a maturity level."
    elif by_mgmt:
        maturity = (
            f"The management team{n_team} places the company at maturity level "
            f"{fmt_num(mean_level)} on average over the {len(assessed)} capabilities assessed; "
            f"the organisation as a whole{n_org} places it at {fmt_num(org_level)} and aims for "
            f"{fmt_num(mean_target)}."
        )
    else:
        why = (
            f"the management team's is not shown (fewer than {k} in the team)"
            if not management_shown
            else "the management team's is withheld on some capabilities"
        )
        maturity = (
            f"The organisation as a whole{n_org} places the company at maturity level "
            f"{fmt_num(org_level)} on average over the {len(assessed)} capabilities assessed, "
            f"aiming for {fmt_num(mean_target)}; {why}."
        )
    verdicts = [c.agrees for c in caps if c.id not in thin and c.agrees != "not computed"]
    counted = (
        f" The management team {verdict_counts(verdicts)}" if verdicts and management_shown else ""
    )
    band = overall.band if overall else "undefined"
    if overall is not None and band == "undefined":
        headline = (
            f"{maturity} The management team's alignment could not be computed "
            "(too few of its members answered enough statements)."
        )
    elif overall is not None:
        interval = f" (interval {agi_interval(overall)})" if overall.ci.defined else ""
        reference = (
            ""
            if _nan(overall.null_mean)
            else f"; random answering would give about {fmt_agi(overall.null_mean)}"
        )
        headline = (
            f"{maturity} Overall, the management team's Alignment Gap Index is "
            f"{fmt_agi(overall.value)} of 100{interval}{reference}. It {band_phrase(band)}."
            + counted
        )
        if lead is not None and lead.kind != "strength":
            headline = (
                f"{maturity} Overall, the management team's Alignment Gap Index is "
                f"{fmt_agi(overall.value)} of 100{interval}{reference}." + counted
            )
    elif not management_shown:
        headline = (
            f"{maturity} The management team's alignment is not shown: it has fewer "
            f"than {k} respondents."
        )
    else:
        headline = f"{maturity} The management team's alignment could not be computed."
    if lead is not None and lead.kind != "strength":
        headline = f"{lead.headline.rstrip('.')}. {headline}"
    return headline, _summary_kpis(t, overall, overall_t, mean_level, mean_target, by_mgmt)


def _summary_kpis(
    t: _Team,
    overall: AGIResult | None,
    overall_t: AGIResult | None,
    mean_level: float,
    mean_target: float,
    by_mgmt: bool,
) -> tuple[Kpi, ...]:
    """The summary's five key figures, each naming its population."""
    options = t.options
    band = overall.band if overall else "undefined"
    band_t = overall_t.band if overall_t else "undefined"
    return (
        Kpi(
            "Overall AGI",
            fmt_agi(overall.value) if overall else DASH,
            _agi_tile(overall, t),
            BAND_CLASS.get(band, ""),
        ),
        Kpi(
            "Target AGI",
            fmt_agi(overall_t.value) if overall_t else DASH,
            _agi_tile(overall_t, t),
            BAND_CLASS.get(band_t, ""),
        ),
        Kpi(
            "Maturity today",
            fmt_num(mean_level),
            "management team, weighted mean level, 1–5"
            if by_mgmt
            else "organisation, weighted mean level, 1–5",
        ),
        Kpi("Target maturity", fmt_num(mean_target), "organisation, weighted mean level, 1–5"),
        Kpi(
            "Respondents",
            fmt_int(t.result.n_respondents),
            "reissue: group sizes not shown"
            if options.reissue
            else f"{team_size(t.n_mgmt, options.min_group, options.named_workshop)} in the "
            "management team",
        ),
    )


def _agi_tile(agi: AGIResult | None, t: _Team) -> str:
    """An AGI tile's note: the band in words and the random reference (``too few to tell ·
    random answering ≈ 17``), or why there is none."""
    if agi is None:
        return "undefined" if t.management_shown else f"not shown (fewer than {t.k})"
    text = band_pill(agi.band)
    if not _nan(agi.null_mean):
        text += f" · random answering ≈ {fmt_agi(agi.null_mean)}"
    return text


def _heatmap(t: _Team) -> tuple[Heatmap | None, str]:
    """Department means coloured by distance from the all-respondent mean, and the note on hidden departments."""
    result, options, k, reissue, names, sup, dept_names, dept_n, shown, cell_means, few, thin = (
        t.result,
        t.options,
        t.k,
        t.reissue,
        t.names,
        t.sup,
        t.dept_names,
        t.dept_n,
        t.shown,
        t.cell_means,
        t.few,
        t.thin,
    )
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
    return heatmap, hidden_note


def _perception(t: _Team) -> tuple[tuple[PerceptionRow, ...], str]:
    """Management team against everyone else, or why it is not shown."""
    result, options, k, reissue, names, mgmt_roles, n_mgmt, n_oth, roles_shown, isolated = (
        t.result,
        t.options,
        t.k,
        t.reissue,
        t.names,
        t.mgmt_roles,
        t.n_mgmt,
        t.n_oth,
        t.roles_shown,
        t.isolated,
    )
    # perception gap
    adjust = "Holm" if result.options.label_adjust == "holm" else "Benjamini–Hochberg"
    perception: tuple[PerceptionRow, ...] = ()
    tested = any(p.test is not None for p in result.perception)
    if roles_shown:
        perception = tuple(
            (
                PerceptionRow(
                    names[p.capability_id],
                    fmt_num(p.management_mean),
                    fmt_num(p.others_mean),
                    # the difference of the printed means, so the three figures agree (issue 12)
                    printed_difference(p.management_mean, p.others_mean),
                    fmt_p(p.test.p_adjusted if p.test is not None else p.p_value),
                    "not computed" if p.label == "undefined" else p.label,
                    {"blind spot": "bad", "hidden strength": "ok", "shared view": "ok"}.get(
                        p.label, "na"
                    ),
                    0.0 if _nan(p.gap) else p.gap,
                    ci=_ci_text(p.test),
                    note=_perception_row_note(p, t.instrument.capability(p.capability_id)),
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
        ) + (
            f" A gap is a blind spot or hidden strength only when Welch's test finds it after "
            f"{adjust}'s adjustment over the {len(result.perception)} capabilities; \"shared "
            f'view" when the equivalence test, adjusted the same way, shows it smaller than '
            f'{fmt_num(result.options.sesoi)} points either way; "no clear gap" otherwise. '
            "p is the adjusted one the label uses; the 95% interval is unadjusted, so a gap whose "
            f'interval lies within ±{fmt_num(result.options.sesoi)} can still read "no clear '
            'gap" after the adjustment. The test behind each label is in the technical appendix.'
            if tested
            else " Permutation p-values, two-sided."
        )
    elif reissue:
        perception_note = (
            "Not shown in a reissue: a management or others mean that moves, or stays, would "
            "show in which group the people added or removed are."
        )
    else:
        perception_note = (
            "Not shown: the management team or the rest of the organisation has fewer than "
            f"{k} respondents."
        )
    return perception, perception_note


def _ci_text(test: DifferenceLabel | None) -> str:
    """A difference's interval, ``−0.1 to 0.6``, or empty without one."""
    if test is None or not test.ci.defined:
        return ""
    return f"{fmt_signed(test.ci.low)} to {fmt_signed(test.ci.high)}"


def _perception_row_note(p: PerceptionGap, cap: Capability) -> str:
    """Why a gap has no label, or the items it compares when fewer than all."""
    if p.label == "undefined" or (p.test is not None and p.test.key == "not computed"):
        why = p.reason or (p.test.reason if p.test is not None else "")
        return f"Not labelled: {why or 'the gap could not be computed'}."
    if p.items_used and len(p.items_used) < len(cap.items):
        return (
            f"Compared on the {len(p.items_used)} of {len(cap.items)} statements both groups were "
            f"asked: {', '.join(p.items_used)}."
        )
    return ""


def _perception_tests(t: _Team) -> tuple[tuple[PerceptionTestRow, ...], str]:
    """Technical appendix: the test behind every perception label that may be shown."""
    result = t.result
    if not t.roles_shown:
        return (), ""
    rows = []
    for p in result.perception:
        if p.test is None or not _perception_shown(p, t.options, t.isolated):
            continue
        cap = t.instrument.capability(p.capability_id)
        d = p.test
        items = (
            "all"
            if not p.items_used or len(p.items_used) == len(cap.items)
            else ", ".join(p.items_used)
        )
        if d.key == "not computed":
            rows.append(PerceptionTestRow(t.names[p.capability_id], DASH, DASH, DASH, DASH, items))
            continue
        g = fmt_num(d.g, 2) + (
            f" ({fmt_num(d.g_ci.low, 2)} to {fmt_num(d.g_ci.high, 2)})" if d.g_ci.defined else ""
        )
        rows.append(
            PerceptionTestRow(
                t.names[p.capability_id],
                fmt_p(d.p_value),
                fmt_p(d.p_adjusted),
                fmt_p(d.equivalence_p),
                g,
                items,
            )
        )
    o = result.options
    adjust = "Holm" if o.label_adjust == "holm" else "Benjamini–Hochberg"
    note = (
        f"Welch's t-test of management against everyone else, on the statements both groups were "
        f"asked; p adjusted by {adjust} over the report's {len(result.perception)} capabilities "
        f"(α = {fmt_num(o.label_alpha, 2)}); equivalence p from two one-sided tests against "
        f"±{fmt_num(o.sesoi)} points, the smallest difference that matters (Lakens, 2017); "
        "Hedges' g is the difference in pooled standard deviations, with its interval."
        if rows
        else ""
    )
    return tuple(rows), note


def _silos(t: _Team) -> tuple[tuple[SiloRow, ...], str]:
    """The spread between departments, recomputed on the departments shown."""
    result, k, reissue, names, shown_dept_means = (
        t.result,
        t.k,
        t.reissue,
        t.names,
        t.shown_dept_means,
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
    return tuple(silos), silo_note


def _spread(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def silo_lead(t: _Team, silos: Sequence[SiloRow]) -> str:
    """The sentence that opens the silo section: the capabilities the findings engine calls a
    silo (``WaveResult.findings`` of kind ``silo`` the report may show), the largest spread
    first, or that none is. Empty when no silo table is shown (a reissue, one department)."""
    if not silos:
        return ""
    found = {
        f.capability_id for f in t.result.findings if f.kind == "silo" and _finding_shown(f, t)
    }
    spread = {r.name: r for r in silos}
    real = [spread[t.names[c]] for c in found if t.names.get(c) in spread]
    real.sort(key=lambda r: (-_spread(r.spread), r.name))
    if not real:
        return (
            "No capability is a real silo: where departments differ, the difference is small or "
            "could be chance."
        )
    first = real[0]
    names = [r.name for r in real]
    who = (
        f"Only {names[0]} is a real silo"
        if len(names) == 1
        else f"{', '.join(names[:-1])} and {names[-1]} are real silos"
    )
    try:
        explains = (
            f", and which department people sit in explains {fmt_pct(float(first.eta2))} of how "
            "they rate it (η²)"
        )
    except ValueError:  # η² not computed
        explains = ""
    return (
        f"{who}: on {first.name} the departments' means lie {first.spread} points apart "
        f"({first.highest} against {first.lowest}){explains}. On the other capabilities the "
        "departments' differences are small or could be chance."
    )


def _management_map(t: _Team) -> AlignmentMap | None:
    """The alignment map of the management team alone (:func:`scoring.alignment.alignment_map`
    on its members' capability scores, seed and camps as scoring's), or ``None`` when the team
    may not be shown (fewer than k, a reissue) or its map has no points."""
    if t.reissue or not t.management_shown or t.n_mgmt < 3:
        return None
    from scoring.alignment import alignment_map

    rows = [i for i, m in enumerate(t.is_mgmt) if m]
    caps = [c for c in t.result.capabilities if c not in t.thin]
    profiles = np.array(
        [[t.result.score(c).respondent_scores[i] for c in caps] for i in rows], dtype=float
    )
    ids = [t.responses.respondents[i].id for i in rows]
    opts = t.result.options
    amap = alignment_map(profiles, ids, caps, opts.n_camps, opts.seed, max(3, opts.min_group))
    return None if amap.reason or not amap.coords else amap


def _map_means(t: _Team, amap: AlignmentMap) -> dict[str, float]:
    """The means a camp's profile is compared with: the mapped population's."""
    ids = set(amap.respondent_ids)
    rows = [i for i, r in enumerate(t.responses.respondents) if r.id in ids]
    out = {}
    for c in t.result.capabilities:
        vals = [t.result.score(c).respondent_scores[i] for i in rows]
        vals = [v for v in vals if not _nan(v)]
        out[c] = sum(vals) / len(vals) if vals else NAN
    return out


def _map_population(t: _Team, mapdata: MapData | None) -> str:
    """Whose map is drawn, with its n (none in a reissue)."""
    if mapdata is None:
        return ""
    n = len([p for p in mapdata.coords if not _nan(p[0])])
    mgmt = n <= t.n_mgmt and _management_map(t) is not None
    who = "Management team" if mgmt else "Whole organisation"
    return who if t.reissue else f"{who} (n = {n})"


def _alignment_map(t: _Team) -> tuple[tuple[CampView, ...], MapData | None, str]:
    """The alignment map's points and the camps that may be described."""
    result, options, k, named, names, thin = t.result, t.options, t.k, t.named, t.names, t.thin
    # the map of the people in the room: the management team's own MDS and camps when it may be
    # shown, else the organisation's (scoring's map of everyone), and the page says which
    amap = _management_map(t) or result.alignment_map
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
            allmeans = _map_means(t, amap)
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
    return tuple(camps), mapdata, map_note


def _disputed(t: _Team) -> tuple[tuple[DisputedItem, ...], str]:
    """The most disputed items with their answer distributions."""
    result, instrument, options, digits, names, management_shown, thin_items = (
        t.result,
        t.instrument,
        t.options,
        t.digits,
        t.names,
        t.management_shown,
        t.thin_items,
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
        (
            "Ranked by the management team's item AGI, as in stage 1 of the roadmap; rwg is "
            "over all respondents. Bars give the share of each answer on one scale (0–100% of "
            "the base n), the whole organisation's and the management team's, from the least to "
            "the most customer-centric answer; the median is on that customer-centric scale."
            if by_mgmt
            else "Ranked by the item AGI over all respondents (the management team's is not shown)."
        )
        + (
            " One statement answered at random already gives a high AGI (“random ≈” beside each): "
            "only an item AGI above it shows more spread than random answering."
        )
        + (
            " This report is a reissue for a changed set of respondents: answer counts are not "
            "shown, so that comparing it with the earlier report reveals no one's answers."
            if options.reissue
            else ""
        )
    )
    disputed = []
    mgmt_rows = [i for i, m in enumerate(t.is_mgmt) if m]
    for it in ranked:
        # bars on one common scale (share of the item's base), rows from the least to the most
        # customer-centric answer: a reverse-worded item's labels run the other way round
        item = instrument.item(it.item_id)
        scale = instrument.scale_of(it.item_id)
        answer_labels = scale.labels
        col = t.responses.item_ids.index(it.item_id)
        raw = t.responses.current[:, col]
        n_options = scale.high - scale.low + 1
        options_raw = list(range(scale.low, scale.high + 1))
        order = options_raw[::-1] if item.reverse else options_raw

        def counts_of(values: np.ndarray, order: Sequence[int] = order) -> list[int]:
            return [int(np.sum(values == v)) for v in order]

        counts = counts_of(raw)
        base_n = sum(counts)
        # a reissue shows no answer counts, nor bars whose lengths give them away
        dist = tuple(
            (
                answer_labels[v - scale.low] if v - scale.low < len(answer_labels) else str(v),
                DASH if options.reissue else c,
                "0" if options.reissue or not base_n else f"{100 * c / base_n:.0f}",
            )
            for v, c in zip(order, counts, strict=True)
        )
        mgmt: tuple[tuple[int | str, str], ...] = ()
        m_base = ""
        if t.roles_shown and mgmt_rows:
            m_counts = counts_of(raw[mgmt_rows])
            m_n = sum(m_counts)
            if not too_few(m_n, t.k, t.named):
                mgmt = tuple((c, f"{100 * c / m_n:.0f}") for c in m_counts)
                m_base = f"Management team (n = {m_n})"
        excluded = it.item_id in agreement_items(instrument, it.capability_id).excluded
        disputed.append(
            DisputedItem(
                it.item_id,
                names[it.capability_id],
                item.text,
                fmt_num(it.median),
                fmt_agi(item_agi(it)),
                DASH if excluded else fmt_num(it.rwg, digits),
                dist,
                reference=fmt_agi(max(expected_agi(1, n_options, m) for m in DEFAULT_MODELS)),
                note=(
                    "answered on another scale than the rest of its capability, so it is left "
                    "out of the agreement statistics and has no rwg"
                    if excluded
                    else ""
                ),
                management=mgmt,
                base="Whole organisation" + ("" if options.reissue else f" (n = {base_n})"),
                management_base=m_base,
                reverse=item.reverse,
            )
        )
    return tuple(disputed), disputed_note


def _roadmap(t: _Team) -> tuple[tuple[StageView, ...], str, int]:
    """The roadmap's stages, the note on capabilities not planned, and the span in months."""
    result, k, names, management_shown, thin, thin_items = (
        t.result,
        t.k,
        t.names,
        t.management_shown,
        t.thin,
        t.thin_items,
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
    catalogue = {a.id: a for c in t.instrument.capabilities for a in c.actions}
    hidden = thin | unplanned
    for st in result.roadmap.stages:
        acts = tuple(_action_view(t, a, catalogue.get(a.action_id)) for a in st.actions)
        reached = tuple(
            (names.get(c, c), str(lv), clean_text(text))
            for c, lv, text in getattr(st, "reached", ())
            if c not in hidden
        )
        kpis: dict[str, list[str]] = {}
        for kpi in getattr(st, "kpis", ()):
            if kpi.capability_id in hidden:
                continue
            gate = " (gate)" if kpi.gate else ""
            kpis.setdefault(names.get(kpi.capability_id, kpi.capability_id), []).append(
                f"{kpi.name}{gate}"
            )
        validations = _validations(
            [v for v in getattr(st, "validations", ()) if v.capability_id not in hidden], names
        )
        criteria = tuple(safe_gate(c, management_shown) for c in getattr(st, "criteria", ()) if c)
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
                    f"{names.get(c, c)} → {lv}" for c, lv in st.projected_levels if c not in hidden
                ),
                safe_gate(st.decision_gate, management_shown),
                goal=getattr(st, "goal", "") or "",
                accountable=getattr(st, "accountable", "") or "",
                reached=reached,
                kpis=tuple((cap, "; ".join(ks)) for cap, ks in kpis.items()),
                criteria=criteria,
                validations=validations,
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
    return tuple(stages), roadmap_note, span


def _action_view(t: _Team, a: RoadmapAction, spec: Action | None) -> RoadmapActionView:
    """One roadmap action as printed: description, dependencies, cost band and done criterion
    from the roadmap, else from the instrument's action of the same id (``spec``)."""

    def pick(name: str) -> str:
        value = getattr(a, name, None) or (getattr(spec, name, None) if spec else None)
        return clean_text(str(value)) if value else ""

    deps = tuple(getattr(a, "depends_on", ()) or (spec.depends_on if spec else ()))
    start, end = getattr(a, "start_month", 0), getattr(a, "end_month", 0)
    return RoadmapActionView(
        a.action_id,
        a.title,
        t.names.get(a.capability_id, a.capability_id),
        f"{a.from_level} → {a.to_level}",
        a.effort,
        f"{a.horizon_months} mo",
        a.owner_role,
        description=pick("description"),
        depends_on=", ".join(deps),
        cost_band=pick("cost_band"),
        done_when=pick("done_when"),
        months=f"{start}–{end}" if end else "",
        quick_win=bool(getattr(a, "quick_win", False)),
    )


def _validations(steps: Sequence[Any], names: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """Stage 1's validation steps, ``(title, text)``; steps with the same title (one per blind
    spot) are printed once, naming every capability, with the first one's description."""
    out: list[tuple[str, str]] = []
    by_title: dict[str, list[Any]] = {}
    for v in steps:
        by_title.setdefault(v.title, []).append(v)
    for title, group in by_title.items():
        caps = [names.get(v.capability_id, v.capability_id) for v in group]
        text = clean_text(group[0].description)
        if len(group) > 1:
            text = text.replace(caps[0], "each of them")
            title = f"{title}: {', '.join(caps[:-1])} and {caps[-1]}"
        out.append((title, text))
    return tuple(out)


def _owner_legend(t: _Team, stages: Sequence[StageView]) -> tuple[tuple[str, str], ...]:
    """The owner roles the roadmap names, with the instrument's definitions (1.1.0)."""
    roles = t.instrument.owner_roles
    used = {a.owner for st in stages for a in st.actions} | {st.accountable for st in stages}
    return tuple((r, clean_text(roles[r])) for r in sorted(used) if r in roles)


def _kpi_note(t: _Team) -> str:
    """One line when the instrument version defines no KPIs (1.0.0)."""
    if any(c.kpis for c in t.instrument.capabilities):
        return ""
    return (
        f"KPIs: this version of the questionnaire ({t.instrument.id}@{t.instrument.version}) "
        "defines no KPIs; version 1.1.0 defines them per capability."
    )


NO_ENGAGEMENT_NOTE = (
    "No business case: it is computed from the client's own numbers (customers, revenue, "
    "service contacts, programme cost), given as an engagement file (docs/engagement.md)."
)


def _months(m: float | None) -> str:
    return DASH if m is None else f"{m:.0f} months" if round(m) != 1 else "1 month"


def _business_case(t: _Team) -> BusinessView:
    """The business case from ``options.engagement`` (its ``.business_case``), or one line.

    With an instrument whose actions have no cost bands (1.0.0) and costs given per band, the
    revenue side is shown and the investment side says it needs a cost per stage.
    """
    from questionnaires.errors import ScoringError
    from scoring.business_case import client_business_case

    engagement = t.options.engagement
    if engagement is None:
        return BusinessView(shown=False, note=NO_ENGAGEMENT_NOTE)
    investment_note = ""
    banded = all(a.cost_band for c in t.instrument.capabilities for a in c.actions)
    try:
        bc = engagement.business_case(roadmap=t.result.roadmap, instrument=t.instrument)
    except ScoringError:
        if banded:  # stage costs that do not match the roadmap: the engagement's error
            raise
        bc = client_business_case(engagement)  # the revenue side: no stages, no investment
        investment_note = (
            f"Investment, payback and the value of staging need a cost per stage: the actions of "
            f"{t.instrument.id} {t.instrument.version} have no cost bands, so the engagement "
            "file's costs per band cannot be turned into stage costs; give programme.stage_costs "
            "(one per roadmap stage) for this wave."
        )
    e = bc.economics
    cur = e.currency

    def money(x: float) -> str:
        return fmt_money(x, cur)

    revenue = (
        BusinessRow(
            "Today",
            (fmt_pct(e.good_share_today), money(bc.revenue_today)),
        ),
        BusinessRow(
            "At the target mix",
            (fmt_pct(e.good_share_target), money(bc.revenue_target)),
        ),
        BusinessRow(
            "Gain a year",
            (
                f"+{fmt_num(100 * (e.good_share_target - e.good_share_today), 0)} points",
                ("+" if bc.annual_gain >= 0 else "") + money(bc.annual_gain),
            ),
            "ok" if bc.annual_gain > 0 else "",
        ),
    )
    has_costs = bool(bc.stages) and not investment_note
    stages = (
        tuple(
            BusinessRow(
                f"{st.number} · {st.name}",
                (
                    DASH if st.start_month is None else f"Months {st.start_month}–{st.end_month}",
                    money(st.cost),
                    fmt_pct(st.gain_share),
                ),
            )
            for st in bc.stages
        )
        if has_costs
        else ()
    )
    sensitivity = tuple(
        BusinessRow(
            sc.name.capitalize(),
            (
                fmt_pct(sc.mix_achieved),
                f"{fmt_pct(sc.good_rate)} / {fmt_pct(sc.bad_rate)}",
                money(sc.annual_gain),
                _months(sc.payback_months) if has_costs else DASH,
                money(sc.net_over_horizon) if has_costs else DASH,
            ),
            "strong" if sc.name == "base" else "",
        )
        for sc in bc.sensitivity
    )
    staging, win_back = _staging_and_win_back(bc, money, has_costs)
    inputs = (
        f"{fmt_int(e.customers)} customers at {money(e.revenue_per_customer)} a year; "
        f"{fmt_pct(e.service_contact_share)} contact service in a year, and "
        f"{fmt_pct(e.good_share_today)} of contacts go well today (target "
        f"{fmt_pct(e.good_share_target)}). Repurchase: {fmt_pct(e.base_rate)} without a contact, "
        f"{fmt_pct(e.good_rate)} after a good one, {fmt_pct(e.bad_rate)} after a bad one."
    )
    return BusinessView(
        shown=True,
        client=e.client,
        currency=cur,
        inputs=inputs,
        revenue=revenue,
        gain=money(bc.annual_gain),
        gain_pct=fmt_pct(bc.gain_share, 1),
        gain_short=fmt_money_short(bc.annual_gain, cur),
        stages=stages,
        investment=money(bc.total_investment) if has_costs else DASH,
        payback=_months(bc.payback_months) if has_costs else DASH,
        breakeven=(
            f"month {bc.breakeven_month}" if has_costs and bc.breakeven_month is not None else DASH
        ),
        sensitivity=sensitivity,
        staging=staging,
        win_back=win_back,
        investment_note=investment_note,
        source=bc.rates_source,
        horizon=f"{e.horizon_months} months",
    )


def _staging_and_win_back(
    bc: Any, money: Callable[[float], str], has_costs: bool
) -> tuple[str, str]:
    """The business case's value-of-staging and customers-to-win-back sentences."""
    sv = bc.staging
    staging = (
        f"Investing stage by stage, with a go/no-go at each decision gate (each passed with "
        f"probability {_probability_words(sv.pass_probabilities)}), costs {money(sv.expected_cost_staged)} "
        f"on expectation instead of {money(sv.cost_committed)} committed at once: staging is worth "
        f"{money(sv.value_of_staging)}, because a stage after a failed gate is not paid for. "
        f"The chance that every gate is passed is {fmt_pct(sv.probability_all_gates)}."
        if has_costs
        else ""
    )
    loss = bc.bad_contact_loss
    win_back = (
        f"Bad service contacts cost {money(loss.revenue)} of repeat revenue a year against "
        f"customers who need no contact: as much as {fmt_int(loss.customers)} customers bring"
        + (
            f", and winning {fmt_int(loss.customers)} new customers would cost "
            f"{money(loss.acquisition_cost)} at {money(loss.acquisition_cost_per_customer or 0)} "
            "each."
            if loss.acquisition_cost is not None
            else "."
        )
    )
    return staging, win_back


def _probability_words(ps: Sequence[float]) -> str:
    """``80%`` when every gate has the same probability, else ``80%, 70%, …``."""
    if len(set(ps)) <= 1:
        return fmt_pct(ps[0]) if ps else DASH
    return ", ".join(fmt_pct(p) for p in ps)


def _reliability(t: _Team) -> tuple[tuple[ReliabilityRow, ...], str]:
    """Reliability and agreement per capability, with the summary sentence."""
    result, options, k, named, reissue, digits, names, few = (
        t.result,
        t.options,
        t.k,
        t.named,
        t.reissue,
        t.digits,
        t.names,
        t.few,
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
                    few,
                    "na",
                    "no team figure from so few",
                )
            )
            continue
        agrees, agree_css, agree_note, agree_pop = team_verdict(
            _safe_agi(result, ag.capability_id, options), ag, k, named, t.management_shown
        )
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
                agrees,
                agree_css,
                _one_decimal(agree_note) if reissue else agree_note,
                agree_pop,
            )
        )
    n_ok = sum(1 for r in reliability if r.verdict in ("good", "adequate"))
    decided = [r.agrees for r in reliability if r.agrees != "not computed"]
    mgmt = all(
        r.agree_population == "management team" for r in reliability if r.agrees != "not computed"
    )
    who = (
        "the management team"
        if mgmt
        else "the team (the organisation where the management team is not shown)"
    )
    reliability_summary = (
        f"The statements hang together well enough (Cronbach's α of 0.70 or more) for {n_ok} of "
        f"{len(reliability)} capabilities"
        + (f"; {who} {verdict_counts(decided)} " if decided else ". ")
        + "Disagreement between respondents is not a flaw of the questionnaire: when people "
        "honestly see the company differently, that is exactly the misalignment this report "
        "measures."
    )
    return tuple(reliability), reliability_summary


_RESPONDENT_COUNT = re.compile(r"\bonly \d+ respondents?\b")


def _agreement_appendix(t: _Team) -> tuple[tuple[AgreementRow, ...], str, tuple[str, ...]]:
    """Technical appendix: the agreement statistics, why they differ, and the flagged items."""
    result, k, named, digits, names, reissue = (
        t.result,
        t.k,
        t.named,
        t.digits,
        t.names,
        t.reissue,
    )
    rows: list[AgreementRow] = []
    flags: list[str] = []
    for ag in result.agreement:
        name = names[ag.capability_id]
        n = DASH if reissue else fmt_int(ag.n)
        if too_few(ag.n, k, named):
            rows.append(AgreementRow(name, n, t.few, DASH, DASH, DASH, DASH, DASH))
            continue
        c, m = ag.consensus, ag.consensus_management
        mg_shown = m is not None and t.management_shown and (named or m.n_raters >= k)
        icc = (
            f"{fmt_num(ag.icc.icc1, digits)} · {fmt_num(ag.icc.icc2k, digits)}"
            if ag.icc is not None
            else DASH
        )
        rows.append(
            AgreementRow(
                name,
                n,
                fmt_num(c.value, digits) if c is not None else "not computed",
                fmt_num(c.gate, digits) if c is not None and not _nan(c.gate) else DASH,
                (
                    fmt_num(m.value, digits)
                    if mg_shown and m is not None
                    else "not shown"
                    if m is not None
                    else "not computed"
                ),
                fmt_num(ag.alpha_interval, digits),
                fmt_num(ag.rwg_j, digits),
                icc,
            )
        )
        for f in ag.item_flags:
            if f.item_id in t.thin_items:
                continue
            msg = _RESPONDENT_COUNT.sub("too few respondents", f.message) if reissue else f.message
            flags.append(f"{name}: {_one_decimal(msg) if reissue else msg}.")
    note = (
        "Three questions, three answers. Krippendorff's α and the intraclass correlations treat "
        "a capability's statements as the things being rated and ask whether respondents tell "
        "the statements apart consistently. A capability's statements are written to be alike, "
        "so a team that agrees scores them all about the same and α comes out near zero: a low "
        "α here is no sign of disagreement. r*wg(J) asks the question a manager needs: do the "
        "respondents agree with each other more than people answering at random would? Its "
        "random reference leans towards the middle of the scale (a triangular distribution), "
        "as real respondents tend to, so that a team is not credited with agreement that random "
        "answering with a central tendency would give (rwg(J) against an even spread, shown for "
        'comparison, flatters every team). "Does the team agree?" asks r*wg(J) to reach '
        "0.50 or more and at least the value only 5% of random teams of that size reach, whichever "
        "is higher."
    )
    return tuple(rows), note, tuple(flags)


def _appendix_items(t: _Team) -> tuple[ItemGroup, ...]:
    """The appendix: every statement with its counts and medians."""
    result, instrument, options, few, thin_items = (
        t.result,
        t.instrument,
        t.options,
        t.few,
        t.thin_items,
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
    return tuple(groups)


def build_team_report(
    result: WaveResult,
    responses: ResponseSet,
    instrument: Instrument,
    options: ReportOptions | None = None,
) -> TeamReport:
    """Build the team/workshop report's view model from a scored wave: one section at a time.

    Anonymity is applied here, before any template sees the data
    (``docs/reports.md#anonymity``).

    Parameters
    ----------
    result : scoring.results.WaveResult
        The scored wave.
    responses : questionnaires.answers.ResponseSet
        The responses it was scored from.
    instrument : questionnaires.model.Instrument
        The instrument of the wave.
    options : ReportOptions, optional
        Anonymity k, named workshop, reissue, theme; ``None`` = the defaults.

    Returns
    -------
    TeamReport
        The view model.

    Raises
    ------
    questionnaires.errors.ReportError
        When the responses are not the ones scored, the wave has fewer than ``min_group``
        respondents (unless a named workshop), or it was scored with a lower ``min_group`` than the
        report's k and its roadmap plans a capability fewer than k scored.
    """
    t = _team(result, responses, instrument, options or ReportOptions())
    options, reissue, roles_shown = t.options, t.reissue, t.roles_shown
    level_names = t.level_names
    caps, radar, dots = _capabilities(t)
    # the findings engine's list when scoring filled it, else the report's own ranking
    findings = board_findings(result, t) or _findings(
        result, t.names, t.shown_dept_means, options, t.roles_shown, t.thin, t.isolated
    )
    headline, kpis = _summary(t, caps, findings[0] if findings else None)
    heatmap, hidden_note = _heatmap(t)
    perception, perception_note = _perception(t)
    caps = tuple(_with_perception(caps, perception))
    silos, silo_note = _silos(t)
    camps, mapdata, map_note = _alignment_map(t)
    disputed, disputed_note = _disputed(t)
    stages, roadmap_note, span = _roadmap(t)
    business = _business_case(t)
    reliability, reliability_summary = _reliability(t)
    agreement, agreement_note, item_flags = _agreement_appendix(t)
    perception_tests, perception_tests_note = _perception_tests(t)
    groups = _appendix_items(t)

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
        decision=decision_text(findings, t.names),
        alts={
            **chart_alts(caps, perception, stages, findings),
            "map": map_alt(_map_population(t, mapdata), camps),
        },
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
        map_population=_map_population(t, mapdata),
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
        warnings=_team_warnings(t),
        reissue=options.reissue,
        dots_caption=_REISSUE_DOTS_CAPTION if options.reissue else "",
        roadmap_note=roadmap_note,
        owner_legend=_owner_legend(t, stages),
        silo_lead=silo_lead(t, silos),
        others_label="Everyone else" + ("" if t.reissue else f" (n = {t.n_oth})"),
        kpi_note=_kpi_note(t),
        reissue_note=REISSUE_NOTE if reissue else "",
        perception_tests=perception_tests,
        perception_tests_note=perception_tests_note,
        agreement=agreement,
        agreement_note=agreement_note,
        item_flags=item_flags,
        level_note=_level_note(t),
        team_label="Management team"
        + ("" if reissue else f" (n = {team_size(t.n_mgmt, t.k, t.named)})"),
        org_label="Organisation" + ("" if reissue else f" (n = {result.n_respondents})"),
    )


def _with_perception(
    caps: Sequence[CapabilityRow], perception: Sequence[PerceptionRow]
) -> list[CapabilityRow]:
    """ "At a glance" rows with the perception column: the difference management team − everyone
    else as the perception table prints it, and its label where error-controlled ("blind spot",
    "hidden strength"); "–" where the perception section shows none."""
    by_name = {p.name: p for p in perception}
    out = []
    for c in caps:
        p = by_name.get(c.name)
        if p is None:
            out.append(replace(c, perception=DASH))
            continue
        labelled = p.label in ("blind spot", "hidden strength")
        out.append(
            replace(
                c,
                perception=f"{p.gap} {p.label}" if labelled else f"{p.gap}",
                perception_css=p.css if labelled else "na",
            )
        )
    return out


def chart_alts(
    caps: Sequence[CapabilityRow],
    perception: Sequence[PerceptionRow],
    stages: Sequence[StageView],
    findings: Sequence[Finding],
) -> dict[str, str]:
    """Every chart's alternative text: its message in words, from the data the page prints."""
    lows = sorted(caps, key=lambda c: c.median)[:2]
    radar = (
        "Radar of the organisation's median per capability, today and target: lowest today "
        + " and ".join(f"{c.name} ({c.median})" for c in lows)
        + "; targets "
        + ", ".join(f"{c.name} level {c.target_level}" for c in caps)
        + "."
    )
    mis = [c.name for c in caps if c.agi_band == "misaligned"]
    dots = (
        "Each respondent's score per capability with the organisation's median; the management "
        "team is misaligned on " + (", ".join(mis) if mis else "no capability") + "."
    )
    labelled = [p for p in perception if p.label in ("blind spot", "hidden strength")]
    perc = (
        "Management team minus everyone else per capability: "
        + (
            "; ".join(f"{p.name} {p.gap} ({p.label})" for p in labelled)
            if labelled
            else "no difference the tests support"
        )
        + "."
    )
    timeline = (
        f"Roadmap timeline of {len(stages)} stages over {max((s.end for s in stages), default=0)} "
        "months: " + "; ".join(f"{s.number} {s.name}, {s.months.lower()}" for s in stages) + "."
    )
    top = findings[0].headline if findings else "no finding stands out"
    return {
        "radar": radar,
        "dots": dots,
        "perception": perc,
        "timeline": timeline,
        "map": f"Alignment map of the respondents by their capability scores; {top}.",
    }


def map_alt(population: str, camps: Sequence[CampView]) -> str:
    """The alignment map's alternative text: whose map, and what each described camp sees."""
    who = "the " + population[0].lower() + population[1:] if population else "the respondents"
    if not camps:
        return f"Alignment map of {who} by their capability scores; no camp is described."
    parts = []
    for c in camps:
        sees = [
            f"{text} {way}"
            for text, way in ((c.sees_higher, "higher"), (c.sees_lower, "lower"))
            if text != DASH
        ]
        parts.append(f"{c.label} ({c.size}) sees " + (" and ".join(sees) or "it as the average"))
    return f"Alignment map of {who} by their capability scores: " + "; ".join(parts) + "."


_REISSUE_DOTS_CAPTION = (
    "A reissue for a changed set of respondents: the bar is the organisation's median and the band "
    "the middle half of everyone (25th to 75th percentile); no dot per person is drawn, so that "
    "comparing it with the earlier report shows no one's score."
)


def _team_warnings(t: _Team) -> tuple[str, ...]:
    """Scoring's warnings as the report may print them: no hidden department (a reissue names
    none at all) and no size of a group below k."""
    return _safe_warnings(
        t.result.warnings,
        Suppression((), tuple(t.dept_n), ()) if t.reissue else t.sup,
        t.dept_names,
        0 if t.options.named_workshop else t.options.min_group,
    )


def _level_note(t: _Team) -> str:
    """Whose levels the report prints and what "borderline" means."""
    return (
        "Today: the management team's level (the whole level of its median) where it may be "
        "shown, with the organisation's beside it (everyone, capped by its weakest statement and "
        "prerequisites as explained). 2.9 is level 2, nine tenths of the way to 3; "
        '"borderline" means the median\'s 95% interval crosses a level boundary, so read it as '
        "either level. Targets are the organisation's."
    )

"""The personal (individual) report's view model."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from questionnaires.answers import Respondent, ResponseSet
from questionnaires.errors import ReportError, ScoringError
from questionnaires.model import Instrument
from reports.anonymity import too_few
from reports.formatting import (
    DASH,
    clean_text,
    fmt_num,
    fmt_signed,
)
from reports.options import ReportOptions
from reports.views.common import (
    NAN,
    Meta,
    Params,
    _few,
    _level_names,
    _meta,
    _nan,
    _params,
    _quartiles,
)
from scoring.results import (
    WaveResult,
)


@dataclass(frozen=True)
class PersonalRow:
    """One capability: your score against the organisation's median and the management team's
    median and middle half. ``median_value``/``q1``/``q3`` (the chart) are the management team's
    where it may be shown, else the organisation's; ``difference`` is you − the management team
    (you − the organisation when the management team is withheld)."""

    name: str
    you: str
    team_median: str  # the whole organisation's median
    team_range: str  # the management team's middle half (interquartile range)
    difference: str
    you_value: float
    median_value: float
    q1: float
    q3: float
    management_median: str = DASH
    capability_id: str = ""


@dataclass(frozen=True)
class PersonalItem:
    """A statement: your answer as given, the organisation's (``team_median``) and the management
    team's median on the statement's own scale, the difference in answer points, and ``meaning``:
    what the difference says on the customer-centric direction (reverse-worded items explained)."""

    id: str
    text: str
    you: str
    team_median: str
    difference: str
    management_median: str = DASH
    meaning: str = ""
    reverse: bool = False


@dataclass(frozen=True)
class OwnRow:
    """Your current and target per capability: the level your answers give (capped as the
    team's is), your target level, the gap; on instruments that rate levels also your rated
    level and target and your investment points against the groups' means."""

    name: str
    level: str
    target: str
    gap: str
    descriptor: str
    rated: str = ""
    rated_target: str = ""
    points: str = ""
    points_management: str = ""
    points_organisation: str = ""


@dataclass(frozen=True)
class ActionLine:
    """A roadmap action: stage, id, title, description, owner, horizon and done criterion."""

    stage: str
    id: str
    title: str
    description: str
    owner: str
    horizon: str
    done_when: str
    yours: bool = False


@dataclass(frozen=True)
class IndividualReport:
    """View model of one respondent's personal report.

    Attributes
    ----------
    kind : str
        ``"individual"``: the template to fill.
    meta : Meta
        Cover and provenance.
    respondent : str
        The respondent id, cleaned for printing.
    role : str
        The respondent's role.
    summary : str
        The report in two sentences.
    rows : tuple of PersonalRow
        Per capability: your score against the team median and quartiles.
    differences : tuple of PersonalItem
        Statements where you differ most from the team (at least a point).
    agree : tuple of PersonalItem
        Statements where you agree most with the team (within half a point).
    answered : str
        How many statements you answered.
    level_names : tuple of str
        Names of the maturity levels 1–5.
    params : Params
        Scoring and anonymity parameters.
    self_only : bool
        A self-assessment: the wave has fewer than k respondents, so no team figure is shown.
    populations : str
        Whom you are compared with, with n (``Management team (8) · Whole organisation (60)``),
        or why no one.
    management : str
        ``Management team (8)``, or ``Management team (fewer than k)``.
    organisation : str
        ``Whole organisation (60)``.
    own : tuple of OwnRow
        Your current and target per capability.
    rated : bool
        The instrument rates levels: ``own`` has rated levels and investment points.
    actions : tuple of ActionLine
        Team report: the roadmap actions your role owns; self-assessment: the roadmap your
        answers imply (yours marked).
    actions_note : str
        How the actions were matched to your role, or why none is.
    questions : tuple of str
        Three reflection questions for the workshop.
    profile_alt : str
        The profile chart's message in words (its alternative text in the tagged PDF).
    """

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
    self_only: bool = False
    populations: str = ""
    management: str = ""
    organisation: str = ""
    own: tuple[OwnRow, ...] = ()
    rated: bool = False
    actions: tuple[ActionLine, ...] = ()
    actions_note: str = ""
    questions: tuple[str, ...] = ()
    profile_alt: str = ""


def _profile_alt(rows: Sequence[PersonalRow], against: str, self_only: bool) -> str:
    """The profile chart in one or two sentences: your highest and lowest capability, and
    where you differ most from ``against`` (from the printed figures)."""
    scored = [r for r in rows if not _nan(r.you_value)]
    if not scored:
        return "Your profile across the capabilities: no capability has a score of yours."
    top = max(scored, key=lambda r: r.you_value)
    low = min(scored, key=lambda r: r.you_value)
    text = (
        f"Your scores across {len(scored)} capabilities: highest {top.name} ({top.you}), "
        f"lowest {low.name} ({low.you})."
    )
    if self_only:
        return text
    # the printed difference is fmt_signed(you − median): rank by the same number
    diffs = [(r, r.you_value - r.median_value) for r in scored if not _nan(r.median_value)]
    if diffs:
        above = max(diffs, key=lambda d: d[1])
        below = min(diffs, key=lambda d: d[1])
        parts = []
        if above[1] > 0:
            parts.append(f"{above[0].name} {above[0].difference} above {against}")
        if below[1] < 0:
            parts.append(f"{below[0].name} {below[0].difference} below")
        if parts:
            text += " You differ most on " + " and ".join(parts) + "."
    return text


def _members(responses: ResponseSet, result: WaveResult) -> list[int]:
    """Rows of the management team (the AGI group: the roles ``result.options.management``)."""
    roles = set(result.options.management)
    return [i for i, r in enumerate(responses.respondents) if r.role in roles]


def _finite(vals: Sequence[float]) -> list[float]:
    return [v for v in vals if not _nan(v)]


def _capability_rows(
    result: WaveResult,
    idx: int,
    members: Sequence[int],
    names: dict[str, str],
    k: int,
    named: bool,
    self_only: bool,
) -> list[PersonalRow]:
    """Per capability: your score against the organisation's median and the management team's
    median and middle half (each only over at least k scores)."""
    rows: list[PersonalRow] = []
    for cid in result.capabilities:
        sc = result.score(cid)
        you = sc.respondent_scores[idx]
        org = _finite(sc.respondent_scores)
        if self_only or too_few(len(org), k, named):
            rows.append(
                PersonalRow(
                    names[cid], fmt_num(you), _few(k), DASH, DASH, you, NAN, NAN, NAN, DASH, cid
                )
            )
            continue
        _oq1, omed, _oq3 = _quartiles(org)
        mgmt = _finite([sc.respondent_scores[i] for i in members])
        if too_few(len(mgmt), k, named):
            q1, med, q3, mtext, rng = _oq1, omed, _oq3, _few(k), DASH
        else:
            q1, med, q3 = _quartiles(mgmt)
            mtext, rng = fmt_num(med), f"{fmt_num(q1)}–{fmt_num(q3)}"
        rows.append(
            PersonalRow(
                names[cid],
                fmt_num(you),
                fmt_num(omed),
                rng,
                fmt_signed(you - med) if not _nan(you) else DASH,
                you,
                med,
                q1,
                q3,
                mtext,
                cid,
            )
        )
    return rows


def _answer(instrument: Instrument, iid: str, x: float) -> str:
    scale = instrument.scale_of(iid)
    pos = round(x) - scale.low
    label = scale.labels[pos] if 0 <= pos < len(scale.labels) else ""
    return f"{fmt_num(x, 0)} {label}".strip()


def _meaning(d: float, reverse: bool, against: str) -> str:
    """What an answer difference says on the customer-centric direction."""
    view = "more" if (d > 0) != reverse else "less"
    if reverse:
        return (
            f"Worded negatively: your {'higher' if d > 0 else 'lower'} answer is a {view} "
            f"customer-centric view than {against}'s."
        )
    return f"A {view} customer-centric view than {against}'s."


def _statements(
    result: WaveResult,
    responses: ResponseSet,
    instrument: Instrument,
    idx: int,
    members: Sequence[int],
    k: int,
    named: bool,
) -> tuple[tuple[PersonalItem, ...], tuple[PersonalItem, ...]]:
    """The statements where you differ most from the management team (by distance, at least a
    point), and where you share a clear view with it.

    Answers and medians are on the statement's own scale, as worded (a reverse-coded item's
    organisation median is turned back, L + H − median). The distance is to the management
    team's median where at least k of its members answered, else to the organisation's. "Where
    you agree": within half a point, at most one statement per capability, the ones whose shared
    answer is furthest from the scale's middle first (a clear shared view, not the first items).
    """
    stats = {s.item_id: s for s in result.items}
    rows: list[tuple[float, float, str, float, str, str, bool]] = []
    for j, iid in enumerate(responses.item_ids):
        x = float(responses.current[idx, j])
        st = stats.get(iid)
        if math.isnan(x) or st is None or _nan(st.median) or too_few(st.n, k, named):
            continue
        scale = instrument.scale_of(iid)
        reverse = bool(instrument.item(iid).reverse)
        org = scale.low + scale.high - st.median if reverse else st.median
        col = _finite([float(responses.current[i, j]) for i in members])
        mgmt = NAN if too_few(len(col), k, named) else float(np.median(col))
        ref, against = (org, "the organisation") if _nan(mgmt) else (mgmt, "the management team")
        rows.append((x - ref, org, iid, mgmt, against, instrument.capability_of(iid).id, reverse))
    rows.sort(key=lambda t: (-abs(t[0]), t[2]))

    def item(t: tuple[float, float, str, float, str, str, bool]) -> PersonalItem:
        d, org, iid, mgmt, against, _cap, reverse = t
        x = float(responses.current[idx, responses.item_ids.index(iid)])
        return PersonalItem(
            iid,
            instrument.item(iid).text,
            _answer(instrument, iid, x),
            fmt_num(org),
            fmt_signed(d),
            fmt_num(mgmt),
            _meaning(d, reverse, against) if abs(d) >= 0.5 else "",
            reverse,
        )

    diffs = tuple(item(t) for t in rows[:6] if abs(t[0]) >= 1.0)
    close = [t for t in rows if abs(t[0]) < 0.5]
    mid = {t[2]: sum(_scale_mid(instrument, t[2])) / 2 for t in close}
    close.sort(key=lambda t: (-abs(t[1] - mid[t[2]]), t[2]))
    seen: set[str] = set()
    agree: list[PersonalItem] = []
    for t in close:
        if t[5] not in seen and len(agree) < 4:
            seen.add(t[5])
            agree.append(item(t))
    return diffs, tuple(agree)


def _scale_mid(instrument: Instrument, iid: str) -> tuple[int, int]:
    scale = instrument.scale_of(iid)
    return scale.low, scale.high


def _own_result(
    result: WaveResult, responses: ResponseSet, instrument: Instrument, idx: int
) -> WaveResult | None:
    """Your answers scored on their own (levels, targets, the roadmap they imply).

    Only this respondent's answers go in, so the group threshold does not apply
    (``min_group = 1``); no bootstrap or permutations (nothing to infer from one person).
    ``None`` when the answers give nothing to score.
    """
    from dataclasses import replace

    from scoring import score_wave

    opts = replace(result.options, min_group=1, bootstrap=0, permutations=0)
    try:
        return score_wave(instrument, responses.select([idx]), opts)
    except ScoringError:  # e.g. every answer N/A: the summary says why there is no score
        return None


def _level_text(level: int) -> str:
    return str(level) if 1 <= level <= 5 else DASH


def _points_mean(result: WaveResult, cid: str, group: str, k: int, named: bool) -> str:
    ca = result.capability_answers
    if ca is None:
        return DASH
    ip = next((p for p in ca.investment if p.capability_id == cid and p.group == group), None)
    return DASH if ip is None or too_few(ip.n, k, named) else fmt_num(ip.mean)


def _own_rows(
    own: WaveResult,
    result: WaveResult,
    responses: ResponseSet,
    instrument: Instrument,
    idx: int,
    options: ReportOptions,
    self_only: bool,
) -> tuple[list[OwnRow], bool]:
    """Your level today and target per capability, with the target level's descriptor."""
    k, named = options.min_group, options.named_workshop
    rated = bool(instrument.rate_levels) and responses.has_capability_answers
    caps = list(getattr(responses, "capability_ids", ()) or ())
    rows: list[OwnRow] = []
    for cid in own.capabilities:
        lv = own.level(cid)
        cap = next(c for c in instrument.capabilities if c.id == cid)
        have = not _nan(lv.median)
        level, target = (lv.level, lv.target_level) if have else (0, 0)
        gap = fmt_signed(float(target - level), 0) if have and target else DASH
        descriptor = cap.levels.get(target, "") if have and target > level else ""
        extra: dict[str, str] = {}
        if rated and cid in caps:
            c = caps.index(cid)
            cur, tgt = responses.level_current[idx, c], responses.level_target[idx, c]
            pts = responses.points[idx, c]
            extra = {
                "rated": fmt_num(cur, 0),
                "rated_target": fmt_num(tgt, 0),
                "points": fmt_num(pts, 0),
                "points_management": DASH
                if self_only
                else _points_mean(result, cid, "management", k, named),
                "points_organisation": DASH
                if self_only
                else _points_mean(result, cid, "organisation", k, named),
            }
        rows.append(
            OwnRow(
                cap.name,
                _level_text(level) if have else DASH,
                _level_text(target) if have else DASH,
                gap,
                descriptor,
                **extra,
            )
        )
    return rows, rated


#: Department names → owner-role ids of the instrument's vocabulary (``Instrument.owner_roles``).
DEPARTMENT_ROLES: dict[str, tuple[str, ...]] = {
    "sales": ("head_of_sales",),
    "customer service": ("head_of_service",),
    "service": ("head_of_service",),
    "marketing": ("head_of_marketing",),
    "finance": ("cfo",),
    "it": ("it_lead",),
    "operations": ("coo",),
    "hr": ("chro",),
    "human resources": ("chro",),
    "customer experience": ("cx_lead",),
}
#: Free-text owners of instruments without a vocabulary (1.0.0) → vocabulary ids.
OWNER_ALIASES: dict[str, str] = {
    "ceo": "ceo",
    "coo": "coo",
    "cfo": "cfo",
    "chro": "chro",
    "cio": "it_lead",
    "it lead": "it_lead",
    "cco": "cx_lead",
    "cx lead": "cx_lead",
    "head of service": "head_of_service",
    "head of sales": "head_of_sales",
    "head of marketing": "head_of_marketing",
    "executive team": "executive_team",
    "executive": "executive_team",
}


def _owner_id(owner: str) -> str:
    key = " ".join(owner.replace("_", " ").split()).casefold()
    return OWNER_ALIASES.get(key, key.replace(" ", "_"))


def _your_roles(
    person_role: str, department: str, instrument: Instrument, management: bool
) -> tuple[set[str], str]:
    """The owner roles a respondent holds, and how they were matched (in words).

    A role that is itself an owner role (``cfo``, ``CFO``, not the generic ``executive``)
    matches directly; a member of the management team is also matched through their department
    (Finance → cfo, :data:`DEPARTMENT_ROLES`) and holds ``executive_team``. Others own no
    roadmap action.
    """
    vocab = set(instrument.owner_roles) | set(OWNER_ALIASES.values())
    direct = _owner_id(person_role)
    roles: set[str] = set()
    how: list[str] = []
    if direct in vocab and direct != "executive_team":
        roles.add(direct)
        how.append(f"your role ({clean_text(person_role)})")
    if management:
        dept = " ".join(department.split()).casefold()
        by_dept = set(DEPARTMENT_ROLES.get(dept, ())) - roles
        if by_dept:
            roles |= by_dept
            how.append(f"your department ({clean_text(department)}: {', '.join(sorted(by_dept))})")
        roles.add("executive_team")
        how.append("the executive team")
    return roles, " and ".join(how)


def _actions(
    roadmap_result: WaveResult,
    instrument: Instrument,
    roles: set[str],
    only_yours: bool,
) -> list[ActionLine]:
    """The roadmap's actions (only those ``roles`` own when ``only_yours``), stage by stage."""
    by_id = {a.id: a for c in instrument.capabilities for a in c.actions}
    lines: list[ActionLine] = []
    for st in roadmap_result.roadmap.stages:
        for a in st.actions:
            yours = _owner_id(a.owner_role) in roles
            if only_yours and not yours:
                continue
            spec = by_id.get(a.action_id)
            lines.append(
                ActionLine(
                    f"Stage {st.number} · {clean_text(st.name)} (months {st.start_month}–"
                    f"{st.end_month})",
                    a.action_id,
                    a.title,
                    a.description,
                    _owner_name(a.owner_role, instrument),
                    f"{a.horizon_months} months",
                    (spec.done_when or "") if spec is not None else "",
                    yours,
                )
            )
    return lines


def _owner_name(owner: str, instrument: Instrument) -> str:
    oid = _owner_id(owner)
    if oid in instrument.owner_roles:
        return instrument.owner_roles[oid].split(";")[0].split(",")[0]
    return clean_text(owner)


def _questions(
    rows: Sequence[PersonalRow],
    diffs: Sequence[PersonalItem],
    own: Sequence[OwnRow],
    against: str,
    self_only: bool,
) -> tuple[str, ...]:
    """Three reflection questions from your largest differences (or, alone, your own answers)."""
    qs: list[str] = []
    scored = [r for r in rows if not _nan(r.you_value)]
    if not self_only:
        far = [r for r in scored if not _nan(r.median_value)]
        far.sort(key=lambda r: (-abs(r.you_value - r.median_value), r.name))
        if far:
            r = far[0]
            side = "above" if r.you_value > r.median_value else "below"
            qs.append(
                f"You rate {r.name} {fmt_num(abs(r.you_value - r.median_value))} points {side} "
                f"{against}'s median. What have you seen that makes you "
                f"{'more' if side == 'above' else 'less'} positive, and what might the others "
                "be seeing that you do not?"
            )
        for it in diffs[:1]:
            qs.append(
                f"On “{it.text}” you answered {it.you}. Which recent example would you bring to "
                "the workshop to show why?"
            )
    gaps = [o for o in own if o.gap not in (DASH, "0")]
    gaps.sort(key=lambda o: (-int(o.gap.replace("−", "-").replace("+", "")), o.name))
    if gaps:
        o = gaps[0]
        qs.append(
            f"Your largest ambition is {o.name}: level {o.level} today, {o.target} as your "
            "target. What would the first step be, who should own it, and what would you stop "
            "doing to make room for it?"
        )
    if self_only:
        low = sorted(scored, key=lambda r: (r.you_value, r.name))
        if low:
            qs.insert(
                0,
                f"{low[0].name} is your lowest score ({low[0].you}). Do you expect the rest of "
                "the management team to see it the same way, and what would convince you "
                "otherwise?",
            )
        high = sorted(scored, key=lambda r: (-r.you_value, r.name))
        if len(high) > 1:
            qs.append(
                f"{high[0].name} is your highest score ({high[0].you}). Would the front line "
                "agree? How could the team test that before relying on it?"
            )
    qs.append(
        "Which one change in how the management team works would most help customers in the "
        "next six months?"
    )
    return tuple(qs[:3])


def _populations(self_only: bool, k: int, management: str, organisation: str) -> str:
    """Whose figures the report compares you with (none, alone)."""
    if self_only:
        return (
            f"Your own view only: fewer than {k} people have answered so far, so no team figure "
            f"is shown. The comparison with the management team and the organisation appears "
            f"once at least {k} have answered."
        )
    return f"Compared with: {management} · {organisation}"


def _actions_and_note(
    result: WaveResult,
    own: WaveResult | None,
    instrument: Instrument,
    person: Respondent,
    in_team: bool,
    self_only: bool,
) -> tuple[list[ActionLine], str]:
    """The roadmap actions shown to the person and the sentence saying how they were chosen:
    alone, the roadmap their own answers imply (their role's actions marked); with the team, the
    team roadmap's actions their role owns."""
    roles, how = _your_roles(person.role, person.department, instrument, in_team)
    if self_only:
        actions = [] if own is None else _actions(own, instrument, roles, only_yours=False)
        note = (
            "The roadmap as your answers imply it, planned from your levels and targets alone"
            + (
                f"; the actions of {how} are marked"
                if how and any(a.yours for a in actions)
                else ""
            )
            + ". The team's roadmap will differ: it is planned from everyone's answers."
        )
        if not actions:
            note = "Your answers imply no roadmap step (no capability below your target)."
    else:
        actions = _actions(result, instrument, roles, only_yours=True)
        if actions:
            note = f"The actions of the team's roadmap owned by {how}."
        elif not instrument.owner_roles and not roles:
            note = (
                f"{instrument.ref} has no owner-role vocabulary and your role "
                f"({clean_text(person.role)}) owns no action of the roadmap."
            )
        else:
            note = (
                "No action of the team's roadmap is owned by a role matching yours ("
                f"{clean_text(person.role)}, {clean_text(person.department)}); the roadmap is in "
                "the team report."
            )
    return actions, note


def build_individual_report(
    result: WaveResult,
    responses: ResponseSet,
    instrument: Instrument,
    respondent: str,
    options: ReportOptions | None = None,
) -> IndividualReport:
    """One respondent's personal report: you against the management team and the organisation.

    Per capability your score beside the whole organisation's median and the management team's
    (the AGI group, ``result.options.management``) median and middle half; your level today and
    target (with your rated levels and investment points against the groups' means where the
    instrument rates levels); the statements where you differ most from the management team (by
    distance, reverse-worded items explained); the roadmap actions your role owns
    (:func:`_your_roles`); three reflection questions. Nothing about any other single person is
    shown: only medians, quartiles and means over at least ``min_group`` respondents ("fewer
    than k answered" otherwise).

    **Self-assessment.** A wave with fewer than ``min_group`` respondents (one person answering
    alone, or before the team) gives a report of the respondent's own view only: profile, levels,
    ambition gap and the roadmap their answers imply (scored on their answers alone), and the
    questions to bring to the team, with no team figure. The comparison appears once the wave
    reaches k.

    Parameters
    ----------
    result : scoring.results.WaveResult
        The scored wave.
    responses : questionnaires.answers.ResponseSet
        The responses it was scored from.
    instrument : questionnaires.model.Instrument
        The instrument of the wave.
    respondent : str
        The respondent id.
    options : ReportOptions, optional
        Anonymity k, named workshop and theme; ``None`` = the defaults.

    Returns
    -------
    IndividualReport
        The view model.

    Raises
    ------
    questionnaires.errors.ReportError
        For an unknown respondent.
    """
    options = options or ReportOptions()
    ids = [r.id for r in responses.respondents]
    if respondent not in ids:
        sample = ", ".join(ids[:5])
        raise ReportError(
            f"respondent {respondent!r} is not in {responses.source or 'the responses'}; "
            f"ids look like {sample}"
        )
    k, named = options.min_group, options.named_workshop
    self_only = too_few(result.n_respondents, k, named)
    idx = ids.index(respondent)
    person = responses.respondents[idx]
    names = {c.id: c.name for c in instrument.capabilities}
    members = _members(responses, result)
    in_team = idx in members
    rows = _capability_rows(result, idx, members, names, k, named, self_only)
    if self_only:
        diffs: tuple[PersonalItem, ...] = ()
        agree: tuple[PersonalItem, ...] = ()
    else:
        diffs, agree = _statements(result, responses, instrument, idx, members, k, named)
    own = _own_result(result, responses, instrument, idx)
    own_rows, rated = (
        _own_rows(own, result, responses, instrument, idx, options, self_only)
        if own is not None
        else ([], False)
    )
    mgmt_shown = not too_few(len(members), k, named)
    management = (
        f"Management team ({len(members) if mgmt_shown else _few(k).replace(' answered', '')})"
    )
    organisation = f"Whole organisation ({result.n_respondents})"
    against = "the management team" if mgmt_shown else "the organisation"
    actions, note = _actions_and_note(result, own, instrument, person, in_team, self_only)
    answered = sum(1 for x in responses.current[idx] if not math.isnan(x))
    summary = _summary(rows, answered, result, instrument, self_only, against, k)
    populations = _populations(self_only, k, management, organisation)
    meta = _meta(
        result,
        instrument,
        responses,
        options,
        "Your own view" if self_only else "Your view and the team's",
        "Self-assessment" if self_only else "Personal report",
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
        self_only,
        populations,
        management,
        organisation,
        tuple(own_rows),
        rated,
        tuple(actions),
        note,
        _questions(rows, diffs, own_rows, against, self_only),
        _profile_alt(rows, against, self_only),
    )


def _summary(
    rows: Sequence[PersonalRow],
    answered: int,
    result: WaveResult,
    instrument: Instrument,
    self_only: bool,
    against: str,
    k: int,
) -> str:
    """The report in two sentences."""
    if not any(not _nan(r.you_value) for r in rows):
        return (
            "Your answers give no capability score: you answered "
            + ("no statement" if answered == 0 else f"only {answered}")
            + " with a rating (the others were N/A or left out), and a capability score needs "
            f"at least {_params(result, instrument).min_answered} of its statements. "
            + (
                ""
                if self_only
                else "The team's scores are shown for reference; the workshop is a good place "
                "to say why the statements did not apply to you."
            )
        ).strip()
    if self_only:
        scored = sorted((r for r in rows if not _nan(r.you_value)), key=lambda r: r.you_value)
        return (
            f"Your answers put {scored[-1].name} highest ({scored[-1].you}) and "
            f"{scored[0].name} lowest ({scored[0].you}). This is your view alone: bring it and "
            "the questions at the end to the team."
        )
    higher = sum(1 for r in rows if not _nan(r.you_value) and r.you_value - r.median_value >= 0.5)
    lower = sum(1 for r in rows if not _nan(r.you_value) and r.you_value - r.median_value <= -0.5)

    def _count(n: int) -> str:
        return "no capability" if n == 0 else f"{n} of {len(rows)} capabilities"

    return (
        f"You rate the company at least half a point above {against}'s median on "
        f"{_count(higher)} and at least half a point below it on {_count(lower)}. "
        "Where your view differs most, your perspective is worth bringing to the workshop."
    )

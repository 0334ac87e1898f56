"""The staged roadmap: align first, then build step by step with a go/no-go gate after every stage.

Logic (``docs/methodology.md#7-roadmap``):

* **Stage 1 "Align"** — when the management team is misaligned on a capability beyond what random
  answering gives, the first step is a facilitated alignment session on its most disputed items
  (highest item AGI), not investment: a team that does not agree on where it stands or where it wants
  to go is the main blocker of customer centricity (Rance). "Misaligned" is the calibrated band of
  the management AGI (:func:`scoring.null.calibrated_band`, ``AGIResult.band``): the AGI lies above
  the 95th percentile of its random-answering null for that n, J and scale, and its whole interval
  above the null mean and the aligned band. A team whose AGI random answering reaches as often
  ("not distinguishable from random answering"), or whose interval straddles a band
  ("indeterminate"), gets no Align stage: there is no split to align, only too little
  information. An AGI without a null reference (``null_mean`` NaN: not scored against random
  answering) cannot show that, so it never opens the stage; a note says so.
* **Build stages** — each capability is raised one level per stage from its current to its agreed
  target level (the floor of the team's median target), using the instrument's actions for that
  level (``Capability.actions_from(level)``). Steps are ordered by
  ``priority = weight × (target − projected level) × certainty``, at most
  ``roadmap_max_per_stage`` steps per stage, with the calibrated certainty of the management
  team's view (:func:`certainty`)::

      certainty = clip(AGIResult.relative, 0, 1) = clip(1 − AGI / AGI_null, 0, 1)

  (0.5 when the AGI or its null is undefined). ``1 − AGI/100`` was a dispersion index read as a
  probability: it ranged only over about .65–.95 and gave a random-answering team .84 on a 6-item
  capability (its AGI is about 40/√J). The relative index is on the calibrated scale: 0 when the
  team is as spread as random answering for its n, J and scale (its level says little, so its step
  waits), 1 at full consensus, and it is comparable across capabilities with different J. It is
  a point estimate, not a probability either; it orders steps, it does not gate them. A step is
  only planned when every prerequisite capability already stands at the level being left (so the
  level cap of :mod:`scoring.levels` will not hold it back) and every action it depends on has been
  completed in an earlier stage or is below the level its capability already has. A prerequisite
  (or a depended-on action's capability) that was not assessed (level 0) does not block: the plan
  goes ahead and a note says "prerequisite X not assessed", as :mod:`scoring.levels` does not cap
  by an unassessed prerequisite either.
* **Thin capabilities** — a capability that fewer than ``min_group`` respondents scored counts as
  not assessed (level 0): it gets no step, and as a prerequisite it does not block. A report shows
  no team figure for it, so the plan has none either (and stage numbers have no gap).
* **Gates** — every stage ends with a re-assessment before the next one is committed: each stage is
  an option to continue, taken only if the previous one delivered (a real-option view of the
  investment, Dixit & Pindyck 1994). The Align gate (:func:`align_gate_passed`) opens stage 2 for
  a capability when, at the re-assessment, the management AGI is **no longer misaligned**
  (calibrated band not ``"misaligned"``) **and the team agrees** on it (the direct-consensus gate
  of :func:`scoring.consensus.agreement_index` passed: "Does the team agree? yes"). Both are
  needed: "no longer misaligned" alone is passed by a team answering at random (its AGI is
  "not distinguishable from random answering"), whose agreement index stays below the gate in
  ≥ 95% of teams. A build gate asks the same of every capability it raised, with the new level
  confirmed by the re-assessment.
* **A board-grade plan** (issue 12): build stages are named by what they achieve ("Culture and
  Decision Authority to level 3"); every blind spot (perception gap labelled "blind spot") gets a
  validation step in stage 1, "test the executive view against the front line"; a capability the
  Align stage works on gets its first build step in the stage right after the Align gate (its
  certainty is 0 while split, which used to leave it for the last stage); **quick wins** — effort
  S, at most :data:`QUICK_WIN_MONTHS` months, the capability's next step, every prerequisite at
  the level being left and every dependency met at month 0 — are pulled into the first build
  stage (never the last action of a step, so levels still rise where the plan says). Actions run
  from their stage's start, after the same stage's actions they depend on; a stage ends at
  ``max(start + roadmap_stage_months, last action's end)``. Each stage names one accountable
  owner from the instrument's ``owner_roles`` (the most frequent owner of its actions, ties to
  the highest-priority action; the CEO, or the first management role, for the Align stage), the
  level descriptors it reaches, its KPIs with the gate KPI (1.1.0), and go/no-go criteria
  written with capability names (:attr:`~scoring.results.RoadmapStage.criteria`). An instrument
  without ``owner_roles`` (1.0.0) keeps the actions' owners, and a note says the vocabulary is
  missing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from scoring.results import (
    AGIResult,
    MaturityLevel,
    Roadmap,
    RoadmapAction,
    RoadmapStage,
    RoadmapValidation,
    ScoreOptions,
    StageKpi,
)

if TYPE_CHECKING:
    from questionnaires.model import Action, Capability, Instrument
    from scoring.consensus import AgreementIndex

__all__ = [
    "GATE_VALUES_PATTERN",
    "QUICK_WIN_MONTHS",
    "VALIDATION_TITLE",
    "align_gate_passed",
    "build_roadmap",
    "certainty",
    "distinguishable_split",
]

#: The management figures in a decision gate, ``" (today: AGI 30)"``, for a report that must
#: withhold the management team's figures to strip.
GATE_VALUES_PATTERN = re.compile(r"\s*\(today: [^)]*\)")

#: Certainty of a capability whose AGI or null reference is undefined.
UNKNOWN_CERTAINTY = 0.5

#: Longest action (months) that counts as a quick win (with effort S).
QUICK_WIN_MONTHS = 3

#: The title of a stage-1 validation step of a blind spot.
VALIDATION_TITLE = "Test the executive view against the front line"

#: Note of a roadmap on an instrument without a role vocabulary (``owner_roles``).
NO_VOCABULARY_NOTE = (
    "{ref} has no owner-role vocabulary (owner_roles): each stage lists its actions' owners as "
    "the instrument writes them, without one accountable owner"
)


def certainty(agi: AGIResult | None) -> float:
    """The calibrated certainty of the management team's view of a capability, in [0, 1].

    ``clip(agi.relative, 0, 1)`` with ``relative = 1 − AGI / AGI_null`` (:func:`scoring.null.relative_agi`):
    0 as spread as random answering (or more), 1 full consensus; ``0.5`` when there is no AGI or
    no null reference (``relative`` NaN). See the module docstring for why this replaces
    ``1 − AGI/100``.

    Parameters
    ----------
    agi : AGIResult or None
        The management team's current-rating AGI of the capability.

    Returns
    -------
    float
        The certainty.

    Examples
    --------
    >>> from scoring.results import Interval
    >>> a = AGIResult("MGT", "management", "current", 6.2, Interval(), "aligned", 8, relative=0.62)
    >>> split = AGIResult("MET", "management", "current", 31.0, Interval(), "misaligned", 8,
    ...                   relative=-0.8)
    >>> certainty(a), certainty(split), certainty(None)
    (0.62, 0.0, 0.5)
    """
    r = agi.relative if agi is not None else math.nan
    return UNKNOWN_CERTAINTY if math.isnan(r) else min(1.0, max(0.0, float(r)))


def distinguishable_split(agi: AGIResult | None) -> bool:
    """Whether the management team is misaligned beyond what random answering gives.

    True when the calibrated band is ``"misaligned"`` (:func:`scoring.null.calibrated_band`) and the
    AGI carries its null reference (``null_mean`` defined); an AGI banded by fixed cut-offs alone
    cannot tell a split team from random answering, so it never counts.

    Parameters
    ----------
    agi : AGIResult or None
        The management team's current-rating AGI of the capability.

    Returns
    -------
    bool
        Whether the Align stage is opened for it.
    """
    return agi is not None and agi.band == "misaligned" and not math.isnan(agi.null_mean)


def align_gate_passed(agi: AGIResult | None, agreement: AgreementIndex | None) -> bool:
    """Whether a re-assessed capability passes the Align gate (the rule its gate text states).

    Go when both hold at the re-assessment:

    1. the management AGI is computed and its calibrated band is not ``"misaligned"``
       (:func:`distinguishable_split` is false): no split beyond random answering is left;
    2. the management team agrees (``agreement.agrees`` is True: r*wg(J) against the triangular
       null reaches ``max(0.50, critical value)``, :func:`scoring.consensus.agreement_index`).

    Rule 1 alone lets a team answering at random through (it is "not distinguishable from random
    answering", so not misaligned); rule 2 stops it. No AGI, an undefined AGI or an agreement that
    could not be computed is no go: the gate cannot be shown to be passed.

    Parameters
    ----------
    agi : AGIResult or None
        The re-assessed management AGI of the capability (current ratings).
    agreement : AgreementIndex or None
        The re-assessed management team's agreement index of the capability.

    Returns
    -------
    bool
        True to go on to the next stage for this capability.

    Examples
    --------
    >>> from scoring.results import Interval
    >>> a = AGIResult("MET", "management", "current", 17.0, Interval(12.0, 24.0),
    ...               "not distinguishable from random answering", 8, null_mean=16.3)
    >>> align_gate_passed(a, None)
    False
    """
    if agi is None or math.isnan(agi.value) or agi.band == "undefined":
        return False
    if distinguishable_split(agi) or agi.band == "misaligned":
        return False
    return agreement is not None and agreement.agrees is True


def _align_gate(misaligned: Sequence[str], agis: Mapping[str, AGIResult]) -> str:
    """The Align stage's gate: re-assess, today's AGI, the rule of :func:`align_gate_passed`
    (a capability split on its target quotes its target AGI)."""
    names = _fmt_caps(misaligned)

    def quote(cid: str) -> str:
        a = agis[cid]
        return f"{'target ' if a.basis == 'target' else ''}AGI {a.value:.0f}"

    if len(misaligned) == 1:
        today = quote(misaligned[0])
        rule = f"AGI on {names} is no longer misaligned and the team agrees on it"
    else:
        today = ", ".join(f"{cid} {quote(cid)}" for cid in misaligned)
        rule = f"AGIs on {names} are no longer misaligned and the team agrees on each of them"
    return (
        f"Re-assess {names} with the management team before stage 2 (today: {today}). Go when "
        f"the management team's {rule} (Does the team agree? yes); otherwise repeat the "
        "alignment step before investing."
    )


def _build_gate(stage_caps: Sequence[str], reached: Sequence[str], month: int, nxt: int) -> str:
    """A build stage's gate: the levels to confirm, and the Align rule for each capability."""
    one = len(stage_caps) == 1
    return (
        f"Re-assess {_fmt_caps(stage_caps)} at month {month} before committing stage {nxt}: go "
        f"when the re-assessment confirms {_fmt_caps(reached)}, and the management team is not "
        f"misaligned on {'it' if one else 'them'} and agrees on {'it' if one else 'each'} (Does "
        "the team agree? yes); otherwise stop or re-plan — the next stage is an option, not a "
        "commitment."
    )


def _fmt_caps(caps: Sequence[str]) -> str:
    caps = list(caps)
    return caps[0] if len(caps) == 1 else ", ".join(caps[:-1]) + " and " + caps[-1]


def _in_dependency_order(actions: list[Action]) -> list[Action]:
    """Actions of one level step, each after the actions of the same step it depends on (stable)."""
    ids = {a.id for a in actions}
    done: set[str] = set()
    out: list[Action] = []
    pending = list(actions)
    while pending:
        for a in pending:
            if all(d in done or d not in ids for d in a.depends_on):
                out.append(a)
                done.add(a.id)
                pending.remove(a)
                break
        else:  # a cycle inside the step (the instrument model rejects these): keep file order
            out.extend(pending)
            break
    return out


def build_roadmap(
    instrument: Instrument,
    levels: Sequence[MaturityLevel],
    management_agi: Mapping[str, AGIResult],
    item_agi: Mapping[str, Sequence[tuple[str, float]]],
    options: ScoreOptions | None = None,
    n_disputed: int = 3,
    scored: Mapping[str, int] | None = None,
    blind_spots: Sequence[str] = (),
    target_agi: Mapping[str, AGIResult] | None = None,
    silos: Sequence[str] = (),
) -> Roadmap:
    """Plan the roadmap's stages: align the management team first, then build level by level.

    See ``docs/methodology.md#7-roadmap``: an "Align" stage on the capabilities the management team
    is misaligned on, then build stages raising the highest-priority capabilities one level each,
    every stage ending at a go/no-go gate; the module docstring gives the board-grade rules
    (names, validation steps, quick wins, owners, KPIs, criteria).

    Parameters
    ----------
    instrument : questionnaires.model.Instrument
        The instrument (capabilities, prerequisites and actions).
    levels : sequence of MaturityLevel
        Current and target levels per capability.
    management_agi : mapping of str to AGIResult
        Capability id → current-rating management AGI.
    item_agi : mapping of str to sequence of (str, float)
        Capability id → ``(item id, AGI)`` for its items (management team).
    options : ScoreOptions, optional
        Stage lengths, stage size, bands and the anonymity floor; ``None`` = the defaults.
    n_disputed : int, default 3
        Highest-AGI items per misaligned capability to discuss in the align stage.
    scored : mapping of str to int, optional
        Capability id → respondents with a score (``None``: every capability counts as scored by
        enough); below ``options.min_group`` it is planned as not assessed.
    blind_spots : sequence of str, default ()
        Capabilities the management team rates higher than the rest of the organisation (the
        perception label "blind spot"); each gets a validation step in stage 1.
    target_agi : mapping of str to AGIResult, optional
        Capability id → target-rating management AGI: a capability split on its target (calibrated
        band "misaligned") is aligned in stage 1 too.
    silos : sequence of str, default ()
        Capabilities departments see differently (a silo finding), worst first: like the aligned
        capabilities, their next step comes in the first build stage.

    Returns
    -------
    Roadmap
        The stages, starting and target levels, and notes.
    """
    opts = options or ScoreOptions()
    caps = {c.id: c for c in instrument.capabilities}
    order = [c.id for c in instrument.capabilities]
    thin = {c for c, n in (scored or {}).items() if n < opts.min_group}
    level = {lv.capability_id: 0 if lv.capability_id in thin else lv.level for lv in levels}
    notes: list[str] = []
    target = _targets(levels, caps, order, level, thin, opts, notes)
    confidence = {cid: certainty(management_agi.get(cid)) for cid in order}
    for cid in order:
        agi = management_agi.get(cid)
        if agi is not None and agi.band == "misaligned" and math.isnan(agi.null_mean):
            notes.append(
                f"{cid}: the management AGI has no random-answering reference, so it cannot show "
                "a split beyond chance and opens no Align stage; score the wave again"
            )
    vocabulary = dict(instrument.owner_roles)

    stages: list[RoadmapStage] = []
    align = _align_stage(
        instrument, order, level, thin, management_agi, item_agi, opts, n_disputed, target_agi
    )
    if align is not None:
        stages.append(align)
    plan = _BuildPlan(caps, order, level, target, confidence, opts, notes)
    plan.first_caps = (set(align.capabilities) if align else set()) | set(silos[:1])
    stages += plan.stages(first=len(stages) + 1, month=align.end_month if align else 0)
    stages = _pull_quick_wins(stages, caps, level)
    spots = [c for c in order if c in set(blind_spots) and c not in thin]
    stages = _with_validations(stages, spots, caps, level, instrument, opts)
    stages = [_board_grade(st, caps, vocabulary, instrument) for st in _retimed(stages, opts)]
    return Roadmap(
        stages=tuple(stages),
        starting_levels=tuple((cid, level[cid]) for cid in order),
        target_levels=tuple((cid, target[cid]) for cid in order),
        notes=tuple(dict.fromkeys(notes)),
        owner_note="" if vocabulary else NO_VOCABULARY_NOTE.format(ref=instrument.ref),
    )


def _names(caps: Mapping[str, Capability], ids: Sequence[str]) -> str:
    return _fmt_caps([caps[c].name if c in caps else c for c in ids]) if ids else ""


def _is_quick_win(a: RoadmapAction) -> bool:
    """Effort S and at most :data:`QUICK_WIN_MONTHS` months (startability is checked apart)."""
    return a.effort == "S" and a.horizon_months <= QUICK_WIN_MONTHS


def _startable(a: RoadmapAction, caps: Mapping[str, Capability], level: Mapping[str, int]) -> bool:
    """Whether ``a`` can start at month 0: its capability's next step, every prerequisite at the
    level being left (or unassessed) and every dependency below its capability's level today."""
    if level.get(a.capability_id) != a.from_level:
        return False
    for p in caps[a.capability_id].prerequisites:
        if level.get(p, 0) != 0 and level[p] < a.from_level:
            return False
    for d in a.depends_on:
        dep_cap = next((c for c in caps.values() for x in c.actions if x.id == d), None)
        if dep_cap is None:
            continue
        dep_from = next(x.from_level for x in dep_cap.actions if x.id == d)
        if level.get(dep_cap.id, 0) != 0 and level[dep_cap.id] <= dep_from:
            return False
    return True


def _pull_quick_wins(
    stages: list[RoadmapStage], caps: Mapping[str, Capability], level: Mapping[str, int]
) -> list[RoadmapStage]:
    """Quick wins of later build stages moved into the first build stage (never the last action
    of a level step left in its stage); every quick win is marked ``quick_win``."""
    from dataclasses import replace

    marked = [
        replace(
            st,
            actions=tuple(
                replace(a, quick_win=_is_quick_win(a) and _startable(a, caps, level))
                for a in st.actions
            ),
        )
        for st in stages
    ]
    builds = [k for k, st in enumerate(marked) if st.kind == "build"]
    if len(builds) < 2:
        return marked
    first = builds[0]
    pulled: list[RoadmapAction] = []
    for k in builds[1:]:
        st = marked[k]
        keep: list[RoadmapAction] = []
        for a in st.actions:
            step_left = [
                x
                for x in st.actions
                if x.capability_id == a.capability_id and x.from_level == a.from_level
            ]
            staying = [x for x in step_left if not x.quick_win]
            if a.quick_win and staying:
                pulled.append(a)
            else:
                keep.append(a)
        marked[k] = replace(st, actions=tuple(keep))
    if pulled:
        head = marked[first]
        marked[first] = replace(head, actions=head.actions + tuple(pulled))
    return marked


def _with_validations(
    stages: list[RoadmapStage],
    spots: Sequence[str],
    caps: Mapping[str, Capability],
    level: Mapping[str, int],
    instrument: Instrument,
    opts: ScoreOptions,
) -> list[RoadmapStage]:
    """Stage 1 with one validation step per blind spot; a stage of its own when nothing else is
    planned (kind ``align``, the Align stage's months)."""
    from dataclasses import replace

    if not spots:
        return stages
    lead = _align_owner(instrument, opts)
    steps = tuple(
        RoadmapValidation(
            capability_id=c,
            title=VALIDATION_TITLE,
            description=(
                f"The management team rates {caps[c].name} higher than the rest of the "
                "organisation does. Before investing, executives sit with front-line teams, "
                "listen to customer contacts and compare what they see with the level they "
                f"gave; the management team then agrees the level of {caps[c].name} with the "
                "front line's view in hand."
            ),
            owner_role=lead,
        )
        for c in spots
    )
    if not stages:
        order = [c.id for c in instrument.capabilities]
        return [
            RoadmapStage(
                number=1,
                name="Validate",
                kind="align",
                start_month=0,
                end_month=opts.roadmap_align_months,
                actions=(),
                capabilities=(),
                disputed_items=(),
                owners=(lead,),
                projected_levels=tuple((c, level[c]) for c in order),
                decision_gate=(
                    f"Re-assess {_fmt_caps(list(spots))} with the front line before any "
                    "investment: go when the management team and the organisation place "
                    f"{'it' if len(spots) == 1 else 'them'} at the same level."
                ),
                validations=steps,
            )
        ]
    return [replace(stages[0], validations=steps), *stages[1:]]


def _retimed(stages: list[RoadmapStage], opts: ScoreOptions) -> list[RoadmapStage]:
    """Months of every action and stage: an action starts at its stage's start or when the same
    stage's actions it depends on end; a stage lasts at least its nominal length (Align:
    ``roadmap_align_months``, build: ``roadmap_stage_months``) and until its last action ends;
    the next stage starts when it ends."""
    from dataclasses import replace

    out: list[RoadmapStage] = []
    month = 0
    for st in stages:
        start = month
        ends: dict[str, int] = {}
        acts: list[RoadmapAction] = []
        for a in st.actions:
            begin = max([start, *(ends[d] for d in a.depends_on if d in ends)])
            ends[a.action_id] = begin + a.horizon_months
            acts.append(replace(a, start_month=begin, end_month=begin + a.horizon_months))
        nominal = opts.roadmap_align_months if st.kind == "align" else opts.roadmap_stage_months
        end = max([start + nominal, *ends.values()])
        out.append(replace(st, start_month=start, end_month=end, actions=tuple(acts)))
        month = end
    # the gates quote the month of their re-assessment
    return [
        replace(st, decision_gate=_GATE_MONTH.sub(f"at month {st.end_month}", st.decision_gate))
        for st in out
    ]


_GATE_MONTH = re.compile(r"at month \d+(?=[ :])")


def _align_owner(instrument: Instrument, opts: ScoreOptions) -> str:
    """The Align stage's accountable owner: ``ceo`` when the vocabulary has it, else the first
    management role."""
    if "ceo" in instrument.owner_roles:
        return "ceo"
    roles = opts.management_roles or tuple(instrument.management_roles)
    return roles[0] if roles else "executive"


def _accountable(st: RoadmapStage, vocabulary: Mapping[str, str], instrument: Instrument) -> str:
    """One owner from the vocabulary: the most frequent owner role of the stage's actions, ties
    to the owner of the highest-priority (then first) action; ``""`` without a vocabulary."""
    if not vocabulary:
        return ""
    if st.kind == "align":
        return "ceo" if "ceo" in vocabulary else next(iter(vocabulary))
    counts: dict[str, int] = {}
    for a in st.actions:
        if a.owner_role in vocabulary:
            counts[a.owner_role] = counts.get(a.owner_role, 0) + 1
    if not counts:
        return "ceo" if "ceo" in vocabulary else next(iter(vocabulary))
    best = max(counts.values())
    for a in sorted(st.actions, key=lambda x: -x.priority):
        if counts.get(a.owner_role) == best:
            return a.owner_role
    return next(iter(counts))  # pragma: no cover - the loop always finds one


def _stage_name(raised: Sequence[tuple[str, int]], caps: Mapping[str, Capability]) -> str:
    """A build stage's name: the capabilities it raises and the level each reaches
    ("Culture and Skills to level 3; Metrics & Incentives to level 4")."""
    by_level: dict[int, list[str]] = {}
    for cid, lv in raised:
        by_level.setdefault(lv, []).append(cid)
    return "; ".join(f"{_names(caps, ids)} to level {lv}" for lv, ids in sorted(by_level.items()))


def _board_grade(
    st: RoadmapStage,
    caps: Mapping[str, Capability],
    vocabulary: Mapping[str, str],
    instrument: Instrument,
) -> RoadmapStage:
    """The stage with its name (build), goal, accountable owner, the levels and descriptors it
    reaches, its KPIs and its go/no-go criteria written with capability names."""
    from dataclasses import replace

    projected = dict(st.projected_levels)
    raised = [(c, projected[c]) for c in st.capabilities] if st.kind == "build" else []
    reached = tuple((c, lv, caps[c].levels.get(lv, "")) for c, lv in raised if c in caps)
    kpis = tuple(
        StageKpi(c, k.id, k.name, k.unit, k.direction, gate=k.id == caps[c].gate_kpi)
        for c in st.capabilities
        if c in caps
        for k in caps[c].kpis
    )
    criteria: list[str] = []
    spots = [v.capability_id for v in st.validations]
    if st.kind == "align":
        for c in st.capabilities:
            criteria.append(
                f"{caps[c].name}: at the re-assessment the management team is no longer "
                "misaligned on it and agrees on it (Does the team agree? yes)."
            )
        goal = (
            f"A management team that agrees where {_names(caps, st.capabilities)} "
            f"{'stands' if len(st.capabilities) == 1 else 'stand'} and where to take "
            f"{'it' if len(st.capabilities) == 1 else 'them'}"
            if st.capabilities
            else "An executive view tested against the front line"
        )
        name = st.name
    else:
        for c, lv in raised:
            gate = next((k for k in kpis if k.capability_id == c and k.gate), None)
            kpi = (
                f"; its gate KPI, {gate.name} ({gate.kpi_id}, {gate.direction} is better), is "
                "reported for the stage"
                if gate
                else ""
            )
            criteria.append(
                f"{caps[c].name} is confirmed at level {lv} by the re-assessment, and the "
                f"management team is not misaligned on it and agrees on it{kpi}."
            )
        name = _stage_name(raised, caps)
        goal = name
    if spots:
        criteria.append(
            f"{_names(caps, spots)}: the executive view has been tested against the front line "
            "and the management team has agreed the level with the front line's view in hand."
        )
        if st.kind == "align" and st.capabilities:
            goal += (
                f", and the executive view of {_names(caps, spots)} tested against the front line"
            )
    return replace(
        st,
        name=name,
        goal=goal,
        accountable=_accountable(st, vocabulary, instrument),
        reached=reached,
        kpis=kpis,
        criteria=tuple(criteria),
        validations=tuple(
            replace(v, owner_role=_accountable(st, vocabulary, instrument) or v.owner_role)
            for v in st.validations
        ),
    )


def _targets(
    levels: Sequence[MaturityLevel],
    caps: Mapping[str, Capability],
    order: Sequence[str],
    level: Mapping[str, int],
    thin: set[str],
    opts: ScoreOptions,
    notes: list[str],
) -> dict[str, int]:
    """The level each capability is planned to reach: 0 when thin or not assessed, else the
    agreed target (never below the current level), lowered to at most one level above each
    assessed prerequisite's target. Notes say why a capability is not planned or lowered."""
    target: dict[str, int] = {}
    for lv in levels:
        if lv.capability_id in thin:
            notes.append(
                f"{lv.capability_id}: scored by fewer than {opts.min_group} respondents, so not "
                "planned"
            )
            target[lv.capability_id] = 0
            continue
        if lv.level == 0:
            notes.append(f"{lv.capability_id}: not assessed, so not planned")
            target[lv.capability_id] = 0
            continue
        target[lv.capability_id] = max(lv.target_level, lv.level)
    # a capability cannot go more than one level above a prerequisite's target
    changed = True
    while changed:
        changed = False
        for cid in order:
            for p in caps[cid].prerequisites:
                if level[p] == 0:
                    continue
                cap_limit = max(target[p] + 1, level[cid])
                if target[cid] > cap_limit:
                    notes.append(
                        f"{cid}: target lowered from {target[cid]} to {cap_limit} because its "
                        f"prerequisite {p} aims only at level {target[p]}"
                    )
                    target[cid] = cap_limit
                    changed = True
    for cid in order:
        if target[cid] > level[cid]:
            for p in caps[cid].prerequisites:
                if level[p] == 0:
                    notes.append(
                        f"{cid}: prerequisite {p} not assessed; {cid} is planned without waiting "
                        f"for it (assess {p} in the next wave)"
                    )
    return target


def _align_stage(
    instrument: Instrument,
    order: Sequence[str],
    level: Mapping[str, int],
    thin: set[str],
    management_agi: Mapping[str, AGIResult],
    item_agi: Mapping[str, Sequence[tuple[str, float]]],
    opts: ScoreOptions,
    n_disputed: int,
    target_agi: Mapping[str, AGIResult] | None = None,
) -> RoadmapStage | None:
    """Stage 1 "Align" on the capabilities the management team is misaligned on beyond random
    answering (:func:`distinguishable_split`), on today's level or on the target (``target_agi``);
    with the ``n_disputed`` highest-AGI items of each; ``None`` when there are none."""
    targets = target_agi or {}
    misaligned = [
        cid
        for cid in order
        if cid not in thin
        and (
            distinguishable_split(management_agi.get(cid))
            or distinguishable_split(targets.get(cid))
        )
    ]
    if not misaligned:
        return None
    quoted = {
        c: management_agi[c] if distinguishable_split(management_agi.get(c)) else targets[c]
        for c in misaligned
    }
    disputed: list[str] = []
    for cid in misaligned:
        ranked = sorted(
            (x for x in item_agi.get(cid, ()) if not math.isnan(x[1])),
            key=lambda x: (-x[1], x[0]),
        )
        disputed.extend(i for i, _ in ranked[:n_disputed])
    return RoadmapStage(
        number=1,
        name="Align",
        kind="align",
        start_month=0,
        end_month=opts.roadmap_align_months,
        actions=(),
        capabilities=tuple(misaligned),
        disputed_items=tuple(disputed),
        owners=tuple(opts.management_roles or instrument.management_roles),
        projected_levels=tuple((cid, level[cid]) for cid in order),
        decision_gate=_align_gate(misaligned, quoted),
    )


class _BuildPlan:
    """The build stages: each raises the highest-priority capabilities whose prerequisites and
    action dependencies are met one level, until every capability is at its target or none can
    move. ``target`` and ``notes`` are updated in place (a capability without actions for its
    next level stops there)."""

    def __init__(
        self,
        caps: Mapping[str, Capability],
        order: Sequence[str],
        level: Mapping[str, int],
        target: dict[str, int],
        confidence: Mapping[str, float],
        opts: ScoreOptions,
        notes: list[str],
    ) -> None:
        self.caps, self.order, self.level, self.target = caps, list(order), level, target
        self.confidence, self.opts, self.notes = confidence, opts, notes
        self.offset = 0  # stages before the first build stage
        self.first_caps: set[str] = set()  # aligned in stage 1: their step comes right after
        self.projected = dict(level)
        self.done_actions: set[str] = set()
        self.action_cap = {a.id: (cid, a.from_level) for cid in order for a in caps[cid].actions}

    def stages(self, first: int, month: int) -> list[RoadmapStage]:
        """The build stages, numbered from ``first`` and starting at ``month``."""
        order, target = self.order, self.target
        self.offset = first - 1
        out: list[RoadmapStage] = []
        max_stages = sum(max(0, target[c] - self.level[c]) for c in order) + 1
        for _ in range(max_stages):
            if not any(self.projected[c] < target[c] for c in order):
                break
            candidates = self._candidates()
            if not candidates:
                left = [c for c in order if self.projected[c] < target[c]]
                if left:
                    self.notes.append(
                        f"{_fmt_caps(left)} cannot be planned further: prerequisites or action dependencies "
                        "are not met by any planned stage"
                    )
                break
            fresh = self.first_caps if not out else set()
            candidates.sort(key=lambda t: (t[2] not in fresh, -t[0], t[1]))
            stage = self._stage(candidates[: max(1, self.opts.roadmap_max_per_stage)], first, month)
            out.append(stage)
            first += 1
            month = stage.end_month
        return out

    def _candidates(self) -> list[tuple[float, int, str]]:
        """``(priority, position, capability)`` of every capability that can move up a level now."""
        caps, level, projected = self.caps, self.level, self.projected
        candidates: list[tuple[float, int, str]] = []
        for cid in [c for c in self.order if projected[c] < self.target[c]]:
            step = projected[cid]
            acts = caps[cid].actions_from(step)
            if not acts:
                self.notes.append(
                    f"{cid}: the instrument has no actions for level {step} → {step + 1}; "
                    f"the roadmap stops {cid} at level {step}"
                )
                self.target[cid] = step
                continue
            # an unassessed prerequisite (level 0) does not block: there is nothing to wait for
            if any(level[p] != 0 and projected[p] < step for p in caps[cid].prerequisites):
                continue
            deps_ok = all(
                d in self.done_actions
                or (
                    d in self.action_cap
                    and projected[self.action_cap[d][0]] > self.action_cap[d][1]
                )
                or (d in self.action_cap and level[self.action_cap[d][0]] == 0)  # not assessed
                for a in acts
                for d in a.depends_on
                if d not in {x.id for x in acts}
            )
            if not deps_ok:
                continue
            pr = caps[cid].weight * (self.target[cid] - step) * self.confidence[cid]
            candidates.append((pr, self.order.index(cid), cid))
        return candidates

    def _stage(
        self, chosen: Sequence[tuple[float, int, str]], number: int, month: int
    ) -> RoadmapStage:
        """The stage raising each ``chosen`` capability one level, with its go/no-go gate."""
        opts, order, projected = self.opts, self.order, self.projected
        actions: list[RoadmapAction] = []
        for pr, _, cid in chosen:
            step = projected[cid]
            for a in _in_dependency_order(self.caps[cid].actions_from(step)):
                actions.append(
                    RoadmapAction(
                        action_id=a.id,
                        capability_id=cid,
                        title=a.title,
                        description=a.description,
                        from_level=a.from_level,
                        to_level=a.to_level,
                        effort=a.effort,
                        horizon_months=a.horizon_months,
                        owner_role=a.owner_role,
                        depends_on=tuple(a.depends_on),
                        priority=round(pr, 6),
                        cost_band=a.cost_band,
                        done_when=a.done_when,
                        approved_by=a.approved_by,
                    )
                )
        for _, _, cid in chosen:
            projected[cid] += 1
        self.done_actions.update(a.action_id for a in actions)
        length = max([opts.roadmap_stage_months, *(a.horizon_months for a in actions)])
        stage_caps = tuple(cid for _, _, cid in chosen)
        reached = [f"{cid} at level {projected[cid]}" for cid in stage_caps]
        more = any(projected[c] < self.target[c] for c in order)
        gate = (
            _build_gate(stage_caps, reached, month + length, number + 1)
            if more
            else f"Final gate at month {month + length}: re-assess every capability in the next wave and "
            "confirm the targets before any new investment."
        )
        return RoadmapStage(
            number=number,
            name=f"Build {number - self.offset}",
            kind="build",
            start_month=month,
            end_month=month + length,
            actions=tuple(actions),
            capabilities=stage_caps,
            disputed_items=(),
            owners=tuple(sorted({a.owner_role for a in actions})),
            projected_levels=tuple((cid, projected[cid]) for cid in order),
            decision_gate=gate,
        )

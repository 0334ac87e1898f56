"""Safe results: :func:`safe_result` removes every number of a
:class:`~scoring.results.WaveResult` that describes fewer than k people, by the rules of the
reports (:mod:`reports.anonymity`), and says what it withheld (:class:`Withheld`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from questionnaires.answers import ResponseSet
    from scoring.results import WaveResult


nan = float("nan")


@dataclass(frozen=True)
class Withheld:
    """A group or statistic left out of safe output, and why (never with the group's size).

    Attributes
    ----------
    group : str
        What was left out: ``department:<key>``, ``management``, ``others``, ``camp:<label>``,
        ``item:<id>``, ...
    reason : str
        Why, in words.
    capabilities : tuple of str
        The capabilities it was left out of; ``()`` for the whole wave.
    """

    group: str  # "department:<key>", "management", "others", "camp:<label>", "item:<id>", ...
    reason: str
    capabilities: tuple[str, ...] = ()  # empty: the whole wave


def safe_result(
    result: WaveResult, responses: ResponseSet, k: int
) -> tuple[WaveResult, tuple[Withheld, ...]]:
    """``result`` with every number that describes fewer than ``k`` people removed.

    Rules (those of the reports, :mod:`reports.anonymity`; undefined numbers become ``nan``,
    i.e. ``null`` in JSON, hidden groups are dropped):

    - no respondent-level data: ``respondent_scores``/``respondent_targets`` and the alignment
      map's ids, coordinates and camp of each respondent are emptied;
    - departments: primary and secondary (complementary) suppression over department sizes, then
      again per capability over the respondents with a score (a department of k people of whom
      only one has a score would show that score); a hidden department's AGI and mean are
      dropped, and the spread and separation of a capability with a hidden cell are withheld
      (both are functions of the hidden means);
    - management / others: the perception means, gap and p-value, and the group sizes, only when
      both sides have at least k scores and no single respondent's score follows from the
      published sums of the organisation, the shown departments and the two sides
      (:func:`reports.anonymity.isolated_members`); a management AGI from fewer than k scores is
      dropped (as is the roadmap's quote of it);
    - per item, per capability (organisation-wide): statistics from fewer than k answers are
      withheld; a capability scored by 1 to k − 1 people (:func:`reports.anonymity.too_few`,
      as in the report) loses its level entry (level, target level, explanation, items holding
      back), its ambition entry and its roadmap levels and actions; the JSON has no item answer
      distribution and no N/A count at all (:meth:`ScoreOutput.as_dict`);
    - camps of the alignment map: primary and secondary suppression over camp sizes;
    - capability-level answers (rated levels, :class:`~scoring.results.CapabilityAnswers`): an
      organisation level check, points entry or Kendall's W of fewer than k people is dropped;
      the management team's only when both it and everyone else have at least k people behind
      the figure (else the organisation's figure minus the management team's is the others'
      counts or points), as :func:`_safe_capability_answers` says;
    - warnings give no size of a group below k;
    - findings (:mod:`scoring.findings`) go with the figures they rest on: a perception gap or
      the management team's ambition only where the management / others split is shown, a
      misalignment only with its management AGI, a silo only with every department's mean (its
      spread and separation kept), nothing of a capability scored by 1 to k − 1 people, a
      borderline level only with its median; a finding's ``n`` is dropped below k.

    Parameters
    ----------
    result : WaveResult
        The full result of the wave.
    responses : ResponseSet
        The responses it was scored from (group sizes and who has a score).
    k : int
        The anonymity threshold.

    Returns
    -------
    result : WaveResult
        The suppressed result.
    withheld : tuple of Withheld
        What was left out, and why.
    """
    from dataclasses import replace

    from reports.anonymity import suppress_groups, unsized

    withheld: list[Withheld] = []
    keys = [r.department_key for r in responses.respondents]
    sizes: dict[str, int] = {}
    for d in keys:
        sizes[d] = sizes.get(d, 0) + 1
    wave_sup = suppress_groups(sizes, k)
    _withhold_departments(wave_sup, k, withheld)
    hidden_caps = [s.capability_id for s in result.scores if 0 < s.n < k]
    if hidden_caps:
        withheld.append(
            Withheld("organisation", f"fewer than {k} respondents with a score", tuple(hidden_caps))
        )
    cells_shown = _department_cells(result, keys, wave_sup, k, withheld)
    perception_shown = _perception_shown(result, responses, keys, cells_shown, k, withheld)
    scores, items, agreement, hidden_items = _withhold_small_counts(result, k, withheld)
    thin = set(hidden_caps)
    levels = _safe_levels(result, perception_shown, hidden_items, thin, k)
    agreement = tuple(
        a
        if _management_shown(a.capability_id, perception_shown, a.consensus_management, k)
        else replace(a, consensus_management=None)
        for a in agreement
    )
    agi = tuple(a for a in result.agi if _agi_shown(a, k, wave_sup.shown, cells_shown))
    mgmt_agi_shown = any(a.group == "management" for a in agi)
    ambition = tuple(
        a if mgmt_agi_shown else replace(a, target_agi=nan)
        for a in result.ambition
        if a.capability_id not in thin
    )
    roadmap = _roadmap_without(result.roadmap, thin)
    if not mgmt_agi_shown:
        roadmap = _roadmap_without_management_figures(roadmap)

    safe_silos = _safe_silos(result, cells_shown, k)
    safe_findings = _safe_findings(result, agi, perception_shown, safe_silos, levels, thin, k)
    safe = replace(
        result,
        findings=safe_findings,
        scores=scores,
        levels=levels,
        items=items,
        agreement=agreement,
        agi=agi,
        perception=_safe_perception(result, perception_shown, k),
        silos=safe_silos,
        ambition=ambition,
        alignment_map=_safe_map(result.alignment_map, k, withheld),
        roadmap=roadmap,
        warnings=tuple(unsized(w, k) for w in result.warnings),
        capability_answers=_safe_capability_answers(result, responses, k, withheld),
    )
    return safe, tuple(withheld)


def _safe_findings(
    result: WaveResult,
    agi: Sequence[Any],
    perception_shown: dict[str, bool],
    silos: Sequence[Any],
    levels: Sequence[Any],
    thin: set[str],
    k: int,
) -> tuple[Any, ...]:
    """The findings whose figures safe output keeps (:func:`scoring.findings.shown_findings`)."""
    from scoring.findings import shown_findings

    return shown_findings(
        result.findings,
        k,
        perception_shown=perception_shown,
        management_agi={(a.capability_id, a.basis) for a in agi if a.group == "management"},
        silos_shown={s.capability_id for s in silos if not math.isnan(s.spread)},
        medians_shown={
            lv.capability_id
            for lv in levels
            if lv.organisation is not None and not math.isnan(lv.organisation.median)
        },
        thin=thin,
    )


def _safe_capability_answers(
    result: WaveResult, responses: ResponseSet, k: int, withheld: list[Withheld]
) -> Any:
    """The capability-level answers without figures of fewer than ``k`` people.

    Behind a level check stand the respondents with a rated level and an item-based score;
    behind investment points and W those who allocated points. The organisation's entry needs
    ``k`` of them (:func:`reports.anonymity.too_few`); the management team's needs ``k`` managers
    and ``k`` others (the published organisation counts, sums and medians minus the management
    team's would describe the others), else it is dropped."""
    from dataclasses import replace

    import numpy as np

    from reports.anonymity import too_few

    answers = result.capability_answers
    if answers is None:
        return None
    mgmt = np.isin([r.role for r in responses.respondents], list(result.options.management))
    pos = {c: j for j, c in enumerate(responses.capability_ids)}
    scored = {
        s.capability_id: ~np.isnan(np.asarray(s.respondent_scores, float)) for s in result.scores
    }
    allocated = (
        ~np.isnan(responses.points).all(axis=1)
        if responses.capability_ids
        else np.zeros(len(mgmt), bool)
    )

    def rated(cap: str) -> Any:
        if cap not in pos or cap not in scored or len(scored[cap]) != len(mgmt):
            return np.zeros(len(mgmt), bool)
        j = pos[cap]
        return ~np.isnan(responses.level_current[:, j]) & ~responses.level_na[:, j] & scored[cap]

    def shown(group: str, behind: Any) -> bool:
        if group != "management":
            return not too_few(int(behind.sum()), k)
        return not too_few(int((behind & mgmt).sum()), k) and not too_few(
            int((behind & ~mgmt).sum()), k
        )

    def whole(group: str, behind: Any) -> bool:
        """The people behind a figure are the group's respondents, or differ from them by at
        least k: else the figure, set against one over all of them (another output, or the
        group's statement figures), would give the missing people's answers."""
        sides = (mgmt, ~mgmt) if group == "management" else (np.ones(len(mgmt), bool),)
        return all(
            (missing := int((side & ~behind).sum())) == 0 or not too_few(missing, k)
            for side in sides
        )

    def kept(group: str, behind: Any) -> bool:
        return shown(group, behind) and whole(group, behind)

    checks = tuple(
        _coarse_check(c, k) for c in answers.level_checks if kept(c.group, rated(c.capability_id))
    )
    points = tuple(_coarse_points(p, k) for p in answers.investment if kept(p.group, allocated))
    priorities = tuple(p for p in answers.priorities if kept(p.group, allocated))
    on = {(x.capability_id, x.group) for x in (*checks, *points)}
    everything: list[Any] = [*answers.level_checks, *answers.investment]
    off = sorted({x.capability_id for x in everything if (x.capability_id, x.group) not in on})
    if off or len(priorities) < len(answers.priorities):
        withheld.append(
            Withheld(
                "capability answers",
                f"a level check, investment points or priority agreement of fewer than {k} "
                "respondents, of a management team whose figures minus the organisation's "
                f"would describe fewer than {k} others, or of a group of which 1 to {k - 1} "
                "gave no such answer",
                tuple(off),
            )
        )
    return replace(answers, level_checks=checks, investment=points, priorities=priorities)


def _coarse_points(p: Any, k: int) -> Any:
    """Investment points without the order statistics and counts that give members' own
    allocations in a small group: at n = 3 the median and quartiles are the three allocations.
    The median needs ``k`` allocations on each side (``⌈n/2⌉ − 1 ≥ k``), the quartiles ``k``
    beyond each (``⌊(n − 1)/4⌋ ≥ k``), the share giving 0 at least ``k`` giving 0 and ``k`` not
    (or none); the mean and the rank stay."""
    from dataclasses import replace

    nan = float("nan")
    n = p.n
    changes: dict[str, float] = {}
    if (n + 1) // 2 - 1 < k:
        changes["median"] = nan
    if (n - 1) // 4 < k:
        changes.update(q1=nan, q3=nan)
    zeros = round(p.share_zero * n) if p.share_zero == p.share_zero else 0
    if 0 < zeros < k or 0 < n - zeros < k:
        changes["share_zero"] = nan
    return replace(p, **changes) if changes else p


def _coarse_check(c: Any, k: int) -> Any:
    """A level check without its counts of people rating higher, lower and the same (and the
    sign test's p-values, which are functions of them) when one of them is 1 to k − 1: a count
    of a subgroup below k. The median rated level, the item level, the flag and the label stay."""
    from dataclasses import replace

    counts = (c.n_higher, c.n_lower, c.n_equal)
    if all(x == 0 or x >= k for x in counts):
        return c
    nan = float("nan")
    return replace(c, n_higher=None, n_lower=None, n_equal=None, p_value=nan, p_adjusted=nan)


def _withhold_departments(wave_sup: Any, k: int, withheld: list[Withheld]) -> None:
    from scoring.results import department_group

    for d in wave_sup.primary:
        withheld.append(Withheld(department_group(d), f"fewer than {k} respondents"))
    for d in wave_sup.secondary:
        withheld.append(
            Withheld(
                department_group(d),
                "hidden so that a smaller department cannot be worked out by subtraction",
            )
        )


def _department_cells(
    result: WaveResult, keys: list[str], wave_sup: Any, k: int, withheld: list[Withheld]
) -> dict[str, set[str]]:
    """Departments shown per capability: suppression again over the respondents with a score
    (a department of k people of whom only one has a score would show that score)."""
    from reports.anonymity import suppress_cells
    from scoring.results import department_group

    cells_shown: dict[str, set[str]] = {}
    cell_hidden: dict[str, list[str]] = {}
    for s in result.scores:
        sup = suppress_cells(keys, s.respondent_scores, k, hidden=wave_sup.hidden)
        cells_shown[s.capability_id] = set(sup.shown)
        for d in sup.hidden:
            if d not in wave_sup.hidden:
                cell_hidden.setdefault(d, []).append(s.capability_id)
    for d, caps in sorted(cell_hidden.items()):
        withheld.append(
            Withheld(
                department_group(d),
                f"fewer than {k} respondents with a score, or hidden so that such a cell cannot "
                "be worked out by subtraction",
                tuple(caps),
            )
        )
    return cells_shown


def _perception_shown(
    result: WaveResult,
    responses: ResponseSet,
    keys: list[str],
    cells_shown: dict[str, set[str]],
    k: int,
    withheld: list[Withheld],
) -> dict[str, bool]:
    """Per capability: may the management / others split be shown? Both sides need k scores and
    no one's score may follow from the published sums (:func:`reports.anonymity.isolated_members`)."""
    from reports.anonymity import isolated_members

    mgmt_roles = set(result.options.management)
    is_mgmt = [r.role in mgmt_roles for r in responses.respondents]
    shown: dict[str, bool] = {}
    for s in result.scores:
        c = s.capability_id
        scored = [i for i, v in enumerate(s.respondent_scores) if not math.isnan(v)]
        m = {i for i in scored if is_mgmt[i]}
        o = set(scored) - m
        ok = len(m) >= k and len(o) >= k and len(scored) >= k
        if ok:
            published = [set(scored), m, o] + [
                {i for i in scored if keys[i] == d} for d in cells_shown[c]
            ]
            ok = not isolated_members(published)
        shown[c] = ok
    off = tuple(c for c, ok in shown.items() if not ok)
    if off:
        withheld.append(
            Withheld(
                "management/others",
                f"one side has fewer than {k} respondents with a score, or a person's score "
                "would follow from it and the department means",
                off,
            )
        )
    return shown


def _safe_levels(
    result: WaveResult,
    perception_shown: dict[str, bool],
    hidden_items: list[str],
    thin: set[str],
    k: int,
) -> tuple[Any, ...]:
    """Levels without capabilities of fewer than k people (a level, target level, explanation or
    item holding back says what they answered: the whole entry goes, as in the report), and
    level estimates without figures that are members' own scores."""
    from dataclasses import replace

    from reports.anonymity import safe_level_estimate

    return tuple(
        replace(
            lv,
            weakest_item_median=nan if lv.weakest_item in hidden_items else lv.weakest_item_median,
            management=safe_level_estimate(lv.management, k)
            if _management_shown(lv.capability_id, perception_shown, lv.management, k)
            else None,
            organisation=safe_level_estimate(lv.organisation, k),
        )
        for lv in result.levels
        if lv.capability_id not in thin
    )


def _safe_perception(
    result: WaveResult, perception_shown: dict[str, bool], k: int
) -> tuple[Any, ...]:
    """Perception gaps, emptied where the management / others split may not be shown."""
    from dataclasses import replace

    return tuple(
        p
        if perception_shown.get(p.capability_id)
        else replace(
            p,
            management_mean=nan,
            others_mean=nan,
            gap=nan,
            p_value=nan,
            exact=False,
            label="undefined",
            test=None,
            reason=f"not shown: the management team or everyone else has fewer than {k} "
            "scores, or a person's score would follow from the published figures",
        )
        for p in result.perception
    )


def _roadmap_without_management_figures(roadmap: Any) -> Any:
    """The roadmap with the management AGI's quotes removed from its decision gates."""
    from dataclasses import replace

    from reports.views import safe_gate

    return replace(
        roadmap,
        stages=tuple(
            replace(st, decision_gate=safe_gate(st.decision_gate, False)) for st in roadmap.stages
        ),
    )


def _management_shown(
    capability: str, perception_shown: dict[str, bool], figure: Any, k: int
) -> bool:
    """A management-team figure (level estimate, agreement index) is shown only where the
    management / others split is (both sides reach k, nobody isolated) and it rests on k people."""
    if figure is None or not perception_shown.get(capability):
        return False
    n = getattr(figure, "n", None)
    if n is None:
        n = getattr(figure, "n_raters", 0)
    return int(n or 0) >= k


def _withhold_small_counts(
    result: WaveResult, k: int, withheld: list[Withheld]
) -> tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...], list[str]]:
    """Scores (without respondent-level data), items and agreement with every statistic of 1..k-1
    people withheld, as the report does (:func:`reports.anonymity.too_few`)."""
    from dataclasses import replace

    from reports.anonymity import too_few
    from scoring.results import Interval

    def small(n: int) -> bool:
        return n > 0 and too_few(n, k)

    scores = tuple(
        replace(
            s,
            mean=nan,
            median=nan,
            sd=nan,
            ci=Interval(),
            mean_norm=nan,
            target_mean=nan,
            target_median=nan,
            target_ci=Interval(),
            respondent_scores=(),
            respondent_targets=(),
        )
        if small(s.n)
        else replace(s, respondent_scores=(), respondent_targets=())
        for s in result.scores
    )
    hidden_items = [it.item_id for it in result.items if small(it.n)]
    if hidden_items:
        withheld.append(Withheld("items", f"fewer than {k} answers: " + ", ".join(hidden_items)))
    items = tuple(
        replace(
            it,
            mean=nan,
            median=nan,
            sd=nan,
            target_mean=nan,
            target_median=nan,
            distribution=(),
            rwg=nan,
            rwg_raw=nan,
            ad=nan,
            awg=nan,
            agi=nan,
        )
        if small(it.n)
        else it
        for it in result.items
    )
    agreement = tuple(
        replace(
            a,
            rwg_j=nan,
            rwg_j_raw=nan,
            rwg_star_j=nan,
            ad_mean=nan,
            ad_median=nan,
            awg_j=nan,
            alpha_interval=nan,
            alpha_ordinal=nan,
            cronbach_alpha=nan,
            cronbach_alpha_listwise=nan,
            icc=None,
            consensus=None,
            consensus_management=None,
            item_flags=(),
        )
        if small(a.n)
        else replace(a, item_flags=tuple(f for f in a.item_flags if not small(f.n)))
        for a in result.agreement
    )
    return scores, items, agreement, hidden_items


def _agi_shown(
    a: Any, k: int, shown_departments: Sequence[str], cells: dict[str, set[str]]
) -> bool:
    from scoring.results import DEPARTMENT_PREFIX

    if a.n < k:
        return False
    if a.group.startswith(DEPARTMENT_PREFIX):
        d = a.group[len(DEPARTMENT_PREFIX) :]
        if a.capability_id == "overall":
            return d in shown_departments
        return d in cells.get(a.capability_id, set())
    return True


def _safe_silos(result: WaveResult, cells_shown: dict[str, set[str]], k: int) -> tuple[Any, ...]:
    """Silo rows with hidden departments dropped; a capability with a hidden cell loses its
    spread and separation (both are functions of the hidden means)."""
    from dataclasses import replace

    silos = []
    for sg in result.silos:
        shown = cells_shown.get(sg.capability_id, set())
        means = tuple(x for x in sg.department_means if x[0] in shown and x[1] >= k)
        if len(means) == len(sg.department_means):
            silos.append(sg)
            continue
        sep = replace(
            sg.separation,
            icc1=nan,
            icc2=nan,
            eta2=nan,
            omega2=nan,
            f=nan,
            p_value=nan,
            df_between=0,
            df_within=0,
            reason="withheld: a department is hidden in this capability",
        )
        silos.append(replace(sg, department_means=means, spread=nan, separation=sep))
    return tuple(silos)


def _safe_map(amap: Any, k: int, withheld: list[Withheld]) -> Any:
    """The alignment map without respondent ids, coordinates or camp membership, and its camps
    under primary and secondary suppression."""
    from dataclasses import replace

    from reports.anonymity import suppress_groups

    camp_sup = suppress_groups({c.label: c.size for c in amap.camps}, k)
    if camp_sup.hidden:
        withheld.append(
            Withheld(
                "camps",
                f"camps of fewer than {k} respondents, and those hidden so that such a camp "
                "cannot be worked out by subtraction",
            )
        )
    return replace(
        amap,
        respondent_ids=(),
        coords=(),
        camp_of=(),
        camps=tuple(c for c in amap.camps if c.label in camp_sup.shown),
    )


def _roadmap_without(roadmap: Any, thin: set[str]) -> Any:
    """The roadmap without the capabilities of ``thin`` (scored by fewer than k): no starting,
    target or projected level, no action and no stage capability of theirs."""
    from dataclasses import replace

    if not thin:
        return roadmap

    def keep(pairs: Sequence[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
        return tuple(p for p in pairs if p[0] not in thin)

    return replace(
        roadmap,
        starting_levels=keep(roadmap.starting_levels),
        target_levels=keep(roadmap.target_levels),
        stages=tuple(
            replace(
                st,
                actions=tuple(a for a in st.actions if a.capability_id not in thin),
                capabilities=tuple(c for c in st.capabilities if c not in thin),
                projected_levels=keep(st.projected_levels),
            )
            for st in roadmap.stages
        ),
    )

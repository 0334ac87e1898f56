"""Maturity levels 1–5 per capability, with caps and an explanation
(``docs/methodology.md#2-maturity-levels``).

For a capability with team median ``m`` of respondent scores (on the 1–5 maturity scale):

1. ``uncapped = ⌊m⌋`` (clipped to 1..5);
2. **no high-water mark**: the level is at most one above the weakest item's median,
   ``level ≤ ⌊min_j median_j⌋ + 1``, so one strong item cannot lift a capability whose basics are
   missing (the staged logic of capability-maturity models, Paulk et al. 1993, CMM v1.1: a level
   is reached only when all its practices are in place);
3. **prerequisites**: at most one level above each prerequisite capability's level, taking
   capabilities in topological order of the prerequisite graph.

The target level is ``⌊median of respondent target scores⌋`` (the team's agreed ambition), not
capped. A level is 0 when no respondent scored the capability (explained, never silently 1).

These levels are computed over everyone, as the methodology defines them. Because the floor of a
median moves a whole level on a 0.01 change, :func:`scoring.score_wave` adds beside each level
the management team's and the organisation's median with its interval, the interpolated level
and a borderline flag (:attr:`scoring.results.MaturityLevel.management` / ``.organisation``,
:func:`scoring.stability.level_estimate`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from scoring.results import MaturityLevel

__all__ = ["LEVEL_NAMES", "maturity_levels", "topological_order"]

LEVEL_NAMES = {1: "Ad hoc", 2: "Emerging", 3: "Defined", 4: "Managed", 5: "Customer-led"}


def topological_order(prerequisites: Sequence[Sequence[int]]) -> list[int]:
    """Capability indices so that every prerequisite comes before the capabilities needing it.

    Kahn's algorithm, ties broken by instrument order (deterministic). The instrument model already
    rejects cycles.

    Parameters
    ----------
    prerequisites : sequence of sequence of int
        Per capability, the indices of its prerequisite capabilities.

    Returns
    -------
    list of int
        Every capability index once, prerequisites first.

    Raises
    ------
    ValueError
        When the prerequisites form a cycle.

    Examples
    --------
    >>> topological_order([[1], [], [0, 1]])
    [1, 0, 2]
    """
    n = len(prerequisites)
    indeg = [len(set(p)) for p in prerequisites]
    users: list[list[int]] = [[] for _ in range(n)]
    for k, ps in enumerate(prerequisites):
        for p in set(ps):
            users[p].append(k)
    ready = sorted(k for k in range(n) if indeg[k] == 0)
    out: list[int] = []
    while ready:
        k = ready.pop(0)
        out.append(k)
        for u in users[k]:
            indeg[u] -= 1
            if indeg[u] == 0:
                ready.append(u)
                ready.sort()
    if len(out) != n:
        raise ValueError("capability prerequisites form a cycle")
    return out


def _floor_level(x: float) -> int:
    return int(min(5, max(1, math.floor(x + 1e-9))))


def maturity_levels(
    cap_ids: Sequence[str],
    medians: Sequence[float] | np.ndarray,
    target_medians: Sequence[float] | np.ndarray,
    item_ids: Sequence[Sequence[str]],
    item_medians: Sequence[Sequence[float]],
    prerequisites: Sequence[Sequence[int]],
) -> tuple[MaturityLevel, ...]:
    """Levels of every capability, in instrument order.

    The rules of ``docs/methodology.md#2-maturity-levels``: the floor of the team median, at most one
    above the weakest item's median and at most one above each prerequisite's level; the target level
    is the floor of the target median.

    Parameters
    ----------
    cap_ids : sequence of str
        Capability ids, in instrument order.
    medians : sequence of float or numpy.ndarray
        Team median of current scores per capability, on the 1–5 scale.
    target_medians : sequence of float or numpy.ndarray
        Team median of target scores per capability, on the 1–5 scale.
    item_ids : sequence of sequence of str
        Per capability, its item ids.
    item_medians : sequence of sequence of float
        Per capability, its items' medians on the 1–5 scale (NaN when nobody answered).
    prerequisites : sequence of sequence of int
        Per capability, the indices of its prerequisite capabilities.

    Returns
    -------
    tuple of MaturityLevel
        One level per capability with its caps and explanation.
    """
    n = len(cap_ids)
    levels: dict[int, MaturityLevel] = {}
    for k in topological_order(prerequisites):
        med = float(medians[k])
        tmed = float(target_medians[k])
        ids = list(item_ids[k])
        meds = np.asarray(item_medians[k], dtype=float)
        target_level = 0 if math.isnan(tmed) else _floor_level(tmed)
        if math.isnan(med):
            levels[k] = MaturityLevel(
                capability_id=cap_ids[k],
                level=0,
                median=med,
                uncapped_level=0,
                weakest_item="",
                weakest_item_median=float("nan"),
                capped_by_item=False,
                capped_by_prerequisite=None,
                target_level=target_level,
                explanation=f"{cap_ids[k]}: not assessed — no respondent answered enough of its items.",
            )
            continue
        uncapped = _floor_level(med)
        level = uncapped
        answered = ~np.isnan(meds)
        weakest, weakest_med = "", float("nan")
        capped_item = False
        if answered.any():
            j = int(np.nanargmin(meds))
            weakest, weakest_med = ids[j], float(meds[j])
            item_cap = _floor_level(weakest_med) + 1
            if level > item_cap:
                level, capped_item = item_cap, True
        capped_prereq: str | None = None
        for p in prerequisites[k]:
            pl = levels[p].level
            if pl and level > pl + 1:
                level, capped_prereq = pl + 1, cap_ids[p]
        holding = tuple(
            i
            for i, m in zip(ids, meds, strict=True)
            if level < 5 and not math.isnan(m) and m < level + 1
        )
        levels[k] = MaturityLevel(
            capability_id=cap_ids[k],
            level=level,
            median=med,
            uncapped_level=uncapped,
            weakest_item=weakest,
            weakest_item_median=weakest_med,
            capped_by_item=capped_item,
            capped_by_prerequisite=capped_prereq,
            target_level=target_level,
            explanation=_explain(
                cap_ids[k],
                level,
                uncapped,
                med,
                weakest,
                weakest_med,
                capped_item,
                capped_prereq,
                levels,
                cap_ids,
                holding,
                ids,
                meds,
                target_level,
            ),
            holding_back=holding,
        )
    return tuple(levels[k] for k in range(n))


def _explain(
    cap: str,
    level: int,
    uncapped: int,
    med: float,
    weakest: str,
    weakest_med: float,
    capped_item: bool,
    capped_prereq: str | None,
    levels: dict[int, MaturityLevel],
    cap_ids: Sequence[str],
    holding: tuple[str, ...],
    ids: list[str],
    meds: np.ndarray,
    target: int,
) -> str:
    parts = [f"{cap} is at level {level} ({LEVEL_NAMES[level]}): the team median is {med:.2f}"]
    if capped_item:
        parts.append(
            f", which alone would give level {uncapped}, but its weakest item {weakest} has a median of "
            f"{weakest_med:.1f}, and a capability is rated at most one level above its weakest item"
        )
    if capped_prereq:
        pl = levels[cap_ids.index(capped_prereq)].level
        parts.append(
            f"; it is also held at one level above its prerequisite {capped_prereq} (level {pl})"
        )
    parts.append(".")
    if level < 5 and holding:
        by_id = dict(zip(ids, meds, strict=True))
        listed = ", ".join(
            f"{i} (median {by_id[i]:.1f})" for i in sorted(holding, key=lambda i: by_id[i])
        )
        parts.append(f" To reach level {level + 1}, raise {listed}.")
    elif level == 5:
        parts.append(" This is the highest level.")
    if target:
        gap = target - level
        parts.append(
            f" The team's target is level {target}"
            + (f" ({gap} level{'s' * (gap != 1)} to go)." if gap > 0 else " (already reached).")
        )
    return "".join(parts)

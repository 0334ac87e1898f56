"""Anonymity rules, applied while the view model is built so hidden numbers never reach a template.

Rules (``docs/reports.md#anonymity``):

1. **Minimum group size k.** A group (department, role) with fewer than ``k`` respondents is never
   shown on its own (primary suppression). Default ``k = 3``; 5 is suggested for HR trend reports.
2. **No disclosure by subtraction.** When the organisation total is shown next to its groups, the
   suppressed groups together are derivable as "total minus every shown group". If they form a
   single group, or fewer than ``k`` people in all, further groups are suppressed (secondary
   suppression, smallest first) until the hidden remainder holds at least two groups and at least
   ``k`` respondents — or everything is hidden. This is the classic complementary cell suppression
   of statistical disclosure control (Hundepool et al., *Statistical Disclosure Control*, 2012, §5).
3. **Comments** need a larger population (``k_comments``, default 5) and are shown without role,
   department or respondent, in a fixed alphabetical order that carries no information.
4. A **named workshop** (the team agreed to be identified) lifts rules 1–3.
5. **No disclosure across partitions.** Means of groups from different partitions (departments
   and the management/others split) are linear sums an attacker can combine; a set of published
   groups is safe only when no single respondent's value is a linear combination of their sums
   (:func:`isolated_members`).
6. **No disclosure across reports.** Two reports of one wave whose respondent sets differ by
   fewer than ``k`` people give away those people's answers when compared (a bar grows by one,
   an N/A count moves). Such a report is refused unless it is an explicit reissue, which then
   shows no count that would differ (:func:`check_reissue`). The same set again is a re-render.
7. **No disclosure across a chain of reports.** Every recorded report of a wave publishes sums
   over its respondent set; a new report is refused (unless a reissue) when, with it, some
   single respondent's value becomes a combination of those sums that it was not before, e.g.
   ``B − C + D − E`` of four reports that pairwise differ by ``k`` or more
   (:func:`chain_exposure`, :func:`isolated_members`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from questionnaires.errors import ReportError

if TYPE_CHECKING:
    from scoring.stability import LevelEstimate

__all__ = [
    "EarlierReport",
    "Suppression",
    "chain_exposure",
    "check_reissue",
    "isolated_members",
    "require_population",
    "safe_level_estimate",
    "suppress_cells",
    "suppress_groups",
    "too_few",
    "unsized",
]

FLOOR = 3  # docs/reports.md#anonymity: never fewer than 3, whatever k says


def require_population(n: int, k: int, named: bool, report: str, wave: str) -> None:
    """Refuse a ``report`` of ``wave`` with fewer than ``k`` respondents.

    Rule 1 applied to the whole wave: with 1 or 2 people every team number is a person's own
    answers, or lets each derive the other's. A named workshop is exempt. The message never suggests
    a k below 3.

    Parameters
    ----------
    n : int
        Respondents of the wave.
    k : int
        The anonymity threshold.
    named : bool
        A named workshop (exempt).
    report : str
        The report's kind in words, for the message.
    wave : str
        The wave id, for the message.

    Raises
    ------
    questionnaires.errors.ReportError
        When ``n < k`` and not ``named``.

    Examples
    --------
    >>> require_population(2, 3, False, "team report", "2026-H1")
    Traceback (most recent call last):
    ...
    questionnaires.errors.ReportError: a team report needs at least 3 respondents so that no one's answers can be worked out; wave 2026-H1 has 2. Name the respondents (a named workshop) only when the team agreed to be identified
    """
    if named or n >= k:
        return
    settings: dict[str, object] = {"named_workshop": None}
    lower = ""
    if n >= FLOOR:
        lower = (
            f", or lower the minimum group size to {n} (the smallest anonymous group is {FLOOR})"
        )
        settings = {"min_group": n, **settings}
    raise ReportError(
        f"a {report} needs at least {k} respondents so that no one's answers can be worked out; "
        f"wave {wave} has {n}{lower}. Name the respondents (a named workshop) only when the team "
        "agreed to be identified",
        settings=settings,
    )


@dataclass(frozen=True)
class Suppression:
    """Which groups may be shown.

    Attributes
    ----------
    shown : tuple of str
        Groups that may be shown.
    primary : tuple of str
        Groups below k (or hidden for the whole report).
    secondary : tuple of str
        Groups hidden only so the primary ones cannot be derived.
    """

    shown: tuple[str, ...]
    primary: tuple[str, ...]
    secondary: tuple[str, ...]

    @property
    def hidden(self) -> tuple[str, ...]:
        """The primary suppressions, then the secondary ones."""
        return self.primary + self.secondary


def suppress_groups(
    counts: Mapping[str, int],
    k: int,
    total_shown: bool = True,
    named: bool = False,
    hidden: Iterable[str] = (),
) -> Suppression:
    """Decide which groups of a partition may be shown.

    ``hidden`` groups count as primary suppressions whatever their size, so the complement rule
    also protects them.

    Parameters
    ----------
    counts : mapping of str to int
        Each group of a partition of the respondents (e.g. departments) → its size.
    k : int
        The anonymity threshold.
    total_shown : bool, default True
        Whether the whole population's statistic is shown beside the groups (then the complement
        of the shown groups is derivable, and rule 2 applies).
    named : bool, default False
        A named workshop: every group is shown.
    hidden : iterable of str, default ()
        Groups hidden whatever their size (e.g. a department hidden for the whole report when one
        of its cells is checked).

    Returns
    -------
    Suppression
        The shown, primary and secondary groups.

    Examples
    --------
    >>> s = suppress_groups({"sales": 12, "service": 9, "legal": 2, "it": 6}, k=3)
    >>> s.primary, s.secondary
    (('legal',), ('it',))
    >>> suppress_groups({"sales": 12, "service": 9, "it": 6}, k=3, hidden=["it"]).hidden
    ('it', 'service')
    """
    order = sorted(counts, key=lambda g: (counts[g], g))
    if named:
        return Suppression(tuple(sorted(counts)), (), ())
    forced = set(hidden)
    primary = [g for g in order if counts[g] < k or g in forced]
    secondary: list[str] = []
    if total_shown and primary:
        remaining = [g for g in order if g not in primary]

        def hidden_n() -> int:
            return sum(counts[g] for g in primary + secondary)

        while remaining and (len(primary) + len(secondary) < 2 or hidden_n() < k):
            secondary.append(remaining.pop(0))
    hidden = set(primary) | set(secondary)
    shown = tuple(sorted(g for g in counts if g not in hidden))
    return Suppression(shown, tuple(primary), tuple(secondary))


def suppress_cells(
    groups: Sequence[str],
    values: Sequence[float],
    k: int,
    hidden: Iterable[str] = (),
    named: bool = False,
) -> Suppression:
    """Rule 2 for the means of one measure (a capability) per group, shown beside its overall mean.

    The groups are sized by the members **with a value** (``nan`` = none), not by headcount, since
    only they enter the means.

    Parameters
    ----------
    groups : sequence of str
        ``groups[i]`` is member ``i``'s group.
    values : sequence of float
        Member ``i``'s value, ``nan`` = none.
    k : int
        The anonymity threshold.
    hidden : iterable of str, default ()
        Groups hidden for the whole report (they stay hidden and count as primary).
    named : bool, default False
        A named workshop: every group is shown.

    Returns
    -------
    Suppression
        The groups whose mean may be shown.

    Examples
    --------
    >>> nan = float("nan")
    >>> suppress_cells(["s", "s", "it", "hr", "hr", "hr"], [5, 4, nan, 3, 3, 3], 3, hidden=["s", "it"]).shown
    ()
    """
    counts: dict[str, int] = {}
    for g, v in zip(groups, values, strict=True):
        if v == v:  # not nan
            counts[g] = counts.get(g, 0) + 1
    forced = set(hidden)
    return suppress_groups(counts, k, named=named, hidden=[g for g in counts if g in forced])


def _interval_rank(n: int, coverage: float) -> int:
    """The rank ``r`` of the order statistics ``x_(r), x_(n−r+1)`` that bound a median interval
    of ``n`` scores with this ``coverage`` (``1 − 2·P(B ≤ r − 1)``, B ~ Bin(n, ½))."""
    import numpy as np
    from scipy import special

    ranks = np.arange(1, (n + 1) // 2 + 1)
    cov = 1.0 - 2.0 * special.bdtr(ranks - 1, n, 0.5)
    return int(ranks[int(np.argmin(np.abs(cov - coverage)))])


def safe_level_estimate(estimate: LevelEstimate | None, k: int) -> LevelEstimate | None:
    """A level estimate without any figure that is one person's exact score in a small group.

    The ends of a median interval are order statistics ``x_(r)`` and ``x_(n−r+1)``: for a team of
    8 they are the lowest and the highest member's own scores, and with the median and the AGI
    they give every member's score at n = 3 to 5. An interval end is kept only when at least ``k``
    scores lie beyond it (``r − 1 ≥ k``), the median and the interpolated level only when at
    least ``k`` scores lie on each side of the middle (``⌈n/2⌉ − 1 ≥ k``). The level itself (the
    floor of the median), the borderline flag and the possible levels stay.

    Parameters
    ----------
    estimate : LevelEstimate or None
        The estimate (:func:`scoring.stability.level_estimate`).
    k : int
        The anonymity threshold.

    Returns
    -------
    LevelEstimate or None
        The estimate with the small-group figures set to NaN / an empty interval.

    Examples
    --------
    >>> from scoring.stability import level_estimate
    >>> est = safe_level_estimate(level_estimate([2.5, 3.0, 3.2, 3.5, 3.6, 3.8, 4.0, 4.2]), 3)
    >>> est.level, est.interval.defined, round(est.median, 2)
    (3, False, 3.55)
    """
    from dataclasses import replace

    from scoring.results import Interval

    if estimate is None or not estimate.computable:
        return estimate
    n = estimate.n
    changes: dict[str, object] = {}
    if estimate.interval.defined and _interval_rank(n, estimate.coverage) - 1 < k:
        changes["interval"] = Interval()
    if (n + 1) // 2 - 1 < k:
        changes.update(median=float("nan"), interpolated=float("nan"))
    return replace(estimate, **changes) if changes else estimate  # type: ignore[arg-type]


_HAS_RESPONDENTS = re.compile(r"\bhas (\d+) respondents?\b")


def unsized(text: str, k: int) -> str:
    """``text`` without the size of any group below ``k``.

    "has 2 respondents" reads "has fewer than 3 respondents": the size of a group is a figure of
    that group.

    Parameters
    ----------
    text : str
        A message, e.g. a scoring warning.
    k : int
        The anonymity threshold (0: nothing is changed).

    Returns
    -------
    str
        The message.

    Examples
    --------
    >>> unsized("department 'Legal' has 1 respondent; not shown", 3)
    "department 'Legal' has fewer than 3 respondents; not shown"
    >>> unsized("the team has 8 respondents", 3)
    'the team has 8 respondents'
    """
    return _HAS_RESPONDENTS.sub(
        lambda m: m.group(0) if int(m.group(1)) >= k else f"has fewer than {k} respondents", text
    )


def too_few(n: int, k: int, named: bool = False) -> bool:
    """Rule 1 for one statistic over ``n`` people (a capability's team median, an item's median).

    Fewer than ``k`` is withheld (with two, each derives the other's answer), unless named.

    Parameters
    ----------
    n : int
        People the statistic is computed over.
    k : int
        The anonymity threshold.
    named : bool, default False
        A named workshop (nothing is withheld).

    Returns
    -------
    bool
        Whether the statistic must be withheld.

    Examples
    --------
    >>> too_few(2, 3), too_few(2, 3, named=True)
    (True, False)
    """
    return not named and n < k


def isolated_members(groups: Iterable[Iterable[int]]) -> list[int]:
    """Members whose own value follows from the sums of ``groups`` (rule 5).

    Each group is a set of member indices whose sum (mean × n, with n published) is known. Member
    ``i`` is isolated when the unit vector ``e_i`` lies in the span of the groups' indicator
    vectors: then some combination of published totals (e.g. "all minus every shown department",
    or "management minus a department of managers") is that member's value alone. Exact over the
    rationals for 0/1 vectors; tested with one SVD (thousands of members take milliseconds).

    Parameters
    ----------
    groups : iterable of iterable of int
        Member indices of each group whose total is published.

    Returns
    -------
    list of int
        The isolated members, ascending.

    Examples
    --------
    >>> isolated_members([{0, 1, 2, 3}, {0, 1, 2}])  # the whole team and a group of three
    [3]
    >>> isolated_members([{0, 1, 2, 3}, {0, 1}, {2, 3}])
    []
    """
    import numpy as np

    sets = [frozenset(g) for g in groups]
    members = sorted(set().union(*sets)) if sets else []
    if not members:
        return []
    col = {m: j for j, m in enumerate(members)}
    a = np.zeros((len(sets), len(members)))
    for i, g in enumerate(sets):
        for m in g:
            a[i, col[m]] = 1.0
    # e_i is in the row space iff its projection onto an orthonormal basis of it has length 1
    _u, sv, vt = np.linalg.svd(a, full_matrices=False)
    basis = vt[: int((sv > 1e-9 * max(sv.max(), 1.0)).sum())]
    lengths = (basis**2).sum(axis=0)
    return [m for m in members if lengths[col[m]] > 1.0 - 1e-9]


@dataclass(frozen=True)
class EarlierReport:
    """A report already written for a wave, with the respondents it covered.

    Attributes
    ----------
    name : str
        What it was: kind and file.
    respondents : frozenset of str
        The respondents it covered, as comparable keys (ids, or digests of them).
    """

    name: str
    respondents: frozenset[str]


def chain_exposure(
    respondents: Iterable[str], earlier: Iterable[EarlierReport]
) -> tuple[EarlierReport, ...]:
    """Rule 7: the earlier reports that, with a new one, isolate a respondent.

    Only a respondent who was not isolated by the earlier reports alone counts. Each report's
    respondent set is a 0/1 vector whose sums are published; a respondent ``i`` is exposed when
    ``e_i`` lies in the span of the vectors (:func:`isolated_members`). Only people newly isolated
    count (an exposure the earlier reports already made, e.g. by an allowed reissue, is not this
    report's doing). The reports named are those with a non-zero weight in the least-norm
    combination that yields the first such person (the chain to show the user). A set recorded
    before (a re-render) adds nothing and is never a conflict.

    Parameters
    ----------
    respondents : iterable of str
        The respondents the new report covers.
    earlier : iterable of EarlierReport
        The reports already written for the wave.

    Returns
    -------
    tuple of EarlierReport
        The chain; ``()`` when no one is newly isolated.

    Examples
    --------
    >>> s = set(range(10, 20))
    >>> sets = [s, s | {1, 2, 3}, s | {2, 3, 4, 5, 6}, s | {4, 5, 6, 7, 8, 9}]
    >>> old = [EarlierReport(f"r{i}", frozenset(x)) for i, x in enumerate(sets)]
    >>> [e.name for e in chain_exposure(s | {7, 8, 9}, old)]
    ['r1', 'r2', 'r3']
    """
    import numpy as np

    now = frozenset(respondents)
    distinct: dict[frozenset[str], EarlierReport] = {}
    for e in earlier:
        distinct.setdefault(e.respondents, e)
    if not distinct or now in distinct:
        return ()
    sets = list(distinct)
    index = {m: j for j, m in enumerate(sorted(set().union(now, *sets)))}

    def rows(groups: Sequence[frozenset[str]]) -> list[set[int]]:
        return [{index[m] for m in g} for g in groups]

    fresh = sorted(set(isolated_members(rows([*sets, now]))) - set(isolated_members(rows(sets))))
    if not fresh:
        return ()
    a = np.zeros((len(sets) + 1, len(index)))
    for r, g in enumerate(rows([*sets, now])):
        a[r, sorted(g)] = 1.0
    unit = np.zeros(len(index))
    unit[fresh[0]] = 1.0
    weights = np.linalg.lstsq(a.T, unit, rcond=None)[0]
    return tuple(distinct[sets[r]] for r in range(len(sets)) if abs(weights[r]) > 1e-9)


def check_reissue(
    respondents: Iterable[str],
    earlier: Iterable[EarlierReport],
    k: int,
    wave: str,
    allow_reissue: bool = False,
) -> tuple[EarlierReport, ...]:
    """Rules 6 and 7: the earlier reports a new report of ``respondents`` conflicts with.

    First those whose respondent set differs from ``respondents`` by 1 to ``k − 1`` people
    (symmetric difference), then those of a chain that isolates one person
    (:func:`chain_exposure`). An identical set (a re-render) is never a conflict.

    Parameters
    ----------
    respondents : iterable of str
        The respondents the new report covers.
    earlier : iterable of EarlierReport
        The reports already written for the wave.
    k : int
        The anonymity threshold.
    wave : str
        The wave id, for the message.
    allow_reissue : bool, default False
        Return the conflicts instead of refusing (the report is then a reissue).

    Returns
    -------
    tuple of EarlierReport
        The conflicting reports; ``()`` when there are none.

    Raises
    ------
    questionnaires.errors.ReportError
        Naming the conflicting reports, unless ``allow_reissue``.

    Examples
    --------
    >>> old = [EarlierReport("team report a.pdf", frozenset({"a", "b", "c", "d"}))]
    >>> check_reissue({"a", "b", "c", "d"}, old, 3, "2026-H1")
    ()
    >>> check_reissue({"a", "b", "c"}, old, 3, "2026-H1", allow_reissue=True)[0].name
    'team report a.pdf'
    """
    now = frozenset(respondents)
    before = list(earlier)
    clashes = tuple(e for e in before if 0 < len(now ^ e.respondents) < k)
    if clashes and not allow_reissue:
        first = clashes[0]
        more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
        raise ReportError(
            f"the {first.name}{more} of wave {wave} covered almost the same respondents: "
            f"{len(now ^ first.respondents)} of them differ, fewer than k={k}, so comparing the "
            f"two reports would reveal those people's answers. {_REISSUE_HINT}",
            settings={"allow_reissue": None},
        )
    chain = tuple(e for e in chain_exposure(now, before) if e not in clashes)
    if chain and not allow_reissue:
        names = "; ".join(e.name for e in chain)
        raise ReportError(
            f"this report and {len(chain)} earlier report{'s' * (len(chain) != 1)} of wave "
            f"{wave} ({names}) together reveal one person's answers: adding and subtracting "
            "their totals leaves that person alone, although each pair differs by k or more. "
            f"{_REISSUE_HINT}",
            settings={"allow_reissue": None},
        )
    return clashes + chain


_REISSUE_HINT = (
    "Re-render with the same respondents, or allow a reissue, which shows no per-item or "
    "per-person counts"
)

"""Wave comparison: did scores and alignment change between waves?
(``docs/methodology.md#9-wave-comparison-trend``)

For consecutive waves ``a → b`` and every capability:

* only **comparable items** enter (same or reworded items, :func:`questionnaires.diff.diff_instruments`
  when the versions differ); the others are listed as dropped, and respondent capability scores are
  recomputed on the comparable items of each wave;
* ``change = mean_b − mean_a`` of respondent capability scores (answer scale), tested by
  :func:`scoring.inference.wave_change` with respondents **paired by pseudonymous id**: the paired
  t when every scored respondent answered both waves, the partially overlapping samples t of
  Derrick et al. (2017) when some did, Welch's t when fewer than 2 did. ``ci`` is that test's
  ``options.ci_level`` interval, ``n_paired`` the respondents in both waves;
* the AGI of each wave and ``AGI_b − AGI_a`` with a percentile bootstrap interval (each wave's
  respondents resampled independently; Efron & Tibshirani 1993, §13);
* labels: all changes of one wave pair (every capability × group) form **one family**;
  :func:`scoring.inference.label_family` adjusts their p-values and equivalence p-values together
  (``options.label_adjust``, Holm by default, at ``options.label_alpha``) and labels each change:
  **improved** / **declined** (the adjusted test rejects no change, and the change is not shown to
  be smaller than ``options.sesoi``), **stable** (equivalence shown: ``|change| < sesoi``),
  **no clear change** (neither), **undefined** (fewer than ``options.label_min_n`` scores or pairs,
  or zero variance; ``reason`` says which). With no true change at most ``label_alpha`` of reports
  carry any false improved/declined label (measured on 200 Northwind-like reports of 72 labels:
  ≤ 0.055; ``tests/calibration/labels.py``).

Each ``(instrument, responses)`` pair runs through the same pipeline as :func:`scoring.score_wave`
(:func:`scoring.pipeline.prepare`: instrument-version check, rating checks, reverse coding,
respondent scores). Groups: ``organisation`` (everyone), ``management`` (``options.management_roles``;
``None`` = each wave's instrument's ``management_roles``) and every department with at least
``options.min_group`` respondents in both waves, named ``department_group(key)``. Given :class:`WaveResult`
objects instead of ``(instrument, responses)`` pairs, only the organisation is compared (results
do not carry roles), and only when both waves used the same instrument version; respondents are
paired by the ids of the result's alignment map (a result whose ids were withheld is compared
unpaired, and a note says so).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from questionnaires.errors import ScoringError
from scoring.alignment import agi_many, bootstrap_agi_replicates
from scoring.inference import Difference, DifferenceLabel, label_family, wave_change
from scoring.pipeline import prepare
from scoring.results import (
    CapabilityChange,
    ChangeLabel,
    Interval,
    ScoreOptions,
    WaveComparison,
    WaveResult,
)
from scoring.scores import bootstrap_counts, percentile_interval

if TYPE_CHECKING:
    from questionnaires.answers import ResponseSet
    from questionnaires.model import Instrument

#: What :func:`compare_waves` compares: a scored wave, or an (instrument, responses) pair.
WaveInput = WaveResult | tuple["Instrument", "ResponseSet"]

__all__ = ["CHANGE_LABELS", "compare_waves"]

#: Change label per :data:`scoring.inference.LabelKey`.
CHANGE_LABELS: dict[str, ChangeLabel] = {
    "higher": "improved",
    "lower": "declined",
    "equivalent": "stable",
    "no clear difference": "no clear change",
    "not computed": "undefined",
}


class _Wave:
    """One wave reduced to what the comparison needs: scores per capability, group masks and the
    pseudonymous respondent id of each row (``paired`` is false when the ids were not available
    and ``ids`` are placeholders that pair with nobody)."""

    def __init__(
        self,
        name: str,
        ref: str,
        cap_ids: tuple[str, ...],
        scores: np.ndarray,
        low: np.ndarray,
        high: np.ndarray,
        groups: dict[str, np.ndarray],
        items: dict[str, tuple[str, ...]],
        ids: tuple[str, ...],
        paired: bool = True,
    ) -> None:
        self.name, self.ref, self.cap_ids, self.scores = name, ref, cap_ids, scores
        self.low, self.high, self.groups, self.items = low, high, groups, items
        self.ids, self.paired = ids, paired


def _from_pair(
    instrument: Instrument,
    responses: ResponseSet,
    keep_items: Sequence[str] | None,
    opts: ScoreOptions,
) -> _Wave:
    """One wave through the shared pipeline (:func:`scoring.pipeline.prepare`), as score_wave does.

    Raises :class:`ScoringError` when the responses were collected with another instrument version
    than ``instrument``, or hold ratings that are not options of their scale.
    """
    p = prepare(instrument, responses, opts, keep_items)
    sub = p.index
    items = {c: tuple(sub.item_ids[j] for j in sub.items_of(k)) for k, c in enumerate(sub.cap_ids)}
    return _Wave(
        responses.wave,
        instrument.ref,
        sub.cap_ids,
        p.s,
        sub.cap_low,
        sub.cap_high,
        p.group_masks(),
        items,
        tuple(r.id for r in p.respondents),
    )


def _from_result(r: WaveResult) -> _Wave:
    scores = np.array([s.respondent_scores for s in r.scores], dtype=float).T
    if scores.size == 0:
        scores = np.zeros((r.n_respondents, len(r.scores)))
    items = {c: tuple(i.item_id for i in r.items if i.capability_id == c) for c in r.capabilities}
    low = np.array([s.low for s in r.scores], dtype=float)
    high = np.array([s.high for s in r.scores], dtype=float)
    if np.isnan(low).any() or np.isnan(high).any():
        raise ScoringError(
            f"wave {r.wave!r}: its result carries no answer-scale bounds (CapabilityScore.low/high); "
            "score it again with this version of centric, or pass (instrument, responses) pairs"
        )
    groups = {"organisation": np.ones(scores.shape[0], dtype=bool)}
    ids = tuple(r.alignment_map.respondent_ids)
    paired = len(ids) == scores.shape[0] and len(set(ids)) == len(ids) and all(ids)
    if not paired:  # withheld: placeholders that cannot pair across waves
        ids = tuple(f"{r.wave}\x00{i}" for i in range(scores.shape[0]))
    return _Wave(
        r.wave,
        r.instrument_ref,
        tuple(r.capabilities),
        scores,
        low,
        high,
        groups,
        items,
        ids,
        paired,
    )


def compare_waves(
    waves: Sequence[WaveInput],
    options: ScoreOptions | None = None,
) -> WaveComparison:
    """Compare consecutive waves, oldest first (see the module docstring).

    Parameters
    ----------
    waves : sequence of WaveResult or (Instrument, ResponseSet)
        :class:`WaveResult` objects, or ``(instrument, responses)`` pairs (needed when the
        instrument versions differ, and for management and department changes); not a mix.
    options : ScoreOptions, optional
        Scoring options; ``None`` = the defaults (``management_roles`` from each instrument).

    Returns
    -------
    WaveComparison
        Changes per capability and group for each consecutive pair.

    Raises
    ------
    questionnaires.errors.ScoringError
        With fewer than 2 waves, a mix of results and pairs, results of different instrument versions,
        results without answer-scale bounds, or versions that share no comparable item.
    """
    opts = options or ScoreOptions()
    if len(waves) < 2:
        raise ScoringError(f"comparing waves needs at least 2 waves, got {len(waves)}")
    changes: list[CapabilityChange] = []
    dropped: list[tuple[str, str, tuple[str, ...]]] = []
    notes: list[str] = []
    names: list[str] = []
    refs: list[str] = []
    for k in range(len(waves) - 1):
        a_in, b_in = waves[k], waves[k + 1]
        a, b, gone = _prepare(a_in, b_in, opts)
        if k == 0:
            names.append(a.name)
            refs.append(a.ref)
        names.append(b.name)
        refs.append(b.ref)
        dropped.append((a.name, b.name, gone))
        if gone:
            notes.append(
                f"{a.name} → {b.name}: {len(gone)} item(s) not comparable between {a.ref} and {b.ref} "
                f"were left out: {', '.join(gone)}"
            )
        if isinstance(a_in, WaveResult) or isinstance(b_in, WaveResult):
            notes.append(
                f"{a.name} → {b.name}: compared for the whole organisation only; pass (instrument, "
                "responses) pairs to compare the management team and departments"
            )
        if not (a.paired and b.paired):
            notes.append(
                f"{a.name} → {b.name}: the results carry no respondent ids, so respondents who "
                "answered both waves could not be paired (unpaired tests, less power)"
            )
        changes.extend(_compare(a, b, opts, seed=opts.seed + k))
    return WaveComparison(
        waves=tuple(names),
        instrument_refs=tuple(refs),
        changes=tuple(changes),
        dropped_items=tuple(dropped),
        notes=tuple(dict.fromkeys(notes)),
    )


def _prepare(
    a_in: WaveInput, b_in: WaveInput, opts: ScoreOptions
) -> tuple[_Wave, _Wave, tuple[str, ...]]:
    if isinstance(a_in, WaveResult) and isinstance(b_in, WaveResult):
        if a_in.instrument_ref != b_in.instrument_ref:
            raise ScoringError(
                f"waves {a_in.wave!r} ({a_in.instrument_ref}) and {b_in.wave!r} ({b_in.instrument_ref}) use "
                "different instrument versions; pass (instrument, responses) pairs so only comparable "
                "items are compared"
            )
        return _from_result(a_in), _from_result(b_in), ()
    if isinstance(a_in, WaveResult) or isinstance(b_in, WaveResult):
        raise ScoringError(
            "pass either WaveResult objects or (instrument, responses) pairs, not a mix"
        )
    (ia, ra), (ib, rb) = a_in, b_in
    if ia.ref == ib.ref:
        return _from_pair(ia, ra, None, opts), _from_pair(ib, rb, None, opts), ()
    from questionnaires.diff import diff_instruments

    diff = diff_instruments(ia, ib)
    pairs = diff.comparable
    if not pairs:
        raise ScoringError(
            f"{ia.ref} and {ib.ref} share no comparable item; the waves cannot be compared"
        )
    old_ids = [o for o, _ in pairs]
    new_ids = [n for _, n in pairs]
    return _from_pair(ia, ra, old_ids, opts), _from_pair(ib, rb, new_ids, opts), tuple(diff.dropped)


def _compare(a: _Wave, b: _Wave, opts: ScoreOptions, seed: int) -> list[CapabilityChange]:
    """Every capability × group change of one wave pair, labelled as one family."""
    common_caps = [c for c in b.cap_ids if c in a.cap_ids]
    groups: list[str] = [
        g for g in ("organisation", "management") if g in a.groups and g in b.groups
    ]
    groups += sorted(
        g
        for g in b.groups
        if g not in ("organisation", "management")
        and g in a.groups
        and a.groups[g].sum() >= opts.min_group
        and b.groups[g].sum() >= opts.min_group
    )
    cells: list[_Cell] = []
    tests: list[Difference] = []
    for gi, g in enumerate(groups):
        ma, mb = a.groups[g], b.groups[g]
        ca = bootstrap_counts(int(ma.sum()), opts.bootstrap, seed * 7919 + 2 * gi)
        cb = bootstrap_counts(int(mb.sum()), opts.bootstrap, seed * 7919 + 2 * gi + 1)
        ids_a = [i for i, m in zip(a.ids, ma, strict=True) if m]
        ids_b = [i for i, m in zip(b.ids, mb, strict=True) if m]
        for cap in common_caps:
            ka, kb = a.cap_ids.index(cap), b.cap_ids.index(cap)
            xa, xb = a.scores[ma, ka], b.scores[mb, kb]
            lo, hi = float(b.low[kb]), float(b.high[kb])
            before = dict(zip(ids_a, xa.tolist(), strict=True))
            after = dict(zip(ids_b, xb.tolist(), strict=True))
            tests.append(_change_test(before, after, opts, seed))
            items = b.items.get(cap, ())
            cells.append(_cell(cap, g, items, (xa, xb), (ca, cb), (lo, hi), opts))
    labels = label_family(tests, adjust=opts.label_adjust, alpha=opts.label_alpha)
    return [
        _change(cell, d, lab, a.name, b.name)
        for cell, d, lab in zip(cells, tests, labels, strict=True)
    ]


def _change_test(
    before: dict[str, float], after: dict[str, float], opts: ScoreOptions, seed: int
) -> Difference:
    """:func:`scoring.inference.wave_change` at ``opts``; g without its interval when scipy's
    noncentral-t cdf returns NaN far in the tail (the interval's root search then fails, the test
    does not)."""

    def run(effect_ci: bool) -> Difference:
        return wave_change(
            before, after, sesoi=opts.sesoi, confidence=opts.ci_level, min_n=opts.label_min_n,
            seed=seed, effect_ci=effect_ci,
        )  # fmt: skip

    try:
        return run(effect_ci=True)
    except ScoringError:
        raise
    except ValueError:
        return run(effect_ci=False)


@dataclass(frozen=True)
class _Cell:
    """What one capability × group change reports besides its test."""

    capability_id: str
    group: str
    items_used: tuple[str, ...]
    n_before: int
    n_after: int
    score_before: float
    score_after: float
    agi_before: float
    agi_after: float
    agi_ci: Interval


def _cell(
    cap: str,
    group: str,
    items: tuple[str, ...],
    x: tuple[np.ndarray, np.ndarray],
    counts: tuple[np.ndarray, np.ndarray],
    bounds: tuple[float, float],
    opts: ScoreOptions,
) -> _Cell:
    """Counts, means, both AGIs and the bootstrap interval of the AGI change of one cell."""
    (xa, xb), (ca, cb), (lo, hi) = x, counts, bounds
    na_, nb_ = int((~np.isnan(xa)).sum()), int((~np.isnan(xb)).sum())
    agi_a = float(agi_many(xa[:, None], lo, hi, opts.agi_min_n)[0])
    agi_b = float(agi_many(xb[:, None], lo, hi, opts.agi_min_n)[0])
    agi_ci = Interval()
    if ca.shape[0] and na_ >= 2 and nb_ >= 2:
        ra = bootstrap_agi_replicates(xa, ca, lo, hi, opts.agi_min_n)
        rb = bootstrap_agi_replicates(xb, cb, lo, hi, opts.agi_min_n)
        agi_ci = percentile_interval(rb - ra, opts.ci_level)
    return _Cell(
        cap,
        group,
        items,
        na_,
        nb_,
        float(np.nanmean(xa)) if na_ else math.nan,
        float(np.nanmean(xb)) if nb_ else math.nan,
        agi_a,
        agi_b,
        agi_ci,
    )


def _change(
    c: _Cell, d: Difference, lab: DifferenceLabel, before: str, after: str
) -> CapabilityChange:
    return CapabilityChange(
        capability_id=c.capability_id,
        group=c.group,
        wave_before=before,
        wave_after=after,
        n_before=c.n_before,
        n_after=c.n_after,
        score_before=c.score_before,
        score_after=c.score_after,
        change=c.score_after - c.score_before,
        ci=d.ci,
        agi_before=c.agi_before,
        agi_after=c.agi_after,
        agi_change=c.agi_after - c.agi_before,
        agi_ci=c.agi_ci,
        label=CHANGE_LABELS[lab.key],
        items_used=c.items_used,
        reason=lab.reason,
        test=lab,
        n_paired=d.n_paired,
    )

"""Wave comparison: did scores and alignment change between waves?
(``docs/methodology.md#9-wave-comparison-trend``)

For consecutive waves ``a → b`` and every capability:

* only **comparable items** enter (same or reworded items, :func:`questionnaires.diff.diff_instruments`
  when the versions differ); the others are listed as dropped, and respondent capability scores are
  recomputed on the comparable items of each wave;
* ``change = mean_b − mean_a`` of respondent capability scores (answer scale), with a percentile
  bootstrap interval: each wave's respondents are resampled independently (they are different
  samples, often different people), ``B`` replicates of ``mean*_b − mean*_a`` (Efron & Tibshirani
  1993, §13);
* the AGI of each wave and ``AGI_b − AGI_a`` with its bootstrap interval (same resamples);
* label: **improved** when the interval of the score change lies wholly above 0, **declined** when
  wholly below, **stable** otherwise; **undefined** when there is no interval (bootstrap off, or fewer
  than 2 scores in a wave).

Each ``(instrument, responses)`` pair runs through the same pipeline as :func:`scoring.score_wave`
(:func:`scoring.pipeline.prepare`: instrument-version check, rating checks, reverse coding,
respondent scores). Groups: ``organisation`` (everyone), ``management`` (``options.management_roles``;
``None`` = each wave's instrument's ``management_roles``) and every department with at least
``options.min_group`` respondents in both waves, named ``department_group(key)``. Given :class:`WaveResult`
objects instead of ``(instrument, responses)`` pairs, only the organisation is compared (results
do not carry roles), and only when both waves used the same instrument version.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from questionnaires.errors import ScoringError
from scoring.alignment import agi_many, bootstrap_agi_replicates
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

__all__ = ["compare_waves"]


class _Wave:
    """One wave reduced to what the comparison needs: scores per capability and group masks."""

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
    ) -> None:
        self.name, self.ref, self.cap_ids, self.scores = name, ref, cap_ids, scores
        self.low, self.high, self.groups, self.items = low, high, groups, items


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
    return _Wave(
        r.wave,
        r.instrument_ref,
        tuple(r.capabilities),
        scores,
        low,
        high,
        groups,
        items,
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
    out: list[CapabilityChange] = []
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
    for gi, g in enumerate(groups):
        ma, mb = a.groups[g], b.groups[g]
        ca = bootstrap_counts(int(ma.sum()), opts.bootstrap, seed * 7919 + 2 * gi)
        cb = bootstrap_counts(int(mb.sum()), opts.bootstrap, seed * 7919 + 2 * gi + 1)
        for cap in common_caps:
            ka, kb = a.cap_ids.index(cap), b.cap_ids.index(cap)
            xa, xb = a.scores[ma, ka], b.scores[mb, kb]
            lo, hi = float(b.low[kb]), float(b.high[kb])
            na_, nb_ = int((~np.isnan(xa)).sum()), int((~np.isnan(xb)).sum())
            agi_a = float(agi_many(xa[:, None], lo, hi, opts.agi_min_n)[0])
            agi_b = float(agi_many(xb[:, None], lo, hi, opts.agi_min_n)[0])
            mean_a = float(np.nanmean(xa)) if na_ else math.nan
            mean_b = float(np.nanmean(xb)) if nb_ else math.nan
            ci, agi_ci = Interval(), Interval()
            reason = ""
            if ca.shape[0] and na_ >= 2 and nb_ >= 2:
                ci = percentile_interval(_boot_means(xb, cb) - _boot_means(xa, ca), opts.ci_level)
                ra = bootstrap_agi_replicates(xa, ca, lo, hi, opts.agi_min_n)
                rb = bootstrap_agi_replicates(xb, cb, lo, hi, opts.agi_min_n)
                agi_ci = percentile_interval(rb - ra, opts.ci_level)
            elif not ca.shape[0]:
                reason = "bootstrap is off (options.bootstrap = 0): no interval, no label"
            else:
                reason = f"needs at least 2 scores in each wave (has {na_} and {nb_})"
            label: ChangeLabel
            if not ci.defined:
                label = "undefined"
            elif ci.low > 0:
                label = "improved"
            elif ci.high < 0:
                label = "declined"
            else:
                label = "stable"
            out.append(
                CapabilityChange(
                    capability_id=cap,
                    group=g,
                    wave_before=a.name,
                    wave_after=b.name,
                    n_before=na_,
                    n_after=nb_,
                    score_before=mean_a,
                    score_after=mean_b,
                    change=mean_b - mean_a,
                    ci=ci,
                    agi_before=agi_a,
                    agi_after=agi_b,
                    agi_change=agi_b - agi_a,
                    agi_ci=agi_ci,
                    label=label,
                    items_used=b.items.get(cap, ()),
                    reason=reason,
                )
            )
    return out


def _boot_means(x: np.ndarray, counts: np.ndarray) -> np.ndarray:
    ok = ~np.isnan(x)
    c = counts[:, ok].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        result: np.ndarray = (c @ x[ok]) / c.sum(axis=1)
        return result

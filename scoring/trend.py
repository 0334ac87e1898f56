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
* the AGI of each wave and its change, tested by :func:`agi_change` (jackknife on
  ``log(AGI + 1)``, :mod:`scoring.agi_interval`): ``Δθ = log(AGI_b + 1) − log(AGI_a + 1)``. When
  every scored respondent answered both waves, each pseudonymous respondent is left out of *both*
  waves at once (``θ_k = log(AGI_b(−k) + 1) − log(AGI_a(−k) + 1)``, Tukey's jackknife SE, t with
  ``n_paired − 1`` df); otherwise (some or no overlap) each wave's jackknife SE of
  ``log(AGI + 1)`` is computed on its own and combined, ``SE² = SE_a² + SE_b²``, with
  Welch–Satterthwaite df (conservative with partial overlap: it ignores the positive covariance
  of the respondents in both waves). ``agi_ci`` is that interval in AGI points at the earlier
  wave's AGI;
* labels: all changes of one wave pair — every capability × group score change *and* AGI
  change — form **one family**; :func:`scoring.inference.label_family` adjusts their p-values
  (and the score changes' equivalence p-values) together (``options.label_adjust``, Holm by
  default, at ``options.label_alpha``). One family because the report's legend promises that the
  chance of *any* false change label in the report stays below ``label_alpha``: with a family of
  its own the AGI labels would add their own 5%. Score changes: **improved** / **declined** (the
  adjusted test rejects no change, and the change is not shown to be smaller than
  ``options.sesoi``), **stable** (equivalence shown: ``|change| < sesoi``), **no clear change**
  (neither), **undefined** (fewer than ``options.label_min_n`` scores or pairs, or zero variance;
  ``reason`` says which). AGI changes (``agi_label``): **more aligned** (the adjusted test rejects
  no change and the AGI fell), **less aligned** (it rose), **no clear change**, **undefined**
  (fewer than ``max(3, label_min_n)`` scores or pairs, an AGI not computed, or zero jackknife
  variance; ``agi_test.reason`` says which); there is no "stable" for the AGI (no smallest
  meaningful AGI change is defined). With no true change at most ``label_alpha`` of reports carry
  any false label (measured on 200 Northwind-like reports of 72 score labels: ≤ 0.055,
  ``tests/calibration/labels.py``; AGI labels of the same 8 managers re-answering 8 capabilities
  with no true change: per capability and per report see :func:`agi_change`).

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
from scipy import stats

from questionnaires.errors import ScoringError
from scoring.agi_interval import DEFAULT_OFFSET, loo_agi
from scoring.alignment import agi_many
from scoring.inference import Difference, DifferenceLabel, EffectSize, label_family, wave_change
from scoring.pipeline import prepare
from scoring.results import (
    NAN,
    CapabilityChange,
    ChangeLabel,
    Interval,
    ScoreOptions,
    WaveComparison,
    WaveResult,
)

if TYPE_CHECKING:
    from questionnaires.answers import ResponseSet
    from questionnaires.model import Instrument

#: What :func:`compare_waves` compares: a scored wave, or an (instrument, responses) pair.
WaveInput = WaveResult | tuple["Instrument", "ResponseSet"]

__all__ = ["AGI_CHANGE_LABELS", "CHANGE_LABELS", "agi_change", "compare_waves"]

#: Change label per :data:`scoring.inference.LabelKey`.
CHANGE_LABELS: dict[str, ChangeLabel] = {
    "higher": "improved",
    "lower": "declined",
    "equivalent": "stable",
    "no clear difference": "no clear change",
    "not computed": "undefined",
}

#: AGI change label per :data:`scoring.inference.LabelKey` (a lower AGI is more aligned).
AGI_CHANGE_LABELS: dict[str, str] = {
    "higher": "less aligned",
    "lower": "more aligned",
    "no clear difference": "no clear change",
    "equivalent": "no clear change",  # not produced: the AGI test has no equivalence p
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
    """Every capability × group change of one wave pair, score and AGI changes labelled as one
    family."""
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
    agi_tests: list[Difference] = []
    for g in groups:
        ma, mb = a.groups[g], b.groups[g]
        ids_a = [i for i, m in zip(a.ids, ma, strict=True) if m]
        ids_b = [i for i, m in zip(b.ids, mb, strict=True) if m]
        for cap in common_caps:
            ka, kb = a.cap_ids.index(cap), b.cap_ids.index(cap)
            xa, xb = a.scores[ma, ka], b.scores[mb, kb]
            lo, hi = float(b.low[kb]), float(b.high[kb])
            before = dict(zip(ids_a, xa.tolist(), strict=True))
            after = dict(zip(ids_b, xb.tolist(), strict=True))
            tests.append(_change_test(before, after, opts, seed))
            cell = _cell(cap, g, b.items.get(cap, ()), (xa, xb), (lo, hi), opts)
            agi_tests.append(
                agi_change(
                    before,
                    after,
                    lo,
                    hi,
                    confidence=opts.ci_level,
                    min_n=max(3, opts.label_min_n, opts.agi_min_n),
                )
            )
            cells.append(cell)
    labels = label_family([*tests, *agi_tests], adjust=opts.label_adjust, alpha=opts.label_alpha)
    m = len(tests)
    return [
        _change(cell, d, lab, a.name, b.name, ad, alab)
        for cell, d, lab, ad, alab in zip(
            cells, tests, labels[:m], agi_tests, labels[m:], strict=True
        )
    ]


def _change_test(
    before: dict[str, float], after: dict[str, float], opts: ScoreOptions, seed: int
) -> Difference:
    """:func:`scoring.inference.wave_change` at ``opts``."""
    return wave_change(
        before, after, sesoi=opts.sesoi, confidence=opts.ci_level, min_n=opts.label_min_n,
        seed=seed,
    )  # fmt: skip


def _jack_se(theta: np.ndarray) -> float:
    """Tukey's jackknife standard error of leave-one-out values ``theta``."""
    n = theta.size
    return float(math.sqrt((n - 1) / n * float(((theta - theta.mean()) ** 2).sum())))


def _log_agi(x: np.ndarray, low: float, high: float, offset: float) -> tuple[float, np.ndarray]:
    """``log(AGI + offset)`` of complete scores ``x`` and its leave-one-out values."""
    g = float(agi_many(x[:, None], low, high, 2)[0])
    return math.log(g + offset), np.log(np.maximum(loo_agi(x, low, high), 0.0) + offset)


def _agi_not_computed(
    reason: str, method: str, na: int, nb: int, npaired: int, conf: float
) -> Difference:
    return Difference(
        NAN, Interval(), NAN, NAN, NAN, NAN, NAN, NAN, EffectSize(kind="none"), method,
        na, nb, npaired, conf, reason,
    )  # fmt: skip


def agi_change(
    before: dict[str, float],
    after: dict[str, float],
    low: float,
    high: float,
    *,
    confidence: float = 0.95,
    min_n: int = 3,
    offset: float = DEFAULT_OFFSET,
) -> Difference:
    """Test of the change of a group's AGI between two waves, paired by pseudonymous id.

    On the log scale of :mod:`scoring.agi_interval`, ``Δθ = log(AGI_b + δ) − log(AGI_a + δ)``
    (``δ`` = ``offset``, 1 AGI point; ``Δθ < 0``: more aligned):

    * **paired** (every respondent with a score in either wave has one in both, at least
      ``min_n``): leave each respondent out of both waves at once,
      ``θ_k = log(AGI_b(−k) + δ) − log(AGI_a(−k) + δ)``; ``SE = sqrt((n − 1)/n · Σ (θ_k − θ̄)²)``,
      ``t = Δθ / SE`` with ``n − 1`` df (method ``"paired jackknife"``);
    * **partial or no overlap**: each wave's jackknife SE of ``log(AGI + δ)`` on its own
      respondents, ``SE² = SE_a² + SE_b²``, Welch–Satterthwaite
      ``df = SE⁴ / (SE_a⁴/(n_a − 1) + SE_b⁴/(n_b − 1))`` (method ``"independent jackknife"``;
      conservative when people answered both waves, as their covariance is left out).

    The p-value is two-sided; there is no equivalence test (``equivalence_p`` NaN), so labelled
    with :func:`scoring.inference.label_family` the change is "higher" (less aligned), "lower"
    (more aligned), "no clear difference" or "not computed". Not computed, with the reason: fewer
    than ``min_n`` pairs (paired) or scores in a wave, or zero jackknife variance (the AGI moves
    by nothing whoever is left out, e.g. everyone gives the same score in both waves).

    Measured (``tests/test_trend.py``, review of issue 10, finding 5): the same 8 people re-answer
    8 six-item capabilities with no true change (true SD .45, item noise .8, retest r ≈ .65),
    2,000 seeded reports: false "more/less aligned" per capability 0.044 unadjusted, 0.0075 after
    Holm over the 8; reports with any false label 0.057 (the old rule "|ΔAGI| ≥ 5": 0.298 and
    0.938). Half the team new: 0.030 / 0.030; no overlap: 0.037 / 0.039. Power for a two-level
    split (AGI ≈ 30) becoming consensus with the same 8 people: 0.64 unadjusted, 0.24 at α/8.

    Parameters
    ----------
    before, after : dict of str to float
        Capability scores of the earlier and later wave by respondent id (NaN = no score).
    low, high : float
        The answer scale's bounds.
    confidence : float
        Level of the interval.
    min_n : int
        Fewest pairs (paired) or scores per wave (otherwise); at least 3.
    offset : float
        AGI points added before the log.

    Returns
    -------
    Difference
        ``estimate`` = ``Δθ`` (log scale), ``ci`` its ``confidence`` interval on the log scale,
        ``se``, ``df``, ``t``, ``p_value``; ``n_a``, ``n_b``, ``n_paired``.

    Examples
    --------
    >>> a = dict(zip("ABCDEFGH", [1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 4.5]))
    >>> b = dict(zip("ABCDEFGH", [2.8, 3.0, 3.0, 3.0, 3.2, 3.2, 3.5, 3.0]))
    >>> d = agi_change(a, b, 1, 5)
    >>> d.method, d.n_paired, d.estimate < 0, d.p_value < 0.05
    ('paired jackknife', 8, True, True)
    """
    if not 0 < confidence < 1:
        raise ScoringError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    if high <= low:
        raise ScoringError(f"the answer scale's high ({high}) must be above its low ({low})")
    min_n = max(3, min_n)
    x = {k: float(v) for k, v in before.items() if not math.isnan(float(v))}
    y = {k: float(v) for k, v in after.items() if not math.isnan(float(v))}
    common = sorted(x.keys() & y.keys())
    na, nb, npaired = len(x), len(y), len(common)
    paired = npaired == na == nb and npaired > 0
    method = "paired jackknife" if paired else "independent jackknife"
    if paired:
        if npaired < min_n:
            why = f"{npaired} answered both waves; at least {min_n} are needed for an AGI change label"
            return _agi_not_computed(why, method, na, nb, npaired, confidence)
        pa = np.array([x[k] for k in common])
        pb = np.array([y[k] for k in common])
        ta, la = _log_agi(pa, low, high, offset)
        tb, lb = _log_agi(pb, low, high, offset)
        est, se, df = tb - ta, _jack_se(lb - la), float(npaired - 1)
    else:
        for name, n in (("the earlier wave", na), ("the later wave", nb)):
            if n < min_n:
                why = f"{name} has {n} score{'s' if n != 1 else ''}; at least {min_n} are needed for an AGI change label"
                return _agi_not_computed(why, method, na, nb, npaired, confidence)
        ta, la = _log_agi(np.array([*x.values()]), low, high, offset)
        tb, lb = _log_agi(np.array([*y.values()]), low, high, offset)
        sa, sb = _jack_se(la), _jack_se(lb)
        est, se = tb - ta, math.hypot(sa, sb)
        df = (
            se**4 / ((sa**4 / (na - 1) if sa else 0.0) + (sb**4 / (nb - 1) if sb else 0.0))
            if se
            else NAN
        )
    if not se > 1e-12:
        why = (
            "the AGI does not move whoever is left out (zero jackknife variance), so its change "
            "cannot be tested"
        )
        return _agi_not_computed(why, method, na, nb, npaired, confidence)
    t = est / se
    crit = float(stats.t.ppf(0.5 + confidence / 2, df))
    return Difference(
        est, Interval(est - crit * se, est + crit * se), se, df, t,
        float(2 * stats.t.sf(abs(t), df)), NAN, NAN, EffectSize(kind="none"), method,
        na, nb, npaired, confidence,
    )  # fmt: skip


@dataclass(frozen=True)
class _Cell:
    """What one capability × group change reports besides its tests."""

    capability_id: str
    group: str
    items_used: tuple[str, ...]
    n_before: int
    n_after: int
    score_before: float
    score_after: float
    agi_before: float
    agi_after: float


def _cell(
    cap: str,
    group: str,
    items: tuple[str, ...],
    x: tuple[np.ndarray, np.ndarray],
    bounds: tuple[float, float],
    opts: ScoreOptions,
) -> _Cell:
    """Counts, means and both AGIs of one cell."""
    (xa, xb), (lo, hi) = x, bounds
    na_, nb_ = int((~np.isnan(xa)).sum()), int((~np.isnan(xb)).sum())
    return _Cell(
        cap,
        group,
        items,
        na_,
        nb_,
        float(np.nanmean(xa)) if na_ else math.nan,
        float(np.nanmean(xb)) if nb_ else math.nan,
        float(agi_many(xa[:, None], lo, hi, opts.agi_min_n)[0]),
        float(agi_many(xb[:, None], lo, hi, opts.agi_min_n)[0]),
    )


def _agi_points(c: _Cell, d: Difference) -> Interval:
    """The AGI test's log-scale interval in AGI points at the earlier wave's AGI:
    ``(AGI_a + δ)(e^{lo} − 1) .. (AGI_a + δ)(e^{hi} − 1)``."""
    if not d.ci.defined or math.isnan(c.agi_before):
        return Interval()
    base = c.agi_before + DEFAULT_OFFSET
    return Interval(base * math.expm1(d.ci.low), base * math.expm1(d.ci.high))


def _change(
    c: _Cell,
    d: Difference,
    lab: DifferenceLabel,
    before: str,
    after: str,
    agi_d: Difference,
    agi_lab: DifferenceLabel,
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
        agi_ci=_agi_points(c, agi_d),
        label=CHANGE_LABELS[lab.key],
        items_used=c.items_used,
        reason=lab.reason,
        test=lab,
        n_paired=d.n_paired,
        agi_test=agi_lab,
        agi_label=AGI_CHANGE_LABELS[agi_lab.key],
    )

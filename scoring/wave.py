"""``score_wave``: everything ``docs/methodology.md`` computes for one wave, in one pure function.

Pipeline (all respondents at once, numpy only; the instrument is reduced to index arrays once):

1–2. the shared front half, :func:`scoring.pipeline.prepare` (also used by
   :func:`scoring.compare_waves`): align the response columns to the instrument, check every rating
   is an option of its scale, reverse-code (``x → L + H − x``), normalise, respondent × capability
   scores (current, target), management and department masks;
3. team scores with bootstrap CIs — one ``B × n`` resampling-count matrix per group, shared by every
   capability, every basis and the AGI;
4. item statistics and per-capability agreement (:mod:`scoring.agreement`);
5. maturity levels, AGI (management, organisation, departments; current and target), perception,
   silo and ambition gaps, the alignment map, the roadmap and the business case.
"""

from __future__ import annotations

import math
import warnings as _warnings
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from scoring import agreement as ag
from scoring.alignment import agi_band, agi_many, alignment_map, bootstrap_agi_replicates
from scoring.business_case import business_case
from scoring.gaps import ambition_gap, perception_gap, silo_gap
from scoring.levels import maturity_levels
from scoring.pipeline import Prepared, prepare
from scoring.results import (
    AGIResult,
    BusinessCase,
    BusinessCaseParams,
    CapabilityAgreement,
    CapabilityScore,
    Interval,
    ItemStats,
    MaturityLevel,
    ScoreOptions,
    WaveResult,
)
from scoring.roadmap import build_roadmap
from scoring.scores import (
    InstrumentIndex,
    bootstrap_counts,
    bootstrap_mean_cis,
    percentile_interval,
)

if TYPE_CHECKING:
    from questionnaires.answers import ResponseSet
    from questionnaires.model import Instrument

__all__ = ["score_wave"]

#: Which answers an AGI is computed from (:attr:`scoring.results.AGIResult.basis`).
Basis = Literal["current", "target"]


def _group_seed(seed: int, group: str) -> int:
    return (seed * 1_000_003 + zlib.crc32(group.encode("utf-8"))) % (2**63)


def _nanmedian_cols(x: np.ndarray) -> np.ndarray:
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(x, axis=0) if x.shape[0] else np.full(x.shape[1], np.nan)


def _nanmean_cols(x: np.ndarray) -> np.ndarray:
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(x, axis=0) if x.shape[0] else np.full(x.shape[1], np.nan)


def score_wave(
    instrument: Instrument, responses: ResponseSet, options: ScoreOptions | None = None
) -> WaveResult:
    """Score one wave of responses against its instrument; see the module docstring.

    Parameters
    ----------
    instrument : questionnaires.model.Instrument
        The instrument the responses were collected with.
    responses : questionnaires.answers.ResponseSet
        One wave's responses.
    options : ScoreOptions, optional
        Scoring options; ``None`` = the defaults. ``options.management_roles`` ``None`` (the default)
        means the instrument's ``management_roles``; the resolved roles are stored in
        ``WaveResult.options``.

    Returns
    -------
    WaveResult
        Scores, levels, agreement, AGIs, gaps, the alignment map, roadmap and business case.

    Raises
    ------
    questionnaires.errors.ScoringError
        When there are no respondents, no answered items, ratings outside their scale, or items the
        instrument lacks.
    """
    p = prepare(instrument, responses, options)
    opts, idx, cap_ids = p.options, p.index, p.index.cap_ids
    shown_deps, warnings = _shown_departments(p, responses.department_names())
    counts_org = bootstrap_counts(p.n, opts.bootstrap, _group_seed(opts.seed, "organisation"))
    scores, warned = _capability_scores(p, counts_org)
    warnings += warned
    items = _item_stats(p)
    agreements = [_capability_agreement(cap_ids[k], p.cur, idx, k) for k in range(idx.n_caps)]
    levels = _levels(p)
    agi_results, mgmt_agi, target_agi_mgmt = _agi(p, shown_deps, counts_org)

    # -- gaps, map, roadmap ---------------------------------------------------------------------
    perception = perception_gap(p.s, p.is_mgmt, cap_ids, opts.permutations, opts.seed)
    silos = silo_gap(p.s, p.deps, cap_ids, shown_deps, ag.group_separation)
    ambition = ambition_gap(
        cap_ids,
        _nanmean_cols(p.s),
        _nanmean_cols(p.t),
        [lv.level for lv in levels],
        [lv.target_level for lv in levels],
        target_agi_mgmt,
    )
    amap = alignment_map(
        p.s, [r.id for r in p.respondents], cap_ids, opts.n_camps, opts.seed, opts.min_group
    )
    # stage 1 ranks disputed items by ItemStats.agi_management, as the report's section does
    item_agi_by_cap: dict[str, list[tuple[str, float]]] = {c: [] for c in cap_ids}
    for it in items:
        item_agi_by_cap[it.capability_id].append((it.item_id, it.agi_management))
    roadmap = build_roadmap(
        instrument,
        levels,
        mgmt_agi,
        item_agi_by_cap,
        opts,
        scored={sc.capability_id: sc.n for sc in scores},
    )

    return WaveResult(
        instrument_ref=instrument.ref,
        instrument_hash=instrument.content_hash,
        data_hash=responses.data_hash,
        wave=responses.wave,
        options=opts,
        n_respondents=p.n,
        capabilities=cap_ids,
        scores=tuple(scores),
        levels=levels,
        items=tuple(items),
        agreement=tuple(agreements),
        agi=tuple(agi_results),
        perception=perception,
        silos=silos,
        ambition=ambition,
        alignment_map=amap,
        roadmap=roadmap,
        business_case=_business_case(opts.business or BusinessCaseParams()),
        warnings=tuple(warnings),
    )


def _shown_departments(p: Prepared, dep_names: dict[str, str]) -> tuple[list[str], list[str]]:
    """The department keys with at least ``min_group`` respondents, and a warning for every
    smaller department and for a management team below ``agi_min_n``."""
    opts = p.options
    warnings: list[str] = []
    dep_sizes = p.department_sizes()
    shown_deps = [d for d, k in dep_sizes.items() if k >= opts.min_group]
    for d, k in dep_sizes.items():
        if k < opts.min_group:
            warnings.append(
                f"department {dep_names.get(d, d)!r} has {k} respondent{'s' * (k != 1)}; not shown separately "
                f"(groups need at least {opts.min_group})"
            )
    n_mgmt = int(p.is_mgmt.sum())
    if n_mgmt < opts.agi_min_n:
        warnings.append(
            f"the management team ({', '.join(opts.management)}) has {n_mgmt} "
            f"respondent{'s' * (n_mgmt != 1)}; its AGI needs at least {opts.agi_min_n}"
        )
    return shown_deps, warnings


def _capability_scores(
    p: Prepared, counts_org: np.ndarray
) -> tuple[list[CapabilityScore], list[str]]:
    """Team scores per capability (current and target) with bootstrap CIs from the
    organisation's resampling counts, and a warning per capability nobody scored."""
    opts, idx, s, t = p.options, p.index, p.s, p.t
    lo, hi, cap_ids, n_caps = idx.cap_low, idx.cap_high, idx.cap_ids, idx.n_caps
    # one stacked call: the counts are converted to float once for current and target
    cis = bootstrap_mean_cis(np.hstack([s, t]), counts_org, opts.ci_level)
    ci_cur, ci_tgt = cis[:n_caps], cis[n_caps:]
    scores = []
    warnings = []
    mean_s, med_s = _nanmean_cols(s), _nanmedian_cols(s)
    mean_t, med_t = _nanmean_cols(t), _nanmedian_cols(t)
    n_s = (~np.isnan(s)).sum(axis=0)
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", RuntimeWarning)
        sd_s = np.nanstd(s, axis=0, ddof=1)
    for k in range(n_caps):
        scores.append(
            CapabilityScore(
                capability_id=cap_ids[k],
                name=idx.cap_names[k],
                n=int(n_s[k]),
                mean=float(mean_s[k]),
                median=float(med_s[k]),
                sd=float(sd_s[k]) if n_s[k] >= 2 else math.nan,
                ci=ci_cur[k],
                mean_norm=float(100.0 * (mean_s[k] - lo[k]) / (hi[k] - lo[k])),
                target_mean=float(mean_t[k]),
                target_median=float(med_t[k]),
                target_ci=ci_tgt[k],
                respondent_scores=tuple(float(v) for v in s[:, k]),
                respondent_targets=tuple(float(v) for v in t[:, k]),
                low=float(lo[k]),
                high=float(hi[k]),
            )
        )
        if n_s[k] == 0:
            warnings.append(
                f"capability {cap_ids[k]}: no respondent answered at least {opts.min_answered_share:.0%} "
                "of its items; it is not scored"
            )
    return scores, warnings


def _item_stats(p: Prepared) -> list[ItemStats]:
    """Per-item statistics of the current ratings: centre, spread, distribution, agreement
    (r_wg, AD, a_wg) and AGI (everyone and management)."""
    opts, idx, cur, tgt = p.options, p.index, p.cur, p.tgt
    item_agi = agi_many(cur, idx.low, idx.high, min_n=opts.agi_min_n)
    mgmt_item_agi = agi_many(cur[p.is_mgmt], idx.low, idx.high, min_n=opts.agi_min_n)
    item_mean, item_med = _nanmean_cols(cur), _nanmedian_cols(cur)
    item_tmean, item_tmed = _nanmean_cols(tgt), _nanmedian_cols(tgt)
    item_n = (~np.isnan(cur)).sum(axis=0)
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", RuntimeWarning)
        item_sd = np.nanstd(cur, axis=0, ddof=1)
    n_na = (p.na > 0).sum(axis=0)
    items = []
    for j, iid in enumerate(idx.item_ids):
        x = cur[:, j]
        xv = x[~np.isnan(x)]
        a = int(idx.n_options[j])
        dist = (
            np.bincount((xv - idx.low[j]).astype(np.intp), minlength=a)[:a]
            if xv.size
            else np.zeros(a, int)
        )
        rw = ag.rwg_detail(xv, a)
        items.append(
            ItemStats(
                item_id=iid,
                capability_id=idx.cap_ids[idx.item_cap[j]],
                n=int(item_n[j]),
                n_na=int(n_na[j]),
                mean=float(item_mean[j]),
                median=float(item_med[j]),
                sd=float(item_sd[j]) if item_n[j] >= 2 else math.nan,
                target_mean=float(item_tmean[j]),
                target_median=float(item_tmed[j]),
                distribution=tuple(int(c) for c in dist),
                rwg=rw.value,
                rwg_raw=rw.raw,
                rwg_out_of_range=rw.out_of_range,
                ad=ag.ad(xv) if xv.size >= 2 else math.nan,
                awg=ag.awg(xv, idx.low[j], idx.high[j]) if xv.size >= 2 else math.nan,
                agi=float(item_agi[j]),
                agi_management=float(mgmt_item_agi[j]),
            )
        )
    return items


def _levels(p: Prepared) -> tuple[MaturityLevel, ...]:
    """Maturity levels (``1 + 4 × score/100``, team median) with the prerequisite cap."""
    idx, n_caps = p.index, p.index.n_caps
    lvl_cur = 1.0 + 4.0 * p.s_norm / 100.0
    lvl_tgt = 1.0 + 4.0 * p.t_norm / 100.0
    item_lvl_med = _nanmedian_cols(idx.level_scale(p.cur))
    return maturity_levels(
        idx.cap_ids,
        _nanmedian_cols(lvl_cur),
        _nanmedian_cols(lvl_tgt),
        [[idx.item_ids[j] for j in idx.items_of(k)] for k in range(n_caps)],
        [item_lvl_med[idx.items_of(k)] for k in range(n_caps)],
        idx.prerequisites,
    )


def _agi(
    p: Prepared, shown_deps: Sequence[str], counts_org: np.ndarray
) -> tuple[list[AGIResult], dict[str, AGIResult], list[float]]:
    """AGIs with bootstrap CIs per group (management, organisation, shown departments), basis
    (current, target) and capability, plus each group's overall AGI; also the management's
    current AGI per capability and its target AGIs (for the roadmap and the ambition gap)."""
    opts, idx = p.options, p.index
    lo, hi, cap_ids, n_caps = idx.cap_low, idx.cap_high, idx.cap_ids, idx.n_caps
    agi_results: list[AGIResult] = []
    mgmt_agi: dict[str, AGIResult] = {}
    target_agi_mgmt: list[float] = [math.nan] * n_caps
    for gname, mask in p.group_masks(shown_deps).items():
        counts = (
            counts_org
            if gname == "organisation"
            else bootstrap_counts(int(mask.sum()), opts.bootstrap, _group_seed(opts.seed, gname))
        )
        bases: tuple[tuple[Basis, np.ndarray], ...] = (("current", p.s), ("target", p.t))
        for basis, mat in bases:
            sub = mat[mask]
            values = agi_many(sub, lo, hi, min_n=opts.agi_min_n)
            ns = (~np.isnan(sub)).sum(axis=0)
            reps = [
                bootstrap_agi_replicates(sub[:, k], counts, lo[k], hi[k], opts.agi_min_n)
                for k in range(n_caps)
            ]
            for k in range(n_caps):
                reason = (
                    ""
                    if ns[k] >= opts.agi_min_n
                    else (
                        f"{int(ns[k])} respondent{'s' * int(ns[k] != 1)} with a score in {gname}; "
                        f"AGI needs at least {opts.agi_min_n}"
                    )
                )
                res = AGIResult(
                    capability_id=cap_ids[k],
                    group=gname,
                    basis=basis,
                    value=float(values[k]),
                    ci=percentile_interval(reps[k], opts.ci_level) if reps[k].size else Interval(),
                    band=agi_band(float(values[k]), opts.agi_bands),
                    n=int(ns[k]),
                    reason=reason,
                )
                agi_results.append(res)
                if gname == "management" and basis == "current":
                    mgmt_agi[cap_ids[k]] = res
                if gname == "management" and basis == "target":
                    target_agi_mgmt[k] = res.value
            agi_results.append(
                _overall(values, reps, idx.cap_weights, gname, basis, int(mask.sum()), opts)
            )
    return agi_results, mgmt_agi, target_agi_mgmt


def _business_case(p: BusinessCaseParams) -> BusinessCase:
    """The repurchase business case (:func:`scoring.business_case.business_case`) for ``p``."""
    return business_case(
        p.customers,
        p.revenue_per_customer,
        p.base_rate,
        p.good_rate,
        p.bad_rate,
        p.service_contact_share,
    )


def _overall(
    values: np.ndarray,
    reps: list[np.ndarray],
    weights: np.ndarray,
    group: str,
    basis: Basis,
    n: int,
    opts: ScoreOptions,
) -> AGIResult:
    """Weight-weighted mean of the capability AGIs that are defined (weights renormalised)."""
    ok = ~np.isnan(values)
    if not ok.any():
        return AGIResult(
            "overall",
            group,
            basis,
            math.nan,
            Interval(),
            "undefined",
            n,
            reason=f"no capability has an AGI in {group}",
        )
    w = weights * ok
    value = float((np.where(ok, values, 0.0) * w).sum() / w.sum())
    ci = Interval()
    if reps and reps[0].size:
        r = np.stack(reps, axis=1)
        rw = np.where(np.isnan(r), 0.0, r) @ w
        den = (~np.isnan(r) * w).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            ci = percentile_interval(np.where(den > 0, rw / den, np.nan), opts.ci_level)
    reason = "" if ok.all() else "weighted mean over the capabilities with an AGI only"
    return AGIResult("overall", group, basis, value, ci, agi_band(value, opts.agi_bands), n, reason)


def _capability_agreement(
    cap_id: str, x: np.ndarray, idx: InstrumentIndex, k: int
) -> CapabilityAgreement:
    """Agreement among respondents on one capability's items (reverse-coded current ratings).

    The statistics need one answer scale: items of the capability on another scale than its first
    item's are left out (named in ``reasons``).
    """
    a = int(idx.cap_high[k] - idx.cap_low[k] + 1)
    cols = idx.items_of(k)
    same = (idx.low[cols] == idx.cap_low[k]) & (idx.high[cols] == idx.cap_high[k])
    reasons: list[str] = []
    if not same.all():
        other = ", ".join(idx.item_ids[j] for j in cols[~same])
        reasons.append(f"{other} on another answer scale: left out of the agreement statistics")
    x = x[:, cols[same]]
    rows = ~np.isnan(x).all(axis=1)
    x = x[rows]
    rj = ag.rwg_j_detail(x, a)
    if rj.reason:
        reasons.append(f"rwg(J): {rj.reason}")
    rs = ag.rwg_star_j_detail(x, a)
    adm = ag.ad_detail(x, "mean")
    adm_md = ag.ad_detail(x, "median")
    aw = ag.awg_j_detail(x, idx.cap_low[k], idx.cap_high[k])
    if aw.reason:
        reasons.append(f"awg(J): {aw.reason}")
    alpha = ag.cronbach_alpha_detail(x, "pairwise")
    alpha_lw = ag.cronbach_alpha_detail(x, "listwise")
    if alpha.reason:
        reasons.append(f"Cronbach's α: {alpha.reason}")
    if alpha_lw.reason and alpha_lw.reason != alpha.reason:
        reasons.append(f"Cronbach's α (listwise): {alpha_lw.reason}")
    complete = x[~np.isnan(x).any(axis=1)]
    icc = None
    if x.shape[1] < 2:
        reasons.append("ICC: needs at least 2 items")
    elif complete.shape[0] < 2:
        reasons.append("ICC: needs at least 2 respondents who answered every item")
    else:
        icc = ag.icc(complete.T)
    return CapabilityAgreement(
        capability_id=cap_id,
        n=int(x.shape[0]),
        rwg_j=rj.value,
        rwg_j_raw=rj.raw,
        rwg_j_out_of_range=rj.out_of_range,
        rwg_star_j=rs.value,
        ad_mean=adm.value,
        ad_median=adm_md.value,
        awg_j=aw.value,
        alpha_interval=ag.krippendorff_alpha(x, "interval"),
        alpha_ordinal=ag.krippendorff_alpha(x, "ordinal"),
        cronbach_alpha=alpha.value,
        cronbach_alpha_listwise=alpha_lw.value,
        icc=icc,
        reasons=tuple(reasons),
    )

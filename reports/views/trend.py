"""The trend report's view model over two or more waves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from questionnaires.answers import ResponseSet
from questionnaires.errors import ReportError
from questionnaires.model import Instrument
from reports.anonymity import (
    Suppression,
    require_population,
    too_few,
)
from reports.formatting import (
    DASH,
    clean_text,
    fmt_agi,
    fmt_num,
    fmt_p,
    fmt_signed,
)
from reports.options import ReportOptions
from reports.views.common import (
    NAN,
    REISSUE_NOTE,
    Meta,
    Params,
    _dept_cells,
    _few,
    _meta,
    _n_of,
    _nan,
    _params,
    _safe_agi,
    _safe_text,
    department_suppression,
)
from scoring.results import (
    CapabilityChange,
    WaveComparison,
    WaveResult,
)


@dataclass(frozen=True)
class TrendRow:
    """One row of the trend table.

    ``change`` is the label with the printed change (``"improved (+0.4)"``); ``change_detail`` is
    what stands beside it: the paired n (``"8 answered both waves"``, not in a reissue, "fewer than
    k" below k) and the family-adjusted p of the test behind the label, or for ``undefined`` the
    reason in words.
    """

    name: str
    scores: tuple[str, ...]
    agis: tuple[str, ...]
    change: str
    change_css: str
    agi_change: str
    agi_css: str
    series: tuple[float, ...]
    agi_series: tuple[float, ...]
    change_detail: str = ""


@dataclass(frozen=True)
class TrendDeptRow:
    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class TrendReport:
    """View model of the trend report over two or more waves.

    Attributes
    ----------
    kind : str
        ``"trend"``: the template to fill.
    meta : Meta
        Cover and provenance.
    waves : tuple of str
        Wave ids, oldest first.
    rows : tuple of TrendRow
        Per capability: score and management AGI per wave, with change labels.
    overall : TrendRow
        The same for the overall score.
    summary : str
        The trend in a sentence or two.
    departments : tuple of str
        Departments shown (k in every wave).
    dept_rows : tuple of TrendDeptRow
        Capability × department, last wave change.
    dept_note : str
        What the department table leaves out and why.
    rule : str
        How change labels are decided.
    params : Params
        Scoring and anonymity parameters.
    notes : tuple of str
        Comparison notes (dropped items, instrument versions).
    reissue_note : str
        A reissue: the one sentence on what it leaves out and why (empty otherwise).
    legend : str
        The change labels in one sentence (error control, stable, no clear change).
    """

    kind: str
    meta: Meta
    waves: tuple[str, ...]
    rows: tuple[TrendRow, ...]
    overall: TrendRow
    summary: str
    departments: tuple[str, ...]
    dept_rows: tuple[TrendDeptRow, ...]
    dept_note: str
    rule: str
    params: Params
    notes: tuple[str, ...] = ()
    reissue_note: str = ""
    legend: str = ""


STABLE_AGI = 5.0  # AGI points
CHANGE_CSS = {"improved": "ok", "declined": "bad"}
_ADJUST = {"holm": "Holm", "bh": "Benjamini–Hochberg", "fdr_bh": "Benjamini–Hochberg"}


def _adjust_name(method: str) -> str:
    return _ADJUST.get(method.lower(), method)


def _change_detail(change: CapabilityChange, options: ReportOptions, adjust: str) -> str:
    """Paired n and adjusted p beside a change label; the reason for an undefined one.

    Counts follow the report's rules: none in a reissue, "fewer than k" below k.
    """
    k = options.min_group
    test = change.test
    reason = change.reason or (test.reason if test is not None else "")
    if change.label == "undefined" or (test is not None and test.key == "not computed"):
        if not reason:
            return "no test could be computed"
        if options.reissue and any(ch.isdigit() for ch in reason):
            return "too few comparable answers, or no variation, for a test"
        return reason
    if test is None:
        return ""
    parts = []
    if not options.reissue:
        if change.n_paired == 0:
            parts.append("no one answered both waves (unpaired)")
        elif too_few(change.n_paired, k, options.named_workshop):
            parts.append(f"fewer than {k} answered both waves")
        else:
            parts.append(f"{change.n_paired} answered both waves")
    # stable rests on the equivalence test, the other labels on the test of no change
    stable = change.label == "stable"
    p = test.equivalence_p if stable else test.p_adjusted
    if not _nan(p):
        what = f"{adjust} equivalence p" if stable else f"{adjust} p"
        parts.append(f"{what} = {fmt_p(p)}".replace("= <", "<"))
    return "; ".join(parts)


def build_trend_report(
    results: Sequence[WaveResult],
    waves: Sequence[tuple[Instrument, ResponseSet]],
    options: ReportOptions | None = None,
    comparison: WaveComparison | None = None,
) -> TrendReport:
    """Waves over time: capability score and management AGI per wave, with change labels.

    The waves are put in order by wave id (a stable sort), so they may be given in any order.
    Change labels and printed changes cover one span, the first against the last wave (scoring's
    :func:`scoring.trend.compare_waves` on those two, on the items both share), from scoring's
    error-controlled test (paired by pseudonymous id, family-adjusted): *improved*, *declined*,
    *stable* (shown within ±sesoi), *no clear change*, or *undefined* with the reason. Beside each
    label: the paired n (not in a reissue; "fewer than k" below k) and the adjusted p. Alignment labels:
    the management AGI moved by at least 5 points; an AGI from fewer than k respondents is not
    shown. Departments are shown only when they reach k in every wave (a department hidden in one
    wave is hidden in all, so differences between waves cannot reveal it), and a department's cell
    only when k of its respondents have a score in both waves.

    Parameters
    ----------
    results : sequence of scoring.results.WaveResult
        The scored waves.
    waves : sequence of (Instrument, ResponseSet)
        One ``(instrument, responses)`` pair per scored wave, in the order of ``results``: each wave
        is compared with the instrument it was collected with.
    options : ReportOptions, optional
        Anonymity k and theme; ``None`` = the defaults.
    comparison : scoring.results.WaveComparison, optional
        A precomputed comparison; it must compare exactly the first and the last wave.

    Returns
    -------
    TrendReport
        The view model.

    Raises
    ------
    questionnaires.errors.ReportError
        For fewer than 2 waves, waves that do not differ, mismatched ``waves`` and ``results``, or
        a ``comparison`` of other waves.
    """
    options = options or ReportOptions()
    results, waves, comparison = _in_time_order(results, waves, options, comparison)
    names: dict[str, str] = {}
    for inst, _rs in waves:
        names.update({c.id: c.name for c in inst.capabilities})
    wave_ids = tuple(r.wave for r in results)
    first, last = wave_ids[0], wave_ids[-1]
    common = [c for c in results[0].capabilities if all(c in r.capabilities for r in results[1:])]
    rows = [_capability_row(cid, results, comparison, names, options) for cid in common]
    overall, summary = _overall(rows, results, options)
    responses = [rs for _inst, rs in waves]
    shown, hidden, display, dept_rows, dept_note = _departments(
        results, responses, common, names, options
    )
    last_inst, last_rs = waves[-1]
    meta = replace(
        _meta(
            results[-1],
            last_inst,
            last_rs,
            options,
            "Customer-centricity over time",
            "Trend report",
        ),
        wave=f"{clean_text(first)} → {clean_text(last)}",
        wave_hashes=tuple((clean_text(r.wave), r.data_hash) for r in results),
    )
    return TrendReport(
        "trend",
        meta,
        wave_ids,
        tuple(rows),
        overall,
        summary,
        tuple(display.get(d, d) for d in shown),
        tuple(dept_rows),
        dept_note,
        _rule(results[-1], first, last),
        _params(results[-1], last_inst),
        tuple(_safe_text(n, hidden, display) for n in comparison.notes),
        REISSUE_NOTE if options.reissue else "",
        _legend(results[-1]),
    )


def _legend(last: WaveResult) -> str:
    """The one-sentence legend of the change labels."""
    o = last.options
    return (
        f"Change labels come from a test that keeps the chance of any false label in this report "
        f"below {o.label_alpha:.0%} ({_adjust_name(o.label_adjust)}): improved or declined when "
        f"the change is clearly above or below zero, stable when it is shown to be within "
        f"±{fmt_num(o.sesoi)} points, no clear change when neither is shown."
    )


def _rule(last: WaveResult, first: str, last_id: str) -> str:
    """Which waves and people the labels compare, and the alignment rule."""
    return (
        f"Change = {last_id} against {first}, on the statements both waves share; people who "
        "answered both waves are compared with themselves (a paired test), newcomers and leavers "
        f"enter as unpaired answers. A label needs at least {last.options.label_min_n} answers; "
        "undefined says why there is none. p is adjusted for the number of labels. The waves in "
        "between are shown but do not enter the label. More or less aligned: the management AGI "
        f"moved by at least {STABLE_AGI:.0f} points between {first} and {last_id}."
    )


def _in_time_order(
    results: Sequence[WaveResult],
    waves: Sequence[tuple[Instrument, ResponseSet]],
    options: ReportOptions,
    comparison: WaveComparison | None,
) -> tuple[Sequence[WaveResult], Sequence[tuple[Instrument, ResponseSet]], WaveComparison]:
    """Check the waves pair up with their results, put them in time order, compare first and last."""
    if len(results) < 2:
        raise ReportError(
            "a trend report needs at least two waves; give two or more response files"
        )
    if len(results) != len(waves):
        raise ReportError(
            f"give one (instrument, responses) pair per scored wave: {len(results)} results, "
            f"{len(waves)} pairs"
        )
    for res, (inst, rs) in zip(results, waves, strict=True):
        if res.instrument_ref != inst.ref or res.n_respondents != rs.n_respondents:
            raise ReportError(
                f"wave {res.wave!r} was scored with {res.instrument_ref} on {res.n_respondents} "
                f"respondents, but is paired with {inst.ref} and {rs.n_respondents} respondents; "
                "pass each wave's own instrument and responses, oldest first"
            )
    # waves in time order whatever order they were given in: by wave id (2026-H1 < 2026-H2 <
    # 2027-H1), stable, so "first" and "last" are always the oldest and the newest
    order = sorted(range(len(results)), key=lambda i: results[i].wave)
    results = [results[i] for i in order]
    waves = [waves[i] for i in order]
    for res in results:
        require_population(
            res.n_respondents, options.min_group, options.named_workshop, "trend report", res.wave
        )
    wave_ids = tuple(r.wave for r in results)
    if len(set(wave_ids)) != len(wave_ids):
        raise ReportError(f"the waves must differ; got {', '.join(wave_ids)}")
    first, last = wave_ids[0], wave_ids[-1]
    if comparison is None:
        comparison = _compare(results[-1], [waves[0], waves[-1]])
    elif (comparison.waves[0], comparison.waves[-1]) != (first, last) or len(comparison.waves) != 2:
        raise ReportError(
            f"the comparison covers {', '.join(comparison.waves)}; a trend report compares the "
            f"first and the last wave ({first}, {last})"
        )
    return results, waves, comparison


def _capability_row(
    cid: str,
    results: Sequence[WaveResult],
    comparison: WaveComparison,
    names: dict[str, str],
    options: ReportOptions,
) -> TrendRow:
    """One capability's scores and AGIs per wave with its change and alignment labels."""
    k, named = options.min_group, options.named_workshop
    last = results[-1].wave
    thin = [too_few(r.score(cid).n, k, named) for r in results]
    series = tuple(NAN if t else r.score(cid).mean for r, t in zip(results, thin, strict=True))
    agis = tuple((a.value if (a := _safe_agi(r, cid, options)) else NAN) for r in results)
    change = _span_change(comparison, cid, last)
    detail = ""
    if thin[0] or thin[-1]:  # no change from a mean over fewer than k
        delta, label, css = NAN, f"not shown ({_few(k)})", "na"
    elif change is not None:
        delta, label = change.change, str(change.label)
        css = CHANGE_CSS.get(label, "na")
        detail = _change_detail(change, options, _adjust_name(results[-1].options.label_adjust))
    else:  # scoring compared no statement of this capability
        delta, label, css = NAN, "undefined", "na"
        detail = "no statement of this capability can be compared between the waves"
    d_agi = agis[-1] - agis[0]
    if _nan(d_agi):
        alabel, acss = "undefined", "na"
    elif d_agi <= -STABLE_AGI:
        alabel, acss = "more aligned", "ok"
    elif d_agi >= STABLE_AGI:
        alabel, acss = "less aligned", "bad"
    else:
        alabel, acss = "unchanged", "na"
    return TrendRow(
        names.get(cid, cid),
        tuple(_few(k) if t else fmt_num(x) for x, t in zip(series, thin, strict=True)),
        tuple(fmt_agi(a) for a in agis),
        f"{label} ({fmt_signed(delta)})" if not _nan(delta) else label,
        css,
        f"{alabel} ({fmt_signed(d_agi, 0)})" if not _nan(d_agi) else alabel,
        acss,
        series,
        agis,
        detail,
    )


def _overall(
    rows: Sequence[TrendRow], results: Sequence[WaveResult], options: ReportOptions
) -> tuple[TrendRow, str]:
    """The overall AGI row and the summary sentence."""
    first, last = results[0].wave, results[-1].wave
    ov = tuple((a.value if (a := _safe_agi(r, "overall", options)) else NAN) for r in results)
    d_ov = ov[-1] - ov[0]
    overall = TrendRow(
        "Overall",
        tuple(DASH for _ in results),
        tuple(fmt_agi(a) for a in ov),
        "",
        "",
        fmt_signed(d_ov, 0) if not _nan(d_ov) else DASH,
        "ok" if d_ov <= -STABLE_AGI else ("bad" if d_ov >= STABLE_AGI else "na"),
        (),
        ov,
    )
    n_up = sum(1 for r in rows if r.change.startswith("improved"))
    n_down = sum(1 for r in rows if r.change.startswith("declined"))
    n_stable = sum(1 for r in rows if r.change.startswith("stable"))
    n_al = sum(1 for r in rows if r.agi_change.startswith("more aligned"))
    if _nan(ov[0]) or _nan(ov[-1]):
        agi_sentence = (
            "The management team's alignment is not compared: its Alignment Gap Index is not "
            f"shown for a wave with fewer than {options.min_group} managers, or is undefined."
        )
    elif fmt_agi(ov[0]) == fmt_agi(ov[-1]):
        agi_sentence = (
            f"The management team became more aligned on {_n_of(n_al, len(rows))}; the overall "
            f"Alignment Gap Index stayed at {fmt_agi(ov[-1])}."
        )
    else:
        agi_sentence = (
            f"The management team became more aligned on {_n_of(n_al, len(rows))}; the overall "
            f"Alignment Gap Index moved from {fmt_agi(ov[0])} to {fmt_agi(ov[-1])}."
        )
    summary = (
        f"Between {first} and {last}, {n_up} of {len(rows)} capabilities improved and "
        f"{n_down or 'none'} declined; {n_stable or 'none'} shown stable. {agi_sentence}"
    )
    return overall, summary


def _departments(
    results: Sequence[WaveResult],
    responses: Sequence[ResponseSet],
    common: Sequence[str],
    names: dict[str, str],
    options: ReportOptions,
) -> tuple[list[str], set[str], dict[str, str], list[TrendDeptRow], str]:
    """Department rows, shown only for departments large enough in every wave, and their note."""
    first, last = results[0].wave, results[-1].wave
    hidden: set[str] = set()
    display: dict[str, str] = {}
    for rs in responses:
        sup, dn, _ = department_suppression(rs, options)
        hidden |= set(sup.hidden)
        display.update(dn)
    all_keys = set().union(*[{r.department_key for r in rs.respondents} for rs in responses])
    if options.reissue:  # a department whose change moves would point at the people changed
        hidden = set(all_keys)
    shown = sorted(
        d
        for d in all_keys
        if d not in hidden
        and all(any(r.department_key == d for r in rs.respondents) for rs in responses)
    )
    trend_sup = Suppression(tuple(shown), tuple(sorted(all_keys - set(shown))), ())
    dept_rows = []
    for cid in () if options.reissue else common:
        before = _dept_cells(results[0], responses[0], cid, trend_sup, options)
        after = _dept_cells(results[-1], responses[-1], cid, trend_sup, options)
        vals = [
            f"{fmt_num(after[d])} ({fmt_signed(after[d] - before[d])})"
            if d in before and d in after
            else DASH
            for d in shown
        ]
        dept_rows.append(TrendDeptRow(names.get(cid, cid), tuple(vals)))
    dept_note = (
        "Departments are not shown in a reissue: the department of the people added or removed "
        "is the one whose means move."
        if options.reissue
        else f"Mean score in {last} and change since {first}. Departments with fewer than "
        f"{options.min_group} respondents in any wave are not shown"
        + (f" ({len(all_keys) - len(shown)} not shown)" if len(all_keys) > len(shown) else "")
        + f"; a dash marks a capability that fewer than {options.min_group} of a department's "
        "respondents scored in either wave, or that had to be hidden so that no hidden department "
        "can be worked out by subtraction."
    )
    return shown, hidden, display, dept_rows, dept_note


def _compare(last: WaveResult, pair: Sequence[tuple[Instrument, ResponseSet]]) -> WaveComparison:
    """Scoring's comparison of two waves (bootstrap intervals, comparable items)."""
    from scoring.trend import compare_waves

    return compare_waves(list(pair), last.options)


def _span_change(comparison: WaveComparison, cid: str, wave: str) -> CapabilityChange | None:
    """The organisation-wide change of ``cid`` ending at ``wave``, if scoring computed one."""
    try:
        return comparison.change_for(cid, "organisation", wave)
    except KeyError:
        return None

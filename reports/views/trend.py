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
    BAND_CLASS,
    BAND_LEGEND,
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
    agi_interval,
    agi_reference,
    band_pill,
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
    what stands beside it on one line, its parts joined by `` · ``: who answered (``"60 in both
    waves"``, ``"30 in both waves, 30 only in 2026-H1, 30 only in 2026-H2"``; not in a reissue,
    "fewer than k" below k) and the test behind the label (``"p < 0.001"``, the family-adjusted p
    of no change, or ``"shown stable (within ±0.5)"``), or for ``undefined`` the reason in words.
    ``agi_bands`` / ``agi_refs`` are each wave's calibrated band (as its pill prints it) and its
    random-answering reference (``"random ≈ 16"``); ``agi_change`` is the alignment label with the
    change of the printed AGIs, ``agi_detail`` the test behind it (empty without one).
    ``scores`` are each wave's mean on all its statements (as its own team report has them);
    ``compared`` the first and last wave's means on the statements both share (the ones the change
    and its test use, listed in ``compared_items``), printed to two decimals (one in a reissue);
    the printed change is the difference of the two printed ``compared`` means, so it always
    agrees with them.
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
    agi_bands: tuple[str, ...] = ()
    agi_band_css: tuple[str, ...] = ()
    agi_refs: tuple[str, ...] = ()
    agi_detail: str = ""
    compared: tuple[str, str] = ("", "")
    compared_items: str = ""


@dataclass(frozen=True)
class TrendDeptRow:
    """A capability's department cells: ``values`` as printed (``"2.6 (−0.2)"``), ``before`` /
    ``after`` the printed means on the shared statements, the change their difference."""

    name: str
    values: tuple[str, ...]
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()


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
        The change and alignment labels (error control, stable, no clear change).
    band_legend : str
        The alignment bands of each wave's AGI (:data:`reports.views.common.BAND_LEGEND`).
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
    band_legend: str = ""


CHANGE_CSS = {"improved": "ok", "declined": "bad"}
AGI_CSS = {"more aligned": "ok", "less aligned": "bad"}
#: the alignment label when scoring gives none (no test of the AGI change): nothing is claimed
NO_AGI_TEST = "no clear change"
_ADJUST = {"holm": "Holm", "bh": "Benjamini–Hochberg", "fdr_bh": "Benjamini–Hochberg"}


def _adjust_name(method: str) -> str:
    return _ADJUST.get(method.lower(), method)


def _count(n: int, what: str, options: ReportOptions) -> str:
    """``"30 only in 2026-H1"``, or ``"fewer than 5 only in 2026-H1"`` below k."""
    if too_few(n, options.min_group, options.named_workshop):
        return f"fewer than {options.min_group} {what}"
    return f"{n} {what}"


def _who_answered(change: CapabilityChange, options: ReportOptions) -> str:
    """Who the change compares: both waves, and only one (counts below k as "fewer than k")."""
    paired = change.n_paired
    if paired == 0:
        return "no one in both waves (unpaired)"
    parts = [_count(paired, "in both waves", options)]
    for n, wave in (
        (change.n_before - paired, change.wave_before),
        (change.n_after - paired, change.wave_after),
    ):
        if n > 0:
            parts.append(_count(n, f"only in {clean_text(wave)}", options))
    return ", ".join(parts)


def _change_detail(change: CapabilityChange, options: ReportOptions, sesoi: float) -> str:
    """Who answered and the test behind a change label, `` · ``-joined; the reason for undefined.

    Counts follow the report's rules: none in a reissue, "fewer than k" below k. Stable says what
    its equivalence test showed (``shown stable (within ±0.5)``), the other labels the
    family-adjusted p of the test of no change.
    """
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
    parts = [] if options.reissue else [_who_answered(change, options)]
    if change.label == "stable":
        parts.append(f"shown stable (within ±{fmt_num(sesoi)})")
    elif not _nan(test.p_adjusted):
        parts.append(f"p = {fmt_p(test.p_adjusted)}".replace("= <", "<"))
    return " · ".join(parts)


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
    label: who answered both waves and only one (not in a reissue; "fewer than k" below k) and the
    adjusted p, or "shown stable (within ±sesoi)". Means are printed to two decimals and the change
    (from the unrounded means) to one, so the printed figures agree; a reissue prints one decimal
    and the difference of the printed means. Each wave's management AGI stands with its interval,
    calibrated band and random-answering reference; the alignment label is scoring's
    error-controlled ``CapabilityChange.agi_label`` when scoring gives one, else "no clear change"
    (never a rule on the size of the move); an AGI from fewer than k respondents is not shown. Departments are shown only when they reach k in every wave (a department hidden in one
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
    rows = [
        _capability_row(cid, results, comparison, names, options, waves[-1][0]) for cid in common
    ]
    overall, summary = _overall(rows, results, comparison, options)
    responses = [rs for _inst, rs in waves]
    shown, hidden, display, dept_rows, dept_note = _departments(
        results, responses, common, names, options, comparison
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
        _rule(results[-1], first, last, options.reissue),
        _params(results[-1], last_inst),
        tuple(_safe_text(n, hidden, display) for n in comparison.notes),
        REISSUE_NOTE if options.reissue else "",
        _legend(results[-1], _agi_tested(comparison)),
        BAND_LEGEND,
    )


def _legend(last: WaveResult, tested: bool) -> str:
    """The legend of the change and alignment labels: what they control and mean."""
    o = last.options
    adjust = _adjust_name(o.label_adjust)
    alignment = (
        "Alignment: more or less aligned only when the test of the management team's AGI change "
        "(in the same family) shows it, otherwise no clear change; undefined when an AGI is not "
        "computed or not shown."
        if tested
        else "Alignment: no test of the management team's AGI change is available, so no change "
        "in alignment is claimed (no clear change); undefined when an AGI is not computed or not "
        "shown."
    )
    return (
        f"Change labels come from a test that keeps the chance of any false label in this report "
        f"below {o.label_alpha:.0%} ({adjust}): improved or declined when the change is clearly "
        f"above or below zero (p, adjusted for the number of labels), stable when it is shown to "
        f"be within ±{fmt_num(o.sesoi)} points, no clear change when neither is shown. "
        f"{alignment}"
    )


def _rule(last: WaveResult, first: str, last_id: str, reissue: bool) -> str:
    """Which waves and people the labels compare, and how the printed figures are rounded."""
    rounding = (
        "Scores are printed to one decimal in a reissue, and the change is the difference of the "
        "printed scores."
        if reissue
        else "Means are printed to two decimals; the change is the difference of the two "
        "printed means on the shared statements, to one decimal, so it always agrees with them."
    )
    return (
        f"Change = {last_id} against {first}, on the statements both waves share (through the "
        "instrument's item map when the versions differ; each row lists them): the wave columns "
        "are each wave's mean on all its statements, the shared columns the means the change "
        "and its test use. People who "
        "answered both waves are compared with themselves (a paired test), newcomers and leavers "
        f"enter as unpaired answers. A label needs at least {last.options.label_min_n} answers; "
        "undefined says why there is none. The waves in between are shown but do not enter the "
        f"label. {rounding} An AGI change is the difference of the printed (whole-number) AGIs."
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


def _score_text(x: float, reissue: bool) -> str:
    """A wave's mean: two decimals (one in a reissue), so the printed change can be checked."""
    return fmt_num(x, 1 if reissue else 2)


def _shown(x: float, digits: int) -> float:
    """``x`` as printed with ``digits`` decimals, back as a number."""
    return float(fmt_num(x, digits).replace("−", "-"))


def _printed_change(before: float, after: float, reissue: bool) -> float:
    """The change printed beside a label: the difference of the printed means.

    ``after`` and ``before`` are printed to two decimals (one in a reissue); the change is their
    exact printed difference rounded to one decimal, halves away from zero, so ``2.87 → 2.76``
    reads ``−0.1``, ``2.17 → 3.22`` ``+1.1`` and ``2.9 → 2.7`` ``−0.2`` (never the rounding of
    the unrounded change, which can differ by 0.1).
    """
    from decimal import ROUND_HALF_UP, Decimal

    digits = 1 if reissue else 2
    shown = [Decimal(fmt_num(x, digits).replace("−", "-")) for x in (before, after)]
    # exact difference of the printed figures, halves away from zero (3.22 − 2.17 = 1.05 → +1.1)
    return float((shown[1] - shown[0]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _compared_items(change: CapabilityChange, instrument: Instrument) -> str:
    """The statements a change compares, with their earlier ids where the item map renamed them."""
    renamed = {c.new: c.old for c in instrument.item_map if c.new and c.old and c.old != c.new}
    ids = [f"{i} (was {renamed[i]})" if i in renamed else i for i in change.items_used]
    n = len(ids)
    return f"{n} statement{'' if n == 1 else 's'}: {', '.join(ids)}" if ids else ""


def _agi_whole(x: float) -> float:
    """The AGI as printed (a whole number), for a change that matches the printed figures."""
    return NAN if _nan(x) else float(fmt_agi(x).replace("−", "-"))


def _agi_cells(
    result: WaveResult, cid: str, options: ReportOptions
) -> tuple[float, str, str, str, str]:
    """One wave's management AGI: value, printed value with interval, band pill, css, reference."""
    agi = _safe_agi(result, cid, options)
    if agi is None:
        try:
            result.agi_for(cid, "management")
            why = _few(options.min_group)  # computed, but from fewer than k managers
        except KeyError:
            why = "not computed"
        return NAN, DASH, why, "na", ""
    if agi.band == "undefined" or _nan(agi.value):
        return NAN, DASH, "undefined", "na", agi_reference(agi, options.reissue)
    shown = fmt_agi(agi.value)
    if agi.ci.defined:
        shown += f" ({agi_interval(agi)})"
    ref = "" if _nan(agi.null_mean) else f"random ≈ {fmt_num(agi.null_mean, 0)}"
    return agi.value, shown, band_pill(agi.band), BAND_CLASS.get(agi.band, "na"), ref


def _agi_label(change: object | None, reissue: bool) -> tuple[str, str]:
    """Scoring's error-controlled alignment label and the test behind it, if scoring has one.

    ``CapabilityChange.agi_label`` ("more aligned", "less aligned", "no clear change",
    "undefined") and ``agi_test`` (its family-adjusted p, or the reason for undefined); without
    them nothing is claimed: ``no clear change`` with "no test of this change", never a rule on
    the size of the move.
    """
    label = getattr(change, "agi_label", None) if change is not None else None
    if not label:
        return NO_AGI_TEST, "no test of this change"
    test = getattr(change, "agi_test", None)
    if str(label) == "undefined":
        reason = str(getattr(test, "reason", "") or "")
        if reissue and any(ch.isdigit() for ch in reason):
            reason = "too few comparable answers, or no variation, for a test"
        return "undefined", reason
    p = getattr(test, "p_adjusted", NAN)
    detail = f"p = {fmt_p(p)}".replace("= <", "<") if isinstance(p, float) and not _nan(p) else ""
    return str(label), detail


def _alignment(
    cells: Sequence[tuple[float, str, str, str, str]], change: object | None, reissue: bool
) -> tuple[str, str, str, tuple[float, ...]]:
    """The alignment label with the change of the printed AGIs, its css, detail and series."""
    series = tuple(c[0] for c in cells)
    d_agi = _agi_whole(series[-1]) - _agi_whole(series[0])
    if _nan(d_agi):
        return "undefined", "na", "", series
    label, detail = _agi_label(change, reissue)
    shown = f"{label} ({fmt_signed(d_agi, 0)})" if label != "undefined" else label
    return shown, AGI_CSS.get(label, "na"), detail, series


def _capability_row(
    cid: str,
    results: Sequence[WaveResult],
    comparison: WaveComparison,
    names: dict[str, str],
    options: ReportOptions,
    instrument: Instrument,
) -> TrendRow:
    """One capability's scores and AGIs per wave with its change and alignment labels."""
    k, named, reissue = options.min_group, options.named_workshop, options.reissue
    last = results[-1].wave
    thin = [too_few(r.score(cid).n, k, named) for r in results]
    series = tuple(NAN if t else r.score(cid).mean for r, t in zip(results, thin, strict=True))
    change = _span_change(comparison, cid, last)
    detail, compared, items = "", (DASH, DASH), ""
    if thin[0] or thin[-1]:  # no change from a mean over fewer than k
        delta, label, css = NAN, f"not shown ({_few(k)})", "na"
    elif change is not None:
        label = str(change.label)
        before, after = change.score_before, change.score_after
        delta = _printed_change(before, after, reissue)
        if not (too_few(change.n_before, k, named) or too_few(change.n_after, k, named)):
            compared = (_score_text(before, reissue), _score_text(after, reissue))
        else:
            delta = NAN
        css = CHANGE_CSS.get(label, "na")
        detail = _change_detail(change, options, results[-1].options.sesoi)
        items = _compared_items(change, instrument)
    else:  # scoring compared no statement of this capability
        delta, label, css = NAN, "undefined", "na"
        detail = "no statement of this capability can be compared between the waves"
    cells = [_agi_cells(r, cid, options) for r in results]
    agi_change, agi_css, agi_detail, agi_series = _alignment(
        cells, _span_change(comparison, cid, last, "management"), reissue
    )
    return TrendRow(
        names.get(cid, cid),
        tuple(_few(k) if t else _score_text(x, reissue) for x, t in zip(series, thin, strict=True)),
        tuple(c[1] for c in cells),
        f"{label} ({fmt_signed(delta)})" if not _nan(delta) else label,
        css,
        agi_change,
        agi_css,
        series,
        agi_series,
        detail,
        tuple(c[2] for c in cells),
        tuple(c[3] for c in cells),
        tuple(c[4] for c in cells),
        agi_detail,
        compared,
        items,
    )


def _overall(
    rows: Sequence[TrendRow],
    results: Sequence[WaveResult],
    comparison: WaveComparison,
    options: ReportOptions,
) -> tuple[TrendRow, str]:
    """The overall AGI row and the summary sentence."""
    first, last = results[0].wave, results[-1].wave
    cells = [_agi_cells(r, "overall", options) for r in results]
    agi_change, agi_css, agi_detail, ov = _alignment(
        cells, _span_change(comparison, "overall", last, "management"), options.reissue
    )
    overall = TrendRow(
        "Overall",
        tuple(DASH for _ in results),
        tuple(c[1] for c in cells),
        "",
        "",
        agi_change,
        agi_css,
        (),
        ov,
        "",
        tuple(c[2] for c in cells),
        tuple(c[3] for c in cells),
        tuple(c[4] for c in cells),
        agi_detail,
    )
    n = len(rows)
    count = {
        key: sum(1 for r in rows if r.change.startswith(key))
        for key in ("improved", "declined", "stable", "no clear change")
    }
    n_more = sum(1 for r in rows if r.agi_change.startswith("more aligned"))
    n_less = sum(1 for r in rows if r.agi_change.startswith("less aligned"))
    sesoi = fmt_num(results[-1].options.sesoi)
    scores = (
        f"Between {first} and {last}, {count['improved']} of {n} capabilities improved, "
        f"{count['declined'] or 'none'} declined and {count['stable'] or 'none'} stayed stable "
        f"(shown to be within ±{sesoi} points)"
    )
    if count["no clear change"]:
        scores += f"; {count['no clear change']} show no clear change"
    if _nan(ov[0]) or _nan(ov[-1]):
        agi_sentence = (
            "The management team's alignment is not compared: its Alignment Gap Index is not "
            f"shown for a wave with fewer than {options.min_group} managers, or is undefined."
        )
    else:
        moved = (
            f"stayed at {fmt_agi(ov[-1])}"
            if fmt_agi(ov[0]) == fmt_agi(ov[-1])
            else f"moved from {fmt_agi(ov[0])} to {fmt_agi(ov[-1])}"
        )
        if _agi_tested(comparison):
            agi_sentence = (
                f"The management team became more aligned on {_n_of(n_more, n)} and less "
                f"aligned on {_n_of(n_less, n)}; the overall Alignment Gap Index {moved}."
            )
        else:
            agi_sentence = (
                f"The overall Alignment Gap Index of the management team {moved}; no change in "
                "alignment is claimed without a test of it."
            )
    return overall, f"{scores}. {agi_sentence}"


def _dept_change(
    comparison: WaveComparison, cid: str, dept: str, last: str, options: ReportOptions
) -> tuple[str, str, str] | None:
    """A department's means before and after on the shared statements and their printed
    difference (one decimal each), or ``None`` when scoring compared none or either mean is
    over fewer than k people."""
    from scoring.results import department_group

    k, named = options.min_group, options.named_workshop
    change = _span_change(comparison, cid, last, department_group(dept))
    if change is None or _nan(change.score_before) or _nan(change.score_after):
        return None
    if too_few(change.n_before, k, named) or too_few(change.n_after, k, named):
        return None
    before, after = fmt_num(change.score_before), fmt_num(change.score_after)
    return before, after, fmt_signed(_shown(change.score_after, 1) - _shown(change.score_before, 1))


def _departments(
    results: Sequence[WaveResult],
    responses: Sequence[ResponseSet],
    common: Sequence[str],
    names: dict[str, str],
    options: ReportOptions,
    comparison: WaveComparison,
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
        cells = [
            _dept_change(comparison, cid, d, last, options) if d in before and d in after else None
            for d in shown
        ]
        dept_rows.append(
            TrendDeptRow(
                names.get(cid, cid),
                tuple(DASH if c is None else f"{c[1]} ({c[2]})" for c in cells),
                tuple(DASH if c is None else c[0] for c in cells),
                tuple(DASH if c is None else c[1] for c in cells),
            )
        )
    dept_note = (
        "Departments are not shown in a reissue: the department of the people added or removed "
        "is the one whose means move."
        if options.reissue
        else f"Mean score in {last} on the statements both waves share, its change since "
        f"{first} and, below, the {first} mean it is the printed difference from. Departments "
        "with fewer than "
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


def _agi_tested(comparison: WaveComparison) -> bool:
    """Whether scoring tested the management team's AGI change (``agi_label`` on its changes)."""
    return any(getattr(c, "agi_label", "") for c in comparison.changes if c.group == "management")


def _span_change(
    comparison: WaveComparison, cid: str, wave: str, group: str = "organisation"
) -> CapabilityChange | None:
    """The change of ``cid`` for ``group`` ending at ``wave``, if scoring computed one."""
    try:
        return comparison.change_for(cid, group, wave)
    except KeyError:
        return None

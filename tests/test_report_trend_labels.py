"""Trend report: error-controlled change labels with the paired n and the adjusted p (issue 10)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from test_reports_support import OPTIONS, northwind_wave, scored

from reports import ReportOptions
from reports.formatting import fmt_num, fmt_signed

K5 = ReportOptions(min_group=5)


@pytest.fixture(scope="module")
def two_waves():
    from scoring import score_wave

    inst, rs1, wr1 = scored()
    rs2 = northwind_wave("2026-H2", inst)
    return inst, rs1, wr1, rs2, score_wave(inst, rs2, OPTIONS)


def _build(two_waves, options=K5, rs2=None):
    from reports.views import build_trend_report
    from scoring import score_wave

    inst, rs1, wr1, rs2_, wr2 = two_waves
    if rs2 is not None:
        wr2 = score_wave(inst, rs2, OPTIONS)
    rs2 = rs2 if rs2 is not None else rs2_
    return build_trend_report([wr1, wr2], [(inst, rs1), (inst, rs2)], options)


def test_change_label_shows_the_paired_n_and_the_holm_adjusted_p(two_waves):
    vm = _build(two_waves)
    sys_row = next(r for r in vm.rows if r.name.startswith("Systems"))
    assert sys_row.change.startswith("improved (+")  # planted +0.8 in 2026-H2
    n = two_waves[1].n_respondents
    assert sys_row.change_detail.startswith(f"{n} in both waves · p ")
    for r in vm.rows:
        label = r.change.split(" (")[0]
        assert label in {"improved", "declined", "stable", "no clear change", "undefined"}
        # stable rests on the equivalence test, improved / declined / no clear change on no change
        want = {"stable": " · shown stable (within ±0.5)", "undefined": ""}.get(label, " · p ")
        assert want in r.change_detail


def test_legend_says_what_the_labels_control_and_mean(two_waves):
    vm = _build(two_waves)
    assert "any false label in this report below 5% (Holm)" in vm.legend
    assert "within ±0.5 points" in vm.legend and "no clear change" in vm.legend
    assert "bootstrap" not in vm.rule and "paired" in vm.rule


def test_printed_delta_agrees_with_the_rounded_wave_means(two_waves):
    """The delta is scoring's change, which on one instrument is the difference of the means;
    the means are printed to two decimals."""
    _inst, _rs1, wr1, _rs2, wr2 = two_waves
    vm = _build(two_waves)
    for cid, row in zip(wr1.capabilities, vm.rows, strict=True):
        d = wr2.score(cid).mean - wr1.score(cid).mean
        assert row.change.endswith(f"({fmt_signed(d)})")
        assert row.scores == (fmt_num(wr1.score(cid).mean, 2), fmt_num(wr2.score(cid).mean, 2))


def test_reissued_trend_report_shows_no_paired_count(two_waves):
    vm = _build(two_waves, replace(K5, reissue=True))
    details = [r.change_detail for r in vm.rows]
    assert all("both waves" not in d and "only in" not in d for d in details)
    assert all(re.fullmatch(r"p [=<] [\d.]+|shown stable \(within ±0\.5\)", d) for d in details)


def test_paired_n_below_k_is_not_printed(two_waves):
    rs2 = two_waves[3]
    # all but two of the second wave's respondents get new pseudonyms: 2 pairs, k = 5
    people = tuple(
        r if i < 2 else replace(r, id=f"NEW-{r.id}") for i, r in enumerate(rs2.respondents)
    )
    vm = _build(two_waves, K5, replace(rs2, respondents=people))
    details = [r.change_detail for r in vm.rows]
    assert any(d.startswith("fewer than 5 in both waves, ") for d in details)
    assert not any(re.search(r"\b2 in both waves", d) for d in details)


def test_no_pairs_say_unpaired_instead_of_a_count(two_waves):
    _inst, _rs1, _wr1, rs2, _wr2 = two_waves
    people = tuple(replace(r, id=f"X-{r.id}") for r in rs2.respondents)
    vm = _build(two_waves, K5, replace(rs2, respondents=people))
    assert all(
        r.change_detail.startswith("no one in both waves (unpaired)")
        for r in vm.rows
        if not r.change.startswith("undefined")
    )


def test_undefined_change_shows_its_reason_in_words(two_waves):
    """Identical waves: every paired difference is zero, no test; the reason, not a blank."""
    from reports.views import build_trend_report

    inst, rs1, wr1, _rs2, _wr2 = two_waves
    rs2, wr2 = replace(rs1, wave="2026-H2"), replace(wr1, wave="2026-H2")
    for opts in (K5, replace(K5, reissue=True)):
        vm = build_trend_report([wr1, wr2], [(inst, rs1), (inst, rs2)], opts)
        for r in vm.rows:
            assert r.change.startswith("undefined")
            assert len(r.change_detail) > 10 and not re.search(r"\bp [=<] ", r.change_detail)
            if opts.reissue:
                assert not re.search(r"\d", r.change_detail)


# -- review of issue 10 (findings 5, 11, 12, 14) ------------------------------------------------


def _with_agi_label(comparison, labels):
    """The comparison with the given AGI label on each management change ("" = none).

    Uses scoring's ``CapabilityChange.agi_label`` field, or a subclass carrying it while scoring
    has none."""
    from dataclasses import dataclass

    from scoring.results import CapabilityChange

    has_field = "agi_label" in CapabilityChange.__dataclass_fields__

    @dataclass(frozen=True)
    class WithAgi(CapabilityChange):
        agi_label: str = ""
        agi_test: object = None

    def relabel(c, label):
        if has_field:
            return replace(c, agi_label=label, agi_test=None)
        return WithAgi(**{f: getattr(c, f) for f in CapabilityChange.__dataclass_fields__},
                       agi_label=label)  # fmt: skip

    changes = tuple(
        relabel(c, labels.get(c.capability_id, "")) if c.group == "management" else c
        for c in comparison.changes
    )
    return replace(comparison, changes=changes)


def _build_labelled(two_waves, labels):
    from reports.views import build_trend_report
    from scoring.trend import compare_waves

    inst, rs1, wr1, rs2, wr2 = two_waves
    cmp = _with_agi_label(compare_waves([(inst, rs1), (inst, rs2)], wr2.options), labels)
    return build_trend_report([wr1, wr2], [(inst, rs1), (inst, rs2)], K5, cmp)


def test_agi_moving_five_points_is_not_more_aligned_without_a_test(two_waves):
    """M&L 16 -> 10 was 'more aligned (-7)' from the 5-point rule; no test, no claim."""
    vm = _build_labelled(two_waves, {})
    mgt = next(r for r in vm.rows if r.name.startswith("Management"))
    a, b = (int(x.split(" ")[0]) for x in mgt.agis)
    assert a - b >= 5  # the move the old rule labelled
    assert mgt.agi_change == f"no clear change ({fmt_signed(b - a, 0)})"
    assert mgt.agi_detail == "no test of this change"
    assert all(r.agi_change.split(" (")[0] in {"no clear change", "undefined"} for r in vm.rows)
    assert vm.overall.agi_change.startswith("no clear change")
    assert "at least 5" not in vm.rule and "no change in alignment is claimed" in vm.legend
    assert "more aligned" not in vm.summary and "no change in alignment is claimed" in vm.summary


def test_agi_label_from_scoring_is_printed_when_scoring_gives_one(two_waves):
    vm = _build_labelled(two_waves, {"MGT": "more aligned", "MET": "less aligned"})
    by = {r.name.split(" ")[0]: r for r in vm.rows}
    assert by["Management"].agi_change.startswith("more aligned (")
    assert by["Management"].agi_css == "ok"
    assert by["Metrics"].agi_change.startswith("less aligned (") and by["Metrics"].agi_css == "bad"
    assert by["Culture"].agi_change.startswith("no clear change (")
    assert "more aligned on 1 of 8 capabilities" in vm.summary
    assert "less aligned on 1 of 8 capabilities" in vm.summary
    assert "more or less aligned only when the test" in vm.legend


def test_scorings_agi_test_stands_beside_the_alignment_label(two_waves):
    from scoring.results import CapabilityChange

    if "agi_label" not in CapabilityChange.__dataclass_fields__:
        pytest.skip("scoring has no AGI-change test yet")
    from scoring.trend import compare_waves

    inst, rs1, _wr1, rs2, wr2 = two_waves
    cmp = compare_waves([(inst, rs1), (inst, rs2)], wr2.options)
    vm = _build(two_waves)
    for cid, r in zip([c.id for c in inst.capabilities], vm.rows, strict=True):
        c = cmp.change_for(cid, "management", "2026-H2")
        assert r.agi_change.split(" (")[0] == (c.agi_label or "no clear change")
        if c.agi_label and c.agi_label != "undefined":
            assert re.fullmatch(r"p [=<] [\d.]+", r.agi_detail)


def test_each_wave_shows_its_band_and_random_reference_beside_the_agi(two_waves):
    from reports.views.common import BAND_LEGEND, band_pill

    _inst, _rs1, wr1, _rs2, wr2 = two_waves
    vm = _build(two_waves)
    assert vm.band_legend == BAND_LEGEND
    for cid, r in zip(wr1.capabilities, vm.rows, strict=True):
        for w, agi_text, band, ref in zip((wr1, wr2), r.agis, r.agi_bands, r.agi_refs, strict=True):
            agi = w.agi_for(cid, "management")
            assert agi_text.startswith(f"{round(agi.value)} (")  # value with its interval
            assert band == band_pill(agi.band)
            assert ref == f"random ≈ {round(agi.null_mean)}"
    assert len(vm.overall.agi_bands) == 2 and vm.overall.agi_refs[0].startswith("random ≈ ")


def test_agi_below_k_shows_no_band_reference_or_change(two_waves):
    vm = _build(
        two_waves, ReportOptions(min_group=9, min_group_comments=9)
    )  # the management team has 8
    for r in (*vm.rows, vm.overall):
        assert r.agis == ("–", "–") and r.agi_bands == ("fewer than 9 answered",) * 2
        assert r.agi_refs == ("", "") and r.agi_change == "undefined"


def test_stable_detail_says_shown_stable_not_holm_equivalence_p(two_waves):
    vm = _build(two_waves)
    stable = [r for r in vm.rows if r.change.startswith("stable")]
    assert stable
    for r in stable:
        assert r.change_detail == "60 in both waves · shown stable (within ±0.5)"
    assert not any("equivalence" in r.change_detail for r in vm.rows)
    assert "5 stayed stable (shown to be within ±0.5 points)" in vm.summary


def test_partial_overlap_says_how_many_answered_only_one_wave(two_waves):
    rs2 = two_waves[3]
    people = tuple(
        r if i % 2 == 0 else replace(r, id=f"NEW-{r.id}") for i, r in enumerate(rs2.respondents)
    )
    vm = _build(two_waves, K5, replace(rs2, respondents=people))
    for r in vm.rows:
        assert r.change_detail.startswith(
            "30 in both waves, 30 only in 2026-H1, 30 only in 2026-H2 · "
        )


def test_only_one_wave_counts_below_k_are_not_printed(two_waves):
    rs2 = two_waves[3]
    people = tuple(
        r if i >= 2 else replace(r, id=f"NEW-{r.id}") for i, r in enumerate(rs2.respondents)
    )
    vm = _build(two_waves, K5, replace(rs2, respondents=people))
    for r in vm.rows:
        assert r.change_detail.startswith(
            "58 in both waves, fewer than 5 only in 2026-H1, fewer than 5 only in 2026-H2 · "
        )
        assert not re.search(r"\b2 only in", r.change_detail)


def _number(text: str) -> float:
    return float(text.replace("−", "-"))


def test_printed_change_agrees_with_the_printed_wave_means(two_waves):
    """Culture read '2.9 → 2.7, stable (−0.1)': the means now carry two decimals (the change one),
    a reissue prints one decimal and the difference of the printed means."""
    for opts in (K5, replace(K5, reissue=True)):
        vm = _build(two_waves, opts)
        for r in vm.rows:
            before, after = (_number(s) for s in r.scores)
            change = _number(r.change.split("(")[1].rstrip(")"))
            assert round(after - before, 1) == pytest.approx(change), (r.name, opts.reissue)
            digits = 1 if opts.reissue else 2
            assert all(len(s.split(".")[1]) == digits for s in r.scores)
        for r in (*vm.rows, vm.overall):  # the AGI change is that of the printed AGIs
            a, b = (int(x.split(" ")[0]) for x in r.agis)
            assert r.agi_change.endswith(f"({fmt_signed(b - a, 0)})")


def test_trend_tables_keep_their_rows_and_legends_together(two_waves):
    """Trend p3 held one row, Overall and the legend; the chart pointed to the next page."""
    import io

    import pypdf

    from reports import render_trend_pdf

    inst, rs1, wr1, rs2, wr2 = two_waves
    pdf = render_trend_pdf([wr1, wr2], [(inst, rs1), (inst, rs2)], K5, strict=True)
    pages = [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    names = [c.name for c in inst.capabilities]
    scores = next(p for p in pages if "Scores per capability" in p)
    assert "Change labels come from a test" in scores  # the table ends on its page
    assert scores.count(" in both waves · ") == len(names)
    agi = next(p for p in pages if "Alignment of the management team" in p)
    assert all(n in agi for n in names) and "Overall" in agi and "Alignment bands" in agi
    assert "random ≈" in agi
    assert not any("see the legend below the table" in p for p in pages)
    assert not any("equivalence p" in p for p in pages)

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
    assert sys_row.change_detail.startswith(f"{n} answered both waves; Holm p ")
    for r in vm.rows:
        label = r.change.split(" (")[0]
        assert label in {"improved", "declined", "stable", "no clear change", "undefined"}
        # stable rests on the equivalence test, improved / declined / no clear change on no change
        want = {"stable": "Holm equivalence p", "undefined": ""}.get(label, "Holm p")
        assert want in r.change_detail


def test_legend_says_what_the_labels_control_and_mean(two_waves):
    vm = _build(two_waves)
    assert "any false label in this report below 5% (Holm)" in vm.legend
    assert "within ±0.5 points" in vm.legend and "no clear change" in vm.legend
    assert "bootstrap" not in vm.rule and "paired" in vm.rule


def test_printed_delta_agrees_with_the_rounded_wave_means(two_waves):
    """The delta is scoring's change, which on one instrument is the difference of the means."""
    _inst, _rs1, wr1, _rs2, wr2 = two_waves
    vm = _build(two_waves)
    for cid, row in zip(wr1.capabilities, vm.rows, strict=True):
        d = wr2.score(cid).mean - wr1.score(cid).mean
        assert row.change.endswith(f"({fmt_signed(d)})")
        assert row.scores == (fmt_num(wr1.score(cid).mean), fmt_num(wr2.score(cid).mean))


def test_reissued_trend_report_shows_no_paired_count(two_waves):
    vm = _build(two_waves, replace(K5, reissue=True))
    details = [r.change_detail for r in vm.rows]
    assert all("answered both waves" not in d for d in details)
    assert all(re.match(r"Holm (equivalence )?p", d) for d in details)
    assert not any(re.search(r"\b\d+ answered", d) for d in details)


def test_paired_n_below_k_is_not_printed(two_waves):
    rs2 = two_waves[3]
    # all but two of the second wave's respondents get new pseudonyms: 2 pairs, k = 5
    people = tuple(
        r if i < 2 else replace(r, id=f"NEW-{r.id}") for i, r in enumerate(rs2.respondents)
    )
    vm = _build(two_waves, K5, replace(rs2, respondents=people))
    details = [r.change_detail for r in vm.rows]
    assert any("fewer than 5 answered both waves" in d for d in details)
    assert not any(re.search(r"\b2 answered both waves", d) for d in details)


def test_no_pairs_say_unpaired_instead_of_a_count(two_waves):
    _inst, _rs1, _wr1, rs2, _wr2 = two_waves
    people = tuple(replace(r, id=f"X-{r.id}") for r in rs2.respondents)
    vm = _build(two_waves, K5, replace(rs2, respondents=people))
    assert all(
        r.change_detail.startswith("no one answered both waves (unpaired)")
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
            assert len(r.change_detail) > 10 and "Holm p" not in r.change_detail
            if opts.reissue:
                assert not re.search(r"\d", r.change_detail)

"""Personal report (issue 12, item 8): you against the management team (the AGI group) and the
organisation, your current and target, the statements where you differ most, the actions your
role owns and three reflection questions; never a named colleague or a group below k."""

from __future__ import annotations

import io

import numpy as np
import pypdf
import pytest

from reports import ReportOptions


@pytest.fixture(scope="module")
def h2():
    from assessment.service import report_score_options
    from assessment.synthetic import northwind
    from questionnaires.catalogue import get_instrument
    from scoring import score_wave

    inst = get_instrument("customer-centricity@1.1.0")
    rs = northwind("2026-H2", instrument=inst)
    return inst, rs, score_wave(inst, rs, report_score_options(3))


@pytest.fixture(scope="module")
def h1():
    from assessment.service import report_score_options
    from assessment.synthetic import northwind
    from questionnaires.catalogue import get_instrument
    from scoring import score_wave

    inst = get_instrument("customer-centricity@1.0.0")
    rs = northwind("2026-H1", instrument=inst)
    return inst, rs, score_wave(inst, rs, report_score_options(3))


def _vm(wave, who, options=None):
    from reports.views import build_individual_report

    inst, rs, wr = wave
    return build_individual_report(wr, rs, inst, who, options or ReportOptions())


def test_populations_are_named_with_n(h2):
    vm = _vm(h2, "NW-E02")
    assert vm.management == "Management team (8)"
    assert vm.organisation == "Whole organisation (60)"
    assert "Management team (8) · Whole organisation (60)" in vm.populations
    assert not vm.self_only


def test_capability_difference_is_against_the_management_team_median(h2):
    from reports.formatting import fmt_num, fmt_signed
    from reports.views.common import _quartiles

    _inst, rs, wr = h2
    vm = _vm(h2, "NW-E02")
    members = [i for i, r in enumerate(rs.respondents) if r.role == "executive"]
    idx = [r.id for r in rs.respondents].index("NW-E02")
    for row, cid in zip(vm.rows, wr.capabilities, strict=True):
        sc = wr.score(cid).respondent_scores
        q1, med, q3 = _quartiles([sc[i] for i in members])
        assert row.management_median == fmt_num(med)
        assert row.team_range == f"{fmt_num(q1)}–{fmt_num(q3)}"
        assert row.difference == fmt_signed(sc[idx] - med)
        assert row.team_median == fmt_num(_quartiles(sc)[1])  # the whole organisation's


def test_management_team_below_k_is_withheld_and_the_organisation_shown(h2):
    from reports.formatting import DASH

    vm = _vm(h2, "NW-S01", ReportOptions(min_group=9, min_group_comments=9))
    assert vm.management == "Management team (fewer than 9)"
    assert all(r.management_median == "fewer than 9 answered" for r in vm.rows)
    assert all(r.team_range == DASH and r.team_median != DASH for r in vm.rows)
    assert all("organisation" in i.meaning for i in vm.differences if i.meaning)


def test_differences_are_the_largest_distances_and_reverse_items_are_explained(h1):
    """'Where you differ' was sorted right, but the sign of a reverse-worded item's difference
    was not explained next to the answer."""
    inst, _rs, _wr = h1
    seen_reverse = 0
    for who in ("NW-E01", "NW-E03", "NW-E05", "NW-M02", "NW-S04", "NW-S11"):
        vm = _vm(h1, who)
        dist = [abs(float(i.difference.replace("−", "-"))) for i in vm.differences]
        assert dist == sorted(dist, reverse=True) and all(d >= 1.0 for d in dist)
        for i in vm.differences:
            assert i.reverse == bool(inst.item(i.id).reverse)
            if i.reverse:
                seen_reverse += 1
                assert i.meaning.startswith("Worded negatively: your ")
                higher = i.difference.startswith("+")
                assert ("less customer-centric" in i.meaning) == higher
            else:
                assert ("more customer-centric" in i.meaning) == i.difference.startswith("+")
    assert seen_reverse


def test_where_you_agree_is_not_the_first_items_in_order(h2):
    """'Where you agree' listed the first statements of the instrument (ties at distance 0)."""
    caps = []
    for who in ("NW-E01", "NW-E04", "NW-M05"):
        vm = _vm(h2, who)
        ids = [i.id for i in vm.agree]
        prefixes = [i.split("-")[0] for i in ids]
        assert len(set(prefixes)) == len(prefixes)  # one per capability
        caps.append(tuple(ids))
    assert len(set(caps)) > 1


def test_current_and_target_with_rated_levels_and_points_on_1_1(h2):
    inst, rs, _wr = h2
    vm = _vm(h2, "NW-E02")
    assert vm.rated and len(vm.own) == len(inst.capabilities)
    idx = [r.id for r in rs.respondents].index("NW-E02")
    for k, o in enumerate(vm.own):
        c = rs.capability_ids.index(inst.capabilities[k].id)
        assert o.rated == str(int(rs.level_current[idx, c]))
        assert o.points == str(int(rs.points[idx, c]))
        assert o.points_management not in ("", "–") and o.points_organisation not in ("", "–")
    assert all(o.descriptor for o in vm.own if o.gap.startswith("+"))


def test_1_0_has_levels_but_no_rated_columns(h1):
    vm = _vm(h1, "NW-E02")
    assert not vm.rated and all(o.rated == "" for o in vm.own)
    assert all(o.level in {"1", "2", "3", "4", "5"} for o in vm.own)


def test_actions_your_role_owns_are_matched_through_the_department(h2):
    vm = _vm(h2, "NW-E02")  # the Finance executive
    assert vm.actions and "Finance: cfo" in vm.actions_note
    assert all(
        a.owner in ("Chief financial officer", "The CEO and the executives reporting to them")
        for a in vm.actions
    )


def test_staff_own_no_action_and_the_report_says_so(h2):
    vm = _vm(h2, "NW-S03")
    assert vm.actions == () and vm.actions_note.startswith("No action of the team's roadmap")


def test_three_reflection_questions_from_the_largest_differences(h2):
    vm = _vm(h2, "NW-E02")
    assert len(vm.questions) == 3
    far = max(
        (r for r in vm.rows if r.median_value == r.median_value),
        key=lambda r: abs(r.you_value - r.median_value),
    )
    assert far.name in vm.questions[0] and "management team's median" in vm.questions[0]
    if vm.differences:
        assert vm.differences[0].text in vm.questions[1]


def test_pdf_names_no_colleague(h2):
    from reports import render_individual_pdf

    inst, rs, wr = h2
    pdf = render_individual_pdf(wr, rs, inst, "NW-E02", ReportOptions(), strict=True)
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "NW-E02" in flat
    assert not any(r.id in flat for r in rs.respondents if r.id != "NW-E02")
    assert "Management team (8)" in flat and "Whole organisation (60)" in flat
    assert "Questions to bring to the workshop" in flat and "Your part in the roadmap" in flat
    assert np.isfinite(wr.score("CUL").mean)


def test_profile_chart_alt_text_states_its_message():
    """The profile chart's alternative text (tagged PDF) says the highest and lowest capability
    and where the person differs most, from the printed figures."""
    from assessment.synthetic import northwind
    from questionnaires.catalogue import get_instrument
    from reports.options import ReportOptions
    from reports.views import build_individual_report
    from scoring import score_wave
    from scoring.results import ScoreOptions

    inst = get_instrument("customer-centricity@1.1.0")
    rs = northwind("2026-H2")
    wr = score_wave(inst, rs, ScoreOptions(bootstrap=0))
    vm = build_individual_report(wr, rs, inst, "NW-E01", ReportOptions())
    top = max((r for r in vm.rows if r.you_value == r.you_value), key=lambda r: r.you_value)
    assert f"highest {top.name} ({top.you})" in vm.profile_alt
    assert "You differ most on" in vm.profile_alt and "chart" not in vm.profile_alt.casefold()

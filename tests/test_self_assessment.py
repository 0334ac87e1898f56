"""A self-assessment (issue 12, item 8): an executive answering alone, or before the team, or in a
wave still below k, gets a personal report of their own view (profile, levels, ambition gap, the
roadmap their answers imply, questions for the team) with no team figure; the team comparison
appears once the wave has k. Before, every such report was refused ("needs at least 3
respondents")."""

from __future__ import annotations

import io

import pypdf
import pytest

from reports import ReportOptions


def _wave(n: int):
    from assessment.service import LoadedResponses
    from assessment.synthetic import northwind
    from questionnaires.catalogue import get_instrument

    inst = get_instrument("customer-centricity@1.1.0")
    rs = northwind("2026-H2", instrument=inst).select(list(range(n)))
    return LoadedResponses(inst, rs)


def _text(pdf: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


def test_one_respondent_alone_gets_a_self_assessment_not_a_refusal(tmp_path):
    from assessment import service

    loaded = _wave(1)
    pdf = service.individual_report(loaded, ReportOptions(), "NW-E01")
    text = _text(pdf)
    assert "Self-assessment" in text and "Your own view" in text
    assert "fewer than 3 people have answered so far" in text
    assert "The roadmap your answers imply" in text and "Questions to bring to the workshop" in text
    assert "Management team (" not in text and "Whole organisation (" not in text
    assert "You − management" not in text and "Mgmt mean" not in text


def test_self_assessment_view_has_no_team_figure():
    from reports.formatting import DASH
    from reports.views import build_individual_report
    from scoring import score_wave

    loaded = _wave(2)
    inst, rs = loaded.instrument, loaded.responses
    wr = score_wave(inst, rs)
    vm = build_individual_report(wr, rs, inst, "NW-E01", ReportOptions())
    assert vm.self_only and vm.differences == () and vm.agree == ()
    assert all(r.team_range == DASH and r.management_median == DASH for r in vm.rows)
    assert all(r.median_value != r.median_value for r in vm.rows)  # NaN: the chart draws no bar
    assert all(o.points_management == "" or o.points_management == DASH for o in vm.own)
    assert vm.actions and "planned from your levels and targets alone" in vm.actions_note
    assert len(vm.questions) == 3
    assert rs.respondents[0].department == "Operations"  # coo: its actions are marked
    assert any(a.yours for a in vm.actions) and "Operations: coo" in vm.actions_note


def test_self_assessment_levels_are_the_respondents_own():
    from reports.views import build_individual_report
    from scoring import score_wave
    from scoring.results import ScoreOptions

    loaded = _wave(1)
    inst, rs = loaded.instrument, loaded.responses
    vm = build_individual_report(score_wave(inst, rs), rs, inst, "NW-E01", ReportOptions())
    alone = score_wave(inst, rs, ScoreOptions(min_group=1, bootstrap=0, permutations=0))
    for o, cid in zip(vm.own, alone.capabilities, strict=True):
        assert o.level == str(alone.level(cid).level)
        assert o.target == str(alone.level(cid).target_level)


def test_a_wave_of_k_shows_the_team_comparison():
    from assessment import service

    text = _text(service.individual_report(_wave(3), ReportOptions(), "NW-E01"))
    assert "Self-assessment" not in text
    assert "Management team (3)" in text and "Whole organisation (3)" in text


def test_self_assessment_is_not_recorded_so_the_teams_report_is_not_blocked(tmp_path):
    from assessment import service
    from assessment.service.ledger import ReportLedger

    ledger = ReportLedger(user=tmp_path / "ledger.json")
    k5 = ReportOptions(min_group=5, min_group_comments=5)
    service.individual_report(_wave(1), k5, "NW-E01", ledger=ledger)
    # a team report of 5 differs from a recorded set {NW-E01} by 4 < k: it would be refused
    pdf = service.team_report(_wave(5), k5, ledger=ledger)
    assert pdf.startswith(b"%PDF")


def test_all_personal_reports_of_a_wave_below_k_are_self_assessments(tmp_path):
    from assessment import service

    paths = service.individual_reports(_wave(2), ReportOptions(), tmp_path / "out", workers=1)
    assert len(paths) == 2
    assert all("Self-assessment" in _text(p.read_bytes()) for p in paths)


@pytest.mark.parametrize("n", [1, 3])
def test_self_and_team_reports_render_without_warnings(n):
    from reports import render_individual_pdf
    from scoring import score_wave

    loaded = _wave(n)
    inst, rs = loaded.instrument, loaded.responses
    pdf = render_individual_pdf(score_wave(inst, rs), rs, inst, "NW-E01", strict=True)
    assert pdf.startswith(b"%PDF")

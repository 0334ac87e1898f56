"""The findings engine (issue 12, item 1): candidates of every kind, salience = effect x certainty
x weight, the headline and the board's decision; findings in safe, reissued and JSON output."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from click.testing import CliRunner

from assessment.service.analyst_output import ScoreOutput
from assessment.service.withholding import safe_result
from assessment.synthetic import HARBOUR_PLANTED, WAVE_INSTRUMENT, harbour, northwind
from questionnaires.catalogue import get_instrument
from scoring import score_wave
from scoring.findings import (
    BORDERLINE_CERTAINTY,
    NO_FINDING,
    REISSUE_DROPPED,
    board_decision,
    headline,
    rank,
    reissued,
    wave_findings,
)
from scoring.inference import holm
from scoring.null import ALPHA
from scoring.results import FINDING_KINDS, Finding, ScoreOptions

NORTHWIND_PLANTED = {
    ("perception_gap", "CUL"),
    ("perception_gap", "VOC"),
    ("perception_gap", "DEC"),
    ("misaligned_current", "MET"),
    ("silo", "MET"),
}
OPTS = ScoreOptions(bootstrap=100)


def _scored(which: str):
    if which == "harbour":
        inst = get_instrument("customer-centricity@1.1.0")
        rs = harbour(instrument=inst)
        return inst, rs, score_wave(inst, rs, OPTS), set(HARBOUR_PLANTED)
    inst = get_instrument(WAVE_INSTRUMENT[which])
    rs = northwind(which, instrument=inst)
    return inst, rs, score_wave(inst, rs, OPTS), NORTHWIND_PLANTED


@pytest.fixture(scope="module", params=["2026-H1", "2026-H2", "harbour"])
def case(request):
    return _scored(request.param)


def test_first_finding_is_the_largest_planted_effect_and_the_headline_names_it(case):
    inst, _, result, planted = case
    found = {(f.kind, f.capability_id): f for f in result.findings}
    assert planted <= set(found), planted - set(found)  # every planted effect is found
    first = result.findings[0]
    assert (first.kind, first.capability_id) in planted
    assert first.salience == max(found[p].salience for p in planted)
    name = next(c.name for c in inst.capabilities if c.id == first.capability_id)
    text = headline(result.findings)
    assert text == first.headline and name in text
    assert not re.search(r"\baligned\b", text, re.IGNORECASE)


def test_salience_is_effect_times_certainty_times_weight_and_ranks_the_list(case):
    inst, _, result, _ = case
    weights = {c.id: c.weight for c in inst.capabilities}
    assert result.findings, "a wave with planted effects has findings"
    for f in result.findings:
        assert f.salience == pytest.approx(f.effect_levels * f.certainty * f.weight)
        assert f.weight == weights[f.capability_id] and 0 <= f.certainty <= 1
        assert f.kind in FINDING_KINDS and f.effect_levels > 0
    sal = [f.salience for f in result.findings]
    assert sal == sorted(sal, reverse=True)


def test_each_finding_rests_on_its_error_controlled_statistic(case):
    _, _, result, _ = case
    perception = {p.capability_id: p for p in result.perception}
    for f in result.findings:
        if f.kind == "perception_gap":
            p = perception[f.capability_id]
            assert p.label == f.label and p.label in ("blind spot", "hidden strength")
            assert p.test is not None
            assert f.certainty == pytest.approx(1 - p.test.p_adjusted)
            assert f.effect_levels == pytest.approx(abs(p.gap))
        elif f.kind.startswith("misaligned"):
            basis = "current" if f.kind == "misaligned_current" else "target"
            a = result.agi_for(f.capability_id, "management", basis)
            assert a.band == "misaligned" and f.certainty == pytest.approx(1 - ALPHA)
            assert f.effect_levels == pytest.approx(4 * a.value / 100)
        elif f.kind == "borderline_level":
            lv = result.level(f.capability_id)
            assert lv.organisation is not None and lv.organisation.borderline
            assert f.certainty == BORDERLINE_CERTAINTY
    # a silo is a finding exactly when its Holm-adjusted F-test rejects
    tested = [s for s in result.silos if not math.isnan(s.separation.p_value)]
    adj = holm([s.separation.p_value for s in tested])
    silos = {f.capability_id for f in result.findings if f.kind == "silo"}
    assert silos == {s.capability_id for s, p in zip(tested, adj, strict=True) if p < ALPHA}
    # no perception finding without a label saying so
    labelled = {c for c, p in perception.items() if p.label in ("blind spot", "hidden strength")}
    assert {f.capability_id for f in result.findings if f.kind == "perception_gap"} == labelled


def test_the_second_organisation_has_no_blind_spot_and_one_misaligned_target():
    _, _, result, _ = _scored("harbour")
    kinds = [(f.kind, f.capability_id) for f in result.findings]
    assert not [k for k in kinds if k[0] == "perception_gap"]
    assert [k for k in kinds if k[0] == "misaligned_target"] == [("misaligned_target", "DEC")]
    assert [k for k in kinds if k[0] == "silo"] == [("silo", "SSI")]


def test_headline_without_findings_says_nothing_stands_out_not_aligned():
    assert headline(()) == NO_FINDING and "aligned" not in NO_FINDING
    weak = Finding(
        "borderline_level", "CUL", "organisation", 1.0, 1, 0.0, 1.0, 0.0, "borderline", "x"
    )
    assert headline((weak,)) == NO_FINDING  # salience 0 claims nothing


def test_ties_are_broken_by_kind_then_capability_order():
    def f(kind, cap):
        return Finding(kind, cap, "organisation", 1.0, 0, 1.0, 1.0, 1.0, "x", kind + cap)

    ranked = rank(
        [f("strength", "A"), f("silo", "B"), f("silo", "A"), f("perception_gap", "B")], ["A", "B"]
    )
    assert [(x.kind, x.capability_id) for x in ranked] == [
        ("perception_gap", "B"),
        ("silo", "A"),
        ("silo", "B"),
        ("strength", "A"),
    ]


def test_board_decision_asks_for_stage_1_and_the_gate_not_the_whole_programme(case):
    inst, _, result, _ = case
    text = board_decision(result.findings, result.roadmap, inst)
    first = result.roadmap.stages[0]
    assert text.startswith("The board is asked to commit stage 1 only")
    assert f"months {first.start_month}–{first.end_month}" in text
    assert "go/no-go gate" in text and "not on the whole programme" in text


def test_wave_findings_without_the_management_team_has_no_ambition_findings(case):
    inst, rs, result, _ = case
    again = wave_findings(result, inst, department_names=rs.department_names())
    assert not [f for f in again if f.kind == "ambition_gap"]
    assert [f for f in result.findings if f.kind != "ambition_gap"] == list(again)


# -- anonymity ---------------------------------------------------------------------------------


def test_safe_output_drops_findings_with_the_figures_they_rest_on():
    inst, rs, result, _ = _scored("2026-H1")
    safe, _ = safe_result(result, rs, 3)
    assert {(f.kind, f.capability_id) for f in safe.findings} >= NORTHWIND_PLANTED
    # k = 9: the 8 executives are below k: no perception or management figure, and so no
    # finding resting on one; a silo only over departments shown with 9 or more
    big = score_wave(inst, rs, ScoreOptions(bootstrap=100, min_group=9))
    safe9, _ = safe_result(big, rs, 9)
    kinds = {f.kind for f in safe9.findings}
    assert "perception_gap" in {f.kind for f in big.findings}  # labels need 3 a side, not k
    assert not kinds & {"perception_gap", "misaligned_current", "ambition_gap"}
    assert all(f.n is None or f.n >= 9 for f in safe9.findings)
    assert not [a for a in safe9.agi if a.group == "management"]  # the figures went too
    silos = {s.capability_id: s for s in safe9.silos}
    for f in (f for f in safe9.findings if f.kind == "silo"):
        shown = {f"department:{d}": m for d, n, m in silos[f.capability_id].department_means}
        assert {k: v for k, v in f.evidence.items() if k.startswith("department:")} == shown
        assert all(n >= 9 for _, n, _ in silos[f.capability_id].department_means)


def test_safe_findings_give_no_n_below_k():
    _, rs, result, _ = _scored("harbour")
    safe, _ = safe_result(result, rs, 8)
    assert all(f.n is None or f.n >= 8 for f in safe.findings)
    # the management team has exactly 8: its findings stay at k = 8
    assert ("misaligned_target", "DEC") in {(f.kind, f.capability_id) for f in safe.findings}
    safe9, _ = safe_result(result, rs, 9)
    assert ("misaligned_target", "DEC") not in {(f.kind, f.capability_id) for f in safe9.findings}


def test_a_reissue_keeps_only_kind_capability_and_label():
    _, rs, result, _ = _scored("2026-H2")
    safe, withheld = safe_result(result, rs, 3)
    data = ScoreOutput(
        safe, identifying=False, min_group=3, withheld=withheld, reissue=True
    ).as_dict()
    assert data["findings"], "a reissue keeps the findings it can"
    for f in data["findings"]:
        assert set(f) == {"kind", "capability_id", "label"}
        assert f["kind"] not in REISSUE_DROPPED
    plain = reissued(safe.findings)
    assert [(f.kind, f.capability_id) for f in plain] == [
        (f["kind"], f["capability_id"]) for f in data["findings"]
    ]
    assert all(math.isnan(f.salience) and not f.evidence and f.n is None for f in plain)
    assert not [f for f in plain if re.search(r"\d", f.headline)]


@pytest.mark.parametrize("which", ["2026-H1", "2026-H2"])
def test_score_json_lists_findings_most_salient_first(which, tmp_path):
    from assessment.cli import cli
    from assessment.io.writers import write_csv

    inst = get_instrument(WAVE_INSTRUMENT[which])
    rs = northwind(which, instrument=inst)
    path = write_csv(rs, tmp_path / f"northwind-{which}.csv")
    result = CliRunner().invoke(
        cli,
        ["score", str(path), "--instrument", inst.ref, "--bootstrap", "100", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    sal = [f["salience"] for f in data["findings"]]
    assert sal and sal == sorted(sal, reverse=True)
    assert {"kind", "capability_id", "headline", "evidence", "certainty"} <= set(
        data["findings"][0]
    )
    assert data["findings"][0]["headline"] == score_wave(inst, rs, OPTS).findings[0].headline


def test_findings_are_deterministic():
    _, _, a, _ = _scored("2026-H2")
    _, _, b, _ = _scored("2026-H2")
    assert a.findings == b.findings


def test_strength_compares_each_respondent_with_their_other_capabilities():
    _, _, result, _ = _scored("2026-H1")
    strengths = [f for f in result.findings if f.kind == "strength"]
    assert strengths
    lv = np.column_stack([np.asarray(s.respondent_scores) for s in result.scores])
    for f in strengths:
        k = result.capabilities.index(f.capability_id)
        rest = np.nanmean(np.delete(lv, k, axis=1), axis=1)
        ok = ~np.isnan(lv[:, k]) & ~np.isnan(rest)
        assert f.evidence["difference"] == pytest.approx(float((lv[ok, k] - rest[ok]).mean()))

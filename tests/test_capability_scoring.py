"""Scoring capability-level answers (issue 11, items 2 and 3): targets from rated target levels,
the rated level checked against the item-based level, investment points and Kendall's W, their
JSON/CSV output and their suppression in safe output."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from questionnaires.answers import ResponseRecord, records_to_response_set
from questionnaires.catalogue import get_instrument
from questionnaires.errors import ScoringError
from questionnaires.loader import load_instrument
from scoring import ScoreOptions, score_wave
from scoring.capability_levels import (
    investment_points,
    kendalls_w,
    level_checks,
    priority_agreement,
)

MINI11 = Path(__file__).parent / "fixtures" / "mini11" / "1.1.0.yaml"
OPTS = ScoreOptions(bootstrap=0)


@pytest.fixture(scope="module")
def mini11():
    return load_instrument(MINI11)


def rec(rid, item, current=None, target=None, *, points=None, role="executive", dep="Sales"):
    return ResponseRecord(
        wave="W1",
        respondent=rid,
        role=role,
        department=dep,
        item=item,
        current=current,
        target=target,
        points=points,
    )


def tiny_records():
    """Three executives and one manager on mini11 (CUL, SYS, MET).

    Item answers (reverse-coded CUL-02: 6 − x):
      a: CUL-01 4, CUL-02 2 → CUL 4.0; SYS-01 3, SYS-02 3 → 3.0; MET 2, 2 → 2.0
      b: CUL 5, 1 → 5.0;              SYS 2, 2 → 2.0;          MET 3, 3 → 3.0
      c: CUL 3, 3 → 3.0;              SYS 4, 4 → 4.0;          MET 1, 1 → 1.0
      d: CUL 2, 4 → 2.0;              SYS 1, 1 → 1.0;          MET 4, 4 → 4.0
    """
    levels = {  # respondent: [(current, target, points)] for CUL, SYS, MET
        "a": [(4, 5, 50), (3, 4, 30), (2, 3, 20)],
        "b": [(5, 5, 60), (1, 3, 40), (3, 4, 0)],
        "c": [(2, 4, 40), (4, 4, 40), (1, 2, 20)],
        "d": [(2, 3, 10), (1, 2, 10), (4, 5, 80)],
    }
    items = {
        "a": (4, 2, 3, 3, 2, 2),
        "b": (5, 1, 2, 2, 3, 3),
        "c": (3, 3, 4, 4, 1, 1),
        "d": (2, 4, 1, 1, 4, 4),
    }
    out = []
    for rid in "abcd":
        role = "manager" if rid == "d" else "executive"
        for cap, (cur, tgt, pts) in zip(("CUL", "SYS", "MET"), levels[rid], strict=True):
            out.append(rec(rid, cap, cur, tgt, points=pts, role=role))
        ids = ("CUL-01", "CUL-02", "SYS-01", "SYS-02", "MET-01", "MET-03")
        for iid, x in zip(ids, items[rid], strict=True):
            # CUL-01 asks a per-item target (kept as item detail); the others ask none
            out.append(rec(rid, iid, x, 2 if iid == "CUL-01" else None, role=role))
    return out


@pytest.fixture(scope="module")
def tiny(mini11):
    rs = records_to_response_set(mini11, tiny_records(), source="tiny.csv")
    return rs, score_wave(mini11, rs, OPTS)


# -- 1. targets from levels ------------------------------------------------------------------------


def test_targets_are_the_rated_target_levels_not_item_targets(tiny):
    _, r = tiny
    cul, sys_, met = (r.score(c) for c in ("CUL", "SYS", "MET"))
    # CUL targets 5, 5, 4, 3 (levels), not the CUL-01 item target 2 everyone gave
    assert cul.respondent_targets == (5.0, 5.0, 4.0, 3.0)
    assert cul.target_mean == pytest.approx(4.25) and cul.target_median == pytest.approx(4.5)
    assert sys_.target_mean == pytest.approx(13 / 4) and met.target_mean == pytest.approx(14 / 4)
    # per-item targets stay item-level detail
    (cul01,) = [it for it in r.items if it.item_id == "CUL-01"]
    assert cul01.target_mean == pytest.approx(2.0)


def test_target_level_ambition_gap_and_target_agi_use_the_levels(tiny):
    _, r = tiny
    # target level: floor of the median target level (CUL: median 4.5 → 4; SYS 3.5 → 3; MET 3.5 → 3)
    assert [lv.target_level for lv in r.levels] == [4, 3, 3]
    (amb,) = [a for a in r.ambition if a.capability_id == "CUL"]
    current = np.mean([4.0, 5.0, 3.0, 2.0])
    assert amb.gap == pytest.approx(4.25 - current)
    # target AGI of the management team (a, b, c: CUL 5, 5, 4): one rated statement behind it
    agi = r.agi_for("CUL", "management", "target")
    assert agi.items == 1 and agi.n == 3
    pairs = [abs(x - y) for x, y in ((5, 5), (5, 4), (5, 4))]
    assert agi.value == pytest.approx(100 * np.mean(pairs) / 4)


def test_na_on_a_level_leaves_the_target_missing(mini11):
    records = [
        replace(x, current=None, target=None, na=True)
        if (x.respondent, x.item) == ("a", "CUL")
        else x
        for x in tiny_records()
    ]
    rs = records_to_response_set(mini11, records, source="tiny.csv")
    r = score_wave(mini11, rs, OPTS)
    assert math.isnan(r.score("CUL").respondent_targets[0])
    assert r.score("CUL").target_mean == pytest.approx(12 / 3)


def test_a_level_outside_1_to_5_in_a_set_built_by_hand_is_a_scoring_error(mini11, tiny):
    rs, _ = tiny
    bad = replace(rs, level_target=np.where(rs.level_target == 5, 6.0, rs.level_target))
    with pytest.raises(ScoringError, match=r"target level.*respondent 'a', capability CUL"):
        score_wave(mini11, bad, OPTS)


# -- 2. level check --------------------------------------------------------------------------------


def test_level_check_compares_the_rated_level_with_the_item_based_level(tiny):
    _, r = tiny
    checks = {(c.capability_id, c.group): c for c in r.capability_answers.level_checks}
    # organisation CUL: rated 4, 5, 2, 2 against item levels 4, 5, 3, 2
    c = checks["CUL", "organisation"]
    assert (c.n, c.rated_median, c.item_level) == (4, 3.0, 3)
    assert (c.n_higher, c.n_lower, c.n_equal) == (0, 1, 3) and not c.differs
    assert c.p_value == pytest.approx(stats.binomtest(0, 1, 0.5).pvalue)
    # SYS: rated 3, 1, 4, 1 = item levels 3, 2, 4, 1 except b (1 < 2)
    assert checks["SYS", "organisation"].n_lower == 1
    # management (a, b, c) MET: rated 2, 3, 1 = item levels 2, 3, 1
    m = checks["MET", "management"]
    assert (m.n, m.rated_median, m.item_level, m.n_equal, m.label) == (
        3,
        2.0,
        2,
        3,
        "no clear difference",
    )


def test_level_check_flags_a_whole_level_apart_and_labels_only_under_holm():
    opts = ScoreOptions()
    n = 12
    rated = np.full((n, 2), 4.0)
    s = np.column_stack([np.full(n, 30.0), np.full(n, 80.0)])  # item levels 2 and 4
    (a, b) = level_checks(["CUL", "SYS"], rated, s, {"organisation": np.ones(n, bool)}, opts)
    assert a.differs and a.difference == 2.0 and a.n_higher == n
    assert a.p_value == pytest.approx(2 * 0.5**n)
    assert a.p_adjusted == pytest.approx(2 * a.p_value)  # Holm over the two computed checks
    assert a.label == "rated higher"
    assert not b.differs and b.label == "no clear difference" and b.p_value == 1.0


def test_level_check_of_eight_managers_all_one_way_is_flagged_but_not_labelled():
    """Eight managers all rating one level higher: the sign test's smallest p (2/256) times the
    16 tests of a wave is above .05, so only the descriptive flag says it."""
    opts = ScoreOptions()
    rated = np.full((8, 8), 4.0)
    s = np.full((8, 8), 30.0)
    groups = {"management": np.ones(8, bool), "organisation": np.ones(8, bool)}
    checks = level_checks([f"C{i}" for i in range(8)], rated, s, groups, opts)
    assert all(c.differs for c in checks)
    assert all(c.label == "no clear difference" for c in checks)
    assert checks[0].p_value == pytest.approx(2 / 256)


def test_level_check_labels_keep_the_family_wise_error_below_alpha():
    """200 seeded waves (60 respondents, 8 managers, 8 capabilities) in which each respondent
    rates one level above or below their own item-based level with 25% probability each: no
    systematic difference, so every label is false. Holm keeps waves with any false label below
    .05 (measured 0.011 on 1,000 waves, docs/methodology.md#11-capability-level-answers); the
    unadjusted p-values would label far more."""
    rng = np.random.default_rng(2026)
    opts = ScoreOptions()
    caps = [f"C{i}" for i in range(8)]
    groups = {"management": np.arange(60) < 8, "organisation": np.ones(60, bool)}
    any_false = any_raw = 0
    for _ in range(200):
        s = rng.uniform(25, 74.9, size=(60, 8))  # item-based levels 2 and 3: no clipping at 1 or 5
        u = rng.random((60, 8))
        rated = np.floor(1 + 4 * s / 100) + np.where(u < 0.25, 1, np.where(u < 0.5, -1, 0))
        checks = level_checks(caps, rated, s, groups, opts)
        any_false += any(c.label in ("rated higher", "rated lower") for c in checks)
        any_raw += any(c.p_value < 0.05 for c in checks)
    assert any_false / 200 < 0.05
    assert any_raw / 200 > 0.3


def test_level_check_below_label_min_n_is_not_computed():
    (c,) = level_checks(
        ["CUL"],
        np.array([[3.0], [3.0]]),
        np.array([[50.0], [50.0]]),
        {"organisation": np.ones(2, bool)},
        ScoreOptions(),
    )
    assert c.label == "not computed" and math.isnan(c.p_value) and "at least 3" in c.reason
    assert c.rated_median == 3.0 and c.item_level == 3


# -- 3. investment points --------------------------------------------------------------------------


def test_points_statistics_against_hand_and_numpy_values(tiny):
    _, r = tiny
    pts = {(p.capability_id, p.group): p for p in r.capability_answers.investment}
    # organisation CUL: 50, 60, 40, 10
    c = pts["CUL", "organisation"]
    assert (c.n, c.mean, c.median) == (4, 40.0, 45.0)
    assert (c.q1, c.q3) == (32.5, 52.5)  # numpy/R type 7: 10 + .75·30 ... by hand
    assert c.share_zero == 0.0
    # MET: 20, 0, 20, 80 → mean 30, one zero; SYS: 30, 40, 40, 10 → mean 30: tied rank 2
    met, sys_ = pts["MET", "organisation"], pts["SYS", "organisation"]
    assert met.share_zero == 0.25 and (c.rank, sys_.rank, met.rank) == (1, 2, 2)
    # management (a, b, c): CUL 50, 60, 40
    m = pts["CUL", "management"]
    assert (m.n, m.mean, m.median, m.q1, m.q3) == (3, 50.0, 50.0, 45.0, 55.0)


def test_points_left_empty_count_as_zero_in_an_allocation():
    pts = np.array([[100.0, np.nan], [np.nan, np.nan], [50.0, 50.0]])
    a, b = investment_points(["CUL", "SYS"], pts, {"organisation": np.ones(3, bool)})
    assert a.n == 2 and b.mean == 25.0 and b.share_zero == 0.5


def test_kendalls_w_matches_irr_anxiety_example_and_scipy_friedman():
    """Reference: the ``anxiety`` data of R's ``irr`` package (Gamer et al.; 20 subjects, 3
    raters, ties within raters), whose ``kendall(anxiety, correct = TRUE)`` prints Wt = 0.54,
    Chisq(19) = 30.8, p-value = 0.0429; and ``scipy.stats.friedmanchisquare``, whose tie-corrected
    statistic is m(n − 1)W."""
    r1 = [3, 3, 3, 4, 5, 5, 2, 3, 5, 2, 2, 6, 1, 5, 2, 2, 1, 2, 4, 3]
    r2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4]
    r3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2]
    x = np.array([r1, r2, r3], dtype=float)
    w, chi2, df, p = kendalls_w(x)
    assert (round(w, 2), round(chi2, 1), df, round(p, 4)) == (0.54, 30.8, 19, 0.0429)
    fr = stats.friedmanchisquare(*x.T)
    assert chi2 == pytest.approx(fr.statistic, rel=1e-12) and p == pytest.approx(
        fr.pvalue, rel=1e-12
    )
    assert w == pytest.approx(fr.statistic / (3 * 19), rel=1e-12)


def test_kendalls_w_of_point_allocations_with_ties_matches_scipy(tiny):
    _, r = tiny
    (mgmt, org) = r.capability_answers.priorities
    pts = np.array([[50, 30, 20], [60, 40, 0], [40, 40, 20], [10, 10, 80]], dtype=float)
    fr = stats.friedmanchisquare(*pts.T)
    assert org.group == "organisation" and org.n_raters == 4
    assert org.w == pytest.approx(fr.statistic / (4 * 2), rel=1e-12)
    assert org.p_value == pytest.approx(fr.pvalue, rel=1e-12)
    fr_m = stats.friedmanchisquare(*pts[:3].T)
    assert mgmt.w == pytest.approx(fr_m.statistic / (3 * 2), rel=1e-12)


def test_kendalls_w_is_one_for_identical_rankings_and_undefined_for_flat_ones():
    same = np.array([[50, 30, 20]] * 4, dtype=float)
    assert kendalls_w(same)[0] == pytest.approx(1.0)
    flat = np.full((4, 2), 50.0)
    (pa,) = priority_agreement(flat, {"management": np.ones(4, bool)})
    assert math.isnan(pa.w) and "same points" in pa.reason
    (few,) = priority_agreement(same[:2], {"management": np.ones(2, bool)})
    assert math.isnan(few.w) and "at least 3" in few.reason


# -- 4. 1.0.0 unchanged ----------------------------------------------------------------------------

#: sha256 of the identifying JSON (without ``business_case``, another module's) of
#: :func:`one_zero_set` scored with ``ScoreOptions(bootstrap=200)``, computed with the code of
#: commit 06cb7c3, before capability-level scoring existed; updated when issue 12's board-grade
#: roadmap (stage names, owners, criteria) changed the roadmap part only (without the roadmap the
#: hash is 06cb7c3's).
ONE_ZERO_DIGEST = "a45be4bc98f83cb7ab598b1d22266b5d8c50bb776d70afa4edc5b6159c5399fb"


def one_zero_set():
    """A seeded customer-centricity 1.0.0 wave of 24 respondents (roles, departments, N/A)."""
    inst = get_instrument("customer-centricity@1.0.0")
    rng = np.random.default_rng(11)
    roles = ["executive"] * 6 + ["manager"] * 8 + ["staff"] * 10
    deps = ["Sales", "Service", "Finance"]
    records = []
    for i, role in enumerate(roles):
        for cap in inst.capabilities:
            for it in cap.items:
                if it.roles and role not in it.roles:
                    continue
                if rng.random() < 0.05:
                    records.append(
                        ResponseRecord(
                            "2026-H1", f"R{i:02d}", role, deps[i % 3], it.id, None, None, na=True
                        )
                    )
                    continue
                cur = int(rng.integers(1, 6))
                tgt = int(min(5, cur + rng.integers(0, 3))) if it.target else None
                records.append(
                    ResponseRecord("2026-H1", f"R{i:02d}", role, deps[i % 3], it.id, cur, tgt)
                )
    return inst, records_to_response_set(inst, records, source="one-zero")


def one_zero_digest() -> str:
    from assessment.service.result_data import result_dict

    inst, rs = one_zero_set()
    data = result_dict(score_wave(inst, rs, ScoreOptions(bootstrap=200)))
    data.pop("business_case")
    data.pop("findings", None)  # issue 12 adds findings to every result (scoring.findings)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_1_0_0_result_and_its_json_are_as_before():
    inst, rs = one_zero_set()
    r = score_wave(inst, rs, ScoreOptions(bootstrap=200))
    assert r.capability_answers is None
    assert one_zero_digest() == ONE_ZERO_DIGEST


# -- 5. output -------------------------------------------------------------------------------------


def _loaded(instrument, rs):
    from assessment.service.loading import LoadedResponses

    return LoadedResponses(instrument, rs)


def test_score_json_and_csv_carry_the_capability_answers(mini11, tiny):
    from assessment import service

    rs, _ = tiny
    out = service.score_output(_loaded(mini11, rs), replace(OPTS, min_group=1), identifying=True)
    data = json.loads(out.json())
    ca = data["capability_answers"]
    assert ca["budget"] == 100 and ca["horizon_months"] == 24
    assert {c["group"] for c in ca["level_checks"]} == {"management", "organisation"}
    assert len(ca["investment"]) == 6 and len(ca["priorities"]) == 2
    rows = list(csv.DictReader(io.StringIO(out.csv().split("\n", 1)[1])))
    cul = next(r for r in rows if r["capability"] == "CUL")
    assert (cul["rated_level"], cul["item_level"], cul["points_mean"], cul["points_rank"]) == (
        "3.0",
        "3",
        "40.0",
        "1",
    )
    assert cul["points_mean_management"] == "50.0" and cul["level_differs"] == "False"
    overall = next(r for r in rows if r["capability"] == "overall")
    assert overall["priority_w"] != "" and overall["points_mean"] == ""


def test_a_1_0_0_score_csv_has_no_capability_level_columns(mini_instrument):
    from assessment import service
    from assessment.service.result_data import SUMMARY_COLUMNS
    from assessment.synthetic import northwind

    rs = northwind(instrument=mini_instrument)
    out = service.score_output(_loaded(mini_instrument, rs), OPTS)
    assert out.csv().splitlines()[0] == ",".join(SUMMARY_COLUMNS)
    assert "capability_answers" not in out.as_dict()


# -- 6. safe output ----------------------------------------------------------------------------------


def wave_records(n_exec, n_other, seed=3):
    """``n_exec`` executives and ``n_other`` managers on mini11 with seeded answers and points."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n_exec + n_other):
        role = "executive" if i < n_exec else "manager"
        rid = f"p{i:02d}"
        a = int(rng.integers(0, 11)) * 10
        b = int(rng.integers(0, 11 - a // 10)) * 10
        for cap, pts in zip(("CUL", "SYS", "MET"), (a, b, 100 - a - b), strict=True):
            out.append(
                rec(
                    rid,
                    cap,
                    int(rng.integers(1, 6)),
                    int(rng.integers(3, 6)),
                    points=pts,
                    role=role,
                )
            )
        for iid in ("CUL-01", "CUL-02", "SYS-01", "SYS-02", "MET-01", "MET-03"):
            out.append(rec(rid, iid, int(rng.integers(1, 6)), role=role))
    return out


def test_safe_output_withholds_the_management_split_when_the_others_are_below_k(mini11):
    """Seven executives and one manager: the organisation's mean points × 8 minus the management
    team's × 7 would be the manager's own points. Safe output shows no management figure."""
    from assessment import service

    rs = records_to_response_set(mini11, wave_records(7, 1), source="w.csv")
    full = service.score_output(_loaded(mini11, rs), OPTS, identifying=True).as_dict()[
        "capability_answers"
    ]
    org = {p["capability_id"]: p for p in full["investment"] if p["group"] == "organisation"}
    mgmt = {p["capability_id"]: p for p in full["investment"] if p["group"] == "management"}
    lone = rs.respondents.index(next(r for r in rs.respondents if r.role == "manager"))
    recovered = {c: org[c]["mean"] * org[c]["n"] - mgmt[c]["mean"] * mgmt[c]["n"] for c in org}
    truth = dict(zip(rs.capability_ids, rs.points[lone].tolist(), strict=True))
    assert recovered == pytest.approx(truth)  # the attack works on identifying output

    out = service.score_output(_loaded(mini11, rs), OPTS)
    safe = out.as_dict()["capability_answers"]
    assert {p["group"] for p in safe["investment"]} == {"organisation"}
    assert {c["group"] for c in safe["level_checks"]} == {"organisation"}
    assert [p["group"] for p in safe["priorities"]] == ["organisation"]
    assert any(w.group == "capability answers" for w in out.withheld)
    cul = next(r for r in csv.DictReader(io.StringIO(out.csv())) if r["capability"] == "CUL")
    assert cul["points_mean_management"] == "" and cul["points_mean"] != ""


def test_safe_output_keeps_the_management_split_when_both_sides_reach_k(mini11):
    from assessment import service

    rs = records_to_response_set(mini11, wave_records(4, 4), source="w.csv")
    safe = service.score_output(_loaded(mini11, rs), OPTS).as_dict()["capability_answers"]
    assert {p["group"] for p in safe["investment"]} == {"management", "organisation"}
    assert len(safe["level_checks"]) == 6


def test_two_safe_outputs_a_person_apart_do_not_give_that_persons_points(mini11):
    """The second output, one person fewer, is refused; written anyway as a reissue it carries no
    points figure but ranks, so mean × n before minus after recovers nothing."""
    from assessment import service
    from questionnaires.errors import CentricError

    records = wave_records(4, 5)
    rs = records_to_response_set(mini11, records, source="w.csv")
    gone = rs.respondents[-1].id
    fewer = records_to_response_set(
        mini11, [x for x in records if x.respondent != gone], source="w2.csv"
    )
    ledger = service.report_ledger(None)
    first = service.score_output(_loaded(mini11, rs), OPTS, ledger=ledger).as_dict()
    with pytest.raises(CentricError):
        service.score_output(_loaded(mini11, fewer), OPTS, ledger=ledger)
    second = service.score_output(_loaded(mini11, fewer), OPTS, ledger=ledger, allow_reissue=True)
    data = second.as_dict()["capability_answers"]
    assert second.reissue
    assert all(p["group"] == "organisation" for p in data["investment"])
    assert all(
        p["mean"] is None and p["n"] is None and p["median"] is None for p in data["investment"]
    )
    assert all(
        c["n"] is None and c["n_higher"] is None and c["p_value"] is None
        for c in data["level_checks"]
    )
    a = {
        p["capability_id"]: p
        for p in first["capability_answers"]["investment"]
        if p["group"] == "organisation"
    }
    with pytest.raises(TypeError):  # mean × n after the reissue: there is nothing to subtract
        [
            a[p["capability_id"]]["mean"] * a[p["capability_id"]]["n"] - p["mean"] * p["n"]
            for p in data["investment"]
        ]
    rows = list(csv.DictReader(io.StringIO(second.csv())))
    assert {r["points_mean"] for r in rows} == {""} and {r["points_median"] for r in rows} == {""}
    assert any(r["points_rank"] for r in rows)


def test_a_capability_level_figure_of_fewer_than_k_is_withheld(mini11):
    from assessment import service

    records = wave_records(4, 4)
    # only two respondents rate the CUL level: its level checks go, the others stay
    keep = {"p00", "p01"}
    records = [
        replace(x, current=None, target=None, na=True)
        if x.item == "CUL" and x.respondent not in keep
        else x
        for x in records
    ]
    rs = records_to_response_set(mini11, records, source="w.csv")
    safe = service.score_output(_loaded(mini11, rs), OPTS).as_dict()["capability_answers"]
    assert {c["capability_id"] for c in safe["level_checks"]} == {"SYS", "MET"}

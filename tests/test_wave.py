"""score_wave end to end: every WaveResult field, errors, determinism, and Northwind's planted findings."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from questionnaires.answers import Respondent, ResponseSet
from questionnaires.errors import ScoringError
from scoring import ScoreOptions, score_wave
from scoring.alignment import alignment_gap

NAN = np.nan
# raw ratings (before reverse coding) of CUL-01, CUL-02(r), SYS-01, SYS-02, MET-01, MET-02(r)
RAW = np.array(
    [
        [4, 2, 3, 3, 5, 1],  # executives
        [4, 2, 3, 4, 1, 5],
        [5, 1, 2, 3, 5, 1],
        [4, 2, 3, 3, 1, 5],
        [2, 4, 2, NAN, 3, 3],  # managers/staff
        [2, 4, 2, 2, 3, 3],
        [1, 5, 2, NAN, 3, 3],
        [2, 3, NAN, NAN, NAN, NAN],
    ],
    dtype=float,
)
PEOPLE = [
    ("E1", "executive", "Sales"),
    ("E2", "executive", "Customer Service"),
    ("E3", "executive", "sales "),
    ("E4", "executive", "Customer  Service"),
    ("M1", "manager", "Sales"),
    ("S1", "staff", "Customer Service"),
    ("S2", "staff", "Sales"),
    ("S3", "staff", "Finance"),
]


def make_set(instrument, raw=RAW, target=None, people=PEOPLE, wave="2026-H1"):
    target = np.clip(raw + 1, 1, 5) if target is None else target
    return ResponseSet(
        instrument_ref=instrument.ref,
        wave=wave,
        respondents=tuple(Respondent(*p) for p in people),
        item_ids=tuple(i.id for i in instrument.items),
        current=raw.copy(),
        target=target,
        na=np.zeros(raw.shape, dtype=bool),
        confidence=np.full(raw.shape, NAN),
    )


@pytest.fixture(scope="module")
def result(mini_instrument):
    return score_wave(mini_instrument, make_set(mini_instrument), ScoreOptions(bootstrap=300))


def test_scores_by_hand(result):
    cul = result.score("CUL")
    # CUL respondent scores: mean of CUL-01 and reversed CUL-02 (6 - x)
    expected = [4, 4, 5, 4, 2, 2, 1, 2.5]
    np.testing.assert_allclose(cul.respondent_scores, expected)
    assert cul.n == 8 and cul.mean == pytest.approx(np.mean(expected))
    assert cul.median == pytest.approx(np.median(expected))
    assert cul.sd == pytest.approx(np.std(expected, ddof=1))
    assert cul.mean_norm == pytest.approx(100 * (np.mean(expected) - 1) / 4)
    assert cul.ci.low < cul.mean < cul.ci.high
    # S3 answered no SYS or MET items: missing, never 0
    assert math.isnan(result.score("SYS").respondent_scores[7])
    assert result.score("MET").n == 7
    # SYS-02 is not asked of staff, so S1/S2 score SYS on SYS-01 alone
    assert result.score("SYS").respondent_scores[6] == 2.0


def test_levels_and_items(result):
    assert [lv.capability_id for lv in result.levels] == ["CUL", "SYS", "MET"]
    for lv in result.levels:
        assert 1 <= lv.level <= 5 and lv.explanation.startswith(lv.capability_id)
        assert lv.level <= lv.uncapped_level
    met = result.level("MET")
    assert met.level <= result.level("SYS").level + 1  # MET requires SYS
    item = next(i for i in result.items if i.item_id == "CUL-02")
    assert item.capability_id == "CUL" and item.n == 8
    # reverse coded before statistics: raw 2,2,1,2,4,4,5,3 -> 4,4,5,4,2,2,1,3
    assert item.distribution == (1, 2, 1, 3, 1)
    assert item.median == 3.5
    assert item.agi == pytest.approx(alignment_gap([4, 4, 5, 4, 2, 2, 1, 3], 1, 5))
    assert 0 <= item.rwg <= 1 and item.ad > 0


def test_agi_groups_and_bases(result):
    met = result.agi_for("MET")
    # management: E1, E3 at MET = 5; E2, E4 at 1 -> two camps at the ends: 4 of 6 pairs 4 apart
    assert (met.value, met.band, met.n) == (pytest.approx(200 / 3), "misaligned", 4)
    assert result.agi_for("MET", "organisation").n == 7
    assert result.agi_for("CUL", "management", "target").basis == "target"
    overall = result.agi_for("overall")
    vals = [result.agi_for(c).value for c in ("CUL", "SYS", "MET")]
    assert overall.value == pytest.approx(np.average(vals, weights=[1, 2, 1]))
    # departments: keys are normalised ("sales " -> "sales"); finance has 1 respondent: hidden
    groups = {a.group for a in result.agi}
    assert {
        "management",
        "organisation",
        "department:sales",
        "department:customer service",
    } <= groups
    assert "department:finance" not in groups
    assert any("'Finance' has 1 respondent" in w for w in result.warnings)
    assert result.agi_for("MET", "management").ci.defined


def test_agi_below_min_group_is_nan_with_reason(mini_instrument):
    r = score_wave(
        mini_instrument, make_set(mini_instrument), ScoreOptions(bootstrap=0, min_group=5)
    )
    a = r.agi_for("CUL")
    assert math.isnan(a.value) and a.band == "undefined" and "at least 5" in a.reason
    # issue 10: the AGI interval is the log-jackknife now, not the bootstrap: bootstrap off
    # leaves it defined; the score's bootstrap CI is what goes
    assert r.agi_for("CUL", "organisation").ci.defined
    assert not r.score("CUL").ci.defined


def test_perception_silos_ambition_map_roadmap(result):
    cul = next(p for p in result.perception if p.capability_id == "CUL")
    assert cul.n_management == 4 and cul.n_others == 4
    # issue 10: the gap is Welch's t on the common items (scoring.gaps.perception_gaps), not an
    # exact permutation test
    assert not cul.exact and cul.test is not None and cul.items_used == ("CUL-01", "CUL-02")
    assert cul.gap == pytest.approx(np.mean([4, 4, 5, 4]) - np.mean([2, 2, 1, 2.5]))
    assert cul.label == "blind spot"
    silo = next(s for s in result.silos if s.capability_id == "CUL")
    assert [d for d, _, _ in silo.department_means] == ["sales", "customer service"]
    amb = next(a for a in result.ambition if a.capability_id == "CUL")
    assert amb.gap == pytest.approx(result.score("CUL").target_mean - result.score("CUL").mean)
    amap = result.alignment_map
    assert len(amap.coords) == 8 and sum(c.size for c in amap.camps) == 8
    assert result.roadmap.stages[0].kind == "align"
    assert "MET" in result.roadmap.stages[0].capabilities
    assert result.business_case.customers_equivalent_lost == pytest.approx(460)


def test_agreement_per_capability(result):
    cul = result.agreement[0]
    assert cul.capability_id == "CUL" and cul.n == 8
    for v in (cul.rwg_j, cul.ad_mean, cul.alpha_interval, cul.cronbach_alpha):
        assert not math.isnan(v)
    assert cul.icc is not None and cul.icc.n == 2  # items as targets
    met = result.agreement[2]
    assert met.n == 7


def test_deterministic_with_the_same_seed(mini_instrument):
    rs = make_set(mini_instrument)
    a = score_wave(mini_instrument, rs, ScoreOptions(bootstrap=200))
    b = score_wave(mini_instrument, rs, ScoreOptions(bootstrap=200))
    assert repr(a) == repr(b)
    c = score_wave(mini_instrument, rs, ScoreOptions(bootstrap=200, seed=1))
    assert c.score("CUL").ci != a.score("CUL").ci


def test_column_order_does_not_matter(mini_instrument, result):
    rs = make_set(mini_instrument)
    order = [5, 0, 3, 1, 4, 2]
    shuffled = replace(
        rs,
        item_ids=tuple(rs.item_ids[j] for j in order),
        current=rs.current[:, order],
        target=rs.target[:, order],
        na=rs.na[:, order],
        confidence=rs.confidence[:, order],
    )
    r = score_wave(mini_instrument, shuffled, ScoreOptions(bootstrap=300))
    assert repr(r.scores) == repr(result.scores) and repr(r.agi) == repr(result.agi)


def test_errors_say_what_and_where(mini_instrument):
    rs = make_set(mini_instrument)
    with pytest.raises(ScoringError, match="no respondents"):
        score_wave(mini_instrument, replace(rs, respondents=(), current=RAW[:0], target=RAW[:0]))
    with pytest.raises(ScoringError, match="no item has a current rating"):
        score_wave(mini_instrument, replace(rs, current=np.full(RAW.shape, NAN)))
    bad = RAW.copy()
    bad[2, 4] = 0
    with pytest.raises(ScoringError, match=r"respondent 'E3', item MET-01 \(current = 0"):
        score_wave(mini_instrument, replace(rs, current=bad))
    with pytest.raises(ScoringError, match=r"collected with other@1\.0\.0"):
        score_wave(mini_instrument, replace(rs, instrument_ref="other@1.0.0"))


def test_northwind_planted_findings(instrument):
    """The synthetic organisation plants a MET split among executives and a blind spot on CUL."""
    from assessment.synthetic import northwind

    rs = northwind(instrument=instrument)
    r = score_wave(instrument, rs, ScoreOptions(bootstrap=200))
    assert r.n_respondents == rs.n_respondents
    assert r.agi_for("MET").band == "misaligned"
    assert next(p for p in r.perception if p.capability_id == "CUL").label == "blind spot"
    assert r.roadmap.stages[0].kind == "align" and "MET" in r.roadmap.stages[0].capabilities
    assert r.data_hash == rs.data_hash and r.instrument_hash == instrument.content_hash
    assert len(r.items) == len(instrument.items)


def test_data_hash_ignores_order_and_sees_every_field(mini_instrument):
    """The data hash names the content: respondent and item order do not matter; any change of a
    rating, N/A flag, confidence, comment or department does."""
    from questionnaires.answers import Comment

    rs = make_set(mini_instrument)
    order = np.arange(len(rs.respondents))[::-1]
    shuffled = replace(
        rs,
        respondents=tuple(rs.respondents[i] for i in order),
        current=rs.current[order],
        target=rs.target[order],
        na=rs.na[order],
        confidence=rs.confidence[order],
    )
    assert shuffled.data_hash == rs.data_hash
    cur = rs.current.copy()
    cur[0, 0] = 5 if cur[0, 0] != 5 else 4
    na = rs.na.copy()
    na[4, 3] = True
    conf = rs.confidence.copy()
    conf[0, 0] = 2
    people = tuple(
        replace(r, department="Elsewhere") if k == 1 else r for k, r in enumerate(rs.respondents)
    )
    variants = [
        replace(rs, current=cur),
        replace(rs, na=na),
        replace(rs, confidence=conf),
        replace(rs, comments=(Comment("E1", "CUL-01", "ok"),)),
        replace(rs, respondents=people),
        replace(rs, wave="other"),
    ]
    hashes = {v.data_hash for v in variants} | {rs.data_hash}
    assert len(hashes) == len(variants) + 1


def test_items_on_another_scale_are_left_out_of_agreement(fixtures_dir):
    import yaml

    from questionnaires.loader import instrument_from_data

    data = yaml.safe_load((fixtures_dir / "mini" / "1.0.0.yaml").read_text())
    data["scales"]["m7"] = {"options": 7, "labels": [str(i) for i in range(1, 8)]}
    data["capabilities"][2]["items"][1]["scale"] = "m7"
    inst = instrument_from_data(data)
    r = score_wave(inst, make_set(inst), ScoreOptions(bootstrap=0))
    met = r.agreement[2]
    assert any("MET-02 on another answer scale" in x for x in met.reasons)
    assert not math.isnan(met.ad_mean)


def test_management_roles_come_from_the_instrument_without_options(mini_instrument, fixtures_dir):
    import yaml

    from questionnaires.loader import instrument_from_data

    data = yaml.safe_load((fixtures_dir / "mini" / "1.0.0.yaml").read_text())
    data["management_roles"] = ["executive", "manager"]
    inst = instrument_from_data(data)
    r = score_wave(inst, make_set(inst))
    assert r.options.management_roles == ("executive", "manager")
    assert r.agi_for("CUL").n == 5  # 4 executives + 1 manager


def test_department_called_management_does_not_replace_the_management_team(instrument):
    """Regression (review H1): Northwind's largest non-executive department renamed "Management"
    overwrote the management team's AGI in score_wave and changed roadmap stage 1."""
    from collections import Counter

    from assessment.synthetic import northwind
    from scoring.results import department_group, department_key

    rs = northwind(instrument=instrument)
    opts = ScoreOptions(bootstrap=50)
    base = score_wave(instrument, rs, opts)
    dep = Counter(r.department for r in rs.respondents if r.role != "executive").most_common(1)[0][
        0
    ]
    renamed = replace(
        rs,
        respondents=tuple(
            replace(r, department="Management") if r.department == dep else r
            for r in rs.respondents
        ),
    )
    r = score_wave(instrument, renamed, opts)
    mgmt = [a for a in r.agi if a.group == "management" and a.basis == "current"]
    assert len(mgmt) == len(r.capabilities) + 1  # one per capability + overall, no duplicates
    for cid in (*r.capabilities, "overall"):
        assert r.agi_for(cid).value == base.agi_for(cid).value or (
            math.isnan(r.agi_for(cid).value) and math.isnan(base.agi_for(cid).value)
        )
        assert r.agi_for(cid).n == base.agi_for(cid).n
    assert r.roadmap.stages[0].capabilities == base.roadmap.stages[0].capabilities
    dept = r.agi_for("MET", department_group("management"))
    assert dept.n == sum(1 for x in rs.respondents if x.department == dep)
    assert department_key(dept.group) == "management" and department_key("management") is None


def test_scale_bounds_and_management_item_agi(result):
    for s in result.scores:
        assert (s.low, s.high) == (1.0, 5.0)
        assert s.mean_norm == pytest.approx(100 * (s.mean - s.low) / (s.high - s.low))
    # MET-01 (not reversed): executives rated 5, 1, 5, 1 -> 4 of 6 pairs 4 apart -> 66.7;
    # the organisation-wide AGI also counts the managers' and staff's 3s
    met01 = next(i for i in result.items if i.item_id == "MET-01")
    assert met01.agi_management == pytest.approx(alignment_gap([5, 1, 5, 1], 1, 5))
    assert met01.agi == pytest.approx(alignment_gap([5, 1, 5, 1, 3, 3, 3], 1, 5))
    assert met01.agi_management != met01.agi
    # roadmap stage 1 lists disputed items ranked by the management item AGI
    align = result.roadmap.stages[0]
    assert align.kind == "align" and "MET-01" in align.disputed_items


def test_lookups_name_what_is_missing(result):
    with pytest.raises(KeyError, match=r"no score for capability 'XYZ'.*known: CUL, SYS, MET"):
        result.score("XYZ")
    with pytest.raises(KeyError, match="no maturity level for capability 'XYZ'"):
        result.level("XYZ")
    with pytest.raises(KeyError, match="department:sales"):
        result.agi_for("MET", "sales")
    assert result.score("MET").capability_id == "MET"
    assert result.level("MET").capability_id == "MET"


def test_management_roles_none_means_the_instruments_in_every_entry_point(fixtures_dir):
    """Review M3: ScoreOptions() used to mean ("executive",) while score_wave(options=None) meant
    the instrument's roles, so `centric score` and `centric report` disagreed."""
    import yaml

    from questionnaires.loader import instrument_from_data

    data = yaml.safe_load((fixtures_dir / "mini" / "1.0.0.yaml").read_text())
    data["management_roles"] = ["executive", "manager"]
    inst = instrument_from_data(data)
    rs = make_set(inst)
    for opts in (None, ScoreOptions(bootstrap=0)):
        r = score_wave(inst, rs, opts)
        assert r.options.management_roles == ("executive", "manager")
        assert r.agi_for("CUL").n == 5
    explicit = score_wave(inst, rs, ScoreOptions(bootstrap=0, management_roles=("executive",)))
    assert explicit.agi_for("CUL").n == 4


def test_business_case_parameters_reach_the_result(mini_instrument):
    """Review M8. Wood's example scaled to 500 customers: 500 × $1,000 × 0.78 = $390,000."""
    from scoring.results import BusinessCaseParams

    rs = make_set(mini_instrument)
    default = score_wave(mini_instrument, rs, ScoreOptions(bootstrap=0)).business_case
    assert default.base_revenue == pytest.approx(780_000) and default.loss_bad == pytest.approx(
        -460_000
    )
    params = BusinessCaseParams(customers=500, service_contact_share=0.5)
    bc = score_wave(mini_instrument, rs, ScoreOptions(bootstrap=0, business=params)).business_case
    assert bc.customers == 500 and bc.base_revenue == pytest.approx(390_000)
    # half the customers had a service contact: 500 × 1000 × (0.5·0.89 + 0.5·0.78)
    assert bc.good_revenue == pytest.approx(500 * 1000 * (0.5 * 0.89 + 0.5 * 0.78))
    with pytest.raises(ScoringError, match=r"good_rate must be a share between 0 and 1.*89"):
        BusinessCaseParams(good_rate=89)
    with pytest.raises(ScoringError, match="must not be negative"):
        BusinessCaseParams(customers=-1)


def test_agi_floor_is_max_of_3_and_min_group(mini_instrument):
    """ScoreOptions.min_group is also the AGI floor, never below DESIGN's 3."""
    rs = make_set(mini_instrument)
    low = score_wave(mini_instrument, rs, ScoreOptions(bootstrap=0, min_group=2))
    assert low.options.agi_min_n == 3
    # sales has 4 respondents, customer service 3 (E2, S1, E4): shown at k=2, AGI defined at 3
    assert not math.isnan(low.agi_for("CUL", "department:customer service").value)
    high = score_wave(mini_instrument, rs, ScoreOptions(bootstrap=0, min_group=5))
    assert math.isnan(high.agi_for("CUL").value) and "at least 5" in high.agi_for("CUL").reason


def test_zero_variance_cronbach_reason_reaches_the_reliability_appendix(mini_instrument):
    """Everyone answers CUL alike: α is undefined, and the reason was lost (reasons had none)."""
    from reports import ReportOptions
    from reports.views import build_team_report

    raw = RAW.copy()
    raw[:, 0] = raw[:, 1] = 3  # CUL-01 and reversed CUL-02: every item total the same
    rs = make_set(mini_instrument, raw=raw)
    r = score_wave(mini_instrument, rs, ScoreOptions(bootstrap=0))
    cul = r.agreement[0]
    assert math.isnan(cul.cronbach_alpha) and math.isnan(cul.cronbach_alpha_listwise)
    why = "Cronbach's α: every respondent has the same item total (total variance 0)"
    assert why in cul.reasons
    assert not any("listwise" in x for x in cul.reasons)  # the same reason is not repeated
    assert not any("Cronbach" in x for x in r.agreement[1].reasons)  # SYS has a defined α
    vm = build_team_report(r, rs, mini_instrument, ReportOptions(min_group=3))
    assert why in vm.reliability[0].note


# -- issue 10: calibrated inference wired into score_wave -----------------------------------------


def team_set(instrument, recoded, roles=None, departments=None):
    """A wave from reverse-coded ratings (respondents × instrument items): the raw file's
    ratings are recoded back (reverse coding is its own inverse)."""
    from scoring.scores import InstrumentIndex

    idx = InstrumentIndex.from_instrument(instrument)
    n = recoded.shape[0]
    roles = roles or ["executive"] * n
    departments = departments or ["Sales"] * n
    people = [(f"P{i}", roles[i], departments[i]) for i in range(n)]
    raw = idx.recode(np.asarray(recoded, dtype=float))
    return make_set(instrument, raw=raw, target=np.clip(raw, 1, 5), people=people)


def test_northwind_wave_has_the_calibrated_fields_filled(instrument):
    from assessment.synthetic import northwind

    r = score_wave(instrument, northwind(instrument=instrument), ScoreOptions(bootstrap=0))
    for a in r.agi:
        if a.capability_id == "overall" or math.isnan(a.value):
            continue
        assert a.items >= 1 and a.null_mean > 0 and a.critical_low < a.null_mean < a.critical_high
        assert a.relative == pytest.approx(1 - a.value / a.null_mean)
        assert a.ci.low <= a.value <= a.ci.high  # the jackknife interval, bootstrap off
        assert (
            a.band != "not distinguishable from random answering" or "random answering" in a.reason
        )
    met = r.agi_for("MET")
    # the planted executive split; J = 7: MET has 7 items and the mean answered rounds to 7
    assert (met.n, met.items, met.band) == (8, 7, "misaligned")
    overall = r.agi_for("overall")
    assert overall.ci.defined and overall.null_mean > 0 and math.isnan(overall.critical_low)
    assert "no critical values" in overall.reason
    for lv in r.levels:
        assert lv.management is not None and lv.management.population == "management team"
        assert lv.organisation is not None and lv.organisation.population == "organisation"
        assert (lv.management.n, lv.organisation.n) == (8, r.score(lv.capability_id).n)
        assert lv.management.interval.defined
    for ag in r.agreement:
        assert ag.consensus is not None and ag.consensus.agrees is not None
        assert ag.consensus_management is not None and ag.consensus_management.n_raters == 8
    assert {f.item_id for ag in r.agreement for f in ag.item_flags} <= {
        i.id for i in instrument.items
    }
    cul = next(p for p in r.perception if p.capability_id == "CUL")
    assert cul.test is not None and cul.label == "blind spot"


def test_random_answering_team_is_never_aligned(instrument):
    """Uniform random answers of 8 executives: every capability AGI is about 40/sqrt(J), which
    the old fixed bands called aligned or partly aligned; against the null it is random-like."""
    rng = np.random.default_rng(7)
    rec = rng.integers(1, 6, size=(8, len(instrument.items))).astype(float)
    r = score_wave(instrument, team_set(instrument, rec), ScoreOptions(bootstrap=0))
    bands = {
        a.capability_id: a.band for a in r.agi if a.group == "management" and a.basis == "current"
    }
    assert "aligned" not in bands.values() and "partly aligned" not in bands.values()
    assert sum(b == "not distinguishable from random answering" for b in bands.values()) >= 6
    for cap in instrument.capabilities:
        assert r.agi_for(cap.id).items == len(cap.items)  # J = every item answered


def test_two_level_split_team_is_misaligned(instrument):
    """4 executives answer around 2, 4 around 4 (one item in four a step off): misaligned."""
    rng = np.random.default_rng(3)
    camp = np.repeat([2.0, 4.0], 4)[:, None]
    noise = rng.choice([-1.0, 0.0, 0.0, 1.0], size=(8, len(instrument.items)))
    r = score_wave(instrument, team_set(instrument, camp + noise), ScoreOptions(bootstrap=0))
    for cap in instrument.capabilities:
        a = r.agi_for(cap.id)
        assert a.band == "misaligned", (cap.id, a)
        assert a.value > a.critical_high and a.ci.low > a.null_mean


def test_median_2_95_management_team_is_borderline(fixtures_dir):
    """CUL-01 weighted 19 to 1: scores step by 0.05. Management median 2.95: level 2 (2.9),
    could be 2 or 3; the capped level over everyone stays as it was."""
    import yaml

    from questionnaires.loader import instrument_from_data

    data = yaml.safe_load((fixtures_dir / "mini" / "1.0.0.yaml").read_text())
    data["capabilities"][0]["items"][0]["weight"] = 19.0
    inst = instrument_from_data(data)
    # reverse-coded CUL-01, CUL-02 -> scores 2.15, 2.9, 2.9, 2.95, 2.95, 2.95, 3.0, 3.0, 3.85
    cul = [(2, 5), (3, 1), (3, 1), (3, 2), (3, 2), (3, 2), (3, 3), (3, 3), (4, 1)]
    rec = np.full((10, 6), 3.0)
    rec[:9, :2] = cul
    rec[9, :2] = (5, 5)  # one staff member
    roles = ["executive"] * 9 + ["staff"]
    r = score_wave(inst, team_set(inst, rec, roles=roles), ScoreOptions(bootstrap=0))
    lv = r.level("CUL")
    m = lv.management
    assert m.median == pytest.approx(2.95) and m.n == 9
    assert (m.level, m.interpolated, m.borderline, m.possible_levels) == (2, 2.9, True, (2, 3))
    # with the staff member's 5.0 the organisation's median is 2.95 too (5th and 6th of 10)
    assert lv.organisation.n == 10 and lv.organisation.median == pytest.approx(2.95)
    assert lv.level == lv.uncapped_level == 2 and lv.median == pytest.approx(2.95)


def test_extent_items_of_1_0_0_are_left_out_of_the_agreement_statistics(instrument):
    """maturity5 and extent5 both run 1..5; the old check compared only the end points and kept
    the 9 extent items in every agreement statistic."""
    from assessment.synthetic import northwind

    extent = {i.id for i in instrument.items if i.scale == "extent5"}
    assert len(extent) == 9
    r = score_wave(instrument, northwind(instrument=instrument), ScoreOptions(bootstrap=0))
    left_out = set()
    for cap, ag in zip(instrument.capabilities, r.agreement, strict=True):
        ext = [i.id for i in cap.items if i.id in extent]
        assert any(all(e in x for e in ext) and "another answer scale" in x for x in ag.reasons)
        left_out |= set(ext)
        kept = len(cap.items) - len(ext)
        assert ag.icc.n == kept and ag.consensus.n_items == kept
    assert left_out == extent


def test_no_scores_and_too_few_people_say_why(mini_instrument):
    """2 executives, and nobody answered MET: each statistic says why it is missing."""
    raw = RAW.copy()
    raw[:, 4:] = NAN  # MET: all N/A
    people = [("E1", "executive", "Sales"), ("E2", "executive", "Sales")] + [
        (f"S{i}", "staff", "Sales") for i in range(6)
    ]
    r = score_wave(
        mini_instrument,
        make_set(mini_instrument, raw=raw, people=people),
        ScoreOptions(bootstrap=0),
    )
    cul = r.agi_for("CUL")
    assert cul.band == "undefined" and "2 respondents" in cul.reason and "at least 3" in cul.reason
    assert (
        "at least 3" in r.agi_for("overall").reason
        or "no capability" in r.agi_for("overall").reason
    )
    met = r.agi_for("MET", "organisation")
    assert met.band == "undefined" and met.reason.startswith("0 respondents with a score")
    assert r.agi_for("overall", "organisation").reason.startswith(
        "weighted mean over the capabilities"
    )
    lv = r.level("MET")
    assert lv.management.reason.startswith("not computable: all 2 scores are missing")
    assert lv.organisation.reason.startswith("not computable: all 8 scores are missing")
    assert r.level("CUL").management.reason  # 2 scores: the interval cannot reach 95%
    ag = r.agreement[2]
    assert ag.consensus.agrees is None and "not computable" in ag.consensus.message
    assert ag.item_flags == ()  # 0 respondents: below flag_items' minimum, a reason instead
    assert any("not checked" in why and "0 respondents" in why for why in ag.reasons)
    assert r.agreement[0].consensus_management.n_raters == 2
    assert r.agreement[0].consensus_management.message
    per = next(p for p in r.perception if p.capability_id == "MET")
    assert per.label == "undefined" and per.reason


def test_no_management_team_says_so_in_the_level(mini_instrument):
    people = [(f"S{i}", "staff", "Sales") for i in range(8)]
    r = score_wave(
        mini_instrument, make_set(mini_instrument, people=people), ScoreOptions(bootstrap=0)
    )
    assert (
        "nobody in the wave is in the management team (executive)"
        in r.level("CUL").management.reason
    )
    assert r.agi_for("overall").band == "undefined" and r.agi_for("overall").reason


# -- agreement: minimum raters and zero variance (brief N3) -------------------------------------


def test_everyone_answering_the_same_says_why_alpha_and_icc_are_null(mini_instrument) -> None:
    """Zero variance left alpha_interval, alpha_ordinal and the ICCs null with no reason."""
    raw = np.full(RAW.shape, 3.0)
    r = score_wave(mini_instrument, make_set(mini_instrument, raw=raw), ScoreOptions(bootstrap=0))
    for ag in r.agreement:
        assert math.isnan(ag.alpha_interval) and math.isnan(ag.alpha_ordinal)
        assert "Krippendorff's α: no variation in the ratings" in " | ".join(ag.reasons)
        assert ag.icc is not None and math.isnan(ag.icc.icc1)
        assert any(w.startswith("ICC: no variation between or within") for w in ag.reasons)


def test_varied_answers_give_no_alpha_or_icc_reason(result) -> None:
    for ag in result.agreement:
        assert not math.isnan(ag.alpha_interval)
        assert not any(w.startswith(("Krippendorff", "ICC: no variation")) for w in ag.reasons)


def test_management_team_below_the_agi_minimum_gets_no_agreement_verdict(mini_instrument) -> None:
    """A management team of 2 was gated ("agreement -1.33, needs 0.85"); its AGI needs 3."""
    people = [(p[0], "manager" if i >= 2 else p[1], p[2]) for i, p in enumerate(PEOPLE)]
    r = score_wave(
        mini_instrument, make_set(mini_instrument, people=people), ScoreOptions(bootstrap=0)
    )
    m = r.agreement[0].consensus_management
    assert m.agrees is None and "2 raters, needs at least 3" in m.message
    four = score_wave(
        mini_instrument, make_set(mini_instrument), ScoreOptions(bootstrap=0, min_group=5)
    )
    m4 = four.agreement[0].consensus_management
    assert m4.n_raters == 4 and m4.agrees is None and "needs at least 5" in m4.message

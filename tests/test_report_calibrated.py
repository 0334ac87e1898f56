"""The team report shows the calibrated inference of issue 10 in words, under the anonymity rules:
management figures below k and counts in a reissue are withheld like every other figure."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from test_reports_support import calibrated, scored

from reports import ReportOptions
from reports.formatting import fmt_agi, fmt_p
from reports.views.common import band_pill
from reports.views.team import build_team_report


@pytest.fixture(scope="module")
def wave():
    inst, rs, wr = scored()
    return inst, rs, calibrated(inst, rs, wr)


def _mgmt_below_k(rs, wr, keep: int):
    """The wave with all but ``keep`` executives turned into staff (roles only)."""
    seen = 0
    people = []
    for r in rs.respondents:
        if r.role in wr.options.management:
            seen += 1
            if seen > keep:
                r = replace(r, role="staff")
        people.append(r)
    return replace(rs, respondents=tuple(people))


def test_capability_rows_show_band_interval_random_reference_level_and_agreement(wave):
    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst)
    for c in vm.capabilities:
        assert c.agi_pill in {
            "aligned", "partly aligned", "misaligned", "between bands", "too few to tell"
        }  # fmt: skip
        assert re.fullmatch(r"\d+–\d+", c.agi_interval)
        assert c.agi_reference.startswith("random answering would give about ")
        assert re.match(
            r"(The management team's level is \d \(\d\.\d\)|With 8 people the management)",
            c.level_management,
        ), c.level_management
        assert "(n = 8)" in c.level_management or "With 8 people" in c.level_management
        assert "organisation's level" in c.level_organisation
        assert c.agrees in {"yes", "no", "no — split", "too few to tell"} and c.agree_note
        assert c.agree_population == "management team"
    assert any("borderline between" in c.level_management for c in vm.capabilities)


def test_headline_uses_the_management_team_and_the_random_reference(wave):
    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst)
    # issue 12: the most salient finding's sentence first, then the management team's maturity
    # with its n and the AGI beside its random reference
    assert vm.findings and vm.headline.startswith(vm.findings[0].headline.rstrip("."))
    assert "The management team (n = 8) places the company" in vm.headline
    overall = wr.agi_for("overall", "management", "current")
    assert f"Alignment Gap Index is {fmt_agi(overall.value)} of 100" in vm.headline
    assert f"random answering would give about {fmt_agi(overall.null_mean)}" in vm.headline
    assert "below 15 the team is aligned" not in vm.headline


def test_management_team_below_k_shows_no_management_level_or_agreement(wave):
    inst, rs, wr = wave
    small = _mgmt_below_k(rs, wr, 2)
    vm = build_team_report(wr, small, inst, ReportOptions(min_group=3))
    for c in vm.capabilities:
        assert c.level_management == (
            "The management team's level is not shown (fewer than 3 in the team)."
        )
        assert c.agree_population != "management team"
    assert all(a.index_management in ("not shown", "not computed", "–") for a in vm.agreement)
    assert not vm.headline.startswith("The management team places")


def test_reissue_shows_no_count_in_levels_agreement_or_item_flags(wave):
    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst, ReportOptions(reissue=True))
    counted = re.compile(r"\bn = \d|\b\d+ (people|respondents|raters)\b")
    for c in vm.capabilities:
        for text in (c.level_management, c.level_organisation, c.agree_note, c.agi_reference):
            assert not counted.search(text), text
        assert "management team's level" in c.level_management
    for r in vm.reliability:
        assert r.n == "–" and not counted.search(r.agree_note)
    assert all(a.n == "–" for a in vm.agreement)
    assert not any(counted.search(f) for f in vm.item_flags)
    assert vm.perception == () and vm.perception_tests == ()


def test_perception_labels_come_from_the_adjusted_test_with_items_used(wave):
    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst)
    assert {p.label for p in vm.perception} <= {
        "blind spot", "hidden strength", "shared view", "no clear gap", "not computed"
    }  # fmt: skip
    assert "no clear gap" in {p.label for p in vm.perception}
    assert len(vm.perception_tests) == len(vm.perception)
    assert all(t.g != "–" and t.p_adjusted != "–" for t in vm.perception_tests)
    assert any(p.note.startswith("Compared on the ") for p in vm.perception)
    assert "Holm" in vm.perception_tests_note


def test_uncomputable_agi_says_why_in_words_never_a_bare_label(wave):
    inst, rs, wr = wave
    agis = tuple(
        replace(a, value=float("nan"), band="undefined", reason="only 2 respondents have a score")
        if a.group == "management" and a.capability_id != "overall"
        else a
        for a in wr.agi
    )
    vm = build_team_report(replace(wr, agi=agis), rs, inst)
    assert all(c.agi_reference == "only 2 respondents have a score" for c in vm.capabilities)
    vm = build_team_report(replace(wr, agi=agis), rs, inst, ReportOptions(reissue=True))
    assert all(c.agi_reference == "not computed: too few scores" for c in vm.capabilities)


# -- the consultant review of the issue-10 report (findings 1-4, 6-9, 11-13) ------------------


def test_agreement_verdict_is_split_where_the_band_is_misaligned_never_yes_beside_it(wave):
    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst)
    misaligned = [c for c in vm.capabilities if c.agi_band == "misaligned"]
    assert misaligned  # Northwind's MET: the check can fail
    assert all(c.agrees == "no — split" and c.agree_css == "bad" for c in misaligned)
    for c in vm.capabilities:
        if c.agi_band != "misaligned":
            ag = next(a for a in wr.agreement if a.capability_id == c.id)
            gate = ag.consensus_management.agrees
            expected = {True: "yes", False: "no", None: "too few to tell"}[gate]
            assert c.agrees == expected, c.id
    rel = {r.name: r.agrees for r in vm.reliability}
    assert all(rel[c.name] == c.agrees for c in vm.capabilities)


def test_summary_counts_capabilities_by_the_one_verdict(wave):
    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst)
    verdicts = [c.agrees for c in vm.capabilities]
    yes, split = verdicts.count("yes"), verdicts.count("no — split")
    assert f"agrees on {yes} of {len(verdicts)} capabilities" in vm.headline
    assert f"is split into camps on {split}" in vm.headline
    assert f"agrees on {yes} of {len(verdicts)} capabilities" in vm.reliability_summary
    assert "agrees beyond random answering" not in vm.reliability_summary


def test_no_text_claims_the_answers_look_like_random_answering(wave):
    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst)
    texts = [vm.headline, vm.band_legend, vm.reliability_summary, vm.level_note]
    texts += [k.note for k in vm.kpis] + [c.agi_pill for c in vm.capabilities]
    texts += [c.agi_target_pill for c in vm.capabilities]
    for text in texts:
        for claim in ("like random answering", "as spread as if", "answers as differently"):
            assert claim not in text, text
    assert "not distinguishable from random answering" not in {c.agi_pill for c in vm.capabilities}
    assert "too few to tell" in {c.agi_pill for c in vm.capabilities}
    assert "indeterminate" not in " ".join(texts)


def test_printed_band_rule_is_the_rule_applied_to_every_misaligned_row(wave):
    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst)
    assert "whole interval above both the random-answering AGI and 15" in vm.band_legend
    assert "above what random answering gives in 95% of teams" in vm.band_legend
    for c in vm.capabilities:
        agi = wr.agi_for(c.id, "management", "current")
        if agi.band == "misaligned":  # the printed rule holds for what is printed
            assert agi.value > agi.critical_high
            assert agi.ci.low > max(agi.null_mean, 15.0)
        if agi.band in ("aligned", "partly aligned"):
            assert agi.value < agi.critical_low


def test_level_columns_are_the_management_teams_with_the_organisations_beside_them(wave):
    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst)
    differs = 0
    for c in vm.capabilities:
        lv = wr.level(c.id)
        assert c.level == str(lv.management.level) and c.level_population == "management team"
        assert c.level_org == str(lv.level)
        assert "the team median" not in c.explanation and "organisation's median" in c.explanation
        differs += c.level != c.level_org
    assert differs  # the two populations differ on Northwind, so the check can fail
    assert "organisation as a whole (n = 60)" in vm.headline
    assert vm.kpis[2].note.startswith("management team")


def test_withheld_management_level_shows_the_organisations_and_says_so(wave):
    inst, rs, wr = wave
    vm = build_team_report(wr, _mgmt_below_k(rs, wr, 2), inst, ReportOptions(min_group=3))
    for c in vm.capabilities:
        assert c.level == str(wr.level(c.id).level) and c.level_population == "organisation"
        assert c.agrees != "no — split"  # the management AGI band is not shown either
    # the lead finding may not be a management one (withheld); the maturity sentence that
    # follows it names the organisation and says why the management team's is missing
    assert "The organisation as a whole (n = 60) places the company" in vm.headline
    assert "the management team's is not shown (fewer than 3 in the team)" in vm.headline
    assert "The management team (n" not in vm.headline and "AGI" not in vm.headline
    assert all(f.kind not in ("misaligned_current", "perception_gap") for f in vm.findings)


def test_column_groups_name_each_population_with_its_n_but_no_n_in_a_reissue(wave):
    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst)
    assert (vm.team_label, vm.org_label) == ("Management team (n = 8)", "Organisation (n = 60)")
    re_vm = build_team_report(wr, rs, inst, ReportOptions(reissue=True))
    assert (re_vm.team_label, re_vm.org_label) == ("Management team", "Organisation")
    assert "n = " not in re_vm.headline


def test_level_over_more_than_two_levels_cannot_be_pinned_down_in_a_sentence():
    from reports.views.common import level_text
    from scoring.results import Interval
    from scoring.stability import LevelEstimate

    wide = LevelEstimate("management team", 8, 2.8, Interval(1.5, 4.2), 0.93, 2, 2.8, True,
                         (1, 2, 3, 4), 0.1)  # fmt: skip
    assert level_text(wide, "management team", False) == (
        "With 8 people the management team's level cannot be pinned down (between 1 and 4; "
        "median 2.8)."
    )
    assert not re.search(r"8 people|n = ", level_text(wide, "management team", True))
    two = replace(wide, interval=Interval(2.6, 3.2), possible_levels=(2, 3))
    assert level_text(two, "organisation", False) == (
        "The organisation's level is 2 (2.8), borderline between 2 and 3 (n = 8)."
    )
    one = replace(wide, interval=Interval(2.2, 2.7), possible_levels=(2,), borderline=False)
    assert level_text(one, "organisation", True) == "The organisation's level is 2 (2.8)."


def test_maturity_row_says_the_level_is_not_shared_where_the_team_does_not_agree(wave):
    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst)
    for c in vm.capabilities:
        if c.agrees in ("no", "no — split"):
            assert (
                c.shared_note
                == "The management team does not agree on this: the level is not a shared view."
            )
        else:
            assert c.shared_note == ""
    assert any(c.shared_note for c in vm.capabilities)


def test_target_agi_tile_shows_its_band_not_agreement_on_ambition(wave):
    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst)
    tile = vm.kpis[1]
    overall_t = wr.agi_for("overall", "management", "target")
    assert tile.label == "Target AGI" and "agreement on ambition" not in tile.note
    assert tile.note.startswith(band_pill(overall_t.band))
    assert "random answering ≈" in tile.note and ";" not in tile.note
    for c in vm.capabilities:
        agi_t = wr.agi_for(c.id, "management", "target")
        assert c.agi_target_pill == band_pill(agi_t.band)


def test_if_random_has_the_number_of_statements_it_assumes_beside_it(wave):
    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst)
    for c in vm.capabilities:
        agi = wr.agi_for(c.id, "management", "current")
        assert c.agi_items == str(agi.items) and agi.items > 0


def test_perception_interval_is_marked_unadjusted_beside_the_adjusted_p(wave):
    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst)
    assert "the 95% interval is unadjusted" in vm.perception_note
    assert "interval excludes zero" not in vm.perception_note
    for row, p in zip(vm.perception, wr.perception, strict=True):
        assert row.p == fmt_p(p.test.p_adjusted)


def test_disputed_items_show_the_single_statement_reference_and_no_rwg_off_scale(wave):
    from scoring.consensus import agreement_items

    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst)
    assert vm.disputed and all(d.reference == "40" for d in vm.disputed)
    off = {i for c in inst.capabilities for i in agreement_items(inst, c.id).excluded}
    for d in vm.disputed:
        assert (d.rwg == "–") == (d.id in off), d.id
        assert bool(d.note) == (d.id in off)


def test_gate_figures_in_the_new_gate_text_are_removed_when_management_is_hidden():
    from reports.views.common import safe_gate

    gate = (
        "Re-assess Metrics & Incentives with the management team before stage 2 (today: AGI "
        "30). Go when the management team's AGI on Metrics & Incentives is no longer misaligned"
    )
    assert "AGI 30" not in safe_gate(gate, False) and "before stage 2. Go" in safe_gate(gate, False)
    assert safe_gate(gate, True) == gate


def test_agreement_gate_reads_needs_or_more_everywhere(wave):
    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst)
    notes = [r.agree_note for r in vm.reliability if "needs" in r.agree_note]
    assert notes and all(re.search(r"needs \d\.\d\d or more", n) for n in notes)


def test_small_management_team_level_prints_no_median_tenths(wave):
    """Hostile review: with 5 executives the median (and the interval ends) are members' own
    scores; with the management AGI and mean they gave every score. The PDF prints the level only."""
    from scoring import score_wave

    inst, rs, wr = wave
    rs5 = _mgmt_below_k(rs, wr, 5)
    wr5 = score_wave(inst, rs5, replace(wr.options, bootstrap=0))
    vm = build_team_report(wr5, rs5, inst, ReportOptions(min_group=3))
    tenths = re.compile(r"\(\d\.\d\)|median \d\.\d")
    shown = [c.level_management for c in vm.capabilities if "not shown" not in c.level_management]
    assert shown, "the management level of 5 people is shown"
    assert not any(tenths.search(t) for t in shown), shown
    vm8 = build_team_report(wr, rs, inst, ReportOptions(min_group=3))
    assert any(tenths.search(c.level_management) for c in vm8.capabilities)  # 8 people: shown


def _strings(obj):
    """Every string in a (nested) view model."""
    import dataclasses

    if isinstance(obj, str):
        yield obj
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            yield from _strings(getattr(obj, f.name))
    elif isinstance(obj, list | tuple):
        for x in obj:
            yield from _strings(x)
    elif isinstance(obj, dict):
        for x in obj.values():
            yield from _strings(x)


@pytest.mark.parametrize("keep", [1, 2])
def test_management_team_below_k_is_not_sized_anywhere_in_the_report(wave, keep):
    """Hostile review: the cover said "60 (1 in the management team)" and the perception note
    "Not shown: the management team (1) …": the size of a group below k."""
    from scoring import score_wave

    inst, rs, wr = wave
    small = _mgmt_below_k(rs, wr, keep)
    wr_small = score_wave(inst, small, replace(wr.options, bootstrap=0))
    vm = build_team_report(wr_small, small, inst, ReportOptions(min_group=3))
    assert vm.meta.n_management == "fewer than 3"
    sized = re.compile(
        rf"management team \({keep}\)|\b{keep} in the management team|management team has {keep}\b"
        rf"|has {keep} (score|respondent|rater)s?\b|n = {keep}\b"
    )
    leaks = [s for s in _strings(vm) if sized.search(s)]
    assert not leaks, leaks

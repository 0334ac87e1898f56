"""The team report shows the calibrated inference of issue 10 in words, under the anonymity rules:
management figures below k and counts in a reissue are withheld like every other figure."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from test_reports_support import calibrated, scored

from reports import ReportOptions
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
    assert vm.headline.startswith("The management team (n = 8) places the company")
    assert "random answering would give about" in vm.headline
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

"""The team report a consultant can put in front of a board (issue 12): the summary led by the
findings, the perception column, "why this level", the business case from the engagement file,
``--engagement`` and ``--pdfua`` on the CLI."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessment.cli import cli
from assessment.io.engagement import load_engagement
from reports import ReportOptions
from reports.views import build_team_report
from scoring.results import Finding as ResultFinding
from scoring.results import ScoreOptions

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "northwind-engagement.yaml"
FAST = ScoreOptions(bootstrap=100, permutations=500, management_roles=None)


@pytest.fixture(scope="module")
def h2():
    from assessment.synthetic import northwind
    from questionnaires.catalogue import get_instrument
    from scoring import score_wave

    inst = get_instrument("customer-centricity@1.1.0")
    rs = northwind("2026-H2", instrument=inst)
    return inst, rs, score_wave(inst, rs, FAST)


@pytest.fixture(scope="module")
def h1():
    from assessment.synthetic import northwind
    from questionnaires.catalogue import get_instrument
    from scoring import score_wave

    inst = get_instrument("customer-centricity@1.0.0")
    rs = northwind("2026-H1", instrument=inst)
    return inst, rs, score_wave(inst, rs, FAST)


@pytest.fixture(scope="module")
def engagement():
    return load_engagement(EXAMPLE)


def _finding(kind, cid, salience, headline, population="management_vs_organisation"):
    return ResultFinding(
        kind=kind,
        capability_id=cid,
        population=population,
        effect_levels=salience,
        direction=1,
        certainty=1.0,
        weight=1.0,
        salience=salience,
        label=kind,
        headline=headline,
        evidence={"management": 3.9, "organisation": 2.7},
        n=60,
    )


# -- executive summary -------------------------------------------------------------------------


def test_summary_leads_with_the_most_salient_finding_of_result_findings(h2):
    inst, rs, wr = h2
    planted = (
        _finding("strength", "SKL", 0.3, "Skills are the organisation's strength."),
        _finding("silo", "SSI", 0.9, "Departments see Sales–Service Integration differently."),
        _finding("perception_gap", "CUL", 0.6, "Executives rate Culture above the rest."),
    )
    vm = build_team_report(replace(wr, findings=planted), rs, inst, ReportOptions())
    assert [f.capability for f in vm.findings] == ["SSI", "CUL", "SKL"]
    assert vm.headline.startswith("Departments see Sales–Service Integration differently.")
    assert "Sales–Service Integration" in vm.decision
    assert vm.decision.startswith("Decision asked of the board")


def test_headline_never_says_aligned_when_a_larger_finding_stands(h2):
    inst, rs, wr = h2
    big = (_finding("perception_gap", "DEC", 1.2, "Executives rate Decision Authority higher."),)
    vm = build_team_report(replace(wr, findings=big), rs, inst, ReportOptions())
    assert "aligned" not in vm.headline.lower()
    assert vm.headline.startswith("Executives rate Decision Authority higher.")


def test_summary_skips_a_finding_about_a_department_below_k(h2):
    inst, rs, wr = h2
    hidden = (
        _finding("silo", "MET", 2.0, "Legal sees Metrics differently.", "department:nowhere"),
        _finding("ambition_gap", "VOC", 0.5, "The largest ambition is in Voice of the Customer."),
    )
    vm = build_team_report(replace(wr, findings=hidden), rs, inst, ReportOptions())
    assert [f.capability for f in vm.findings] == ["VOC"]
    assert "Legal" not in vm.headline


def test_glance_perception_column_is_labelled_only_where_error_controlled(h2):
    inst, rs, wr = h2
    vm = build_team_report(wr, rs, inst, ReportOptions())
    labelled = {p.name for p in vm.perception if p.label in ("blind spot", "hidden strength")}
    for c in vm.capabilities:
        assert c.perception, c.name
        assert ("blind spot" in c.perception or "hidden strength" in c.perception) == (
            c.name in labelled
        )
    assert labelled  # Northwind plants blind spots


def test_why_this_level_names_only_statements_below_the_capability_median(h2):
    inst, rs, wr = h2
    vm = build_team_report(wr, rs, inst, ReportOptions())
    medians = {i.item_id: i.median for i in wr.items}
    for c in vm.capabilities:
        cap_median = wr.score(c.id).median
        named = [i.id for i in inst.capability(c.id).items if f"{i.id} (median" in c.why]
        assert len(named) <= 2
        assert all(medians[i] < cap_median for i in named), (c.id, named)
        assert inst.capability(c.id).levels[wr.level(c.id).level] in c.why


# -- business case ------------------------------------------------------------------------------


def test_business_case_left_out_with_one_line_without_engagement(h2):
    inst, rs, wr = h2
    vm = build_team_report(wr, rs, inst, ReportOptions())
    assert not vm.business.shown
    assert "engagement file" in vm.business.note
    assert "\n" not in vm.business.note


def test_business_case_from_the_engagement_equals_the_library(h2, engagement):
    inst, rs, wr = h2
    vm = build_team_report(wr, rs, inst, ReportOptions(engagement=engagement))
    bc = engagement.business_case(roadmap=wr.roadmap, instrument=inst)
    b = vm.business
    assert b.shown and not b.investment_note
    assert b.revenue[0].values[-1] == f"€{bc.revenue_today:,.0f}"
    assert b.revenue[1].values[-1] == f"€{bc.revenue_target:,.0f}"
    assert b.gain == f"€{bc.annual_gain:,.0f}"
    assert b.investment == f"€{bc.total_investment:,.0f}"
    assert b.payback == f"{bc.payback_months:.0f} months"
    assert len(b.stages) == len(wr.roadmap.stages)
    assert [r.label for r in b.sensitivity] == ["Low", "Base", "High"]
    assert f"€{bc.staging.value_of_staging:,.0f}" in b.staging
    assert "B. Wood" in b.source
    assert "replace the defaults" not in (b.inputs + b.staging + b.win_back).lower()


def test_business_case_of_a_1_0_0_wave_shows_revenue_and_asks_for_stage_costs(h1, engagement):
    inst, rs, wr = h1
    vm = build_team_report(wr, rs, inst, ReportOptions(engagement=engagement))
    b = vm.business
    assert b.shown and b.revenue and not b.stages
    assert "stage_costs" in b.investment_note and "1.0.0" in b.investment_note
    assert b.payback == "–" and b.staging == ""


# -- CLI ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def responses_csv(tmp_path_factory, h2):
    from assessment.io.writers import write_csv

    _inst, rs, _wr = h2
    return write_csv(rs, tmp_path_factory.mktemp("wave") / "northwind-2026-H2.csv")


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("service_contact_share: 40%", "service_contact_share: 140%", "service_contact_share"),
        ("    low: 25000", "    low: -25000", "programme.band_costs.low"),
        ("horizon_months: 60", "horizon_monts: 60", "horizon_monts"),
    ],
)
def test_engagement_error_is_located_exit_2_and_writes_no_report(
    tmp_path, responses_csv, old, new, key
):
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "acme-engagement.yaml"
    bad.write_text(text.replace(old, new), encoding="utf-8")
    line = next(i for i, t in enumerate(bad.read_text().splitlines(), 1) if new.strip() in t)
    out = tmp_path / "team.pdf"
    result = CliRunner().invoke(
        cli, ["report", "team", str(responses_csv), "--engagement", str(bad), "-o", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert f"acme-engagement.yaml:{line}" in result.stderr
    assert key in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_engagement_and_pdfua_reach_the_report_options(tmp_path, responses_csv, monkeypatch):
    from assessment import service

    seen = {}

    def fake(loaded, options, **kw):
        seen["options"] = options
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(service, "team_report", fake)
    out = tmp_path / "team.pdf"
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "team",
            str(responses_csv),
            "--engagement",
            str(EXAMPLE),
            "--pdfua",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    options = seen["options"]
    assert options.pdfua is True
    assert options.engagement.client == "Northwind Telecom"
    assert options.report_date == "2026-07-15"  # the engagement's report.date without --date


@pytest.mark.parametrize("kind", ["individual", "trend"])
def test_pdfua_flag_exists_on_individual_and_trend(kind):
    result = CliRunner().invoke(cli, ["report", kind, "--help"])
    assert "--pdfua" in result.output


def test_demo_engagement_is_the_documented_example():
    from assessment.service.demo import NORTHWIND_ENGAGEMENT

    example = EXAMPLE.read_text(encoding="utf-8")
    assert example.endswith(NORTHWIND_ENGAGEMENT)
    assert load_engagement(NORTHWIND_ENGAGEMENT.encode(), name="x.yaml") == load_engagement(EXAMPLE)


# -- the second engineer's items (issue 12: 2, 5, 6, 7) ----------------------------------------


def test_findings_detail_names_each_population_and_agrees_with_the_printed_means(h2):
    inst, rs, wr = h2
    vm = build_team_report(wr, rs, inst)
    gaps = [f for f in vm.findings if f.kind == "perception_gap"]
    assert gaps
    for f in gaps:
        assert f.detail.startswith("Management team (n = 8) mean ")
        assert "everyone else (n = 52)" in f.detail
        # "3.6 against 2.7: +0.9 points": the difference is the one of the printed means
        import re

        m = re.search(
            r"mean (\d\.\d) against everyone else \(n = 52\) (\d\.\d): ([+−]\d\.\d)", f.detail
        )
        assert m, f.detail
        printed = round(float(m[1]) - float(m[2]), 1)
        assert float(m[3].replace("−", "-")) == pytest.approx(printed)
    for f in vm.findings:
        assert "department:" not in f.detail and "p adjusted 0.00" not in f.detail


def test_disputed_items_share_one_scale_with_the_management_teams_answers_and_base_n(h2):
    inst, rs, wr = h2
    vm = build_team_report(wr, rs, inst)
    assert vm.disputed
    for d in vm.disputed:
        counts = [c for _, c, _ in d.distribution]
        base = sum(counts)
        assert d.base == f"Whole organisation (n = {base})"
        # one scale: each bar is the share of the base, not of the item's largest bar
        for _, c, width in d.distribution:
            assert int(width) == round(100 * c / base)
        assert d.management and d.management_base.startswith("Management team (n = ")
        m_n = sum(int(c) for c, _ in d.management)
        assert d.management_base == f"Management team (n = {m_n})" and m_n <= 8


def test_reverse_worded_disputed_item_is_marked_and_turned_to_the_customer_centric_end(h1):
    inst, rs, wr = h1
    vm = build_team_report(wr, rs, inst)
    reverse = [i for i in inst.items if i.reverse]
    assert reverse  # 1.0.0 has reverse-worded statements
    item = reverse[0]
    col = rs.item_ids.index(item.id)
    scale = inst.scale_of(item.id)
    from reports.views.team import _disputed, _team

    t = _team(wr, rs, inst, ReportOptions(max_disputed_items=len(inst.items)))
    rows = {d.id: d for d in _disputed(t)[0]}
    if item.id not in rows:
        pytest.skip("the reverse-worded statement has no item AGI")
    d = rows[item.id]
    assert d.reverse
    # rows run from the least to the most customer-centric: the first row is the raw top answer
    raw = rs.current[:, col]
    assert d.distribution[0][0] == scale.labels[-1]
    assert d.distribution[0][1] == int((raw == scale.high).sum())
    assert vm is not None


def test_alignment_map_is_the_management_teams_and_the_organisations_when_it_is_hidden(h2):
    inst, rs, wr = h2
    vm = build_team_report(wr, rs, inst)
    assert vm.map is not None and vm.map_population == "Management team (n = 8)"
    assert len(vm.map.coords) == 8
    small = build_team_report(wr, rs, inst, ReportOptions(min_group=9, min_group_comments=9))
    assert small.map_population == f"Whole organisation (n = {wr.n_respondents})"


def test_roadmap_prints_descriptions_dependencies_cost_done_owner_legend_and_kpis(h2):
    inst, rs, wr = h2
    vm = build_team_report(wr, rs, inst)
    spec = {a.id: a for c in inst.capabilities for a in c.actions}
    acts = [a for st in vm.stages for a in st.actions]
    assert acts
    for a in acts:
        s = spec[a.id]
        assert a.description == " ".join(s.description.split()) or a.description
        assert a.cost_band and a.done_when  # 1.1.0 carries both
        assert a.depends_on == ", ".join(s.depends_on)
    roles = dict(vm.owner_legend)
    assert roles and all(roles[r] == " ".join(inst.owner_roles[r].split()) for r in roles)
    assert {a.owner for a in acts} <= set(roles)
    assert any(st.kpis for st in vm.stages) and vm.kpi_note == ""
    assert all(st.criteria for st in vm.stages)
    names = {c.name for c in inst.capabilities}
    assert all(any(n in c for n in names) for st in vm.stages for c in st.criteria)


def test_roadmap_on_1_0_0_says_the_version_defines_no_kpis(h1):
    inst, rs, wr = h1
    vm = build_team_report(wr, rs, inst)
    assert "customer-centricity@1.0.0" in vm.kpi_note and "defines no KPIs" in vm.kpi_note
    assert all(not st.kpis for st in vm.stages) and vm.owner_legend == ()


def test_timeline_axis_covers_every_stage(h2):
    import base64
    import re

    from reports.charts import _setup, roadmap_timeline
    from reports.theme import DEFAULT_THEME

    _setup(DEFAULT_THEME)  # chart text as text (svg.fonttype none), as team_charts sets it

    inst, rs, wr = h2
    vm = build_team_report(wr, rs, inst)
    last = max(st.end for st in vm.stages)
    uri = roadmap_timeline(vm.stages, 1, DEFAULT_THEME)
    svg = base64.b64decode(uri.split(",", 1)[1]).decode()
    ticks = [int(t) for t in re.findall(r">(\d+)</text>", svg)]
    assert ticks and max(ticks) >= last


def test_perception_chart_colours_only_labelled_gaps_and_has_a_legend(h2):
    import base64

    from reports.charts import _setup, perception_chart
    from reports.theme import DEFAULT_THEME

    _setup(DEFAULT_THEME)

    inst, rs, wr = h2
    vm = build_team_report(wr, rs, inst)
    theme = DEFAULT_THEME
    svg = base64.b64decode(perception_chart(vm, theme).split(",", 1)[1]).decode().lower()
    assert "not significant" in svg and "blind spot (significant)" in svg
    if all(p.label != "hidden strength" for p in vm.perception):
        # the legend patch is the only positive-filled shape: no unlabelled gap is green
        assert svg.count("fill: " + theme.colours.positive.lower()) == 1


def test_silo_section_opens_with_the_sentence_that_matters(h2):
    inst, rs, wr = h2
    vm = build_team_report(wr, rs, inst)
    silos = {f.capability_id for f in wr.findings if f.kind == "silo"}
    names = [inst.capability(c).name for c in sorted(silos)]
    if len(names) == 1:
        assert vm.silo_lead.startswith(f"Only {names[0]} is a real silo: ")
    elif not names:
        assert vm.silo_lead.startswith("No capability is a real silo")
    else:
        assert all(n in vm.silo_lead.split(":")[0] for n in names)
    reissue = build_team_report(wr, rs, inst, ReportOptions(reissue=True))
    assert reissue.silo_lead == ""  # no silo table in a reissue


def test_perception_populations_are_named_with_their_n(h2):
    inst, rs, wr = h2
    vm = build_team_report(wr, rs, inst)
    n_mgmt = sum(r.role in wr.options.management for r in rs.respondents)
    assert vm.team_label == f"Management team (n = {n_mgmt})"
    assert vm.others_label == f"Everyone else (n = {rs.n_respondents - n_mgmt})"


def test_perception_difference_is_the_difference_of_the_printed_means(h2):
    """Review: Culture printed 3.6 against 2.7 beside "+1.0" (the unrounded gap 0.96)."""
    inst, rs, wr = h2
    vm = build_team_report(wr, rs, inst)
    for p in vm.perception:
        if p.management == "–" or p.others == "–":
            continue
        diff = round(float(p.management) - float(p.others), 1)
        assert float(p.gap.replace("−", "-")) == pytest.approx(diff), p
    glance = {c.name: c.perception for c in vm.capabilities}
    for p in vm.perception:
        if p.gap != "–":
            assert glance[p.name].startswith(p.gap)


def test_map_alt_text_names_the_management_team_and_what_its_camps_see(h2):
    inst, rs, wr = h2
    vm = build_team_report(wr, rs, inst)
    alt = vm.alts["map"]
    assert alt.startswith("Alignment map of the management team (n = 8)")
    assert "–" not in alt
    for c in vm.camps:
        assert f"{c.label} ({c.size}) sees" in alt

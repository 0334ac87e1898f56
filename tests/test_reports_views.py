"""Reports without the PDF team report: anonymity rules, view-model content, themes, personal and
trend reports, and the ``centric report`` CLI. Personal reports render in about half a second."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from test_reports_support import OPTIONS, SMALL_DEPARTMENT, northwind_wave, scored

from assessment.io.atomic import atomic_write_bytes
from questionnaires.errors import ReportError
from reports import ReportOptions, load_theme
from reports.anonymity import suppress_groups
from reports.formatting import fmt_num, fmt_signed

pypdf = pytest.importorskip("pypdf")
ROOT = Path(__file__).resolve().parents[1]


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def wave():
    return scored()


# -- anonymity rules --------------------------------------------------------------------------


def test_groups_at_or_above_k_are_all_shown():
    s = suppress_groups({"a": 3, "b": 5}, k=3)
    assert s.shown == ("a", "b") and s.hidden == ()


def test_one_small_group_forces_a_second_one_out():
    # total and all-but-one shown would reveal the small one by subtraction
    s = suppress_groups({"sales": 12, "service": 9, "legal": 2, "it": 6}, k=3)
    assert s.primary == ("legal",)
    assert s.secondary == ("it",)  # the smallest other group
    assert s.shown == ("sales", "service")


def test_two_small_groups_still_below_k_together_take_a_third():
    s = suppress_groups({"a": 1, "b": 1, "c": 4, "d": 10}, k=3)
    assert s.primary == ("a", "b")
    assert s.secondary == ("c",)  # a + b = 2 < k would be derivable as a pair
    assert sum({"a": 1, "b": 1, "c": 4}[g] for g in s.hidden) >= 3


def test_without_a_total_only_small_groups_are_hidden():
    s = suppress_groups({"a": 2, "b": 9, "c": 9}, k=3, total_shown=False)
    assert s.hidden == ("a",)


def test_everything_small_hides_everything():
    s = suppress_groups({"a": 2, "b": 2}, k=3)
    assert s.shown == ()


def test_named_workshop_lifts_suppression():
    s = suppress_groups({"a": 1, "b": 9}, k=3, named=True)
    assert s.shown == ("a", "b")


def test_named_workshop_shows_the_small_department(wave):
    from reports.views import build_team_report

    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst, ReportOptions(named_workshop=True))
    assert any(c.startswith(SMALL_DEPARTMENT) for c in vm.heatmap.columns)
    assert vm.map.labels  # respondent ids on the alignment map


def test_comments_need_the_higher_threshold(wave):
    from reports.views import build_team_report

    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst, ReportOptions(min_group=3, min_group_comments=61))
    assert vm.comments == ()
    assert "need at least 61" in vm.comments_note
    shown = build_team_report(wr, rs, inst, ReportOptions()).comments
    assert shown == tuple(sorted(shown))  # order carries no information
    assert all(len(c) == 2 for c in shown)  # (item, text): no respondent, role or department


def test_findings_rank_the_planted_split_first(wave):
    from reports.views import build_team_report

    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst, ReportOptions())
    assert len(vm.findings) == 3
    # issue 12: the findings engine's kinds lead; Northwind's planted Sales-vs-Service split on
    # Metrics is the most salient finding, named in words with its population
    top = max(wr.findings, key=lambda f: f.salience)
    assert (top.kind, top.capability_id) == ("silo", "MET")
    assert vm.findings[0].capability == "MET" and vm.findings[0].kind == "silo"
    assert "Sales rates it" in vm.findings[0].headline  # the sales-vs-service split, in words
    assert vm.findings[0].detail.startswith("Department means (n = 58)")
    assert len({f.capability for f in vm.findings}) == 3


def test_options_reject_unsafe_thresholds():
    """Review finding 4: k = 2 let a pair derive each other's answers (DESIGN §7: never below 3)."""
    for k in (1, 2):
        with pytest.raises(ReportError, match="smallest anonymous group is 3") as err:
            ReportOptions(min_group=k)
        assert "lower" not in str(err.value)  # never suggests going lower still
    assert ReportOptions(min_group=2, named_workshop=True).min_group == 2
    with pytest.raises(ReportError, match="cannot be below"):
        ReportOptions(min_group=5, min_group_comments=3)


# -- themes -----------------------------------------------------------------------------------


def test_theme_from_yaml_with_logo(tmp_path):
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    )
    f = tmp_path / "theme.yaml"
    f.write_text("client: Northwind Telecom\nlogo: logo.svg\ncolours: {primary: '#0a2540'}\n")
    t = load_theme(f)
    assert t.client == "Northwind Telecom"
    assert t.colours.primary == "#0A2540"
    assert t.logo_data_uri.startswith("data:image/svg+xml;base64,")


def test_theme_from_toml(tmp_path):
    f = tmp_path / "theme.toml"
    f.write_text('client = "Acme"\n[fonts]\nbody = "Georgia, serif"\n')
    assert load_theme(f).fonts.body == "Georgia, serif"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("colours: {primary: navy}", "colours.primary must look like"),
        ("colours: {pink: '#ffffff'}", "colours.pink is not a theme colour"),
        ("logo: missing.png", "cannot read logo"),
        ("fonts: {body: 'x; } body { display: none'}", "fonts.body must be a CSS font stack"),
        ("palette: {}", "unknown theme key"),
    ],
)
def test_theme_errors_name_the_key(tmp_path, content, message):
    f = tmp_path / "theme.yaml"
    f.write_text(content)
    with pytest.raises(ReportError, match=message):
        load_theme(f)


# -- personal report --------------------------------------------------------------------------


def test_individual_report_shows_own_scores_and_no_one_else(wave):
    from reports import render_individual_pdf
    from reports.views.common import _quartiles

    inst, rs, wr = wave
    me = rs.respondents[3]
    text = _text(render_individual_pdf(wr, rs, inst, me.id, ReportOptions(), strict=True))
    flat = " ".join(text.split())
    assert me.id in flat
    others = [r.id for r in rs.respondents if r.id != me.id]
    assert not any(o in flat for o in others)
    assert SMALL_DEPARTMENT not in flat
    met = wr.score("MET")
    idx = [r.id for r in rs.respondents].index(me.id)
    _q1, med, _q3 = _quartiles(met.respondent_scores)
    assert f"Metrics & Incentives {fmt_num(met.respondent_scores[idx])} {fmt_num(med)}" in flat


def test_individual_report_below_k_is_a_self_assessment_without_team_figures(wave):
    """Below k the personal report shows the person's own view only (issue 12: an executive
    answering alone); an unknown respondent is still refused."""
    from reports.views import build_individual_report

    inst, rs, wr = wave
    vm = build_individual_report(
        wr, rs, inst, rs.respondents[0].id, ReportOptions(min_group=61, min_group_comments=61)
    )
    assert vm.self_only
    with pytest.raises(ReportError, match="is not in"):
        build_individual_report(wr, rs, inst, "nobody", ReportOptions())


def test_pdfa_variant(wave):
    from reports import render_individual_pdf

    inst, rs, wr = wave
    pdf = render_individual_pdf(wr, rs, inst, rs.respondents[0].id, ReportOptions(pdfa=True))
    root = pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "/OutputIntents" in root and "/Metadata" in root  # PDF/A needs both
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp or b"<pdfaid:part>3</pdfaid:part>" in xmp
    assert pdf == render_individual_pdf(
        wr, rs, inst, rs.respondents[0].id, ReportOptions(pdfa=True)
    )


# -- trend report -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def second_wave(wave):
    from scoring import score_wave

    inst = wave[0]
    rs2 = northwind_wave("2026-H2", inst)
    return rs2, score_wave(inst, rs2, OPTIONS)


def test_trend_report_labels_the_planted_improvement(wave, second_wave):
    from reports import render_trend_pdf

    inst, rs1, wr1 = wave
    rs2, wr2 = second_wave
    pdf = render_trend_pdf(
        [wr1, wr2], [(inst, rs1), (inst, rs2)], ReportOptions(min_group=5), strict=True
    )
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    titles = [d.title for d in reader.outline if not isinstance(d, list)]
    assert titles == ["Change over time", "Departments"]
    flat = " ".join(_text(pdf).split())
    assert "Systems & Customer Information" in flat and "improved" in flat  # planted +0.8
    assert SMALL_DEPARTMENT not in flat
    means = (fmt_num(wr1.score("CUL").mean, 2), fmt_num(wr2.score("CUL").mean, 2))
    assert f"Culture {means[0]} {means[1]}" in flat  # two decimals beside the change


def test_trend_needs_two_waves(wave):
    from reports.views import build_trend_report

    inst, rs, wr = wave
    with pytest.raises(ReportError, match="at least two waves"):
        build_trend_report([wr], [(inst, rs)])


# -- CLI --------------------------------------------------------------------------------------


def test_help_imports_no_heavy_module():
    code = (
        "import sys; sys.argv = ['centric', 'report', 'team', '--help']\n"
        "from assessment.cli import cli\n"
        "try:\n    cli.main(standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "heavy = {'weasyprint', 'matplotlib', 'numpy', 'jinja2'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert "--named-workshop" in out.stdout and "--min-group" in out.stdout


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory, wave):
    from assessment.io.writers import write_csv

    _inst, rs, _wr = wave
    return write_csv(rs, tmp_path_factory.mktemp("cli") / "northwind-2026-H1.csv")


def test_cli_individual_report(csv_file, tmp_path, wave):
    from click.testing import CliRunner

    from assessment.cli import cli

    _inst, rs, _wr = wave
    out = tmp_path / "me.pdf"
    who = rs.respondents[0].id
    res = CliRunner().invoke(
        cli, ["report", "individual", str(csv_file), "--respondent", who, "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert who in _text(out.read_bytes())


def test_cli_errors_are_one_line(csv_file, tmp_path):
    from click.testing import CliRunner

    from assessment.cli import cli

    r = CliRunner().invoke(
        cli, ["report", "individual", str(csv_file), "-o", str(tmp_path / "x.pdf")]
    )
    assert r.exit_code == 2 and "either --respondent ID or --all" in r.output
    r = CliRunner().invoke(
        cli,
        [
            "report",
            "individual",
            str(csv_file),
            "--respondent",
            "NOPE",
            "-o",
            str(tmp_path / "x.pdf"),
        ],
    )
    assert r.exit_code == 2 and "'NOPE' is not in" in r.output
    r = CliRunner().invoke(cli, ["report", "trend", str(csv_file), "-o", str(tmp_path / "t.pdf")])
    assert r.exit_code == 2 and "two or more response files" in r.output


def test_batch_writes_one_file_per_respondent(wave, tmp_path):
    from reports.batch import write_individual_reports

    inst, rs, wr = wave
    small = replace(rs)  # same wave; only three ids rendered to keep the test fast
    ids = [r.id for r in rs.respondents[:3]]
    seen = []
    paths = write_individual_reports(
        wr,
        small,
        inst,
        tmp_path,
        respondents=ids,
        workers=2,
        progress=seen.append,
        write=atomic_write_bytes,
    )
    assert [p.name for p in paths] == [f"individual-{i}.pdf" for i in ids]
    assert len(seen) == 3 and all(p.stat().st_size > 10_000 for p in paths)


def test_theme_client_appears_on_cover_and_header(wave, tmp_path):
    from reports import render_individual_pdf

    inst, rs, wr = wave
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10"><rect width="40" height="10"/></svg>'
    )
    (tmp_path / "t.yaml").write_text("client: Acme Holdings\nlogo: logo.svg\n")
    opts = ReportOptions(theme=load_theme(tmp_path / "t.yaml"))
    pdf = render_individual_pdf(wr, rs, inst, rs.respondents[0].id, opts, strict=True)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert "ACME HOLDINGS" in reader.pages[0].extract_text()  # set in capitals on the cover
    assert "Acme Holdings" in reader.pages[1].extract_text()  # running header
    assert "Acme Holdings" in reader.metadata.title


def test_user_template_directory_overrides_a_template(wave, tmp_path):
    from reports import render_individual_pdf

    inst, rs, wr = wave
    (tmp_path / "individual.html").write_text(
        '{% extends "base.html" %}{% block body %}<section class="chapter"><h1>Custom page</h1>'
        "<p>{{ vm.respondent }}</p></section>{% endblock %}"
    )
    pdf = render_individual_pdf(
        wr, rs, inst, rs.respondents[0].id, ReportOptions(template_dir=tmp_path), strict=True
    )
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert [d.title for d in reader.outline] == ["Custom page"]


@pytest.mark.slow
def test_demo_reports_are_written(tmp_path):
    from reports.batch import write_demo_reports
    from scoring import score_wave

    _inst, _rs, _wr = scored()
    inst = _inst
    waves = [northwind_wave(w, inst) for w in ("2026-H1", "2026-H2")]
    results = [score_wave(inst, rs, OPTIONS) for rs in waves]
    files = write_demo_reports(inst, waves, results, tmp_path, write=atomic_write_bytes)
    names = sorted(p.name for p in files)
    assert "team-report-2026-H1.pdf" in names and "trend-report.pdf" in names
    assert len([n for n in names if n.startswith("individual-")]) == 60


def test_a_fresh_process_renders_the_same_bytes(wave, tmp_path):
    """Determinism across processes: font subsets, SVG ids and metadata carry no per-run state."""
    from reports import render_individual_pdf

    inst, rs, wr = wave
    who = rs.respondents[7].id
    out = tmp_path / "fresh.pdf"
    code = (
        "import sys; sys.path[:0] = ['.', 'tests']\n"
        "from test_reports_support import scored\n"
        "from reports import render_individual_pdf\n"
        "inst, rs, wr = scored()\n"
        f"open({str(out)!r}, 'wb').write(render_individual_pdf(wr, rs, inst, {who!r}))\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
    assert out.read_bytes() == render_individual_pdf(wr, rs, inst, who)


# -- regressions of the code review (one per finding, named after what broke) -----------------


@pytest.fixture(scope="module")
def thin_department():
    """Northwind with a new department ``Audit`` of 7 people (from Customer Service), only one of
    whom answered the Metrics & Incentives statements: its MET mean would be that one's score."""
    from scoring import score_wave

    inst, rs, _wr = scored()
    picked = [
        i
        for i, r in enumerate(rs.respondents)
        if r.department == "Customer Service" and r.role == "staff"
    ][:7]
    people = tuple(
        replace(r, department="Audit") if i in picked else r for i, r in enumerate(rs.respondents)
    )
    current = rs.current.copy()
    met = [j for j, iid in enumerate(rs.item_ids) if iid.startswith("MET-")]
    for i in picked[1:]:
        current[i, met] = float("nan")
    thin = replace(rs, respondents=people, current=current)
    return inst, thin, score_wave(inst, thin, OPTIONS)


def test_department_cell_scored_by_fewer_than_k_is_dashed(thin_department):
    """H3: anonymity was checked on headcount, so one person's MET score was shown as Audit's."""
    from reports.formatting import DASH
    from reports.views import build_team_report

    inst, rs, wr = thin_department
    silo = next(s for s in wr.silos if s.capability_id == "MET")
    assert ("audit", 1) in [(d, n) for d, n, _m in silo.department_means]  # the trap is set
    vm = build_team_report(wr, rs, inst, ReportOptions())
    col = next(i for i, c in enumerate(vm.heatmap.columns) if c.startswith("Audit"))
    met_row = next(r for r in vm.heatmap.rows if r.name == "Metrics & Incentives")
    assert met_row.cells[col].text == DASH
    cul_row = next(r for r in vm.heatmap.rows if r.name == "Culture")
    assert cul_row.cells[col].text != DASH  # all three scored Culture
    met_silo = [s for s in vm.silos if s.name == "Metrics & Incentives"]
    assert all("Audit" not in s.highest + s.lowest for s in met_silo)


def test_team_view_model_never_holds_a_hidden_department(wave):
    from reports.views import build_team_report

    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst, ReportOptions())
    blob = repr(vm)
    assert SMALL_DEPARTMENT not in blob
    assert SMALL_DEPARTMENT.casefold() not in blob.casefold()
    assert len(vm.heatmap.columns) == 6  # 7 Northwind departments + Legal, minus 2 hidden
    assert not any(c.startswith(SMALL_DEPARTMENT) for c in vm.heatmap.columns)
    places = [s.highest for s in vm.silos] + [s.lowest for s in vm.silos]
    assert not any(SMALL_DEPARTMENT in p for p in places)
    assert not any(SMALL_DEPARTMENT in f.detail for f in vm.findings)


def test_camp_recoverable_by_subtraction_is_not_described(wave):
    """H5: one small camp hidden, the others printed with sizes and profiles beside the
    organisation mean gave the hidden camp's profile by subtraction."""
    from reports.views import build_team_report
    from scoring.results import Camp

    inst, rs, wr = wave
    amap = wr.alignment_map
    n = wr.n_respondents
    profile = tuple((c, wr.score(c).mean + 0.5) for c in wr.capabilities)
    camps = (Camp("Camp A", n - 2, profile), Camp("Camp B", 2, profile))
    camp_of = tuple(1 if i < 2 else 0 for i in range(n))
    rigged = replace(wr, alignment_map=replace(amap, camps=camps, camp_of=camp_of, reason=""))
    # issue 12: the map is the management team's when it may be shown; with k = 9 (8 executives)
    # it is not, so the organisation's map (the rigged one) is drawn and its camps suppressed
    hidden_team = ReportOptions(min_group=9, min_group_comments=9)
    vm = build_team_report(rigged, rs, inst, hidden_team)
    assert vm.map_population.startswith("Whole organisation")
    assert vm.camps == ()  # Camp A = everyone minus Camp B: describing it describes Camp B
    assert "2 camps are not described" in vm.map_note
    three = (
        Camp("Camp A", n - 12, profile),
        Camp("Camp B", 10, profile),
        Camp("Camp C", 2, profile),
    )
    rigged = replace(wr, alignment_map=replace(amap, camps=three, camp_of=camp_of, reason=""))
    vm = build_team_report(rigged, rs, inst, hidden_team)
    assert [c.label for c in vm.camps] == ["Camp A"]  # C hidden, B (smallest other) with it


def test_perception_gap_hidden_when_management_is_below_k(wave):
    """H2: the wave is scored with min_group 3; a report with k = 9 and 8 executives printed the
    management AGI in the table, the KPI, the dot plot, the headline, findings and the gate."""
    from reports.formatting import DASH
    from reports.views import build_team_report

    inst, rs, wr = wave
    assert wr.agi_for("MET", "management").n == 8  # scoring did compute it
    vm = build_team_report(wr, rs, inst, ReportOptions(min_group=9, min_group_comments=9))
    assert vm.perception == ()
    assert not vm.dots_by_role
    assert all(r.management == () for r in vm.dots)
    assert all(f.kind not in ("perception", "alignment") for f in vm.findings)
    assert all(c.agi == DASH and c.agi_target == DASH for c in vm.capabilities)
    assert vm.kpis[0].label == "Overall AGI" and vm.kpis[0].value == DASH
    assert vm.kpis[1].value == DASH
    assert all(d.label == "AGI –" for d in vm.dots)
    assert "Alignment Gap Index" not in vm.headline and "fewer than 9" in vm.headline
    assert not any(re.search(r"AGI \d|management AGI now", s.gate) for s in vm.stages)
    assert all("Leaders agree" not in f.detail for f in vm.findings)
    shown = build_team_report(wr, rs, inst, ReportOptions())
    assert any(re.search(r"AGI \d", s.gate) for s in shown.stages)  # the check can fail


def test_report_scoring_uses_the_report_k_and_the_instruments_roles():
    """H2 (CLI): `report team --min-group 9` scored with the default min_group 3."""
    from assessment.service import report_score_options
    from scoring.results import BusinessCaseParams

    assert (
        report_score_options(ReportOptions(min_group=9, min_group_comments=9).min_group).min_group
        == 9
    )
    assert (
        report_score_options(ReportOptions(min_group=2, named_workshop=True).min_group).min_group
        == 3
    )
    assert report_score_options(ReportOptions().min_group).management_roles is None
    business = BusinessCaseParams()
    assert report_score_options(5, business).business is business


def test_perception_row_dashed_when_a_side_has_fewer_than_k_scores(wave):
    """H3: perception was gated on role headcount, not on who has a score for the capability."""
    from reports.formatting import DASH
    from reports.views import build_team_report

    inst, rs, wr = wave
    p0 = wr.perception[0]
    thin = replace(p0, n_management=2)
    rigged = replace(wr, perception=(thin, *wr.perception[1:]))
    vm = build_team_report(rigged, rs, inst, ReportOptions())
    assert vm.perception[0].management == DASH and vm.perception[0].gap == DASH
    assert vm.perception[1].management != DASH
    assert all(f.capability != p0.capability_id or f.kind != "perception" for f in vm.findings)


def test_perception_findings_follow_scoring_labels(wave):
    """M4: the summary used p < .10 and |gap| >= 0.3 while the table used scoring's labels."""
    from reports.views import build_team_report

    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst, ReportOptions())
    labels = {p.capability_id: p.label for p in wr.perception}
    for f in vm.findings:
        if f.kind == "perception":
            assert labels[f.capability] in ("blind spot", "hidden strength")


def test_headline_maturity_ignores_unassessed_capabilities(wave):
    """M5: a capability at level 0 (not assessed) pulled the average maturity down."""
    from reports.views import build_team_report

    inst, rs, wr = wave
    weights = {c.id: c.weight for c in inst.capabilities}
    gone = wr.capabilities[0]
    levels = tuple(replace(lv, level=0) if lv.capability_id == gone else lv for lv in wr.levels)
    rest = [c for c in wr.capabilities if c != gone]

    # the headline's levels are the management team's when scoring estimates them (issue 10)
    def level(c):
        m = wr.level(c).management
        return m.level if all(wr.level(x).management for x in rest) else wr.level(c).level

    expect = sum(level(c) * weights[c] for c in rest) / sum(weights[c] for c in rest)
    vm = build_team_report(replace(wr, levels=levels), rs, inst, ReportOptions())
    assert f"maturity level {fmt_num(expect)} on average over the {len(rest)}" in vm.headline
    assert vm.kpis[2].value == fmt_num(expect)


def test_personal_statements_show_the_answer_as_given_on_the_items_scale(wave):
    """M6: reverse-coded items were flipped with the first scale's bounds and shown flipped next
    to the statement as worded."""
    from reports.views import build_individual_report

    inst, rs, wr = wave
    stats = {s.item_id: s for s in wr.items}
    checked = 0
    for idx in range(12):
        vm = build_individual_report(wr, rs, inst, rs.respondents[idx].id, ReportOptions())
        for it in vm.differences + vm.agree:
            j = rs.item_ids.index(it.id)
            raw = int(rs.current[idx, j])
            scale = inst.scale_of(it.id)
            assert it.you == f"{raw} {scale.labels[raw - scale.low]}"
            med = stats[it.id].median
            if inst.item(it.id).reverse:
                med = scale.low + scale.high - med
                checked += 1
            assert it.team_median == fmt_num(med)
    assert checked  # a reverse-coded statement was among them


def test_hidden_department_names_match_whole_words_only():
    """M7: a hidden department keyed `it` turned "item(s)" into "(a small department)em(s)"."""
    from reports.anonymity import Suppression
    from reports.views.common import _safe_text, _safe_warnings

    text = "2 item(s) of IT were dropped; it was hidden"
    assert _safe_text(text, {"it"}, {"it": "IT"}) == (
        "2 item(s) of (a small department) were dropped; (a small department) was hidden"
    )
    sup = Suppression(("sales",), ("it",), ())
    kept = _safe_warnings(
        ["item MET-03 has no answers", "IT has one respondent"], sup, {"it": "IT"}
    )
    assert kept == ("item MET-03 has no answers",)


def test_disputed_items_rank_by_management_item_agi_like_roadmap_stage_1(wave):
    from reports.views import build_team_report

    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst, ReportOptions())
    stats = {i.item_id: i for i in wr.items}
    values = [stats[d.id].agi_management for d in vm.disputed]
    assert values == sorted(values, reverse=True)
    top = max(
        (i for i in wr.items if i.agi_management == i.agi_management),
        key=lambda i: i.agi_management,
    )
    assert vm.disputed[0].id == top.item_id
    stage1 = wr.roadmap.stages[0]
    assert stage1.kind == "align"
    assert top.item_id in stage1.disputed_items  # the same statement leads both lists


def test_trend_pairs_each_wave_with_its_own_instrument(wave, mini_instrument):
    """H4: every wave was compared with the newest wave's instrument."""
    from reports.views import build_trend_report

    inst, rs, wr = wave
    wr2 = replace(wr, wave="2026-H2")
    with pytest.raises(ReportError, match="pass each wave's own instrument"):
        build_trend_report([wr, wr2], [(inst, rs), (mini_instrument, rs)])


def test_batch_writes_through_the_callers_writer_and_reports_bad_paths(wave, tmp_path):
    """M10 / H6: reports must not import assessment.io; an unwritable path is a one-line error."""
    import ast
    import inspect

    import reports.batch as batch
    from questionnaires.errors import OutputError

    tree = ast.parse(inspect.getsource(batch))
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)] + [
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    ]
    assert not any(m.startswith("assessment.io") for m in imported)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputError, match="afile"):
        batch.write_file(tmp_path / "afile" / "x.pdf", b"%PDF")
    inst, rs, wr = wave
    written: list[Path] = []

    def write(p: Path, data: bytes) -> None:
        written.append(p)
        p.write_bytes(data)

    paths = batch.write_individual_reports(
        wr, rs, inst, tmp_path / "out", respondents=[rs.respondents[0].id], workers=1, write=write
    )
    # a new folder: the caller's writer wrote into a staging folder beside out/, renamed into place
    assert len(written) == 1 and written[0].parent.parent == tmp_path
    assert written[0].parent.name.startswith(".out.centric-reports-")
    assert written[0].name == paths[0].name and paths[0].read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [paths[0].name]


def test_trend_label_and_printed_change_cover_the_same_span(wave, second_wave):
    """M1: the label came from the last pair of waves, the printed change from first to last."""
    from reports.views import build_trend_report
    from scoring.trend import compare_waves

    inst, rs1, wr1 = wave
    rs2, wr2 = second_wave
    wr3 = replace(wr2, wave="2027-H1")
    rs3 = replace(rs2, wave="2027-H1")
    pairs = [(inst, rs1), (inst, rs2), (inst, rs3)]
    vm = build_trend_report([wr1, wr2, wr3], pairs, ReportOptions(min_group=5))
    span = compare_waves([pairs[0], pairs[-1]], wr3.options)
    for cid, row in zip(wr1.capabilities, vm.rows, strict=True):
        c = span.change_for(cid, "organisation", "2027-H1")
        assert row.change == f"{c.label} ({fmt_signed(c.change)})"
    assert "2027-H1 against 2026-H1" in vm.rule


def _metrics_scored_by(mini_instrument, n_met: int):
    """Ten executives at level 1 aiming at 5 (Culture at 3); only the first ``n_met`` rate the
    Metrics items."""
    import numpy as np

    from questionnaires.answers import Respondent, ResponseSet

    cur = np.ones((10, 6))
    cur[:, [1, 5]] = 5  # reverse-coded items: 5 is level 1
    cur[n_met:, 4:] = np.nan
    target = np.where(np.isnan(cur), np.nan, 6 - cur)
    target[:, :2] = 3  # Culture aims at level 3 only: Metrics' one step falls between its two
    depts = ["Sales"] * 5 + ["HR"] * 5
    return ResponseSet(
        mini_instrument.ref,
        "W1",
        tuple(Respondent(f"R{k:02d}", "executive", depts[k]) for k in range(10)),
        tuple(i.id for i in mini_instrument.items),
        cur,
        target,
        np.zeros(cur.shape, dtype=bool),
        np.full(cur.shape, np.nan),
    )


def test_roadmap_of_a_thin_capability_has_no_action_and_stage_numbers_have_no_gap(
    mini_instrument,
):
    """The view dropped a thin capability's actions and any stage made only of them, so the
    stages it printed could be numbered 1, 3, 4; scoring now plans no step for it."""
    from assessment.service import report_score_options
    from reports.views import build_team_report
    from scoring import score_wave

    rs = _metrics_scored_by(mini_instrument, 2)
    opts = replace(report_score_options(3), bootstrap=0, roadmap_max_per_stage=1)
    result = score_wave(mini_instrument, rs, opts)
    vm = build_team_report(result, rs, mini_instrument, ReportOptions())
    name = mini_instrument.capability("MET").name
    assert len(vm.stages) >= 2  # the precondition: a plan of several one-capability stages
    assert [s.number for s in vm.stages] == list(range(1, len(vm.stages) + 1))
    assert all(a.capability != name for s in vm.stages for a in s.actions)
    assert all(name not in s.focus and name not in s.projected for s in vm.stages)
    assert all("MET" not in s.gate for s in vm.stages)
    assert vm.roadmap_note.startswith(f"{name}: not planned here, because fewer than 3")


def test_thin_capability_planned_by_a_lower_scoring_min_group_is_a_report_error(
    mini_instrument,
):
    """The view no longer filters the plan: a result scored with a smaller min_group than the
    report's k would print a withheld capability's levels in its roadmap steps."""
    from reports.views import build_team_report
    from scoring import ScoreOptions, score_wave

    rs = _metrics_scored_by(mini_instrument, 4)
    result = score_wave(mini_instrument, rs, ScoreOptions(bootstrap=0, min_group=3))
    assert any("MET" in s.capabilities for s in result.roadmap.stages)
    with pytest.raises(
        ReportError, match=r"plans MET, which fewer than 5 .*ScoreOptions\(min_group=5\)"
    ):
        build_team_report(result, rs, mini_instrument, ReportOptions(min_group=5))


def test_old_viewmodel_import_still_works_with_a_deprecation_warning():
    import reports.viewmodel as old
    from reports import views
    from reports.views import common

    with pytest.warns(DeprecationWarning, match=r"reports\.views; import it from there"):
        assert old.build_team_report is views.build_team_report
    with pytest.warns(DeprecationWarning, match=r"moved to reports\.views\.common"):
        assert old._quartiles is common._quartiles
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        old.no_such_name  # noqa: B018

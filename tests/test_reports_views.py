"""Reports without the PDF team report: anonymity rules, view-model content, themes, personal and
trend reports, and the ``centric report`` CLI. Personal reports render in about half a second."""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from test_reports_support import OPTIONS, SMALL_DEPARTMENT, northwind_wave, scored

from assessment.errors import ReportError
from reports import ReportOptions, load_theme
from reports.anonymity import suppress_groups
from reports.formatting import fmt_num

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


def test_team_view_model_never_holds_a_hidden_department(wave):
    from reports.viewmodel import build_team_report

    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst, ReportOptions())
    blob = repr(vm)
    assert SMALL_DEPARTMENT not in blob
    assert SMALL_DEPARTMENT.casefold() not in blob.casefold()
    assert len(vm.heatmap.columns) == 6  # 7 Northwind departments + Legal, minus 2 hidden


def test_named_workshop_shows_the_small_department(wave):
    from reports.viewmodel import build_team_report

    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst, ReportOptions(named_workshop=True))
    assert any(c.startswith(SMALL_DEPARTMENT) for c in vm.heatmap.columns)
    assert vm.map.labels  # respondent ids on the alignment map


def test_comments_need_the_higher_threshold(wave):
    from reports.viewmodel import build_team_report

    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst, ReportOptions(min_group=3, min_group_comments=61))
    assert vm.comments == ()
    assert "need at least 61" in vm.comments_note
    shown = build_team_report(wr, rs, inst, ReportOptions()).comments
    assert shown == tuple(sorted(shown))  # order carries no information
    assert all(len(c) == 2 for c in shown)  # (item, text): no respondent, role or department


def test_perception_gap_hidden_when_management_is_below_k(wave):
    from reports.viewmodel import build_team_report

    inst, rs, wr = wave
    vm = build_team_report(
        wr, rs, inst, ReportOptions(min_group=9, min_group_comments=9)
    )  # 8 executives
    assert vm.perception == ()
    assert not vm.dots_by_role
    assert all(r.management == () for r in vm.dots)
    assert all(f.kind != "perception" for f in vm.findings)


def test_findings_rank_the_planted_split_first(wave):
    from reports.viewmodel import build_team_report

    inst, rs, wr = wave
    vm = build_team_report(wr, rs, inst, ReportOptions())
    assert len(vm.findings) == 3
    assert vm.findings[0].capability == "MET" and vm.findings[0].kind == "alignment"
    assert "Sales rates it" in vm.findings[0].detail  # the sales-vs-service split, in words
    assert len({f.capability for f in vm.findings}) == 3


def test_options_reject_unsafe_thresholds():
    with pytest.raises(ReportError, match="at least 2"):
        ReportOptions(min_group=1)
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
    from reports.viewmodel import _quartiles

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


def test_individual_report_needs_k_respondents(wave):
    from reports.viewmodel import build_individual_report

    inst, rs, wr = wave
    with pytest.raises(ReportError, match="at least 61 respondents"):
        build_individual_report(
            wr, rs, inst, rs.respondents[0].id, ReportOptions(min_group=61, min_group_comments=61)
        )
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


def test_trend_report_labels_the_planted_improvement(wave):
    from reports import render_trend_pdf
    from scoring import score_wave

    inst, rs1, wr1 = wave
    rs2 = northwind_wave("2026-H2", inst)
    wr2 = score_wave(inst, rs2, OPTIONS)
    pdf = render_trend_pdf(
        [wr1, wr2], [(inst, rs1), (inst, rs2)], ReportOptions(min_group=5), strict=True
    )
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    titles = [d.title for d in reader.outline if not isinstance(d, list)]
    assert titles == ["Change over time", "Departments"]
    flat = " ".join(_text(pdf).split())
    assert "Systems & Customer Information" in flat and "improved" in flat  # planted +0.8
    assert SMALL_DEPARTMENT not in flat
    assert f"Culture {fmt_num(wr1.score('CUL').mean)} {fmt_num(wr2.score('CUL').mean)}" in flat


def test_trend_needs_two_waves(wave):
    from reports.viewmodel import build_trend_report

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
        wr, small, inst, tmp_path, respondents=ids, workers=2, progress=seen.append
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
    files = write_demo_reports(inst, waves, results, tmp_path)
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

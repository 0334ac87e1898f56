"""Regressions for the second hostile-user review of reports and ``centric report``.

One test (or a few) per finding, numbered as in the review: 1/7 output paths, 3 waves below k,
4 ``--min-group`` floor, 5/6 batch file names and all-or-nothing writing, 12 trend order and
hashes, 15 bidi and control characters, and the polish items. Only one test renders a PDF; the
others stop before rendering (CLI) or test the view model and HTML.
"""

from __future__ import annotations

import csv
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from test_reports_support import OPTIONS, scored

from assessment.cli import cli
from questionnaires.errors import OutputError, ReportError
from reports import ReportOptions
from reports.batch import MAX_STEM, individual_filename, individual_filenames
from reports.formatting import COMMENT_MAX, cap_text, clean_text

RLO = "\u202e"


@pytest.fixture(scope="module")
def wave():
    return scored()


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory, wave):
    from assessment.io.writers import write_csv

    _inst, rs, _wr = wave
    return write_csv(rs, tmp_path_factory.mktemp("hostile") / "victim.csv")


def _invoke(*args: str):
    return CliRunner().invoke(cli, ["report", *args])


# -- findings 1 and 7: output paths, checked before any work ------------------------------------


def test_report_refuses_to_overwrite_its_input(csv_file):
    before = csv_file.read_bytes()
    r = _invoke("team", str(csv_file), "-o", str(csv_file))
    assert r.exit_code == 2 and "is the input file" in r.output
    assert "Traceback" not in r.output and csv_file.read_bytes() == before


@pytest.mark.parametrize(
    ("cmd", "out", "message"),
    [
        ("team", "missing/x.pdf", "does not exist"),
        ("individual", ".", "that is a folder"),
        ("trend", "missing/x.pdf", "does not exist"),
    ],
)
def test_bad_output_fails_fast_with_one_line(csv_file, tmp_path, cmd, out, message):
    target = tmp_path / out
    extra = {"individual": ["--respondent", "X"], "trend": [str(csv_file)]}.get(cmd, [])
    r = _invoke(cmd, str(csv_file), *extra, "-o", str(target))
    assert r.exit_code == 2 and message in r.output, r.output
    assert len(r.output.strip().splitlines()) == 1
    assert not (tmp_path / "missing").exists()


def test_all_into_a_folder_whose_parent_is_missing(csv_file, tmp_path):
    r = _invoke("individual", str(csv_file), "--all", "-o", str(tmp_path / "a" / "b"))
    assert r.exit_code == 2 and "does not exist" in r.output
    assert not (tmp_path / "a").exists()


# -- findings 3 and 4: anonymity floors --------------------------------------------------------


@pytest.fixture(scope="module")
def two_people_csv(csv_file, wave, tmp_path_factory):
    _inst, rs, _wr = wave
    keep = {rs.respondents[0].id, rs.respondents[1].id}
    with csv_file.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("respondent")
    out = tmp_path_factory.mktemp("two") / "two.csv"
    with out.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([rows[0], *(r for r in rows[1:] if r[col] in keep)])
    return out


@pytest.mark.parametrize("cmd", ["team", "trend"])
def test_a_wave_below_k_is_refused(two_people_csv, csv_file, tmp_path, cmd):
    """Finding 3: `report team` on 2 people printed every score (each derives the other's)."""
    files = [str(two_people_csv)] + ([str(csv_file)] if cmd == "trend" else [])
    out = tmp_path / "r.pdf"
    r = _invoke(cmd, *files, "-o", str(out))
    assert r.exit_code == 2, r.output
    assert "needs at least" in r.output and "has 2" in r.output
    assert "--named-workshop" in r.output and "lower --min-group" not in r.output
    assert not out.exists()


def test_view_models_refuse_a_wave_below_k_unless_named(wave):
    from reports.anonymity import require_population
    from reports.views import build_team_report

    inst, rs, wr = wave
    with pytest.raises(ReportError, match="team report needs at least 61"):
        build_team_report(wr, rs, inst, ReportOptions(min_group=61, min_group_comments=61))
    require_population(2, 3, True, "team report", "W")  # named workshop: allowed
    with pytest.raises(ReportError, match="or lower the minimum group size to 4 ") as err:
        require_population(4, 5, False, "trend report", "W")  # never suggests below 3
    assert err.value.settings == {"min_group": 4, "named_workshop": None}


def test_min_group_below_3_needs_a_named_workshop(csv_file, tmp_path):
    """Finding 4: `--min-group 2` was accepted, and the error suggested lowering it."""
    r = _invoke("team", str(csv_file), "--min-group", "2", "-o", str(tmp_path / "r.pdf"))
    assert r.exit_code == 2 and "smallest anonymous group is 3" in r.output
    assert "lower" not in r.output


# -- findings 5 and 6: batch file names, all or nothing ----------------------------------------


def test_file_names_are_unique_even_without_case():
    ids = ["a/b", "a_b", "a:b", "NW-E02", "nw-e02", "R017"]
    names = individual_filenames(ids)
    assert len({n.lower() for n in names.values()}) == len(ids)
    assert names["R017"] == "individual-R017.pdf"  # ordinary ids keep their plain name
    assert all(n.startswith("individual-a_b-") for n in (names["a/b"], names["a_b"], names["a:b"]))


def test_long_ids_are_cut_with_a_hash():
    long_id = "x" * 300
    name = individual_filename(long_id)
    assert len(name) == MAX_STEM + len(".pdf") and name.startswith("individual-xxx")
    assert individual_filename("y" * 300) != individual_filename("y" * 301)


def test_batch_is_all_or_nothing(wave, tmp_path):
    """Finding 6: a failure part-way left 39 of 60 PDFs behind."""
    from reports.batch import write_individual_reports

    inst, rs, wr = wave
    calls: list[Path] = []

    def failing_write(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OutputError(f"cannot write {path}: disk full")
        path.write_bytes(data)

    out = tmp_path / "personal"
    ids = [rs.respondents[0].id, rs.respondents[1].id]
    with pytest.raises(OutputError, match="disk full"):
        write_individual_reports(
            wr, rs, inst, out, ReportOptions(), respondents=ids, workers=1, write=failing_write
        )
    assert len(calls) == 2 and not out.exists()  # created by the call, so removed again
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(OutputError):
        calls.clear()
        write_individual_reports(
            wr, rs, inst, out, ReportOptions(), respondents=ids, workers=1, write=failing_write
        )
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


# -- finding 12: trend order and hashes ------------------------------------------------------


def test_trend_waves_in_any_order_are_sorted_by_wave_id(wave):
    from test_reports_support import northwind_wave

    from reports.views import build_trend_report
    from scoring import score_wave

    inst, rs1, wr1 = wave
    rs2 = northwind_wave("2026-H2", inst)
    wr2 = score_wave(inst, rs2, OPTIONS)
    opts = ReportOptions(min_group=5)
    given = build_trend_report([wr2, wr1], [(inst, rs2), (inst, rs1)], opts)
    ordered = build_trend_report([wr1, wr2], [(inst, rs1), (inst, rs2)], opts)
    assert given == ordered
    assert given.waves == ("2026-H1", "2026-H2")
    assert given.summary.startswith("Between 2026-H1 and 2026-H2")
    assert given.meta.wave == "2026-H1 → 2026-H2"
    assert given.meta.wave_hashes == (("2026-H1", wr1.data_hash), ("2026-H2", wr2.data_hash))


# -- finding 15 and polish: user text --------------------------------------------------------


def test_clean_text_removes_controls_and_bidi_overrides():
    assert clean_text(f"IT{RLO} (8)\x00\x1b[31m") == "IT (8)[31m"
    assert clean_text("a\u2066b\u2069c\u200fd") == "abc\u200fd"  # RLM (a mark) is harmless
    assert clean_text("שלום") == "שלום"


def test_cap_text_cuts_long_comments_at_a_word():
    text = "word " * 500
    capped = cap_text(text.strip())
    assert len(capped) <= COMMENT_MAX and capped.endswith("word…")
    assert cap_text("z" * 5000) == "z" * (COMMENT_MAX - 1) + "…"


@pytest.fixture(scope="module")
def hostile(wave):
    """The wave with a department name carrying a right-to-left override and hostile comments."""
    from questionnaires.answers import Comment
    from reports.api import team_report_html
    from reports.views import build_team_report
    from scoring import score_wave

    inst, rs, _wr = wave
    dept = rs.respondents[0].department
    people = tuple(
        replace(r, department=f"{RLO}{dept}\x00") if r.department == dept else r
        for r in rs.respondents
    )
    extra = (
        Comment(people[0].id, rs.item_ids[2], f"bad{RLO}text\x00 here"),
        Comment(people[1].id, rs.item_ids[3], "long " * 1000),
    )
    rs2 = replace(rs, respondents=people, comments=rs.comments + extra)
    wr2 = score_wave(inst, rs2, OPTIONS)
    vm = build_team_report(wr2, rs2, inst, ReportOptions())
    return vm, team_report_html(wr2, rs2, inst, ReportOptions())


def test_user_text_is_cleaned_and_isolated(hostile, wave):
    vm, html = hostile
    dept = wave[1].respondents[0].department
    assert RLO not in html and "\x00" not in html
    assert vm.heatmap is not None and dept in vm.heatmap.names
    assert f"<bdi>\u2068{dept}\u2069</bdi> (" in html  # the count stays outside the isolate
    texts = [t for _i, t in vm.comments]
    assert "badtext here" in texts
    assert max(len(t) for t in texts) <= COMMENT_MAX
    assert "is cut (…)" in vm.comments_note


def test_hidden_agi_reads_not_shown(wave):
    from reports.views import build_team_report

    inst, rs, wr = wave
    n_mgmt = sum(1 for r in rs.respondents if r.role in wr.options.management)
    k = n_mgmt + 1
    vm = build_team_report(wr, rs, inst, ReportOptions(min_group=k, min_group_comments=k))
    assert vm.kpis[0].note == f"not shown (fewer than {k})"
    assert {c.agi_band for c in vm.capabilities} == {f"not shown (fewer than {k})"}
    assert "undefined" not in vm.headline and "– of 100" not in vm.headline


def test_cover_has_no_pseudo_date(wave):
    from reports.views import build_team_report

    inst, rs, wr = wave
    assert build_team_report(wr, rs, inst).meta.date == ""
    dated = build_team_report(wr, rs, inst, ReportOptions(report_date="12 May 2026"))
    assert dated.meta.date == "12 May 2026"


def test_personal_summary_wording_and_all_na_respondent(wave):
    from reports.views import build_individual_report
    from scoring import score_wave

    inst, rs, _wr = wave
    current = rs.current.copy()
    current[0, :] = np.nan
    rs2 = replace(rs, current=current)
    wr2 = score_wave(inst, rs2, OPTIONS)
    vm = build_individual_report(wr2, rs2, inst, rs.respondents[0].id)
    assert vm.summary.startswith("Your answers give no capability score")
    assert all(math.isnan(r.you_value) for r in vm.rows)
    others = [build_individual_report(wr2, rs2, inst, r.id) for r in rs.respondents[1:15]]
    for o in others:
        assert "none capabilities" not in o.summary
        assert "on no capability" in o.summary or " capabilities and" in o.summary


def test_one_respondent_is_singular(wave):
    from reports.anonymity import Suppression
    from reports.views.common import _safe_warnings

    kept = _safe_warnings(
        ["department 'X' has 1 respondents; not shown"], Suppression((), (), ()), {}
    )
    assert kept == ("department 'X' has 1 respondent; not shown",)


def test_trend_wording_for_no_capability_more_aligned():
    from reports.views.common import _n_of

    assert _n_of(0, 7) == "none of them"
    assert _n_of(1, 7) == "1 of 7 capabilities"


# -- report use cases live in assessment.service (DESIGN §3: the CLI only parses and writes) ----


@pytest.fixture
def no_scoring(monkeypatch):
    """Record the waves and options ``assessment.service`` scores, without scoring them."""
    from assessment import service

    calls: list[tuple[str, object]] = []

    def fake_score(loaded, options=None):
        calls.append((loaded.responses.wave, options))
        return f"result {loaded.responses.wave}"

    monkeypatch.setattr(service, "score_responses", fake_score)
    return calls


def _loaded(rs, inst):
    from assessment.service import LoadedResponses

    return LoadedResponses(inst, rs)


def test_service_trend_report_sorts_waves_and_pairs_each_with_its_instrument(
    wave, monkeypatch, no_scoring
):
    import reports
    from assessment import service

    inst, rs1, _wr = wave
    rs2 = replace(rs1, wave="2026-H2")
    seen = {}

    def fake_render(results, pairs, options):
        seen.update(results=results, pairs=pairs, options=options)
        return b"%PDF trend"

    monkeypatch.setattr(reports, "render_trend_pdf", fake_render)
    opts = ReportOptions(min_group=7, min_group_comments=7)
    pdf = service.trend_report([_loaded(rs2, inst), _loaded(rs1, inst)], opts)
    assert pdf == b"%PDF trend"
    assert [w for w, _ in no_scoring] == ["2026-H1", "2026-H2"]  # oldest first
    assert all(o.min_group == 7 and o.management_roles is None for _, o in no_scoring)
    assert seen["results"] == ["result 2026-H1", "result 2026-H2"]
    assert [(i, r.wave) for i, r in seen["pairs"]] == [(inst, "2026-H1"), (inst, "2026-H2")]
    assert seen["options"] is opts


def test_service_team_report_refuses_a_wave_below_k_before_scoring(wave, no_scoring):
    from assessment import service

    inst, rs, _wr = wave
    with pytest.raises(ReportError, match="team report needs at least 61"):
        service.team_report(_loaded(rs, inst), ReportOptions(min_group=61, min_group_comments=61))
    with pytest.raises(ReportError, match="trend report needs at least 61"):
        service.trend_report(
            [_loaded(rs, inst)], ReportOptions(min_group=61, min_group_comments=61)
        )
    assert no_scoring == []


def test_service_individual_reports_checks_every_file_before_scoring(wave, tmp_path, no_scoring):
    from assessment import service

    inst, rs, _wr = wave
    checked: list[Path] = []

    def refuse_third(path: Path) -> None:
        checked.append(path)
        if len(checked) == 3:
            raise OutputError(f"the output {path} is the input file")

    with pytest.raises(OutputError, match="is the input file"):
        service.individual_reports(
            _loaded(rs, inst), ReportOptions(), tmp_path, check_path=refuse_third
        )
    assert no_scoring == [] and list(tmp_path.iterdir()) == []
    assert all(p.parent == tmp_path and p.name.startswith("individual-") for p in checked)


def test_report_team_to_dev_null(csv_file, monkeypatch):
    """``-o /dev/null`` is written through (the device stays a device); rendering is stubbed,
    the CLI only calls ``service.team_report`` and writes its bytes."""
    import os
    import stat

    from assessment import service

    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    monkeypatch.setattr(service, "team_report", lambda loaded, options, **_kw: b"%PDF-1.7 stub")
    r = _invoke("team", str(csv_file), "-o", "/dev/null")
    assert r.exit_code == 0, r.output
    assert "Wrote /dev/null" in r.output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)

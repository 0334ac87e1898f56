"""Differencing across reports (issue 8, item 4): two team reports of one wave, with and without
one respondent, gave away that person's N/A pattern and answers (Appendix B's n and N/A, the
disputed-item bars). Every report is now recorded with its respondents (a manifest next to the
files, or the database); a report differing from an earlier one by 1..k-1 people is refused
unless --allow-reissue, and a reissue shows no count that would differ."""

from __future__ import annotations

import difflib
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from assessment import service
from assessment.cli import cli
from questionnaires.errors import ReportError
from reports import ReportOptions

pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parent.parent
MINI = str(ROOT / "tests" / "fixtures" / "mini" / "1.0.0.yaml")


def _without(rs, idx: int):
    keep = [i for i in range(rs.n_respondents) if i != idx]
    gone = rs.respondents[idx].id
    return replace(
        rs,
        respondents=tuple(rs.respondents[i] for i in keep),
        current=rs.current[keep],
        target=rs.target[keep],
        na=rs.na[keep],
        confidence=rs.confidence[keep],
        comments=tuple(c for c in rs.comments if c.respondent != gone),
    )


@pytest.fixture(scope="module")
def waves(mini_instrument):
    """Northwind on the mini instrument, and the same wave without the respondent with the
    most N/A answers (a late answer, a reissue): (full, reduced, that person's N/A items)."""
    from assessment.synthetic import northwind

    rs = northwind(instrument=mini_instrument)
    idx = int(np.argmax(rs.na.sum(axis=1)))
    na_items = {rs.item_ids[j] for j in np.flatnonzero(rs.na[idx])}
    assert na_items
    full = service.from_response_set(rs, mini_instrument)
    reduced = service.from_response_set(_without(rs, idx), mini_instrument)
    return full, reduced, na_items


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _appendix_counts(text: str, items: list[str]) -> dict[str, tuple[str, str]]:
    """Appendix B: ``item id → (n, N/A)`` as printed (``–`` when withheld)."""
    out = {}
    for item in items:
        m = re.search(rf"^{re.escape(item)} .*? (\d+|–) (\d+|–) [\d.–]+ [\d.–]+$", text, re.M)
        if m:
            out[item] = (m.group(1), m.group(2))
    return out


def _revealed_na(a: str, b: str, items: list[str]) -> set[str]:
    """Items whose printed N/A count differs between the two reports: the person's N/A pattern."""
    ca, cb = _appendix_counts(a, items), _appendix_counts(b, items)
    return {
        i
        for i in items
        if i in ca
        and i in cb
        and ca[i][1].isdigit()
        and cb[i][1].isdigit()
        and ca[i][1] != cb[i][1]
    }


@pytest.fixture(scope="module")
def unguarded(waves):
    full, reduced, _ = waves
    return (
        _text(service.team_report(full, ReportOptions())),
        _text(service.team_report(reduced, ReportOptions())),
    )


def test_two_unrecorded_team_reports_print_no_per_item_counts_to_compare(waves, unguarded):
    """The attack of issue 8 compared the per-item N/A counts of two reports a person apart and
    read that person's N/A pattern. Since issue 12 the board report prints no per-item n or N/A
    table (the statements are in `centric questionnaire show`), so even unrecorded reports give
    nothing to compare there; the ledger still refuses the second report (next test), because
    means and medians would still differ by that person."""
    full, _reduced, na_items = waves
    items = list(full.responses.item_ids)
    assert na_items  # the person has N/A answers to find
    assert _appendix_counts(unguarded[0], items) == {} == _appendix_counts(unguarded[1], items)
    assert _revealed_na(*unguarded, items) == set()


def test_report_differing_by_one_respondent_is_refused_naming_the_earlier_one(tmp_path, waves):
    full, reduced, _ = waves
    ledger = service.report_ledger(tmp_path / "a.pdf")
    service.team_report(full, ReportOptions(), ledger=ledger, path=tmp_path / "a.pdf")
    with pytest.raises(ReportError) as err:
        service.team_report(reduced, ReportOptions(), ledger=ledger, path=tmp_path / "b.pdf")
    message = str(err.value)
    assert (
        f"team report {tmp_path / 'a.pdf'} (recorded " in message and "allow a reissue" in message
    )
    assert "(and 1 more)" not in message  # the user ledger's and the manifest's record are one
    assert "1 of them differ, fewer than k=3" in message
    # the same respondents again is a re-render, always allowed
    service.team_report(full, ReportOptions(), ledger=ledger, path=tmp_path / "a2.pdf")


def test_reissue_shows_no_per_item_counts_so_the_diff_reveals_no_na_pattern(tmp_path, waves):
    full, reduced, _ = waves
    items = list(full.responses.item_ids)
    ledger = service.report_ledger(tmp_path / "a.pdf")
    a = service.team_report(full, ReportOptions(), ledger=ledger, path=tmp_path / "a.pdf")
    b = service.team_report(
        reduced, ReportOptions(), ledger=ledger, path=tmp_path / "b.pdf", allow_reissue=True
    )
    ta, tb = _text(a), _text(b)
    assert _revealed_na(ta, tb, items) == set()
    assert _appendix_counts(tb, items) == {}  # no per-item count table at all (issue 12)
    # no answer count to compare: no line of the reissue that differs is a bar with its count
    changed = [
        line[1:]
        for line in difflib.unified_diff(ta.splitlines(), tb.splitlines(), lineterm="", n=0)
        if line.startswith("+") and not line.startswith("+++")
    ]
    labels = ("Ad hoc", "Emerging", "Defined", "Managed", "Customer-led")
    assert not [ln for ln in changed if re.fullmatch(rf"({'|'.join(labels)}) \d+", ln)]
    assert "reissue" in tb
    # comments of the reissue are withheld (a removed comment would name its writer)
    assert "<script>alert(1)</script>" not in tb


def test_manifest_holds_no_respondent_id_and_is_valid_json(tmp_path, waves):
    full, _reduced, _ = waves
    ledger = service.report_ledger(tmp_path / "a.pdf")
    service.team_report(full, ReportOptions(), ledger=ledger, path=tmp_path / "a.pdf")
    text = (tmp_path / service.REPORT_MANIFEST).read_text(encoding="utf-8")
    for r in full.responses.respondents:
        assert r.id not in text
    data = json.loads(text)
    (entry,) = data["reports"]
    assert entry["kind"] == "team" and entry["file"] == "a.pdf" and entry["wave"] == "2026-H1"
    assert len(entry["respondents"]) == full.responses.n_respondents
    assert service.respondent_digest("2026-H1", full.responses.respondents[0].id) in text


def test_unreadable_manifest_is_a_report_error_naming_it(tmp_path, waves):
    full, _reduced, _ = waves
    (tmp_path / service.REPORT_MANIFEST).write_text("{not json", encoding="utf-8")
    ledger = service.report_ledger(tmp_path / "a.pdf")
    with pytest.raises(ReportError, match=r"centric-reports\.json: the report manifest cannot"):
        service.team_report(full, ReportOptions(), ledger=ledger, path=tmp_path / "a.pdf")


def test_individual_report_after_a_team_report_of_one_fewer_is_refused(tmp_path, waves):
    """Personal reports show team medians and quartiles: they count as reports of the wave."""
    full, reduced, _ = waves
    ledger = service.report_ledger(tmp_path / "t.pdf")
    service.team_report(full, ReportOptions(), ledger=ledger, path=tmp_path / "t.pdf")
    someone = reduced.responses.respondents[0].id
    with pytest.raises(ReportError, match=r"team report \S*/t\.pdf"):
        service.individual_report(
            reduced, ReportOptions(), someone, ledger=ledger, path=tmp_path / "p.pdf"
        )


def test_trend_report_is_checked_per_wave(tmp_path, waves, mini_instrument):
    from assessment.synthetic import northwind

    full, reduced, _ = waves
    h2 = service.from_response_set(
        northwind("2026-H2", instrument=mini_instrument), mini_instrument
    )
    ledger = service.report_ledger(tmp_path / "trend.pdf")
    options = ReportOptions(min_group=5)
    service.trend_report([full, h2], options, ledger=ledger, path=tmp_path / "trend.pdf")
    with pytest.raises(
        ReportError, match=r"trend report \S*/trend\.pdf \(recorded [^)]*\) of wave 2026-H1"
    ):
        service.trend_report([reduced, h2], options, ledger=ledger, path=tmp_path / "t2.pdf")


def test_cli_refuses_then_reissues_with_allow_reissue(tmp_path, waves):
    from assessment.io import write_csv

    full, reduced, _ = waves
    a, b = (
        write_csv(full.responses, tmp_path / "a.csv"),
        write_csv(reduced.responses, tmp_path / "b.csv"),
    )
    out = tmp_path / "out"
    out.mkdir()
    runner = CliRunner()
    base = ["report", "team", "--instrument", MINI]
    first = runner.invoke(cli, [*base, str(a), "-o", str(out / "a.pdf")])
    assert first.exit_code == 0, first.output
    second = runner.invoke(cli, [*base, str(b), "-o", str(out / "b.pdf")])
    assert second.exit_code == 2 and not (out / "b.pdf").exists()
    assert f"team report {out / 'a.pdf'}" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1
    third = runner.invoke(cli, [*base, str(b), "-o", str(out / "b.pdf"), "--allow-reissue"])
    assert third.exit_code == 0, third.output
    kinds = [r["kind"] for r in json.loads((out / service.REPORT_MANIFEST).read_text())["reports"]]
    assert kinds == ["team", "team"]


def test_database_ledger_records_and_refuses(tmp_path, waves, mini_instrument):
    """Reports of a wave read from the database are recorded in its ``reports`` table."""
    store = pytest.importorskip("assessment.store")
    if "respondents" not in store.record_report.__code__.co_varnames:
        pytest.skip("store.record_report(respondents=...) not there yet")
    from assessment.io import write_csv

    full, reduced, _ = waves
    db = str(tmp_path / "c.db")
    store.upgrade_db(db)
    src = write_csv(full.responses, tmp_path / "full.csv")
    service.import_file(db, src, org="nw", instrument=mini_instrument)
    loaded = service.load_stored_responses(db, "nw", "2026-H1", MINI)
    ledger = service.report_ledger(tmp_path / "a.pdf", db=db, org="nw")
    service.team_report(loaded, ReportOptions(), ledger=ledger, path=tmp_path / "a.pdf")
    (row,) = store.reports(db, "nw", "2026-H1")
    assert row["kind"] == "team" and len(row["respondents"]) == full.responses.n_respondents
    assert not (tmp_path / service.REPORT_MANIFEST).exists()
    with pytest.raises(ReportError, match="team report"):
        service.team_report(reduced, ReportOptions(), ledger=ledger, path=tmp_path / "b.pdf")


def test_all_personal_reports_are_one_record_and_a_later_set_of_one_fewer_is_refused(
    tmp_path, waves, monkeypatch
):
    """``--all``: one ledger entry for the set (not one per file, which would grow as N²);
    rendering is stubbed, the guard runs before it."""
    import reports.batch

    full, reduced, _ = waves
    written: list[Path] = []

    def fake_batch(result, responses, instrument, out_dir, options, **kw):
        written.append(Path(out_dir))
        kw["before"](Path(out_dir))  # the record is written through the batch's staging hook
        return []

    monkeypatch.setattr(reports.batch, "write_individual_reports", fake_batch)
    out = tmp_path / "personal"
    out.mkdir()
    ledger = service.report_ledger(out, folder=True)
    service.individual_reports(full, ReportOptions(), out, ledger=ledger)
    entries = json.loads((out / service.REPORT_MANIFEST).read_text())["reports"]
    assert [(e["kind"], e["file"], e["file_hash"]) for e in entries] == [
        ("individual", "personal", None)
    ]
    with pytest.raises(ReportError, match=r"individual report \S*/personal \(recorded"):
        service.individual_reports(reduced, ReportOptions(), out, ledger=ledger)
    assert written == [out]


def test_report_to_a_device_writes_no_manifest_into_the_current_folder(tmp_path, monkeypatch):
    from assessment import service

    monkeypatch.chdir(tmp_path)
    ledger = service.report_ledger("/dev/null")
    assert ledger.manifest is None and ledger.db is None
    assert ledger.earlier("W1") == []
    assert list(tmp_path.iterdir()) == []


def test_a_manifest_that_is_a_json_list_is_a_report_error_not_an_attribute_error(tmp_path):
    from assessment import service
    from questionnaires.errors import ReportError

    (tmp_path / service.REPORT_MANIFEST).write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(ReportError, match="not a centric report manifest"):
        service.ReportLedger(folder=tmp_path).earlier("W1")


def _dots_and_points(loaded, options: ReportOptions) -> tuple[int, bool, str]:
    """(dots drawn in the dot plot, alignment map drawn?, the dot plot's caption) of a team report."""
    import base64

    from reports.charts import team_charts
    from reports.views import build_team_report

    result = service.score_responses(loaded, service.report_score_options(options.min_group))
    vm = build_team_report(result, loaded.responses, loaded.instrument, options)
    charts = team_charts(vm, options.theme)
    svg = base64.b64decode(charts["dots"].split(",", 1)[1]).decode("utf-8")
    # a scatter marker is one <use> of the marker path per dot
    return svg.count("<use "), "map" in charts, vm.dots_caption


def test_reissue_draws_no_dot_per_person_nor_alignment_map_points(waves):
    """Two reissues a person apart: the dot plot gained or lost one dot per capability the person
    scored, and the alignment map one point. A reissue draws quartile bands and no map."""
    full, reduced, _ = waves
    plain = ReportOptions()
    before, after = _dots_and_points(full, plain), _dots_and_points(reduced, plain)
    assert before[0] > after[0] > 0 and before[1] and after[1]  # the attack, without reissue
    reissue = ReportOptions(reissue=True)
    a, b = _dots_and_points(full, reissue), _dots_and_points(reduced, reissue)
    assert (a[0], b[0]) == (0, 0) and not a[1] and not b[1]
    assert "no dot per person" in a[2] and a[2] == b[2]


def test_reissued_pdfs_a_person_apart_say_why_dots_and_map_are_missing(tmp_path, waves):
    full, reduced, _ = waves
    ledger = service.report_ledger(tmp_path / "a.pdf")
    service.team_report(full, ReportOptions(), ledger=ledger, path=tmp_path / "a.pdf")
    text = re.sub(
        r"\s+",
        " ",
        _text(
            service.team_report(
                reduced, ReportOptions(), ledger=ledger, path=tmp_path / "b.pdf", allow_reissue=True
            )
        ),
    )
    assert "no dot per person is drawn" in text
    assert "Every dot is one respondent" not in text
    assert "No alignment map: not drawn and no camps described in a reissue" in text


# -- hostile review of the guard (findings 2, 3, 4) ----------------------------------------------


def _subset(rs, idx: list[int]):
    keep = sorted(idx)
    ids = {rs.respondents[i].id for i in keep}
    return replace(
        rs,
        respondents=tuple(rs.respondents[i] for i in keep),
        current=rs.current[keep],
        target=rs.target[keep],
        na=rs.na[keep],
        confidence=rs.confidence[keep],
        comments=tuple(c for c in rs.comments if c.respondent in ids),
    )


@pytest.fixture
def fast_render(monkeypatch):
    """Team reports without WeasyPrint: these tests are about the guard, which runs first."""
    import reports

    monkeypatch.setattr(reports, "render_team_pdf", lambda *a, **k: b"%PDF-1.7 stub %%EOF")


def test_a_chain_of_reports_that_isolates_one_person_is_refused(tmp_path, waves, fast_render):
    """The review's chain: S, S+T1, S+T2, S+T3, S+T4 with T1={1,2,3}, T2={2..6}, T3={4..9},
    T4={7,8,9}. Every pair differs by 3 or more, yet B − C + D − E is person 1 alone."""
    from reports.anonymity import check_reissue

    full, _reduced, _ = waves
    rs = full.responses
    base = list(range(10, 30))
    chain = [[], [1, 2, 3], [2, 3, 4, 5, 6], [4, 5, 6, 7, 8, 9], [7, 8, 9]]
    sets = [service.from_response_set(_subset(rs, base + t), full.instrument) for t in chain]
    ledger = service.report_ledger(tmp_path / "r.pdf")
    for name, loaded in zip("ABCD", sets[:4], strict=True):  # no one is isolated yet
        service.team_report(loaded, ReportOptions(), ledger=ledger, path=tmp_path / f"{name}.pdf")
    # pairwise the fifth set passes: the old rule alone let it through
    keys = ledger.keys(rs.wave, service._ids(sets[4]))
    pairwise = [e for e in ledger.earlier(rs.wave) if 0 < len(keys ^ e.respondents) < 3]
    assert pairwise == []
    with pytest.raises(ReportError) as err:
        service.team_report(sets[4], ReportOptions(), ledger=ledger, path=tmp_path / "E.pdf")
    message = str(err.value)
    for name in "BCD":  # the chain B − C + D − E
        assert f"{tmp_path / name}.pdf" in message
    assert f"{tmp_path / 'A'}.pdf" not in message
    assert "allow a reissue" in message and "per-person counts" in message
    assert err.value.settings == {"allow_reissue": None}  # the CLI says --allow-reissue
    # the reissue is allowed and marked; the rule is in reports.anonymity
    clashes = check_reissue(keys, ledger.earlier(rs.wave), 3, rs.wave, allow_reissue=True)
    assert len(clashes) == 3
    service.team_report(
        sets[4], ReportOptions(), ledger=ledger, path=tmp_path / "E.pdf", allow_reissue=True
    )
    records = json.loads(service.user_ledger_path().read_text())["reports"]
    assert [r["reissue"] for r in records] == [False] * 4 + [True]


def test_another_output_folder_does_not_bypass_the_guard(tmp_path, waves, fast_render):
    from assessment.io import write_csv

    full, reduced, _ = waves
    a = write_csv(full.responses, tmp_path / "a.csv")
    b = write_csv(reduced.responses, tmp_path / "b.csv")
    for d in ("one", "two"):
        (tmp_path / d).mkdir()
    runner = CliRunner()
    base = ["report", "team", "--instrument", MINI]
    first = runner.invoke(cli, [*base, str(a), "-o", str(tmp_path / "one" / "a.pdf")])
    assert first.exit_code == 0, first.output
    second = runner.invoke(cli, [*base, str(b), "-o", str(tmp_path / "two" / "b.pdf")])
    assert second.exit_code == 2, second.output
    assert f"team report {tmp_path / 'one' / 'a.pdf'}" in second.stderr
    assert not (tmp_path / "two" / "b.pdf").exists()


def test_lower_cased_ids_do_not_bypass_the_guard(tmp_path, waves, fast_render):
    full, reduced, _ = waves
    rs = reduced.responses
    people = tuple(replace(r, id=f" {r.id.lower()} ") for r in rs.respondents)
    renamed = service.from_response_set(replace(rs, respondents=people), reduced.instrument)
    ledger = service.report_ledger(tmp_path / "a.pdf")
    service.team_report(full, ReportOptions(), ledger=ledger, path=tmp_path / "a.pdf")
    with pytest.raises(ReportError, match="1 of them differ"):
        service.team_report(renamed, ReportOptions(), ledger=ledger, path=tmp_path / "b.pdf")
    assert service.respondent_digest("2026-h1 ", " R01") == service.respondent_digest(
        "2026-H1", "r01"
    )


def test_a_db_report_and_a_csv_report_of_the_same_wave_share_one_ledger(
    tmp_path, waves, mini_instrument, fast_render
):
    """F4: a report read from the database was recorded only there, one from an exported CSV
    only next to its PDF: the two never met."""
    store = pytest.importorskip("assessment.store")
    from assessment.io import write_csv

    full, reduced, _ = waves
    db = str(tmp_path / "c.db")
    store.upgrade_db(db)
    service.import_file(
        db, write_csv(full.responses, tmp_path / "full.csv"), org="nw", instrument=mini_instrument
    )
    runner = CliRunner()
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    from_db = runner.invoke(
        cli,
        ["report", "team", "--db", db, "--org", "nw", "--wave", "2026-H1", "--instrument", MINI,
         "-o", str(tmp_path / "x" / "a.pdf")],
    )  # fmt: skip
    assert from_db.exit_code == 0, from_db.output
    (row,) = store.reports(db, "nw", "2026-H1")  # recorded in the database too
    assert len(row["respondents"]) == full.responses.n_respondents
    (entry,) = json.loads(service.user_ledger_path().read_text())["reports"]
    assert entry["kind"] == "team" and entry["organisation"] == "nw"
    # an export of the same wave minus one person, reported from the file elsewhere
    b = write_csv(reduced.responses, tmp_path / "b.csv")
    from_csv = runner.invoke(
        cli, ["report", "team", str(b), "--instrument", MINI, "-o", str(tmp_path / "y" / "b.pdf")]
    )
    assert from_csv.exit_code == 2, from_csv.output
    assert f"team report {tmp_path / 'x' / 'a.pdf'}" in from_csv.stderr
    # without the user's ledger (another account) the database still counts for --db reports
    service.user_ledger_path().unlink()
    gone = full.responses.respondents[0].id
    store.delete_respondent(db, "nw", gone, "2026-H1")
    again = service.load_stored_responses(db, "nw", "2026-H1", MINI)
    ledger = service.report_ledger(tmp_path / "x" / "c.pdf", db=db, org="nw")
    with pytest.raises(ReportError, match="1 of them differ"):
        service.team_report(again, ReportOptions(), ledger=ledger, path=tmp_path / "x" / "c.pdf")


def test_the_ledger_file_is_private_0600(tmp_path, waves, monkeypatch, fast_render):
    import os
    import stat

    full, _reduced, _ = waves
    path = tmp_path / "new" / "ledger.json"
    monkeypatch.setenv("CENTRIC_LEDGER", str(path))
    service.team_report(
        full, ReportOptions(), ledger=service.report_ledger(os.devnull), path=os.devnull
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text(encoding="utf-8")
    assert not any(r.id in text for r in full.responses.respondents)  # digests only
    # the default location, under XDG_DATA_HOME; a ledger someone made readable is made private
    monkeypatch.delenv("CENTRIC_LEDGER")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    default = service.user_ledger_path()
    assert default == tmp_path / "xdg" / "centric" / "report-ledger.json"
    default.parent.mkdir(parents=True)
    default.write_text(text, encoding="utf-8")
    default.chmod(0o644)
    service.team_report(
        full, ReportOptions(), ledger=service.report_ledger(os.devnull), path=os.devnull
    )
    assert stat.S_IMODE(default.stat().st_mode) == 0o600
    assert len(json.loads(default.read_text())["reports"]) == 2


def test_a_damaged_user_ledger_is_a_report_error_naming_it_and_how_to_recover(
    tmp_path, waves, fast_render
):
    full, _reduced, _ = waves
    path = service.user_ledger_path()
    path.write_text('{"format": "centric-report-ledger", "reports": [1]}', encoding="utf-8")
    with pytest.raises(ReportError) as err:
        service.team_report(full, ReportOptions(), ledger=service.report_ledger(tmp_path / "a.pdf"))
    assert str(path) in str(err.value) and "restore it from a backup" in str(err.value)
    assert "not a centric report ledger" in str(err.value)


def test_demo_records_nothing(tmp_path):
    """The demo's people are synthetic: nothing goes into the report ledger (a library flag,
    ``record``, off by default; on, the result files are recorded)."""
    from scoring.results import ScoreOptions

    result = CliRunner().invoke(
        cli, ["demo", "--out", str(tmp_path / "d"), "--bootstrap", "0", "--no-reports"]
    )
    assert result.exit_code == 0, result.output
    assert not service.user_ledger_path().exists()
    opts = ScoreOptions(management_roles=None, bootstrap=0, permutations=100)
    service.run_demo(tmp_path / "e", options=opts)
    assert not service.user_ledger_path().exists()
    service.run_demo(tmp_path / "f", options=opts, record=True)
    records = json.loads(service.user_ledger_path().read_text())["reports"]
    assert [(r["kind"], r["wave"]) for r in records] == [
        ("score", "2026-H1"),
        ("score", "2026-H2"),
    ]


def test_respondent_delete_replaces_their_digest_in_the_user_ledger(
    tmp_path, waves, mini_instrument, fast_render
):
    store = pytest.importorskip("assessment.store")
    from assessment.io import write_csv

    full, _reduced, _ = waves
    db = str(tmp_path / "c.db")
    store.upgrade_db(db)
    service.import_file(
        db, write_csv(full.responses, tmp_path / "full.csv"), org="nw", instrument=mini_instrument
    )
    loaded = service.load_stored_responses(db, "nw", "2026-H1", MINI)
    ledger = service.report_ledger(tmp_path / "a.pdf", db=db, org="nw")
    service.team_report(loaded, ReportOptions(), ledger=ledger, path=tmp_path / "a.pdf")
    gone = full.responses.respondents[0].id
    digest = service.respondent_digest("2026-H1", gone)
    assert digest in service.user_ledger_path().read_text()
    result = CliRunner().invoke(
        cli, ["respondent", "delete", "--db", db, "--org", "nw", "--wave", "2026-H1", gone, "--yes"]
    )
    assert result.exit_code == 0, result.output
    assert "1 record in the user's report ledger" in result.stderr
    (entry,) = json.loads(service.user_ledger_path().read_text())["reports"]
    assert digest not in json.dumps(entry)
    assert len(entry["respondents"]) == full.responses.n_respondents  # still counted
    again = service.load_stored_responses(db, "nw", "2026-H1", MINI)
    with pytest.raises(ReportError, match="1 of them differ"):
        service.team_report(again, ReportOptions(), ledger=ledger, path=tmp_path / "b.pdf")

"""Report respondent sets, erasure and export of one person's data (issue 8, items 4 and 7).
Library tests run on SQLite and PostgreSQL (``db_url`` in conftest)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from assessment.cli import cli
from assessment.service import import_file
from assessment.store import (
    db_status,
    delete_respondent,
    record_report,
    reports,
    respondent_data,
    upgrade_db,
)
from questionnaires.errors import StoreError

WHEN = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
ITEMS = ("CUL-01", "CUL-02", "SYS-01", "MET-01")
HEADER = "wave,respondent,role,department,item,current,target,na,confidence,comment"


def _csv(path: Path, wave: str, codes: list[str]) -> Path:
    lines = [HEADER]
    for n, code in enumerate(codes):
        for k, item in enumerate(ITEMS):
            na = "true" if (n + k) % 5 == 4 else "false"
            cur, tgt = ("", "") if na == "true" else (1 + (n + k) % 5, 1 + (n * 2 + k) % 5)
            comment = f"comment by {code} on {item}" if k in (0, 2) else ""
            lines.append(f"{wave},{code},manager,Sales,{item},{cur},{tgt},{na},2,{comment}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def count(url: str, sql: str) -> int:
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as c:
            return int(c.exec_driver_sql(sql).scalar_one())
    finally:
        eng.dispose()


def _report(url: str, wave: str, kind: str, path: str, codes: list[str], who: str | None = None):
    return record_report(
        url, "acme", wave, kind=kind, data_hash="sha256:" + "a" * 64,
        instrument_hash="sha256:" + "b" * 64, path=path, created_at=WHEN,
        respondent=who, respondents=codes,
    )  # fmt: skip


CODES = ["R01", "R02", "R03", "R04"]


@pytest.fixture
def store(db_url, tmp_path, mini_instrument):
    """Two waves of acme (R01..R04 in both), two team reports and R02's individual report in W1,
    one team report in W2."""
    upgrade_db(db_url)
    for wave in ("W1", "W2"):
        f = _csv(tmp_path / f"{wave}.csv", wave, CODES)
        import_file(db_url, f, org="acme", instrument=mini_instrument)
    _report(db_url, "W1", "team", "out/team-1.pdf", CODES)
    _report(db_url, "W1", "team", "out/team-2.pdf", CODES)
    _report(db_url, "W1", "individual", "out/R02.pdf", ["R02"], who="R02")
    _report(db_url, "W2", "team", "out/team-w2.pdf", CODES)
    return db_url


def _snapshot(url: str) -> dict[str, object]:
    tables = ["responses", "respondents", "reports", "report_respondents"]
    snap: dict[str, object] = {t: count(url, f"SELECT count(*) FROM {t}") for t in tables}
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as c:
            snap["codes"] = sorted(
                c.exec_driver_sql("SELECT respondent_code FROM report_respondents").scalars()
            )
    finally:
        eng.dispose()
    return snap


# -- report records with respondent sets ------------------------------------------------------


def test_record_report_stores_the_respondent_set_and_reports_returns_it(store):
    got = reports(store, "acme", "W1")
    assert [r["path"] for r in got] == ["out/team-1.pdf", "out/team-2.pdf", "out/R02.pdf"]
    assert got[0]["respondents"] == frozenset(CODES)
    assert isinstance(got[0]["respondents"], frozenset)
    assert got[2]["respondents"] == frozenset({"R02"}) and got[2]["respondent_code"] == "R02"
    rid = _report(store, "W1", "team", "out/none.pdf", [])
    assert reports(store, "acme", "W1")[-1] == {**reports(store, "acme", "W1")[-1], "id": rid}
    assert reports(store, "acme", "W1")[-1]["respondents"] == frozenset()


def test_record_report_stores_a_repeated_code_once(store):
    _report(store, "W2", "team", "out/dup.pdf", ["R01", "R01", "R02"])
    assert reports(store, "acme", "W2")[-1]["respondents"] == frozenset({"R01", "R02"})


def test_record_report_refuses_one_string_for_respondents(store):
    with pytest.raises(TypeError, match="not one string"):
        _report(store, "W1", "team", "out/x.pdf", "R01")  # type: ignore[arg-type]


def test_migration_0002_upgrades_and_downgrades_report_respondents(db_url):
    from alembic import command

    from assessment.store import create_engine
    from assessment.store.engine import resolve_url
    from assessment.store.migrate import alembic_config

    assert upgrade_db(db_url, "0001") == (None, "0001")
    st = db_status(db_url)
    assert not st.up_to_date and st.describe().endswith("newest is 0003; upgrade it")
    assert upgrade_db(db_url, "0002") == ("0001", "0002")
    eng = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    assert "report_respondents" in sa.inspect(eng).get_table_names()
    engine = create_engine(resolve_url(db_url))
    with engine.connect().execution_options(centric_write=True) as conn:
        command.downgrade(alembic_config(conn), "0001")
        conn.commit()
    engine.dispose()
    assert "report_respondents" not in sa.inspect(eng).get_table_names()
    assert "reports" in sa.inspect(eng).get_table_names()
    eng.dispose()
    assert db_status(db_url).current == "0001"


# -- erasure ------------------------------------------------------------------------------------


def test_delete_respondent_removes_answers_comments_row_and_personal_report(store):
    before = _snapshot(store)
    result = delete_respondent(store, "acme", "R02", "W1")
    assert (result.waves, result.answers, result.comments) == (("W1",), 4, 2)
    assert result.personal_reports == 1 and result.personal_report_paths == ("out/R02.pdf",)
    assert result.anonymised_reports == {"team": 2}
    assert result.describe() == (
        "removed respondent R02 from wave W1 of acme: 4 answers, 2 comments, 1 personal report "
        "record; 2 team report records keep an anonymous placeholder"
    )
    after = _snapshot(store)
    assert after["responses"] == before["responses"] - 4
    assert after["respondents"] == before["respondents"] - 1
    assert after["reports"] == before["reports"] - 1
    # the individual report's set (R02) went with it; the two team sets keep 4 members each
    assert after["report_respondents"] == before["report_respondents"] - 1
    w1 = respondent_data(store, "acme", "R01", "W1")  # others untouched
    assert len(w1["waves"][0]["answers"]) == 4
    assert respondent_data(store, "acme", "R02")["waves"][0]["wave"] == "W2"  # W2 kept


def test_erased_code_becomes_a_different_placeholder_in_each_report_set(store):
    delete_respondent(store, "acme", "R02", "W1")
    sets = [r["respondents"] for r in reports(store, "acme", "W1")]
    assert len(sets) == 2 and all(len(s) == 4 for s in sets)  # still counts four people
    placeholders = [next(c for c in s if c not in CODES) for s in sets]
    assert all(p.startswith("erased:") and len(p) > len("erased:") + 8 for p in placeholders)
    assert placeholders[0] != placeholders[1]
    assert all("R02" not in p for p in placeholders)
    assert reports(store, "acme", "W2")[0]["respondents"] == frozenset(CODES)  # other wave kept


def test_delete_all_waves_removes_the_person_everywhere(store):
    result = delete_respondent(store, "acme", "R03")
    assert result.waves == ("W1", "W2") and result.answers == 8
    assert result.anonymised_reports == {"team": 3}
    assert "from waves W1, W2 of acme" in result.describe()
    assert count(store, "SELECT count(*) FROM respondents WHERE code = 'R03'") == 0
    with pytest.raises(StoreError, match=r"no respondent 'R03' in any of its 2 waves of 'acme'"):
        respondent_data(store, "acme", "R03")


@pytest.mark.parametrize(
    ("org", "respondent", "wave", "message"),
    [
        ("nope", "R01", "W1", r"no organisation 'nope'"),
        ("acme", "R01", "W9", r"organisation 'acme' has no wave 'W9'"),
        ("acme", "r01", "W1", r"no respondent 'r01' in wave W1 of 'acme'.*nothing was changed"),
    ],
)
def test_delete_unknown_org_wave_or_respondent_changes_nothing(
    store, org, respondent, wave, message
):
    before = _snapshot(store)
    with pytest.raises(StoreError, match=message):
        delete_respondent(store, org, respondent, wave)
    assert _snapshot(store) == before


def test_delete_is_one_transaction_a_failure_midway_removes_nothing(store, monkeypatch):
    """The answers, row and personal report are already deleted when anonymising the report
    sets fails: the rollback restores all of them."""
    import assessment.store.respondents as mod

    def fail(*_args, **_kwargs):
        raise RuntimeError("simulated crash while anonymising")

    before = _snapshot(store)
    monkeypatch.setattr(mod, "_anonymise", fail)
    with pytest.raises(RuntimeError, match="simulated crash"):
        delete_respondent(store, "acme", "R02", "W1")
    assert _snapshot(store) == before


def test_erased_text_does_not_stay_in_the_sqlite_file(tmp_path, mini_instrument):
    """Deleted rows leave their bytes in free pages unless secure_delete is on; many SQLite builds
    default it off (simulated here), so the erasure must switch it on and checkpoint the WAL."""
    from sqlalchemy import event

    from assessment.store import create_engine
    from assessment.store.engine import resolve_url

    db = tmp_path / "e.db"
    upgrade_db(str(db))
    import_file(
        str(db), _csv(tmp_path / "w.csv", "W1", CODES), org="acme", instrument=mini_instrument
    )
    engine = create_engine(resolve_url(str(db)))

    @event.listens_for(engine, "connect")
    def _insecure(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA secure_delete=OFF")

    try:
        delete_respondent(engine, "acme", "R02", "W1")
    finally:
        engine.dispose()
    data = db.read_bytes()
    wal = db.with_name(db.name + "-wal")
    data += wal.read_bytes() if wal.exists() else b""
    assert b"comment by R02" not in data
    assert b"comment by R01" in data  # the check can see comments that are there


# -- export -------------------------------------------------------------------------------------


def test_respondent_data_gives_every_wave_with_answers_and_reports(store):
    data = respondent_data(store, "acme", "R02")
    assert list(data) == ["format", "format_version", "organisation", "respondent", "waves"]
    assert (data["format"], data["format_version"]) == ("centric-respondent-data", 1)
    assert [w["wave"] for w in data["waves"]] == ["W1", "W2"]
    w1 = data["waves"][0]
    assert list(w1) == ["wave", "instrument", "role", "department", "answers", "reports"]
    assert (w1["instrument"], w1["role"], w1["department"]) == ("mini@1.0.0", "manager", "Sales")
    assert [a["item"] for a in w1["answers"]] == list(ITEMS)
    assert w1["answers"][0] == {
        "item": "CUL-01", "current": 2, "target": 3, "na": False, "confidence": 2,
        "comment": "comment by R02 on CUL-01",
    }  # fmt: skip
    assert [(r["kind"], r["personal"], r["path"]) for r in w1["reports"]] == [
        ("team", False, "out/team-1.pdf"),
        ("team", False, "out/team-2.pdf"),
        ("individual", True, "out/R02.pdf"),
    ]
    assert respondent_data(store, "acme", "R02", "W2")["waves"][0]["wave"] == "W2"
    json.dumps(data, allow_nan=False)  # JSON-ready as it is


# -- CLI ----------------------------------------------------------------------------------------


def test_cli_respondent_delete_with_yes_prints_what_it_removed(store):
    result = CliRunner().invoke(
        cli,
        ["respondent", "delete", "--db", store, "--org", "acme", "--wave", "W1", "R02", "--yes"],
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "removed respondent R02 from wave W1 of acme: 4 answers, 2 comments, 1 personal report "
        "record; 2 team report records keep an anonymous placeholder",
        "Note: the report files themselves were not deleted; remove them and their copies: "
        "out/R02.pdf",
    ]


def test_cli_respondent_delete_answered_no_deletes_nothing(store):
    before = _snapshot(store)
    result = CliRunner().invoke(
        cli,
        ["respondent", "delete", "--db", store, "--org", "acme", "--all-waves", "R02"],
        input="n\n",
    )
    assert result.exit_code == 1
    assert "Erase respondent R02 from every wave of acme? This cannot be undone" in result.stderr
    assert _snapshot(store) == before


@pytest.mark.parametrize("scope", [[], ["--wave", "W1", "--all-waves"]])
def test_cli_respondent_delete_needs_exactly_one_of_wave_and_all_waves(store, scope):
    before = _snapshot(store)
    result = CliRunner().invoke(
        cli, ["respondent", "delete", "--db", store, "--org", "acme", *scope, "R02", "--yes"]
    )
    assert result.exit_code == 2 and "give either --wave ID or --all-waves" in result.stderr
    assert _snapshot(store) == before


def test_cli_respondent_delete_unknown_respondent_is_one_line_exit_2(store):
    result = CliRunner().invoke(
        cli, ["respondent", "delete", "--db", store, "--org", "acme", "--all-waves", "X9", "-y"]
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: no respondent 'X9' in any of its 2 waves of 'acme' (codes are case-sensitive; "
        "an export of the organisation lists them); nothing was changed (run `centric export "
        "--org acme`)"
    ]


def test_cli_respondent_export_to_stdout_and_file_are_identical_and_deterministic(store, tmp_path):
    runner = CliRunner()
    args = ["respondent", "export", "--db", store, "--org", "acme", "R01"]
    out = runner.invoke(cli, args)
    dash = runner.invoke(cli, [*args, "-o", "-"])
    to_file = runner.invoke(cli, [*args, "-o", str(tmp_path / "r01.json")])
    assert out.exit_code == dash.exit_code == to_file.exit_code == 0, out.output
    assert out.stdout == dash.stdout == (tmp_path / "r01.json").read_text(encoding="utf-8")
    assert json.loads(out.stdout) == respondent_data(store, "acme", "R01")
    assert not (tmp_path / "-").exists()

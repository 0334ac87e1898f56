"""Database faults (issue 8, finding 2): a damaged SQLite file is one ``Error:`` line with exit 2
for every command that reads or writes it, naming the file and how to recover, and ``centric db
check`` / ``db status`` say that it is damaged. The damage is real: the root page of the
``responses`` table is overwritten, as a bad disk or a torn copy would."""

from __future__ import annotations

import hashlib
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessment.cli import cli
from assessment.service import import_file
from assessment.store import check_db, upgrade_db
from assessment.store.engine import database_error
from questionnaires.errors import StoreError

ROOT = Path(__file__).resolve().parents[1]
MINI = str(ROOT / "tests" / "fixtures" / "mini" / "1.0.0.yaml")
RESPONSES = ROOT / "tests" / "fixtures" / "responses"
RECOVERY = "restore it from a backup"


def _page_of(db: Path, table: str) -> int:
    con = sqlite3.connect(db)
    try:
        sql = "SELECT rootpage FROM sqlite_master WHERE name = ?"
        return int(con.execute(sql, (table,)).fetchone()[0])
    finally:
        con.close()


def corrupt(db: Path, table: str = "responses") -> None:
    """Overwrite the root page of ``table`` with bytes that are no valid b-tree page."""
    page = _page_of(db, table)
    with db.open("r+b") as fh:
        fh.seek((page - 1) * 4096)
        fh.write(b"\xff" * 4096)


@pytest.fixture
def good_db(tmp_path, mini_instrument) -> Path:
    db = tmp_path / "good.db"
    upgrade_db(str(db))
    import_file(str(db), RESPONSES / "mini-long.csv", org="acme", instrument=mini_instrument)
    return db


@pytest.fixture
def damaged_db(good_db) -> Path:
    corrupt(good_db)
    return good_db


def _one_error_line(result, db: Path) -> str:
    assert result.exit_code == 2, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith(f"Error: database {db} is damaged (database disk image is malformed)")
    assert RECOVERY in line and f"centric db check --db {db}" in line and ".recover" in line
    assert "Traceback" not in result.output
    return line


def test_corrupted_database_export_is_one_line_error_not_traceback(damaged_db, tmp_path):
    out = tmp_path / "x.csv"
    result = CliRunner().invoke(
        cli, ["export", "--db", str(damaged_db), "--org", "acme", "-o", str(out)]
    )
    _one_error_line(result, damaged_db)
    assert not out.exists()


def test_corrupted_database_score_is_one_line_error_not_traceback(damaged_db):
    result = CliRunner().invoke(
        cli, ["score", "--db", str(damaged_db), "--org", "acme", "--wave", "2026-H1"]
    )
    _one_error_line(result, damaged_db)


def test_corrupted_database_import_is_one_line_error_and_writes_nothing(damaged_db, tmp_path):
    before = hashlib.sha256(damaged_db.read_bytes()).hexdigest()
    result = CliRunner().invoke(
        cli,
        [
            "import", str(RESPONSES / "mini-long.csv"), "--db", str(damaged_db),
            "--org", "other", "--instrument", MINI,
        ],
    )  # fmt: skip
    _one_error_line(result, damaged_db)
    assert hashlib.sha256(damaged_db.read_bytes()).hexdigest() == before
    wal = damaged_db.with_name(damaged_db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    con = sqlite3.connect(damaged_db)
    try:  # the tables import writes first are intact: nothing of the new organisation is there
        assert con.execute(
            "SELECT count(*) FROM organisations WHERE slug = 'other'"
        ).fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM waves").fetchone() == (1,)
    finally:
        con.close()


def test_corrupted_database_through_the_installed_entry_point_exits_2(damaged_db, tmp_path):
    """The real ``centric`` process (not CliRunner): exit code 2 and one line, no traceback."""
    proc = subprocess.run(
        [
            sys.executable, "-c", "from assessment.cli import main; main()",
            "export", "--db", str(damaged_db), "--org", "acme", "-o", str(tmp_path / "x.csv"),
        ],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert "is damaged" in proc.stderr and "Traceback" not in proc.stderr


def test_database_error_hides_the_password_of_a_url():
    url = "postgresql+psycopg://centric:s3cret@db.example/centric"
    err = database_error(url, RuntimeError("could not read block 7 in file base/1/2"))
    assert "s3cret" not in str(err) and "centric:***@db.example" in str(err)
    assert RECOVERY in str(err) and ".recover" not in str(err)  # .recover is SQLite's
    other = database_error(url, RuntimeError("server closed the connection unexpectedly"))
    assert "s3cret" not in str(other) and "failed: server closed the connection" in str(other)


def test_sqlite_full_disk_is_a_store_error_naming_the_file(good_db, mini_instrument, tmp_path):
    """An operational fault while writing (here the page limit SQLite reports as a full disk)
    is a StoreError naming the file, not a raw SQLAlchemy OperationalError."""
    from assessment.store import create_engine
    from assessment.store.engine import resolve_url

    engine = create_engine(resolve_url(str(good_db)))
    try:
        with engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
        from sqlalchemy import event

        @event.listens_for(engine, "connect")
        def _cap(dbapi_conn, _record):
            dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

        engine.dispose()  # new connections get the cap
        big = tmp_path / "big.csv"
        rows = ["wave,respondent,role,department,item,current,target,na,confidence,comment"]
        rows += [
            f"W1,P{r:04d},manager,Sales,{item},3,4,false,2,{'x' * 50}"
            for r in range(300)
            for item in ("CUL-01", "CUL-02", "SYS-01", "MET-01")
        ]
        big.write_text("\n".join(rows) + "\n", encoding="utf-8")
        with pytest.raises(
            StoreError, match=rf"database {good_db} failed: database or disk is full"
        ):
            import_file(engine, big, org="big", instrument=mini_instrument)
    finally:
        engine.dispose()


# -- db status and db check ----------------------------------------------------------------


def test_db_status_on_a_damaged_file_exits_2_instead_of_up_to_date(damaged_db):
    result = CliRunner().invoke(cli, ["db", "status", "--db", str(damaged_db)])
    assert result.exit_code == 2, result.output
    assert "PROBLEM: integrity:" in result.stdout
    assert result.stderr.splitlines() == [
        f"Error: database {damaged_db} is damaged (PROBLEM lines above); restore it from a "
        f"backup; to salvage what is readable: sqlite3 {damaged_db} .recover | sqlite3 RECOVERED.db"
    ]


def test_db_status_of_a_healthy_database_includes_integrity(good_db):
    result = CliRunner().invoke(cli, ["db", "status", "--db", str(good_db)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "ok: integrity: PRAGMA quick_check found no damage",
        "ok: foreign keys: every reference points at an existing row",
    ]


def test_db_check_healthy_database_exit_0(good_db):
    result = CliRunner().invoke(cli, ["db", "check", "--db", str(good_db)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split(":")[:2] for line in lines] == [
        ["ok", " connection"],
        ["ok", " integrity"],
        ["ok", " foreign keys"],
        ["ok", " schema"],
    ]
    assert lines[-1] == "ok: schema: at revision 0003, the newest"
    assert result.stderr == ""


def test_db_check_damaged_database_lists_the_damage_exit_2(damaged_db):
    result = CliRunner().invoke(cli, ["db", "check", "--db", str(damaged_db)])
    assert result.exit_code == 2
    problems = [x for x in result.stdout.splitlines() if x.startswith("PROBLEM: integrity: ")]
    assert 1 <= len(problems) <= 6  # the first five messages and "... and more"
    assert any("Page" in p or "malformed" in p for p in problems)
    assert "is damaged" in result.stderr and len(result.stderr.splitlines()) == 1


def test_db_check_finds_a_dangling_foreign_key(good_db):
    con = sqlite3.connect(good_db)  # foreign keys are off in a plain sqlite3 connection
    con.execute("UPDATE respondents SET department_id = 999 WHERE id = 1")
    con.commit()
    con.close()
    result = check_db(str(good_db))
    assert not result.healthy and result.damaged
    assert [str(f) for f in result.problems] == [
        "PROBLEM: foreign keys: respondents row 1 refers to a missing departments row"
    ]


def test_db_check_behind_migration_says_upgrade_exit_2(tmp_path):
    db = tmp_path / "old.db"
    upgrade_db(str(db), "0001")
    result = CliRunner().invoke(cli, ["db", "check", "--db", str(db)])
    assert result.exit_code == 2
    assert (
        "PROBLEM: schema: at revision 0001, behind the newest 0003; upgrade the database"
    ) in result.stdout.splitlines()
    assert result.stderr == (
        f"Error: database {db} needs a schema upgrade (back the file up first) "
        f"(run `centric db upgrade --db {db}`)\n"
    )
    status = CliRunner().invoke(cli, ["db", "status", "--db", str(db)])
    assert status.exit_code == 1 and "newest is 0003; upgrade it" in status.stdout
    assert f"run `centric db upgrade --db sqlite:///{db}`" in status.stderr


def test_db_check_database_without_schema(tmp_path):
    db = tmp_path / "empty.db"
    sqlite3.connect(db).close()
    result = check_db(str(db))
    assert [str(f) for f in result.problems] == [
        "PROBLEM: schema: no centric schema; upgrade the database to create it"
    ]


def test_db_check_unreachable_postgresql_is_a_connection_problem_without_password():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql+psycopg://centric:secret@127.0.0.1:{port}/centric"
    result = CliRunner().invoke(cli, ["db", "check", "--db", url])
    assert result.exit_code == 2
    assert result.stdout.startswith("PROBLEM: connection: ")
    assert len(result.stdout.splitlines()) == 1
    assert "secret" not in result.output


@pytest.mark.postgres
def test_db_check_postgresql_connectivity_and_schema(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    upgrade_db(db_url)
    result = check_db(db_url)
    assert result.healthy
    assert [f.check for f in result.findings] == ["connection", "schema"]


def test_db_check_of_a_server_that_is_down_does_not_say_the_data_is_damaged():
    """Hostile review finding 7: an unreachable server was told to restore from a backup."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql+psycopg://centric:pw@127.0.0.1:{port}/centric"
    result = CliRunner().invoke(cli, ["db", "check", "--db", url])
    assert result.exit_code == 2
    assert "cannot reach database" in result.stderr
    assert "damaged" not in result.stderr and "backup" not in result.stderr


@pytest.mark.parametrize("key", ["password", "sslpassword", "token"])
def test_a_secret_in_the_url_query_string_is_never_shown(key):
    """Hostile review finding 6: ``?password=S3cretPw`` was printed in clear."""
    from assessment.store.engine import display_url

    shown = display_url(f"postgresql://alice@127.0.0.1:1/x?{key}=S3cretPw&sslmode=require")
    assert "S3cretPw" not in shown and "sslmode=require" in shown
    result = CliRunner().invoke(
        cli, ["export", "--db", f"postgresql://alice@127.0.0.1:1/x?{key}=S3cretPw", "--org", "o",
              "-o", "-"],
    )  # fmt: skip
    assert result.exit_code == 2 and "S3cretPw" not in result.output

"""The store (assessment.store): migrations, import/export round trips, idempotency, version binding,
all-or-nothing imports, crash and concurrency safety. Every test runs on SQLite and PostgreSQL
(``db_url`` in conftest; the PostgreSQL parameter needs CENTRIC_TEST_PG_URL, always set in CI)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from assessment.io.writers import write_csv
from assessment.service import export_file, import_file
from assessment.store import (
    action_statuses,
    db_status,
    load_wave_responses,
    record_report,
    reports,
    set_action_status,
    upgrade_db,
)
from assessment.store.models import Base
from questionnaires.errors import QuestionnaireError, ResponseError, StoreError

ROOT = Path(__file__).resolve().parents[1]
MINI = str(ROOT / "tests" / "fixtures" / "mini" / "1.0.0.yaml")
TABLES = {
    "organisations",
    "departments",
    "waves",
    "respondents",
    "responses",
    "reports",
    "report_respondents",
    "action_status",
    "capability_answers",
    "alembic_version",
}
HEAD = "0003"


def mini_rows(n: int, wave: str = "W1", start: int = 0) -> list[dict[str, object]]:
    """Long rows for respondents R{start}..R{start+n-1} of the mini instrument (deterministic)."""
    roles = ("executive", "manager", "staff")
    depts = ("Sales", "Customer Service", "Finance")
    items = ("CUL-01", "CUL-02", "SYS-01", "SYS-02", "MET-01", "MET-02")
    rows = []
    for r in range(start, start + n):
        role = roles[r % 3]
        for k, item in enumerate(items):
            if item == "SYS-02" and role == "staff":
                continue
            na = (r + k) % 17 == 0
            rows.append(
                {
                    "wave": wave,
                    "respondent": f"R{r:05d}",
                    "role": role,
                    "department": depts[r % 3],
                    "item": item,
                    "current": "" if na else 1 + (r * 7 + k) % 5,
                    "target": "" if na else 1 + (r * 3 + k * 2) % 5,
                    "na": "true" if na else "false",
                    "confidence": 1 + (r + k) % 3 if k % 2 else "",
                    "comment": "needs work" if (r + k) % 11 == 0 else "",
                }
            )
    return rows


def write_rows(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def store(db_url):
    """A database at the current schema revision."""
    upgrade_db(db_url)
    return db_url


@pytest.fixture
def mini(mini_instrument):
    return mini_instrument


def count(url: str, table: str) -> int:
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as c:
            return c.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
    finally:
        eng.dispose()


# -- migrations -------------------------------------------------------------------------------


def test_upgrade_on_empty_database_creates_every_table(db_url):
    before, after = upgrade_db(db_url)
    assert before is None and after == HEAD
    eng = sa.create_engine(db_url)
    try:
        assert set(sa.inspect(eng).get_table_names()) == TABLES
    finally:
        eng.dispose()
    assert db_status(db_url).up_to_date
    assert upgrade_db(db_url) == (HEAD, HEAD)  # idempotent


def test_orm_metadata_matches_migrated_schema(store):
    """Alembic autogenerate finds no difference between the models and the migrated database."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    eng = sa.create_engine(store)
    try:
        with eng.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, Base.metadata)
    finally:
        eng.dispose()
    assert diff == []


def test_empty_database_asks_for_db_upgrade(db_url, tmp_path, mini):
    f = write_rows(tmp_path / "a.csv", mini_rows(3))
    with pytest.raises(
        StoreError, match=r"no centric schema yet; upgrade it|no database at"
    ) as err:
        import_file(db_url, f, org="acme", instrument=mini)
    assert err.value.task == "db upgrade"


def test_missing_sqlite_file_is_not_created(tmp_path):
    path = tmp_path / "nope.db"
    with pytest.raises(StoreError, match=r"no database at .*; create it") as err:
        load_wave_responses(str(path), "acme", "W1")
    assert (err.value.task, err.value.settings) == ("db upgrade", {"db": str(path)})
    assert not path.exists()


def test_outdated_database_asks_for_db_upgrade(store):
    eng = sa.create_engine(store)
    with eng.begin() as c:
        c.exec_driver_sql("UPDATE alembic_version SET version_num = '0000'")
    eng.dispose()
    with pytest.raises(StoreError, match=r"0000.*does not know|newer centric"):
        load_wave_responses(store, "acme", "W1")


def test_sqlite_has_wal_and_foreign_keys(tmp_path):
    from assessment.store import create_engine

    url = f"sqlite:///{tmp_path / 'x.db'}"
    eng = create_engine(url, must_exist=False)
    with eng.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    eng.dispose()


def test_resolve_url_bare_path_and_env(monkeypatch, tmp_path):
    from assessment.store import resolve_url

    assert resolve_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    monkeypatch.setenv("CENTRIC_DB", "postgresql+psycopg://u@h/db")
    assert resolve_url(None) == "postgresql+psycopg://u@h/db"


# -- import / export --------------------------------------------------------------------------


def test_import_then_load_gives_the_file_content(store, tmp_path, mini):
    """The stored wave equals what read_responses makes of the same file (same data hash)."""
    from assessment.io import read_responses

    f = write_rows(tmp_path / "a.csv", mini_rows(12))
    result = import_file(store, f, org="acme", instrument=mini)
    assert result.inserted == result.answers == len(mini_rows(12))
    rs = load_wave_responses(store, "acme", "W1", instrument=mini)
    ref = read_responses(f, mini)
    assert rs.data_hash == ref.data_hash
    assert [r.id for r in rs.respondents] == [r.id for r in ref.respondents]


def test_reimport_is_idempotent_and_updates(store, tmp_path, mini):
    rows = mini_rows(5)
    f = write_rows(tmp_path / "a.csv", rows)
    import_file(store, f, org="acme", instrument=mini)
    again = import_file(store, f, org="acme", instrument=mini)
    assert again.inserted == 0 and again.waves[0].updated == len(rows)
    # review polish: an identical re-import says nothing changed
    assert (again.waves[0].changed, again.waves[0].unchanged) == (0, len(rows))
    assert f"(0 new, 0 changed, {len(rows)} unchanged)" in again.describe()
    assert count(store, "responses") == len(rows)
    assert count(store, "respondents") == 5
    rows[0]["current"], rows[0]["na"] = 5, "false"
    third = import_file(store, write_rows(tmp_path / "b.csv", rows), org="acme", instrument=mini)
    assert (third.inserted, third.waves[0].changed) == (0, 1)
    rs = load_wave_responses(store, "acme", "W1", instrument=mini)
    assert rs.current[0, 0] == 5
    assert count(store, "responses") == len(rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_round_trip_export_import_export(store, tmp_path, fmt, instrument, db_url):
    """Northwind (two waves, N/A, comments incl. hostile text) → import → export → import into an
    empty database → export: identical content."""
    from assessment.io.xlsx import read_xlsx_rows
    from assessment.synthetic import northwind_waves

    for rs in northwind_waves(instrument=instrument):
        write_csv(rs, tmp_path / f"{rs.wave}.csv")
        import_file(store, tmp_path / f"{rs.wave}.csv", org="nw")
    first = tmp_path / f"first.{fmt}"
    n_waves, n_answers = export_file(store, "nw", fmt, str(first))
    assert n_waves == 2 and n_answers > 100

    second_db = f"sqlite:///{tmp_path / 'second.db'}"
    upgrade_db(second_db)
    import_file(second_db, first, org="nw")
    second = tmp_path / f"second.{fmt}"
    export_file(second_db, "nw", fmt, str(second))
    if fmt == "xlsx":
        assert read_xlsx_rows(first) == read_xlsx_rows(second)
    else:
        assert first.read_bytes() == second.read_bytes()
    for wave in ("2026-H1", "2026-H2"):
        a = load_wave_responses(store, "nw", wave)
        b = load_wave_responses(second_db, "nw", wave)
        assert a.data_hash == b.data_hash


def test_wave_bound_to_instrument_version_rejects_another(store, tmp_path, mini, instrument):
    f = write_rows(tmp_path / "a.csv", mini_rows(3))
    import_file(store, f, org="acme", instrument=mini)
    with pytest.raises(StoreError, match=r"bound to instrument mini@1\.0\.0.*customer-centricity"):
        import_file(store, f, org="acme", instrument=instrument)
    assert count(store, "responses") == len(mini_rows(3))


def test_existing_wave_instrument_is_used_when_none_given(store, tmp_path, instrument):
    from assessment.synthetic import northwind

    rs = northwind(instrument=instrument)
    write_csv(rs, tmp_path / "nw.csv")
    import_file(store, tmp_path / "nw.csv", org="nw", instrument=instrument)
    again = import_file(store, tmp_path / "nw.csv", org="nw")
    assert again.waves[0].instrument == "customer-centricity@1.0.0"


def test_bad_file_writes_nothing_and_lists_every_problem(store, tmp_path, mini):
    good = write_rows(tmp_path / "good.csv", mini_rows(2))
    import_file(store, good, org="acme", instrument=mini)
    before = count(store, "responses")
    rows = mini_rows(4, start=10)
    rows[1]["current"] = 9  # row 3
    rows[4]["item"] = "XYZ-01"  # row 6
    rows[7]["role"] = "intern"  # row 9
    f = write_rows(tmp_path / "bad.csv", rows)
    with pytest.raises(ResponseError) as err:
        import_file(store, f, org="acme", instrument=mini)
    text = str(err.value)
    assert "row 3" in text and "'current'" in text and "outside 1..5" in text
    assert "XYZ-01" in text and "row 6" in text
    assert "intern" in text
    assert len(err.value.problems) >= 3
    assert count(store, "responses") == before
    assert count(store, "respondents") == 2


def test_unknown_org_and_wave_are_clear_errors(store, tmp_path, mini):
    with pytest.raises(StoreError, match=r"no organisation 'acme'"):
        load_wave_responses(store, "acme", "W1", instrument=mini)
    import_file(store, write_rows(tmp_path / "a.csv", mini_rows(2)), org="acme", instrument=mini)
    with pytest.raises(StoreError, match=r"no wave 'W9'.*W1"):
        load_wave_responses(store, "acme", "W9", instrument=mini)


def test_reports_and_action_status(store, tmp_path, mini):
    import_file(store, write_rows(tmp_path / "a.csv", mini_rows(3)), org="acme", instrument=mini)
    when = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    rid = record_report(
        store,
        "acme",
        "W1",
        kind="team",
        data_hash="sha256:" + "a" * 64,
        instrument_hash=mini.content_hash,
        path="out/team.pdf",
        created_at=when,
    )
    got = reports(store, "acme", "W1")
    assert [r["id"] for r in got] == [rid] and got[0]["kind"] == "team"
    assert got[0]["created_at"].replace(tzinfo=dt.UTC) == when
    set_action_status(store, "acme", "mini", "CUL-A1-1", "planned", owner="CEO")
    set_action_status(
        store, "acme", "mini", "CUL-A1-1", "in_progress", due_date=dt.date(2026, 6, 30)
    )
    st = action_statuses(store, "acme", "mini")
    assert st["CUL-A1-1"]["status"] == "in_progress"
    assert st["CUL-A1-1"]["due_date"] == dt.date(2026, 6, 30)
    with pytest.raises(StoreError, match="planned, in_progress, done"):
        set_action_status(store, "acme", "mini", "CUL-A1-1", "stalled")


# -- faults -----------------------------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import sys, time
    import assessment.store.repository as repository
    from questionnaires.loader import load_instrument
    from assessment.service import import_file

    url, path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    if mode == "hang":
        original = repository.write_wave

        def write_then_hang(conn, *args, **kwargs):
            result = original(conn, *args, **kwargs)  # rows written, transaction still open
            print("WRITTEN", flush=True)
            time.sleep(120)
            return result

        repository.write_wave = write_then_hang
    else:
        print("READY", flush=True)
        sys.stdin.readline()  # start together with the other process
    import_file(url, path, org="acme", instrument=load_instrument(sys.argv[4]))
    print("DONE", flush=True)
    """
)


def _child(url: str, path: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(path), mode, MINI],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


@pytest.mark.slow
def test_sigkill_mid_import_leaves_database_as_before(store, tmp_path, mini):
    import_file(store, write_rows(tmp_path / "a.csv", mini_rows(3)), org="acme", instrument=mini)
    before = load_wave_responses(store, "acme", "W1", instrument=mini).data_hash
    n_before = count(store, "responses")
    big = write_rows(tmp_path / "big.csv", mini_rows(3000, start=0))  # overlaps and adds
    proc = _child(store, big, "hang")
    try:
        line = proc.stdout.readline()
        assert line.strip() == "WRITTEN", proc.stderr.read()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert count(store, "responses") == n_before
    assert load_wave_responses(store, "acme", "W1", instrument=mini).data_hash == before
    # and the database is usable afterwards
    import_file(store, big, org="acme", instrument=mini)
    assert count(store, "responses") == len(mini_rows(3000))


@pytest.mark.slow
def test_two_concurrent_imports_neither_lose_nor_duplicate(store, tmp_path):
    """Two processes import into the same new wave at once: disjoint respondents plus a shared
    file imported by both. Every row arrives exactly once."""
    a = write_rows(tmp_path / "a.csv", mini_rows(400, start=0))
    b = write_rows(tmp_path / "b.csv", mini_rows(400, start=400))
    for first, second in ((a, b), (a, a)):
        procs = [_child(store, first, "race"), _child(store, second, "race")]
        for p in procs:
            assert p.stdout.readline().strip() == "READY", p.stderr.read()
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0 and "DONE" in out, err
    expected = len(mini_rows(800))
    assert count(store, "responses") == expected
    assert count(store, "respondents") == 800
    assert count(store, "waves") == 1 and count(store, "organisations") == 1
    assert count(store, "departments") == 3


def test_json_export_records_have_instrument_per_wave(store, tmp_path, mini):
    import_file(store, write_rows(tmp_path / "a.csv", mini_rows(2)), org="acme", instrument=mini)
    out = tmp_path / "e.json"
    export_file(store, "acme", "json", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["waves"] == [
        {"wave": "W1", "instrument": "mini@1.0.0", "instrument_hash": mini.content_hash}
    ]
    assert doc["instrument"] == "mini@1.0.0" and doc["organisation"] == "acme"


# -- reading goes through assessment.io ---------------------------------------------------------


def test_import_reads_files_with_the_io_reader_only(store, tmp_path, mini, monkeypatch):
    """The store has no CSV/JSON parser of its own: every import calls assessment.io's reader."""
    import assessment.io.responses as io_responses

    calls = []
    original = io_responses.read_records

    def spy(path, **kwargs):
        calls.append(Path(path).suffix)
        return original(path, **kwargs)

    monkeypatch.setattr(io_responses, "read_records", spy)
    f = write_rows(tmp_path / "a.csv", mini_rows(2))
    import_file(store, f, org="acme", instrument=mini)
    export_file(store, "acme", "json", str(tmp_path / "e.json"))
    import_file(store, tmp_path / "e.json", org="acme", instrument=mini)
    assert calls == [".csv", ".json"]


def _imported_modules(path: Path) -> set[str]:
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_store_does_not_depend_on_io():
    """Layering (review M9): the store knows only the database; reading and writing files is
    assessment.io, and the use cases joining them live in assessment.service."""
    import assessment.store

    root = Path(assessment.store.__file__).parent
    offending = {
        str(f.relative_to(root)): sorted(
            m for m in _imported_modules(f) if m.startswith("assessment.io")
        )
        for f in root.rglob("*.py")
    }
    assert {f: m for f, m in offending.items() if m} == {}
    import questionnaires.answers

    assert not {
        m
        for m in _imported_modules(Path(questionnaires.answers.__file__))
        if m.startswith(("assessment.io", "assessment.store", "assessment.service"))
    }


def test_import_export_live_in_the_service_not_the_store():
    """import_file/export_file are use cases of assessment.service; the store no longer
    re-exports them (the old names were dropped after one release)."""
    import assessment.store

    for name in ("import_file", "export_file", "ImportResult", "DEFAULT_MAX_MB"):
        assert not hasattr(assessment.store, name), name


def test_unknown_file_type_is_refused(store, tmp_path, mini):
    f = tmp_path / "answers.dat"
    f.write_text("anything\n", encoding="utf-8")
    with pytest.raises(ResponseError, match=r"unknown file type '\.dat'; import \.csv, \.tsv"):
        import_file(store, f, org="acme", instrument=mini)


def test_import_and_read_respect_the_wave_instruments_of_an_export(store, tmp_path, mini):
    """An exported JSON names the instrument of each wave; importing it into a new database binds
    each wave to that version without --instrument (mini is not shipped: only its file is)."""
    import_file(store, write_rows(tmp_path / "a.csv", mini_rows(2)), org="acme", instrument=mini)
    export_file(store, "acme", "json", str(tmp_path / "e.json"))
    with pytest.raises(
        QuestionnaireError, match=r"cannot load instrument mini@1\.0\.0 for wave 'W1'"
    ):
        import_file(store, tmp_path / "e.json", org="other")
    result = import_file(store, tmp_path / "e.json", org="other", instrument=mini)
    assert result.waves[0].instrument == "mini@1.0.0" and result.inserted == len(mini_rows(2))


def test_database_in_a_missing_or_blocked_folder_is_an_output_error(tmp_path):
    """`centric db upgrade --db typo/x.db` must not create folders (review H6)."""
    from assessment.store import upgrade_db
    from questionnaires.errors import OutputError

    with pytest.raises(OutputError, match=r"folder .*typo does not exist; create the folder"):
        upgrade_db(str(tmp_path / "typo" / "x.db"))
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match=r"folder .*afile is a file"):
        upgrade_db(str(tmp_path / "afile" / "x.db"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


# Found by the import fuzz test (issue 8, item 8): a re-import that changed a respondent's role
# kept stored answers the new role is not asked (SYS-02 for staff) and the wave no longer loaded.


def _one_person(path: Path, role: str, items: list[str], rating: int) -> Path:
    head = "wave,respondent,role,department,item,current\n"
    path.write_text(head + "".join(f"W1,R2,{role},Sales,{i},{rating}\n" for i in items), "utf-8")
    return path


MINI_ITEMS = ["CUL-01", "CUL-02", "SYS-01", "SYS-02", "MET-01", "MET-02"]


def test_role_change_keeping_answers_the_new_role_is_not_asked_is_refused_and_writes_nothing(
    store, tmp_path, mini
):
    import numpy as np

    from assessment.store import delete_respondent

    import_file(store, _one_person(tmp_path / "a.csv", "executive", MINI_ITEMS, 3), org="acme", instrument=mini)  # fmt: skip
    before = count(store, "responses")
    staff = _one_person(tmp_path / "b.csv", "staff", [i for i in MINI_ITEMS if i != "SYS-02"], 4)
    with pytest.raises(StoreError) as err:
        import_file(store, staff, org="acme", instrument=mini)
    msg = str(err.value)
    assert "'R2'" in msg and "executive to staff" in msg and "SYS-02" in msg
    assert "delete the respondent from the wave first" in msg
    from assessment.cli._common import describe_error

    assert describe_error(err.value).endswith(
        "(run `centric respondent delete --org acme --wave W1 R2`)"
    )
    assert count(store, "responses") == before
    rs = load_wave_responses(store, "acme", "W1", instrument=mini)
    assert rs.respondents[0].role == "executive" and (rs.current[0] == 3).all()
    # the fix the message gives: delete the respondent, then import the file again
    delete_respondent(store, "acme", "R2", wave="W1")
    import_file(store, staff, org="acme", instrument=mini)
    rs = load_wave_responses(store, "acme", "W1", instrument=mini)
    assert rs.respondents[0].role == "staff"
    assert np.isnan(rs.current[0, list(rs.item_ids).index("SYS-02")])


def test_role_change_whose_answers_all_fit_the_new_role_is_imported(store, tmp_path, mini):
    import_file(store, _one_person(tmp_path / "a.csv", "staff", [i for i in MINI_ITEMS if i != "SYS-02"], 3), org="acme", instrument=mini)  # fmt: skip
    import_file(store, _one_person(tmp_path / "b.csv", "executive", MINI_ITEMS, 4), org="acme", instrument=mini)  # fmt: skip
    rs = load_wave_responses(store, "acme", "W1", instrument=mini)
    assert rs.respondents[0].role == "executive" and (rs.current[0] == 4).all()

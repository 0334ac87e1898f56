"""Capability-level answers in the store (issue 11, item 2): migration 0003, import → load →
export round trips, re-import, erasure, and the database's own CHECK constraints. Every library
test runs on SQLite and PostgreSQL (``db_url`` in conftest; PostgreSQL needs CENTRIC_TEST_PG_URL)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from assessment.store import (
    delete_respondent,
    export_records,
    head_revision,
    load_wave_responses,
    respondent_data,
    upgrade_db,
    write_waves,
)
from assessment.store.engine import create_engine, resolve_url
from assessment.store.migrate import alembic_config
from questionnaires.answers import ResponseRecord, records_to_response_set
from questionnaires.errors import StoreError
from questionnaires.loader import load_instrument

MINI11 = Path(__file__).parent / "fixtures" / "mini11" / "1.1.0.yaml"
LEVELS = ("CUL", "SYS", "MET")


@pytest.fixture(scope="module")
def mini11():
    return load_instrument(MINI11)


@pytest.fixture
def store(db_url):
    upgrade_db(db_url)
    return db_url


def rec(
    rid, item, current=None, target=None, *, points=None, na=False, comment=None, role="executive"
):
    return ResponseRecord(
        wave="W1", respondent=rid, role=role, department="Sales", item=item, current=current,
        target=target, na=na, comment=comment, points=points,
    )  # fmt: skip


def records_11(codes=("a", "b", "c", "d")):
    """Levels, targets, points (adding up to 100), an N/A on a level, comments, statements."""
    out = []
    for k, rid in enumerate(codes):
        sys_na = k == 1
        out += [
            rec(rid, "CUL", 1 + k % 5, 3 + k % 3, points=50 + 10 * k,
                comment=f"culture note by {rid}" if k % 2 == 0 else None),
            rec(rid, "SYS", None if sys_na else 2, None if sys_na else 4, points=50 - 10 * k,
                na=sys_na),
            rec(rid, "MET", 2, 2, points=0),
            rec(rid, "CUL-01", 3, 4, comment=f"statement note by {rid}"),
            rec(rid, "CUL-02", 2),
            rec(rid, "SYS-01", None, na=True),
            rec(rid, "SYS-02", 4),
            rec(rid, "MET-01", 1 + k % 5),
        ]  # fmt: skip
    return out


def records_1_0():
    """The statements of :func:`records_11` as a wave of the 1.0.0 mini instrument."""
    return [
        dataclasses.replace(r, wave="W0")
        for r in records_11()
        if r.item not in LEVELS and r.item != "SYS-01"
    ]


def a_set(instrument, records):
    return records_to_response_set(instrument, records, source="answers.csv")


def write(url, instrument, records, org="acme"):
    return write_waves(url, org, [(a_set(instrument, records), records, instrument)])


def raw(url, sql, params=None):
    """Run ``sql`` on the project's engine (foreign keys on in SQLite, as in use)."""
    eng = create_engine(resolve_url(url))
    try:
        with eng.connect().execution_options(centric_write=True) as c, c.begin():
            result = c.execute(sa.text(sql), params or {})
            return result.all() if result.returns_rows else None
    finally:
        eng.dispose()


def assert_same_matrices(a, b):
    assert a.capability_ids == b.capability_ids
    for name in ("level_current", "level_target", "points", "level_na"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


def test_capability_answers_round_trip_import_load_export(store, mini11):
    records = records_11()
    rs = a_set(mini11, records)
    (result,) = write(store, mini11, records)
    assert (result.answers, result.inserted, result.capability_answers) == (32, 32, 12)
    assert raw(store, "SELECT count(*) FROM capability_answers")[0][0] == 12
    assert raw(store, "SELECT count(*) FROM responses")[0][0] == 20
    back = load_wave_responses(store, "acme", "W1", instrument=mini11)
    assert back.data_hash == rs.data_hash
    assert_same_matrices(back, rs)
    assert back.level_na[1].tolist() == [False, True, False]
    assert sorted(back.comments, key=str) == sorted(rs.comments, key=str)
    waves, exported = export_records(store, "acme")
    assert [w.instrument for w in waves] == ["mini@1.1.0"]
    assert exported == records  # capability records first per respondent, as in to_records
    assert exported == rs.to_records()


def test_exported_capability_records_import_into_a_new_database_identically(
    store, mini11, tmp_path
):
    write(store, mini11, records_11())
    _, exported = export_records(store, "acme")
    other = f"sqlite:///{tmp_path / 'other.db'}"
    upgrade_db(other)
    write(other, mini11, exported, org="copy")
    assert export_records(other, "copy")[1] == exported
    assert (
        load_wave_responses(other, "copy", "W1", instrument=mini11).data_hash
        == load_wave_responses(store, "acme", "W1", instrument=mini11).data_hash
    )


def test_reimport_of_capability_answers_is_idempotent_and_updates(store, mini11):
    records = records_11()
    write(store, mini11, records)
    (again,) = write(store, mini11, records)
    assert (again.inserted, again.changed, again.unchanged) == (0, 0, 32)
    moved = [
        dataclasses.replace(r, points=r.points + (10 if r.item == "CUL" else -10))
        if r.respondent == "a" and r.item in ("CUL", "SYS")
        else r
        for r in records
    ]
    (changed,) = write(store, mini11, moved)
    assert (changed.inserted, changed.changed) == (0, 2)
    back = load_wave_responses(store, "acme", "W1", instrument=mini11)
    assert back.points[0].tolist() == [60, 40, 0]
    assert back.data_hash == a_set(mini11, moved).data_hash


def test_1_0_0_wave_stores_no_capability_answers_and_loads_as_before(store, mini_instrument):
    records = records_1_0()
    rs = a_set(mini_instrument, records)
    (result,) = write(store, mini_instrument, records)
    assert result.capability_answers == 0
    assert raw(store, "SELECT count(*) FROM capability_answers")[0][0] == 0
    back = load_wave_responses(store, "acme", "W0", instrument=mini_instrument)
    assert back.capability_ids == () and back.data_hash == rs.data_hash


def test_erasing_a_respondent_removes_their_capability_answers(store, mini11):
    write(store, mini11, records_11())
    comments_of_a = raw(
        store,
        "SELECT count(*) FROM capability_answers c JOIN respondents r ON r.id = c.respondent_id "
        "WHERE r.code = 'a' AND c.comment IS NOT NULL",
    )[0][0]
    assert comments_of_a == 1
    data = respondent_data(store, "acme", "a")
    levels = data["waves"][0]["capability_answers"]
    assert [c["capability"] for c in levels] == list(LEVELS)
    assert levels[0] == {
        "capability": "CUL", "level_current": 1, "level_target": 3, "na": False, "points": 50,
        "confidence": None, "comment": "culture note by a",
    }  # fmt: skip
    result = delete_respondent(store, "acme", "a")
    assert (result.answers, result.capability_answers, result.comments) == (8, 3, 2)
    assert "8 answers (3 capability-level), 2 comments" in result.describe()
    left = raw(
        store,
        "SELECT r.code, count(*) FROM capability_answers c "
        "JOIN respondents r ON r.id = c.respondent_id GROUP BY r.code ORDER BY r.code",
    )
    assert left == [("b", 3), ("c", 3), ("d", 3)]
    assert (
        raw(store, "SELECT count(*) FROM capability_answers WHERE comment LIKE '%by a'")[0][0] == 0
    )
    with pytest.raises(StoreError, match="no respondent 'a'"):
        respondent_data(store, "acme", "a")
    back = load_wave_responses(store, "acme", "W1", instrument=mini11)
    assert [r.id for r in back.respondents] == ["b", "c", "d"]


def test_deleting_a_wave_removes_its_capability_answers(store, mini11):
    write(store, mini11, records_11())
    raw(store, "DELETE FROM waves WHERE name = 'W1'")  # ON DELETE CASCADE, as for responses
    assert raw(store, "SELECT count(*) FROM capability_answers")[0][0] == 0


@pytest.mark.parametrize(
    ("column", "value"),
    [("points", -1), ("level_current", 6), ("level_target", 0), ("confidence", 4)],
)
def test_database_refuses_a_capability_answer_outside_its_range(store, mini11, column, value):
    write(store, mini11, records_11())
    with pytest.raises(sa.exc.IntegrityError):
        raw(store, f"UPDATE capability_answers SET {column} = :v", {"v": value})
    assert raw(store, "SELECT min(points) FROM capability_answers")[0][0] == 0


def test_database_refuses_na_together_with_a_level(store, mini11):
    write(store, mini11, records_11())
    with pytest.raises(sa.exc.IntegrityError):
        raw(
            store,
            "UPDATE capability_answers SET na = :t WHERE level_current IS NOT NULL",
            {"t": True},
        )


def test_negative_points_inserted_raw_are_refused(store, mini11):
    write(store, mini11, records_11())
    wave_id, resp_id = raw(store, "SELECT wave_id, id FROM respondents WHERE code = 'a'")[0]
    with pytest.raises(sa.exc.IntegrityError, match="points_not_negative"):
        raw(
            store,
            "INSERT INTO capability_answers (wave_id, respondent_id, capability, na, points) "
            "VALUES (:w, :r, 'XXX', :na, -1)",
            {"w": wave_id, "r": resp_id, "na": False},
        )


# -- migration 0003 ---------------------------------------------------------------------------


def _downgrade(url: str, revision: str) -> None:
    from alembic import command

    engine = create_engine(resolve_url(url))
    try:
        with engine.connect().execution_options(centric_write=True) as conn:
            command.downgrade(alembic_config(conn), revision)
            conn.commit()
    finally:
        engine.dispose()


def tables(url: str) -> set[str]:
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        return set(sa.inspect(eng).get_table_names())
    finally:
        eng.dispose()


def test_head_is_0003(db_url):
    assert head_revision() == "0003"
    assert upgrade_db(db_url) == (None, "0003")
    assert "capability_answers" in tables(db_url)


def test_migration_0002_to_0003_keeps_the_data_and_0003_downgrades(db_url, mini_instrument):
    assert upgrade_db(db_url, "0002") == (None, "0002")
    records = records_1_0()
    rs = a_set(mini_instrument, records)
    # write at 0002 with the repository's own writer (no capability answers: the 0002 tables only)
    engine = create_engine(resolve_url(db_url))
    try:
        with engine.connect().execution_options(centric_write=True) as conn, conn.begin():
            from assessment.store import write_wave

            write_wave(conn, "acme", rs, records, mini_instrument)
    finally:
        engine.dispose()
    before = raw(db_url, "SELECT item, current, target, na, comment FROM responses ORDER BY id")
    assert "capability_answers" not in tables(db_url)
    with pytest.raises(
        StoreError, match=r"at schema revision 0002 but this centric needs 0003"
    ) as e:
        load_wave_responses(db_url, "acme", "W0", instrument=mini_instrument)
    assert e.value.task == "db upgrade"
    assert upgrade_db(db_url) == ("0002", "0003")
    assert (
        raw(db_url, "SELECT item, current, target, na, comment FROM responses ORDER BY id")
        == before
    )
    assert (
        load_wave_responses(db_url, "acme", "W0", instrument=mini_instrument).data_hash
        == rs.data_hash
    )
    _downgrade(db_url, "0002")
    assert "capability_answers" not in tables(db_url) and "responses" in tables(db_url)
    assert (
        raw(db_url, "SELECT item, current, target, na, comment FROM responses ORDER BY id")
        == before
    )
    engine = create_engine(resolve_url(db_url))
    try:
        with engine.connect() as conn:
            from alembic.runtime.migration import MigrationContext

            assert MigrationContext.configure(conn).get_current_revision() == "0002"
    finally:
        engine.dispose()
    assert upgrade_db(db_url) == ("0002", "0003")  # and up again


def test_db_check_and_status_know_revision_0003(tmp_path):
    from assessment.store import check_db, db_status

    db = str(tmp_path / "c.db")
    upgrade_db(db, "0002")
    finding = check_db(db).findings[-1]
    assert not finding.ok
    assert finding.message == "at revision 0002, behind the newest 0003; upgrade the database"
    assert db_status(db).describe().endswith("at revision 0002, newest is 0003; upgrade it")
    upgrade_db(db)
    assert str(check_db(db).findings[-1]) == "ok: schema: at revision 0003, the newest"
    assert db_status(db).up_to_date


# -- the shipped instrument -------------------------------------------------------------------


def test_customer_centricity_1_1_0_wave_round_trips(store):
    from questionnaires.catalogue import get_instrument

    try:
        inst = get_instrument("customer-centricity@1.1.0")
    except Exception as exc:  # pragma: no cover - until 1.1.0 is in the catalogue
        pytest.skip(f"customer-centricity@1.1.0 not installed: {exc}")
    budget = inst.investment_points or 100
    caps = [c.id for c in inst.capabilities]
    records = []
    for k, rid in enumerate(f"P{n:02d}" for n in range(6)):
        share = [budget // len(caps)] * len(caps)
        share[k % len(caps)] += budget - sum(share)
        for j, cap in enumerate(caps):
            level = rec(rid, cap, 1 + (j + k) % 4, 2 + (j + k) % 4, points=share[j])
            records.append(dataclasses.replace(level, wave="2027-H1"))
        for i, item in enumerate(inst.items):
            if item.roles and "executive" not in item.roles:
                continue
            target = 1 + (i + k) % 5 if item.target else None
            records.append(
                ResponseRecord(
                    "2027-H1", rid, "executive", "Sales", item.id, 1 + (i * k) % 5, target
                )
            )
    rs = a_set(inst, records)
    assert rs.has_capability_answers
    (result,) = write(store, inst, records, org="nw")
    assert result.capability_answers == 6 * len(caps)
    back = load_wave_responses(store, "nw", "2027-H1")
    assert back.data_hash == rs.data_hash
    assert_same_matrices(back, rs)
    assert export_records(store, "nw")[1] == rs.to_records()


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_capability_answers_survive_file_import_and_export(store, mini11, tmp_path, fmt):
    from assessment.io import read_responses
    from assessment.io.writers import write_csv
    from assessment.service import export_file, import_file

    rs = a_set(mini11, records_11())
    answers = write_csv(rs, tmp_path / "answers.csv")
    (result,) = import_file(store, answers, org="acme", instrument=mini11).waves
    assert result.capability_answers == 12
    assert load_wave_responses(store, "acme", "W1", instrument=mini11).data_hash == rs.data_hash
    out = tmp_path / f"export.{fmt}"
    assert export_file(store, "acme", fmt, out) == (1, 32)
    again = read_responses(out, mini11)
    assert again.data_hash == rs.data_hash
    assert_same_matrices(again, rs)


def test_erased_capability_comment_does_not_stay_in_the_sqlite_file(tmp_path, mini11):
    """As for statements: secure_delete and the WAL checkpoint cover capability answers too
    (secure_delete defaults off in many SQLite builds, simulated here)."""
    from sqlalchemy import event

    db = tmp_path / "e.db"
    upgrade_db(str(db))
    write(str(db), mini11, records_11())
    engine = create_engine(resolve_url(str(db)))

    @event.listens_for(engine, "connect")
    def _insecure(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA secure_delete=OFF")

    try:
        delete_respondent(engine, "acme", "a", "W1")
    finally:
        engine.dispose()
    data = db.read_bytes()
    wal = db.with_name(db.name + "-wal")
    data += wal.read_bytes() if wal.exists() else b""
    assert b"culture note by a" not in data
    assert b"culture note by c" in data  # the check can see comments that are there


def test_database_at_0002_asks_for_db_upgrade_on_the_command_line(tmp_path):
    from click.testing import CliRunner

    from assessment.cli import cli

    db = str(tmp_path / "old.db")
    upgrade_db(db, "0002")
    result = CliRunner().invoke(cli, ["export", "--db", db, "--org", "acme", "--format", "csv"])
    assert result.exit_code == 2
    assert "at schema revision 0002 but this centric needs 0003" in result.stderr
    assert f"run `centric db upgrade --db sqlite:///{db}`" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_confidence_of_a_capability_rating_survives_the_database(tmp_path):
    """The level confidence matrix (ResponseSet.level_confidence) is stored and loaded back."""
    from dataclasses import replace

    import numpy as np

    from assessment.store.repository import load_wave_responses, write_waves
    from assessment.synthetic import northwind
    from questionnaires.catalogue import get_instrument

    rs = northwind("2026-H2")
    conf = np.full(rs.level_current.shape, np.nan)
    conf[0, :] = 3
    conf[1, 2] = 1
    rs = replace(rs, level_confidence=conf)
    url = f"sqlite:///{tmp_path / 'c.db'}"
    upgrade_db(url)
    inst = get_instrument("customer-centricity@1.1.0")
    write_waves(url, "acme", [(rs, rs.to_records(), inst)])
    back = load_wave_responses(url, "acme", rs.wave, instrument=inst)
    np.testing.assert_array_equal(back.level_confidence, conf)
    assert back.data_hash == rs.data_hash

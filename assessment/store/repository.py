"""The repository: write validated waves, read them back, record reports and action status.

The store knows only the database: it takes and returns records and
:class:`~questionnaires.answers.ResponseSet`\\ s and never reads or writes files (reading a file
and writing it to a wave is :func:`assessment.service.import_file`).

Writes go through SQLAlchemy Core in bulk (``executemany`` of one ``INSERT ... ON CONFLICT``
statement per table), never one ORM object per row: importing 50,000 answers costs a few
statements, not 50,000 flushes. Every write is one transaction; the upsert keys make it idempotent:

- organisations on ``slug``; departments on ``(organisation, key)``; waves on ``(organisation, name)``
- respondents on ``(wave, code)`` (role and department updated)
- responses on ``(wave, respondent, item)`` (ratings, N/A, confidence and comment updated)
- capability answers on ``(wave, respondent, capability)`` (levels, N/A, points, confidence and
  comment updated), for instruments that rate levels: a record whose ``item`` is one of the
  set's ``capability_ids`` goes to ``capability_answers``, every other to ``responses``

Concurrent writers: SQLite serialises them with ``BEGIN IMMEDIATE``; on PostgreSQL the wave row is
locked (``SELECT ... FOR UPDATE``) for the rest of the transaction, and ``ON CONFLICT`` resolves the
races on creating the organisation, departments and wave.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assessment.store import models as m
from questionnaires.errors import QuestionnaireError, StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from questionnaires.answers import ResponseRecord, ResponseSet, WaveInfo
    from questionnaires.model import Instrument

__all__ = [
    "WriteResult",
    "action_statuses",
    "bound_instruments",
    "export_records",
    "list_waves",
    "load_wave_responses",
    "open_engine",
    "record_report",
    "reports",
    "set_action_status",
    "using_engine",
    "write_wave",
    "write_waves",
]


def open_engine(db: str | None = None) -> Engine:
    """An engine for ``db`` whose schema is at the current revision.

    Otherwise a :class:`StoreError` tells the user to run ``centric db upgrade``.

    Parameters
    ----------
    db : str, optional
        URL or path; default ``$CENTRIC_DB`` or ``centric.db``.

    Returns
    -------
    sqlalchemy.engine.Engine
        The engine; the caller disposes of it.
    """
    from assessment.store.engine import create_engine, resolve_url
    from assessment.store.migrate import check_revision

    engine = create_engine(resolve_url(db))
    try:
        check_revision(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


@contextlib.contextmanager
def using_engine(db: str | Engine | None) -> Iterator[Engine]:
    """Use an engine given by the caller, or open (and afterwards dispose) one for a URL/path.

    Parameters
    ----------
    db : str or sqlalchemy.engine.Engine or None
        An engine, or a URL or path for :func:`open_engine`.

    Yields
    ------
    sqlalchemy.engine.Engine
        The engine.
    """
    from sqlalchemy.engine import Engine

    if isinstance(db, Engine):
        yield db
        return
    engine = open_engine(db)
    try:
        yield engine
    finally:
        engine.dispose()


def _insert(conn: Connection, table: Any) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    raise StoreError(  # pragma: no cover - only SQLite and PostgreSQL are supported and tested
        f"database backend {conn.dialect.name!r} is not supported; use SQLite or PostgreSQL"
    )


def _executemany(
    conn: Connection, stmt: Any, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Run ``stmt`` for every row (values in ``columns`` order) with the driver's
    ``executemany``, compiled once.

    Skips SQLAlchemy's per-row parameter processing (about a third of the write time for 50,000
    rows); safe here because every value is already a plain int, bool, str or None. Positional
    drivers (sqlite3) get the tuples as they are when the statement takes its parameters in
    ``columns`` order; named ones (psycopg) get a dict per row.
    """
    compiled = stmt.compile(dialect=conn.dialect, column_keys=list(columns))
    params: list[Any]
    if compiled.positional:
        order = list(compiled.positiontup or ())
        if order == list(columns):
            params = rows
        else:
            where = [columns.index(k) for k in order]
            params = [tuple(r[k] for k in where) for r in rows]
    else:
        params = [dict(zip(columns, r, strict=True)) for r in rows]
    conn.exec_driver_sql(str(compiled), params)


def _org_id(conn: Connection, slug: str, *, create: bool, name: str | None = None) -> int:
    import sqlalchemy as sa

    t = m.Organisation.__table__
    if create:
        conn.execute(
            _insert(conn, t)
            .values(slug=slug, name=name or slug)
            .on_conflict_do_nothing(index_elements=["slug"])
        )
    found = conn.execute(sa.select(t.c.id).where(t.c.slug == slug)).scalar()
    if found is None:
        known = conn.execute(sa.select(t.c.slug).order_by(t.c.slug)).scalars().all()
        raise StoreError(
            f"no organisation {slug!r} in the database; known: {', '.join(known) or 'none'} "
            "(an organisation is created when its first responses are imported)",
            settings={"org": None},
        )
    return int(found)


def _wave_row(conn: Connection, org_id: int, org: str, wave: str) -> Any:
    import sqlalchemy as sa

    t = m.Wave.__table__
    row = conn.execute(sa.select(t).where(t.c.organisation_id == org_id, t.c.name == wave)).first()
    if row is None:
        known = (
            conn.execute(
                sa.select(t.c.name).where(t.c.organisation_id == org_id).order_by(t.c.name)
            )
            .scalars()
            .all()
        )
        raise StoreError(
            f"organisation {org!r} has no wave {wave!r}; its waves: {', '.join(known) or 'none'}"
        )
    return row


@dataclass(frozen=True)
class WriteResult:
    """What one wave import changed.

    Attributes
    ----------
    wave : str
        The wave written.
    instrument : str
        Its instrument, ``id@version``.
    respondents : int
        Respondents in the wave.
    answers : int
        Answers written (statements and capability-level answers).
    inserted : int
        Answers that were new.
    changed : int
        Answers that already existed (same wave, respondent and item) with other values.
    capability_answers : int
        Answers among ``answers`` that are capability-level (levels, targets, points).
    """

    wave: str
    instrument: str
    respondents: int
    answers: int
    inserted: int
    changed: int = 0
    """Answers that already existed (same wave, respondent and item) with other values."""
    capability_answers: int = 0
    """Answers among ``answers`` that are capability-level (levels, targets, points)."""

    @property
    def updated(self) -> int:
        """Answers that already existed (same wave, respondent and item), changed or not."""
        return self.answers - self.inserted

    @property
    def unchanged(self) -> int:
        """Answers that already existed with the same values (nothing was written for them)."""
        return self.updated - self.changed


def _bind_wave(conn: Connection, org_id: int, org: str, wave: str, instrument: Instrument) -> int:
    """Create the wave bound to ``instrument`` or check that the existing wave uses it; lock it."""
    import sqlalchemy as sa

    t = m.Wave.__table__
    conn.execute(
        _insert(conn, t)
        .values(
            organisation_id=org_id,
            name=wave,
            instrument_id=instrument.id,
            instrument_version=instrument.version,
            instrument_hash=instrument.content_hash,
        )
        .on_conflict_do_nothing(index_elements=["organisation_id", "name"])
    )
    row = conn.execute(
        sa.select(t).where(t.c.organisation_id == org_id, t.c.name == wave).with_for_update()
    ).one()
    bound = f"{row.instrument_id}@{row.instrument_version}"
    if bound != instrument.ref:
        raise StoreError(
            f"wave {wave!r} of {org!r} is bound to instrument {bound}; these answers are for "
            f"{instrument.ref}. Answers to different versions cannot be mixed in one wave: "
            f"import them into a new wave or convert them to {bound}",
            settings={"wave": "NAME"},
        )
    if row.instrument_hash != instrument.content_hash:
        raise StoreError(
            f"wave {wave!r} of {org!r} was recorded with {bound} of hash {row.instrument_hash}, "
            f"but the installed {bound} has hash {instrument.content_hash}; the published "
            "instrument was changed: restore it or import into a new wave"
        )
    return int(row.id)


def write_wave(
    conn: Connection,
    org: str,
    responses: ResponseSet,
    records: Sequence[ResponseRecord],
    instrument: Instrument,
    *,
    org_name: str | None = None,
) -> WriteResult:
    """Upsert one validated wave inside the caller's transaction.

    Records with nothing answered (no rating, N/A, points, confidence or comment) are skipped.
    Records whose ``item`` is one of ``responses.capability_ids`` are capability-level answers
    and go to ``capability_answers``.

    Parameters
    ----------
    conn : sqlalchemy.engine.Connection
        The caller's connection, in a transaction.
    org : str
        The organisation's slug.
    responses : ResponseSet
        From :func:`questionnaires.answers.records_to_response_set`; gives the canonical
        respondents (role spelling, department display name).
    records : sequence of ResponseRecord
        The answers to store.
    instrument : Instrument
        The instrument the wave is bound to.
    org_name : str, optional
        The organisation's display name.

    Returns
    -------
    WriteResult
        What changed.
    """
    wave = responses.wave
    org_id = _org_id(conn, org, create=True, name=org_name)
    wave_id = _bind_wave(conn, org_id, org, wave, instrument)
    dept_id = _write_departments(conn, org_id, responses)
    earlier_role, resp_id = _write_respondents(conn, wave_id, responses, dept_id)
    caps = set(responses.capability_ids)
    if caps:
        items = [rec for rec in records if rec.item not in caps]
        levels = [rec for rec in records if rec.item in caps]
    else:
        items, levels = list(records), []
    answers, inserted, changed = _write_answers(conn, wave_id, resp_id, items)
    n_levels = 0
    if levels:
        n_levels, more, also = _write_capability_answers(conn, wave_id, resp_id, levels)
        answers, inserted, changed = answers + n_levels, inserted + more, changed + also
    recast = {
        r.id: r.role
        for r in responses.respondents
        if r.id in earlier_role and earlier_role[r.id] != r.role
    }
    if recast:
        _check_roles(conn, org, wave, wave_id, recast, earlier_role, instrument)
    return WriteResult(
        wave=wave,
        instrument=instrument.ref,
        respondents=len(responses.respondents),
        answers=answers,
        inserted=inserted,
        changed=changed,
        capability_answers=n_levels,
    )


def _write_departments(conn: Connection, org_id: int, responses: ResponseSet) -> dict[str, int]:
    """Insert the wave's departments that are new to the organisation; ``{key: id}`` of all."""
    import sqlalchemy as sa

    dt_ = m.Department.__table__
    depts: dict[str, str] = {}
    for r in responses.respondents:
        depts.setdefault(r.department_key, r.department)
    if depts:
        conn.execute(
            _insert(conn, dt_).on_conflict_do_nothing(index_elements=["organisation_id", "key"]),
            [{"organisation_id": org_id, "key": k, "name": v} for k, v in sorted(depts.items())],
        )
    return dict(
        conn.execute(sa.select(dt_.c.key, dt_.c.id).where(dt_.c.organisation_id == org_id)).all()
    )


def _write_respondents(
    conn: Connection, wave_id: int, responses: ResponseSet, dept_id: dict[str, int]
) -> tuple[dict[str, str], dict[str, int]]:
    """Upsert the wave's respondents; returns their roles before this write and ``{code: id}``."""
    import sqlalchemy as sa

    rt = m.Respondent.__table__
    earlier_role = dict(
        conn.execute(sa.select(rt.c.code, rt.c.role).where(rt.c.wave_id == wave_id)).all()
    )
    if responses.respondents:
        ins = _insert(conn, rt)
        conn.execute(
            ins.on_conflict_do_update(
                index_elements=["wave_id", "code"],
                set_={"role": ins.excluded.role, "department_id": ins.excluded.department_id},
            ),
            [
                {
                    "wave_id": wave_id,
                    "code": r.id,
                    "role": r.role,
                    "department_id": dept_id[r.department_key],
                }
                for r in responses.respondents
            ],
        )
    resp_id = dict(conn.execute(sa.select(rt.c.code, rt.c.id).where(rt.c.wave_id == wave_id)).all())
    return earlier_role, resp_id


_ANSWER_COLUMNS = ("current", "target", "na", "confidence", "comment")
_LEVEL_COLUMNS = ("level_current", "level_target", "na", "points", "confidence", "comment")


def _write_answers(
    conn: Connection, wave_id: int, resp_id: dict[str, int], records: Sequence[ResponseRecord]
) -> tuple[int, int, int]:
    """Upsert the answers to statements; on a re-import only new and changed ones are written.

    Records with nothing answered (no rating, N/A, confidence or comment) are skipped. Returns
    ``(answers in the file, rows inserted, answers changed)``.
    """
    rows = [
        (
            wave_id,
            resp_id[rec.respondent],
            rec.item,
            rec.current,
            rec.target,
            bool(rec.na),
            rec.confidence,
            rec.comment,
        )
        for rec in records
        if rec.current is not None
        or rec.target is not None
        or rec.na
        or rec.confidence is not None
        or rec.comment
    ]
    return _upsert(conn, m.Response.__table__, "item", _ANSWER_COLUMNS, wave_id, rows)


def _write_capability_answers(
    conn: Connection, wave_id: int, resp_id: dict[str, int], records: Sequence[ResponseRecord]
) -> tuple[int, int, int]:
    """Upsert capability-level answers (``item`` is the capability id) like :func:`_write_answers`.

    Records with nothing answered (no level, N/A, points, confidence or comment) are skipped.
    """
    rows = [
        (
            wave_id,
            resp_id[rec.respondent],
            rec.item,
            rec.current,
            rec.target,
            bool(rec.na),
            rec.points,
            rec.confidence,
            rec.comment,
        )
        for rec in records
        if rec.current is not None
        or rec.target is not None
        or rec.na
        or rec.points is not None
        or rec.confidence is not None
        or rec.comment
    ]
    return _upsert(conn, m.CapabilityAnswer.__table__, "capability", _LEVEL_COLUMNS, wave_id, rows)


def _upsert(
    conn: Connection,
    t: Any,
    key: str,
    columns: Sequence[str],
    wave_id: int,
    rows: list[tuple[Any, ...]],
) -> tuple[int, int, int]:
    """Upsert ``rows`` ``(wave_id, respondent_id, key, *columns)`` into ``t`` on
    ``(wave_id, respondent_id, key)`` with one ``executemany``; on a re-import only the new and
    changed rows are sent. Returns ``(rows given, rows inserted, rows changed)``."""
    import sqlalchemy as sa

    count = sa.select(sa.func.count()).select_from(t).where(t.c.wave_id == wave_id)
    before = conn.execute(count).scalar_one()
    answers, changed = len(rows), 0
    if before:  # a re-import: write only new and changed answers, and count them
        stored = {
            (rid, item): tuple(vals)
            for rid, item, *vals in conn.execute(
                sa.select(t.c.respondent_id, t.c[key], *(t.c[c] for c in columns)).where(
                    t.c.wave_id == wave_id
                )
            )
        }
        fresh = []
        for row in rows:
            old = stored.get((row[1], row[2]))
            if old is None:
                fresh.append(row)
            elif old != row[3:]:
                changed += 1
                fresh.append(row)
        rows = fresh
    if rows:
        ins = _insert(conn, t)
        _executemany(
            conn,
            ins.on_conflict_do_update(
                index_elements=["wave_id", "respondent_id", key],
                set_={c: ins.excluded[c] for c in columns},
            ),
            ("wave_id", "respondent_id", key, *columns),
            rows,
        )
    return answers, conn.execute(count).scalar_one() - before, changed


def _check_roles(
    conn: Connection,
    org: str,
    wave: str,
    wave_id: int,
    recast: dict[str, str],
    earlier_role: dict[str, str],
    instrument: Instrument,
) -> None:
    """Refuse a role change that leaves stored answers the new role is not asked.

    A re-import updates a respondent's role and upserts the answers in the file; answers stored
    earlier and not in the file stay. ``recast`` maps respondents whose role changed to the new
    role: each of their stored answers (after the upsert) must be to an item asked of that role
    (an item's ``roles``; none means every role), else the wave could no longer be loaded. Raises
    :class:`StoreError` inside the caller's transaction, so nothing of the import is kept.
    """
    import sqlalchemy as sa

    rt, t = m.Respondent.__table__, m.Response.__table__
    asked = {item.id: set(item.roles) for item in instrument.items}
    stored = conn.execute(
        sa.select(rt.c.code, t.c.item)
        .join(t, t.c.respondent_id == rt.c.id)
        .where(rt.c.wave_id == wave_id, rt.c.code.in_(sorted(recast)))
        .order_by(rt.c.code, t.c.item)
    ).all()
    bad: dict[str, list[str]] = {}
    for code, item in stored:
        roles = asked.get(item, set())
        if roles and recast[code] not in roles:
            bad.setdefault(code, []).append(item)
    if not bad:
        return
    code, items = next(iter(bad.items()))
    more = f" (and {len(bad) - 1} more respondents)" if len(bad) > 1 else ""
    raise StoreError(
        f"respondent {code!r} of wave {wave!r} ({org!r}) changes role from "
        f"{earlier_role[code]} to {recast[code]}, but keeps stored answers to "
        f"{', '.join(items)}, which {recast[code]} respondents are not asked{more}; nothing was "
        f"imported. Keep the role {earlier_role[code]}, or delete the respondent from the wave "
        "first and import the file again",
        task="respondent delete",
        settings={"org": org, "wave": wave, "respondent": code},
    )


def write_waves(
    db: str | Engine | None,
    org: str,
    waves: Sequence[tuple[ResponseSet, Sequence[ResponseRecord], Instrument]],
    *,
    org_name: str | None = None,
) -> list[WriteResult]:
    """Upsert several validated waves in one write transaction: all of them or none.

    Parameters
    ----------
    db : str or sqlalchemy.engine.Engine or None
        URL, path or engine (see :func:`using_engine`).
    org : str
        The organisation's slug.
    waves : sequence of tuple
        ``(responses, records, instrument)`` each, see :func:`write_wave`.
    org_name : str, optional
        The organisation's display name.

    Returns
    -------
    list of WriteResult
        One per wave.
    """
    with (
        using_engine(db) as engine,
        engine.connect().execution_options(centric_write=True) as conn,
        conn.begin(),
    ):
        return [
            write_wave(conn, org, rs, recs, inst, org_name=org_name) for rs, recs, inst in waves
        ]


def bound_instruments(db: str | Engine | None, org: str) -> dict[str, str]:
    """``{wave: "id@version"}`` for the waves ``org`` already has (none for a new organisation).

    Parameters
    ----------
    db : str or sqlalchemy.engine.Engine or None
        URL, path or engine (see :func:`using_engine`).
    org : str
        The organisation's slug.

    Returns
    -------
    dict of str to str
        The instrument each wave is bound to.
    """
    import sqlalchemy as sa

    w, o = m.Wave.__table__, m.Organisation.__table__
    with using_engine(db) as engine, engine.connect() as conn:
        rows = conn.execute(
            sa.select(w.c.name, w.c.instrument_id, w.c.instrument_version)
            .select_from(w.join(o, w.c.organisation_id == o.c.id))
            .where(o.c.slug == org)
        ).all()
    return {name: f"{i}@{v}" for name, i, v in rows}


def list_waves(db: str | Engine | None, org: str) -> list[WaveInfo]:
    """The waves of ``org`` (sorted by name) with their instrument versions.

    Parameters
    ----------
    db : str or sqlalchemy.engine.Engine or None
        URL, path or engine (see :func:`using_engine`).
    org : str
        The organisation's slug.

    Returns
    -------
    list of WaveInfo
        One per wave.
    """
    import sqlalchemy as sa

    from questionnaires.answers import WaveInfo

    t = m.Wave.__table__
    with using_engine(db) as engine, engine.connect() as conn:
        org_id = _org_id(conn, org, create=False)
        rows = conn.execute(
            sa.select(t).where(t.c.organisation_id == org_id).order_by(t.c.name)
        ).all()
    return [
        WaveInfo(org, r.name, f"{r.instrument_id}@{r.instrument_version}", r.instrument_hash)
        for r in rows
    ]


def _records(conn: Connection, wave_id: int, wave: str) -> list[ResponseRecord]:
    """The stored answers of one wave, respondent by respondent in import order; a respondent's
    capability-level answers come first (as in :meth:`ResponseSet.to_records`), then their
    statements, each in import order."""
    import heapq

    import sqlalchemy as sa

    from questionnaires.answers import ResponseRecord

    r, d, rt = m.Response.__table__, m.Department.__table__, m.Respondent.__table__
    q = (
        sa.select(
            rt.c.code,
            rt.c.role,
            d.c.name,
            r.c.item,
            r.c.current,
            r.c.target,
            r.c.na,
            r.c.confidence,
            r.c.comment,
            rt.c.id,
        )
        .select_from(r.join(rt, r.c.respondent_id == rt.c.id).join(d, rt.c.department_id == d.c.id))
        .where(r.c.wave_id == wave_id)
        .order_by(rt.c.id, r.c.id)
    )
    levels = _capability_records(conn, wave_id, wave)
    if not levels:  # a wave without capability-level answers (every 1.0.0 wave)
        return [
            ResponseRecord(wave, code, role, dept, item, cur, tgt, bool(na), conf, comment)
            for code, role, dept, item, cur, tgt, na, conf, comment, _ in conn.execute(q)
        ]
    items = [
        (rid, ResponseRecord(wave, code, role, dept, item, cur, tgt, bool(na), conf, comment))
        for code, role, dept, item, cur, tgt, na, conf, comment, rid in conn.execute(q)
    ]
    tagged = heapq.merge(
        ((rid, 0, rec) for rid, rec in levels),
        ((rid, 1, rec) for rid, rec in items),
        key=lambda t: (t[0], t[1]),
    )
    return [rec for _, _, rec in tagged]


def _capability_records(
    conn: Connection, wave_id: int, wave: str
) -> list[tuple[int, ResponseRecord]]:
    """``(respondent row id, record)`` of the wave's capability-level answers, in import order."""
    import sqlalchemy as sa

    from questionnaires.answers import ResponseRecord

    c, d, rt = m.CapabilityAnswer.__table__, m.Department.__table__, m.Respondent.__table__
    q = (
        sa.select(
            rt.c.id,
            rt.c.code,
            rt.c.role,
            d.c.name,
            c.c.capability,
            c.c.level_current,
            c.c.level_target,
            c.c.na,
            c.c.confidence,
            c.c.comment,
            c.c.points,
        )
        .select_from(c.join(rt, c.c.respondent_id == rt.c.id).join(d, rt.c.department_id == d.c.id))
        .where(c.c.wave_id == wave_id)
        .order_by(rt.c.id, c.c.id)
    )
    return [
        (
            rid,
            ResponseRecord(
                wave, code, role, dept, cap, cur, tgt, bool(na), conf, comment, points=pts
            ),
        )
        for rid, code, role, dept, cap, cur, tgt, na, conf, comment, pts in conn.execute(q)
    ]


def export_records(
    db: str | Engine | None, org: str, wave: str | None = None
) -> tuple[list[WaveInfo], list[ResponseRecord]]:
    """Every stored answer of ``org`` (one wave, or all waves), in the canonical long format.

    Waves by name, respondents in the order they were first imported, answers in the order they
    were first imported; a respondent's capability-level answers (with ``points``) come before
    their answers to statements.

    Parameters
    ----------
    db : str or sqlalchemy.engine.Engine or None
        URL, path or engine (see :func:`using_engine`).
    org : str
        The organisation's slug.
    wave : str, optional
        The one wave to export.

    Returns
    -------
    waves : list of WaveInfo
        The waves, with their instruments.
    records : list of ResponseRecord
        Their answers.
    """
    import sqlalchemy as sa

    from questionnaires.answers import WaveInfo

    t = m.Wave.__table__
    with using_engine(db) as engine, engine.connect() as conn:
        org_id = _org_id(conn, org, create=False)
        if wave is not None:
            rows = [_wave_row(conn, org_id, org, wave)]
        else:
            rows = list(
                conn.execute(sa.select(t).where(t.c.organisation_id == org_id).order_by(t.c.name))
            )
        waves = [
            WaveInfo(org, w.name, f"{w.instrument_id}@{w.instrument_version}", w.instrument_hash)
            for w in rows
        ]
        records = [rec for w in rows for rec in _records(conn, w.id, w.name)]
    return waves, records


def load_wave_responses(
    url: str | Engine | None, org: str, wave: str, *, instrument: Instrument | None = None
) -> ResponseSet:
    """One stored wave as a validated :class:`~questionnaires.answers.ResponseSet`.

    Parameters
    ----------
    url : str or sqlalchemy.engine.Engine or None
        URL, path or engine (see :func:`using_engine`).
    org : str
        The organisation's slug.
    wave : str
        The wave.
    instrument : Instrument, optional
        The version the wave is bound to, when it is not a shipped one (e.g. a YAML file); its
        content hash must match the recorded one.

    Returns
    -------
    ResponseSet
        The wave's answers, with its capability-level answers in ``capability_ids`` and the
        level and points matrices when the instrument rates levels.
    """
    from questionnaires.answers import records_to_response_set
    from questionnaires.catalogue import get_instrument

    with using_engine(url) as engine, engine.connect() as conn:
        org_id = _org_id(conn, org, create=False)
        w = _wave_row(conn, org_id, org, wave)
        records = _records(conn, w.id, w.name)
        source = f"{engine.url.render_as_string(hide_password=True)} {org}/{wave}"
    bound = f"{w.instrument_id}@{w.instrument_version}"
    if instrument is None:
        try:
            instrument = get_instrument(bound)
        except QuestionnaireError as exc:
            raise StoreError(
                f"wave {wave!r} of {org!r} uses instrument {bound}, which is not installed ({exc}); "
                "give the instrument's YAML file",
                settings={"instrument": "PATH"},
            ) from None
    if instrument.ref != bound:
        raise StoreError(f"wave {wave!r} of {org!r} uses {bound}, not {instrument.ref}")
    if instrument.content_hash != w.instrument_hash:
        raise StoreError(
            f"wave {wave!r} of {org!r} was recorded with {bound} of hash {w.instrument_hash}, but "
            f"this {bound} has hash {instrument.content_hash}; the instrument file was changed"
        )
    if not records:
        raise StoreError(f"wave {wave!r} of {org!r} has no answers yet; import some first")
    return records_to_response_set(instrument, records, source=source, wave=wave)


# -- reports and roadmap ----------------------------------------------------------------------


def record_report(
    db: str | Engine | None,
    org: str,
    wave: str,
    *,
    kind: str,
    data_hash: str,
    instrument_hash: str,
    path: str,
    created_at: dt.datetime,
    file_hash: str | None = None,
    respondent: str | None = None,
    respondents: Sequence[str] = (),
) -> int:
    """Record a generated report and the codes of the ``respondents`` it covered.

    The codes are stored once each, in ``report_respondents``.

    Parameters
    ----------
    db : str or sqlalchemy.engine.Engine or None
        URL, path or engine (see :func:`using_engine`).
    org : str
        The organisation's slug.
    wave : str
        The wave reported on.
    kind : str
        The report kind (``team``, ``individual``, ``trend`` ...).
    data_hash : str
        Hash of the data rendered.
    instrument_hash : str
        Content hash of the instrument.
    path : str
        Where the report was written.
    created_at : datetime.datetime
        Supplied by the caller (never the clock here).
    file_hash : str, optional
        Hash of the file written.
    respondent : str, optional
        The person of an individual report.
    respondents : sequence of str
        The codes of everyone the report covers.

    Returns
    -------
    int
        The new row id.
    """
    if isinstance(respondents, str):
        raise TypeError("respondents must be a sequence of respondent codes, not one string")
    t, rr = m.Report.__table__, m.ReportRespondent.__table__
    with (
        using_engine(db) as engine,
        engine.connect().execution_options(centric_write=True) as conn,
        conn.begin(),
    ):
        org_id = _org_id(conn, org, create=False)
        w = _wave_row(conn, org_id, org, wave)
        result = conn.execute(
            t.insert().values(
                wave_id=w.id,
                kind=kind,
                respondent_code=respondent,
                data_hash=data_hash,
                instrument_hash=instrument_hash,
                file_hash=file_hash,
                path=path,
                created_at=created_at,
            )
        )
        key = result.inserted_primary_key
        if key is None:  # a single-row INSERT always reports its key; SQLAlchemy types it Optional
            raise StoreError(f"the database did not return the id of the new report for {path}")
        report_id = int(key[0])
        codes = sorted(set(respondents))
        if codes:
            conn.execute(
                rr.insert(), [{"report_id": report_id, "respondent_code": c} for c in codes]
            )
        return report_id


def reports(db: str | Engine | None, org: str, wave: str) -> list[dict[str, Any]]:
    """Reports recorded for a wave, oldest first.

    Parameters
    ----------
    db : str or sqlalchemy.engine.Engine or None
        URL, path or engine (see :func:`using_engine`).
    org : str
        The organisation's slug.
    wave : str
        The wave.

    Returns
    -------
    list of dict
        Every column of ``reports`` plus ``respondents``, the frozenset of respondent codes (or
        ``erased:`` placeholders) the report covered.
    """
    import sqlalchemy as sa

    t, rr = m.Report.__table__, m.ReportRespondent.__table__
    with using_engine(db) as engine, engine.connect() as conn:
        org_id = _org_id(conn, org, create=False)
        w = _wave_row(conn, org_id, org, wave)
        rows = [
            dict(r)
            for r in conn.execute(
                sa.select(t).where(t.c.wave_id == w.id).order_by(t.c.created_at, t.c.id)
            ).mappings()
        ]
        covered: dict[int, set[str]] = {}
        for report_id, code in conn.execute(
            sa.select(rr.c.report_id, rr.c.respondent_code)
            .select_from(rr.join(t, rr.c.report_id == t.c.id))
            .where(t.c.wave_id == w.id)
        ):
            covered.setdefault(report_id, set()).add(code)
    for row in rows:
        row["respondents"] = frozenset(covered.get(row["id"], ()))
    return rows


def set_action_status(
    db: str | Engine | None,
    org: str,
    instrument_id: str,
    action_id: str,
    status: str,
    *,
    owner: str | None = None,
    due_date: dt.date | None = None,
    note: str | None = None,
    updated_at: dt.datetime | None = None,
) -> None:
    """Set where ``org`` stands on a roadmap action: ``planned``, ``in_progress`` or ``done``.

    Parameters
    ----------
    db : str or sqlalchemy.engine.Engine or None
        URL, path or engine (see :func:`using_engine`).
    org : str
        The organisation's slug.
    instrument_id : str
        The instrument's id.
    action_id : str
        The roadmap action.
    status : str
        ``planned``, ``in_progress`` or ``done``.
    owner : str, optional
        Who owns the action.
    due_date : datetime.date, optional
        When it is due.
    note : str, optional
        A free note.
    updated_at : datetime.datetime, optional
        When the status was set.
    """
    if status not in m.ACTION_STATUSES:
        raise StoreError(f"action status {status!r} is not one of {', '.join(m.ACTION_STATUSES)}")
    t = m.ActionStatus.__table__
    values = {
        "status": status,
        "owner": owner,
        "due_date": due_date,
        "note": note,
        "updated_at": updated_at,
    }
    with (
        using_engine(db) as engine,
        engine.connect().execution_options(centric_write=True) as conn,
        conn.begin(),
    ):
        org_id = _org_id(conn, org, create=False)
        ins = _insert(conn, t).values(
            organisation_id=org_id, instrument_id=instrument_id, action_id=action_id, **values
        )
        conn.execute(
            ins.on_conflict_do_update(
                index_elements=["organisation_id", "instrument_id", "action_id"], set_=values
            )
        )


def action_statuses(
    db: str | Engine | None, org: str, instrument_id: str
) -> dict[str, dict[str, Any]]:
    """``{action_id: {status, owner, due_date, note, updated_at}}`` for one instrument.

    Parameters
    ----------
    db : str or sqlalchemy.engine.Engine or None
        URL, path or engine (see :func:`using_engine`).
    org : str
        The organisation's slug.
    instrument_id : str
        The instrument's id.

    Returns
    -------
    dict of str to dict
        The status of each action recorded.
    """
    import sqlalchemy as sa

    t = m.ActionStatus.__table__
    with using_engine(db) as engine, engine.connect() as conn:
        org_id = _org_id(conn, org, create=False)
        rows = conn.execute(
            sa.select(t)
            .where(t.c.organisation_id == org_id, t.c.instrument_id == instrument_id)
            .order_by(t.c.action_id)
        ).mappings()
        return {
            r["action_id"]: {k: r[k] for k in ("status", "owner", "due_date", "note", "updated_at")}
            for r in rows
        }

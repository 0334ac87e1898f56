"""Persistent store: SQLAlchemy 2 models, Alembic migrations, import/export use cases (DESIGN §8).

The database is a SQLAlchemy URL (``--db`` or ``$CENTRIC_DB``; a bare path is a SQLite file).
Create or update the schema with ``centric db upgrade`` (:func:`upgrade_db`); every other
function refuses a database whose schema is not at the shipped revision, with a message saying so.

Importing this package imports SQLAlchemy; the CLI imports it only inside the commands that need it.

>>> from assessment.store import upgrade_db, import_file, load_wave_responses  # doctest: +SKIP
>>> upgrade_db("acme.db")                                                      # doctest: +SKIP
>>> import_file("acme.db", "answers.xlsx", org="acme", wave="2026-H1")         # doctest: +SKIP
>>> load_wave_responses("acme.db", "acme", "2026-H1")                          # doctest: +SKIP
"""

from __future__ import annotations

from assessment.store.engine import create_engine, display_url, resolve_url
from assessment.store.importer import DEFAULT_MAX_MB, ImportResult, import_file
from assessment.store.migrate import Status, check_revision, head_revision
from assessment.store.service import (
    WriteResult,
    action_statuses,
    export_records,
    list_waves,
    load_wave_responses,
    open_engine,
    record_report,
    reports,
    set_action_status,
    using_engine,
    write_wave,
)

__all__ = [
    "DEFAULT_MAX_MB",
    "ImportResult",
    "Status",
    "WriteResult",
    "action_statuses",
    "check_revision",
    "create_engine",
    "db_status",
    "display_url",
    "export_file",
    "export_records",
    "head_revision",
    "import_file",
    "list_waves",
    "load_wave_responses",
    "open_engine",
    "record_report",
    "reports",
    "resolve_url",
    "set_action_status",
    "upgrade_db",
    "using_engine",
    "write_wave",
]


def upgrade_db(db: str | None = None, revision: str = "head") -> tuple[str | None, str]:
    """Create or upgrade the schema of ``db`` (a missing SQLite file is created).
    Returns ``(revision before, revision after)``."""
    from assessment.store.migrate import upgrade

    engine = create_engine(resolve_url(db), must_exist=False)
    try:
        return upgrade(engine, revision)
    finally:
        engine.dispose()


def db_status(db: str | None = None) -> Status:
    """The schema revision of ``db`` against the newest one shipped."""
    from assessment.store.migrate import status

    engine = create_engine(resolve_url(db))
    try:
        return status(engine)
    finally:
        engine.dispose()


def export_file(
    db: str | None,
    org: str,
    format: str,
    path: str,
    *,
    wave: str | None = None,
) -> tuple[int, int]:
    """Export the raw ratings of ``org`` (one wave or all) to ``path`` in ``format``
    (``csv``, ``xlsx`` or ``json``). Returns ``(waves, answers)`` written."""
    from assessment.io.export import write_export

    waves, records = export_records(db, org, wave)
    write_export(format, org, waves, records, path)  # type: ignore[arg-type]
    return len(waves), len(records)

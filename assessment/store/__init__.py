"""Persistent store: SQLAlchemy 2 models, Alembic migrations, reading and writing waves
(``docs/store.md``).

The database is a SQLAlchemy URL (``--db`` or ``$CENTRIC_DB``; a bare path is a SQLite file).
Create or update the schema with ``centric db upgrade`` (:func:`upgrade_db`); every other
function refuses a database whose schema is not at the shipped revision, with a message saying so.
:func:`check_db` checks a database's health (``centric db check``); :func:`delete_respondent`
and :func:`respondent_data` erase and export one person's data (``docs/privacy.md``). Database
faults (a damaged file, a full disk, a lost server) are one-line
:class:`~questionnaires.errors.StoreError` errors naming the database and how to recover.

The store knows only the database: it never reads or writes response files. Importing a file
into a wave and exporting waves to a file are use cases of :mod:`assessment.service`
(:func:`~assessment.service.import_file`, :func:`~assessment.service.export_file`).

Importing this package imports SQLAlchemy; the CLI imports it only inside the commands that need it.

A wave from file to database and back (here a synthetic Northwind wave in a temporary folder):

>>> import tempfile
>>> from pathlib import Path
>>> from assessment.io.writers import write_csv
>>> from assessment.service import import_file
>>> from assessment.store import list_waves, load_wave_responses, upgrade_db
>>> from assessment.synthetic import northwind
>>> tmp = tempfile.TemporaryDirectory()
>>> db = str(Path(tmp.name) / "acme.db")
>>> answers = write_csv(northwind("2026-H1"), Path(tmp.name) / "answers.csv")
>>> from assessment.store import head_revision
>>> upgrade_db(db) == (None, head_revision())  # a new database: no revision before, head after
True
>>> import_file(db, answers, org="acme").waves[0].respondents
60
>>> [w.wave for w in list_waves(db, "acme")]
['2026-H1']
>>> load_wave_responses(db, "acme", "2026-H1").n_respondents
60
>>> tmp.cleanup()
"""

from __future__ import annotations

from assessment.store.check import CheckResult, Finding, check_db
from assessment.store.engine import create_engine, display_url, resolve_url
from assessment.store.migrate import Status, check_revision, head_revision
from assessment.store.repository import (
    WriteResult,
    action_statuses,
    bound_instruments,
    export_records,
    list_waves,
    load_wave_responses,
    open_engine,
    record_report,
    reports,
    set_action_status,
    using_engine,
    write_wave,
    write_waves,
)
from assessment.store.respondents import ErasureResult, delete_respondent, respondent_data

__all__ = [
    "CheckResult",
    "ErasureResult",
    "Finding",
    "Status",
    "WriteResult",
    "action_statuses",
    "bound_instruments",
    "check_db",
    "check_revision",
    "create_engine",
    "db_status",
    "delete_respondent",
    "display_url",
    "export_records",
    "head_revision",
    "list_waves",
    "load_wave_responses",
    "open_engine",
    "record_report",
    "reports",
    "resolve_url",
    "respondent_data",
    "set_action_status",
    "upgrade_db",
    "using_engine",
    "write_wave",
    "write_waves",
]


def upgrade_db(db: str | None = None, revision: str = "head") -> tuple[str | None, str]:
    """Create or upgrade the schema of ``db`` (a missing SQLite file is created).

    Parameters
    ----------
    db : str, optional
        URL or path; default ``$CENTRIC_DB`` or ``centric.db``.
    revision : str, default "head"
        The Alembic revision to reach.

    Returns
    -------
    before : str or None
        The revision before (``None`` for a new database).
    after : str
        The revision after.
    """
    from assessment.store.migrate import upgrade

    engine = create_engine(resolve_url(db), must_exist=False)
    try:
        return upgrade(engine, revision)
    finally:
        engine.dispose()


def db_status(db: str | None = None) -> Status:
    """The schema revision of ``db`` against the newest one shipped.

    Parameters
    ----------
    db : str, optional
        URL or path; default ``$CENTRIC_DB`` or ``centric.db``.

    Returns
    -------
    Status
        The current and the head revision.
    """
    from assessment.store.migrate import status

    engine = create_engine(resolve_url(db))
    try:
        return status(engine)
    finally:
        engine.dispose()

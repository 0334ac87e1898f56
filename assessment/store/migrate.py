"""Schema migrations with Alembic, driven from code (no ``alembic.ini`` needed).

The migration scripts ship inside the package (``assessment/store/migrations``). Every command that
opens a database checks its revision first (:func:`check_revision`): an empty or outdated database
gives a :class:`~questionnaires.errors.StoreError` telling the user to run ``centric db upgrade``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from questionnaires.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection, Engine

__all__ = [
    "Status",
    "alembic_config",
    "cannot_open",
    "check_revision",
    "head_revision",
    "status",
    "upgrade",
]

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations.

    Parameters
    ----------
    connection : sqlalchemy.engine.Connection, optional
        A connection to bind the configuration to.

    Returns
    -------
    alembic.config.Config
        The configuration.
    """
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest revision shipped with this version of centric.

    Returns
    -------
    str
        The Alembic revision id.
    """
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise StoreError("no database migrations found in the installed package")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision stamped in the database, or ``None`` for a database never upgraded."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


@dataclass(frozen=True)
class Status:
    """What ``centric db status`` reports.

    Attributes
    ----------
    url : str
        The database (password hidden).
    current : str or None
        Its schema revision; ``None`` for an empty database.
    head : str
        The newest revision shipped.
    """

    url: str
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    def describe(self) -> str:
        if self.current is None:
            return f"{self.url}: empty (no schema); an upgrade creates it at {self.head}"
        if self.up_to_date:
            return f"{self.url}: up to date at revision {self.head}"
        return f"{self.url}: at revision {self.current}, newest is {self.head}; upgrade it"


def cannot_open(engine: Engine, exc: Exception) -> StoreError:
    """A one-line :class:`StoreError` for a database that could not be opened or read.

    For example not a SQLite file, a folder, a PostgreSQL server that does not answer, a wrong
    password.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The database.
    exc : Exception
        What was raised.

    Returns
    -------
    StoreError
        The error to raise.
    """
    from assessment.store.engine import database_error

    return database_error(engine.url.render_as_string(hide_password=False), exc, connecting=True)


def status(engine: Engine) -> Status:
    """The schema revision of the database against the newest one shipped.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The database.

    Returns
    -------
    Status
        The current and the head revision.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from assessment.store.engine import display_url

    try:
        with engine.connect() as conn:
            current = current_revision(conn)
    except SQLAlchemyError as exc:
        raise cannot_open(engine, exc) from None
    return Status(
        url=display_url(str(engine.url.render_as_string(False))),
        current=current,
        head=head_revision(),
    )


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Upgrade the schema to ``revision``.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The database.
    revision : str, default "head"
        The Alembic revision to reach.

    Returns
    -------
    before : str or None
        The revision before (``None`` for a new database).
    after : str
        The revision after.
    """
    from alembic import command
    from sqlalchemy.exc import SQLAlchemyError

    try:
        conn = engine.connect().execution_options(centric_write=True)
    except SQLAlchemyError as exc:
        raise cannot_open(engine, exc) from None
    with conn:
        try:
            before = current_revision(conn)
        except SQLAlchemyError as exc:
            raise cannot_open(engine, exc) from None
        conn.commit()
        command.upgrade(alembic_config(conn), revision)
        conn.commit()
        after = current_revision(conn)
    return before, after or ""


def check_revision(engine: Engine) -> None:
    """Raise :class:`StoreError` unless the database schema is at the shipped head revision.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The database.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from assessment.store.engine import display_url

    url = display_url(engine.url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            current = current_revision(conn)
    except SQLAlchemyError as exc:
        raise cannot_open(engine, exc) from None
    head = head_revision()
    if current == head:
        return
    if current is None:
        raise StoreError(
            f"database {url} has no centric schema yet; upgrade it first",
            task="db upgrade",
            settings={"db": url},
        )
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    try:
        script.get_revision(current)
    except Exception:
        raise StoreError(
            f"database {url} is at revision {current}, which this version of centric does not know; "
            "it was written by a newer centric: upgrade centric"
        ) from None
    raise StoreError(
        f"database {url} is at schema revision {current} but this centric needs {head}; "
        "upgrade it (back the file up first)",
        task="db upgrade",
        settings={"db": url},
    )

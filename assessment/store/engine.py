"""Database URLs and engines.

The database is a SQLAlchemy URL from ``--db`` or the ``CENTRIC_DB`` environment variable; a bare
path means a SQLite file. Default: ``centric.db`` in the current directory.

SQLite connections get ``PRAGMA foreign_keys=ON`` (SQLite does not enforce foreign keys otherwise),
``journal_mode=WAL`` (readers do not block the writer) and a busy timeout, set by a ``connect``
event listener. Transactions that write begin with ``BEGIN IMMEDIATE`` (execution option
``centric_write=True``), so two concurrent importers queue for the write lock instead of failing
with "database is locked" when a read transaction tries to upgrade to a write one.

Database faults are :class:`~questionnaires.errors.StoreError`\\ s, translated in one place: a
``handle_error`` listener on every engine (:func:`database_error`) turns the driver's
operational errors (a damaged SQLite file, a full disk, a server that went away, a connection
refused) into one message naming the database (password hidden) and how to recover. Integrity
and programming errors are left alone: they mean a bug in centric, not a fault of the database.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from questionnaires.errors import OutputError, StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

__all__ = [
    "DEFAULT_DB",
    "ENV_VAR",
    "create_engine",
    "database_error",
    "display_url",
    "driver_message",
    "resolve_url",
    "sqlite_path",
]

ENV_VAR = "CENTRIC_DB"
DEFAULT_DB = "centric.db"
BUSY_TIMEOUT_MS = 60_000
CONNECT_TIMEOUT_S = 10
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL for ``db``, else ``$CENTRIC_DB``, else ``centric.db``.

    Parameters
    ----------
    db : str or os.PathLike, optional
        A URL or a path (a bare path is a SQLite file).

    Returns
    -------
    str
        The URL.

    Examples
    --------
    >>> resolve_url("sqlite:///x.db")
    'sqlite:///x.db'
    >>> resolve_url("/tmp/a.db")
    'sqlite:////tmp/a.db'
    """
    value = os.fspath(db) if db is not None else os.environ.get(ENV_VAR) or DEFAULT_DB
    if _SCHEME.match(value):
        return value
    return "sqlite:///" + str(Path(value).expanduser().absolute())


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or ``None`` for other backends and in-memory databases.

    Parameters
    ----------
    url : str
        A SQLAlchemy URL.

    Returns
    -------
    pathlib.Path or None
        The database file.
    """
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def display_url(url: str) -> str:
    """The URL with any password hidden, for messages.

    Parameters
    ----------
    url : str
        A SQLAlchemy URL.

    Returns
    -------
    str
        ``url`` with ``***`` for its password.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        u = make_url(url)
    except ArgumentError:
        return url
    secret = {k: "***" for k in u.query if any(w in k.lower() for w in _SECRET_KEYS)}
    return (
        u.update_query_dict(secret).render_as_string(hide_password=True)
        if secret
        else (u.render_as_string(hide_password=True))
    )


# query-string keys of a database URL whose values are secrets (libpq: password, sslpassword,
# sslkey's passphrase; drivers: token, secret)
_SECRET_KEYS = ("password", "passwd", "pwd", "secret", "token", "sslkey")


# driver messages that mean the stored bytes are damaged (SQLite; PostgreSQL's data_corrupted,
# index_corrupted and "could not read block"), as opposed to a connection or permission fault
_DAMAGED = (
    "malformed",
    "file is not a database",
    "disk i/o error",
    "database corruption",
    "corrupt",
    "could not read block",
    "invalid page",
)


def driver_message(exc: BaseException) -> str:
    """The driver's own text of ``exc`` (SQLAlchemy's wrapper and its SQL removed), on one line.

    Parameters
    ----------
    exc : BaseException
        What the driver raised.

    Returns
    -------
    str
        The message.
    """
    from sqlalchemy.exc import StatementError

    cause: BaseException = exc
    if isinstance(exc, StatementError) and exc.orig is not None:
        cause = exc.orig
    elif isinstance(exc, StoreError) and exc.__cause__ is not None:
        return driver_message(exc.__cause__)
    return " ".join(str(cause).split()) or cause.__class__.__name__


def is_damage(text: str) -> bool:
    """Whether a driver message says the database's stored bytes are damaged."""
    low = text.lower()
    return any(marker in low for marker in _DAMAGED)


def database_error(url: str, exc: BaseException, *, connecting: bool = False) -> StoreError:
    """The one-line :class:`StoreError` for a driver error ``exc`` on the database at ``url``.

    A damaged database says how to recover (a backup, ``centric db check``, SQLite's
    ``.recover``); a failure while connecting says what the database must be; anything else names
    the database and the driver's message. The password of ``url`` is never shown.

    Parameters
    ----------
    url : str
        The database.
    exc : BaseException
        What the driver raised.
    connecting : bool, default False
        Whether it was raised while connecting.

    Returns
    -------
    StoreError
        The error to raise.
    """
    path = sqlite_path(url)
    where = str(path) if path is not None else display_url(url)
    text = driver_message(exc)
    if is_damage(text):
        salvage = (
            f"; to salvage what is readable: sqlite3 {path} .recover | sqlite3 RECOVERED.db"
            if path is not None
            else ""
        )
        return StoreError(
            f"database {where} is damaged ({text}); restore it from a backup, and check the "
            f"database to see what is wrong{salvage}",
            task="db check",
            settings={"db": where},
        )
    if connecting:
        return StoreError(
            f"cannot open database {where}: {text}; check the database path or URL (a SQLite "
            "file made by centric, or a reachable PostgreSQL server)",
            settings={"db": None},
        )
    return StoreError(
        f"database {where} failed: {text}; check that it is reachable, writable and has free "
        "space (a database check tests it)",
        task="db check",
        settings={"db": where},
    )


def _install_error_handler(engine: Engine, url: str) -> None:
    """Turn operational driver errors on ``engine`` into :func:`database_error` (see module doc)."""
    from sqlalchemy import event
    from sqlalchemy.exc import DatabaseError, IntegrityError, ProgrammingError

    @event.listens_for(engine, "handle_error")
    def _translate(ctx: Any) -> None:  # sqlalchemy.engine.ExceptionContext
        exc = ctx.sqlalchemy_exception
        if not isinstance(exc, DatabaseError) or isinstance(exc, IntegrityError | ProgrammingError):
            return
        raise database_error(url, exc, connecting=ctx.connection is None)


def _check_creatable(path: Path) -> None:
    """A new SQLite file can be created at ``path``: its folder exists and is writable. Folders
    are never created (a mistyped ``--db`` would otherwise leave a directory tree behind)."""
    folder = path.parent
    if folder.is_dir():
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OutputError(
                f"cannot create the database {path}: the folder {folder} is not writable; "
                "choose another database path or fix the folder's permissions",
                settings={"db": None},
            )
        return
    what = "is a file" if folder.exists() else "does not exist"
    raise OutputError(
        f"cannot create the database {path}: the folder {folder} {what}; "
        "create the folder or choose another database path",
        settings={"db": None},
    )


SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_sqlite_file(path: Path) -> None:
    """``path`` is a SQLite database file (or an empty file, which SQLite treats as a new
    database): not a folder, not some other file given as ``--db`` by mistake."""
    if path.is_dir():
        raise StoreError(
            f"database path {path} is a folder, not a database file; give a file such as "
            f"{path}/centric.db",
            settings={"db": f"{path}/centric.db"},
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(
            f"cannot read the database {path}: {exc.strerror or exc.__class__.__name__}; "
            "check the file's permissions"
        ) from None
    if head and head != SQLITE_MAGIC:
        raise StoreError(
            f"{path} is not a SQLite database (it does not start with the SQLite header); "
            "check the database path, or create a new database",
            task="db upgrade",
            settings={"db": "NEW.db"},
        )


def create_engine(url: str, *, must_exist: bool = True) -> Engine:
    """An engine for ``url`` with the SQLite pragmas and write-transaction handling installed.

    Parameters
    ----------
    url : str
        A SQLAlchemy URL.
    must_exist : bool, default True
        A missing SQLite file is an error (instead of silently creating an empty one); when
        false, the file's folder must exist and be writable (:class:`OutputError` otherwise).

    Returns
    -------
    sqlalchemy.engine.Engine
        The engine; the caller disposes of it.
    """
    import sqlalchemy as sa
    from sqlalchemy import event

    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(f"{url!r} is not a database URL or path") from None
    path = sqlite_path(url)
    if path is not None and must_exist and not path.exists():
        raise StoreError(
            f"no database at {path}; create it (an upgrade of an empty database creates the "
            "schema)",
            task="db upgrade",
            settings={"db": str(path)},
        )
    if path is not None and not path.exists():
        _check_creatable(path)
    if path is not None and path.exists():
        _check_sqlite_file(path)
    try:
        connect_args: dict[str, Any] = {}
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            # an unreachable server fails within seconds with one message, not after minutes
            connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
        engine = sa.create_engine(parsed, connect_args=connect_args)
    except ModuleNotFoundError as exc:
        raise StoreError(
            f"the database driver for {display_url(url)} is not installed ({exc.name}); "
            "for PostgreSQL install centric-maturity[postgres]"
        ) from None

    _install_error_handler(engine, url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:  # DB-API objects: untyped
            # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's implicit BEGIN would
            # otherwise be deferred and ignore our IMMEDIATE).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if path is not None:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("centric_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine

"""Health check of a database: ``centric db check`` and the integrity line of ``db status``.

Checks, in order (a failed connection stops the rest):

- **connection**: the file opens (SQLite) or the server answers (PostgreSQL);
- **integrity** (SQLite): ``PRAGMA integrity_check`` (``quick_check`` with ``quick=True``: every
  page and row is read, indexes are not compared with their tables), the first few messages;
- **foreign keys** (SQLite): ``PRAGMA foreign_key_check``, rows that point at a missing row;
- **schema**: the migration revision stamped in the database against the newest shipped
  (at head, behind, empty, or written by a newer centric).

PostgreSQL enforces foreign keys itself and keeps its own page checksums; for it the check is
connectivity and the schema revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assessment.store.engine import create_engine, display_url, driver_message, resolve_url
from questionnaires.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

__all__ = ["CheckResult", "Finding", "check_db"]

SHOWN = 5


@dataclass(frozen=True)
class Finding:
    """One result of a check.

    Attributes
    ----------
    check : str
        ``connection``, ``integrity``, ``foreign keys`` or ``schema``.
    ok : bool
        Whether the check passed.
    message : str
        What was found, and how to recover when it failed.
    """

    check: str
    ok: bool
    message: str

    def __str__(self) -> str:
        return f"{'ok' if self.ok else 'PROBLEM'}: {self.check}: {self.message}"


@dataclass(frozen=True)
class CheckResult:
    """All findings of :func:`check_db` for one database.

    Attributes
    ----------
    url : str
        The database checked (password hidden).
    findings : tuple of Finding
        One per check run, in order.
    """

    url: str
    findings: tuple[Finding, ...]

    @property
    def healthy(self) -> bool:
        return all(f.ok for f in self.findings)

    @property
    def problems(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.ok)

    @property
    def damaged(self) -> bool:
        """An integrity or foreign-key problem (not a connection failure or an outdated schema)."""
        return any(f.check in ("integrity", "foreign keys") for f in self.problems)

    @property
    def unreachable(self) -> bool:
        return any(f.check == "connection" for f in self.problems)

    def summary(self) -> str:
        """One line saying what is wrong and what to do (empty when healthy)."""
        if self.healthy:
            return ""
        if self.unreachable:
            return (
                f"cannot reach database {self.url} (PROBLEM line above); check the URL, that the "
                "server is running and accepts connections, and the credentials (this says "
                "nothing about the data itself)"
            )
        if self.damaged:
            salvage = (
                f"; to salvage what is readable: sqlite3 {self.url} .recover | sqlite3 RECOVERED.db"
                if "://" not in self.url
                else ""
            )
            return f"database {self.url} is damaged (PROBLEM lines above); restore it from a backup{salvage}"
        return f"database {self.url} needs a schema upgrade (back the file up first)"

    def error(self) -> StoreError:
        """:meth:`summary` as an error; an outdated schema names the upgrade task."""
        if self.damaged or self.unreachable:
            return StoreError(self.summary())
        return StoreError(self.summary(), task="db upgrade", settings={"db": self.url})


def check_db(db: str | None = None, *, quick: bool = False) -> CheckResult:
    """Run the checks of the module docstring on ``db``.

    A missing file or one that is not SQLite is a :class:`StoreError`.

    Parameters
    ----------
    db : str, optional
        URL or path; default ``$CENTRIC_DB`` or ``centric.db``.
    quick : bool, default False
        Run SQLite's quick check instead of the full integrity check.

    Returns
    -------
    CheckResult
        Every finding.
    """
    url = resolve_url(db)
    engine = create_engine(url)
    shown = _shown(url)
    try:
        try:
            conn = engine.connect()
        except StoreError as exc:
            return CheckResult(shown, (Finding("connection", False, driver_message(exc)),))
        with conn:
            findings = [Finding("connection", True, _describe_server(conn))]
            if conn.dialect.name == "sqlite":
                findings += _integrity(conn, quick)
                findings += _foreign_keys(conn)
            findings.append(_schema(conn, shown))
    finally:
        engine.dispose()
    return CheckResult(shown, tuple(findings))


def _shown(url: str) -> str:
    from assessment.store.engine import sqlite_path

    path = sqlite_path(url)
    return str(path) if path is not None else display_url(url)


def _describe_server(conn: Connection) -> str:
    version = ".".join(str(v) for v in (conn.dialect.server_version_info or ()))
    name = "SQLite" if conn.dialect.name == "sqlite" else "PostgreSQL"
    return f"{name} {version} opened it" if version else f"{name} opened it"


def _rows(conn: Connection, sql: str) -> list[Any]:
    try:
        return list(conn.exec_driver_sql(sql).all())
    finally:
        conn.rollback()


def _integrity(conn: Connection, quick: bool) -> list[Finding]:
    pragma = "quick_check" if quick else "integrity_check"
    try:
        rows = _rows(conn, f"PRAGMA {pragma}({SHOWN + 1})")
    except StoreError as exc:
        return [Finding("integrity", False, f"PRAGMA {pragma} failed: {driver_message(exc)}")]
    # one row may hold several messages, one a line, under a "*** in database main ***" heading
    messages = [
        line.strip()
        for r in rows
        for line in str(r[0]).splitlines()
        if line.strip() and not line.startswith("***")
    ]
    if messages == ["ok"]:
        return [Finding("integrity", True, f"PRAGMA {pragma} found no damage")]
    found = [Finding("integrity", False, msg) for msg in messages[:SHOWN]]
    if len(messages) > SHOWN:
        found.append(Finding("integrity", False, f"... and more (first {SHOWN} shown)"))
    return found


def _foreign_keys(conn: Connection) -> list[Finding]:
    try:
        rows = _rows(conn, "PRAGMA foreign_key_check")
    except StoreError as exc:
        text = driver_message(exc)
        return [Finding("foreign keys", False, f"PRAGMA foreign_key_check failed: {text}")]
    if not rows:
        return [Finding("foreign keys", True, "every reference points at an existing row")]
    found = [
        Finding("foreign keys", False, f"{table} row {rowid} refers to a missing {parent} row")
        for table, rowid, parent, _ in rows[:SHOWN]
    ]
    if len(rows) > SHOWN:
        found.append(Finding("foreign keys", False, f"... {len(rows) - SHOWN} more such rows"))
    return found


def _schema(conn: Connection, shown: str) -> Finding:
    from alembic.script import ScriptDirectory

    from assessment.store.migrate import alembic_config, current_revision, head_revision

    head = head_revision()
    try:
        current = current_revision(conn)
    except StoreError as exc:
        return Finding("schema", False, f"cannot read the revision: {driver_message(exc)}")
    finally:
        conn.rollback()
    if current == head:
        return Finding("schema", True, f"at revision {head}, the newest")
    if current is None:
        return Finding("schema", False, "no centric schema; upgrade the database to create it")
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(current)
    except Exception:
        return Finding(
            "schema",
            False,
            f"at revision {current}, which this centric does not know (written by a newer "
            "centric): upgrade centric",
        )
    return Finding(
        "schema",
        False,
        f"at revision {current}, behind the newest {head}; upgrade the database",
    )

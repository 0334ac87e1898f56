"""``centric db``: create, upgrade and inspect the assessment database."""

from __future__ import annotations

import click

from assessment.cli._common import UserError, user_errors

DB_OPTION = click.option(
    "--db",
    metavar="URL",
    envvar="CENTRIC_DB",
    default=None,
    help="SQLAlchemy URL or SQLite path (env CENTRIC_DB; default ./centric.db).",
)


@click.group()
def db() -> None:
    """Create, upgrade and check the assessment database.

    \b
    Example:
      centric db upgrade --db acme.db
      centric db status --db postgresql+psycopg://user@host/centric
      centric db check --db acme.db
    """


@db.command()
@DB_OPTION
@click.option("--revision", default="head", show_default=True, help="Target schema revision.")
@user_errors
def upgrade(db: str | None, revision: str) -> None:
    """Create the schema, or bring it up to the newest revision.

    \b
    Example:
      centric db upgrade --db acme.db
    """
    from assessment.store import display_url, resolve_url, upgrade_db

    before, after = upgrade_db(db, revision)
    where = display_url(resolve_url(db))
    if before == after:
        click.echo(f"{where}: already at revision {after}", err=True)
    else:
        click.echo(f"{where}: upgraded from {before or 'empty'} to {after}", err=True)


@db.command()
@DB_OPTION
@user_errors
def current(db: str | None) -> None:
    """Print the schema revision of the database (empty line when it has none).

    \b
    Example:
      centric db current --db acme.db
    """
    from assessment.store import db_status

    click.echo(db_status(db).current or "")


@db.command()
@DB_OPTION
@user_errors
def status(db: str | None) -> None:
    """Say whether the schema is up to date and the data undamaged.

    Exit 1 when the schema needs `centric db upgrade`, 2 when the database is damaged (SQLite:
    PRAGMA quick_check; `centric db check` runs the full check).

    \b
    Example:
      centric db status --db acme.db
    """
    from assessment.store import check_db, db_status

    st = db_status(db)
    click.echo(st.describe())
    health = check_db(db, quick=True)
    for finding in health.findings:
        if finding.check in ("integrity", "foreign keys"):
            click.echo(str(finding))
    if health.damaged or health.unreachable:
        raise UserError(health.summary())
    if not st.up_to_date:
        click.echo(f"run `centric db upgrade --db {st.url}`", err=True)
        raise click.exceptions.Exit(1)


@db.command()
@DB_OPTION
@user_errors
def check(db: str | None) -> None:
    """Check the database: connection, integrity, foreign keys, schema revision.

    One line per finding on stdout (`ok: ...` or `PROBLEM: ...`); exit 0 when healthy, 2 when
    not, with what to do on stderr. SQLite runs PRAGMA integrity_check and foreign_key_check;
    PostgreSQL is checked for connectivity and its schema revision.

    \b
    Example:
      centric db check --db acme.db
    """
    from assessment.store import check_db

    result = check_db(db)
    for finding in result.findings:
        click.echo(str(finding))
    if not result.healthy:
        raise result.error()

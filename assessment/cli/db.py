"""``centric db``: create, upgrade and inspect the assessment database."""

from __future__ import annotations

import click

from assessment.cli._common import user_errors

DB_OPTION = click.option(
    "--db",
    metavar="URL",
    envvar="CENTRIC_DB",
    default=None,
    help="SQLAlchemy URL or SQLite path (env CENTRIC_DB; default ./centric.db).",
)


@click.group()
def db() -> None:
    """Create or upgrade the assessment database.

    \b
    Example:
      centric db upgrade --db acme.db
      centric db status --db postgresql+psycopg://user@host/centric
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
    """Say whether the database schema is up to date; exit 1 when it is not.

    \b
    Example:
      centric db status --db acme.db
    """
    from assessment.store import db_status

    st = db_status(db)
    click.echo(st.describe())
    if not st.up_to_date:
        raise click.exceptions.Exit(1)

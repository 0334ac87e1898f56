"""Alembic environment for centric: runs on the connection handed over by ``assessment.store.migrate``.

Run from the CLI (``centric db upgrade``), never through ``alembic.ini``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic import context

from assessment.store.models import Base

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from assessment.store.engine import create_engine, resolve_url

        url = context.config.get_main_option("sqlalchemy.url") or resolve_url()
        engine = create_engine(url, must_exist=False)
        with engine.connect().execution_options(centric_write=True) as conn:
            _run(conn)
            conn.commit()
        return
    _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("centric migrations run online only: use `centric db upgrade`")
run_migrations_online()

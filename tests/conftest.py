"""Shared test fixtures. Keep this file small and general; put feature fixtures in the test module.

- ``mini_instrument``: the tiny instrument at ``tests/fixtures/mini/1.0.0.yaml``.
- ``instrument``: the shipped default instrument ``customer-centricity@1.0.0``.
- ``fixtures_dir``: ``tests/fixtures``.
- every test records reports in its own report ledger, ``CENTRIC_LEDGER`` set to a file in a
  temporary folder, never the real home (subprocesses inherit it); module and session fixtures,
  and environments built when a test module is imported, get the run's ledger
  (``pytest_configure``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_configure(config):
    """Before test modules are imported (some build a subprocess environment at import time):
    a report ledger for the whole run (one per xdist worker), removed at the end."""
    import os
    import tempfile

    folder = tempfile.mkdtemp(prefix="centric-test-ledger-")
    config._centric_ledger_dir = folder
    config._centric_ledger_was = os.environ.get("CENTRIC_LEDGER")
    os.environ["CENTRIC_LEDGER"] = os.path.join(folder, "report-ledger.json")


def pytest_unconfigure(config):
    import os
    import shutil

    folder = getattr(config, "_centric_ledger_dir", None)
    if folder is None:
        return
    shutil.rmtree(folder, ignore_errors=True)
    was = config._centric_ledger_was
    if was is None:
        os.environ.pop("CENTRIC_LEDGER", None)
    else:
        os.environ["CENTRIC_LEDGER"] = was


@pytest.fixture(autouse=True)
def _report_ledger(tmp_path_factory, monkeypatch):
    """Each test its own, empty report ledger (``$CENTRIC_LEDGER``)."""
    path = tmp_path_factory.mktemp("ledger") / "report-ledger.json"
    monkeypatch.setenv("CENTRIC_LEDGER", str(path))
    return path


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def mini_instrument():
    """The minimal test instrument (3 capabilities, 6 items, one scale of 5 options)."""
    from questionnaires.loader import load_instrument

    return load_instrument(FIXTURES / "mini" / "1.0.0.yaml")


@pytest.fixture(scope="session")
def instrument():
    """The shipped default instrument, customer-centricity 1.0.0."""
    from questionnaires.catalogue import get_instrument

    return get_instrument("customer-centricity@1.0.0")


# -- databases ---------------------------------------------------------------------------------
# ``db_url`` gives every test a fresh, empty database (no schema: run ``upgrade_db`` or
# ``centric db upgrade``): a SQLite file in tmp_path, and a uniquely named database on the
# PostgreSQL server of ``CENTRIC_TEST_PG_URL`` (dropped afterwards). The postgres parameter is
# skipped when that variable is unset, except under CI (env ``CI``), where it fails.

PG_ENV = "CENTRIC_TEST_PG_URL"


def _pg_server_url() -> str:
    import os

    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set but CI is: .ci/run must start PostgreSQL")
        pytest.skip(f"{PG_ENV} not set (run .ci/start-postgres and export it)")
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A fresh empty database URL, once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'centric.db'}"
        return
    import uuid

    import sqlalchemy as sa

    server = sa.engine.make_url(_pg_server_url())
    name = f"centric_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

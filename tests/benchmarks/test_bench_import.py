"""Benchmark: `centric import` of 50,000 CSV answers vs the floor of csv.reader + executemany.

Both run side by side in one process on SQLite files in tmp_path, interleaved (schema, baseline,
centric, schema, ...) so that load from other processes hits all alike; the best of 5 each:

- baseline: ``csv.reader`` over the file and one ``executemany`` INSERT of the raw rows into the
  same ``responses`` table (no validation, no respondents, no upsert) in one transaction;
- centric: :func:`assessment.service.import_file` (parse, validate against the instrument, resolve
  departments and respondents, upsert by (wave, respondent, item), one transaction).

Acceptance (issue 5): centric takes at most 3× the baseline. Run with ``make bench``.
"""

from __future__ import annotations

import csv
import sqlite3

import pytest
from _timing import best_interleaved

from assessment.io.writers import write_csv
from assessment.service import import_file
from assessment.store import upgrade_db

pytestmark = pytest.mark.bench
ROWS = 50_000


def test_import_50k_rows_within_3x_of_csv_executemany(tmp_path, instrument):
    from assessment.synthetic import northwind

    rs = northwind(instrument=instrument, n_managers=230, n_staff=1030)
    path = write_csv(rs, tmp_path / "answers.csv")
    with path.open(encoding="utf-8") as fh:
        n_rows = sum(1 for _ in fh) - 1
    assert n_rows >= ROWS, n_rows

    def baseline(k: int) -> None:
        db = tmp_path / f"base{k}.db"
        upgrade_db(str(db))
        conn = sqlite3.connect(db)
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            rows = [
                (1, 1, r[4], r[5] or None, r[6] or None, r[7] == "true", r[8] or None, r[9] or None)
                for r in reader
            ]
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.executemany(
            "INSERT INTO responses (wave_id, respondent_id, item, current, target, na, confidence,"
            " comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(1, i, *r[2:]) for i, r in enumerate(rows)],
        )
        conn.commit()
        conn.close()

    def centric(k: int) -> None:
        db = tmp_path / f"centric{k}.db"
        upgrade_db(str(db))
        res = import_file(str(db), path, org="nw", instrument=instrument)
        assert res.answers == n_rows

    # the schema creation is the same in both; time it separately and subtract
    def schema(k: int) -> None:
        upgrade_db(str(tmp_path / f"schema{k}.db"))

    best = best_interleaved({"schema": schema, "baseline": baseline, "centric": centric})
    t_schema = best["schema"]
    t_base = best["baseline"] - t_schema
    t_centric = best["centric"] - t_schema
    ratio = t_centric / t_base
    print(
        f"\nimport {n_rows} rows: csv+executemany {t_base * 1000:.0f} ms, "
        f"centric import {t_centric * 1000:.0f} ms, ratio {ratio:.2f}x (limit 3x); "
        f"schema creation {t_schema * 1000:.0f} ms excluded from both"
    )
    assert ratio <= 3.0

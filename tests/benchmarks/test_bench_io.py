"""Benchmarks: response loading and writing at 10,000 respondents, against the csv module's floor.

Run with ``make bench``. Northwind with 10,000 respondents on customer-centricity 1.0.0 (~380,000
long rows, ~20 MB). Pairs are timed best-of-3, interleaved (ours, baseline, ours, baseline, ...) so
machine load hits both alike; absolute times and ratios are printed, ratios asserted:

* ``read_responses`` (parse, validate every cell against the instrument, build arrays) vs a bare
  ``csv.DictReader`` pass that only converts the two rating cells to ``int`` — the floor for any
  pure-Python CSV reader. Ours must stay within 5× of that floor (6.7× before long CSV rows were
  read by column position, 3.2× after, on the 2-core development machine).
* ``write_csv(format="long")`` vs ``csv.writer`` writing the same rows from prepared lists: within 4×.
* ``northwind`` generation of 10,000 respondents: under 1 s (vectorised).
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from _timing import best_of_pair

from assessment.io import read_responses, write_csv
from assessment.synthetic import northwind
from questionnaires.catalogue import get_instrument

pytestmark = pytest.mark.bench


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    inst = get_instrument("customer-centricity@1.0.0")
    t0 = time.perf_counter()
    rs = northwind(instrument=inst, n_managers=100, n_staff=9892)
    gen = time.perf_counter() - t0
    path = write_csv(rs, tmp_path_factory.mktemp("big") / "nw-10k.csv")
    return inst, rs, path, gen


def test_generate_10k_respondents(big):
    _, rs, _, gen = big
    print(f"\nnorthwind 10,000 respondents × {len(rs.item_ids)} items: {gen * 1000:.0f} ms")
    assert rs.n_respondents == 10_000
    assert gen < 1.0


def test_read_10k_respondents_vs_csv_floor(big):
    inst, rs, path, _ = big

    def floor() -> int:
        n = 0
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["current"]:
                    int(row["current"])
                if row["target"]:
                    int(row["target"])
                n += 1
        return n

    ours, base = best_of_pair(lambda: read_responses(path, inst), floor)
    rows = floor()
    print(
        f"\nread {rows:,} rows: read_responses {ours:.2f} s, csv.DictReader floor {base:.2f} s, "
        f"ratio {ours / base:.1f}× ({rows / ours:,.0f} rows/s)"
    )
    assert read_responses(path, inst).data_hash == rs.data_hash
    assert ours / base < 5


def test_write_10k_respondents_vs_csv_writer(big, tmp_path):
    _, rs, _, _ = big
    records = [
        [
            "" if v is None else v
            for v in (
                r.wave,
                r.respondent,
                r.role,
                r.department,
                r.item,
                r.current,
                r.target,
                r.na,
                r.confidence,
                r.comment,
            )
        ]
        for r in rs.to_records()
    ]

    def base() -> None:
        with Path(tmp_path / "base.csv").open("w", newline="") as fh:
            csv.writer(fh).writerows(records)

    ours, floor = best_of_pair(lambda: write_csv(rs, tmp_path / "ours.csv"), base)
    print(
        f"\nwrite {len(records):,} rows: write_csv {ours:.2f} s, csv.writer floor {floor:.2f} s, ratio {ours / floor:.1f}×"
    )
    assert ours / floor < 4

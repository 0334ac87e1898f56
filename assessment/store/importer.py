"""Importing a response file (CSV, XLSX, JSON) into the store: all-or-nothing, idempotent.

Steps, each of which can only fail before anything is written:

1. The file size is checked against a limit (default :data:`DEFAULT_MAX_MB`, ``--max-size``).
2. The database is opened and its schema revision checked.
3. The file is read into canonical records by the one reader of :mod:`assessment.io`
   (:func:`assessment.io.read_records`, the same as ``centric score``); every problem (bad
   encoding, unknown column, bad cell) is collected with its sheet, row and column.
4. Each wave is matched with its instrument version: ``--instrument``, else what the file declares
   (JSON ``waves``/``instrument``, the XLSX ``waves`` or hidden ``_centric`` sheet), else the
   version an existing wave is bound to, else the newest ``customer-centricity``. A version that
   differs from the one the wave is bound to is refused.
5. Records are validated against the instrument (:func:`assessment.io.records_to_response_set`);
   all problems of all waves are raised together in one :class:`ResponseError`.
6. One transaction upserts every wave (:func:`assessment.store.service.write_wave`).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assessment.errors import Problem, ResponseError, StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from assessment.model import Instrument
    from assessment.responses import ResponseRecord
    from assessment.store.service import WriteResult

__all__ = ["DEFAULT_MAX_MB", "ImportResult", "import_file"]

DEFAULT_MAX_MB = 50
MB = 1024 * 1024


@dataclass(frozen=True)
class ImportResult:
    """What ``centric import`` did: per wave, answers written (new and overwritten)."""

    source: str
    organisation: str
    waves: tuple[WriteResult, ...]

    @property
    def answers(self) -> int:
        return sum(w.answers for w in self.waves)

    @property
    def inserted(self) -> int:
        return sum(w.inserted for w in self.waves)

    def describe(self) -> str:
        parts = [
            f"wave {w.wave} ({w.instrument}): {w.respondents} respondents, {w.answers} answers "
            f"({w.inserted} new, {w.updated} already present and updated)"
            for w in self.waves
        ]
        return f"imported {self.source} into {self.organisation}: " + "; ".join(parts)


# -- reading ----------------------------------------------------------------------------------

IMPORTABLE = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".json")


def _read(
    path: Path, wave: str | None
) -> tuple[list[ResponseRecord], list[Problem], dict[str, str]]:
    """Records, problems and declared instruments by wave, from the one reader of
    :mod:`assessment.io` (:func:`assessment.io.read_records`); only the file types
    ``centric import`` takes are read."""
    from assessment.io.responses import read_records

    if path.suffix.lower() not in IMPORTABLE:
        problem = Problem(
            f"unknown file type {path.suffix or '(none)'!r}; import .csv, .tsv, .xlsx or .json",
            str(path),
        )
        return [], [problem], {}
    return read_records(path, wave=wave)


# -- importing --------------------------------------------------------------------------------


def _check_size(path: Path, max_mb: float) -> None:
    if not path.exists():
        raise ResponseError([Problem("no such file; check the path", str(path))], str(path))
    if path.is_dir():
        raise ResponseError(
            [Problem("is a directory; give a CSV, XLSX or JSON file", str(path))], str(path)
        )
    size = path.stat().st_size
    if size > max_mb * MB:
        raise ResponseError(
            [
                Problem(
                    f"file too large: {size / MB:.1f} MB (limit {max_mb:g} MB); raise the limit "
                    "with --max-size MB or split the file by wave",
                    str(path),
                )
            ],
            str(path),
        )


def _bound_instruments(engine: Engine, org: str) -> dict[str, tuple[str, str]]:
    """``{wave: (instrument ref, hash)}`` of the waves ``org`` already has."""
    import sqlalchemy as sa

    from assessment.store import models as m

    w, o = m.Wave.__table__, m.Organisation.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(w.c.name, w.c.instrument_id, w.c.instrument_version, w.c.instrument_hash)
            .select_from(w.join(o, w.c.organisation_id == o.c.id))
            .where(o.c.slug == org)
        ).all()
    return {name: (f"{i}@{v}", h) for name, i, v, h in rows}


def _choose_instrument(
    wave: str,
    given: Instrument | None,
    declared: str | None,
    bound: tuple[str, str] | None,
    org: str,
    source: str,
) -> Instrument:
    from assessment.model import DEFAULT_INSTRUMENT, get_instrument, parse_ref

    if given is not None and declared is not None:
        ident, version = parse_ref(declared)
        if ident != given.id or (version is not None and version != given.version):
            raise ResponseError(
                [
                    Problem(
                        f"wave {wave!r} was answered on {declared} but --instrument is {given.ref}; "
                        f"use --instrument {declared} or convert the file",
                        source,
                        column="instrument",
                    )
                ],
                source,
            )
    ref = given.ref if given is not None else declared
    if ref is not None and bound is not None and ref != bound[0]:
        raise StoreError(
            f"{source}: wave {wave!r} of {org!r} is bound to instrument {bound[0]}; this file's "
            f"answers are for {ref}. Answers to different versions cannot be mixed in one wave: "
            "import them into a new wave (--wave NAME)"
        )
    if given is not None:
        return given
    ref = ref or (bound[0] if bound else DEFAULT_INSTRUMENT)
    try:
        return get_instrument(ref)
    except Exception as exc:
        raise StoreError(
            f"{source}: cannot load instrument {ref} for wave {wave!r} ({exc}); "
            "pass it with --instrument ID@VERSION or --instrument PATH.yaml"
        ) from None


def import_file(
    db: str | Engine | None,
    path: str | Path,
    *,
    org: str,
    wave: str | None = None,
    instrument: Instrument | None = None,
    max_mb: float = DEFAULT_MAX_MB,
    org_name: str | None = None,
) -> ImportResult:
    """Import one response file into organisation ``org``, all-or-nothing.

    ``wave`` names the wave for files without a wave column and selects one wave from a file that
    holds several; without it every wave in the file is imported. Re-importing the same file
    changes nothing (answers are upserted by wave, respondent and item).
    """
    from assessment.io.responses import records_to_response_set
    from assessment.store.service import using_engine, write_wave

    path = Path(path)
    source = str(path)
    if not org or not org.strip():
        raise StoreError("--org is empty; name the organisation, e.g. --org acme")
    _check_size(path, max_mb)
    with using_engine(db) as engine, _no_gc():
        records, problems, declared = _read(path, wave)
        if problems and not records:
            raise ResponseError(problems, source)
        groups: dict[str, list[ResponseRecord]] = {}
        if wave is not None:
            groups[wave] = records
        elif len(names := dict.fromkeys([rec.wave for rec in records])) == 1:
            groups[next(iter(names))] = records
        else:
            for rec in records:
                groups.setdefault(rec.wave, []).append(rec)
        bound = _bound_instruments(engine, org)
        validated = []
        all_problems = list(problems)
        for k, (name, recs) in enumerate(groups.items()):
            try:
                inst = _choose_instrument(
                    name or "(empty)",
                    instrument,
                    declared.get(name, declared.get("")),
                    bound.get(name),
                    org,
                    source,
                )
                rs = records_to_response_set(
                    inst, recs, source=source, wave=name or None, problems=() if k else problems
                )
            except ResponseError as exc:
                all_problems.extend(p for p in exc.problems if k == 0 or p not in problems)
                continue
            if wave is not None:
                recs = [r for r in recs if r.wave == wave]
            validated.append((rs, recs, inst))
        if all_problems:
            raise ResponseError(_dedupe(all_problems), source)
        results = []
        with engine.connect().execution_options(centric_write=True) as conn, conn.begin():
            for rs, recs, inst in validated:
                results.append(write_wave(conn, org, rs, recs, inst, org_name=org_name))
    return ImportResult(source=source, organisation=org, waves=tuple(results))


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while tens of thousands of small, acyclic record
    objects are created (each gen-2 pass would rescan all of them); restored afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out

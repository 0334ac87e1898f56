"""Import and export: a response file into the database (:func:`import_file`, all-or-nothing)
and the stored ratings out to a file (:func:`export_file`)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from questionnaires.errors import Problem, ResponseError, StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from assessment.store.repository import WriteResult
    from questionnaires.answers import ResponseRecord
    from questionnaires.model import Instrument


DEFAULT_MAX_MB = 50
IMPORTABLE = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".json")
_MB = 1024 * 1024


@dataclass(frozen=True)
class ImportResult:
    """What ``centric import`` did: per wave, answers written (new and overwritten).

    Attributes
    ----------
    source : str
        The file imported.
    organisation : str
        The organisation imported into.
    waves : tuple of WriteResult
        Per wave, the answers written.
    warnings : tuple of str
        What the reader noted (ignored columns, ids differing only by case); shown on stderr.
    """

    source: str
    organisation: str
    waves: tuple[WriteResult, ...]
    warnings: tuple[str, ...] = ()
    """What the reader noted (ignored columns, ids differing only by case); shown on stderr."""

    @property
    def answers(self) -> int:
        return sum(w.answers for w in self.waves)

    @property
    def inserted(self) -> int:
        return sum(w.inserted for w in self.waves)

    def describe(self) -> str:
        parts = [
            f"wave {w.wave} ({w.instrument}): {w.respondents} respondents, {w.answers} answers "
            f"({w.inserted} new, {w.changed} changed, {w.unchanged} unchanged)"
            for w in self.waves
        ]
        return f"imported {self.source} into {self.organisation}: " + "; ".join(parts)


def _check_import_file(path: Path, max_mb: float) -> None:
    """The file exists, is a type ``centric import`` takes and is not larger than ``max_mb``."""
    source = str(path)
    if not path.exists():
        message = "no such file; check the path"
    elif path.is_dir():
        message = "is a directory; give a CSV, XLSX or JSON file"
    elif path.suffix.lower() not in IMPORTABLE:
        message = (
            f"unknown file type {path.suffix or '(none)'!r}; import .csv, .tsv, .xlsx or .json"
        )
    elif (size := path.stat().st_size) > max_mb * _MB:
        message = (
            f"file too large: {size / _MB:.1f} MB (limit {max_mb:g} MB); raise the size limit "
            "or split the file by wave"
        )
        problem = Problem(message, source, settings=("max_mb",))
        raise ResponseError([problem], source, action="imported")
    else:
        return
    raise ResponseError([Problem(message, source)], source, action="imported")


def _by_wave(
    records: list[ResponseRecord], wave: str | None, source: str, problems: list[Problem]
) -> dict[str, list[ResponseRecord]]:
    """Records grouped by wave, in order of first appearance; only ``wave`` when it is given
    (a wave the file does not hold is a problem)."""
    groups: dict[str, list[ResponseRecord]] = {}
    for rec in records:
        groups.setdefault(rec.wave, []).append(rec)
    if wave is None:
        return groups
    if wave not in groups:
        have = ", ".join(repr(w) for w in groups if w) or "none"
        problems.append(
            Problem(
                f"no answers for wave {wave!r}; waves in the file: {have}", source, column="wave"
            )
        )
        return {}
    return {wave: groups[wave]}


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
    """Import one response file (CSV, XLSX, JSON) into organisation ``org``, all-or-nothing.

    Steps, each of which can fail only before anything is written:

    1. the file's type and size are checked (limit ``max_mb``, ``--max-size``);
    2. the database is opened and its schema revision checked;
    3. the file is read into canonical records by :func:`assessment.io.read_records` (the same
       reader as ``centric score``), collecting every problem with sheet, row and column;
    4. records are grouped by wave (``wave`` names the wave of a file without a wave column and
       selects one wave of a file that holds several); each wave's instrument is chosen by
       :func:`questionnaires.answers.choose_instrument` (``instrument``, else what the file
       declares, else the version the stored wave is bound to, else the newest
       ``customer-centricity``) and the records are validated against it;
    5. all problems of all waves are raised together in one :class:`ResponseError`;
    6. one transaction upserts every wave (:func:`assessment.store.repository.write_waves`).

    Re-importing the same file changes nothing (answers are upserted by wave, respondent, item).

    Parameters
    ----------
    db : str or Engine or None
        The database: URL, SQLite path or engine; ``None``: ``$CENTRIC_DB``, else the default database.
    path : str or Path
        The response file.
    org : str
        The organisation's slug.
    wave : str or None, optional
        The wave of a file without a wave column, or the one wave to import from a file that
        holds several.
    instrument : Instrument or None, optional
        The instrument to validate against; ``None`` chooses it as in step 4.
    max_mb : float, default 50
        The largest file accepted, in megabytes.
    org_name : str or None, optional
        The display name of an organisation created by this import.

    Returns
    -------
    ImportResult
        What was written, per wave, and the reader's warnings.
    """
    from assessment.io.responses import declared_instrument, layout_and_sheet, read_records
    from assessment.store.repository import bound_instruments, using_engine, write_waves
    from questionnaires.answers import choose_instrument, records_to_response_set

    path = Path(path)
    source = str(path)
    if not org or not org.strip():
        raise StoreError(
            "the organisation name is empty; name the organisation, e.g. acme",
            settings={"org": None},
        )
    _check_import_file(path, max_mb)
    with using_engine(db) as engine, _no_gc():
        layouts: list[str] = []
        records, found, declared = read_records(path, wave=wave, layouts=layouts)
        layout, sheet = layout_and_sheet(layouts)
        notes = [str(p) for p in found if p.warning]
        problems = [p for p in found if not p.warning]
        if not records and not problems:
            problems.append(Problem("no responses found", source))
        groups = _by_wave(records, wave, source, problems)
        bound = bound_instruments(engine, org) if groups else {}
        validated = []
        for name, recs in groups.items():
            before = len(problems)
            inst = choose_instrument(
                source,
                [ref] if (ref := declared_instrument(declared, name or None)) else [],
                instrument,
                bound=bound.get(name),
                wave=name or "(empty)",
                problems=problems,
                items={r.item for r in recs},
                targeted={r.item for r in recs if r.target is not None},
            )
            if len(problems) > before:  # the file names another version: do not validate
                continue
            try:
                rs = records_to_response_set(
                    inst,
                    recs,
                    source=source,
                    wave=name or None,
                    files=[(source, len(recs), layout)],
                    sheet=sheet,
                )
            except ResponseError as exc:
                problems.extend(exc.problems)
                continue
            validated.append((rs, recs, inst))
            notes += [n for n in rs.notes if n not in notes]
        if problems:
            # file-level problems first, then by row
            ordered = sorted(problems, key=lambda p: (p.row is not None, p.row or 0))
            raise ResponseError(ordered, source, action="imported")
        results = write_waves(engine, org, validated, org_name=org_name)
    return ImportResult(
        source=source, organisation=org, waves=tuple(results), warnings=tuple(notes)
    )


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


ExportFormat = Literal["csv", "xlsx", "json"]


def export_file(
    db: str | Engine | None,
    org: str,
    format: ExportFormat,
    path: str | Path,
    *,
    wave: str | None = None,
) -> tuple[int, int]:
    """Export the raw ratings of ``org`` (one wave or all) to ``path`` in ``format``, atomically.

    Parameters
    ----------
    db : str or Engine or None
        The database: URL, SQLite path or engine; ``None``: ``$CENTRIC_DB``, else the default database.
    org : str
        The organisation's slug.
    format : {'csv', 'xlsx', 'json'}
        The file format.
    path : str or Path
        The file to write.
    wave : str or None, optional
        The one wave to export; ``None`` exports all waves of ``org``.

    Returns
    -------
    tuple of int
        ``(waves, answers)`` written.
    """
    from assessment.io.export import write_export
    from assessment.store.repository import export_records

    waves, records = export_records(db, org, wave)
    write_export(format, org, waves, records, path)
    return len(waves), len(records)

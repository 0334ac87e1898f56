"""Exporting raw ratings (CSV, XLSX, JSON) and keeping spreadsheet cells safe.

Export writes the canonical long format (``docs/cli.md#response-files``), one row per stored
answer, complete: every
current and target rating, N/A flag, confidence and comment, never aggregates.

**Formula injection.** Text cells of CSV and XLSX exports go through the one rule of
:mod:`assessment.io.cells` (OWASP "CSV Injection"): a text that would start a formula, or that
really starts with apostrophes and then a formula character, gets one leading apostrophe; numbers
are written as numbers. The database keeps the text exactly as written, and imports of CSV/XLSX
apply :func:`~assessment.io.cells.restore`, so an export imported into an empty database exports
identically. JSON is not a spreadsheet format and is written unchanged.

**Capability-level answers** (instrument versions that rate levels): records whose ``item`` is a
capability id (``CUL``). When an export holds any, CSV and XLSX add the ``points`` column after
``comment`` (:func:`export_columns`) and each JSON capability record carries ``points``; an
export without them is written exactly as before.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from assessment.io.atomic import atomic_open
from assessment.io.cells import neutralise, record_cells
from assessment.io.headers import export_columns, is_capability_id
from questionnaires.answers import LONG_COLUMNS, ResponseRecord, WaveInfo

__all__ = [
    "FORMAT_ID",
    "FORMAT_VERSION",
    "WaveInfo",
    "export_columns",
    "interchange_document",
    "json_record",
    "neutralise",
    "write_export",
    "write_export_csv",
    "write_export_json",
]

FORMAT_ID = "centric-responses"
FORMAT_VERSION = 1
SCHEMA_ID = "https://centric.example/schemas/interchange-1.json"

cells = record_cells  # the old name, kept for one release


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def json_record(rec: ResponseRecord) -> dict[str, Any]:
    """A record as a JSON object: the long-format keys, and ``points`` on a capability record.

    Parameters
    ----------
    rec : ResponseRecord
        One answer.

    Returns
    -------
    dict
        The object (``points`` only when ``rec`` is a capability-level answer or has points).
    """
    out: dict[str, Any] = {c: getattr(rec, c) for c in LONG_COLUMNS}
    if rec.points is not None or is_capability_id(rec.item):
        out["points"] = rec.points
    return out


def write_export_csv(records: Iterable[ResponseRecord], path: str | Path) -> Path:
    """UTF-8 CSV in the long format, formula-neutralised, written atomically.

    The columns are :func:`export_columns` (``points`` only with capability-level answers).

    Parameters
    ----------
    records : iterable of ResponseRecord
        The answers.
    path : str or pathlib.Path
        The file to write.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(path)
    records = records if isinstance(records, Sequence) else list(records)
    columns = export_columns(records)
    with atomic_open(path, "w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for rec in records:
            writer.writerow([_csv_cell(v) for v in cells(rec, safe=True, columns=columns)])
    return path


def interchange_document(
    organisation: str, waves: Sequence[WaveInfo], records: Iterable[ResponseRecord]
) -> dict[str, Any]:
    """The JSON interchange document (schema: ``assessment/io/interchange.schema.json``).

    ``instrument`` at the top level is set when every wave uses the same instrument version, so
    the plain JSON reader of :mod:`assessment.io.responses` can read a single-instrument export.
    A capability-level record (``item`` a capability id) carries ``points`` too.

    Parameters
    ----------
    organisation : str
        The organisation the waves belong to.
    waves : sequence of WaveInfo
        The waves exported, with their instruments.
    records : iterable of ResponseRecord
        The answers of those waves.

    Returns
    -------
    dict
        The document, ready for :func:`json.dumps`.
    """
    instruments = sorted({w.instrument for w in waves})
    doc: dict[str, Any] = {
        "$schema": SCHEMA_ID,
        "format": FORMAT_ID,
        "format_version": FORMAT_VERSION,
        "organisation": organisation,
    }
    if len(instruments) == 1:
        doc["instrument"] = instruments[0]
    if len(waves) == 1:
        doc["wave"] = waves[0].wave
    doc["waves"] = [
        {"wave": w.wave, "instrument": w.instrument, "instrument_hash": w.instrument_hash}
        for w in waves
    ]
    doc["responses"] = [json_record(rec) for rec in records]
    return doc


def write_export_json(
    organisation: str,
    waves: Sequence[WaveInfo],
    records: Iterable[ResponseRecord],
    path: str | Path,
) -> Path:
    """Write :func:`interchange_document` as UTF-8 JSON, atomically.

    Parameters
    ----------
    organisation : str
        The organisation the waves belong to.
    waves : sequence of WaveInfo
        The waves exported, with their instruments.
    records : iterable of ResponseRecord
        The answers of those waves.
    path : str or pathlib.Path
        The file to write.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(path)
    doc = interchange_document(organisation, waves, records)
    with atomic_open(path, "w") as fh:
        json.dump(doc, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    return path


def write_export(
    format: Literal["csv", "xlsx", "json"],
    organisation: str,
    waves: Sequence[WaveInfo],
    records: Sequence[ResponseRecord],
    path: str | Path,
) -> Path:
    """Write an export in ``format`` to ``path``.

    Parameters
    ----------
    format : {"csv", "xlsx", "json"}
        The file format.
    organisation : str
        The organisation the waves belong to.
    waves : sequence of WaveInfo
        The waves exported, with their instruments.
    records : sequence of ResponseRecord
        The answers of those waves.
    path : str or pathlib.Path
        The file to write (atomically).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    if format == "csv":
        return write_export_csv(records, path)
    if format == "json":
        return write_export_json(organisation, waves, records, path)
    if format == "xlsx":
        from assessment.io.xlsx import write_export_xlsx

        return write_export_xlsx(organisation, waves, records, path)
    raise ValueError(f"unknown export format {format!r}; use csv, xlsx or json")

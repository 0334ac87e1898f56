"""Exporting raw ratings (CSV, XLSX, JSON) and keeping spreadsheet cells safe.

Export writes the canonical long format of DESIGN §5, one row per stored answer, complete: every
current and target rating, N/A flag, confidence and comment, never aggregates.

**Formula injection.** A text cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return
is run as a formula by Excel, LibreOffice and Google Sheets (e.g. a comment
``=HYPERLINK("http://x","y")``). Following the OWASP "CSV Injection" guidance, CSV and XLSX exports
prefix such text with a single quote, which spreadsheets show as text; the database keeps the text
exactly as written. Imports of CSV/XLSX remove that one quote again (:func:`unneutralise`), so an
export imported into an empty database exports identically. JSON is not a spreadsheet format and
is written unchanged.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from assessment.io.atomic import atomic_open
from assessment.responses import LONG_COLUMNS, ResponseRecord, WaveInfo

__all__ = [
    "DANGEROUS_PREFIXES",
    "FORMAT_ID",
    "FORMAT_VERSION",
    "WaveInfo",
    "interchange_document",
    "neutralise",
    "unneutralise",
    "write_export",
    "write_export_csv",
    "write_export_json",
]

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMAT_ID = "centric-responses"
FORMAT_VERSION = 1
SCHEMA_ID = "https://centric.example/schemas/interchange-1.json"
TEXT_COLUMNS = frozenset({"wave", "respondent", "role", "department", "comment"})


def neutralise(text: str) -> str:
    """Prefix a quote when ``text`` would start a spreadsheet formula (OWASP CSV Injection).

    >>> neutralise('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise("fine")
    'fine'
    """
    return "'" + text if text.startswith(DANGEROUS_PREFIXES) else text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise`: drop one leading quote that protects a formula character.

    >>> unneutralise("'=1+1")
    '=1+1'
    >>> unneutralise("'quoted'")
    "'quoted'"
    """
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(DANGEROUS_PREFIXES):
        return text[1:]
    return text


def cells(rec: ResponseRecord, safe: bool) -> list[Any]:
    """A record as a row of cell values in :data:`LONG_COLUMNS` order (``None`` for empty)."""
    row: list[Any] = []
    for col in LONG_COLUMNS:
        value = getattr(rec, col)
        if safe and col in TEXT_COLUMNS and isinstance(value, str):
            value = neutralise(value)
        row.append(value)
    return row


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def write_export_csv(records: Iterable[ResponseRecord], path: str | Path) -> Path:
    """Long-format UTF-8 CSV with the columns of DESIGN §5, formula-neutralised, written atomically."""
    path = Path(path)
    with atomic_open(path, "w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(LONG_COLUMNS)
        for rec in records:
            writer.writerow([_csv_cell(v) for v in cells(rec, safe=True)])
    return path


def interchange_document(
    organisation: str, waves: Sequence[WaveInfo], records: Iterable[ResponseRecord]
) -> dict[str, Any]:
    """The JSON interchange document (schema: ``assessment/io/interchange.schema.json``).

    ``instrument`` at the top level is set when every wave uses the same instrument version, so
    the plain JSON reader of :mod:`assessment.io.responses` can read a single-instrument export.
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
    doc["responses"] = [{c: getattr(rec, c) for c in LONG_COLUMNS} for rec in records]
    return doc


def write_export_json(
    organisation: str,
    waves: Sequence[WaveInfo],
    records: Iterable[ResponseRecord],
    path: str | Path,
) -> Path:
    """Write :func:`interchange_document` as UTF-8 JSON, atomically."""
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
    """Write an export in ``format`` to ``path``."""
    if format == "csv":
        return write_export_csv(records, path)
    if format == "json":
        return write_export_json(organisation, waves, records, path)
    if format == "xlsx":
        from assessment.io.xlsx import write_export_xlsx

        return write_export_xlsx(organisation, waves, records, path)
    raise ValueError(f"unknown export format {format!r}; use csv, xlsx or json")

"""Writing a :class:`ResponseSet` back to CSV (long or wide) or JSON, atomically.

Text cells are neutralised by the one rule of :mod:`assessment.io.cells` (a text that would start a
spreadsheet formula gets a leading apostrophe, OWASP "CSV injection"); the reader restores it.
The long CSV has exactly the columns of ``docs/cli.md#response-files`` and reads back to an
identical set
(same :attr:`ResponseSet.data_hash`); the wide CSV has ``wave, respondent, role, department`` and
per item ``<ITEM>``, ``<ITEM>.target`` and, where used, ``<ITEM>.na``, ``<ITEM>.confidence``,
``<ITEM>.comment``.

A set with capability-level answers (:attr:`ResponseSet.has_capability_answers`) adds the
``points`` column to the long CSV and writes each respondent's capability rows (``item`` = the
capability id) before their item rows; the wide CSV puts ``<CAP>``, ``<CAP>.target``,
``<CAP>.points`` and, where used, ``<CAP>.na``, ``<CAP>.comment`` of every capability before the
item columns; JSON records of capabilities carry ``points``. A set without them is written
exactly as before.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, Protocol

from assessment.io.atomic import atomic_open
from assessment.io.cells import neutralise
from assessment.io.export import json_record
from questionnaires.answers import CAPABILITY_COLUMNS, LONG_COLUMNS, ResponseSet


class _RowWriter(Protocol):
    """What the row writers need of a :func:`csv.writer` object."""

    def writerow(self, row: Iterable[Any], /) -> Any: ...


__all__ = ["write_csv", "write_json"]


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return neutralise(value)
    return value


def write_csv(
    responses: ResponseSet, path: str | Path, format: Literal["long", "wide"] = "long"
) -> Path:
    """Write ``responses`` as a UTF-8 CSV in the long or wide layout.

    Parameters
    ----------
    responses : ResponseSet
        The answers of one wave.
    path : str or pathlib.Path
        The file to write.
    format : {"long", "wide"}
        The layout.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    if format not in ("long", "wide"):
        raise ValueError(f"format must be 'long' or 'wide', not {format!r}")
    path = Path(path)
    with atomic_open(path, "w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        if format == "long":
            _write_long(responses, writer)
        else:
            _write_wide(responses, writer)
    return path


def _write_long(responses: ResponseSet, writer: _RowWriter) -> None:
    """Same rows as :meth:`ResponseSet.to_records`, from plain lists (much faster for big sets)."""
    import numpy as np

    levels = responses.has_capability_answers
    writer.writerow((*LONG_COLUMNS, *CAPABILITY_COLUMNS) if levels else LONG_COLUMNS)
    comments = {(c.respondent, c.item): _cell(c.text) for c in responses.comments}
    wave = _cell(responses.wave)
    keep = ~(np.isnan(responses.current) & np.isnan(responses.target) & ~responses.na)
    cur = np.where(np.isnan(responses.current), -1, responses.current).astype(int).tolist()
    tgt = np.where(np.isnan(responses.target), -1, responses.target).astype(int).tolist()
    conf = np.where(np.isnan(responses.confidence), -1, responses.confidence).astype(int).tolist()
    na = responses.na.tolist()
    items = [_cell(i) for i in responses.item_ids]
    tail = [""] if levels else []
    for i, r in enumerate(responses.respondents):
        ident = [wave, _cell(r.id), _cell(r.role), _cell(r.department)]
        if levels:
            for row in _capability_rows(responses, i, comments):
                writer.writerow([*ident, *row])
        ci, ti, ki, ni = cur[i], tgt[i], conf[i], na[i]
        for j in np.flatnonzero(keep[i]).tolist():
            writer.writerow(
                [
                    *ident,
                    items[j],
                    "" if ci[j] < 0 else ci[j],
                    "" if ti[j] < 0 else ti[j],
                    "true" if ni[j] else "false",
                    "" if ki[j] < 0 else ki[j],
                    comments.get((r.id, responses.item_ids[j]), ""),
                    *tail,
                ]
            )


def _capability_rows(
    responses: ResponseSet, i: int, comments: dict[tuple[str, str], object]
) -> list[list[object]]:
    """Respondent ``i``'s capability rows of the long CSV from ``item`` on, as
    :meth:`ResponseSet.to_records` gives them (capabilities with nothing given are left out)."""
    import math

    rid = responses.respondents[i].id
    rows: list[list[object]] = []
    for k, cap in enumerate(responses.capability_ids):
        cur, tgt = float(responses.level_current[i, k]), float(responses.level_target[i, k])
        pts, na = float(responses.points[i, k]), bool(responses.level_na[i, k])
        if math.isnan(cur) and math.isnan(tgt) and math.isnan(pts) and not na:
            continue
        rows.append(
            [
                _cell(cap),
                "" if math.isnan(cur) else int(cur),
                "" if math.isnan(tgt) else int(tgt),
                "true" if na else "false",
                "",
                comments.get((rid, cap), ""),
                "" if math.isnan(pts) else int(pts),
            ]
        )
    return rows


def _write_wide(responses: ResponseSet, writer: _RowWriter) -> None:
    import numpy as np

    has_comment = {c.item for c in responses.comments}
    comments = {(c.respondent, c.item): c.text for c in responses.comments}
    has_na = {responses.item_ids[j] for j in np.flatnonzero(responses.na.any(axis=0))}
    has_conf = {
        responses.item_ids[j] for j in np.flatnonzero((~np.isnan(responses.confidence)).any(axis=0))
    }
    header = ["wave", "respondent", "role", "department"]
    caps = responses.capability_ids if responses.has_capability_answers else ()
    cap_na = {caps[k] for k in np.flatnonzero(responses.level_na.any(axis=0))} if caps else set()
    for cap in caps:
        header += [cap, f"{cap}.target", f"{cap}.points"]
        header += [f"{cap}.na"] if cap in cap_na else []
        header += [f"{cap}.comment"] if cap in has_comment else []
    for item in responses.item_ids:
        header += [item, f"{item}.target"]
        header += [f"{item}.na"] if item in has_na else []
        header += [f"{item}.confidence"] if item in has_conf else []
        header += [f"{item}.comment"] if item in has_comment else []
    writer.writerow(header)
    for i, r in enumerate(responses.respondents):
        row: list[object] = [_cell(v) for v in (responses.wave, r.id, r.role, r.department)]
        for k, cap in enumerate(caps):
            for matrix in (responses.level_current, responses.level_target, responses.points):
                value = matrix[i, k]
                row.append("" if np.isnan(value) else int(value))
            if cap in cap_na:
                row.append("true" if responses.level_na[i, k] else "")
            if cap in has_comment:
                row.append(_cell(comments.get((r.id, cap), "")))
        for j, item in enumerate(responses.item_ids):
            cur, tgt = responses.current[i, j], responses.target[i, j]
            row += ["" if np.isnan(cur) else int(cur), "" if np.isnan(tgt) else int(tgt)]
            if item in has_na:
                row.append("true" if responses.na[i, j] else "")
            if item in has_conf:
                conf = responses.confidence[i, j]
                row.append("" if np.isnan(conf) else int(conf))
            if item in has_comment:
                row.append(_cell(comments.get((r.id, item), "")))
        writer.writerow(row)


def write_json(responses: ResponseSet, path: str | Path) -> Path:
    """Write ``{"instrument", "wave", "responses": [long records]}`` (readable by read_responses).

    Parameters
    ----------
    responses : ResponseSet
        The answers of one wave.
    path : str or pathlib.Path
        The file to write.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    records = [json_record(rec) for rec in responses.to_records()]
    payload = {"instrument": responses.instrument_ref, "wave": responses.wave, "responses": records}
    path = Path(path)
    with atomic_open(path, "w") as fh:
        json.dump(payload, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    return path

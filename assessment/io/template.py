"""Ready-to-fill respondent sheets for one instrument version (XLSX or CSV).

A template is the long format (``docs/cli.md#response-files``) with one row per item and two
extra, read-only
columns: ``capability`` and ``question`` (the item text). Column order::

    wave, respondent, role, department, capability, item, question, current, target, confidence, comment

Conventions that make a filled template import back unchanged (CSV and XLSX alike):

- A sheet with a ``question`` column is a template. ``capability`` and ``question`` are ignored on
  import (the instrument is the reference for both).
- Empty ``wave``, ``respondent``, ``role`` or ``department`` cells repeat the value above, so a
  respondent fills them once in the first row.
- Rows left unanswered (no current, target, confidence or comment) are skipped.
- ``N/A`` in ``current`` or ``target`` marks the item not applicable.

The XLSX template adds an ``Instructions`` sheet (scale anchors, how to answer), drop-down data
validation (ratings ``low..high`` plus ``N/A`` where the item allows it, roles, confidence 1..3),
frozen header and protected text columns, and a hidden ``_centric`` sheet naming the instrument
version and its content hash, which the importer uses to pick the instrument.

Every text cell, prefilled values included, goes through the one formula-neutralising rule of
:mod:`assessment.io.cells` (``--respondent '=HYPERLINK(...)'`` is written as text, never as a
live formula); the importer restores it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from assessment.io.atomic import atomic_open
from assessment.io.cells import neutralise
from assessment.io.headers import FILL_DOWN, META_SHEET, TEMPLATE_COLUMNS, is_template_header
from assessment.io.rows import template_rows
from assessment.io.xlsx import safe_row

if TYPE_CHECKING:
    from questionnaires.model import Capability, Instrument, Item

__all__ = [
    "TEMPLATE_COLUMNS",
    "is_template_header",
    "template_csv_text",
    "template_items",
    "template_rows",
    "write_template",
    "write_template_csv",
    "write_template_xlsx",
]


def _rating_choices(instrument: Instrument, item_id: str) -> list[str]:
    item = instrument.item(item_id)
    scale = instrument.scales[item.scale]
    options = [str(v) for v in range(scale.low, scale.high + 1)]
    return [*options, "N/A"] if item.na_allowed else options


def _prefill(
    wave: str | None, respondent: str | None, role: str | None, department: str | None
) -> dict[str, str]:
    return {
        "wave": wave or "",
        "respondent": respondent or "",
        "role": role or "",
        "department": department or "",
    }


def template_items(
    instrument: Instrument, role: str | None = None
) -> list[tuple[Capability, Item]]:
    """The (capability, item) pairs a template lists.

    Every item, or with ``role`` only the items asked of that role (an item with no ``roles`` is
    asked of everyone). A filled-in sheet for a role then never holds an answer the import
    refuses as "asked only of ...".

    Parameters
    ----------
    instrument : Instrument
        The instrument.
    role : str, optional
        The role the template is for.

    Returns
    -------
    list of tuple
        ``(Capability, Item)`` pairs in instrument order.
    """
    wanted = None if role is None else role.casefold()
    return [
        (cap, item)
        for cap, item in instrument.iter_items()
        if wanted is None or not item.roles or wanted in {r.casefold() for r in item.roles}
    ]


def _rows(
    instrument: Instrument, prefill: Mapping[str, str], role: str | None = None
) -> Iterator[list[str]]:
    first = True
    for cap, item in template_items(instrument, role):
        ident = [prefill[c] if first else "" for c in FILL_DOWN]
        first = False
        yield [*ident, cap.name, item.id, item.text, "", "", "", ""]


def write_template_csv(
    instrument: Instrument,
    path: str | Path,
    *,
    wave: str | None = None,
    respondent: str | None = None,
    role: str | None = None,
    department: str | None = None,
) -> Path:
    """Write a CSV template: header plus one row per item.

    UTF-8 with BOM, so Excel shows accented item texts correctly; the importer accepts the BOM.

    Parameters
    ----------
    instrument : Instrument
        The instrument whose items are listed.
    path : str or pathlib.Path
        The file to write.
    wave : str, optional
        Prefilled in every row.
    respondent : str, optional
        Prefilled in every row.
    role : str, optional
        Prefilled; only the items asked of that role are listed.
    department : str, optional
        Prefilled in every row.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(path)
    with atomic_open(path, "w", encoding="utf-8-sig", newline="") as fh:
        fh.write(template_csv_text(instrument, wave, respondent, role, department))
    return path


def template_csv_text(
    instrument: Instrument,
    wave: str | None = None,
    respondent: str | None = None,
    role: str | None = None,
    department: str | None = None,
) -> str:
    """The CSV template as text (no BOM), e.g. for ``centric template --format csv -o -``.

    Parameters
    ----------
    instrument : Instrument
        The instrument whose items are listed.
    wave : str, optional
        Prefilled in every row.
    respondent : str, optional
        Prefilled in every row.
    role : str, optional
        Prefilled; only the items asked of that role are listed.
    department : str, optional
        Prefilled in every row.

    Returns
    -------
    str
        The CSV text.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for row in _rows(instrument, _prefill(wave, respondent, role, department), role):
        writer.writerow([neutralise(c) for c in row])
    return buf.getvalue()


def _instructions(instrument: Instrument) -> list[list[str]]:
    lines = [
        [f"{instrument.title} — respondent sheet"],
        [f"Instrument {instrument.ref} ({instrument.content_hash})"],
        [],
        ["How to answer"],
        [
            "1. On the 'Responses' sheet, fill wave, respondent (your pseudonymous id), role and "
            "department in the first row; the rows below repeat them."
        ],
        [
            "2. For each item, rate the organisation as it is today (current) and as it should be "
            "(target). Pick a value from the drop-down list."
        ],
        ["3. Choose N/A when an item does not apply to your part of the organisation."],
        [
            "4. Confidence is optional: 1 = unsure, 2 = fairly sure, 3 = sure. Comments are optional."
        ],
        [
            "5. Leave rows you do not want to answer empty; do not change the item or question columns."
        ],
        [
            "6. Return the file with its layout unchanged to whoever sent it; they import it into centric."
        ],
        [],
        ["Rating scales"],
    ]
    used = {instrument.item(i.id).scale for i in instrument.items}
    for sid in sorted(used):
        scale = instrument.scales[sid]
        lines.append([f"Scale {sid}"])
        for k, label in enumerate(scale.labels):
            desc = scale.descriptors[k] if scale.descriptors else ""
            lines.append([f"  {scale.low + k} = {label}" + (f": {desc}" if desc else "")])
    lines += [[], ["Roles: " + ", ".join(instrument.roles)]]
    return lines


def write_template_xlsx(
    instrument: Instrument,
    path: str | Path,
    *,
    wave: str | None = None,
    respondent: str | None = None,
    role: str | None = None,
    department: str | None = None,
) -> Path:
    """Write an XLSX template: Instructions, Responses (with drop-downs) and hidden metadata.

    Parameters
    ----------
    instrument : Instrument
        The instrument whose items are listed.
    path : str or pathlib.Path
        The file to write.
    wave : str, optional
        Prefilled in every row.
    respondent : str, optional
        Prefilled in every row.
    role : str, optional
        Prefilled; only the items asked of that role are listed.
    department : str, optional
        Prefilled in every row.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    intro = wb.active
    intro.title = "Instructions"
    for line in _instructions(instrument):
        intro.append(safe_row(intro, line))
    intro["A1"].font = Font(bold=True, size=14)
    for row in (4, 12):
        intro.cell(row=row, column=1).font = Font(bold=True)
    intro.column_dimensions["A"].width = 110

    ws = wb.create_sheet("Responses")
    ws.append(list(TEMPLATE_COLUMNS))
    prefill = _prefill(wave, respondent, role, department)
    listed = template_items(instrument, role)
    for cells in _rows(instrument, prefill, role):
        ws.append(safe_row(ws, cells))
    n = len(listed)
    last = n + 1
    col = {name: get_column_letter(k + 1) for k, name in enumerate(TEMPLATE_COLUMNS)}
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    widths = {"question": 70, "capability": 24, "comment": 40, "department": 18, "respondent": 14}
    for name, letter in col.items():
        ws.column_dimensions[letter].width = widths.get(name, 11)
    for r in range(2, last + 1):
        ws[f"{col['question']}{r}"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"

    # Drop-downs: one validation per distinct list of choices (scales differ between items).
    by_choices: dict[tuple[str, ...], list[int]] = {}
    for r, (_, item) in enumerate(listed, start=2):
        by_choices.setdefault(tuple(_rating_choices(instrument, item.id)), []).append(r)
    for choices, rows in by_choices.items():
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Rating",
            error="Pick a rating from the list" + (" (or N/A)" if "N/A" in choices else ""),
        )
        for r in rows:
            dv.add(f"{col['current']}{r}")
            dv.add(f"{col['target']}{r}")
        ws.add_data_validation(dv)
    fixed = [
        ("role", ",".join(instrument.roles), "Pick your role from the list"),
        ("confidence", "1,2,3", "Confidence is 1 (unsure), 2 or 3 (sure)"),
    ]
    for name, allowed, message in fixed:
        dv = DataValidation(
            type="list",
            formula1=f'"{allowed}"',
            allow_blank=True,
            showErrorMessage=True,
            error=message,
        )
        dv.add(f"{col[name]}2:{col[name]}{last}")
        ws.add_data_validation(dv)

    # Item ids and texts are reference data: lock them, leave the answer cells editable.
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    editable = [c for c in TEMPLATE_COLUMNS if c not in ("capability", "item", "question")]
    for r in range(2, last + 1):
        for name in editable:
            ws[f"{col[name]}{r}"].protection = Protection(locked=False)
    wb.active = wb.index(ws)

    meta = wb.create_sheet(META_SHEET)
    meta.append(safe_row(meta, ["format", "centric-template"]))
    meta.append(safe_row(meta, ["instrument", instrument.ref]))
    meta.append(safe_row(meta, ["instrument_hash", instrument.content_hash]))
    meta.sheet_state = "hidden"

    path = Path(path)
    with atomic_open(path, "wb") as fh:
        wb.save(fh)
    return path


def write_template(
    instrument: Instrument,
    path: str | Path,
    format: Literal["xlsx", "csv"] = "xlsx",
    **prefill: str | None,
) -> Path:
    """Write a template in ``format`` (``xlsx`` or ``csv``).

    Parameters
    ----------
    instrument : Instrument
        The instrument whose items are listed.
    path : str or pathlib.Path
        The file to write.
    format : {"xlsx", "csv"}
        The file format.
    **prefill : str or None
        ``wave``, ``respondent``, ``role``, ``department``, as for :func:`write_template_xlsx`.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    if format == "xlsx":
        return write_template_xlsx(instrument, path, **prefill)
    if format == "csv":
        return write_template_csv(instrument, path, **prefill)
    raise ValueError(f"unknown template format {format!r}; use xlsx or csv")

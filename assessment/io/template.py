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

**Instruments that rate levels** (``rate_levels``, ``customer-centricity`` 1.1.0) get a ``points``
column after ``target`` (:data:`~assessment.io.headers.TEMPLATE_LEVEL_COLUMNS`) and, before the
statements, a section "Capability levels": per capability one answer row (``item`` = the
capability id: ``current`` = the level whose description is true today, ``target`` = the level
to reach within ``target_horizon_months``, ``points`` = its share of the ``investment_points``)
followed by its five level descriptors (reference rows, nothing to fill), then a row showing the
running total of points (an XLSX formula, red while it differs from the budget; the importer is
what enforces it). Statements with ``target: false`` get no target cell: in XLSX it is greyed and
locked, and the importer refuses a target typed there anyway. Templates of other instruments are
unchanged.

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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from assessment.io.atomic import atomic_open
from assessment.io.cells import neutralise
from assessment.io.headers import (
    FILL_DOWN,
    META_SHEET,
    TEMPLATE_COLUMNS,
    TEMPLATE_LEVEL_COLUMNS,
    is_template_header,
)
from assessment.io.rows import template_rows
from assessment.io.xlsx import safe_row
from questionnaires.model import LEVELS

if TYPE_CHECKING:
    from questionnaires.model import Capability, Instrument, Item

__all__ = [
    "TEMPLATE_COLUMNS",
    "TEMPLATE_LEVEL_COLUMNS",
    "is_template_header",
    "template_columns",
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


def template_columns(instrument: Instrument) -> tuple[str, ...]:
    """The columns of ``instrument``'s template (``points`` only when it rates levels).

    Parameters
    ----------
    instrument : Instrument
        The instrument.

    Returns
    -------
    tuple of str
        :data:`TEMPLATE_LEVEL_COLUMNS` or :data:`TEMPLATE_COLUMNS`.
    """
    return TEMPLATE_LEVEL_COLUMNS if instrument.rate_levels else TEMPLATE_COLUMNS


@dataclass(frozen=True)
class _Row:
    """A template row: what it is (``heading``, ``capability``, ``level``, ``total``, ``item``),
    its cells in :func:`template_columns` order, and for an item whether it asks a target."""

    kind: str
    cells: list[str]
    target: bool = True


def _rows(
    instrument: Instrument, prefill: Mapping[str, str], role: str | None = None
) -> Iterator[list[str]]:
    for row in _template_rows(instrument, prefill, role):
        yield row.cells


def _template_rows(
    instrument: Instrument, prefill: Mapping[str, str], role: str | None = None
) -> Iterator[_Row]:
    """Every row of the sheet below the header; the first carries the prefilled values."""
    first = True

    def ident() -> list[str]:
        nonlocal first
        out = [prefill[c] if first else "" for c in FILL_DOWN]
        first = False
        return out

    if not instrument.rate_levels:
        for cap, item in template_items(instrument, role):
            yield _Row("item", [*ident(), cap.name, item.id, item.text, "", "", "", ""])
        return
    months, budget = instrument.target_horizon_months, instrument.investment_points
    share = f", and split the {budget} investment points across them (points)" if budget else ""
    yield _Row(
        "heading",
        [
            *ident(),
            "Capability levels",
            "",
            "For each capability, pick the level whose description is true today (current) and "
            f"the level we should reach within {months} months (target){share}.",
            *[""] * 5,
        ],
    )
    for cap in instrument.capabilities:
        ask = (
            f"{cap.name}: in 'current' the number (1-5) of the level described below that is "
            f"true today; in 'target' the level to reach within {months} months"
        )
        ask += "; in 'points' its share of the investment points" if budget else ""
        yield _Row("capability", [*ident(), cap.name, cap.id, ask, *[""] * 5])
        for level, text in sorted(cap.levels.items()):
            yield _Row("level", [*ident(), "", "", f"Level {level}: {text}", *[""] * 5])
    if budget:
        yield _Row(
            "total",
            [
                *ident(),
                "Total investment points",
                "",
                f"The points above must add up to {budget}.",
                *[""] * 5,
            ],
        )
    yield _Row(
        "heading",
        [
            *ident(),
            "Statements",
            "",
            "Rate each statement as it is today (current), 1 to 5 as named after it; a target is "
            f"asked only where the statement says so (the level to reach within {months} "
            "months).",
            *[""] * 5,
        ],
    )
    for cap, item in template_items(instrument, role):
        labels = instrument.scales[item.scale].labels
        text = f"{item.text} (1 = {labels[0]} … {len(labels)} = {labels[-1]})"
        if item.target:
            text += f" Target asked: the level to reach within {months} months."
        yield _Row("item", [*ident(), cap.name, item.id, text, *[""] * 5], target=item.target)


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
    writer.writerow(template_columns(instrument))
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
            if not instrument.rate_levels
            else "2. First the capability levels (see below), then each statement as it is today "
            "(current); give a target only where the target cell is not greyed. Pick a value "
            "from the drop-down list."
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
    if instrument.rate_levels:
        lines += _level_instructions(instrument)
    return lines


def _level_instructions(instrument: Instrument) -> list[list[str]]:
    """The Instructions lines on the capability-level section (instruments that rate levels)."""
    months, budget = instrument.target_horizon_months, instrument.investment_points
    lines = [
        [],
        ["Capability levels"],
        [
            "Each capability has five level descriptions (1 = lowest, 5 = highest). On its row in "
            "'Capability levels', pick in current the level whose description is true of the "
            f"organisation today, and in target the level it should reach within {months} months."
        ],
    ]
    if budget:
        lines.append(
            [
                f"Split exactly {budget} investment points across the capabilities (points; 0 "
                "for one that should get nothing): where would you put the effort and money? "
                f"The total row shows the sum; the file is refused unless it is {budget}."
            ]
        )
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
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    intro = wb.active
    intro.title = "Instructions"
    for line in _instructions(instrument):
        intro.append(safe_row(intro, line))
    intro["A1"].font = Font(bold=True, size=14)
    for at in (4, 12):
        intro.cell(row=at, column=1).font = Font(bold=True)
    intro.column_dimensions["A"].width = 110

    ws = wb.create_sheet("Responses")
    columns = template_columns(instrument)
    ws.append(list(columns))
    rows = list(_template_rows(instrument, _prefill(wave, respondent, role, department), role))
    for row in rows:
        ws.append(safe_row(ws, row.cells))
    last = len(rows) + 1
    col = {name: get_column_letter(k + 1) for k, name in enumerate(columns)}
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
    _drop_downs(ws, instrument, rows, col)
    _protect(ws, rows, columns, col)
    if instrument.rate_levels:
        _level_section(ws, instrument, rows, col)
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


def _drop_downs(ws: Any, instrument: Instrument, rows: list[_Row], col: dict[str, str]) -> None:
    """Drop-down lists: ratings per scale (a target only where the statement asks one), levels
    1-5 and whole investment points on capability rows, roles, confidence."""
    from openpyxl.worksheet.datavalidation import DataValidation

    last = len(rows) + 1
    # one validation per distinct list of choices (scales differ between items)
    by_choices: dict[tuple[str, ...], list[str]] = {}
    for r, row in enumerate(rows, start=2):
        if row.kind == "item":
            cells = by_choices.setdefault(tuple(_rating_choices(instrument, row.cells[5])), [])
            cells.append(f"{col['current']}{r}")
            if row.target:
                cells.append(f"{col['target']}{r}")
        elif row.kind == "capability":
            levels = tuple(str(v) for v in LEVELS)
            by_choices.setdefault(levels, []).extend(
                [f"{col['current']}{r}", f"{col['target']}{r}"]
            )
    for choices, cells in by_choices.items():
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Rating",
            error="Pick a rating from the list" + (" (or N/A)" if "N/A" in choices else ""),
        )
        for cell in cells:
            dv.add(cell)
        ws.add_data_validation(dv)
    budget = instrument.investment_points
    cap_rows = [r for r, row in enumerate(rows, start=2) if row.kind == "capability"]
    if budget and cap_rows:
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2=str(budget),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Investment points",
            error=f"Give a whole number of points from 0 to {budget}",
        )
        for r in cap_rows:
            dv.add(f"{col['points']}{r}")
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


def _protect(ws: Any, rows: list[_Row], columns: tuple[str, ...], col: dict[str, str]) -> None:
    """Lock the reference data (ids, texts, level descriptors, a target cell a statement does
    not ask, points of a statement); leave the answer cells editable."""
    from openpyxl.styles import Protection

    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    editable = [c for c in columns if c not in ("capability", "item", "question")]
    for r, row in enumerate(rows, start=2):
        if row.kind in ("capability", "item"):
            names = [c for c in editable if c != "points" or row.kind == "capability"]
            names = [c for c in names if c != "target" or row.target]
        else:
            names = list(FILL_DOWN)
        for name in names:
            ws[f"{col[name]}{r}"].protection = Protection(locked=False)


def _level_section(ws: Any, instrument: Instrument, rows: list[_Row], col: dict[str, str]) -> None:
    """Style the capability-level section: bold headings and capability rows, greyed level
    descriptors and unasked target cells, and the running total of investment points (a formula
    in the question column, red while it differs from the budget)."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill

    grey = PatternFill("solid", fgColor="D9D9D9")
    heading = PatternFill("solid", fgColor="EEF3F8")
    cap_rows = [r for r, row in enumerate(rows, start=2) if row.kind == "capability"]
    points = f"{col['points']}{cap_rows[0]}:{col['points']}{cap_rows[-1]}" if cap_rows else ""
    budget = instrument.investment_points
    for r, row in enumerate(rows, start=2):
        if row.kind == "heading":
            for name in ("capability", "question"):
                ws[f"{col[name]}{r}"].font = Font(bold=True)
                ws[f"{col[name]}{r}"].fill = heading
        elif row.kind == "capability":
            ws[f"{col['capability']}{r}"].font = Font(bold=True)
            ws[f"{col['item']}{r}"].font = Font(bold=True)
        elif row.kind == "level":
            ws[f"{col['question']}{r}"].font = Font(italic=True, color="404040")
        elif row.kind == "item" and not row.target:
            ws[f"{col['target']}{r}"].fill = grey
        elif row.kind == "total" and points and budget:
            cell = ws[f"{col['question']}{r}"]
            cell.value = f'="Total: "&SUM({points})&" of {budget} investment points given"'
            cell.font = Font(bold=True)
            ws.conditional_formatting.add(
                cell.coordinate,
                FormulaRule(
                    formula=[f"SUM({points})<>{budget}"],
                    fill=PatternFill("solid", fgColor="F4CCCC"),
                    font=Font(bold=True, color="9C0006"),
                ),
            )


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

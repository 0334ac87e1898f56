"""XLSX response files (openpyxl): reading sheets into records, writing exports.

Reading uses openpyxl's read-only mode, which streams rows instead of loading the whole workbook,
and ``data_only=True``, so a formula cell gives its cached value and is never evaluated.

Which sheet is read: one named ``responses`` (any case) when present, else the one visible sheet
whose header row is recognisably long (``item`` column) or wide (item-id columns such as
``MET-03``); a workbook with two or more such sheets and none named ``responses`` is a problem
naming them (it was silently read from the first).
Text cells go through :func:`assessment.io.cells.restore`, so exported sheets import back to the
same text; writers build rows with :func:`safe_row` (neutralised text, stored as strings, never
as formulas). Filled-in templates (a ``question`` column, see :mod:`assessment.io.template`) are
read with their template conventions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import zipfile
import zlib
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import ParseError

from assessment.io.cells import neutralise, record_cells, restore
from assessment.io.headers import (
    META_SHEET,
    RESPONSES_SHEET,
    TEMPLATE_ONLY,
    WAVES_COLUMNS,
    WAVES_SHEET,
    detect_layout,
    export_columns,
    is_template_header,
)
from assessment.io.rows import ReadResult, parse_long_rows, parse_wide_rows, template_rows
from questionnaires.answers import ResponseRecord, WaveInfo
from questionnaires.errors import CentricError, Problem

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

__all__ = [
    "META_SHEET",
    "WAVES_SHEET",
    "read_xlsx",
    "read_xlsx_rows",
    "safe_row",
    "write_export_xlsx",
]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return restore(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


#: What openpyxl and zipfile raise on a damaged, truncated or foreign workbook: a bad zip
#: directory, compressed data that does not inflate, XML that is not well formed, a missing part,
#: unexpected values in the XML (``ValueError``/``TypeError``/``IndexError``/``AttributeError``
#: from openpyxl's descriptors) and unknown compression methods (``NotImplementedError``).
_DAMAGED: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    ParseError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    NotImplementedError,
    EOFError,
    OSError,
)


class _Damaged(Exception):
    """An exception of :data:`_DAMAGED` raised by openpyxl/zipfile while reading a workbook."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(cause)
        self.cause = cause


@contextlib.contextmanager
def _reading() -> Iterator[None]:
    """Turn what openpyxl/zipfile raise on a damaged workbook into :class:`_Damaged`; our own
    :class:`CentricError` passes unchanged."""
    try:
        yield
    except CentricError:
        raise
    except _DAMAGED as exc:
        raise _Damaged(exc) from exc


def _guarded(rows: Iterable[Any]) -> Iterator[Any]:
    """``rows`` (openpyxl's lazy ``iter_rows``) read under :func:`_reading`."""
    with _reading():
        yield from rows


#: A workbook to read: a file, or its bytes (an upload has no path).
_Src = Path | bytes


def _fh(src: _Src) -> Path | io.BytesIO:
    """What openpyxl and :mod:`zipfile` open: the path, or a fresh in-memory file of the bytes."""
    return src if isinstance(src, Path) else io.BytesIO(src)


def _damaged(path: str | Path, exc: BaseException) -> Problem:
    from openpyxl.utils.exceptions import InvalidFileException

    what = "truncated, damaged or not an Excel file"
    if isinstance(exc, InvalidFileException):
        what = "not an Excel workbook"
    detail = str(exc).splitlines()[0][:120] if str(exc) else ""
    reason = f"{exc.__class__.__name__}: {detail}" if detail else exc.__class__.__name__
    return Problem(
        f"the workbook is damaged ({what}; {reason}); open and save it again in Excel or "
        "LibreOffice as .xlsx, or save the sheet as CSV UTF-8",
        str(path),
    )


def _open(src: _Src, name: str, problems: list[Problem]) -> Workbook | None:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with _reading():
            return load_workbook(_fh(src), read_only=True, data_only=True)
    except _Damaged as exc:
        problems.append(_damaged(name, exc.cause))
    except InvalidFileException as exc:
        problems.append(_damaged(name, exc))
    return None


def _header(values: Sequence[Any]) -> list[str]:
    header = [str(_cell(v)).strip() for v in values]
    while header and not header[-1]:
        header.pop()
    return header


def _data_sheets(wb: Workbook) -> list[tuple[Any, list[str], str]]:
    """The sheets that may be read, each with its header and layout (``long`` or ``wide``).

    A sheet named ``responses`` (any case; what exports and templates write) is the data sheet
    and the only one returned. Otherwise every visible sheet with a response header; hidden sheets
    and sheets without one (an ``Instructions`` sheet) are ignored. The caller refuses two or
    more rather than silently reading the first.
    """
    found: list[tuple[Any, list[str], str]] = []
    for ws in wb.worksheets:
        named = ws.title.casefold() == RESPONSES_SHEET
        if not named and ws.sheet_state != "visible":
            continue
        first = next(_guarded(ws.iter_rows(min_row=1, max_row=1, values_only=True)), None)
        if first is None:
            continue
        header = _header(first)
        layout = detect_layout(header)
        if layout == "unknown":
            continue
        if named:
            return [(ws, header, layout)]
        found.append((ws, header, layout))
    return found


def _rows(ws: Any, header: list[str]) -> Iterator[dict[str, Any]]:
    width = len(header)
    for values in _guarded(ws.iter_rows(min_row=2, values_only=True)):
        yield {
            header[k]: _cell(values[k]) if k < len(values) else ""
            for k in range(width)
            if header[k]
        }


def read_xlsx(
    path: str | Path | bytes,
    *,
    wave: str | None = None,
    name: str | None = None,
    capabilities: Collection[str] = (),
) -> ReadResult:
    """Read an ``.xlsx`` workbook once: records, problems, declared instruments, layout, sheet.

    ``records`` and ``problems`` come from the response sheet, like
    :func:`assessment.io.responses.parse_long_rows`; problems carry the sheet name and the
    spreadsheet row and column. A damaged or truncated workbook gives a problem, not an exception.
    ``declared`` is what :func:`_declared` finds, kept even when the rows have problems (so the
    right instrument checks them).

    Parameters
    ----------
    path : str or pathlib.Path or bytes
        The workbook, or its bytes (an upload).
    wave : str, optional
        Fills rows whose ``wave`` cell is empty.
    name : str, optional
        The source problems name (default: the path, or ``<upload>``).
    capabilities : collection of str, default ()
        Capability ids of the instrument when known (wide sheets, see
        :func:`assessment.io.headers.capability_columns`).

    Returns
    -------
    ReadResult
        What the workbook holds.
    """
    src: _Src = path if isinstance(path, bytes) else Path(path)
    shown = name or (str(src) if isinstance(src, Path) else "<upload>")
    problems: list[Problem] = []
    wb = _open(src, shown, problems)
    if wb is None:
        return ReadResult([], problems)
    try:
        declared = _declared(wb)
        return _records(wb, src, shown, wave, problems, declared, capabilities)
    except _Damaged as exc:
        # the rows parsed before the damage are dropped: a half-read sheet is not an answer set
        return ReadResult([], [_damaged(shown, exc.cause)])
    finally:
        with contextlib.suppress(*_DAMAGED):
            wb.close()


def _records(
    wb: Workbook,
    src: _Src,
    path: str,
    wave: str | None,
    problems: list[Problem],
    declared: dict[str, str],
    capabilities: Collection[str] = (),
) -> ReadResult:
    sheets = _data_sheets(wb)
    if len(sheets) > 1:
        names = ", ".join(repr(ws.title) for ws, _, _ in sheets)
        problems.append(
            Problem(
                f"the workbook has {len(sheets)} sheets with responses ({names}) and it is not "
                "clear which to import; rename the sheet to import to 'responses', or move the "
                "others to a workbook of their own (or hide them)",
                str(path),
            )
        )
        return ReadResult([], problems, declared)
    if not sheets:
        names = ", ".join(repr(ws.title) for ws in wb.worksheets)
        problems.append(
            Problem(
                f"no sheet with a response header (sheets: {names}); a long sheet needs an "
                "'item' column, a wide sheet item columns such as 'MET-03'",
                str(path),
                row=1,
            )
        )
        return ReadResult([], problems, declared)
    ws, header, layout = sheets[0]
    rows: Iterator[dict[str, Any]] = _rows(ws, header)
    template = layout == "long" and is_template_header(header)
    if template:
        rows = template_rows(rows)
    if layout == "long":
        records, found = parse_long_rows(rows, source=str(path), sheet=ws.title, wave=wave)
    else:
        records, found = parse_wide_rows(
            rows, source=str(path), sheet=ws.title, wave=wave, capabilities=capabilities
        )
    problems.extend(found)
    # a template's reference columns are not read: a formula there (the running total of
    # investment points) loses nothing
    skip = {h for h in header if h.strip().casefold() in TEMPLATE_ONLY} if template else set()
    problems.extend(_formulas_without_values(src, path, ws, header, skip))
    return ReadResult(records, problems, declared, layout=layout, sheet=ws.title)


def _has_formulas(src: _Src) -> bool:
    """Some worksheet of the workbook holds a formula (an ``<f>`` element); a byte scan, so
    workbooks without formulas are read once."""
    with zipfile.ZipFile(_fh(src)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with zf.open(name) as fh:
                    tail = b""
                    while chunk := fh.read(1 << 20):
                        if b"<f>" in tail + chunk or b"<f " in tail + chunk:
                            return True
                        tail = chunk[-3:]
    return False


def _formulas_without_values(
    src: _Src, path: str, ws: Any, header: list[str], skip: Collection[str] = ()
) -> list[Problem]:
    """Cells of ``ws`` holding a formula with no saved result (a file written by a program that
    does not calculate, or ``=1+1`` typed and saved without recalculation). Read with
    ``data_only=True`` such a cell is empty, so the answer would be silently lost: a problem
    naming the cell instead."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    with _reading():
        if not _has_formulas(src):
            return []
        raw = load_workbook(_fh(src), read_only=True, data_only=False)
    found: list[Problem] = []
    try:
        formulas = _guarded(raw[ws.title].iter_rows(min_row=2, values_only=True))
        values = _guarded(ws.iter_rows(min_row=2, values_only=True))
        for r, (fs, vs) in enumerate(zip(formulas, values, strict=False), start=2):
            for k, f in enumerate(fs[: len(header)]):
                if header[k] in skip:
                    continue
                if isinstance(f, str) and f.startswith("=") and (k >= len(vs) or vs[k] is None):
                    cell = f"{get_column_letter(k + 1)}{r}"
                    found.append(
                        Problem(
                            f"cell {cell} holds the formula {f} with no saved value; open the "
                            "workbook in Excel and save it (Excel stores the result), or type "
                            "the value",
                            str(path),
                            r,
                            header[k] or None,
                            ws.title,
                        )
                    )
    finally:
        with contextlib.suppress(*_DAMAGED):
            raw.close()
    return found


def _declared(wb: Workbook) -> dict[str, str]:
    """The instrument each wave of an exported workbook (``waves`` sheet) or a template
    (hidden ``_centric`` sheet) declares: ``{wave: "id@version"}``; ``""`` is the key for a
    template's instrument. Empty when the workbook declares nothing."""
    out: dict[str, str] = {}
    with _reading():
        names = {ws.title: ws for ws in wb.worksheets}
    if WAVES_SHEET in names:
        rows = _guarded(names[WAVES_SHEET].iter_rows(values_only=True))
        header = _header(next(rows, ()))
        if {"wave", "instrument"} <= set(header):
            for values in rows:
                row = dict(zip(header, values, strict=False))
                if row.get("wave") and row.get("instrument"):
                    out[str(_cell(row["wave"]))] = str(row["instrument"])
    if META_SHEET in names:
        for values in _guarded(names[META_SHEET].iter_rows(values_only=True)):
            if len(values) >= 2 and values[0] == "instrument" and values[1]:
                out[""] = str(values[1])
    return out


def read_xlsx_rows(
    path: str | Path, *, wave: str | None = None
) -> tuple[list[ResponseRecord], list[Problem]]:
    """``(records, problems)`` of :func:`read_xlsx`.

    Parameters
    ----------
    path : str or pathlib.Path
        The workbook.
    wave : str, optional
        Fills rows whose ``wave`` cell is empty.

    Returns
    -------
    records : list of ResponseRecord
        The answers read.
    problems : list of Problem
        What is wrong in the workbook.
    """
    res = read_xlsx(path, wave=wave)
    return res.records, res.problems


def write_export_xlsx(
    organisation: str,
    waves: Sequence[WaveInfo],
    records: Sequence[ResponseRecord],
    path: str | Path,
) -> Path:
    """Write the long-format ``responses`` sheet and a ``waves`` sheet (instrument per wave).

    The columns are :func:`assessment.io.headers.export_columns` (``points`` follows ``comment``
    when there are capability-level answers).

    Text cells are neutralised against formula injection; numbers stay numbers. Built in
    openpyxl's write-only (streaming) mode into memory, then written atomically: a full disk is
    one :class:`~questionnaires.errors.OutputError` and leaves no openpyxl stream or temporary file
    behind (they printed "Exception ignored" tracebacks when garbage-collected).

    Parameters
    ----------
    organisation : str
        The organisation the waves belong to.
    waves : sequence of WaveInfo
        The waves exported, with their instruments.
    records : sequence of ResponseRecord
        The answers of those waves.
    path : str or pathlib.Path
        The file to write.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    import io

    from openpyxl import Workbook

    from assessment.io.atomic import atomic_write_bytes, cannot_write

    path = Path(path)
    wb = Workbook(write_only=True)
    buf = io.BytesIO()
    try:
        ws = wb.create_sheet(RESPONSES_SHEET)
        records = records if isinstance(records, Sequence) else list(records)
        columns = export_columns(records)
        ws.append(list(columns))
        for rec in records:
            ws.append(safe_row(ws, record_cells(rec, safe=False, columns=columns)))
        meta = wb.create_sheet(WAVES_SHEET)
        meta.append(list(WAVES_COLUMNS))
        for w in waves:
            meta.append(safe_row(meta, [w.organisation, w.wave, w.instrument, w.instrument_hash]))
        wb.save(buf)
    except BaseException as exc:
        _discard(wb)
        if isinstance(exc, OSError):  # openpyxl's temporary files (the system temp folder)
            raise cannot_write(path, exc) from None
        raise
    atomic_write_bytes(path, buf.getvalue())
    return path


def _discard(wb: Workbook) -> None:
    """Close the row streams of a write-only workbook that failed to save and remove their
    temporary files, so that nothing is left to the garbage collector."""
    import os

    for ws in wb.worksheets:
        for stream in (
            getattr(ws, "_rows", None),
            getattr(getattr(ws, "_writer", None), "xf", None),
        ):
            if stream is not None:
                with contextlib.suppress(Exception):
                    stream.close()
        out = getattr(getattr(ws, "_writer", None), "out", None)
        if isinstance(out, str):
            with contextlib.suppress(OSError):
                os.remove(out)


def safe_row(ws: Any, values: Iterable[object]) -> list[object]:
    """``values`` ready for ``ws.append``, never a formula.

    Each text is neutralised (:mod:`assessment.io.cells`) and stored as a string (openpyxl makes
    any text starting with ``=`` a formula; neutralised text never does, and such a text would be
    forced to a string cell); numbers and ``None`` as they are.

    Parameters
    ----------
    ws : openpyxl worksheet
        The sheet the row goes to.
    values : iterable of object
        The cell values.

    Returns
    -------
    list of object
        The cells to append.
    """
    from openpyxl.cell.cell import Cell

    row: list[object] = []
    for value in values:
        if isinstance(value, str):
            value = neutralise(value)
            if value.startswith("="):  # defensive: a plain str would be bound as a formula
                cell = Cell(ws, row=1, column=1, value=value)  # placed by ws.append
                cell.data_type = "s"
                value = cell
        row.append(value)
    return row

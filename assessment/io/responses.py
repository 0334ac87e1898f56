"""Reading response files: CSV, JSON and XLSX, long or wide, into one validated :class:`ResponseSet`.

:func:`read_records` is the one file reader: ``read_responses`` and ``centric score`` use it, and so
does ``centric import`` (:func:`assessment.service.import_file`). Every format goes through two steps:

1. ``parse_long_rows`` / ``parse_wide_rows`` turn rows (mappings of column name to cell value, as
   an XLSX sheet or a JSON list gives them) into canonical :class:`ResponseRecord`\\ s plus the
   :class:`Problem`\\ s found in single cells (non-integer rating, bad ``na`` flag, ...). They do
   not need the instrument. A long CSV skips the mappings: its rows stay the lists
   :class:`csv.reader` gives, read by column position worked out once from the header (about
   twice as fast; same records, same problems).
2. :func:`questionnaires.answers.records_to_response_set` checks the records against the instrument (unknown items, ratings
   outside the item's scale, duplicate answers, conflicting respondents, unknown roles, several
   waves) and builds the arrays. Import is all-or-nothing: when any problem exists it raises one
   :class:`ResponseError` listing all of them, with row and column.

Cell conventions: ``""``, ``NA`` and ``N/A`` (any case) are missing; a rating cell (current *or*
target) reading ``NA`` or ``N/A`` marks the answer as explicitly not applicable, and then the other
rating cell must be empty: ``current = N/A`` with a target and ``target = N/A`` with a current
rating are both refused ("na is true but ... also has a rating"). ``na`` accepts true/false, 1/0, yes/no.
Ratings must be whole numbers (``4`` or ``4.0``). Rows are numbered as a spreadsheet shows them: the
header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from questionnaires.answers import (
    LONG_COLUMNS,
    ResponseRecord,
    ResponseSet,
    choose_instrument,
    lookalike_note,
    records_to_response_set,
    shown_id,
    skeleton,
)
from questionnaires.answers import ProblemLog as _Ctx
from questionnaires.answers import did_you_mean as _suggest
from questionnaires.errors import Problem, ResponseError

if TYPE_CHECKING:
    from questionnaires.model import Instrument

__all__ = [
    "LONG_REQUIRED",
    "WIDE_REQUIRED",
    "declared_instrument",
    "detect_layout",
    "layout_and_sheet",
    "parse_long_rows",
    "parse_wide_rows",
    "read_records",
    "read_responses",
    "read_rows",
    "records_to_response_set",
]

LONG_REQUIRED = ("respondent", "role", "department", "item", "current")
WIDE_REQUIRED = ("respondent", "role", "department")
WIDE_META = ("wave", "respondent", "role", "department")
WIDE_SUFFIXES = ("target", "na", "comment", "confidence")
MISSING = frozenset({"", "na", "n/a"})
_TRUE = frozenset({"true", "1", "yes", "y"})
_FALSE = frozenset({"false", "0", "no", "n", ""})
ITEM_COLUMN = re.compile(rf"^([A-Z][A-Z0-9]{{1,7}}-\d{{2}})(?:\.({'|'.join(WIDE_SUFFIXES)}))?$")
_WHOLE_DECIMAL = re.compile(r"[+-]?\d+\.0*")
_ALMOST_ITEM = re.compile(r"^[A-Za-z]{2,8}[-_ ]?\d{1,3}(?:\.\w+)?$")
# columns that carry no answers and are expected: a `centric template` sheet's reference columns
IGNORED_QUIETLY = frozenset({"capability", "question", ""})


# -- cells -------------------------------------------------------------------------------------


def _text(value: object) -> str:
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from a spreadsheet reader
        return ""
    return str(value).strip()


def _is_missing(value: object) -> bool:
    return _text(value).casefold() in MISSING


def _parse_int(value: object) -> int | None:
    """A whole number, or ``None`` when the cell is missing. Raises ``ValueError`` otherwise."""
    if type(value) is str:
        text = value.strip()
        if text.isdigit():
            return int(text)
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value:
            return None
        if value.is_integer():
            return int(value)
        raise ValueError(value)
    text = _text(value)
    if text.casefold() in MISSING:
        return None
    try:
        return int(text)
    except ValueError:
        # "4.0" (a spreadsheet's number) is 4; "1e0", "inf" and "4.5" are not whole numbers
        if _WHOLE_DECIMAL.fullmatch(text):
            return int(text.partition(".")[0])
        raise


def _parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE or text in MISSING:
        return False
    raise ValueError(value)


def _rating(ctx: _Ctx, value: object, row: int, column: str, item: str) -> tuple[int | None, bool]:
    """Parse a rating cell: (value, explicit N/A)."""
    text = _text(value)
    if text.casefold() in ("na", "n/a"):
        return None, True
    try:
        return _parse_int(value), False
    except ValueError:
        ctx.add(
            f"{column} {text!r} for {item} is not a whole number; use an option number", row, column
        )
        return None, False


def _flag(ctx: _Ctx, value: object, row: int, column: str) -> bool:
    try:
        return _parse_bool(value)
    except ValueError:
        ctx.add(
            f"na {_text(value)!r} is not true/false (use true, false, yes, no, 1 or 0)", row, column
        )
        return False


def _header_problems(
    ctx: _Ctx, header: Sequence[str], required: Sequence[str], known: Sequence[str], layout: str
) -> bool:
    """Report missing required columns and near-misses of known names. True when usable."""
    present = set(header)
    ok = True
    for col in required:
        if col not in present:
            ctx.add(
                f"missing required column {col!r} ({layout} format needs {', '.join(required)})",
                row=1,
            )
            ok = False
    ignored = []
    for col in header:
        if col in known or (layout == "wide" and ITEM_COLUMN.match(col)):
            continue
        hint = _suggest(col, known, 0.8)
        twin = skeleton(col)
        if layout == "wide" and twin != col and ITEM_COLUMN.match(twin):
            ctx.add(
                f"column {shown_id(col)} looks like the item column {twin!r}"
                f"{lookalike_note(col)}; retype the column name",
                row=1,
                column=col,
            )
        elif hint:
            ctx.add(f"unknown column {col!r}{hint}", row=1, column=col)
        elif layout == "wide" and _ALMOST_ITEM.match(col):
            ctx.add(
                f"column {col!r} looks like an item but item columns are named like 'MET-03' "
                "or 'MET-03.target'",
                row=1,
                column=col,
            )
        elif col not in IGNORED_QUIETLY:
            ignored.append(col)
    if ignored and ok:
        names = ", ".join(repr(c) for c in ignored)
        ctx.warn(
            f"ignored column{'s' if len(ignored) > 1 else ''} {names}: not part of the {layout} "
            f"format ({', '.join(known)}); rename a column to use it, e.g. 'comment'",
            row=1,
        )
    return ok


def _clean_name(raw: object) -> str | None:
    """A column name as matched: trimmed, BOM dropped, DESIGN §5 names lower-cased; ``None`` for
    the surplus-cells key of :class:`csv.DictReader`."""
    if raw is None:
        return None
    key = _text(raw).lstrip("\ufeff")
    folded = key.casefold()
    return folded if folded in LONG_COLUMNS else key


_KEYMAPS: dict[tuple[object, ...], dict[object, str]] = {}


def _keymap(keys: tuple[object, ...]) -> dict[object, str]:
    """Raw column name -> clean name (see :func:`_clean_name`), cached per header."""
    found = _KEYMAPS.get(keys)
    if found is None:
        found = {k: name for k in keys if (name := _clean_name(k)) is not None}
        if len(_KEYMAPS) < 256:
            _KEYMAPS[keys] = found
    return found


def _normalise_keys(row: Mapping[str, object]) -> dict[str, object]:
    keymap = _keymap(tuple(row))
    return {keymap[k]: v for k, v in row.items() if k in keymap}


@dataclass(frozen=True)
class _Columns:
    """Where the cells of a header sit in a row given as a list of cells.

    ``names`` are the distinct clean column names in order of first appearance (what the header
    check sees), ``cells`` the position of each (the last one when a name repeats, as a
    :class:`dict` row keeps it), ``at`` the position of each DESIGN §5 column in
    :data:`LONG_COLUMNS` order; an absent column points at the filler cell after the last column
    that every row carries.
    """

    names: tuple[str, ...]
    cells: tuple[int, ...]
    at: tuple[int, ...]


def _columns(header: Sequence[object]) -> _Columns:
    where: dict[str, int] = {}
    for k, raw in enumerate(header):
        name = _clean_name(raw)
        if name is not None:
            where[name] = k  # a repeated name keeps its first place and its last cell
    width = len(header)
    return _Columns(
        tuple(where), tuple(where.values()), tuple(where.get(c, width) for c in LONG_COLUMNS)
    )


def _mapping_cells(
    rows: Iterable[Mapping[str, object]],
) -> Iterator[tuple[list[object], _Columns]]:
    """Mapping rows (XLSX, JSON, templates) as (cells + filler, columns); the columns are worked
    out once per distinct key order, so JSON records may differ in the keys they carry."""
    known: dict[tuple[object, ...], _Columns] = {}
    for row in rows:
        keys = tuple(row)
        cols = known.get(keys)
        if cols is None:
            cols = _columns(keys)
            if len(known) < 256:
                known[keys] = cols
        values = list(row.values())
        values.append(None)
        yield values, cols


# Exact cell texts of the `na` column and their meaning; anything else goes through _parse_bool.
_NA_CELLS = {
    **dict.fromkeys(("", "false", "False", "FALSE", "0", "no", "No", "NO"), False),
    **dict.fromkeys(("true", "True", "TRUE", "1", "yes", "Yes", "YES"), True),
}


# -- long --------------------------------------------------------------------------------------


def parse_long_rows(
    rows: Iterable[Mapping[str, object]],
    *,
    source: str,
    sheet: str | None = None,
    first_row: int = 2,
    wave: str | None = None,
) -> tuple[list[ResponseRecord], list[Problem]]:
    """Parse long-format rows (one answer per row, columns of DESIGN §5) into records.

    Required columns: ``respondent``, ``role``, ``department``, ``item``, ``current``; optional:
    ``wave``, ``target``, ``na``, ``confidence``, ``comment``. Column names are matched
    case-insensitively. When the file has no ``wave`` column, ``wave`` (if given) fills it.
    Rows are consumed one at a time (large files are streamed). Returns the records and every
    problem found in single cells; checks against the instrument happen in
    :func:`records_to_response_set`.
    """
    ctx = _Ctx(source, sheet, [])
    records = _parse_long(ctx, _mapping_cells(rows), first_row, wave)
    return records, ctx.problems


def _parse_long(
    ctx: _Ctx,
    rows: Iterable[tuple[Sequence[object], _Columns]],
    first_row: int,
    wave: str | None,
) -> list[ResponseRecord]:
    """The long parser proper, over rows given as (cells, columns); see :func:`parse_long_rows`.

    CSV rows arrive as lists of strings with one :class:`_Columns` for the whole file, so the
    usual cell (a plain whole number, an empty cell, ``true``/``false``) is decided inline; every
    other cell goes through the general helpers, which give the same values and messages.
    """
    records: list[ResponseRecord] = []
    append = records.append
    record = ResponseRecord
    default_wave = wave or ""
    na_cells = _NA_CELLS
    cols: _Columns | None = None
    cells: tuple[int, ...] = ()
    i_wave = i_resp = i_role = i_dept = i_item = i_cur = i_tgt = i_na = i_conf = i_comm = 0
    usable = True
    row_no = first_row - 1
    for values, found in rows:
        row_no += 1
        if found is not cols:
            if cols is None:
                usable = _header_problems(ctx, found.names, LONG_REQUIRED, LONG_COLUMNS, "long")
                if not usable:
                    break
            cols = found
            cells = found.cells
            i_wave, i_resp, i_role, i_dept, i_item, i_cur, i_tgt, i_na, i_conf, i_comm = found.at
        c = values[i_item]
        item = c.strip() if type(c) is str else _text(c)
        if (  # a blank line; the item cell alone settles it in nearly every row
            len(item) <= 3
            and item.casefold() in MISSING
            and all(_is_missing(values[k]) for k in cells)
        ):
            continue
        c = values[i_resp]
        respondent = c.strip() if type(c) is str else _text(c)
        if not respondent:
            ctx.add("respondent is empty; every answer needs a respondent id", row_no, "respondent")
        if not item:
            ctx.add("item is empty; give an item id such as MET-03", row_no, "item")
        c = values[i_cur]
        if type(c) is str and c.isdecimal():
            current, na_cur = int(c), False
        elif c == "" or c is None:
            current, na_cur = None, False
        else:
            current, na_cur = _rating(ctx, c, row_no, "current", item)
        c = values[i_tgt]
        if type(c) is str and c.isdecimal():
            target = int(c)
        elif c == "" or c is None:
            target = None
        else:
            target, na_tgt = _rating(ctx, c, row_no, "target", item)
            na_cur = na_cur or na_tgt
        c = values[i_na]
        na = na_cells.get(c) if type(c) is str else None
        if na is None:
            na = _flag(ctx, c, row_no, "na")
        c = values[i_conf]
        if type(c) is str and c.isdecimal():
            confidence: int | None = int(c)
        elif c == "" or c is None:
            confidence = None
        else:
            try:
                confidence = _parse_int(c)
            except ValueError:
                ctx.add(f"confidence {_text(c)!r} is not a whole number 1..3", row_no, "confidence")
                confidence = None
        c = values[i_comm]
        comment = (c.strip() if type(c) is str else _text(c)) or None
        c = values[i_wave]
        c2 = values[i_role]
        c3 = values[i_dept]
        append(
            record(
                (c.strip() if type(c) is str else _text(c)) or default_wave,
                respondent,
                c2.strip() if type(c2) is str else _text(c2),
                c3.strip() if type(c3) is str else _text(c3),
                item,
                current,
                target,
                na or na_cur,
                confidence,
                comment,
                row_no,
            )
        )
    if cols is None and usable:  # a missing column was reported already: not also "empty"
        ctx.add("no responses: the file is empty or has only a header row")
    elif usable and not records and not any(not p.warning for p in ctx.problems):
        ctx.add("no responses: every data row is blank")
    return records


# -- wide --------------------------------------------------------------------------------------


def parse_wide_rows(
    rows: Iterable[Mapping[str, object]],
    *,
    source: str,
    sheet: str | None = None,
    first_row: int = 2,
    wave: str | None = None,
) -> tuple[list[ResponseRecord], list[Problem]]:
    """Parse wide-format rows (one row per respondent) into long records.

    Columns: ``wave`` (optional; else ``wave``), ``respondent``, ``role``, ``department``, and per
    item ``<ITEM>`` (current), ``<ITEM>.target`` and optionally ``<ITEM>.na``, ``<ITEM>.comment``,
    ``<ITEM>.confidence``. Item columns are recognised by their id pattern (``MET-03``); whether the
    item exists is checked later against the instrument. Cells left empty give no record.
    """
    ctx = _Ctx(source, sheet, [])
    records: list[ResponseRecord] = []
    header_checked = False
    items: list[str] = []
    for row_no, raw in enumerate(rows, start=first_row):
        row = _normalise_keys(raw)
        if not header_checked:
            header_checked = True
            header = list(row)
            known = (*WIDE_META, *LONG_COLUMNS)
            if not _header_problems(ctx, header, WIDE_REQUIRED, WIDE_META, "wide"):
                break
            seen: dict[str, None] = {}
            for col in header:
                m = ITEM_COLUMN.match(col)
                if m:
                    seen.setdefault(m.group(1))
                elif col in known and col not in WIDE_META:
                    ctx.add(
                        f"column {col!r} belongs to the long format; a wide file has one column "
                        "per item (e.g. 'MET-03', 'MET-03.target')",
                        row=1,
                        column=col,
                    )
            items = list(seen)
            if not items:
                ctx.add(
                    "no item columns found; name them by item id, e.g. 'MET-03' and 'MET-03.target'",
                    row=1,
                )
                break
        if all(_is_missing(v) for v in row.values()):
            continue
        respondent = _text(row.get("respondent"))
        if not respondent:
            ctx.add("respondent is empty; every row needs a respondent id", row_no, "respondent")
        base = {
            "wave": _text(row.get("wave")) or (wave or ""),
            "respondent": respondent,
            "role": _text(row.get("role")),
            "department": _text(row.get("department")),
        }
        for item in items:
            cells = [row.get(item), row.get(f"{item}.target"), row.get(f"{item}.na")]
            comment = _text(row.get(f"{item}.comment")) or None
            conf_cell = row.get(f"{item}.confidence")
            if (
                all(_is_missing(c) and _text(c) == "" for c in cells)
                and comment is None
                and _is_missing(conf_cell)
            ):
                continue
            current, na_cur = _rating(ctx, cells[0], row_no, item, item)
            target, na_tgt = _rating(ctx, cells[1], row_no, f"{item}.target", item)
            na = _flag(ctx, cells[2], row_no, f"{item}.na") or na_cur or na_tgt
            try:
                confidence = _parse_int(conf_cell)
            except ValueError:
                ctx.add(
                    f"confidence {_text(conf_cell)!r} is not a whole number 1..3",
                    row_no,
                    f"{item}.confidence",
                )
                confidence = None
            records.append(
                ResponseRecord(
                    **base,
                    item=item,
                    current=current,
                    target=target,
                    na=na,
                    confidence=confidence,
                    comment=comment,
                    row=row_no,
                )
            )
    if not header_checked:
        ctx.add("no responses: the file is empty or has only a header row")
    return records, ctx.problems


# -- files -------------------------------------------------------------------------------------


def _first_bad_line(path: Path) -> tuple[int, int] | None:
    """(1-based line number, byte offset in the line) of the first line that is not UTF-8."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return number, exc.start
    return None


def _not_utf8(ctx: _Ctx, path: Path, exc: UnicodeDecodeError, row: int) -> None:
    # the text layer decodes in blocks: find the exact line by decoding line by line
    line, col = _first_bad_line(path) or (row, exc.start)
    ctx.add(
        f"not UTF-8 text ({exc.reason} at byte {col + 1} of the line); save the file as "
        "UTF-8 (in Excel: 'CSV UTF-8'); the encoding is never guessed",
        line,
    )


def _delimiter(first_line: str, path: Path) -> str:
    if path.suffix.lower() == ".tsv" or ("\t" in first_line and "," not in first_line):
        return "\t"
    if ";" in first_line and "," not in first_line:
        return ";"
    return ","


def detect_layout(header: Sequence[str]) -> str:
    """``"long"`` when there is an ``item`` column, ``"wide"`` when columns are item ids."""
    cols = {h.strip().lstrip("\ufeff").casefold() for h in header}
    if "item" in cols:
        return "long"
    if any(ITEM_COLUMN.match(h.strip()) for h in header):
        return "wide"
    return "unknown"


def _bad_header(first: str, delimiter: str, exc: csv.Error) -> str:
    """What is wrong with a header line :mod:`csv` refuses (a cell over the field size limit)."""
    limit = csv.field_size_limit()
    cells = first.rstrip("\r\n").split(delimiter)
    long = next((k for k, c in enumerate(cells, 1) if len(c) > limit), None)
    if long is None:
        return f"not valid CSV in the header: {exc}; check the quotes of the first line"
    return (
        f"not valid CSV: column {long} of the header has {len(cells[long - 1]):,} characters, "
        f"over the limit of {limit:,}; the first line must hold the column names "
        "(check the delimiter and quotes)"
    )


def _csv_body(
    reader: Iterator[list[str]], ctx: _Ctx, path: Path, header: Sequence[str]
) -> Iterator[list[str]]:
    """The data rows of a CSV as lists of exactly ``len(header)`` cells plus one empty filler cell
    (see :class:`_Columns`). Every cell goes through :func:`assessment.io.cells.restore` (undoes
    the formula neutralisation of the writers, OWASP CSV injection), as in XLSX. A decoding or CSV
    syntax error ends the rows with a problem naming the line."""
    from assessment.io.cells import restore

    width = len(header)
    pad = [""] * width
    try:
        for values in reader:
            if len(values) != width:  # short rows are padded, surplus cells dropped
                values = (values + pad)[:width]
            if "'" in "".join(values):
                values = [restore(v) if v[:1] == "'" else v for v in values]
            values.append("")
            yield values
    except UnicodeDecodeError as exc:
        _not_utf8(ctx, path, exc, reader.line_num + 2)  # type: ignore[attr-defined]
    except csv.Error as exc:
        ctx.add(f"not valid CSV: {exc}", reader.line_num + 1)  # type: ignore[attr-defined]


def _read_csv(
    path: Path, ctx: _Ctx, wave: str | None, layouts: list[str] | None = None
) -> list[ResponseRecord]:
    """Read a CSV/TSV file (UTF-8, BOM allowed; comma, semicolon or tab) into records.

    Long files without template columns are parsed straight from :class:`csv.reader` lists with
    the column positions worked out once; wide files and filled-in templates go through rows as
    mappings (:func:`parse_wide_rows`, :func:`~assessment.io.template.template_rows`). Rows are
    numbered as a spreadsheet shows them: empty lines count.
    """
    from assessment.io.template import is_template_header, template_rows

    known = len(ctx.problems)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        try:
            first = fh.readline()
        except UnicodeDecodeError as exc:
            _not_utf8(ctx, path, exc, 1)
            return []
        if not first.strip():
            ctx.add("no responses: the file is empty")
            return []
        delimiter = _delimiter(first, path)
        try:
            header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter))]
        except csv.Error as exc:
            ctx.add(_bad_header(first, delimiter, exc), row=1)
            return []
        reader = csv.reader(fh, delimiter=delimiter)
        body = _csv_body(reader, ctx, path, header)
        top = next(body, None)
        if top is None:
            if len(ctx.problems) == known:
                ctx.add("no responses: the file has only a header row")
            return []
        layout = detect_layout(header)
        if layout == "unknown":
            ctx.add(
                "cannot tell the layout: a long file needs an 'item' column, a wide file needs "
                "item columns such as 'MET-03'",
                row=1,
            )
            return []
        if layouts is not None:
            layouts.append(layout)
        rows = itertools.chain([top], body)
        if layout == "long" and not is_template_header(header):
            return _parse_long(ctx, zip(rows, itertools.repeat(_columns(header))), 2, wave)
        dicts = (dict(zip(header, values, strict=False)) for values in rows)
        if layout == "long":  # a filled-in `centric template` sheet
            records, found = parse_long_rows(template_rows(dicts), source=ctx.source, wave=wave)
        else:
            records, found = parse_wide_rows(dicts, source=ctx.source, wave=wave)
        ctx.problems.extend(found)
        return records


def read_records(
    path: str | Path,
    *,
    wave: str | None = None,
    problems: list[Problem] | None = None,
    layouts: list[str] | None = None,
) -> tuple[list[ResponseRecord], list[Problem], dict[str, str]]:
    """Read one CSV/TSV/JSON/XLSX file into ``(records, problems, declared)``: the one reader
    behind :func:`read_responses` and ``centric import`` (:func:`assessment.service.import_file`).

    ``declared`` maps wave names to the instrument (``id@version``) the file names for them: a
    JSON ``"waves"`` list or an exported workbook's ``waves`` sheet; the key ``""`` holds an
    instrument named for the whole file (JSON ``"instrument"``, a template's hidden ``_centric``
    sheet). Problems are appended to ``problems`` when given; the file's layout (``"long"`` or
    ``"wide"``, when it could be told) is appended to ``layouts`` when given, so that later
    problems can name a wide file's real columns (``CUL-01.target``); for a workbook it is
    followed by ``"sheet:NAME"``, the sheet read (see :func:`layout_and_sheet`).
    """
    path = Path(path)
    ctx = _Ctx(str(path), None, problems if problems is not None else [])
    if not path.exists():
        ctx.add("no such file; check the path")
        return [], ctx.problems, {}
    if path.is_dir():
        ctx.add("is a directory; give a CSV, JSON or XLSX file")
        return [], ctx.problems, {}
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm") and _is_zip(path):
        ctx.add(
            "this is an Excel workbook (or another zip file), not text; name it .xlsx, or save "
            "the sheet from Excel as CSV UTF-8"
        )
        return [], ctx.problems, {}
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, ctx, wave, layouts)
    if suffix == ".json":
        return _read_json(path, ctx, wave)
    return _read_csv(path, ctx, wave, layouts), ctx.problems, {}


def layout_and_sheet(layouts: Sequence[str]) -> tuple[str, str | None]:
    """``(layout, sheet)`` from what :func:`read_records` put in its ``layouts`` list."""
    layout = next((x for x in layouts if not x.startswith("sheet:")), "long")
    sheet = next((x[6:] for x in layouts if x.startswith("sheet:")), None)
    return layout, sheet


def _is_zip(path: Path) -> bool:
    """The file starts with a zip signature (an .xlsx workbook saved under another name)."""
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def declared_instrument(declared: Mapping[str, str], wave: str | None = None) -> str | None:
    """The instrument a file names for ``wave`` (or, without a wave, for all of it): the wave's
    own entry, else the whole-file one, else the single instrument all its waves name."""
    if wave is not None and wave in declared:
        return declared[wave]
    if "" in declared:
        return declared[""]
    named = set(declared.values())
    return named.pop() if len(named) == 1 else None


def read_rows(
    path: str | Path, *, wave: str | None = None, problems: list[Problem] | None = None
) -> tuple[list[ResponseRecord], list[Problem], str | None]:
    """Read one CSV/TSV/JSON/XLSX file into records; returns ``(records, problems, declared)``.

    ``declared`` is the instrument the file names (see :func:`declared_instrument`), or ``None``.
    """
    records, found, declared = read_records(path, wave=wave, problems=problems)
    return records, found, declared_instrument(declared, wave)


def _read_json(
    path: Path, ctx: _Ctx, wave: str | None
) -> tuple[list[ResponseRecord], list[Problem], dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig") as fh:
            data: Any = json.load(fh)
    except UnicodeDecodeError as exc:
        ctx.add(
            f"not UTF-8 ({exc.reason} at byte {exc.start}); save the file as UTF-8, nothing was guessed"
        )
        return [], ctx.problems, {}
    except json.JSONDecodeError as exc:
        ctx.add(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}", exc.lineno)
        return [], ctx.problems, {}
    declared: dict[str, str] = {}
    if isinstance(data, dict):
        named = data.get("instrument")
        if isinstance(named, str):
            declared[""] = named
        elif named is not None:
            ctx.add(
                "'instrument' must be a string like 'customer-centricity@1.0.0'",
                column="instrument",
            )
        for k, w in enumerate(data.get("waves") or []):
            if (
                isinstance(w, dict)
                and isinstance(w.get("wave"), str)
                and isinstance(w.get("instrument"), str)
            ):
                declared[w["wave"]] = w["instrument"]
            else:
                ctx.add(f'waves[{k}] needs "wave" and "instrument" strings', column="waves")
        if wave is None and isinstance(data.get("wave"), str):
            wave = data["wave"]
        data = data.get("responses")
        if data is None:
            ctx.add(
                'JSON object has no \'responses\' list; expected {"instrument": ..., "responses": [...]}'
            )
            return [], ctx.problems, declared
    if not isinstance(data, list):
        ctx.add("expected a list of response records (or an object with a 'responses' list)")
        return [], ctx.problems, declared
    bad = [k for k, rec in enumerate(data) if not isinstance(rec, dict)]
    if bad:
        ctx.add(
            f'responses[{bad[0]}] is not an object; each response is {{"respondent": ..., "item": ...}}'
        )
        return [], ctx.problems, declared
    # JSON records have no spreadsheet rows: "row" k is the k-th record (1-based) of "responses"
    records, found = parse_long_rows(data, source=str(path), first_row=1, wave=wave)
    ctx.problems.extend(found)
    return records, ctx.problems, declared


def _read_xlsx(
    path: Path, ctx: _Ctx, wave: str | None, layouts: list[str] | None = None
) -> tuple[list[ResponseRecord], list[Problem], dict[str, str]]:
    try:
        from assessment.io.xlsx import read_xlsx
    except ImportError:
        ctx.add("reading .xlsx is not available in this installation; save the sheet as CSV UTF-8")
        return [], ctx.problems, {}
    records, found, declared = read_xlsx(path, wave=wave, layouts=layouts)
    ctx.problems.extend(found)
    return records, ctx.problems, declared


def read_wave(
    path: str | Path | Sequence[str | Path],
    instrument: Instrument | None = None,
    *,
    wave: str | None = None,
) -> tuple[Instrument, ResponseSet]:
    """Like :func:`read_responses`, and also return the instrument the answers were checked against."""
    paths = [Path(path)] if isinstance(path, str | Path) else [Path(p) for p in path]
    if not paths:
        raise ResponseError([Problem("no response file given")])
    source = str(paths[0]) if len(paths) == 1 else ", ".join(str(p) for p in paths)
    _refuse_repeated(paths, source)
    records: list[ResponseRecord] = []
    problems: list[Problem] = []
    declared: list[str] = []
    counts: list[tuple[str, int, str]] = []
    sheet: str | None = None
    for p in paths:
        layout: list[str] = []
        recs, _, found = read_records(p, wave=wave, problems=problems, layouts=layout)
        named = declared_instrument(found, wave)
        records.extend(recs)
        kind, sheet = layout_and_sheet(layout)
        counts.append((str(p), len(recs), kind))
        if named:
            declared.append(named)
    inst = choose_instrument(source, declared, instrument, problems=problems)
    if not records and any(not p.warning for p in problems):
        raise ResponseError(problems, source)
    rs = records_to_response_set(
        inst,
        records,
        source=source,
        problems=problems,
        wave=wave,
        files=counts,
        sheet=sheet if len(paths) == 1 else None,
    )
    return inst, rs


def _refuse_repeated(paths: Sequence[Path], source: str) -> None:
    """One problem when the same file is given twice (by the same or another name): its answers
    would otherwise all be reported as duplicates of themselves."""
    import os

    seen: list[Path] = []
    for p in paths:
        for q in seen:
            try:
                same = os.path.samefile(p, q)
            except OSError:
                same = p.resolve() == q.resolve()
            if same:
                also = "" if str(p) == str(q) else f" (also as {p})"
                raise ResponseError(
                    [Problem(f"the file {q} is given twice{also}; give each file once")], source
                )
        seen.append(p)


def read_responses(
    path: str | Path | Sequence[str | Path],
    instrument: Instrument | None = None,
    *,
    wave: str | None = None,
) -> ResponseSet:
    """Read one (or several) response files into a validated :class:`ResponseSet`.

    CSV (comma, semicolon or tab separated; UTF-8 with or without BOM), JSON (a list of long
    records, or ``{"instrument": "id@version", "wave": ..., "responses": [...]}``) and XLSX
    (via :mod:`assessment.io.xlsx`). Long or wide layout is detected from the header. Several
    files are combined into one wave (answers must not repeat across them). The instrument is
    ``instrument`` if given, else the one a JSON file declares, else the newest
    ``customer-centricity``; a file that declares a different version is an error.
    """
    return read_wave(path, instrument, wave=wave)[1]

"""Reading response files: CSV and JSON, long or wide, into one validated :class:`ResponseSet`.

Every format goes through the same two steps:

1. ``parse_long_rows`` / ``parse_wide_rows`` turn rows (mappings of column name to cell value, as
   :class:`csv.DictReader` or an XLSX sheet gives them) into canonical :class:`ResponseRecord`\\ s
   plus the :class:`Problem`\\ s found in single cells (non-integer rating, bad ``na`` flag, ...).
   They do not need the instrument.
2. :func:`records_to_response_set` checks the records against the instrument (unknown items, ratings
   outside the item's scale, duplicate answers, conflicting respondents, unknown roles, several
   waves) and builds the arrays. Import is all-or-nothing: when any problem exists it raises one
   :class:`ResponseError` listing all of them, with row and column.

Cell conventions: ``""``, ``NA`` and ``N/A`` (any case) are missing; a rating cell reading ``NA`` or
``N/A`` also marks the answer as explicitly not applicable. ``na`` accepts true/false, 1/0, yes/no.
Ratings must be whole numbers (``4`` or ``4.0``). Rows are numbered as a spreadsheet shows them: the
header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.errors import Problem, ResponseError
from assessment.responses import (
    LONG_COLUMNS,
    Comment,
    Respondent,
    ResponseRecord,
    ResponseSet,
    normalise_department,
)

if TYPE_CHECKING:
    from assessment.model import Instrument

__all__ = [
    "LONG_REQUIRED",
    "WIDE_REQUIRED",
    "detect_layout",
    "parse_long_rows",
    "parse_wide_rows",
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
ITEM_COLUMN = re.compile(r"^([A-Z][A-Z0-9]{1,7}-\d{2})(?:\.(target|na|comment|confidence))?$")
_ALMOST_ITEM = re.compile(r"^[A-Za-z]{2,8}[-_ ]?\d{1,3}(?:\.\w+)?$")
MAX_ROWS_SHOWN = 5
_TEXT = frozenset({"wave", "respondent", "role", "department", "comment"})


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
        number = float(text)  # raises ValueError for words
        if number.is_integer():
            return int(number)
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


def _suggest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f"; did you mean {close[0]!r}?" if close else ""


def _rows_text(rows: Sequence[int | None]) -> str:
    known = [r for r in rows if r is not None]
    if not known:
        return ""
    shown = ", ".join(str(r) for r in known[:MAX_ROWS_SHOWN])
    more = f" and {len(known) - MAX_ROWS_SHOWN} more" if len(known) > MAX_ROWS_SHOWN else ""
    return f"row{'s' if len(known) > 1 else ''} {shown}{more}"


@dataclass
class _Ctx:
    source: str
    sheet: str | None
    problems: list[Problem]

    def add(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.problems.append(Problem(message, self.source, row, column, self.sheet))


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
    for col in header:
        if col in known or ITEM_COLUMN.match(col):
            continue
        hint = _suggest(col, known, 0.8)
        if hint:
            ctx.add(f"unknown column {col!r}{hint}", row=1, column=col)
        elif layout == "wide" and _ALMOST_ITEM.match(col):
            ctx.add(
                f"column {col!r} looks like an item but item columns are named like 'MET-03' "
                "or 'MET-03.target'",
                row=1,
                column=col,
            )
    return ok


_KEYMAPS: dict[tuple[object, ...], dict[object, str]] = {}


def _keymap(keys: tuple[object, ...]) -> dict[object, str]:
    """Raw column name -> clean name (trimmed, BOM dropped, DESIGN §5 names lower-cased)."""
    found = _KEYMAPS.get(keys)
    if found is None:
        found = {}
        for k in keys:
            if k is None:  # csv.DictReader puts surplus cells under None
                continue
            key = _text(k).lstrip("\ufeff")
            found[k] = key.casefold() if key.casefold() in LONG_COLUMNS else key
        if len(_KEYMAPS) < 256:
            _KEYMAPS[keys] = found
    return found


def _normalise_keys(row: Mapping[str, object]) -> dict[str, object]:
    keymap = _keymap(tuple(row))
    return {keymap[k]: v for k, v in row.items() if k in keymap}


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
    records: list[ResponseRecord] = []
    header_checked = False
    usable = True
    for row_no, raw in enumerate(rows, start=first_row):
        row = _normalise_keys(raw)
        if not header_checked:
            header_checked = True
            usable = _header_problems(ctx, list(row), LONG_REQUIRED, LONG_COLUMNS, "long")
            if not usable:
                break
        if all(_is_missing(v) for v in row.values()):
            continue  # blank line
        item = _text(row.get("item"))
        respondent = _text(row.get("respondent"))
        if not respondent:
            ctx.add("respondent is empty; every answer needs a respondent id", row_no, "respondent")
        if not item:
            ctx.add("item is empty; give an item id such as MET-03", row_no, "item")
        current, na_cur = _rating(ctx, row.get("current"), row_no, "current", item)
        target, _ = _rating(ctx, row.get("target"), row_no, "target", item)
        na = _flag(ctx, row.get("na"), row_no, "na") or na_cur
        try:
            confidence = _parse_int(row.get("confidence"))
        except ValueError:
            ctx.add(
                f"confidence {_text(row.get('confidence'))!r} is not a whole number 1..3",
                row_no,
                "confidence",
            )
            confidence = None
        comment = _text(row.get("comment")) or None
        records.append(
            ResponseRecord(
                wave=_text(row.get("wave")) or (wave or ""),
                respondent=respondent,
                role=_text(row.get("role")),
                department=_text(row.get("department")),
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
    elif usable and not records and not ctx.problems:
        ctx.add("no responses: every data row is blank")
    return records, ctx.problems


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
            target, _ = _rating(ctx, cells[1], row_no, f"{item}.target", item)
            na = _flag(ctx, cells[2], row_no, f"{item}.na") or na_cur
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


# -- validation against the instrument ---------------------------------------------------------


def records_to_response_set(
    instrument: Instrument,
    records: Sequence[ResponseRecord],
    *,
    source: str,
    problems: Sequence[Problem] = (),
    wave: str | None = None,
    sheet: str | None = None,
) -> ResponseSet:
    """Validate records against ``instrument`` and build the respondents × items arrays.

    All-or-nothing: raises one :class:`ResponseError` listing ``problems`` plus every problem
    found here (unknown item with the closest id suggested, rating outside the item's scale,
    N/A with a rating or on an item that does not allow it, duplicate answers with both rows,
    a respondent whose role or department differs between rows, unknown role, item not asked
    of the respondent's role, several waves). ``wave`` selects one wave when records hold several.

    Respondents keep the order of first appearance; columns follow the instrument's item order.
    Departments are matched on :func:`normalise_department` (the first spelling is displayed).
    """
    import numpy as np

    ctx = _Ctx(source, sheet, list(problems))
    if not records and not problems:
        ctx.add("no responses found")

    # waves
    waves: dict[str, list[int | None]] = {}
    for rec in records:
        waves.setdefault(rec.wave, []).append(rec.row)
    if wave is not None:
        if records and wave not in waves:
            have = ", ".join(repr(w) for w in waves if w) or "none"
            ctx.add(f"no answers for wave {wave!r}; waves in the file: {have}", column="wave")
        records = [r for r in records if r.wave == wave]
        chosen = wave
    else:
        named = [w for w in waves if w]
        if "" in waves:
            ctx.add(
                f"wave is empty ({_rows_text(waves[''])}); add a 'wave' column or choose one with --wave",
                waves[""][0],
                "wave",
            )
        if len(named) > 1:
            listing = "; ".join(f"{w!r} ({_rows_text(waves[w])})" for w in named)
            ctx.add(
                f"the file holds several waves: {listing}; choose one with --wave", column="wave"
            )
        chosen = named[0] if named else ""

    roles = list(instrument.roles)
    role_key = {r.casefold(): r for r in roles}
    index = instrument.item_index
    spec = {
        item.id: (instrument.scales[item.scale].low, instrument.scales[item.scale].high, item)
        for item in instrument.items
    }
    dept_key: dict[str, str] = {}
    unknown_items: dict[str, list[int | None]] = {}
    respondents: dict[str, Respondent] = {}
    first_row_of: dict[str, int | None] = {}
    dept_conflicts: dict[str, list[tuple[str, int | None]]] = {}
    role_conflicts: dict[str, list[tuple[str, int | None]]] = {}
    bad_roles: dict[str, list[int | None]] = {}
    seen_answer: dict[tuple[str, str], int | None] = {}
    accepted: list[tuple[ResponseRecord, str]] = []

    for rec in records:
        if not rec.respondent:
            continue
        role = role_key.get(rec.role.casefold())
        if role is None and not rec.role:
            ctx.add(
                f"role is empty for respondent {rec.respondent}; use {', '.join(roles)}",
                rec.row,
                "role",
            )
            role = ""
        elif role is None:
            bad_roles.setdefault(rec.role, []).append(rec.row)
            role = rec.role
        if not rec.department:
            ctx.add(f"department is empty for respondent {rec.respondent}", rec.row, "department")
        prev = respondents.get(rec.respondent)
        if prev is None:
            respondents[rec.respondent] = Respondent(
                rec.respondent, role, " ".join(rec.department.split())
            )
            first_row_of[rec.respondent] = rec.row
            dept_key[rec.respondent] = normalise_department(rec.department)
        else:
            if prev.role != role:
                role_conflicts.setdefault(
                    rec.respondent, [(prev.role, first_row_of[rec.respondent])]
                )
                role_conflicts[rec.respondent].append((rec.role, rec.row))
            if dept_key[rec.respondent] != normalise_department(rec.department):
                dept_conflicts.setdefault(
                    rec.respondent, [(prev.department, first_row_of[rec.respondent])]
                )
                dept_conflicts[rec.respondent].append((rec.department, rec.row))
        if rec.item not in index:
            if rec.item:
                unknown_items.setdefault(rec.item, []).append(rec.row)
            continue
        key = (rec.respondent, rec.item)
        if key in seen_answer:
            ctx.add(
                f"duplicate answer: respondent {rec.respondent} answered {rec.item} in row "
                f"{seen_answer[key]} and again in row {rec.row}; keep one",
                rec.row,
                "item",
            )
            continue
        seen_answer[key] = rec.row
        low, high, item = spec[rec.item]
        for column, value in (("current", rec.current), ("target", rec.target)):
            if value is not None and not low <= value <= high:
                ctx.add(
                    f"{column} {value} is outside {low}..{high} for {rec.item}",
                    rec.row,
                    column,
                )
        if rec.na and (rec.current is not None or rec.target is not None):
            ctx.add(
                f"na is true but {rec.item} also has a rating; clear the rating or set na to false",
                rec.row,
                "na",
            )
        if rec.na and not item.na_allowed:
            ctx.add(
                f"{rec.item} does not allow N/A; give a rating {low}..{high}",
                rec.row,
                "na",
            )
        if rec.confidence is not None and not 1 <= rec.confidence <= 3:
            ctx.add(
                f"confidence {rec.confidence} is outside 1..3 for {rec.item}", rec.row, "confidence"
            )
        if item.roles and role in roles and role not in item.roles:
            ctx.add(
                f"{rec.item} is asked only of {', '.join(item.roles)}, but respondent "
                f"{rec.respondent} is {role}",
                rec.row,
                "item",
            )
        accepted.append((rec, rec.respondent))

    for name, rows in unknown_items.items():
        ctx.add(
            f"unknown item {name!r} ({_rows_text(rows)}) in {instrument.ref}"
            + _suggest(name, index),
            rows[0],
            "item",
        )
    for name, rows in bad_roles.items():
        ctx.add(
            f"unknown role {name!r} ({_rows_text(rows)}); {instrument.ref} knows {', '.join(roles)}",
            rows[0],
            "role",
        )
    for rid, seen in role_conflicts.items():
        listing = ", ".join(f"{r!r} in row {row}" for r, row in seen)
        ctx.add(f"respondent {rid} has conflicting roles: {listing}", seen[1][1], "role")
    for rid, seen in dept_conflicts.items():
        listing = ", ".join(f"{d!r} in row {row}" for d, row in seen)
        ctx.add(
            f"respondent {rid} has conflicting departments: {listing}", seen[1][1], "department"
        )

    if ctx.problems:
        # file-level problems first, then by row (stable: cell problems before record problems)
        ordered = sorted(ctx.problems, key=lambda p: (p.row is not None, p.row or 0))
        raise ResponseError(ordered, source)

    order = {rid: i for i, rid in enumerate(respondents)}
    n, m = len(order), len(index)
    current = np.full((n, m), np.nan)
    target = np.full((n, m), np.nan)
    na = np.zeros((n, m), dtype=bool)
    confidence = np.full((n, m), np.nan)
    comments: list[Comment] = []
    for rec, rid in accepted:
        i, j = order[rid], index[rec.item]
        if rec.current is not None:
            current[i, j] = rec.current
        if rec.target is not None:
            target[i, j] = rec.target
        na[i, j] = rec.na
        if rec.confidence is not None:
            confidence[i, j] = rec.confidence
        if rec.comment:
            comments.append(Comment(rid, rec.item, rec.comment))
    return ResponseSet(
        instrument_ref=instrument.ref,
        wave=chosen,
        respondents=tuple(respondents.values()),
        item_ids=tuple(i.id for i in instrument.items),
        current=current,
        target=target,
        na=na,
        confidence=confidence,
        comments=tuple(comments),
        source=source,
    )


# -- files -------------------------------------------------------------------------------------


class _Reader:
    """Iterates the rows of a text file, turning a decoding error into a Problem."""

    def __init__(self, path: Path, ctx: _Ctx) -> None:
        self.path = path
        self.ctx = ctx
        self.header: list[str] | None = None

    def csv_rows(self) -> Iterator[dict[str, str]]:
        try:
            with self.path.open(encoding="utf-8-sig", newline="") as fh:
                first = fh.readline()
                if not first.strip():
                    return
                delimiter = _delimiter(first, self.path)
                reader = csv.reader([first], delimiter=delimiter)
                self.header = [h.strip() for h in next(reader)]
                body = csv.DictReader(fh, fieldnames=self.header, delimiter=delimiter)
                line = 1
                try:
                    for row in body:
                        line += 1
                        yield row
                except UnicodeDecodeError as exc:
                    self._not_utf8(exc, line + 1)
        except UnicodeDecodeError as exc:
            self._not_utf8(exc, 1)
        except csv.Error as exc:
            self.ctx.add(f"not valid CSV: {exc}")

    def _not_utf8(self, exc: UnicodeDecodeError, row: int) -> None:
        # the text layer decodes in blocks: find the exact line by decoding line by line
        line, col = _first_bad_line(self.path) or (row, exc.start)
        self.ctx.add(
            f"not UTF-8 text ({exc.reason} at byte {col + 1} of the line); save the file as "
            "UTF-8 (in Excel: 'CSV UTF-8'); the encoding is never guessed",
            line,
        )


def _first_bad_line(path: Path) -> tuple[int, int] | None:
    """(1-based line number, byte offset in the line) of the first line that is not UTF-8."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return number, exc.start
    return None


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


def read_rows(
    path: str | Path, *, wave: str | None = None, problems: list[Problem] | None = None
) -> tuple[list[ResponseRecord], list[Problem], str | None]:
    """Read one CSV/TSV/JSON/XLSX file into records; returns ``(records, problems, declared)``.

    ``declared`` is the instrument the file names (JSON ``"instrument"``), or ``None``.
    """
    path = Path(path)
    source = str(path)
    ctx = _Ctx(source, None, problems if problems is not None else [])
    if not path.exists():
        ctx.add("no such file; check the path")
        return [], ctx.problems, None
    if path.is_dir():
        ctx.add("is a directory; give a CSV, JSON or XLSX file")
        return [], ctx.problems, None
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, ctx, wave)
    if suffix == ".json":
        return _read_json(path, ctx, wave)
    reader = _Reader(path, ctx)
    rows = reader.csv_rows()
    first = next(rows, None)
    if first is None:
        if not ctx.problems:
            what = "has only a header row" if reader.header else "is empty"
            ctx.add(f"no responses: the file {what}")
        return [], ctx.problems, None
    layout = detect_layout(reader.header or list(first))
    if layout == "unknown":
        ctx.add(
            "cannot tell the layout: a long file needs an 'item' column, a wide file needs item "
            "columns such as 'MET-03'",
            row=1,
        )
        return [], ctx.problems, None
    parse = parse_long_rows if layout == "long" else parse_wide_rows
    header = reader.header or list(first)
    body: Iterator[dict[str, Any]] = _restore_text(_chain(first, rows), header)
    if layout == "long" and {h.strip().casefold() for h in header} >= {"question", "item"}:
        from assessment.io.template import template_rows  # a filled-in `centric template` sheet

        body = template_rows(body)
    records, found = parse(body, source=source, wave=wave)
    ctx.problems.extend(found)
    return records, ctx.problems, None


def _chain(first: dict[str, str], rest: Iterator[dict[str, str]]) -> Iterator[dict[str, str]]:
    yield first
    yield from rest


def _restore_text(
    rows: Iterator[dict[str, Any]], header: Sequence[str]
) -> Iterator[dict[str, Any]]:
    """Undo the formula neutralisation of exported CSV text cells (``'=...`` → ``=...``), the
    convention of :func:`assessment.io.export.neutralise` (OWASP CSV injection)."""
    from assessment.io.export import unneutralise

    text_columns = [
        h
        for h in header
        if h.strip().lstrip("\ufeff").casefold() in _TEXT or h.endswith(".comment")
    ]
    for row in rows:
        for col in text_columns:
            value = row.get(col)
            if value and value[0] == "'":
                row[col] = unneutralise(value)
        yield row


def _read_json(
    path: Path, ctx: _Ctx, wave: str | None
) -> tuple[list[ResponseRecord], list[Problem], str | None]:
    try:
        with path.open(encoding="utf-8-sig") as fh:
            data: Any = json.load(fh)
    except UnicodeDecodeError as exc:
        ctx.add(
            f"not UTF-8 ({exc.reason} at byte {exc.start}); save the file as UTF-8, nothing was guessed"
        )
        return [], ctx.problems, None
    except json.JSONDecodeError as exc:
        ctx.add(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}", exc.lineno)
        return [], ctx.problems, None
    declared = None
    if isinstance(data, dict):
        declared = data.get("instrument")
        if declared is not None and not isinstance(declared, str):
            ctx.add(
                "'instrument' must be a string like 'customer-centricity@1.0.0'",
                column="instrument",
            )
            declared = None
        wave = (
            wave
            if wave is not None
            else (data.get("wave") if isinstance(data.get("wave"), str) else None)
        )
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
    path: Path, ctx: _Ctx, wave: str | None
) -> tuple[list[ResponseRecord], list[Problem], str | None]:
    try:
        from assessment.io.xlsx import read_xlsx_rows
    except ImportError:
        ctx.add("reading .xlsx is not available in this installation; save the sheet as CSV UTF-8")
        return [], ctx.problems, None
    records, found = read_xlsx_rows(path, wave=wave)
    ctx.problems.extend(found)
    return records, ctx.problems, None


def resolve_instrument(
    declared: Sequence[str],
    instrument: Instrument | None,
    source: str,
    problems: list[Problem] | None = None,
) -> Instrument:
    """The instrument to validate against: the one given, else the one the file declares, else
    the newest ``customer-centricity``. A declared instrument that differs from the given one is
    a problem (answers to one version cannot be scored with another): it is appended to
    ``problems`` when given, else raised as :class:`ResponseError`."""
    from assessment.model import DEFAULT_INSTRUMENT, get_instrument, parse_ref

    found: list[Problem] = []
    names = sorted(set(declared))
    if len(names) > 1:
        found.append(Problem(f"files name different instruments: {', '.join(names)}", source))
    if instrument is None:
        instrument = get_instrument(names[0] if names else DEFAULT_INSTRUMENT)
    elif names:
        ident, version = parse_ref(names[0])
        if ident != instrument.id or (version is not None and version != instrument.version):
            found.append(
                Problem(
                    f"the file was answered on {names[0]} but {instrument.ref} was chosen; "
                    f"use --instrument {names[0]} or convert the file",
                    source,
                    column="instrument",
                )
            )
    if problems is not None:
        problems.extend(found)
    elif found:
        raise ResponseError(found, source)
    return instrument


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
    records: list[ResponseRecord] = []
    problems: list[Problem] = []
    declared: list[str] = []
    for p in paths:
        recs, _, named = read_rows(p, wave=wave, problems=problems)
        records.extend(recs)
        if named:
            declared.append(named)
    inst = resolve_instrument(declared, instrument, source, problems)
    if problems and not records:
        raise ResponseError(problems, source)
    return inst, records_to_response_set(inst, records, source=source, problems=problems, wave=wave)


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

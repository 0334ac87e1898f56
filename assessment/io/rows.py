"""Row parsing: rows of cells (from a CSV, an XLSX sheet or a JSON list) into response records.

``parse_long_rows`` / ``parse_wide_rows`` turn rows (mappings of column name to cell value) into
canonical :class:`~questionnaires.answers.ResponseRecord`\\ s plus the
:class:`~questionnaires.errors.Problem`\\ s found in single cells; they do not need the
instrument. :func:`template_rows` applies a filled-in template's conventions first. The file
readers (:mod:`assessment.io.responses`, :mod:`assessment.io.xlsx`) call these.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assessment.io.headers import (
    ANSWER_COLUMNS,
    CAPABILITY_COLUMN,
    CAPABILITY_SUFFIXES,
    FILL_DOWN,
    IGNORED_QUIETLY,
    ITEM_COLUMN,
    LONG_REQUIRED,
    MISSING,
    TEMPLATE_ONLY,
    WIDE_META,
    WIDE_REQUIRED,
    capability_columns,
)
from questionnaires.answers import (
    CAPABILITY_COLUMNS,
    LONG_COLUMNS,
    ResponseRecord,
    lookalike_note,
    shown_id,
    skeleton,
)
from questionnaires.answers import ProblemLog as _Ctx
from questionnaires.answers import did_you_mean as _suggest
from questionnaires.errors import Problem

__all__ = ["ReadResult", "parse_long_rows", "parse_wide_rows", "template_rows"]

_TRUE = frozenset({"true", "1", "yes", "y"})
_FALSE = frozenset({"false", "0", "no", "n", ""})
_WHOLE_DECIMAL = re.compile(r"[+-]?\d+\.0*")
_ALMOST_ITEM = re.compile(r"^[A-Za-z]{2,8}[-_ ]?\d{1,3}(?:\.\w+)?$")
_READ_COLUMNS = (*LONG_COLUMNS, *CAPABILITY_COLUMNS)  # every column a long row may carry


@dataclass(frozen=True)
class ReadResult:
    """What a file reader (:func:`assessment.io.responses.read_file`) found in one file.

    Attributes
    ----------
    records : list of ResponseRecord
        The answers read.
    problems : list of Problem
        What is wrong, each with its row and column.
    declared : dict of str to str
        Wave names to the instrument (``id@version``) the file names for them; the key ``""``
        holds an instrument named for the whole file (see :func:`declared_instrument`).
    layout : str or None
        ``"long"`` or ``"wide"`` when it could be told (so later problems can name a wide file's
        real columns, ``CUL-01.target``).
    sheet : str or None
        The workbook sheet read.
    """

    records: list[ResponseRecord]
    problems: list[Problem]
    declared: dict[str, str] = field(default_factory=dict)
    layout: str | None = None
    sheet: str | None = None


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


def _clip(text: str, width: int = 24) -> str:
    """A cell value as quoted in a message: at most ``width`` characters (``1000…`` for a longer one)."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _rating(ctx: _Ctx, value: object, row: int, column: str, item: str) -> tuple[int | None, bool]:
    """Parse a rating cell: (value, explicit N/A)."""
    text = _text(value)
    if text.casefold() in ("na", "n/a"):
        return None, True
    try:
        return _parse_int(value), False
    except ValueError:
        ctx.add(
            f"{column} {_clip(text)!r} for {item or 'a row without an item'} is not a whole "
            "number; use an option number",
            row,
            column,
        )
        return None, False


def _points(ctx: _Ctx, value: object, row: int, column: str, item: str) -> int | None:
    """Parse an investment-points cell: a whole number 0 or more, ``None`` when empty."""
    try:
        points = _parse_int(value)
    except ValueError:
        ctx.add(
            f"points {_clip(_text(value))!r} for {item or 'a row without an item'} is not a whole "
            "number; give the investment points as a whole number such as 20",
            row,
            column,
        )
        return None
    if points is not None and points < 0:
        ctx.add(
            f"points {_clip(str(points))} for {item} are negative; give 0 or more investment points",
            row,
            column,
        )
        return None
    return points


def _flag(ctx: _Ctx, value: object, row: int, column: str) -> bool:
    try:
        return _parse_bool(value)
    except ValueError:
        ctx.add(
            f"na {_text(value)!r} is not true/false (use true, false, yes, no, 1 or 0)", row, column
        )
        return False


_POINTS_ALIASES = frozenset({"pts", "pt", "investment", "budget", "allocation"})
_CAPABILITY_LIKE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]{1,7})\s*(?:\.\s*([A-Za-z_]+))?\s*$")


def _near_capability_column(col: str) -> str:
    """The problem of a wide column that is almost a capability column (``CUL.Target``,
    ``cul``, ``CUL.tgt``): its values would be lost, so it is an error, not an ignored column;
    ``""`` for any other column."""
    from assessment.io.headers import _rated_capability_ids

    m = _CAPABILITY_LIKE.match(col)
    if not m or m.group(1).upper() not in _rated_capability_ids():
        return ""
    cap, suffix = m.group(1).upper(), (m.group(2) or "").casefold()
    if suffix and suffix not in CAPABILITY_SUFFIXES:
        return (
            f"column {col!r} looks like a column of capability {cap}; its columns are "
            + ", ".join([cap, *(f"{cap}.{x}" for x in CAPABILITY_SUFFIXES)])
        )
    exact = f"{cap}.{suffix}" if suffix else cap
    return f"column {col!r} looks like the capability column {exact!r}; write it exactly so"


_DESCRIPTOR_ROW = re.compile(r"^\s*Level (\d):")


def _empty_item_problem(values: Sequence[object], found: _Columns) -> str:
    """Why a row without an item id is refused: in a template, an answer typed on a row that
    describes a level or totals the points says where the answer belongs."""
    where = dict(zip(found.names, found.cells, strict=True))
    at = where.get("question")
    question = _text(values[at]) if at is not None and at < len(values) else ""
    m = _DESCRIPTOR_ROW.match(question)
    if m:
        return (
            f"this row describes level {m.group(1)}; write the level number ({m.group(1)}) in "
            "the current or target cell of the capability's own row, the row above its level "
            "descriptions"
        )
    if question.startswith("The points above must add up"):
        return "this row only totals the points; write points on each capability's row"
    return "item is empty; give an item id such as MET-03"


def _header_problems(
    ctx: _Ctx,
    header: Sequence[str],
    required: Sequence[str],
    known: Sequence[str],
    layout: str,
    also: Collection[str] = (),
) -> bool:
    """Report missing required columns and near-misses of known names. True when usable.

    ``also`` are further accepted columns not listed in messages (``points``, the capability
    columns of a wide file).
    """
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
        if col in known or col in also or (layout == "wide" and ITEM_COLUMN.match(col)):
            continue
        hint = _suggest(col, [*known, *also] if layout == "long" else known, 0.8)
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
        elif layout == "long" and ("point" in col.casefold() or col.casefold() in _POINTS_ALIASES):
            ctx.add(
                f"column {col!r} looks like the investment points; name the column 'points' "
                "(its values would otherwise be lost)",
                row=1,
                column=col,
            )
        elif layout == "wide" and (near := _near_capability_column(col)):
            ctx.add(near, row=1, column=col)
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
    """A column name as matched: trimmed, BOM dropped, long-format names lower-cased; ``None`` for
    the surplus-cells key of :class:`csv.DictReader`; ``points`` is a long-format name too."""
    if raw is None:
        return None
    key = _text(raw).lstrip("\ufeff")
    folded = key.casefold()
    return folded if folded in _READ_COLUMNS else key


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
    :class:`dict` row keeps it), ``at`` the position of each long-format column in
    :data:`LONG_COLUMNS` order, then ``points``; an absent column points at the filler cell after the last column
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
        tuple(where), tuple(where.values()), tuple(where.get(c, width) for c in _READ_COLUMNS)
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
    """Parse long-format rows (one answer per row, ``docs/cli.md#response-files``) into records.

    Required columns: ``respondent``, ``role``, ``department``, ``item``, ``current``; optional:
    ``wave``, ``target``, ``na``, ``confidence``, ``comment`` and ``points`` (investment points
    of a capability-level row, whose ``item`` is a capability id). Column names are matched
    case-insensitively. Rows are consumed one at a time (large files are streamed). Checks
    against the instrument happen in :func:`records_to_response_set`.

    Parameters
    ----------
    rows : iterable of mapping
        One mapping of column name to cell per row.
    source : str
        The file name problems carry.
    sheet : str, optional
        The workbook sheet problems carry.
    first_row : int, default 2
        The spreadsheet row number of the first row (after the header).
    wave : str, optional
        Fills the wave when the file has no ``wave`` column.

    Returns
    -------
    records : list of ResponseRecord
        The answers read.
    problems : list of Problem
        Every problem found in single cells.
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
    i_wave = i_resp = i_role = i_dept = i_item = i_cur = i_tgt = i_na = i_conf = i_comm = i_pts = 0
    usable = True
    row_no = first_row - 1
    for values, found in rows:
        row_no += 1
        if found is not cols:
            if cols is None:
                usable = _header_problems(
                    ctx, found.names, LONG_REQUIRED, LONG_COLUMNS, "long", CAPABILITY_COLUMNS
                )
                if not usable:
                    break
            cols = found
            cells = found.cells
            (i_wave, i_resp, i_role, i_dept, i_item, i_cur, i_tgt, i_na, i_conf, i_comm, i_pts) = (
                found.at
            )
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
            ctx.add(_empty_item_problem(values, found), row_no, "item")
        c = values[i_cur]
        if type(c) is str and c.isdecimal() and len(c) < 19:
            current, na_cur = int(c), False
        elif c == "" or c is None:
            current, na_cur = None, False
        else:
            current, na_cur = _rating(ctx, c, row_no, "current", item)
        c = values[i_tgt]
        if type(c) is str and c.isdecimal() and len(c) < 19:
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
        if type(c) is str and c.isdecimal() and len(c) < 19:
            confidence: int | None = int(c)
        elif c == "" or c is None:
            confidence = None
        else:
            try:
                confidence = _parse_int(c)
            except ValueError:
                ctx.add(f"confidence {_text(c)!r} is not a whole number 1..3", row_no, "confidence")
                confidence = None
        c = values[i_pts]
        if c == "" or c is None:
            points = None
        elif type(c) is str and c.isdecimal() and len(c) < 19:
            points = int(c)
        else:
            points = _points(ctx, c, row_no, "points", item)
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
                points,
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
    capabilities: Collection[str] = (),
) -> tuple[list[ResponseRecord], list[Problem]]:
    """Parse wide-format rows (one row per respondent) into long records.

    Columns: ``wave`` (optional), ``respondent``, ``role``, ``department``, and per item
    ``<ITEM>`` (current), ``<ITEM>.target`` and optionally ``<ITEM>.na``, ``<ITEM>.comment``,
    ``<ITEM>.confidence``. Item columns are recognised by their id pattern (``MET-03``); whether the
    item exists is checked later against the instrument. Per capability (instruments that rate
    levels) ``<CAP>`` (the level true today), ``<CAP>.target``, ``<CAP>.points``, ``<CAP>.na``,
    ``<CAP>.comment``, recognised as :func:`~assessment.io.headers.capability_columns` says; a
    respondent's capability records come before their item records. Cells left empty give no
    record.

    Parameters
    ----------
    rows : iterable of mapping
        One mapping of column name to cell per row.
    source : str
        The file name problems carry.
    sheet : str, optional
        The workbook sheet problems carry.
    first_row : int, default 2
        The spreadsheet row number of the first row (after the header).
    wave : str, optional
        Fills the wave when the file has no ``wave`` column.
    capabilities : collection of str, default ()
        Capability ids of the instrument, when known (a bare ``CUL`` column is then a capability
        column even for an instrument outside the catalogue).

    Returns
    -------
    records : list of ResponseRecord
        The answers read.
    problems : list of Problem
        Every problem found in single cells.
    """
    ctx = _Ctx(source, sheet, [])
    records: list[ResponseRecord] = []
    header_checked = False
    items: list[str] = []
    caps: list[str] = []
    for row_no, raw in enumerate(rows, start=first_row):
        row = _normalise_keys(raw)
        if not header_checked:
            header_checked = True
            found = _wide_header(ctx, list(row), capabilities)
            if found is None:
                break
            items, caps = found
        if all(_is_missing(v) for v in row.values()):
            continue
        respondent = _text(row.get("respondent"))
        if not respondent:
            ctx.add("respondent is empty; every row needs a respondent id", row_no, "respondent")
        base: dict[str, Any] = {
            "wave": _text(row.get("wave")) or (wave or ""),
            "respondent": respondent,
            "role": _text(row.get("role")),
            "department": _text(row.get("department")),
        }
        for cap in caps:
            got = _wide_capability(ctx, row, row_no, cap)
            if got is not None:
                records.append(ResponseRecord(**base, item=cap, row=row_no, **got))
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


def _wide_header(
    ctx: _Ctx, header: list[str], capabilities: Collection[str]
) -> tuple[list[str], list[str]] | None:
    """Check a wide header: (item ids, capability ids) it has columns for, ``None`` when it is
    unusable (a required column missing, no item or capability column)."""
    known = (*WIDE_META, *_READ_COLUMNS)
    caps = list(capability_columns(header, capabilities))
    cap_cols = {c for c in header if (m := CAPABILITY_COLUMN.match(c)) and m.group(1) in caps}
    if not _header_problems(ctx, header, WIDE_REQUIRED, WIDE_META, "wide", cap_cols):
        return None
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
    if not items and not caps:
        ctx.add(
            "no item columns found; name them by item id, e.g. 'MET-03' and 'MET-03.target'",
            row=1,
        )
        return None
    return items, caps


def _wide_capability(
    ctx: _Ctx, row: Mapping[str, object], row_no: int, cap: str
) -> dict[str, Any] | None:
    """The answer fields of capability ``cap`` in one wide row (``CUL``, ``CUL.target``,
    ``CUL.points``, ``CUL.na``, ``CUL.comment``, ``CUL.confidence``); ``None`` when all are empty."""
    cells = {s: row.get(f"{cap}.{s}" if s else cap) for s in ("", "target", "na", "points")}
    comment = _text(row.get(f"{cap}.comment")) or None
    conf_cell = row.get(f"{cap}.confidence")
    if all(_text(c) == "" for c in cells.values()) and comment is None and _is_missing(conf_cell):
        return None
    current, na_cur = _rating(ctx, cells[""], row_no, cap, cap)
    target, na_tgt = _rating(ctx, cells["target"], row_no, f"{cap}.target", cap)
    points = None
    if not _is_missing(cells["points"]):
        points = _points(ctx, cells["points"], row_no, f"{cap}.points", cap)
    try:
        confidence = _parse_int(conf_cell)
    except ValueError:
        ctx.add(
            f"confidence {_text(conf_cell)!r} is not a whole number 1..3",
            row_no,
            f"{cap}.confidence",
        )
        confidence = None
    return {
        "current": current,
        "target": target,
        "na": _flag(ctx, cells["na"], row_no, f"{cap}.na") or na_cur or na_tgt,
        "confidence": confidence,
        "comment": comment,
        "points": points,
    }


# -- templates ---------------------------------------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def template_rows(rows: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """Apply the template conventions to raw rows.

    Parameters
    ----------
    rows : iterable of mapping
        One dict per spreadsheet row, in order.

    Yields
    ------
    dict
        The row as the long parser reads it; an unanswered row is yielded blank (not dropped),
        so the long parser still numbers the following rows as the spreadsheet shows them.
    """
    above: dict[str, Any] = {}
    for raw in rows:
        row = {
            k: v
            for k, v in raw.items()
            if k is not None and k.strip().casefold() not in TEMPLATE_ONLY
        }
        keys = {k.strip().casefold(): k for k in row}
        for col in FILL_DOWN:
            if col not in keys:
                continue
            k = keys[col]
            if _blank(row[k]):
                row[k] = above.get(col, "")
            else:
                above[col] = row[k]
        answered = any(not _blank(row.get(keys[c])) for c in ANSWER_COLUMNS if c in keys)
        if answered and "item" in keys and _blank(row[keys["item"]]):
            # an answer on a level-description or total row: its question says where it belongs
            row["question"] = next(
                (v for k, v in raw.items() if k is not None and k.strip().casefold() == "question"),
                "",
            )
        yield row if answered else dict.fromkeys(row, "")

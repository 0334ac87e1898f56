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
import io
import itertools
import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from assessment.io.cells import restore
from assessment.io.headers import LONG_REQUIRED, WIDE_REQUIRED, detect_layout, is_template_header
from assessment.io.rows import (
    ReadResult,
    _columns,
    _parse_long,
    parse_long_rows,
    parse_wide_rows,
    template_rows,
)
from assessment.io.xlsx import read_xlsx
from questionnaires.answers import ProblemLog as _Ctx
from questionnaires.answers import (
    ResponseRecord,
    ResponseSet,
    choose_instrument,
    records_to_response_set,
)
from questionnaires.errors import Problem, ResponseError

if TYPE_CHECKING:
    from questionnaires.model import Instrument

__all__ = [
    "LONG_REQUIRED",
    "WIDE_REQUIRED",
    "ReadResult",
    "declared_instrument",
    "detect_layout",
    "layout_and_sheet",
    "parse_long_rows",
    "parse_wide_rows",
    "read_file",
    "read_records",
    "read_responses",
    "read_rows",
    "records_to_response_set",
]


# -- files -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Input:
    """A file to read: a path, or the bytes of an upload (no path) under a display ``name``."""

    name: str
    path: Path | None = None
    data: bytes = b""

    @property
    def suffix(self) -> str:
        return (self.path or Path(self.name)).suffix.lower()

    def binary(self) -> IO[bytes]:
        return self.path.open("rb") if self.path is not None else io.BytesIO(self.data)

    def text(self) -> IO[str]:
        """UTF-8 text, a BOM dropped, newlines as they are (what :mod:`csv` wants)."""
        return io.TextIOWrapper(self.binary(), encoding="utf-8-sig", newline="")


def _first_bad_line(path: _Input) -> tuple[int, int] | None:
    """(1-based line number, byte offset in the line) of the first line that is not UTF-8."""
    with path.binary() as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return number, exc.start
    return None


def _not_utf8(ctx: _Ctx, path: _Input, exc: UnicodeDecodeError, row: int) -> None:
    # the text layer decodes in blocks: find the exact line by decoding line by line
    line, col = _first_bad_line(path) or (row, exc.start)
    ctx.add(
        f"not UTF-8 text ({exc.reason} at byte {col + 1} of the line); save the file as "
        "UTF-8 (in Excel: 'CSV UTF-8'); the encoding is never guessed",
        line,
    )


def _delimiter(first_line: str, path: _Input) -> str:
    if path.suffix == ".tsv" or ("\t" in first_line and "," not in first_line):
        return "\t"
    if ";" in first_line and "," not in first_line:
        return ";"
    return ","


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
    reader: Iterator[list[str]], ctx: _Ctx, path: _Input, header: Sequence[str]
) -> Iterator[list[str]]:
    """The data rows of a CSV as lists of exactly ``len(header)`` cells plus one empty filler cell
    (see :class:`_Columns`). Every cell goes through :func:`assessment.io.cells.restore` (undoes
    the formula neutralisation of the writers, OWASP CSV injection), as in XLSX. A decoding or CSV
    syntax error ends the rows with a problem naming the line."""
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
    path: _Input, ctx: _Ctx, wave: str | None, capabilities: Collection[str] = ()
) -> ReadResult:
    """Read a CSV/TSV file (UTF-8, BOM allowed; comma, semicolon or tab) into records.

    Long files without template columns are parsed straight from :class:`csv.reader` lists with
    the column positions worked out once; wide files and filled-in templates go through rows as
    mappings (:func:`parse_wide_rows`, :func:`~assessment.io.template.template_rows`). Rows are
    numbered as a spreadsheet shows them: empty lines count.
    """
    known = len(ctx.problems)
    with path.text() as fh:
        try:
            first = fh.readline()
        except UnicodeDecodeError as exc:
            _not_utf8(ctx, path, exc, 1)
            return ReadResult([], ctx.problems)
        if not first.strip():
            ctx.add("no responses: the file is empty")
            return ReadResult([], ctx.problems)
        delimiter = _delimiter(first, path)
        try:
            header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter))]
        except csv.Error as exc:
            ctx.add(_bad_header(first, delimiter, exc), row=1)
            return ReadResult([], ctx.problems)
        reader = csv.reader(fh, delimiter=delimiter)
        body = _csv_body(reader, ctx, path, header)
        top = next(body, None)
        if top is None:
            if len(ctx.problems) == known:
                ctx.add("no responses: the file has only a header row")
            return ReadResult([], ctx.problems)
        layout = detect_layout(header)
        if layout == "unknown":
            ctx.add(
                "cannot tell the layout: a long file needs an 'item' column, a wide file needs "
                "item columns such as 'MET-03'",
                row=1,
            )
            return ReadResult([], ctx.problems)
        rows = itertools.chain([top], body)
        if layout == "long" and not is_template_header(header):
            long = _parse_long(ctx, zip(rows, itertools.repeat(_columns(header))), 2, wave)
            return ReadResult(long, ctx.problems, layout=layout)
        dicts = (dict(zip(header, values, strict=False)) for values in rows)
        if layout == "long":  # a filled-in `centric template` sheet
            records, found = parse_long_rows(template_rows(dicts), source=ctx.source, wave=wave)
        else:
            records, found = parse_wide_rows(
                dicts, source=ctx.source, wave=wave, capabilities=capabilities
            )
        ctx.problems.extend(found)
        return ReadResult(records, ctx.problems, layout=layout)


def read_file(
    path: str | Path | bytes | IO[bytes],
    *,
    wave: str | None = None,
    name: str | None = None,
    capabilities: Collection[str] = (),
) -> ReadResult:
    """Read one CSV/TSV/JSON/XLSX file.

    The one reader behind :func:`read_responses` and ``centric import``
    (:func:`assessment.service.import_file`). Never raises for a bad file: what is wrong is in
    :attr:`ReadResult.problems`, each with its row and column. ``declared`` comes from a JSON
    ``"waves"`` list or ``"instrument"``, an exported workbook's ``waves`` sheet or a template's
    hidden ``_centric`` sheet.

    Parameters
    ----------
    path : str or pathlib.Path or bytes or binary file
        A file path, or the file's content as ``bytes`` or a binary file object (an upload has
        no path).
    wave : str, optional
        Fills rows that name no wave.
    name : str, optional
        For content, the display name problems carry (e.g. ``"responses.xlsx"``); its suffix
        chooses the format, as a path's does (none: CSV; a zip is refused unless named
        ``.xlsx``).
    capabilities : collection of str, default ()
        Capability ids of the instrument when it is known, so a wide file's bare ``CUL``
        column is read as a capability column (see
        :func:`assessment.io.headers.capability_columns`).

    Returns
    -------
    ReadResult
        Records, problems, declared instruments, layout and sheet.
    """
    if not isinstance(path, str | Path):
        data = path if isinstance(path, bytes) else path.read()
        return _read_input(_Input(name or "<upload>", data=data), wave, capabilities)
    path = Path(path)
    ctx = _Ctx(name or str(path), None, [])
    if not path.exists():
        ctx.add("no such file; check the path")
        return ReadResult([], ctx.problems)
    if path.is_dir():
        ctx.add("is a directory; give a CSV, JSON or XLSX file")
        return ReadResult([], ctx.problems)
    return _read_input(_Input(name or str(path), path=path), wave, capabilities)


def _read_input(source: _Input, wave: str | None, capabilities: Collection[str] = ()) -> ReadResult:
    """Read an existing file or an upload by its suffix (see :func:`read_file`)."""
    ctx = _Ctx(source.name, None, [])
    suffix = source.suffix
    if suffix not in (".xlsx", ".xlsm") and _is_zip(source):
        ctx.add(
            "this is an Excel workbook (or another zip file), not text; name it .xlsx, or save "
            "the sheet from Excel as CSV UTF-8"
        )
        return ReadResult([], ctx.problems)
    if suffix in (".xlsx", ".xlsm"):
        content = source.path if source.path is not None else source.data
        return read_xlsx(content, wave=wave, name=source.name, capabilities=capabilities)
    if suffix == ".json":
        return _read_json(source, ctx, wave)
    return _read_csv(source, ctx, wave, capabilities)


def read_records(
    path: str | Path,
    *,
    wave: str | None = None,
    problems: list[Problem] | None = None,
    layouts: list[str] | None = None,
) -> tuple[list[ResponseRecord], list[Problem], dict[str, str]]:
    """:func:`read_file` as ``(records, problems, declared)``, for callers not yet moved to it.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.
    wave : str, optional
        Fills rows that name no wave.
    problems : list of Problem, optional
        Problems are also appended here.
    layouts : list of str, optional
        The layout, then ``"sheet:NAME"`` for a workbook, are appended here (see
        :func:`layout_and_sheet`).

    Returns
    -------
    records : list of ResponseRecord
        The answers read.
    problems : list of Problem
        What is wrong in the file.
    declared : dict of str to str
        :attr:`ReadResult.declared`.
    """
    res = read_file(path, wave=wave)
    found = res.problems
    if problems is not None:
        problems.extend(res.problems)
        found = problems
    if layouts is not None:
        layouts.extend([res.layout] if res.layout else [])
        layouts.extend([f"sheet:{res.sheet}"] if res.sheet is not None else [])
    return res.records, found, res.declared


def layout_and_sheet(layouts: Sequence[str]) -> tuple[str, str | None]:
    """``(layout, sheet)`` from what :func:`read_records` put in its ``layouts`` list.

    Parameters
    ----------
    layouts : sequence of str
        The layout, then ``"sheet:NAME"`` for a workbook.

    Returns
    -------
    layout : str
        ``"long"`` or ``"wide"`` (``"long"`` when not given).
    sheet : str or None
        The workbook sheet read.
    """
    layout = next((x for x in layouts if not x.startswith("sheet:")), "long")
    sheet = next((x[6:] for x in layouts if x.startswith("sheet:")), None)
    return layout, sheet


def _is_zip(path: _Input) -> bool:
    """The file starts with a zip signature (an .xlsx workbook saved under another name)."""
    try:
        with path.binary() as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def declared_instrument(declared: Mapping[str, str], wave: str | None = None) -> str | None:
    """The instrument a file names for ``wave`` (or, without a wave, for all of it).

    That is the wave's own entry, else the whole-file one, else the single instrument all its
    waves name.

    Parameters
    ----------
    declared : mapping of str to str
        :attr:`ReadResult.declared`.
    wave : str, optional
        The wave asked for.

    Returns
    -------
    str or None
        ``id@version``, or ``None`` when the file names none (or several, without a wave).
    """
    if wave is not None and wave in declared:
        return declared[wave]
    if "" in declared:
        return declared[""]
    named = set(declared.values())
    return named.pop() if len(named) == 1 else None


def read_rows(
    path: str | Path, *, wave: str | None = None, problems: list[Problem] | None = None
) -> tuple[list[ResponseRecord], list[Problem], str | None]:
    """Read one CSV/TSV/JSON/XLSX file into records.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.
    wave : str, optional
        Fills rows that name no wave.
    problems : list of Problem, optional
        Problems are also appended here.

    Returns
    -------
    records : list of ResponseRecord
        The answers read.
    problems : list of Problem
        What is wrong in the file.
    declared : str or None
        The instrument the file names (see :func:`declared_instrument`).
    """
    res = read_file(path, wave=wave)
    found = res.problems
    if problems is not None:
        problems.extend(res.problems)
        found = problems
    return res.records, found, declared_instrument(res.declared, wave)


def _read_json(path: _Input, ctx: _Ctx, wave: str | None) -> ReadResult:
    try:
        with path.text() as fh:
            data: Any = json.load(fh)
    except UnicodeDecodeError as exc:
        ctx.add(
            f"not UTF-8 ({exc.reason} at byte {exc.start}); save the file as UTF-8, nothing was guessed"
        )
        return ReadResult([], ctx.problems)
    except json.JSONDecodeError as exc:
        ctx.add(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}", exc.lineno)
        return ReadResult([], ctx.problems)
    except ValueError:  # an integer of more digits than Python converts (4300)
        ctx.add(
            "a number in the file is thousands of digits long; ratings and points are small whole numbers like 3 or 40"
        )
        return ReadResult([], ctx.problems)
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
            return ReadResult([], ctx.problems, declared)
    if not isinstance(data, list):
        ctx.add("expected a list of response records (or an object with a 'responses' list)")
        return ReadResult([], ctx.problems, declared)
    bad = [k for k, rec in enumerate(data) if not isinstance(rec, dict)]
    if bad:
        ctx.add(
            f'responses[{bad[0]}] is not an object; each response is {{"respondent": ..., "item": ...}}'
        )
        return ReadResult([], ctx.problems, declared)
    # JSON records have no spreadsheet rows: "row" k is the k-th record (1-based) of "responses"
    records, found = parse_long_rows(data, source=path.name, first_row=1, wave=wave)
    ctx.problems.extend(found)
    return ReadResult(records, ctx.problems, declared, layout="long")


def read_wave(
    path: str | Path | Sequence[str | Path],
    instrument: Instrument | None = None,
    *,
    wave: str | None = None,
) -> tuple[Instrument, ResponseSet]:
    """Like :func:`read_responses`, and also return the instrument the answers were checked against.

    Parameters
    ----------
    path : str or pathlib.Path or sequence of them
        The file or files.
    instrument : Instrument, optional
        As for :func:`read_responses`.
    wave : str, optional
        The wave to read.

    Returns
    -------
    instrument : Instrument
        The instrument used.
    responses : ResponseSet
        The checked answers of one wave.
    """
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
    caps = [c.id for c in instrument.capabilities] if instrument and instrument.rate_levels else []
    for p in paths:
        res = read_file(p, wave=wave, capabilities=caps)
        problems.extend(res.problems)
        named = declared_instrument(res.declared, wave)
        records.extend(res.records)
        sheet = res.sheet
        counts.append((str(p), len(res.records), res.layout or "long"))
        if named:
            declared.append(named)
    guess = instrument is None and not declared  # only then do the answers choose the version
    mine = [r for r in records if wave is None or r.wave == wave] if guess else []
    inst = choose_instrument(
        source,
        declared,
        instrument,
        problems=problems,
        items={r.item for r in mine},
        targeted={r.item for r in mine if r.target is not None},
    )
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
    files are combined into one wave (answers must not repeat across them).

    Parameters
    ----------
    path : str or pathlib.Path or sequence of them
        The file or files.
    instrument : Instrument, optional
        The instrument; else the one a JSON file declares, else the newest
        ``customer-centricity``. A file that declares a different version is an error.
    wave : str, optional
        The wave to read (a file may hold several).

    Returns
    -------
    ResponseSet
        The checked answers of one wave.
    """
    return read_wave(path, instrument, wave=wave)[1]

"""Fuzz suites for every reader (issue 8, item 8): response CSV (long, wide, templates), XLSX, JSON,
theme files and instrument YAML files.

The property, for every generated input: the public reader either returns a valid result or raises
a :class:`~questionnaires.errors.CentricError` whose message names the file; any other exception is a
bug. Inputs are built from the mini instrument's real column and item names so that most examples
get past the header and reach the checks against the instrument.

Examples per test scale with ``CENTRIC_FUZZ_SCALE`` (default 1; e.g. 20 for a long local run).
docs/reliability.md lists what each test covers.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import event as _event
from hypothesis import strategies as st

from assessment.io.responses import read_responses
from assessment.service import load_responses
from questionnaires.catalogue import questionnaires_dir
from questionnaires.errors import CentricError, QuestionnaireError, ReportError
from questionnaires.loader import load_instrument
from reports.theme import load_theme

pytestmark = pytest.mark.fuzz

SCALE = float(os.environ.get("CENTRIC_FUZZ_SCALE", "1"))
MINI = Path(__file__).parent / "fixtures" / "mini" / "1.0.0.yaml"
SHIPPED = questionnaires_dir() / "customer-centricity" / "1.0.0.yaml"


def fuzz(n: int) -> settings:
    return settings(
        max_examples=max(1, int(n * SCALE)),
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


def event(name: str) -> None:
    """hypothesis.event, also callable from a plain test (the regression tests share helpers)."""
    from hypothesis.control import currently_in_test_context

    if currently_in_test_context():
        _event(name)


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="centric-fuzz-") as d:
        yield Path(d)


@pytest.fixture(scope="module")
def mini():
    return load_instrument(MINI)


def loads_or_names_the_file(path: Path, instrument: Any) -> None:
    """The reader property: a valid ResponseSet, or a CentricError naming ``path``."""
    try:
        rs = read_responses(path, instrument)
    except CentricError as exc:
        event(f"refused: {type(exc).__name__}")
        assert path.name in str(exc), f"error does not name the file: {exc}"
        return
    event("loaded")
    n, m = rs.current.shape
    assert n == rs.n_respondents >= 1 and m == len(rs.item_ids)
    for arr in (rs.current, rs.target):
        seen = arr[~np.isnan(arr)]
        assert ((seen >= 1) & (seen <= 5) & (seen == np.round(seen))).all()
    assert np.isnan(rs.current[rs.na]).all(), "an N/A answer carries a rating"


# -- cell and table strategies ------------------------------------------------------------------

ITEMS = ("CUL-01", "CUL-02", "SYS-01", "SYS-02", "MET-01", "MET-02")
HUGE = "x" * 140_000  # above csv.field_size_limit() (131072)
HOSTILE = [
    "=1+1", "@SUM(A1)", "+2", "-3", "'=HYPERLINK(\"http://x\")", "\x00", "a\x00b", "\u202eevil",
    "\u2066x\u2069", "\x1b[31m", "\ufeff", "\r", "\n", '"', '""', "'", ";", "\t", "𝟜", "٣", "²",
    "NaN", "inf", "1e308", "-0", "4.0", "4.5", "00004", " 3 ", "N/A", "na", "true", "maybe",
    "СUL-02", "cul-01", "CUL-01.target", "<script>", "{{ 7*7 }}", "\\", "%s%n", "",
]  # fmt: skip
short_cells = st.one_of(
    st.sampled_from(["1", "2", "3", "4", "5", "", "NA", "true", "false"]),
    st.sampled_from(HOSTILE),
    st.sampled_from(ITEMS),
    st.text(max_size=12),
)
cells = short_cells | st.just(HUGE)
LONG_HEADER = ["wave", "respondent", "role", "department", "item", "current", "target", "na",
               "confidence", "comment"]  # fmt: skip
WIDE_ITEMS = [c for i in ITEMS for c in (i, f"{i}.target", f"{i}.na", f"{i}.comment")]
EXTRA_COLUMNS = ["Item", "RESPONDENT", " role ", "capability", "question", "x", "", "item"]


@st.composite
def headers(draw: st.DrawFn) -> list[str]:
    kind = draw(st.sampled_from(["long", "wide", "template", "random"]))
    if kind == "long":
        base = list(LONG_HEADER)
    elif kind == "wide":
        base = ["wave", "respondent", "role", "department", *WIDE_ITEMS]
    elif kind == "template":
        base = ["respondent", "role", "department", "capability", "item", "question", "current"]
    else:
        return draw(st.lists(cells, min_size=1, max_size=8))
    drop = draw(st.sets(st.integers(0, len(base) - 1), max_size=2))
    head = [c for k, c in enumerate(base) if k not in drop]
    head += draw(st.lists(st.sampled_from(EXTRA_COLUMNS + HOSTILE), max_size=2))
    return draw(st.permutations(head)) if draw(st.booleans()) else head


def plausible(column: str) -> st.SearchStrategy[str]:
    """Cells that mostly fit their column, sometimes anything."""
    fits = {
        "respondent": st.sampled_from(["R1", "R2", "R3", "r1", "R1 "]),
        "role": st.sampled_from(["executive", "manager", "staff", "Executive", "ceo"]),
        "department": st.sampled_from(["Sales", "sales ", "HR", "Legal"]),
        "item": st.sampled_from(ITEMS),
        "wave": st.sampled_from(["W1", "W1", "W2"]),
    }.get(column.strip().casefold(), st.sampled_from(["1", "2", "3", "4", "5", "", "NA"]))
    return st.one_of(fits, fits, fits, cells)


PEOPLE = [("R1", "executive", "Sales"), ("R2", "manager", "HR"), ("R3", "staff", "Sales"),
          ("R4", "executive", "Legal")]  # fmt: skip
ratings = st.sampled_from(["1", "2", "3", "4", "5", "5", "NA", ""])


@st.composite
def clean_tables(draw: st.DrawFn) -> list[list[str]]:
    """A valid long or wide table, then 0..2 cells replaced by anything."""
    people = PEOPLE[: draw(st.integers(1, 4))]
    if draw(st.booleans()):
        table = [list(LONG_HEADER)]
        for rid, role, dept in people:
            asked = [i for i in ITEMS if i != "SYS-02" or role != "staff"]
            for item in draw(st.lists(st.sampled_from(asked), min_size=1, unique=True)):
                cur = draw(ratings)
                tgt = "" if cur == "NA" else draw(ratings.filter(lambda x: x != "NA"))
                conf = draw(st.sampled_from(["", "1", "3"]))
                comment = draw(st.sampled_from(["", "ok", "=1+1", "'=x", "\u202eevil"]))
                table.append(["W1", rid, role, dept, item, cur, tgt, "false", conf, comment])
    else:
        table = [["wave", "respondent", "role", "department", *ITEMS, "CUL-01.target"]]
        for rid, role, dept in people:
            row = [draw(ratings) if i != "SYS-02" or role != "staff" else "" for i in ITEMS]
            table.append(["W1", rid, role, dept, *row, "" if row[0] == "NA" else draw(ratings)])
    for _ in range(draw(st.integers(0, 2))):
        r = draw(st.integers(0, len(table) - 1))
        c = draw(st.integers(0, len(table[r]) - 1))
        table[r][c] = draw(short_cells if r == 0 else cells)
    return table


@st.composite
def tables(draw: st.DrawFn) -> list[list[str]]:
    if draw(st.booleans()):
        return draw(clean_tables())
    head = draw(headers())
    n = draw(st.integers(0, 12))
    rows = []
    for _ in range(n):
        row = [draw(plausible(h)) for h in head]
        cut = draw(st.sampled_from([None, None, None, 0, 1, -1]))  # ragged rows
        if cut is not None:
            row = row[:cut] if cut <= 0 else [*row, draw(cells)]
        rows.append(row)
    return [head, *rows]


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "utf-32"]


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, str]:
    table = draw(tables())
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    buf = io.StringIO()
    if draw(st.booleans()):
        quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
        terminator = draw(st.sampled_from(["\n", "\r\n", "\r"]))
        csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=terminator).writerows(
            table
        )
    else:  # no quoting at all: delimiters and newlines inside cells break the rows
        buf.write("\n".join(delimiter.join(r) for r in table))
    encoding = draw(st.sampled_from(ENCODINGS[:2] * 3 + ENCODINGS[2:]))
    data = buf.getvalue().encode(encoding, errors="replace")
    suffix = ".tsv" if delimiter == "\t" and draw(st.booleans()) else ".csv"
    return data, suffix


# -- CSV ----------------------------------------------------------------------------------------


@fuzz(150)
@given(csv_files())
@example((b"respondent,role,department,item,current\nR1,staff,HR,CUL-01,\x00\n", ".csv"))
@example(((",".join(LONG_HEADER) + "\n" + "R1," * 4 + HUGE + "\n").encode(), ".csv"))
@example((b"\xef\xbb\xbf\xef\xbb\xbfrespondent;role;department;item;current\n", ".csv"))
def test_any_csv_loads_or_is_a_centric_error_naming_the_file(mini, file):
    data, suffix = file
    with scratch() as d:
        path = d / f"answers{suffix}"
        path.write_bytes(data)
        loads_or_names_the_file(path, mini)


def test_a_huge_header_cell_is_a_response_error(mini, tmp_path):
    path = tmp_path / "huge-header.csv"
    path.write_text(HUGE + "\nR1\n", encoding="utf-8")
    loads_or_names_the_file(path, mini)
    with pytest.raises(CentricError, match=r"row 1: .*column 1 of the header has 140,000 char"):
        read_responses(path, mini)


@fuzz(60)
@given(st.binary(max_size=3000), st.sampled_from([".csv", ".tsv", ".txt", ".json", ".xlsx", ""]))
@example(b"PK\x03\x04" + b"\x00" * 40, ".csv")
@example(b"\xff\xfe" + "respondent,item\n".encode("utf-16-le"), ".csv")
@example(b"", ".xlsx")
def test_random_bytes_under_any_name_are_a_centric_error_naming_the_file(mini, data, suffix):
    with scratch() as d:
        path = d / f"bytes{suffix}"
        path.write_bytes(data)
        loads_or_names_the_file(path, mini)


@fuzz(40)
@given(csv_files())
def test_load_responses_use_case_says_nothing_was_scored_or_loads(file):
    """The service entry point (``centric score``) with the instrument given as a YAML path."""
    data, suffix = file
    with scratch() as d:
        path = d / f"answers{suffix}"
        path.write_bytes(data)
        try:
            loaded = load_responses([path], str(MINI))
        except CentricError as exc:
            assert path.name in str(exc)
            if "problem" in str(exc):
                assert "nothing was scored" in str(exc)
            return
        assert loaded.responses.n_respondents >= 1


# -- XLSX ---------------------------------------------------------------------------------------

xlsx_values = st.one_of(
    plausible("current"),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.datetimes(),
    st.sampled_from(["=1+1", "=A1", "=NOW()", '=HYPERLINK("http://x","y")']),
)


def _openpyxl_safe(value: Any) -> Any:
    # openpyxl itself refuses control characters in strings; such a file cannot be made with it
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
    return value


@st.composite
def workbooks(draw: st.DrawFn) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    if draw(st.booleans()):  # one plain data sheet: most of these load
        ws = wb.active
        ws.title = draw(st.sampled_from(["responses", "Sheet1"]))
        for row in draw(clean_tables()):
            ws.append([_openpyxl_safe(v) for v in row])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    names = draw(
        st.lists(
            st.sampled_from(["responses", "Responses", "waves", "_centric", "Sheet2", "data", "x"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    for k, name in enumerate(names):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = name
        if draw(st.booleans()):
            ws.sheet_state = draw(st.sampled_from(["visible", "hidden"])) if k else "visible"
        table = draw(tables())
        for r, row in enumerate(table):
            out = []
            for value in row:
                if r > 0 and draw(st.integers(0, 4)) == 0:
                    value = draw(xlsx_values)
                out.append(_openpyxl_safe(value))
            if out:
                ws.append(out)

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@fuzz(40)
@given(workbooks())
def test_any_workbook_loads_or_is_a_centric_error_naming_the_file(mini, data):
    with scratch() as d:
        path = d / "answers.xlsx"
        path.write_bytes(data)
        loads_or_names_the_file(path, mini)


@pytest.fixture(scope="module")
def good_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "responses"
    ws.append(LONG_HEADER)
    for r in range(4):
        for item in ITEMS:
            ws.append(["W1", f"R{r}", "executive", "Sales", item, 1 + r, 5, "false", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@fuzz(60)
@given(st.data())
def test_truncated_workbooks_or_missing_parts_are_a_centric_error_naming_the_file(
    mini, good_xlsx, data
):
    if data.draw(st.booleans()):
        blob = good_xlsx[: data.draw(st.integers(0, len(good_xlsx) - 1))]
    else:  # a well-formed zip without one of its parts
        src = zipfile.ZipFile(io.BytesIO(good_xlsx))
        victim = data.draw(st.sampled_from(src.namelist()))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for m in src.namelist():
                if m != victim:
                    z.writestr(m, src.read(m))
        blob = out.getvalue()
    with scratch() as d:
        path = d / "damaged.xlsx"
        path.write_bytes(blob)
        loads_or_names_the_file(path, mini)


def _replace_part(xlsx: bytes, part: str, payload: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for m in src.namelist():
            z.writestr(m, payload if m == part else src.read(m))
    return out.getvalue()


def _garble_deflate(xlsx: bytes, part: str) -> bytes:
    """The zip directory intact, the compressed bytes of ``part`` replaced by garbage."""
    info = zipfile.ZipFile(io.BytesIO(xlsx)).getinfo(part)
    blob = bytearray(xlsx)
    name_len, extra_len = (int.from_bytes(blob[info.header_offset + k : info.header_offset + k + 2], "little") for k in (26, 28))  # fmt: skip
    start = info.header_offset + 30 + name_len + extra_len
    blob[start : start + info.compress_size] = b"\xff" * info.compress_size
    return bytes(blob)


@pytest.mark.parametrize(
    "part",
    [
        "docProps/core.xml",
        "xl/workbook.xml",
        "[Content_Types].xml",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
    ],
)
def test_a_workbook_with_a_broken_xml_part_is_a_response_error(mini, good_xlsx, tmp_path, part):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(_replace_part(good_xlsx, part, b"<x"))
    loads_or_names_the_file(path, mini)
    with pytest.raises(CentricError, match=r"broken\.xlsx: the workbook is damaged .*ParseError"):
        read_responses(path, mini)


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_a_workbook_with_damaged_compressed_data_is_a_response_error(
    mini, good_xlsx, tmp_path, part
):
    path = tmp_path / "garbled.xlsx"
    path.write_bytes(_garble_deflate(good_xlsx, part))
    loads_or_names_the_file(path, mini)
    with pytest.raises(CentricError, match=r"the workbook is damaged .*open and save it again"):
        read_responses(path, mini)


@fuzz(40)
@given(st.data())
def test_workbooks_with_flipped_bytes_are_a_centric_error_naming_the_file(mini, good_xlsx, data):
    """Random bytes of a good workbook changed (zip headers, compressed data, the directory):
    once gave NotImplementedError ("compression type") and zlib.error."""
    blob = bytearray(good_xlsx)
    for _ in range(data.draw(st.integers(1, 8))):
        blob[data.draw(st.integers(0, len(blob) - 1))] = data.draw(st.integers(0, 255))
    with scratch() as d:
        path = d / "flipped.xlsx"
        path.write_bytes(bytes(blob))
        loads_or_names_the_file(path, mini)


# -- JSON ---------------------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10), plausible("current")
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def json_records(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from([*LONG_HEADER, "x", "Item"]), min_size=1, unique=True))
    return {k: draw(st.one_of(plausible(k), json_values)) for k in keys}


@st.composite
def json_documents(draw: st.DrawFn) -> Any:
    table = draw(clean_tables())
    if table[0] == LONG_HEADER and draw(st.booleans()):  # valid records, a few cells retyped
        records = [dict(zip(LONG_HEADER, row, strict=False)) for row in table[1:]]
        for rec in records:
            if draw(st.integers(0, 12)) == 0:
                rec[draw(st.sampled_from(LONG_HEADER))] = draw(json_values)
    else:
        records = draw(st.lists(json_records(), max_size=10))
    shape = draw(st.sampled_from(["list", "object", "object", "random"]))
    if shape == "list":
        return records
    if shape == "random":
        return draw(json_values)
    doc: dict[str, Any] = {"responses": records}
    if draw(st.integers(0, 3)) == 0:
        doc["instrument"] = draw(
            st.sampled_from(["mini@1.0.0", "mini@9.9.9", "nope", "customer-centricity@1.0.0"])
            | json_values
        )
    if draw(st.integers(0, 3)) == 0:
        doc["wave"] = draw(st.sampled_from(["W1", "W2"]) | json_values)
    if draw(st.integers(0, 3)) == 0:
        doc["waves"] = draw(st.lists(st.sampled_from([{"wave": "W1", "instrument": "mini@1.0.0"}, 3]) | json_values, max_size=3))  # fmt: skip
    if draw(st.integers(0, 7)) == 0:
        doc.pop("responses")
    return doc


@fuzz(100)
@given(json_documents(), st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16"]))
@example({"responses": [{"respondent": "R1", "item": "CUL-01", "current": 1e308}]}, "utf-8")
@example({"responses": [{"respondent": ["R1"], "role": {}, "item": "CUL-01"}]}, "utf-8")
def test_any_json_loads_or_is_a_centric_error_naming_the_file(mini, doc, encoding):
    with scratch() as d:
        path = d / "answers.json"
        path.write_bytes(json.dumps(doc).encode(encoding))
        loads_or_names_the_file(path, mini)


# -- themes -------------------------------------------------------------------------------------

theme_values = st.one_of(
    json_values,
    st.sampled_from(
        [
            "#1F3A5F",
            "#fff",
            "red",
            "Lato, Arial, sans-serif",
            "logo.svg",
            "logo.png",
            "missing.svg",
            "sub",
            "a\x00.svg",
            "/etc/passwd",
            "../x.png",
            "{}",
        ]
    ),
)
theme_keys = st.sampled_from(["client", "logo", "colours", "colors", "fonts", "primary", "body"])


@st.composite
def theme_data(draw: st.DrawFn) -> Any:
    data: dict[Any, Any] = {}
    for key in draw(st.lists(theme_keys, max_size=5, unique=True)):
        if key in ("colours", "colors"):
            data[key] = draw(
                st.dictionaries(
                    st.sampled_from(["primary", "accent", "text", "nope"]), theme_values, max_size=3
                )
                | theme_values
            )
        elif key == "fonts":
            data[key] = draw(
                st.dictionaries(st.sampled_from(["body", "heading", "x"]), theme_values, max_size=2)
                | theme_values
            )
        else:
            data[key] = draw(theme_values)
    if draw(st.integers(0, 5)) == 0:  # a non-string key, as YAML allows
        data[draw(st.sampled_from([1, 2.5, True, None]))] = "x"
    return data


def _toml(data: dict[Any, Any]) -> str:
    """A small TOML writer for the generated shapes (strings, numbers, tables of strings)."""

    def lit(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float) and v == v and abs(v) != float("inf"):
            return repr(v)
        return json.dumps(str(v))

    top, tables_ = [], []
    for k, v in data.items():
        if isinstance(v, dict):
            tables_.append(f"[{json.dumps(str(k))}]")
            tables_ += [f"{json.dumps(str(kk))} = {lit(vv)}" for kk, vv in v.items()]
        else:
            top.append(f"{json.dumps(str(k))} = {lit(v)}")
    return "\n".join(top + tables_) + "\n"


def theme_loads_or_names_the_file(path: Path) -> None:
    try:
        theme = load_theme(path)
    except CentricError as exc:
        event("refused")
        assert isinstance(exc, ReportError)
        assert str(path) in str(exc), f"error does not name the theme file: {exc}"
        return
    event("loaded")
    assert not theme.logo_data_uri or theme.logo_data_uri.startswith("data:image/")


def _theme_folder(d: Path) -> None:
    (d / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    (d / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (d / "sub").mkdir()


@fuzz(100)
@given(theme_data(), st.sampled_from([".yaml", ".yml", ".toml"]))
def test_any_theme_loads_or_is_a_report_error_naming_the_file(data, suffix):
    with scratch() as d:
        _theme_folder(d)
        path = d / f"theme{suffix}"
        text = _toml(data) if suffix == ".toml" else yaml.safe_dump(data, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        theme_loads_or_names_the_file(path)


@pytest.mark.parametrize("text", ["1: x\n", "1: x\nb: y\n", "null: x\n"])
def test_a_theme_with_a_number_as_key_is_a_report_error(tmp_path, text):
    path = tmp_path / "theme.yaml"
    path.write_text(text, encoding="utf-8")
    theme_loads_or_names_the_file(path)


def test_theme_logo_with_a_nul_character_is_a_report_error(tmp_path):
    path = tmp_path / "theme.yaml"
    path.write_text('logo: "a\\0.svg"\n', encoding="utf-8")
    theme_loads_or_names_the_file(path)


@fuzz(60)
@given(
    st.one_of(st.binary(max_size=400), st.text(max_size=200).map(lambda t: t.encode("utf-8"))),
    st.sampled_from([".yaml", ".toml", ".yml", ".json"]),
)
@example(b"[1, 2]", ".yaml")
@example(b"a = [", ".toml")
@example(b"\xff\xfe", ".yaml")
@example(b"logo: sub\n", ".yaml")
def test_random_theme_text_is_a_report_error_naming_the_file(raw, suffix):
    with scratch() as d:
        _theme_folder(d)
        path = d / f"theme{suffix}"
        path.write_bytes(raw)
        theme_loads_or_names_the_file(path)


# -- instrument files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    return data


def _paths(node: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*at, k))
    elif isinstance(node, list):
        for k, v in enumerate(node):
            yield from _paths(v, (*at, k))


def _get(node: Any, at: tuple[Any, ...]) -> Any:
    for k in at:
        node = node[k]
    return node


replacement = st.one_of(
    st.none(), st.integers(-3, 12), st.floats(), st.text(max_size=6), st.booleans(),
    st.just([]), st.just({}), st.just([1, "x"]), st.just({"id": "CUL"}), st.just("CUL"),
    st.just("maturity5"), st.just("MET-01"),
)  # fmt: skip


def mutate(data: dict[str, Any], draw: st.DrawFn) -> dict[str, Any]:
    """One to three structural mutations: drop a key, change a value's type, duplicate an id,
    add a prerequisite or action dependency cycle."""
    data = json.loads(json.dumps(data))
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["drop", "retype", "retype", "dup", "cycle", "action_cycle"]))
        caps = data.get("capabilities")
        if op in ("dup", "cycle", "action_cycle") and not (
            isinstance(caps, list) and len(caps) >= 2 and all(isinstance(c, dict) for c in caps)
        ):
            op = "retype"
        if op == "dup":
            a, b = draw(st.sampled_from([(0, 1), (1, 0), (2, 5), (0, 0)]))
            a, b = a % len(caps), b % len(caps)
            what = draw(st.sampled_from(["capability", "item", "action"]))
            if what == "capability":
                caps[b]["id"] = caps[a].get("id")
            else:
                key = "items" if what == "item" else "actions"
                src, dst = caps[a].get(key), caps[b].get(key)
                if isinstance(src, list) and src and isinstance(dst, list):
                    dst.append(json.loads(json.dumps(src[0])))
        elif op == "cycle":
            a, b = caps[0], caps[1]
            a["prerequisites"] = [b.get("id")]
            b["prerequisites"] = [a.get("id")]
        elif op == "action_cycle":
            acts = caps[0].get("actions")
            if isinstance(acts, list) and len(acts) >= 2 and all(isinstance(x, dict) for x in acts):
                acts[0]["depends_on"] = [acts[1].get("id")]
                acts[1]["depends_on"] = [acts[0].get("id")]
        else:
            paths = [p for p in _paths(data) if p]
            at = draw(st.sampled_from(paths))
            parent = _get(data, at[:-1])
            if op == "drop":
                del parent[at[-1]]
            else:
                parent[at[-1]] = draw(replacement)
    return data


@fuzz(60)
@given(st.data())
def test_mutated_shipped_instrument_loads_or_is_a_questionnaire_error_naming_the_file(
    shipped_data, data
):
    mutated = mutate(shipped_data, data.draw)
    with scratch() as d:
        path = d / "instrument.yaml"
        path.write_text(yaml.safe_dump(mutated, allow_unicode=True, sort_keys=False), "utf-8")
        try:
            load_instrument(path)
            event("loaded")
        except CentricError as exc:
            event("refused")
            assert isinstance(exc, QuestionnaireError)
            assert str(path) in str(exc), f"error does not name the file: {exc}"


@fuzz(40)
@given(st.data())
def test_damaged_instrument_text_is_a_questionnaire_error_naming_the_file(data):
    lines = SHIPPED.read_text(encoding="utf-8").splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(lines) - 1))
        how = data.draw(st.sampled_from(["delete", "duplicate", "insert", "indent", "cut"]))
        if how == "delete":
            del lines[at]
        elif how == "duplicate":
            lines.insert(at, lines[at])
        elif how == "insert":
            lines.insert(
                at, data.draw(st.sampled_from(["  - {", ": x\n", "\t\n", "&a *a\n", "\x00"]))
            )
        elif how == "indent":
            lines[at] = "   " + lines[at]
        else:
            lines[at] = lines[at][: len(lines[at]) // 2] + "\n"
    with scratch() as d:
        path = d / "instrument.yaml"
        path.write_text("".join(lines), encoding="utf-8")
        try:
            load_instrument(path)
            event("loaded")
        except CentricError as exc:
            event("refused")
            assert isinstance(exc, QuestionnaireError)
            assert str(path) in str(exc), f"error does not name the file: {exc}"


def test_a_theme_logo_that_is_a_fifo_is_refused_not_read_forever(tmp_path):
    import subprocess
    import sys

    os.mkfifo(tmp_path / "logo.svg")
    theme = tmp_path / "theme.yaml"
    theme.write_text("logo: logo.svg\n", encoding="utf-8")
    code = "import sys; from reports.theme import load_theme; load_theme(sys.argv[1])"
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code, str(theme)], capture_output=True, text=True, timeout=20
        )
    except subprocess.TimeoutExpired:
        pytest.fail("load_theme blocked reading a FIFO logo")
    assert proc.returncode != 0 and "ReportError" in proc.stderr and "logo" in proc.stderr


# -- import into the database -------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory) -> str:
    from assessment.store import upgrade_db

    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz-db') / 'c.db'}"
    upgrade_db(url)
    return url


def _rows(url: str) -> int:
    import sqlalchemy as sa

    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as c:
            return int(c.exec_driver_sql("SELECT count(*) FROM responses").scalar_one())
    finally:
        eng.dispose()


@fuzz(40)
@given(csv_files())
def test_any_csv_imports_or_is_a_centric_error_and_writes_nothing(mini, fuzz_db, file):
    from assessment.service import import_file

    data, suffix = file
    before = _rows(fuzz_db)
    with scratch() as d:
        path = d / f"answers{suffix}"
        path.write_bytes(data)
        try:
            import_file(fuzz_db, path, org="fuzz", instrument=mini)
        except CentricError as exc:
            event(f"refused: {type(exc).__name__}")
            assert path.name in str(exc) or "fuzz" in str(exc), str(exc)
            assert _rows(fuzz_db) == before, "a refused import wrote rows"
            return
        event("imported")


def test_reimport_with_a_new_role_keeps_no_answer_the_new_role_may_not_give(mini, tmp_path):
    """Found by the import fuzz test: the earlier SYS-02 answer was kept for a respondent now
    'staff' (not asked SYS-02), the import succeeded and the wave could no longer be loaded. Now
    the import is refused, naming the respondent, the item and the fix; nothing is written."""
    from assessment.service import import_file
    from assessment.store import load_wave_responses, upgrade_db
    from questionnaires.errors import StoreError

    url = f"sqlite:///{tmp_path / 'c.db'}"
    upgrade_db(url)
    head = "wave,respondent,role,department,item,current\n"
    first = tmp_path / "first.csv"
    first.write_text(head + "".join(f"W1,R2,executive,Sales,{i},3\n" for i in ITEMS), "utf-8")
    again = tmp_path / "again.csv"
    again.write_text(head + "".join(f"W1,R2,staff,Sales,{i},4\n" for i in ITEMS if i != "SYS-02"), "utf-8")  # fmt: skip
    import_file(url, first, org="acme", instrument=mini)
    with pytest.raises(StoreError, match=r"'R2' .* from executive to staff, .* SYS-02, .*delete the respondent") as err:  # fmt: skip
        import_file(url, again, org="acme", instrument=mini)
    assert err.value.task == "respondent delete"
    assert err.value.settings == {"org": "acme", "wave": "W1", "respondent": "R2"}
    rs = load_wave_responses(url, "acme", "W1", instrument=mini)
    assert rs.respondents[0].role == "executive"
    assert (rs.current[0] == 3).all()  # all or nothing: no answer of the refused file

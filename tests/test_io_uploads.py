"""Readers accept a path or the bytes / a file object of an upload with a display name: the same
records and problems either way, problems naming the upload (issue 9, item 5)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from assessment.io import read_file
from questionnaires.errors import ReportError
from reports.theme import load_theme

FIXTURES = Path(__file__).parent / "fixtures"
LONG = FIXTURES / "responses" / "mini-long.csv"


def _rows() -> list[dict[str, str]]:
    with LONG.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _xlsx(tmp_path: Path) -> Path:
    from openpyxl import Workbook

    rows = _rows()
    wb = Workbook()
    ws = wb.active
    ws.title = "responses"
    ws.append(list(rows[0]))
    for r in rows:
        ws.append(list(r.values()))
    wb.save(tmp_path / "r.xlsx")
    return tmp_path / "r.xlsx"


def _json(tmp_path: Path) -> Path:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"responses": _rows()}), encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("as_file_object", [False, True])
def test_an_upload_without_a_path_reads_as_its_file_does(tmp_path, kind, as_file_object):
    path = {"csv": lambda _t: LONG, "xlsx": _xlsx, "json": _json}[kind](tmp_path)
    data = path.read_bytes()
    upload = io.BytesIO(data) if as_file_object else data
    from_path = read_file(path)
    from_bytes = read_file(upload, name=f"upload.{kind}")
    assert from_path.records and not from_path.problems
    assert from_bytes.records == from_path.records
    assert (from_bytes.problems, from_bytes.layout) == ([], from_path.layout)


def test_problems_of_an_upload_name_the_upload_not_a_temporary_file():
    bad = LONG.read_bytes().replace(b"CUL-01,4,5", b"CUL-01,four,5", 1)
    res = read_file(bad, name="answers from HR.csv")
    assert res.problems[0].row == 2 and res.problems[0].column == "current"
    assert res.problems and {p.source for p in res.problems} == {"answers from HR.csv"}
    not_utf8 = read_file(b"wave,respondent,item\n2026-H1,R\xff1,CUL-01\n", name="u.csv")
    assert "not UTF-8" in not_utf8.problems[0].message and not_utf8.problems[0].row == 2


def test_an_uploaded_workbook_named_csv_is_refused_and_a_damaged_one_is_a_problem(tmp_path):
    data = _xlsx(tmp_path).read_bytes()
    assert "Excel workbook" in read_file(data, name="r.csv").problems[0].message
    damaged = read_file(data[: len(data) // 2], name="half.xlsx")
    assert damaged.records == [] and "damaged" in damaged.problems[0].message
    assert damaged.problems[0].source == "half.xlsx"


def test_a_theme_upload_reads_as_its_file_does(tmp_path):
    (tmp_path / "t.yaml").write_text("client: Acme Holdings\ncolours:\n  primary: '#123456'\n")
    (tmp_path / "t.toml").write_text('client = "Acme Holdings"\n[colours]\nprimary = "#123456"\n')
    for name in ("t.yaml", "t.toml"):
        data = (tmp_path / name).read_bytes()
        from_path = load_theme(tmp_path / name)
        assert load_theme(data, name=name) == replace(from_path, source=name)
        assert load_theme(io.BytesIO(data), name=name).client == "Acme Holdings"
    with pytest.raises(ReportError, match=r"^brand\.txt: a theme file must end in"):
        load_theme(b"client: x\n", name="brand.txt")


def test_a_theme_upload_cannot_read_a_logo_file_from_where_the_program_runs(tmp_path):
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="1"><rect width="4" height="1"/></svg>'
    )
    theme = b"client: Acme\nlogo: logo.svg\n"
    with pytest.raises(ReportError, match=r"upload.*cannot name a logo file"):
        load_theme(theme, name="t.yaml")
    assert load_theme(theme, name="t.yaml", base=tmp_path).logo_data_uri.startswith("data:")

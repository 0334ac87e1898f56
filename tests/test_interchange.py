"""Interchange files: JSON Schema, templates, formula injection, damaged and oversized files, CLI.

Formula-injection handling follows OWASP "CSV Injection" (prefix = + - @ tab CR with a quote)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessment.cli import cli
from assessment.service import export_file, import_file
from assessment.store import load_wave_responses, upgrade_db
from questionnaires.errors import ResponseError

ROOT = Path(__file__).resolve().parents[1]
MINI = str(ROOT / "tests" / "fixtures" / "mini" / "1.0.0.yaml")
HOSTILE = '=HYPERLINK("http://x","y")'
HEADER = "wave,respondent,role,department,item,current,target,na,confidence,comment\n"


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    upgrade_db(url)
    return url


def _csv(path: Path, body: str) -> Path:
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_export_json_validates_against_published_schema(db, tmp_path, instrument):
    import jsonschema

    from assessment.io.schema import interchange_schema
    from assessment.io.writers import write_csv
    from assessment.synthetic import northwind

    write_csv(northwind(instrument=instrument), tmp_path / "nw.csv")
    import_file(db, tmp_path / "nw.csv", org="nw")
    export_file(db, "nw", "json", str(tmp_path / "nw.json"))
    doc = json.loads((tmp_path / "nw.json").read_text(encoding="utf-8"))
    schema = interchange_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
    bad = {**doc, "responses": [{**doc["responses"][0], "na": True, "current": 3}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema, cls=jsonschema.Draft202012Validator)


def test_formula_in_comment_stored_as_text_and_neutralised_on_export(db, tmp_path, mini_instrument):
    from openpyxl import load_workbook

    f = _csv(
        tmp_path / "a.csv",
        f'W1,R1,executive,Sales,CUL-01,3,4,false,,"{HOSTILE.replace(chr(34), chr(34) * 2)}"\n'
        "W1,R2,manager,@ops,CUL-01,2,3,false,,-1 looks like a number\n",
    )
    import_file(db, f, org="acme", instrument=mini_instrument)
    rs = load_wave_responses(db, "acme", "W1", instrument=mini_instrument)
    assert {c.text for c in rs.comments} == {HOSTILE, "-1 looks like a number"}
    export_file(db, "acme", "csv", str(tmp_path / "e.csv"))
    text = (tmp_path / "e.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and ",'@ops," in text and "'-1 looks" in text
    export_file(db, "acme", "xlsx", str(tmp_path / "e.xlsx"))
    ws = load_workbook(tmp_path / "e.xlsx")["responses"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "'" + HOSTILE in values
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_xlsx_template_has_instructions_dropdowns_and_imports_back(db, tmp_path, instrument):
    from openpyxl import load_workbook

    path = tmp_path / "t.xlsx"
    result = CliRunner().invoke(
        cli, ["template", "--instrument", "customer-centricity@1.0.0", "-o", str(path)]
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["Instructions", "Responses"]
    assert wb["_centric"].sheet_state == "hidden"
    ws = wb["Responses"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["wave", "respondent", "role", "department"]
    assert ws.max_row == len(instrument.items) + 1
    assert ws.cell(row=2, column=7).value == instrument.items[0].text
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"1,2,3,4,5,N/A"' in lists and '"executive,manager,staff"' in lists
    # fill it like a respondent: identity once, a rating per item, one N/A, one item skipped
    ws["A2"], ws["B2"], ws["C2"], ws["D2"] = "2026-H1", "P-01", "executive", "Sales"
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=8).value = 1 + r % 5
        ws.cell(row=r, column=9).value = 5
    ws.cell(row=3, column=8).value = "N/A"
    ws.cell(row=3, column=9).value = None
    ws.cell(row=4, column=8).value = None
    ws.cell(row=4, column=9).value = None
    wb.save(path)
    res = import_file(db, path, org="acme")
    assert res.waves[0].instrument == "customer-centricity@1.0.0"
    assert res.answers == len(instrument.items) - 1
    rs = load_wave_responses(db, "acme", "2026-H1")
    assert rs.respondents[0].id == "P-01" and rs.respondents[0].department == "Sales"
    assert bool(rs.na[0, 1]) and rs.current[0, 0] == 1 + 2 % 5


def test_csv_template_imports_back(db, tmp_path, mini_instrument):
    from assessment.io.template import write_template_csv

    path = write_template_csv(
        mini_instrument,
        tmp_path / "t.csv",
        wave="W1",
        respondent="P-9",
        role="manager",
        department="Finance",
    )
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["respondent"] == "P-9" and rows[1]["respondent"] == ""
    assert rows[0]["question"] == mini_instrument.items[0].text
    rows[0].update(current="3", target="4")
    rows[1].update(current="N/A")
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    res = import_file(db, path, org="acme", instrument=mini_instrument)
    assert res.answers == 2


def test_truncated_xlsx_is_a_clear_error(db, tmp_path, mini_instrument):
    good = tmp_path / "good.xlsx"
    from assessment.io.template import write_template_xlsx

    write_template_xlsx(mini_instrument, good)
    data = good.read_bytes()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(
        ResponseError, match=r"bad\.xlsx: the workbook is damaged \(truncated.*save it again"
    ):
        import_file(db, bad, org="acme", instrument=mini_instrument)


def test_wrong_encoding_is_a_clear_error(db, tmp_path, mini_instrument):
    f = tmp_path / "latin1.csv"
    f.write_bytes(
        (HEADER + "W1,R1,executive,Bür,CUL-01,3,4,false,,Gr\xfc\xdfe\n").encode("latin-1")
    )
    with pytest.raises(ResponseError, match=r"row 2.*not UTF-8"):
        import_file(db, f, org="acme", instrument=mini_instrument)


def test_file_over_the_size_limit_is_refused_quickly(db, tmp_path, mini_instrument):
    """A 100 MB file (sparse, created instantly) is refused before reading, naming --max-size."""
    f = tmp_path / "huge.csv"
    with f.open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    with pytest.raises(
        ResponseError, match=r"file too large: 100\.0 MB \(limit 50 MB\); raise the size limit"
    ) as err:
        import_file(db, f, org="acme", instrument=mini_instrument)
    assert err.value.settings == {"max_mb": None}


def test_cli_db_import_export(tmp_path, mini_instrument):
    runner = CliRunner()
    db = str(tmp_path / "c.db")
    f = _csv(tmp_path / "a.csv", "W1,R1,executive,Sales,CUL-01,3,4,false,,\n")
    r = runner.invoke(cli, ["import", str(f), "--db", db, "--org", "acme", "--instrument", MINI])
    assert r.exit_code == 2 and "centric db upgrade" in r.output
    r = runner.invoke(cli, ["db", "status", "--db", db])
    assert r.exit_code != 0
    assert runner.invoke(cli, ["db", "upgrade", "--db", db]).exit_code == 0
    r = runner.invoke(cli, ["db", "current", "--db", db])
    from assessment.store.migrate import head_revision

    assert r.output.strip() == head_revision()
    r = runner.invoke(cli, ["import", str(f), "--db", db, "--org", "acme", "--instrument", MINI])
    assert r.exit_code == 0, r.output
    assert "1 answers (1 new" in r.output
    r = runner.invoke(cli, ["export", "--db", db, "--org", "acme", "--format", "csv"])
    assert r.exit_code == 0
    assert r.stdout.splitlines() == [HEADER.strip(), "W1,R1,executive,Sales,CUL-01,3,4,false,,"]


def test_cli_score_reads_a_db_wave_on_an_instrument_file(tmp_path):
    """`centric score --db` hands --instrument to the store, so a wave bound to an instrument that
    is not shipped (here the mini YAML file) can be scored; without it the message says how."""
    runner = CliRunner()
    db = str(tmp_path / "c.db")
    assert runner.invoke(cli, ["db", "upgrade", "--db", db]).exit_code == 0
    rows = "".join(
        f"W1,R{k},{role},Sales,{item},{1 + k % 5},{1 + (k + 2) % 5},false,,\n"
        for k, role in enumerate(("executive", "manager", "staff", "manager"))
        for item in ("CUL-01", "CUL-02", "MET-01")
    )
    f = _csv(tmp_path / "a.csv", rows)
    r = runner.invoke(cli, ["import", str(f), "--db", db, "--org", "acme", "--instrument", MINI])
    assert r.exit_code == 0, r.output
    base = ["score", "--db", db, "--org", "acme", "--wave", "W1", "--bootstrap", "0"]
    r = runner.invoke(cli, [*base, "--format", "json"])
    assert r.exit_code == 2 and "mini@1.0.0" in r.output and "--instrument PATH" in r.output
    r = runner.invoke(cli, [*base, "--instrument", MINI, "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["instrument_ref"] == "mini@1.0.0" and data["n_respondents"] == 4


ROUND_TRIP_TEXTS = ["=1+1", "@SUM(A1)", "+cmd", "-2+3", "'=already", "''x", "\t=cmd", "-1", "'-1"]


def _hostile_json(path: Path) -> Path:
    t = ROUND_TRIP_TEXTS
    records = [
        {
            "wave": "W1",
            "respondent": t[k],
            "role": "manager",
            "department": t[-1 - k],
            "item": item,
            "current": 3,
            "target": 4,
            "comment": t[(k + j) % len(t)],
        }
        for k in range(len(t))
        for j, item in enumerate(("CUL-01", "MET-01"))
    ]
    path.write_text(json.dumps({"responses": records}), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_hostile_text_round_trips_export_import_export(tmp_path, mini_instrument, fmt):
    """Respondent, department and comment texts that start a formula, or really start with an
    apostrophe, come back exactly (before: a comment "'=already" lost its apostrophe)."""
    first = f"sqlite:///{tmp_path / 'a.db'}"
    second = f"sqlite:///{tmp_path / 'b.db'}"
    upgrade_db(first)
    upgrade_db(second)
    import_file(first, _hostile_json(tmp_path / "h.json"), org="o", instrument=mini_instrument)
    stored = load_wave_responses(first, "o", "W1", instrument=mini_instrument)
    assert "'=already" in {c.text for c in stored.comments}
    export_file(first, "o", fmt, str(tmp_path / f"1.{fmt}"))
    import_file(second, tmp_path / f"1.{fmt}", org="o", instrument=mini_instrument)
    export_file(second, "o", fmt, str(tmp_path / f"2.{fmt}"))
    again = load_wave_responses(second, "o", "W1", instrument=mini_instrument)
    assert again.data_hash == stored.data_hash
    assert {c.text for c in again.comments} == {c.text for c in stored.comments}
    assert {r.id for r in again.respondents} == {r.id for r in stored.respondents}
    assert {r.department for r in again.respondents} >= {"'-1", "'=already", "-2+3"}
    if fmt == "csv":
        assert (tmp_path / "1.csv").read_bytes() == (tmp_path / "2.csv").read_bytes()
        text = (tmp_path / "1.csv").read_text(encoding="utf-8")
        assert "''=already" in text and "'=1+1" in text and ",-1," in text


def _formula_cells(path: Path) -> list[str]:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return [
        f"{ws.title}!{c.coordinate}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]


def test_template_prefill_with_a_formula_is_text_not_a_live_formula(db, tmp_path, mini_instrument):
    """Before: `centric template --respondent '=HYPERLINK(...)'` wrote a live formula cell (XLSX)
    and the raw `=...` text (CSV)."""
    import csv

    from openpyxl import load_workbook

    evil = '=HYPERLINK("http://evil.example/x","open")'
    args = ["template", "--instrument", MINI, "--respondent", evil, "--department", "@SUM(A1)"]
    r = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "t.xlsx")])
    assert r.exit_code == 0, r.output
    assert _formula_cells(tmp_path / "t.xlsx") == []
    ws = load_workbook(tmp_path / "t.xlsx")["Responses"]
    assert ws["B2"].value == "'" + evil and ws["D2"].value == "'@SUM(A1)"
    r = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "t.csv")])
    assert r.exit_code == 0, r.output
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["respondent"] == "'" + evil and rows[0]["department"] == "'@SUM(A1)"
    # filled in, the template imports the prefilled texts as typed
    rows[0].update(role="manager", current="3", target="4")
    with (tmp_path / "t.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    import_file(db, tmp_path / "t.csv", org="acme", wave="W1", instrument=mini_instrument)
    rs = load_wave_responses(db, "acme", "W1", instrument=mini_instrument)
    assert rs.respondents[0].id == evil and rs.respondents[0].department == "@SUM(A1)"


def test_xlsx_export_never_stores_text_as_a_formula(db, tmp_path, mini_instrument):
    import_file(db, _hostile_json(tmp_path / "h.json"), org="o", instrument=mini_instrument)
    export_file(db, "o", "xlsx", str(tmp_path / "e.xlsx"))
    assert _formula_cells(tmp_path / "e.xlsx") == []


@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_text_starting_with_equals_is_a_string_cell_even_unneutralised(
    tmp_path, monkeypatch, write_only
):
    """The second guard of safe_row: even if the rule let `=...` through, openpyxl must not make
    it a formula."""
    from openpyxl import Workbook, load_workbook

    from assessment.io import xlsx

    monkeypatch.setattr(xlsx, "neutralise", lambda text: text)
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("s") if write_only else wb.active
    ws.append(xlsx.safe_row(ws, ["=1+1", 3, None, "x"]))
    wb.save(tmp_path / "g.xlsx")
    assert _formula_cells(tmp_path / "g.xlsx") == []
    cells = list(load_workbook(tmp_path / "g.xlsx").worksheets[0].iter_rows(values_only=True))
    assert cells == [("=1+1", 3, None, "x")]

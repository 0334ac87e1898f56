"""``centric questionnaire``: list, show, validate, diff, schema, lock (click CliRunner + subprocess)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assessment.cli import cli
from questionnaires.catalogue import questionnaires_dir
from questionnaires.schema import instrument_schema_text

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini" / "1.0.0.yaml"
SUBCOMMANDS = ["list", "show", "validate", "diff", "schema", "lock"]


def run(*args: str):
    return CliRunner().invoke(cli, ["questionnaire", *args])


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A questionnaire folder holding mini 1.0.0 (locked) and a declared 1.1.0 (not locked yet)."""
    folder = tmp_path / "q" / "mini"
    folder.mkdir(parents=True)
    shutil.copy(MINI, folder / "1.0.0.yaml")
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["version"] = "1.1.0"
    data["supersedes"] = "mini@1.0.0"
    data["capabilities"][0]["items"][0]["text"] = "Customers' interests come first in our decisions"
    data["capabilities"][2]["items"].pop()
    data["item_map"] = [
        {"old": "CUL-01", "new": "CUL-01", "change": "reworded"},
        {"old": "MET-02", "change": "removed"},
    ]
    (folder / "1.1.0.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return tmp_path / "q"


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_every_subcommand_has_help_with_an_example(sub):
    result = run(sub, "--help")
    assert result.exit_code == 0, result.output
    assert "Example:\n" in result.output
    assert "  centric questionnaire " + sub in result.output  # \b keeps the example lines intact


def test_list_table_and_json():
    result = run("list")
    assert result.exit_code == 0
    assert "customer-centricity@1.0.0" in result.output and "locked" in result.output
    rows = json.loads(run("list", "--format", "json").output)
    old, new = [r for r in rows if r["id"] == "customer-centricity"]
    assert (old["ref"], old["capabilities"], old["items"], old["lock"]) == (
        "customer-centricity@1.0.0",
        8,
        49,
        "locked",
    )
    assert (new["ref"], new["capabilities"], new["items"], new["lock"]) == (
        "customer-centricity@1.1.0",
        8,
        54,
        "locked",
    )
    assert old["hash"].startswith("sha256:") and new["hash"] != old["hash"]


def test_list_reports_unpublished_versions(root):
    rows = json.loads(run("list", "--root", str(root), "--format", "json").output)
    assert [(r["ref"], r["lock"]) for r in rows] == [
        ("mini@1.0.0", "unpublished"),
        ("mini@1.1.0", "unpublished"),
    ]


def test_show_table_has_capabilities_levels_and_items():
    result = run("show", "customer-centricity@1.0.0")
    assert result.exit_code == 0
    out = result.output
    assert "Customer-centricity alignment assessment (customer-centricity@1.0.0)" in out
    assert "MET  Metrics & Incentives  (weight 1.2; requires SYS)" in out
    assert "    5 Customer-led" not in out  # levels are capability-specific text, not scale labels
    assert "MET-04 (R)" in out  # reverse-coded
    assert "SYS-02 (R)" in out
    assert "MET-A1-1" not in out
    assert "MET-A1-1 1->2" in run("show", "customer-centricity", "--actions").output


def test_show_json_is_the_full_model_with_ref_and_hash():
    data = json.loads(run("show", "customer-centricity@1.0.0", "--format", "json").output)
    assert data["ref"] == "customer-centricity@1.0.0" and data["hash"].startswith("sha256:")
    assert [c["id"] for c in data["capabilities"]] == [
        "CUL",
        "SKL",
        "MGT",
        "MET",
        "SYS",
        "DEC",
        "SSI",
        "VOC",
    ]
    assert "actions" not in data["capabilities"][0]
    assert data["capabilities"][3]["items"][3]["reverse"] is True
    with_actions = json.loads(
        run("show", "customer-centricity", "--format", "json", "--actions").output
    )
    assert with_actions["capabilities"][0]["actions"][0]["id"] == "CUL-A1-1"


def test_show_a_file_and_unknown_instrument():
    assert "Minimal test instrument (mini@1.0.0)" in run("show", str(MINI)).output
    result = run("show", "nope@1.0.0")
    assert result.exit_code == 2
    assert "Error: unknown instrument 'nope'; available: customer-centricity" in result.output


def test_validate_ok_lines_on_stdout(root):
    result = CliRunner().invoke(
        cli, ["questionnaire", "validate", str(MINI), str(root / "mini" / "1.1.0.yaml")]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all(ln.startswith("ok  ") for ln in lines)
    assert "mini@1.1.0  sha256:" in lines[1]


def test_validate_reports_every_problem_and_exits_2(tmp_path):
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["capabilities"][0]["items"][0]["scale"] = "m7"
    data["capabilities"][2]["prerequisites"] = ["SYS", "MET"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = run("validate", str(MINI), str(bad))
    assert result.exit_code == 2
    assert result.stdout.startswith(f"ok  {MINI}")
    assert (
        "capabilities[0].items[0].scale (CUL-01): unknown scale 'm7'; defined: m5" in result.stderr
    )
    assert "capabilities[2].prerequisites[1] (MET): MET cannot require itself" in result.stderr
    assert result.stderr.rstrip().endswith("Error: 1 of 2 files invalid")


def test_validate_flags_an_edited_published_version(tmp_path):
    edited = tmp_path / "1.0.0.yaml"
    text = (questionnaires_dir() / "customer-centricity" / "1.0.0.yaml").read_text(encoding="utf-8")
    edited.write_text(text.replace("yearly survey", "annual survey"), encoding="utf-8")
    result = run("validate", str(edited))
    assert result.exit_code == 2
    assert "customer-centricity@1.0.0 is published with a different content hash" in result.stderr


def test_diff_table_and_json(root):
    old, new = "mini@1.0.0", "mini@1.1.0"
    result = run("diff", old, new, "--root", str(root))
    assert result.exit_code == 0, result.output
    assert "mini@1.0.0 -> mini@1.1.0 (declared item map)" in result.output
    assert "4 same, 1 reworded, 0 rescaled, 1 removed, 0 new" in result.output
    assert "comparable items: 5" in result.output
    data = json.loads(run("diff", old, new, "--root", str(root), "--format", "json").output)
    assert data["declared"] is True
    assert data["counts"] == {"same": 4, "reworded": 1, "rescaled": 0, "removed": 1, "new": 0}
    assert ["CUL-01", "CUL-01"] in data["comparable"] and data["dropped"] == ["MET-02"]


def test_diff_infers_the_map_between_unrelated_files(root):
    data = json.loads(
        run("diff", str(root / "mini" / "1.1.0.yaml"), str(MINI), "--format", "json").output
    )
    assert data["declared"] is False
    assert data["counts"]["new"] == 1 and data["counts"]["reworded"] == 1


def test_list_show_diff_as_csv_to_a_file(root, tmp_path):
    """Commands that print data share --format table|json|csv and -o FILE (cli._common)."""
    import csv

    out = tmp_path / "list.csv"
    result = run("list", "--root", str(root), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["ref"], r["capabilities"], r["lock"]) for r in rows] == [
        ("mini@1.0.0", "3", "unpublished"),
        ("mini@1.1.0", "3", "unpublished"),
    ]
    result = run("show", str(MINI), "--format", "csv")
    assert result.exit_code == 0, result.output
    items = list(csv.DictReader(result.stdout.splitlines()))
    assert tuple(items[0]) == (
        "capability",
        "item",
        "scale",
        "reverse",
        "roles",
        "na_allowed",
        "text",
    )
    assert [i["item"] for i in items] == [
        "CUL-01",
        "CUL-02",
        "SYS-01",
        "SYS-02",
        "MET-01",
        "MET-02",
    ]
    result = run("diff", "mini@1.0.0", "mini@1.1.0", "--root", str(root), "--format", "csv")
    changes = list(csv.DictReader(result.stdout.splitlines()))
    assert {"change": "removed", "old": "MET-02", "new": ""} in changes
    assert sum(c["change"] == "same" for c in changes) == 4


def test_schema_to_stdout_and_file(tmp_path):
    result = run("schema")
    assert result.exit_code == 0 and result.stdout == instrument_schema_text()
    out = tmp_path / "s.json"
    result = run("schema", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["title"] == "Instrument"


def test_lock_adds_new_versions_and_never_rewrites(root):
    result = run("lock", "--root", str(root))
    assert result.exit_code == 0, result.output
    assert result.stdout.count("locked  mini@") == 2
    lock = json.loads((root / "lock.json").read_text(encoding="utf-8"))
    assert set(lock) == {"mini@1.0.0", "mini@1.1.0"}
    assert run("lock", "--root", str(root), "--check").exit_code == 0
    assert "up to date" in run("lock", "--root", str(root)).stderr
    # editing a published version: lock refuses, check fails, lock file unchanged
    f = root / "mini" / "1.0.0.yaml"
    f.write_text(
        f.read_text(encoding="utf-8").replace("Customers come first", "Customers first"),
        encoding="utf-8",
    )
    for args in (["lock"], ["lock", "--check"]):
        result = run(*args, "--root", str(root))
        assert result.exit_code == 2
        assert "mini@1.0.0" in result.stderr and "new version" in result.stderr
    assert json.loads((root / "lock.json").read_text(encoding="utf-8")) == lock


def test_help_does_not_import_heavy_modules():
    code = (
        "import sys\nfrom assessment.cli import cli\n"
        "for args in (['questionnaire', '--help'], ['questionnaire', 'show', '--help'], "
        "['questionnaire', 'list', '--format', 'json']):\n"
        "    try:\n        cli.main(args, standalone_mode=False)\n    except SystemExit:\n        pass\n"
        "heavy = {'numpy', 'scipy', 'weasyprint', 'matplotlib', 'sqlalchemy', 'pandas'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"


# -- the installed entry point (main() with standalone_mode=False) -------------------------------

CENTRIC = ROOT / ".venv" / "bin" / "centric"


@pytest.fixture(scope="module")
def centric() -> list[str]:
    if not CENTRIC.exists():
        pytest.skip("centric is not installed in .venv (run `make install`)")
    return [str(CENTRIC)]


def test_entry_point_validate_bad_file_exits_2_with_one_line_per_problem(centric, tmp_path):
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["capabilities"][0]["items"][1]["scale"] = "m7"
    data["capabilities"][1]["actions"][0]["depends_on"] = ["SYS-A9-9"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    proc = subprocess.run(
        [*centric, "questionnaire", "validate", str(bad)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert lines[0] == f"{bad}: invalid instrument (2 problems):"
    assert lines[1].startswith(f"  - {bad}:") and "(CUL-02): unknown scale 'm7'" in lines[1]
    assert "(SYS-A1-1): unknown action 'SYS-A9-9'" in lines[2]
    assert lines[3] == "Error: 1 of 1 file invalid"
    assert "Traceback" not in proc.stderr


def test_entry_point_help_and_version(centric):
    proc = subprocess.run([*centric, "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "questionnaire" in proc.stdout and proc.stderr == ""
    proc = subprocess.run([*centric, "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("centric, version ")
    proc = subprocess.run(
        [*centric, "questionnaire", "show", "nope"], capture_output=True, text=True
    )
    assert proc.returncode == 2 and proc.stderr.startswith("Error: unknown instrument 'nope'")
    proc = subprocess.run([*centric, "questionnaire", "bogus"], capture_output=True, text=True)
    assert proc.returncode == 2 and "No such command 'bogus'" in proc.stderr


def test_diff_table_lists_field_changes():
    """Issue 11: the diff lists every change with its kind: KPIs, cost bands, done criteria and
    owners besides the item map (the table showed only items; JSON had field_changes)."""
    new = Path(__file__).parent / "fixtures" / "mini11" / "1.1.0.yaml"
    result = run("diff", str(MINI), str(new))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "other changes:" in out
    assert "kpi added" in out and "action cost_band changed" in out

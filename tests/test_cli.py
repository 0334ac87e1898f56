"""The ``centric`` command line: lazy imports, help texts, exit codes, score and demo, documented commands."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from assessment import __version__
from assessment.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parent.parent
HEAVY = {"numpy", "scipy", "weasyprint", "matplotlib", "sqlalchemy", "pandas"}
MINI = str(ROOT / "tests" / "fixtures" / "mini" / "1.0.0.yaml")
RESPONSES = ROOT / "tests" / "fixtures" / "responses"


def available_commands() -> tuple[list[str], list[str]]:
    """Registered commands whose module exists, and those whose module is not written yet."""
    present, missing = [], []
    for name, (module, _, _) in sorted(COMMANDS.items()):
        (present if importlib.util.find_spec(module) else missing).append(name)
    return present, missing


def walk(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path below ``command`` (groups and leaves)."""
    out = [path]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            if path == () and name not in available_commands()[0]:
                continue
            sub = command.get_command(ctx, name)
            if sub is not None:
                out += walk(sub, (*path, name))
    return out


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def nw_files(tmp_path_factory, mini_instrument) -> dict[str, Path]:
    """Northwind (60 respondents) answered on the mini instrument, as long CSV and wide CSV."""
    from assessment.io import write_csv
    from assessment.synthetic import northwind

    folder = tmp_path_factory.mktemp("nw")
    rs = northwind(instrument=mini_instrument)
    return {
        layout: write_csv(rs, folder / f"nw-{layout}.csv", format=layout)
        for layout in ("long", "wide")
    }


# -- lazy imports and help ----------------------------------------------------------------------

HELP_SCRIPT = """
import importlib.util, sys
import click
from assessment.cli import COMMANDS, cli

def walk(cmd, path=()):
    yield path
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            if not path and not importlib.util.find_spec(COMMANDS[name][0]):
                continue
            yield from walk(cmd.get_command(ctx, name), (*path, name))

for path in list(walk(cli)):
    try:
        cli.main([*path, "--help"], prog_name="centric", standalone_mode=False)
    except SystemExit:
        pass
heavy = {'numpy', 'scipy', 'weasyprint', 'matplotlib', 'sqlalchemy', 'pandas'}
print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))
"""


def test_help_of_every_command_imports_no_heavy_module():
    """DESIGN §3: `--help` must not import numpy, scipy, WeasyPrint, matplotlib, SQLAlchemy, pandas."""
    proc = subprocess.run(
        [sys.executable, "-c", HELP_SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_every_registered_command_module_exists():
    present, missing = available_commands()
    assert missing == []
    assert sorted(present) == sorted(COMMANDS)


@pytest.mark.parametrize("path", walk(cli), ids=lambda p: " ".join(p) or "centric")
def test_every_command_has_help_with_an_example(runner, path):
    """Every command shows how it is used: an Example in its own help or, for a subcommand, in
    its group's help (``centric db --help`` lists examples for ``db upgrade`` and ``db status``)."""
    result = runner.invoke(cli, [*path, "--help"], prog_name="centric")
    assert result.exit_code == 0, result.output
    assert "Usage: centric" in result.output
    if not path:
        return
    if "Example" not in result.output and len(path) > 1:
        parent = runner.invoke(cli, [*path[:-1], "--help"], prog_name="centric").output
        assert f"centric {' '.join(path)}" in parent, (
            f"neither centric {' '.join(path)} --help nor its group shows an example of it"
        )
    else:
        assert "Example" in result.output, f"centric {' '.join(path)} --help has no Example"


def test_version(runner):
    result = runner.invoke(cli, ["--version"], prog_name="centric")
    assert result.exit_code == 0
    assert result.output.strip() == f"centric, version {__version__}"


def test_unknown_command_is_a_usage_error(runner):
    result = runner.invoke(cli, ["scroe"], prog_name="centric")
    assert result.exit_code == 2
    assert "No such command 'scroe'" in result.output


# -- score --------------------------------------------------------------------------------------


def test_score_table(runner, nw_files):
    result = runner.invoke(
        cli, ["score", str(nw_files["long"]), "--instrument", MINI, "--bootstrap", "0"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("mini@1.0.0  wave 2026-H1  60 respondents")
    header = next(line for line in lines if line.startswith("Capability"))
    for heading in ("Score", "95% CI", "Level", "Target", "AGI mgmt", "Band", "Perception gap"):
        assert heading in header
    body = lines[lines.index(header) + 2 :]
    assert [line.split()[0] for line in body] == ["CUL", "SYS", "MET", "overall"]


def test_score_table_shows_calibrated_bands_and_the_management_level_interval(runner, nw_files):
    """Issue 10: the band words are the calibrated ones, the AGI comes with its jackknife interval
    (bootstrap off) and the management team's level with its interval and borderline levels."""
    from typing import get_args

    from scoring.results import Band

    result = runner.invoke(
        cli, ["score", str(nw_files["long"]), "--instrument", MINI, "--bootstrap", "0"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("Capability"))
    assert "Mgmt level (95% CI)" in header and "AGI 95% CI" in header
    body = lines[lines.index(header) + 2 :]
    start = header.index("Band")
    bands = [line[start:].split("  ")[0].strip() for line in body]
    assert all(b in get_args(Band) for b in bands), bands
    level_col = header.index("Mgmt level")
    cul = body[0][level_col:].split("  ")[0]
    # a small management team's interval ends are members' own scores: safe output has none
    assert re.fullmatch(r"\d\.\d( \(\d\.\d–\d\.\d\))?( could be \d( or |–)\d)?", cul), cul
    agi_col = header.index("AGI 95% CI")
    assert re.fullmatch(r"\d+\.\d–\d+\.\d", body[0][agi_col:].split()[0])


def test_score_table_prints_no_management_level_of_a_team_below_min_group(runner):
    """One executive: the management team's median and its interval are that person's score
    (the table printed "4.0 borderline"); safe output shows a dash, identifying output the level."""
    args = ["score", str(RESPONSES / "mini-long.csv"), "--instrument", MINI, "--bootstrap", "0"]

    def level_cells(result):
        lines = result.stdout.splitlines()
        header = next(line for line in lines if line.startswith("Capability"))
        col, end = header.index("Mgmt level"), header.index("Target")
        return [line[col:end].strip() for line in lines[lines.index(header) + 2 :]]

    safe = runner.invoke(cli, args)
    assert safe.exit_code == 0, safe.output
    assert level_cells(safe) == ["–", "–", "–"]
    full = runner.invoke(cli, [*args, "--identifying"])
    assert full.exit_code == 0, full.output
    assert level_cells(full) == ["4.0 borderline", "3.0 borderline", "4.0 borderline", "–"]


def test_score_tiny_file_with_groups_below_min_group(runner):
    """3 respondents: the management group (1 executive) is below --min-group; scored with warnings."""
    result = runner.invoke(
        cli, ["score", str(RESPONSES / "mini-long.csv"), "--instrument", MINI, "--bootstrap", "0"]
    )
    assert result.exit_code == 0, result.output
    assert "Warning:" in result.stderr and "AGI needs at least 3" in result.stderr
    assert "3 respondents" in result.stdout


def test_score_json_is_the_safe_result_with_nan_as_null(runner, tmp_path, nw_files):
    from scoring.results import WaveResult

    out = tmp_path / "r.json"
    args = ["score", str(nw_files["wide"]), "--instrument", MINI, "--bootstrap", "50"]
    result = runner.invoke(cli, [*args, "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # data went to the file, the message to stderr
    text = out.read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    data = json.loads(text)
    # stable keys: the safe-output header, then the result's fields in declaration order
    assert list(data) == [
        "identifying",
        "min_group",
        "reissue",
        "withheld",
        *(f for f in WaveResult.__dataclass_fields__ if f != "capability_answers"),  # 1.1.0 only
    ]
    assert data["instrument_ref"] == "mini@1.0.0" and data["n_respondents"] == 60
    assert data["options"]["bootstrap"] == 50
    assert data["agi"][0]["ci"].keys() == {"low", "high"}


def test_score_csv(runner, nw_files):
    from assessment.service import SUMMARY_COLUMNS

    result = runner.invoke(
        cli,
        [
            "score",
            str(nw_files["long"]),
            "--instrument",
            MINI,
            "--bootstrap",
            "0",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == SUMMARY_COLUMNS
    assert [r["capability"] for r in rows] == ["CUL", "SYS", "MET", "overall"]


def test_score_bad_file_exits_2_lists_every_problem_and_writes_nothing(tmp_path):
    """Acceptance (DESIGN §5): unknown item, rating 7 on a 5-point scale and a duplicate, through the CLI."""
    out = tmp_path / "result.json"
    proc = subprocess.run(
        [sys.executable, "-c", "from assessment.cli import main; main()", "score", str(RESPONSES / "mini-bad.csv"),
         "--instrument", MINI, "--format", "json", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert "3 problems found; nothing was scored" in proc.stderr
    assert "row 3, column 'item': unknown item 'CUL-03'" in proc.stderr
    assert "row 4, column 'current': current 7 is outside 1..5 for SYS-01" in proc.stderr
    assert "in row 5 and again in row 6" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_score_missing_file_and_unknown_instrument(runner, tmp_path):
    result = runner.invoke(cli, ["score", str(tmp_path / "nope.csv"), "--instrument", MINI])
    assert result.exit_code == 2 and "no such file" in result.output
    result = runner.invoke(
        cli, ["score", str(RESPONSES / "mini-long.csv"), "--instrument", "nosuch@1.0.0"]
    )
    assert result.exit_code == 2 and "nosuch" in result.output


def test_score_without_source_is_a_usage_error(runner, monkeypatch):
    monkeypatch.delenv("CENTRIC_DB", raising=False)
    result = runner.invoke(cli, ["score"])
    assert result.exit_code == 2
    assert "give a response FILE" in result.output and "--db, --org, --wave" in result.output


def test_score_from_db_calls_the_store(runner, monkeypatch, mini_instrument, nw_files):
    """The responses source hands --db/--org/--wave (--db from $CENTRIC_DB through click's envvar)
    to the store's load_wave_responses, via assessment.service."""
    import assessment.store.repository as repository
    from assessment.io import read_responses

    calls = []

    def load_wave_responses(url, org, wave, *, instrument=None):
        assert instrument is mini_instrument or instrument.ref == "mini@1.0.0"
        calls.append((url, org, wave))
        return read_responses(nw_files["long"], mini_instrument)

    recorded = []
    monkeypatch.setattr(repository, "load_wave_responses", load_wave_responses)
    import assessment.store as store

    monkeypatch.setattr(store, "reports", lambda url, org, wave: [])
    monkeypatch.setattr(
        store, "record_report", lambda url, org, wave, **kw: recorded.append(kw["kind"])
    )
    monkeypatch.setenv("CENTRIC_DB", "sqlite:///env.db")
    result = runner.invoke(
        cli,
        [
            "score",
            "--org",
            "nw",
            "--wave",
            "2026-H1",
            "--instrument",
            MINI,
            "--bootstrap",
            "0",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert calls == [("sqlite:///env.db", "nw", "2026-H1")]
    assert recorded == ["score"]  # safe output read from the database is recorded there


# -- demo ---------------------------------------------------------------------------------------


def test_demo_writes_responses_and_results(runner, tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(cli, ["demo", "--out", str(out), "--bootstrap", "100", "--no-reports"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "northwind-engagement.yaml",  # the client's numbers behind the business case
            *(
                f"{kind}-{wave}.{ext}"
                for wave in ("2026-H1", "2026-H2")
                for kind, ext in (("northwind", "csv"), ("results", "json"), ("results", "csv"))
            ),
        ]
    )
    assert result.stdout.splitlines() == [
        str(out / n)
        for n in (
            "northwind-2026-H1.csv",
            "results-2026-H1.json",
            "results-2026-H1.csv",
            "northwind-2026-H2.csv",
            "results-2026-H2.json",
            "results-2026-H2.csv",
            "northwind-engagement.yaml",
        )
    ]
    h1 = json.loads((out / "results-2026-H1.json").read_text(encoding="utf-8"))
    assert h1["wave"] == "2026-H1" and h1["n_respondents"] == 60
    # the demo's response CSV is a valid input to `centric score`
    again = runner.invoke(
        cli, ["score", str(out / "northwind-2026-H1.csv"), "--bootstrap", "100", "--format", "json"]
    )
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["data_hash"] == h1["data_hash"]


def test_demo_error_leaves_no_partial_files(runner, tmp_path, monkeypatch):
    import assessment.service as service

    def broken(*args, **kwargs):
        from questionnaires.errors import ScoringError

        raise ScoringError("simulated failure")

    monkeypatch.setattr(service, "score_responses", broken)
    out = tmp_path / "demo"
    result = runner.invoke(cli, ["demo", "--out", str(out), "--no-reports"])
    assert result.exit_code == 2 and "simulated failure" in result.output
    assert not out.exists() or list(out.iterdir()) == []


# -- docs ---------------------------------------------------------------------------------------


def test_every_command_is_documented():
    """docs/cli.md has a section for every registered command (assessment.cli.COMMANDS)."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = [name for name in COMMANDS if f"## centric {name}" not in text]
    assert not missing, f"docs/cli.md lacks sections for: {', '.join(missing)}"


def test_demo_is_deterministic(runner, tmp_path):
    for name in ("a", "b"):
        result = runner.invoke(
            cli, ["demo", "--out", str(tmp_path / name), "--bootstrap", "50", "--no-reports"]
        )
        assert result.exit_code == 0, result.output
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


# -- output paths that cannot be written (review H6) ----------------------------------------------


@pytest.fixture(scope="module")
def stored_db(tmp_path_factory, mini_instrument) -> str:
    from assessment.service import import_file
    from assessment.store import upgrade_db

    db = str(tmp_path_factory.mktemp("db") / "acme.db")
    upgrade_db(db)
    import_file(db, RESPONSES / "mini-long.csv", org="acme", instrument=mini_instrument)
    return db


def _output_cases(tmp_path: Path, db: str) -> dict[str, tuple[list[str], str]]:
    """Command line -> path it must name. ``afile`` is a file where a folder is needed;
    ``missing`` is a folder that does not exist (and must not be created)."""
    afile = tmp_path / "afile"
    afile.write_text("not a folder\n", encoding="utf-8")
    missing = tmp_path / "missing"
    score = ["score", str(RESPONSES / "mini-long.csv"), "--instrument", MINI, "--bootstrap", "0"]
    return {
        "score -o afile/": ([*score, "-o", str(afile / "x.json")], str(afile / "x.json")),
        "score -o missing/": ([*score, "-o", str(missing / "x.json")], str(missing / "x.json")),
        "export -o afile/": (
            ["export", "--db", db, "--org", "acme", "-o", str(afile / "x.csv")],
            str(afile / "x.csv"),
        ),
        "template -o afile/": (
            ["template", "--instrument", MINI, "-o", str(afile / "x.xlsx")],
            str(afile / "x.xlsx"),
        ),
        "demo --out afile/": (
            ["demo", "--out", str(afile / "demo"), "--no-reports", "--bootstrap", "0"],
            str(afile / "demo"),
        ),
        "db upgrade --db afile/": (["db", "upgrade", "--db", str(afile / "x.db")], str(afile)),
        "db upgrade --db missing/": (
            ["db", "upgrade", "--db", str(missing / "x.db")],
            str(missing),
        ),
        "questionnaire schema -o afile/": (
            ["questionnaire", "schema", "-o", str(afile / "s.json")],
            str(afile / "s.json"),
        ),
        "questionnaire list -o missing/": (
            ["questionnaire", "list", "--format", "csv", "-o", str(missing / "l.csv")],
            str(missing / "l.csv"),
        ),
    }


def test_cli_errors_are_one_line(tmp_path, stored_db):
    """Every command with an output path that cannot be written: exit 2, exactly one line on
    stderr naming the path and saying how to fix it, no traceback, nothing created."""
    runner = CliRunner()
    for name, (args, path) in _output_cases(tmp_path, stored_db).items():
        result = runner.invoke(cli, args, prog_name="centric")
        assert result.exit_code == 2, (name, result.output, result.exception)
        assert isinstance(result.exception, SystemExit), (name, result.exception)
        lines = result.stderr.splitlines()
        assert len(lines) == 1, (name, result.stderr)
        assert lines[0].startswith("Error: cannot ") and path in lines[0], (name, lines[0])
        assert "folder" in lines[0] or "choose another" in lines[0], (name, lines[0])
        assert "Traceback" not in result.output
        assert not (tmp_path / "missing").exists(), name  # no silent mkdir for -o FILE


def test_output_path_error_through_the_entry_point(tmp_path):
    """The installed entry point (main) too: one stderr line, exit 2, no traceback."""
    out = tmp_path / "missing" / "result.json"
    proc = subprocess.run(
        [sys.executable, "-c", "from assessment.cli import main; main()", "questionnaire",
         "schema", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"Error: cannot write {out}: the folder {out.parent} does not exist; create it or "
        "choose another path"
    ]
    assert not out.parent.exists()


def test_import_errors_say_nothing_was_imported(tmp_path, stored_db):
    """ResponseError names what the command did not do: import says imported, score says scored."""
    bad = RESPONSES / "mini-bad.csv"
    result = CliRunner().invoke(
        cli, ["import", str(bad), "--db", stored_db, "--org", "acme", "--instrument", MINI]
    )
    assert result.exit_code == 2
    assert "3 problems found; nothing was imported" in result.stderr


def test_score_business_case_options(runner):
    """--customers and --revenue-per-customer reach ScoreOptions.business; rates keep Wood's
    worked-example defaults (78 % base, 89 % good, 32 % bad) unless given."""
    result = runner.invoke(
        cli,
        [
            "score", str(RESPONSES / "mini-long.csv"), "--instrument", MINI, "--bootstrap", "0",
            "--customers", "250000", "--revenue-per-customer", "480", "--bad-rate", "0.3",
            "--format", "json",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    bc = json.loads(result.stdout)["business_case"]
    assert (bc["customers"], bc["revenue_per_customer"]) == (250000, 480.0)
    assert (bc["base_rate"], bc["good_rate"], bc["bad_rate"]) == (0.78, 0.89, 0.3)
    assert bc["base_revenue"] == pytest.approx(250000 * 480 * 0.78)
    bad = runner.invoke(cli, ["score", str(RESPONSES / "mini-long.csv"), "--bad-rate", "1.5"])
    assert bad.exit_code == 2 and "--bad-rate" in bad.output


# Review finding 7: database user errors were tracebacks (exit 1).


@pytest.mark.parametrize("command", ["status", "current", "upgrade"])
def test_db_commands_on_a_file_that_is_not_sqlite_exit_2_with_one_line(tmp_path, command):
    notdb = tmp_path / "t.db"
    notdb.write_text("hello\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["db", command, "--db", str(notdb)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"Error: {notdb} is not a SQLite database (it does not start with the SQLite header); "
        "check the database path, or create a new database (run `centric db upgrade --db NEW.db`)"
    ]
    assert notdb.read_text(encoding="utf-8") == "hello\n"


@pytest.mark.parametrize("command", ["status", "upgrade"])
def test_db_commands_on_a_folder_exit_2_with_one_line(tmp_path, command):
    result = CliRunner().invoke(cli, ["db", command, "--db", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"Error: database path {tmp_path} is a folder, not a database file; give a file such as "
        f"{tmp_path}/centric.db (--db {tmp_path}/centric.db)"
    ]


@pytest.mark.parametrize("command", ["status", "current", "upgrade"])
def test_db_commands_on_an_unreachable_postgresql_server_exit_2_with_one_line(command):
    import socket

    with socket.socket() as s:  # a local port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql+psycopg://centric:secret@127.0.0.1:{port}/centric"
    result = CliRunner().invoke(cli, ["db", command, "--db", url])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        f"Error: cannot open database postgresql+psycopg://centric:***@127.0.0.1:{port}/centric: "
    )
    assert "secret" not in result.stderr
    assert "reachable PostgreSQL server" in lines[0]


def test_import_rejects_a_nul_byte_in_a_comment_so_xlsx_export_cannot_fail(tmp_path, stored_db):
    rows = list(csv.reader((RESPONSES / "mini-long.csv").open(encoding="utf-8")))
    at = rows[0].index("comment")
    rows[3][at] = "bad\x00byte"
    bad = tmp_path / "nul.csv"
    with bad.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    result = CliRunner().invoke(
        cli, ["import", str(bad), "--db", stored_db, "--org", "nul", "--instrument", MINI]
    )
    assert result.exit_code == 2, result.output
    assert (
        f"{bad}, row 4, column 'comment': comment contains the control character U+0000 at "
        "position 4; remove it (only tabs and line breaks are allowed in text)"
    ) in result.stderr


@pytest.mark.parametrize("char", ["\x01", "\x0b", "\x1b", "\x7f"])
def test_control_characters_in_respondent_ids_are_rejected_tab_is_not(char, mini_instrument):
    from questionnaires.answers import ResponseRecord, records_to_response_set
    from questionnaires.errors import ResponseError

    def rec(rid: str, comment: str | None = None) -> ResponseRecord:
        return ResponseRecord(
            "W1", rid, "executive", "Sales", "CUL-01", 3, 4, comment=comment, row=2
        )

    ok = records_to_response_set(mini_instrument, [rec("E1", "tab\tand\nnewline\r\n")], source="x")
    assert ok.comments[0].text == "tab\tand\nnewline\r\n"
    with pytest.raises(
        ResponseError, match=f"respondent contains the control character U\\+{ord(char):04X}"
    ):
        records_to_response_set(mini_instrument, [rec(f"E{char}1")], source="x")


# Review finding 1: -o could overwrite an input file or the database.


def test_score_refuses_to_write_over_its_input_file(tmp_path):
    victim = tmp_path / "victim.csv"
    victim.write_bytes((RESPONSES / "mini-long.csv").read_bytes())
    before = victim.read_bytes()
    result = CliRunner().invoke(
        cli, ["score", str(victim), "--instrument", MINI, "--bootstrap", "0", "-o", str(victim)]
    )
    assert result.exit_code == 2, result.output
    assert "is the input file" in result.stderr
    assert victim.read_bytes() == before


def test_score_refuses_an_output_that_is_a_symlink_to_the_input(tmp_path):
    victim = tmp_path / "victim.csv"
    victim.write_bytes((RESPONSES / "mini-long.csv").read_bytes())
    link = tmp_path / "out.json"
    link.symlink_to(victim)
    result = CliRunner().invoke(
        cli, ["score", str(victim), "--instrument", MINI, "--bootstrap", "0", "-o", str(link)]
    )
    assert result.exit_code == 2, result.output
    assert "is the input file" in result.stderr
    assert victim.read_bytes() == (RESPONSES / "mini-long.csv").read_bytes()


def test_export_refuses_to_write_over_the_database(tmp_path, stored_db):
    import shutil

    db = tmp_path / "t.db"
    shutil.copy(stored_db, db)
    before = db.read_bytes()
    result = CliRunner().invoke(
        cli, ["export", "--db", str(db), "--org", "acme", "--format", "csv", "-o", str(db)]
    )
    assert result.exit_code == 2, result.output
    assert "is the database" in result.stderr
    assert db.read_bytes() == before


def test_export_refuses_to_write_over_the_default_database(tmp_path, stored_db, monkeypatch):
    import shutil

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CENTRIC_DB", raising=False)
    shutil.copy(stored_db, tmp_path / "centric.db")
    result = CliRunner().invoke(cli, ["export", "--org", "acme", "-o", "centric.db"])
    assert result.exit_code == 2, result.output
    assert "is the database" in result.stderr


def test_questionnaire_show_refuses_to_write_over_the_instrument_file(tmp_path):
    yaml_file = tmp_path / "inst.yaml"
    yaml_file.write_bytes(Path(MINI).read_bytes())
    result = CliRunner().invoke(
        cli, ["questionnaire", "show", str(yaml_file), "-o", str(yaml_file)]
    )
    assert result.exit_code == 2, result.output
    assert "is the input file" in result.stderr
    assert yaml_file.read_bytes() == Path(MINI).read_bytes()


# Review finding 8 and polish: template per role, suffix check, CSV to stdout.


def test_template_for_a_role_lists_only_the_items_asked_of_that_role(tmp_path, mini_instrument):
    out = tmp_path / "staff.csv"
    result = CliRunner().invoke(
        cli, ["template", "--instrument", MINI, "--role", "staff", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    asked = [i.id for i in mini_instrument.items if not i.roles or "staff" in i.roles]
    assert [r["item"] for r in rows] == asked
    assert len(asked) < len(mini_instrument.items)  # the mini instrument has an item staff skip
    assert "asked of staff" in result.stderr


def test_template_for_a_role_filled_in_imports_back(tmp_path, mini_instrument):
    from assessment.io import read_responses

    out = tmp_path / "staff.csv"
    CliRunner().invoke(
        cli,
        ["template", "--instrument", MINI, "--role", "staff", "--wave", "W1",
         "--respondent", "S1", "--department", "Sales", "-o", str(out)],
    )  # fmt: skip
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    for r in rows:
        r["current"], r["target"] = "2", "4"
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    rs = read_responses(out, mini_instrument)
    assert rs.n_respondents == 1


def test_template_refuses_a_suffix_that_does_not_match_the_format(tmp_path):
    result = CliRunner().invoke(
        cli, ["template", "--instrument", MINI, "-o", str(tmp_path / "z.txt")]
    )
    assert result.exit_code == 2
    assert "must end in .xlsx" in result.stderr
    assert not (tmp_path / "z.txt").exists()
    result = CliRunner().invoke(
        cli, ["template", "--instrument", MINI, "--format", "csv", "-o", str(tmp_path / "z.xlsx")]
    )
    assert result.exit_code == 2
    assert "must end in .csv" in result.stderr


def test_template_csv_goes_to_stdout_with_dash(mini_instrument):
    result = CliRunner().invoke(
        cli, ["template", "--instrument", MINI, "--format", "csv", "-o", "-"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["item"] for r in rows] == [i.id for i in mini_instrument.items]


def test_import_warns_about_ignored_columns_on_stderr(tmp_path, stored_db):
    src = (RESPONSES / "mini-long.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "notes.csv"
    path.write_text(
        "\n".join([src[0] + ",Notes", *(line + ",a note" for line in src[1:])]) + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["import", str(path), "--db", stored_db, "--org", "notes", "--instrument", MINI]
    )
    assert result.exit_code == 0, result.output
    assert f"Warning: {path}, row 1: ignored column 'Notes'" in result.stderr


# Review finding 16: an undefined perception gap was printed (one executive's own score).


@pytest.fixture(scope="module")
def one_exec(tmp_path_factory, nw_files) -> Path:
    src = nw_files["long"]
    rows = list(csv.DictReader(src.open(encoding="utf-8")))
    execs = sorted({r["respondent"] for r in rows if r["role"] == "executive"})
    for r in rows:
        if r["role"] == "executive" and r["respondent"] != execs[0]:
            r["role"] = "manager"
    out = tmp_path_factory.mktemp("one") / "one-exec.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return out


def test_score_hides_an_undefined_perception_gap_in_table_json_and_csv(runner, one_exec):
    base = ["score", str(one_exec), "--instrument", MINI, "--bootstrap", "0"]
    data = json.loads(runner.invoke(cli, [*base, "--format", "json"]).stdout)
    for p in data["perception"]:
        # a management team of one: no mean and no size (safe output, issue 8)
        assert p["label"] == "undefined" and p["n_management"] is None
        assert p["gap"] is None and p["p_value"] is None and p["management_mean"] is None
    rows = list(csv.DictReader(io.StringIO(runner.invoke(cli, [*base, "--format", "csv"]).stdout)))
    assert {(r["perception"], r["perception_gap"]) for r in rows if r["perception"]} == {
        ("undefined", "")
    }
    table = runner.invoke(cli, base).stdout.splitlines()
    cul = next(line for line in table if line.startswith("CUL"))
    assert cul.split()[-2:] == ["–", "undefined"]


def test_score_csv_keeps_small_p_values_in_significant_digits():
    from assessment.service.result_data import _sig

    assert _sig(0.000042) == 4.2e-05 and _sig(0.6834) == 0.683 and _sig(float("nan")) is None


def test_score_to_dev_null_writes_through_and_keeps_the_device():
    """``-o /dev/null`` was refused as "a device"; it is now written directly (never replaced by a
    regular file, :mod:`assessment.io.atomic`)."""
    import os
    import stat

    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    result = CliRunner().invoke(
        cli,
        [
            "score",
            str(RESPONSES / "mini-long.csv"),
            "--instrument",
            MINI,
            "--bootstrap",
            "0",
            "--format",
            "json",
            "-o",
            "/dev/null",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Wrote /dev/null" in result.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


LAZY_SCORING_SCRIPT = """
import sys
import scoring.results, reports
from reports import ReportOptions, Theme, load_theme
heavy = sorted(m for m in ("numpy", "scipy") if m in sys.modules)
assert not heavy, heavy
import scoring
assert sorted(scoring.__all__) == ["ScoreOptions", "WaveResult", "compare_waves", "score_wave"]
from scoring import ScoreOptions, WaveResult, compare_waves, score_wave
from scoring.wave import score_wave as direct
assert score_wave is direct and ScoreOptions is scoring.results.ScoreOptions
assert "numpy" in sys.modules
try:
    scoring.no_such_name
except AttributeError as exc:
    assert "no_such_name" in str(exc)
else:
    raise AssertionError("no AttributeError")
print("ok")
"""


def test_scoring_results_and_reports_import_without_numpy():
    """The result dataclasses and the report option/theme types are light; scoring's public
    functions load numpy/scipy on first use (module ``__getattr__``, PEP 562)."""
    out = subprocess.run(
        [sys.executable, "-c", LAZY_SCORING_SCRIPT], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_score_csv_neutralises_formulas_in_text_cells_with_the_one_writer():
    """The score CSV and every CLI table CSV were written raw (``=…`` ran as a formula in a
    spreadsheet, issue 8): one writer, :func:`assessment.io.cells.neutralise`."""
    from assessment.cli._common import csv_text
    from assessment.service import summary_csv

    rows = [{"capability": "CUL", "name": '=HYPERLINK("http://evil.example/x","open")', "n": 5}]
    text = summary_csv(rows)
    assert '\nCUL,"\'=HYPERLINK(""http://evil.example/x"",""open"")",5,' in text
    assert csv_text(rows, ["capability", "name", "n"]) == summary_csv(
        rows, ["capability", "name", "n"]
    )
    assert summary_csv([{"capability": "x", "score": -0.5}]).splitlines()[1].startswith("x,,,-0.5")


def test_score_dash_output_means_stdout_not_a_file_named_dash(runner, nw_files, tmp_path):
    import os

    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        args = ["score", str(nw_files["long"]), "--instrument", MINI, "--bootstrap", "0"]
        result = runner.invoke(cli, [*args, "--format", "csv", "-o", "-"])
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("capability,") and not (tmp_path / "-").exists()

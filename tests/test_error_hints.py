"""Library errors speak in domain words; the CLI adds its flags (issue 9, item 5).

A library message names the *settings* and the maintenance *task* that would help
(:class:`questionnaires.errors.CentricError`), never a flag: the web app will show the same errors
next to its form fields. :func:`assessment.cli._common.describe_error` turns them into flags.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from assessment.cli import cli
from assessment.cli._common import FLAGS, TASKS, describe_error
from questionnaires.errors import CentricError, Problem, ReportError, ResponseError

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ("questionnaires", "scoring", "reports", "assessment")
SHELL = ("cli", "migrations")
FLAG_OR_COMMAND = re.compile(r"(?<![\w-])--[a-z][a-z-]+|`centric ")


def _library_files() -> list[Path]:
    return [
        f
        for package in LIBRARY
        for f in sorted((ROOT / package).rglob("*.py"))
        if not set(f.relative_to(ROOT).parts) & set(SHELL)
    ]


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            found.add(id(node.value))
    return found


def flag_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string in ``source`` (docstrings aside) naming a CLI flag or command."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and FLAG_OR_COMMAND.search(node.value)
    ]


def test_library_messages_name_no_cli_flag_or_command() -> None:
    found = [
        f"{f.relative_to(ROOT)}:{line}: {text[:80]!r}"
        for f in _library_files()
        for line, text in flag_strings(f.read_text(encoding="utf-8"))
    ]
    assert not found, "library strings naming CLI flags (use settings=/task=):\n" + "\n".join(found)


def test_the_flag_finder_sees_a_flag_in_a_message_but_not_in_a_docstring() -> None:
    source = 'def f():\n    """Use ``--wave``."""\n    raise ValueError("choose one with --wave")\n'
    assert flag_strings(source) == [(3, "choose one with --wave")]


def _named_settings_and_tasks() -> tuple[set[str], set[str]]:
    settings: set[str] = set()
    tasks: set[str] = set()
    for f in _library_files():
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for kw in node.keywords:
                if kw.arg == "settings":
                    keys = kw.value.keys if isinstance(kw.value, ast.Dict) else []
                    elts = kw.value.elts if isinstance(kw.value, ast.Tuple) else []
                    for k in [*keys, *elts]:
                        if isinstance(k, ast.Constant) and isinstance(k.value, str):
                            settings.add(k.value)
                elif kw.arg == "task" and isinstance(kw.value, ast.Constant):
                    tasks.add(kw.value.value)
    return settings, tasks


def _cli_flags(group: click.Group = cli) -> set[str]:
    flags: set[str] = set()
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            flags |= _cli_flags(command)
        elif command is not None:
            flags |= {opt for p in command.params for opt in p.opts}
    return flags


def test_every_setting_a_library_error_names_has_a_cli_flag() -> None:
    settings, _ = _named_settings_and_tasks()
    assert settings, "the scan found no settings= at all"
    arguments = {arg.lstrip("*") for args in TASKS.values() for arg in args if arg.startswith("*")}
    missing = settings - set(FLAGS) - arguments
    assert not missing, f"settings without a CLI flag in FLAGS: {sorted(missing)}"
    unknown = {FLAGS[s] for s in settings - arguments} - _cli_flags()
    assert not unknown, f"FLAGS names options no command has: {sorted(unknown)}"


def test_every_task_a_library_error_names_is_a_cli_command() -> None:
    _, tasks = _named_settings_and_tasks()
    assert tasks <= set(TASKS), sorted(tasks - set(TASKS))
    for task in TASKS:
        result = CliRunner().invoke(cli, [*task.split(), "--help"])
        assert result.exit_code == 0, task
        for arg in TASKS[task]:
            if not arg.startswith("*"):
                assert FLAGS[arg] in result.output, (task, arg)


def test_describe_error_adds_flags_with_suggested_values() -> None:
    err = ReportError(
        "lower the minimum group size to 4", settings={"min_group": 4, "named_workshop": None}
    )
    assert (
        describe_error(err) == "lower the minimum group size to 4 (--min-group 4; --named-workshop)"
    )


def test_describe_error_renders_a_task_with_its_arguments() -> None:
    err = CentricError(
        "delete the respondent first",
        task="respondent delete",
        settings={"org": "acme", "wave": "W1", "respondent": "R2"},
    )
    assert describe_error(err) == (
        "delete the respondent first (run `centric respondent delete --org acme --wave W1 R2`)"
    )


def test_a_response_error_names_the_settings_of_its_problems() -> None:
    err = ResponseError(
        [Problem("choose one", "a.csv", settings=("wave",)), Problem("bad", "a.csv")]
    )
    assert err.settings == {"wave": None}
    assert describe_error(err).endswith("choose one\n  - a.csv: bad (--wave)")


def test_an_error_without_settings_is_its_message() -> None:
    assert describe_error(ReportError("no")) == "no"
    assert describe_error(ValueError("plain")) == "plain"


@pytest.fixture(scope="module")
def four_people_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import csv

    from test_reports_support import scored

    from assessment.io.writers import write_csv

    _inst, rs, _wr = scored()
    full = write_csv(rs, tmp_path_factory.mktemp("hints") / "all.csv")
    keep = {r.id for r in rs.respondents[:4]}
    with full.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("respondent")
    out = full.with_name("four.csv")
    with out.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([rows[0], *(r for r in rows[1:] if r[col] in keep)])
    return out


def test_cli_names_the_flags_of_a_wave_below_k(four_people_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    result = CliRunner().invoke(
        cli, ["report", "team", str(four_people_csv), "--min-group", "5", "-o", str(out)]
    )
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(
        "agreed to be identified (--min-group 4; --named-workshop)"
    ), result.stderr
    assert not out.exists()


@pytest.mark.parametrize("command", [["team"], ["individual", "--all"]])
def test_report_without_output_is_a_usage_error_not_a_traceback(
    four_people_csv: Path, command: list[str]
) -> None:
    """click 8.5 counted ``-o`` as given when declared with ``default=None`` (a TypeError)."""
    result = CliRunner().invoke(cli, ["report", command[0], str(four_people_csv), *command[1:]])
    assert result.exit_code == 2, result.output
    assert "Missing option '-o' / '--output'" in result.output


def test_cli_names_the_flag_of_a_min_group_below_the_floor(
    four_people_csv: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        cli,
        ["report", "team", str(four_people_csv), "--min-group", "2", "-o", str(tmp_path / "r.pdf")],
    )
    assert result.exit_code == 2
    assert "a minimum group size of 2 would show groups" in result.stderr
    assert result.stderr.strip().endswith("(--min-group 3; --named-workshop)"), result.stderr

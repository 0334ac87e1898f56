"""Report policy lives in :mod:`reports.options`: the CLI and a library caller (the coming web
app) get the same :class:`ReportOptions` for the same report and k (issue 9, item 5)."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from test_reports_support import scored

from assessment.cli import cli
from questionnaires.errors import ReportError
from reports.options import (
    TREND_MIN_GROUP,
    ReportOptions,
    comment_threshold,
    default_min_group,
)


@pytest.fixture(scope="module")
def csv_files(tmp_path_factory):
    from assessment.io.writers import write_csv

    _inst, rs, _wr = scored()
    folder = tmp_path_factory.mktemp("policy")
    return [write_csv(rs, folder / "a.csv"), write_csv(rs, folder / "b.csv")]


def _cli_options(monkeypatch, tmp_path, kind: str, files, *extra: str) -> ReportOptions:
    """The options the CLI passes to the service for ``centric report KIND`` (rendering stubbed)."""
    from assessment import service

    seen: list[ReportOptions] = []

    def fake(_loaded: Any, options: ReportOptions, *_a: Any, **_kw: Any) -> bytes:
        seen.append(options)
        return b"%PDF-1.7 stub"

    monkeypatch.setattr(service, f"{kind}_report", fake)
    args = [str(f) for f in files] + ["-o", str(tmp_path / "out.pdf"), *extra]
    if kind == "individual":
        args += ["--respondent", "X"]
    r = CliRunner().invoke(cli, ["report", kind, *args])
    assert r.exit_code == 0, r.output
    return seen[0]


@pytest.mark.parametrize("kind", ["team", "individual", "trend"])
@pytest.mark.parametrize("k", [None, 4, 9])
def test_cli_and_library_caller_get_the_same_report_options(
    csv_files, monkeypatch, tmp_path, kind, k
):
    extra = [] if k is None else ["--min-group", str(k)]
    files = csv_files if kind == "trend" else csv_files[:1]
    from_cli = _cli_options(monkeypatch, tmp_path, kind, files, *extra)
    assert from_cli == ReportOptions.for_report(kind, k)


def test_trend_default_k_is_the_library_constant_not_a_cli_literal():
    assert default_min_group("trend") == TREND_MIN_GROUP == 5
    assert default_min_group("team") == default_min_group("individual") == 3
    trend = ReportOptions.for_report("trend")
    assert (trend.min_group, trend.min_group_comments) == (5, 5)


def test_comment_threshold_is_at_least_five_and_at_least_k():
    assert [comment_threshold(k) for k in (1, 3, 5, 6, 12)] == [5, 5, 5, 6, 12]
    assert ReportOptions.for_report("team", 8).min_group_comments == 8


def test_for_report_keeps_the_anonymity_floor_and_passes_other_fields():
    with pytest.raises(ReportError):
        ReportOptions.for_report("team", 2)
    named = ReportOptions.for_report("team", 2, named_workshop=True, report_date="2026-06-30")
    assert (named.min_group, named.min_group_comments, named.report_date) == (2, 5, "2026-06-30")
    with pytest.raises(ReportError, match="unknown report kind"):
        ReportOptions.for_report("summary")  # type: ignore[arg-type]


def _commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    import click

    found = [(path, group)]
    if isinstance(group, click.Group):
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            found += _commands(group.get_command(ctx, name), (*path, name))
    return found


def test_every_output_option_is_the_one_definition_from_cli_common():
    """Each ``-o`` of the CLI is :func:`assessment.cli._common.output_option` (``-o/--output``,
    a Path, no other spelling), and no CLI module spells out its own ``"-o"``."""
    from pathlib import Path

    import click

    import assessment.cli as cli_pkg

    seen = []
    for path, command in _commands(cli):
        for param in command.params:
            if "-o" in getattr(param, "opts", []):
                seen.append(path)
                assert param.opts == ["-o", "--output"], path
                assert isinstance(param.type, click.Path) and param.type.type is Path, path
    assert len(seen) >= 10  # score, summary, export, template, report team ...
    folder = Path(cli_pkg.__file__).parent
    spelled = [p.name for p in folder.glob("*.py") if '"-o"' in p.read_text(encoding="utf-8")]
    assert spelled == ["_common.py"]

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


# -- one atomic writer: reports.batch writes through the caller's writer -------------------------


@pytest.fixture
def stub_render(monkeypatch):
    """PDF rendering stubbed: these tests are about who writes the bytes."""
    import reports.api

    def pdf(*_a: Any, **_kw: Any) -> bytes:
        return b"%PDF-1.7 stub"

    for name in ("render_team_pdf", "render_individual_pdf", "render_trend_pdf"):
        monkeypatch.setattr(reports.api, name, pdf)


def test_service_writes_personal_reports_through_the_one_atomic_writer(
    stub_render, monkeypatch, tmp_path
):
    import assessment.io.atomic
    from assessment import service

    inst, rs, _wr = scored()
    written: list[str] = []
    real = assessment.io.atomic.atomic_write_bytes

    def recording(path: Any, data: bytes) -> Any:
        written.append(type(path).__name__)
        return real(path, data)

    monkeypatch.setattr(assessment.io.atomic, "atomic_write_bytes", recording)
    paths = service.individual_reports(
        service.LoadedResponses(inst, rs), ReportOptions(), tmp_path / "out", workers=1
    )
    assert len(written) == len(paths) == rs.n_respondents
    assert all(p.read_bytes() == b"%PDF-1.7 stub" for p in paths)


def test_demo_reports_are_written_by_the_one_atomic_writer_not_a_copy_in_reports(
    stub_render, monkeypatch, tmp_path
):
    import warnings

    import assessment.io.atomic
    import reports.batch
    from assessment import service

    inst, rs1, wr1 = scored()
    _i, rs2, wr2 = scored("2026-H2")

    def copy(*_a: Any) -> None:
        raise AssertionError("reports.batch.write_file used")

    log = tmp_path / "written.txt"  # personal reports are written in worker processes
    real = assessment.io.atomic.atomic_write_bytes

    def recording(path: Any, data: bytes) -> Any:
        with log.open("a") as fh:
            fh.write(path.name + "\n")
        return real(path, data)

    monkeypatch.setattr(reports.batch, "write_file", copy)
    monkeypatch.setattr(assessment.io.atomic, "atomic_write_bytes", recording)
    run = service.DemoRun(inst, [rs1, rs2], [wr1, wr2])
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        paths = service.demo_reports(run, tmp_path / "demo")
    written = log.read_text().split()
    assert sorted(p.name for p in paths) == sorted(written)
    assert "trend-report.pdf" in written and len(written) == 3 + rs2.n_respondents


def test_batch_without_a_writer_is_deprecated(stub_render, tmp_path):
    from reports.batch import write_individual_reports

    inst, rs, wr = scored()
    ids = [rs.respondents[0].id]
    with pytest.warns(DeprecationWarning, match="write=assessment.io.atomic.atomic_write_bytes"):
        paths = write_individual_reports(wr, rs, inst, tmp_path / "o", respondents=ids, workers=1)
    assert paths[0].read_bytes() == b"%PDF-1.7 stub"

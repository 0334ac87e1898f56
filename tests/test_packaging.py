"""Packaging smoke test: build the wheel, check its contents, and run it outside the repository.

``scoring`` and ``reports`` are also names of unrelated PyPI projects (DESIGN §3): the wheel must
hold exactly our four top-level packages, and imports must resolve to this project's files.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOP_LEVEL = {"assessment", "scoring", "reports", "questionnaires"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    [whl] = out.glob("*.whl")
    return whl


@pytest.fixture(scope="module")
def unpacked(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(target)
    return target


def test_wheel_has_exactly_our_top_level_names(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    top = {n.split("/", 1)[0] for n in names}
    dist_info = {t for t in top if t.endswith(".dist-info")}
    assert len(dist_info) == 1
    assert top - dist_info == TOP_LEVEL
    assert not any("/tests/" in n or n.startswith("tests/") for n in names)


def test_wheel_ships_the_instrument_and_lock_file(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        scripts = zf.read(entry_points).decode()
    assert "questionnaires/customer-centricity/1.0.0.yaml" in names
    assert "questionnaires/lock.json" in names
    for packaged in ("reports/static/report.css", "reports/templates/team.html"):
        assert packaged in names, packaged
    assert any(n.startswith("reports/fonts/") and n.endswith(".ttf") for n in names)
    assert {"assessment/py.typed", "scoring/py.typed", "reports/py.typed"} <= names  # PEP 561
    assert "centric = assessment.cli:main" in scripts


def test_in_repo_imports_come_from_this_project():
    import reports
    import scoring

    for module in (scoring, reports):
        assert Path(module.__file__).resolve().is_relative_to(ROOT), module.__file__


def run_outside(unpacked: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run Python with only the unpacked wheel (plus the venv's dependencies) on the path."""
    env = {**os.environ, "PYTHONPATH": str(unpacked), "PYTHONSAFEPATH": "1"}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_installed_wheel_imports_its_own_modules_and_runs(unpacked, tmp_path):
    code = "import assessment, scoring, reports, questionnaires; print(*(m.__file__ for m in (assessment, scoring, reports, questionnaires)), sep='\\n')"
    proc = run_outside(unpacked, tmp_path, "-c", code)
    assert proc.returncode == 0, proc.stderr
    for line in proc.stdout.split():
        assert Path(line).resolve().is_relative_to(unpacked.resolve()), line

    cli = "from assessment.cli import main; main()"
    proc = run_outside(unpacked, tmp_path, "-c", cli, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "Commands:" in proc.stdout

    out = tmp_path / "demo"
    proc = run_outside(
        unpacked, tmp_path, "-c", cli, "demo", "--out", str(out), "--bootstrap", "0", "--no-reports"
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "results-2026-H2.json").is_file()

    # one render from the wheel: templates, CSS and fonts are packaged
    pdf = tmp_path / "team.pdf"
    proc = run_outside(
        unpacked,
        tmp_path,
        "-c",
        cli,
        "report",
        "team",
        str(out / "northwind-2026-H1.csv"),
        "-o",
        str(pdf),
    )
    assert proc.returncode == 0, proc.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "reports/fonts" not in proc.stderr and "WARNING" not in proc.stderr

"""The library type-checks: ``mypy`` (configured in ``[tool.mypy]`` of pyproject.toml: strict on
``assessment``, ``scoring`` and ``reports``) reports no errors, and each package ships a PEP 561
``py.typed`` marker so that users' type checkers read our annotations.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assessment", "scoring", "reports")


@pytest.mark.slow
def test_mypy_reports_no_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    api = pytest.importorskip("mypy.api")
    monkeypatch.chdir(ROOT)  # mypy reads [tool.mypy] from ./pyproject.toml
    # a private cache: xdist workers and other checkouts must not share one
    stdout, stderr, status = api.run(["--cache-dir", str(tmp_path / "mypy-cache"), *PACKAGES])
    assert status == 0, stdout + stderr
    assert "Success: no issues found" in stdout


def test_packages_ship_py_typed_markers() -> None:
    for package in PACKAGES:
        assert (ROOT / package / "py.typed").is_file(), f"{package}/py.typed is missing (PEP 561)"

"""The floors of docs/architecture.md: questionnaires <- scoring <- reports <- assessment.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``) and also run from ``make lint``.
The old module paths ``assessment.errors``, ``assessment.model``, ``assessment.responses`` and
``assessment.store.service`` (now ``assessment.store.repository``) are shims for one release: they
hand out the very objects of their new homes, with a warning.
"""

from __future__ import annotations

import ast
import importlib
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assessment", "scoring", "reports", "questionnaires")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
SHIMS = {
    "assessment.errors",
    "assessment.model",
    "assessment.responses",
    "assessment.store.service",
}


def _lint_imports(
    cwd: Path, *contracts: str, pythonpath: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")])
    args = [str(LINT_IMPORTS), str(ROOT / "pyproject.toml"), "--no-cache", "--no-logo"]
    args += [a for c in contracts for a in ("--contract", c)]
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def test_every_import_contract_holds():
    res = _lint_imports(ROOT)
    assert res.returncode == 0, res.stdout + res.stderr


def test_the_base_floor_the_shell_libraries_and_the_acyclic_io_contracts_hold():
    res = _lint_imports(ROOT, "questionnaires-base", "no-shell-below-assessment", "io-acyclic")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Contracts: 3 kept, 0 broken." in res.stdout


def test_scoring_importing_reports_breaks_the_floors_contract(tmp_path):
    for pkg in PACKAGES:
        shutil.copytree(
            ROOT / pkg,
            tmp_path / pkg,
            ignore=shutil.ignore_patterns("__pycache__", "fonts", "static", "templates", "*.yaml"),
        )
    levels = tmp_path / "scoring" / "levels.py"
    levels.write_text(levels.read_text(encoding="utf-8") + "\nimport reports\n", encoding="utf-8")
    res = _lint_imports(tmp_path, "floors", "scoring-pure", pythonpath=tmp_path)
    assert res.returncode != 0
    out = res.stdout
    assert "scoring is not allowed to import reports" in out, out
    assert re.search(r"scoring\.levels -> reports \(l\.\d+\)", out), out
    # the copy was analysed, not the installed tree
    assert "scoring.levels -> reports" not in _lint_imports(ROOT, "floors").stdout


@pytest.mark.parametrize(
    ("old", "name", "new"),
    [
        ("assessment.errors", "ReportError", "questionnaires.errors"),
        ("assessment.errors", "CentricError", "questionnaires.errors"),
        ("assessment.errors", "Problem", "questionnaires.errors"),
        ("assessment.model", "Instrument", "questionnaires.model"),
        ("assessment.model", "load_instrument", "questionnaires.loader"),
        ("assessment.model", "get_instrument", "questionnaires.catalogue"),
        ("assessment.model", "DEFAULT_INSTRUMENT", "questionnaires.catalogue"),
        ("assessment.model", "check_lock", "questionnaires.lock"),
        ("assessment.model", "content_hash", "questionnaires.model"),
        ("assessment.model", "write_lock", "assessment.io.lockfile"),
        ("assessment.model", "instrument_schema_text", "questionnaires.schema"),
        ("assessment.model", "diff_instruments", "questionnaires.diff"),
        ("assessment.responses", "ResponseSet", "questionnaires.answers"),
        ("assessment.responses", "records_to_response_set", "questionnaires.answers"),
        ("assessment.responses", "did_you_mean", "questionnaires.answers"),
        ("assessment.store.service", "write_waves", "assessment.store.repository"),
        ("assessment.store.service", "WriteResult", "assessment.store.repository"),
        ("assessment.store.service", "load_wave_responses", "assessment.store.repository"),
        ("assessment.store.service", "_org_id", "assessment.store.repository"),
    ],
)
def test_an_old_import_path_gives_the_same_object_and_warns(old, name, new):
    module = importlib.import_module(old)
    with pytest.warns(DeprecationWarning, match=rf"{re.escape(old)}\.{name} moved to {new}"):
        value = getattr(module, name)
    assert value is getattr(importlib.import_module(new), name)


def test_except_with_the_old_error_class_catches_the_new_one():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from assessment.errors import ReportError as Old
    from questionnaires.errors import ReportError

    with pytest.raises(Old):
        raise ReportError("caught by the old name")


def test_an_unknown_name_of_an_old_path_is_an_attribute_error():
    import assessment.model

    with pytest.raises(AttributeError, match="has no attribute 'no_such_thing'"):
        assessment.model.no_such_thing  # noqa: B018


def test_the_questionnaires_package_exports_its_public_api():
    import questionnaires
    from questionnaires.answers import ResponseSet
    from questionnaires.catalogue import get_instrument
    from questionnaires.errors import CentricError
    from questionnaires.model import Instrument

    assert questionnaires.Instrument is Instrument
    assert questionnaires.get_instrument is get_instrument
    assert questionnaires.CentricError is CentricError
    assert questionnaires.ResponseSet is ResponseSet
    for name in questionnaires.__all__:
        assert getattr(questionnaires, name) is not None


def test_importing_questionnaires_errors_loads_no_pydantic():
    code = "import sys, questionnaires.errors; print('pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def _python_files() -> list[Path]:
    files = [f for pkg in (*PACKAGES, "tests") for f in (ROOT / pkg).rglob("*.py")]
    shims = {ROOT / (s.replace(".", "/") + ".py") for s in SHIMS}
    return sorted(f for f in files if f not in shims and f != Path(__file__).resolve())


def _doc_examples() -> list[tuple[Path, str]]:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return [(p, m) for p in pages for m in re.findall(r"```python\n(.*?)```", p.read_text(), re.S)]


def test_no_project_module_test_or_doc_example_imports_the_old_paths():
    offending = {str(f.relative_to(ROOT)): sorted(_imports_of(f) & SHIMS) for f in _python_files()}
    old = re.compile(r"\b(?:from|import) (assessment\.(?:errors|model|responses|store\.service))\b")
    for page, code in _doc_examples():
        offending[str(page.relative_to(ROOT))] = sorted(set(old.findall(code)))
    assert {f: m for f, m in offending.items() if m} == {}

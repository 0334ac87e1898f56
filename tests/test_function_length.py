"""No function in the library is longer than :data:`MAX_LINES` lines (issue 9, item 4).

A long function is split along its seams into private functions with clear inputs and outputs.
The few that remain are listed in :data:`ALLOWED` with the reason; an entry that is no longer
needed (the function was split, renamed or moved) fails too, so the list stays true.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assessment", "scoring", "reports", "questionnaires")
MAX_LINES = 120

#: ``"path::qualified name"`` -> why it is still longer than :data:`MAX_LINES`.
ALLOWED: dict[str, str] = {
    "assessment/store/migrations/versions/0001_initial.py::upgrade": (
        "a released migration is a frozen record of the schema: it is never edited"
    ),
}


def long_functions(source: str, path: str, limit: int = MAX_LINES) -> dict[str, int]:
    """``"path::qualified name"`` -> length in lines (``def`` to last line, docstring included)
    of every function and method in ``source`` longer than ``limit``, nested ones included."""
    found: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    length = (child.end_lineno or child.lineno) - child.lineno + 1
                    if length > limit:
                        found[f"{path}::{name}"] = length
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(source, filename=path), "")
    return found


def library_long_functions() -> dict[str, int]:
    found: dict[str, int] = {}
    for package in PACKAGES:
        for file in sorted((ROOT / package).rglob("*.py")):
            rel = file.relative_to(ROOT).as_posix()
            found.update(long_functions(file.read_text(encoding="utf-8"), rel))
    return found


def test_no_library_function_is_longer_than_the_limit_unless_allowed() -> None:
    too_long = {k: n for k, n in library_long_functions().items() if k not in ALLOWED}
    assert not too_long, (
        f"functions over {MAX_LINES} lines: "
        + ", ".join(f"{k} ({n} lines)" for k, n in sorted(too_long.items()))
        + "; split them along their seams (or add them to ALLOWED with a reason)"
    )


def test_every_allowed_long_function_is_still_long() -> None:
    stale = sorted(set(ALLOWED) - set(library_long_functions()))
    assert not stale, f"no longer over {MAX_LINES} lines or gone; remove from ALLOWED: {stale}"


@pytest.mark.parametrize("reason", list(ALLOWED.values()))
def test_every_allowed_entry_says_why(reason: str) -> None:
    assert len(reason.split()) >= 3


def test_long_function_finder_sees_methods_and_nested_functions() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(130))
    source = (
        f"def top():\n{body}\n\n"
        "class C:\n    def short(self):\n        return 1\n\n"
        "    def long(self):\n"
        + body.replace("\n    ", "\n        ").replace("    x0", "        x0", 1)
        + "\n\ndef outer():\n    def inner():\n"
        + body.replace("\n    ", "\n        ").replace("    x0", "        x0", 1)
        + "\n    return inner\n"
    )
    found = long_functions(source, "m.py")
    assert set(found) == {"m.py::top", "m.py::C.long", "m.py::outer", "m.py::outer.inner"}
    assert found["m.py::top"] == 131
    assert long_functions("def f():\n    return 1\n", "m.py") == {}

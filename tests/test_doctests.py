"""The library's examples run (issue 9, item 6).

Every ``>>>`` example in a docstring of ``questionnaires``, ``scoring``, ``reports`` and
``assessment`` runs here, one test per module, so ``make test`` and ``.ci/run`` cover them. Modules
are listed from the file tree at collection and imported only when their test runs (nothing heavy
is imported by collecting). Not collected: Alembic migrations (they run inside Alembic's context)
and the maintainer script ``reports/fonts/make_subset.py`` (needs fontTools).

No example may be skipped (``# doctest: +SKIP``): an example that cannot run is not an example.
Module docstrings and comments cite docs pages (``docs/methodology.md#...``), never the design
file outside the repository.
"""

from __future__ import annotations

import doctest
import importlib
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("questionnaires", "scoring", "reports", "assessment")
EXCLUDED = ("assessment/store/migrations/", "reports/fonts/make_subset.py")


def _files() -> list[Path]:
    return [
        p
        for pkg in PACKAGES
        for p in sorted((ROOT / pkg).rglob("*.py"))
        if not any(p.relative_to(ROOT).as_posix().startswith(x) for x in EXCLUDED)
    ]


def _module(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


FILES = _files()
WITH_EXAMPLES = [p for p in FILES if ">>>" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("path", WITH_EXAMPLES, ids=_module)
def test_the_examples_of_a_module_run(path: Path) -> None:
    module = importlib.import_module(_module(path))
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    out = io.StringIO()
    for test in finder.find(module, module.__name__):
        runner.run(test, out=out.write)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0, f"{path.name} shows >>> examples but none of them ran"
    assert result.failed == 0, out.getvalue()


def test_no_example_is_skipped() -> None:
    skipped = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in FILES
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"doctest:.*\+SKIP", line)
    ]
    assert not skipped, f"examples that do not run: {skipped}"


STATEMENT_START = (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)


def _docstrings_and_comments(path: Path) -> list[tuple[int, str]]:
    """Comments and string literals that stand alone as statements (docstrings) of a file."""
    found = []
    previous = tokenize.NEWLINE
    with path.open("rb") as fh:
        for tok in tokenize.tokenize(fh.readline):
            statement_start = previous in STATEMENT_START
            if tok.type == tokenize.COMMENT or (tok.type == tokenize.STRING and statement_start):
                found.append((tok.start[0], tok.string))
            if tok.type not in (tokenize.NL, tokenize.COMMENT):
                previous = tok.type
    return found


def test_the_library_cites_no_design_file_outside_the_repository() -> None:
    """DESIGN.md is not in the repository: docstrings and comments cite docs pages instead."""
    cited = [
        f"{p.relative_to(ROOT)}:{line}"
        for p in FILES
        for line, text in _docstrings_and_comments(p)
        if re.search(r"\bDESIGN\b", text)
    ]
    assert not cited, cited


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors of a markdown page (fenced blocks left out)."""
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.M | re.S)
    return {
        re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
        for h in re.findall(r"^#+ (.*)$", text, re.M)
    }


def test_the_docs_pages_the_library_cites_exist() -> None:
    """A ``docs/page.md#anchor`` in a docstring or comment names a page and one of its headings."""
    broken = []
    for p in FILES:
        for line, text in _docstrings_and_comments(p):
            for page, anchor in re.findall(r"docs/([\w-]+\.md)(?:#([\w-]+))?", text):
                target = ROOT / "docs" / page
                if not target.exists() or (anchor and anchor not in _anchors(target)):
                    broken.append(f"{p.relative_to(ROOT)}:{line}: docs/{page}#{anchor}")
    assert not broken, broken


def test_a_design_citation_would_be_found(tmp_path: Path) -> None:
    """The scan above sees docstrings and comments, not code: the test can fail."""
    sample = tmp_path / "m.py"
    sample.write_text(
        '"""Scores (DESIGN §6)."""\nx = "DESIGN"  # see DESIGN.md\n\n\ndef f():\n    """DESIGN"""\n'
    )
    assert [n for n, t in _docstrings_and_comments(sample) if "DESIGN" in t] == [1, 2, 6]

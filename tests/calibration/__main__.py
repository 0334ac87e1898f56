"""Run every calibration harness, print its tables and the run time, and optionally put them in the docs.

::

    .venv/bin/python -m tests.calibration                 # full run (what `make calibrate` runs)
    .venv/bin/python -m tests.calibration --small         # the small mode of each harness (seconds)
    .venv/bin/python -m tests.calibration --write-docs    # and replace the tables in the docs

Each harness (:mod:`tests.calibration.agi`, :mod:`.labels`, :mod:`.levels`) prints Markdown tables
from its own ``main``; this module captures that text and, with ``--write-docs``, replaces what
stands between ``<!-- calibration:NAME -->`` and ``<!-- /calibration:NAME -->`` in
``docs/methodology.md`` (the harness's ``run time`` line stays out of the docs, so that the docs
change only when a table does).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from assessment.io.atomic import atomic_write_text
from tests.calibration import agi, labels, levels

DOCS = Path(__file__).resolve().parents[2] / "docs" / "methodology.md"


def _run(main: Callable[[list[str]], object], argv: list[str]) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(argv)
    return buf.getvalue()


#: name → (harness main, its arguments in the small mode, in the full mode)
HARNESSES: dict[str, tuple[Callable[[list[str]], object], list[str], list[str]]] = {
    "agi": (agi.main, ["--small", "--extended"], ["--extended"]),
    "labels": (labels.main, ["--small"], []),
    "levels": (levels.main, [], ["--full"]),
}
_RUN_TIME = re.compile(r"^\s*run time:.*$", re.MULTILINE)


def run(small: bool = False) -> dict[str, str]:
    """Every harness's printed Markdown, by name (``small``: each harness's small mode)."""
    return {
        name: _run(main, small_args if small else full_args)
        for name, (main, small_args, full_args) in HARNESSES.items()
    }


_HEADING = re.compile(r"^#{1,4} ", re.MULTILINE)


def doc_text(printed: str) -> str:
    """A harness's output as it goes into the docs: without its run-time line, its headings one
    level below the docs' ``###`` subsections, trimmed."""
    return _HEADING.sub("#### ", _RUN_TIME.sub("", printed)).strip()


def marker(name: str) -> tuple[str, str]:
    """The opening and closing markers of the ``name`` tables in the docs."""
    return f"<!-- calibration:{name} -->", f"<!-- /calibration:{name} -->"


def replace_tables(doc: str, tables: dict[str, str]) -> str:
    """``doc`` with the text between each pair of markers replaced by ``tables[name]``.

    Raises
    ------
    ValueError
        When a pair of markers is missing.
    """
    for name, text in tables.items():
        start, end = marker(name)
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
        if not pattern.search(doc):
            raise ValueError(
                f"{DOCS}: markers {start} … {end} not found; add them where the {name} tables go"
            )
        replacement = f"{start}\n{text}\n{end}"
        doc = pattern.sub(lambda _m: replacement, doc, count=1)  # noqa: B023 (used at once)
    return doc


def main(argv: Sequence[str] | None = None) -> int:
    """Run the harnesses, print their tables and the total run time; ``--write-docs`` updates them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--small", action="store_true", help="each harness's small mode")
    parser.add_argument(
        "--write-docs", action="store_true", help="replace the tables in docs/methodology.md"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    printed = run(small=args.small)
    for name, text in printed.items():
        print(f"# calibration: {name}\n\n{text.strip()}\n")
    took = time.perf_counter() - start
    print(f"total run time: {took:.1f} s ({'small' if args.small else 'full'} mode)")
    if args.write_docs:
        doc = DOCS.read_text(encoding="utf-8")
        tables = {name: doc_text(text) for name, text in printed.items()}
        atomic_write_text(DOCS, replace_tables(doc, tables))
        print(f"wrote {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

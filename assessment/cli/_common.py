"""Shared CLI pieces: output options, the responses source, user-error handling.

Conventions (after sqlite-utils): data goes to stdout (or ``-o FILE``, written atomically), messages
and warnings to stderr; ``--format json`` keys are stable (dataclass field names). Nothing here
imports numpy, scipy, SQLAlchemy or WeasyPrint at module level: ``centric --help`` stays fast.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

if TYPE_CHECKING:
    from assessment.service import LoadedResponses

__all__ = [
    "FORMATS",
    "UserError",
    "emit",
    "format_table",
    "load_responses",
    "output_options",
    "responses_source",
    "user_errors",
    "warn",
]

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("table", "json", "csv")


class UserError(click.ClickException):
    """A :class:`~assessment.errors.CentricError` shown as ``Error: ...`` on stderr, exit code 2."""

    exit_code = 2


def user_errors(f: F) -> F:
    """Turn library user errors into :class:`UserError` (one message, no traceback, exit 2)."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from assessment.errors import CentricError

        try:
            return f(*args, **kwargs)
        except CentricError as exc:
            err = UserError(str(exc))
            # click types exit_code as a ClassVar; a per-instance code is how click reads it.
            err.exit_code = exc.exit_code  # type: ignore[misc]
            raise err from exc

    return cast(F, wrapper)


def warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


def output_options(f: F) -> F:
    """Add ``--format table|json|csv`` and ``-o/--output FILE``."""
    f = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        default=None,
        help="Write the data to FILE (atomically) instead of stdout.",
    )(f)
    f = click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="table for people, json (full result, NaN as null) or csv for tools.",
    )(f)
    return f


def responses_source(f: F) -> F:
    """Add ``--instrument``, ``--db``, ``--org`` and ``--wave`` (shared by ``score`` and ``report``)."""
    for decorator in reversed(
        [
            click.option(
                "--instrument",
                "instrument_ref",
                metavar="ID@VERSION",
                default=None,
                help="Instrument to check answers against (id@version or a YAML path). "
                "Default: the one a JSON file names, else the newest customer-centricity.",
            ),
            click.option(
                "--db",
                metavar="URL",
                envvar="CENTRIC_DB",
                default=None,
                help="Read the wave from this database (SQLite path or URL; env CENTRIC_DB).",
            ),
            click.option("--org", default=None, help="Organisation in the database (with --db)."),
            click.option(
                "--wave",
                default=None,
                help="Wave to use, e.g. 2026-H1: required when a file holds several, and with --db.",
            ),
        ]
    ):
        f = decorator(f)
    return f


def load_responses(
    files: Sequence[str | Path],
    instrument_ref: str | None,
    db: str | None = None,
    org: str | None = None,
    wave: str | None = None,
) -> LoadedResponses:
    """Responses from files, or from the database when no file is given and ``db``, ``org`` and
    ``wave`` are set (``db`` defaults to ``$CENTRIC_DB``). Warnings go to stderr."""
    from assessment import service
    from assessment.errors import CentricError

    if files:
        loaded = service.load_responses(list(files), instrument_ref, wave=wave)
    else:
        db = db or os.environ.get("CENTRIC_DB")
        if not (db and org and wave):
            missing = [n for n, v in (("--db", db), ("--org", org), ("--wave", wave)) if not v]
            raise click.UsageError(
                "give a response FILE, or read from the database with --db, --org and --wave "
                f"(missing: {', '.join(missing)})"
            )
        try:
            from assessment.store import load_wave_responses
        except ImportError as exc:
            raise CentricError(
                f"reading responses from a database is not available ({exc}); export the wave "
                "to CSV and pass the file instead"
            ) from None
        instrument = service.load_instrument_ref(instrument_ref)
        rs = load_wave_responses(db, org, wave, instrument=instrument)
        loaded = service.from_response_set(rs, instrument)
    for w in loaded.warnings:
        warn(w)
    return loaded


def _cell(value: Any, spec: str | None = None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if spec is not None:
            return format(value, spec)
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.0f}"
    return str(value)


def format_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    formats: dict[str, str] | None = None,
) -> str:
    """A plain aligned text table; ``columns`` are ``(key, heading)``; numbers right-aligned.

    ``formats`` maps a key to a format spec for its floats (e.g. ``{"score": ".2f"}``), so a column
    shows the same number of decimals on every row.
    """
    formats = formats or {}
    cells = [[_cell(r.get(k), formats.get(k)) for k, _ in columns] for r in rows]
    heads = [h for _, h in columns]
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(heads)]
    numeric = [
        all(isinstance(r.get(k), int | float) or r.get(k) is None for r in rows) for k, _ in columns
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(heads), line(["-" * w for w in widths])]
    out += [line(c) for c in cells]
    return "\n".join(out) + "\n"


def emit(text: str, output: Path | None) -> None:
    """Write data to ``output`` atomically, or to stdout."""
    if output is None:
        click.echo(text, nl=False)
        return
    from assessment.io.atomic import atomic_write_text

    atomic_write_text(output, text)
    click.echo(f"Wrote {output}", err=True)


def dumps(payload: Any) -> str:
    """Stable JSON: keys in declaration order, NaN as null, UTF-8 kept."""
    from assessment.service import result_to_dict

    return json.dumps(result_to_dict(payload), indent=2, ensure_ascii=False, allow_nan=False) + "\n"

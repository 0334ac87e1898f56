"""Shared CLI pieces: output options, the responses source, user-error handling.

Conventions (after sqlite-utils): data goes to stdout (or ``-o FILE``, written atomically), messages
and warnings to stderr; ``--format json`` keys are stable (dataclass field names). Nothing here
imports numpy, scipy, SQLAlchemy or WeasyPrint at module level: ``centric --help`` stays fast.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

if TYPE_CHECKING:
    from assessment.service import LoadedResponses
    from scoring.results import BusinessCaseParams

__all__ = [
    "FORMATS",
    "UserError",
    "business_case_from",
    "business_options",
    "checked_output",
    "csv_text",
    "describe_error",
    "dumps",
    "emit",
    "format_table",
    "load_responses",
    "output_option",
    "output_options",
    "output_options_for",
    "responses_source",
    "user_errors",
    "warn",
]

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("table", "json", "csv")


#: The CLI flag of each library setting an error can name (:attr:`CentricError.settings`).
FLAGS = {
    "allow_reissue": "--allow-reissue",
    "db": "--db",
    "instrument": "--instrument",
    "lang": "--lang",
    "max_mb": "--max-size",
    "min_group": "--min-group",
    "named_workshop": "--named-workshop",
    "org": "--org",
    "wave": "--wave",
}

#: The command of each maintenance task an error can name, and the settings it takes as flags
#: (a leading ``*`` marks a positional argument).
TASKS: dict[str, tuple[str, ...]] = {
    "db check": ("db",),
    "db upgrade": ("db",),
    "export": ("org",),
    "questionnaire lock": (),
    "respondent delete": ("org", "wave", "*respondent"),
}


def _flag(name: str, value: object) -> str:
    flag = FLAGS.get(name, "--" + name.replace("_", "-"))
    if value is None or value is True:
        return flag
    return f"{flag} {value}"


def describe_error(exc: Exception) -> str:
    """The message of a library error with the CLI's hint: the flags of the settings it names and
    the command of its maintenance task (``… (--min-group 4, --named-workshop)``)."""
    from questionnaires.errors import CentricError

    text = str(exc)
    if not isinstance(exc, CentricError):
        return text
    settings = dict(exc.settings)
    hints: list[str] = []
    if exc.task is not None:
        words = ["centric", exc.task]
        for arg in TASKS.get(exc.task, ()):
            name = arg.lstrip("*")
            value = settings.pop(name, None)
            if value is None:
                continue
            words.append(str(value) if arg.startswith("*") else _flag(name, value))
        hints.append("run `" + " ".join(words) + "`")
    hints.extend(_flag(name, value) for name, value in settings.items())
    return f"{text} ({'; '.join(hints)})" if hints else text


class UserError(click.ClickException):
    """A :class:`~questionnaires.errors.CentricError` shown as ``Error: ...`` on stderr, exit code 2."""

    exit_code = 2


def user_errors(f: F) -> F:
    """Turn library user errors into :class:`UserError` (one message, no traceback, exit 2)."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from questionnaires.errors import CentricError

        try:
            return f(*args, **kwargs)
        except CentricError as exc:
            err = UserError(describe_error(exc))
            # click types exit_code as a ClassVar; a per-instance code is how click reads it.
            err.exit_code = exc.exit_code  # type: ignore[misc]
            raise err from exc

    return cast(F, wrapper)


def warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


def output_option(
    help: str = "Write the data to FILE (atomically) instead of stdout (- is stdout); its folder "
    "must exist.",
    *,
    required: bool = False,
    dir_okay: bool = False,
) -> Callable[[F], F]:
    """The one ``-o/--output`` option of every command: a :class:`~pathlib.Path` (``None`` when
    not given; ``required`` makes it mandatory), a file unless ``dir_okay`` (a folder for a set
    of reports). ``-`` arrives as ``Path("-")``; the command decides whether it means stdout."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=dir_okay, path_type=Path),
        required=required,
        help=help,  # no explicit default=None: click 8.5 then counts the option as given
    )


def output_options_for(formats: Sequence[str] = FORMATS) -> Callable[[F], F]:
    """A decorator adding ``--format`` (one of ``formats``, the first is the default) and
    ``-o/--output FILE``; pass both to :func:`emit`. The folder of FILE must exist."""

    def decorate(f: F) -> F:
        f = output_option()(f)
        f = click.option(
            "--format",
            "fmt",
            type=click.Choice(list(formats)),
            default=formats[0],
            show_default=True,
            help=f"{formats[0]} for people; json (stable keys, NaN as null) or csv for tools.",
        )(f)
        return f

    return decorate


output_options = output_options_for(FORMATS)
"""``--format table|json|csv`` and ``-o/--output FILE`` (see :func:`output_options_for`)."""


def business_options(f: F) -> F:
    """Add the business-case inputs ``--customers``, ``--revenue-per-customer``,
    ``--base-rate``, ``--good-rate``, ``--bad-rate`` and ``--service-contact-share`` (defaults:
    B. Wood's worked example, :class:`scoring.results.BusinessCaseParams`). Turn the values into
    ``ScoreOptions.business`` with :func:`business_case_from`."""
    share = click.FloatRange(0.0, 1.0)
    for decorator in reversed(
        [
            click.option(
                "--customers",
                type=click.IntRange(0),
                default=None,
                help="Business case: number of customers [default: 1000].",
            ),
            click.option(
                "--revenue-per-customer",
                type=click.FloatRange(0.0),
                default=None,
                help="Business case: yearly revenue per customer [default: 1000].",
            ),
            click.option(
                "--base-rate",
                type=share,
                default=None,
                help="Business case: repurchase share on average, 0..1 [default: 0.78].",
            ),
            click.option(
                "--good-rate",
                type=share,
                default=None,
                help="Business case: repurchase share after good service [default: 0.89].",
            ),
            click.option(
                "--bad-rate",
                type=share,
                default=None,
                help="Business case: repurchase share after bad service [default: 0.32].",
            ),
            click.option(
                "--service-contact-share",
                type=share,
                default=None,
                help="Business case: share of customers with a service contact [default: 1].",
            ),
        ]
    ):
        f = decorator(f)
    return f


BUSINESS_KEYS = (
    "customers",
    "revenue_per_customer",
    "base_rate",
    "good_rate",
    "bad_rate",
    "service_contact_share",
)


def business_case_from(values: dict[str, Any]) -> BusinessCaseParams | None:
    """``BusinessCaseParams`` from the :func:`business_options` given in ``values`` (a command's
    keyword arguments); ``None`` when none was given, so the defaults stay in one place."""
    given = {k: values[k] for k in BUSINESS_KEYS if values.get(k) is not None}
    if not given:
        return None
    from scoring.results import BusinessCaseParams

    return BusinessCaseParams(**given)


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
    ``wave`` are set (``--db`` falls back to ``$CENTRIC_DB`` through click). Warnings go to stderr."""
    from assessment import service

    if files:
        loaded = service.load_responses(list(files), instrument_ref, wave=wave)
    else:
        if not (db and org and wave):
            missing = [n for n, v in (("--db", db), ("--org", org), ("--wave", wave)) if not v]
            raise click.UsageError(
                "give a response FILE, or read from the database with --db, --org and --wave "
                f"(missing: {', '.join(missing)})"
            )
        loaded = service.load_stored_responses(db, org, wave, instrument_ref)
    for w in loaded.warnings:
        warn(w)
    return loaded


def _cell(value: Any, spec: str | None = None) -> str:
    if value is None or (isinstance(value, float) and value != value):  # missing or NaN
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


def csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """``rows`` as CSV with a header of ``columns`` (:func:`assessment.service.summary_csv`:
    ``None`` is an empty cell, text cells neutralised against spreadsheet formulas)."""
    from assessment.service import summary_csv

    return summary_csv(rows, columns)


def checked_output(path: Path, inputs: Sequence[str | Path] = (), db: str | None = None) -> Path:
    """The file to write for ``-o``, checked before any work: refused with an
    :class:`~questionnaires.errors.OutputError` (exit 2) when it is one of the ``inputs``, the
    ``--db`` SQLite file (``$CENTRIC_DB`` or ``centric.db`` when ``db`` is ``None``), a folder, a
    special file, or in a missing or read-only folder. A symbolic link resolves to its target."""
    import os

    from assessment.store.engine import DEFAULT_DB, ENV_VAR

    db = db or os.environ.get(ENV_VAR) or DEFAULT_DB
    from assessment.cli._paths import check_output_file

    return check_output_file(path, inputs=inputs, db=db)


def emit(text: str, output: Path | None, inputs: Sequence[str | Path] = ()) -> None:
    """Write data to ``output`` atomically, or to stdout (no ``-o``, or ``-o -``). The output is
    checked first with :func:`checked_output` (never one of ``inputs`` or the database; its
    folder must exist)."""
    from assessment.cli._paths import is_stdout

    if output is None or is_stdout(output):
        click.echo(text, nl=False)
        return
    from assessment.io.atomic import atomic_write_text

    target = checked_output(output, inputs)
    atomic_write_text(target, text)
    click.echo(f"Wrote {output}", err=True)


def dumps(payload: Any) -> str:
    """Stable JSON: keys in declaration order, NaN as null, UTF-8 kept."""
    from assessment.service import result_to_dict

    return json.dumps(result_to_dict(payload), indent=2, ensure_ascii=False, allow_nan=False) + "\n"

"""``centric import``, ``centric export`` and ``centric template``: response files in and out."""

from __future__ import annotations

from pathlib import Path

import click

from assessment.cli._common import user_errors

DB_OPTION = click.option(
    "--db",
    metavar="URL",
    envvar="CENTRIC_DB",
    default=None,
    help="SQLAlchemy URL or SQLite path (env CENTRIC_DB; default ./centric.db).",
)


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@DB_OPTION
@click.option("--org", required=True, help="Organisation (created on first import), e.g. acme.")
@click.option(
    "--wave",
    default=None,
    help="Wave for files without a wave column; selects one wave of a file that holds several.",
)
@click.option(
    "--instrument",
    "instrument_ref",
    metavar="ID@VERSION",
    default=None,
    help="Instrument the answers belong to (id@version or YAML path). Default: the file's "
    "declaration, else the wave's, else the newest customer-centricity.",
)
@click.option(
    "--max-size",
    "max_size",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="MB",
    help="Refuse files larger than this many MB (default 50).",
)
@user_errors
def import_(
    file: Path,
    db: str | None,
    org: str,
    wave: str | None,
    instrument_ref: str | None,
    max_size: float | None,
) -> None:
    """Import a response FILE (CSV long/wide, XLSX, JSON) into the database.

    All-or-nothing: every problem is listed with sheet, row and column and nothing is written.
    Importing the same file again changes nothing.

    \b
    Example:
      centric import answers.xlsx --db acme.db --org acme --wave 2026-H1
    """
    from assessment import service

    result = service.import_file(
        db,
        file,
        org=org,
        wave=wave,
        instrument=service.load_instrument_ref(instrument_ref),
        max_mb=max_size or service.DEFAULT_MAX_MB,
    )
    click.echo(result.describe(), err=True)


@click.command()
@DB_OPTION
@click.option("--org", required=True, help="Organisation to export.")
@click.option("--wave", default=None, help="Only this wave (default: every wave).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "json"]),
    default="csv",
    show_default=True,
    help="csv and xlsx: long format; json: the published interchange schema.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE (atomically; its folder must exist). Default: stdout for csv/json; "
    "xlsx needs a file.",
)
@user_errors
def export(db: str | None, org: str, wave: str | None, fmt: str, output: Path | None) -> None:
    """Export the raw ratings (every answer, not averages) of an organisation.

    Spreadsheet formats neutralise text that would run as a formula (OWASP): it is prefixed
    with a quote.

    \b
    Example:
      centric export --db acme.db --org acme --wave 2026-H1 --format xlsx -o acme.xlsx
    """
    import tempfile

    from assessment import service

    if output is None and fmt == "xlsx":
        raise click.UsageError("--format xlsx needs -o FILE (a workbook is not text)")
    if output is not None:
        waves, answers = service.export_file(db, org, fmt, output, wave=wave)  # type: ignore[arg-type]
        click.echo(f"Wrote {output}: {answers} answers in {waves} wave(s)", err=True)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export.{fmt}"
        service.export_file(db, org, fmt, path, wave=wave)  # type: ignore[arg-type]
        click.echo(path.read_text(encoding="utf-8"), nl=False)


@click.command()
@click.option(
    "--instrument",
    "instrument_ref",
    metavar="ID@VERSION",
    default="customer-centricity",
    show_default=True,
    help="Instrument version (id@version or YAML path).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The sheet to write (atomically); its folder must exist.",
)
@click.option("--wave", default=None, help="Prefill the wave, e.g. 2026-H1.")
@click.option("--respondent", default=None, help="Prefill the pseudonymous respondent id.")
@click.option("--role", default=None, help="Prefill the role.")
@click.option("--department", default=None, help="Prefill the department.")
@user_errors
def template(
    instrument_ref: str,
    fmt: str,
    output: Path,
    wave: str | None,
    respondent: str | None,
    role: str | None,
    department: str | None,
) -> None:
    """Write a ready-to-fill respondent sheet for an instrument version.

    The XLSX has an instructions sheet, item texts and drop-down lists (ratings, N/A, roles);
    filled in, it imports back with `centric import`.

    \b
    Example:
      centric template --instrument customer-centricity@1.0.0 -o sheet.xlsx
    """
    from assessment.errors import CentricError
    from assessment.io.template import write_template
    from assessment.model import get_instrument

    instrument = get_instrument(instrument_ref)
    if role is not None and role not in instrument.roles:
        raise CentricError(f"role {role!r} is not one of {', '.join(instrument.roles)}")
    write_template(
        instrument,
        output,
        fmt,  # type: ignore[arg-type]
        wave=wave,
        respondent=respondent,
        role=role,
        department=department,
    )
    click.echo(f"Wrote {output} ({instrument.ref}, {len(instrument.items)} items)", err=True)

"""``centric import``, ``centric export`` and ``centric template``: response files in and out."""

from __future__ import annotations

from pathlib import Path

import click

from assessment.cli._common import checked_output, output_option, user_errors, warn

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
    for note in result.warnings:
        warn(note)
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
@output_option(
    "Write to FILE (atomically; its folder must exist); '-' is stdout (xlsx only when "
    "redirected). Default: stdout for csv/json; xlsx needs -o.",
)
@user_errors
def export(db: str | None, org: str, wave: str | None, fmt: str, output: Path | None) -> None:
    """Export the raw ratings (every answer, not averages) of an organisation.

    Spreadsheet formats neutralise text that would run as a formula (OWASP): it is prefixed
    with an apostrophe, which import removes again (see docs/cli.md).

    \b
    Example:
      centric export --db acme.db --org acme --wave 2026-H1 --format xlsx -o acme.xlsx
    """
    import tempfile

    from assessment import service
    from assessment.cli._paths import check_binary_stdout, is_stdout, write_stdout_bytes

    if output is None and fmt == "xlsx":
        raise click.UsageError(
            "--format xlsx needs -o FILE (a workbook is not text), or -o - to write it to a "
            "redirected stdout"
        )
    if output is not None and not is_stdout(output):
        output = checked_output(output, db=db)
        waves, answers = service.export_file(db, org, fmt, output, wave=wave)  # type: ignore[arg-type]
        click.echo(f"Wrote {output}: {answers} answers in {waves} wave(s)", err=True)
        return
    if fmt == "xlsx":
        check_binary_stdout("an xlsx workbook", ".xlsx")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export.{fmt}"
        service.export_file(db, org, fmt, path, wave=wave)  # type: ignore[arg-type]
        if fmt == "xlsx":
            write_stdout_bytes(path.read_bytes(), "an xlsx workbook", ".xlsx")
        else:
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
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv"]),
    default=None,
    help="xlsx (drop-down lists) or csv. Default: from the -o suffix, else xlsx.",
)
@output_option(
    "The sheet to write (atomically; its folder must exist), ending in .xlsx or .csv; "
    "'-' is stdout (CSV by default; --format xlsx only when redirected).",
    required=True,
)
@click.option("--wave", default=None, help="Prefill the wave, e.g. 2026-H1.")
@click.option("--respondent", default=None, help="Prefill the pseudonymous respondent id.")
@click.option(
    "--role",
    default=None,
    help="Prefill the role; the sheet then lists only the items asked of that role.",
)
@click.option("--department", default=None, help="Prefill the department.")
@user_errors
def template(
    instrument_ref: str,
    fmt: str | None,
    output: Path,
    wave: str | None,
    respondent: str | None,
    role: str | None,
    department: str | None,
) -> None:
    """Write a ready-to-fill respondent sheet for an instrument version.

    The XLSX has an instructions sheet, item texts and drop-down lists (ratings, N/A, roles);
    filled in, it imports back with `centric import`. With --role the sheet lists only the
    items that role is asked.

    \b
    Example:
      centric template --instrument customer-centricity@1.0.0 -o sheet.xlsx
      centric template --role staff --format csv -o -
    """
    import tempfile

    from assessment.cli._paths import check_binary_stdout, is_stdout, write_stdout_bytes
    from assessment.io.template import template_csv_text, template_items, write_template
    from questionnaires.catalogue import get_instrument
    from questionnaires.errors import CentricError, OutputError

    to_stdout = is_stdout(output)
    suffix = output.suffix.lower()
    fmt = fmt or ("csv" if to_stdout or suffix == ".csv" else "xlsx")
    if to_stdout and fmt == "xlsx":
        check_binary_stdout("an xlsx template", ".xlsx")
    if not to_stdout and suffix != f".{fmt}":
        raise OutputError(
            f"cannot write a {fmt} template to {output}: the name must end in .{fmt} "
            f"(e.g. {output.with_suffix('.' + fmt).name}), or choose the matching --format"
        )
    if not to_stdout:
        output = checked_output(output)
    instrument = get_instrument(instrument_ref)
    if role is not None:
        roles = {r.casefold(): r for r in instrument.roles}
        if role.casefold() not in roles:
            raise CentricError(f"role {role!r} is not one of {', '.join(instrument.roles)}")
        role = roles[role.casefold()]
    n_items = len(template_items(instrument, role))
    if to_stdout and fmt == "csv":
        click.echo(template_csv_text(instrument, wave, respondent, role, department), nl=False)
        return
    if to_stdout:
        with tempfile.TemporaryDirectory() as tmp:
            path = write_template(
                instrument,
                Path(tmp) / "template.xlsx",
                "xlsx",
                wave=wave,
                respondent=respondent,
                role=role,
                department=department,
            )
            write_stdout_bytes(path.read_bytes(), "an xlsx template", ".xlsx")
        return
    write_template(
        instrument,
        output,
        fmt,  # type: ignore[arg-type]
        wave=wave,
        respondent=respondent,
        role=role,
        department=department,
    )
    asked = f", {n_items} asked of {role}" if role is not None else f", {n_items} items"
    click.echo(f"Wrote {output} ({instrument.ref}{asked})", err=True)

"""``centric respondent``: erase or export one person's data (docs/privacy.md)."""

from __future__ import annotations

from pathlib import Path

import click

from assessment.cli._common import output_option, user_errors
from assessment.cli.db import DB_OPTION


@click.group()
def respondent() -> None:
    """Erase one respondent's data (right to be forgotten) or export it (access request).

    \b
    Example:
      centric respondent export --db acme.db --org acme R07 -o R07.json
      centric respondent delete --db acme.db --org acme --wave 2026-H1 R07
      centric respondent delete --db acme.db --org acme --all-waves R07 --yes
    """


@respondent.command()
@DB_OPTION
@click.option("--org", required=True, help="Organisation (its slug in the database).")
@click.option("--wave", default=None, help="Erase from this wave only.")
@click.option("--all-waves", is_flag=True, help="Erase from every wave of the organisation.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.argument("code", metavar="RESPONDENT")
@user_errors
def delete(
    db: str | None, org: str, wave: str | None, all_waves: bool, yes: bool, code: str
) -> None:
    """Erase RESPONDENT: answers, comments and report records, in one transaction.

    Records of their individual reports are deleted; other report records keep an anonymous
    placeholder instead of the code, in the database and then in your report ledger
    ($CENTRIC_LEDGER, else ~/.local/share/centric/report-ledger.json). Irreversible: asks for
    confirmation unless --yes. The PDF files, exports and backups already written, and other
    users' report ledgers, are not touched.
    """
    from assessment.service import erase_from_user_ledger
    from assessment.store import delete_respondent

    if (wave is None) == (not all_waves):
        raise click.UsageError("give either --wave ID or --all-waves")
    where = f"wave {wave}" if wave is not None else "every wave"
    if not yes:
        click.confirm(
            f"Erase respondent {code} from {where} of {org}? This cannot be undone",
            abort=True,
            err=True,
        )
    result = delete_respondent(db, org, code, wave)
    click.echo(result.describe(), err=True)
    changed = erase_from_user_ledger(result.waves, code, org)
    if changed:
        click.echo(
            f"{changed} record{'s' * (changed != 1)} in the user's report ledger "
            f"{'keep' if changed != 1 else 'keeps'} an anonymous placeholder instead of their digest",
            err=True,
        )
    if result.personal_report_paths:
        click.echo(
            "Note: the report files themselves were not deleted; remove them and their copies: "
            + ", ".join(result.personal_report_paths),
            err=True,
        )


@respondent.command()
@DB_OPTION
@click.option("--org", required=True, help="Organisation (its slug in the database).")
@click.option("--wave", default=None, help="Only this wave (default: every wave they are in).")
@output_option("Write the JSON to FILE (atomically); - or no -o: stdout.")
@click.argument("code", metavar="RESPONDENT")
@user_errors
def export(db: str | None, org: str, wave: str | None, output: Path | None, code: str) -> None:
    """Everything stored about RESPONDENT as JSON: role, department and answers per wave,
    and the report records naming them (a data-subject access request)."""
    import json

    from assessment.cli._common import checked_output
    from assessment.io.atomic import atomic_write_text
    from assessment.store import respondent_data

    target = None if output is None or str(output) == "-" else checked_output(output, db=db)
    text = json.dumps(respondent_data(db, org, code, wave), indent=2, ensure_ascii=False) + "\n"
    if target is None:
        click.echo(text, nl=False)
        return
    atomic_write_text(target, text)
    click.echo(f"Wrote {output}", err=True)

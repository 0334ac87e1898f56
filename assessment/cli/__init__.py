"""The ``centric`` command line. Thin: parse, call the library, format.

Subcommands live in their own modules and are imported only when invoked, so ``centric --help``
stays fast and does not import numpy, scipy, WeasyPrint or SQLAlchemy.
"""

from __future__ import annotations

import importlib
import sys

import click

from assessment import __version__

# name -> (module, attribute, one-line help shown by `centric --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "questionnaire": (
        "assessment.cli.questionnaire",
        "questionnaire",
        "List, show, validate, diff and pilot instruments.",
    ),
    "score": ("assessment.cli.score", "score", "Score a wave of responses."),
    "demo": ("assessment.cli.demo", "demo", "Generate Northwind Telecom and write its reports."),
    "report": ("assessment.cli.report", "report", "Write team, individual and trend PDF reports."),
    "db": ("assessment.cli.db", "db", "Create, upgrade and check the assessment database."),
    "import": (
        "assessment.cli.interchange",
        "import_",
        "Import a response file into the database.",
    ),
    "export": ("assessment.cli.interchange", "export", "Export raw ratings from the database."),
    "respondent": (
        "assessment.cli.respondent",
        "respondent",
        "Erase or export one respondent's data (privacy).",
    ),
    "template": (
        "assessment.cli.interchange",
        "template",
        "Write a ready-to-fill respondent sheet.",
    ),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="centric")
def cli() -> None:
    """Measure how aligned a management team is on customer centricity.

    \b
    Example:
      centric demo --out demo-output
      centric score responses.csv --format json
    """


def main() -> None:
    """Entry point: user errors become one line on stderr and exit code 2."""
    from questionnaires.errors import CentricError

    try:
        # standalone_mode=False lets CentricError reach us, but then click *returns* the exit
        # code of ctx.exit(n) instead of exiting: pass it on.
        rc = cli.main(standalone_mode=False)
    except CentricError as exc:
        from assessment.cli._common import describe_error

        click.echo(f"Error: {describe_error(exc)}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    if isinstance(rc, int) and not isinstance(rc, bool):
        sys.exit(rc)

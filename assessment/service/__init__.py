"""Use cases shared by the CLI, the web app and the demo: load responses, score a wave, save results,
build the team, personal and trend PDF reports, import a response file into the database and export
it again.

Glue between :mod:`assessment.io` (files), :mod:`assessment.store` (the database) and
:mod:`scoring`; those layers do not import each other. Each function does one use case and raises
:class:`~questionnaires.errors.CentricError` subclasses for user errors.

Result files:

- ``results-<wave>.json``: :meth:`ScoreOutput.json`: ``identifying``, then (safe output)
  ``min_group`` and ``withheld``, then the :class:`~scoring.results.WaveResult` after
  :func:`safe_result` (dataclass fields in declaration order, tuples as lists, ``NaN``/``inf``
  as ``null``);
- ``results-<wave>.csv``: one row per capability, the columns of :data:`SUMMARY_COLUMNS`.

The package has one module per use case (``docs/architecture.md``); every name is imported from
here (``from assessment.service import team_report``):

- :mod:`~assessment.service.loading`: read response files or a stored wave into
  :class:`LoadedResponses`, score them (:func:`score_responses`);
- :mod:`~assessment.service.report_cases`: the team, personal and trend PDF reports;
- :mod:`~assessment.service.ledger`: the report ledger every report and safe output is checked
  against and recorded in;
- :mod:`~assessment.service.analyst_output`: what ``centric score`` prints (:func:`score_output`)
  and the result files;
- :mod:`~assessment.service.withholding`: :func:`safe_result`, the anonymity rules on a result;
- :mod:`~assessment.service.result_data`: results as JSON-ready dicts and the summary CSV;
- :mod:`~assessment.service.demo`: the Northwind demo;
- :mod:`~assessment.service.interchange`: :func:`import_file` and :func:`export_file`.

A use case that calls :func:`score_responses` looks it up on this package when it runs, so
patching ``assessment.service.score_responses`` reaches every use case; the CLI calls the use
cases as ``service.team_report(...)`` for the same reason.
"""

from __future__ import annotations

from assessment.service.analyst_output import (
    IDENTIFYING_WARNING,
    ScoreOutput,
    score_output,
    write_result_files,
)
from assessment.service.demo import DemoRun, run_demo
from assessment.service.demo import demo_reports as demo_reports
from assessment.service.interchange import (
    DEFAULT_MAX_MB,
    IMPORTABLE,
    ImportResult,
    export_file,
    import_file,
)
from assessment.service.interchange import ExportFormat as ExportFormat
from assessment.service.ledger import LEDGER_ENV as LEDGER_ENV
from assessment.service.ledger import (
    REPORT_MANIFEST,
    ReportLedger,
    report_ledger,
    respondent_digest,
)
from assessment.service.ledger import erase_from_user_ledger as erase_from_user_ledger
from assessment.service.ledger import user_ledger_path as user_ledger_path
from assessment.service.loading import (
    LoadedResponses,
    from_response_set,
    load_instrument_ref,
    load_responses,
    load_stored_responses,
    response_warnings,
    score_responses,
)
from assessment.service.loading import _ids as _ids
from assessment.service.report_cases import (
    individual_report,
    individual_reports,
    report_score_options,
    team_report,
    trend_report,
)
from assessment.service.result_data import (
    SUMMARY_COLUMNS,
    capability_summary,
    result_dict,
    result_json,
    result_to_dict,
    summary_csv,
)
from assessment.service.withholding import Withheld, safe_result

__all__ = [
    "DEFAULT_MAX_MB",
    "IDENTIFYING_WARNING",
    "IMPORTABLE",
    "REPORT_MANIFEST",
    "SUMMARY_COLUMNS",
    "DemoRun",
    "ImportResult",
    "LoadedResponses",
    "ReportLedger",
    "ScoreOutput",
    "Withheld",
    "capability_summary",
    "export_file",
    "from_response_set",
    "import_file",
    "individual_report",
    "individual_reports",
    "load_instrument_ref",
    "load_responses",
    "load_stored_responses",
    "report_ledger",
    "report_score_options",
    "respondent_digest",
    "response_warnings",
    "result_dict",
    "result_json",
    "result_to_dict",
    "run_demo",
    "safe_result",
    "score_output",
    "score_responses",
    "summary_csv",
    "team_report",
    "trend_report",
    "write_result_files",
]

"""``assessment.service`` is a package of use-case modules (issue 9, item 4); every name of the
old single module is still imported from the package, and patching a use case there still
reaches the use cases that call it."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import assessment.service as service
from questionnaires.errors import ScoringError

ROOT = Path(__file__).resolve().parent.parent

#: The public names of the old ``assessment/service.py`` (its ``__all__`` and what the CLI, the
#: tests and the docs import from it), and the one private helper a test reaches.
OLD_ALL = (
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
)
OLD_OTHERS = (
    "LEDGER_ENV",
    "ExportFormat",
    "demo_reports",
    "erase_from_user_ledger",
    "user_ledger_path",
    "_ids",
)


def test_the_package_all_is_the_old_modules_all():
    assert tuple(service.__all__) == OLD_ALL


@pytest.mark.parametrize("name", OLD_ALL + OLD_OTHERS)
def test_every_name_of_the_old_module_is_the_object_of_its_new_home(name):
    value = getattr(service, name)
    home = getattr(value, "__module__", None)
    if callable(value) and home is not None and home.startswith("assessment.service."):
        assert getattr(importlib.import_module(home), name) is value


def test_no_service_module_shares_a_name_with_a_floor_or_another_floors_module():
    """A newcomer looking for ``scoring.py`` or ``responses.py`` finds one file, not two (the
    CLI's ``demo`` and ``interchange`` commands mirror their use-case modules on purpose)."""
    floors = ("questionnaires", "scoring", "reports")
    taken = set(floors) | {"assessment", "service"}
    rooms = [ROOT / floor for floor in floors] + [
        ROOT / "assessment" / "io",
        ROOT / "assessment" / "store",
    ]
    taken |= {f.stem for room in rooms for f in room.rglob("*.py")}
    taken -= {"__init__"}
    ours = {f.stem for f in (ROOT / "assessment" / "service").glob("*.py")} - {"__init__"}
    assert ours and not ours & taken, sorted(ours & taken)


def test_patching_score_responses_on_the_package_reaches_score_output(monkeypatch):
    """score_output looks score_responses up on the package, as the report use cases and the
    demo do, so a stub there stands in for scoring everywhere."""
    from assessment.synthetic import northwind
    from questionnaires.catalogue import get_instrument

    inst = get_instrument("customer-centricity")
    loaded = service.LoadedResponses(inst, northwind("2026-H1", instrument=inst))

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ScoringError("stubbed scoring")

    monkeypatch.setattr(service, "score_responses", broken)
    with pytest.raises(ScoringError, match="stubbed scoring"):
        service.score_output(loaded)
    with pytest.raises(ScoringError, match="stubbed scoring"):
        service.score_output(loaded, identifying=True)

"""The instrument fields added for customer-centricity 1.1.0 (issue 11): owner vocabulary, rated
levels with a target horizon and investment points, per-item targets, KPIs and a gate KPI, cost
bands, done criteria and approvers; their located errors, the diff, the schema and the docs.

Every invalid file is one line per problem naming the file, the YAML line and the field path.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from questionnaires.catalogue import get_instrument, questionnaires_dir
from questionnaires.diff import diff_instruments
from questionnaires.errors import QuestionnaireError
from questionnaires.loader import instrument_from_data, load_instrument
from questionnaires.model import Action, Capability, Instrument, Item, Kpi, Scale, content_hash
from questionnaires.schema import instrument_schema

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini" / "1.0.0.yaml"
MINI11 = FIXTURES / "mini11" / "1.1.0.yaml"
SHIPPED = questionnaires_dir() / "customer-centricity" / "1.0.0.yaml"
#: The hash customer-centricity 1.0.0 was published with (questionnaires/lock.json).
PUBLISHED_1_0_0 = "sha256:9da131e6a238172cbfa18120667ca5aec1d9fde02fa8fddfe7b5ee66de03c367"


@pytest.fixture
def v11() -> dict[str, Any]:
    """The 1.1-style mini instrument as plain data, to break in each test."""
    return yaml.safe_load(MINI11.read_text(encoding="utf-8"))


def located(tmp_path: Path, data: dict[str, Any], needle: str, nth: int = 0) -> str:
    """The single problem of ``data`` saved as YAML; asserts it names the file and the line of the
    ``nth`` occurrence of ``needle``, and returns it without the ``file:line: `` prefix."""
    path = tmp_path / "inst.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_instrument(path)
    lines = str(info.value).splitlines()
    assert len(lines) == 2, lines
    msg = lines[1].strip().removeprefix("- ")
    numbers = [
        k for k, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in ln
    ]
    assert numbers, needle
    assert msg.startswith(f"{path}:{numbers[nth]}: "), (msg, numbers[nth])
    return msg.split(": ", 1)[1]


# -- the 1.1-style fixture, the schema, and 1.0.0 unchanged --------------------------------------


def test_fixture_loads_with_every_new_field():
    inst = load_instrument(MINI11)
    assert inst.rate_levels and inst.target_horizon_months == 24 and inst.investment_points == 100
    assert set(inst.owner_roles) == {"ceo", "cio", "head_of_service", "executive_team"}
    sys_ = inst.capability("SYS")
    assert [k.id for k in sys_.kpis] == ["SYS-K1", "SYS-K2"] and sys_.gate_kpi == "SYS-K2"
    assert sys_.kpis[0].direction == "lower" and sys_.kpis[0].unit == "%"
    act = sys_.actions[0]
    assert (act.cost_band, act.approved_by) == ("capital", "executive_team")
    assert act.done_when == "Every channel writes to one customer record"
    assert not inst.item("CUL-02").target and inst.item("CUL-01").target


def test_a_written_out_target_on_a_reverse_keyed_item_is_located_on_its_line(tmp_path, v11):
    v11["capabilities"][0]["items"][1]["target"] = True
    msg = located(tmp_path, v11, "target: true")
    assert msg.startswith("capabilities[0].items[1].target (CUL-02): a reverse-keyed statement")


def test_json_schema_validates_the_1_1_fixture_and_rejects_its_new_fields_broken(v11):
    import jsonschema

    validator = jsonschema.Draft202012Validator(instrument_schema())
    validator.validate(json.loads(json.dumps(v11)))
    broken = copy.deepcopy(v11)
    broken["capabilities"][0]["actions"][0]["cost_band"] = "huge"
    broken["capabilities"][0]["kpis"][0]["direction"] = "up"
    broken["owner_roles"]["CEO"] = "Capitals are not an owner-role id."
    broken["target_horizon_months"] = 72
    messages = " ".join(e.message for e in validator.iter_errors(json.loads(json.dumps(broken))))
    for bad in ("'huge'", "'up'", "'CEO'", "72"):
        assert bad in messages


def test_published_1_0_0_loads_and_hashes_as_before():
    inst = get_instrument("customer-centricity@1.0.0")
    assert content_hash(inst) == PUBLISHED_1_0_0
    assert not inst.owner_roles and not inst.rate_levels and inst.investment_points is None
    assert all(i.target for i in inst.items)
    assert all(c.kpis == [] and c.gate_kpi is None for c in inst.capabilities)


def test_spelling_out_the_new_defaults_keeps_the_1_0_0_hash():
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data.update(owner_roles={}, rate_levels=False, target_horizon_months=None)
    data["investment_points"] = None
    for cap in data["capabilities"]:
        cap.update(kpis=[], gate_kpi=None)
        for item in cap["items"]:
            item["target"] = True
        for act in cap["actions"]:
            act.update(cost_band=None, done_when=None, approved_by=None)
    assert content_hash(instrument_from_data(data)) == PUBLISHED_1_0_0


def test_without_an_owner_vocabulary_owners_are_free_text_and_reverse_items_ask_targets():
    """1.0.0 style: 'CEO', 'Head of Service' as owners, targets on reverse-keyed items."""
    inst = load_instrument(MINI)
    assert inst.capability("CUL").actions[0].owner_role == "CEO"
    assert inst.item("CUL-02").reverse and inst.item("CUL-02").target


# -- located errors ------------------------------------------------------------------------------


def test_unknown_owner_role_names_the_action_the_value_and_the_defined_ids(tmp_path, v11):
    v11["capabilities"][2]["actions"][0]["owner_role"] = "CFO"
    msg = located(tmp_path, v11, "owner_role: CFO")
    assert msg == (
        "capabilities[2].actions[0].owner_role (MET-A1-1): unknown owner role 'CFO'; "
        "use an id of owner_roles: ceo, cio, head_of_service, executive_team"
    )


def test_unknown_approver_is_located(tmp_path, v11):
    v11["capabilities"][1]["actions"][0]["approved_by"] = "board"
    msg = located(tmp_path, v11, "approved_by: board")
    assert msg.startswith("capabilities[1].actions[0].approved_by (SYS-A1-1): unknown approved by")
    assert "'board'" in msg and "executive_team" in msg


@pytest.mark.parametrize(
    ("key", "definition", "needle", "expected"),
    [
        ("Board", "The board of directors, approving capital.", "Board:", "should match pattern"),
        ("cfo", "Finance", "cfo: Finance", "at least 20 characters"),
    ],
    ids=["bad-id", "short-definition"],
)
def test_owner_role_ids_and_definitions_are_checked(
    tmp_path, v11, key, definition, needle, expected
):
    v11["owner_roles"][key] = definition
    msg = located(tmp_path, v11, needle)
    assert msg.startswith(f"owner_roles.{key}") and expected in msg


def test_rate_levels_needs_a_target_horizon(tmp_path, v11):
    del v11["target_horizon_months"]
    msg = located(tmp_path, v11, "rate_levels: true")
    assert msg.startswith("rate_levels: rated levels ask for the level each capability should")
    assert "set target_horizon_months (6-60)" in msg


@pytest.mark.parametrize("months", [5, 61])
def test_target_horizon_is_6_to_60_months(tmp_path, v11, months):
    v11["target_horizon_months"] = months
    msg = located(tmp_path, v11, f"target_horizon_months: {months}")
    assert msg.startswith("target_horizon_months: Input should be")


def test_investment_points_need_rated_levels(tmp_path, v11):
    v11["rate_levels"] = False
    msg = located(tmp_path, v11, "investment_points: 100")
    assert msg.startswith("investment_points: investment points are allocated")
    assert "set rate_levels: true" in msg


def test_investment_points_give_every_capability_at_least_one(tmp_path, v11):
    v11["investment_points"] = 2
    msg = located(tmp_path, v11, "investment_points: 2")
    assert msg == (
        "investment_points: 2 points cannot give each of the 3 capabilities one; "
        "use at least 3 (100 is usual)"
    )


def test_reverse_keyed_item_asking_a_target_is_an_error_when_levels_are_rated(tmp_path, v11):
    del v11["capabilities"][0]["items"][1]["target"]  # CUL-02 is reverse-keyed
    v11["capabilities"][0]["items"][1]["reverse"] = True
    msg = located(tmp_path, v11, "id: CUL-02")  # the item: its target is the default
    assert msg.startswith(
        "capabilities[0].items[1].target (CUL-02): a reverse-keyed statement asks no target"
    )
    assert "set `target: false`" in msg


def test_kpi_must_start_with_its_capability_id(tmp_path, v11):
    v11["capabilities"][1]["kpis"][1]["id"] = "CUL-K2"
    v11["capabilities"][1]["gate_kpi"] = "SYS-K1"
    msg = located(tmp_path, v11, "id: CUL-K2")
    assert (
        msg == "capabilities[1].kpis[1].id (CUL-K2): 'CUL-K2' must start with 'SYS-', e.g. SYS-K2"
    )


def test_duplicate_kpi_id(tmp_path, v11):
    v11["capabilities"][1]["kpis"][1]["id"] = "SYS-K1"
    v11["capabilities"][1]["gate_kpi"] = "SYS-K1"
    msg = located(tmp_path, v11, "id: SYS-K1", nth=1)
    assert msg.startswith("capabilities[1].kpis[1].id (SYS-K1): duplicate KPI id 'SYS-K1'")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("id", "SYS-1", "should match pattern"),
        ("definition", "Too short", "at least 20 characters"),
        ("direction", "up", "'higher' or 'lower'"),
    ],
)
def test_kpi_fields_are_checked(tmp_path, v11, field, value, expected):
    v11["capabilities"][1]["kpis"][0][field] = value
    v11["capabilities"][1]["gate_kpi"] = "SYS-K2"
    msg = located(tmp_path, v11, f"{field}: {value}")
    assert msg.startswith(f"capabilities[1].kpis[0].{field}") and expected in msg


def test_gate_kpi_names_one_of_the_capabilitys_kpis(tmp_path, v11):
    v11["capabilities"][1]["gate_kpi"] = "SYS-K9"
    msg = located(tmp_path, v11, "gate_kpi: SYS-K9")
    assert msg == (
        "capabilities[1].gate_kpi (SYS): 'SYS-K9' is not a KPI of SYS; defined: SYS-K1, SYS-K2"
    )
    v11["capabilities"][2]["gate_kpi"] = "MET-K1"  # MET has no KPIs
    v11["capabilities"][1]["gate_kpi"] = "SYS-K1"
    assert "MET defines no kpis" in located(tmp_path, v11, "gate_kpi: MET-K1")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("cost_band", "huge", "'low', 'medium', 'high' or 'capital'"),
        ("done_when", "Done soon", "at least 15 characters"),
    ],
)
def test_action_cost_band_and_done_criterion_are_checked(tmp_path, v11, field, value, expected):
    v11["capabilities"][2]["actions"][0][field] = value
    msg = located(tmp_path, v11, f"{field}: {value}")
    assert msg.startswith(f"capabilities[2].actions[0].{field} (MET-A1-1)") and expected in msg


# -- diff ----------------------------------------------------------------------------------------


def _kinds(d) -> set[tuple[str, str]]:
    return {(f.kind, f.id) for f in d.field_changes}


def test_diff_lists_owner_kpi_cost_band_done_and_target_changes():
    old, new = load_instrument(MINI), load_instrument(MINI11)
    d = diff_instruments(old, new)
    assert {(c.old or c.new): c.change for c in d.changes} == {
        "CUL-01": "reworded",
        "CUL-02": "same",
        "SYS-01": "same",
        "SYS-02": "same",
        "MET-01": "same",
        "MET-02": "removed",
        "MET-03": "new",
    }
    assert {
        ("instrument rate_levels changed", "mini"),
        ("instrument investment_points changed", "mini"),
        ("owner_role added", "executive_team"),
        ("kpi added", "SYS-K2"),
        ("capability gate_kpi changed", "SYS"),
        ("action cost_band changed", "SYS-A1-1"),
        ("action done_when changed", "SYS-A1-1"),
        ("action owner_role changed", "MET-A1-1"),
        ("action approved_by changed", "CUL-A2-1"),
        ("action horizon_months changed", "SYS-A1-1"),
        ("item target changed", "CUL-02"),
    } <= _kinds(d)
    owner = next(f for f in d.field_changes if f.id == "MET-A1-1" and f.field == "owner_role")
    assert (owner.old, owner.new) == ("CFO", "head_of_service")
    kpi = next(f for f in d.field_changes if f.id == "SYS-K2")
    assert kpi.new == "Misroutes logged" and kpi.field is None


def test_diff_reports_removed_kpis_actions_and_changed_levels(v11):
    new = copy.deepcopy(v11)
    new["version"] = "1.2.0"
    new["supersedes"] = "mini@1.1.0"
    del new["item_map"]
    sys_ = new["capabilities"][1]
    sys_["kpis"].pop(0)
    sys_["kpis"][0]["unit"] = "share"
    sys_["levels"][3] = "One shared record for every customer-facing role"
    new["capabilities"][2]["actions"] = []
    del new["owner_roles"]["head_of_service"]
    new["owner_roles"]["cio"] = "Chief information and digital officer; owns all systems."
    new["capabilities"][0]["actions"][0]["owner_role"] = "cio"
    d = diff_instruments(instrument_from_data(v11), instrument_from_data(new))
    assert {
        ("kpi removed", "SYS-K1"),
        ("kpi unit changed", "SYS-K2"),
        ("level changed", "SYS.3"),
        ("action removed", "MET-A1-1"),
        ("owner_role removed", "head_of_service"),
        ("owner_role changed", "cio"),
    } <= _kinds(d)
    assert all(c.change == "same" for c in d.changes)


def test_diff_of_a_version_with_itself_has_no_field_changes():
    inst = get_instrument("customer-centricity@1.0.0")
    d = diff_instruments(inst, inst)
    assert d.field_changes == [] and {c.change for c in d.changes} == {"same"}


def test_diff_json_of_the_cli_carries_the_field_changes():
    from assessment.cli import cli

    result = CliRunner().invoke(
        cli, ["questionnaire", "diff", str(MINI), str(MINI11), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"kind": "kpi added", "id": "CUL-K1"}.items() <= next(
        f for f in data["field_changes"] if f["id"] == "CUL-K1"
    ).items()


# -- docs ----------------------------------------------------------------------------------------


def test_field_reference_documents_every_field_of_the_file_format():
    doc = (Path(__file__).parent.parent / "docs" / "questionnaire-format.md").read_text("utf-8")
    reference = doc.split("## Field reference", 1)[1].split("\n## ", 1)[0]
    missing = [
        f"{model.__name__}.{name}"
        for model in (Instrument, Capability, Item, Action, Kpi, Scale)
        for name in model.model_fields
        if f"`{name}`" not in reference
    ]
    assert not missing, missing
    for band in ("low", "medium", "high", "capital"):
        assert f"`{band}`" in reference

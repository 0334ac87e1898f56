"""The engagement file (issue 12, item 4): reading, located errors, the share rule, the schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessment.io.engagement import (
    SCHEMA_PATH,
    EngagementError,
    engagement_schema,
    engagement_schema_text,
    load_engagement,
)
from questionnaires.errors import CentricError, ScoringError
from scoring.business_case import WOOD_SOURCE

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "northwind-engagement.yaml"

GOOD = """\
client: Acme
currency: EUR
customers: 10000
revenue_per_customer: 500
service_contact_share: 40%
contact_mix:
  today: 0.6
  target: 70%
acquisition_cost_per_customer: 200
programme:
  stage_costs: [0, 30000, {name: Grow, cost: 65000}]
"""

GOOD_TOML = """\
client = "Acme"
currency = "EUR"
customers = 10000
revenue_per_customer = 500
service_contact_share = "40%"

[contact_mix]
today = 0.6
target = "70%"

[programme]
stage_costs = [0, 30000, 65000]
"""


def _write(tmp_path: Path, text: str, name: str = "acme.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> EngagementError:
    with pytest.raises(EngagementError) as info:
        load_engagement(path)
    return info.value


def test_engagement_file_loads_and_gives_the_hand_computed_business_case(tmp_path):
    """Same numbers as tests/test_business_case_client.py: gain 114,000 a year, investment 95,000,
    payback 10 months; no repurchase rates given, so Wood's 78/89/32 with Wood cited."""
    eng = load_engagement(_write(tmp_path, GOOD))
    assert eng.service_contact_share == 0.4 and eng.contact_mix.target == pytest.approx(0.7)
    assert eng.horizon_months == 36 and eng.gates.pass_probability == 0.8
    case = eng.business_case()
    assert case.annual_gain == pytest.approx(114_000)
    assert case.total_investment == pytest.approx(95_000)
    assert case.payback_months == pytest.approx(10)
    assert [s.name for s in case.stages] == ["Stage 1", "Stage 2", "Grow"]
    assert case.rates_source == WOOD_SOURCE


def test_toml_engagement_file_reads_the_same(tmp_path):
    yaml_case = load_engagement(_write(tmp_path, GOOD)).business_case()
    toml_case = load_engagement(_write(tmp_path, GOOD_TOML, "acme.toml")).business_case()
    assert toml_case.annual_gain == pytest.approx(yaml_case.annual_gain)
    assert toml_case.payback_months == pytest.approx(yaml_case.payback_months)


def test_client_repurchase_rates_override_wood(tmp_path):
    """Client rates 80/90/40: gain = 5,000,000 · 0.4 · 0.1 · (0.90 − 0.40) = 100,000."""
    text = GOOD + "repurchase_rates: {base: 80%, good: 90%, bad: 40%, source: Acme renewals 2025}\n"
    case = load_engagement(_write(tmp_path, text)).business_case()
    assert case.annual_gain == pytest.approx(100_000)
    assert case.rates_source == "Acme renewals 2025"
    assert case.economics.base_rate == pytest.approx(0.8)


def test_share_rule_number_or_percent_string_never_a_bare_percentage(tmp_path):
    same = load_engagement(_write(tmp_path, GOOD.replace("40%", "0.4")))
    assert (
        same.service_contact_share == load_engagement(_write(tmp_path, GOOD)).service_contact_share
    )
    err = _error(_write(tmp_path, GOOD.replace("40%", "40")))
    assert "acme.yaml:5: service_contact_share: is 40, above 1" in str(err)
    assert '"40%"' in str(err)


def test_share_above_100_percent_is_a_located_error_naming_file_line_and_key(tmp_path):
    path = _write(tmp_path, GOOD.replace("target: 70%", "target: 140%"))
    err = _error(path)
    assert str(err).startswith(f"{path}:8: contact_mix.target: is 140%, above 100%")
    assert isinstance(err, CentricError) and err.exit_code == 2
    assert err.problems[0].row == 8 and err.problems[0].column == "contact_mix.target"


def test_negative_cost_is_a_located_error(tmp_path):
    path = _write(tmp_path, GOOD.replace("cost: 65000", "cost: -65000"))
    assert str(_error(path)) == (
        f"{path}:11: programme.stage_costs[2].cost: must not be negative, got -65000"
    )
    bare = _write(tmp_path, GOOD.replace("[0, 30000", "[0, -30000"))
    assert f"{bare}:11: programme.stage_costs[1].cost: must not be negative" in str(_error(bare))


def test_unknown_key_is_a_located_error_with_did_you_mean(tmp_path):
    path = _write(tmp_path, GOOD.replace("acquisition_cost_per_customer", "aquisition_cost"))
    msg = str(_error(path))
    assert msg.startswith(f"{path}:9: aquisition_cost: unknown key; did you mean ")
    assert "'acquisition_cost_per_customer'" in msg
    nested = _write(tmp_path, GOOD.replace("  today: 0.6", "  todya: 0.6"))
    msg = str(_error(nested))
    assert f"{nested}:7: contact_mix.todya: unknown key; did you mean 'today'?" in msg
    assert "contact_mix.today: is missing" in msg  # both problems, each located


def test_wrong_type_is_a_located_error(tmp_path):
    path = _write(tmp_path, GOOD.replace("customers: 10000", "customers: many"))
    msg = str(_error(path))
    assert msg.startswith(f"{path}:3: customers: ")
    assert "integer" in msg and "'many'" in msg
    money = _write(
        tmp_path, GOOD.replace("revenue_per_customer: 500", "revenue_per_customer: lots")
    )
    assert f"{money}:4: revenue_per_customer: must be a number" in str(_error(money))


def test_toml_errors_name_the_line_too(tmp_path):
    path = _write(tmp_path, GOOD_TOML.replace('target = "70%"', 'target = "140%"'), "acme.toml")
    assert str(_error(path)).startswith(f"{path}:9: contact_mix.target: is 140%, above 100%")
    typo = _write(tmp_path, GOOD_TOML.replace("customers =", "custmers ="), "acme.toml")
    assert f"{typo}:3: custmers: unknown key; did you mean 'customers'?" in str(_error(typo))


def test_unreadable_files_are_errors_not_tracebacks(tmp_path):
    assert "no such engagement file" in str(_error(tmp_path / "missing.yaml"))
    broken = _write(tmp_path, "client: [unclosed\n")
    assert f"{broken}:2: not valid YAML" in str(_error(broken))
    assert "must end in .yaml, .yml or .toml" in str(_error(_write(tmp_path, GOOD, "acme.txt")))
    assert "expected a mapping" in str(_error(_write(tmp_path, "")))
    dup = _write(tmp_path, GOOD + "client: Again\n")
    assert "duplicate key 'client'" in str(_error(dup))
    bad_toml = _write(tmp_path, "client = \n", "acme.toml")
    assert "not valid TOML" in str(_error(bad_toml))


def test_programme_needs_exactly_one_cost_source(tmp_path):
    both = GOOD + "  band_costs: {low: 1, medium: 2, high: 3, capital: 4}\n"
    msg = str(_error(_write(tmp_path, both)))
    assert ":10: programme: give either stage_costs or band_costs" in msg


def test_target_below_today_and_good_below_bad_are_errors(tmp_path):
    msg = str(_error(_write(tmp_path, GOOD.replace("target: 70%", "target: 50%"))))
    assert ":6: contact_mix: target (50%) is below today (60%)" in msg
    rates = GOOD + "repurchase_rates: {base: 0.8, good: 0.3, bad: 0.4, source: study}\n"
    assert "repurchase_rates: good (30%) is below bad (40%)" in str(_error(_write(tmp_path, rates)))


def test_missing_theme_file_is_a_located_error(tmp_path):
    path = _write(tmp_path, GOOD + "report:\n  date: 2026-07-15\n  theme: acme-theme.yaml\n")
    assert f"{path}:14: report.theme: no such theme file" in str(_error(path))
    (tmp_path / "acme-theme.yaml").write_text("client: Acme\n", encoding="utf-8")
    eng = load_engagement(path)
    assert eng.report is not None and eng.report.theme == str(tmp_path / "acme-theme.yaml")


def test_upload_as_bytes_with_a_display_name():
    eng = load_engagement(GOOD.encode(), name="upload.yaml")
    assert eng.client == "Acme"
    with pytest.raises(EngagementError, match=r"^upload\.yaml:3: customers"):
        load_engagement(GOOD.replace("10000", "-5").encode(), name="upload.yaml")


def test_stage_costs_must_match_the_roadmap(tmp_path):
    from tests.test_business_case_client import _roadmap

    eng = load_engagement(_write(tmp_path, GOOD.replace("[0, 30000, ", "[0, ")))
    with pytest.raises(ScoringError, match="2 stage costs given but the roadmap has 3 stages"):
        eng.business_case(_roadmap())  # type: ignore[arg-type]


def test_shipped_schema_is_current_and_accepts_the_example():
    import jsonschema
    import yaml

    assert SCHEMA_PATH.read_text(encoding="utf-8") == engagement_schema_text(), (
        "assessment/io/engagement.schema.json is stale: regenerate it with engagement_schema_text()"
    )
    schema = engagement_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    example = json.loads(json.dumps(yaml.safe_load(EXAMPLE.read_text("utf-8")), default=str))
    jsonschema.validate(example, schema, cls=jsonschema.Draft202012Validator)
    for bad in ({**example, "custmers": 1}, {**example, "service_contact_share": "140%"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema, cls=jsonschema.Draft202012Validator)


def test_northwind_example_loads_and_costs_its_roadmap_from_the_bands():
    """The demo's engagement on Northwind 2026-H2 (instrument 1.1.0, whose actions have cost bands)."""
    from assessment.synthetic import northwind
    from questionnaires.catalogue import get_instrument
    from scoring.wave import score_wave

    eng = load_engagement(EXAMPLE)
    assert eng.client == "Northwind Telecom" and eng.currency == "EUR"
    inst = get_instrument("customer-centricity@1.1.0")
    roadmap = score_wave(inst, northwind("2026-H2", instrument=inst)).roadmap
    case = eng.business_case(roadmap, inst)
    assert len(case.stages) == len(roadmap.stages)
    assert case.total_investment > 0 and case.annual_gain > 0
    assert sum(s.gain_share for s in case.stages) == pytest.approx(1)
    # 420,000 · 540 · 0.4 · (0.72 − 0.62) · (0.89 − 0.32)
    assert case.annual_gain == pytest.approx(420_000 * 540 * 0.4 * 0.10 * 0.57)
    assert case.staging.value_of_staging > 0
    assert "invented" in EXAMPLE.read_text("utf-8").lower()

"""Every number of the executive summary equals the detailed pages' and ``centric score --format
json`` (issue 12 acceptance): the report and the safe score output of one Northwind wave, read
back with pypdf."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from assessment.cli import cli
from assessment.io.writers import write_csv
from assessment.synthetic import northwind

ROOT = Path(__file__).resolve().parent.parent
ENGAGEMENT = ROOT / "docs" / "examples" / "northwind-engagement.yaml"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("summary")
    data = write_csv(northwind("2026-H2"), folder / "h2.csv")
    runner = CliRunner(env={"CENTRIC_LEDGER": str(folder / "ledger.json")})
    score = runner.invoke(
        cli, ["score", str(data), "--format", "json", "-o", str(folder / "r.json")]
    )
    assert score.exit_code == 0, score.output
    pdf = folder / "team.pdf"
    report = runner.invoke(
        cli, ["report", "team", str(data), "--engagement", str(ENGAGEMENT), "-o", str(pdf)]
    )
    assert report.exit_code == 0, report.output
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages]
    result = json.loads((folder / "r.json").read_text(encoding="utf-8"))
    at = next(k for k, p in enumerate(pages) if p.lstrip().upper().startswith("EXECUTIVE SUMMARY"))
    summary = " ".join(pages[at].split())
    rest = " ".join(" ".join(p.split()) for k, p in enumerate(pages) if k > at)
    return result, summary, rest


def _agi(result, cap):
    (entry,) = [
        a
        for a in result["agi"]
        if a["capability_id"] == cap and a["group"] == "management" and a["basis"] == "current"
    ]
    return round(entry["value"])


def test_the_headline_is_the_score_outputs_first_finding(outputs):
    result, summary, _ = outputs
    assert " ".join(result["findings"][0]["headline"].split()) in summary


def test_the_agi_of_every_capability_in_the_summary_is_the_score_outputs(outputs):
    result, summary, rest = outputs
    assert f"{_agi(result, 'overall')} Overall AGI" in summary
    from questionnaires.catalogue import get_instrument

    inst = get_instrument(result["instrument_ref"])
    for cap in result["capabilities"]:
        name = inst.capability(cap).name
        value = _agi(result, cap)
        # the glance row: name, verdict, the management team's level, then this AGI
        row = rf"{re.escape(name)} (yes|no — split|too few to tell|not computed) \d {value} "
        assert re.search(row, summary), (cap, value)
    met = _agi(result, "MET")
    assert f"AGI {met}" in rest  # the alignment page prints the same figure


def test_the_business_case_line_equals_the_business_case_page(outputs):
    _, summary, rest = outputs
    m = re.search(
        r"(€[\d.]+m) more repeat revenue a year .*? investment of (€[\d,]+); simple payback (\d+) months",
        summary,
    )
    assert m, summary
    gain, investment, payback = m.groups()
    assert f"{gain} more repeat revenue a year" in rest
    assert f"Total {investment}" in rest
    assert f"{payback} months simple payback" in rest

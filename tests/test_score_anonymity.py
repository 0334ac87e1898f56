"""``centric score`` is safe by default (issue 8, item 3): the reports' k and complementary
suppression, no respondent-level data; ``--identifying`` asks for the full result and says so.

The acceptance test plays the attacker: one person alone in department Legal, and every
combination of published group means × sizes is tried to recover that person's scores."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from assessment.cli import cli

ROOT = Path(__file__).resolve().parent.parent
MINI = str(ROOT / "tests" / "fixtures" / "mini" / "1.0.0.yaml")


@pytest.fixture(scope="module")
def legal(tmp_path_factory, mini_instrument) -> tuple[Path, str, dict[str, float]]:
    """Northwind on the mini instrument with one staff member moved alone into ``Legal``: the
    file, that person's id and their capability scores (from the full result)."""
    from dataclasses import replace

    from assessment import service
    from assessment.io import write_csv
    from assessment.synthetic import northwind
    from questionnaires.answers import Respondent

    rs = northwind(instrument=mini_instrument)
    idx = next(i for i, r in enumerate(rs.respondents) if r.role == "staff")
    person = rs.respondents[idx]
    people = list(rs.respondents)
    people[idx] = Respondent(person.id, person.role, "Legal")
    rs = replace(rs, respondents=tuple(people))
    path = write_csv(rs, tmp_path_factory.mktemp("legal") / "legal.csv")
    full = service.score_output(
        service.load_responses([path], MINI), _opts(), identifying=True
    ).result
    scores = {s.capability_id: s.respondent_scores[idx] for s in full.scores}
    return path, person.id, scores


def _opts() -> Any:
    from scoring.results import ScoreOptions

    return ScoreOptions(management_roles=None, bootstrap=0, permutations=200)


def _score(path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, ["score", str(path), "--instrument", MINI, "--bootstrap", "0", *args]
    )
    return result.exit_code, result.stdout, result.stderr


def _people(path: Path) -> dict[str, tuple[str, str]]:
    """What an attacker knows from the org chart: each person's department key and role."""
    return {
        r["respondent"]: (r["department"].strip().casefold(), r["role"])
        for r in csv.DictReader(path.open(encoding="utf-8"))
    }


def _cells(
    data: Any, people: dict[str, tuple[str, str]], management: set[str]
) -> dict[str, list[tuple[float, int, frozenset[str]]]]:
    """Every group mean the output publishes with its n and the people it covers, per
    capability: the organisation, each department, management and the others."""
    everyone = frozenset(people)
    out: dict[str, list[tuple[float, int, frozenset[str]]]] = {}

    def add(c: str, mean: Any, n: Any, members: frozenset[str]) -> None:
        if isinstance(mean, int | float) and isinstance(n, int) and n > 0:
            out.setdefault(c, []).append((float(mean), n, members))

    for s in data.get("scores", []):
        add(s["capability_id"], s["mean"], s["n"], everyone)
    for sg in data.get("silos", []):
        for key, n, mean in sg["department_means"]:
            add(
                sg["capability_id"],
                mean,
                n,
                frozenset(p for p, (d, _) in people.items() if d == key),
            )
    mgmt = frozenset(p for p, (_, role) in people.items() if role in management)
    for p in data.get("perception", []):
        add(p["capability_id"], p["management_mean"], p["n_management"], mgmt)
        add(p["capability_id"], p["others_mean"], p["n_others"], everyone - mgmt)
    return out


def _subtraction_attack(
    data: dict[str, Any],
    truth: dict[str, float],
    person: str,
    people: dict[str, tuple[str, str]],
    management: set[str] = frozenset({"executive"}),  # type: ignore[assignment]
) -> list[str]:
    """Capabilities whose score of ``person`` follows from a ±1 combination of published group
    sums (mean × n) whose groups net out to exactly that person."""
    import numpy as np

    names = sorted(people)
    target = np.array([p == person for p in names], dtype=int)
    recovered = []
    for cap, cells in _cells(data, people, set(management)).items():
        x = truth.get(cap)
        if x is None or math.isnan(x):
            continue
        members = np.array([[p in m for p in names] for _mean, _n, m in cells], dtype=int)
        coeffs = np.array(list(itertools.product((-1, 0, 1), repeat=len(cells))), dtype=int)
        nets = coeffs @ members
        ns = coeffs @ np.array([n for _m, n, _ in cells])
        sums = coeffs @ np.array([m * n for m, n, _ in cells])
        hit = (nets == target).all(axis=1) & (ns == 1) & (np.abs(sums - x) < 1e-6)
        if hit.any():
            recovered.append(cap)
    return recovered


def test_subtraction_attack_recovers_the_lone_person_from_identifying_json(legal):
    """The attack is real: on the full (old default) JSON it recovers Legal's scores."""
    path, _pid, truth = legal
    code, out, _err = _score(path, "--format", "json", "--identifying")
    assert code == 0
    assert _subtraction_attack(json.loads(out), truth, _pid, _people(path))


def test_score_json_of_a_one_person_department_allows_no_subtraction(legal):
    path, pid, truth = legal
    code, out, err = _score(path, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert _subtraction_attack(data, truth, pid, _people(path)) == []
    assert list(data)[:4] == ["identifying", "min_group", "reissue", "withheld"]
    assert data["identifying"] is False and data["min_group"] == 3
    withheld = {w["group"]: w["reason"] for w in data["withheld"]}
    assert withheld["department:legal"] == "fewer than 3 respondents"
    assert any("subtraction" in r for g, r in withheld.items() if g != "department:legal")
    assert "1 respondent" not in out  # no size of the hidden group, not even in warnings


def test_score_json_carries_no_respondent_level_data(legal):
    path, _pid, _truth = legal
    _code, out, _err = _score(path, "--format", "json")
    data = json.loads(out)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    ids = {r["respondent"] for r in rows}
    assert not any(f'"{i}"' in out for i in ids)  # no respondent id anywhere
    assert all(
        "respondent_scores" not in s and "respondent_targets" not in s for s in data["scores"]
    )
    assert set(data["alignment_map"]) & {"respondent_ids", "coords", "camp_of"} == set()
    for sg in data["silos"]:
        assert all(n >= 3 for _k, n, _m in sg["department_means"])
        assert "legal" not in {k for k, _n, _m in sg["department_means"]}
    assert not any(a["group"] == "department:legal" for a in data["agi"])
    assert all(c["size"] >= 3 for c in data["alignment_map"]["camps"])


def test_score_csv_and_table_of_a_one_person_department_allow_no_subtraction(legal):
    path, pid, truth = legal
    _code, out, _err = _score(path, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    data = {
        "scores": [
            {"capability_id": r["capability"], "mean": float(r["score"]), "n": int(r["n"])}
            for r in rows
            if r["score"]
        ]
    }
    assert _subtraction_attack(data, truth, pid, _people(path)) == []
    assert pid not in out and not out.startswith("#")
    code, table, err = _score(path)
    assert code == 0 and pid not in table and "identifying" not in err


def test_identifying_output_says_so_on_its_first_key_line_and_stderr(legal):
    path, pid, _truth = legal
    _code, out, err = _score(path, "--format", "json", "--identifying")
    data = json.loads(out)
    assert list(data)[:2] == ["identifying", "warning"] and data["identifying"] is True
    assert pid in data["alignment_map"]["respondent_ids"]
    _code, out, err = _score(path, "--format", "csv", "--identifying")
    assert out.splitlines()[0].startswith("# identifying output")
    _code, _out, err = _score(path, "--identifying")
    assert "Warning: identifying output" in err


def test_score_refuses_a_wave_below_k_unless_identifying():
    tiny = ROOT / "tests" / "fixtures" / "responses" / "mini-long.csv"
    code, _out, err = _score(tiny, "--min-group", "4")
    assert code == 2 and "needs at least 4 respondents" in err
    assert _score(tiny, "--min-group", "4", "--identifying")[0] == 0


def test_score_min_group_below_3_needs_named_workshop(legal):
    path, _pid, _truth = legal
    code, _out, err = _score(path, "--min-group", "2", "--format", "json")
    assert code == 2 and "--named-workshop" in err
    code, out, _err = _score(path, "--min-group", "1", "--named-workshop", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert "respondent_scores" not in data["scores"][0]  # named, but still no respondent data


def test_k_respondents_in_a_department_but_one_score_is_not_shown(mini_instrument):
    """A department of k people of whom only one has a score for a capability: that cell, and
    the cell that would give it away by subtraction, are withheld."""
    from dataclasses import replace

    import numpy as np

    from assessment import service
    from assessment.synthetic import northwind
    from questionnaires.answers import Respondent

    rs = northwind(instrument=mini_instrument)
    staff = [i for i, r in enumerate(rs.respondents) if r.role == "staff"][:3]
    people = list(rs.respondents)
    for i in staff:
        people[i] = Respondent(people[i].id, people[i].role, "Legal")
    cur, tgt = rs.current.copy(), rs.target.copy()
    cul = [j for j, item in enumerate(rs.item_ids) if item.startswith("CUL")]
    for i in staff[1:]:  # two of the three answer no CUL item
        cur[i, cul] = np.nan
        tgt[i, cul] = np.nan
    rs = replace(rs, respondents=tuple(people), current=cur, target=tgt)
    loaded = service.from_response_set(rs, mini_instrument)
    out = service.score_output(loaded, _opts())
    data = out.as_dict()
    cul_silo = next(sg for sg in data["silos"] if sg["capability_id"] == "CUL")
    assert "legal" not in {k for k, _n, _m in cul_silo["department_means"]}
    x = service.score_output(loaded, _opts(), identifying=True).result.score("CUL")
    people = {r.id: (r.department_key, r.role) for r in people}
    truth = {"CUL": x.respondent_scores[staff[0]]}
    assert _subtraction_attack(data, truth, rs.respondents[staff[0]].id, people) == []


def test_management_and_others_split_is_withheld_when_one_side_is_below_k(mini_instrument):
    from dataclasses import replace

    from assessment import service
    from assessment.synthetic import northwind
    from questionnaires.answers import Respondent

    rs = northwind(instrument=mini_instrument)
    execs = [i for i, r in enumerate(rs.respondents) if r.role == "executive"]
    people = list(rs.respondents)
    for i in execs[2:]:
        people[i] = Respondent(people[i].id, "manager", people[i].department)
    rs = replace(rs, respondents=tuple(people))
    data = service.score_output(service.from_response_set(rs, mini_instrument), _opts()).as_dict()
    mgmt = set(service.from_response_set(rs, mini_instrument).instrument.management_roles)
    if sum(r.role in mgmt for r in people) >= 3:
        pytest.skip("the mini instrument counts managers as management")
    for p in data["perception"]:
        assert p["management_mean"] is None and p["n_management"] is None
    assert not any(a["group"] == "management" for a in data["agi"])


def test_one_executive_leaves_no_management_level_agreement_or_perception_test(mini_instrument):
    """The calibrated fields of issue 10 leaked one executive's own score through the safe JSON:
    ``levels[].management`` (median and interval of one person), ``consensus_management`` and
    ``perception[].test`` (the difference, its interval and g)."""
    from dataclasses import replace

    from assessment import service
    from assessment.synthetic import northwind
    from questionnaires.answers import Respondent

    rs = northwind(instrument=mini_instrument)
    mgmt = set(service.from_response_set(rs, mini_instrument).instrument.management_roles)
    lead = next(i for i, r in enumerate(rs.respondents) if r.role in mgmt)
    people = [
        r if i == lead or r.role not in mgmt else Respondent(r.id, "staff", r.department)
        for i, r in enumerate(rs.respondents)
    ]
    rs = replace(rs, respondents=tuple(people))
    loaded = service.from_response_set(rs, mini_instrument)
    full = service.score_responses(loaded, _opts())
    assert any(lv.management is not None and lv.management.n == 1 for lv in full.levels)
    data = service.score_output(loaded, _opts()).as_dict()
    assert all(lv["management"] is None for lv in data["levels"])
    assert all(a["consensus_management"] is None for a in data["agreement"])
    assert all(p["test"] is None for p in data["perception"])
    assert all(lv["organisation"] is not None for lv in data["levels"])  # everyone's stays


@pytest.mark.parametrize("n_mgmt", [3, 4, 5])
def test_small_management_team_level_interval_and_agi_do_not_give_every_score(
    mini_instrument, n_mgmt
):
    """Hostile review: for n <= 8 the median interval is [min, max] of the members' own scores;
    with the median and the AGI every executive's score followed at n = 3 to 5."""
    from dataclasses import replace

    from assessment import service
    from assessment.synthetic import northwind
    from questionnaires.answers import Respondent

    rs = northwind(instrument=mini_instrument)
    mgmt = set(service.from_response_set(rs, mini_instrument).instrument.management_roles)
    members = [i for i, r in enumerate(rs.respondents) if r.role in mgmt][:n_mgmt]
    people = [
        r if i in members or r.role not in mgmt else Respondent(r.id, "staff", r.department)
        for i, r in enumerate(rs.respondents)
    ]
    rs = replace(rs, respondents=tuple(people))
    data = service.score_output(service.from_response_set(rs, mini_instrument), _opts()).as_dict()
    for lv in data["levels"]:
        est = lv["management"]
        if est is None:
            continue
        assert est["interval"] == {"low": None, "high": None}, est
        assert est["median"] is None and est["interpolated"] is None
        assert est["level"] is not None


def test_reissue_json_has_no_item_spread_critical_value_or_coverage(legal, tmp_path):
    """Hostile review: a reissue kept item sd/rwg/ad/awg/agi, the consensus variance and the
    item-rest r at full precision (44 of 49 answers of the removed person followed), and the
    coverage and critical values, which are functions of n."""
    from assessment import service

    path, _, _ = legal
    loaded = service.load_responses([path], MINI)
    out = service.score_output(loaded, _opts())
    data = out.as_dict()
    from assessment.service.analyst_output import _reissue_fields

    _reissue_fields(data)
    for it in data["items"]:
        assert all(it[key] is None for key in ("sd", "rwg", "ad", "awg", "agi", "agi_management"))
    for a in data["agreement"]:
        assert a["rwg_j"] is None and a["icc"] is None and a["cronbach_alpha"] is None
        if a["consensus"]:
            assert a["consensus"]["mean_variance"] is None
            assert a["consensus"]["critical_value"] is None
        assert all(f["r"] is None for f in a["item_flags"])
    for a in data["agi"]:
        assert a["critical_low"] is None and a["critical_high"] is None
        assert a["value"] is None or float(a["value"]).is_integer()
    for lv in data["levels"]:
        if lv["organisation"]:
            assert lv["organisation"]["coverage"] is None and lv["organisation"]["n"] is None
        assert not re.search(r"\d\.\d{2}", lv["explanation"]), lv["explanation"]


def test_perception_withheld_gives_no_group_size_in_reason_or_other_side():
    """Hostile review: with 2 executives the reason said "has 2 scores" and n_others = 58 gave
    the management team's size by subtraction."""
    from assessment.service.analyst_output import _drop_respondent_fields

    data = {"perception": [{"n_management": 2, "n_others": 58}]}
    _drop_respondent_fields(data, 3)
    assert data["perception"][0] == {"n_management": None, "n_others": None}


def test_isolated_members_finds_a_person_across_two_partitions():
    """Department Sales = {0,1,2} and management = {0,1,2,3}: person 3 is management minus
    Sales, although each group has at least 3 people."""
    from reports.anonymity import isolated_members

    everyone = set(range(8))
    assert isolated_members([everyone, {0, 1, 2}, {0, 1, 2, 3}, everyone - {0, 1, 2, 3}]) == [3]
    assert isolated_members([everyone, {0, 1, 2, 3}, {4, 5, 6, 7}]) == []


def test_demo_writes_only_safe_result_files(tmp_path):
    out = tmp_path / "demo"
    result = CliRunner().invoke(
        cli, ["demo", "--out", str(out), "--bootstrap", "0", "--no-reports"]
    )
    assert result.exit_code == 0, result.output
    for wave in ("2026-H1", "2026-H2"):
        data = json.loads((out / f"results-{wave}.json").read_text(encoding="utf-8"))
        assert data["identifying"] is False
        assert "respondent_ids" not in data["alignment_map"]
        assert all("respondent_scores" not in s for s in data["scores"])
        text = (out / f"results-{wave}.csv").read_text(encoding="utf-8")
        assert text.startswith("capability,")


def test_safe_score_output_has_no_item_distributions_or_na_counts(legal):
    """Per item, the answer distribution and the N/A count are the exact per-person differences
    between two outputs a person apart: safe output has neither (item n, median and mean to 2
    decimals stay); --identifying keeps everything."""
    path, _pid, _truth = legal
    code, out, err = _score(path, "--format", "json")
    assert code == 0, err
    items = json.loads(out)["items"]
    assert items and all("distribution" not in it and "n_na" not in it for it in items)
    assert all(isinstance(it["n"], int) for it in items)
    assert all(it["mean"] is None or round(it["mean"], 2) == it["mean"] for it in items)
    assert any(it["mean"] is not None and it["mean"] != round(it["mean"], 1) for it in items)
    code, out, _err = _score(path, "--format", "json", "--identifying")
    full = json.loads(out)["items"]
    assert all("distribution" in it and "n_na" in it for it in full)


def test_two_safe_score_outputs_a_person_apart_are_refused(tmp_path, mini_instrument):
    """F2: two safe outputs, with and without one person, gave that person's every answer
    (items' distributions and N/A counts subtracted, mean × n). The second is now refused,
    whatever the folder; --allow-reissue writes it without any count."""
    from dataclasses import replace

    from assessment import service
    from assessment.io import write_csv
    from assessment.synthetic import northwind

    rs = northwind(instrument=mini_instrument)
    idx = int(np.argmax(rs.na.sum(axis=1)))
    full = write_csv(rs, tmp_path / "full.csv")
    keep = [i for i in range(rs.n_respondents) if i != idx]
    gone = rs.respondents[idx].id
    reduced = replace(
        rs,
        respondents=tuple(rs.respondents[i] for i in keep),
        current=rs.current[keep],
        target=rs.target[keep],
        na=rs.na[keep],
        confidence=rs.confidence[keep],
        comments=tuple(c for c in rs.comments if c.respondent != gone),
    )
    (tmp_path / "b").mkdir()
    fewer = write_csv(reduced, tmp_path / "b" / "fewer.csv")
    # the attack on identifying output, which is not guarded: the person's N/A pattern
    a = json.loads(_score(full, "--format", "json", "--identifying")[1])
    b = json.loads(_score(fewer, "--format", "json", "--identifying")[1])
    na = {
        x["item_id"] for x, y in zip(a["items"], b["items"], strict=True) if x["n_na"] != y["n_na"]
    }
    assert na == {rs.item_ids[j] for j in np.flatnonzero(rs.na[idx])} != set()
    assert not service.user_ledger_path().exists()  # identifying output is not recorded
    code, _out, err = _score(full, "--format", "json", "-o", str(tmp_path / "a.json"))
    assert code == 0, err
    code, out, err = _score(fewer, "--format", "json")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert f"score output {tmp_path / 'a.json'}" in err and "--allow-reissue" in err
    code, out, err = _score(fewer, "--format", "json", "--allow-reissue")
    assert code == 0, err
    data = json.loads(out)
    assert data["reissue"] is True and data["perception"] == [] and data["silos"] == []
    assert all(it["n"] is None and "n_na" not in it for it in data["items"])
    assert all(s["n"] is None for s in data["scores"])
    # the calibrated figures of issue 10 carry no count either, and nothing of the management team
    assert all(lv["management"] is None for lv in data["levels"])
    assert all(lv["organisation"]["n"] is None for lv in data["levels"] if lv["organisation"])
    for a in data["agreement"]:
        assert a["consensus_management"] is None
        assert a["consensus"] is None or a["consensus"]["n_raters"] is None
        assert all(f["n"] is None for f in a["item_flags"])
    code, out, err = _score(fewer, "--format", "csv", "--allow-reissue")
    assert code == 0 and {r["n"] for r in csv.DictReader(io.StringIO(out))} == {""}
    kinds = [r["kind"] for r in json.loads(service.user_ledger_path().read_text())["reports"]]
    assert kinds == ["score"] * 3


def test_score_from_the_db_is_recorded_in_the_database_and_the_user_ledger(tmp_path, legal):
    store = pytest.importorskip("assessment.store")
    from assessment import service

    path, _pid, _truth = legal
    db = str(tmp_path / "c.db")
    store.upgrade_db(db)
    assert CliRunner().invoke(cli, ["import", "--db", db, "--org", "nw", str(path), "--instrument", MINI]).exit_code == 0  # fmt: skip
    result = CliRunner().invoke(
        cli,
        ["score", "--db", db, "--org", "nw", "--wave", "2026-H1", "--instrument", MINI,
         "--bootstrap", "0", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (row,) = store.reports(db, "nw", "2026-H1")
    assert row["kind"] == "score" and row["path"] == "-" and len(row["respondents"]) == 60
    (entry,) = json.loads(service.user_ledger_path().read_text())["reports"]
    assert entry["kind"] == "score" and entry["path"] == "(stdout)"


def test_a_capability_scored_by_fewer_than_k_has_no_level_ambition_or_roadmap_entry(
    mini_instrument,
):
    """MET scored by 2 of 60: safe output withheld its mean and median but kept its level,
    target level, explanation, items holding back, ambition means and roadmap levels, all of
    which come from those two people's answers (the report shows none of them)."""
    from dataclasses import replace

    from assessment import service
    from assessment.synthetic import northwind

    rs = northwind(instrument=mini_instrument)
    cur, tgt = rs.current.copy(), rs.target.copy()
    met = [j for j, item in enumerate(rs.item_ids) if item.startswith("MET")]
    for i in range(2, rs.n_respondents):
        cur[i, met] = np.nan
        tgt[i, met] = np.nan
    loaded = service.from_response_set(replace(rs, current=cur, target=tgt), mini_instrument)
    assert service.score_output(loaded, _opts(), identifying=True).result.score("MET").n == 2
    out = service.score_output(loaded, _opts())
    data = out.as_dict()
    assert "MET" not in {lv["capability_id"] for lv in data["levels"]}
    assert "MET" not in {a["capability_id"] for a in data["ambition"]}
    roadmap = data["roadmap"]
    for key in ("starting_levels", "target_levels"):
        assert "MET" not in {c for c, _lv in roadmap[key]}
    for stage in roadmap["stages"]:
        assert "MET" not in {c for c, _lv in stage["projected_levels"]}
        assert "MET" not in stage["capabilities"]
        assert all(a["capability_id"] != "MET" for a in stage["actions"])
    (row,) = [r for r in out.rows() if r["capability"] == "MET"]
    assert row["level"] is None and row["target_level"] is None and row["score"] is None
    assert {lv["capability_id"] for lv in data["levels"]} == {"CUL", "SER"} or len(
        data["levels"]
    ) == 2

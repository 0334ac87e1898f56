"""Regression tests from the hostile review of capability-level answers (issue 11): each test is
named after what broke."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assessment.cli import cli
from assessment.io.writers import write_csv
from assessment.synthetic import northwind
from questionnaires.answers import choose_instrument
from questionnaires.catalogue import get_instrument


@pytest.fixture(scope="module")
def h2():
    return northwind("2026-H2")


def score(path, *extra):
    return CliRunner().invoke(cli, ["score", str(path), "--bootstrap", "0", *extra])


def test_a_misnamed_points_column_is_an_error_not_lost_points(tmp_path, h2):
    path = write_csv(h2, tmp_path / "a.csv")
    for name in ("investment_points", "pts", "Points allocated"):
        bad = tmp_path / "b.csv"
        bad.write_text(path.read_text("utf-8").replace(",points", f",{name}", 1), "utf-8")
        result = score(bad)
        assert result.exit_code == 2, (name, result.output)
        assert f"column '{name}' looks like the investment points" in result.stderr


@pytest.mark.parametrize(
    ("wrong", "says"),
    [
        ("CUL.Target", "looks like the capability column 'CUL.target'"),
        ("cul.target", "looks like the capability column 'CUL.target'"),
        ("CUL.tgt", "looks like a column of capability CUL"),
    ],
)
def test_a_misspelt_capability_column_in_a_wide_file_is_an_error(tmp_path, h2, wrong, says):
    path = write_csv(h2, tmp_path / "w.csv", format="wide")
    bad = tmp_path / "bad.csv"
    bad.write_text(path.read_text("utf-8").replace("CUL.target", wrong, 1), "utf-8")
    result = score(bad)
    assert result.exit_code == 2 and says in result.stderr, result.output


def test_a_1_1_0_file_with_targets_on_every_statement_still_reads_as_1_1_0():
    """A filled CSV template with a target on 29+ statements was read as 1.0.0 (its capability
    rows then gave dozens of wrong messages): capability ids choose a version that rates levels."""
    inst = get_instrument("customer-centricity@1.1.0")
    items = [*inst.item_index, *(c.id for c in inst.capabilities)]
    chosen = choose_instrument("a.csv", items=items, targeted=list(inst.item_index))
    assert chosen.ref == "customer-centricity@1.1.0"


def test_a_1_1_0_file_imported_into_a_1_0_0_wave_says_import_into_a_new_wave(tmp_path, h2):
    db = str(tmp_path / "x.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade", "--db", db]).exit_code == 0
    old = write_csv(northwind("2026-H1"), tmp_path / "h1.csv")
    assert runner.invoke(cli, ["import", str(old), "--db", db, "--org", "acme"]).exit_code == 0
    new = write_csv(h2, tmp_path / "h2.csv")
    text = new.read_text("utf-8").replace("2026-H2", "2026-H1")
    (tmp_path / "h2-as-h1.csv").write_text(text, "utf-8")
    result = runner.invoke(
        cli, ["import", str(tmp_path / "h2-as-h1.csv"), "--db", db, "--org", "acme"]
    )
    assert result.exit_code == 2
    assert "bound to instrument customer-centricity@1.0.0" in result.stderr
    assert "import them into a new wave" in result.stderr
    assert result.stderr.count("\n") < 5  # one message, not one per capability row


def test_a_number_thousands_of_digits_long_is_a_located_error_not_a_traceback(tmp_path, h2):
    path = write_csv(h2, tmp_path / "a.csv")
    lines = path.read_text("utf-8").splitlines()
    head = lines[0].split(",")
    row = lines[1].split(",")
    row[head.index("points")] = "9" * 5000
    lines[1] = ",".join(row)
    bad = tmp_path / "huge.csv"
    bad.write_text("\n".join(lines) + "\n", "utf-8")
    result = score(bad)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "row 2, column 'points'" in result.stderr and "…" in result.stderr
    assert len(result.stderr) < 1000
    # the refused cell gives no second, misleading "add up to" error
    assert "add up to" not in result.stderr
    doc = tmp_path / "huge.json"
    doc.write_text(
        '[{"wave": "W", "respondent": "a", "role": "staff", "department": "x", "item": "CUL", '
        '"current": 1, "points": ' + "9" * 5000 + "}]",
        "utf-8",
    )
    result = score(doc)
    assert result.exit_code == 2 and "thousands of digits" in result.stderr
    assert "set_int_max_str_digits" not in result.stderr


def test_a_points_cell_without_an_item_names_the_row_not_an_empty_id(tmp_path):
    bad = tmp_path / "t.csv"
    bad.write_text(
        "wave,respondent,role,department,item,current,target,points\n"
        "W,a,executive,Sales,CUL,2,3,x\n",
        "utf-8",
    )
    result = score(bad)
    assert result.exit_code == 2 and "points 'x' for CUL is not a whole number" in result.stderr
    json.dumps(result.stderr)  # printable


def _template_rows(tmp_path):
    import csv

    path = tmp_path / "t.csv"
    result = CliRunner().invoke(
        cli,
        ["template", "--format", "csv", "-o", str(path), "--wave", "W", "--respondent", "R1",
         "--role", "executive", "--department", "Sales"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return list(csv.reader(path.open(encoding="utf-8-sig")))


def test_a_level_typed_on_a_level_description_row_says_where_it_belongs(tmp_path):
    import csv

    rows = _template_rows(tmp_path)
    head = rows[0]
    level_row = next(
        k for k, r in enumerate(rows) if r[head.index("question")].startswith("Level 3:")
    )
    rows[level_row][head.index("current")] = "3"
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    result = score(bad)
    assert result.exit_code == 2
    assert f"row {level_row + 1}, column 'item': this row describes level 3" in result.stderr
    assert "give an item id such as" not in result.stderr


def test_the_csv_template_says_the_scale_and_which_statements_ask_a_target(tmp_path):
    rows = _template_rows(tmp_path)
    head = rows[0]
    inst = get_instrument("customer-centricity@1.1.0")
    by_id = {r[head.index("item")]: r[head.index("question")] for r in rows}
    targeted = next(i for i in inst.items if i.target)
    untargeted = next(i for i in inst.items if not i.target and not i.roles)
    assert "(1 = Ad hoc … 5 = Customer-led)" in by_id[untargeted.id]
    assert "Target asked: the level to reach within 18 months" in by_id[targeted.id]
    assert "Target asked" not in by_id[untargeted.id]
    assert "the number (1-5) of the level described below" in by_id["CUL"]


def _safe_answers(rs, k=3):
    from assessment.service.withholding import safe_result
    from scoring import score_wave
    from scoring.results import ScoreOptions

    inst = get_instrument(rs.instrument_ref)
    result = score_wave(inst, rs, ScoreOptions(bootstrap=0, min_group=k))
    safe, withheld = safe_result(result, rs, k)
    return result, safe.capability_answers, withheld


def test_removing_one_persons_capability_rows_withholds_the_figures_they_would_reveal(h2):
    """Review H1: with the respondents unchanged, scoring again without one executive's
    capability rows gave all 8 of their points by mean x n differences."""
    from dataclasses import replace

    import numpy as np

    gone = np.zeros(h2.level_current.shape, bool)
    gone[0, :] = True  # NW-E01 answered the statements but no capability row
    nan = np.where(gone, np.nan, 0.0)
    cut = replace(
        h2,
        level_current=h2.level_current + nan,
        level_target=h2.level_target + nan,
        points=h2.points + nan,
    )
    _, full, _ = _safe_answers(h2)
    _, partial, withheld = _safe_answers(cut)
    assert any(p.group == "organisation" for p in full.investment)
    assert partial.investment == () and partial.priorities == ()
    # a level check stays only where its population already lacked k or more of the group
    # (statements asked of some roles only): a known limit, see docs/privacy.md
    assert all(c.n is None or c.n <= cut.n_respondents - 3 for c in partial.level_checks)
    assert any(w.group == "capability answers" for w in withheld)


def test_a_small_management_team_shows_no_order_statistics_of_points(h2):
    """Review H2: with 3 executives the median and quartiles are their three allocations."""
    keep = [i for i, r in enumerate(h2.respondents) if r.role != "executive" or r.id <= "NW-E03"]
    small = h2.select(keep)
    result, safe, _ = _safe_answers(small)
    shown = [p for p in safe.investment if p.group == "management"]
    assert shown, "the management team's points are shown (3 executives, 52 others)"
    for p in shown:
        assert p.mean == p.mean  # the mean stays
        assert p.median != p.median and p.q1 != p.q1 and p.q3 != p.q3
    full = [p for p in result.capability_answers.investment if p.group == "management"]
    assert all(p.median == p.median for p in full)  # the identifying result keeps them


def test_level_check_counts_of_a_subgroup_below_k_are_withheld(h2):
    _, safe, _ = _safe_answers(h2)
    for c in safe.level_checks:
        counts = (c.n_higher, c.n_lower, c.n_equal)
        assert all(x is None for x in counts) or all(x == 0 or x >= 3 for x in counts)

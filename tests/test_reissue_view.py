"""What a reissue may still show (issue 8 item 4, hostile review finding 5).

The review rendered the team report of 60 people, then of 59 with ``--allow-reissue``, and diffed
the texts: only the Sales column of the heat map moved (the person is in Sales), "Executives 4.1"
stayed while "everyone else" moved (not management), and capability means with two decimals gave
60·m₆₀ − 59·m₅₉, that person's score to about ±0.6. A reissue now shows no department, role-split
or camp figure (nor ICC(1), η², F) and capability figures to one decimal, and says so.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import replace

import pytest
from test_reports_support import OPTIONS, scored

from reports import ReportOptions
from reports.views import REISSUE_NOTE, build_team_report, build_trend_report

pypdf = pytest.importorskip("pypdf")

DEPARTMENTS = ("Sales", "Customer Service", "Operations", "Marketing", "HR", "IT", "Legal")
# a department name followed by a figure: a heat-map header "Sales (12)", a silo cell "Sales 3.7"
DEPT_FIGURE = re.compile(rf"(?<!\w)(?:{'|'.join(DEPARTMENTS)})(?![\w–]) ?(?:\(|[−+]?\d)")
# role and camp figures: the perception table and finding, the camp table
ROLE_OR_CAMP = re.compile(
    r"Executives rate it|everyone else \d|Management Others Difference|everyone else \(n"
    r"|Camp People|Sees the company higher"
)
SILO_STATS = re.compile(r"F \(DF\)|\(\d+, \d+\) (?:<|\d)")  # the F column: "7.1 (6, 51) < 0.001"
LONG_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d{2,}(?!\d)")


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _without(rs, idx: int):
    keep = [i for i in range(rs.n_respondents) if i != idx]
    gone = rs.respondents[idx].id
    return replace(
        rs,
        respondents=tuple(rs.respondents[i] for i in keep),
        current=rs.current[keep],
        target=rs.target[keep],
        na=rs.na[keep],
        confidence=rs.confidence[keep],
        comments=tuple(c for c in rs.comments if c.respondent != gone),
    )


@pytest.fixture(scope="module")
def waves():
    """The review's case: 60 people, and 59 without one Sales staff member."""
    from scoring import score_wave

    inst, rs, wr = scored()
    idx = next(
        i for i, r in enumerate(rs.respondents) if r.department == "Sales" and r.role == "staff"
    )
    rs59 = _without(rs, idx)
    return inst, (wr, rs), (score_wave(inst, rs59, OPTIONS), rs59)


@pytest.fixture(scope="module")
def texts(waves):
    """PDF text of the normal report of 60 and the reissues of 60 and 59."""
    from reports.api import render_team_pdf

    inst, (wr60, rs60), (wr59, rs59) = waves
    reissue = ReportOptions(reissue=True)
    return (
        _text(render_team_pdf(wr60, rs60, inst, ReportOptions())),
        _text(render_team_pdf(wr60, rs60, inst, reissue)),
        _text(render_team_pdf(wr59, rs59, inst, reissue)),
    )


def _changed(a: str, b: str) -> list[str]:
    return [
        line[1:]
        for line in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]


def test_two_reissues_a_person_apart_differ_in_no_department_role_or_camp_figure(texts):
    normal, r60, r59 = texts
    changed = _changed(r60, r59)
    assert changed  # the precondition: the person changed some figure
    assert not [ln for ln in changed if DEPT_FIGURE.search(ln)]
    assert not [ln for ln in changed if ROLE_OR_CAMP.search(ln) or SILO_STATS.search(ln)]
    # not only the changed lines: a reissue prints none of them at all
    for text in (r60, r59):
        assert not DEPT_FIGURE.search(text)
        assert not ROLE_OR_CAMP.search(text) and not SILO_STATS.search(text)
    # the checks can fail: the normal report prints every one of them
    assert DEPT_FIGURE.search(normal) and ROLE_OR_CAMP.search(normal)
    assert SILO_STATS.search(normal)


def test_no_capability_figure_of_a_reissue_has_more_than_one_decimal(texts, waves):
    normal, r60, r59 = texts
    changed = [ln for ln in _changed(r60, r59) if "sha256:" not in ln]
    assert not [ln for ln in changed if LONG_DECIMAL.search(ln)]
    inst = waves[0]
    names = [c.name for c in inst.capabilities]
    rows = [ln for ln in r59.splitlines() if ln.startswith(tuple(names))]
    assert rows and not [ln for ln in rows if LONG_DECIMAL.search(ln)]
    # 60·m₆₀ − 59·m₅₉ from the two decimals the normal report prints is the subtraction attack
    assert [ln for ln in normal.splitlines() if ln.startswith(tuple(names))] != rows
    assert any(LONG_DECIMAL.search(ln) for ln in normal.splitlines() if ln.startswith(tuple(names)))


def test_reissue_says_in_one_sentence_what_it_leaves_out(texts):
    normal, r60, _r59 = texts
    flat = " ".join(r60.split())
    assert REISSUE_NOTE in flat
    assert "Not shown in a reissue: the department of the people added or removed" in flat
    assert REISSUE_NOTE not in " ".join(normal.split())
    # the headline n stays on the cover (how many changed, not who), without the management size
    assert re.search(r"^Respondents 60$", r60, re.M)
    assert re.search(r"^Respondents 60 \(\d+ in the management team\)$", normal, re.M)


def test_reissue_view_withholds_groups_and_rounds_chart_values(waves):
    inst, (wr, rs), _ = waves
    normal = build_team_report(wr, rs, inst, ReportOptions())
    vm = build_team_report(wr, rs, inst, ReportOptions(reissue=True))
    assert normal.heatmap and normal.silos and normal.perception and normal.camps and normal.map
    assert (vm.heatmap, vm.silos, vm.perception, vm.camps, vm.map) == (None, (), (), (), None)
    assert not vm.dots_by_role
    assert all(f.kind not in ("silo", "perception_gap") for f in vm.findings)  # no group figures
    # charts are vector graphics in the PDF: their values are rounded like the printed ones
    values = [v for d in vm.dots for v in (d.q1, d.median, d.q3)]
    values += [v for r in vm.radar for v in r[1:]]
    assert values and all(v == round(v, 1) for v in values if v == v)
    assert not [c.explanation for c in vm.capabilities if LONG_DECIMAL.search(c.explanation)]
    assert any(LONG_DECIMAL.search(c.explanation) for c in normal.capabilities)
    assert all(
        not LONG_DECIMAL.search(f"{r.cronbach} {r.rwg_j} {r.ad} {r.note}") for r in vm.reliability
    )
    assert all(len(c.mean.split(".")[1]) == 1 for c in vm.capabilities if "." in c.mean)


def test_reissue_drops_a_scoring_warning_that_names_any_department(waves):
    inst, (wr, rs), _ = waves
    rigged = replace(wr, warnings=(*wr.warnings, "Sales: 3 respondents left out an item"))
    assert any("Sales:" in w for w in build_team_report(rigged, rs, inst, ReportOptions()).warnings)
    vm = build_team_report(rigged, rs, inst, ReportOptions(reissue=True))
    assert not any("Sales:" in w for w in vm.warnings)


def test_reissued_trend_report_shows_no_department(waves):
    inst, (wr, rs), _ = waves
    _inst, rs2, wr2 = scored("2026-H2")
    pairs = [(inst, rs), (inst, rs2)]
    normal = build_trend_report([wr, wr2], pairs, ReportOptions())
    vm = build_trend_report([wr, wr2], pairs, ReportOptions(reissue=True))
    assert normal.departments and normal.dept_rows and not normal.reissue_note
    assert (vm.departments, vm.dept_rows) == ((), ())
    assert vm.reissue_note == REISSUE_NOTE and "not shown in a reissue" in vm.dept_note
    # the trend prints two decimals (review finding 12); a reissue gives capability figures to
    # one decimal, the same figure rounded
    for r, n in zip(vm.rows, normal.rows, strict=True):
        assert len(r.scores) == len(n.scores)
        for a, b in zip(r.scores, n.scores, strict=True):
            if a == b == "–":
                continue
            assert len(a.split(".")[1]) == 1 and abs(float(a) - float(b)) <= 0.051, (a, b)

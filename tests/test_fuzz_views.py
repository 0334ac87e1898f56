"""Property tests of the report view models (issue 8, item 8): random small waves (3–12 people,
random departments including one-person ones, random N/A, a few comments) through
``build_team_report`` and ``build_individual_report``.

Properties: the builders raise nothing but :class:`~questionnaires.errors.CentricError`; no group below
k is shown (departments, heat-map cells, camps, perception groups, role split of the dot plot,
comments below their own threshold); and wherever a total is printed beside the shown groups, the
hidden remainder is empty or at least k, so no hidden group follows by subtraction.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_fuzz_scoring import waves

from assessment.service import report_score_options
from questionnaires.answers import Comment
from questionnaires.errors import CentricError
from reports import ReportOptions
from reports.formatting import DASH
from reports.views import build_individual_report, build_team_report
from scoring import score_wave

pytestmark = pytest.mark.fuzz

SCALE = float(os.environ.get("CENTRIC_FUZZ_SCALE", "1"))


def fuzz(n: int) -> settings:
    return settings(
        max_examples=max(1, int(n * SCALE)),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@st.composite
def scored_waves(draw: st.DrawFn, instrument: Any) -> tuple[Any, Any, ReportOptions, int]:
    rs = draw(waves(instrument))
    if draw(st.booleans()):
        n = draw(st.integers(1, 4))
        rs = replace(
            rs,
            comments=tuple(
                Comment(rs.respondents[k % rs.n_respondents].id, rs.item_ids[k % 6], f"note {k}")
                for k in range(n)
            ),
        )
    k = draw(st.sampled_from([3, 3, 4, 5]))
    options = ReportOptions(min_group=k, min_group_comments=max(5, k))
    score_options = replace(report_score_options(k), bootstrap=20, permutations=100)
    try:
        result = score_wave(instrument, rs, score_options)
    except CentricError:
        result = None
    return rs, result, options, k


def _groups_hidden_safely(sizes: dict[str, int], shown: list[str], k: int, what: str) -> None:
    """Every shown group has k; when some are shown beside the total, the hidden rest is 0 or k+."""
    for g in shown:
        assert sizes[g] >= k, f"{what} {g!r} of {sizes[g]} shown with k = {k}"
    rest = sum(sizes.values()) - sum(sizes[g] for g in shown)
    if shown:
        assert rest == 0 or rest >= k, f"hidden {what}s total {rest} < k: {sizes}, shown {shown}"


def check_team_view(
    rs: Any, result: Any, view: Any, k: int, options: ReportOptions, instrument: Any = None
) -> None:
    people = rs.respondents
    mgmt = set(result.options.management)
    n_mgmt = sum(r.role in mgmt for r in people)
    n_oth = len(people) - n_mgmt
    # departments: the heat map's columns and the mean of each cell
    if view.heatmap is not None:
        sizes: dict[str, int] = {}
        for r in people:
            sizes[r.department] = sizes.get(r.department, 0) + 1
        shown = list(view.heatmap.names)
        _groups_hidden_safely(sizes, shown, k, "department")
        caps = list(result.capabilities)
        for row, cap in zip(
            view.heatmap.rows, [s.capability_id for s in result.silos], strict=True
        ):
            scores = result.score(cap).respondent_scores
            with_score: dict[str, int] = {}
            for r, s in zip(people, scores, strict=True):
                if not math.isnan(s):
                    with_score[r.department] = with_score.get(r.department, 0) + 1
            shown_cells = [d for d, c in zip(shown, row.cells, strict=True) if c.text != DASH]
            _groups_hidden_safely(with_score, shown_cells, k, f"{cap} cell")
        assert len(caps) >= len(view.heatmap.rows)
    # camps of the alignment map
    if view.camps:
        amap = result.alignment_map
        if view.map_population.startswith("Management team"):  # issue 12: the people in the room
            from reports.views.team import _management_map, _team

            amap = _management_map(_team(result, rs, instrument, options))
        sizes = {c.label: c.size for c in amap.camps}
        _groups_hidden_safely(sizes, [c.label for c in view.camps], k, "camp")
    assert view.map is None or view.map.labels == ()
    # management against the others
    if view.dots_by_role:
        assert n_mgmt >= k and n_oth >= k
    if view.perception:  # empty when either role group is below k
        assert n_mgmt >= k and n_oth >= k
    for row, p in zip(view.perception, result.perception, strict=bool(view.perception)):
        if row.management != DASH:
            assert p.n_management >= k and p.n_others >= k, (row, p)
    if rs.comments and len(people) < options.min_group_comments:
        assert view.comments == ()
    # a capability or item that fewer than k scored: no team figure anywhere
    few = f"fewer than {k} answered"
    for cap, dots, radar in zip(view.capabilities, view.dots, view.radar, strict=True):
        if result.score(cap.id).n < k:
            assert (cap.level, cap.median, cap.mean, cap.target_median) == (DASH,) * 4
            assert few in (cap.level_name, cap.agi_band) and dots.management + dots.others == ()
            assert math.isnan(radar[1]) and math.isnan(radar[2])
    thin_items = {i.item_id for i in result.items if i.n < k}
    for group in view.items:
        for item in group.items:
            if item.id in thin_items:
                assert (item.median, item.target_median) == (few, DASH)
    assert not {d.id for d in view.disputed} & thin_items


@fuzz(40)
@given(st.data())
def test_team_view_never_shows_a_group_below_k(mini_instrument, data):
    rs, result, options, k = data.draw(scored_waves(mini_instrument))
    if result is None:
        event("not scored")
        return
    try:
        view = build_team_report(result, rs, mini_instrument, options)
    except CentricError:
        event("refused")
        assert rs.n_respondents < k
        return
    event("built")
    check_team_view(rs, result, view, k, options, mini_instrument)


@fuzz(25)
@given(st.data())
def test_individual_views_raise_only_centric_errors(mini_instrument, data):
    rs, result, options, k = data.draw(scored_waves(mini_instrument))
    if result is None:
        return
    for person in rs.respondents[:4]:
        try:
            view = build_individual_report(result, rs, mini_instrument, person.id, options)
        except CentricError:
            event("refused")
            continue
        event("built")
        assert view.respondent == person.id or person.id in view.respondent
        for row, sc in zip(view.rows, result.scores, strict=True):  # team figures need k scores
            if sc.n < options.min_group:
                assert (row.team_median, row.team_range) == (f"fewer than {k} answered", DASH)
                assert math.isnan(row.median_value) and math.isnan(row.q1)
            elif row.team_median != DASH:
                assert not math.isnan(row.median_value)


@fuzz(8)
@given(st.data())
def test_team_view_on_the_shipped_instrument_never_shows_a_group_below_k(instrument, data):
    rs, result, options, k = data.draw(scored_waves(instrument))
    if result is None:
        return
    try:
        view = build_team_report(result, rs, instrument, options)
    except CentricError:
        assert rs.n_respondents < k
        return
    check_team_view(rs, result, view, k, options, instrument)


def test_a_capability_scored_by_fewer_than_k_people_shows_no_team_figure(mini_instrument):
    import numpy as np

    from questionnaires.answers import Respondent, ResponseSet

    cur = np.ones((10, 6))
    cur[2:, 4:] = np.nan  # only R00 and R01 rate the two Metrics items
    cur[0, 4], cur[1, 4] = 5, 2
    depts = ["Sales"] * 3 + ["HR"] * 4 + ["IT"] * 3
    rs = ResponseSet(
        mini_instrument.ref,
        "W1",
        tuple(Respondent(f"R{k:02d}", "executive", depts[k]) for k in range(10)),
        tuple(i.id for i in mini_instrument.items),
        cur,
        cur.copy(),
        np.zeros(cur.shape, dtype=bool),
        np.full(cur.shape, np.nan),
    )
    result = score_wave(mini_instrument, rs, replace(report_score_options(3), bootstrap=20))
    view = build_team_report(result, rs, mini_instrument, ReportOptions())
    met = next(c for c in view.capabilities if c.id == "MET")
    assert met.n == "2"  # the precondition: two people with a score
    assert (met.mean, met.median) == (DASH, DASH)
    few = "fewer than 3 answered"
    assert (met.level, met.target_level, met.ci) == (DASH, DASH, DASH)
    assert met.level_name == few and met.agi_band == few
    name = met.name
    assert next(r for r in view.radar if r[0].startswith(name))[0] == f"{name} ({few})"
    dots = next(d for d in view.dots if d.name == name)
    assert (dots.management, dots.others, dots.label) == ((), (), few)
    assert math.isnan(dots.median)
    assert next(r for r in view.reliability if r.name == name).verdict == few
    met_items = {i.id for i in mini_instrument.capability("MET").items}
    appendix = {i.id: i for g in view.items for i in g.items}
    assert {(appendix[i].median, appendix[i].target_median) for i in met_items} == {(few, DASH)}
    assert not {d.id for d in view.disputed} & met_items
    assert all(f.capability != "MET" for f in view.findings)
    for st_ in view.stages:
        assert all(a.capability != name for a in st_.actions)
        assert name not in st_.projected and "MET at level" not in st_.gate
    text = " ".join(f"{f.headline} {f.detail}" for f in view.findings) + view.headline
    assert name not in text
    # the personal report of one of the two who scored it: no team median that is the other's
    mine = build_individual_report(result, rs, mini_instrument, "R00", ReportOptions())
    row = next(r for r in mine.rows if r.name == name)
    assert (row.you, row.team_median, row.team_range, row.difference) == ("5.0", few, DASH, DASH)
    assert not {i.id for i in mine.differences + mine.agree} & met_items


def test_heatmap_cells_hide_a_department_whose_capability_mean_follows_by_subtraction(
    mini_instrument,
):
    import numpy as np

    from questionnaires.answers import Respondent, ResponseSet

    depts = ["Sales", "Sales", "IT", "HR", "HR", "HR", "HR", "HR"]
    cur = np.full((8, 6), 3.0)
    cur[2, 4:] = np.nan  # the IT person gives no Metrics rating: 2 hidden people have a score
    cur[0, 4], cur[1, 4] = 5, 4
    rs = ResponseSet(
        mini_instrument.ref,
        "W1",
        tuple(Respondent(f"R{k:02d}", "executive", d) for k, d in enumerate(depts)),
        tuple(i.id for i in mini_instrument.items),
        cur,
        cur.copy(),
        np.zeros(cur.shape, dtype=bool),
        np.full(cur.shape, np.nan),
    )
    result = score_wave(mini_instrument, rs, replace(report_score_options(3), bootstrap=20))
    view = build_team_report(result, rs, mini_instrument, ReportOptions())
    assert view.heatmap is not None and view.heatmap.names == ("HR",)
    metrics = next(r for r in view.heatmap.rows if r.name == "Metrics")
    # org mean over 7 and HR over 5 are printed: Sales' two people = (7·org − 5·HR) / 2
    assert [c.text for c in metrics.cells] == [DASH]

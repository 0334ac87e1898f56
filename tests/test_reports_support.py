"""Test data for the report tests: Northwind Telecom (assessment.synthetic), wave 2026-H1, scored by
the real ``scoring.score_wave`` — with two changes that the anonymity tests need:

* two Operations staff move to a new department, ``Legal`` (2 < k = 3: must never be shown, and a
  second department must be hidden so ``Legal`` cannot be derived from the total);
* extra hostile comments: a 300-character word and a Jinja expression.
"""

from __future__ import annotations

from dataclasses import replace

from questionnaires.answers import Comment, Respondent, ResponseSet
from questionnaires.catalogue import get_instrument
from questionnaires.model import Instrument
from scoring.results import ScoreOptions, WaveResult

SMALL_DEPARTMENT = "Legal"
LONG_WORD = "W" * 300
JINJA = "{{ 7*7 }} is our NPS"
OPTIONS = ScoreOptions(bootstrap=200, permutations=2000)


def instrument() -> Instrument:
    return get_instrument("customer-centricity@1.0.0")


def northwind_wave(wave: str = "2026-H1", inst: Instrument | None = None) -> ResponseSet:
    from assessment.synthetic import northwind

    inst = inst or instrument()
    rs = northwind(wave, instrument=inst)
    moved = 0
    people: list[Respondent] = []
    for r in rs.respondents:
        if r.department == "Operations" and r.role == "staff" and moved < 2:
            people.append(replace(r, department=SMALL_DEPARTMENT))
            moved += 1
        else:
            people.append(r)
    extra = (
        Comment(people[-1].id, rs.item_ids[0], LONG_WORD),
        Comment(people[-2].id, rs.item_ids[1], JINJA),
    )
    return replace(rs, respondents=tuple(people), comments=rs.comments + extra)


def scored(wave: str = "2026-H1") -> tuple[Instrument, ResponseSet, WaveResult]:
    from scoring import score_wave

    inst = instrument()
    rs = northwind_wave(wave, inst)
    return inst, rs, score_wave(inst, rs, OPTIONS)


def test_support_wave_has_a_small_department_and_hostile_comments():
    _inst, rs, wr = scored()
    depts = [r.department for r in rs.respondents]
    assert depts.count(SMALL_DEPARTMENT) == 2
    assert any("<script>" in c.text for c in rs.comments)
    assert wr.n_respondents == rs.n_respondents == 60

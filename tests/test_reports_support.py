"""Test data for the report tests: Northwind Telecom (assessment.synthetic), wave 2026-H1, scored by
the real ``scoring.score_wave`` — with two changes that the anonymity tests need:

* two Operations staff move to a new department, ``Legal`` (2 < k = 3: must never be shown, and a
  second department must be hidden so ``Legal`` cannot be derived from the total);
* extra hostile comments: a 300-character word, a script and a Jinja expression.
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
HOSTILE_COMMENT = '<script>alert(1)</script> {{ 7*7 }} & "quotes" — we are measured on quotas'
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
        Comment(people[-3].id, rs.item_ids[2], HOSTILE_COMMENT),
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


def calibrated(inst: Instrument, rs: ResponseSet, wr: WaveResult) -> WaveResult:
    """``wr`` with the issue-10 fields filled from the scoring modules, as scoring will fill them.

    The report tests use it so that they exercise the new fields whether or not
    :func:`scoring.score_wave` fills them yet: management AGI bands against the null, level
    estimates of the management team and the organisation, agreement indices, item flags and
    Holm-labelled perception gaps.
    """
    import numpy as np

    from scoring.consensus import agreement_index, flag_items
    from scoring.inference import label_family, welch_difference
    from scoring.null import calibrated_band
    from scoring.stability import level_estimate

    mgmt = np.array([r.role in wr.options.management for r in rs.respondents])
    col = {i: k for k, i in enumerate(rs.item_ids)}

    def matrix(cid: str, rows: np.ndarray) -> tuple[np.ndarray, list[str]]:
        items = [i for i in inst.capability(cid).items if i.id in col]
        X = np.array(rs.current, dtype=float)[:, [col[i.id] for i in items]][rows]
        for j, it in enumerate(items):
            if it.reverse:
                sc = inst.scale_of(it.id)
                X[:, j] = sc.low + sc.high - X[:, j]
        return X, [i.id for i in items]

    agis = []
    for a in wr.agi:
        if a.group != "management" or a.capability_id == "overall":
            agis.append(a)
            continue
        sc = wr.score(a.capability_id)
        scores = np.array(
            sc.respondent_targets if a.basis == "target" else sc.respondent_scores, dtype=float
        )[mgmt]
        j = len(inst.capability(a.capability_id).items)
        c = calibrated_band(scores, j, sc.low if sc.low == sc.low else 1, 5)
        agis.append(
            replace(
                a, band=c.band, ci=c.interval, null_mean=c.null_mean, critical_low=c.critical_low,
                critical_high=c.critical_high, relative=c.relative, items=j,
                reason=c.reason or a.reason,
            )
        )  # fmt: skip
    levels = tuple(
        replace(
            lv,
            management=level_estimate(
                np.array(wr.score(lv.capability_id).respondent_scores)[mgmt],
                population="management team",
            ),
            organisation=level_estimate(
                wr.score(lv.capability_id).respondent_scores, population="organisation"
            ),
        )
        for lv in wr.levels
    )
    agreement = []
    for ag in wr.agreement:
        X, ids = matrix(ag.capability_id, np.ones(len(mgmt), bool))
        agreement.append(
            replace(
                ag,
                consensus=agreement_index(X, 5),
                consensus_management=agreement_index(X[mgmt], 5),
                item_flags=flag_items(X, ids),
            )
        )
    diffs = [
        welch_difference(
            np.array(wr.score(p.capability_id).respondent_scores)[mgmt],
            np.array(wr.score(p.capability_id).respondent_scores)[~mgmt],
        )
        for p in wr.perception
    ]
    words = {
        "higher": "blind spot", "lower": "hidden strength", "equivalent": "shared view",
        "no clear difference": "no clear gap", "not computed": "undefined",
    }  # fmt: skip
    perception = tuple(
        replace(p, test=d, label=words[d.key], reason=d.reason)
        for p, d in zip(wr.perception, label_family(diffs), strict=True)
    )
    return replace(
        wr, agi=tuple(agis), levels=levels, agreement=tuple(agreement), perception=perception
    )

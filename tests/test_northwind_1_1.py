"""Northwind's second wave is answered on customer-centricity 1.1.0 (issue 11): capability levels,
targets chosen from the level descriptors, 100 investment points, no target on statements that
ask none; the first wave stays on 1.0.0."""

from __future__ import annotations

import numpy as np

from assessment.synthetic import WAVE_INSTRUMENT, northwind, northwind_waves
from questionnaires.answers import records_to_response_set
from questionnaires.catalogue import get_instrument


def test_first_wave_on_1_0_0_second_on_1_1_0():
    h1, h2 = northwind_waves()
    assert (h1.instrument_ref, h2.instrument_ref) == (
        WAVE_INSTRUMENT["2026-H1"],
        WAVE_INSTRUMENT["2026-H2"],
    )
    assert h1.capability_ids == () and not h1.has_capability_answers
    assert h2.capability_ids == tuple(
        c.id for c in get_instrument("customer-centricity@1.1.0").capabilities
    )


def test_second_wave_has_levels_targets_and_points_that_add_up():
    rs = northwind("2026-H2")
    assert np.isin(rs.level_current, [1, 2, 3, 4, 5]).all()
    assert (rs.level_target >= rs.level_current).all()
    assert (rs.points.sum(axis=1) == 100).all() and (rs.points % 5 == 0).all()


def test_targets_are_a_choice_not_trivially_5():
    rs = northwind("2026-H2")
    share_at_5 = float((rs.level_target == 5).mean())
    assert 0.05 < share_at_5 < 0.5
    assert len(np.unique(rs.level_target)) >= 3


def test_statements_that_ask_no_target_have_none():
    inst = get_instrument("customer-centricity@1.1.0")
    rs = northwind("2026-H2")
    untargeted = [j for j, i in enumerate(rs.item_ids) if not inst.item(i).target]
    assert untargeted and np.isnan(rs.target[:, untargeted]).all()
    targeted = [j for j, i in enumerate(rs.item_ids) if inst.item(i).target]
    assert (~np.isnan(rs.target[:, targeted])).any(axis=0).all()


def test_second_wave_passes_the_response_model_checks():
    rs = northwind("2026-H2")
    back = records_to_response_set(
        get_instrument("customer-centricity@1.1.0"), rs.to_records(), source="northwind"
    )
    assert back.data_hash == rs.data_hash


def test_first_wave_is_the_same_as_before_1_1_0():
    """Northwind 2026-H1's answers are those of the generator of 9aa95b9, before 1.1.0 existed
    (the level and point draws come after every item answer, and 1.0.0 waves draw none): the
    hash without comments, since one comment changed (the demo holds no test strings)."""
    from dataclasses import replace

    rs = northwind("2026-H1")
    assert (
        replace(rs, comments=()).data_hash
        == "sha256:acf82edd56a10c0ff2cd30d075d5f836c17ee0c7e715dbec324c11f9d6b984a3"
    )

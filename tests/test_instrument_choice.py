"""Which instrument version an undeclared response file is read with (issue 11): the newest
``customer-centricity`` version that asks every id the answers name, so 1.0.0 files keep working
once 1.1.0 is the newest."""

from __future__ import annotations

from questionnaires.answers import choose_instrument
from questionnaires.catalogue import get_instrument


def ids_of(ref):
    inst = get_instrument(ref)
    return [i.id for i in inst.items], [i.id for i in inst.items if i.target]


def test_answers_to_1_0_0_items_read_as_1_0_0():
    items, targeted = ids_of("customer-centricity@1.0.0")
    inst = choose_instrument("a.csv", items=items, targeted=targeted)
    assert inst.ref == "customer-centricity@1.0.0"


def test_answers_to_1_1_0_items_and_capabilities_read_as_1_1_0():
    items, targeted = ids_of("customer-centricity@1.1.0")
    inst = choose_instrument("a.csv", items=[*items, "CUL", "MET"], targeted=targeted)
    assert inst.ref == "customer-centricity@1.1.0"


def test_shared_items_only_read_as_the_newest():
    new = set(get_instrument("customer-centricity@1.1.0").item_index)
    shared = sorted(new & set(get_instrument("customer-centricity@1.0.0").item_index))
    assert shared  # the item map keeps some statements the same
    assert choose_instrument("a.csv", items=shared).ref == "customer-centricity@1.1.0"


def test_targets_on_statements_1_1_0_asks_none_of_point_to_1_0_0():
    inst11 = get_instrument("customer-centricity@1.1.0")
    shared = [
        i for i in inst11.item_index if i in get_instrument("customer-centricity@1.0.0").item_index
    ]
    untargeted = [i for i in shared if not inst11.item(i).target]
    assert untargeted
    inst = choose_instrument("a.csv", items=shared, targeted=untargeted)
    assert inst.ref == "customer-centricity@1.0.0"


def test_no_ids_means_the_newest():
    assert choose_instrument("a.csv").ref == "customer-centricity@1.1.0"


def test_a_declared_version_wins_over_the_ids():
    items, _ = ids_of("customer-centricity@1.1.0")
    inst = choose_instrument("a.json", ["customer-centricity@1.0.0"], items=items)
    assert inst.ref == "customer-centricity@1.0.0"


def test_an_unknown_item_of_another_version_says_which(tmp_path):
    import pytest

    from questionnaires.answers import ResponseRecord, records_to_response_set
    from questionnaires.errors import ResponseError

    removed = [
        i
        for i in get_instrument("customer-centricity@1.0.0").item_index
        if i not in get_instrument("customer-centricity@1.1.0").item_index
    ]
    rec = ResponseRecord("W", "R1", "executive", "Sales", removed[0], 3, None, row=2)
    with pytest.raises(ResponseError) as info:
        records_to_response_set(get_instrument("customer-centricity@1.1.0"), [rec], source="a.csv")
    (p,) = info.value.problems
    assert f"{removed[0]} is an item of customer-centricity@1.0.0" in p.message
    assert p.settings == ("instrument",)

"""The shipped default instrument, customer-centricity 1.0.0: structure, content rules, immutability.

Content rules come from DESIGN.md §4 (8 capabilities, 5-7 items each, current and target on one
5-point maturity-anchored scale, N/A where sensible, a few reverse-coded items, actions for every
level step). The capability list follows D. Rance (Round): culture, skills, management, metrics and
the systems and information front-line staff need for more decision authority; B. Wood adds
sales-service integration and the voice of the customer.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assessment.io.lockfile import write_lock
from questionnaires.catalogue import get_instrument, list_instruments, questionnaires_dir
from questionnaires.errors import LockError
from questionnaires.loader import load_instrument
from questionnaires.lock import check_lock, lock_status
from questionnaires.model import content_hash

REF = "customer-centricity@1.0.0"
CAPABILITIES = {
    "CUL": "Culture",
    "SKL": "Skills & Competences",
    "MGT": "Management & Leadership",
    "MET": "Metrics & Incentives",
    "SYS": "Systems & Customer Information",
    "DEC": "Decision Authority",
    "SSI": "Sales–Service Integration",
    "VOC": "Voice of the Customer",
}
OWNER_ROLES = {"CEO", "CCO", "CFO", "CIO", "COO", "CHRO", "Head of Sales", "Head of Service"}


@pytest.fixture(scope="module")
def inst():
    return get_instrument(REF)


def test_shipped_instrument_loads_and_1_1_0_is_the_default(inst):
    assert inst.ref == REF
    assert get_instrument().ref == "customer-centricity@1.1.0"  # the newest is the default
    assert inst.languages == ["en"]
    assert inst.roles == ["executive", "manager", "staff"]
    assert inst.management_roles == ["executive"]
    assert ("customer-centricity", "1.0.0") in [(i, v) for i, v, _ in list_instruments()]


def test_eight_capabilities_with_the_agreed_names_in_order(inst):
    assert {c.id: c.name for c in inst.capabilities} == CAPABILITIES
    assert [c.id for c in inst.capabilities] == list(CAPABILITIES)


def test_capability_texts_weights_and_levels(inst):
    for cap in inst.capabilities:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", cap.description) if s]
        assert 2 <= len(sentences) <= 3, cap.id
        assert sorted(cap.levels) == [1, 2, 3, 4, 5]
        assert len(set(cap.levels.values())) == 5, f"{cap.id}: level descriptions must differ"
        assert all(len(text) >= 60 for text in cap.levels.values()), cap.id
        assert 0.5 <= cap.weight <= 2.0
    assert inst.capability("CUL").weight == inst.capability("MET").weight == 1.2


def test_prerequisites_are_the_agreed_ones(inst):
    prereq = {c.id: set(c.prerequisites) for c in inst.capabilities}
    assert {"SYS", "SKL"} <= prereq["DEC"]
    assert "SYS" in prereq["MET"]
    assert "MET" in prereq["SSI"]


def test_five_to_seven_items_per_capability_with_stable_unique_ids(inst):
    ids = [i.id for i in inst.items]
    assert len(ids) == len(set(ids)) == 49
    for cap in inst.capabilities:
        assert 5 <= len(cap.items) <= 7, cap.id
        # stable ids: CAP-01, CAP-02, ... in order, no gaps
        assert [i.id for i in cap.items] == [
            f"{cap.id}-{k:02d}" for k in range(1, len(cap.items) + 1)
        ]


def test_items_are_rated_on_a_maturity_anchored_scale(inst):
    assert list(inst.scales) == ["maturity5", "extent5"]
    scale = inst.scales["maturity5"]
    assert (scale.low, scale.high, scale.options) == (1, 5, 5)
    assert scale.labels == ["Ad hoc", "Emerging", "Defined", "Managed", "Customer-led"]
    assert scale.descriptors is not None and len(set(scale.descriptors)) == 5
    assert {i.scale for i in inst.items if not i.reverse} == {"maturity5"}


def test_reverse_coded_items_use_an_extent_scale_and_explain_it(inst):
    # a bad practice cannot be "Customer-led": reverse-coded statements are rated by how widespread
    # they are, on a scale with the same range, so they join their capability's statistics
    reverse = [i for i in inst.items if i.reverse]
    assert 5 <= len(reverse) <= 12
    assert {"MET-04", "SYS-02"} <= {i.id for i in reverse}  # sales quotas; unlogged transfers
    assert {i.scale for i in reverse} == {"extent5"}
    extent, maturity = inst.scales["extent5"], inst.scales["maturity5"]
    assert (extent.low, extent.high) == (maturity.low, maturity.high)
    assert extent.labels[0] == "Not at all" and extent.descriptors is not None
    assert all(i.help and "reverse" in i.help for i in reverse)
    # no capability is measured mostly by reverse items
    for cap in inst.capabilities:
        assert sum(i.reverse for i in cap.items) <= 2, cap.id


def test_role_restrictions_keep_executives_on_every_item(inst):
    """The headline alignment index is computed over executives, so they must answer every item."""
    restricted = [i for i in inst.items if i.roles]
    assert restricted, "some items are only for some roles"
    assert all("executive" in i.roles for i in restricted)
    for cap in inst.capabilities:
        staff_items = [i for i in cap.items if not i.roles or "staff" in i.roles]
        assert len(staff_items) >= len(cap.items) / 2, (
            f"{cap.id}: staff cannot reach half the items"
        )


def test_every_level_step_has_two_to_four_actions(inst):
    for cap in inst.capabilities:
        for level in (1, 2, 3, 4):
            n = len(cap.actions_from(level))
            assert 2 <= n <= 4, f"{cap.id} {level}->{level + 1} has {n} actions"


def test_actions_are_well_formed(inst):
    for cap in inst.capabilities:
        for act in cap.actions:
            assert re.fullmatch(rf"{cap.id}-A{act.from_level}-\d+", act.id), act.id
            assert act.owner_role in OWNER_ROLES, act.id
            assert act.title[0].isupper() and not act.title.endswith("."), act.id
            assert 1 <= len(re.findall(r"[.!?](\s|$)", act.description)) <= 2, act.id


def test_action_dependencies_resolve_and_form_no_cycle(inst):
    actions = {a.id: a for c in inst.capabilities for a in c.actions}
    for act in actions.values():
        for dep in act.depends_on:
            assert dep in actions, f"{act.id} depends on unknown {dep}"
            # a dependency never comes from a higher step of the same capability
            if dep.split("-")[0] == act.id.split("-")[0]:
                assert actions[dep].from_level <= act.from_level
    # Kahn's algorithm: every action can be scheduled
    indegree = {a: len(actions[a].depends_on) for a in actions}
    ready = [a for a, d in indegree.items() if d == 0]
    done = 0
    while ready:
        node = ready.pop()
        done += 1
        for other in actions.values():
            if node in other.depends_on:
                indegree[other.id] -= 1
                if indegree[other.id] == 0:
                    ready.append(other.id)
    assert done == len(actions)
    assert any(
        d.split("-")[0] != a.id.split("-")[0] for a in actions.values() for d in a.depends_on
    )


def test_prerequisite_graph_is_acyclic(inst):
    order: list[str] = []
    caps = {c.id: c.prerequisites for c in inst.capabilities}
    while len(order) < len(caps):
        nxt = [c for c, pre in caps.items() if c not in order and set(pre) <= set(order)]
        assert nxt, f"cycle among {set(caps) - set(order)}"
        order += nxt


def test_published_version_matches_the_lock_file():
    lock = check_lock()
    assert lock[REF] == content_hash(
        load_instrument(questionnaires_dir() / "customer-centricity" / "1.0.0.yaml")
    )
    assert all(state == "locked" for _, _, state in lock_status())


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A copy of the shipped questionnaires folder (instruments and lock file) to tamper with."""
    root = tmp_path / "questionnaires"
    root.mkdir()
    shutil.copytree(questionnaires_dir() / "customer-centricity", root / "customer-centricity")
    shutil.copy(questionnaires_dir() / "lock.json", root / "lock.json")
    return root


def test_editing_a_published_version_fails_the_lock_check(shipped_copy: Path):
    check_lock(shipped_copy)  # the copy is fine
    f = shipped_copy / "customer-centricity" / "1.0.0.yaml"
    f.write_text(
        f.read_text(encoding="utf-8").replace("yearly survey", "annual survey"), encoding="utf-8"
    )
    with pytest.raises(
        LockError, match=r"customer-centricity@1\.0\.0 was changed after publication"
    ):
        check_lock(shipped_copy)
    # and `lock` refuses to paper over it
    with pytest.raises(LockError, match="not rewritten"):
        write_lock(shipped_copy)
    assert REF in (shipped_copy / "lock.json").read_text(encoding="utf-8")


def test_reformatting_a_published_version_keeps_the_lock_valid(shipped_copy: Path):
    import yaml

    f = shipped_copy / "customer-centricity" / "1.0.0.yaml"
    data = yaml.safe_load(f.read_text(encoding="utf-8"))
    f.write_text(yaml.safe_dump(data, sort_keys=True, width=60), encoding="utf-8")  # no comments
    check_lock(shipped_copy)


def test_a_new_version_must_be_locked(shipped_copy: Path):
    src = shipped_copy / "customer-centricity" / "1.0.0.yaml"
    text = src.read_text(encoding="utf-8").replace("version: 1.0.0", "version: 1.0.1", 1)
    (shipped_copy / "customer-centricity" / "1.0.1.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(LockError, match=r"customer-centricity@1\.0\.1 is not in lock\.json"):
        check_lock(shipped_copy)
    assert list(write_lock(shipped_copy)) == ["customer-centricity@1.0.1"]
    assert set(check_lock(shipped_copy)) == {
        REF,
        "customer-centricity@1.1.0",
        "customer-centricity@1.0.1",
    }
    assert write_lock(shipped_copy) == {}  # idempotent


def test_lock_text_returns_the_new_lock_and_writes_nothing(shipped_copy: Path):
    """The questionnaires floor returns the lock's text; only the application writes files."""
    import json

    from questionnaires.lock import lock_additions, lock_text

    src = shipped_copy / "customer-centricity" / "1.0.0.yaml"
    text = src.read_text(encoding="utf-8").replace("version: 1.0.0", "version: 1.0.1", 1)
    (shipped_copy / "customer-centricity" / "1.0.1.yaml").write_text(text, encoding="utf-8")
    before = (shipped_copy / "lock.json").read_bytes()
    added = lock_additions(shipped_copy)
    assert list(added) == ["customer-centricity@1.0.1"]
    new = json.loads(lock_text(shipped_copy, added))
    assert list(new) == [REF, "customer-centricity@1.0.1", "customer-centricity@1.1.0"]
    assert (shipped_copy / "lock.json").read_bytes() == before
    write_lock(shipped_copy)
    assert (shipped_copy / "lock.json").read_text(encoding="utf-8") == lock_text(shipped_copy, {})

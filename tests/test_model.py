"""Instrument model: validation messages, content hash, versions and item maps, JSON Schema.

Every invalid file must be reported with the file, the line, the path inside the YAML and what to
fix, one problem per line (DESIGN.md §3, §4).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from questionnaires.catalogue import get_instrument, parse_ref, questionnaires_dir
from questionnaires.diff import diff_instruments
from questionnaires.errors import QuestionnaireError
from questionnaires.loader import instrument_from_data, load_instrument
from questionnaires.model import content_hash
from questionnaires.schema import instrument_schema, instrument_schema_text, schema_path

MINI = Path(__file__).parent / "fixtures" / "mini" / "1.0.0.yaml"


@pytest.fixture
def mini() -> dict[str, Any]:
    """The mini instrument as plain data, to break in each test."""
    return yaml.safe_load(MINI.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: Any, name: str = "inst.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    """The problem lines of the error raised when loading ``path``."""
    with pytest.raises(QuestionnaireError) as info:
        load_instrument(path)
    lines = str(info.value).splitlines()
    return [ln.strip().removeprefix("- ") for ln in lines[1:]] or lines


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line of ``path`` containing ``needle``."""
    for k, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in ln:
            return k
    raise AssertionError(needle)


# -- validation messages -----------------------------------------------------------------------


def test_unknown_scale_names_file_line_path_item_and_the_defined_scales(tmp_path, mini):
    mini["capabilities"][0]["items"][1]["scale"] = "likert7"
    path = write(tmp_path, mini)
    (msg,) = problems(path)
    line = line_of(path, "scale: likert7")
    assert msg == (
        f"{path}:{line}: capabilities[0].items[1].scale (CUL-02): unknown scale 'likert7'; defined: m5"
    )


def test_duplicate_item_id(tmp_path, mini):
    mini["capabilities"][2]["items"][1]["id"] = "MET-01"
    (msg,) = problems(write(tmp_path, mini))
    assert "capabilities[2].items[1].id (MET-01): duplicate item id 'MET-01'" in msg
    assert "first used at capabilities[2].items[0].id" in msg


def test_prerequisite_cycle_is_spelled_out(tmp_path, mini):
    mini["capabilities"][1]["prerequisites"] = ["MET"]  # SYS -> MET, and MET -> SYS already
    (msg,) = problems(write(tmp_path, mini))
    assert "prerequisites form a cycle: SYS -> MET -> SYS" in msg
    assert "capabilities[1].prerequisites (SYS)" in msg


def test_unknown_prerequisite(tmp_path, mini):
    mini["capabilities"][2]["prerequisites"] = ["SYX"]
    (msg,) = problems(write(tmp_path, mini))
    assert (
        "capabilities[2].prerequisites[0] (MET): unknown capability 'SYX'; defined: CUL, SYS, MET"
        in msg
    )


def test_missing_level(tmp_path, mini):
    del mini["capabilities"][1]["levels"][4]
    path = write(tmp_path, mini)
    (msg,) = problems(path)
    assert msg.startswith(f"{path}:")
    assert (
        "capabilities[1].levels (SYS): must describe each of the levels 1-5 once: missing level 4"
        in msg
    )


def test_bad_action_dependency(tmp_path, mini):
    mini["capabilities"][0]["actions"][1]["depends_on"] = ["CUL-A1-9"]
    (msg,) = problems(write(tmp_path, mini))
    assert "capabilities[0].actions[1].depends_on[0] (CUL-A2-1): unknown action 'CUL-A1-9'" in msg


def test_action_dependency_cycle(tmp_path, mini):
    mini["capabilities"][0]["actions"][0]["depends_on"] = ["CUL-A2-1"]
    (msg,) = problems(write(tmp_path, mini))
    assert "actions depend on each other in a cycle: CUL-A1-1 -> CUL-A2-1 -> CUL-A1-1" in msg


def test_action_id_must_carry_its_from_level(tmp_path, mini):
    mini["capabilities"][2]["actions"][0]["id"] = "MET-A2-1"  # from_level is 1
    (msg,) = problems(write(tmp_path, mini))
    assert "'MET-A2-1' has from_level 1" in msg and "e.g. MET-A1-1" in msg


def test_labels_and_options_mismatch(tmp_path, mini):
    mini["scales"]["m5"]["labels"] = ["Low", "Mid", "High"]
    (msg,) = problems(write(tmp_path, mini))
    assert "scales.m5: has 5 options but 3 labels" in msg


def test_typo_in_a_field_name_is_rejected(tmp_path, mini):
    mini["capabilities"][0]["items"][0]["revers"] = True
    (msg,) = problems(write(tmp_path, mini))
    assert "capabilities[0].items[0].revers (CUL-01): Extra inputs are not permitted" in msg


def test_every_cross_reference_problem_is_reported_at_once(tmp_path, mini):
    mini["capabilities"][0]["items"][0]["scale"] = "nope"
    mini["capabilities"][0]["items"][1]["roles"] = ["board"]
    mini["capabilities"][2]["actions"][0]["depends_on"] = ["SYS-A4-1"]
    msgs = problems(write(tmp_path, mini))
    assert len(msgs) == 3
    assert "unknown role 'board'; defined: executive, manager, staff" in msgs[1]


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(
        MINI.read_text(encoding="utf-8").replace("Minimal", "Minimál").encode("latin-1")
    )
    with pytest.raises(
        QuestionnaireError, match=r"latin1\.yaml: not UTF-8 text .* save the file as UTF-8"
    ):
        load_instrument(path)


def test_invalid_yaml_gives_line_and_column(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nversion: 1.0.0\ntitle: [unclosed\nscales: {}\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_instrument(path)
    msg = str(info.value)
    assert msg.startswith(f"{path}:4:")  # PyYAML notices the missing "]" on line 4
    assert "not valid YAML" in msg and "line 4" in msg


def test_duplicate_yaml_key_is_an_error_not_silently_overwritten(tmp_path):
    text = MINI.read_text(encoding="utf-8").replace(
        "title: Minimal", "title: First\ntitle: Minimal"
    )
    path = tmp_path / "dup.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        QuestionnaireError,
        match=r"dup\.yaml:4:1: not valid YAML: duplicate key 'title' \(first on line 3\)",
    ):
        load_instrument(path)


@pytest.mark.parametrize("text", ["", "\n# only a comment\n"])
def test_empty_file(tmp_path, text):
    path = tmp_path / "empty.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"empty\.yaml: the file is empty"):
        load_instrument(path)


def test_top_level_must_be_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- id: x\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"expected a mapping .* got list"):
        load_instrument(path)


def test_missing_file_and_file_name_version_mismatch(tmp_path, mini):
    with pytest.raises(QuestionnaireError, match="no such instrument file"):
        load_instrument(tmp_path / "nope.yaml")
    folder = tmp_path / "mini"
    folder.mkdir()
    with pytest.raises(
        QuestionnaireError, match=r"file name says version 2.0.0 but the file says 1.0.0"
    ):
        load_instrument(write(folder, mini, "2.0.0.yaml"))


def test_problems_are_attached_for_other_formatters(mini):
    mini["capabilities"][0]["items"][0]["scale"] = "nope"
    with pytest.raises(QuestionnaireError) as info:
        instrument_from_data(mini, "data.json")
    (p,) = info.value.problems
    assert (p.source, p.column, p.row) == ("data.json", "capabilities[0].items[0].scale", None)


def test_unknown_instrument_and_version_say_what_exists():
    with pytest.raises(
        QuestionnaireError, match="unknown instrument 'nope'; available: customer-centricity"
    ):
        get_instrument("nope")
    with pytest.raises(QuestionnaireError, match=r"has no version 9.9.9; available: 1.0.0"):
        get_instrument("customer-centricity@9.9.9")
    with pytest.raises(QuestionnaireError, match=r"version must look like 1.0.0"):
        parse_ref("customer-centricity@latest")


# -- content hash ------------------------------------------------------------------------------


def test_content_hash_ignores_formatting_key_order_comments_and_spelled_out_defaults(
    tmp_path, mini
):
    base = content_hash(load_instrument(MINI))
    assert base.startswith("sha256:") and len(base) == 7 + 64
    shuffled = {k: mini[k] for k in reversed(list(mini))}
    for cap in shuffled["capabilities"]:
        for item in cap["items"]:
            item.setdefault("reverse", False)  # the default, written out
            item.setdefault("na_allowed", True)
    text = "# a comment\n" + yaml.safe_dump(
        shuffled, sort_keys=True, default_flow_style=False, width=40
    )
    path = tmp_path / "reformatted.yaml"
    path.write_text(text, encoding="utf-8")
    assert content_hash(load_instrument(path)) == base
    # JSON data with the same content hashes the same
    assert content_hash(instrument_from_data(json.loads(json.dumps(mini)))) == base


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["capabilities"][0]["items"][0].__setitem__(
            "text", "Customers come first in every decision"
        ),
        lambda d: d["capabilities"][0]["items"][0].__setitem__("reverse", True),
        lambda d: d["capabilities"][1].__setitem__("weight", 1.5),
        lambda d: d["scales"]["m5"]["labels"].__setitem__(0, "Initial"),
        lambda d: d["capabilities"][0]["actions"][0].__setitem__("horizon_months", 4),
    ],
    ids=["text", "reverse", "weight", "label", "action"],
)
def test_content_hash_changes_with_any_change_of_meaning(mini, change):
    before = content_hash(instrument_from_data(mini))
    changed = copy.deepcopy(mini)
    change(changed)
    assert content_hash(instrument_from_data(changed)) != before


# -- versions, supersedes and item maps ---------------------------------------------------------


def _v110(mini: dict[str, Any], declared: bool = True) -> dict[str, Any]:
    """mini 1.1.0: CUL-01 reworded, SYS-02 now reverse-coded (rescaled), MET-02 removed, MET-03 new."""
    new = copy.deepcopy(mini)
    new["version"] = "1.1.0"
    cul, sys_, met = new["capabilities"]
    cul["items"][0]["text"] = "Customers' interests come first in our decisions"
    sys_["items"][1]["reverse"] = True
    met["items"] = [
        met["items"][0],
        {"id": "MET-03", "text": "We know why customers leave us", "scale": "m5"},
    ]
    if declared:
        new["supersedes"] = "mini@1.0.0"
        new["item_map"] = [
            {"old": "CUL-01", "new": "CUL-01", "change": "reworded"},
            {"old": "CUL-02", "new": "CUL-02", "change": "same"},
            {"old": "SYS-01", "new": "SYS-01", "change": "same"},
            {"old": "SYS-02", "new": "SYS-02", "change": "rescaled"},
            {"old": "MET-01", "new": "MET-01", "change": "same"},
            {"old": "MET-02", "change": "removed"},
            {"new": "MET-03", "change": "new"},
        ]
    return new


def _changes(d) -> dict[str, str]:
    return {(c.new or c.old): c.change for c in d.changes}


EXPECTED = {
    "CUL-01": "reworded",
    "CUL-02": "same",
    "SYS-01": "same",
    "SYS-02": "rescaled",
    "MET-01": "same",
    "MET-02": "removed",
    "MET-03": "new",
}


def test_declared_item_map_drives_the_diff(tmp_path, mini):
    folder = tmp_path / "mini"
    folder.mkdir()
    old = load_instrument(write(folder, mini, "1.0.0.yaml"))
    new = load_instrument(write(folder, _v110(mini), "1.1.0.yaml"))
    assert new.supersedes == old.ref == "mini@1.0.0"
    d = diff_instruments(old, new)
    assert d.declared and (d.old, d.new) == ("mini@1.0.0", "mini@1.1.0")
    assert _changes(d) == EXPECTED
    assert d.comparable == [
        ("CUL-01", "CUL-01"),
        ("CUL-02", "CUL-02"),
        ("SYS-01", "SYS-01"),
        ("MET-01", "MET-01"),
    ]
    assert sorted(d.dropped) == ["MET-02", "MET-03", "SYS-02"]
    assert get_instrument("mini", root=tmp_path).ref == "mini@1.1.0"  # newest by semver


def test_item_map_is_inferred_when_not_declared(mini):
    old = instrument_from_data(mini)
    new = instrument_from_data(_v110(mini, declared=False))
    d = diff_instruments(old, new)
    assert not d.declared
    assert _changes(d) == EXPECTED


def test_declared_map_can_rename_an_item(mini):
    new = _v110(mini)
    new["capabilities"][2]["items"][1]["id"] = "MET-04"
    new["item_map"][-1] = {"old": "MET-02", "new": "MET-04", "change": "reworded"}
    del new["item_map"][-2]
    d = diff_instruments(instrument_from_data(mini), instrument_from_data(new))
    assert ("MET-02", "MET-04") in d.comparable


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.pop("supersedes"), "item_map: an item map needs `supersedes: <id>@<version>`"),
        (
            lambda d: d.__setitem__("supersedes", "mini@2.0.0"),
            "mini@2.0.0 is not older than version 1.1.0",
        ),
        (lambda d: d.__setitem__("supersedes", "mini-1.0"), "must look like mini@1.0.0"),
        (lambda d: d["item_map"][0].pop("old"), "item_map[0].old: a 'reworded' entry needs `old:`"),
        (
            lambda d: d["item_map"][-1].__setitem__("new", "MET-09"),
            "'MET-09' is not an item of this version",
        ),
        (
            lambda d: d["item_map"].append({"old": "CUL-01", "new": "CUL-02", "change": "same"}),
            "mapped twice",
        ),
        (lambda d: d["item_map"][5].__setitem__("new", "MET-01"), "a 'removed' item has no `new:`"),
    ],
    ids=[
        "no-supersedes",
        "not-older",
        "bad-ref",
        "missing-old",
        "unknown-new",
        "twice",
        "removed-new",
    ],
)
def test_item_map_problems(mini, edit, message):
    data = _v110(mini)
    edit(data)
    with pytest.raises(QuestionnaireError, match=re.escape(message)):
        instrument_from_data(data)


# -- JSON Schema -------------------------------------------------------------------------------


def test_json_schema_validates_the_shipped_instrument_and_rejects_a_broken_one():
    import jsonschema

    schema = instrument_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    shipped = questionnaires_dir() / "customer-centricity" / "1.0.0.yaml"
    data = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data))  # as an editor sees it: mapping keys are strings
    jsonschema.Draft202012Validator(schema).validate(data)
    data["capabilities"][0]["items"][0]["revers"] = True
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert errors and "revers" in errors[0].message


def test_shipped_schema_file_equals_the_generated_schema():
    """Fails when the model changes and questionnaires/schema/instrument.schema.json is stale.

    Regenerate with: centric questionnaire schema -o questionnaires/schema/instrument.schema.json
    """
    assert schema_path().read_text(encoding="utf-8") == instrument_schema_text()


def test_partial_item_map_infers_the_unlisted_items(mini):
    """Regression: a map listing only the changes used to mark every unlisted item removed + new."""
    new = _v110(mini)
    new["item_map"] = [e for e in new["item_map"] if e["change"] != "same"]
    d = diff_instruments(instrument_from_data(mini), instrument_from_data(new))
    assert d.declared
    assert _changes(d) == EXPECTED


def test_the_example_in_the_format_docs_is_valid(tmp_path):
    doc = (Path(__file__).parent.parent / "docs" / "questionnaire-format.md").read_text(
        encoding="utf-8"
    )
    example = doc.split("## Example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    inst = instrument_from_data(yaml.safe_load(example), "docs example")
    assert inst.ref == "acme-service@1.0.0" and [i.id for i in inst.items] == ["SYS-01", "SYS-02"]


def test_write_lock_is_atomic_and_a_write_error_is_a_questionnaire_error(tmp_path, monkeypatch):
    """A failed lock write (disk full) keeps the old lock.json intact and is a user error."""
    import os
    import shutil

    from assessment.io.lockfile import write_lock
    from questionnaires.catalogue import questionnaires_dir

    root = tmp_path / "questionnaires"
    shutil.copytree(questionnaires_dir() / "customer-centricity", root / "customer-centricity")
    shutil.copy(questionnaires_dir() / "lock.json", root / "lock.json")
    src = root / "customer-centricity" / "1.0.0.yaml"
    text = src.read_text(encoding="utf-8").replace("version: 1.0.0", "version: 1.0.1", 1)
    (root / "customer-centricity" / "1.0.1.yaml").write_text(text, encoding="utf-8")
    before = (root / "lock.json").read_bytes()

    def full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(QuestionnaireError, match=r"cannot write the lock file.*No space left"):
        write_lock(root)
    assert (root / "lock.json").read_bytes() == before
    assert sorted(p.name for p in root.iterdir()) == ["customer-centricity", "lock.json"]

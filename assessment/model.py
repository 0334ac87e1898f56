"""The questionnaire (instrument) model: scales, capabilities, items, maturity levels and actions.

An instrument is one YAML file, ``questionnaires/<id>/<semver>.yaml``. Loading validates it fully
(pydantic plus cross-reference checks) and reports every problem with the file and the path inside
the YAML, e.g. ``capabilities[3].items[2].scale``.

Published versions are immutable: :func:`content_hash` of the normalised content is recorded in
``questionnaires/lock.json`` and checked by :func:`check_lock`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assessment.errors import LockError, QuestionnaireError

__all__ = [
    "Action",
    "Capability",
    "Instrument",
    "InstrumentDiff",
    "Item",
    "ItemChange",
    "Scale",
    "check_lock",
    "content_hash",
    "diff_instruments",
    "get_instrument",
    "instrument_schema",
    "list_instruments",
    "load_instrument",
    "parse_ref",
]

DEFAULT_INSTRUMENT = "customer-centricity"
LEVELS = (1, 2, 3, 4, 5)
_ID = r"^[A-Z][A-Z0-9]{1,7}$"
_ITEM_ID = r"^[A-Z][A-Z0-9]{1,7}-\d{2}$"
_SEMVER = r"^\d+\.\d+\.\d+$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Scale(_Strict):
    """A reusable answer set: options ``low..low+options-1``, a label per option.

    ``descriptors`` optionally describe each option in a sentence (maturity-anchored scales).
    """

    id: str = ""
    options: int = Field(ge=2, le=11)
    low: int = 1
    labels: list[str]
    descriptors: list[str] | None = None

    @property
    def high(self) -> int:
        return self.low + self.options - 1

    @model_validator(mode="after")
    def _labels_match(self) -> Scale:
        if len(self.labels) != self.options:
            raise ValueError(f"has {self.options} options but {len(self.labels)} labels")
        if self.descriptors is not None and len(self.descriptors) != self.options:
            raise ValueError(
                f"has {self.options} options but {len(self.descriptors)} descriptors"
            )
        return self


class Item(_Strict):
    """One question, answered for the current and the target state."""

    id: str = Field(pattern=_ITEM_ID)
    text: str = Field(min_length=10)
    scale: str
    reverse: bool = False
    na_allowed: bool = True
    roles: list[str] = Field(default_factory=list)
    weight: float = Field(default=1.0, gt=0)
    help: str | None = None


class Action(_Strict):
    """An improvement action that moves a capability from ``from_level`` to ``from_level + 1``."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9]{1,7}-A\d-\d+$")
    from_level: int = Field(ge=1, le=4)
    title: str = Field(min_length=5)
    description: str = ""
    effort: Literal["S", "M", "L"]
    horizon_months: int = Field(ge=1, le=36)
    owner_role: str
    depends_on: list[str] = Field(default_factory=list)

    @property
    def to_level(self) -> int:
        return self.from_level + 1


class Capability(_Strict):
    """A customer-centricity capability, its maturity levels, actions and items."""

    id: str = Field(pattern=_ID)
    name: str
    description: str = ""
    weight: float = Field(default=1.0, gt=0)
    prerequisites: list[str] = Field(default_factory=list)
    levels: dict[int, str]
    actions: list[Action] = Field(default_factory=list)
    items: list[Item] = Field(min_length=1)

    @field_validator("levels")
    @classmethod
    def _five_levels(cls, v: dict[int, str]) -> dict[int, str]:
        if sorted(v) != list(LEVELS):
            raise ValueError(f"must describe levels 1-5 exactly, got {sorted(v)}")
        return v

    def actions_from(self, level: int) -> list[Action]:
        """Actions that take this capability from ``level`` to ``level + 1``."""
        return [a for a in self.actions if a.from_level == level]


ChangeKind = Literal["same", "reworded", "rescaled", "removed", "new"]


class ItemChange(_Strict):
    """How an item of the superseded version maps to this one."""

    old: str | None = None
    new: str | None = None
    change: ChangeKind


class Instrument(_Strict):
    """A versioned questionnaire. ``capabilities`` hold their items, levels and actions."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]+$")
    version: str = Field(pattern=_SEMVER)
    title: str
    description: str = ""
    languages: list[str] = Field(default_factory=lambda: ["en"])
    roles: list[str] = Field(default_factory=lambda: ["executive", "manager", "staff"])
    management_roles: list[str] = Field(default_factory=lambda: ["executive"])
    scales: dict[str, Scale]
    capabilities: list[Capability] = Field(min_length=1)
    supersedes: str | None = None
    item_map: list[ItemChange] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _name_scales(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("scales"), dict):
            data = dict(data)
            data["scales"] = {
                k: ({"id": k, **v} if isinstance(v, dict) and "id" not in v else v)
                for k, v in data["scales"].items()
            }
        return data

    @model_validator(mode="after")
    def _cross_references(self) -> Instrument:
        errors: list[str] = []
        cap_ids = [c.id for c in self.capabilities]
        _dupes(cap_ids, "capability id", errors)
        item_ids = [i.id for c in self.capabilities for i in c.items]
        _dupes(item_ids, "item id", errors)
        action_ids = [a.id for c in self.capabilities for a in c.actions]
        _dupes(action_ids, "action id", errors)
        known_actions = set(action_ids)
        for ci, cap in enumerate(self.capabilities):
            where = f"capabilities[{ci}]"
            for p in cap.prerequisites:
                if p not in cap_ids:
                    errors.append(f"{where}.prerequisites: unknown capability {p!r}")
                if p == cap.id:
                    errors.append(f"{where}.prerequisites: {cap.id} cannot require itself")
            for ii, item in enumerate(cap.items):
                iw = f"{where}.items[{ii}]"
                if not item.id.startswith(cap.id + "-"):
                    errors.append(f"{iw}.id: {item.id!r} must start with {cap.id + '-'!r}")
                if item.scale not in self.scales:
                    errors.append(
                        f"{iw}.scale: unknown scale {item.scale!r}; "
                        f"defined: {', '.join(sorted(self.scales))}"
                    )
                for r in item.roles:
                    if r not in self.roles:
                        errors.append(f"{iw}.roles: unknown role {r!r}; defined: {self.roles}")
            for ai, act in enumerate(cap.actions):
                aw = f"{where}.actions[{ai}]"
                if not act.id.startswith(cap.id + "-"):
                    errors.append(f"{aw}.id: {act.id!r} must start with {cap.id + '-'!r}")
                for d in act.depends_on:
                    if d not in known_actions:
                        errors.append(f"{aw}.depends_on: unknown action {d!r}")
        errors.extend(_cycles(self.capabilities))
        for r in self.management_roles:
            if r not in self.roles:
                errors.append(f"management_roles: unknown role {r!r}")
        if errors:
            raise ValueError("; ".join(errors))
        return self

    # -- navigation -------------------------------------------------------------------------
    @property
    def ref(self) -> str:
        """``id@version``, the way the CLI and the store name an instrument version."""
        return f"{self.id}@{self.version}"

    def iter_items(self) -> Iterator[tuple[Capability, Item]]:
        for cap in self.capabilities:
            for item in cap.items:
                yield cap, item

    @cached_property
    def items(self) -> tuple[Item, ...]:
        """All items in questionnaire order."""
        return tuple(i for _, i in self.iter_items())

    @cached_property
    def item_index(self) -> dict[str, int]:
        return {item.id: k for k, item in enumerate(self.items)}

    @cached_property
    def _capability_by_id(self) -> dict[str, Capability]:
        return {c.id: c for c in self.capabilities}

    def capability(self, cap_id: str) -> Capability:
        try:
            return self._capability_by_id[cap_id]
        except KeyError:
            raise QuestionnaireError(
                f"{self.ref} has no capability {cap_id!r}; it has {', '.join(self._capability_by_id)}"
            ) from None

    def item(self, item_id: str) -> Item:
        try:
            return self.items[self.item_index[item_id]]
        except KeyError:
            raise QuestionnaireError(f"{self.ref} has no item {item_id!r}") from None

    def capability_of(self, item_id: str) -> Capability:
        return self.capability(item_id.split("-", 1)[0])

    def scale_of(self, item_id: str) -> Scale:
        return self.scales[self.item(item_id).scale]

    @cached_property
    def content_hash(self) -> str:
        return content_hash(self)


def _dupes(ids: list[str], what: str, errors: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            errors.append(f"duplicate {what} {i!r}")
        seen.add(i)


def _cycles(caps: list[Capability]) -> list[str]:
    graph = {c.id: list(c.prerequisites) for c in caps}
    state: dict[str, int] = {}
    found: list[str] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
                found.append(f"prerequisites form a cycle: {' -> '.join(cycle)}")
            elif nxt in graph and state.get(nxt) is None:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for c in graph:
        if c not in state:
            visit(c, [c])
    return found


# -- loading ---------------------------------------------------------------------------------


def _fmt_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def instrument_from_data(data: Any, source: str = "<data>") -> Instrument:
    """Validate parsed YAML/JSON data; raise :class:`QuestionnaireError` listing every problem."""
    if not isinstance(data, dict):
        raise QuestionnaireError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        return Instrument.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"  - {_fmt_loc(tuple(loc))}: {msg}")
        raise QuestionnaireError(
            f"{source}: invalid instrument ({len(lines)} problem{'s' * (len(lines) != 1)}):\n"
            + "\n".join(lines)
        ) from None


def load_instrument(path: str | Path) -> Instrument:
    """Load and validate an instrument YAML file."""
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QuestionnaireError(f"{path}: no such instrument file") from None
    except UnicodeDecodeError as exc:
        raise QuestionnaireError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise QuestionnaireError(f"{path}:{where} not valid YAML: {getattr(exc, 'problem', exc)}") from None
    inst = instrument_from_data(data, str(path))
    if path.parent.name == inst.id and path.stem != inst.version:
        raise QuestionnaireError(
            f"{path}: file name says version {path.stem} but the file says {inst.version}"
        )
    return inst


def questionnaires_dir() -> Path:
    import questionnaires

    return Path(questionnaires.__file__).parent


def parse_ref(ref: str) -> tuple[str, str | None]:
    """Split ``id@version`` (version optional: the newest is used)."""
    if "@" in ref:
        ident, version = ref.split("@", 1)
        if not re.match(_SEMVER, version):
            raise QuestionnaireError(f"{ref!r}: version must look like 1.0.0")
        return ident, version
    return ref, None


def _semver_key(v: str) -> tuple[int, ...]:
    return tuple(int(p) for p in v.split("."))


def list_instruments(root: Path | None = None) -> list[tuple[str, str, Path]]:
    """Every shipped instrument version as ``(id, version, path)``, sorted."""
    root = root or questionnaires_dir()
    found = []
    for f in root.glob("*/*.yaml"):
        if re.match(_SEMVER, f.stem):
            found.append((f.parent.name, f.stem, f))
    return sorted(found, key=lambda t: (t[0], _semver_key(t[1])))


_CACHE: dict[Path, Instrument] = {}


def get_instrument(ref: str = DEFAULT_INSTRUMENT, root: Path | None = None) -> Instrument:
    """Load a shipped instrument by ``id@version``, or a YAML file by path.

    Without a version, the newest published version is used.
    """
    if ref.endswith((".yaml", ".yml")) or "/" in ref:
        return load_instrument(ref)
    ident, version = parse_ref(ref)
    versions = [t for t in list_instruments(root) if t[0] == ident]
    if not versions:
        known = sorted({t[0] for t in list_instruments(root)})
        raise QuestionnaireError(f"unknown instrument {ident!r}; available: {', '.join(known)}")
    if version is None:
        path = versions[-1][2]
    else:
        match = [t for t in versions if t[1] == version]
        if not match:
            have = ", ".join(t[1] for t in versions)
            raise QuestionnaireError(f"{ident} has no version {version}; available: {have}")
        path = match[0][2]
    if path not in _CACHE:
        _CACHE[path] = load_instrument(path)
    return _CACHE[path]


def content_hash(instrument: Instrument) -> str:
    """SHA-256 of the instrument's normalised content (canonical JSON of the validated model).

    Formatting, comments, key order and spelling out a default value (``reverse: false``) do not
    change the hash; any change of meaning does. Fields equal to their default are left out, so a
    later release that adds an optional field to the model keeps every published hash valid.
    """
    data = instrument.model_dump(mode="json", exclude_defaults=True)
    payload = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


def lock_path(root: Path | None = None) -> Path:
    return (root or questionnaires_dir()) / "lock.json"


def check_lock(root: Path | None = None) -> dict[str, str]:
    """Check every shipped version against the lock file of published hashes.

    Raises :class:`LockError` when a published version changed, or a version is not in the lock.
    Returns the lock mapping ``{"id@version": hash}``.
    """
    lock = json.loads(lock_path(root).read_text(encoding="utf-8"))
    problems = []
    for ident, version, path in list_instruments(root):
        ref = f"{ident}@{version}"
        h = content_hash(load_instrument(path))
        if ref not in lock:
            problems.append(f"{ref} is not in {lock_path(root).name}; publish it with `centric questionnaire lock`")
        elif lock[ref] != h:
            problems.append(
                f"{ref} was changed after publication (hash {h[:19]}..., locked {lock[ref][:19]}...); "
                "published versions are immutable: create a new version that supersedes it"
            )
    if problems:
        raise LockError("; ".join(problems))
    return lock


def write_lock(root: Path | None = None) -> dict[str, str]:
    """Add versions missing from the lock file. Never rewrites a locked hash."""
    path = lock_path(root)
    lock = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for ident, version, p in list_instruments(root):
        lock.setdefault(f"{ident}@{version}", content_hash(load_instrument(p)))
    path.write_text(json.dumps(lock, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return lock


def instrument_schema() -> dict[str, Any]:
    """JSON Schema of the instrument file format, generated from the model."""
    schema = Instrument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://centric.example/schemas/instrument.json"
    return schema


# -- diff ------------------------------------------------------------------------------------


class InstrumentDiff(_Strict):
    """Differences between two instrument versions, item by item."""

    old: str
    new: str
    declared: bool  # True when ``new`` supersedes ``old`` and its item map was used
    changes: list[ItemChange]
    capabilities_added: list[str]
    capabilities_removed: list[str]

    @property
    def comparable(self) -> list[tuple[str, str]]:
        """(old, new) item id pairs whose answers can be compared across the versions."""
        return [(c.old, c.new) for c in self.changes if c.change in ("same", "reworded") and c.old and c.new]

    @property
    def dropped(self) -> list[str]:
        return [c.old or c.new or "" for c in self.changes if c.change not in ("same", "reworded")]


def diff_instruments(old: Instrument, new: Instrument) -> InstrumentDiff:
    """Compare two versions. Uses ``new.item_map`` when ``new`` supersedes ``old``; otherwise infers
    the map from item ids, texts and scales."""
    declared = new.supersedes == old.ref and bool(new.item_map)
    if declared:
        changes = list(new.item_map)
        mapped_new = {c.new for c in changes if c.new}
        mapped_old = {c.old for c in changes if c.old}
        changes += [ItemChange(new=i.id, change="new") for i in new.items if i.id not in mapped_new]
        changes += [ItemChange(old=i.id, change="removed") for i in old.items if i.id not in mapped_old]
    else:
        changes = []
        for item in old.items:
            if item.id not in new.item_index:
                changes.append(ItemChange(old=item.id, change="removed"))
                continue
            other = new.item(item.id)
            s_old, s_new = old.scales[item.scale], new.scales[other.scale]
            if (s_old.options, s_old.low) != (s_new.options, s_new.low) or item.reverse != other.reverse:
                kind: ChangeKind = "rescaled"
            elif item.text != other.text:
                kind = "reworded"
            else:
                kind = "same"
            changes.append(ItemChange(old=item.id, new=other.id, change=kind))
        changes += [ItemChange(new=i.id, change="new") for i in new.items if i.id not in old.item_index]
    old_caps = {c.id for c in old.capabilities}
    new_caps = {c.id for c in new.capabilities}
    return InstrumentDiff(
        old=old.ref,
        new=new.ref,
        declared=declared,
        changes=changes,
        capabilities_added=sorted(new_caps - old_caps),
        capabilities_removed=sorted(old_caps - new_caps),
    )

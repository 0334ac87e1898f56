"""The questionnaire (instrument) model: scales, capabilities, items, maturity levels and actions.

An instrument is one YAML file, ``questionnaires/<id>/<semver>.yaml`` (loaded by
:mod:`questionnaires.loader`). Validation is pydantic plus cross-reference checks, and reports every
problem with the path inside the YAML, e.g. ``capabilities[3].items[2].scale``.

Published versions are immutable: :func:`content_hash` of the normalised content is recorded in
``questionnaires/lock.json`` and checked by :mod:`questionnaires.lock`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from questionnaires.errors import QuestionnaireError

__all__ = [
    "LEVELS",
    "Action",
    "Capability",
    "ChangeKind",
    "CostBand",
    "Instrument",
    "Item",
    "ItemChange",
    "Kpi",
    "Scale",
    "content_hash",
]

LEVELS = (1, 2, 3, 4, 5)
_ID = r"^[A-Z][A-Z0-9]{1,7}$"
_ITEM_ID = r"^[A-Z][A-Z0-9]{1,7}-\d{2}$"
_SEMVER = r"^\d+\.\d+\.\d+$"
_ROLE_ID = r"^[a-z][a-z0-9_]+$"


def _semver_key(v: str) -> tuple[int, ...]:
    return tuple(int(p) for p in v.split("."))


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
            raise ValueError(f"has {self.options} options but {len(self.descriptors)} descriptors")
        return self


class Item(_Strict):
    """One question, answered for the current state and, when ``target`` is true, the target state."""

    id: str = Field(pattern=_ITEM_ID)
    text: str = Field(min_length=10)
    scale: str
    reverse: bool = False
    na_allowed: bool = True
    roles: list[str] = Field(default_factory=list)
    weight: float = Field(default=1.0, gt=0)
    help: str | None = None
    target: bool = True


CostBand = Literal["low", "medium", "high", "capital"]


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
    cost_band: CostBand | None = None
    done_when: str | None = Field(default=None, min_length=15)
    approved_by: str | None = None

    @property
    def to_level(self) -> int:
        return self.from_level + 1


class Kpi(_Strict):
    """A key performance indicator of a capability: what is counted, in which unit, which way is better."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9]{1,7}-K\d+$")
    name: str = Field(min_length=3)
    definition: str = Field(min_length=20)
    unit: str = Field(min_length=1)
    direction: Literal["higher", "lower"]


class Capability(_Strict):
    """A customer-centricity capability, its maturity levels, actions, items and KPIs."""

    id: str = Field(pattern=_ID)
    name: str
    description: str = ""
    weight: float = Field(default=1.0, gt=0)
    prerequisites: list[str] = Field(default_factory=list)
    levels: dict[int, str]
    actions: list[Action] = Field(default_factory=list)
    items: list[Item] = Field(min_length=1)
    kpis: list[Kpi] = Field(default_factory=list)
    gate_kpi: str | None = None

    @field_validator("levels")
    @classmethod
    def _five_levels(cls, v: dict[int, str]) -> dict[int, str]:
        missing = [lv for lv in LEVELS if lv not in v]
        extra = sorted(lv for lv in v if lv not in LEVELS)
        if missing or extra:
            what = []
            if missing:
                what.append(
                    f"missing level{'s' * (len(missing) > 1)} {', '.join(map(str, missing))}"
                )
            if extra:
                what.append(
                    f"unexpected level{'s' * (len(extra) > 1)} {', '.join(map(str, extra))}"
                )
            raise ValueError(f"must describe each of the levels 1-5 once: {'; '.join(what)}")
        return v

    def actions_from(self, level: int) -> list[Action]:
        """Actions that take this capability from ``level`` to ``level + 1``.

        Parameters
        ----------
        level : int
            The level to move up from (1–4).

        Returns
        -------
        list of Action
            The actions, in instrument order.
        """
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
    owner_roles: dict[
        Annotated[str, StringConstraints(pattern=_ROLE_ID)], Annotated[str, Field(min_length=20)]
    ] = Field(default_factory=dict, json_schema_extra={"additionalProperties": False})
    rate_levels: bool = False
    target_horizon_months: int | None = Field(default=None, ge=6, le=60)
    investment_points: int | None = Field(default=None, ge=1)

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
        """Checks that need the whole instrument: ids, references, roles, cycles, item map."""
        errors: list[tuple[Loc, str]] = []
        cap_ids = [c.id for c in self.capabilities]
        _dupes(
            cap_ids,
            "capability id",
            [("capabilities", k, "id") for k in range(len(cap_ids))],
            errors,
        )
        item_locs = [
            ("capabilities", ci, "items", ii, "id")
            for ci, c in enumerate(self.capabilities)
            for ii in range(len(c.items))
        ]
        _dupes([i.id for i in self.items], "item id", item_locs, errors)
        action_locs = [
            ("capabilities", ci, "actions", ai, "id")
            for ci, c in enumerate(self.capabilities)
            for ai in range(len(c.actions))
        ]
        action_ids = [a.id for c in self.capabilities for a in c.actions]
        _dupes(action_ids, "action id", action_locs, errors)
        known_actions = set(action_ids)
        for ci, cap in enumerate(self.capabilities):
            where: Loc = ("capabilities", ci)
            _references(
                cap.prerequisites,
                cap.id,
                set(cap_ids),
                (*where, "prerequisites"),
                f"{cap.id} cannot require itself",
                lambda p: f"unknown capability {p!r}; defined: {', '.join(cap_ids)}",
                errors,
            )
            for ii, item in enumerate(cap.items):
                iw: Loc = (*where, "items", ii)
                if not item.id.startswith(cap.id + "-"):
                    errors.append(((*iw, "id"), f"{item.id!r} must start with {cap.id + '-'!r}"))
                if item.scale not in self.scales:
                    errors.append(
                        (
                            (*iw, "scale"),
                            f"unknown scale {item.scale!r}; defined: {', '.join(sorted(self.scales))}",
                        )
                    )
                for ri, r in enumerate(item.roles):
                    if r not in self.roles:
                        errors.append(
                            (
                                (*iw, "roles", ri),
                                f"unknown role {r!r}; defined: {', '.join(self.roles)}",
                            )
                        )
            for ai, act in enumerate(cap.actions):
                aw: Loc = (*where, "actions", ai)
                if not act.id.startswith(cap.id + "-"):
                    errors.append(((*aw, "id"), f"{act.id!r} must start with {cap.id + '-'!r}"))
                elif act.id.split("-")[1] != f"A{act.from_level}":
                    errors.append(
                        (
                            (*aw, "id"),
                            f"{act.id!r} has from_level {act.from_level}; action ids are "
                            f"<CAPABILITY>-A<from_level>-<n>, e.g. {cap.id}-A{act.from_level}-1",
                        )
                    )
                _references(
                    act.depends_on,
                    act.id,
                    known_actions,
                    (*aw, "depends_on"),
                    f"{act.id} cannot depend on itself",
                    lambda d: f"unknown action {d!r}; use an action id defined in this file",
                    errors,
                )
        errors.extend(_cycles(self.capabilities))
        errors.extend(_action_cycles(self.capabilities))
        for ri, r in enumerate(self.management_roles):
            if r not in self.roles:
                errors.append(
                    (
                        ("management_roles", ri),
                        f"unknown role {r!r}; defined: {', '.join(self.roles)}",
                    )
                )
        errors.extend(self._check_item_map())
        errors.extend(self._check_targets())
        errors.extend(self._check_owners())
        errors.extend(_check_kpis(self.capabilities))
        if errors:
            raise _Problems(errors)
        return self

    def _check_item_map(self) -> list[tuple[Loc, str]]:
        errors: list[tuple[Loc, str]] = []
        if self.supersedes is not None:
            if not re.match(r"^[a-z][a-z0-9-]+@\d+\.\d+\.\d+$", self.supersedes):
                errors.append(
                    (("supersedes",), f"{self.supersedes!r} must look like {self.id}@1.0.0")
                )
            elif _semver_key(self.supersedes.split("@")[1]) >= _semver_key(self.version) and (
                self.supersedes.split("@")[0] == self.id
            ):
                errors.append(
                    (("supersedes",), f"{self.supersedes} is not older than version {self.version}")
                )
        elif self.item_map:
            errors.append((("item_map",), "an item map needs `supersedes: <id>@<version>`"))
        own = set(self.item_index)
        seen_new: set[str] = set()
        seen_old: set[str] = set()
        for k, ch in enumerate(self.item_map):
            loc: Loc = ("item_map", k)
            needs_old = ch.change != "new"
            needs_new = ch.change != "removed"
            if needs_old and not ch.old:
                errors.append(
                    (
                        (*loc, "old"),
                        f"a {ch.change!r} entry needs `old:` (the item id in the old version)",
                    )
                )
            if not needs_old and ch.old:
                errors.append(((*loc, "old"), "a 'new' item has no `old:`"))
            if needs_new and not ch.new:
                errors.append(
                    (
                        (*loc, "new"),
                        f"a {ch.change!r} entry needs `new:` (the item id in this version)",
                    )
                )
            if not needs_new and ch.new:
                errors.append(((*loc, "new"), "a 'removed' item has no `new:`"))
            if ch.new and ch.new not in own:
                errors.append(((*loc, "new"), f"{ch.new!r} is not an item of this version"))
            if ch.new in seen_new or ch.old in seen_old:
                errors.append((loc, f"item {ch.new or ch.old!r} is mapped twice"))
            if ch.new:
                seen_new.add(ch.new)
            if ch.old:
                seen_old.add(ch.old)
        return errors

    def _check_targets(self) -> list[tuple[Loc, str]]:
        """Level ratings: a horizon, investment points, no target on a reverse-keyed item."""
        errors: list[tuple[Loc, str]] = []
        n_caps = len(self.capabilities)
        if self.rate_levels and self.target_horizon_months is None:
            errors.append(
                (
                    ("rate_levels",),
                    "rated levels ask for the level each capability should reach in N months; "
                    "set target_horizon_months (6-60)",
                )
            )
        if self.investment_points is not None:
            if not self.rate_levels:
                errors.append(
                    (
                        ("investment_points",),
                        "investment points are allocated across capabilities only when levels "
                        "are rated; set rate_levels: true or remove investment_points",
                    )
                )
            elif self.investment_points < n_caps:
                errors.append(
                    (
                        ("investment_points",),
                        f"{self.investment_points} points cannot give each of the {n_caps} "
                        f"capabilities one; use at least {n_caps} (100 is usual)",
                    )
                )
        if not self.rate_levels:
            return errors
        for ci, cap in enumerate(self.capabilities):
            for ii, item in enumerate(cap.items):
                if item.reverse and item.target:
                    errors.append(
                        (
                            ("capabilities", ci, "items", ii, "target"),
                            "a reverse-keyed statement asks no target when levels are rated "
                            "(the target is the capability's level); set `target: false`, or "
                            "rewrite it as a positively keyed practice",
                        )
                    )
        return errors

    def _check_owners(self) -> list[tuple[Loc, str]]:
        """With an owner vocabulary, every action's owner and approver is one of its ids."""
        if not self.owner_roles:
            return []
        errors: list[tuple[Loc, str]] = []
        defined = ", ".join(self.owner_roles)
        for ci, cap in enumerate(self.capabilities):
            for ai, act in enumerate(cap.actions):
                for name in ("owner_role", "approved_by"):
                    value = getattr(act, name)
                    if value is not None and value not in self.owner_roles:
                        errors.append(
                            (
                                ("capabilities", ci, "actions", ai, name),
                                f"unknown {name.replace('_', ' ')} {value!r}; "
                                f"use an id of owner_roles: {defined}",
                            )
                        )
        return errors

    # -- navigation -------------------------------------------------------------------------
    @property
    def ref(self) -> str:
        """``id@version``, the way the CLI and the store name an instrument version."""
        return f"{self.id}@{self.version}"

    def iter_items(self) -> Iterator[tuple[Capability, Item]]:
        """Every item with its capability, in questionnaire order.

        Yields
        ------
        tuple of (Capability, Item)
            A capability and one of its items.
        """
        for cap in self.capabilities:
            for item in cap.items:
                yield cap, item

    @cached_property
    def items(self) -> tuple[Item, ...]:
        """All items in questionnaire order."""
        return tuple(i for _, i in self.iter_items())

    @cached_property
    def item_index(self) -> dict[str, int]:
        """Item id → position in :attr:`items`."""
        return {item.id: k for k, item in enumerate(self.items)}

    @cached_property
    def _capability_by_id(self) -> dict[str, Capability]:
        return {c.id: c for c in self.capabilities}

    def capability(self, cap_id: str) -> Capability:
        """The capability with id ``cap_id``.

        Parameters
        ----------
        cap_id : str
            A capability id.

        Returns
        -------
        Capability
            The capability.

        Raises
        ------
        questionnaires.errors.QuestionnaireError
            When the instrument has no such capability (naming those it has).
        """
        try:
            return self._capability_by_id[cap_id]
        except KeyError:
            raise QuestionnaireError(
                f"{self.ref} has no capability {cap_id!r}; it has {', '.join(self._capability_by_id)}"
            ) from None

    def item(self, item_id: str) -> Item:
        """The item with id ``item_id``.

        Parameters
        ----------
        item_id : str
            An item id.

        Returns
        -------
        Item
            The item.

        Raises
        ------
        questionnaires.errors.QuestionnaireError
            When the instrument has no such item.
        """
        try:
            return self.items[self.item_index[item_id]]
        except KeyError:
            raise QuestionnaireError(f"{self.ref} has no item {item_id!r}") from None

    def capability_of(self, item_id: str) -> Capability:
        """The capability an item belongs to (by the item id's prefix).

        Parameters
        ----------
        item_id : str
            An item id, ``<CAP>-<nn>``.

        Returns
        -------
        Capability
            Its capability.

        Raises
        ------
        questionnaires.errors.QuestionnaireError
            When the instrument has no such capability.
        """
        return self.capability(item_id.split("-", 1)[0])

    def scale_of(self, item_id: str) -> Scale:
        """The answer scale of an item.

        Parameters
        ----------
        item_id : str
            An item id.

        Returns
        -------
        Scale
            The item's scale.

        Raises
        ------
        questionnaires.errors.QuestionnaireError
            When the instrument has no such item.
        """
        return self.scales[self.item(item_id).scale]

    @cached_property
    def content_hash(self) -> str:
        """:func:`content_hash` of this instrument (computed once)."""
        return content_hash(self)


Loc = tuple[str | int, ...]


class _Problems(ValueError):
    """Cross-reference problems, each with its location in the file (kept apart for reporting)."""

    def __init__(self, problems: list[tuple[Loc, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{_fmt_loc(loc)}: {msg}" for loc, msg in problems))


def _references(
    refs: Sequence[str],
    own: str,
    known: set[str],
    loc: Loc,
    itself: str,
    unknown: Callable[[str], str],
    errors: list[tuple[Loc, str]],
) -> None:
    """Each of ``refs`` (prerequisites, dependencies) names a ``known`` id other than ``own``."""
    for i, ref in enumerate(refs):
        if ref == own:
            errors.append(((*loc, i), itself))
        elif ref not in known:
            errors.append(((*loc, i), unknown(ref)))


def _dupes(ids: list[str], what: str, locs: Sequence[Loc], errors: list[tuple[Loc, str]]) -> None:
    first: dict[str, Loc] = {}
    for i, loc in zip(ids, locs, strict=True):
        if i in first:
            errors.append((loc, f"duplicate {what} {i!r} (first used at {_fmt_loc(first[i])})"))
        else:
            first[i] = loc


def _find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Every cycle found by a depth-first search over ``graph`` (node -> successors)."""
    state: dict[str, int] = {}
    found: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt in graph and state.get(nxt) is None:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [node])
    return found


def _cycles(caps: list[Capability]) -> list[tuple[Loc, str]]:
    index = {c.id: k for k, c in enumerate(caps)}
    graph = {c.id: [p for p in c.prerequisites if p != c.id] for c in caps}
    return [
        (
            ("capabilities", index[cycle[0]], "prerequisites"),
            f"prerequisites form a cycle: {' -> '.join(cycle)}; remove one of these prerequisites",
        )
        for cycle in _find_cycles(graph)
    ]


def _action_cycles(caps: list[Capability]) -> list[tuple[Loc, str]]:
    where = {
        a.id: ("capabilities", ci, "actions", ai, "depends_on")
        for ci, c in enumerate(caps)
        for ai, a in enumerate(c.actions)
    }
    graph = {a.id: [d for d in a.depends_on if d != a.id] for c in caps for a in c.actions}
    return [
        (where[cycle[0]], f"actions depend on each other in a cycle: {' -> '.join(cycle)}")
        for cycle in _find_cycles(graph)
    ]


def _check_kpis(caps: list[Capability]) -> list[tuple[Loc, str]]:
    """KPI ids start with their capability id and are unique; ``gate_kpi`` names one of them."""
    errors: list[tuple[Loc, str]] = []
    for ci, cap in enumerate(caps):
        where: Loc = ("capabilities", ci)
        ids = [k.id for k in cap.kpis]
        _dupes(ids, "KPI id", [(*where, "kpis", k, "id") for k in range(len(ids))], errors)
        for ki, kpi in enumerate(cap.kpis):
            if not kpi.id.startswith(cap.id + "-"):
                errors.append(
                    (
                        (*where, "kpis", ki, "id"),
                        f"{kpi.id!r} must start with {cap.id + '-'!r}, e.g. {cap.id}-K{ki + 1}",
                    )
                )
        if cap.gate_kpi is not None and cap.gate_kpi not in ids:
            have = f"defined: {', '.join(ids)}" if ids else f"{cap.id} defines no kpis"
            errors.append(
                ((*where, "gate_kpi"), f"{cap.gate_kpi!r} is not a KPI of {cap.id}; {have}")
            )
    return errors


def _fmt_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def content_hash(instrument: Instrument) -> str:
    """SHA-256 of the instrument's normalised content (canonical JSON of the validated model).

    Formatting, comments, key order and spelling out a default value (``reverse: false``) do not
    change the hash; any change of meaning does. Fields equal to their default are left out, so a
    later release that adds an optional field to the model keeps every published hash valid.

    Parameters
    ----------
    instrument : Instrument
        A validated instrument.

    Returns
    -------
    str
        ``"sha256:<hex digest>"``.
    """
    data = instrument.model_dump(mode="json", exclude_defaults=True)
    payload = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()

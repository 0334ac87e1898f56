"""What changed between two instrument versions: item by item (for trends across versions), and
every other field (owners, KPIs, cost bands, done criteria, levels, targets) for the reader."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field

from questionnaires.model import Action, ChangeKind, Instrument, Item, ItemChange, _Strict

__all__ = ["FieldChange", "InstrumentDiff", "diff_instruments"]

Subject = Literal["instrument", "owner_role", "capability", "level", "kpi", "action", "item"]


class FieldChange(_Strict):
    """One change outside the item map: a field of the instrument, a capability, a KPI, an action.

    Attributes
    ----------
    kind : str
        ``"<subject> added"``, ``"<subject> removed"`` or ``"<subject> <field> changed"``, e.g.
        ``"kpi added"``, ``"action cost_band changed"``, ``"owner_role removed"``.
    subject : str
        What changed: ``instrument``, ``owner_role``, ``capability``, ``level``, ``kpi``,
        ``action`` or ``item``.
    id : str
        Its id: the instrument id, an owner-role id, a capability, ``<CAP>.<level>``, a KPI,
        action or item id (the new item id of a mapped item).
    field : str or None
        The field that changed; None when the whole subject was added or removed.
    old : str or None
        The old value as text (lists comma-separated; the name or title of a removed KPI or
        action); None when there was none.
    new : str or None
        The new value as text; None when there is none.
    """

    kind: str
    subject: Subject
    id: str
    field: str | None = None
    old: str | None = None
    new: str | None = None


class InstrumentDiff(_Strict):
    """Differences between two instrument versions, item by item.

    Attributes
    ----------
    old : str
        Reference (``id@version``) of the older version.
    new : str
        Reference of the newer version.
    declared : bool
        True when ``new`` supersedes ``old`` and its item map was used.
    changes : list of ItemChange
        One entry per item of either version.
    capabilities_added : list of str
        Capability ids only ``new`` has.
    capabilities_removed : list of str
        Capability ids only ``old`` has.
    field_changes : list of FieldChange
        Every other change, in file order: instrument fields, owner roles, capability fields and
        levels, KPIs, actions (added, removed, each changed field) and item fields outside the item
        map (``target``, ``roles``, ``na_allowed``, ``weight``, ``help``).
    """

    old: str
    new: str
    declared: bool
    changes: list[ItemChange]
    capabilities_added: list[str]
    capabilities_removed: list[str]
    field_changes: list[FieldChange] = Field(default_factory=list)

    @property
    def comparable(self) -> list[tuple[str, str]]:
        """(old, new) item id pairs whose answers can be compared across the versions."""
        return [
            (c.old, c.new)
            for c in self.changes
            if c.change in ("same", "reworded") and c.old and c.new
        ]

    @property
    def dropped(self) -> list[str]:
        """Item ids (old id, else new) whose answers cannot be compared across the versions."""
        return [c.old or c.new or "" for c in self.changes if c.change not in ("same", "reworded")]


def _infer_change(old: Instrument, new: Instrument, item: Item, other: Item) -> ChangeKind:
    """same / reworded / rescaled for an item present in both versions."""
    s_old, s_new = old.scales[item.scale], new.scales[other.scale]
    if (s_old.options, s_old.low, s_old.labels, item.reverse) != (
        s_new.options,
        s_new.low,
        s_new.labels,
        other.reverse,
    ):
        return "rescaled"
    return "reworded" if item.text != other.text else "same"


def diff_instruments(old: Instrument, new: Instrument) -> InstrumentDiff:
    """Compare two versions item by item.

    When ``new`` supersedes ``old``, the entries of its ``item_map`` are used as declared (they may
    rename items); every item the map does not mention is matched by id and classified from its
    scale, direction and text: ``rescaled`` (options, lowest value, labels or reverse-coding
    differ), ``reworded`` (text differs), ``same``; unmatched items are ``removed`` or ``new``.
    Only ``same`` and ``reworded`` items are comparable across the versions. Everything else that
    differs is listed in ``field_changes`` (see :class:`FieldChange`); capabilities are matched by
    id, and so are KPIs, actions and owner roles.

    Parameters
    ----------
    old : questionnaires.model.Instrument
        The earlier version.
    new : questionnaires.model.Instrument
        The later version.

    Returns
    -------
    InstrumentDiff
        The item changes, the capabilities added and removed, and the other field changes.
    """
    declared = new.supersedes == old.ref and bool(new.item_map)
    changes: list[ItemChange] = list(new.item_map) if declared else []
    mapped_old = {c.old for c in changes if c.old}
    mapped_new = {c.new for c in changes if c.new}
    for item in old.items:
        if item.id in mapped_old:
            continue
        if item.id in new.item_index and item.id not in mapped_new:
            kind = _infer_change(old, new, item, new.item(item.id))
            changes.append(ItemChange(old=item.id, new=item.id, change=kind))
            mapped_new.add(item.id)
        else:
            changes.append(ItemChange(old=item.id, change="removed"))
    changes += [ItemChange(new=i.id, change="new") for i in new.items if i.id not in mapped_new]
    old_caps = {c.id for c in old.capabilities}
    new_caps = {c.id for c in new.capabilities}
    return InstrumentDiff(
        old=old.ref,
        new=new.ref,
        declared=declared,
        changes=changes,
        capabilities_added=sorted(new_caps - old_caps),
        capabilities_removed=sorted(old_caps - new_caps),
        field_changes=list(_field_changes(old, new, changes)),
    )


_INSTRUMENT_FIELDS = (
    "title",
    "description",
    "languages",
    "roles",
    "management_roles",
    "rate_levels",
    "target_horizon_months",
    "investment_points",
)
_CAPABILITY_FIELDS = ("name", "description", "weight", "prerequisites", "gate_kpi")
_ITEM_FIELDS = ("target", "roles", "na_allowed", "weight", "help")


def _text(value: Any) -> str | None:
    """A field value as text: lists comma-separated, booleans lower-case, None kept."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


def _label(value: Any) -> str | None:
    """The name of a KPI or the title of an action, shown when it is added or removed."""
    label = getattr(value, "name", None) or getattr(value, "title", None)
    return str(label) if label is not None else None


def _fields(
    subject: Subject, ident: str, old: BaseModel, new: BaseModel, names: tuple[str, ...]
) -> Iterator[FieldChange]:
    for name in names:
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            yield FieldChange(
                kind=f"{subject} {name} changed",
                subject=subject,
                id=ident,
                field=name,
                old=_text(a),
                new=_text(b),
            )


def _matched(
    subject: Subject,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    names: tuple[str, ...] | None = None,
) -> Iterator[FieldChange]:
    """Added, removed and (field by field, or as one value without ``names``) changed entries."""
    for ident, value in old.items():
        if ident not in new:
            yield FieldChange(
                kind=f"{subject} removed",
                subject=subject,
                id=ident,
                old=_text(value) if names is None else _label(value),
            )
        elif names is None:
            if value != new[ident]:
                yield FieldChange(
                    kind=f"{subject} changed",
                    subject=subject,
                    id=ident,
                    old=_text(value),
                    new=_text(new[ident]),
                )
        else:
            yield from _fields(subject, ident, value, new[ident], names)
    for ident, value in new.items():
        if ident not in old:
            yield FieldChange(
                kind=f"{subject} added",
                subject=subject,
                id=ident,
                new=_text(value) if names is None else _label(value),
            )


def _actions(inst: Instrument) -> dict[str, Action]:
    return {a.id: a for c in inst.capabilities for a in c.actions}


def _field_changes(
    old: Instrument, new: Instrument, changes: list[ItemChange]
) -> Iterator[FieldChange]:
    """Every change :func:`diff_instruments` reports besides the item map, in file order."""
    yield from _fields("instrument", new.id, old, new, _INSTRUMENT_FIELDS)
    yield from _matched("owner_role", old.owner_roles, new.owner_roles)
    old_caps = {c.id: c for c in old.capabilities}
    for cap in new.capabilities:
        was = old_caps.get(cap.id)
        if was is None:
            continue  # listed in capabilities_added
        yield from _fields("capability", cap.id, was, cap, _CAPABILITY_FIELDS)
        yield from _matched(
            "level",
            {f"{cap.id}.{lv}": t for lv, t in sorted(was.levels.items())},
            {f"{cap.id}.{lv}": t for lv, t in sorted(cap.levels.items())},
        )
        yield from _matched(
            "kpi",
            {k.id: k for k in was.kpis},
            {k.id: k for k in cap.kpis},
            ("name", "definition", "unit", "direction"),
        )
    action_fields = tuple(f for f in Action.model_fields if f != "id")
    yield from _matched("action", _actions(old), _actions(new), action_fields)
    for ch in changes:
        if ch.old and ch.new and ch.old in old.item_index and ch.new in new.item_index:
            yield from _fields("item", ch.new, old.item(ch.old), new.item(ch.new), _ITEM_FIELDS)

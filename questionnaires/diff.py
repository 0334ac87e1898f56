"""What changed between two instrument versions, item by item (for trends across versions)."""

from __future__ import annotations

from questionnaires.model import ChangeKind, Instrument, Item, ItemChange, _Strict

__all__ = ["InstrumentDiff", "diff_instruments"]


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
    """

    old: str
    new: str
    declared: bool
    changes: list[ItemChange]
    capabilities_added: list[str]
    capabilities_removed: list[str]

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
    Only ``same`` and ``reworded`` items are comparable across the versions.

    Parameters
    ----------
    old : questionnaires.model.Instrument
        The earlier version.
    new : questionnaires.model.Instrument
        The later version.

    Returns
    -------
    InstrumentDiff
        The item changes and the capabilities added and removed.
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
    )

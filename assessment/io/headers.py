"""The vocabulary of response files: column names, layouts and sheet names (a leaf module).

Long files (``docs/cli.md#response-files``) have one row per answer (``item`` column); wide
files one row per
respondent, with item columns such as ``MET-03`` and ``MET-03.target``; a filled-in template is a
long file with ``capability`` and ``question`` columns (see :mod:`assessment.io.template`).

Capability-level answers (instruments with ``rate_levels``) are long rows whose ``item`` is the
capability id (``CUL``) with an optional ``points`` column, or in a wide file the columns ``CUL``
(level today), ``CUL.target``, ``CUL.points``, ``CUL.na``, ``CUL.comment``
(:func:`capability_columns`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING

from questionnaires.answers import CAPABILITY_COLUMNS, LONG_COLUMNS

if TYPE_CHECKING:
    from questionnaires.answers import ResponseRecord

__all__ = [
    "ANSWER_COLUMNS",
    "CAPABILITY_COLUMN",
    "CAPABILITY_COLUMNS",
    "CAPABILITY_SUFFIXES",
    "FILL_DOWN",
    "IGNORED_QUIETLY",
    "ITEM_COLUMN",
    "LONG_COLUMNS",
    "LONG_REQUIRED",
    "META_SHEET",
    "MISSING",
    "RESPONSES_SHEET",
    "TEMPLATE_COLUMNS",
    "TEMPLATE_LEVEL_COLUMNS",
    "TEMPLATE_ONLY",
    "WAVES_COLUMNS",
    "WAVES_SHEET",
    "WIDE_META",
    "WIDE_REQUIRED",
    "WIDE_SUFFIXES",
    "capability_columns",
    "detect_layout",
    "export_columns",
    "is_capability_id",
    "is_template_header",
]

LONG_REQUIRED = ("respondent", "role", "department", "item", "current")
WIDE_REQUIRED = ("respondent", "role", "department")
WIDE_META = ("wave", "respondent", "role", "department")
WIDE_SUFFIXES = ("target", "na", "comment", "confidence")
MISSING = frozenset({"", "na", "n/a"})
ITEM_COLUMN = re.compile(rf"^([A-Z][A-Z0-9]{{1,7}}-\d{{2}})(?:\.({'|'.join(WIDE_SUFFIXES)}))?$")
CAPABILITY_SUFFIXES = ("target", "points", "na", "comment", "confidence")
CAPABILITY_COLUMN = re.compile(rf"^([A-Z][A-Z0-9]{{1,7}})(?:\.({'|'.join(CAPABILITY_SUFFIXES)}))?$")
_CAPABILITY_ID = re.compile(r"[A-Z][A-Z0-9]{1,7}")
# columns that carry no answers and are expected: a `centric template` sheet's reference columns
IGNORED_QUIETLY = frozenset({"capability", "question", ""})

TEMPLATE_COLUMNS = (
    "wave",
    "respondent",
    "role",
    "department",
    "capability",
    "item",
    "question",
    "current",
    "target",
    "confidence",
    "comment",
)
TEMPLATE_LEVEL_COLUMNS = (*TEMPLATE_COLUMNS[:9], *CAPABILITY_COLUMNS, *TEMPLATE_COLUMNS[9:])
"""The template columns for an instrument that rates levels: ``points`` follows ``target``."""
TEMPLATE_ONLY = ("capability", "question")
FILL_DOWN = ("wave", "respondent", "role", "department")
ANSWER_COLUMNS = ("current", "target", "na", "confidence", "comment", *CAPABILITY_COLUMNS)

# sheets of the workbooks centric writes (exports, templates)
RESPONSES_SHEET = "responses"
WAVES_SHEET = "waves"
META_SHEET = "_centric"
WAVES_COLUMNS = ("organisation", "wave", "instrument", "instrument_hash")


def is_capability_id(item: str) -> bool:
    """True when ``item`` has the shape of a capability id (``CUL``), not of an item (``CUL-01``).

    Parameters
    ----------
    item : str
        The ``item`` of a record.

    Returns
    -------
    bool
        Whether the record is a capability-level answer.
    """
    return _CAPABILITY_ID.fullmatch(item) is not None


@cache
def _rated_capability_ids() -> frozenset[str]:
    """The capability ids of every catalogue instrument that rates levels (``CUL``, ...)."""
    from questionnaires.catalogue import get_instrument, list_instruments
    from questionnaires.errors import QuestionnaireError

    ids: set[str] = set()
    for name, version, _ in list_instruments():
        try:
            inst = get_instrument(f"{name}@{version}")
        except QuestionnaireError:  # a broken catalogue entry is reported where it is used
            continue
        if inst.rate_levels:
            ids.update(c.id for c in inst.capabilities)
    return frozenset(ids)


def capability_columns(
    header: Iterable[str], capabilities: Collection[str] = ()
) -> dict[str, None]:
    """The capability ids a wide header has columns for, in order of first appearance.

    A column ``CUL.target``, ``CUL.points``, ``CUL.na``, ``CUL.comment`` or ``CUL.confidence``
    (an upper-case id and a suffix) always names a capability; a bare ``CUL`` (the level rated
    true today) does when ``CUL`` is in ``capabilities``, is a capability of a catalogue
    instrument that rates levels, or has one of those suffixed columns too. Any other bare
    upper-case column (``NPS``) keeps the handling of unknown columns.

    Parameters
    ----------
    header : iterable of str
        The column names.
    capabilities : collection of str, default ()
        Capability ids known from the instrument, when it is known.

    Returns
    -------
    dict of str to None
        The capability ids (an ordered set).
    """
    cols = list(header)
    suffixed = {m.group(1) for c in cols if (m := CAPABILITY_COLUMN.match(c)) and m.group(2)}
    known = suffixed | set(capabilities) | _rated_capability_ids()
    found: dict[str, None] = {}
    for col in cols:
        m = CAPABILITY_COLUMN.match(col)
        if m and (m.group(2) or m.group(1) in known):
            found.setdefault(m.group(1))
    return found


def export_columns(records: Iterable[ResponseRecord]) -> tuple[str, ...]:
    """The columns of a CSV/XLSX export of ``records``.

    ``LONG_COLUMNS``, then ``points`` when any record is a capability-level answer (its ``item``
    a capability id such as ``CUL``) or carries points.

    Parameters
    ----------
    records : iterable of ResponseRecord
        The answers exported.

    Returns
    -------
    tuple of str
        The column names, in order.
    """
    if any(r.points is not None or is_capability_id(r.item) for r in records):
        return (*LONG_COLUMNS, *CAPABILITY_COLUMNS)
    return LONG_COLUMNS


def detect_layout(header: Sequence[str]) -> str:
    """``"long"`` when there is an ``item`` column, ``"wide"`` when columns are item ids.

    Capability columns (:func:`capability_columns`) make a header wide too.

    Parameters
    ----------
    header : sequence of str
        The column names.

    Returns
    -------
    str
        ``"long"`` or ``"wide"``.
    """
    cols = {h.strip().lstrip("\ufeff").casefold() for h in header}
    if "item" in cols:
        return "long"
    if any(ITEM_COLUMN.match(h.strip()) for h in header):
        return "wide"
    if capability_columns(h.strip() for h in header):
        return "wide"
    return "unknown"


def is_template_header(header: Sequence[str]) -> bool:
    """True for a long-format header with a ``question`` column (a filled-in template).

    Parameters
    ----------
    header : sequence of str
        The column names.

    Returns
    -------
    bool
        Whether the rows follow the template conventions.
    """
    cols = {h.strip().casefold() for h in header}
    return "question" in cols and "item" in cols

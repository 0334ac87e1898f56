"""The vocabulary of response files: column names, layouts and sheet names (a leaf module).

Long files (``docs/cli.md#response-files``) have one row per answer (``item`` column); wide
files one row per
respondent, with item columns such as ``MET-03`` and ``MET-03.target``; a filled-in template is a
long file with ``capability`` and ``question`` columns (see :mod:`assessment.io.template`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from questionnaires.answers import LONG_COLUMNS

__all__ = [
    "ANSWER_COLUMNS",
    "FILL_DOWN",
    "IGNORED_QUIETLY",
    "ITEM_COLUMN",
    "LONG_COLUMNS",
    "LONG_REQUIRED",
    "META_SHEET",
    "MISSING",
    "RESPONSES_SHEET",
    "TEMPLATE_COLUMNS",
    "TEMPLATE_ONLY",
    "WAVES_COLUMNS",
    "WAVES_SHEET",
    "WIDE_META",
    "WIDE_REQUIRED",
    "WIDE_SUFFIXES",
    "detect_layout",
    "is_template_header",
]

LONG_REQUIRED = ("respondent", "role", "department", "item", "current")
WIDE_REQUIRED = ("respondent", "role", "department")
WIDE_META = ("wave", "respondent", "role", "department")
WIDE_SUFFIXES = ("target", "na", "comment", "confidence")
MISSING = frozenset({"", "na", "n/a"})
ITEM_COLUMN = re.compile(rf"^([A-Z][A-Z0-9]{{1,7}}-\d{{2}})(?:\.({'|'.join(WIDE_SUFFIXES)}))?$")
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
TEMPLATE_ONLY = ("capability", "question")
FILL_DOWN = ("wave", "respondent", "role", "department")
ANSWER_COLUMNS = ("current", "target", "na", "confidence", "comment")

# sheets of the workbooks centric writes (exports, templates)
RESPONSES_SHEET = "responses"
WAVES_SHEET = "waves"
META_SHEET = "_centric"
WAVES_COLUMNS = ("organisation", "wave", "instrument", "instrument_hash")


def detect_layout(header: Sequence[str]) -> str:
    """``"long"`` when there is an ``item`` column, ``"wide"`` when columns are item ids.

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

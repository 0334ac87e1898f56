"""The response model: who answered what, as arrays ready for scoring.

Every input format (long or wide CSV, JSON, XLSX, the database) becomes a list of
:class:`ResponseRecord` (the canonical long format of DESIGN §5), and then one :class:`ResponseSet`:
respondents × items matrices of raw option values, with ``NaN`` for N/A or unanswered.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "LONG_COLUMNS",
    "Comment",
    "Respondent",
    "ResponseRecord",
    "ResponseSet",
    "normalise_department",
]

LONG_COLUMNS = (
    "wave",
    "respondent",
    "role",
    "department",
    "item",
    "current",
    "target",
    "na",
    "confidence",
    "comment",
)


def normalise_department(name: str) -> str:
    """Key used to match departments: trimmed, inner whitespace collapsed, case-folded."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class ResponseRecord:
    """One answer in the canonical long format. ``row`` is where it came from, for error messages."""

    wave: str
    respondent: str
    role: str
    department: str
    item: str
    current: int | None
    target: int | None
    na: bool = False
    confidence: int | None = None
    comment: str | None = None
    row: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Respondent:
    """A pseudonymous respondent. ``department`` is for display, ``department_key`` for matching."""

    id: str
    role: str
    department: str

    @property
    def department_key(self) -> str:
        return normalise_department(self.department)


@dataclass(frozen=True)
class Comment:
    respondent: str
    item: str
    text: str


@dataclass(frozen=True, eq=False)
class ResponseSet:
    """All answers of one wave for one instrument version, as respondents × items arrays.

    ``current`` and ``target`` hold raw option values (before reverse coding) as float64 with
    ``NaN`` for N/A or unanswered; ``na`` marks explicit N/A answers; ``confidence`` is 1..3 or NaN.
    Columns follow ``item_ids``, which is the instrument's item order.
    """

    instrument_ref: str
    wave: str
    respondents: tuple[Respondent, ...]
    item_ids: tuple[str, ...]
    current: np.ndarray
    target: np.ndarray
    na: np.ndarray
    confidence: np.ndarray
    comments: tuple[Comment, ...] = ()
    source: str = ""

    @property
    def n_respondents(self) -> int:
        return len(self.respondents)

    @property
    def roles(self) -> np.ndarray:
        import numpy as np

        return np.array([r.role for r in self.respondents], dtype=object)

    @property
    def department_keys(self) -> np.ndarray:
        import numpy as np

        return np.array([r.department_key for r in self.respondents], dtype=object)

    def department_names(self) -> dict[str, str]:
        """Display name of every department key (the first spelling seen)."""
        names: dict[str, str] = {}
        for r in self.respondents:
            names.setdefault(r.department_key, " ".join(r.department.split()))
        return names

    def to_records(self) -> list[ResponseRecord]:
        """Back to the canonical long format (one record per answered or N/A item)."""
        import numpy as np

        comments = {(c.respondent, c.item): c.text for c in self.comments}
        out = []
        for i, r in enumerate(self.respondents):
            for j, item in enumerate(self.item_ids):
                cur, tgt, na = self.current[i, j], self.target[i, j], bool(self.na[i, j])
                if np.isnan(cur) and np.isnan(tgt) and not na:
                    continue
                conf = self.confidence[i, j]
                out.append(
                    ResponseRecord(
                        wave=self.wave,
                        respondent=r.id,
                        role=r.role,
                        department=r.department,
                        item=item,
                        current=None if np.isnan(cur) else int(cur),
                        target=None if np.isnan(tgt) else int(tgt),
                        na=na,
                        confidence=None if np.isnan(conf) else int(conf),
                        comment=comments.get((r.id, item)),
                    )
                )
        return out

    @cached_property
    def data_hash(self) -> str:
        """SHA-256 of the content, independent of row order and file format.

        Hashes, in a canonical order (respondents by id, items by id): the instrument reference, the
        wave, every respondent's id, role and department (whitespace collapsed), the current, target,
        N/A and confidence matrices as little-endian bytes (missing = −1), and the sorted comments.
        Respondents without any answer or N/A are left out, as in :meth:`to_records`.
        """
        import numpy as np

        answered = ~(np.isnan(self.current) & np.isnan(self.target) & ~self.na)
        rows = [i for i in np.flatnonzero(answered.any(axis=1))]
        rows.sort(key=lambda i: self.respondents[i].id)
        cols = sorted(range(len(self.item_ids)), key=self.item_ids.__getitem__)
        people = [
            [r.id, r.role, " ".join(r.department.split())]
            for r in (self.respondents[i] for i in rows)
        ]
        head = [self.instrument_ref, self.wave, people, [self.item_ids[j] for j in cols]]
        digest = hashlib.sha256(json.dumps(head, separators=(",", ":")).encode("utf-8"))
        grid = np.ix_(np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp))
        for matrix in (self.current, self.target, self.confidence):
            sub = np.asarray(matrix, dtype=float)[grid]
            digest.update(np.where(np.isnan(sub), -1.0, sub).astype("<f8").tobytes())
        digest.update(np.asarray(self.na, dtype=bool)[grid].astype(np.uint8).tobytes())
        notes = sorted((c.respondent, c.item, c.text) for c in self.comments)
        digest.update(json.dumps(notes, separators=(",", ":")).encode("utf-8"))
        return "sha256:" + digest.hexdigest()

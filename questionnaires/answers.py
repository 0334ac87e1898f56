"""The response model: who answered what, as arrays ready for scoring.

Every input format (long or wide CSV, JSON, XLSX, the database) becomes a list of
:class:`ResponseRecord` (the canonical long format,
``docs/cli.md#response-files``), and then one :class:`ResponseSet`:
respondents × items matrices of raw option values, with ``NaN`` for N/A or unanswered.

Instruments with ``rate_levels`` (``customer-centricity`` 1.1.0) also ask once per capability:
which level descriptor is true today (``current``), which level the organisation should reach
within ``target_horizon_months`` (``target``), and how many of the ``investment_points`` the
capability gets (``points``). Such an answer is a record whose ``item`` is the capability id
(``CUL``); the set holds them as respondents × capabilities matrices.
:func:`records_to_response_set` is that second step: it checks records against the instrument.
It is domain logic, shared by the file readers (``assessment.io``) and the store, which
therefore do not depend on each other.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from questionnaires.catalogue import DEFAULT_INSTRUMENT, get_instrument, parse_ref
from questionnaires.errors import Problem, QuestionnaireError, ResponseError, StoreError
from questionnaires.model import LEVELS, Instrument

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "CAPABILITY_COLUMNS",
    "LONG_COLUMNS",
    "Comment",
    "Respondent",
    "ResponseRecord",
    "ResponseSet",
    "WaveInfo",
    "choose_instrument",
    "lookalike_note",
    "normalise_department",
    "records_to_response_set",
    "shown",
    "shown_id",
    "skeleton",
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
"""The columns of the long format, in order (``points`` follows when capabilities are rated)."""

CAPABILITY_COLUMNS = ("points",)
"""The long-format column only capability-level answers use: investment points."""


def normalise_department(name: str) -> str:
    """Key used to match departments: trimmed, inner whitespace collapsed, case-folded.

    Parameters
    ----------
    name : str
        A department name as written.

    Returns
    -------
    str
        The key.

    Examples
    --------
    >>> normalise_department("  Customer   Service ")
    'customer service'
    """
    return " ".join(name.split()).casefold()


MAX_ROWS_SHOWN = 5

# Cyrillic and Greek letters that look like Latin ones (Unicode confusables, the common subset).
_LOOKALIKES = dict(
    zip(
        "АВЕКМНОРСТХУаеорсухіјѕІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧον",
        "ABEKMHOPCTXYaeopcyxijsIJSABEZHIKMNOPTYXov",
        strict=True,
    )
)


def _latin_twin(ch: str) -> str | None:
    """The ASCII letter or digit ``ch`` looks like (``С`` Cyrillic -> ``C``, fullwidth ``Ｃ`` ->
    ``C``), else ``None``."""
    import unicodedata

    if ch in _LOOKALIKES:
        return _LOOKALIKES[ch]
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 and folded.isascii() and folded.isalnum() else None


def skeleton(text: str) -> str:
    r"""``text`` with look-alike letters replaced by the Latin letter they look like.

    Parameters
    ----------
    text : str
        An identifier.

    Returns
    -------
    str
        The identifier with Cyrillic, Greek and fullwidth look-alikes turned into ASCII.

    Examples
    --------
    >>> skeleton("\u0421UL-02")
    'CUL-02'
    """
    return "".join(_latin_twin(c) or c for c in text)


def shown_id(text: str) -> str:
    r"""An identifier (item id, column name) quoted for a message, non-ASCII characters escaped.

    So a look-alike cannot pass for the real id.

    Parameters
    ----------
    text : str
        The identifier.

    Returns
    -------
    str
        ``repr``-style quoted, with ``\uXXXX`` escapes.

    Examples
    --------
    >>> print(shown_id("\u0421UL-02"), shown_id("CUL-02"))
    '\u0421UL-02' 'CUL-02'
    """
    return ascii(text)


def shown(text: str) -> str:
    r"""A free text (respondent id, department) for a message, showing what the file holds.

    As it is when every character is printable (accented letters are), else quoted with control,
    bidi and other invisible characters escaped.

    Parameters
    ----------
    text : str
        The text.

    Returns
    -------
    str
        ``text``, or its escaped quoted form.

    Examples
    --------
    >>> print(shown("Müller"), shown("R1\u202e"))
    Müller 'R1\u202e'
    """
    return text if text.isprintable() else repr(text)


def lookalike_note(text: str) -> str:
    """A note naming the first look-alike character of an id that should be ASCII.

    Parameters
    ----------
    text : str
        The identifier.

    Returns
    -------
    str
        ``"; it contains the non-ASCII character U+0421 (CYRILLIC CAPITAL LETTER ES) at position 1,
        which looks like the Latin letter 'C'"``, or ``""`` for an ASCII id.
    """
    import unicodedata

    for k, ch in enumerate(text):
        if ch.isascii():
            continue
        name = unicodedata.name(ch, "unnamed")
        twin = _latin_twin(ch)
        if twin is None:
            looks = "; ids use ASCII letters, digits and '-' only"
        else:
            looks = (
                f", which looks like the Latin {'digit' if twin.isdigit() else 'letter'} {twin!r}"
            )
        return (
            f"; it contains the non-ASCII character U+{ord(ch):04X} ({name}) at position {k + 1}"
            + looks
        )
    return ""


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """``"; did you mean 'X'?"`` for the closest of ``choices``, or ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f"; did you mean {close[0]!r}?" if close else ""


def _rows_text(rows: Sequence[int | None]) -> str:
    known = [r for r in rows if r is not None]
    if not known:
        return ""
    shown = ", ".join(str(r) for r in known[:MAX_ROWS_SHOWN])
    more = f" and {len(known) - MAX_ROWS_SHOWN} more" if len(known) > MAX_ROWS_SHOWN else ""
    return f"row{'s' if len(known) > 1 else ''} {shown}{more}"


# C0 control characters and DEL, except tab, line feed and carriage return: they cannot be stored
# in an XLSX cell (openpyxl raises IllegalCharacterError) and break CSV tools and PDF text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _control_problem(
    ctx: ProblemLog, text: str, row: int | None, column: str, source: str | None = None
) -> None:
    """Add a problem when ``text`` holds a control character (NUL etc.; tab and line breaks are
    allowed): such text cannot be exported to XLSX and is almost always a damaged file."""
    found = _CONTROL.search(text)
    if found is not None:
        code = f"U+{ord(found.group()):04X}"
        ctx.add(
            f"{column} contains the control character {code} at position {found.start() + 1}; "
            "remove it (only tabs and line breaks are allowed in text)",
            row,
            column,
            source,
        )


def _col(wide: bool, name: str, item: str) -> str:
    """The column a problem points at: the long-format name, or in a wide file the item's own
    column (``CUL-01`` for current and item, ``CUL-01.target`` and so on)."""
    if not wide:
        return name
    return item if name in ("item", "current") else f"{item}.{name}"


_Place = tuple[int | None, str | None]
"""Where a record came from: (row, file), the file ``None`` when all records come from one."""


def _filled_column(rec: ResponseRecord) -> str:
    """The wide column a record of an unknown id came from: the bare id for a current rating,
    else the first of its ``.points``, ``.target``, ``.na`` cells that is filled."""
    if rec.current is None:
        for name, filled in (
            ("points", rec.points is not None),
            ("target", rec.target is not None),
            ("na", rec.na),
        ):
            if filled:
                return f"{rec.item}.{name}"
    return rec.item


def _place_text(place: _Place) -> str:
    row, src = place
    return f"{src} row {row}" if src else f"row {row}"


def _also(places: Sequence[_Place]) -> str:
    """`` (rows 5, 9 and 3 more)`` for a problem found in several places; ``""`` for one (the
    problem's own row and file already say where)."""
    if len(places) <= 1:
        return ""
    if all(src is None for _, src in places):
        return f" ({_rows_text([row for row, _ in places])})"
    shown = ", ".join(_place_text(p) for p in places[:MAX_ROWS_SHOWN])
    more = f" and {len(places) - MAX_ROWS_SHOWN} more" if len(places) > MAX_ROWS_SHOWN else ""
    return f" ({shown}{more})"


@dataclass
class ProblemLog:
    """Collects :class:`Problem`\\ s of one source (and sheet) as they are found."""

    source: str
    sheet: str | None
    problems: list[Problem]

    def add(
        self,
        message: str,
        row: int | None = None,
        column: str | None = None,
        source: str | None = None,
        settings: tuple[str, ...] = (),
    ) -> None:
        self.problems.append(
            Problem(message, source or self.source, row, column, self.sheet, settings=settings)
        )

    def warn(self, message: str, row: int | None = None, column: str | None = None) -> None:
        """Record a warning: reported with the results, never a reason to refuse the file."""
        self.problems.append(Problem(message, self.source, row, column, self.sheet, warning=True))


@dataclass(frozen=True)
class WaveInfo:
    """A stored wave: its organisation, name and the instrument version it is bound to.

    Attributes
    ----------
    organisation : str
        The organisation's name.
    wave : str
        The wave id.
    instrument : str
        ``id@version`` of the instrument the wave is bound to.
    instrument_hash : str
        That version's content hash.
    """

    organisation: str
    wave: str
    instrument: str
    instrument_hash: str


@dataclass(frozen=True)
class ResponseRecord:
    """One answer in the canonical long format.

    Attributes
    ----------
    wave : str
        The wave id.
    respondent : str
        The pseudonymous respondent id.
    role : str
        The respondent's role.
    department : str
        The respondent's department, as written.
    item : str
        The item id.
    current : int or None
        Rating of the current state; ``None`` when unanswered or N/A.
    target : int or None
        Rating of the target state; ``None`` when unanswered or N/A.
    na : bool
        An explicit "not applicable" answer.
    confidence : int or None
        Confidence 1..3, if asked.
    comment : str or None
        Free-text comment on the item.
    points : int or None
        Investment points given to the capability (capability-level records only).
    row : int or None
        Where the record came from, for error messages (not compared).

    Notes
    -----
    A capability-level record has the capability id as ``item``; its ``current`` and ``target`` are
    levels 1-5 (the level descriptor true today, the level to reach).
    """

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
    points: int | None = None


@dataclass(frozen=True)
class Respondent:
    """A pseudonymous respondent.

    Attributes
    ----------
    id : str
        The pseudonymous id.
    role : str
        The respondent's role.
    department : str
        The department for display (:attr:`department_key` is for matching).
    """

    id: str
    role: str
    department: str

    @property
    def department_key(self) -> str:
        """:func:`normalise_department` of :attr:`department`, the key departments are matched on."""
        return normalise_department(self.department)


@dataclass(frozen=True)
class Comment:
    """A free-text comment on an item.

    Attributes
    ----------
    respondent : str
        The respondent id (never printed with the comment).
    item : str
        The item id.
    text : str
        The comment.
    """

    respondent: str
    item: str
    text: str


_UNSET: Any = None  # the capability matrices' default: filled with NaN by ResponseSet


@dataclass(frozen=True, eq=False)
class ResponseSet:
    """All answers of one wave for one instrument version, as respondents × items arrays.

    Columns follow ``item_ids``, which is the instrument's item order.

    Attributes
    ----------
    instrument_ref : str
        ``id@version`` of the instrument.
    wave : str
        The wave id.
    respondents : tuple of Respondent
        The respondents, in row order.
    item_ids : tuple of str
        The item id of each column.
    current, target : numpy.ndarray
        Raw option values (before reverse coding) as float64, ``NaN`` for N/A or unanswered.
    na : numpy.ndarray
        Explicit N/A answers.
    confidence : numpy.ndarray
        Confidence 1..3 or NaN.
    comments : tuple of Comment
        The comments.
    source : str
        Where the answers came from (file names), for messages.
    notes : tuple of str
        Warnings found while reading (ignored columns, ids differing only by case); not data.
    capability_ids : tuple of str
        The capability id of each column of the capability-level matrices (empty when the
        instrument does not rate levels).
    level_current, level_target : numpy.ndarray
        Respondents × capabilities: the level (1-5) rated true today and the level to reach,
        NaN when unanswered or N/A.
    level_na : numpy.ndarray
        Respondents × capabilities: an explicit N/A on the level ratings.
    points : numpy.ndarray
        Respondents × capabilities: investment points, NaN when not given.
    level_confidence : numpy.ndarray
        Respondents × capabilities: confidence 1..3 in the level ratings, or NaN.
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
    notes: tuple[str, ...] = field(default=(), compare=False)
    capability_ids: tuple[str, ...] = ()
    level_current: np.ndarray = field(default=_UNSET)
    level_target: np.ndarray = field(default=_UNSET)
    level_na: np.ndarray = field(default=_UNSET)
    points: np.ndarray = field(default=_UNSET)
    level_confidence: np.ndarray = field(default=_UNSET)

    def __post_init__(self) -> None:
        import numpy as np

        shape = (len(self.respondents), len(self.capability_ids))
        empty = not self.capability_ids  # no capability answers: always the right empty shape
        for name in ("level_current", "level_target", "points", "level_confidence"):
            if empty or getattr(self, name) is None:
                object.__setattr__(self, name, np.full(shape, np.nan))
        if empty or getattr(self, "level_na") is None:  # noqa: B009
            object.__setattr__(self, "level_na", np.zeros(shape, dtype=bool))
        for name in ("level_current", "level_target", "level_na", "points", "level_confidence"):
            if getattr(self, name).shape != shape:
                raise ValueError(
                    f"{name} has shape {getattr(self, name).shape}; expected {shape} "
                    "(respondents x capability_ids)"
                )

    def select(self, rows: Sequence[int]) -> ResponseSet:
        """The same set for the respondents at ``rows`` only, in that order.

        Every matrix is cut alike and the comments of the others are dropped.

        Parameters
        ----------
        rows : sequence of int
            Row positions of the respondents to keep.

        Returns
        -------
        ResponseSet
            The smaller set.
        """
        import dataclasses

        import numpy as np

        at = np.asarray(rows, dtype=np.intp)
        people = tuple(self.respondents[i] for i in at)
        kept = {r.id for r in people}
        return dataclasses.replace(
            self,
            respondents=people,
            current=self.current[at],
            target=self.target[at],
            na=self.na[at],
            confidence=self.confidence[at],
            comments=tuple(c for c in self.comments if c.respondent in kept),
            level_current=self.level_current[at],
            level_target=self.level_target[at],
            level_na=self.level_na[at],
            level_confidence=self.level_confidence[at],
            points=self.points[at],
        )

    @property
    def has_capability_answers(self) -> bool:
        """Whether any respondent rated a level, gave investment points or an N/A on a level."""
        import numpy as np

        return bool(
            self.capability_ids
            and (
                (~np.isnan(self.level_current)).any()
                or (~np.isnan(self.level_target)).any()
                or (~np.isnan(self.points)).any()
                or self.level_na.any()
            )
        )

    @property
    def n_respondents(self) -> int:
        """Number of respondents."""
        return len(self.respondents)

    @property
    def roles(self) -> np.ndarray:
        """Role per respondent (object array)."""
        import numpy as np

        return np.array([r.role for r in self.respondents], dtype=object)

    @property
    def department_keys(self) -> np.ndarray:
        """Department key per respondent (object array)."""
        import numpy as np

        return np.array([r.department_key for r in self.respondents], dtype=object)

    def department_names(self) -> dict[str, str]:
        """Display name of every department key (the first spelling seen).

        Returns
        -------
        dict of str to str
            Department key → display name.
        """
        names: dict[str, str] = {}
        for r in self.respondents:
            names.setdefault(r.department_key, " ".join(r.department.split()))
        return names

    def to_records(self) -> list[ResponseRecord]:
        """Back to the canonical long format (one record per answered or N/A item; a respondent's
        capability-level records come first).

        Returns
        -------
        list of ResponseRecord
            The records, respondent by respondent.
        """
        import numpy as np

        comments = {(c.respondent, c.item): c.text for c in self.comments}
        out = []
        for i, r in enumerate(self.respondents):
            for k, cap in enumerate(self.capability_ids):
                cur, tgt = self.level_current[i, k], self.level_target[i, k]
                pts, na = self.points[i, k], bool(self.level_na[i, k])
                if np.isnan(cur) and np.isnan(tgt) and np.isnan(pts) and not na:
                    continue
                conf = self.level_confidence[i, k]
                out.append(
                    ResponseRecord(
                        wave=self.wave,
                        respondent=r.id,
                        role=r.role,
                        department=r.department,
                        item=cap,
                        current=None if np.isnan(cur) else int(cur),
                        target=None if np.isnan(tgt) else int(tgt),
                        na=na,
                        confidence=None if np.isnan(conf) else int(conf),
                        comment=comments.get((r.id, cap)),
                        points=None if np.isnan(pts) else int(pts),
                    )
                )
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
        Respondents without any answer or N/A are left out, as in :meth:`to_records`. When the
        set holds capability-level answers, their capability ids and the level, points,
        confidence and N/A matrices follow (so a set without them hashes as before they existed).
        """
        import numpy as np

        answered = ~(np.isnan(self.current) & np.isnan(self.target) & ~self.na)
        has_levels = self.has_capability_answers
        any_answer = answered.any(axis=1)
        if has_levels:
            any_answer |= ~(
                np.isnan(self.level_current)
                & np.isnan(self.level_target)
                & np.isnan(self.points)
                & ~self.level_na
            ).all(axis=1)
        rows = [i for i in np.flatnonzero(any_answer)]
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
        if has_levels:
            caps = sorted(range(len(self.capability_ids)), key=self.capability_ids.__getitem__)
            digest.update(json.dumps([self.capability_ids[k] for k in caps]).encode("utf-8"))
            grid = np.ix_(np.asarray(rows, dtype=np.intp), np.asarray(caps, dtype=np.intp))
            levels = (self.level_current, self.level_target, self.points, self.level_confidence)
            for matrix in levels:
                sub = np.asarray(matrix, dtype=float)[grid]
                digest.update(np.where(np.isnan(sub), -1.0, sub).astype("<f8").tobytes())
            digest.update(np.asarray(self.level_na, dtype=bool)[grid].astype(np.uint8).tobytes())
        return "sha256:" + digest.hexdigest()


# -- validation against the instrument ---------------------------------------------------------


def records_to_response_set(
    instrument: Instrument,
    records: Sequence[ResponseRecord],
    *,
    source: str,
    problems: Sequence[Problem] = (),
    wave: str | None = None,
    sheet: str | None = None,
    files: Sequence[tuple[str, int, str]] = (),
) -> ResponseSet:
    """Validate records against ``instrument`` and build the respondents × items arrays.

    All-or-nothing. Respondents keep the order of first appearance; columns follow the
    instrument's item order. Departments are matched on :func:`normalise_department` (the first
    spelling is displayed).

    Parameters
    ----------
    instrument : questionnaires.model.Instrument
        The instrument the answers were given to.
    records : sequence of ResponseRecord
        The answers, in file order.
    source : str
        Where the records came from, for messages.
    problems : sequence of Problem, default ()
        Problems already found while reading, reported with those found here.
    wave : str, optional
        The wave to take when records hold several.
    sheet : str, optional
        The spreadsheet sheet the records came from, named in problems.
    files : sequence of (str, int, str), default ()
        Where the records came from: ``(file name, number of records, layout)`` in order, so each
        problem names the file of its row and, for a wide file, the real column (``CUL-01``,
        ``CUL-01.target``) rather than the long-format name.

    Returns
    -------
    ResponseSet
        The wave's answers as arrays.

    Raises
    ------
    questionnaires.errors.ResponseError
        Listing ``problems`` plus every problem found here (unknown item with the closest id
        suggested, rating outside the item's scale, N/A with a rating or on an item that does not
        allow it, duplicate answers with both rows, a respondent whose role or department differs
        between rows, unknown role, item not asked of the respondent's role, several waves).
    """
    notes = [str(p) for p in problems if p.warning]
    ctx = ProblemLog(source, sheet, [p for p in problems if not p.warning])
    if not records and not ctx.problems:
        ctx.add("no responses found")
    origin = _Origin.of(records, files)
    records, origin, chosen = _choose_wave(ctx, records, origin, wave)
    scan = _Scan(instrument)
    file_of, wide_of = origin.file_of, origin.wide_of
    respondent, answer = scan.respondent, scan.answer  # bound once: this loop is the hot path
    for k, rec in enumerate(records):
        if not rec.respondent:
            continue
        src = None if file_of is None else file_of[k]
        wide = wide_of is not None and wide_of[k]
        role = respondent(ctx, rec, src)
        if rec.comment is not None:
            _control_problem(ctx, rec.comment, rec.row, _col(wide, "comment", rec.item), src)
        answer(ctx, rec, role, src, wide)
    scan.report(ctx)
    notes += _case_variants(scan.respondents)
    if ctx.problems:
        # file-level problems first, then by row (stable: cell problems before record problems)
        ordered = sorted(ctx.problems, key=lambda p: (p.row is not None, p.row or 0))
        raise ResponseError(ordered, source)
    return _build_arrays(instrument, scan, wave=chosen, source=source, notes=notes)


@dataclass
class _Origin:
    """The file and layout of each record, when known from ``files`` (``None``: not tracked)."""

    file_of: list[str] | None  # set only when records come from several files
    wide_of: list[bool] | None  # set only when some file is wide
    several: bool

    @classmethod
    def of(
        cls, records: Sequence[ResponseRecord], files: Sequence[tuple[str, int, str]]
    ) -> _Origin:
        complete = sum(n for _, n, _ in files) == len(records)
        several = len(files) > 1 and complete
        file_of = [name for name, n, _ in files for _ in range(n)] if several else None
        wide_of = (
            [layout == "wide" for _, n, layout in files for _ in range(n)]
            if complete and any(layout == "wide" for _, _, layout in files)
            else None
        )
        return cls(file_of, wide_of, several)

    def keep(self, records: Sequence[ResponseRecord], wave: str) -> _Origin:
        """The origin of the records of ``wave`` only."""

        def only(values: list[Any] | None) -> list[Any] | None:
            if values is None:
                return None
            return [v for v, r in zip(values, records, strict=True) if r.wave == wave]

        return _Origin(only(self.file_of), only(self.wide_of), self.several)

    def files_text(self, records: Sequence[ResponseRecord], wave: str) -> str:
        """`` in a.csv, b.csv`` for the files holding ``wave``; ``""`` when files are not tracked."""
        if self.file_of is None:
            return ""
        names = dict.fromkeys(
            f for f, rec in zip(self.file_of, records, strict=True) if rec.wave == wave
        )
        return f" in {', '.join(names)}"


def _choose_wave(
    ctx: ProblemLog,
    records: Sequence[ResponseRecord],
    origin: _Origin,
    wave: str | None,
) -> tuple[Sequence[ResponseRecord], _Origin, str]:
    """The records of one wave, their origin and the wave's name.

    With ``wave`` given, keep its records (a problem when there are none). Without, the records
    must hold one named wave: several waves raise at once (checking them together would flag
    every answer as a duplicate), and an empty wave cell is a problem.
    """
    # waves, in order of first appearance; their rows are looked up only for messages
    waves = list(dict.fromkeys([rec.wave for rec in records]))
    if wave is not None:
        if records and wave not in waves:
            have = ", ".join(repr(w) for w in waves if w) or "none"
            ctx.add(f"no answers for wave {wave!r}; waves in the file: {have}", column="wave")
        return [r for r in records if r.wave == wave], origin.keep(records, wave), wave
    named = [w for w in waves if w]
    if len(named) > 1:
        counts = {w: 0 for w in named}
        for rec in records:
            if rec.wave in counts:
                counts[rec.wave] += 1
        listing = ", ".join(
            f"{w!r}: {counts[w]} answers{origin.files_text(records, w)}" for w in named
        )
        what = "the files hold" if origin.several else "the file holds"
        ctx.add(
            f"{what} several waves ({listing}); choose one",
            column="wave",
            settings=("wave",),
        )
        raise ResponseError(
            [p for p in ctx.problems if p.row is None or p.column == "wave"], ctx.source
        )
    if "" in waves:
        empty = list(dict.fromkeys(rec.row for rec in records if rec.wave == ""))
        ctx.add(
            f"wave is empty ({_rows_text(empty)}); add a 'wave' column or name the wave",
            empty[0],
            "wave",
            settings=("wave",),
        )
    return records, origin, named[0] if named else ""


class _Scan:
    """The checks of the records of a wave, one record at a time (:meth:`respondent`, then
    :meth:`answer`): per-record problems go to the log at once; those
    that gather several places (unknown items and roles, conflicting roles or departments) are
    collected and reported by :meth:`report`. Accepted answers are kept for the arrays."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.roles = list(instrument.roles)
        self.role_set = frozenset(self.roles)
        self.role_key = {r.casefold(): r for r in self.roles}
        self.index = instrument.item_index
        self.spec = {
            item.id: (
                instrument.scales[item.scale].low,
                instrument.scales[item.scale].high,
                item.na_allowed,
                frozenset(item.roles),
                item,
            )
            for item in instrument.items
        }
        self.dept_key: dict[str, str] = {}
        self.dept_seen: dict[str, str] = {}  # respondent -> department cell as first written
        self.unknown_items: dict[str, list[_Place]] = {}
        self.wide_items: dict[str, str] = {}  # unknown item -> the wide column it was met in
        self.respondents: dict[str, Respondent] = {}
        self.row_of: dict[str, int] = {}  # respondent -> row of the arrays
        self.first_row_of: dict[str, _Place] = {}
        self.dept_conflicts: dict[str, list[tuple[str, _Place]]] = {}
        self.role_conflicts: dict[str, list[tuple[str, _Place]]] = {}
        self.bad_roles: dict[str, list[_Place]] = {}
        self.seen_answer: dict[tuple[str, str], _Place] = {}
        self.accepted: list[ResponseRecord] = []
        self.at_i: list[int] = []
        self.at_j: list[int] = []
        self.cap_index = {c.id: k for k, c in enumerate(instrument.capabilities)}
        self.cap_key = {c.casefold(): c for c in self.cap_index}
        self.cap_accepted: list[ResponseRecord] = []
        self.cap_at_i: list[int] = []
        self.cap_at_k: list[int] = []
        # respondent -> (points, place, the column the points were in)
        self.points_of: dict[str, list[tuple[int, _Place, str]]] = {}
        self.cap_rows_of: dict[str, list[_Place]] = {}  # respondent -> their capability rows

    def respondent(self, ctx: ProblemLog, rec: ResponseRecord, src: str | None) -> str:
        """Check the record's role and department, and that they agree with the respondent's
        first record; return the role as the instrument spells it (as written when unknown)."""
        rid, row = rec.respondent, rec.row
        role = self.role_key.get(rec.role.casefold())
        if role is None and not rec.role:
            ctx.add(
                f"role is empty for respondent {shown(rid)}; use {', '.join(self.roles)}",
                row,
                "role",
                src,
            )
            role = ""
        elif role is None:
            self.bad_roles.setdefault(rec.role, []).append((row, src))
            role = rec.role
        department = rec.department
        if not department:
            ctx.add(f"department is empty for respondent {shown(rid)}", row, "department", src)
        prev = self.respondents.get(rid)
        if prev is None:
            for column, text in (
                ("respondent", rid),
                ("role", rec.role),
                ("department", department),
                ("wave", rec.wave),
            ):
                _control_problem(ctx, text, row, column, src)
            self.row_of[rid] = len(self.respondents)
            self.respondents[rid] = Respondent(rid, role, " ".join(department.split()))
            self.first_row_of[rid] = (row, src)
            self.dept_seen[rid] = department
            self.dept_key[rid] = normalise_department(department)
            return role
        if prev.role != role:
            self.role_conflicts.setdefault(rid, [(prev.role, self.first_row_of[rid])])
            self.role_conflicts[rid].append((rec.role, (row, src)))
        if department != self.dept_seen[rid] and self.dept_key[rid] != normalise_department(
            department
        ):
            self.dept_conflicts.setdefault(rid, [(prev.department, self.first_row_of[rid])])
            self.dept_conflicts[rid].append((department, (row, src)))
        return role

    def answer(
        self, ctx: ProblemLog, rec: ResponseRecord, role: str, src: str | None, wide: bool
    ) -> None:
        """Check the answer itself (known item, not a duplicate, in scale, N/A allowed, asked of
        the role) and keep it for the arrays unless it is unknown or a duplicate."""
        rid, row, item_id = rec.respondent, rec.row, rec.item
        j = self.index.get(item_id)
        if j is None and item_id in self.cap_index:
            self.capability_answer(ctx, rec, src, wide)
            return
        if j is None:
            if item_id:
                self.unknown_items.setdefault(item_id, []).append((row, src))
                if wide:
                    self.wide_items.setdefault(item_id, _filled_column(rec))
            return
        key = (rid, item_id)
        if key in self.seen_answer:
            first, first_src = self.seen_answer[key]
            where = f"{first_src} row {first}" if src else f"row {first}"
            again = f"{src} row {row}" if src else f"row {row}"
            ctx.add(
                f"duplicate answer: respondent {shown(rid)} answered {item_id} in {where} "
                f"and again in {again}; keep one",
                row,
                _col(wide, "item", rec.item),
                src,
            )
            return
        self.seen_answer[key] = (row, src)
        low, high, na_allowed, asked, item = self.spec[item_id]
        current, target = rec.current, rec.target
        if current is not None and not low <= current <= high:
            ctx.add(
                f"current {current} is outside {low}..{high} for {item_id}",
                row,
                _col(wide, "current", rec.item),
                src,
            )
        if target is not None and not low <= target <= high:
            ctx.add(
                f"target {target} is outside {low}..{high} for {item_id}",
                row,
                _col(wide, "target", rec.item),
                src,
            )
        if rec.na:
            if current is not None or target is not None:
                ctx.add(
                    f"na is true but {item_id} also has a rating; clear the rating or set na to "
                    "false",
                    row,
                    _col(wide, "na", rec.item),
                    src,
                )
            if not na_allowed:
                ctx.add(
                    f"{item_id} does not allow N/A; give a rating {low}..{high}",
                    row,
                    _col(wide, "na", rec.item),
                    src,
                )
        if rec.confidence is not None and not 1 <= rec.confidence <= 3:
            ctx.add(
                f"confidence {rec.confidence} is outside 1..3 for {item_id}",
                row,
                _col(wide, "confidence", rec.item),
                src,
            )
        if target is not None and not item.target:
            how = (
                f"; the target is asked once per capability ({self.instrument.capability_of(item_id).id})"
                if self.instrument.rate_levels
                else ""
            )
            ctx.add(
                f"{item_id} asks no target (current state only); clear its target{how}",
                row,
                _col(wide, "target", rec.item),
                src,
            )
        if rec.points is not None:
            cap = self.instrument.capability_of(item_id).id
            ctx.add(
                f"points are given per capability, not per statement: move the points of "
                f"{item_id} to the row of capability {cap}",
                row,
                _col(wide, "points", rec.item),
                src,
            )
        if asked and role in self.role_set and role not in asked:
            ctx.add(
                f"{item_id} is asked only of {', '.join(item.roles)}, but respondent "
                f"{shown(rid)} is {shown(role)}",
                row,
                _col(wide, "item", rec.item),
                src,
            )
        self.accepted.append(rec)
        self.at_i.append(self.row_of[rid])
        self.at_j.append(j)

    def capability_answer(
        self, ctx: ProblemLog, rec: ResponseRecord, src: str | None, wide: bool
    ) -> None:
        """Check a capability-level answer (levels 1-5, points 0..budget, N/A without a rating,
        once per respondent) and keep it for the capability matrices."""
        inst, rid, row, cap = self.instrument, rec.respondent, rec.row, rec.item
        if not inst.rate_levels:
            ctx.add(
                f"{cap} is a capability; {inst.ref} asks no capability-level answers (levels, "
                "targets or points): answer its statements instead",
                row,
                _col(wide, "item", cap),
                src,
            )
            return
        key = (rid, cap)
        if key in self.seen_answer:
            first, first_src = self.seen_answer[key]
            where = f"{first_src} row {first}" if src else f"row {first}"
            again = f"{src} row {row}" if src else f"row {row}"
            ctx.add(
                f"duplicate answer: respondent {shown(rid)} rated capability {cap} in {where} "
                f"and again in {again}; keep one",
                row,
                _col(wide, "item", cap),
                src,
            )
            return
        self.seen_answer[key] = (row, src)
        low, high = LEVELS[0], LEVELS[-1]
        for name, value in (("current", rec.current), ("target", rec.target)):
            if value is not None and not low <= value <= high:
                ctx.add(
                    f"{name} level {value} is outside {low}..{high} for capability {cap} "
                    f"(its level descriptors are numbered {low}-{high})",
                    row,
                    _col(wide, name, cap),
                    src,
                )
        if rec.na and (rec.current is not None or rec.target is not None):
            ctx.add(
                f"na is true but capability {cap} also has a level; clear the level or set na "
                "to false",
                row,
                _col(wide, "na", cap),
                src,
            )
        if rec.confidence is not None and not 1 <= rec.confidence <= 3:
            ctx.add(
                f"confidence {rec.confidence} is outside 1..3 for capability {cap}",
                row,
                _col(wide, "confidence", cap),
                src,
            )
        if rec.points is not None:
            budget = inst.investment_points
            if budget is None:
                ctx.add(
                    f"{inst.ref} asks for no investment points; clear the points of {cap}",
                    row,
                    _col(wide, "points", cap),
                    src,
                )
            elif not 0 <= rec.points <= budget:
                ctx.add(
                    f"points {rec.points} for capability {cap} are outside 0..{budget}",
                    row,
                    _col(wide, "points", cap),
                    src,
                )
            else:
                self.points_of.setdefault(rid, []).append(
                    (rec.points, (row, src), _col(wide, "points", cap))
                )
        self.cap_rows_of.setdefault(rid, []).append((row, src))
        self.cap_accepted.append(rec)
        self.cap_at_i.append(self.row_of[rid])
        self.cap_at_k.append(self.cap_index[cap])

    def report_points(self, ctx: ProblemLog) -> None:
        """A problem per respondent whose investment points do not add up to the budget, at
        the first of their points (its wide column, ``CUL.points``, in a wide file)."""
        budget = self.instrument.investment_points
        if budget is None:
            return
        refused = {  # points cells already refused (not a number, negative): no second error
            (p.row, p.source)
            for p in ctx.problems
            if p.column is not None and p.column.endswith("points")
        }
        for rid, given in self.points_of.items():
            total = sum(p for p, _, _ in given)
            rows = [(r, src or ctx.source) for r, src in self.cap_rows_of.get(rid, [])]
            if total == budget or any(place in refused for place in rows):
                continue
            places = list(dict.fromkeys(at for _, at, _ in given))  # a wide row: one place
            ctx.add(
                f"investment points of respondent {shown(rid)} add up to {total}, not {budget}"
                f"{_also(places)}; split exactly {budget} points across the capabilities "
                "(0 for those that get none)",
                places[0][0],
                given[0][2],
                places[0][1],
            )

    def report(self, ctx: ProblemLog) -> None:
        """Add the collected problems: unknown items, unknown roles, conflicting roles and
        departments, each once with the places it was found, and investment points that do
        not add up."""
        self.report_points(ctx)
        ref, index = self.instrument.ref, self.index
        known = [*index, *self.cap_index] if self.instrument.rate_levels else list(index)
        elsewhere = (
            _other_version_note(self.instrument, list(self.unknown_items))
            if self.unknown_items
            else ""
        )
        for k, (name, places) in enumerate(self.unknown_items.items()):
            twin = skeleton(name)
            if twin in known:
                hint = f"; did you mean {twin!r}?"
            elif name.casefold() in self.cap_key and self.instrument.rate_levels:
                hint = f"; did you mean capability {self.cap_key[name.casefold()]!r}?"
            else:
                hint = did_you_mean(name, known)
            ctx.add(
                f"unknown item {shown_id(name)}{_also(places)} in {ref}"
                + lookalike_note(name)
                + hint
                + (elsewhere if k == 0 else ""),
                places[0][0],
                self.wide_items.get(name, "item"),
                places[0][1],
                settings=("instrument",) if elsewhere and k == 0 else (),
            )
        for name, places in self.bad_roles.items():
            ctx.add(
                f"unknown role {name!r}{_also(places)}; {ref} knows {', '.join(self.roles)}",
                places[0][0],
                "role",
                places[0][1],
            )
        for kind, conflicts in (
            ("roles", self.role_conflicts),
            ("departments", self.dept_conflicts),
        ):
            for rid, seen in conflicts.items():
                listing = ", ".join(
                    f"{v!r} in {_place_text(at)}" for v, at in seen[:MAX_ROWS_SHOWN]
                )
                extra = len(seen) - MAX_ROWS_SHOWN
                more = f" and {extra} more row{'s' if extra > 1 else ''}" if extra > 0 else ""
                ctx.add(
                    f"respondent {shown(rid)} has conflicting {kind}: {listing}{more}; give each "
                    "respondent "
                    f"one {kind[:-1]}",
                    seen[1][1][0],
                    kind[:-1],
                    seen[1][1][1],
                )


def _build_arrays(
    instrument: Instrument, scan: _Scan, *, wave: str, source: str, notes: Sequence[str]
) -> ResponseSet:
    """The :class:`ResponseSet` of the accepted answers of a scan without problems."""
    import numpy as np

    # every accepted answer has its own (respondent, item) cell: fill the arrays in one go each
    accepted = scan.accepted
    n, m = len(scan.respondents), len(scan.index)
    ii = np.array(scan.at_i, dtype=np.intp)
    jj = np.array(scan.at_j, dtype=np.intp)
    current_m = np.full((n, m), np.nan)
    target_m = np.full((n, m), np.nan)
    na = np.zeros((n, m), dtype=bool)
    confidence = np.full((n, m), np.nan)
    current_m[ii, jj] = np.array([r.current for r in accepted], dtype=float)  # None -> NaN
    target_m[ii, jj] = np.array([r.target for r in accepted], dtype=float)
    na[ii, jj] = np.array([r.na for r in accepted], dtype=bool)
    confidence[ii, jj] = np.array([r.confidence for r in accepted], dtype=float)
    comments = [Comment(r.respondent, r.item, r.comment) for r in accepted if r.comment]
    caps: tuple[str, ...] = ()
    levels: dict[str, np.ndarray] = {}
    if instrument.rate_levels:
        caps = tuple(c.id for c in instrument.capabilities)
        shape = (n, len(caps))
        ci = np.array(scan.cap_at_i, dtype=np.intp)
        ck = np.array(scan.cap_at_k, dtype=np.intp)
        got = scan.cap_accepted
        for name, attr in (
            ("level_current", "current"),
            ("level_target", "target"),
            ("points", "points"),
            ("level_confidence", "confidence"),
        ):
            matrix = np.full(shape, np.nan)
            matrix[ci, ck] = np.array([getattr(r, attr) for r in got], dtype=float)
            levels[name] = matrix
        level_na = np.zeros(shape, dtype=bool)
        level_na[ci, ck] = np.array([r.na for r in got], dtype=bool)
        levels["level_na"] = level_na
        comments += [Comment(r.respondent, r.item, r.comment) for r in got if r.comment]
    return ResponseSet(
        instrument_ref=instrument.ref,
        wave=wave,
        respondents=tuple(scan.respondents.values()),
        item_ids=tuple(i.id for i in instrument.items),
        current=current_m,
        target=target_m,
        na=na,
        confidence=confidence,
        comments=tuple(comments),
        source=source,
        notes=tuple(notes),
        capability_ids=caps,
        **levels,
    )


def _case_variants(respondents: Iterable[str]) -> list[str]:
    """A warning per group of respondent ids that differ only in letter case (``nw-e02`` and
    ``NW-E02``): they count as different people, which is rarely what was meant."""
    groups: dict[str, list[str]] = {}
    for rid in respondents:
        groups.setdefault(rid.casefold(), []).append(rid)
    same = [ids for ids in groups.values() if len(ids) > 1]
    return [
        f"respondent ids {', '.join(map(repr, ids))} differ only in letter case and count as "
        "different people; write them the same way if they are one person"
        for ids in same[:MAX_ROWS_SHOWN]
    ] + (
        [f"... and {len(same) - MAX_ROWS_SHOWN} more such groups"]
        if len(same) > MAX_ROWS_SHOWN
        else []
    )


# -- which instrument the answers belong to ------------------------------------------------------


def _fitting_version(ident: str, items: Iterable[str], targeted: Iterable[str] = ()) -> str:
    """``ident@version`` of the newest shipped version asking every id in ``items`` (an item, or a
    capability of a version that rates levels); else, among the versions that rate levels when a
    capability is named (and the others when none is), the one asking most of them (the newest on
    a tie), where an id in ``targeted`` (answered with a target) that asks no target there counts
    against a version; ``ident`` itself when no id is named or none is known."""
    wanted = {i for i in items if i}
    if not wanted:
        return ident
    with_target = set(targeted)
    versions = _versions(ident)
    rated = {c.id for v in versions if v.rate_levels for c in v.capabilities}
    levels_named = bool(wanted & rated)  # capability rows: only a version rating levels fits
    best, best_key = ident, (False, 0)
    for inst in versions:
        asked = _asked_ids(inst)
        untargeted = {i for i in with_target & set(inst.item_index) if not inst.item(i).target}
        if wanted <= asked and not untargeted:
            return inst.ref
        key = (inst.rate_levels == levels_named, len(wanted & asked) - len(untargeted))
        if key > best_key:
            best, best_key = inst.ref, key
    return best


def _fits(ref: str, items: Iterable[str], targeted: Iterable[str]) -> bool:
    """Whether version ``ref`` asks every id in ``items`` and a target of every id in ``targeted``."""
    try:
        inst = get_instrument(ref)
    except QuestionnaireError:
        return False
    asked = _asked_ids(inst)
    return {i for i in items if i} <= asked and all(
        inst.item(i).target for i in targeted if i in inst.item_index
    )


def _versions(ident: str) -> list[Instrument]:
    """The shipped versions of ``ident``, newest first."""
    from questionnaires.catalogue import list_instruments

    return [
        get_instrument(f"{name}@{version}")
        for name, version, _ in reversed(list_instruments())
        if name == ident
    ]


def _asked_ids(inst: Instrument) -> set[str]:
    """The ids an answer may name: items, and capabilities when levels are rated."""
    known = set(inst.item_index)
    if inst.rate_levels:
        known.update(c.id for c in inst.capabilities)
    return known


def _other_version_note(inst: Instrument, names: Sequence[str]) -> str:
    """`` (CUL-01 is an item of customer-centricity@1.0.0 ...)`` when unknown ids belong to another
    shipped version of the same instrument (the file was answered on it), else ``""``."""
    try:
        others = [v for v in _versions(inst.id) if v.ref != inst.ref]
    except QuestionnaireError:
        return ""
    for other in others:
        known = _asked_ids(other)
        hit = [n for n in names if n in known]
        if hit:
            return (
                f" ({', '.join(hit[:3])}{' ...' if len(hit) > 3 else ''} "
                f"{'is an item' if len(hit) == 1 else 'are items'} of {other.ref}; if the "
                "answers were given on that version, read them with that instrument)"
            )
    return ""


def choose_instrument(
    source: str,
    declared: Sequence[str] = (),
    given: Instrument | None = None,
    *,
    bound: str | None = None,
    wave: str | None = None,
    problems: list[Problem] | None = None,
    items: Iterable[str] = (),
    targeted: Iterable[str] = (),
) -> Instrument:
    """The instrument to validate answers against, for reading files and for importing them.

    Order: ``given``, else the one the file ``declared`` (JSON ``instrument``, an XLSX ``waves`` or
    ``_centric`` sheet), else the version the stored ``wave`` is ``bound`` to, else the newest
    version of ``customer-centricity`` that asks every item (and capability) the answers name, so a
    CSV answered on 1.0.0 still reads as 1.0.0, else its newest version (whose errors then name the
    unknown items). Refused, so that answers to one version are never scored with another:

    - files that declare different instruments, or a declared one that differs from ``given``:
      a :class:`Problem`, appended to ``problems`` when given (to be reported with every other
      problem of the file), else raised as :class:`ResponseError`;
    - a chosen version that differs from the one the stored wave is ``bound`` to:
      :class:`StoreError` (import those answers into a new wave).

    Parameters
    ----------
    source : str
        Where the answers come from, for messages.
    declared : sequence of str, default ()
        The instrument references the files declare.
    given : questionnaires.model.Instrument, optional
        The instrument the caller chose.
    bound : str, optional
        ``id@version`` the stored wave is bound to.
    wave : str, optional
        The stored wave, named in the error.
    problems : list of Problem, optional
        Where to append a declaration problem instead of raising it.
    items : iterable of str, default ()
        The item (or capability) ids the answers name, for choosing a version when nothing
        declares one.
    targeted : iterable of str, default ()
        The ids answered with a target (a version whose item asks none fits less well).

    Returns
    -------
    questionnaires.model.Instrument
        The instrument chosen.

    Raises
    ------
    questionnaires.errors.ResponseError
        For conflicting declarations when ``problems`` is not given.
    questionnaires.errors.StoreError
        When the chosen version differs from the one the stored wave is bound to.
    questionnaires.errors.QuestionnaireError
        When the instrument cannot be loaded, saying how to pass it.
    """
    label = f"wave {wave!r}" if wave else "the file"
    found: list[Problem] = []
    names = sorted(set(declared))
    if len(names) > 1:
        found.append(Problem(f"files name different instruments: {', '.join(names)}", source))
    named = names[0] if names else None
    if given is not None and named is not None:
        ident, version = parse_ref(named)
        if ident != given.id or (version is not None and version != given.version):
            found.append(
                Problem(
                    f"{label} was answered on {named} but the instrument given is {given.ref}; "
                    f"read it with {named} or convert the file",
                    source,
                    column="instrument",
                    settings=("instrument",),
                )
            )
    if problems is not None:
        problems.extend(found)
    elif found:
        raise ResponseError(found, source)
    ref = given.ref if given is not None else named
    if given is None and named is not None:
        try:  # an unknown version is the problem to report, not a mismatch with the wave
            get_instrument(named)
        except QuestionnaireError as exc:
            raise QuestionnaireError(
                f"{source}: cannot load instrument {named} for {label} ({exc}); "
                "name the instrument as ID@VERSION or give its YAML file",
                settings={"instrument": None},
            ) from None
    if ref is None and given is None and bound is not None and items:
        fitting = _fitting_version(parse_ref(bound)[0], items, targeted)
        if (
            fitting != bound
            and _fits(fitting, items, targeted)
            and not _fits(bound, items, targeted)
        ):
            ref = fitting  # the file was answered on another version: refused below
    if ref is not None and bound is not None and ref != bound:
        raise StoreError(
            f"{source}: {label} is bound to instrument {bound} in the database; this file's "
            f"answers are for {ref}. Answers to different versions cannot be mixed in one wave: "
            "import them into a new wave",
            settings={"wave": "NAME"},
        )
    if given is not None:
        return given
    ref = ref or bound or _fitting_version(DEFAULT_INSTRUMENT, items, targeted)
    try:
        return get_instrument(ref)
    except QuestionnaireError as exc:
        raise QuestionnaireError(
            f"{source}: cannot load instrument {ref} for {label} ({exc}); "
            "name the instrument as ID@VERSION or give its YAML file",
            settings={"instrument": None},
        ) from None

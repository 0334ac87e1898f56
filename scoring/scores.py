"""Scores: reverse coding, 0–100 normalisation, respondent and team capability scores.

Everything here works on respondents × items float arrays with ``NaN`` for N/A or unanswered
(``docs/methodology.md#1-from-answers-to-scores``). The instrument is turned once into a
:class:`InstrumentIndex` of plain numpy arrays, so the hot paths never touch pydantic objects.

Notation: an item's scale has options ``L..H`` (``A = H − L + 1``); a rating is ``x``.

* Reverse coding: ``x → L + H − x`` (applied before anything else).
* Normalised score: ``100 · (x − L) / (H − L)``.
* Respondent capability score: the item-weighted mean of the respondent's answered items of the
  capability, ``Σ w_j x_j / Σ w_j`` over answered ``j``; ``NaN`` when fewer than
  ``min_answered_share`` of the items *asked of the respondent's role* were answered.
* Team score: mean, median and SD (``ddof = 1``) of respondent scores, with a percentile bootstrap
  CI of the mean (Efron & Tibshirani 1993, ch. 13) resampling respondents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from questionnaires.errors import ScoringError
from scoring.results import Interval

if TYPE_CHECKING:
    from questionnaires.model import Instrument

__all__ = [
    "InstrumentIndex",
    "align_columns",
    "answered_counts",
    "bootstrap_counts",
    "bootstrap_mean_ci",
    "bootstrap_mean_cis",
    "normalise",
    "percentile_interval",
    "respondent_scores",
    "reverse_code",
    "to_scale",
]


def reverse_code(
    x: np.ndarray,
    low: float | np.ndarray,
    high: float | np.ndarray,
    reverse: bool | np.ndarray = True,
) -> np.ndarray:
    """Flip reverse-coded ratings: ``x → L + H − x`` where ``reverse`` is true; NaN stays NaN.

    ``low``/``high``/``reverse`` broadcast against ``x`` (per column for a respondents × items array).

    Parameters
    ----------
    x : numpy.ndarray
        Ratings, NaN = N/A or unanswered.
    low : float or numpy.ndarray
        Lowest option L (per column, or one for all).
    high : float or numpy.ndarray
        Highest option H (per column, or one for all).
    reverse : bool or numpy.ndarray, default True
        Which ratings (columns) are reverse-coded.

    Returns
    -------
    numpy.ndarray
        The ratings with reverse-coded ones flipped, as floats.

    Examples
    --------
    >>> reverse_code(np.array([1.0, 2.0, np.nan]), 1, 5).tolist()[:2]
    [5.0, 4.0]
    """
    x = np.asarray(x, dtype=float)
    return np.where(reverse, low + high - x, x)


def normalise(x: np.ndarray, low: float | np.ndarray, high: float | np.ndarray) -> np.ndarray:
    """Normalised score ``100 · (x − L)/(H − L)`` (0 = lowest option, 100 = highest).

    Parameters
    ----------
    x : numpy.ndarray
        Ratings on the answer scale.
    low : float or numpy.ndarray
        Lowest option L (per column, or one for all).
    high : float or numpy.ndarray
        Highest option H (per column, or one for all).

    Returns
    -------
    numpy.ndarray
        The ratings on 0–100.

    Examples
    --------
    >>> normalise(np.array([1.0, 3.0, 5.0]), 1, 5).tolist()
    [0.0, 50.0, 100.0]
    """
    return 100.0 * (np.asarray(x, dtype=float) - low) / (np.asarray(high) - low)


def to_scale(
    norm: np.ndarray | float, low: np.ndarray | float, high: np.ndarray | float
) -> np.ndarray:
    """Inverse of :func:`normalise`: ``L + norm · (H − L)/100``.

    Parameters
    ----------
    norm : numpy.ndarray or float
        Scores on 0–100.
    low : numpy.ndarray or float
        Lowest option L.
    high : numpy.ndarray or float
        Highest option H.

    Returns
    -------
    numpy.ndarray
        The scores on the answer scale.

    Examples
    --------
    >>> to_scale(np.array([0.0, 50.0]), 1, 5).tolist()
    [1.0, 3.0]
    """
    return low + np.asarray(norm, dtype=float) * (high - low) / 100.0


@dataclass(frozen=True, eq=False)
class InstrumentIndex:
    """The instrument reduced to arrays, computed once per scoring run.

    Attributes
    ----------
    item_ids : tuple of str
        Item ids, in instrument order.
    cap_ids : tuple of str
        Capability ids, in instrument order.
    cap_names : tuple of str
        Capability names.
    cap_weights : numpy.ndarray
        Capability weights.
    item_cap : numpy.ndarray
        ``item_cap[j]`` is the capability index of item ``j``.
    membership : numpy.ndarray
        Items × capabilities, 1 where the item belongs to the capability.
    weights : numpy.ndarray
        Item weights.
    low, high : numpy.ndarray
        Lowest and highest option per item.
    n_options : numpy.ndarray
        Options per item (``high − low + 1``).
    reverse : numpy.ndarray
        Whether each item is reverse-coded.
    cap_low, cap_high : numpy.ndarray
        The scale of each capability (its first item's scale).
    item_roles : tuple of frozenset of str
        Roles each item is asked of; empty = every role.
    prerequisites : tuple of tuple of int
        Per capability, the indices of its prerequisite capabilities.
    scale_ids : tuple of str
        The answer scale id of each item (``item.scale``): two scales with the same options
        (``maturity5`` and ``extent5``) are still different kinds of question
        (:func:`scoring.consensus.same_scale_mask`); empty = not known.
    """

    item_ids: tuple[str, ...]
    cap_ids: tuple[str, ...]
    cap_names: tuple[str, ...]
    cap_weights: np.ndarray
    item_cap: np.ndarray
    membership: np.ndarray
    weights: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n_options: np.ndarray
    reverse: np.ndarray
    cap_low: np.ndarray
    cap_high: np.ndarray
    item_roles: tuple[frozenset[str], ...]
    prerequisites: tuple[tuple[int, ...], ...]
    scale_ids: tuple[str, ...] = ()

    @classmethod
    def from_instrument(cls, instrument: Instrument) -> InstrumentIndex:
        """The index of an instrument.

        Parameters
        ----------
        instrument : questionnaires.model.Instrument
            A validated instrument.

        Returns
        -------
        InstrumentIndex
            Its arrays.
        """
        caps = instrument.capabilities
        cap_pos = {c.id: k for k, c in enumerate(caps)}
        items = [(cap_pos[c.id], c, i) for c in caps for i in c.items]
        n_items, n_caps = len(items), len(caps)
        membership = np.zeros((n_items, n_caps))
        item_cap = np.empty(n_items, dtype=np.intp)
        low = np.empty(n_items)
        high = np.empty(n_items)
        for j, (k, _c, item) in enumerate(items):
            membership[j, k] = 1.0
            item_cap[j] = k
            scale = instrument.scales[item.scale]
            low[j], high[j] = scale.low, scale.high
        first = [next(j for j in range(n_items) if item_cap[j] == k) for k in range(n_caps)]
        return cls(
            item_ids=tuple(i.id for _, _, i in items),
            cap_ids=tuple(c.id for c in caps),
            cap_names=tuple(c.name for c in caps),
            cap_weights=np.array([c.weight for c in caps], dtype=float),
            item_cap=item_cap,
            membership=membership,
            weights=np.array([i.weight for _, _, i in items], dtype=float),
            low=low,
            high=high,
            n_options=high - low + 1,
            reverse=np.array([i.reverse for _, _, i in items], dtype=bool),
            cap_low=low[first],
            cap_high=high[first],
            item_roles=tuple(frozenset(i.roles) for _, _, i in items),
            prerequisites=tuple(tuple(cap_pos[p] for p in c.prerequisites) for c in caps),
            scale_ids=tuple(i.scale for _, _, i in items),
        )

    def subset(self, columns: Sequence[int]) -> InstrumentIndex:
        """The index restricted to some item columns (e.g. the items two versions share).

        Capabilities keep their positions; one left without items simply has no scores.

        Parameters
        ----------
        columns : sequence of int
            Item columns to keep, in the order wanted.

        Returns
        -------
        InstrumentIndex
            The restricted index.
        """
        cols = np.asarray(columns, dtype=np.intp)
        return InstrumentIndex(
            item_ids=tuple(self.item_ids[j] for j in cols),
            cap_ids=self.cap_ids,
            cap_names=self.cap_names,
            cap_weights=self.cap_weights,
            item_cap=self.item_cap[cols],
            membership=self.membership[cols],
            weights=self.weights[cols],
            low=self.low[cols],
            high=self.high[cols],
            n_options=self.n_options[cols],
            reverse=self.reverse[cols],
            cap_low=self.cap_low,
            cap_high=self.cap_high,
            item_roles=tuple(self.item_roles[j] for j in cols),
            prerequisites=self.prerequisites,
            scale_ids=tuple(self.scale_ids[j] for j in cols) if self.scale_ids else (),
        )

    @property
    def n_items(self) -> int:
        """Number of items."""
        return len(self.item_ids)

    @property
    def n_caps(self) -> int:
        """Number of capabilities."""
        return len(self.cap_ids)

    def items_of(self, k: int) -> np.ndarray:
        """Column indices of capability ``k``'s items.

        Parameters
        ----------
        k : int
            Capability index.

        Returns
        -------
        numpy.ndarray
            Item column indices.
        """
        return np.flatnonzero(self.item_cap == k)

    def asked(self, roles: Sequence[str]) -> np.ndarray:
        """Which items were asked of each respondent's role.

        Parameters
        ----------
        roles : sequence of str
            Role per respondent.

        Returns
        -------
        numpy.ndarray
            Respondents × items boolean, true where the item was asked of the respondent's role.
        """
        uniq = sorted(set(roles))
        table = np.array(
            [[not r_set or role in r_set for r_set in self.item_roles] for role in uniq], dtype=bool
        )
        pos = {r: k for k, r in enumerate(uniq)}
        return table[np.fromiter((pos[r] for r in roles), dtype=np.intp, count=len(roles))]

    def recode(self, raw: np.ndarray) -> np.ndarray:
        """Reverse-code raw ratings (respondents × items); result is on each item's own scale.

        Parameters
        ----------
        raw : numpy.ndarray
            Raw ratings, respondents × items, NaN = N/A or unanswered.

        Returns
        -------
        numpy.ndarray
            Reverse-coded ratings.
        """
        return reverse_code(raw, self.low, self.high, self.reverse)

    def normalise(self, x: np.ndarray) -> np.ndarray:
        """Reverse-coded ratings → 0–100.

        Parameters
        ----------
        x : numpy.ndarray
            Reverse-coded ratings, respondents × items.

        Returns
        -------
        numpy.ndarray
            The ratings on 0–100.
        """
        return normalise(x, self.low, self.high)

    def level_scale(self, x: np.ndarray) -> np.ndarray:
        """Reverse-coded ratings → the 1–5 maturity scale (``1 + 4 · norm/100``).

        Parameters
        ----------
        x : numpy.ndarray
            Reverse-coded ratings, respondents × items.

        Returns
        -------
        numpy.ndarray
            The ratings on 1–5.
        """
        return 1.0 + 4.0 * self.normalise(x) / 100.0


def align_columns(
    index: InstrumentIndex, item_ids: Sequence[str], *arrays: np.ndarray, source: str = ""
) -> list[np.ndarray]:
    """Reorder respondent × item arrays from ``item_ids`` order to the instrument's item order.

    Instrument items absent from ``item_ids`` become all-NaN columns.

    Parameters
    ----------
    index : InstrumentIndex
        The instrument's index.
    item_ids : sequence of str
        Item id of each column of the arrays.
    *arrays : numpy.ndarray
        Respondents × items arrays, columns in ``item_ids`` order.
    source : str, default ""
        Where the responses came from, named in the error.

    Returns
    -------
    list of numpy.ndarray
        The arrays with columns in instrument order.

    Raises
    ------
    questionnaires.errors.ScoringError
        When an item is unknown to the instrument.
    """
    if tuple(item_ids) == index.item_ids:
        return [np.asarray(a, dtype=float) for a in arrays]
    pos = {iid: j for j, iid in enumerate(index.item_ids)}
    unknown = [i for i in item_ids if i not in pos]
    if unknown:
        where = f"{source}: " if source else ""
        raise ScoringError(
            f"{where}response items {', '.join(unknown[:10])} are not in the instrument; "
            "score the responses with the instrument version they were collected with"
        )
    out = []
    cols = np.array([pos[i] for i in item_ids], dtype=np.intp)
    for a in arrays:
        a = np.asarray(a, dtype=float)
        full = np.full((a.shape[0], index.n_items), np.nan)
        full[:, cols] = a
        out.append(full)
    return out


def respondent_scores(
    x: np.ndarray,
    index: InstrumentIndex,
    asked: np.ndarray | None = None,
    min_answered_share: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    """Respondent × capability scores, on the 0–100 scale, and the answered share.

    The score is the item-weighted mean ``Σ_j w_j·n_ij / Σ_j w_j`` over answered items ``j`` of the
    capability (``n_ij`` normalised rating), computed for all respondents at once as two matrix
    products. It is NaN when the respondent answered fewer than ``min_answered_share`` of the
    capability's items asked of their role (or none at all).

    Parameters
    ----------
    x : numpy.ndarray
        Reverse-coded ratings, respondents × items, NaN = not answered.
    index : InstrumentIndex
        The instrument's index.
    asked : numpy.ndarray, optional
        Respondents × items boolean, was the item asked (:meth:`InstrumentIndex.asked`);
        ``None`` = every item asked of everyone.
    min_answered_share : float, default 0.5
        Share of asked items a respondent must answer for a score.

    Returns
    -------
    scores_norm : numpy.ndarray
        Respondents × capabilities, on 0–100, NaN = no score.
    answered_share : numpy.ndarray
        Respondents × capabilities, share of asked items answered.
    """
    norm = index.normalise(x)
    answered = ~np.isnan(norm)
    if asked is None:
        asked = np.ones_like(answered)
    wm = index.membership * index.weights[:, None]
    num = np.where(answered, norm, 0.0) @ wm
    den = answered.astype(float) @ wm
    n_asked = asked.astype(float) @ index.membership
    n_answered = (answered & asked).astype(float) @ index.membership
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = num / den
        share = np.where(n_asked > 0, n_answered / n_asked, 0.0)
    ok = (den > 0) & (n_asked > 0) & (share >= min_answered_share - 1e-12)
    return np.where(ok, scores, np.nan), share


def answered_counts(x: np.ndarray, index: InstrumentIndex) -> np.ndarray:
    """Respondent × capability number of answered items (the ``j`` behind each score).

    Parameters
    ----------
    x : numpy.ndarray
        Ratings, respondents × items, NaN = not answered.
    index : InstrumentIndex
        The instrument's index.

    Returns
    -------
    numpy.ndarray
        Respondents × capabilities, items of the capability the respondent answered (float).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> ix = SimpleNamespace(membership=np.array([[1.0, 0], [1, 0], [0, 1]]))
    >>> answered_counts(np.array([[1.0, np.nan, 3], [2, 2, np.nan]]), ix).tolist()
    [[1.0, 1.0], [2.0, 0.0]]
    """
    result: np.ndarray = (~np.isnan(np.asarray(x, dtype=float))).astype(float) @ index.membership
    return result


#: Resampling indices drawn per chunk by :func:`bootstrap_counts` (bounds its peak memory).
_CHUNK_CELLS = 1 << 18


def bootstrap_counts(n: int, n_boot: int, seed: int) -> np.ndarray:
    """Resampling counts (``n_boot × n`` int32): how often each respondent is drawn per resample.

    Rows are drawn in chunks of about :data:`_CHUNK_CELLS` indices (``rng.integers``) and turned
    into counts with one ``bincount`` per chunk, written into the int32 result: no Python loop over
    resamples, and peak memory is the result plus one chunk (at n = 10,000 and B = 1,000: 40 MB +
    ~4 MB, instead of 280 MB for one B × n int64 index matrix and its offsets; the values are the
    same, the generator's stream does not depend on the chunking). Counts let every statistic reuse
    the same resamples (means via a matrix product, AGI via cumulative sums, see
    :func:`scoring.alignment.bootstrap_agi`).

    Parameters
    ----------
    n : int
        Respondents.
    n_boot : int
        Resamples B; 0 gives an empty array.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    numpy.ndarray
        ``n_boot × n`` int32 counts, each row summing to ``n``.

    References
    ----------
    Efron & Tibshirani (1993), An Introduction to the Bootstrap, ch. 13.
    """
    if n_boot <= 0 or n == 0:
        return np.zeros((0, n), dtype=np.int32)
    rng = np.random.default_rng(seed)
    out = np.empty((n_boot, n), dtype=np.int32)
    rows = max(1, _CHUNK_CELLS // n)
    for start in range(0, n_boot, rows):
        m = min(rows, n_boot - start)
        idx = rng.integers(0, n, size=(m, n))
        idx += (np.arange(m) * n)[:, None]
        out[start : start + m] = np.bincount(idx.ravel(), minlength=m * n).reshape(m, n)
    return out


#: Rows of resampling counts converted to float per chunk by :func:`bootstrap_mean_cis` (at least
#: :data:`_MEAN_CHUNK_ROWS`, a multiple of 64, about :data:`_MEAN_CHUNK_CELLS` counts).
_MEAN_CHUNK_ROWS = 64
_MEAN_CHUNK_CELLS = 1 << 20


def percentile_interval(stats: np.ndarray, level: float) -> Interval:
    """Percentile interval of bootstrap replicates (NaN replicates ignored).

    Parameters
    ----------
    stats : numpy.ndarray
        Bootstrap replicates of a statistic.
    level : float
        Confidence level.

    Returns
    -------
    Interval
        The interval; NaN bounds with fewer than 2 defined replicates.
    """
    stats = np.asarray(stats, dtype=float)
    stats = stats[~np.isnan(stats)]
    if stats.size < 2:
        return Interval()
    a = (1.0 - level) / 2.0
    lo, hi = np.quantile(stats, [a, 1.0 - a])
    return Interval(float(lo), float(hi))


def bootstrap_mean_ci(
    values: np.ndarray, counts: np.ndarray, level: float = 0.95
) -> Interval | list[Interval]:
    """Percentile bootstrap CI of the mean of ``values`` (NaN ignored) from resampling ``counts``.

    The replicates are ``counts @ v / counts @ valid`` for all columns at once.

    Parameters
    ----------
    values : numpy.ndarray
        1-D (n) or 2-D (n × k columns, each column its own statistic).
    counts : numpy.ndarray
        ``B × n`` resampling counts (:func:`bootstrap_counts`).
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    Interval or list of Interval
        An :class:`Interval` for 1-D input, else one per column.
    """
    v = np.asarray(values, dtype=float)
    if v.ndim == 1:
        return bootstrap_mean_cis(v[:, None], counts, level)[0]
    return bootstrap_mean_cis(v, counts, level)


def bootstrap_mean_cis(
    values: np.ndarray, counts: np.ndarray, level: float = 0.95
) -> list[Interval]:
    """:func:`bootstrap_mean_ci` of each column of the 2-D (n × k) ``values``: k intervals.

    The counts are turned into float a chunk of rows at a time (a multiple of 64 rows, about
    :data:`_MEAN_CHUNK_CELLS` counts) rather than all ``B × n`` at once (80 MB at n = 10,000,
    B = 1,000); each replicate is the same two dot products as in one product over all rows.

    Parameters
    ----------
    values : numpy.ndarray
        n × k values, NaN = missing.
    counts : numpy.ndarray
        ``B × n`` resampling counts (:func:`bootstrap_counts`).
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    list of Interval
        One interval per column.
    """
    v = np.asarray(values, dtype=float)
    if counts.shape[0] == 0:
        return [Interval() for _ in range(v.shape[1])]
    valid = ~np.isnan(v)
    filled, weights = np.where(valid, v, 0.0), valid.astype(float)
    n_boot = counts.shape[0]
    reps = np.empty((n_boot, v.shape[1]))
    # the counts are converted to float a chunk of rows at a time (not B × n float64 at once)
    rows = max(_MEAN_CHUNK_ROWS, (_MEAN_CHUNK_CELLS // max(v.shape[0], 1)) // 64 * 64)
    for a in range(0, n_boot, rows):
        c = counts[a : a + rows].astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            reps[a : a + rows] = (c @ filled) / (c @ weights)
    return [
        percentile_interval(reps[:, k], level) if valid[:, k].sum() >= 2 else Interval()
        for k in range(v.shape[1])
    ]

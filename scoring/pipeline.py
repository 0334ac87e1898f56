"""The shared front half of scoring: responses → respondent capability scores and group masks.

Used by :func:`scoring.score_wave` and by :func:`scoring.compare_waves` (one copy, so both run the
same checks):

1. resolve the options (``management_roles`` ``None`` → the instrument's);
2. refuse an empty wave and responses collected with another instrument version;
3. align the response columns to the instrument's item order (unknown items are an error);
4. check every rating is an option of its item's scale (N/A must be empty, never 0);
5. optionally keep only some items (the items two instrument versions can compare);
6. reverse-code (``x → L + H − x``) and compute respondent × capability scores, current and target
   (:func:`scoring.scores.respondent_scores`), on the 0–100 scale and on the answer scale
   (targets from rated target levels when the instrument rates levels, below);
7. the number of items behind each score (answered items per respondent and capability,
   current and target: the ``j`` of the AGI's null reference, :func:`scoring.null.effective_items`);
8. the management mask (role in ``management_roles``) and the department keys.

**Targets of an instrument with rated levels** (``rate_levels``, ``customer-centricity`` 1.1.0).
Such an instrument asks the target once per capability, as a level of its descriptors to reach
within ``target_horizon_months``. A respondent's target for a capability is then their rated
target level on 0–100, ``t_norm = 100 · (level − 1)/4`` (on the answer scale
``L + t_norm · (H − L)/100``, the level itself on 1..5), not the mean of per-item targets (most
1.1.0 statements ask none); an N/A on the level leaves it missing. One answer stands behind it,
so ``answered_tgt`` is 1 (``j = 1`` in the target AGI's null reference). Everything downstream
that uses target scores (target AGI, ambition gap, target level, roadmap) uses these. Per-item
targets (8 statements of 1.1.0) stay item-level detail (:class:`scoring.results.ItemStats`).
The rated current levels and the investment points are carried along (``level_current``,
``points``) for :mod:`scoring.capability_levels`; see
``docs/methodology.md#11-capability-level-answers``. Instruments without ``rate_levels``
(1.0.0) are scored exactly as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from questionnaires.errors import ScoringError
from scoring.capability_levels import aligned_levels, level_targets
from scoring.results import ScoreOptions, department_group
from scoring.scores import (
    InstrumentIndex,
    align_columns,
    answered_counts,
    respondent_scores,
    to_scale,
)

if TYPE_CHECKING:
    from questionnaires.answers import Respondent, ResponseSet
    from questionnaires.model import Instrument

__all__ = ["Prepared", "check_values", "prepare"]


@dataclass(frozen=True, eq=False)
class Prepared:
    """One wave after the shared pipeline (all arrays respondents × items or × capabilities).

    Attributes
    ----------
    source : str
        Where the responses came from (file or wave), named in errors.
    index : InstrumentIndex
        The instrument's index.
    options : ScoreOptions
        The options, ``management_roles`` resolved.
    respondents : sequence of Respondent
        The respondents, in row order.
    cur, tgt : numpy.ndarray
        Reverse-coded current and target ratings (NaN = N/A or unanswered).
    na : numpy.ndarray
        The N/A flags.
    s_norm, t_norm : numpy.ndarray
        Respondent capability scores on 0–100, current and target.
    s, t : numpy.ndarray
        The same on each capability's answer scale.
    is_mgmt : numpy.ndarray
        Whether each respondent is in the management team.
    deps : numpy.ndarray
        Department key per respondent (object array).
    answered_cur, answered_tgt : numpy.ndarray
        Respondents × capabilities, items answered (current, target ratings); with rated levels
        ``answered_tgt`` is 1 where a target level was given.
    level_current, level_target, points : numpy.ndarray or None
        Respondents × capabilities rated levels (1..5) and investment points, NaN = not given;
        ``None`` for an instrument without ``rate_levels``.
    """

    source: str
    index: InstrumentIndex
    options: ScoreOptions
    respondents: Sequence[Respondent]
    cur: np.ndarray
    tgt: np.ndarray
    na: np.ndarray
    s_norm: np.ndarray
    t_norm: np.ndarray
    s: np.ndarray
    t: np.ndarray
    is_mgmt: np.ndarray
    deps: np.ndarray
    answered_cur: np.ndarray
    answered_tgt: np.ndarray
    level_current: np.ndarray | None = None
    level_target: np.ndarray | None = None
    points: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of respondents."""
        return len(self.respondents)

    def department_sizes(self) -> dict[str, int]:
        """Respondents per department key, in order of first appearance.

        Returns
        -------
        dict of str to int
            Department key → respondents.
        """
        return {d: int((self.deps == d).sum()) for d in dict.fromkeys(self.deps.tolist())}

    def group_masks(self, departments: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """Boolean respondent masks of the groups a wave is scored for.

        Parameters
        ----------
        departments : sequence of str, optional
            The department keys to include (default: every department).

        Returns
        -------
        dict of str to numpy.ndarray
            ``management``, ``organisation`` and ``department_group(key)`` → boolean mask.
        """
        masks = {"management": self.is_mgmt, "organisation": np.ones(self.n, dtype=bool)}
        keys = self.department_sizes() if departments is None else departments
        for d in keys:
            masks[department_group(d)] = self.deps == d
        return masks


def check_values(
    raw: np.ndarray, index: InstrumentIndex, respondents: Sequence[Respondent], what: str
) -> None:
    """Check that every rating is an option of its item's scale.

    A rating must be an integer in its item's ``L..H``; NaN (N/A or unanswered) passes.

    Parameters
    ----------
    raw : numpy.ndarray
        Raw ratings, respondents × items in instrument order.
    index : InstrumentIndex
        The instrument's index.
    respondents : sequence of Respondent
        The respondents, in row order (named in the error).
    what : str
        ``"current"`` or ``"target"``, named in the error.

    Raises
    ------
    questionnaires.errors.ScoringError
        Naming respondents and items (the first five) whose ratings are not options.
    """
    bad = ~np.isnan(raw) & ((raw < index.low) | (raw > index.high) | (raw != np.round(raw)))
    if bad.any():
        rows, cols = np.nonzero(bad)
        shown = [
            f"respondent {respondents[r].id!r}, item {index.item_ids[c]} ({what} = {raw[r, c]:g}, "
            f"allowed {index.low[c]:g}..{index.high[c]:g})"
            for r, c in zip(rows[:5], cols[:5], strict=True)
        ]
        more = f" and {int(bad.sum()) - 5} more" if bad.sum() > 5 else ""
        raise ScoringError(
            f"{int(bad.sum())} {what} rating(s) are not options of their scale: {'; '.join(shown)}{more}; "
            "fix the response file (N/A must be empty, not 0)"
        )


def prepare(
    instrument: Instrument,
    responses: ResponseSet,
    options: ScoreOptions | None = None,
    keep_items: Sequence[str] | None = None,
) -> Prepared:
    """Run the shared pipeline (module docstring) on one wave.

    Parameters
    ----------
    instrument : questionnaires.model.Instrument
        The instrument the responses were collected with.
    responses : questionnaires.answers.ResponseSet
        One wave's responses.
    options : ScoreOptions, optional
        Scoring options; ``None`` = the defaults.
    keep_items : sequence of str, optional
        Item ids of ``instrument`` to score on (default: all).

    Returns
    -------
    Prepared
        Ratings, respondent scores, masks and resolved options.

    Raises
    ------
    questionnaires.errors.ScoringError
        For an empty wave, responses collected with another instrument version, items the
        instrument lacks, ratings outside their scale, or no current rating at all.
    """
    opts = (options or ScoreOptions()).resolved(instrument.management_roles)
    src = responses.source or f"wave {responses.wave!r}"
    if responses.n_respondents == 0:
        raise ScoringError(f"{src}: no respondents to score; import the wave's answers first")
    if responses.instrument_ref and responses.instrument_ref != instrument.ref:
        raise ScoringError(
            f"{src}: the responses were collected with {responses.instrument_ref} but are being scored "
            f"with {instrument.ref}; score them with the instrument version they were collected with"
        )
    idx = InstrumentIndex.from_instrument(instrument)
    respondents = responses.respondents
    cur_raw, tgt_raw, na = align_columns(
        idx,
        responses.item_ids,
        responses.current,
        responses.target,
        responses.na.astype(float),
        source=src,
    )
    check_values(cur_raw, idx, respondents, "current")
    check_values(tgt_raw, idx, respondents, "target")
    if keep_items is not None:
        pos = {iid: j for j, iid in enumerate(idx.item_ids)}
        missing = [i for i in keep_items if i not in pos]
        if missing:
            raise ScoringError(
                f"{src}: items {', '.join(missing[:10])} are not in {instrument.ref}; "
                "compare only items the instrument has"
            )
        cols = [pos[i] for i in keep_items]
        idx = idx.subset(cols)
        cur_raw, tgt_raw, na = cur_raw[:, cols], tgt_raw[:, cols], na[:, cols]
    if np.isnan(cur_raw).all():
        raise ScoringError(
            f"{src}: no item has a current rating (all answers are N/A or empty); nothing to score"
        )
    cur = idx.recode(cur_raw)
    tgt = idx.recode(tgt_raw)
    roles = responses.roles
    asked = idx.asked(list(roles))
    s_norm, _ = respondent_scores(cur, idx, asked, opts.min_answered_share)
    t_norm, _ = respondent_scores(tgt, idx, asked, opts.min_answered_share)
    t = to_scale(t_norm, idx.cap_low, idx.cap_high)
    answered_tgt = answered_counts(tgt, idx)
    rated: tuple[np.ndarray | None, ...] = (None, None, None)
    if instrument.rate_levels:
        rated = aligned_levels(responses, idx.cap_ids, instrument.investment_points, src)
        t_norm, t, answered_tgt = level_targets(rated[1], idx.cap_low, idx.cap_high)
    mgmt = set(opts.management)
    return Prepared(
        source=src,
        index=idx,
        options=opts,
        respondents=respondents,
        cur=cur,
        tgt=tgt,
        na=na,
        s_norm=s_norm,
        t_norm=t_norm,
        s=to_scale(s_norm, idx.cap_low, idx.cap_high),
        t=t,
        is_mgmt=np.isin(roles, list(mgmt)),
        deps=responses.department_keys,
        answered_cur=answered_counts(cur, idx),
        answered_tgt=answered_tgt,
        level_current=rated[0],
        level_target=rated[1],
        points=rated[2],
    )

"""Pilot statistics of an instrument version: does each statement work, and are targets a choice?

Run on a pilot wave (or a synthetic one) before a version goes in front of a client's board
(``docs/questionnaire-format.md#piloting-a-version``):

- **Cronbach's α per capability** (:func:`scoring.agreement.cronbach_alpha_detail`, pairwise), on
  reverse-coded current ratings;
- **item–rest correlation** per statement (:func:`scoring.consensus.item_rest_correlations`): a
  statement below :data:`WEAK_ITEM_REST` measures something else than its capability (or is misread);
- **share of trivial targets**: of all target answers, those at the customer-centric end of the
  scale (option ``H`` after reverse coding, or level 5 of a rated capability). A statement or
  capability whose targets are trivial in at least :data:`TRIVIAL_TARGET_SHARE` of answers asks
  no real choice: its ambition gap is "top minus current" and agreement on it is false consensus;
- **N/A share** per statement (a high share: the statement cannot be judged from the role).

Cut-offs follow the usual conventions: an item–rest r below 0.30 flags a weak item (Nunnally &
Bernstein 1994, ch. 8), α of 0.70 is the customary floor for a group-level scale (Nunnally 1978).
They are descriptions of a pilot sample, not tests: with n = 8 executives α has a confidence
interval wider than ±0.3 (Feldt, Woodruff & Salih 1987), so a pilot needs the whole organisation
or a synthetic wave, and its numbers say where to look in cognitive interviews, not what is true.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from questionnaires.errors import ScoringError
from scoring.agreement import cronbach_alpha_detail
from scoring.consensus import item_rest_correlations
from scoring.pipeline import prepare

if TYPE_CHECKING:
    from questionnaires.answers import ResponseSet
    from questionnaires.model import Instrument

__all__ = [
    "TRIVIAL_TARGET_SHARE",
    "WEAK_ITEM_REST",
    "CapabilityPilot",
    "ItemPilot",
    "PilotReport",
    "pilot_statistics",
]

WEAK_ITEM_REST = 0.30
"""Item–rest correlation below which a statement is flagged weak."""

TRIVIAL_TARGET_SHARE = 0.80
"""Share of targets at the customer-centric end from which a target is flagged trivial."""


@dataclass(frozen=True)
class ItemPilot:
    """Pilot figures of one statement.

    Attributes
    ----------
    item_id : str
        The statement.
    capability : str
        Its capability id.
    n : int
        Respondents with a current rating.
    na_share : float
        Share of the respondents asked who answered N/A.
    item_rest : float
        Correlation with the mean of the capability's other statements (``nan`` when undefined).
    weak : bool
        ``item_rest`` below :data:`WEAK_ITEM_REST`.
    asks_target : bool
        Whether the statement asks a target.
    n_targets : int
        Target answers given.
    trivial_target_share : float
        Share of those at the customer-centric end (``nan`` without targets).
    trivial_target : bool
        ``trivial_target_share`` at least :data:`TRIVIAL_TARGET_SHARE`.
    """

    item_id: str
    capability: str
    n: int
    na_share: float
    item_rest: float
    weak: bool
    asks_target: bool
    n_targets: int
    trivial_target_share: float
    trivial_target: bool


@dataclass(frozen=True)
class CapabilityPilot:
    """Pilot figures of one capability.

    Attributes
    ----------
    capability : str
        The capability id.
    n_items : int
        Its statements.
    alpha : float
        Cronbach's α of its current ratings (``nan`` when undefined, see ``alpha_reason``).
    alpha_n : int
        Respondents in α.
    alpha_reason : str
        Why α is undefined; empty otherwise.
    weak_items : tuple of str
        Statements with an item–rest correlation below :data:`WEAK_ITEM_REST`.
    n_level_targets : int
        Rated target levels (instruments that rate levels; 0 otherwise).
    level_target_at_top : float
        Share of rated target levels at level 5 (``nan`` without them).
    """

    capability: str
    n_items: int
    alpha: float
    alpha_n: int
    alpha_reason: str
    weak_items: tuple[str, ...]
    n_level_targets: int
    level_target_at_top: float


@dataclass(frozen=True)
class PilotReport:
    """The pilot figures of one wave on one instrument version.

    Attributes
    ----------
    instrument_ref : str
        ``id@version``.
    wave : str
        The wave.
    n_respondents : int
        Respondents.
    items : tuple of ItemPilot
        Per statement, in instrument order.
    capabilities : tuple of CapabilityPilot
        Per capability, in instrument order.
    n_targets : int
        Every target answer: per-statement targets and rated target levels.
    trivial_target_share : float
        Share of those at the customer-centric end (``nan`` without targets).
    """

    instrument_ref: str
    wave: str
    n_respondents: int
    items: tuple[ItemPilot, ...]
    capabilities: tuple[CapabilityPilot, ...]
    n_targets: int
    trivial_target_share: float

    @property
    def trivial_target_items(self) -> tuple[str, ...]:
        """Statements whose target is trivial (:data:`TRIVIAL_TARGET_SHARE`)."""
        return tuple(i.item_id for i in self.items if i.trivial_target)

    @property
    def weak_items(self) -> tuple[str, ...]:
        """Statements with an item–rest correlation below :data:`WEAK_ITEM_REST`."""
        return tuple(i.item_id for i in self.items if i.weak)


def _share(hits: int, total: int) -> float:
    return hits / total if total else math.nan


def _withheld(item_id: str, capability: str, asks_target: bool) -> ItemPilot:
    """A statement asked of fewer than k people: no figure."""
    nan = math.nan
    return ItemPilot(item_id, capability, 0, nan, nan, False, asks_target, 0, nan, False)


def pilot_statistics(
    instrument: Instrument, responses: ResponseSet, *, min_group: int = 3
) -> PilotReport:
    """The pilot figures (module docstring) of ``responses`` on ``instrument``.

    Figures of a statement asked of fewer than ``min_group`` respondents are withheld (``nan``,
    ``n`` 0): a pilot table is shown to the people who answered it.

    Parameters
    ----------
    instrument : questionnaires.model.Instrument
        The version the answers were given on.
    responses : questionnaires.answers.ResponseSet
        The pilot wave.
    min_group : int, default 3
        The anonymity k: the fewest respondents a published figure may rest on.

    Returns
    -------
    PilotReport
        Per statement and capability, and the share of trivial targets overall.

    Raises
    ------
    questionnaires.errors.ScoringError
        As :func:`scoring.pipeline.prepare` (empty wave, another version, ratings off the scale),
        and for a wave of fewer than ``min_group`` respondents.

    Examples
    --------
    >>> from assessment.synthetic import northwind
    >>> from questionnaires.catalogue import get_instrument
    >>> old = pilot_statistics(get_instrument("customer-centricity@1.0.0"), northwind("2026-H1"))
    >>> new = pilot_statistics(get_instrument("customer-centricity@1.1.0"), northwind("2026-H2"))
    >>> new.n_targets < old.n_targets  # 8 statements and 8 levels ask a target, not 49 statements
    True
    """
    if responses.n_respondents < min_group:
        raise ScoringError(
            f"{responses.source or 'the wave'}: a pilot needs at least {min_group} respondents "
            "(the anonymity k); pilot with more people",
            settings={"min_group": min_group},
        )
    p = prepare(instrument, responses)
    idx = p.index
    asked = idx.asked(list(responses.roles))
    top = idx.high[None, :]
    items: list[ItemPilot] = []
    caps: list[CapabilityPilot] = []
    all_targets = all_trivial = 0
    level_cols = {c: k for k, c in enumerate(responses.capability_ids)}
    for c, cap_id in enumerate(idx.cap_ids):
        cols = np.flatnonzero(idx.item_cap == c)
        X = p.cur[:, cols]
        ids = [idx.item_ids[j] for j in cols]
        rest = item_rest_correlations(X, ids)
        for k, j in enumerate(cols):
            item = instrument.item(idx.item_ids[j])
            n_asked = int(asked[:, j].sum())
            if n_asked < min_group:
                items.append(_withheld(item.id, cap_id, item.target))
                continue
            given = ~np.isnan(p.tgt[:, j])
            n_t = int(given.sum())
            trivial = int((p.tgt[given, j] == top[0, j]).sum())
            all_targets += n_t
            all_trivial += trivial
            share = _share(trivial, n_t)
            r = float(rest.r[k])
            items.append(
                ItemPilot(
                    item_id=item.id,
                    capability=cap_id,
                    n=int((~np.isnan(p.cur[:, j])).sum()),
                    na_share=_share(int(p.na[:, j][asked[:, j]].astype(bool).sum()), n_asked),
                    item_rest=r,
                    weak=bool(r < WEAK_ITEM_REST),
                    asks_target=item.target,
                    n_targets=n_t,
                    trivial_target_share=share,
                    trivial_target=bool(n_t and share >= TRIVIAL_TARGET_SHARE),
                )
            )
        alpha = cronbach_alpha_detail(X)
        levels = (
            responses.level_target[:, level_cols[cap_id]] if cap_id in level_cols else np.empty(0)
        )
        levels = levels[~np.isnan(levels)]
        at_top = int((levels == 5).sum())
        all_targets += levels.size
        all_trivial += at_top
        caps.append(
            CapabilityPilot(
                capability=cap_id,
                n_items=len(cols),
                alpha=float(alpha.value),
                alpha_n=int(alpha.n_raters),
                alpha_reason=alpha.reason,
                weak_items=tuple(i.item_id for i in items[-len(cols) :] if i.weak),
                n_level_targets=int(levels.size),
                level_target_at_top=_share(at_top, int(levels.size)),
            )
        )
    return PilotReport(
        instrument_ref=instrument.ref,
        wave=responses.wave,
        n_respondents=responses.n_respondents,
        items=tuple(items),
        capabilities=tuple(caps),
        n_targets=all_targets,
        trivial_target_share=_share(all_trivial, all_targets),
    )

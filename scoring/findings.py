"""The findings engine: every candidate finding of a wave, ranked by salience (issue 12).

A finding is one thing the data say about one capability, from a statistic the report already
prints, with its size, how certain it is and how much the capability weighs
(:class:`scoring.results.Finding`; ``docs/methodology.md#13-findings-and-their-salience``)::

    salience = effect (maturity levels) × certainty (0–1) × weight (the capability's weight)

Only a finding whose label is error-controlled (or a definition) claims something, so only those
are candidates: a comparison that is not significant after the family's adjustment gives no
finding at all. One maturity level is ``(H − L)/4`` answer points (``level = 1 + 4·(x − L)/(H − L)``),
so on the 5-point scales of customer-centricity a level is one answer point.

Kinds, their effect and certainty (α = ``ScoreOptions.label_alpha``):

* ``perception_gap`` — the management team against everyone else (Welch's t, Holm over the
  capabilities, :func:`scoring.gaps.perception_gaps`), labelled *blind spot* (management higher)
  or *hidden strength* (lower). Effect ``|gap|`` in levels; certainty ``1 − p_adjusted``.
* ``misaligned_current`` / ``misaligned_target`` — the management team's AGI on current or
  target answers in the calibrated band *misaligned* (beyond every random-answering null and the
  aligned band, :func:`scoring.null.calibrated_band`). Effect ``4 · AGI/100``: how many levels
  apart two members of the management team typically place it (AGI is the mean pair distance in
  % of the scale); certainty ``1 − α`` (the band is a test at α per capability, with no p-value).
* ``silo`` — departments differ: the one-way ANOVA F-test of :class:`scoring.results.Separation`,
  its p-values adjusted by Holm over the capabilities; a silo when the adjusted p is below α.
  Effect: the spread of the shown departments' means (highest − lowest) in levels; certainty
  ``1 − p_adjusted``. η² is quoted as the share of the differences between people that lies
  between departments.
* ``ambition_gap`` — the management team's target against its current answers (paired t over the
  members with both, Holm over the capabilities), when the target is higher. The roadmap raises a
  capability one level per stage, so an ambition of up to one level is the ordinary plan and
  claims nothing; the effect is the stretch beyond it, ``max(0, gap − 1)`` levels (no finding at
  0); certainty ``1 − p_adjusted``. Needs the management team's membership (``management``).
* ``borderline_level`` — the organisation's level (the floor of its median, the level the
  maturity table prints) is borderline (:func:`scoring.stability.level_estimate`: the median's
  distribution-free interval, widened by ``level_margin``, reaches a level boundary). Effect 1
  level (the level may be one off); certainty 0.5 (the claim is only that the neighbouring level
  is about as likely), so it never outranks a tested finding of the same size.
* ``prerequisite_cap`` — the level is capped by a prerequisite capability (:mod:`scoring.levels`).
  Effect ``uncapped − capped`` levels; certainty 1 (a definition).
* ``strength`` — the organisation rates the capability higher than its other capabilities: each
  respondent's level on it against their mean level over the other capabilities they scored
  (paired t, Holm over the capabilities), when higher. Effect the mean difference in levels;
  certainty ``1 − p_adjusted``. Needs the respondents' scores (the full result).

Ranking: by salience, highest first; ties by the order of :data:`scoring.results.FINDING_KINDS`
(perception gap first, strength last), then by the capability's position in the instrument.
:func:`headline` is the first finding's sentence (never "aligned": no kind claims alignment;
without findings it says that nothing stands out) and :func:`board_decision` the decision asked
of the board (stage 1 of the roadmap and the gate after it).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from scoring.inference import holm, label_family, paired_difference
from scoring.null import ALPHA
from scoring.results import FINDING_KINDS, Finding, FindingKind, Roadmap, SiloGap, WaveResult

if TYPE_CHECKING:
    from questionnaires.model import Instrument

__all__ = [
    "BORDERLINE_CERTAINTY",
    "CLAIMING_LABELS",
    "NO_FINDING",
    "REISSUE_DROPPED",
    "board_decision",
    "claims",
    "headline",
    "rank",
    "reissued",
    "shown_findings",
    "silo_capabilities",
    "wave_findings",
]

#: Certainty of a borderline level: the neighbouring level is about as likely.
BORDERLINE_CERTAINTY = 0.5

#: The labels a finding can carry, per kind.
CLAIMING_LABELS: Mapping[FindingKind, tuple[str, ...]] = {
    "perception_gap": ("blind spot", "hidden strength"),
    "misaligned_current": ("misaligned",),
    "misaligned_target": ("misaligned",),
    "silo": ("silo",),
    "ambition_gap": ("stretch",),
    "borderline_level": ("borderline",),
    "prerequisite_cap": ("capped by prerequisite",),
    "strength": ("strength",),
}

#: The headline when no finding stands.
NO_FINDING = (
    "No finding stands out: no blind spot, split, silo or stretch is large and certain enough "
    "to report."
)


def _per_level(result: WaveResult, cap: str) -> float:
    """Maturity levels per answer point of ``cap`` (``4/(H − L)``; 1 on a 1–5 scale)."""
    try:
        s = result.score(cap)
    except KeyError:
        return 1.0
    if math.isnan(s.low) or math.isnan(s.high) or s.high <= s.low:
        return 1.0
    return 4.0 / (s.high - s.low)


def _finding(
    kind: FindingKind,
    cap: str,
    population: str,
    effect: float,
    direction: int,
    certainty: float,
    weight: float,
    label: str,
    headline: str,
    evidence: dict[str, float],
    n: int | None,
) -> Finding:
    certainty = min(1.0, max(0.0, certainty))
    return Finding(
        kind=kind,
        capability_id=cap,
        population=population,
        effect_levels=effect,
        direction=direction,
        certainty=certainty,
        weight=weight,
        salience=effect * certainty * weight,
        label=label,
        headline=headline,
        evidence=evidence,
        n=n,
    )


def rank(findings: Sequence[Finding], order: Sequence[str] = ()) -> tuple[Finding, ...]:
    """``findings`` most salient first; ties by kind (:data:`FINDING_KINDS`), then capability.

    Parameters
    ----------
    findings : sequence of Finding
        The findings.
    order : sequence of str, optional
        Capability ids in instrument order (unknown ids sort last, by id).

    Returns
    -------
    tuple of Finding
        Ranked.
    """
    pos = {c: k for k, c in enumerate(order)}
    return tuple(
        sorted(
            findings,
            key=lambda f: (
                -round(f.salience, 12),
                FINDING_KINDS.index(f.kind),
                pos.get(f.capability_id, len(pos)),
                f.capability_id,
            ),
        )
    )


def wave_findings(
    result: WaveResult,
    instrument: Instrument,
    *,
    management: Sequence[bool] | np.ndarray | None = None,
    department_names: Mapping[str, str] | None = None,
) -> tuple[Finding, ...]:
    """Every candidate finding of a scored wave, most salient first (module docstring).

    Parameters
    ----------
    result : WaveResult
        The scored wave (the full result: strengths need the respondents' scores).
    instrument : questionnaires.model.Instrument
        Its instrument (capability names and weights).
    management : sequence of bool, optional
        Per respondent (the ResponseSet's order) whether they are in the management team;
        without it there are no ambition findings.
    department_names : mapping of str to str, optional
        Department key → name as the client writes it (``ResponseSet.department_names()``);
        without it the keys are capitalised.

    Returns
    -------
    tuple of Finding
        Ranked by :func:`rank`.
    """
    caps = {c.id: c for c in instrument.capabilities}
    names = {c.id: c.name for c in instrument.capabilities}
    weights = {c.id: float(c.weight) for c in instrument.capabilities}
    dep_names = dict(department_names or {})
    found: list[Finding] = []
    found += _perception(result, names, weights)
    found += _misaligned(result, names, weights)
    found += _silos(result, names, weights, dep_names)
    if management is not None:
        found += _ambition(result, names, weights, np.asarray(management, dtype=bool))
    found += _levels(result, names, weights, caps)
    found += _strengths(result, names, weights)
    return rank(found, [c.id for c in instrument.capabilities])


def _perception(
    result: WaveResult, names: Mapping[str, str], weights: Mapping[str, float]
) -> list[Finding]:
    out = []
    k = result.options.min_group
    for p in result.perception:
        if p.test is None or p.label not in ("blind spot", "hidden strength"):
            continue
        f = _per_level(result, p.capability_id)
        m, o = round(p.management_mean, 1), round(p.others_mean, 1)
        shown = round(m - o, 1)
        name = names.get(p.capability_id, p.capability_id)
        if p.label == "blind spot":
            text = (
                f"The management team rates {name} {abs(shown):.1f} levels above the rest of the "
                f"organisation ({m:.1f} against {o:.1f}): a blind spot to test with the front line."
            )
        else:
            text = (
                f"The management team rates {name} {abs(shown):.1f} levels below the rest of the "
                f"organisation ({m:.1f} against {o:.1f}): a hidden strength the team underrates."
            )
        n = p.n_management + p.n_others if min(p.n_management, p.n_others) >= k else None
        out.append(
            _finding(
                "perception_gap",
                p.capability_id,
                "management_vs_organisation",
                abs(p.gap) * f,
                1 if p.gap > 0 else -1,
                1.0 - p.test.p_adjusted,
                weights.get(p.capability_id, 1.0),
                p.label,
                text,
                {
                    "management": p.management_mean,
                    "others": p.others_mean,
                    "gap": p.gap,
                    "p_adjusted": p.test.p_adjusted,
                    "g": p.test.g,
                },
                n,
            )
        )
    return out


def _misaligned(
    result: WaveResult, names: Mapping[str, str], weights: Mapping[str, float]
) -> list[Finding]:
    out = []
    for a in result.agi:
        if a.group != "management" or a.capability_id == "overall":
            continue
        if a.band != "misaligned" or math.isnan(a.null_mean) or math.isnan(a.value):
            continue
        name = names.get(a.capability_id, a.capability_id)
        effect = 4.0 * a.value / 100.0
        if a.basis == "current":
            kind: FindingKind = "misaligned_current"
            text = (
                f"The management team is split on where {name} stands: two of its members "
                f"typically place it {effect:.1f} levels apart (AGI {a.value:.0f}; random "
                f"answering gives {a.null_mean:.0f})."
            )
        else:
            kind = "misaligned_target"
            text = (
                f"The management team is split on where {name} should go: two of its members' "
                f"targets are typically {effect:.1f} levels apart (target AGI {a.value:.0f}; "
                f"random answering gives {a.null_mean:.0f})."
            )
        out.append(
            _finding(
                kind,
                a.capability_id,
                "management",
                effect,
                0,
                1.0 - ALPHA,
                weights.get(a.capability_id, 1.0),
                "misaligned",
                text,
                {
                    "agi": a.value,
                    "null_mean": a.null_mean,
                    "critical_high": a.critical_high,
                    "ci_low": a.ci.low,
                    "ci_high": a.ci.high,
                },
                a.n if a.n >= result.options.min_group else None,
            )
        )
    return out


def _department_name(key: str, dep_names: Mapping[str, str]) -> str:
    return dep_names.get(key) or key[:1].upper() + key[1:]


def silo_capabilities(silos: Sequence[SiloGap], alpha: float = ALPHA) -> tuple[str, ...]:
    """The capabilities that are silos, the widest spread first.

    A silo: the F-test's Holm-adjusted p-value (over the capabilities tested) is below ``alpha``.
    The roadmap plans the first of them right after the Align stage.

    Parameters
    ----------
    silos : sequence of SiloGap
        The wave's silo gaps.
    alpha : float
        The family's level (``ScoreOptions.label_alpha``).

    Returns
    -------
    tuple of str
        Capability ids.
    """
    tested = [s for s in silos if not math.isnan(s.separation.p_value) and not math.isnan(s.spread)]
    if not tested:
        return ()
    adjusted = holm([s.separation.p_value for s in tested])
    hits = [(s.spread, s.capability_id) for s, p in zip(tested, adjusted, strict=True) if p < alpha]
    return tuple(c for _, c in sorted(hits, key=lambda x: (-x[0], x[1])))


def _silos(
    result: WaveResult,
    names: Mapping[str, str],
    weights: Mapping[str, float],
    dep_names: Mapping[str, str],
) -> list[Finding]:
    silos = [s for s in result.silos if not math.isnan(s.separation.p_value)]
    if not silos:
        return []
    adjusted = holm([s.separation.p_value for s in silos])
    alpha = result.options.label_alpha
    out = []
    for s, p_adj in zip(silos, adjusted, strict=True):
        means = [(d, n, m) for d, n, m in s.department_means if not math.isnan(m)]
        if float(p_adj) >= alpha or len(means) < 2 or math.isnan(s.spread):
            continue
        hi = max(means, key=lambda x: (x[2], x[0]))
        lo = min(means, key=lambda x: (x[2], x[0]))
        f = _per_level(result, s.capability_id)
        name = names.get(s.capability_id, s.capability_id)
        m_hi, m_lo = round(hi[2], 1), round(lo[2], 1)
        text = (
            f"Departments see {name} differently: {_department_name(hi[0], dep_names)} rates it "
            f"{m_hi:.1f}, {_department_name(lo[0], dep_names)} {m_lo:.1f}, "
            f"{(m_hi - m_lo) * f:.1f} levels apart; which department people sit in explains "
            f"{s.separation.eta2:.0%} of how they rate it."
        )
        evidence = {f"department:{d}": m for d, _, m in means}
        evidence.update(
            spread=s.spread,
            icc1=s.separation.icc1,
            eta2=s.separation.eta2,
            p_adjusted=float(p_adj),
        )
        out.append(
            _finding(
                "silo",
                s.capability_id,
                "departments",
                s.spread * f,
                0,
                1.0 - float(p_adj),
                weights.get(s.capability_id, 1.0),
                "silo",
                text,
                evidence,
                sum(n for _, n, _ in means),
            )
        )
    return out


def _ambition(
    result: WaveResult,
    names: Mapping[str, str],
    weights: Mapping[str, float],
    mgmt: np.ndarray,
) -> list[Finding]:
    opts = result.options
    diffs, rows = [], []
    for s in result.scores:
        cur = np.asarray(s.respondent_scores, dtype=float)
        tgt = np.asarray(s.respondent_targets, dtype=float)
        if cur.size != mgmt.size or tgt.size != mgmt.size:
            continue
        both = mgmt & ~np.isnan(cur) & ~np.isnan(tgt)
        f = _per_level(result, s.capability_id)
        c_lv, t_lv = 1.0 + f * (cur[both] - s.low), 1.0 + f * (tgt[both] - s.low)
        diffs.append(
            paired_difference(
                c_lv,
                t_lv,
                sesoi=opts.sesoi,
                confidence=opts.ci_level,
                min_n=max(opts.label_min_n, opts.min_group),
                effect_ci=False,
            )
        )
        rows.append((s.capability_id, c_lv, t_lv))
    labels = label_family(diffs, adjust=opts.label_adjust, alpha=opts.label_alpha)
    out = []
    for (cap, c_lv, t_lv), lab in zip(rows, labels, strict=True):
        if lab.key != "higher":
            continue
        gap = float(t_lv.mean() - c_lv.mean())
        effect = max(0.0, gap - 1.0)
        if effect <= 0:
            continue
        now, aim = round(float(np.mean(c_lv)), 1), round(float(np.mean(t_lv)), 1)
        name = names.get(cap, cap)
        text = (
            f"The management team aims {aim - now:.1f} levels above today on {name} "
            f"({now:.1f} to {aim:.1f}): more than the one level a stage of the roadmap delivers."
        )
        out.append(
            _finding(
                "ambition_gap",
                cap,
                "management",
                effect,
                1,
                1.0 - lab.p_adjusted,
                weights.get(cap, 1.0),
                "stretch",
                text,
                {
                    "current": float(c_lv.mean()),
                    "target": float(t_lv.mean()),
                    "gap": gap,
                    "p_adjusted": lab.p_adjusted,
                },
                int(c_lv.size),
            )
        )
    return out


def _levels(
    result: WaveResult,
    names: Mapping[str, str],
    weights: Mapping[str, float],
    caps: Mapping[str, object],
) -> list[Finding]:
    out = []
    for lv in result.levels:
        name = names.get(lv.capability_id, lv.capability_id)
        w = weights.get(lv.capability_id, 1.0)
        est = lv.organisation
        # a level set by a cap (weakest item, prerequisite) does not move with the median
        if est is not None and est.computable and est.borderline and lv.level == est.level:
            other = _neighbour(est.median, lv.level, est.possible_levels)
            text = (
                f"The level of {name} is on a knife edge: the organisation's median "
                f"({est.median:.2f}) lies so close to a level boundary that another sample could "
                f"as well give level {other} as level {lv.level}."
            )
            out.append(
                _finding(
                    "borderline_level",
                    lv.capability_id,
                    "organisation",
                    1.0,
                    1 if other > lv.level else -1,
                    BORDERLINE_CERTAINTY,
                    w,
                    "borderline",
                    text,
                    {
                        "median": est.median,
                        "interval_low": est.interval.low,
                        "interval_high": est.interval.high,
                        "level": float(lv.level),
                    },
                    est.n,
                )
            )
        pre = lv.capped_by_prerequisite
        if pre and lv.uncapped_level > lv.level > 0:
            text = (
                f"{name} is held at level {lv.level} by its prerequisite "
                f"{names.get(pre, pre)}: its own answers give level {lv.uncapped_level}."
            )
            out.append(
                _finding(
                    "prerequisite_cap",
                    lv.capability_id,
                    "organisation",
                    float(lv.uncapped_level - lv.level),
                    -1,
                    1.0,
                    w,
                    "capped by prerequisite",
                    text,
                    {"level": float(lv.level), "uncapped_level": float(lv.uncapped_level)},
                    None,
                )
            )
    return out


def _neighbour(median: float, level: int, possible: Sequence[int]) -> int:
    """The other level a borderline median could give: one the interval reaches, else the
    level on the side of the nearer boundary."""
    others = [p for p in possible if p != level]
    if others:
        return min(others, key=lambda p: (abs(p - level), p))
    up = median - level >= 0.5
    return min(5, level + 1) if up or level == 1 else level - 1


def _strengths(
    result: WaveResult, names: Mapping[str, str], weights: Mapping[str, float]
) -> list[Finding]:
    opts = result.options
    cols = [np.asarray(s.respondent_scores, dtype=float) for s in result.scores]
    if len(cols) < 2 or len({c.size for c in cols}) != 1 or cols[0].size == 0:
        return []
    lv = np.column_stack(
        [
            1.0 + _per_level(result, s.capability_id) * (c - s.low)
            for s, c in zip(result.scores, cols, strict=True)
        ]
    )
    diffs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for k in range(lv.shape[1]):
            rest = np.nanmean(np.delete(lv, k, axis=1), axis=1)
            ok = ~np.isnan(lv[:, k]) & ~np.isnan(rest)
            diffs.append(
                paired_difference(
                    rest[ok],
                    lv[ok, k],
                    sesoi=opts.sesoi,
                    confidence=opts.ci_level,
                    min_n=max(opts.label_min_n, opts.min_group),
                    effect_ci=False,
                )
            )
    labels = label_family(diffs, adjust=opts.label_adjust, alpha=opts.label_alpha)
    levels = {x.capability_id: x.level for x in result.levels}
    out = []
    for s, d, lab in zip(result.scores, diffs, labels, strict=True):
        if lab.key != "higher":
            continue
        name = names.get(s.capability_id, s.capability_id)
        text = (
            f"{name} is a strength: the organisation rates it {lab.estimate:.1f} levels above "
            f"its other capabilities (level {levels.get(s.capability_id, 0)})."
        )
        out.append(
            _finding(
                "strength",
                s.capability_id,
                "organisation",
                abs(lab.estimate),
                1,
                1.0 - lab.p_adjusted,
                weights.get(s.capability_id, 1.0),
                "strength",
                text,
                {"difference": lab.estimate, "p_adjusted": lab.p_adjusted},
                d.n_a,
            )
        )
    return out


def shown_findings(
    findings: Sequence[Finding],
    k: int,
    *,
    perception_shown: Mapping[str, bool],
    management_agi: Collection[tuple[str, str]],
    silos_shown: Collection[str],
    medians_shown: Collection[str],
    thin: Collection[str] = (),
) -> tuple[Finding, ...]:
    """The findings whose figures an anonymised output shows, in rank order; ``n`` below k dropped.

    A finding goes with the figures it rests on: nothing of a capability in ``thin`` (scored by
    1 to k − 1 people); a perception gap or the management team's ambition only where the
    management / others split is shown (and the ambition's team has k members); a misalignment
    only with its management AGI; a silo only with every department's mean (spread and
    separation kept); a borderline level only with its median.

    Parameters
    ----------
    findings : sequence of Finding
        Ranked findings.
    k : int
        The anonymity threshold.
    perception_shown : mapping of str to bool
        Capability → whether the management / others split is shown.
    management_agi : collection of (str, str)
        ``(capability, basis)`` of the management AGIs shown.
    silos_shown : collection of str
        Capabilities whose silo spread and separation are shown.
    medians_shown : collection of str
        Capabilities whose organisation median is shown.
    thin : collection of str, optional
        Capabilities scored by 1 to k − 1 people.

    Returns
    -------
    tuple of Finding
        The findings to show.
    """
    out = []
    for f in findings:
        c, kind = f.capability_id, f.kind
        basis = {"misaligned_current": "current", "misaligned_target": "target"}.get(kind)
        hidden = (
            c in thin
            or (kind in ("perception_gap", "ambition_gap") and not perception_shown.get(c))
            or (kind == "ambition_gap" and (f.n is None or f.n < k))
            or (basis is not None and (c, basis) not in management_agi)
            or (kind == "silo" and c not in silos_shown)
            or (kind == "borderline_level" and c not in medians_shown)
        )
        if not hidden:
            out.append(f if f.n is None or f.n >= k else replace(f, n=None))
    return tuple(out)


#: Kinds a reissue leaves out: they rest on the perception, department or management-team
#: figures a reissue does not print.
REISSUE_DROPPED: tuple[FindingKind, ...] = ("perception_gap", "silo", "ambition_gap")

_PLAIN = {
    "misaligned_current": "The management team is split on where {name} stands.",
    "misaligned_target": "The management team is split on where {name} should go.",
    "borderline_level": "The level of {name} is on a knife edge between two levels.",
    "prerequisite_cap": "{name} is held back by a prerequisite capability.",
    "strength": "{name} is a strength of the organisation.",
    "perception_gap": "The management team and the organisation see {name} differently.",
    "silo": "Departments see {name} differently.",
    "ambition_gap": "The management team aims more than a level above today on {name}.",
}


def reissued(
    findings: Sequence[Finding], instrument: Instrument | None = None
) -> tuple[Finding, ...]:
    """The findings of a reissue: only kind, capability and label, in the same order.

    Kinds of :data:`REISSUE_DROPPED` are left out; the others keep their kind, capability,
    population, direction, weight and label, with a sentence without figures, no evidence, no
    ``n`` and ``nan`` effect, certainty and salience (each moves with one person's answers).

    Parameters
    ----------
    findings : sequence of Finding
        Ranked findings.
    instrument : questionnaires.model.Instrument, optional
        For capability names in the sentences; ids otherwise.

    Returns
    -------
    tuple of Finding
        The reissue's findings.
    """
    names = {c.id: c.name for c in instrument.capabilities} if instrument else {}
    nan = math.nan
    return tuple(
        Finding(
            kind=f.kind,
            capability_id=f.capability_id,
            population=f.population,
            effect_levels=nan,
            direction=f.direction,
            certainty=nan,
            weight=f.weight,
            salience=nan,
            label=f.label,
            headline=_PLAIN[f.kind].format(name=names.get(f.capability_id, f.capability_id)),
        )
        for f in findings
        if f.kind not in REISSUE_DROPPED
    )


def claims(finding: Finding) -> bool:
    """Whether ``finding`` claims something: a claiming label and a positive salience.

    Parameters
    ----------
    finding : Finding
        A finding.

    Returns
    -------
    bool
        Its label is one of :data:`CLAIMING_LABELS` of its kind and its salience is above 0
        (or ``nan``: a reissued finding, :func:`reissued`).
    """
    positive = math.isnan(finding.salience) or finding.salience > 0  # reissued: nan
    return finding.label in CLAIMING_LABELS.get(finding.kind, ()) and positive


def headline(findings: Sequence[Finding]) -> str:
    """One sentence naming the most salient finding (:data:`NO_FINDING` when none claims).

    Parameters
    ----------
    findings : sequence of Finding
        Ranked findings (:func:`wave_findings`, ``WaveResult.findings``).

    Returns
    -------
    str
        The first claiming finding's headline; it never says the team is aligned.

    Examples
    --------
    >>> headline(())
    'No finding stands out: no blind spot, split, silo or stretch is large and certain enough to report.'
    """
    top = next((f for f in findings if claims(f)), None)
    return top.headline if top is not None else NO_FINDING


def board_decision(
    findings: Sequence[Finding], roadmap: Roadmap, instrument: Instrument | None = None
) -> str:
    """The decision asked of the board: commit stage 1 of the roadmap, decide stage 2 at its gate.

    Parameters
    ----------
    findings : sequence of Finding
        Ranked findings.
    roadmap : Roadmap
        The wave's roadmap.
    instrument : questionnaires.model.Instrument, optional
        For the capability name of the leading finding; its id otherwise.

    Returns
    -------
    str
        One sentence.
    """
    names = {c.id: c.name for c in instrument.capabilities} if instrument else {}
    if not roadmap.stages:
        return (
            "No decision on investment is asked of the board now: every capability is at its "
            "target or no step can be planned; confirm the targets in the next wave."
        )
    first = roadmap.stages[0]
    top = next((f for f in findings if claims(f)), None)
    because = ""
    if top is not None:
        name = names.get(top.capability_id, top.capability_id)
        because = f", starting where the largest finding lies ({name}: {top.label})"
    owner = f", accountable: {first.accountable}" if first.accountable else ""
    nxt = "stage 2" if len(roadmap.stages) > 1 else "the next wave's targets"
    goal = first.goal or first.name
    return (
        f"The board is asked to commit stage 1 only — {goal[:1].lower() + goal[1:]} "
        f"(months {first.start_month}–{first.end_month}{owner}){because} — and to decide on "
        f"{nxt} at its go/no-go gate, not on the whole programme now."
    )

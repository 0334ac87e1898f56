"""Northwind Telecom: a seeded synthetic organisation for the demo, the tests and the benchmarks.

Northwind has 8 executives (CEO, CFO, CCO, CIO, COO, CHRO, Head of Sales, Head of Service), managers
and staff in 7 departments, about 60 respondents by default, and two waves: ``2026-H1`` answered on
``customer-centricity`` 1.0.0 and ``2026-H2`` on 1.1.0 (:data:`WAVE_INSTRUMENT`), so trends compare
two versions through the item map as a real client's would.
Respondent ids are pseudonymous (``NW-E01``, ``NW-M03``, ``NW-S17``); job titles exist only as
generator metadata (:func:`northwind_people`), never in the :class:`ResponseSet`.

Latent-trait model (all on the 1..5 answer scale, before reverse coding). For respondent *i*,
capability *c*, item *j* of *c*::

    θ_ic = μ_c(wave) + role_c(role_i) + dept_c(dept_i) · w(role_i) + λ_i + u_ic,  u_ic ~ N(0, 0.25²)
    current_ij = clip(round(θ_ic + δ_j + e_ij), L, H),                           e_ij ~ N(0, 0.5²)
    target_ij  = clip(max(current_ij, round(θ_ic + a_ic + δ_j + f_ij)), L, H),   a_ic ~ N(1.3, 0.4²)

λ_i ~ N(0, 0.2²) is a personal leniency kept across waves; δ_j ~ N(0, 0.25²) an item difficulty.
Reverse-coded items store L + H − x. Items that ask no target (``target: false``) get none.

On an instrument that rates levels (1.1.0), each respondent also rates each capability once::

    level_now_ic    = clip(round(θ_ic + v_ic), 1, 5),                       v_ic ~ N(0, 0.45²)
    level_target_ic = clip(max(level_now_ic, round(θ_ic + b_ic + w_ic)), 1, 5),  w_ic ~ N(0, 0.45²)
    points_i·       = 100 split in steps of 5 ∝ exp(0.9 · (level_target − level_now) + z_ic),  z ~ N(0, 0.5²)

with b_ic = a_ic − 0.2 (a level rated once is a bolder claim than the average of statements), so
targets spread over levels 3-5 instead of sitting at 5. Planted findings the reports must show:

- **Sales vs service on Metrics & Incentives**: dept effect +1.1 for Sales and −0.7 for Customer
  Service (full for executives and managers, 60% for staff): sales leaders rate MET about 4,
  service leaders about 2; among the other executives the CCO and CFO side with sales, the COO and
  CIO with service, so the management team is misaligned on MET in both waves.
- **Blind spot**: executives +0.9 and staff −0.3 on Culture, Voice of the Customer and Decision
  Authority (executives see more than their organisation).
- **Improvement in 2026-H2** on Systems & Customer Information (+0.8), Voice of the Customer (+0.7)
  and Skills (+0.4); Metrics stays split.
- About 4% N/A answers on items that allow it and a few comments, in a client's own words (hostile
  text belongs to the tests, which add it: ``tests/test_reports_support.py``).

A second organisation, **Harbour Freight** (:func:`harbour`): a logistics company of 8 executives
and about 52 managers and staff in 6 departments, one wave ``2026-H2`` on 1.1.0, with other planted
effects: a **silo** on Sales–Service Integration (Sales +0.8, Customer Service −0.8, every role),
**no blind spot** (executives answer like everyone else) and one **misaligned target**: the
management team split on where Decision Authority should go (four executives aim for level 5,
four keep decisions central and rate the target at today's level 1 or 2).

Everything is drawn from ``numpy.random.Generator(PCG64)`` seeded by ``seed`` (person traits) and
``(seed, wave)`` (answers): the same arguments give the same ResponseSet on every machine. Arrays
are generated vectorised; 10,000 respondents take well under a second.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from questionnaires.answers import Comment, Respondent, ResponseSet

if TYPE_CHECKING:
    import numpy as np

    from questionnaires.model import Instrument

__all__ = [
    "DEPARTMENTS",
    "EXECUTIVES",
    "HARBOUR_DEPARTMENTS",
    "HARBOUR_PLANTED",
    "HARBOUR_WAVE",
    "NORTHWIND_WAVES",
    "WAVE_INSTRUMENT",
    "NorthwindPerson",
    "harbour",
    "northwind",
    "northwind_people",
    "northwind_waves",
]

DEFAULT_SEED = 20260101
NORTHWIND_WAVES = ("2026-H1", "2026-H2")
WAVE_INSTRUMENT: Mapping[str, str] = {
    "2026-H1": "customer-centricity@1.0.0",
    "2026-H2": "customer-centricity@1.1.0",
}
"""The instrument version each Northwind wave is answered on (other waves: the newest)."""
DEPARTMENTS = ("Sales", "Customer Service", "Marketing", "Finance", "IT", "Operations", "HR")
# (title, department) of the eight executives, in id order NW-E01..NW-E08
EXECUTIVES = (
    ("CEO", "Operations"),
    ("CFO", "Finance"),
    ("CCO", "Marketing"),
    ("CIO", "IT"),
    ("COO", "Operations"),
    ("CHRO", "HR"),
    ("Head of Sales", "Sales"),
    ("Head of Service", "Customer Service"),
)
# staff share per department (Sales and Customer Service are the big front-line teams)
STAFF_SHARE = (0.22, 0.26, 0.10, 0.09, 0.12, 0.13, 0.08)

# capability effects, by capability id; ids missing from an instrument are skipped
BASELINE = {
    "CUL": 2.8,
    "SKL": 2.6,
    "MGT": 2.9,
    "MET": 2.9,
    "SYS": 2.3,
    "DEC": 2.1,
    "SSI": 2.2,
    "VOC": 2.5,
}
BLIND_SPOT = ("CUL", "VOC", "DEC")
SPLIT_CAPABILITY = "MET"
MET_CAMPS = {"CCO": 0.9, "CFO": 0.5, "COO": -0.7, "CIO": -0.4}
WAVE_SHIFT: Mapping[str, Mapping[str, float]] = {
    "2026-H2": {"SYS": 0.8, "VOC": 0.7, "SKL": 0.4},
}
COMMENTS = (
    # (department, role, capability, text); the first respondent matching gets it
    (
        "Customer Service",
        "staff",
        "MET",
        "We carry upsell quotas, so solving the customer's problem comes second.",
    ),
    ("Sales", "manager", "MET", "Our incentives reward retention as much as new sales."),
    (
        "Customer Service",
        "manager",
        "SYS",
        "Agents cannot see open orders; customers repeat themselves.",
    ),
    ("IT", "staff", "VOC", "Complaints are logged but nobody tells us what changed."),
    (
        "Operations",
        "executive",
        "CUL",
        'We say "customer first" & then measure handling time — staff notice.',
    ),
)


@dataclass(frozen=True)
class NorthwindPerson:
    """Generator metadata for one respondent.

    Attributes
    ----------
    id : str
        The respondent code (``NW-E01`` ...).
    role : str
        ``executive``, ``manager`` or ``staff``.
    department : str
        One of :data:`DEPARTMENTS`.
    title : str
        The job title (``Sales manager`` ...); never leaves the generator.
    """

    id: str
    role: str
    department: str
    title: str


def _allocate(total: int, shares: Sequence[float]) -> list[int]:
    """Split ``total`` by ``shares`` with the largest-remainder method (deterministic)."""
    raw = [total * s / sum(shares) for s in shares]
    counts = [int(r) for r in raw]
    for k in sorted(range(len(raw)), key=lambda k: (counts[k] - raw[k], k))[: total - sum(counts)]:
        counts[k] += 1
    return counts


def northwind_people(
    n_managers: int = 14, n_staff: int = 38, scale: int = 1
) -> list[NorthwindPerson]:
    """The respondents: 8 executives, then managers and staff spread over :data:`DEPARTMENTS`.

    Parameters
    ----------
    n_managers : int, default 14
        Managers.
    n_staff : int, default 38
        Staff.
    scale : int, default 1
        Multiplies managers and staff (executives stay 8).

    Returns
    -------
    list of NorthwindPerson
        In id order.
    """
    if n_managers < 0 or n_staff < 0 or scale < 1:
        raise ValueError("n_managers and n_staff must be >= 0 and scale >= 1")
    n_managers, n_staff = n_managers * scale, n_staff * scale
    people = [
        NorthwindPerson(f"NW-E{k + 1:02d}", "executive", d, t)
        for k, (t, d) in enumerate(EXECUTIVES)
    ]
    width = max(2, len(str(max(n_managers, n_staff, 1))))
    m_counts = _allocate(n_managers, [1.0] * len(DEPARTMENTS))
    s_counts = _allocate(n_staff, STAFF_SHARE)
    k = 0
    for dept, count in zip(DEPARTMENTS, m_counts, strict=True):
        for _ in range(count):
            k += 1
            people.append(NorthwindPerson(f"NW-M{k:0{width}d}", "manager", dept, f"{dept} manager"))
    k = 0
    for dept, count in zip(DEPARTMENTS, s_counts, strict=True):
        for _ in range(count):
            k += 1
            people.append(NorthwindPerson(f"NW-S{k:0{width}d}", "staff", dept, f"{dept} staff"))
    return people


def _default_instrument(wave: str) -> Instrument:
    from questionnaires.catalogue import get_instrument

    return get_instrument(WAVE_INSTRUMENT.get(wave, "customer-centricity"))


def northwind(
    wave: str = NORTHWIND_WAVES[0],
    *,
    seed: int = DEFAULT_SEED,
    instrument: Instrument | None = None,
    n_managers: int = 14,
    n_staff: int = 38,
    scale: int = 1,
) -> ResponseSet:
    """Generate one wave of Northwind Telecom answers (see the module docstring for the model).

    Parameters
    ----------
    wave : str, default "2026-H1"
        The wave, one of :data:`NORTHWIND_WAVES`.
    seed : int, default 20260101
        The random seed; the same seed gives the same answers.
    instrument : Instrument, optional
        The instrument; default the wave's version in :data:`WAVE_INSTRUMENT` (the newest
        ``customer-centricity`` for other waves).
    n_managers : int, default 14
        Managers besides the 8 executives.
    n_staff : int, default 38
        Staff.
    scale : int, default 1
        Multiplies managers and staff (executives stay 8).

    Returns
    -------
    ResponseSet
        The wave's answers.
    """
    import numpy as np

    inst = instrument or _default_instrument(wave)
    people = northwind_people(n_managers, n_staff, scale)
    n = len(people)
    caps = [c.id for c in inst.capabilities]
    items = inst.items
    cap_of_item = np.array([caps.index(inst.capability_of(i.id).id) for i in items])
    n_caps, n_items = len(caps), len(items)

    roles = np.array([p.role for p in people])
    dept_idx = np.array([DEPARTMENTS.index(p.department) for p in people])
    is_exec, is_staff = roles == "executive", roles == "staff"

    # person traits: the same in every wave
    traits = np.random.default_rng([seed, 0])
    leniency = traits.normal(0.0, 0.2, n)
    difficulty = traits.normal(0.0, 0.25, n_items)
    ambition = traits.normal(1.3, 0.4, (n, n_caps))

    # answers: a stream per wave
    rng = np.random.default_rng([seed, 1 + zlib.crc32(wave.encode("utf-8"))])
    shift = WAVE_SHIFT.get(wave, {})
    mu = np.array([BASELINE.get(c, 2.6) + shift.get(c, 0.0) for c in caps])
    theta = mu[None, :] + leniency[:, None] + rng.normal(0.0, 0.25, (n, n_caps))
    for c in BLIND_SPOT:
        if c in caps:
            k = caps.index(c)
            theta[is_exec, k] += 0.9
            theta[is_staff, k] -= 0.3
    if SPLIT_CAPABILITY in caps:
        k = caps.index(SPLIT_CAPABILITY)
        weight = np.where(is_staff, 0.6, 1.0)
        dept_effect = np.zeros(len(DEPARTMENTS))
        dept_effect[DEPARTMENTS.index("Sales")] = 1.1
        dept_effect[DEPARTMENTS.index("Customer Service")] = -0.7
        theta[:, k] += dept_effect[dept_idx] * weight
        # the commercial and the operational executives take sides: two camps at the top
        for title, effect in MET_CAMPS.items():
            theta[[p.title == title for p in people], k] += effect

    current, target, na, confidence = _item_answers(
        rng, inst, theta[:, cap_of_item] + difficulty[None, :], ambition[:, cap_of_item], roles
    )

    respondents = tuple(Respondent(p.id, p.role, p.department) for p in people)
    comments = _comments(people, inst, current)
    levels = _rated_levels(rng, theta, ambition, inst) if inst.rate_levels else {}
    return ResponseSet(
        instrument_ref=inst.ref,
        wave=wave,
        respondents=respondents,
        item_ids=tuple(i.id for i in items),
        current=current,
        target=target,
        na=na,
        confidence=confidence,
        comments=comments,
        source=f"northwind(seed={seed})",
        **levels,
    )


def _item_answers(
    rng: np.random.Generator,
    inst: Instrument,
    cur_latent: np.ndarray,
    ambition: np.ndarray,
    roles: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Current and target ratings, N/A and confidence of every respondent × item from the latent
    current level and ambition (module docstring): rounded, clipped to each scale, reverse items
    stored reversed, items not asked of a role and N/A blank, no target where none is asked."""
    import numpy as np

    items = inst.items
    n, n_items = cur_latent.shape
    scales = [inst.scales[i.scale] for i in items]
    low = np.array([sc.low for sc in scales], dtype=float)
    high = np.array([sc.high for sc in scales], dtype=float)
    current = np.clip(np.rint(cur_latent + rng.normal(0.0, 0.5, (n, n_items))), low, high)
    target = np.clip(
        np.rint(cur_latent + ambition + rng.normal(0.0, 0.45, (n, n_items))), low, high
    )
    target = np.maximum(target, current)
    reverse = np.array([i.reverse for i in items])
    current[:, reverse] = (low + high)[reverse] - current[:, reverse]
    target[:, reverse] = (low + high)[reverse] - target[:, reverse]
    asked = np.ones((n, n_items), dtype=bool)
    for j, item in enumerate(items):
        if item.roles:
            asked[:, j] = np.isin(roles, item.roles)
    na_allowed = np.array([i.na_allowed for i in items])
    na = (rng.random((n, n_items)) < 0.04) & na_allowed[None, :] & asked
    confidence = rng.choice(np.array([1.0, 2.0, 3.0]), size=(n, n_items), p=[0.15, 0.45, 0.40])
    blank = na | ~asked
    current[blank] = np.nan
    target[blank] = np.nan
    confidence[blank] = np.nan
    target[:, ~np.array([i.target for i in items])] = np.nan
    return current, target, na, confidence


def _rated_levels(
    rng: np.random.Generator, theta: np.ndarray, ambition: np.ndarray, inst: Instrument
) -> dict[str, Any]:
    """Capability-level answers: the level true today, the level to reach, investment points
    (drawn after every item answer, so the item answers do not depend on them)."""
    import numpy as np

    n, n_caps = theta.shape
    now = np.clip(np.rint(theta + rng.normal(0.0, 0.45, (n, n_caps))), 1, 5)
    aim = np.rint(theta + ambition - 0.2 + rng.normal(0.0, 0.45, (n, n_caps)))
    target = np.clip(np.maximum(now, aim), 1, 5)
    weight = np.exp(0.9 * (target - now) + rng.normal(0.0, 0.5, (n, n_caps)))
    budget = inst.investment_points or 0
    points = np.full((n, n_caps), np.nan)
    if budget:
        step = 5 if budget % 5 == 0 else 1
        units = budget // step
        raw = units * weight / weight.sum(axis=1, keepdims=True)
        whole = np.floor(raw)
        short = (units - whole.sum(axis=1)).astype(int)
        # largest remainder, ties to the first capability: deterministic
        order = np.argsort(-(raw - whole), axis=1, kind="stable")
        bump = np.arange(n_caps)[None, :] < short[:, None]
        np.put_along_axis(whole, order, np.take_along_axis(whole, order, axis=1) + bump, axis=1)
        points = whole * step
    return {
        "capability_ids": tuple(c.id for c in inst.capabilities),
        "level_current": now,
        "level_target": target,
        "level_na": np.zeros((n, n_caps), dtype=bool),
        "points": points,
    }


def _comments(
    people: list[NorthwindPerson], inst: Instrument, current: np.ndarray
) -> tuple[Comment, ...]:
    """Attach the fixed comments to the first matching respondent's first answered item."""
    import numpy as np

    caps = {c.id: c for c in inst.capabilities}
    out: list[Comment] = []
    for dept, role, cap_id, text in COMMENTS:
        cap = caps.get(cap_id) or inst.capabilities[len(out) % len(inst.capabilities)]
        for i, p in enumerate(people):
            if (p.department, p.role) != (dept, role):
                continue
            answered = [
                it.id for it in cap.items if not np.isnan(current[i, inst.item_index[it.id]])
            ]
            if answered:
                out.append(Comment(p.id, answered[0], text))
                break
    return tuple(out)


def northwind_waves(
    *, seed: int = DEFAULT_SEED, instrument: Instrument | None = None, **size: int
) -> list[ResponseSet]:
    """Both Northwind waves, ``2026-H1`` then ``2026-H2`` (improvement on SYS, VOC, SKL; MET split).

    Parameters
    ----------
    seed : int, default 20260101
        The random seed.
    instrument : Instrument, optional
        One instrument for both waves; default each wave's version in :data:`WAVE_INSTRUMENT`.
    **size : int
        ``n_managers``, ``n_staff``, ``scale`` as for :func:`northwind`.

    Returns
    -------
    list of ResponseSet
        The two waves.
    """
    return [northwind(w, seed=seed, instrument=instrument, **size) for w in NORTHWIND_WAVES]


# -- Harbour Freight: the second seeded organisation ----------------------------------------------

HARBOUR_WAVE = "2026-H2"
HARBOUR_DEPARTMENTS = ("Sales", "Customer Service", "Operations", "Finance", "IT", "HR")
# (title, department) of the eight executives, HB-E01..HB-E08; the first four aim DEC at level 5
HARBOUR_EXECUTIVES = (
    ("CEO", "Operations"),
    ("CCO", "Sales"),
    ("Head of Sales", "Sales"),
    ("Head of Service", "Customer Service"),
    ("CFO", "Finance"),
    ("COO", "Operations"),
    ("CIO", "IT"),
    ("CHRO", "HR"),
)
HARBOUR_STAFF_SHARE = (0.24, 0.26, 0.22, 0.09, 0.11, 0.08)
HARBOUR_BASELINE = {
    "CUL": 2.7,
    "SKL": 2.8,
    "MGT": 2.9,
    "MET": 2.6,
    "SYS": 2.5,
    "DEC": 2.2,
    "SSI": 2.7,
    "VOC": 2.6,
}
HARBOUR_SILO = {"SSI": {"Sales": 0.8, "Customer Service": -0.8}}
HARBOUR_TARGET_SPLIT = "DEC"
HARBOUR_PLANTED = (("silo", "SSI"), ("misaligned_target", "DEC"))
"""The planted effects of :func:`harbour` as ``(finding kind, capability)``."""


def _harbour_people(n_managers: int, n_staff: int) -> list[NorthwindPerson]:
    people = [
        NorthwindPerson(f"HB-E{k + 1:02d}", "executive", d, t)
        for k, (t, d) in enumerate(HARBOUR_EXECUTIVES)
    ]
    m_counts = _allocate(n_managers, [1.0] * len(HARBOUR_DEPARTMENTS))
    s_counts = _allocate(n_staff, HARBOUR_STAFF_SHARE)
    for prefix, role, counts in (("M", "manager", m_counts), ("S", "staff", s_counts)):
        k = 0
        for dept, count in zip(HARBOUR_DEPARTMENTS, counts, strict=True):
            for _ in range(count):
                k += 1
                people.append(NorthwindPerson(f"HB-{prefix}{k:02d}", role, dept, f"{dept} {role}"))
    return people


def harbour(
    *,
    seed: int = DEFAULT_SEED,
    instrument: Instrument | None = None,
    n_managers: int = 14,
    n_staff: int = 38,
) -> ResponseSet:
    """Generate Harbour Freight's wave ``2026-H2`` (module docstring: the planted effects).

    The latent-trait model is Northwind's without role effects: ``θ_ic = μ_c + dept_c(dept_i) +
    λ_i + u_ic`` with the Sales–Service silo on SSI for every role; items and rated levels as for
    Northwind. On the split capability the four executives HB-E01..HB-E04 rate their target level
    5 and HB-E05..HB-E08 rate today's level ``clip(round(θ − 1 + v), 1, 2)`` as both current and
    target level.

    Parameters
    ----------
    seed : int, default 20260101
        The random seed; the same seed gives the same answers.
    instrument : Instrument, optional
        The instrument; default ``customer-centricity@1.1.0``.
    n_managers : int, default 14
        Managers besides the 8 executives.
    n_staff : int, default 38
        Staff.

    Returns
    -------
    ResponseSet
        The wave's answers.
    """
    import numpy as np

    from questionnaires.catalogue import get_instrument

    inst = instrument or get_instrument("customer-centricity@1.1.0")
    people = _harbour_people(n_managers, n_staff)
    n = len(people)
    caps = [c.id for c in inst.capabilities]
    items = inst.items
    cap_of_item = np.array([caps.index(inst.capability_of(i.id).id) for i in items])
    n_caps, n_items = len(caps), len(items)
    roles = np.array([p.role for p in people])
    depts = np.array([p.department for p in people])

    rng = np.random.default_rng([seed, 7, zlib.crc32(b"harbour")])
    leniency = rng.normal(0.0, 0.2, n)
    difficulty = rng.normal(0.0, 0.25, n_items)
    ambition = rng.normal(1.3, 0.4, (n, n_caps))
    mu = np.array([HARBOUR_BASELINE.get(c, 2.6) for c in caps])
    theta = mu[None, :] + leniency[:, None] + rng.normal(0.0, 0.25, (n, n_caps))
    for cap, effects in HARBOUR_SILO.items():
        if cap in caps:
            for dept, effect in effects.items():
                theta[depts == dept, caps.index(cap)] += effect

    current, target, na, confidence = _item_answers(
        rng, inst, theta[:, cap_of_item] + difficulty[None, :], ambition[:, cap_of_item], roles
    )

    levels = _rated_levels(rng, theta, ambition, inst) if inst.rate_levels else {}
    if levels and HARBOUR_TARGET_SPLIT in caps:
        k = caps.index(HARBOUR_TARGET_SPLIT)
        execs = np.flatnonzero(roles == "executive")
        aim, keep = execs[:4], execs[4:]
        levels["level_target"][aim, k] = 5.0
        central = np.clip(np.rint(theta[keep, k] - 1.0 + rng.normal(0.0, 0.45, keep.size)), 1, 2)
        levels["level_current"][keep, k] = central
        levels["level_target"][keep, k] = central
    respondents = tuple(Respondent(p.id, p.role, p.department) for p in people)
    return ResponseSet(
        instrument_ref=inst.ref,
        wave=HARBOUR_WAVE,
        respondents=respondents,
        item_ids=tuple(i.id for i in items),
        current=current,
        target=target,
        na=na,
        confidence=confidence,
        comments=(),
        source=f"harbour(seed={seed})",
        **levels,
    )

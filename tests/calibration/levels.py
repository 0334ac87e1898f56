"""Calibration of levels and agreement (issue 10, items 4, 5, 6 and 8): seeded simulations.

Every function returns plain data (dicts of floats) and is deterministic for its ``seed``.
``main()`` prints the Markdown tables for ``docs/methodology.md`` and the run time; the small mode
(default) runs in a few seconds, ``--full`` uses more samples::

    .venv/bin/python -m tests.calibration.levels [--full]

Simulated populations:

* **Northwind**: fresh samples of :func:`assessment.synthetic.northwind` (60 respondents, 8 of
  them executives), one seed per sample, scored with ``scoring.scores`` as ``score_wave`` does.
* **Item model** (Northwind's latent-trait model for one capability, J = 6 items on 1..5):
  person ``θ_i = μ + N(0, σ_p²)``, rating ``clip(round(θ_i + δ_j + e_ij), 1, 5)`` with item
  difficulties ``δ_j ~ N(0, 0.25²)`` fixed per population and ``e_ij ~ N(0, 0.5²)``; 4% N/A.
* **Normal**: scores ``N(m, σ²)`` clipped to [1, 5], a continuous population with median m.
* **Teams** for agreement: random answering (uniform, triangular), consensus (a common θ plus
  Northwind's person and item noise), and splits (two camps ``Δ`` levels apart, same noise).
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import numpy as np

from scoring import agreement as ag
from scoring.consensus import null_critical_value, triangular_null_variance
from scoring.stability import level_estimate

N_OPTIONS = 5
GATE = 0.5


# --------------------------------------------------------------------------------------------
# levels
# --------------------------------------------------------------------------------------------


def northwind_level_scores(seed: int) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Respondents × capabilities scores on the 1–5 level scale of one fresh Northwind sample.

    Returns ``(scores, is_management, capability_ids)``, scored as ``scoring.pipeline`` does
    (reverse coding, items asked of the role, at least half of them answered).
    """
    from assessment.synthetic import northwind
    from questionnaires.catalogue import get_instrument
    from scoring.scores import InstrumentIndex, respondent_scores

    inst = get_instrument("customer-centricity@1.0.0")
    rs = northwind(seed=seed, instrument=inst)
    idx = InstrumentIndex.from_instrument(inst)
    roles = [r.role for r in rs.respondents]
    norm, _ = respondent_scores(idx.recode(rs.current), idx, idx.asked(roles), 0.5)
    is_mgmt = np.array([r == "executive" for r in roles])
    return 1.0 + 4.0 * norm / 100.0, is_mgmt, idx.cap_ids


def _floor_level(m: float) -> int:
    return int(min(5, max(1, math.floor(m + 1e-9))))


def level_flip_rates(
    n_pairs: int = 100, seed: int = 1, margin: float = 0.1
) -> dict[str, dict[str, float]]:
    """Level flips between two fresh Northwind samples, before and after the borderline flag.

    For each population ("organisation", n = 60; "management team", the 8 executives) and each
    capability, over ``n_pairs`` pairs of samples: ``flip`` = the floor of the median differs
    (today's level); ``unflagged_flip`` = it differs although neither sample is flagged
    borderline (what a reader would take for a real difference); ``borderline`` = share of
    estimates flagged. Key ``"any"`` gives the share of pairs with at least one of the 8.
    """
    out: dict[str, dict[str, float]] = {}
    samples = [northwind_level_scores(seed * 100_003 + s) for s in range(2 * n_pairs)]
    caps = samples[0][2]
    for pop in ("organisation", "management team"):
        lv = np.zeros((2 * n_pairs, len(caps)), dtype=int)
        bl = np.zeros((2 * n_pairs, len(caps)), dtype=bool)
        for s, (scores, mgmt, _) in enumerate(samples):
            x = scores if pop == "organisation" else scores[mgmt]
            for k in range(len(caps)):
                e = level_estimate(x[:, k], margin=margin, population=pop)
                lv[s, k], bl[s, k] = e.level, e.borderline
        flip = lv[0::2] != lv[1::2]
        unflagged = flip & ~bl[0::2] & ~bl[1::2]
        res = {
            c: {
                "flip": float(flip[:, k].mean()),
                "unflagged_flip": float(unflagged[:, k].mean()),
                "borderline": float(bl[:, k].mean()),
            }
            for k, c in enumerate(caps)
        }
        res["any"] = {
            "flip": float(flip.any(axis=1).mean()),
            "unflagged_flip": float(unflagged.any(axis=1).mean()),
            "borderline": float(bl.any(axis=1).mean()),
        }
        out[pop] = res
    return out


def item_model_scores(
    rng: np.random.Generator, n: int, mu: float, sd_person: float, delta: np.ndarray
) -> np.ndarray:
    """``n`` capability scores (1–5) of the item model (see the module docstring)."""
    theta = mu + rng.normal(0.0, sd_person, (n, 1))
    x = np.clip(np.rint(theta + delta[None, :] + rng.normal(0.0, 0.5, (n, delta.size))), 1, 5)
    x[rng.random(x.shape) < 0.04] = np.nan
    with np.errstate(invalid="ignore"):
        return np.asarray(np.nanmean(x, axis=1))


def _borderline_share(
    draw: Callable[[np.random.Generator], np.ndarray], n_samples: int, seed: int, margin: float
) -> tuple[float, float]:
    """Share of samples flagged borderline, and share whose whole level differs from the mode."""
    rng = np.random.default_rng(seed)
    flags, levels = [], []
    for _ in range(n_samples):
        e = level_estimate(draw(rng), margin=margin)
        flags.append(e.borderline)
        levels.append(e.level)
    lv = np.array(levels)
    mode = np.bincount(lv).argmax()
    return float(np.mean(flags)), float(np.mean(lv != mode))


def borderline_rates(
    n_samples: int = 400,
    seed: int = 2,
    sizes: tuple[int, ...] = (8, 60),
    sds: tuple[float, ...] = (0.4, 0.7),
    distances: tuple[float, ...] = (-0.1, -0.05, 0.0, 0.05, 0.1),
    margins: tuple[float, ...] = (0.0, 0.1),
) -> list[dict[str, float | str]]:
    """How often a population median near a level boundary (3) is flagged borderline.

    Rows for the normal population (median ``3 + d``, SD ``σ``) and for the item model with the
    population medians within 0.1 of 3 that its discrete scores allow (found on a grid of μ from
    a 200,000-person draw). Each row: population, n, SD, distance, margin, the borderline rate and
    the share of samples whose whole level differs from the most common one (the flip risk).
    """
    rows: list[dict[str, float | str]] = []
    for n in sizes:
        for sd in sds:
            for d in distances:
                for mg in margins:

                    def normal(rng: np.random.Generator, n: int = n, sd: float = sd, d: float = d):
                        return np.clip(rng.normal(3.0 + d, sd, n), 1.0, 5.0)

                    b, f = _borderline_share(normal, n_samples, seed, mg)
                    rows.append(
                        {"population": "normal", "n": n, "sd": sd, "distance": d, "margin": mg,
                         "borderline": b, "level_differs": f}
                    )  # fmt: skip
    delta = np.random.default_rng([seed, 7]).normal(0.0, 0.25, 6)
    big = np.random.default_rng([seed, 8])
    for sd in sds:
        found: dict[float, float] = {}
        for mu in np.arange(2.7, 3.31, 0.05):
            pm = float(np.nanmedian(item_model_scores(big, 200_000, float(mu), sd, delta)))
            if abs(pm - 3.0) <= 0.1 + 1e-9 and round(pm, 3) not in found:
                found[round(pm, 3)] = float(mu)
        for pm, mu in sorted(found.items()):
            for n in sizes:
                for mg in margins:

                    def items(rng: np.random.Generator, n: int = n, mu: float = mu, sd: float = sd):
                        return item_model_scores(rng, n, mu, sd, delta)

                    b, f = _borderline_share(items, n_samples, seed, mg)
                    rows.append(
                        {"population": "item model", "n": n, "sd": sd, "distance": round(pm - 3.0, 3),
                         "margin": mg, "borderline": b, "level_differs": f}
                    )  # fmt: skip
    return rows


# --------------------------------------------------------------------------------------------
# agreement
# --------------------------------------------------------------------------------------------

TEAM_KINDS = ("uniform", "triangular", "consensus", "split 1 level", "split 2 levels")


def simulate_teams(
    kind: str, n: int, j: int, n_teams: int, seed: int, minority: int | None = None
) -> np.ndarray:
    """``n_teams × n × j`` integer ratings (1..5) of simulated teams of one ``kind``.

    ``uniform``/``triangular``: random answering; ``consensus``: a common θ ~ U(2.5, 3.5) plus
    person noise N(0, 0.25² + 0.2²), item difficulty N(0, 0.25²) and rating noise N(0, 0.5²),
    rounded; ``split Δ levels``: as consensus with two camps at θ ± Δ/2, the first ``minority``
    raters (default n // 2) in the lower camp.
    """
    rng = np.random.default_rng([seed, TEAM_KINDS.index(kind) if kind in TEAM_KINDS else 99, n, j])
    shape = (n_teams, n, j)
    if kind == "uniform":
        return rng.integers(1, 6, shape).astype(float)
    if kind == "triangular":
        p = np.array([1, 2, 3, 2, 1]) / 9.0
        return 1.0 + np.searchsorted(np.cumsum(p)[:-1], rng.random(shape), side="right")
    if kind not in TEAM_KINDS:
        raise ValueError(f"unknown team kind {kind!r}; one of {', '.join(TEAM_KINDS)}")
    theta = rng.uniform(2.5, 3.5, (n_teams, 1, 1)) + rng.normal(
        0.0, math.hypot(0.25, 0.2), (n_teams, n, 1)
    )
    if kind.startswith("split"):
        gap = 1.0 if "1" in kind else 2.0
        low = n // 2 if minority is None else minority
        camp = np.where(np.arange(n) < low, -gap / 2, gap / 2)
        theta = theta + camp[None, :, None]
    delta = rng.normal(0.0, 0.25, (n_teams, 1, j))
    return np.clip(np.rint(theta + delta + rng.normal(0.0, 0.5, shape)), 1, 5)


def team_indices(x: np.ndarray) -> dict[str, np.ndarray]:
    """Per team (first axis): rwg(J) against the uniform null (truncated, as multilevel) and
    r*wg(J) against the triangular null, from complete ``teams × raters × items`` ratings."""
    j = x.shape[2]
    s = x.var(axis=1, ddof=1).mean(axis=1)
    r = s / ag.null_variance(N_OPTIONS)
    with np.errstate(invalid="ignore", divide="ignore"):
        rwg_j = np.where(r > 1, 0.0, j * (1 - r) / (j * (1 - r) + r))
    return {
        "rwg_j_uniform": rwg_j,
        "rstar_triangular": 1.0 - s / triangular_null_variance(N_OPTIONS),
    }


def agreement_pass_rates(
    n_teams: int = 2000,
    seed: int = 3,
    sizes: tuple[tuple[int, int], ...] = ((8, 6), (4, 3), (12, 8)),
    threshold: float = GATE,
) -> list[dict[str, float | str]]:
    """Operating characteristics of the agreement index and its gate for every team kind.

    Rows: kind, n, J, mean rwg(J) (uniform null), share rwg(J) ≥ .70, mean r*wg(J) (triangular
    null), share ≥ ``threshold``, and the gate's pass rate (≥ max(threshold, critical value)).
    A "split 2 vs 4" row (n = 6, two levels apart) is added as in the issue.
    """
    rows: list[dict[str, float | str]] = []
    cases = [(k, n, j, None) for n, j in sizes for k in TEAM_KINDS] + [("split 2 levels", 6, 6, 2)]
    for kind, n, j, minority in cases:
        x = simulate_teams(kind, n, j, n_teams, seed, minority)
        ix = team_indices(x)
        gate = max(threshold, null_critical_value(n, j, N_OPTIONS))
        label = kind if minority is None else f"{kind} ({minority} vs {n - minority})"
        rows.append(
            {"kind": label, "n": n, "J": j,
             "rwg_j_mean": float(ix["rwg_j_uniform"].mean()),
             "rwg_j_ge_70": float((ix["rwg_j_uniform"] >= 0.70).mean()),
             "rstar_mean": float(ix["rstar_triangular"].mean()),
             "rstar_ge_threshold": float((ix["rstar_triangular"] >= threshold).mean()),
             "gate": gate,
             "gate_pass": float((ix["rstar_triangular"] >= gate).mean())}
        )  # fmt: skip
    return rows


def krippendorff_vs_rwg(
    n_teams: int = 200, seed: int = 4, n: int = 8, j: int = 6
) -> dict[str, float]:
    """Mean Krippendorff's α (interval, items as units) and rwg(J) of consensus teams.

    Shows why α with items as units is about 0 while rwg(J) is high: the items of a capability
    are meant to be alike, so there is no between-unit variance for α to find.
    """
    x = simulate_teams("consensus", n, j, n_teams, seed)
    alphas = [ag.krippendorff_alpha(t, "interval") for t in x]
    ix = team_indices(x)
    return {
        "alpha_interval_mean": float(np.nanmean(alphas)),
        "rwg_j_uniform_mean": float(ix["rwg_j_uniform"].mean()),
        "rstar_triangular_mean": float(ix["rstar_triangular"].mean()),
    }


# --------------------------------------------------------------------------------------------
# printing
# --------------------------------------------------------------------------------------------


def _pct(v: float) -> str:
    return f"{100 * v:.0f}%"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Print every table in Markdown, with the run time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="more samples (slower)")
    full = parser.parse_args(argv).full
    t0 = time.perf_counter()
    pairs, samples, teams = (200, 2000, 20000) if full else (25, 200, 2000)

    flips = level_flip_rates(pairs)
    for pop, res in flips.items():
        print(f"\n### Level flips between two fresh Northwind samples ({pop}, {pairs} pairs)\n")
        print(_table(
            ["capability", "level differs (floor of median)", "differs, neither borderline", "borderline"],
            [[c, _pct(v["flip"]), _pct(v["unflagged_flip"]), _pct(v["borderline"])] for c, v in res.items()],
        ))  # fmt: skip

    print(f"\n### Borderline rate for a population median near a boundary ({samples} samples)\n")
    rows = borderline_rates(samples)
    print(_table(
        ["population", "n", "SD", "median − 3", "margin", "borderline", "level ≠ most common"],
        [[str(r["population"]), str(r["n"]), str(r["sd"]), f"{r['distance']:+.2f}", str(r["margin"]),
          _pct(float(r["borderline"])), _pct(float(r["level_differs"]))] for r in rows],
    ))  # fmt: skip

    print(f"\n### Agreement index and gate ({teams} teams per row)\n")
    print(_table(
        ["teams", "n", "J", "rwg(J) uniform", "≥ .70", "r*wg(J) triangular", f"≥ {GATE:.2f}", "gate", "pass"],
        [[str(r["kind"]), str(r["n"]), str(r["J"]), f"{r['rwg_j_mean']:.2f}", _pct(float(r["rwg_j_ge_70"])),
          f"{r['rstar_mean']:.2f}", _pct(float(r["rstar_ge_threshold"])), f"{r['gate']:.2f}",
          _pct(float(r["gate_pass"]))] for r in agreement_pass_rates(teams)],
    ))  # fmt: skip

    kv = krippendorff_vs_rwg()
    print(
        "\n### Consensus teams (n = 8, J = 6): Krippendorff's α (items as units) against rwg(J)\n"
    )
    print(
        f"α (interval) {kv['alpha_interval_mean']:.2f}; rwg(J) uniform {kv['rwg_j_uniform_mean']:.2f}; "
        f"r*wg(J) triangular {kv['rstar_triangular_mean']:.2f}"
    )
    print(f"\nrun time: {time.perf_counter() - t0:.1f} s ({'full' if full else 'small'} mode)")


if __name__ == "__main__":
    main()

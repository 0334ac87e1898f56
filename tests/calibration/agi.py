"""Operating characteristics of the calibrated AGI (issue 10, items 1, 2 and 8), by seeded simulation.

Everything here is numpy and the package's own functions; each function returns plain data (lists of
dicts) so tests can assert on it and :func:`main` can print it as Markdown::

    .venv/bin/python -m tests.calibration.agi            # full run (a minute or two on 2 cores)
    .venv/bin/python -m tests.calibration.agi --small    # a few hundred reps, under ~15 s
    .venv/bin/python -m tests.calibration.agi --write-table   # regenerate scoring/_null_table.py
    .venv/bin/python -m tests.calibration.agi --extended      # coverage also at n = 20, 60, 80/20
    .venv/bin/python -m tests.calibration.agi --small --lattice   # + near-consensus lattice teams

Teams (``n`` respondents, ``j`` items per capability, 5-point scale, item answers rounded and clipped):

* ``random uniform`` / ``random triangular`` / ``random skewed``: every answer drawn from the null
  model (:func:`scoring.null.null_probabilities`);
* ``consensus``: one true score ``T ~ U(2, 4)`` for the team, each answer ``T + N(0, 0.7²)``
  (item noise; gives AGI ≈ 8.6 at n = 8, j = 6 as in the review);
* ``one-level split``: ``⌊n/2⌋`` people at ``T ~ U(1.5, 3.5)``, the rest at ``T + 1``, plus item
  noise; ``two-level split``: at ``T ~ U(1.5, 2.5)`` and ``T + 2``.

Coverage populations (respondent true score θ, answers ``θ + N(0, 0.7²)``, j = 6): ``normal``
``θ ~ N(3, 0.6²)``; ``two camps`` half at 2.5 and half at 3.5 (``+ N(0, 0.3²)``); ``two camps,
2 levels`` (2 and 4); ``two camps 70/30`` and ``two camps 80/20`` (70% or 80% at 2, the rest at 4).
Coverage is measured at n = 5, 8, 12 (the acceptance window 0.93–0.97); ``--extended`` adds the
80/20 camps and n = 20, 60.

Near-consensus lattice teams (:func:`lattice_cases`, printed with ``--lattice``): everyone at 3.0
but one or two dissenters a lattice step (1/6 with 6 items) or more above, at n = 5, 8, 12 — the
teams whose log-jackknife interval was ``[0, 95]`` or ``[0, 100]`` (issue 10 review, brief N3).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from scoring.agi_interval import jackknife_log_bounds
from scoring.null import (
    BAND_CODES,
    DEFAULT_MODELS,
    NullModel,
    classify,
    critical_values,
    null_probabilities,
    simulated_quantiles,
)

K = 5
NOISE = 0.7
SEED = 20260110
TEAM_SIZES = tuple(range(4, 13))
ITEM_COUNTS = tuple(range(3, 9))
COVERAGE_SIZES = (5, 8, 12)
#: Team sizes of the printed coverage table: the acceptance sizes and two larger ones.
REPORTED_SIZES = (*COVERAGE_SIZES, 20, 60)
Population = Callable[[np.random.Generator, int, int, int], np.ndarray]


def _answers(rng: np.random.Generator, truth: np.ndarray, j: int) -> np.ndarray:
    """Capability scores (mean of ``j`` noisy answers, rounded, clipped) of true scores ``truth``."""
    x = np.rint(truth[..., None] + rng.normal(0.0, NOISE, (*truth.shape, j)))
    result: np.ndarray = np.clip(x, 1, K).mean(axis=-1)
    return result


def _random(model: NullModel) -> Population:
    def draw(rng: np.random.Generator, reps: int, n: int, j: int) -> np.ndarray:
        cdf = np.cumsum(null_probabilities(model, K))
        cdf[-1] = 1.0
        items = np.searchsorted(cdf, rng.random((reps, n, j)), side="right") + 1
        result: np.ndarray = items.mean(axis=-1)
        return result

    return draw


def _consensus(rng: np.random.Generator, reps: int, n: int, j: int) -> np.ndarray:
    t = rng.uniform(2.0, 4.0, (reps, 1)) * np.ones((1, n))
    return _answers(rng, t, j)


def _split(levels: float, lo: float, hi: float) -> Population:
    def draw(rng: np.random.Generator, reps: int, n: int, j: int) -> np.ndarray:
        t = rng.uniform(lo, hi, (reps, 1)) + np.where(np.arange(n) < n // 2, 0.0, levels)
        return _answers(rng, t, j)

    return draw


TEAMS: dict[str, Population] = {
    "random uniform": _random("uniform"),
    "random triangular": _random("triangular"),
    "random skewed": _random("slight skew"),
    "consensus": _consensus,
    "one-level split": _split(1.0, 1.5, 3.5),
    "two-level split": _split(2.0, 1.5, 2.5),
}


def band_rates(
    team: str,
    n: int,
    j: int,
    reps: int,
    seed: int = SEED,
    models: tuple[NullModel, ...] = DEFAULT_MODELS,
) -> dict[str, float]:
    """Share of ``reps`` simulated ``team`` teams of ``n`` (``j`` items) landing in each band."""
    rng = np.random.default_rng([seed, n, j, list(TEAMS).index(team)])
    scores = np.sort(TEAMS[team](rng, reps, n, j), axis=-1)
    agi, lo, hi = jackknife_log_bounds(scores, K - 1.0)
    _, c_lo, c_hi, top = critical_values(n, j, K, models)
    codes = classify(agi, lo, hi, c_lo, c_hi, top)
    counts = np.bincount(codes, minlength=len(BAND_CODES)) / reps
    return {band: float(c) for band, c in zip(BAND_CODES, counts, strict=True)}


def operating_characteristics(reps: int, seed: int = SEED) -> list[dict[str, object]]:
    """Band rates for every team type, ``n`` in 4..12 and ``j`` in 3..8."""
    return [
        {"team": team, "n": n, "j": j, **band_rates(team, n, j, reps, seed)}
        for team in TEAMS
        for n in TEAM_SIZES
        for j in ITEM_COUNTS
    ]


def _coverage_truth(rng: np.random.Generator, shape: tuple[int, ...], kind: str) -> np.ndarray:
    if kind == "normal":
        return rng.normal(3.0, 0.6, shape)
    a, b, share = {
        "two camps": (2.5, 3.5, 0.5),
        "two camps, 2 levels": (2.0, 4.0, 0.5),
        "two camps 70/30": (2.0, 4.0, 0.7),
        "two camps 80/20": (2.0, 4.0, 0.8),
    }[kind]
    return np.where(rng.random(shape) < share, a, b) + rng.normal(0.0, 0.3, shape)


#: Appended to, never reordered: a population's position seeds its samples.
COVERAGE_POPULATIONS = (
    "normal",
    "two camps",
    "two camps, 2 levels",
    "two camps 70/30",
    "two camps 80/20",
)


def population_agi(kind: str, j: int = 6, draws: int = 1_000_000, seed: int = SEED) -> float:
    """The population AGI (``100 · E|X − Y| / 4``) of a coverage population, from ``draws`` scores."""
    rng = np.random.default_rng([seed, 1, COVERAGE_POPULATIONS.index(kind)])
    s = np.sort(_answers(rng, _coverage_truth(rng, (draws,), kind), j))
    w = 2.0 * np.arange(1, draws + 1) - draws - 1
    return float(100.0 * (s @ w) / (draws * (draws - 1) / 2) / (K - 1))


def coverage(
    kind: str,
    n: int,
    reps: int,
    j: int = 6,
    level: float = 0.95,
    seed: int = SEED,
    draws: int = 1_000_000,
) -> dict[str, object]:
    """Coverage of the log-jackknife interval for ``reps`` samples of ``n`` from ``kind``."""
    truth = population_agi(kind, j, draws, seed)
    rng = np.random.default_rng([seed, 2, n, COVERAGE_POPULATIONS.index(kind)])
    s = np.sort(_answers(rng, _coverage_truth(rng, (reps, n), kind), j), axis=-1)
    _, lo, hi = jackknife_log_bounds(s, K - 1.0, level)
    return {
        "population": kind,
        "n": n,
        "true_agi": truth,
        "coverage": float(np.mean((lo <= truth) & (truth <= hi))),
        "misses_low": float(np.mean(hi < truth)),
        "misses_high": float(np.mean(lo > truth)),
    }


def coverage_table(
    reps: int,
    draws: int = 1_000_000,
    seed: int = SEED,
    extended: bool = False,
) -> list[dict[str, object]]:
    """Coverage for the first four coverage populations at n = 5, 8, 12 (the table in the docs);
    ``extended``: all five populations at n = 5, 8, 12, 20, 60."""
    kinds = COVERAGE_POPULATIONS if extended else COVERAGE_POPULATIONS[:4]
    sizes = REPORTED_SIZES if extended else COVERAGE_SIZES
    return [coverage(kind, n, reps, seed=seed, draws=draws) for kind in kinds for n in sizes]


#: Dissent above 3.0 of the near-consensus lattice teams (one or two dissenters, J = 6).
LATTICE_DISSENT: tuple[tuple[float, ...], ...] = (
    (1 / 6,),
    (0.5,),
    (1.0,),
    (2.0,),
    (1 / 6, 1.0),
    (0.5, 0.5),
    (0.5, 1.0),
    (1.0, 1.0),
    (2.0, 2.0),
)


def lattice_cases(sizes: tuple[int, ...] = COVERAGE_SIZES) -> list[dict[str, object]]:
    """AGI and interval of teams at 3.0 with the dissenters of :data:`LATTICE_DISSENT`."""
    rows: list[dict[str, object]] = []
    for n in sizes:
        for dissent in LATTICE_DISSENT:
            x = np.sort(np.array([3.0] * (n - len(dissent)) + [3.0 + d for d in dissent]))
            agi, lo, hi = jackknife_log_bounds(x[None, :], K - 1.0)
            rows.append(
                {
                    "n": n,
                    "dissent": dissent,
                    "agi": float(agi[0]),
                    "low": float(lo[0]),
                    "high": float(hi[0]),
                }
            )
    return rows


def lattice_markdown(rows: list[dict[str, object]]) -> str:
    out = ["| n | dissenters (above 3.0) | AGI | 95% interval |", "|---|---|---|---|"]
    for r in rows:
        d = r["dissent"]
        assert isinstance(d, tuple)
        names = ", ".join(f"+{v:.2f}" for v in d)
        out.append(f"| {r['n']} | {names} | {r['agi']:.1f} | {r['low']:.1f}–{r['high']:.1f} |")
    return "\n".join(out)


def null_table_source() -> str:
    """Text of ``scoring/_null_table.py``: simulated null quantiles for 5 options."""
    from scoring._null_table import TABLE_J, TABLE_N

    lines = [
        '"""Quantiles (q01, q05, q95, q99) of the AGI of random teams, 5-point scale (generated).',
        "",
        "``TABLE[model][n - 3][j - 1]``, 20,000 seeded teams per cell",
        "(:func:`scoring.null.simulate_null`), made monotone in n conservatively",
        "(:func:`tests.calibration.agi.monotone_quantiles`).",
        "Regenerate with ``python -m tests.calibration.agi --write-table``; do not edit by hand.",
        '"""',
        "",
        "TABLE_N: tuple[int, ...] = tuple(range(3, 31))",
        "TABLE_J: tuple[int, ...] = tuple(range(1, 11))",
        "TABLE: dict[str, tuple[tuple[tuple[float, float, float, float], ...], ...]] = {",
    ]
    model: NullModel
    for model in ("uniform", "triangular", "slight skew"):
        cells = monotone_quantiles(
            np.array([[simulated_quantiles(n, j, K, model) for j in TABLE_J] for n in TABLE_N])
        )
        lines.append(f'    "{model}": (')
        for row in cells:
            lines.append("        (")
            lines += [f"            {tuple(round(float(v), 6) for v in cell)!r}," for cell in row]
            lines.append("        ),")
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def monotone_quantiles(cells: np.ndarray) -> np.ndarray:
    """Make simulated ``(q01, q05, q95, q99)`` cells (``n × j × 4``) monotone in ``n``, conservatively.

    A lower critical value must not fall as the team grows, nor an upper one rise; lattice steps at
    small ``n`` and simulation noise break that in places. Each lower quantile becomes the smallest
    at this or any larger ``n`` and each upper one the largest, so no test is made more liberal.
    """
    out = cells.copy()
    for q in (0, 1):
        out[:, :, q] = np.minimum.accumulate(out[::-1, :, q], axis=0)[::-1]
    for q in (2, 3):
        out[:, :, q] = np.maximum.accumulate(out[::-1, :, q], axis=0)[::-1]
    return out


def write_null_table(path: Path | None = None) -> Path:
    """Regenerate ``scoring/_null_table.py`` (atomically: temporary file, then rename)."""
    target = path or Path(__file__).resolve().parents[2] / "scoring" / "_null_table.py"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(null_table_source(), encoding="utf-8")
    tmp.replace(target)
    return target


def _pct(v: object) -> str:
    return f"{100 * v:.0f}" if isinstance(v, float) else str(v)


SHORT = {
    "aligned": "al",
    "partly aligned": "pa",
    "misaligned": "mis",
    "indeterminate": "ind",
    "not distinguishable from random answering": "rnd",
}


def oc_markdown(rows: list[dict[str, object]]) -> str:
    """One table per team type: rows n, columns j, cells ``al/pa/mis/ind/rnd`` in percent."""
    out = []
    for team in TEAMS:
        out += [f"**{team}** (% aligned / partly / misaligned / indeterminate / random-like)", ""]
        out.append("| n | " + " | ".join(f"J = {j}" for j in ITEM_COUNTS) + " |")
        out.append("|---|" + "---|" * len(ITEM_COUNTS))
        for n in TEAM_SIZES:
            cells = [
                "/".join(_pct(r[b]) for b in SHORT)
                for r in rows
                if r["team"] == team and r["n"] == n
            ]
            out.append(f"| {n} | " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


def coverage_markdown(rows: list[dict[str, object]]) -> str:
    out = [
        "| population | true AGI | n | coverage | misses below | misses above |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r['population']} | {r['true_agi']:.1f} | {r['n']} | {r['coverage']:.3f} "
            f"| {r['misses_low']:.3f} | {r['misses_high']:.3f} |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--write-table" in args:
        print(f"wrote {write_null_table()}")
        return 0
    small = "--small" in args
    reps, cov_reps, draws = (300, 2000, 200_000) if small else (5000, 20000, 2_000_000)
    start = time.perf_counter()
    oc = operating_characteristics(reps)
    cov = coverage_table(cov_reps, draws, extended="--extended" in args)
    took = time.perf_counter() - start
    print(f"## AGI bands: operating characteristics ({reps} teams per cell)\n")
    print(oc_markdown(oc))
    print(f"## AGI interval coverage (95%, {cov_reps} samples per cell)\n")
    print(coverage_markdown(cov))
    if "--lattice" in args:  # not (yet) among the docs' tables (tests/test_calibration_docs.py)
        print("\n## AGI interval of near-consensus lattice teams\n")
        print(lattice_markdown(lattice_cases()))
    print(f"\nrun time: {took:.1f} s ({'small' if small else 'full'} mode)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

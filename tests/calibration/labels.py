"""Operating characteristics of the change and perception labels (issue 10, items 3 and 8).

Seeded simulations that call :mod:`scoring.inference` as the reports will, and return plain data
(dicts of numbers). ``python -m tests.calibration.labels`` prints Markdown tables and the run time;
``--small`` runs in a few seconds (what the tests use).

Change model ("Northwind-like"): 60 respondents, 8 executives (the management team) and 52
managers and staff in 7 departments, sized as :mod:`assessment.synthetic` sizes them; executives
also count in their department. For capability *c* and respondent *i*, a stable trait
``τ_ic ~ N(μ_c, 0.55²)``, a wave state ``τ_ic + N(0, 0.2²)``, six items ``round(clip(state + δ_j +
N(0, 0.5²), 1, 5))`` and the capability score their mean. The retest correlation of the scores
comes out near .76 (printed). A report has 8 capabilities × 9 groups (organisation, management,
7 departments) = 72 change labels, adjusted together (Holm, α = .05). Between waves a share of the
respondents is replaced by newcomers (new pseudonymous ids), so full, partial and no overlap are
each simulated.

Perception model: 8 capabilities, 8 executives with within-group SD .54 and 52 others with SD
.76 (normal scores), no true gap; Welch's t per capability, Holm over the 8, α = .05.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from scoring.inference import (
    DEFAULT_ALPHA,
    label_family,
    paired_difference,
    sign_flip_test,
    wave_change,
    welch_difference,
)
from scoring.trend import agi_change

#: Department sizes of the 52 managers and staff, and the executives' departments (assessment.synthetic).
DEPT_SIZES = (11, 14, 5, 5, 6, 7, 4)
EXEC_DEPTS = (5, 3, 2, 4, 5, 6, 0, 1)  # CEO Operations, CFO Finance, CCO Marketing, ...
BASELINE = (2.8, 2.6, 2.9, 2.9, 2.3, 2.1, 2.2, 2.5)
N_ITEMS = 6


def _people() -> tuple[np.ndarray, np.ndarray]:
    """``(department index, is executive)`` of the 60 respondents."""
    dept = np.concatenate([np.array(EXEC_DEPTS), np.repeat(np.arange(7), DEPT_SIZES)])
    execs = np.zeros(dept.size, dtype=bool)
    execs[: len(EXEC_DEPTS)] = True
    return dept, execs


def _answer(
    trait: np.ndarray, delta: np.ndarray, rng: np.random.Generator, shift: float = 0.0
) -> np.ndarray:
    """Capability scores (respondents × capabilities) of one wave from the traits; ``delta`` are
    the item difficulties (the same in every wave: one instrument)."""
    state = trait + shift + rng.normal(0.0, 0.2, trait.shape)
    items = state[..., None] + delta + rng.normal(0.0, 0.5, (*trait.shape, N_ITEMS))
    result: np.ndarray = np.clip(np.rint(items), 1, 5).mean(axis=-1)
    return result


def _traits(n: int, rng: np.random.Generator) -> np.ndarray:
    return np.array(BASELINE) + rng.normal(0.0, 0.55, (n, len(BASELINE)))


def _groups(dept: np.ndarray, execs: np.ndarray) -> list[np.ndarray]:
    return [np.ones(dept.size, dtype=bool), execs, *[dept == d for d in range(7)]]


def _change_report(
    rng: np.random.Generator, overlap: float, adjust: str, alpha: float
) -> tuple[list[str], np.ndarray, float]:
    """One report under no true change: its labels, the raw p-values and the retest r.

    As the trend report does (:func:`scoring.compare_waves`), every group × capability carries two
    tests in one Holm family: the score change (:func:`scoring.inference.wave_change`) and the AGI
    change (:func:`scoring.trend.agi_change`): 72 + 72 labels."""
    dept, execs = _people()
    n = dept.size
    trait_a = _traits(n, rng)
    stays = rng.random(n) < overlap
    trait_b = np.where(stays[:, None], trait_a, _traits(n, rng))
    delta = rng.normal(0.0, 0.25, N_ITEMS)
    sa, sb = _answer(trait_a, delta, rng), _answer(trait_b, delta, rng)
    ids_a = [f"R{i}" for i in range(n)]
    ids_b = [f"R{i}" if stays[i] else f"N{i}" for i in range(n)]
    diffs: list[Any] = []
    agi_diffs: list[Any] = []
    for g in _groups(dept, execs):
        idx = np.flatnonzero(g)
        for c in range(sa.shape[1]):
            before = {ids_a[i]: float(sa[i, c]) for i in idx}
            after = {ids_b[i]: float(sb[i, c]) for i in idx}
            diffs.append(wave_change(before, after, effect_ci=False))
            agi_diffs.append(agi_change(before, after, 1.0, 5.0))
    labels = label_family([*diffs, *agi_diffs], adjust=adjust, alpha=alpha)  # type: ignore[arg-type]
    diffs += agi_diffs
    r = math.nan
    if stays.sum() >= 3:
        r = float(np.mean([np.corrcoef(sa[stays, c], sb[stays, c])[0, 1] for c in range(8)]))
    return [lab.key for lab in labels], np.array([d.p_value for d in diffs]), r


def change_null(
    n_reports: int = 200,
    seed: int = 0,
    overlap: float = 1.0,
    adjust: str = "holm",
    alpha: float = DEFAULT_ALPHA,
) -> dict[str, float]:
    """Northwind-like reports with no true change: how often do change labels lie?

    Returns ``reports``, ``labels_per_report``, ``any_false`` (share of reports with at least one
    "higher"/"lower" label), ``per_label`` (share of labels that are false), ``per_label_raw``
    (share of raw p < α: the single test's size), ``any_false_raw`` (a report with any raw p < α,
    the rate without multiplicity control), ``not_computed`` and ``retest_r``.
    """
    rng = np.random.default_rng(seed)
    false = total = reports_false = raw_hits = raw_reports = not_computed = 0
    rs = []
    for _ in range(n_reports):
        keys, p, r = _change_report(rng, overlap, adjust, alpha)
        k = sum(key in ("higher", "lower") for key in keys)
        false += k
        reports_false += k > 0
        total += len(keys)
        not_computed += sum(key == "not computed" for key in keys)
        raw = int((p[~np.isnan(p)] < alpha).sum())
        raw_hits += raw
        raw_reports += raw > 0
        rs.append(r)
    return {
        "reports": n_reports,
        "labels_per_report": total / n_reports,
        "any_false": reports_false / n_reports,
        "per_label": false / total,
        "any_false_raw": raw_reports / n_reports,
        "per_label_raw": raw_hits / total,
        "not_computed": not_computed / total,
        "retest_r": float(np.mean(rs)) if not np.isnan(rs).all() else math.nan,
    }


def paired_power(
    n: int = 8,
    retest_r: float = 0.8,
    change: float = 0.3,
    sd: float = 0.6,
    reps: int = 2000,
    seed: int = 1,
    alpha: float = DEFAULT_ALPHA,
) -> dict[str, float]:
    """Power of one change comparison when the same ``n`` people answer twice (bivariate normal
    scores, SD ``sd``, correlation ``retest_r``, true change ``change``): paired t, sign-flip
    permutation, and Welch's t that ignores the pairing. Also the false-positive rate of each at
    no change (the same draws shifted back)."""
    rng = np.random.default_rng(seed)
    cov = sd**2 * np.array([[1.0, retest_r], [retest_r, 1.0]])
    hits = {"paired t": 0, "sign-flip": 0, "welch (unpaired)": 0}
    null = dict.fromkeys(hits, 0)
    for _ in range(reps):
        xy = rng.multivariate_normal([0.0, 0.0], cov, size=n)
        a = xy[:, 0]
        for b, tally in ((xy[:, 1] + change, hits), (xy[:, 1], null)):
            d = b - a
            tally["paired t"] += paired_difference(a, b, effect_ci=False).p_value < alpha
            tally["sign-flip"] += sign_flip_test(d)[0] < alpha
            tally["welch (unpaired)"] += welch_difference(b, a, effect_ci=False).p_value < alpha
    out: dict[str, float] = {f"power {k}": v / reps for k, v in hits.items()}
    out.update({f"size {k}": v / reps for k, v in null.items()})
    return out


def perception(
    n_reports: int = 200,
    seed: int = 2,
    gaps: Sequence[float] = (0.0,) * 8,
    n_exec: int = 8,
    n_staff: int = 52,
    sd_exec: float = 0.54,
    sd_staff: float = 0.76,
    adjust: str = "holm",
    alpha: float = DEFAULT_ALPHA,
) -> dict[str, Any]:
    """Perception-gap labels over 8 capabilities (true gaps ``gaps``, executives minus staff).

    Returns ``any_false`` (reports with a wrong-direction or a "higher"/"lower" label where the true
    gap is 0, or "equivalent" where it reaches the SESOI), ``power`` (per capability with a true gap
    ≥ 0.5: share labelled "higher"), ``per_label_false`` and ``any_raw`` (a report with any raw
    p < α, no multiplicity control)."""
    rng = np.random.default_rng(seed)
    true = np.asarray(gaps, dtype=float)
    wrong_reports = raw_reports = 0
    wrong = 0
    detected = np.zeros(true.size)
    for _ in range(n_reports):
        ex = rng.normal(3.0, sd_exec, (n_exec, true.size)) + true
        st = rng.normal(3.0, sd_staff, (n_staff, true.size))
        diffs = [welch_difference(ex[:, c], st[:, c], effect_ci=False) for c in range(true.size)]
        keys = [lab.key for lab in label_family(diffs, adjust=adjust, alpha=alpha)]  # type: ignore[arg-type]
        bad = 0
        for c, key in enumerate(keys):
            if true[c] == 0:
                bad += key in ("higher", "lower")
            else:
                bad += key == ("lower" if true[c] > 0 else "higher")
                bad += key == "equivalent" and abs(true[c]) >= diffs[c].sesoi
                detected[c] += key == ("higher" if true[c] > 0 else "lower")
        wrong += bad
        wrong_reports += bad > 0
        raw_reports += any(d.p_value < alpha for d in diffs)
    effect = np.abs(true) >= 0.5
    return {
        "reports": n_reports,
        "any_false": wrong_reports / n_reports,
        "per_label_false": wrong / (n_reports * true.size),
        "any_raw": raw_reports / n_reports,
        "power": float(detected[effect].mean() / n_reports) if effect.any() else math.nan,
    }


def _table(title: str, rows: list[tuple[str, dict[str, Any]]], keys: Sequence[str]) -> str:
    head = f"| {title} | " + " | ".join(keys) + " |"
    sep = "|---" * (len(keys) + 1) + "|"
    body = [
        f"| {name} | "
        + " | ".join(f"{r[k]:.3f}" if isinstance(r[k], float) else str(r[k]) for k in keys)
        + " |"
        for name, r in rows
    ]
    return "\n".join([head, sep, *body])


def run(small: bool = False, reports: int | None = None) -> dict[str, Any]:
    """Every simulation of this module: 200 reports (``small``: 60, or ``reports``), 2,000 power
    draws (``small``: 400)."""
    reports = reports or (60 if small else 200)
    draws = 400 if small else 2000
    return {
        "change": [
            (f"{label} overlap", change_null(reports, seed=10 + k, overlap=ov))
            for k, (label, ov) in enumerate((("full", 1.0), ("85%", 0.85), ("no", 0.0)))
        ],
        "paired": paired_power(reps=draws),
        "perception": [
            ("no gap", perception(reports, seed=20)),
            ("all 8 gaps +0.7", perception(reports, seed=21, gaps=(0.7,) * 8)),
            ("one gap +0.7", perception(reports, seed=22, gaps=(0.7,) + (0.0,) * 7)),
            ("all 8 gaps +0.5", perception(reports, seed=23, gaps=(0.5,) * 8)),
        ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Print the operating characteristics as Markdown tables, and the run time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--small", action="store_true", help="60 reports, 400 draws (seconds)")
    parser.add_argument("--reports", type=int, default=None, help="reports per scenario")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    res = run(small=args.small, reports=args.reports)
    change_keys = (
        "reports", "labels_per_report", "any_false", "per_label", "any_false_raw",
        "per_label_raw", "not_computed", "retest_r",
    )  # fmt: skip
    print(
        "### Change labels under no true change (Holm within the 144 labels: 72 score and 72 AGI changes, α = .05)\n"
    )
    print(_table("waves", res["change"], change_keys))
    print("\n### One change comparison, n = 8 re-answering, retest r = .8, SD .6 (α = .05)\n")
    p = res["paired"]
    print("| test | power (change +0.3) | size (no change) |\n|---|---|---|")
    for name in ("paired t", "sign-flip", "welch (unpaired)"):
        print(f"| {name} | {p[f'power {name}']:.3f} | {p[f'size {name}']:.3f} |")
    print("\n### Perception labels, 8 executives (SD .54) vs 52 others (SD .76), Holm over 8\n")
    print(
        _table(
            "true gaps",
            res["perception"],
            ("reports", "any_false", "per_label_false", "any_raw", "power"),
        )
    )
    print(f"\nrun time: {time.perf_counter() - start:.1f} s ({'small' if args.small else 'full'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

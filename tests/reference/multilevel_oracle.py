"""A slow, loop-by-loop oracle of what R ``multilevel`` (Bliese, v2.7) computes for ONE group.

R is not installed where these tests run, so this module restates — in plain Python with the
``statistics`` module, deliberately without numpy — the behaviour we read in the package source
(``R/multilevel.R``) for the functions ``rwg``, ``rwg.j``, ``rwg.j.lindell``, ``ad.m``, ``awg``,
``ICC1`` and ``ICC2``. Each function notes the R behaviour it mirrors. The point is an
independent second implementation, written from the documented formulas and R's edge-case rules,
against which the vectorised ``scoring.agreement`` is compared on complete data.

Rows are raters, columns items; ``None`` or ``nan`` marks a missing rating. Like R's
``na.exclude`` on the data frame, the multi-item functions first drop every rater (row) with any
missing value (listwise) — the one place where ``scoring.agreement`` deliberately differs
(it works per item, pairwise).

``multilevel_reference.R`` next to this file prints the same quantities from R itself, for anyone
who wants to re-check the pinned numbers with R.
"""

from __future__ import annotations

import math
import statistics as st
from collections.abc import Sequence

Row = Sequence[float | None]


def _missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _listwise(rows: Sequence[Row]) -> list[list[float]]:
    return [[float(v) for v in r] for r in rows if not any(_missing(v) for v in r)]


def _columns(rows: list[list[float]]) -> list[list[float]]:
    return [list(c) for c in zip(*rows, strict=True)] if rows else []


def rwg(x: Sequence[float | None], ranvar: float) -> float:
    """R ``rwg``: NA for a group of 1; the variance is capped at ``ranvar`` (so never below 0)."""
    q = [float(v) for v in x if not _missing(v)]
    if len(q) < 2:
        return math.nan
    v = min(st.variance(q), ranvar)
    return 1 - v / ranvar


def rwg_j(rows: Sequence[Row], ranvar: float) -> float:
    """R ``rwg.j``: listwise rows; S = mean item variance capped at ``ranvar``; J·(1−S/σ)/(…)."""
    q = _listwise(rows)
    if len(q) < 2:
        return math.nan
    cols = _columns(q)
    j = len(cols)
    s = min(st.mean(st.variance(c) for c in cols), ranvar)
    return (j * (1 - s / ranvar)) / (j * (1 - s / ranvar) + s / ranvar)


def rwg_j_lindell(rows: Sequence[Row], ranvar: float) -> float:
    """R ``rwg.j.lindell``: 1 − mean item variance/ranvar, no cap."""
    q = _listwise(rows)
    if len(q) < 2:
        return math.nan
    return 1 - st.mean(st.variance(c) for c in _columns(q)) / ranvar


def ad_m(rows: Sequence[Row], type: str = "mean") -> float:
    """R ``ad.m``: per item Σ|x − mean or median| / k (k denominator), mean over items; NA for 1 rater."""
    q = _listwise(rows)
    if len(q) < 2:
        return math.nan
    center = st.mean if type == "mean" else st.median
    return st.mean(sum(abs(v - center(c)) for v in c) / len(c) for c in _columns(q))


def _awg_item(c: list[float], low: float, high: float) -> float:
    """R ``awg`` for one item, including R's rule that M == L or M == H gives 1."""
    m = st.mean(c)
    k = len(c)
    den = ((high + low) * m - m * m - high * low) * (k / (k - 1))
    a = 1 - (2 * st.variance(c)) / den if den != 0 else math.nan  # R: 0/0 is NaN, no error
    if m < (low * (k - 1) + high) / k:
        a = math.nan
    if m > (high * (k - 1) + low) / k:
        a = math.nan
    if m in (high, low):
        a = 1.0
    return a


def awg(rows: Sequence[Row], low: float, high: float) -> float:
    """R ``awg`` (multi-item form): mean of defined item values (``na.rm = TRUE``); NA for 1 rater."""
    q = _listwise(rows)
    if len(q) < 2:
        return math.nan
    vals = [a for a in (_awg_item(c, low, high) for c in _columns(q)) if not math.isnan(a)]
    return st.mean(vals) if vals else math.nan


def icc1_icc2(values: Sequence[float], groups: Sequence[object]) -> tuple[float, float]:
    """R ``ICC1(aov(x ~ as.factor(g)))`` and ``ICC2(...)``: one-way ANOVA mean squares.

    ``ICC1`` uses GSIZE = (df_within + df_between + 1)/(df_between + 1) = N/G, the mean group size.
    """
    by: dict[object, list[float]] = {}
    for v, g in zip(values, groups, strict=True):
        by.setdefault(g, []).append(float(v))
    n = sum(len(v) for v in by.values())
    g = len(by)
    grand = st.mean(v for vs in by.values() for v in vs)
    ssb = sum(len(vs) * (st.mean(vs) - grand) ** 2 for vs in by.values())
    ssw = sum((v - st.mean(vs)) ** 2 for vs in by.values() for v in vs)
    dfb, dfw = g - 1, n - g
    msb, msw = ssb / dfb, ssw / dfw
    gsize = (dfw + (dfb + 1)) / (dfb + 1)
    return (msb - msw) / (msb + (gsize - 1) * msw), (msb - msw) / msb

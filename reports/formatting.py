"""Number formatting shared by the view model and the Jinja filters. ``–`` marks undefined values."""

from __future__ import annotations

import math
from typing import TypeGuard

__all__ = [
    "DASH",
    "fmt_agi",
    "fmt_int",
    "fmt_money",
    "fmt_num",
    "fmt_p",
    "fmt_pct",
    "fmt_signed",
    "short_hash",
]

DASH = "–"


def _ok(x: float | None) -> TypeGuard[float]:
    """True for a printable number: not ``None`` and not NaN (narrows ``x`` to ``float``)."""
    return not (x is None or (isinstance(x, float) and math.isnan(x)))


def fmt_num(x: float | None, digits: int = 1) -> str:
    """``3.4``; ``–`` for missing. Negative zero prints as ``0.0``."""
    if not _ok(x):
        return DASH
    s = f"{x:.{digits}f}"
    return s[1:] if s.startswith("-") and float(s) == 0 else s.replace("-", "−")


def fmt_signed(x: float | None, digits: int = 1) -> str:
    """``+0.4`` / ``−1.2`` (true minus sign)."""
    if not _ok(x):
        return DASH
    s = f"{x:+.{digits}f}"
    if float(s) == 0:
        return f"{0:.{digits}f}"
    return s.replace("-", "−")


def fmt_agi(x: float | None) -> str:
    """AGI on its 0–100 scale, whole numbers."""
    return fmt_num(x, 0)


def fmt_int(x: float | None) -> str:
    return DASH if not _ok(x) else f"{round(x):,}"


def fmt_pct(x: float | None, digits: int = 0) -> str:
    """A share 0–1 as ``78%``."""
    return DASH if not _ok(x) else f"{100 * x:.{digits}f}%"


def fmt_money(x: float | None) -> str:
    """``$780,000``; negative as ``−$460,000``."""
    if not _ok(x):
        return DASH
    return ("−" if x < 0 else "") + f"${abs(x):,.0f}"


def fmt_p(p: float | None) -> str:
    """p-values as ``0.03``, ``< 0.001``."""
    if not _ok(p):
        return DASH
    return "< 0.001" if p < 0.001 else f"{p:.3f}" if p < 0.01 else f"{p:.2f}"


def short_hash(h: str, n: int = 12) -> str:
    """``sha256:3f2a…`` shortened for display; the full hash is printed once on the cover."""
    algo, _, digest = h.partition(":")
    return f"{algo}:{digest[:n]}" if digest else h[:n]

"""Side-by-side timing shared by the benchmarks: every contender runs in turn, so load from other
processes hits all of them alike; the best wall time of each is kept."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping


def best_interleaved(
    fns: Mapping[str, Callable[[int], object]], repeat: int = 5, warmup: bool = False
) -> dict[str, float]:
    """Best wall time of each function over ``repeat`` rounds; each call gets the round number."""
    if warmup:
        for fn in fns.values():
            fn(-1)
    best = dict.fromkeys(fns, float("inf"))
    for k in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn(k)
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def best_of_pair(
    ours: Callable[[], object], theirs: Callable[[], object], n: int = 3, warmup: bool = False
) -> tuple[float, float]:
    """Best times of two contenders run in turn ``n`` times: ``(ours, theirs)``."""
    best = best_interleaved({"ours": lambda _k: ours(), "theirs": lambda _k: theirs()}, n, warmup)
    return best["ours"], best["theirs"]

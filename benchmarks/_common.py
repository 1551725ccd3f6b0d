"""Shared helpers for the benchmarks: synthetic populations and a fair timer."""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

D = Decimal


def population(n: int, seed: int = 20261122) -> list[dict[str, Decimal]]:
    """N synthetic customer-service agents with the seed-003 KPI inputs, as Decimals."""
    rnd = random.Random(seed)
    rows = []
    for _ in range(n):
        rows.append(
            {
                "conversion": D(rnd.randint(3000, 9000)) / 10000,
                "payment": D(rnd.randint(6500, 9900)) / 10000,
                "aov": D(rnd.randint(100, 125)) / 100,
                "reply": D(rnd.randint(9300, 10000)) / 10000,
                "response": D(rnd.randint(10, 70)),
                "sales": D(rnd.randint(0, 300_000)),
                "extra": D(rnd.randint(0, 30)),
                "late_minutes": D(rnd.choice([0, 0, 0, 5, 20, 45])),
            }
        )
    return rows


def compare(fns: dict[str, Callable[[], object]], passes: int = 5) -> dict[str, float]:
    """Median wall time of each function, run round-robin so host drift hits all alike."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(passes):
        for name, fn in fns.items():
            gc.disable()
            try:
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
            finally:
                gc.enable()
    return {name: statistics.median(t) for name, t in times.items()}


def timed(fn: Callable[[], object], passes: int = 3) -> float:
    """Median wall time of ``passes`` runs after one warm-up, with the GC off during each."""
    fn()
    times = []
    for _ in range(passes):
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return statistics.median(times)

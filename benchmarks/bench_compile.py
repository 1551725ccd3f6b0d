"""Compile time against scheme size: it must grow linearly.

Builds schemes of 100 to 2,000 tiered indicators and chains of 2,000 to 16,000 derived
metrics (each reading the one before, written in reverse order, the worst case for
ordering), compiles each and prints the seconds and the seconds per element.

    python benchmarks/bench_compile.py
"""

from __future__ import annotations

import sys
import time
from decimal import Decimal

import perfrules as pr

D = Decimal


def indicators(n: int) -> pr.Scheme:
    tiers = [{"range": "< 50", "points": D(1)}, {"range": ">= 50", "points": D(2)}]
    return pr.scheme_from_data(
        {
            "name": "wide",
            "metrics": {"x": {}},
            "indicators": {f"i{k}": {"input": "x", "tiers": tiers, "weight": D(100) / n} for k in range(n)},
        }
    )


def chain(n: int) -> pr.Scheme:
    metrics: dict[str, dict[str, str]] = {"x0": {}}
    for k in reversed(range(1, n)):  # listed last-first: every metric reads one listed after it
        metrics[f"x{k}"] = {"formula": f"x{k - 1} + 1"}
    return pr.scheme_from_data({"name": "deep", "metrics": metrics, "score": {"formula": f"x{n - 1}"}})


def timed(scheme: pr.Scheme) -> float:
    start = time.perf_counter()
    pr.compile_scheme(scheme)
    return time.perf_counter() - start


def main() -> dict[str, float]:
    out = {}
    for name, build, sizes in (("indicators", indicators, (100, 500, 1000, 2000)), ("derived", chain, (2000, 16000))):
        for n in sizes:
            seconds = timed(build(n))
            out[f"{name}:{n}"] = seconds
            print(f"{name:>10} {n:>6}: {seconds:7.3f} s  ({seconds / n * 1e6:7.1f} µs per element)")
    ok = out["indicators:2000"] <= 0.5 and out["derived:16000"] <= 5
    print("targets (2,000 indicators <= 0.5 s, 16,000 derived metrics <= 5 s):", "met" if ok else "NOT met")
    return out


if __name__ == "__main__":
    main()
    sys.exit(0)

"""
What-if sweep: 20 variants of seed003-kpi (and the baseline) over 36 months stored in a ledger, N employees.

    python benchmarks/bench_sweep.py [N] [MONTHS]     # N defaults to 1,000 employees, MONTHS to 36

Thirty-six months (2024-01 to 2026-12, or the first MONTHS of them) of N generated employees are published
into a results ledger under the baseline, with history (streaks) read from the
ledger as they go.  ``perfrules.sweep`` then replays every month under its
recorded inputs, with history from the ledger, under the baseline and 20
variants (the performance pot from 700 to 795): once with the row engine and
once with ``engine="auto"`` (the columnar engine, which this scheme allows).
Both must give the same totals and changes; the figures are employee-months
scored per second of wall time.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import attrs

import perfrules as pr
from perfrules._analysis import recorded

ROOT = Path(__file__).resolve().parents[1]
SCHEME = ROOT / "examples" / "seed003-kpi" / "scheme.yaml"


def month_rows(n: int, seed: int) -> list[dict[str, str]]:
    rnd = random.Random(seed)
    rows = []
    for k in range(n):
        inq, placed, rec = rnd.randint(1, 400), rnd.randint(1, 300), rnd.randint(1, 500)
        rows.append(
            {
                "employee_id": f"E{k:06d}",
                "buyers": str(rnd.randint(0, inq)),
                "inquiries": str(inq),
                "paid_orders": str(rnd.randint(int(placed * 0.6), placed)),
                "placed_orders": str(placed),
                "agent_aov": f"{rnd.randint(9000, 13000) / 100:.2f}",
                "shop_aov": "100",
                "replied": str(rnd.randint(int(rec * 0.9), rec)),
                "received": str(rec),
                "response_seconds": str(rnd.randint(5, 80)),
                "tasks_rating": str(rnd.randint(50, 100)),
                "attitude_rating": str(rnd.randint(50, 100)),
                "late_count": str(rnd.choice((0, 0, 0, 1, 2))),
                "leave_days": rnd.choice(("0", "0", "0", "0.5", "1")),
                "merit_points": ";".join(rnd.choice("1235") for _ in range(rnd.choice((0, 0, 1)))),
                "front_line": "1",
                "pc_breaches": "0",
                "data_errors_found": str(rnd.randint(0, 3)),
                "suggestions_accepted": str(rnd.randint(0, 2)),
            }
        )
    return rows


def variants(base: pr.Scheme) -> dict[str, pr.Scheme]:
    out = {}
    for k in range(20):
        pot = Decimal(700 + 5 * k)
        params = tuple(attrs.evolve(p, value=pot) if p.name == "perf_pot" else p for p in base.params)
        out[f"pot {pot}"] = attrs.evolve(base, params=params)
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
    base = pr.load_scheme(SCHEME)
    plan = pr.compile_scheme(base)
    months = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)]
    months = months[: int(sys.argv[2])] if len(sys.argv) > 2 else months
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        with pr.Ledger(Path(tmp) / "results.db") as book:
            for k, month in enumerate(months):
                book.publish(pr.score(plan, month_rows(n, k), period=month, history=book), base)
        print(f"seed003-kpi: {len(months)} months x {n:,} employees published in {time.perf_counter() - start:.1f} s")
        with pr.Ledger(Path(tmp) / "results.db", readonly=True) as book:
            batches = recorded(book, months, base.name)
            runs = {}
            for engine in ("row", "auto"):
                runs[engine] = pr.sweep(plan, variants(base), batches, history=book, engine=engine)
    for name, s in runs.items():
        rate = s.employee_months / s.seconds
        print(
            f"  {name:<5} {len(s.variants)} schemes x {len(s.periods)} months x {n:,}: {s.employee_months:,} "
            f"employee-months in {s.seconds:7.2f} s = {rate:10,.0f} per second"
        )
    same = (runs["row"].totals, runs["row"].changes) == (runs["auto"].totals, runs["auto"].changes)
    print(f"  row and columnar sweeps agree on every total and change: {same}")
    print(f"  engines: {sorted(set(runs['auto'].engines.values()))}")
    v = runs["auto"].variants[-1]
    print(f"  {v}: {runs['auto'].change(v):+} over {len(months)} months against the baseline")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

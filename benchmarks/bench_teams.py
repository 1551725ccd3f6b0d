"""Teams and history benchmark (issue 4): the seed-000 team scheme over 12 months.

N employees in teams of 20 (one supervisor each), one month after another, with
team values (averages, sums, tops), mentors, tenure from hire dates, and
history rules (the gold agent's streak, the supervisor's three months under 60).
perfrules scores examples/seed000-team/scheme.yaml; a hand-written Python
function of the same rules (Decimal throughout) does the same; both keep the
earlier months in memory and must agree on every employee-month.

Run:  python benchmarks/bench_teams.py [N] [MONTHS]      (default 100,000 employees, 12 months)
      python benchmarks/bench_teams.py --scaling          (1k, 10k, 100k employees, 3 months)
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

import perfrules as pr

D = Decimal
HERE = Path(__file__).parent
SCHEME = HERE.parent / "examples" / "seed000-team" / "scheme.yaml"
Q2 = D("0.01")


def population(n: int, seed: int = 0) -> list[dict[str, str]]:
    rnd = random.Random(seed)
    people = []
    for k in range(n):
        team = f"T{k // 20:05d}"
        supervisor = k % 20 == 0
        hired = dt.date(2024, 1, 1) + dt.timedelta(days=rnd.randint(0, 900))
        people.append(
            {
                "employee_id": f"E{k:06d}",
                "team": team,
                "hire_date": hired.isoformat(),
                "mentor": f"E{k - 1:06d}" if k % 20 == 19 else "",
                "role": "supervisor" if supervisor else "agent",
            }
        )
    return people


def month_rows(people: list[dict[str, str]], month: int, seed: int) -> list[dict[str, str]]:
    rnd = random.Random(seed * 100 + month)
    rows = []
    for p in people:
        sup = p["role"] == "supervisor"
        rows.append(
            {
                **p,
                "month_score": "0" if sup else str(rnd.randint(40, 100)),
                "sales": "0" if sup else str(rnd.randint(0, 600_000)),
                "perf_bonus": "0" if sup else str(rnd.choice([3000, 3500])),
                "admin_score": str(rnd.randint(40, 100)) if sup else "0",
            }
        )
    return rows


class Memory:
    """A history source keeping earlier months' results in memory (flags and score only)."""

    def __init__(self) -> None:
        self.months: list[tuple[pr.Period, dict[str, dict]]] = []

    def record(self, period: pr.Period, results: pr.Results) -> None:
        self.months.append(
            (
                period,
                {r.employee: {"score": str(r.score), "flags": [{"name": f.name} for f in r.flags]} for r in results},
            )
        )

    def recorded(self, scheme, period):
        return next((data for p, data in self.months if p == period), None)

    def first(self, scheme):
        return self.months[0][0] if self.months else None


def tenure(hired: dt.date, end: dt.date) -> int:
    return 0 if hired > end else (end.year - hired.year) * 12 + end.month - hired.month + 1


def hand_month(rows, period, streaks):
    """The seed-000 team scheme by hand; ``streaks`` carries (gold, under_60) runs between months."""
    people = []
    for r in rows:
        t = tenure(dt.date.fromisoformat(r["hire_date"]), period.end)
        sup = r["role"] == "supervisor"
        people.append(
            (
                r["employee_id"],
                r["team"],
                r["mentor"],
                t,
                sup,
                D(r["month_score"]),
                D(r["sales"]),
                D(r["perf_bonus"]),
                D(r["admin_score"]),
                t > 1 and not sup,
            )
        )
    teams = defaultdict(list)
    for p in people:
        teams[p[1]].append(p)
    stats = {}
    for team, members in teams.items():
        ok = [m for m in members if m[9]]
        scores = [m[5] for m in ok]
        stats[team] = (
            sum(scores, D(0)) / len(ok) if ok else D(0),
            sum((m[6] for m in ok), D(0)),
            max(scores, default=D(0)),
            max((m[6] for m in ok), default=D(0)),
        )
    trainees = defaultdict(list)
    for p in people:
        if p[2] and p[3] <= 2:
            trainees[p[2]].append(p[5])
    out = {}
    for emp, team, _, t, sup, ms, sales, bonus, admin, eligible in people:
        avg, total, top_score, top_sales = stats[team]
        score = (avg * D("0.5") + admin * D("0.5") if sup else ms).quantize(Q2, ROUND_HALF_UP)
        gold = eligible and ms == top_score and sales == top_sales and ms > 80
        under = sup and score < 60
        prev_gold, prev_under = streaks.get(emp, (0, 0))
        gold_run = prev_gold + 1 if gold else 0
        personal = (bonus * D("0.8")).quantize(Q2, ROUND_HALF_UP)
        team_part = (bonus * D("0.2")).quantize(Q2, ROUND_HALF_UP) if avg >= 80 else D("0.00")
        pays = [
            personal,
            team_part,
            D("300.00") if gold else D("0.00"),
            D("1000.00") if gold_run == 3 else D("0.00"),
            D("200.00") if max(trainees.get(emp, ()), default=D(0)) >= 80 else D("0.00"),
            D("1000.00") if sup and avg > 90 else D("0.00"),
            (total / 1000).quantize(Q2, ROUND_HALF_UP) if sup else D("0.00"),
        ]
        flags = [
            n
            for n, on in (
                ("new_hire", t <= 2),
                ("gold_agent", gold),
                ("supervisor_under_60", under),
                ("demotion", prev_under >= 3),
                ("team_average_over_102", avg > 102),
            )
            if on
        ]
        out[emp] = (score, sum(pays, D(0)).quantize(Q2, ROUND_HALF_UP), flags)
        streaks[emp] = (gold_run, prev_under + 1 if under else 0)
    return out


def run(n: int, months: int, check: bool = True) -> dict[str, float]:
    people = population(n)
    plan = pr.compile_scheme(pr.load_scheme(SCHEME))
    periods = [pr.Period.parse(f"2026-{m:02d}") for m in range(1, months + 1)]
    data = [month_rows(people, m, 0) for m in range(1, months + 1)]
    t_pr = t_hand = 0.0
    source, streaks = Memory(), {}
    for period, rows in zip(periods, data, strict=True):
        start = time.perf_counter()
        results = pr.score(plan, rows, period=period, history=source)
        source.record(period, results)
        t_pr += time.perf_counter() - start
        start = time.perf_counter()
        with localcontext(pr.DECIMAL_CONTEXT):
            expected = hand_month(rows, period, streaks)
        t_hand += time.perf_counter() - start
        if check:
            for r in results:
                score, total, flags = expected[r.employee]
                assert (score, total, flags) == (r.score, r.payouts["total_pay"], [f.name for f in r.flags]), r
    per = n * months
    return {"perfrules": t_pr / per * 1e6, "hand": t_hand / per * 1e6}


def main() -> None:
    if "--scaling" in sys.argv:
        print("scaling: seed-000 team scheme, 3 months, teams of 20")
        print(f"  {'employees':>10}{'perfrules µs/emp-month':>26}{'hand µs/emp-month':>20}{'×':>7}")
        for n in (1_000, 10_000, 100_000):
            us = run(n, 3)
            print(f"  {n:>10,}{us['perfrules']:>26.2f}{us['hand']:>20.2f}{us['perfrules'] / us['hand']:>7.2f}")
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    months = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    us = run(n, months)
    print(
        f"seed-000 team scheme: {n:,} employees in {n // 20:,} teams over {months} months; "
        "perfrules and hand-written agree on every employee-month"
    )
    print(f"  perfrules  {us['perfrules']:8.2f} µs per employee-month")
    print(
        f"  hand       {us['hand']:8.2f} µs per employee-month   (perfrules / hand = {us['perfrules'] / us['hand']:.2f})"
    )


if __name__ == "__main__":
    main()

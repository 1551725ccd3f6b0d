"""
The seed-000 team scheme (examples/seed000-team) written by hand in plain Python with Decimal.

    python benchmarks/hand/decimal_team.py IN.csv OUT.csv

Reads a CSV with the columns of examples/seed000-team/data.csv (employee_id, name, team, hire_date,
mentor, month_score, sales, perf_bonus, role, admin_score) and writes the same bytes as
``perfrules score examples/seed000-team/scheme.yaml IN.csv --period 2026-04 --no-history --out OUT.csv``:
tenure from hire dates, team averages, sums and tops over the eligible members (agents past their first
month), the mentor's award for each new-hire trainee at 80 or more, no earlier periods (streaks start
this month, no trainee was paid for before and no quarter award is due).
What a competent engineer would write for this one scheme, without perfrules and without its input
checks.  Prints nothing on standard output.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from decimal import ROUND_HALF_UP, Context, Decimal, setcontext

D = Decimal
ZERO, CENT, ZERO_2 = D(0), D("0.01"), D("0.00")
END = dt.date(2026, 4, 30)  # the last day of 2026-04
HEADER = [
    "employee_id",
    "period",
    "score",
    "grade",
    "personal_part",
    "team_part",
    "gold",
    "mentor",
    "gold_streak_award",
    "team_award",
    "team_quarter_award",
    "commission",
    "total_pay",
    "flags",
]


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def main() -> None:
    setcontext(Context(prec=28))
    src, dst = sys.argv[1], sys.argv[2]
    people = []
    tenure_of: dict[str, Decimal] = {}
    with open(src, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        for r in reader:
            hire = dt.date.fromisoformat(r["hire_date"].strip())
            key = r["hire_date"]
            tenure = tenure_of.get(key)
            if tenure is None:
                months = 0 if hire > END else (END.year - hire.year) * 12 + END.month - hire.month + 1
                tenure = tenure_of[key] = D(months)
            agent = r["role"].strip() == "agent"
            people.append(
                (
                    r["employee_id"].strip(),
                    r["team"],
                    r["mentor"].strip(),
                    D(r["month_score"]),
                    D(r["sales"]),
                    D(r["perf_bonus"]) if r["perf_bonus"] else ZERO,
                    D(r["admin_score"]) if r["admin_score"] else ZERO,
                    agent,
                    tenure > 1 and agent,  # counted in team values
                    tenure <= 2,  # new hire
                )
            )
    people.sort(key=lambda p: p[0])
    # Team values over the eligible members: average and top score, sum and top sales.
    teams: dict[str, list[Decimal]] = {}  # team: [score total, count, top score, sales total, top sales]
    mentees: dict[str, int] = {}  # mentor: how many new-hire trainees scored 80 or more
    for _emp, team, mentor, score, sales, _, _, _, eligible, new in people:
        if eligible:
            t = teams.setdefault(team, [ZERO, ZERO, score, ZERO, sales])
            t[0] += score
            t[1] += 1
            t[2] = max(t[2], score)
            t[3] += sales
            t[4] = max(t[4], sales)
        if mentor and new and score >= 80:  # paid once per trainee: without history, none was paid before
            mentees[mentor] = mentees.get(mentor, 0) + 1
    with open(dst, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for emp, team, _, score, sales, bonus, admin, agent, eligible, new in people:
            t = teams.get(team)
            avg = t[0] / t[1] if t else ZERO
            personal = _money(bonus * D("0.8"))
            team_part = _money(bonus * D("0.2")) if avg >= 80 else ZERO_2
            gold_agent = eligible and t is not None and sales >= t[4] and score >= t[2] and score > 80
            gold = D("300.00") if gold_agent else ZERO_2
            mentor = _money(D(200) * mentees.get(emp, 0))
            supervisor = not agent
            award = D("1000.00") if supervisor and avg > 90 else ZERO_2
            commission = _money((t[3] if t else ZERO) / 1000) if supervisor else ZERO_2
            total = _money(personal + team_part + gold + ZERO_2 + mentor + award + commission)
            final = _money(avg * D("0.5") + admin * D("0.5") if supervisor else score)
            flags = [
                name
                for name, hit in (
                    ("new_hire", new),
                    ("gold_agent", gold_agent),
                    ("supervisor_under_60", supervisor and final < 60),
                    ("team_average_over_102", avg > 102),
                )
                if hit
            ]
            writer.writerow(
                [emp, "2026-04", final, "", personal, team_part, gold, mentor, ZERO_2, award, ZERO_2, commission, total,
                 ";".join(flags)]
            )  # fmt: skip


if __name__ == "__main__":
    main()

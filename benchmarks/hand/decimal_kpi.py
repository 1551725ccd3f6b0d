"""
The seed-003 KPI scheme (examples/seed003-kpi) written by hand in plain Python with Decimal.

    python benchmarks/hand/decimal_kpi.py IN.csv OUT.csv

Reads the CSV that benchmarks/bench_scale.py generates and writes the same bytes as
``perfrules score examples/seed003-kpi/scheme.yaml IN.csv --period 2026-04 --no-history --out OUT.csv``.
It is the baseline the row engine is measured against: what a competent engineer
would write for this one scheme, without perfrules (no input checks beyond what
Decimal itself refuses, no explanations, no history: prior periods read as none;
no ledger: a reward over its approval threshold is held, as nothing is approved).
Prints nothing on standard output.
"""

from __future__ import annotations

import csv
import sys
from bisect import bisect_left, bisect_right
from decimal import ROUND_HALF_UP, Context, Decimal, setcontext

D = Decimal
ZERO, ONE, CENT = D(0), D(1), D("0.01")
ZERO_2 = D("0.00")
PERIOD = "2026-04"
# Tier tables: sorted bounds and the points of each band (bisect_right: a bound belongs to the band above).
CONV = ((D("0.50"), D("0.65"), D("0.75")), (D(0), D(60), D(80), D(100)))
PAY = ((D("0.72"), D("0.85"), D("0.92")), (D(0), D(60), D(80), D(100)))
AOV = ((D("1.06"), D("1.08"), D("1.12")), (D(0), D(60), D(80), D(100)))
REPLY = ((D("0.95"), D("0.97"), D("0.99")), (D(0), D(60), D(80), D(100)))
RESP = ((D(30), D(45), D(55)), (D(100), D(80), D(60), D(0)))  # bisect_left: a bound belongs to the band below
PAY_PCT = ((D(75), D(85), D(95), D(100)), (D(70), D(80), D(90), D(95), D(100)))
GRADES = ((D(75), D(85), D(95)), ("D", "C", "B", "A"))
W35, W20, W10, W05 = D("0.35"), D("0.2"), D("0.1"), D("0.05")
SCHEDULE = (D(0), D(10), D(40))  # 10 for the first breach, 30 for the second, 0 for the third
CAP, POT, FIXED, FULL = D(110), D(750), D(1200), D(50)
HEADER = [
    "employee_id",
    "period",
    "score",
    "grade",
    "conversion",
    "payment",
    "aov",
    "reply",
    "response",
    "tasks",
    "attitude",
    "attendance",
    *(f"{name}.points" for name in ("conversion", "payment", "aov", "reply", "response", "tasks", "attitude")),
    "attendance.points",
    "pc_rule",
    "merit",
    "data_errors",
    "suggestions",
    "perf_pay",
    "attendance_bonus",
    "first_place_bonus",
    "bonus",
    "monthly_pay",
    "flags",
]


def _div(a: Decimal, b: Decimal) -> Decimal:
    return ZERO if b == ZERO else a / b


def _row(c: list[str]) -> tuple[Decimal, list[str], list[str]]:
    # c: employee_id, buyers, inquiries, paid_orders, placed_orders, agent_aov, shop_aov, replied, received,
    # response_seconds, tasks_rating, attitude_rating, late_count, leave_days, merit_points, front_line,
    # pc_breaches, data_errors_found, suggestions_accepted
    points = [
        CONV[1][bisect_right(CONV[0], _div(D(c[1]), D(c[2])))],
        PAY[1][bisect_right(PAY[0], _div(D(c[3]), D(c[4])))],
        AOV[1][bisect_right(AOV[0], _div(D(c[5]), D(c[6])))],
        REPLY[1][bisect_right(REPLY[0], _div(D(c[7]), D(c[8])))],
        RESP[1][bisect_left(RESP[0], D(c[9]))],
        D(c[10]),
        D(c[11]),
    ]
    late, leave = D(c[12]), D(c[13])
    points.append(max(100 - 20 * late - 10 * leave, ZERO))
    conversion, payment, aov, reply = points[0] * W35, points[1] * W20, points[2] * W10, points[3] * W05
    response, tasks, attitude, attendance = points[4] * W05, points[5] * W10, points[6] * W05, points[7] * W10
    merit_points = [D(p) for p in c[14].split(";")] if c[14] else []
    # A reward of more than 5 points at once is held until approved (W2): not paid, nor counted in the score.
    held = any(p > 5 for p in merit_points)
    merit = ZERO if held else sum(merit_points, ZERO)
    breaches = D(c[16])
    # Money amounts are written with their two places.
    pc_rule = SCHEDULE[min(int(breaches), 2)] + ZERO_2
    data_errors = D(c[17]) * 10 + ZERO_2
    suggestions = D(c[18]) * 30 + ZERO_2
    total = ZERO + conversion + payment + aov + reply + response + tasks + attitude + attendance + merit
    score = min(total, CAP).quantize(CENT, ROUND_HALF_UP)
    floor = D(75) if D(c[15]) == ONE else ZERO
    perf_pay = (POT * max(PAY_PCT[1][bisect_right(PAY_PCT[0], score)], floor) / 100).quantize(CENT, ROUND_HALF_UP)
    attendance_bonus = FULL.quantize(CENT, ROUND_HALF_UP) if late == ZERO and leave == ZERO else ZERO_2
    bonus = (ZERO_2 - pc_rule + data_errors + suggestions).quantize(CENT, ROUND_HALF_UP)
    monthly = (FIXED + perf_pay + attendance_bonus + bonus).quantize(CENT, ROUND_HALF_UP)
    cells = [
        c[0], PERIOD, str(score), GRADES[1][bisect_right(GRADES[0], score)],
        str(conversion), str(payment), str(aov), str(reply), str(response), str(tasks), str(attitude),
        str(attendance), *map(str, points), str(pc_rule), str(merit), str(data_errors), str(suggestions),
        str(perf_pay), str(attendance_bonus), "0.00", str(bonus), str(monthly),
    ]  # fmt: skip
    before = ["under_35"] if score < 35 else []
    after = ["failing"] if score < 60 else []  # the scheme's pass mark
    if breaches >= 3:
        after.append("pc_dismissal")
    if held:
        after.append("approval_held")
    return score, cells, [*before, "|", *after]


def main() -> None:
    setcontext(Context(prec=28))
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        people = sorted((_row(c) for c in reader), key=lambda p: p[1][0])
    top = max(p[0] for p in people)
    bottom = min(p[0] for p in people)
    with open(dst, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for score, cells, flags in people:
            # Flags in the scheme's order: under_35, last_place, first_place, failing, pc_dismissal, then holds.
            cut = flags.index("|")
            middle = (["last_place"] if score == bottom else []) + (["first_place"] if score == top else [])
            cells.append(";".join(flags[:cut] + middle + flags[cut + 1 :]))
            writer.writerow(cells)


if __name__ == "__main__":
    main()

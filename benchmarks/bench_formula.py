"""Formula benchmark (issue 2): tier lookups + weighted sum + cap over 100,000 employees.

Three implementations of the same logic, all on Decimal inputs converted once:

  hand        hand-written Python, if/elif tiers, Decimal constants
  perfrules   the formula compiled by perfrules from a scheme (tables as functions)
  simpleeval  the same text, parsed once by simpleeval, evaluated per employee

Run:  python benchmarks/bench_formula.py [N]
"""

from __future__ import annotations

import sys
from decimal import localcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import D, compare, population

import perfrules as pr

FORMULA = (
    "min(conv_pts(conversion) * 0.35 + pay_pts(payment) * 0.20 + aov_pts(aov) * 0.10"
    " + reply_pts(reply) * 0.05 + resp_pts(response) * 0.05 + sales_pts(sales) * 0.25 + extra, 110)"
)

SCHEME = """
name: formula benchmark
metrics:
  conversion: ratio
  payment: ratio
  aov: ratio
  reply: ratio
  response: number
  sales: money
  extra: number
  late_minutes: number
  kpi: {formula: "FORMULA"}
tables:
  conv_pts: {tiers: [{range: ">= 0.75", points: 100}, {range: "[0.65, 0.75)", points: 80}, {range: "[0.50, 0.65)", points: 60}, {range: "< 0.50", points: 0}]}
  pay_pts: {tiers: [{range: ">= 0.92", points: 100}, {range: "[0.85, 0.92)", points: 80}, {range: "[0.72, 0.85)", points: 60}, {range: "< 0.72", points: 0}]}
  aov_pts: {tiers: [{range: ">= 1.12", points: 100}, {range: "[1.08, 1.12)", points: 80}, {range: "[1.06, 1.08)", points: 60}, {range: "< 1.06", points: 0}]}
  reply_pts: {tiers: [{range: ">= 0.99", points: 100}, {range: "[0.97, 0.99)", points: 80}, {range: "[0.95, 0.97)", points: 60}, {range: "< 0.95", points: 0}]}
  resp_pts: {tiers: [{range: "<= 30", points: 100}, {range: "(30, 45]", points: 80}, {range: "(45, 55]", points: 60}, {range: "> 55", points: 0}]}
  sales_pts:
    match: first
    tiers: [{range: ">= 250000", points: 100}, {range: ">= 150000", points: 90}, {range: ">= 100000", points: 80}, {range: ">= 70000", points: 70}, {range: ">= 40000", points: 60}, {range: ">= 10000", points: 50}, {range: "< 10000", points: 0}]
""".replace("FORMULA", FORMULA)

P100, P90, P80, P70, P60, P50, P0 = (D(x) for x in (100, 90, 80, 70, 60, 50, 0))
W35, W20, W10, W05, W25, CAP = D("0.35"), D("0.20"), D("0.10"), D("0.05"), D("0.25"), D(110)
C75, C65, C50, F92, F85, F72 = D("0.75"), D("0.65"), D("0.50"), D("0.92"), D("0.85"), D("0.72")
Y112, Y108, Y106, Z99, Z97, Z95 = D("1.12"), D("1.08"), D("1.06"), D("0.99"), D("0.97"), D("0.95")
T30, T45, T55 = D(30), D(45), D(55)
S250, S150, S100, S70, S40, S10 = (D(x) for x in (250000, 150000, 100000, 70000, 40000, 10000))


def conv_pts(x):
    if x >= C75:
        return P100
    if x >= C65:
        return P80
    if x >= C50:
        return P60
    return P0


def pay_pts(x):
    if x >= F92:
        return P100
    if x >= F85:
        return P80
    if x >= F72:
        return P60
    return P0


def aov_pts(x):
    if x >= Y112:
        return P100
    if x >= Y108:
        return P80
    if x >= Y106:
        return P60
    return P0


def reply_pts(x):
    if x >= Z99:
        return P100
    if x >= Z97:
        return P80
    if x >= Z95:
        return P60
    return P0


def resp_pts(x):
    if x <= T30:
        return P100
    if x <= T45:
        return P80
    if x <= T55:
        return P60
    return P0


def sales_pts(x):
    if x >= S250:
        return P100
    if x >= S150:
        return P90
    if x >= S100:
        return P80
    if x >= S70:
        return P70
    if x >= S40:
        return P60
    if x >= S10:
        return P50
    return P0


def hand(r):
    total = (
        conv_pts(r["conversion"]) * W35
        + pay_pts(r["payment"]) * W20
        + aov_pts(r["aov"]) * W10
        + reply_pts(r["reply"]) * W05
        + resp_pts(r["response"]) * W05
        + sales_pts(r["sales"]) * W25
        + r["extra"]
    )
    return min(total, CAP)


def main(n: int = 100_000) -> dict[str, float]:
    rows = population(n)
    plan = pr.compile_scheme(pr.scheme_from_text(SCHEME).scheme)
    compiled = plan.formulas[("metrics", "kpi", "formula")].fn

    from simpleeval import SimpleEval

    se_text = FORMULA
    for k, v in {"0.35": "w35", "0.20": "w20", "0.10": "w10", "0.05": "w05", "0.25": "w25", "110": "cap"}.items():
        se_text = se_text.replace(k, v)
    consts = {"w35": W35, "w20": W20, "w10": W10, "w05": W05, "w25": W25, "cap": CAP}
    tables = {
        "conv_pts": conv_pts,
        "pay_pts": pay_pts,
        "aov_pts": aov_pts,
        "reply_pts": reply_pts,
        "resp_pts": resp_pts,
        "sales_pts": sales_pts,
        "min": min,
    }
    ev = SimpleEval(functions=tables)
    parsed = ev.parse(se_text)

    def run_se():
        out = []
        for r in rows:
            ev.names = {**consts, **r}
            out.append(ev.eval(se_text, previously_parsed=parsed))
        return out

    with localcontext(pr.DECIMAL_CONTEXT):
        expected = [hand(r) for r in rows]
        assert expected == [compiled(r) for r in rows], "perfrules disagrees with hand-written"
        assert expected == run_se(), "simpleeval disagrees with hand-written"
        t = compare(
            {
                "hand": lambda: [hand(r) for r in rows],
                "perfrules": lambda: [compiled(r) for r in rows],
                "simpleeval": run_se,
            }
        )
        t_hand, t_pr, t_se = t["hand"], t["perfrules"], t["simpleeval"]

    us = lambda t: t / n * 1e6  # noqa: E731
    print(f"formula benchmark: {n:,} employees, Decimal throughout, all three agree on every row")
    print(f"  {'variant':<12}{'µs/employee':>12}{'× hand':>9}")
    for name, t in (("hand", t_hand), ("perfrules", t_pr), ("simpleeval", t_se)):
        print(f"  {name:<12}{us(t):>12.2f}{t / t_hand:>9.2f}")
    return {"hand": us(t_hand), "perfrules": us(t_pr), "simpleeval": us(t_se)}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

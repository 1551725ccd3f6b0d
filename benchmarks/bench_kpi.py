"""Scheme benchmark (issue 3): the seed-003 customer-service KPI scheme over 100,000 employees.

Every variant starts from the same raw rows (text cells, as read from a CSV file)
and produces each employee's score, grade and performance pay:

  hand          a hand-written Python function of the same scheme, Decimal throughout
  perfrules     perfrules.score() on the compiled scheme (benchmarks/seed003_kpi.yaml)
  +trace        perfrules.score(trace=True) and perfrules.explain() for every employee: every
                intermediate fact recorded, an Explanation object per employee
  +lines        the same, with every explanation's line records built (lines are built on demand)
  +text         the same, with every explanation rendered as English text
  zen           the same scheme as a GoRules ZEN decision graph (PyPI zen-engine), ZenDecision.evaluate
  zen-engine    the same graph through ZenEngine.evaluate with a loader (ZEN's faster path)

All variants must agree on every employee before any time is printed.
Run:  python benchmarks/bench_kpi.py [N]        (ZEN is timed on min(N, 20,000) rows)
"""

from __future__ import annotations

import json
import random
import sys
from decimal import ROUND_HALF_UP, Decimal, localcontext
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import compare

import perfrules as pr

D = Decimal
HERE = Path(__file__).parent


def raw_rows(n: int, seed: int = 3) -> list[dict[str, str]]:
    rnd = random.Random(seed)
    rows = []
    for k in range(n):
        inquiries = rnd.randint(0, 400)
        placed = rnd.randint(0, 300)
        received = rnd.randint(0, 500)
        rows.append(
            {
                "employee_id": f"E{k:06d}",
                "buyers": str(rnd.randint(0, inquiries)),
                "inquiries": str(inquiries),
                "paid_orders": str(rnd.randint(int(placed * 0.6), placed)),
                "placed_orders": str(placed),
                "agent_aov": str(rnd.randint(9000, 13000) / 100),
                "shop_aov": "100",
                "replied": str(rnd.randint(int(received * 0.9), received)),
                "received": str(received),
                "response_seconds": str(rnd.randint(5, 80)),
                "tasks_rating": str(rnd.randint(50, 100)),
                "attitude_rating": str(rnd.randint(50, 100)),
                "late_count": str(rnd.choice([0, 0, 0, 1, 2, 6])),
                "leave_days": rnd.choice(["0", "0", "0.5", "1", "3"]),
                "extra_tasks": str(rnd.choice([0, 0, 1, 2, 5])),
                "front_line": rnd.choice(["1", "1", "0"]),
            }
        )
    return rows


# -- hand-written -------------------------------------------------------------------------------------------------
P100, P95, P90, P80, P70, P60, P0 = (D(x) for x in (100, 95, 90, 80, 70, 60, 0))
W35, W20, W10, W05 = D("0.35"), D("0.20"), D("0.10"), D("0.05")
CAP, POT, FIVE, TWENTY, TEN, Q2 = D(110), D(750), D(5), D(20), D(10), D("0.01")


def _div(a: Decimal, b: Decimal) -> Decimal:
    return P0 if b == 0 else a / b


def hand(r: dict[str, str]) -> tuple[Decimal, str, Decimal]:
    conv = _div(D(r["buyers"]), D(r["inquiries"]))
    pay = _div(D(r["paid_orders"]), D(r["placed_orders"]))
    aov = _div(D(r["agent_aov"]), D(r["shop_aov"]))
    reply = _div(D(r["replied"]), D(r["received"]))
    resp = D(r["response_seconds"])
    total = (
        (P100 if conv >= D("0.75") else P80 if conv >= D("0.65") else P60 if conv >= D("0.50") else P0) * W35
        + (P100 if pay >= D("0.92") else P80 if pay >= D("0.85") else P60 if pay >= D("0.72") else P0) * W20
        + (P100 if aov >= D("1.12") else P80 if aov >= D("1.08") else P60 if aov >= D("1.06") else P0) * W10
        + (P100 if reply >= D("0.99") else P80 if reply >= D("0.97") else P60 if reply >= D("0.95") else P0) * W05
        + (P100 if resp <= 30 else P80 if resp <= 45 else P60 if resp <= 55 else P0) * W05
        + D(r["tasks_rating"]) * W10
        + D(r["attitude_rating"]) * W05
        + max(P100 - TWENTY * D(r["late_count"]) - TEN * D(r["leave_days"]), P0) * W10
        + D(r["extra_tasks"]) * FIVE
    )
    score = min(total, CAP).quantize(Q2, rounding=ROUND_HALF_UP)
    grade = "A" if score >= 95 else "B" if score >= 85 else "C" if score >= 75 else "D"
    pct = P100 if score >= 100 else P95 if score >= 95 else P90 if score >= 85 else P80 if score >= 75 else P70
    if r["front_line"] == "1":
        pct = max(pct, D(75))
    return score, grade, (POT * pct / 100).quantize(Q2, rounding=ROUND_HALF_UP)


# -- ZEN ----------------------------------------------------------------------------------------------------------
def _table(node_id: str, field: str, out: str, rules: list[tuple[str, str]]) -> dict:
    return {
        "id": node_id,
        "type": "decisionTableNode",
        "name": node_id,
        "position": {"x": 0, "y": 0},
        "content": {
            "hitPolicy": "first",
            "passThrough": True,
            "inputField": None,
            "outputPath": None,
            "inputs": [{"id": f"{node_id}_in", "name": field, "field": field}],
            "outputs": [{"id": f"{node_id}_out", "name": out, "field": out}],
            "rules": [
                {"_id": f"{node_id}_{k}", f"{node_id}_in": cond, f"{node_id}_out": value}
                for k, (cond, value) in enumerate(rules)
            ],
        },
    }


def _expr(node_id: str, pairs: list[tuple[str, str]]) -> dict:
    return {
        "id": node_id,
        "type": "expressionNode",
        "name": node_id,
        "position": {"x": 0, "y": 0},
        "content": {
            "passThrough": True,
            "inputField": None,
            "outputPath": None,
            "expressions": [
                {"id": f"{node_id}_{k}", "key": key, "value": value} for k, (key, value) in enumerate(pairs)
            ],
        },
    }


def zen_graph() -> dict:
    def ratio(a: str, b: str) -> str:
        return f"number({b}) == 0 ? 0 : number({a}) / number({b})"

    step = [("[0.65..0.75)", "80"), ("[0.50..0.65)", "60")]
    nodes = [
        {"id": "in", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
        _expr(
            "ratios",
            [
                ("conv", ratio("buyers", "inquiries")),
                ("pay", ratio("paid_orders", "placed_orders")),
                ("aov", ratio("agent_aov", "shop_aov")),
                ("reply", ratio("replied", "received")),
                ("resp", "number(response_seconds)"),
            ],
        ),
        _table("t_conv", "conv", "conv_pts", [(">= 0.75", "100"), *step, ("", "0")]),
        _table(
            "t_pay", "pay", "pay_pts", [(">= 0.92", "100"), ("[0.85..0.92)", "80"), ("[0.72..0.85)", "60"), ("", "0")]
        ),
        _table(
            "t_aov", "aov", "aov_pts", [(">= 1.12", "100"), ("[1.08..1.12)", "80"), ("[1.06..1.08)", "60"), ("", "0")]
        ),
        _table(
            "t_reply",
            "reply",
            "reply_pts",
            [(">= 0.99", "100"), ("[0.97..0.99)", "80"), ("[0.95..0.97)", "60"), ("", "0")],
        ),
        _table("t_resp", "resp", "resp_pts", [("<= 30", "100"), ("(30..45]", "80"), ("(45..55]", "60"), ("", "0")]),
        _expr(
            "total",
            [
                ("attendance", "max([100 - 20 * number(late_count) - 10 * number(leave_days), 0])"),
                (
                    "raw",
                    "conv_pts * 0.35 + pay_pts * 0.20 + aov_pts * 0.10 + reply_pts * 0.05 + resp_pts * 0.05"
                    " + number(tasks_rating) * 0.10 + number(attitude_rating) * 0.05 + $.attendance * 0.10"
                    " + number(extra_tasks) * 5",
                ),
                ("score", "round(min([$.raw, 110]), 2)"),
            ],
        ),
        _table("t_grade", "score", "grade", [(">= 95", '"A"'), ("[85..95)", '"B"'), ("[75..85)", '"C"'), ("", '"D"')]),
        _table(
            "t_pct",
            "score",
            "pct",
            [(">= 100", "100"), ("[95..100)", "95"), ("[85..95)", "90"), ("[75..85)", "80"), ("", "70")],
        ),
        _expr("pay", [("perf_pay", "round(750 * max([pct, front_line == '1' ? 75 : 0]) / 100, 2)")]),
        {"id": "out", "type": "outputNode", "name": "Response", "position": {"x": 0, "y": 0}},
    ]
    ids = [n["id"] for n in nodes]
    edges = [{"id": f"e{k}", "sourceId": a, "targetId": b, "type": "edge"} for k, (a, b) in enumerate(pairwise(ids))]
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


def main(n: int = 100_000) -> dict[str, float]:
    import zen

    rows = raw_rows(n)
    zen_rows = rows[: min(n, 20_000)]
    plan = pr.compile_scheme(pr.load_scheme(HERE / "seed003_kpi.yaml"))
    content = json.dumps(zen_graph())
    decision = zen.ZenEngine().create_decision(content)
    engine = zen.ZenEngine({"loader": lambda key: content})

    def run_pr():
        return pr.score(plan, rows)

    def run_trace():
        return [pr.explain(plan, r) for r in pr.score(plan, rows, trace=True)]

    def run_lines():
        return [pr.explain(plan, r).lines for r in pr.score(plan, rows, trace=True)]

    def run_text():
        return [pr.render_text(pr.explain(plan, r)) for r in pr.score(plan, rows, trace=True)]

    def run_zen():
        return [decision.evaluate(r)["result"] for r in zen_rows]

    def run_zen_engine():
        return [engine.evaluate("kpi", r)["result"] for r in zen_rows]

    def run_hand():
        with localcontext(pr.DECIMAL_CONTEXT):
            return [hand(r) for r in rows]

    expected = run_hand()
    got = [(r.score, r.grade, r.payouts["perf_pay"]) for r in run_pr()]
    assert expected == got, "perfrules disagrees with hand-written"
    for zen_run in (run_zen, run_zen_engine):
        for (score, grade, pay), z in zip(expected, zen_run(), strict=False):
            assert (score, grade, pay) == (D(str(z["score"])), z["grade"], D(str(z["perf_pay"]))), z
    explained = run_lines()
    assert all(lines[-1].value == p for lines, (_, _, p) in zip(explained, expected, strict=True))

    t = compare(
        {"hand": run_hand, "perfrules": run_pr, "+trace": run_trace, "+lines": run_lines, "+text": run_text}, passes=3
    )
    tz = compare({"zen": run_zen, "zen-engine": run_zen_engine}, passes=3)
    us = {k: v / n * 1e6 for k, v in t.items()}
    us.update({k: v / len(zen_rows) * 1e6 for k, v in tz.items()})
    print(f"seed-003 KPI scheme: {n:,} employees (ZEN timed on {len(zen_rows):,}); all variants agree on every row")
    print(f"  {'variant':<12}{'µs/employee':>12}{'× hand':>9}")
    for name in ("hand", "perfrules", "+trace", "+lines", "+text", "zen", "zen-engine"):
        print(f"  {name:<12}{us[name]:>12.2f}{us[name] / us['hand']:>9.2f}")
    print(
        f"  perfrules is {us['zen'] / us['perfrules']:.1f}× faster than zen (ZenDecision.evaluate), "
        f"{us['zen-engine'] / us['perfrules']:.1f}× faster than zen-engine (ZenEngine.evaluate + loader)"
    )
    return us


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

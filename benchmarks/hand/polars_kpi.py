"""
The seed-003 KPI scheme (examples/seed003-kpi) written by hand with polars: decimals as scaled int64.

    python benchmarks/hand/polars_kpi.py IN.csv OUT.csv

Reads the CSV that benchmarks/bench_scale.py generates and writes the same bytes as
``perfrules score examples/seed003-kpi/scheme.yaml IN.csv --period 2026-04 --no-history --out OUT.csv``.
It is the baseline the columnar engine is measured against: what a competent engineer would
write with polars for this one scheme and this data — every amount an integer count of hundredths,
tier tables as exact integer comparisons (``buyers * 100 >= 75 * inquiries`` for a ratio of at least
0.75), the text of each column written with the places Decimal would give it. No input checks beyond
what a cast refuses, no explanations, no history (prior periods read as none). Prints nothing.
"""

from __future__ import annotations

import sys

import polars as pl

PERIOD = "2026-04"
COUNTS = [
    "buyers",
    "inquiries",
    "paid_orders",
    "placed_orders",
    "replied",
    "received",
    "response_seconds",
    "tasks_rating",
    "attitude_rating",
    "late_count",
    "front_line",
    "pc_breaches",
    "data_errors_found",
    "suggestions_accepted",
]


def _cents(text: pl.Expr, places: int) -> pl.Expr:
    # A plain decimal text ("12.5", "90.25", "3") as an integer count of 10**-places.
    whole = text.str.split_exact(".", 1).struct.field("field_0").cast(pl.Int64)
    part = text.str.split_exact(".", 1).struct.field("field_1").fill_null("").str.pad_end(places, "0")
    return whole * 10**places + pl.when(part == "").then(0).otherwise(part.cast(pl.Int64))


def _text(value: pl.Expr, places: int | pl.Expr) -> pl.Expr:
    # str(Decimal) of value * 10**-places: sign, whole part, point and exactly `places` digits.
    places = pl.lit(places) if isinstance(places, int) else places
    unit = pl.lit(10, dtype=pl.Int64).pow(places)
    mag = value.abs()
    whole = (mag // unit).cast(pl.String)
    part = (mag % unit).cast(pl.String).str.zfill(places)
    body = pl.when(places == 0).then(whole).otherwise(whole + "." + part)
    return pl.when(value < 0).then("-" + body).otherwise(body)


def _tier(hit: list[tuple[pl.Expr, int]], otherwise: int) -> pl.Expr:
    expr = pl.when(hit[0][0]).then(hit[0][1])
    for test, points in hit[1:]:
        expr = expr.when(test).then(points)
    return expr.otherwise(otherwise)


def _ratio_points(a: pl.Expr, b: pl.Expr, cuts: tuple[int, int, int]) -> pl.Expr:
    # div(a, b, 0) against bands [c0, c1), [c1, c2), >= c2 in hundredths: a / b >= c / 100 <=> 100 a >= c b.
    hi, mid, lo = cuts[2], cuts[1], cuts[0]
    some = b != 0
    return _tier(
        [(some & (a * 100 >= hi * b), 100), (some & (a * 100 >= mid * b), 80), (some & (a * 100 >= lo * b), 60)], 0
    )


def main() -> None:
    src, dst = sys.argv[1], sys.argv[2]
    lf = pl.scan_csv(src, infer_schema=False)
    c = pl.col
    lf = lf.with_columns(
        [c(n).cast(pl.Int64) for n in COUNTS],
        agent=_cents(c("agent_aov"), 2),
        shop=_cents(c("shop_aov"), 2),
        leave10=_cents(c("leave_days"), 1),
        leave_point=c("leave_days").str.contains(".", literal=True),
        merit=c("merit_points").fill_null(""),
    )
    conv = _ratio_points(c("buyers"), c("inquiries"), (50, 65, 75))
    pay = _ratio_points(c("paid_orders"), c("placed_orders"), (72, 85, 92))
    aov = _ratio_points(c("agent"), c("shop"), (106, 108, 112))
    reply = _ratio_points(c("replied"), c("received"), (95, 97, 99))
    resp = _tier(
        [(c("response_seconds") <= 30, 100), (c("response_seconds") <= 45, 80), (c("response_seconds") <= 55, 60)], 0
    )
    # max(100 - 20 late - 10 leave, 0), in tenths; below zero the constant 0 (no places) wins.
    inner10 = 1000 - 200 * c("late_count") - c("leave10") * 10
    items = c("merit").str.split(";").list.eval(pl.element().filter(pl.element() != "").cast(pl.Int64))
    lf = lf.with_columns(
        conv100=conv * 35,
        pay10=pay * 2,
        aov10=aov * 1,
        reply100=reply * 5,
        resp100=resp * 5,
        tasks10=c("tasks_rating"),
        att100=c("attitude_rating") * 5,
        attend100=pl.max_horizontal(inner10, 0),
        attend_places=pl.when(inner10 < 0).then(1).when(c("leave_point")).then(2).otherwise(1),
        # A reward of more than 5 points at once is held until approved (W2): not paid, nor counted in the score.
        approval=items.list.eval(pl.element() > 5).list.any().fill_null(False),
        merit_sum=pl.when(items.list.eval(pl.element() > 5).list.any().fill_null(False))
        .then(0)
        .otherwise(items.list.sum().fill_null(0)),
        pc=pl.when(c("pc_breaches") == 0).then(0).when(c("pc_breaches") == 1).then(10).otherwise(40),
        data=c("data_errors_found") * 10,
        sugg=c("suggestions_accepted") * 30,
    )
    total = (
        c("conv100") + c("pay10") * 10 + c("aov10") * 10 + c("reply100") + c("resp100") + c("tasks10") * 10
        + c("att100") + c("attend100") + c("merit_sum") * 100
    )  # fmt: skip
    lf = lf.with_columns(score=pl.min_horizontal(total, 11000))
    pct = _tier(
        [(c("score") >= 10000, 100), (c("score") >= 9500, 95), (c("score") >= 8500, 90), (c("score") >= 7500, 80)], 70
    )
    floor = pl.when(c("front_line") == 1).then(75).otherwise(0)
    full = (c("late_count") == 0) & (c("leave10") == 0)
    lf = lf.with_columns(
        perf=750 * pl.max_horizontal(pct, floor),  # 750 * pct / 100, in hundredths
        full=pl.when(full).then(5000).otherwise(0),
        bonus=(c("data") + c("sugg") - c("pc")) * 100,
    )
    lf = lf.with_columns(monthly=120000 + c("perf") + c("full") + c("bonus"))
    lf = lf.with_columns(top=c("score").max(), bottom=c("score").min())
    flags = [
        pl.when(c("score") < 3500).then(pl.lit("under_35")),
        pl.when(c("score") == c("bottom")).then(pl.lit("last_place")),
        pl.when(c("score") == c("top")).then(pl.lit("first_place")),
        pl.when(c("score") < 6000).then(pl.lit("failing")),  # under the pass mark of 60
        pl.when(c("pc_breaches") >= 3).then(pl.lit("pc_dismissal")),
        pl.when(c("approval")).then(pl.lit("approval_held")),
    ]
    grade = _tier([(c("score") >= 9500, 0), (c("score") >= 8500, 1), (c("score") >= 7500, 2)], 3)
    out = lf.sort("employee_id").select(
        c("employee_id"),
        period=pl.lit(PERIOD),
        score=_text(c("score"), 2),
        grade=pl.lit(pl.Series(["A", "B", "C", "D"])).gather(grade),
        conversion=_text(c("conv100"), 2),
        payment=_text(c("pay10"), 1),
        aov=_text(c("aov10"), 1),
        reply=_text(c("reply100"), 2),
        response=_text(c("resp100"), 2),
        tasks=_text(c("tasks10"), 1),
        attitude=_text(c("att100"), 2),
        attendance=_text(
            pl.when(c("attend_places") == 1).then(c("attend100") // 10).otherwise(c("attend100")), c("attend_places")
        ),
        # The points each weighted indicator weighs, as its tier or rating gives them.
        **{"conversion.points": conv.cast(pl.String), "payment.points": pay.cast(pl.String)},
        **{"aov.points": aov.cast(pl.String), "reply.points": reply.cast(pl.String)},
        **{"response.points": resp.cast(pl.String), "tasks.points": c("tasks_rating").cast(pl.String)},
        **{"attitude.points": c("attitude_rating").cast(pl.String)},
        **{
            "attendance.points": _text(
                pl.when(c("attend_places") == 1).then(c("attend100") // 10).otherwise(c("attend100")),
                c("attend_places") - 1,
            )
        },
        pc_rule=_text(c("pc") * 100, 2),  # money is written with its two places
        merit=c("merit_sum").cast(pl.String),
        data_errors=_text(c("data") * 100, 2),
        suggestions=_text(c("sugg") * 100, 2),
        perf_pay=_text(c("perf"), 2),
        attendance_bonus=_text(c("full"), 2),
        first_place_bonus=pl.lit("0.00"),
        bonus=_text(c("bonus"), 2),
        monthly_pay=_text(c("monthly"), 2),
        flags=pl.concat_str(flags, separator=";", ignore_nulls=True).fill_null(""),
    )
    # An empty flags cell is written as nothing, as Python's csv module writes "".
    out = out.with_columns(flags=pl.when(c("flags") != "").then(c("flags")))
    out.sink_csv(dst, line_terminator="\n")


if __name__ == "__main__":
    main()

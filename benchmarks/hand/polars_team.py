"""
The seed-000 team scheme (examples/seed000-team) written by hand with polars: decimals as scaled int64.

    python benchmarks/hand/polars_team.py IN.csv OUT.csv

Reads a CSV with the columns of examples/seed000-team/data.csv (employee_id, team, hire_date, mentor,
month_score, sales, perf_bonus, role, admin_score; a name column is ignored) and writes the same bytes as
``perfrules score examples/seed000-team/scheme.yaml IN.csv --period 2026-04 --no-history --out OUT.csv``.
It is the baseline the columnar engine is measured against on team values: what a competent engineer
would write with polars for this one scheme and this data — scores and amounts as integer counts of
hundredths (at most two places in the input), tenure in months from the hire date, the team values
(average and top score, total and top sales over the eligible members: agents past their first month)
by one group-by joined back, averages compared as exact integer products (``total >= 80 * count``), the
supervisor's score ``(avg + admin) / 2`` rounded half-up in integer arithmetic, the mentor's award by a
count of new-hire trainees at 80 or more joined on the mentor's id. No input checks beyond what a cast
refuses, no explanations, no history (streaks start this month, no trainee was paid for before, no
quarter award is due). Prints nothing.
"""

from __future__ import annotations

import sys

import polars as pl

PERIOD = "2026-04"
END_YEAR, END_MONTH, END_DAY = 2026, 4, 30  # the last day of the period


def _hundredths(text: pl.Expr) -> pl.Expr:
    # A plain non-negative decimal text of at most two places ("85", "95.0", "30.55") in hundredths.
    parts = text.str.split_exact(".", 1)
    whole = parts.struct.field("field_0").cast(pl.Int64)
    part = parts.struct.field("field_1").fill_null("").str.pad_end(2, "0")
    return whole * 100 + pl.when(part == "").then(0).otherwise(part.cast(pl.Int64))


def _text(value: pl.Expr) -> pl.Expr:
    # str(Decimal) of a non-negative count of hundredths: whole part, point, two digits.
    return (value // 100).cast(pl.String) + "." + (value % 100).cast(pl.String).str.zfill(2)


def _half_up(num: pl.Expr, den: int | pl.Expr) -> pl.Expr:
    # num / den rounded half-up, for num >= 0 and den > 0: floor((2 num + den) / (2 den)).
    return (2 * num + den) // (2 * den)


def main() -> None:
    src, dst = sys.argv[1], sys.argv[2]
    c = pl.col
    lf = pl.scan_csv(src, infer_schema=False)
    hire = c("hire_date").str.strip_chars().str.to_date("%Y-%m-%d")
    months = (END_YEAR - hire.dt.year().cast(pl.Int64)) * 12 + END_MONTH - hire.dt.month().cast(pl.Int64) + 1
    lf = lf.select(
        c("employee_id").str.strip_chars(),
        c("team"),
        mentor=c("mentor").fill_null("").str.strip_chars(),
        score=_hundredths(c("month_score")),
        sales=_hundredths(c("sales")),
        bonus=_hundredths(c("perf_bonus").fill_null("0")),
        admin=_hundredths(c("admin_score").fill_null("0")),
        agent=c("role").str.strip_chars() == "agent",
        tenure=pl.when(hire > pl.date(END_YEAR, END_MONTH, END_DAY)).then(0).otherwise(months),
    )
    lf = lf.with_columns(eligible=(c("tenure") > 1) & c("agent"), new=c("tenure") <= 2)
    # Team values over the eligible members, one row per team, joined back (a team of none has none).
    members = lf.filter(c("eligible"))
    teams = members.group_by("team").agg(
        total=c("score").sum(), count=pl.len(), top=c("score").max(), sales_total=c("sales").sum(),
        top_sales=c("sales").max(),
    )  # fmt: skip
    # The mentor's award: each new-hire trainee at 80 or more, once (no earlier period paid for one).
    mentees = (
        lf.filter((c("mentor") != "") & c("new") & (c("score") >= 8000))
        .group_by("mentor")
        .agg(mentees=pl.len().cast(pl.Int64))
        .rename({"mentor": "employee_id"})
    )
    lf = lf.join(teams, on="team", how="left").join(mentees, on="employee_id", how="left")
    lf = lf.with_columns(
        c("total", "count", "sales_total").fill_null(0), c("mentees").fill_null(0), has_team=c("count") > 0
    )
    # avg = total / count (0 for a team of none): compared as exact integer products.
    some = c("count") > 0
    at_least_80 = some & (c("total") >= 8000 * c("count"))
    over_90 = some & (c("total") > 9000 * c("count"))
    over_102 = some & (c("total") > 10200 * c("count"))
    supervisor = ~c("agent")
    # The supervisor's score (avg + admin) / 2 in hundredths: (total / count + admin) / 2, rounded half-up.
    sup_score = pl.when(some).then(_half_up(c("total") + c("admin") * c("count"), 2 * c("count")))
    sup_score = sup_score.otherwise(_half_up(c("admin"), 2))
    gold = c("eligible") & c("has_team") & (c("sales") >= c("top_sales")) & (c("score") >= c("top"))
    lf = lf.with_columns(
        final=pl.when(supervisor).then(sup_score).otherwise(c("score")),
        personal=_half_up(c("bonus") * 8, 10),
        team_part=pl.when(at_least_80).then(_half_up(c("bonus") * 2, 10)).otherwise(0),
        gold_agent=(gold & (c("score") > 8000)).fill_null(False),
        mentor_pay=c("mentees") * 20000,
        award=pl.when(supervisor & over_90).then(100000).otherwise(0),
        commission=pl.when(supervisor).then(_half_up(c("sales_total"), 1000)).otherwise(0),
    )
    lf = lf.with_columns(
        gold=pl.when(c("gold_agent")).then(30000).otherwise(0),
    )
    total = c("personal") + c("team_part") + c("gold") + c("mentor_pay") + c("award") + c("commission")
    flags = [
        pl.when(c("new")).then(pl.lit("new_hire")),
        pl.when(c("gold_agent")).then(pl.lit("gold_agent")),
        pl.when(supervisor & (c("final") < 6000)).then(pl.lit("supervisor_under_60")),
        pl.when(over_102).then(pl.lit("team_average_over_102")),
    ]
    out = lf.sort("employee_id").select(
        c("employee_id"),
        period=pl.lit(PERIOD),
        score=_text(c("final")),
        grade=pl.lit(None, dtype=pl.String),
        personal_part=_text(c("personal")),
        team_part=_text(c("team_part")),
        gold=_text(c("gold")),
        mentor=_text(c("mentor_pay")),
        gold_streak_award=pl.lit("0.00"),
        team_award=_text(c("award")),
        team_quarter_award=pl.lit("0.00"),
        commission=_text(c("commission")),
        total_pay=_text(total),
        # An empty flags cell is written as nothing, as Python's csv module writes "".
        flags=pl.concat_str(flags, separator=";", ignore_nulls=True),
    )
    out = out.with_columns(flags=pl.when(c("flags") != "").then(c("flags")))
    out.sink_csv(dst, line_terminator="\n")


if __name__ == "__main__":
    main()

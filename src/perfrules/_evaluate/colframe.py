"""
Result values to the flat result rows as text, column-wise: what the row engine's results write.

:func:`result_lazy` writes every result column as plain digits, as
:func:`~perfrules._model.plain_text` writes it (see :mod:`.formats`), in the row writer's order, with the grade and the
flags raised (``approval_required``, or ``approval_held`` for held amounts),
as one lazy query over the values' own columns: a file output is formatted
and written by polars' streaming sink chunk by chunk, and the whole text is
never held (:func:`result_frame` collects it, for callers that want a frame).
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

import polars as pl

from .._compile import Plan
from .._kinds import points_name
from .._model import Period, plain_text
from .fixed import Num, compare, const
from .formats import text_expr
from .results import layout_of
from .values import by_value

__all__ = ["result_frame", "result_lazy", "result_parts"]


def _text(value: Num) -> pl.Series:
    # Plain digits (plain_text): built here for exponents <= 0 however many zeros follow the point;
    # positive exponents (rare) come from plain_text itself.
    low, high = value.e.min(), value.e.max()
    if low == high and isinstance(low, int) and -6 <= low <= 0:
        return _text_at(value, -low)
    digits = value.c.abs().cast(pl.Utf8)
    frac = (pl.Series([0], dtype=pl.Int32) - value.e).clip(0, None)
    # A zero is written without its sign (plain_text): only a coefficient below 0 is negative here.
    df = pl.DataFrame({"d": digits, "f": frac, "e": value.e, "neg": value.c < 0})
    padded = pl.col("d").str.zfill(pl.col("f") + 1)
    cut = padded.str.len_bytes().cast(pl.Int64) - pl.col("f").cast(pl.Int64)
    plain = (
        pl.when(pl.col("f") == 0).then(pl.col("d")).otherwise(padded.str.slice(0, cut) + "." + padded.str.slice(cut))
    )
    signed = pl.when(pl.col("neg")).then("-" + plain).otherwise(plain)
    out = df.select(signed.alias("t")).to_series()
    odd = value.e > 0
    if odd.any():
        rows = odd.arg_true().to_list()
        picked = Num(value.c.gather(rows), value.e.gather(rows), None if value.nz is None else value.nz.gather(rows))
        fixed = pl.Series([plain_text(d) for d in picked.decimals()], dtype=pl.Utf8)
        out = out.scatter(rows, fixed)
    return out


def _text_at(value: Num, places: int) -> pl.Series:
    # Every row has the same exponent (a rounded amount): whole part, point, and the places with their zeros.
    mag = value.c.abs()
    sign = pl.Series([""], dtype=pl.Utf8).extend_constant("-", 1).gather((value.c < 0).cast(pl.UInt32))
    if not places:
        bare: pl.Series = sign + mag.cast(pl.Utf8)
        return bare
    unit = pl.Series([10**places], dtype=pl.Int128)
    whole = (mag // unit).cast(pl.Utf8)
    part = (mag % unit + unit).cast(pl.Utf8).str.slice(1)
    text: pl.Series = sign + whole + "." + part
    return text


def result_frame(
    plan: Plan, env: dict[str, Any], ids: pl.Series, period: Period | None, held: list[pl.Series] | None = None
) -> pl.DataFrame:
    """
    Return the flat result rows as text: :func:`result_lazy`, collected.
    """
    return result_lazy(plan, env, ids, period, held).collect()


def result_lazy(
    plan: Plan, env: dict[str, Any], ids: pl.Series, period: Period | None, held: list[pl.Series] | None = None
) -> pl.LazyFrame:
    """
    Return the flat result rows as one lazy query over the values' columns: no text is made until it runs.

    Coefficients, exponents and flags are plain columns of one frame and
    every cell's text an expression over them, so that a streaming sink
    formats and writes the rows chunk by chunk (and ``collect`` gives the
    whole frame).  The query's own input columns have names no result column can have.
    """
    values, texts = result_parts(plan, env, ids, period, held)
    return values.lazy().select(texts)


def result_parts(
    plan: Plan, env: dict[str, Any], ids: pl.Series, period: Period | None, held: list[pl.Series] | None = None
) -> tuple[pl.DataFrame, list[pl.Expr]]:
    """
    Return the query of :func:`result_lazy` as its two parts: the frame of the values' columns, and the texts.

    Any slice of the frame, selected by the texts (one expression per
    result column), is that slice of the result rows.
    """
    s, n = plan.scheme, len(ids)
    raw: dict[str, pl.Series] = {"employee_id": ids}
    texts: dict[str, pl.Expr] = {
        "employee_id": pl.col("employee_id"),
        "period": pl.lit(period.label if period else "", dtype=pl.String).alias("period"),
    }
    # The row writer's order: contributions, then the points weighted ones weigh, then the other amounts.
    names = [
        "score",
        *(ind.name for ind in s.indicators),
        *(points_name(ind.name) for ind in s.indicators if ind.weight is not None),
        *(item.name for g in (s.sections, s.penalties, s.bonuses, s.payouts) for item in g),
    ]
    for name in names:
        fast = text_expr(name, env[name], raw)
        if fast is None:  # exponents Decimal writes in its own way: this column's text is made here, by Decimal
            raw["\0s" + name] = _text(env[name])
            fast = pl.col("\0s" + name).alias(name)
        texts[name] = fast
    grade = env.get("grade") if plan.index.get("grade") is not None else None
    if grade is None:
        texts["grade"] = pl.lit("", dtype=pl.String).alias("grade")
    else:
        raw["\0grade"] = grade
        texts["grade"] = pl.col("\0grade").fill_null("").alias("grade")
    texts["flags"] = _flags(plan, env, n, held, raw)
    order = ["employee_id", "period", "score", "grade", *names[1:], "flags"]
    return pl.DataFrame(raw), [texts[c] for c in order]


def _flags(plan: Plan, env: dict[str, Any], n: int, held: list[pl.Series] | None, raw: dict[str, pl.Series]) -> pl.Expr:
    # The flags raised, in the scheme's order, then approval_required (or approval_held for held results).
    s = plan.scheme
    if not s.flags and not layout_of(plan).approvals:
        return pl.lit("", dtype=pl.String).alias("flags")
    hits = [(f.name, env[f.name]) for f in s.flags]
    if held is None:
        hits += [("approval_required", hit) for hit in _approvals(plan, env, n)]
    else:  # held results list each amount held, and never approval_required (as score_held writes them)
        hits += [("approval_held", hit) for hit in held]
    raised = []
    for k, (word, hit) in enumerate(hits):
        raw[f"\0f{k}"] = hit
        raised.append(pl.when(pl.col(f"\0f{k}")).then(pl.lit(word)))
    return pl.concat_str(raised, separator=";", ignore_nulls=True).fill_null("").alias("flags")


def _approvals(plan: Plan, env: dict[str, Any], n: int) -> list[pl.Series]:
    # Where each approval rule of the scheme asks for written approval, as the row engine's results say.
    out = []
    for _, _, limit, occ, amount, at in layout_of(plan).approvals:
        if occ is not None:
            big = partial(_over, limit)
            out.append(by_value(big, [env[plan.outputs[occ]]], "bool", None, n))
        elif amount is not None and amount > limit:
            out.append(compare(env[plan.outputs[at]], const(Decimal(0), n), "!=", None))
        else:
            out.append(pl.repeat(False, n, eager=True))
    return out


def _over(limit: Decimal, values: tuple[Decimal, ...]) -> bool:
    return any(abs(v) > limit for v in values)

"""
Result values to the flat result rows as text, column-wise: what the row engine's results write.

:func:`result_frame` writes every result column as ``str(Decimal)`` writes
it (see :mod:`.formats`), in the row writer's order, with the grade and the
flags raised (``approval_required``, or ``approval_held`` for held amounts).
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

import polars as pl

from .._compile import Plan
from .._kinds import points_name
from .._model import Period
from .fixed import Num, compare, const
from .formats import text_expr
from .results import layout_of
from .values import by_value

__all__ = ["result_frame"]


def _text(value: Num) -> pl.Series:
    # str(Decimal) for exponents <= 0 with at most six zeros after the point; others come from Decimal itself.
    low, high = value.e.min(), value.e.max()
    if low == high and isinstance(low, int) and -6 <= low <= 0:
        return _text_at(value, -low)
    digits = value.c.abs().cast(pl.Utf8)
    frac = (pl.Series([0], dtype=pl.Int32) - value.e).clip(0, None)
    df = pl.DataFrame({"d": digits, "f": frac, "e": value.e, "neg": value.negative()})
    padded = pl.col("d").str.zfill(pl.col("f") + 1)
    cut = padded.str.len_bytes().cast(pl.Int64) - pl.col("f").cast(pl.Int64)
    plain = (
        pl.when(pl.col("f") == 0).then(pl.col("d")).otherwise(padded.str.slice(0, cut) + "." + padded.str.slice(cut))
    )
    signed = pl.when(pl.col("neg")).then("-" + plain).otherwise(plain)
    out = df.select(signed.alias("t")).to_series()
    adjusted = value.e + digits.str.len_bytes().cast(pl.Int32) - 1
    odd = (value.e > 0) | (adjusted < -6)
    if odd.any():
        rows = odd.arg_true().to_list()
        picked = Num(value.c.gather(rows), value.e.gather(rows), None if value.nz is None else value.nz.gather(rows))
        fixed = pl.Series([str(d) for d in picked.decimals()], dtype=pl.Utf8)
        out = out.scatter(rows, fixed)
    return out


def _text_expr(name: str, value: Num, raw: dict[str, pl.Series]) -> pl.Expr | None:
    # str(Decimal) as one expression (see .formats): the common case, exponents from 0 to -6.
    return text_expr(name, value, raw)


def _text_at(value: Num, places: int) -> pl.Series:
    # Every row has the same exponent (a rounded amount): whole part, point, and the places with their zeros.
    mag = value.c.abs()
    sign = pl.Series([""], dtype=pl.Utf8).extend_constant("-", 1).gather(value.negative().cast(pl.UInt32))
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
    s, n = plan.scheme, len(ids)
    cols: dict[str, pl.Series] = {
        "employee_id": ids,
        "period": pl.repeat(period.label if period else "", n, eager=True),
    }
    raw: dict[str, pl.Series] = {}
    texts: dict[str, pl.Expr] = {}
    # The row writer's order: contributions, then the points weighted ones weigh, then the other amounts.
    names = [
        "score",
        *(ind.name for ind in s.indicators),
        *(points_name(ind.name) for ind in s.indicators if ind.weight is not None),
        *(item.name for g in (s.sections, s.penalties, s.bonuses, s.payouts) for item in g),
    ]
    for name in names:
        fast = _text_expr(name, env[name], raw)
        if fast is None:
            cols[name] = _text(env[name])
        else:
            texts[name] = fast
    grade = env.get("grade") if plan.index.get("grade") is not None else None
    cols["grade"] = pl.repeat("", n, eager=True) if grade is None else grade.fill_null("")
    order = ["employee_id", "period", "score", "grade", *names[1:]]
    # Every column written in one query: polars formats them side by side.
    frame = pl.DataFrame({**cols, **raw}).select([texts[c] if c in texts else pl.col(c) for c in order])
    if not s.flags and not layout_of(plan).approvals:
        return frame.with_columns(pl.lit("").alias("flags"))
    raised = [pl.when(pl.lit(env[f.name])).then(pl.lit(f.name)) for f in s.flags]
    if held is None:
        raised += [pl.when(pl.lit(hit)).then(pl.lit("approval_required")) for hit in _approvals(plan, env, n)]
    else:  # held results list each amount held, and never approval_required (as score_held writes them)
        raised += [pl.when(pl.lit(hit)).then(pl.lit("approval_held")) for hit in held]
    return frame.with_columns(pl.concat_str(raised, separator=";", ignore_nulls=True).fill_null("").alias("flags"))


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

"""
The text ``str(Decimal)`` gives, for a whole column of decimals, as one polars expression.

For an exponent from 0 to -6, ``str(Decimal)`` writes the coefficient with
that many places and no exponent: exactly what polars writes for its own
decimal type of that scale.  So a column's coefficients, read as a polars
decimal of scale 0 and multiplied by ``10**-places`` (exact: one digit string,
a point moved), are written by polars with the very digits, zeros and sign;
a negative zero is written ``0.00``, as
:func:`~perfrules._model.plain_text` writes it (``str(Decimal)`` would keep its sign).
Columns whose rows have a few different exponents, all in that range, take
the same text for each exponent.  Anything else (exponents above 0 or below
-6) is not taken here: :mod:`.colframe` writes those as plain digits.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from .coeffs import Num

__all__ = ["text_expr"]

_FEW = 4
"""At most this many different exponents in one column are written one expression each."""
_SPAN = 4
_TABLE = 1 << 20
"""A column whose coefficients span under a quarter of its rows (and under a million) is written by a table."""


def _at(c: pl.Expr, places: int) -> pl.Expr:
    # The coefficients with ``places`` digits after the point (polars writes a decimal of that scale so).
    if not places:
        return c.cast(pl.String)
    unit = pl.lit(Decimal(1).scaleb(-places), dtype=pl.Decimal(38, places))
    return (c.cast(pl.Decimal(38, 0)) * unit).cast(pl.String)


def _by_table(value: Num, exp: int, col: str) -> pl.Expr | None:
    # Coefficients within a narrow range (points, ratings, small amounts): every value of the range is
    # written once, and each row takes its text by position (a gather costs a fraction of the formatting).
    # The column's bounds hold every coefficient, so every row's position is inside the table (a position
    # outside would make polars raise, never write another value); loose derived bounds are measured.
    c, wide = value.c, min(len(value) // _SPAN, _TABLE)
    lo, hi = value.bounds()
    if hi - lo >= wide:
        low, high = c.min(), c.max()
        if not isinstance(low, int) or not isinstance(high, int) or high - low >= wide:
            return None
        lo, hi = low, high
    every = pl.int_range(0, hi - lo + 1, dtype=pl.Int64, eager=True).cast(pl.Int128) + pl.Series([lo], dtype=pl.Int128)
    words = pl.select(_at(pl.lit(every), -exp)).to_series()
    # The table is a literal of the query: the rows' text is made as they are written, never all at once.
    return pl.lit(words).gather((pl.col(col) - pl.lit(lo, dtype=c.dtype)).cast(pl.UInt32))


def _constant(value: Num) -> pl.Expr | None:
    # One coefficient for every row (a constant, like a bonus nobody earns): its text, once.
    one, exp = value.one(), value.scale()
    if len(one) != 1 or exp is None or value.nz is not None or not -6 <= exp <= 0:
        return None
    return pl.lit(str(Decimal(f"{int(one[0])}E{exp}")), dtype=pl.String)  # exact: no context rounds it


def text_expr(name: str, value: Num, raw: dict[str, pl.Series]) -> pl.Expr | None:
    """
    Return the expression writing ``value`` as ``str(Decimal)`` does, or ``None`` when it cannot here.

    The columns it reads are put in ``raw`` (under names no result column can have).
    """
    exp = value.scale()
    if (same := _constant(value)) is not None:
        return same.alias(name)
    if exp is not None:
        exps = [exp]
    else:
        found = value.e.unique()
        if len(found) > _FEW:
            return None
        exps = [int(x) for x in found.to_list()]
    if not all(-6 <= x <= 0 for x in exps):
        return None
    table = _by_table(value, exps[0], "\0t" + name) if len(exps) == 1 else None
    if table is not None:
        raw["\0t" + name] = value.c
        body = table
    elif len(exps) == 1:
        raw["\0c" + name] = value.c
        body = _at(pl.col("\0c" + name), -exps[0])
    else:
        raw["\0c" + name] = value.c
        c = pl.col("\0c" + name)
        raw["\0e" + name] = value.e
        e = pl.col("\0e" + name)
        body = pl.lit(None, dtype=pl.String)
        for x in exps:
            body = pl.when(e == x).then(_at(c, -x)).otherwise(body)
    # A negative zero (its coefficient is 0) is written without its sign, as plain_text writes it: 0.00.
    return body.alias(name)

"""
Integer and decimal columns (Parquet, Arrow) read as the columnar engine's numbers without text in between.

A CSV cell reaches the engine as text, which :mod:`.columns` checks and
parses.  A Parquet or Arrow column of integers or ``decimal128`` already holds
scaled integers: its text would be the integer, or the digits with exactly the
column's scale after the point (``1.50`` for 150 at scale 2).  So the value
the row reader gives for that text is the stored integer with exponent
``-scale``; it is taken as it is.  The text checks are answered from the
numbers instead, and refuse (``None``: the general path reads the file, as the
row reader does) exactly where the text would have been refused, or more
often: a missing value, more than 15 digits before the point or 12 after it,
text longer than 28 characters, or a sign or a point in a whole number.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from .coeffs import Num

__all__ = ["as_texts", "typed_column"]

_WHOLE_DIGITS = 15
_PLACES = 12
_WIDTH = 28


def as_texts(df: pl.DataFrame, numbers: Collection[str]) -> pl.DataFrame:
    """
    Return ``df`` with every column but the ``numbers`` as text (as a CSV file would give it).
    """
    cast = [pl.col(c).cast(pl.String) for c, t in df.schema.items() if t != pl.String and c not in numbers]
    return df.with_columns(cast) if cast else df


def typed_column(column: pl.Series, whole: bool) -> Num | None:
    """
    Return the integer or decimal ``column`` as a number column, or ``None`` where its text would not pass.

    ``whole``: the metric takes whole numbers of 0 or more, written as digits only.
    """
    dtype = column.dtype
    if column.null_count() or not (dtype.is_integer() or dtype.is_decimal()):
        return None
    places = int(getattr(dtype, "scale", 0) or 0)
    if places > _PLACES or (whole and places):
        return None  # more places than the text reader takes, or a point in a whole number
    stored = column.to_physical() if dtype.is_decimal() else column
    lo, hi = stored.min(), stored.max()
    if not isinstance(lo, int) or not isinstance(hi, int):
        return None
    # Below 10**18 the coefficients are Int64, which the engine computes with where bounds allow (.coeffs).
    c = stored.cast(pl.Int64 if max(hi, -lo) < 10**18 else pl.Int128)
    if whole and lo < 0:
        return None  # a sign in a whole number
    unit = 10**places
    biggest = max(hi, -lo) // unit  # the digits before the point
    if biggest >= 10**_WHOLE_DIGITS:
        return None
    # The longest text: a sign, 15 digits, a point and the places; 28 characters at most.
    if (lo < 0) + len(str(biggest)) + (places + 1 if places else 0) > _WIDTH:
        return None
    return Num(c.rename(""), -places, None, (lo, hi))

"""
Text cells to columns of decimals, column-wise: the columnar engine reads its input as the row reader does.

:func:`parse_numbers` checks and parses whole columns of number text (or takes
integer and decimal columns as stored); :func:`parse_list` takes a column of
list cells; :func:`within_bounds` and :func:`inputs_kept` say whether every row
keeps its metric's bounds and the scheme's declared constraints.  Each returns
``None`` or ``False`` where the row reader could read a cell otherwise, or
would report it: the caller then takes the general path.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl

from .._compile import Plan
from .fixed import Num, compare, const
from .typedcols import typed_column
from .values import Joined, split_list

__all__ = ["inputs_kept", "parse_list", "parse_numbers", "within_bounds"]

# Within the input budget (below 10**18, no digit below 10**-28) with room to spare.
_PLAIN = r"^-?[0-9]{1,15}(\.[0-9]{1,12})?$"
_WHOLE = r"^[0-9]{1,15}$"
_WHOLE_DIGITS = 15
_PLACES = 12
# List cells whose items are already written as str(Decimal) writes them: the text is the value.
_ITEM = r"(0|[1-9][0-9]{0,20})(\.[0-9]{1,6})?"
_LIST = rf"^({_ITEM}(;{_ITEM})*)?$"


def parse_list(plan: Plan, name: str, text: pl.Series) -> Joined | None:
    text = text.fill_null("")
    if not text.str.contains(_LIST).all():
        return None
    spec = next(s for s in plan.inputs if s.metric.name == name)
    # Each distinct cell through the row reader's own converter (levels, ranges): it must read as written.
    for cell in text.unique().to_list():
        try:
            if spec.convert(cell) != split_list(cell):
                return None
        except ValueError:
            return None
    return Joined(text)


def parse_numbers(df: pl.DataFrame, numbers: dict[str, bool]) -> dict[str, Num] | None:
    # Only text Decimal reads digit for digit: sign, digits, a point, digits (no exponent, no spaces);
    # ``numbers`` says which columns must be whole. Most columns are written as str(Decimal) writes them:
    # those are checked and parsed in one query for all (see _written); any other is checked by the
    # regular expressions and parsed by _parsed, which takes exactly what they take.
    if not numbers:
        return {}
    # Integer and decimal columns (Parquet, Arrow) are numbers already: taken as stored (see .typedcols).
    stored = {name: typed_column(df[name], whole) for name, whole in numbers.items() if df[name].dtype != pl.String}
    if any(v is None for v in stored.values()):
        return None
    out: dict[str, Num] = {name: v for name, v in stored.items() if v is not None}
    texts = {name: whole for name, whole in numbers.items() if name not in stored}
    if not texts:
        return out
    stages = [_written(name, whole, k) for k, (name, whole) in enumerate(texts.items())]
    query = df.lazy().select(e for first, _ in stages for e in first).select(e for _, then in stages for e in then)
    got = query.collect()
    others = {}
    for k, (name, whole) in enumerate(texts.items()):
        if not got[f"ok{k}"].all():
            others[name] = whole
            continue
        # Each column is let go as soon as it is taken: the Int64 coefficients are not all held beside the Int128.
        c, places = got.drop_in_place(f"c{k}").cast(pl.Int128), got.drop_in_place(f"p{k}")
        lo, hi = places.min(), places.max()
        # One exponent for the whole column (a count, an amount always written with its cents) is one int.
        if isinstance(lo, int) and lo == hi:
            out[name] = Num(c, -lo)
        else:
            out[name] = Num(c, (pl.Series([0], dtype=pl.Int32) - places.cast(pl.Int32)).rename(""))
    del got
    if others:
        parsed = _parsed(df, others)
        if parsed is None:
            return None
        out.update(parsed)
    return {name: out[name] for name in numbers}


_POW10 = pl.Series([10**k for k in range(18)], dtype=pl.Int64)
"""1 to 10**17: how many of them a magnitude below 10**18 reaches is how many digits it has."""


def _written(name: str, whole: bool, k: int) -> tuple[list[pl.Expr], list[pl.Expr]]:
    # A cell is taken here only when it is exactly the text str(Decimal) writes for its value: "-" only
    # before a value below zero, at least one digit before the point and no superfluous leading zero,
    # one to 12 places after it. Without its point a cell must pass polars' integer cast, which takes
    # [+-]?[0-9]+ and nothing else; a cell that starts with a digit (or with "-" where the value is
    # negative), and is no longer than the shortest text of its value with its places, is that text.
    # At most 18 bytes: |c| < 10**18 fits Int64. The regular expressions take every such cell too.
    text = pl.col(name)
    length = text.str.len_bytes().cast(pl.Int32)
    coefficient = text.str.replace(".", "", literal=True, n=1).cast(pl.Int64, strict=False)
    first = [
        length.alias(f"s{k}"),
        text.str.find(".", literal=True).cast(pl.Int32).alias(f"t{k}"),
        pl.when(length <= 18).then(coefficient).alias(f"c{k}"),
        ((text >= "0") | (coefficient < 0)).alias(f"f{k}"),
    ]
    # Then from those columns, each computed once:
    size, point, c = pl.col(f"s{k}"), pl.col(f"t{k}"), pl.col(f"c{k}")
    places = (size - 1 - point).fill_null(0)
    negative = c < 0
    sign = negative.cast(pl.Int32)
    digits = pl.lit(_POW10).search_sorted(c.abs(), side="right").cast(pl.Int32).clip(1)
    shortest = sign + pl.when(point.is_null()).then(digits).otherwise(pl.max_horizontal(digits, places + 1) + 1)
    before = point.fill_null(size) - sign  # the digits before the point
    ok = (
        c.is_not_null()
        & pl.col(f"f{k}")  # no "+", no "-" on a zero, no point first: a digit or a "-" first
        & (size == shortest)
        & (point.is_null() | (places >= 1))
        & (before >= 1)
        & (before <= _WHOLE_DIGITS)
        & (places <= _PLACES)
    )
    if whole:
        ok = ok & point.is_null() & ~negative
    then = [ok.fill_null(False).alias(f"ok{k}"), c, places.clip(0, 99).cast(pl.Int8).alias(f"p{k}")]
    return first, then


def _parsed(df: pl.DataFrame, numbers: dict[str, bool]) -> dict[str, Num] | None:
    # Every column is checked by the regular expressions (the reading's definition), then parsed.
    col = pl.col
    checks = df.select(
        (col(name).null_count() == 0)
        & col(name).str.contains(_WHOLE if whole else _PLAIN).all()
        & (col(name).str.len_bytes().max() <= 28)
        for name, whole in numbers.items()
    )
    if not all(checks.row(0)):
        return None
    exprs = []
    for k, (name, whole) in enumerate(numbers.items()):
        if whole:  # digits only (no sign): the text is the coefficient
            exprs.append(col(name).cast(pl.Int128).alias(f"c{k}"))
            continue
        # Without the point the text is the coefficient, sign and all; the places are the exponent.
        c = col(name).str.replace(".", "", literal=True, n=1).cast(pl.Int128)
        places = (col(name).str.len_bytes() - 1 - col(name).str.find(".", literal=True)).fill_null(0)
        exprs += [
            c.alias(f"c{k}"),
            (pl.lit(0, dtype=pl.Int32) - places.cast(pl.Int32)).alias(f"e{k}"),
            (col(name).str.starts_with("-") & (c == 0)).alias(f"z{k}"),
        ]
    got = df.select(exprs)
    out: dict[str, Num] = {}
    for k, (name, whole) in enumerate(numbers.items()):
        nz = None if whole or not got[f"z{k}"].any() else got[f"z{k}"]
        out[name] = Num(got[f"c{k}"], 0 if whole else got[f"e{k}"], nz)
    return out


def within_bounds(plan: Plan, name: str, value: Num, n: int) -> bool:
    spec = next(s for s in plan.inputs if s.metric.name == name)
    whole, non_negative = spec.kind.number_flags  # type: ignore[attr-defined]
    if non_negative and not whole and compare(value, const(Decimal(0), n), "<", None).any():
        return False
    m = spec.metric
    if getattr(spec.kind, "percent", False) and m.scale != "fraction":
        # A bare percent in points, or above 1 undeclared: the general path converts or refuses it.
        if m.scale == "points" or compare(value, const(Decimal(1), n), ">", None).any():
            return False
        if compare(value, const(Decimal(-1), n), "<", None).any():
            return False
    if m.min is not None and compare(value, const(m.min, n), "<", None).any():
        return False
    return not (m.max is not None and compare(value, const(m.max, n), ">", None).any())


def inputs_kept(plan: Plan, columns: dict[str, Any], n: int) -> bool:
    # Whether every row keeps the scheme's declared input constraints.
    for c in plan.constraints:
        for left, op, right in c.pairs():
            a = columns[left] if isinstance(left, str) else const(left, n)
            b = columns[right] if isinstance(right, str) else const(right, n)
            if not compare(a, b, op, None).all():
                return False
    return True

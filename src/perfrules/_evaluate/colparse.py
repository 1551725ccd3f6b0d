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
    # ``numbers`` says which columns must be whole. Every column is checked, then parsed, in one query each.
    if not numbers:
        return {}
    # Integer and decimal columns (Parquet, Arrow) are numbers already: taken as stored (see .typedcols).
    stored = {name: typed_column(df[name], whole) for name, whole in numbers.items() if df[name].dtype != pl.String}
    if any(v is None for v in stored.values()):
        return None
    numbers = {name: whole for name, whole in numbers.items() if name not in stored}
    col = pl.col
    checks = df.select(
        (col(name).null_count() == 0)
        & col(name).str.contains(_WHOLE if whole else _PLAIN).all()
        & (col(name).str.len_bytes().max() <= 28)
        for name, whole in numbers.items()
    )
    if numbers and not all(checks.row(0)):
        return None
    exprs = []
    for k, (name, whole) in enumerate(numbers.items()):
        if whole:  # digits only (no sign): the text is the coefficient
            exprs.append(col(name).cast(pl.Int128).alias(f"c{k}"))
            continue
        negative = col(name).str.starts_with("-")
        parts = col(name).str.strip_prefix("-").str.split_exact(".", 1)
        frac = parts.struct.field("field_1").fill_null("")
        mag = (parts.struct.field("field_0") + frac).cast(pl.Int128)
        exprs += [
            pl.when(negative).then(pl.lit(0, dtype=pl.Int128) - mag).otherwise(mag).alias(f"c{k}"),
            (pl.lit(0, dtype=pl.Int32) - frac.str.len_bytes().cast(pl.Int32)).alias(f"e{k}"),
            (negative & (mag == 0)).alias(f"z{k}"),
        ]
    got = df.select(exprs)
    out: dict[str, Num] = {name: v for name, v in stored.items() if v is not None}
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

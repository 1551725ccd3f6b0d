"""
Text cells to columns of decimals, column-wise: the columnar engine reads its input as the row reader does.

:func:`parse_numbers` checks and parses whole columns of number text (or takes
integer and decimal columns as stored); :func:`parse_list` takes a column of
list cells; :func:`within_bounds` and :func:`inputs_kept` say whether every row
keeps its metric's bounds and the scheme's declared constraints.  Each returns
``None`` or ``False`` where the row reader could read a cell otherwise, or
would report it: the caller then takes the general path.

The regular expressions ``_WHOLE`` and ``_PLAIN`` define which number cells
are taken.  Most columns are read without them: a cell written as
``str(Decimal)`` writes its value is recognised by an integer cast and its
first characters (see ``_integers`` and ``_decimals``), which take a subset of
what the expressions take and read it as Decimal does; a column with any
other cell is checked by the expressions themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import polars as pl

from .._compile import Plan
from .fixed import Num, compare, const
from .typedcols import typed_column
from .values import Joined, split_list

__all__ = ["inputs_kept", "parse_list", "parse_numbers", "read_integers", "within_bounds"]

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
    # ``numbers`` says which columns must be whole. Most columns are written as str(Decimal) writes them,
    # and most of those are integers: every column is first read as integers (_integers), those that are
    # not as decimals with a point (_decimals), in one query each for all columns. A column with any other
    # cell is checked by the regular expressions and parsed by _parsed, which takes exactly what they take.
    if not numbers:
        return {}
    # Integer and decimal columns (Parquet, Arrow) are numbers already: taken as stored (see .typedcols).
    stored = {name: typed_column(df[name], whole) for name, whole in numbers.items() if df[name].dtype != pl.String}
    if any(v is None for v in stored.values()):
        return None
    out: dict[str, Num] = {name: v for name, v in stored.items() if v is not None}
    texts = {name: whole for name, whole in numbers.items() if name not in stored}
    left = _taken(df, {name: _integers(name, whole) for name, whole in texts.items()}, out)
    _taken(df, {name: _decimals(name) for name in left if not texts[name]}, out)
    others = {name: texts[name] for name in texts if name not in out}
    if others:
        parsed = _parsed(df, others)
        if parsed is None:
            return None
        out.update(parsed)
    return {name: out[name] for name in numbers}


_Steps = tuple[list[pl.Expr], list[pl.Expr]]


def read_integers(
    parts: Iterable[pl.DataFrame], numbers: dict[str, bool], again: Callable[[list[str]], pl.DataFrame]
) -> pl.DataFrame | None:
    """
    Return the text frames ``parts`` (rows in order) as one, each of the ``numbers`` as Int64 where it can be.

    A number column whose every cell ``_integers`` takes comes as the Int64
    column of its values, which :func:`parse_numbers` takes as stored (the
    very number it would parse from the text); any other column comes as
    text, as ``again(names)`` reads those columns of every row.  The text of
    the integer columns is let go part by part: it is never held whole.
    ``None`` when there are no parts.
    """
    done: list[pl.DataFrame] = []
    tried: dict[str, bool] | None = None  # the columns read as integers (the first part says which)
    left: set[str] = set()  # those with a cell _integers does not take in a later part
    for part in parts:
        columns = part.columns
        steps = {n: _integers(n, w) for n, w in numbers.items() if n in columns and (tried is None or n in tried)}
        texts = [pl.col(c) for c in columns if tried is None or c not in tried]
        query = part.lazy().select(*texts, *(e for first, _ in steps.values() for e in first))
        got = query.select(*texts, *(e for _, then in steps.values() for e in then)).collect()
        del part  # (the caller's own name for it is gone too: this part's text goes now)
        ok = {name for name in steps if got[f"ok.{name}"].all()}
        if tried is None:
            tried = {name: numbers[name] for name in ok}
            got = got.drop(*tried)  # a column read as integers from the first part on is not kept as text
        left |= set(tried) - ok
        got = got.drop(*(f"ok.{name}" for name in steps))
        done.append(got.rename({f"c.{name}": name for name in tried}).select(columns))
    if not done:
        return None
    whole = pl.concat(done, how="vertical", rechunk=False)
    if left:  # a cell _integers does not take: these columns as text, read again (the same rows, in order)
        whole = whole.with_columns(again(sorted(left)))
    return whole


def _taken(df: pl.DataFrame, steps: dict[str, _Steps], out: dict[str, Num]) -> list[str]:
    # Runs the steps of every column in one query (the columns side by side); puts each column whose cells
    # are all taken into ``out``, and returns the names of the others.
    if not steps:
        return []
    query = df.lazy().select(e for first, _ in steps.values() for e in first)
    got = query.select(e for _, then in steps.values() for e in then).collect()
    left = []
    for name in steps:
        if not got[f"ok.{name}"].all():
            left.append(name)
            continue
        # Each column is let go as soon as it is taken. Below 10**18 (every column of up to 18 digits) the
        # coefficients stay Int64, which the engine computes with where bounds allow (see .coeffs).
        c = got.drop_in_place(f"c.{name}").rename("")
        lo, hi = c.min(), c.max()
        if not isinstance(lo, int) or not isinstance(hi, int):
            lo = hi = 0  # no rows
        if max(hi, -lo) >= 10**18:
            c = c.cast(pl.Int128)
        places = got.drop_in_place(f"p.{name}") if f"p.{name}" in got.columns else pl.Series([0])
        first, last = places.min(), places.max()
        # One exponent for the whole column (a count, an amount always written with its cents) is one int.
        if isinstance(first, int) and first == last:
            out[name] = Num(c, -first, None, (lo, hi))
        else:
            out[name] = Num(c, (pl.Series([0], dtype=pl.Int32) - places.cast(pl.Int32)).rename(""), None, (lo, hi))
    return left


# A cell is taken by _integers or _decimals only when it is the very text str(Decimal) writes for its value:
# "-" only before a value below zero, then a digit 1-9, or a "0" alone or before the point; one to 12 places
# after the point. Without its point a cell must pass polars' integer cast, which takes [+-]?[0-9]+ and
# nothing else: what comes first is then told by comparing the text with a few strings (no regular
# expression). The regular expressions take every such cell too, and Decimal reads it as sign, digits and
# places. Each in two steps: columns of the text first, then what is told from them (each computed once).
_DIGIT = "1", ":"  # the texts that start with 1-9 are those from "1" up to ":" (the character after "9")
_BELOW = 10**_WHOLE_DIGITS


def _starts(text: pl.Expr, lo: str, hi: str) -> pl.Expr:
    return (text >= lo) & (text < hi)


def _integers(name: str, whole: bool) -> _Steps:
    text, c, digit = pl.col(name), pl.col(f"c.{name}"), pl.col(f"d.{name}")
    first = [
        text.cast(pl.Int64, strict=False).alias(f"c.{name}"),
        (_starts(text, *_DIGIT) | (text == "0")).alias(f"d.{name}"),
    ]
    if whole:
        ok = c.is_not_null() & digit & (c < _BELOW)
    else:
        first.append(_starts(text, "-1", "-:").alias(f"m.{name}"))
        ok = c.is_not_null() & (digit | ((c < 0) & pl.col(f"m.{name}"))) & (c < _BELOW) & (c > -_BELOW)
    return first, [ok.fill_null(False).alias(f"ok.{name}"), c]


def _decimals(name: str) -> _Steps:
    text, c = pl.col(name), pl.col(f"c.{name}")
    first = [
        text.str.replace(".", "", literal=True, n=1).cast(pl.Int64, strict=False).alias(f"c.{name}"),
        text.str.len_bytes().cast(pl.Int32).alias(f"s.{name}"),
        text.str.find(".", literal=True).cast(pl.Int32).alias(f"t.{name}"),
        (_starts(text, *_DIGIT) | (text == "0") | _starts(text, "0.", "0/")).alias(f"d.{name}"),
        (_starts(text, "-1", "-:") | _starts(text, "-0.", "-0/")).alias(f"m.{name}"),
    ]
    size, point = pl.col(f"s.{name}"), pl.col(f"t.{name}")
    places = (size - 1 - point).fill_null(0)
    before = point.fill_null(size) - (c < 0).cast(pl.Int32)  # the digits before the point
    ok = (
        c.is_not_null()
        & (pl.col(f"d.{name}") | ((c < 0) & pl.col(f"m.{name}")))
        & (point.is_null() | (places >= 1))
        & (places <= _PLACES)
        & (before >= 1)
        & (before <= _WHOLE_DIGITS)
    )
    return first, [ok.fill_null(False).alias(f"ok.{name}"), c, places.clip(0, 99).cast(pl.Int8).alias(f"p.{name}")]


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
        if whole:  # digits only (no sign): the text is the coefficient, below 10**15 (Int64 holds it)
            exprs.append(col(name).cast(pl.Int64).alias(f"c{k}"))
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

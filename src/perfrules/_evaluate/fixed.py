"""
Exact decimal arithmetic over columns, the way :class:`decimal.Decimal` does it, for the columnar engine.

A number column is held as Decimal holds one number: a signed integer
coefficient (Int64 where the bounds allow, else Int128: see :mod:`.coeffs`),
an exponent per row, and where the value is a negative zero (``-0.00``:
Decimal keeps the sign of a zero, and prints it). Every operation follows
Decimal's rules for the coefficient, the exponent and the sign of zero, so
``Decimal(f"{c}E{e}")`` of a result is the very Decimal the row engine
computes. The row engine computes with 28 significant digits; wherever a row's
value would need more (Decimal would round it) or would leave the exact range
of Int128, the operation raises :class:`Limit` naming the rows instead of
computing anything approximately. Checks only count the ``live`` rows: those
on which the row engine would compute this value at all (the branch of a
choice taken, the steps a guard lets through).

A column whose rows share one exponent (see :mod:`.coeffs`) is computed with
that exponent as a scalar: no column of exponents, no alignment row by row,
and no check that its bounds already answer.  Rounding and division are in
:mod:`.quotient`.
"""

from __future__ import annotations

from contextlib import suppress
from decimal import Decimal
from typing import Any

import polars as pl

from .coeffs import (
    _E,
    _I,
    _J,
    _LIMIT,
    _SMALL,
    DType,
    Limit,
    Num,
    _check,
    _context,
    _dtype,
    _exponents,
    _neg,
    _shift,
    _up,
    as_dtype,
    narrow,
    wide,
)
from .coeffs import _pow10 as _pow10  # noqa: PLC0414 - re-exported: group values (.crowds) use it
from .domains import div as by_pairs
from .quotient import quantize

__all__ = [
    "Limit",
    "Num",
    "add",
    "align",
    "choose",
    "compare",
    "const",
    "div",
    "from_decimals",
    "mul",
    "pick",
    "quantize",
    "sign",
]


def const(value: Decimal, n: int) -> Num:
    """
    Return the constant ``value`` as a column of ``n`` rows.
    """
    sign, digits, exp = value.as_tuple()
    assert isinstance(exp, int)  # analysis admits finite constants only
    c = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    if sign and c == 0:
        return Num(pl.repeat(c, n, dtype=_J, eager=True), exp, pl.repeat(True, n, eager=True), (c, c))
    return Num.constant(c, exp, n)


_PLAIN_TEXT = r"^-?[0-9]{1,30}(\.[0-9]{1,30})?$"


def _one_exponent(e: pl.Series) -> pl.Series | int:
    lo, hi = e.min(), e.max()
    return lo if isinstance(lo, int) and lo == hi else e


def from_decimals(values: list[Decimal]) -> Num:
    """
    Return a column holding exactly ``values``; a value of more than 28 digits is refused (:class:`Limit`).
    """
    # str(Decimal) is exact; written without an exponent it is digits, a point and digits, read here as
    # whole columns (the coefficient is the digits, the exponent minus the digits after the point).
    texts = pl.Series(list(map(str, values)), dtype=pl.String)
    if len(texts) and texts.str.contains(_PLAIN_TEXT).all():
        negative = texts.str.starts_with("-")
        parts = texts.str.strip_prefix("-").str.split_exact(".", 1).struct.unnest()
        frac = parts["field_1"].fill_null("")
        digits = parts["field_0"] + frac
        longest = digits.str.len_bytes().max()
        # 18 digits or fewer are below 10**18 < 2**62: Int64 holds them (see .coeffs).
        mag = digits.cast(_J if longest <= 18 else _I) if longest <= 38 else None
        if mag is not None and (mag.dtype == _J or not (mag >= _LIMIT).any()):
            nz = negative & (mag == 0)
            c = mag.zip_with(~negative, _neg(mag))
            e = (pl.Series([0], dtype=_E) - frac.str.len_bytes().cast(_E)).rename("")
            return Num(c.rename(""), _one_exponent(e), nz if nz.any() else None)
    cs: list[int] = []
    es: list[int] = []
    nzs: list[bool] = []
    odd: list[bool] = []
    for v in values:
        sign, digits, exp = v.as_tuple()
        finite = isinstance(exp, int)
        c = int("".join(map(str, digits))) if finite else 0
        cs.append(-c if sign else c)
        es.append(exp if isinstance(exp, int) else 0)
        nzs.append(bool(sign) and c == 0)
        odd.append(not finite)
    nz = pl.Series(nzs, dtype=pl.Boolean) if any(nzs) else None
    big = [o or abs(c) >= _LIMIT or not -99 <= e <= 72 for c, e, o in zip(cs, es, odd, strict=True)]
    if any(big):
        raise Limit(pl.Series(big, dtype=pl.Boolean))
    bounds = (min(cs, default=0), max(cs, default=0))
    c = pl.Series(cs, dtype=_dtype(max(bounds[1], -bounds[0])))
    return Num(c, _one_exponent(pl.Series(es, dtype=_E)), nz, bounds)


def pick(table: Num, at: pl.Series) -> Num:
    """
    Return the rows of ``table`` at the positions ``at`` (a tier table's values, by band).
    """
    nz = None if table.nz is None else table.nz.gather(at)
    exp = table.scale()
    return Num(table.c.gather(at), table.e.gather(at) if exp is None else exp, nz, table.bounds())


def align(a: Num, b: Num, live: pl.Series | None) -> tuple[pl.Series, pl.Series, pl.Series | int]:
    """
    Return both coefficients at the smaller exponent of each row, and that exponent (an ``int`` when one for all).

    Both are of one dtype: Int64 when the bounds, once aligned, prove each below 2**62 (see :mod:`.coeffs`).
    """
    ea, eb = a.scale(), b.scale()
    if ea is not None and eb is not None:
        e = min(ea, eb)
        ga, gb = _grown(a, e), _grown(b, e)
        assert ga is not None and gb is not None
        # (A shift of more than 18 places would need a power of ten beyond Int64, even for a column of zeros.)
        fits = max(ga[1], -ga[0], gb[1], -gb[0]) < _SMALL and max(ea, eb) - e <= 18
        dtype = _J if fits else _I
        # A constant is one value, broadcast, beside a column (two constants: the first a column).
        return _up(a, ea - e, live, dtype, one=b._k is None), _up(b, eb - e, live, dtype, one=True), e
    e = a.e.zip_with(a.e <= b.e, b.e)
    return _scaled(a, a.e - e, live), _scaled(b, b.e - e, live), e


def _scaled(a: Num, s: pl.Series, live: pl.Series | None) -> pl.Series:
    # a's coefficients times 10**s (s >= 0 by row), as Int128; unchecked when no row can leave 38 digits.
    most = s.max()
    if isinstance(most, int) and most <= 38 and a.top() * 10**most < 10**38:
        if most == 0:
            return wide(a.c)
        out: pl.Series = wide(a.c) * _pow10(s)
        return out
    return _shift(a.c, s, live)


def _negzero(x: pl.Series | None, y: pl.Series | None) -> pl.Series | None:
    return None if x is None or y is None else x & y


def _grown(a: Num, e: int | pl.Series) -> tuple[int, int] | None:
    # a's bounds once aligned to the scalar exponent e (None when e is a column).
    ea = a.scale()
    if not isinstance(e, int) or ea is None:
        return None
    lo, hi = a.bounds()
    return lo * 10 ** (ea - e), hi * 10 ** (ea - e)


def add(a: Num, b: Num, live: pl.Series | None, *, subtract: bool = False) -> Num:
    """
    Return ``a + b`` (or ``a - b``) as Decimal gives it.
    """
    ca, cb, e = align(a, b, live)
    ga, gb = _grown(a, e), _grown(b, e)
    if subtract:
        # Decimal subtracts by adding the operand with its sign flipped: 0 becomes -0 and -0 becomes 0.
        # (Without a negative zero on the left there is none in the sum: the flipped sign is not needed.)
        bnz: pl.Series | None = None
        if a.nz is not None:
            bnz = (b.c == 0) if b.nz is None else (b.c == 0) & ~b.nz
        cb = _neg(cb)
        gb = None if gb is None else (-gb[1], -gb[0])
    else:
        bnz = b.nz
    bounds = None if ga is None or gb is None else (ga[0] + gb[0], ga[1] + gb[1])
    if ca.dtype == _J and (bounds is None or max(bounds[1], -bounds[0]) >= _SMALL):
        ca, cb = wide(ca), wide(cb)  # the sum may leave Int64's room: added as Int128
    c = ca + cb
    if bounds is None or max(bounds[1], -bounds[0]) >= _LIMIT:
        # An exact sum of more than 28 digits is rounded by the context; the bounds say when none can be.
        c, e = _context(c, e)
        bounds = None
    # A zero sum is negative only when both operands are negative zeros.
    return Num(c, _exponents(e, live, len(c)), _negzero(a.nz, bnz), bounds)


def mul(a: Num, b: Num, live: pl.Series | None) -> Num:
    """
    Return ``a * b`` as Decimal gives it (a zero keeps the sign of the product).
    """
    ea, eb = a.scale(), b.scale()
    e: pl.Series | int = ea + eb if ea is not None and eb is not None else a.e + b.e
    if a.top() * b.top() < _LIMIT:
        # The bounds say no product reaches 28 digits: nothing to refuse, nothing to round.
        (la, ha), (lb, hb) = a.bounds(), b.bounds()
        ends = (la * lb, la * hb, ha * lb, ha * hb)
        dtype = narrow(a, b, result=(min(ends), max(ends)))
        ca, cb = _pair(a, b, dtype)
        c = ca * cb
        nz = None if a.signless() and b.signless() else (c == 0) & (a.negative() ^ b.negative())
        return Num(c, _exponents(e, live, len(c)), nz, (min(ends), max(ends)))
    # The float product only decides where to refuse (far from the limit either way), never a value.
    rough = a.c.abs().cast(pl.Float64) * b.c.abs().cast(pl.Float64)
    bad = rough >= 1e37
    _check(bad, live)
    zero = pl.Series([0], dtype=_I)
    c = wide(a.c).zip_with(~bad, zero) * wide(b.c).zip_with(~bad, zero)
    neg = a.negative() ^ b.negative()
    c, e = _context(c, e)
    return Num(c, _exponents(e, live, len(c)), (c == 0) & neg)


def _pair(a: Num, b: Num, dtype: DType) -> tuple[pl.Series, pl.Series]:
    # Both coefficients as dtype; a constant beside a column as one value, broadcast (two constants: the
    # first a column).
    if a._k is None or b._k is not None:
        return as_dtype(a, dtype), b.one(dtype)
    return a.one(dtype), as_dtype(b, dtype)


def sign(a: Num, op: str) -> Num:
    """
    Return ``-a``, ``+a`` or ``abs(a)``: in Decimal each turns a zero into a positive zero.
    """
    e = a.exp if a.exp is not None else a.e
    lo, hi = a.bounds()
    if a._k is not None and isinstance(e, int):
        return Num.constant(-a._k if op == "-" else abs(a._k) if op == "abs" else a._k, e, len(a))
    if op == "-":
        return Num(_neg(a.c), e, None, (-hi, -lo))
    if op == "abs":
        return Num(a.c.abs(), e, None, (0, max(hi, -lo)))
    return Num(a.c, e, None, (lo, hi))


def compare(a: Num, b: Num, op: str, live: pl.Series | None) -> pl.Series:
    """
    Return the comparison ``a op b`` of each row, by value (``-0 == 0``, ``1.0 == 1``).

    A column of few distinct values (``coded``: a team's average) beside a constant is compared once per
    distinct value; where that would refuse anything, the whole column is compared, and names the rows.
    """
    eb = b.scale()
    if a.coded is not None and b._k is not None and eb is not None and len(a.coded[0]) * 2 <= len(a):
        small, idx = a.coded
        with suppress(Limit):
            return compare(small, Num.constant(b._k, eb, len(small)), op, None).gather(idx)
    ca, cb, _ = align(a, b, live)
    result: pl.Series = {
        "<": ca.__lt__,
        "<=": ca.__le__,
        ">": ca.__gt__,
        ">=": ca.__ge__,
        "==": ca.__eq__,
        "!=": ca.__ne__,
    }[op](cb)
    return result


def choose(test: pl.Series, a: Any, b: Any) -> Any:
    """
    Return ``a`` where ``test`` holds, else ``b`` (numbers, flags or texts).
    """
    if not isinstance(a, Num):
        return a.zip_with(test, b)
    assert isinstance(b, Num)
    nz = None
    if a.nz is not None or b.nz is not None:
        false = pl.repeat(False, len(test), eager=True)
        nz = (a.nz if a.nz is not None else false).zip_with(test, b.nz if b.nz is not None else false)
    ea, eb = a.scale(), b.scale()
    e = ea if ea is not None and ea == eb else a.e.zip_with(test, b.e)
    (la, ha), (lb, hb) = a.bounds(), b.bounds()
    dtype = narrow(a, b)  # (both Int64, or both Int128: zip_with would widen a mixed pair anyway)
    ca, cb = _pair(a, b, dtype)
    c = ca.zip_with(test, cb)
    out = Num(c, e, nz, (min(la, lb), max(ha, hb)))
    out.coded = _coded_choice(test, a, b)
    return out


def _constant(x: Num) -> bool:
    lo, hi = x.bounds()
    return lo == hi and x.nz is None and x.scale() is not None


def _coded_choice(test: pl.Series, a: Num, b: Num) -> tuple[Num, pl.Series] | None:
    # A column of few distinct values (see .domains) or a constant stays one of few distinct values:
    # the constant becomes one more value, and the rows that take it its index.
    if a.coded is not None and b.coded is None and _constant(b):
        small, idx = a.coded
        return _with(small, b), idx.zip_with(test, pl.repeat(len(small), len(idx), dtype=pl.UInt32, eager=True))
    if b.coded is not None and a.coded is None and _constant(a):
        small, idx = b.coded
        return _with(small, a), pl.repeat(len(small), len(idx), dtype=pl.UInt32, eager=True).zip_with(test, idx)
    return None


def _with(small: Num, one: Num) -> Num:
    # small with one's (constant) value added as a last row.
    dtype = narrow(small, one)
    c = pl.concat([as_dtype(small, dtype), one.one(dtype).head(1)])  # (Series.append would change small in place)
    exp, e1 = small.scale(), one.scale()
    assert e1 is not None
    e = exp if exp == e1 else pl.concat([small.e, pl.Series([e1], dtype=_E)])
    nz = None if small.nz is None else pl.concat([small.nz, pl.Series([False])])
    return Num(c, e, nz)


def div(a: Num, b: Num, live: pl.Series | None) -> Num:
    """
    Return ``a / b`` as Decimal gives it with 28 digits (:func:`.quotient.div`, per distinct pair: :mod:`.domains`).
    """
    return by_pairs(a, b, live)

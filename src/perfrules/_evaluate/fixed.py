"""
Exact decimal arithmetic over columns, the way :class:`decimal.Decimal` does it, for the columnar engine.

A number column is held as Decimal holds one number: a signed integer
coefficient (Int128), an exponent per row, and where the value is a negative
zero (``-0.00``: Decimal keeps the sign of a zero, and prints it).  Every
operation follows Decimal's rules for the coefficient, the exponent and the
sign of zero, so ``Decimal(f"{c}E{e}")`` of a result is the very Decimal the
row engine computes.  The row engine computes with 28 significant digits;
wherever a row's value would need more (Decimal would round it) or would
leave the exact range of Int128, the operation raises :class:`Limit` naming
the rows instead of computing anything approximately.  Checks only count the
``live`` rows: those on which the row engine would compute this value at all
(the branch of a choice taken, the steps a guard lets through).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl

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
    "quantize",
    "sign",
]

_I = pl.Int128
_E = pl.Int32
_LIMIT = 10**28
"""Decimal's context here has 28 digits: a coefficient of 10**28 or more would have been rounded."""
_ZERO = pl.Series([0], dtype=_I)
_TWO = pl.Series([2], dtype=_I)
_ONE = pl.Series([1], dtype=_I)
_TEN = pl.Series([10], dtype=_I)
_FIVE = pl.Series([5], dtype=_I)
_PREC = 28
_POW10 = pl.Series([10**k for k in range(39)], dtype=_I)


class Limit(Exception):
    """
    A value the columnar engine cannot hold exactly, at the ``rows`` marked True.
    """

    def __init__(self, rows: pl.Series) -> None:
        super().__init__("value beyond the exact range of the columnar engine")
        self.rows = rows


class Num:
    """
    A column of decimals: coefficient ``c`` (Int128), exponent ``e`` (Int32), and ``nz`` (negative zero, or None).
    """

    __slots__ = ("c", "e", "nz")

    def __init__(self, c: pl.Series, e: pl.Series, nz: pl.Series | None = None) -> None:
        self.c, self.e, self.nz = c, e, nz

    def negative(self) -> pl.Series:
        """
        Return where the sign is negative (a negative zero included).
        """
        neg = self.c < 0
        return neg if self.nz is None else neg | self.nz

    def decimals(self) -> list[Decimal]:
        """
        Return the column as Decimals, each with the coefficient and exponent the row engine gives.
        """
        # "<sign><coefficient>E<exponent>" written by polars, read by Decimal: the very number, exactly.
        sign = pl.lit("") if self.nz is None else pl.when(pl.lit(self.nz)).then(pl.lit("-")).otherwise(pl.lit(""))
        text = pl.select(sign + pl.lit(self.c).cast(pl.String) + "E" + pl.lit(self.e).cast(pl.String)).to_series()
        # Amounts repeat (points, bands, rounded pay): each distinct text is read once, and shared.
        distinct = text.unique()
        if len(distinct) * 4 > len(text):
            return list(map(Decimal, text.to_list()))
        words = distinct.to_list()
        return list(map(dict(zip(words, map(Decimal, words), strict=True)).__getitem__, text.to_list()))


def _neg(c: pl.Series) -> pl.Series:
    # Int128 has no unary minus in polars; subtracting from zero is the same.
    out: pl.Series = _ZERO - c
    return out


def _check(bad: pl.Series, live: pl.Series | None) -> None:
    if live is not None:
        bad = bad & live
    if bad.any():
        raise Limit(bad)


def _pow10(k: pl.Series) -> pl.Series:
    # The same power for every row (the common case: one exponent per column) is one value, broadcast.
    lo, hi = k.min(), k.max()
    if lo is not None and lo == hi:
        return _POW10.slice(min(max(int(lo), 0), 38), 1)  # type: ignore[arg-type]
    return _POW10.gather(k.clip(0, 38))


def _exponents(e: pl.Series, live: pl.Series | None) -> pl.Series:
    # Exponents far from zero are where a Decimal context's limits (Emin, Emax, subnormal rounding) may act;
    # -99..72 keeps any value of up to 28 digits inside -99..99, so refusing beyond it never hides an error.
    _check((e < -99) | (e > 72), live)
    return e


def _fit(c: pl.Series, live: pl.Series | None) -> pl.Series:
    _check(c.abs() >= _LIMIT, live)
    return c


def const(value: Decimal, n: int) -> Num:
    """
    Return the constant ``value`` as a column of ``n`` rows.
    """
    sign, digits, exp = value.as_tuple()
    assert isinstance(exp, int)  # analysis admits finite constants only
    c = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    nz = pl.repeat(True, n, eager=True) if sign and c == 0 else None
    return Num(pl.repeat(c, n, dtype=_I, eager=True), pl.repeat(exp, n, dtype=_E, eager=True), nz)


_PLAIN_TEXT = r"^-?[0-9]{1,30}(\.[0-9]{1,30})?$"


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
        mag = digits.cast(_I) if digits.str.len_bytes().max() <= 38 else None
        if mag is not None and not (mag >= _LIMIT).any():
            nz = negative & (mag == 0)
            c = mag.zip_with(~negative, _neg(mag))
            e = (pl.Series([0], dtype=_E) - frac.str.len_bytes().cast(_E)).rename("")
            return Num(c.rename(""), e, nz if nz.any() else None)
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
    return Num(pl.Series(cs, dtype=_I), pl.Series(es, dtype=_E), nz)


def _context(c: pl.Series, e: pl.Series) -> tuple[pl.Series, pl.Series]:
    # An exact result of more than 28 digits is rounded half-even to 28, as the Decimal context does.
    mag = c.abs()
    if not (mag >= _LIMIT).any():
        return c, e
    drop = (_digits(mag) - _PREC).clip(0, 38)
    d = _pow10(drop)
    q, r = mag // d, mag % d
    q = q + ((r + r > d) | ((r + r == d) & (q % _TWO == 1))).cast(_I)
    carry = q >= _LIMIT
    q = q.zip_with(~carry, q // _TEN)
    return q.zip_with(c >= 0, _neg(q)), e + drop + carry.cast(_E)


def _shift(c: pl.Series, s: pl.Series, live: pl.Series | None) -> pl.Series:
    # c * 10**s, for s >= 0; refused where the result would leave 38 digits.
    if s.max() == 0:
        return c  # already at that exponent (the common case): nothing to shift
    bad = (c != 0) & ((s > 38) | (c.abs() >= _pow10(38 - s.clip(0, 38))))
    _check(bad, live)
    out: pl.Series = c.zip_with(~bad, _ZERO) * _pow10(s)
    return out


def align(a: Num, b: Num, live: pl.Series | None) -> tuple[pl.Series, pl.Series, pl.Series]:
    """
    Return both coefficients at the smaller exponent of each row, and that exponent.
    """
    e = a.e.zip_with(a.e <= b.e, b.e)
    return _shift(a.c, a.e - e, live), _shift(b.c, b.e - e, live), e


def _negzero(x: pl.Series | None, y: pl.Series | None) -> pl.Series | None:
    return None if x is None or y is None else x & y


def add(a: Num, b: Num, live: pl.Series | None, *, subtract: bool = False) -> Num:
    """
    Return ``a + b`` (or ``a - b``) as Decimal gives it.
    """
    ca, cb, e = align(a, b, live)
    if subtract:
        # Decimal subtracts by adding the operand with its sign flipped: 0 becomes -0 and -0 becomes 0.
        bnz: pl.Series | None = (b.c == 0) if b.nz is None else (b.c == 0) & ~b.nz
        cb = _neg(cb)
    else:
        bnz = b.nz
    # A zero sum is negative only when both operands are negative zeros.
    c, e = _context(ca + cb, e)
    return Num(c, _exponents(e, live), _negzero(a.nz, bnz))


def mul(a: Num, b: Num, live: pl.Series | None) -> Num:
    """
    Return ``a * b`` as Decimal gives it (a zero keeps the sign of the product).
    """
    # The float product only decides where to refuse (far from the limit either way), never a value.
    rough = a.c.abs().cast(pl.Float64) * b.c.abs().cast(pl.Float64)
    bad = rough >= 1e37
    _check(bad, live)
    zero = _ZERO
    c = a.c.zip_with(~bad, zero) * b.c.zip_with(~bad, zero)
    neg = a.negative() ^ b.negative()
    c, e = _context(c, a.e + b.e)
    return Num(c, _exponents(e, live), (c == 0) & neg)


def sign(a: Num, op: str) -> Num:
    """
    Return ``-a``, ``+a`` or ``abs(a)``: in Decimal each turns a zero into a positive zero.
    """
    if op == "-":
        return Num(_neg(a.c), a.e)
    if op == "abs":
        return Num(a.c.abs(), a.e)
    return Num(a.c, a.e)


def compare(a: Num, b: Num, op: str, live: pl.Series | None) -> pl.Series:
    """
    Return the comparison ``a op b`` of each row, by value (``-0 == 0``, ``1.0 == 1``).
    """
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
    return Num(a.c.zip_with(test, b.c), a.e.zip_with(test, b.e), nz)


def quantize(a: Num, exp: int, mode: str, live: pl.Series | None, *, integral: bool = False) -> Num:
    """
    Return ``a.quantize(Decimal(10) ** exp, mode)``; with ``integral``, ``a.to_integral_value(mode)``.

    ``to_integral_value`` leaves a value whose exponent is 0 or more as it is.
    """
    s = exp - a.e  # > 0: digits to drop; <= 0: zeros to add
    drop = s > 0
    mag = a.c.abs()
    d = _pow10(s)
    q, r = mag // d, mag % d
    neg = a.c < 0
    if mode == "down":
        q2 = q
    else:
        bump = {
            "up": r > 0,
            "half_up": r + r >= d,
            "half_even": (r + r > d) | ((r + r == d) & (q % _TWO == 1)),
            "floor": neg & (r > 0),
            "ceiling": ~neg & (r > 0),
        }[mode]
        q2 = q + bump.cast(_I)
    dropped = q2.zip_with(~neg, _neg(q2))
    if integral:
        keep = ~drop
        c = dropped.zip_with(drop, a.c)
        e = pl.repeat(exp, len(a.c), dtype=_E, eager=True).zip_with(drop, a.e)
    else:
        live_pad = ~drop if live is None else live & ~drop
        padded = _shift(a.c.zip_with(~drop, _ZERO), (-s).clip(0, None), live_pad)
        c = dropped.zip_with(drop, padded)
        e = pl.repeat(exp, len(a.c), dtype=_E, eager=True)
        keep = None
    # quantize refuses (InvalidOperation) a result of more than 28 digits; the row engine then raises.
    _fit(c, live)
    nz = (c == 0) & a.negative()
    if keep is not None and a.nz is not None:
        nz = nz | (keep & a.nz)
    return Num(c, e, nz)


def _digits(x: pl.Series) -> pl.Series:
    # How many digits a non-negative coefficient has (0 counts as one digit).
    # The float logarithm only guesses; two exact comparisons with powers of ten settle it.
    guess = (x.cast(pl.Float64).clip(1.0, None).log10().floor().cast(_E) + 1).clip(1, 38)
    guess = guess + (x >= _pow10(guess)).cast(_E)
    out: pl.Series = (guess - (x < _pow10(guess - 1)).cast(_E)).clip(1, None)
    return out


def div(a: Num, b: Num, live: pl.Series | None) -> Num:
    """
    Return ``a / b`` as Decimal gives it with 28 digits: the exact quotient at the ideal exponent, or rounded half-even.

    This follows Decimal's own algorithm (one digit more than the precision,
    a sticky digit for what remains, then rounding); the long division runs
    in chunks, so no intermediate leaves Int128.
    """
    zero_b = b.c == 0
    _check(zero_b, live)  # the row engine raises: division by zero
    mag_a, mag_b = a.c.abs(), b.c.abs().zip_with(~zero_b, _ONE)
    # Trailing zeros of the divisor change neither the quotient nor the ideal exponent: drop them.
    eb = b.e
    for _ in range(_PREC):
        strip = mag_b % _TEN == 0
        if not strip.any():
            break
        mag_b = mag_b.zip_with(~strip, mag_b // _TEN)
        eb = eb + strip.cast(_E)
    len_b = _digits(mag_b)
    ideal = a.e - b.e
    shift = (len_b - _digits(mag_a) + (_PREC + 1)).clip(0, 60)
    # Long division in chunks, so that no intermediate leaves Int128: the remainder is below the
    # divisor (at most 28 digits), so each chunk may bring down 38 - len_b digits.
    coeff, rem = mag_a // mag_b, mag_a % mag_b
    left = shift
    while (left > 0).any():
        step = left.zip_with(left <= 38 - len_b, 38 - len_b)
        grow = _pow10(step)
        wide = rem * grow
        coeff, rem = coeff * grow + wide // mag_b, wide % mag_b
        left = left - step
    exp = a.e - eb - shift
    inexact = rem != 0
    coeff = coeff + (inexact & (coeff % _FIVE == 0)).cast(_I)  # the sticky digit
    # An exact quotient drops trailing zeros down to the ideal exponent: min(trailing zeros, ideal - exp)
    # of them, under 64, so taking 32, 16, 8, 4, 2 and 1 where each still fits removes exactly that many.
    exact = ~inexact & (coeff != 0)
    for k in (32, 16, 8, 4, 2, 1):
        room = exact & (exp + k <= ideal)
        if not room.any():
            continue
        unit = _POW10.gather([k])
        strip = room & (coeff % unit == 0)
        coeff = coeff.zip_with(~strip, coeff // unit)
        exp = exp + strip.cast(_E) * k
    # Round to 28 digits, half-even, as the context does.
    drop = (_digits(coeff) - _PREC).clip(0, 38)
    d = _pow10(drop)
    q, r = coeff // d, coeff % d
    q = q + ((r + r > d) | ((r + r == d) & (q % _TWO == 1))).cast(_I)
    carry = q >= _LIMIT
    q = q.zip_with(~carry, q // _TEN)
    exp = exp + drop + carry.cast(_E)
    zero_a = a.c == 0
    q = q.zip_with(~zero_a, _ZERO)
    exp = exp.zip_with(~zero_a, ideal)
    neg = a.negative() ^ b.negative()
    return Num(q.zip_with(~neg, _neg(q)), _exponents(exp, live), (q == 0) & neg)

"""
Rounding and division of decimal columns, exactly as :class:`decimal.Decimal` does them (see :mod:`.fixed`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import polars as pl

from .coeffs import (
    _E,
    _FIVE,
    _I,
    _J,
    _LIMIT,
    _ONE,
    _POW10,
    _PREC,
    _SMALL,
    _TEN,
    _ZERO,
    Num,
    _check,
    _context,
    _digits,
    _exponents,
    _fit,
    _lit,
    _neg,
    _pow10,
    _shift,
    _up,
    as_dtype,
    wide,
)

__all__ = ["div", "power_of_ten", "quantize"]


def _bump(mode: str, q: pl.Series, r: pl.Series, d: pl.Series, neg: pl.Series | None) -> pl.Series | None:
    # Whether rounding away the remainder r (of d) adds one to the magnitude q; None: never (round down).
    if mode == "down":
        return None
    if mode == "up":
        return r > 0
    if mode == "half_up":
        half: pl.Series = r + r >= d
        return half
    if mode == "half_even":
        even: pl.Series = (r + r > d) | ((r + r == d) & (q % _lit(2, q) == 1))
        return even
    if neg is None:  # no negative row: floor rounds down, ceiling up
        return None if mode == "floor" else r > 0
    return neg & (r > 0) if mode == "floor" else ~neg & (r > 0)


_OFFSET: dict[str, Callable[[int], int]] = {"down": lambda d: 0, "half_up": lambda d: d // 2, "up": lambda d: d - 1}
"""What to add to a magnitude before dividing by d (a power of ten above 1), for the modes that ignore the sign."""


def _quantize_uniform(a: Num, exp: int, mode: str, live: pl.Series | None, integral: bool, ea: int) -> Num:
    # Every row has exponent ea: the digits to drop (or zeros to add) are the same number for all.
    s = exp - ea
    if s <= 0:
        if integral:
            return a  # to_integral_value leaves it as it is
        # Zeros added: the value, its sign and its sign of zero are kept.
        lo, hi = a.bounds()
        bounds = (lo * 10**-s, hi * 10**-s)
        narrow = max(bounds[1], -bounds[0]) < _SMALL and -s <= 18
        c = _up(a, -s, live, _J if narrow else _I)
        if max(bounds[1], -bounds[0]) >= _LIMIT:
            _fit(c, live)  # quantize refuses (InvalidOperation) a result of more than 28 digits
        return Num(c, exp, a.nz, bounds)
    signless = a.signless()
    # Below 2**62 the magnitude, plus an offset or a remainder doubled (under 2 * 10**18), stays in Int64.
    c0 = as_dtype(a, _J) if s <= 18 and a.top() < _SMALL else wide(a.c)
    mag = c0 if signless else c0.abs()
    d = _lit(10**s, c0)
    if mode in _OFFSET:
        # Rounding the magnitude down, half up or up is one integer division: (mag + offset) // 10**s.
        offset = _OFFSET[mode](10**s)
        q = (mag + _lit(offset, c0)) // d if offset else mag // d
    else:
        q = mag // d
        bump = _bump(mode, q, mag % d, d, None if signless else c0 < 0)
        if bump is not None:
            q = q + bump.cast(q.dtype)
    top = a.top() // 10**s + 1
    if top >= _LIMIT:
        _fit(q, live)
    if signless:
        return Num(q, exp, None, (0, top))
    c = q.zip_with(c0 >= 0, _neg(q))
    return Num(c, exp, (c == 0) & a.negative(), (-top, top))


def quantize(a: Num, exp: int, mode: str, live: pl.Series | None, *, integral: bool = False) -> Num:
    """
    Return ``a.quantize(Decimal(10) ** exp, mode)``; with ``integral``, ``a.to_integral_value(mode)``.

    ``to_integral_value`` leaves a value whose exponent is 0 or more as it is.
    """
    ea = a.scale()
    if ea is not None and exp - ea <= 38:
        return _quantize_uniform(a, exp, mode, live, integral, ea)
    if not integral and ea is None:
        # The result's exponent is exp whatever each row's was: every row, brought exactly to the least
        # exponent, is rounded as a column of one exponent (when no coefficient can leave 38 digits so).
        least, most = a.e.min(), a.e.max()
        if isinstance(least, int) and isinstance(most, int) and exp - least <= 38:
            span = most - least
            lo, hi = a.bounds()
            if span <= 38 and max(hi, -lo) * 10**span < 10**38:
                bounds = (min(lo, lo * 10**span), max(hi, hi * 10**span))
                same = Num(wide(a.c) * _pow10(a.e - least), least, a.nz, bounds)
                return _quantize_uniform(same, exp, mode, live, integral, least)
    s = exp - a.e  # > 0: digits to drop; <= 0: zeros to add
    drop = s > 0
    ac = wide(a.c)  # (rows of other exponents: worked out in Int128)
    mag = ac.abs()
    d = _pow10(s)
    q, r = mag // d, mag % d
    neg = ac < 0
    bump = _bump(mode, q, r, d, neg)
    q2 = q if bump is None else q + bump.cast(_I)
    dropped = q2.zip_with(~neg, _neg(q2))
    if integral:
        keep = ~drop
        c = dropped.zip_with(drop, ac)
        e = pl.repeat(exp, len(a), dtype=_E, eager=True).zip_with(drop, a.e)
    else:
        live_pad = ~drop if live is None else live & ~drop
        padded = _shift(ac.zip_with(~drop, _ZERO), (-s).clip(0, None), live_pad)
        c = dropped.zip_with(drop, padded)
        e = pl.repeat(exp, len(a), dtype=_E, eager=True)
        keep = None
    # quantize refuses (InvalidOperation) a result of more than 28 digits; the row engine then raises.
    _fit(c, live)
    nz = (c == 0) & a.negative()
    if keep is not None and a.nz is not None:
        nz = nz | (keep & a.nz)
    return Num(c, e, nz)


def power_of_ten(b: Num) -> int | None:
    """
    Return ``t`` when ``b`` is a constant whose coefficient is ``10**t`` or ``-10**t`` (``/ 100``), else ``None``.
    """
    k = b._k
    if k is None or k == 0 or b.scale() is None:
        return None
    m, t = abs(k), 0
    while m % 10 == 0:
        m, t = m // 10, t + 1
    return t if m == 1 and t <= 38 else None


def _by_power_of_ten(a: Num, b: Num, t: int, live: pl.Series | None) -> Num:
    # a / (+-10**t at exponent eb) is exact: the coefficient is a's, at exponent ideal - t, with its trailing
    # zeros removed down to the ideal exponent (at most t of them; a zero takes the ideal exponent itself).
    eb = b.scale()
    assert eb is not None and b._k is not None
    ea = a.scale()
    ideal: pl.Series | int = a.e - eb if ea is None else ea - eb
    exp = ideal - t
    lo, hi = a.bounds()
    # Where the coefficients fit 64 bits (counts, amounts), the remainders are taken there: much cheaper.
    small = max(hi, -lo) < _SMALL and t <= 18
    c = as_dtype(a, _J) if small else wide(a.c)
    if t:
        work = c
        k = 1 << (t.bit_length() - 1)
        while k:
            room = exp + k <= ideal
            unit = pl.Series([10**k], dtype=work.dtype)
            strip = work % unit == 0
            if not isinstance(room, bool):
                strip = strip & room
            elif not room:
                k >>= 1
                continue
            work = work.zip_with(~strip, work // unit)
            exp = exp + strip.cast(_E) * k
            k >>= 1
        c = work
    e = _exponents(exp, live, len(a))
    if b._k > 0:
        return Num(c, e, a.nz, (min(lo, 0), max(hi, 0)))
    nz = (c == 0) if a.nz is None else (c == 0) & ~a.nz
    return Num(_neg(c), e, nz, (min(-hi, 0), max(-lo, 0)))


def div(a: Num, b: Num, live: pl.Series | None) -> Num:
    """
    Return ``a / b`` as Decimal gives it with 28 digits: the exact quotient at the ideal exponent, or rounded half-even.

    This follows Decimal's own algorithm (one digit more than the precision,
    a sticky digit for what remains, then rounding); the long division runs
    in chunks, so no intermediate leaves Int128.  A divisor that is a constant power of ten (``/ 100``)
    only moves the point: no long division at all.
    """
    t = power_of_ten(b)
    if t is not None and a.top() < _LIMIT:
        return _by_power_of_ten(a, b, t, live)
    zero_b = b.c == 0
    _check(zero_b, live)  # the row engine raises: division by zero
    # The long division works in Int128 (its intermediates reach 38 digits).
    mag_a, mag_b = wide(a.c).abs(), wide(b.c).abs().zip_with(~zero_b, _ONE)
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
        spread = rem * grow
        coeff, rem = coeff * grow + spread // mag_b, spread % mag_b
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
    q, rounded = _context(coeff, exp)  # round to 28 digits, half-even, as the context does
    exp = cast(pl.Series, rounded)  # a column of exponents in, a column out
    zero_a = a.c == 0
    q = q.zip_with(~zero_a, _ZERO)
    exp = exp.zip_with(~zero_a, ideal)
    e = _exponents(exp, live, len(q))
    if a.signless() and b.signless():
        return Num(q, e)  # no sign anywhere: no negative quotient, no negative zero
    neg = a.negative() ^ b.negative()
    return Num(q.zip_with(~neg, _neg(q)), e, (q == 0) & neg)

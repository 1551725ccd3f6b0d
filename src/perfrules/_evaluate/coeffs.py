"""
The column of decimals the columnar engine computes with, and the exact-range checks every operation shares.

A :class:`Num` holds what Decimal holds for each row: a coefficient (Int64
where the bounds prove every one below 2**62, else Int128), an exponent and
where the value is a negative zero.  Most columns have one
exponent for every row (a count, an amount read with its places, a rounded
value, a constant): such a column keeps that exponent as one Python ``int``
(``exp``), and the arithmetic of :mod:`.fixed` then aligns, rounds and checks
with scalars instead of a column of exponents.  A column also remembers
bounds of its coefficients (``lo``, ``hi``: exact when measured, safe outer
bounds when derived), so that a check whose answer the bounds already give —
no value near 28 digits, no negative value — costs nothing.  Where exponents
differ from row to row, ``e`` is a column; reading ``e`` always gives one.

Int64 arithmetic costs a half to a third of Int128's (and half the memory),
but polars wraps an Int64 that overflows without a word.  So a coefficient
column is Int64 only while its bounds prove every value below 2**62 in
magnitude, and an operation works in Int64 only when the bounds of its
operands and of its result all do (see :func:`narrow`); everything else is
cast to Int128 first.  The headroom of one bit below Int64's 2**63 leaves the
intermediates of rounding room: a remainder doubled, a magnitude plus half a
power of ten (below 10**18), a sum of two narrow operands.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

__all__ = ["Limit", "Num", "as_dtype", "narrow", "small", "wide"]

DType = type[pl.Int64] | type[pl.Int128]
"""The two coefficient types."""
_I: DType = pl.Int128
_J: DType = pl.Int64
_SMALL = 2**62
"""A coefficient column is held as Int64 (``_J``) only while its bounds prove every magnitude below this."""
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
_EMPTY = pl.Series([], dtype=_I)
_EXP_RANGE = (-99, 72)
"""Exponents far from zero are where a Decimal context's limits (Emin, Emax, subnormal rounding) may act."""


class Limit(Exception):
    """
    A value the columnar engine cannot hold exactly, at the ``rows`` marked True.
    """

    def __init__(self, rows: pl.Series) -> None:
        super().__init__("value beyond the exact range of the columnar engine")
        self.rows = rows


class Num:
    """
    A column of decimals: coefficient ``c`` (Int64 or Int128), exponent ``e`` (Int32, or one ``int``), ``nz`` (-0).

    ``e`` may be given as an ``int``: every row then has that exponent, kept
    as ``exp`` (``None`` when the rows differ, or are not yet looked at).
    ``bounds`` (``lo``, ``hi``), when given, must hold every coefficient.
    ``c`` may be Int64 only when every magnitude is below 2**62; it may be
    turned into Int64 later (the same values) when the bounds allow: read
    its dtype, or cast, where two columns meet.
    """

    __slots__ = ("_bounds", "_c", "_e", "_k", "_looked", "_measured", "_n", "coded", "exp", "nz")

    def __init__(
        self,
        c: pl.Series,
        e: pl.Series | int,
        nz: pl.Series | None = None,
        bounds: tuple[int, int] | None = None,
    ) -> None:
        self._c, self.nz, self._bounds = c, nz, bounds
        self._measured = bounds is None  # bounds given are derived (safe, maybe loose); measured ones are exact
        self._k: int | None = None  # a constant's coefficient (its column is made only when read)
        self._n = len(c)
        # (values, index): every row is ``values`` at its index (see .domains), or None.
        self.coded: tuple[Num, pl.Series] | None = None
        if isinstance(e, int):
            self.exp: int | None = e
            self._e: pl.Series | None = None
            self._looked = True
        else:
            self.exp, self._e, self._looked = None, e, False

    @classmethod
    def constant(cls, k: int, exp: int, n: int) -> Num:
        """
        Return ``n`` rows of the coefficient ``k`` at exponent ``exp``, the column made only when read.
        """
        out = cls(_EMPTY, exp, None, (k, k))
        out._k, out._n, out._measured = k, n, True
        return out

    def __len__(self) -> int:
        return self._n

    @property
    def c(self) -> pl.Series:
        """The coefficient of each row, as a column."""
        if self._c is _EMPTY and self._k is not None:
            self._c = pl.repeat(self._k, self._n, dtype=_dtype(abs(self._k)), eager=True)
        return self._c

    def one(self, dtype: DType | None = None) -> pl.Series:
        """
        Return the coefficients as a column, or a constant's as one value (polars broadcasts it), as ``dtype``.
        """
        if self._k is not None:
            return pl.Series([self._k], dtype=dtype or _dtype(abs(self._k)))
        return self.c if dtype is None else as_dtype(self, dtype)

    @property
    def e(self) -> pl.Series:
        """The exponent of each row, as a column."""
        if self._e is None:
            assert self.exp is not None
            self._e = pl.repeat(self.exp, self._n, dtype=_E, eager=True)
        return self._e

    def scale(self) -> int | None:
        """
        Return the exponent every row has, or ``None`` when rows differ (looked at once, then remembered).
        """
        if not self._looked:
            # The exponent is set before the column is marked looked at: another thread (see .colsched) that
            # reads this column meanwhile looks again, and never takes "not looked yet" for "rows differ".
            lo, hi = self.e.min(), self.e.max()
            if isinstance(lo, int) and lo == hi:
                self.exp = lo
            self._looked = True
        return self.exp

    def bounds(self) -> tuple[int, int]:
        """
        Return ``(lo, hi)``: no coefficient is below ``lo`` or above ``hi`` (measured once, then remembered).
        """
        if self._bounds is None:
            lo, hi = self.c.min(), self.c.max()
            self._bounds = (lo, hi) if isinstance(lo, int) and isinstance(hi, int) else (0, 0)
        return self._bounds

    def top(self) -> int:
        """
        Return a bound of every coefficient's magnitude.
        """
        lo, hi = self.bounds()
        return max(hi, -lo)

    def signless(self) -> bool:
        """
        Return whether no row is negative (nor a negative zero); derived bounds that allow one are measured.
        """
        if self.nz is not None:
            return False
        if self.bounds()[0] >= 0:
            return True
        if not self._measured:
            self._bounds, self._measured = None, True
            return self.bounds()[0] >= 0
        return False

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
        exp = pl.lit(str(self.exp)) if self.exp is not None else pl.lit(self.e).cast(pl.String)
        text = pl.select(sign + pl.lit(self.c).cast(pl.String) + "E" + exp).to_series()
        # Amounts repeat (points, bands, rounded pay): each distinct text is read once, and shared.
        distinct = text.unique()
        if len(distinct) * 4 > len(text):
            return list(map(Decimal, text.to_list()))
        words = distinct.to_list()
        return list(map(dict(zip(words, map(Decimal, words), strict=True)).__getitem__, text.to_list()))


def _dtype(top: int) -> DType:
    # The coefficient type for magnitudes of at most ``top``.
    return _J if top < _SMALL else _I


def small(*nums: Num) -> bool:
    """
    Return whether the bounds of every column in ``nums`` prove each coefficient's magnitude below 2**62.
    """
    return all(x.top() < _SMALL for x in nums)


def narrow(*nums: Num, result: tuple[int, int] | None = None) -> DType:
    """
    Return the dtype an operation on ``nums`` works in: Int64 when their bounds and the ``result``'s allow.
    """
    if result is not None and max(result[1], -result[0]) >= _SMALL:
        return _I
    return _J if small(*nums) else _I


def as_dtype(a: Num, dtype: DType) -> pl.Series:
    """
    Return ``a``'s coefficients as ``dtype`` (Int64 only when ``a``'s bounds prove it holds them).

    A column turned into Int64 is kept so: every later reading is cheaper.
    """
    c = a.c
    if c.dtype == dtype:
        return c
    if dtype == _I:
        return wide(c)
    assert dtype == _J and a.top() < _SMALL
    # The bounds prove every value fits: the unchecked cast is exact.
    out: pl.Series = c.cast(_J, wrap_numerical=True)
    a._c = out
    return out


def wide(c: pl.Series) -> pl.Series:
    """
    Return the coefficient column ``c`` as Int128.
    """
    # Widening never wraps: the unchecked cast only skips a check that cannot fail.
    out: pl.Series = c if c.dtype == _I else c.cast(_I, wrap_numerical=True)
    return out


def _lit(k: int, like: pl.Series) -> pl.Series:
    # The integer k as one value of ``like``'s dtype (broadcast by polars).
    return pl.Series([k], dtype=like.dtype)


def _neg(c: pl.Series) -> pl.Series:
    # Int128 has no unary minus in polars; subtracting from zero is the same.
    out: pl.Series = _lit(0, c) - c
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


def _unit(k: int) -> pl.Series:
    # 10**k as one Int128 value, broadcast over a column (0 <= k <= 38).
    return _POW10.slice(k, 1)


def _exponents(e: pl.Series | int, live: pl.Series | None, n: int) -> pl.Series | int:
    # -99..72 keeps any value of up to 28 digits inside -99..99, so refusing beyond it never hides an error.
    if isinstance(e, int):
        if _EXP_RANGE[0] <= e <= _EXP_RANGE[1]:
            return e
        _check(pl.repeat(True, n, eager=True), live)
        return e
    _check((e < _EXP_RANGE[0]) | (e > _EXP_RANGE[1]), live)
    return e


def _fit(c: pl.Series, live: pl.Series | None) -> pl.Series:
    if c.dtype == _I:  # (an Int64 column holds magnitudes below 2**62: far from the limit)
        _check(c.abs() >= _LIMIT, live)
    return c


def _digits(x: pl.Series) -> pl.Series:
    # How many digits a non-negative coefficient has (0 counts as one digit).
    # The float logarithm only guesses; two exact comparisons with powers of ten settle it.
    guess = (x.cast(pl.Float64).clip(1.0, None).log10().floor().cast(_E) + 1).clip(1, 38)
    guess = guess + (x >= _pow10(guess)).cast(_E)
    out: pl.Series = (guess - (x < _pow10(guess - 1)).cast(_E)).clip(1, None)
    return out


def _context(c: pl.Series, e: pl.Series | int) -> tuple[pl.Series, pl.Series | int]:
    # An exact result of more than 28 digits is rounded half-even to 28, as the Decimal context does.
    if c.dtype != _I:
        return c, e  # an Int64 column holds magnitudes below 2**62: fewer than 20 digits
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
    c = wide(c)
    bad = (c != 0) & ((s > 38) | (c.abs() >= _pow10(38 - s.clip(0, 38))))
    _check(bad, live)
    out: pl.Series = c.zip_with(~bad, _ZERO) * _pow10(s)
    return out


def _up(a: Num, s: int, live: pl.Series | None, dtype: DType, *, one: bool = False) -> pl.Series:
    # a's coefficients times 10**s (s >= 0, the same for every row): no check when the bounds allow it.
    # With ``one``, a constant is given as one value, which polars broadcasts.  ``dtype``: the type to
    # work in, Int64 only when the caller's bounds prove a.top() * 10**s below 2**62.
    k = a._k
    if one and k is not None and s <= 38 and abs(k) * 10**s < 10**38:
        return pl.Series([k * 10**s], dtype=dtype)
    if s == 0:
        return as_dtype(a, dtype)
    if s <= 38 and a.top() * 10**s < 10**38:
        c = as_dtype(a, dtype)
        out: pl.Series = c * _lit(10**s, c)
        return out
    return _shift(a.c, pl.repeat(s, len(a), dtype=_E, eager=True), live)

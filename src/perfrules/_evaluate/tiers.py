"""
Tier bands of a number column: how many of a table's cuts lie at or below (or below) each row's value.

A column of few distinct values (``Num.coded``, see :mod:`.domains`) is cut
once per distinct value; a column of one exponent is compared with each cut
as one number; any other column through :func:`.fixed.compare`.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from .coeffs import _I, _J, _SMALL, Limit, Num, as_dtype
from .fixed import compare, const

__all__ = ["bands"]


def bands(x: Num, cuts: tuple[Decimal, ...], side: str, live: pl.Series | None) -> pl.Series:
    """
    Return each row's band: how many ``cuts`` are at or below ``x`` (``side == "right"``) or below it.
    """
    op = "<=" if side == "right" else "<"
    if x.coded is not None:
        small, idx = x.coded
        try:
            return _bands(small, cuts, op, None).gather(idx)
        except Limit:
            pass  # the full computation names the rows it refuses
    return _bands(x, cuts, op, live)


def _bands(x: Num, cuts: tuple[Decimal, ...], op: str, live: pl.Series | None) -> pl.Series:
    n = len(x)
    at = pl.repeat(0, n, dtype=pl.UInt32, eager=True)
    for cut in cuts:
        # bisect_right counts the cuts <= x; bisect_left those < x.
        held = _beyond(x, cut, op)
        at = at + (compare(const(cut, n), x, op, live) if held is None else held).cast(pl.UInt32)
    return at


def _beyond(x: Num, cut: Decimal, op: str) -> pl.Series | None:
    # ``cut op x`` for a column of one exponent: the cut, brought to the smaller exponent, is one number.
    ex = x.scale()
    sign, digits, ec = cut.as_tuple()
    if ex is None or not isinstance(ec, int):
        return None
    k = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    e = min(ex, ec)
    shift = ex - e
    if shift > 38 or x.top() * 10**shift >= 10**38 or abs(k) * 10 ** (ec - e) >= 10**38:
        return None
    kk = k * 10 ** (ec - e)
    # Int64 when both sides, once aligned, are below 2**62 (see .coeffs); else both Int128.
    # (A shift of more than 18 places would need a power of ten beyond Int64, even for a column of zeros.)
    dtype = _J if max(x.top() * 10**shift, abs(kk)) < _SMALL and shift <= 18 else _I
    xc = as_dtype(x, dtype)
    if shift:
        xc = xc * pl.Series([10**shift], dtype=dtype)
    kc = pl.Series([kk], dtype=dtype)
    held: pl.Series = xc > kc if op == "<" else xc >= kc
    return held

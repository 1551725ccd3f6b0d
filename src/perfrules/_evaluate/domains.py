"""
Division and tier bands over few distinct arguments: computed once per distinct pair, then spread by index.

Exact division (:func:`.quotient.div`) takes some sixty column operations.
When both operands are whole columns of one exponent each whose bounds leave
at most half as many possible pairs as rows (counts: buyers of at most
400 inquiries), the division runs once per distinct pair of the live rows
and each row takes its pair's quotient by index.  The quotient keeps that
index (``Num.coded``), so the tier bands a table cuts it into are found on
the distinct quotients too (:mod:`.tiers`).  Every value is the one the full computation
gives, exponent and sign of zero included; wherever the small computation
would refuse anything, the full one runs instead and refuses, naming the
rows, as before.
"""

from __future__ import annotations

import polars as pl

from .coeffs import Limit, Num, _dtype
from .quotient import div as _div
from .quotient import power_of_ten

__all__ = ["div"]

_SMALL = 2
"""A pair of operands is computed per distinct pair when its possible pairs are at most half the rows."""


def _domain(a: Num, b: Num, n: int) -> tuple[int, int, int, int] | None:
    # (la, lb, width, size) of the pairs' key space, when it is small enough; else None.
    if n < 64 or a.nz is not None or b.nz is not None or a.scale() is None or b.scale() is None:
        return None
    (la, ha), (lb, hb) = a.bounds(), b.bounds()
    width = hb - lb + 1
    size = (ha - la + 1) * width
    return (la, lb, width, size) if size * _SMALL <= n else None


def div(a: Num, b: Num, live: pl.Series | None) -> Num:
    """
    Return ``a / b`` as :func:`.quotient.div` gives it, once per distinct pair when the pairs are few.
    """
    n = len(a)
    # A constant power of ten only moves the point (.quotient): cheaper than any index.
    domain = None if power_of_ten(b) is not None else _domain(a, b, n)
    if domain is None:
        return _div(a, b, live)
    la, lb, width, size = domain
    # Both offsets fit in 64 bits (the key space is at most half the rows): the key is worked out there.
    # (Each bound is one of its column's values, or within its range: of its column's dtype.)
    ka = (a.c - pl.Series([la], dtype=a.c.dtype)).cast(pl.Int64)
    key = ka * width + (b.c - pl.Series([lb], dtype=b.c.dtype)).cast(pl.Int64)
    wanted = key if live is None else key.filter(live)
    distinct = wanted.unique()
    if not len(distinct):
        return _div(a, b, live)
    ea, eb = a.scale(), b.scale()
    assert ea is not None and eb is not None
    da, db = _dtype(a.top()), _dtype(b.top())
    pa = Num((distinct // width).cast(da) + pl.Series([la], dtype=da), ea, None, a.bounds())
    pb = Num((distinct % width).cast(db) + pl.Series([lb], dtype=db), eb, None, b.bounds())
    try:
        small = _div(pa, pb, None)
    except Limit:
        return _div(a, b, live)  # the full computation names the rows it refuses
    # Each key's position among the distinct pairs; rows that are not live take the first (a placeholder).
    at = pl.repeat(0, size, dtype=pl.UInt32, eager=True).scatter(
        distinct, pl.int_range(len(distinct), dtype=pl.UInt32, eager=True)
    )
    return _spread(small, at.gather(key))


def _spread(small: Num, idx: pl.Series) -> Num:
    exp = small.scale()
    out = Num(
        small.c.gather(idx),
        small.e.gather(idx) if exp is None else exp,
        None if small.nz is None or not small.nz.any() else small.nz.gather(idx),
        small.bounds(),
    )
    out.coded = (small, idx)
    return out

"""
Closed intervals of Decimals with open ends, and the arithmetic the bounds analysis needs.

``None`` stands for an end that is not bounded (minus or plus infinity).
Every operation rounds like the engine does (the same Decimal context):
rounding is monotone, so a bound computed from the ends holds for every
value in between.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_EVEN, Context, Decimal

import attrs

__all__ = ["ANY", "CONTEXT", "ListRange", "Range", "exact", "hull", "monotone", "number_text"]

#: The engine's precision and rounding, so bounds round as the engine does, but nothing trapped: an end
#: that overflows becomes an open end instead of an error.
CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN, Emin=-999_999, Emax=999_999, traps=[])

_ZERO = Decimal(0)


def _finite(x: Decimal | None) -> Decimal | None:
    # An end that overflowed (or is not a number) bounds nothing: it is an open end, which is only wider.
    return x if x is None or x.is_finite() else None


@attrs.frozen(slots=True)
class Range:
    """
    The values a number can take: ``lo <= x <= hi``; ``None`` for an end without a bound.
    """

    lo: Decimal | None = attrs.field(default=None, converter=_finite)
    hi: Decimal | None = attrs.field(default=None, converter=_finite)

    @property
    def bounded(self) -> bool:
        """Whether both ends are bounded."""
        return self.lo is not None and self.hi is not None

    def __contains__(self, x: object) -> bool:
        if not isinstance(x, Decimal):
            return False
        return (self.lo is None or x >= self.lo) and (self.hi is None or x <= self.hi)

    def text(self) -> str:
        """Return the range as ``[lo, hi]``, ``-inf``/``+inf`` for an unbounded end."""
        lo = "-inf" if self.lo is None else number_text(self.lo)
        hi = "+inf" if self.hi is None else number_text(self.hi)
        return f"[{lo}, {hi}]"

    def meet(self, other: Range) -> Range | None:
        """Return the values in both ranges, or ``None`` when they share none."""
        lo = _pick(max, self.lo, other.lo)
        hi = _pick(min, self.hi, other.hi)
        if lo is not None and hi is not None and lo > hi:
            return None
        return Range(lo, hi)

    def __neg__(self) -> Range:
        return Range(None if self.hi is None else -self.hi, None if self.lo is None else -self.lo)

    def __add__(self, other: Range) -> Range:
        lo = None if self.lo is None or other.lo is None else self.lo + other.lo
        hi = None if self.hi is None or other.hi is None else self.hi + other.hi
        return Range(lo, hi)

    def __sub__(self, other: Range) -> Range:
        return self + (-other)

    def __mul__(self, other: Range) -> Range:
        return _corners(self, other, _times)

    def __truediv__(self, other: Range) -> Range:
        # Only when no divisor can be zero: near zero a quotient has no bound.
        if (other.lo is not None and other.lo > 0) or (other.hi is not None and other.hi < 0):
            return _corners(self, other, _over)
        return ANY


ANY = Range()
"""Any number at all: what the analysis says when it cannot say more."""


@attrs.frozen(slots=True)
class ListRange:
    """
    The values a list can take: each item within ``items``, its length within ``size``.
    """

    items: Range = ANY
    size: Range = Range(_ZERO, None)


def number_text(x: Decimal) -> str:
    """Return ``x`` written out in full, or in scientific notation when that would take more than 24 digits."""
    return str(x) if abs(x.adjusted()) > 24 else format(x, "f")


def exact(x: Decimal) -> Range:
    """Return the range holding only ``x``."""
    return Range(x, x)


def hull(ranges: Iterable[Range]) -> Range:
    """Return the smallest range holding every given range (ANY when none is given: nothing is known)."""
    found = list(ranges)
    if not found:
        return ANY
    lo: Decimal | None = found[0].lo
    hi: Decimal | None = found[0].hi
    for r in found[1:]:
        lo = None if lo is None or r.lo is None else min(lo, r.lo)
        hi = None if hi is None or r.hi is None else max(hi, r.hi)
    return Range(lo, hi)


def monotone(
    fn: Callable[[Decimal], Decimal],
    r: Range,
    *,
    rising: bool = True,
    low: Decimal | None = None,
    high: Decimal | None = None,
) -> Range:
    """
    Return the range of a monotone ``fn`` over ``r``; ``low``/``high``: its limits at -inf/+inf (None: none).
    """
    at_lo = low if r.lo is None else fn(r.lo)
    at_hi = high if r.hi is None else fn(r.hi)
    return Range(at_lo, at_hi) if rising else Range(at_hi, at_lo)


def _pick(fn: Callable[[Decimal, Decimal], Decimal], a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None:
        return b
    if b is None:
        return a
    return fn(a, b)


# While corners are multiplied, an unbounded end is a signed infinity.
_INF = Decimal("Infinity")


def _ends(r: Range) -> tuple[Decimal, Decimal]:
    return (-_INF if r.lo is None else r.lo, _INF if r.hi is None else r.hi)


def _times(a: Decimal, b: Decimal) -> Decimal | None:
    # 0 times an unbounded end is 0: a closed range holds 0 itself, times any finite number.
    if a == 0 or b == 0:
        return _ZERO
    return a * b


def _over(a: Decimal, b: Decimal) -> Decimal | None:
    if a.is_infinite() and b.is_infinite():
        return None  # no limit there; the other corners bound the quotient (it is monotone in each argument)
    q = a / b
    return _ZERO if q == 0 else q


def _corners(x: Range, y: Range, op: Callable[[Decimal, Decimal], Decimal | None]) -> Range:
    values = [v for a in _ends(x) for b in _ends(y) if (v := op(a, b)) is not None]
    lo, hi = min(values), max(values)
    return Range(None if lo.is_infinite() else lo, None if hi.is_infinite() else hi)

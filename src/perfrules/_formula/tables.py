"""
Tier tables compiled to a bisect over their boundary values.

The number line is cut at every distinct bound ``b1 < b2 < ... < bn`` into
``2n + 1`` pieces: the open stretches between bounds and the bounds
themselves.  At compile time each piece gets the band that owns it (the first
listed band for ``match: first``), so a lookup is one bisect, one equality test
and one list index, whatever the inclusiveness of each bound.  The same
analysis finds gaps (pieces no band owns) and overlaps (pieces two bands own)
for the checker.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TypeVar

import attrs

from .._model import Tier, TierTable

__all__ = ["Lookup", "NoTier", "Piece", "analyse", "compile_table", "orient"]

_TWO = Decimal(2)
_ONE = Decimal(1)


class NoTier(ArithmeticError):
    """
    Raised by a lookup for a value that no band holds and the table has no ``otherwise``.
    """

    def __init__(self, table: str, value: Decimal) -> None:
        super().__init__(f"value {value} is in no tier of table {table!r}")
        self.table, self.value = table, value


@attrs.frozen
class Piece:
    """
    One stretch of the number line: its text, a sample value, and the bands (by index) that hold it.
    """

    text: str
    sample: Decimal
    owners: tuple[int, ...]
    lo: Decimal | None = None
    hi: Decimal | None = None

    @property
    def point(self) -> bool:
        """
        Whether the piece is a single bound value rather than an open stretch.
        """
        return self.lo is not None and self.lo == self.hi


def _pieces(tiers: Sequence[Tier]) -> tuple[list[Decimal], list[Piece]]:
    cuts = sorted({b.value for t in tiers for b in (t.lower, t.upper) if b is not None})
    pieces: list[Piece] = []
    for i in range(len(cuts) + 1):
        lo = cuts[i - 1] if i > 0 else None
        hi = cuts[i] if i < len(cuts) else None
        if lo is None and hi is None:
            sample, text = Decimal(0), "any value"
        elif lo is None:
            assert hi is not None
            sample, text = hi - _ONE, f"< {hi}"
        elif hi is None:
            sample, text = lo + _ONE, f"> {lo}"
        else:
            sample, text = (lo + hi) / _TWO, f"({lo}, {hi})"
        pieces.append(Piece(text, sample, tuple(k for k, t in enumerate(tiers) if t.contains(sample)), lo, hi))
        if hi is not None:
            pieces.append(Piece(f"= {hi}", hi, tuple(k for k, t in enumerate(tiers) if t.contains(hi)), hi, hi))
    return cuts, pieces


def analyse(table: TierTable) -> list[Piece]:
    """
    Return every piece of the number line with the bands that hold it.

    A piece with no owner between owned pieces is a gap; one with two or more
    owners is an overlap.
    """
    return _pieces(table.tiers)[1]


@attrs.frozen
class Lookup:
    """
    A compiled tier table: call it with a Decimal to get the band's points.
    """

    name: str
    cuts: tuple[Decimal, ...]
    bands: tuple[int | None, ...]
    values: tuple[Decimal | None, ...]
    labels: tuple[str | None, ...]
    tiers: tuple[Tier, ...]
    otherwise: Decimal | None
    fn: Callable[[Decimal], Decimal] = attrs.field(eq=False, repr=False)
    """The same lookup as a plain closure: what compiled formulas call."""
    oriented: tuple[str, tuple[Decimal, ...], tuple[Decimal, ...]] | None = attrs.field(default=None, eq=False)
    """``(side, cuts, points)`` when one bisect on ``side`` (``left`` or ``right``) picks the band."""
    labels_oriented: tuple[str, tuple[Decimal, ...], tuple[str | None, ...]] | None = attrs.field(
        default=None, eq=False
    )
    """``(side, cuts, labels)`` when one bisect picks the band's label (grades)."""

    def index(self, x: Decimal) -> int | None:
        """
        Return the index of the band that holds ``x`` (``None`` in a gap).
        """
        i = bisect_left(self.cuts, x)
        piece = 2 * i + 1 if i < len(self.cuts) and self.cuts[i] == x else 2 * i
        return self.bands[piece]

    def __call__(self, x: Decimal) -> Decimal:
        """
        Return the points of the band that holds ``x``.
        """
        return self.fn(x)

    def label(self, x: Decimal) -> str | None:
        """
        Return the label (grade) of the band that holds ``x``, or ``None`` in a gap.
        """
        k = self.index(x)
        return None if k is None else self.labels[k]


T = TypeVar("T")


def orient(cuts: Sequence[Decimal], values: Sequence[T | None]) -> tuple[str, tuple[T, ...]] | None:
    """
    Return ``(side, per_stretch)`` when one bisect on ``side`` finds the value of any x, else ``None``.

    ``values`` holds one value per piece (stretches and bound points
    alternating).  ``right``: every bound value is that of the stretch above
    it (``[a, b)`` tables); ``left``: that of the stretch below (``(a, b]``).
    Then no equality test is needed.  A gap (``None``) rules it out.
    """
    if any(v is None for v in values):
        return None
    stretches, points = values[0::2], values[1::2]
    found = tuple(v for v in stretches if v is not None)
    if all(points[i] == stretches[i + 1] for i in range(len(cuts))):
        return "right", found
    if all(points[i] == stretches[i] for i in range(len(cuts))):
        return "left", found
    return None


def _closure(
    name: str,
    cuts: tuple[Decimal, ...],
    values: tuple[Decimal | None, ...],
    oriented: tuple[str, tuple[Decimal, ...]] | None,
) -> Callable[[Decimal], Decimal]:
    # Everything the lookup needs is bound as a local: this runs once per
    # employee per table, so attribute look-ups would be most of its cost.
    n = len(cuts)
    if oriented is not None:
        side, stretches = oriented
        if side == "right":
            return lambda x, _br=bisect_right: stretches[_br(cuts, x)]  # type: ignore[misc]
        return lambda x, _bl=bisect_left: stretches[_bl(cuts, x)]  # type: ignore[misc]
    if all(v is not None for v in values):
        full = tuple(v for v in values if v is not None)

        def lookup(x: Decimal, _bl: Callable[..., int] = bisect_left) -> Decimal:
            i = _bl(cuts, x)
            if i < n and cuts[i] == x:
                return full[2 * i + 1]
            return full[2 * i]

        return lookup

    def lookup_with_gaps(x: Decimal, _bl: Callable[..., int] = bisect_left) -> Decimal:
        i = _bl(cuts, x)
        value = values[2 * i + 1 if i < n and cuts[i] == x else 2 * i]
        if value is None:
            raise NoTier(name, x)
        return value

    return lookup_with_gaps


def compile_table(table: TierTable) -> Lookup:
    """
    Compile ``table`` into a :class:`Lookup`; the first owner wins each piece.
    """
    cuts, pieces = _pieces(table.tiers)
    bands = tuple(p.owners[0] if p.owners else None for p in pieces)
    values = tuple(None if b is None else table.tiers[b].points for b in bands)
    labels = tuple(t.label for t in table.tiers)
    filled = values if table.otherwise is None else tuple(table.otherwise if v is None else v for v in values)
    found = orient(cuts, filled)
    fn = _closure(table.name, tuple(cuts), filled, found)
    oriented = None if found is None else (found[0], tuple(cuts), found[1])
    by_band = orient(cuts, bands)
    labelled = None if by_band is None else (by_band[0], tuple(cuts), tuple(labels[k] for k in by_band[1]))
    return Lookup(table.name, tuple(cuts), bands, values, labels, table.tiers, table.otherwise, fn, oriented, labelled)

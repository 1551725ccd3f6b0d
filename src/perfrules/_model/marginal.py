"""
Accelerators: marginal tier tables, where each band pays its own rate on the part of a value inside it.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from . import validators as v
from .elements import Rounding

__all__ = ["Accelerator", "RateBand"]


@attrs.frozen
class RateBand:
    """
    One band of an accelerator: the part of the value from ``start`` up to ``end`` earns ``rate`` per unit.

    ``end`` is ``None`` for the last, open-ended band.  Bands of one
    accelerator follow each other without gaps or overlaps: each band's
    ``start`` is the previous band's ``end``.
    """

    start: Decimal = attrs.field(converter=v.exact, validator=v.decimal)
    rate: Decimal = attrs.field(converter=v.exact, validator=v.decimal)
    end: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)


@attrs.frozen
class Accelerator:
    """
    A marginal ("accelerator") tier table: the value of ``input`` paid band by band, each slice at its band's rate.

    A value of 150,000 over the bands ``0-100,000 at 0.0005`` and ``100,000
    and above at 0.001`` earns 100,000 × 0.0005 + 50,000 × 0.001 = 100; a step
    table would pay the whole value at the rate of the band it falls in.  The
    part of a value below the first band's ``start`` earns nothing.  The total
    is kept within ``cap`` when given, then rounded by ``rounding`` (default:
    the scheme's ``money``).  Formulas read the result by the accelerator's name.
    """

    name: str = attrs.field(validator=v.identifier)
    input: str
    tiers: tuple[RateBand, ...] = attrs.field(validator=attrs.validators.min_len(1))
    cap: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    rounding: Rounding | None = None
    label: str | None = None

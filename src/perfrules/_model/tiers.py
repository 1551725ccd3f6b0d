"""
Tier tables: bands with explicit bounds that turn a value into points, a rate or a label.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Literal

import attrs

from . import validators as v

__all__ = ["Bound", "Column", "Direction", "Match", "Tier", "TierTable", "parse_range"]

Direction = Literal["higher_is_better", "lower_is_better"]
Match = Literal["unique", "first"]


@attrs.frozen
class Bound:
    """
    One end of a tier: a value and whether the value itself belongs to the tier.
    """

    value: Decimal = attrs.field(validator=v.decimal)
    inclusive: bool = attrs.field(validator=attrs.validators.instance_of(bool))


@attrs.frozen
class Column:
    """
    A value a grade band carries besides its label (a pay percentage, a bonus): ``values: {pay_pct: 1.2}``.
    """

    name: str = attrs.field(validator=v.identifier)
    value: Decimal = attrs.field(validator=v.decimal)


@attrs.frozen
class Tier:
    """
    One band of a tier table.

    ``lower`` or ``upper`` is ``None`` for an open end.  A band yields ``points``
    (a number: points, a rate, a coefficient) or ``label`` (a grade), or both.
    A grade band may carry named ``values`` too (columns of the grade table),
    which formulas read as ``grade_<name>``.
    """

    lower: Bound | None = None
    upper: Bound | None = None
    points: Decimal | None = attrs.field(default=None, validator=v.optional_decimal)
    label: str | None = None
    values: tuple[Column, ...] = attrs.field(default=(), metadata={"keyed": "name", "kind": "value"})

    def __attrs_post_init__(self) -> None:
        lo, hi = self.lower, self.upper
        if (
            lo is not None
            and hi is not None
            and (lo.value > hi.value or (lo.value == hi.value and not (lo.inclusive and hi.inclusive)))
        ):
            raise ValueError(f"tier range {self.range_text()} is empty: lower bound must be below upper")

    def contains(self, x: Decimal) -> bool:
        """
        Return whether ``x`` lies inside this band, honouring each bound's inclusiveness.
        """
        lo, hi = self.lower, self.upper
        if lo is not None and (x < lo.value or (x == lo.value and not lo.inclusive)):
            return False
        return not (hi is not None and (x > hi.value or (x == hi.value and not hi.inclusive)))

    def range_text(self) -> str:
        """
        Return the band in the scheme-file notation: ``[0.65, 0.75)``, ``>= 0.75``, ``< 0.5``.
        """
        lo, hi = self.lower, self.upper
        if lo is None and hi is None:
            return "any"
        if lo is None:
            assert hi is not None
            return f"{'<=' if hi.inclusive else '<'} {hi.value}"
        if hi is None:
            return f"{'>=' if lo.inclusive else '>'} {lo.value}"
        return f"{'[' if lo.inclusive else '('}{lo.value}, {hi.value}{']' if hi.inclusive else ')'}"


_NUM = r"\s*([-+]?(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*"
_INTERVAL = re.compile(rf"^\s*([\[(]){_NUM},{_NUM}([\])])\s*$")
_HALF = re.compile(rf"^\s*(>=|>|<=|<|==){_NUM}$")


def parse_range(text: str) -> tuple[Bound | None, Bound | None]:
    """
    Parse the range notation of scheme files into its two bounds.

    Accepted forms: ``[a, b)``, ``(a, b]``, ``[a, b]``, ``(a, b)``, ``>= a``,
    ``> a``, ``<= b``, ``< b``, ``== a`` and ``any``.  Raises ``ValueError``
    with the accepted forms on anything else.
    """
    if text.strip() == "any":
        return None, None
    try:
        m = _INTERVAL.match(text)
        if m:
            return (
                Bound(Decimal(m.group(2)), m.group(1) == "["),
                Bound(Decimal(m.group(3)), m.group(4) == "]"),
            )
        m = _HALF.match(text)
        if m:
            op, num = m.group(1), Decimal(m.group(2))
            if op == "==":
                return Bound(num, True), Bound(num, True)
            if op.startswith(">"):
                return Bound(num, op == ">="), None
            return None, Bound(num, op == "<=")
    except InvalidOperation:
        pass
    raise ValueError(
        f"cannot read range {text!r}: write '[a, b)', '(a, b]', '>= a', '> a', '<= b', '< b', '== a' or 'any'"
    )


@attrs.frozen
class TierTable:
    """
    A named table of tiers, looked up by value (S1-S3, $4, $7, G1).

    ``match`` says what happens when bands overlap: ``unique`` (overlaps are an
    error in the scheme) or ``first`` (the first listed band that contains the
    value wins: a step table "≥ 250,000 → 100, ≥ 150,000 → 90, ...").
    ``otherwise`` is the result for a value in no band; without it such a value
    is an evaluation error.  ``direction`` is declared for the checker, which
    then warns when a better value would earn fewer points.
    """

    name: str = attrs.field(validator=v.identifier)
    tiers: tuple[Tier, ...] = attrs.field(validator=attrs.validators.min_len(1))
    match: Match = "unique"
    direction: Direction | None = None
    otherwise: Decimal | None = attrs.field(default=None, validator=v.optional_decimal)
    label: str | None = None

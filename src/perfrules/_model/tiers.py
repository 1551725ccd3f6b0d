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

    value: Decimal = attrs.field(converter=v.exact, validator=v.decimal)
    inclusive: bool = attrs.field(validator=attrs.validators.instance_of(bool))


@attrs.frozen
class Column:
    """
    A value a grade band carries besides its label (a pay percentage, a bonus): ``values: {pay_pct: 1.2}``.
    """

    name: str = attrs.field(validator=v.identifier)
    value: Decimal = attrs.field(converter=v.exact, validator=v.decimal)


@attrs.frozen(init=False)
class Tier:
    """
    One band of a tier table.

    ``lower`` or ``upper`` is ``None`` for an open end.  A band yields ``points``
    (a number: points, a rate, a coefficient) or ``label`` (a grade), or both.
    A grade band may carry named ``values`` too (columns of the grade table),
    which formulas read as ``grade_<name>``.

    In Python the band can be given as ``range=`` instead of ``lower`` and ``upper``:

    * text in the scheme-file notation: ``Tier(range="[80, 90)", points=20)``,
      ``Tier(range=">= 90", label="A")`` (see :func:`parse_range`);
    * a pair ``(low, high)`` of ints, Decimals or ``None`` (an open end), read as
      *low up to but not including high*, the ``[low, high)`` most tables use:
      ``Tier(range=(80, 90), points=20)``; give a :class:`Bound` for either end to
      say otherwise: ``range=(Bound(80, False), Bound(90, True))`` is ``(80, 90]``.

    Floats are refused in a range as everywhere in the model: they are not exact.
    """

    lower: Bound | None = None
    upper: Bound | None = None
    points: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    label: str | None = None
    values: tuple[Column, ...] = attrs.field(default=(), metadata={"keyed": "name", "kind": "value"})

    def __init__(
        self,
        lower: Bound | None = None,
        upper: Bound | None = None,
        points: Decimal | int | None = None,
        label: str | None = None,
        values: tuple[Column, ...] = (),
        *,
        range: str | tuple[Bound | Decimal | int | None, Bound | Decimal | int | None] | None = None,
    ) -> None:
        if range is not None:
            if lower is not None or upper is not None:
                raise ValueError("give a tier's band as range= or as lower= and upper=, not both")
            lower, upper = _range_bounds(range)
        self.__attrs_init__(lower, upper, points, label, values)

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


def _end(value: object, inclusive: bool, which: str) -> Bound | None:
    if value is None or isinstance(value, Bound):
        return value
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Bound(Decimal(value), inclusive)
    hint = f" (write Decimal({str(value)!r}): a float is not exact)" if isinstance(value, float) else ""
    raise TypeError(f"a tier range's {which} end must be an int, a Decimal, a Bound or None, got {value!r}{hint}")


def _range_bounds(value: object) -> tuple[Bound | None, Bound | None]:
    # Tier(range=...): the file notation as text, or a (low, high) pair read as [low, high).
    if isinstance(value, str):
        return parse_range(value)
    if isinstance(value, tuple | list) and len(value) == 2:
        return _end(value[0], True, "low"), _end(value[1], False, "high")
    raise TypeError(f"a tier's range must be text such as '[80, 90)' or a pair such as (80, 90), got {value!r}")


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
    otherwise: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    label: str | None = None

"""
Cell converters, compiled once per input: raw cell → checked value, or a :class:`CellError`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from .._model import Metric
from .._plugins import MetricType

__all__ = ["CellError", "converter"]


class CellError(ValueError):
    """
    One bad cell: a stable code and a message for the person who filled it.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _checks(
    m: Metric, levels: frozenset[Decimal] | None, ranged: tuple[Decimal, Decimal] | None
) -> Callable[[Any], Any] | None:
    if levels is None and ranged is None:
        return None

    def check(values: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
        for v in values:
            if levels is not None and v not in levels:
                allowed = ", ".join(str(x) for x in sorted(levels))
                raise CellError("not-a-level", f"{m.name}: {v} is not one of the levels {allowed}")
            if ranged is not None and not ranged[0] <= v <= ranged[1]:
                raise CellError("out-of-range", f"{m.name}: {v} is outside the range {ranged[0]}-{ranged[1]}")
        return values

    return check


def converter(
    m: Metric, kind: MetricType, levels: frozenset[Decimal] | None = None, ranged: tuple[Decimal, Decimal] | None = None
) -> Callable[[Any], Any]:
    """
    Return the function converting one raw cell of metric ``m``.

    Plain text that is already a valid number takes a fast path straight to
    ``Decimal``; anything else goes through the metric type's own parser, which
    knows about commas, percent signs, lists or plugin formats.
    """
    parse, name, default = kind.parse, m.name, m.default
    is_list = kind.value_type == "list"
    check = _checks(m, levels, ranged)
    flags: tuple[bool, bool] | None = getattr(kind, "number_flags", None)
    fast = flags is not None and not is_list
    whole, non_negative = flags or (False, False)
    lo, hi = m.min, m.max

    def slow(raw: Any) -> Any:
        try:
            return parse(raw, m)
        except (ValueError, TypeError, ArithmeticError) as exc:
            raise CellError("bad-value", f"{name}: {exc}") from None

    def convert(raw: Any) -> Any:
        if raw is None or raw == "":
            if is_list:
                return ()
            if default is not None:
                return default
            raise CellError("missing-value", f"no value for {name!r}")
        if fast and type(raw) is str:
            # Most cells are plain numbers: check them here, and let the type's
            # own parser handle (and explain) everything else.
            try:
                value = Decimal(raw)
            except InvalidOperation:
                return slow(raw)
            if (
                not value.is_finite()
                or (whole and value != value.to_integral_value())
                or (non_negative and value < 0)
                or (lo is not None and value < lo)
                or (hi is not None and value > hi)
            ):
                return slow(raw)
            return value
        value = slow(raw)
        return value if check is None else check(value)

    return convert

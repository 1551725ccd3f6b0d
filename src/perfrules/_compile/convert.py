"""
Cell converters, compiled once per input: raw cell → checked value, or a :class:`CellError`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
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

    It handles empty cells, then the metric type's parser (commas, percent
    signs, lists, plugin formats), then the levels and range a penalty or
    bonus declares.

    The generated row reader takes plain numbers on its own fast path and
    calls this for everything else, so this needs no fast path of its own.
    """
    parse, name, default = kind.parse, m.name, m.default
    is_list = kind.value_type == "list"
    check = _checks(m, levels, ranged)

    def convert(raw: Any) -> Any:
        if raw is None or raw == "" or raw != raw:  # noqa: PLR0124 - only NaN differs from itself: a DataFrame empty cell
            if is_list:
                return ()
            if default is not None:
                return default
            raise CellError("missing-value", f"no value for {name!r}")
        try:
            value = parse(raw, m)
        except (ValueError, TypeError, ArithmeticError) as exc:
            # The number grammar's errors carry their own code (ambiguous-number, non-ascii-digits).
            raise CellError(getattr(exc, "code", "bad-value"), f"{name}: {exc}") from None
        return value if check is None else check(value)

    return convert

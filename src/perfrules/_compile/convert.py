"""
Cell converters, compiled once per input: raw cell → checked value, or a :class:`CellError`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .._cells import is_empty_cell
from .._limits import LIMITS, number_problem
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
    parse, name = kind.parse, m.name
    is_list = kind.value_type == "list"
    check = _checks(m, levels, ranged)
    # The value an empty cell takes: the default read as a cell holding it would be (scale, type,
    # min/max, levels), once, so every engine fills the same value. A default a cell would be refused
    # for is refused for each empty cell (validation names it first: bad-default).
    default: Any = None
    unfit: CellError | None = None

    def convert(raw: Any) -> Any:
        # A float NaN, pd.NA and pd.NaT are a DataFrame's empty cells; a Decimal NaN is a value, refused below.
        # (raw == "" is not asked of everything: pd.NA's truth value raises.)
        if raw is None or (raw.__class__ is not int and is_empty_cell(raw)):
            if is_list:
                return ()
            if default is not None:
                return default
            if unfit is not None:
                raise CellError(unfit.code, f"an empty cell takes the default {m.default}, refused: {unfit}")
            raise CellError("missing-value", f"no value for {name!r}")
        try:
            value = parse(raw, m)
        except (ValueError, TypeError, ArithmeticError) as exc:
            # The number grammar's errors carry their own code (ambiguous-number, non-ascii-digits).
            raise CellError(getattr(exc, "code", "bad-value"), f"{name}: {str(exc)[:200]}") from None
        if kind.value_type == "text":
            if not isinstance(value, str):
                raise CellError("bad-value", f"{name}: {type(value).__name__} is not text")
            return value
        # A plugin's parser is trusted to parse, not to stay in budget: what it
        # returns is checked like any number read (finite, below 10^18...).
        for item in value if isinstance(value, tuple) else (value,):
            refused = number_problem(item) if isinstance(item, Decimal) and not isinstance(item, bool) else None
            if refused is not None or not isinstance(item, Decimal):
                why = refused.message if refused is not None else f"{type(item).__name__} is not a Decimal"
                raise CellError("bad-value", f"{name}: {why}")
        if is_list and (not isinstance(value, tuple) or len(value) > LIMITS.list_items):
            raise CellError("bad-value", f"{name}: expected at most {LIMITS.list_items} occurrences")
        return value if check is None else check(value)

    if m.default is not None and not is_list:
        try:
            default = convert(m.default)
        except CellError as exc:
            unfit = exc
    return convert

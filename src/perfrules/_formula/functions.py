"""
The functions formulas may call, with their signatures for the type checker.

Every function is pure, takes and returns Decimals (or bools, or lists of
Decimals for the list functions), and cannot allocate more than its inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

import attrs

from .._ir import BOOL, LIST, NUM, TEXT, Type

__all__ = ["BOOL", "BUILTINS", "LIST", "NUM", "TEXT", "Function", "Type"]


_ZERO = Decimal(0)


@attrs.frozen
class Function:
    """
    A callable formulas may use: its name, parameter types, result type and doc.

    ``params`` lists each parameter's type; with ``variadic`` the last one may
    repeat (``min(a, b, c)``).  ``literal_int`` names parameter positions that
    must be whole-number literals (the places of ``round``).
    """

    name: str
    params: tuple[Type, ...]
    returns: Type
    impl: Callable[..., object]
    doc: str
    variadic: bool = False
    literal_int: tuple[int, ...] = ()

    def signature(self) -> str:
        """
        Return the call shape for messages and docs, e.g. ``clamp(number, number, number)``.
        """
        args = ", ".join(self.params) + (", ..." if self.variadic else "")
        return f"{self.name}({args})"


def _clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    return lo if x < lo else hi if x > hi else x


def _round(x: Decimal, quantum: Decimal) -> Decimal:
    return x.quantize(quantum, rounding=ROUND_HALF_UP)


def _div(a: Decimal, b: Decimal, default: Decimal) -> Decimal:
    return default if b == _ZERO else a / b


def _floor(x: Decimal) -> Decimal:
    return x.to_integral_value(rounding=ROUND_FLOOR)


def _ceil(x: Decimal) -> Decimal:
    return x.to_integral_value(rounding=ROUND_CEILING)


def _count(xs: Sequence[Decimal]) -> Decimal:
    return Decimal(len(xs))


def _total(xs: Sequence[Decimal]) -> Decimal:
    return sum(xs, _ZERO)


def _largest(xs: Sequence[Decimal]) -> Decimal:
    return max(xs, default=_ZERO)


def _smallest(xs: Sequence[Decimal]) -> Decimal:
    return min(xs, default=_ZERO)


def _count_over(xs: Sequence[Decimal], x: Decimal) -> Decimal:
    return Decimal(sum(1 for v in xs if v > x))


def _count_under(xs: Sequence[Decimal], x: Decimal) -> Decimal:
    return Decimal(sum(1 for v in xs if v < x))


BUILTINS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("min", (NUM, NUM), NUM, min, "The smallest of two or more numbers.", variadic=True),
        Function("max", (NUM, NUM), NUM, max, "The largest of two or more numbers.", variadic=True),
        Function("clamp", (NUM, NUM, NUM), NUM, _clamp, "`clamp(x, lo, hi)`: x kept within [lo, hi]."),
        Function("abs", (NUM,), NUM, abs, "The absolute value."),
        Function(
            "round",
            (NUM, NUM),
            NUM,
            _round,
            "`round(x, n)`: x rounded half up to n decimal places (n a whole literal 0-10).",
            literal_int=(1,),
        ),
        Function("floor", (NUM,), NUM, _floor, "The largest whole number not above x."),
        Function("ceil", (NUM,), NUM, _ceil, "The smallest whole number not below x."),
        Function("div", (NUM, NUM, NUM), NUM, _div, "`div(a, b, d)`: a / b, or d when b is zero (safe division, M2)."),
        Function("count", (LIST,), NUM, _count, "How many values a list input holds (occurrences)."),
        Function("total", (LIST,), NUM, _total, "The sum of a list input's values (0 when empty)."),
        Function("largest", (LIST,), NUM, _largest, "The largest value of a list input (0 when empty)."),
        Function("smallest", (LIST,), NUM, _smallest, "The smallest value of a list input (0 when empty)."),
        Function("count_over", (LIST, NUM), NUM, _count_over, "`count_over(list, x)`: how many values are above x."),
        Function("count_under", (LIST, NUM), NUM, _count_under, "`count_under(list, x)`: how many values are below x."),
    )
}

"""
Helpers that generated plan code calls (bound as constants in its namespace).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, getcontext

from .._model import Shortfall

__all__ = ["CountError", "schedule_after", "schedule_total", "shortfall_points"]


class CountError(ArithmeticError):
    """
    A count of occurrences that is not a whole number of 0 or more, met while scoring.
    """


_ZERO = Decimal(0)
_LIMIT = Decimal(10) ** 18
_KNOWN = 4096  # totals remembered per schedule


def shortfall_points(rule: Shortfall, x: Decimal) -> Decimal:
    """
    Points for ``x`` under a points-off-per-unit-short rule (S5), never below zero.
    """
    gap = rule.target - x if rule.direction == "higher_is_better" else x - rule.target
    if gap <= 0:
        return rule.full
    units = gap / rule.per
    if rule.steps == "whole":
        units = units.to_integral_value(rounding=ROUND_FLOOR)
    elif rule.steps == "started":
        units = units.to_integral_value(rounding=ROUND_CEILING)
    return max(rule.full - units * rule.deduct, _ZERO)


def schedule_total(schedule: tuple[Decimal, ...]) -> Callable[[Decimal], Decimal]:
    """
    Return the total for ``n`` occurrences on an escalating schedule (P4); the last amount repeats.
    """
    last = schedule[-1]
    known: dict[tuple[Decimal, int, str], Decimal] = {}

    def total(n: Decimal) -> Decimal:
        # Most counts are small and repeat: each total is worked out once per count and arithmetic
        # context (1 and 1.0 give the same total: only the number of occurrences counts).
        ctx = getcontext()
        key = (n, ctx.prec, ctx.rounding)
        try:
            found = known.get(key)
        except TypeError:  # a signalling NaN cannot be hashed: refused below
            found = None
        if found is not None:
            return found
        # A count is whole and not negative: int() would truncate 1.5 to 1 and a
        # slice of -1 would charge all but the last amount. Counts read are below
        # 10^18, so int() is cheap; a computed one is checked the same way.
        if not 0 <= n < _LIMIT or n != n.to_integral_value():
            raise CountError(f"the count of occurrences must be a whole number of 0 or more, got {n}")
        k = int(n)
        head = sum(schedule[: min(k, len(schedule))], _ZERO)
        value = head + last * max(k - len(schedule), 0)
        if len(known) < _KNOWN:
            known[key] = value
        return value

    return total


def schedule_after(schedule: tuple[Decimal, ...]) -> Callable[[Decimal, Decimal], Decimal]:
    """
    Return the total for ``n`` occurrences after ``before`` counted earlier on a schedule (P4 across periods).

    The occurrences are the ``before + 1``-th to the ``before + n``-th: the
    second breach of the year costs the second amount, whichever month it falls in.
    """
    total = schedule_total(schedule)
    known: dict[tuple[Decimal, Decimal, int, str], Decimal] = {}

    def after(before: Decimal, n: Decimal) -> Decimal:
        ctx = getcontext()
        key = (before, n, ctx.prec, ctx.rounding)  # worked out once, as total() is
        try:
            found = known.get(key)
        except TypeError:  # a signalling NaN cannot be hashed: refused by total()
            found = None
        if found is not None:
            return found
        total(n)  # each count on its own is whole and not negative, or refused (a sum could hide -1 + 2)
        value = total(before + n) - total(before)
        if len(known) < _KNOWN:
            known[key] = value
        return value

    return after

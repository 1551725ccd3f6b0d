"""
Helpers that generated plan code calls (bound as constants in its namespace).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from .._model import Shortfall

__all__ = ["schedule_total", "shortfall_points"]

_ZERO = Decimal(0)


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

    def total(n: Decimal) -> Decimal:
        k = int(n)
        head = sum(schedule[: min(k, len(schedule))], _ZERO)
        return head + last * max(k - len(schedule), 0)

    return total

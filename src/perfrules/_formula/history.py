"""
History functions: values of earlier periods in formulas (B2, H2).

Like team functions, they are not computed by the formula: each call becomes
a name of its own (``previous_streak__gold_agent``, ``prior_2__score``) whose
value the engine reads, before evaluating, from a history source such as the
results ledger.  ``streak(x)`` also reads this period's ``x``.
"""

from __future__ import annotations

__all__ = ["HISTORY_FUNCTIONS", "MAX_HISTORY", "history_name"]

#: How many earlier periods a streak looks back over at most.
MAX_HISTORY = 36

HISTORY_FUNCTIONS: dict[str, str] = {
    "prior": (
        "`prior(x, n)`: the value of `x` n periods ago (1 = the previous period); 0 or false if none. "
        "`prior(x, n, d)`: the same, or `d` when that period holds no value for the employee."
    ),
    "has_prior": "`has_prior(x, n)`: whether the period n back holds a value of `x` for the employee.",
    "streak": "`streak(c)`: how many periods in a row, ending with this one, condition `c` has held.",
    "previous_streak": "`previous_streak(c)`: how many periods in a row, ending with the previous one, `c` held.",
}


def history_name(function: str, argument: str, n: int = 1) -> str:
    """
    Return the name a history call reads: ``prior(score, 2)`` → ``prior_2__score``.
    """
    if function in ("prior", "has_prior"):
        return f"{function}_{n}__{argument}"
    return f"previous_streak__{argument}"

"""
History functions: values of earlier periods in formulas (B2, H2, P4).

Like team functions, they are not computed by the formula: each call becomes
a name of its own (``previous_streak__gold_agent``, ``prior_2__score``,
``prior_sum_year__fines``) whose value the engine reads, before evaluating,
from a history source such as the results ledger.  ``streak(x)`` also reads
this period's ``x``.

Totals over earlier periods (``prior_sum``, ``prior_count``, ``prior_max``,
``prior_min``) read either the last n periods (``prior_sum(x, 3)``) or the
earlier periods of a window of the scheme's calendar that holds this period
(``prior_sum(x, since=year)``: year-to-date, this period excluded).
"""

from __future__ import annotations

__all__ = [
    "HIRE_SPAN",
    "HISTORY_FUNCTIONS",
    "MAX_HISTORY",
    "TOTALS",
    "WINDOWS",
    "history_call_text",
    "history_name",
    "total_of",
]

#: How many earlier periods a streak looks back over at most.
MAX_HISTORY = 36

#: Totals over earlier periods, and what each does with the values read.
TOTALS = ("prior_sum", "prior_count", "prior_max", "prior_min")

#: The windows ``since=`` names: the quarter, half-year or year of the scheme's calendar holding this
#: period, or each employee's periods from the one holding their hire date.
WINDOWS = ("quarter", "half", "year", "hire")

#: The history call a total since hire brings along: how many earlier periods each employee's span covers
#: (for explanations, and to say how far back it reached).
HIRE_SPAN = ("hire_periods", "", 0)

HISTORY_FUNCTIONS: dict[str, str] = {
    "prior": (
        "`prior(x, n)`: the value of `x` n periods ago (1 = the previous period); 0 or false if none. "
        "`prior(x, n, d)`: the same, or `d` when that period holds no value for the employee."
    ),
    "has_prior": "`has_prior(x, n)`: whether the period n back holds a value of `x` for the employee.",
    "streak": "`streak(c)`: how many periods in a row, ending with this one, condition `c` has held.",
    "previous_streak": "`previous_streak(c)`: how many periods in a row, ending with the previous one, `c` held.",
    "prior_sum": (
        "`prior_sum(x, n)`: the total of `x` over the n periods before this one; "
        "`prior_sum(x, since=year)`: over the earlier periods of this year (or `quarter`, `half`, or `hire`)."
    ),
    "prior_count": "`prior_count(c, n)`, `prior_count(c, since=year)`: in how many of those periods `c` held.",
    "prior_max": "`prior_max(x, n)`, `prior_max(x, since=year)`: the largest value of `x` in those periods; 0 if none.",
    "prior_min": "`prior_min(x, n)`, `prior_min(x, since=year)`: the smallest value of `x` there; 0 if none.",
}


def total_of(function: str) -> tuple[str, str | None] | None:
    """
    Return ``(total, window)`` for a total's history call (``prior_sum_year`` → ``("prior_sum", "year")``), or None.

    The window is None for a total over the last n periods.
    """
    for total in TOTALS:
        if function == total:
            return total, None
        if function.startswith(total + "_") and function[len(total) + 1 :] in WINDOWS:
            return total, function[len(total) + 1 :]
    return None


def history_name(function: str, argument: str, n: int = 1) -> str:
    """
    Return the name a history call reads: ``prior(score, 2)`` → ``prior_2__score``.

    A total over the last n periods is ``prior_sum_3__x``; over a window ``prior_sum_year__x``.
    """
    total = total_of(function)
    if function == HIRE_SPAN[0]:
        return "prior_hire_periods"
    if function in ("prior", "has_prior") or (total is not None and total[1] is None):
        return f"{function}_{n}__{argument}"
    if total is not None:
        return f"{function}__{argument}"
    return f"previous_streak__{argument}"


def history_call_text(function: str, argument: str, n: int = 1) -> str:
    """
    Return a history call as a formula writes it: ``prior_sum(fines, since=year)``, ``prior(score, 2)``.
    """
    total = total_of(function)
    if total is not None:
        return f"{total[0]}({argument}, since={total[1]})" if total[1] else f"{total[0]}({argument}, {n})"
    if function in ("prior", "has_prior"):
        return f"{function}({argument}, {n})"
    return f"{function}({argument})"

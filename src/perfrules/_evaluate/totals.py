"""
Totals over earlier periods: which periods a total covers, and what it makes of their values.

``prior_sum(x, 3)`` covers the three periods before this one; ``prior_sum(x,
since=year)`` the earlier periods of the year of the scheme's calendar that
holds this period; ``prior_sum(x, since=hire)`` each employee's periods from
the one that holds their hire date.  Which of those periods were read,
missing or before history is the history reader's business; this module
counts and totals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from .._compile import Plan
from .._formula import MAX_HISTORY, total_of
from .._model import Period, PeriodKind
from .._plugins import parse_date
from .inputs import Row

__all__ = ["hire_dates", "hire_span", "total", "total_line", "window_span"]

_ZERO = Decimal(0)
_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def window_span(plan: Plan, period: Period, function: str, n: int) -> int:
    """
    Return how many periods before ``period`` a total over the last n periods or a calendar window covers.
    """
    found = total_of(function)
    if found is None or found[1] is None:
        return n
    calendar = plan.scheme.calendar
    start = calendar.containing(cast(PeriodKind, found[1]), period.end).start
    k = 0
    while k < MAX_HISTORY and calendar.shift(period, -k - 1).start >= start:
        k += 1
    return k


def hire_dates(plan: Plan, rows: Sequence[Row]) -> dict[str, dt.date | None]:
    """
    Return each row's hire date; None where it is missing or unreadable (population values report those).
    """
    pop = plan.scheme.population
    column = pop.hire_date if pop is not None else None
    out: dict[str, dt.date | None] = {}
    for row in rows:
        try:
            out[row.employee] = parse_date(row.text.get(column, "")) if column else None
        except ValueError:
            out[row.employee] = None
    return out


def hire_span(plan: Plan, period: Period, hire: dt.date | None) -> int:
    """
    Return how many periods before ``period`` lie on or after the period that holds ``hire`` (0 when none).
    """
    if hire is None or period.kind == "custom" or hire > period.end:
        return 0
    hired = plan.scheme.calendar.containing(period.kind, hire)
    # A calendar period is named by the month its last day falls in: count the months between, in periods.
    months = (period.end.year - hired.end.year) * 12 + period.end.month - hired.end.month
    return max(months // _MONTHS[period.kind], 0)


def total(function: str, values: list[Any]) -> Decimal:
    """
    Return a total of the values read (None where a period holds no value for the employee).
    """
    if function.startswith("prior_count"):
        return Decimal(sum(1 for v in values if v))
    found: list[Decimal] = [v for v in values if v is not None]
    if function.startswith("prior_sum"):
        return sum(found, _ZERO)
    if not found:
        return _ZERO
    return max(found) if function.startswith("prior_max") else min(found)


def _labels(labels: list[str]) -> str:
    # A long run (years before history began, since an early hire) is named by its ends.
    if len(labels) > 6:
        return f"{labels[0]} … {labels[-1]} ({len(labels)})"
    return ", ".join(labels)


def total_line(
    w: Mapping[str, str], period: Period, step: Callable[[Period, int], Period], status: Callable[[str], str], k: int
) -> str:
    """
    Return the part of an explanation line naming every period a total covered, by what was found there.
    """
    by: dict[str, list[str]] = {"read": [], "missing": [], "before": []}
    for back in range(k, 0, -1):  # in calendar order
        label = step(period, -back).label
        by[status(label)].append(label)
    parts = [w["total_" + s].format(labels=_labels(by[s])) for s in ("read", "missing", "before") if by[s]]
    return w["sep"].join(parts) or w["total_none"]

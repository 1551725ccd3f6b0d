"""
Population values: tenure and days employed, from each employee's hire and leave dates (H3, $2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .._compile import Plan
from .._errors import InputError, Issue
from .._model import Period
from .inputs import Row

__all__ = ["population_values"]


def _date(row: Row, column: str | None, issues: list[Issue], required: bool) -> dt.date | None:
    if column is None:
        return None
    text = row.text.get(column, "").strip()
    if not text:
        if required:
            issues.append(
                Issue(
                    "missing-date",
                    f"row {row.number} has no date in column {column!r}",
                    (f"row {row.number}", column),
                    hint="write the date as 2026-04-10",
                )
            )
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        issues.append(
            Issue(
                "bad-date",
                f"{column}: {text!r} is not a real date",
                (f"row {row.number}", column),
                hint="write the date as 2026-04-10",
            )
        )
        return None


def population_values(plan: Plan, rows: Sequence[Row], period: Period | None) -> list[tuple[Any, ...]]:
    """
    Return, for each row, the values of :attr:`Plan.people` (``tenure_months``, ``days_employed``, ``period_days``).

    Raises :class:`InputError` naming every bad or missing date, or a missing period.
    """
    pop = plan.scheme.population
    assert pop is not None
    if period is None:
        raise InputError(
            [
                Issue(
                    "period-required",
                    "hire and leave dates need a period to count from",
                    hint="score with a period, e.g. --period 2026-04",
                )
            ]
        )
    issues: list[Issue] = []
    out = []
    for row in rows:
        hire = _date(row, pop.hire_date, issues, required=True)
        leave = _date(row, pop.leave_date, issues, required=False)
        values: list[Any] = []
        if pop.hire_date is not None:
            months = (
                0
                if hire is None or hire > period.end
                else ((period.end.year - hire.year) * 12 + period.end.month - hire.month + 1)
            )
            values.append(Decimal(months))
        first = max(period.start, hire) if hire else period.start
        last = min(period.end, leave) if leave else period.end
        values += [Decimal(max((last - first).days + 1, 0)), Decimal(period.days)]
        out.append(tuple(values))
    if issues:
        raise InputError(issues, f"{len(issues)} bad date(s); nothing was scored")
    return out

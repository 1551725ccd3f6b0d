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
from .._errors import Issue
from .._formula import MAX_HISTORY, history_call_text, total_of
from .._model import Period, PeriodKind
from .._plugins import parse_date
from .inputs import Row

__all__ = [
    "declared_start",
    "hire_dates",
    "hire_span",
    "late_windows",
    "total",
    "total_line",
    "window_span",
]

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


def declared_start(plan: Plan) -> Period | None:
    """
    Return the period the scheme declares its history begins with (``history: {begins: 2026-01}``), or None.
    """
    begins, scheme = plan.scheme.history.begins, plan.scheme
    if begins is None or scheme.period == "custom":
        return None
    return scheme.calendar.containing(scheme.period, scheme.calendar.resolve(begins).start)


def _some(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:3])
    return f"{shown} and {len(ids) - 3} more" if len(ids) > 3 else shown or "no employee"


def _reaches_before(plan: Plan, period: Period, first: Period | None, k: int) -> bool:
    # Whether the k periods before ``period`` reach a period before the first the history source holds.
    return k > 0 and (first is None or plan.scheme.calendar.shift(period, -k).end < first.start)


def late_windows(
    plan: Plan, period: Period, first: Period | None, ids: Sequence[str], hired: Mapping[str, int] | None = None
) -> list[Issue]:
    """
    Return a ``history-begins`` issue for each total whose window starts before history does.

    Only without ``history.begins``: a ledger begun in March would otherwise
    count January and February as nothing in a year-to-date total or a cap
    over the last three months, though they may well have been paid outside
    perfrules; an employee hired before the ledger began would have their
    total since hire cut at its first period.  ``first`` is the first period
    the history source holds; ``ids`` are the employees scored; ``hired``
    gives each one's periods since hire (:func:`hire_span`).
    """
    if plan.scheme.history.begins is not None:
        return []
    out = []
    for fn, name, n in plan.history:
        found = total_of(fn)
        if found is None:
            continue
        if found[1] == "hire":  # each employee's own window: name those hired before history began
            spans = {e: k for e in ids if _reaches_before(plan, period, first, k := (hired or {}).get(e, 0))}
            k = max(spans.values(), default=0)
            who = _some([f"{e} (from {plan.scheme.calendar.shift(period, -spans[e]).label})" for e in spans])
        else:
            k, who = window_span(plan, period, fn, n), _some(ids)
        if not _reaches_before(plan, period, first, k):
            continue
        earliest = plan.scheme.calendar.shift(period, -k)
        held = "the history source holds no period of it yet" if first is None else f"its first is {first.label}"
        cut = first.label if first is not None and first.start <= period.start else period.label
        lost = [plan.scheme.calendar.shift(period, -b) for b in range(k, 0, -1)]
        lost = [p for p in lost if first is None or p.end < first.start]
        call = history_call_text(fn, name, n)
        for path, formula in plan.formulas.items():
            if (fn, name, n) not in formula.history:
                continue
            out.append(
                Issue(
                    "history-begins",
                    f"{call} in {period.label} reads from {earliest.label}, before the scheme's history "
                    f"({held}): {_labels([p.label for p in lost])} would count as nothing for {who}",
                    path,
                    hint=f"declare where the scheme's history begins: history: {{begins: {earliest.label}}} if it "
                    "began then (a period since then never recorded is missing: record it first), or "
                    f"history: {{begins: {cut}}} to count from {cut} on purpose",
                )
            )
    return out


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

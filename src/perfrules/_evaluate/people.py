"""
Population values: tenure and days employed from hire and leave dates (H3, $2), roles, relations (T5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from .._compile import Plan
from .._errors import InputError, Issue
from .._model import Period
from .._plugins import parse_date
from .._suggest import did_you_mean
from .inputs import Row

__all__ = ["named_by", "person_values", "population_values", "relation_issues"]

_SUGGESTED = 20
_SUGGEST_AMONG = 1000
_DAYS = 100_000  # distinct hire dates, leave dates and roles remembered


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
        return parse_date(text)
    except ValueError as exc:
        issues.append(
            Issue(
                "bad-date",
                f"{column}: {exc}",
                (f"row {row.number}", column),
                hint="write the date as 2026-04-10",
            )
        )
        return None


def _role(row: Row, column: str, roles: tuple[str, ...], issues: list[Issue]) -> str | None:
    text = row.text.get(column, "").strip()
    if text in roles:
        return text
    issues.append(
        Issue(
            "unknown-role",
            f"row {row.number}: role {text!r} is not one of the scheme's roles{did_you_mean(text, roles)}",
            (f"row {row.number}", column),
            hint=f"write one of: {', '.join(roles)} (or declare the role in population.roles)",
        )
    )
    return None


def relation_issues(
    plan: Plan, ids: Collection[str], named: Mapping[str, Iterable[tuple[int, str, str]]], issues: list[Issue]
) -> None:
    """
    Add to ``issues`` each relation that points at nobody scored in the same run, or at the employee themself.

    ``ids`` are every employee's id; ``named[relation]`` gives (row number, employee, the id named) for the
    rows that may name someone wrongly (every row with the cell filled will do), in row order.
    """
    # A relation must point at someone scored in the same run, or nobody: a
    # manager charged a shared cost (P7) who is not here would lose the charge.
    # For suggestions, offered in small populations only.
    every = ids if isinstance(ids, set) else set(ids) if len(ids) <= _SUGGEST_AMONG else set()
    for adj in plan.scheme.adjustments():
        if adj.charge_to is not None and adj.charge_to not in ids:
            issues.append(
                Issue(
                    "unknown-relation",
                    f"{adj.name}: charge_to {adj.charge_to!r} is not in the population"
                    f"{did_you_mean(adj.charge_to, every) if len(ids) <= _SUGGEST_AMONG else ''}",
                    hint="charge_to names an employee of this input, who bears the rest when a cell is empty",
                )
            )
    pop = plan.scheme.population
    assert pop is not None
    for relation, column in pop.relations().items():
        for number, employee, other in named.get(relation, ()):
            if not other or (other in ids and other != employee):
                continue
            why = "names the employee themself" if other == employee else "is not in the population"
            # A suggestion searches every id: offered in small populations and for the first few
            # problems only, so a file whose manager column is wrong throughout is reported quickly.
            small = len(ids) <= _SUGGEST_AMONG and len(issues) < _SUGGESTED
            hint = did_you_mean(other, every - {employee}) if small else ""
            issues.append(
                Issue(
                    "unknown-relation",
                    f"row {number}: {relation} {other!r} {why}{hint}",
                    (f"row {number}", column),
                    hint=f"give the id of another employee of this input, or leave the cell empty for no {relation}",
                )
            )


def named_by(plan: Plan, rows: Iterable[Row]) -> dict[str, list[tuple[int, str, str]]]:
    """
    Return, for each relation of ``plan``, the rows whose cell names someone: (row number, employee, id named).
    """
    pop = plan.scheme.population
    assert pop is not None
    named: dict[str, list[tuple[int, str, str]]] = {relation: [] for relation in pop.relations()}
    for row in rows:
        for relation, column in pop.relations().items():
            other = row.text.get(column, "").strip()
            if other:
                named[relation].append((row.number, row.employee, other))
    return named


def population_values(plan: Plan, rows: Sequence[Row], period: Period | None) -> list[tuple[Any, ...]]:
    """
    Return, for each row, the values of :attr:`Plan.people`: tenure and days, roles, relations' ids.

    Raises :class:`InputError` naming every bad or missing date, unknown role
    or relation that points nowhere, or a missing period when dates need one.
    """
    pop = plan.scheme.population
    assert pop is not None
    dated = pop.hire_date is not None or pop.leave_date is not None
    if period is None and dated:
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
    relation_issues(plan, {row.employee for row in rows}, named_by(plan, rows), issues)
    days: dict[tuple[str, str, str], tuple[Any, ...]] = {}
    out = person_values(plan, rows, period, issues, days)
    if issues:
        raise InputError(issues, f"{len(issues)} problem(s) with dates, roles or relations; nothing was scored")
    return out


def person_values(
    plan: Plan,
    rows: Iterable[Row],
    period: Period | None,
    issues: list[Issue],
    days: dict[tuple[str, str, str], tuple[Any, ...]],
) -> list[tuple[Any, ...]]:
    """
    Return, for each row, its values of :attr:`Plan.people`, adding every bad date or role to ``issues``.

    ``days`` remembers what each distinct hire date, leave date and role gave (callers reading in chunks
    pass the same one); relations are checked by :func:`relation_issues`.
    """
    pop = plan.scheme.population
    assert pop is not None
    dated = pop.hire_date is not None or pop.leave_date is not None
    out = []
    # Many rows share a hire date and a role (and most have no leave date): the values of each distinct
    # set of cells are worked out once (a row with a problem is worked out again, to report it too).
    hire_at, leave_at, role_at = pop.hire_date or "", pop.leave_date or "", pop.role or ""
    relation_columns = tuple(pop.relations().values())
    for row in rows:
        text = row.text
        key = (text.get(hire_at, ""), text.get(leave_at, ""), text.get(role_at, ""))
        found = days.get(key)
        if found is None:
            values: list[Any] = []
            before = len(issues)
            if dated:
                assert period is not None
                values += _days(row, pop.hire_date, pop.leave_date, period, issues)
            if pop.role is not None:
                role = _role(row, pop.role, pop.roles, issues)
                values += [role == r for r in pop.roles]
            found = tuple(values)
            if len(issues) == before and len(days) < _DAYS:  # a bad cell is reported for every row that has it
                days[key] = found
        if relation_columns:
            found += tuple([text.get(column, "").strip() for column in relation_columns])
        out.append(found)
    return out


def _days(row: Row, hire_at: str | None, leave_at: str | None, period: Period, issues: list[Issue]) -> list[Decimal]:
    hire = _date(row, hire_at, issues, required=True)
    leave = _date(row, leave_at, issues, required=False)
    values: list[Decimal] = []
    if hire_at is not None:
        months = (
            0
            if hire is None or hire > period.end
            else ((period.end.year - hire.year) * 12 + period.end.month - hire.month + 1)
        )
        values.append(Decimal(months))
    first = max(period.start, hire) if hire else period.start
    last = min(period.end, leave) if leave else period.end
    return [*values, Decimal(max((last - first).days + 1, 0)), Decimal(period.days)]

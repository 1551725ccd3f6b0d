"""
Team values between evaluation stages: averages, sums, ranks... over each team's eligible members.

Every team is gathered once per team value: its eligible members' values are
collected and sorted, so ranks and tops cost a bisect per employee and the
whole step is linear in the population (up to the sort within each team).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .._compile import Plan
from .._compile.codegen import Stage
from .._formula import aggregate

__all__ = ["team_values"]

_ZERO = Decimal(0)


def team_values(
    plan: Plan,
    stage: Stage,
    teams: Sequence[str],
    values: Sequence[tuple[Any, ...]],
    ids: Sequence[str] = (),
    mentors: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """
    Return, for each employee, the team values ``stage`` needs, in ``stage.groups`` order.

    ``teams`` holds each employee's team, ``values`` every value computed
    so far (in the plan's output order), ``ids`` and ``mentors`` each
    employee's id and mentor's id (for ``mentees_*``).
    """
    eligible_at = plan.eligible
    eligible = [True] * len(values) if eligible_at is None else [bool(v[eligible_at]) for v in values]
    by_team: dict[str, list[int]] = {}
    for i, team in enumerate(teams):
        by_team.setdefault(team, []).append(i)
    everyone = {"*": list(range(len(values)))}
    columns: list[list[Any]] = []
    for function, argument, condition in stage.groups:
        at = plan.index[argument]
        counted = eligible
        if condition:
            cond_at = plan.index[condition]
            counted = [ok and bool(v[cond_at]) for ok, v in zip(eligible, values, strict=True)]
        column: list[Any] = [None] * len(values)
        if function.startswith("mentees_"):
            # Trainees count whatever the team rule says (they are often in
            # their first month); only the call's own condition applies.
            mine = [True] * len(values) if not condition else [bool(v[plan.index[condition]]) for v in values]
            _mentees(function, at, mine, values, ids, mentors, column)
            columns.append(column)
            continue
        for team_members in (by_team if function.startswith("team_") else everyone).values():
            own = [values[i][at] for i in team_members if counted[i]]
            ordered = sorted(own)
            total = sum(own, _ZERO)
            for i in team_members:
                column[i] = aggregate(function, values[i][at], counted[i], own, ordered, total)
        columns.append(column)
    return [tuple(col[i] for col in columns) for i in range(len(values))]


def _mentees(
    function: str,
    at: int,
    counted: Sequence[bool],
    values: Sequence[tuple[Any, ...]],
    ids: Sequence[str],
    mentors: Sequence[str],
    column: list[Any],
) -> None:
    # A mentor's group is the employees naming them as mentor; the mentor is not in it.
    trainees: dict[str, list[int]] = {}
    for j, mentor in enumerate(mentors):
        if mentor:
            trainees.setdefault(mentor, []).append(j)
    for i, emp in enumerate(ids):
        own = [values[j][at] for j in trainees.get(emp, ()) if counted[j]]
        column[i] = aggregate(function, values[i][at], counted[i], own, sorted(own), sum(own, _ZERO))

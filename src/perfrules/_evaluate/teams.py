"""
Team values between evaluation stages: averages, sums, ranks... over each team's eligible members.

Every team is gathered once per team value: its eligible members' values are
collected and sorted, so ranks and tops cost a bisect per employee and the
whole step is linear in the population (up to the sort within each team).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from .._compile import Plan, Stage
from .._errors import InputError, Issue
from .._formula import RELATION_SCOPES, aggregate
from .._kinds import charged_to
from .given import GIVEN
from .inputs import Row
from .ranking import RANKED, order_keys, ranked
from .results import Result

__all__ = ["team_values", "unshared", "unshared_issues"]

_ZERO = Decimal(0)


# Group functions whose value depends on the employee's own value, not only on the group's.
_PERSONAL = ("_rank", "_top", "_share")


def team_values(
    plan: Plan,
    stage: Stage,
    teams: Sequence[str],
    values: Sequence[tuple[Any, ...]],
    ids: Sequence[str] = (),
    relations: Mapping[str, Sequence[str]] | None = None,
) -> list[tuple[Any, ...]]:
    """
    Return, for each employee, the team values ``stage`` needs, in ``stage.groups`` order.

    ``teams`` holds each employee's team, ``values`` every value computed
    so far (in the plan's output order), ``ids`` each employee's id and
    ``relations`` each employee's mentor's and manager's ids
    (``{"mentor": [...], "manager": [...]}``, for ``mentees_*``,
    ``reports_*`` and shared costs charged to a manager).
    """
    part = GIVEN.get()
    if part is not None:  # one part of a population: the values are over all of it (see .split)
        return part.team_values(plan, stage, teams, values, ids)
    relations = relations or {}
    eligible_at, assessed_at = plan.eligible, plan.assessed
    # Unless a call says whom it is over (over=), someone not assessed this
    # period (H3) counts in no group value, and team values count the eligible.
    assessed = [True] * len(values) if assessed_at is None else [bool(v[assessed_at]) for v in values]
    eligible = (
        assessed if eligible_at is None else [a and bool(v[eligible_at]) for a, v in zip(assessed, values, strict=True)]
    )
    base = {"everyone": [True] * len(values), "assessed": assessed, "eligible": eligible}
    # Ranks and tops follow the declared ranking's keys after their own value.
    keys = order_keys(plan, values, ids) if any(g[0].endswith(RANKED) for g in stage.groups) else None
    ties = plan.scheme.ranking.ties if plan.scheme.ranking is not None else "all"
    by_team: dict[str, list[int]] = {}
    for i, team in enumerate(teams):
        by_team.setdefault(team, []).append(i)
    everyone = {"*": list(range(len(values)))}
    columns: list[list[Any]] = []
    for function, argument, condition, over in stage.groups:
        scope = function.split("_", 1)[0]
        if scope == "charges":
            columns.append(_charges(plan, argument, values, ids, relations[function.split("_", 1)[1]]))
            continue
        at = plan.index[argument]
        # Trainees and reports count whatever the team rule says (trainees are
        # often in their first month): relation calls are over the assessed.
        counted = base[over or ("assessed" if scope in RELATION_SCOPES else "eligible")]
        if condition:
            cond_at = plan.index[condition]
            counted = [ok and bool(v[cond_at]) for ok, v in zip(counted, values, strict=True)]
        column: list[Any] = [None] * len(values)
        groups = _relation_groups(ids, relations[RELATION_SCOPES[scope]]) if scope in RELATION_SCOPES else None
        if keys is not None and function.endswith(RANKED):
            by_key = [(-v[at], *k) for v, k in zip(values, keys, strict=True)]
            for members, over_whom in _members(groups, by_team if scope == "team" else everyone, ids):
                keyed = sorted(by_key[j] for j in over_whom if counted[j])
                for i in members:
                    column[i] = ranked(function, by_key[i], counted[i], keyed, ties)
            columns.append(column)
            continue
        if groups is not None:
            _related(function, at, counted, values, ids, groups, column)
            columns.append(column)
            continue
        personal = function.endswith(_PERSONAL)
        for team_members in (by_team if scope == "team" else everyone).values():
            own = [values[i][at] for i in team_members if counted[i]]
            ordered = _ordered(function, own)
            total = sum(own, _ZERO)
            if not personal:  # the same for every member: worked out once per team
                same = aggregate(function, _ZERO, False, own, ordered, total)
                for i in team_members:
                    column[i] = same
                continue
            for i in team_members:
                column[i] = aggregate(function, values[i][at], counted[i], own, ordered, total)
        columns.append(column)
    return [tuple(col[i] for col in columns) for i in range(len(values))]


def _ordered(function: str, own: list[Any]) -> list[Any]:
    # What aggregate() reads of the sorted members: all of them for ranks and tops, only the
    # largest or smallest for max and min (found without sorting: max is the last of equal
    # largest values, as a stable sort puts it, min the first), nothing for the others.
    if function.endswith(("_rank", "_top")):
        return sorted(own)
    if not own:
        return own
    if function.endswith("_max"):
        return [max(reversed(own))]
    if function.endswith("_min"):
        return [min(own)]
    return own


def _relation_groups(ids: Sequence[str], bosses: Sequence[str]) -> dict[str, list[int]]:
    # A mentor's (manager's) group is the employees naming them; they are not in it.
    related: dict[str, list[int]] = {}
    for j, boss in enumerate(bosses):
        if boss:
            related.setdefault(boss, []).append(j)
    return related


def _members(
    related: dict[str, list[int]] | None, teams: dict[str, list[int]], ids: Sequence[str]
) -> list[tuple[list[int], list[int]]]:
    # (who reads the value, whom it is over): a team is both; a relation's group is the
    # people naming each employee, so each employee reads a group of their own.
    if related is None:
        return [(m, m) for m in teams.values()]
    return [([i], related.get(emp, [])) for i, emp in enumerate(ids)]


def _related(
    function: str,
    at: int,
    counted: Sequence[bool],
    values: Sequence[tuple[Any, ...]],
    ids: Sequence[str],
    related: dict[str, list[int]],
    column: list[Any],
) -> None:
    # Most people have no trainees or reports: unless the value is personal, theirs is one value.
    nobody = None if function.endswith(_PERSONAL) else aggregate(function, _ZERO, False, [], [], _ZERO)
    for i, emp in enumerate(ids):
        mine = related.get(emp)
        if mine is None and nobody is not None:
            column[i] = nobody
            continue
        own = [values[j][at] for j in mine or () if counted[j]]
        column[i] = aggregate(function, values[i][at], counted[i], own, sorted(own), sum(own, _ZERO))


def _charges(
    plan: Plan, name: str, values: Sequence[tuple[Any, ...]], ids: Sequence[str], bosses: Sequence[str]
) -> list[Any]:
    # The other part of each shared cost (whole - own share) is charged to the
    # person the relation names (P7); the sum is exact, so nothing is lost.
    own_at, whole_at = plan.index[name], plan.index[f"{name}.whole"]
    where = {emp: i for i, emp in enumerate(ids)}
    column = [_ZERO] * len(values)
    # With no_counterpart: charge, an empty cell charges the employee the scheme names;
    # an empty cell otherwise is kept (the employee bore it all) or refused after scoring.
    adj = next(a for a in plan.scheme.adjustments() if a.name == name)
    instead = adj.charge_to if adj.no_counterpart == "charge" else None
    for v, named in zip(values, bosses, strict=True):
        boss = named or instead
        if boss:
            column[where[boss]] += v[whole_at] - v[own_at]
    return column


def unshared(plan: Plan, results: list[Result], rows: list[Row]) -> None:
    """
    Raise :class:`InputError` naming each row whose shared cost has no counterpart to bear the rest.
    """
    issues = unshared_issues(plan, [res.row for res in results], rows)
    if issues:
        raise InputError(issues, f"{len(issues)} shared cost(s) with nobody to bear the rest; nothing was scored")


def unshared_issues(plan: Plan, outs: Sequence[tuple[Any, ...]], rows: Sequence[Row]) -> list[Issue]:
    """
    Return a problem for each row (with its output tuple in ``outs``) whose shared cost has nobody to bear the rest.
    """
    # A shared cost whose counterpart cell is empty would lose the other part
    # in silence; unless the scheme says who bears it, nothing is scored.
    pop = plan.scheme.population
    issues = []
    for adj in plan.scheme.adjustments():
        relation = charged_to(plan.scheme, adj)
        if relation is None or adj.no_counterpart != "error" or pop is None:
            continue
        column = pop.relations()[relation]
        own_at, whole_at = plan.index[adj.name], plan.index[f"{adj.name}.whole"]
        for out, row in zip(outs, rows, strict=True):
            rest = out[whole_at] - out[own_at]
            if rest and not row.text.get(column, "").strip():
                issues.append(
                    Issue(
                        "missing-counterpart",
                        f"{adj.name}: {rest} is {relation}'s part of a shared cost, but row {row.number} "
                        f"({row.employee}) has no {relation}",
                        (f"row {row.number}", column),
                        hint=f"fill in the {relation}, or declare no_counterpart: keep (the employee bears it) "
                        f"or no_counterpart: charge with charge_to: <employee id> on {adj.name}",
                    )
                )
    return issues

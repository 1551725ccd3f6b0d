"""
One part's share of a population's group values: the first pass of scoring in parts (see :mod:`.split`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from .._compile import Plan, Stage
from .._errors import CompileError, Issue
from .._formula import group_name
from .engine import score
from .given import given
from .results import Result
from .split import Aggregate, PopulationValues, counted, missing, require_split

__all__ = ["collect_part"]


class _Collected(Exception):
    """Raised once every population value a part gives is collected: the rest of the scoring is not needed."""


@attrs.define
class _Collector:
    # Given values for what is known; the next stage's members (or the graded people) recorded.
    known: PopulationValues
    stage: int
    share: dict[str, dict[str, Aggregate]] = attrs.field(factory=dict)
    graded: list[tuple[str, str | None, Decimal, str]] | None = None

    def done(self, plan: Plan) -> bool:
        if self.stage == len(plan.stages):
            return self.graded is not None
        return all(group_name(*c) in self.share for c in plan.stages[self.stage].groups)

    def team_values(
        self, plan: Plan, stage: Stage, teams: Sequence[str], values: Sequence[tuple[Any, ...]], ids: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        if all(group_name(*c) in self.known.groups for c in stage.groups):
            return self.known.team_values(plan, stage, teams, values, ids)
        for call in stage.groups:
            at, who = plan.index[call[1]], counted(plan, call, values)
            self._record(call, [t if call[0].startswith("team_") else "*" for t in teams], values, at, who, ids)
        raise _Collected

    def group_values(self, plan: Plan, call: tuple[str, ...], env: dict[str, Any], n: int, teams: Any) -> Any:
        # Shares are recorded by the row engine, which knows each member's id (equal values of
        # other exponents, 80 and 80.0, are told apart by it): the columnar engine is not used here.
        return self.known.group_values(plan, call, env, n, teams)

    def _record(
        self,
        call: tuple[str, ...],
        teams: Sequence[str],
        values: Sequence[tuple[Any, ...]],
        at: int,
        counted: Sequence[bool],
        ids: Sequence[str],
    ) -> None:
        members: dict[str, list[tuple[Decimal, str]]] = {}
        for team, v, ok, emp in zip(teams, values, counted, ids, strict=True):
            if ok:
                if v[at].__class__ is not Decimal:
                    raise CompileError(
                        [Issue("split-unsupported", f"{group_name(*call)}: a group value of what is not a number", ())],
                        "a group value cannot be worked out over parts; nothing was scored",
                    )
                members.setdefault(team, []).append((v[at], emp))
        ranked = call[0].endswith("_rank")
        self.share[group_name(*call)] = {team: Aggregate.of(m, ranked) for team, m in members.items()}

    def distributed(self, plan: Plan, results: list[Result], rows: list[Any]) -> list[Result]:
        grades = plan.scheme.grades
        assert grades is not None and grades.distribution is not None
        at = plan.index["grade.value"]
        people = [r for r in results if plan.assessed is None or r.row[plan.assessed]]
        if grades.distribution.over == "eligible" and plan.eligible is not None:
            people = [r for r in people if r.row[plan.eligible]]
        team = {
            r.employee: row.text.get(plan.team_column, "") if plan.team_column else "*"
            for r, row in zip(results, rows, strict=True)
        }
        self.graded = [(r.employee, r.grade, r.row[at], team[r.employee]) for r in people]
        return results


def collect_part(
    plan: Plan, rows: Iterable[Mapping[str, Any]], known: PopulationValues, **options: Any
) -> PopulationValues:
    """
    Return one part's share of the next group values ``known`` lacks (see :meth:`PopulationValues.combine`).

    ``options`` are :func:`perfrules.score`'s.  Bad rows raise as scoring does.
    """
    require_split(plan)
    stage = known.needs(plan)
    if stage is None:
        return PopulationValues()
    collector = _Collector(known, stage)
    options = {**options, "engine": "row", "trace": False}
    with contextlib.suppress(_Collected), given(collector):  # scoring stops once the shares are collected
        score(plan, rows, **options)
    if not collector.done(plan):
        raise missing(("distribution",) if stage == len(plan.stages) else plan.stages[stage].groups[0])
    graded = None if collector.graded is None else tuple(collector.graded)
    return PopulationValues(collector.share, None, graded)

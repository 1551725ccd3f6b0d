"""
Results: what scoring one employee, or a population, produced.

Results are plain immutable data; :meth:`Result.to_dict` and the adapters turn
them into JSON and CSV.  Money stays Decimal with the scheme's declared places.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from .._compile import Plan
from .._model import Penalty, Period
from .inputs import Row

__all__ = ["FlagHit", "Result", "Results", "SharedCost", "build_result"]


@attrs.frozen
class FlagHit:
    """
    An outcome that is not money, raised for one employee, with its reason.
    """

    name: str
    reason: str


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


@attrs.frozen
class SharedCost:
    """
    One cost split between the person scored and a counterpart (P7): both sides, exactly.

    ``own + counterpart_amount == whole`` always holds, to the cent.
    """

    counterpart: str
    whole: Decimal
    own: Decimal
    counterpart_amount: Decimal


@attrs.frozen
class Result:
    """
    One employee's result for one period: every number, the grade and the flags.

    ``values`` holds every named value the scheme computed (inputs, derived
    metrics, indicators' contributions, sections, penalties, bonuses, score,
    payouts, flags), for explanations and for later rules.
    """

    employee: str
    period: str | None
    score: Decimal
    grade: str | None
    indicators: Mapping[str, Decimal]
    sections: Mapping[str, Decimal]
    penalties: Mapping[str, Decimal]
    bonuses: Mapping[str, Decimal]
    payouts: Mapping[str, Decimal]
    flags: tuple[FlagHit, ...]
    shares: Mapping[str, SharedCost]
    inputs: Mapping[str, Any]
    values: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """
        Return the result as JSON-ready data (Decimals as exact strings).
        """
        return {
            "employee": self.employee,
            "period": self.period,
            "score": str(self.score),
            "grade": self.grade,
            "indicators": {k: str(v) for k, v in self.indicators.items()},
            "sections": {k: str(v) for k, v in self.sections.items()},
            "penalties": {k: str(v) for k, v in self.penalties.items()},
            "bonuses": {k: str(v) for k, v in self.bonuses.items()},
            "payouts": {k: str(v) for k, v in self.payouts.items()},
            "flags": [{"name": f.name, "reason": f.reason} for f in self.flags],
            "shares": {
                k: {
                    "counterpart": v.counterpart,
                    "whole": str(v.whole),
                    "own": str(v.own),
                    "counterpart_amount": str(v.counterpart_amount),
                }
                for k, v in self.shares.items()
            },
            "inputs": {k: _plain(v) for k, v in self.inputs.items()},
        }


@attrs.frozen
class Results:
    """
    A population's results for one period, in employee-id order.
    """

    scheme: str
    digest: str
    period: Period | None
    results: tuple[Result, ...]

    def __iter__(self) -> Any:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def by_employee(self) -> dict[str, Result]:
        """
        Return the results keyed by employee id.
        """
        return {r.employee: r for r in self.results}

    def to_dict(self) -> dict[str, Any]:
        """
        Return all results as JSON-ready data, with the scheme digest that made them.
        """
        return {
            "scheme": self.scheme,
            "scheme_digest": self.digest,
            "period": self.period.label if self.period else None,
            "results": [r.to_dict() for r in self.results],
        }


def _approvals(plan: Plan, env: Mapping[str, Any]) -> list[FlagHit]:
    out = []
    for adj in plan.scheme.adjustments():
        limit = adj.approval_over
        if limit is None:
            continue
        if adj.occurrences is not None:
            big = [v for v in env[adj.occurrences] if abs(v) > limit]
        else:
            big = [adj.amount] if adj.amount is not None and adj.amount > limit and env[adj.name] != 0 else []
        if big:
            kind = "deduction" if isinstance(adj, Penalty) else "addition"
            out.append(
                FlagHit(
                    "approval_required",
                    f"{adj.name}: single {kind} of {max(big)} is over {limit} and needs written approval",
                )
            )
    return out


def build_result(plan: Plan, row: Row, env: dict[str, Any], grade: str | None, period: Period | None) -> Result:
    """
    Assemble a :class:`Result` from an evaluated environment.
    """
    s = plan.scheme
    flags = [FlagHit(f.name, f.reason) for f in s.flags if env[f.name]]
    flags += _approvals(plan, env)

    def pick(items: Iterable[Any]) -> Mapping[str, Any]:
        return MappingProxyType({x.name: env[x.name] for x in items})

    return Result(
        employee=row.employee,
        period=period.label if period else None,
        score=env["score"],
        grade=grade,
        indicators=pick(s.indicators),
        sections=pick(s.sections),
        penalties=pick(s.penalties),
        bonuses=pick(s.bonuses),
        payouts=pick(s.payouts),
        flags=tuple(flags),
        shares=MappingProxyType(
            {
                a.name: SharedCost(
                    str(a.counterpart), env[f"{a.name}.whole"], env[a.name], env[f"{a.name}.whole"] - env[a.name]
                )
                for a in s.adjustments()
                if a.share is not None
            }
        ),
        inputs=MappingProxyType(dict(row.values)),
        values=MappingProxyType(env),
    )

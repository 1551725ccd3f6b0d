"""
Results: what scoring one employee, or a population, produced.

A :class:`Result` keeps the tuple of every value the plan computed and reads
its groups (indicators, sections, payouts...) from it on demand, so scoring a
population builds no dictionaries nobody asked for.  Money stays Decimal with
the scheme's declared places.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from .._compile import Plan
from .._kinds import charged_to, charges_name
from .._model import Penalty, Period
from .export import Exports
from .history import HistoryNote

__all__ = ["FlagHit", "Layout", "Result", "Results", "SharedCost", "build_result", "layout_of"]


@attrs.frozen
class FlagHit:
    """
    An outcome that is not money, raised for one employee, with its reason.
    """

    name: str
    reason: str


@attrs.frozen
class SharedCost:
    """
    One cost split between the person scored and a counterpart (P7): both sides, exactly.

    ``own + counterpart_amount == whole`` always holds, to the cent.  When the
    counterpart is a relation the population declares (``manager``),
    ``charged_to`` is the id of the employee whose own result bears
    ``counterpart_amount`` (see :attr:`Result.charges`); otherwise it is ``None``.
    """

    counterpart: str
    whole: Decimal
    own: Decimal
    counterpart_amount: Decimal
    charged_to: str | None = None


@attrs.frozen(eq=False)
class Layout:
    """
    Where each group of values sits in a plan's output tuple; built once per plan.
    """

    outputs: tuple[str, ...]
    inputs: tuple[tuple[str, int], ...]
    groups: Mapping[str, tuple[tuple[str, int], ...]]
    flags: tuple[tuple[str, str, int], ...]
    approvals: tuple[tuple[str, str, Decimal, int | None, Decimal | None, int], ...]
    shares: tuple[tuple[str, str, int, int, int | None, str | None], ...]
    charges: tuple[tuple[str, int], ...]
    assessed: tuple[int, str] | None
    score: int
    grade: int | None


def layout_of(plan: Plan) -> Layout:
    """
    Return the :class:`Layout` of ``plan``'s outputs.
    """
    s, ix = plan.scheme, plan.index

    def group(items: Any) -> tuple[tuple[str, int], ...]:
        return tuple((x.name, ix[x.name]) for x in items)

    approvals = tuple(
        (
            "deduction" if isinstance(a, Penalty) else "addition",
            a.name,
            a.approval_over,
            ix[a.occurrences] if a.occurrences is not None else None,
            a.amount,
            ix[a.name],
        )
        for a in s.adjustments()
        if a.approval_over is not None
    )
    return Layout(
        outputs=plan.outputs,
        inputs=tuple((i.metric.name, ix[i.metric.name]) for i in plan.inputs),
        groups={
            "indicators": group(s.indicators),
            "sections": group(s.sections),
            "penalties": group(s.penalties),
            "bonuses": group(s.bonuses),
            "payouts": group(s.payouts),
            "conditions": group(s.conditions),
        },
        flags=tuple((f.name, f.reason, ix[f.name]) for f in s.flags),
        approvals=approvals,
        shares=tuple(
            (
                a.name,
                str(a.counterpart),
                ix[a.name],
                ix[f"{a.name}.whole"],
                ix[f"{a.counterpart}.id"] if charged_to(s, a) is not None else None,
                a.charge_to if charged_to(s, a) is not None else None,  # no_counterpart: charge, empty cell
            )
            for a in s.adjustments()
            if a.share is not None
        ),
        charges=tuple(
            (a.name, ix[charges_name(rel, a.name)]) for a in s.adjustments() if (rel := charged_to(s, a)) is not None
        ),
        assessed=(ix["assessed"], s.assessed.reason) if s.assessed is not None else None,
        score=ix["score"],
        grade=ix.get("grade"),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


class Result:
    """
    One employee's result for one period: every number, the grade and the flags.

    ``values`` holds every named value the scheme computed (inputs, parameters,
    derived metrics, indicators' contributions, sections, penalties, bonuses,
    score, payouts, flags), for explanations and for later rules.  A result is
    immutable.  (A slotted class over one tuple, not an attrs class: a population
    builds one per employee, measured at 0.24 µs against 0.53 µs for frozen attrs.)
    """

    __slots__ = ("_d",)
    _d: tuple[Any, ...]

    def __init__(
        self,
        employee: str,
        period: str | None,
        score: Decimal,
        grade: str | None,
        flags: tuple[FlagHit, ...],
        row: tuple[Any, ...],
        layout: Layout,
        trace: tuple[Any, ...] | None = None,
        grade_note: str | None = None,
    ) -> None:
        object.__setattr__(self, "_d", (employee, period, score, grade, flags, row, layout, trace, grade_note))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Result is immutable; cannot set {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt through __init__, whose arguments are _d in order: results can go to worker processes.
        return (Result, self._d)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Result) and self._d[:6] == other._d[:6]

    def __hash__(self) -> int:
        return hash(self._d[:6])

    def __repr__(self) -> str:
        return f"Result(employee={self.employee!r}, period={self.period!r}, score={self.score!r}, grade={self.grade!r})"

    @property
    def employee(self) -> str:
        """The employee's id."""
        return self._d[0]  # type: ignore[no-any-return]

    @property
    def period(self) -> str | None:
        """The period's label."""
        return self._d[1]  # type: ignore[no-any-return]

    @property
    def score(self) -> Decimal:
        """The total score, after limits and rounding."""
        return self._d[2]  # type: ignore[no-any-return]

    @property
    def grade(self) -> str | None:
        """The grade label, when the scheme has grades."""
        return self._d[3]  # type: ignore[no-any-return]

    @property
    def flags(self) -> tuple[FlagHit, ...]:
        """The flags raised, with their reasons."""
        return self._d[4]  # type: ignore[no-any-return]

    @property
    def row(self) -> tuple[Any, ...]:
        """Every value the plan computed, in the plan's output order."""
        return self._d[5]  # type: ignore[no-any-return]

    @property
    def layout(self) -> Layout:
        """Where each group of values sits in :attr:`row`."""
        return self._d[6]  # type: ignore[no-any-return]

    @property
    def grade_note(self) -> str | None:
        """Why forced distribution moved the grade from its band, or None."""
        return self._d[8]  # type: ignore[no-any-return]

    def regraded(self, grade: str | None, note: str) -> Result:
        """
        Return a copy with the grade forced distribution gave, and why.
        """
        d = self._d
        return Result(d[0], d[1], d[2], grade, d[4], d[5], d[6], d[7], note)

    @property
    def trace(self) -> tuple[Any, ...] | None:
        """The traced output (values, then facts) when scored with ``trace=True``."""
        return self._d[7]  # type: ignore[no-any-return]

    def _group(self, name: str) -> Mapping[str, Any]:
        return MappingProxyType({k: self.row[i] for k, i in self.layout.groups[name]})

    @property
    def indicators(self) -> Mapping[str, Decimal]:
        """Each indicator's contribution (points × weight / 100)."""
        return self._group("indicators")

    @property
    def sections(self) -> Mapping[str, Decimal]:
        """Each section's value."""
        return self._group("sections")

    @property
    def penalties(self) -> Mapping[str, Decimal]:
        """Each penalty's amount for this person (a positive number that is taken off)."""
        return self._group("penalties")

    @property
    def bonuses(self) -> Mapping[str, Decimal]:
        """Each bonus's amount for this person."""
        return self._group("bonuses")

    @property
    def payouts(self) -> Mapping[str, Decimal]:
        """Each money amount, rounded as declared."""
        return self._group("payouts")

    @property
    def conditions(self) -> Mapping[str, bool]:
        """Each named condition: whether it held (not an outcome, unlike flags)."""
        return self._group("conditions")

    @property
    def inputs(self) -> Mapping[str, Any]:
        """The converted inputs the scheme read."""
        return MappingProxyType({k: self.row[i] for k, i in self.layout.inputs})

    @property
    def values(self) -> Mapping[str, Any]:
        """Every named value, by name."""
        return MappingProxyType(dict(zip(self.layout.outputs, self.row, strict=True)))

    @property
    def shares(self) -> Mapping[str, SharedCost]:
        """Shared costs (P7) with both sides: this person's and the counterpart's."""
        row = self.row
        return MappingProxyType(
            {
                name: SharedCost(who, row[w], row[i], row[w] - row[i], (row[t] or instead) if t is not None else None)
                for name, who, i, w, t, instead in self.layout.shares
            }
        )

    @property
    def charges(self) -> Mapping[str, Decimal]:
        """
        What other people's shared costs charge this person (P7), by penalty or bonus.

        A manager's result holds here the counterpart part of every shared cost
        of the people naming them as manager; it is taken off (or, for a
        bonus, added) where the penalty's own amount goes.
        """
        return MappingProxyType({name: self.row[i] for name, i in self.layout.charges})

    def to_dict(self) -> dict[str, Any]:
        """
        Return the result as JSON-ready data (Decimals as exact strings).
        """
        return {
            "employee": self.employee,
            "period": self.period,
            "score": str(self.score),
            "grade": self.grade,
            **{
                g: {k: str(v) for k, v in self._group(g).items()}
                for g in ("indicators", "sections", "penalties", "bonuses", "payouts")
            },
            **({"conditions": dict(self._group("conditions"))} if self.layout.groups["conditions"] else {}),
            **({"grade_note": self.grade_note} if self.grade_note else {}),
            "flags": [{"name": f.name, "reason": f.reason} for f in self.flags],
            "shares": {
                k: {
                    "counterpart": v.counterpart,
                    "whole": str(v.whole),
                    "own": str(v.own),
                    "counterpart_amount": str(v.counterpart_amount),
                    **({"charged_to": v.charged_to} if v.charged_to is not None else {}),
                }
                for k, v in self.shares.items()
            },
            **({"charges": {k: str(v) for k, v in self.charges.items()}} if self.layout.charges else {}),
            "inputs": {k: _plain(v) for k, v in self.inputs.items()},
        }


@attrs.frozen
class Results(Exports):
    """
    A population's results for one period, in employee-id order; ``to_dict()`` is its JSON-ready form.
    """

    scheme: str
    digest: str
    period: Period | None
    results: tuple[Result, ...]
    history: HistoryNote | None = None
    """What history was read; None for a scheme without history rules."""

    def __iter__(self) -> Iterator[Result]:
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
        out: dict[str, Any] = {
            "scheme": self.scheme,
            "scheme_digest": self.digest,
            "period": self.period.label if self.period else None,
        }
        if self.history is not None and self.history.worth_telling():  # no history read, or periods missing
            out["history"] = self.history.to_dict()
        out["results"] = [r.to_dict() for r in self.results]
        return out


def _approvals(layout: Layout, row: tuple[Any, ...]) -> list[FlagHit]:
    out = []
    for kind, name, limit, occ, amount, at in layout.approvals:
        if occ is not None:
            big = [v for v in row[occ] if abs(v) > limit]
        else:
            big = [amount] if amount is not None and amount > limit and row[at] != 0 else []
        if big:
            out.append(
                FlagHit(
                    "approval_required",
                    f"{name}: single {kind} of {max(big)} is over {limit} and needs written approval",
                )
            )
    return out


def build_result(
    layout: Layout, employee: str, row: tuple[Any, ...], period: str | None, trace: tuple[Any, ...] | None = None
) -> Result:
    """
    Assemble a :class:`Result` from a plan's output tuple (and its traced output, if any).
    """
    flags = [FlagHit(name, reason) for name, reason, i in layout.flags if row[i]]
    if layout.approvals:
        flags += _approvals(layout, row)
    grade = row[layout.grade] if layout.grade is not None else None
    if layout.assessed is not None and not row[layout.assessed[0]]:
        # Not assessed this period (H3): no grade, and a flag that says why.
        grade = None
        flags.insert(0, FlagHit("not_assessed", layout.assessed[1]))
    return Result(employee, period, row[layout.score], grade, tuple(flags), row, layout, trace)

"""
Results: what scoring one employee, or a population, produced.

A :class:`Result` keeps the tuple of every value the plan computed and reads
its groups (indicators, sections, payouts...) from it on demand, so scoring a
population builds no dictionaries nobody asked for.  Money stays Decimal with
the scheme's declared places.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from .._compile import Plan
from .._kinds import charged_to, charges_name
from .._model import Penalty, plain_text
from .parts import FlagHit, Hold, SharedCost

__all__ = ["FlagHit", "Layout", "Result", "SharedCost", "build_result", "layout_of"]


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
    reasons: tuple[tuple[str, str], ...] = ()
    """Each discretionary bonus (B7) and the input column that says why."""


def layout_of(plan: Plan) -> Layout:
    """
    Return the :class:`Layout` of ``plan``'s outputs.
    """
    s, ix = plan.scheme, plan.index

    def group(items: Any) -> tuple[tuple[str, int], ...]:
        return tuple((x.name, ix[x.name]) for x in items)

    keys = {i.column: i.name for i in plan.inputs}  # occurrences name a metric: metrics.x when shared
    approvals = tuple(
        (
            "deduction" if isinstance(a, Penalty) else "addition",
            a.name,
            a.approval_over,
            ix[keys.get(a.occurrences, a.occurrences)] if a.occurrences is not None else None,
            a.amount,
            ix[a.name],
        )
        for a in s.adjustments()
        if a.approval_over is not None
    )
    return Layout(
        outputs=plan.outputs,
        inputs=tuple((i.column, ix[i.name]) for i in plan.inputs),  # kept under the column's name
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
        reasons=tuple((b.name, b.reason) for b in s.bonuses if b.reason),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain_text(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


class Result:
    """
    One employee's result for one period: every number, the grade and the flags.

    ``values`` holds every named value the scheme computed (inputs, parameters,
    derived metrics, indicators' contributions, sections, penalties, bonuses,
    score, payouts, flags), for explanations and for later rules.  A result is
    immutable.  (It is a slotted class over one tuple rather than an attrs
    class because a population builds one per employee: measured at 0.24 µs
    to build against 0.53 µs for the equivalent frozen attrs class.)
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
        texts: Mapping[str, str] | None = None,
        held: tuple[Hold, ...] = (),
    ) -> None:
        d = (employee, period, score, grade, flags, row, layout, trace, grade_note, texts, held)
        object.__setattr__(self, "_d", d)

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
        return Result(d[0], d[1], d[2], grade, d[4], d[5], d[6], d[7], note, d[9], d[10])

    def with_texts(self, texts: Mapping[str, str]) -> Result:
        """
        Return a copy that keeps ``texts``: the row's text columns (reasons, team, population columns).
        """
        d = self._d
        return Result(d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], dict(texts), d[10])

    def with_held(self, flags: tuple[FlagHit, ...], held: tuple[Hold, ...]) -> Result:
        """
        Return a copy with the amounts held for approval (W2) and the flags that say so.
        """
        d = self._d
        return Result(d[0], d[1], d[2], d[3], flags, d[5], d[6], d[7], d[8], d[9], held)

    @property
    def held(self) -> tuple[Hold, ...]:
        """The amounts held, not paid, until an approval is recorded (W2)."""
        return self._d[10]  # type: ignore[no-any-return]

    @property
    def texts(self) -> Mapping[str, str]:
        """The row's text columns the scheme names: reasons (B7), the team, population columns."""
        texts = self._d[9]
        return MappingProxyType(texts) if texts else MappingProxyType({})

    @property
    def reasons(self) -> Mapping[str, str]:
        """Why each discretionary bonus (B7) with an amount was given, from its ``reason`` column."""
        texts, row = self.texts, self.row
        ix = dict(self.layout.groups["bonuses"])
        return MappingProxyType(
            {name: texts[column].strip() for name, column in self.layout.reasons if row[ix[name]] and column in texts}
        )

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
            "score": plain_text(self.score),
            "grade": self.grade,
            **{
                g: {k: plain_text(v) if isinstance(v, Decimal) else str(v) for k, v in self._group(g).items()}
                for g in ("indicators", "sections", "penalties", "bonuses", "payouts")
            },
            **({"conditions": dict(self._group("conditions"))} if self.layout.groups["conditions"] else {}),
            **({"grade_note": self.grade_note} if self.grade_note else {}),
            "flags": [{"name": f.name, "reason": f.reason} for f in self.flags],
            "shares": {
                k: {
                    "counterpart": v.counterpart,
                    "whole": plain_text(v.whole),
                    "own": plain_text(v.own),
                    "counterpart_amount": plain_text(v.counterpart_amount),
                    **({"charged_to": v.charged_to} if v.charged_to is not None else {}),
                }
                for k, v in self.shares.items()
            },
            **({"charges": {k: plain_text(v) for k, v in self.charges.items()}} if self.layout.charges else {}),
            **({"reasons": dict(self.reasons)} if self.layout.reasons else {}),
            **({"held": {h.adjustment: plain_text(h.amount) for h in self.held}} if self.held else {}),
            "inputs": {k: _plain(v) for k, v in self.inputs.items()},
        }


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

"""
Trace records: how every number of one employee's result was made.

Tracing is opt-in.  Scoring without it runs the plain generated function and
records nothing.  With it (``score(..., trace=True)``, or :func:`explain` on
any result) the plan's traced twin also returns the values of the steps'
:class:`~perfrules._ir.Fact` nodes — the value an indicator scored, the band
it fell in, the points before a limit, which veto held — and each rule kind
builds its line from those values and its own step, without evaluating
anything again.  Lines are plain data; renderers live in :mod:`.render`.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from decimal import Decimal, localcontext
from typing import Any

from .._compile import CONTEXT, Plan
from .._evaluate import Result
from .._formula import group_name, history_name
from .._ir import Step, StepRef
from .._kinds import Line, by_collection, charged_to, charges_name, explained_terms
from .._model import Bonus, Penalty
from .._validate import step_of

__all__ = ["Explanation", "Line", "explain", "facts_of"]


class _Index:
    """
    What explaining needs of a plan, worked out once per plan rather than per employee.
    """

    def __init__(self, plan: Plan) -> None:
        s = plan.scheme
        self.elements: dict[StepRef, Any] = {}
        for kind in by_collection.values():
            self.elements.update(dict(kind.elements(s)))
        self.reads: dict[StepRef, tuple[str, ...]] = {}
        for path, formula in plan.formulas.items():
            ref = step_of(path)
            team = {group_name(*call) for call in formula.groups}
            team |= {history_name(fn, arg, n) for fn, arg, n in formula.history}
            self.reads[ref] = tuple(sorted({*self.reads.get(ref, ()), *formula.names, *team}))
        # A name a metric shares with another element is shown as formulas must write it (penalties.minor,
        # prior(penalties.minor, 1)): the metric's own value is already called metrics.minor.
        shared = {n.removeprefix("metrics.") for n in plan.index if n.startswith("metrics.")}
        qualify = {n: f"{c}.{n}" for c, n, _ in s.named() if n in shared and c not in ("metrics", "tables")}
        self.shown = {n: _qualified(n, qualify) for names in self.reads.values() for n in names} if qualify else {}
        self.facts: dict[StepRef, list[tuple[str, int]]] = {}
        base = len(plan.outputs)
        for k, (ref, key) in enumerate(plan.facts):
            self.facts.setdefault(ref, []).append((key, base + k))
        # Shared costs charged through a relation (P7): the adjustment's name → the value charged.
        self.charged = {
            j.name: charges_name(rel, j.name) for j in s.adjustments() if (rel := charged_to(s, j)) is not None
        }
        # The steps that get a line, in order (inputs get none; the grade follows the score).
        self.refs: list[StepRef] = []
        for ref in plan.order:
            if ref[0] in ("grades", "groups") or (ref[0] == "metrics" and not plan.steps[ref].outputs):
                continue
            self.refs.append(ref)
            if ref[0] == "score" and s.grades is not None:
                self.refs.append(("grades", "grade"))


_INDEXES: weakref.WeakKeyDictionary[Plan, _Index] = weakref.WeakKeyDictionary()


def _qualified(name: str, qualify: Mapping[str, str]) -> str:
    # team_avg__minor___everyone → team_avg__penalties.minor___everyone: each argument, not the function.
    if name in qualify:
        return qualify[name]
    head, sep, over = name.partition("___")
    function, *arguments = head.split("__")
    return "__".join([function, *(qualify.get(a, a) for a in arguments)]) + sep + over


def _index(plan: Plan) -> _Index:
    found = _INDEXES.get(plan)
    if found is None:
        found = _INDEXES[plan] = _Index(plan)
    return found


def facts_of(plan: Plan, result: Result) -> tuple[Any, ...]:
    """
    Return the traced output of ``result`` (values then facts): kept from scoring, or computed now.
    """
    if result.trace is not None:
        return result.trace
    # Each stage's inputs are a prefix of the result's values (team values
    # included), so one employee can be traced again without the population.
    facts: tuple[Any, ...] = ()
    start = len(plan.inputs) + len(plan.history) + len(plan.people)
    with localcontext(CONTEXT):
        for stage in plan.traced_stages:
            start += len(stage.groups)
            out = stage.run(tuple(result.row[:start]))
            facts += out[stage.width :]
            start = stage.width
    return tuple(result.row) + facts


class _Explaining:
    """
    One employee's values and facts, as the kinds read them to explain their steps.
    """

    def __init__(
        self, plan: Plan, out: tuple[Any, ...], note: str | None, final: str | None, told: Mapping[str, Any]
    ) -> None:
        self.plan, self.scheme, self.out = plan, plan.scheme, out
        self.note, self.final, self.told = note, final, told
        self.ix = _index(plan)
        self.env: Mapping[str, Any] = dict(zip(plan.outputs, out, strict=False))

    def facts(self, ref: StepRef) -> dict[str, Any]:
        out = self.out
        return {key: out[i] for key, i in self.ix.facts.get(ref, ())}

    def reads(self, ref: StepRef) -> dict[str, Any]:
        env = self.env
        found = {n: env[n] for n in self.ix.reads.get(ref, ()) if n in env}
        # prior(x, n, default) records the value it used: with no such period, the default, not the 0 read.
        used = self.facts(ref)
        shown = self.ix.shown
        return {shown.get(n, n): used[n] if n.startswith("prior_") and n in used else v for n, v in found.items()}

    def step(self, ref: StepRef) -> Step:
        return self.plan.steps[ref]

    def terms(self, names: list[str], adjs: list[Penalty | Bonus]) -> list[tuple[str, Decimal]]:
        return explained_terms(self.env, names, adjs, self.ix.charged)

    def lines(self) -> tuple[Line, ...]:
        elements, told = self.ix.elements, self.told
        lines = (by_collection[ref[0]].explain(self, ref, elements[ref]) for ref in self.ix.refs)
        # What the result carries beside its values: a bonus's reason (B7), an amount held for approval (W2).
        return tuple(ln._replace(facts={**ln.facts, **told[ln.name]}) if ln.name in told else ln for ln in lines)


def _told(result: Result) -> dict[str, dict[str, Any]]:
    # By adjustment: why it was given (B7) and what of it is held for approval (W2; see Result.held).
    told: dict[str, dict[str, Any]] = {name: {"reason": text} for name, text in result.reasons.items()}
    for hold in result.held:
        told.setdefault(hold.adjustment, {}).update(held=hold.amount, held_over=hold.limit)
    return told


class Explanation:
    """
    Every step behind one employee's result, in evaluation order.

    Lines are built from the traced facts the first time they are asked for.
    An explanation is immutable: ``lines`` always gives the same records.
    """

    __slots__ = ("_final", "_lines", "_note", "_out", "_plan", "_told", "digest", "employee", "period", "scheme")

    def __init__(self, plan: Plan, result: Result, out: tuple[Any, ...]) -> None:
        self._plan, self._out = plan, out
        self._note, self._final = result.grade_note, result.grade
        self._told = _told(result)
        self._lines: tuple[Line, ...] | None = None
        self.employee, self.period = result.employee, result.period
        self.scheme, self.digest = plan.scheme.name, plan.digest

    @property
    def lines(self) -> tuple[Line, ...]:
        """The trace records, one per step, in evaluation order."""
        lines = self._lines
        if lines is None:
            lines = self._lines = _Explaining(self._plan, self._out, self._note, self._final, self._told).lines()
        return lines

    def to_dict(self) -> dict[str, Any]:
        """
        Return the explanation as JSON-ready data.
        """
        return {
            "employee": self.employee,
            "period": self.period,
            "scheme": self.scheme,
            "scheme_digest": self.digest,
            "lines": [line.to_dict() for line in self.lines],
        }


def explain(plan: Plan, result: Result) -> Explanation:
    """
    Return the :class:`Explanation` of one employee's result under ``plan``.

    Uses the facts recorded when the result was scored with ``trace=True``;
    otherwise runs the plan's traced function once for this employee.
    """
    return Explanation(plan, result, facts_of(plan, result))

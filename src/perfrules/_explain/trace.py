"""
Trace records: how every number of one employee's result was made.

Tracing is opt-in.  Scoring without it runs the plain generated function and
records nothing.  With it (``score(..., trace=True)``, or :func:`explain` on
any result) the plan's traced function also returns the intermediate facts —
the value an indicator scored, the band it fell in, the points before a cap,
the gross before a limit, which veto held — and the lines below are built
from those facts and the scheme, without evaluating anything again.  Lines
are plain data; renderers live in :mod:`.render`.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from decimal import Decimal, localcontext
from typing import Any, NamedTuple

from .._compile import CONTEXT, Plan
from .._evaluate import Result
from .._formula import group_name, history_name
from .._model import Bonus, Penalty
from .._validate.analyse import StepRef, step_of
from .._validate.people import charged_to, charges_name

__all__ = ["Explanation", "Line", "explain", "facts_of"]


class Line(NamedTuple):
    """
    One step of an explanation: what was computed, from what, and the facts that decided it.
    """

    step: str
    kind: str
    name: str
    label: str | None
    value: Any
    facts: Mapping[str, Any]
    reads: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """
        Return the line as JSON-ready data.
        """
        return {
            "step": self.step,
            "kind": self.kind,
            "name": self.name,
            "label": self.label,
            "value": _plain(self.value),
            "facts": _plain(dict(self.facts)),
            "reads": _plain(dict(self.reads)),
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _limit(raw: Any, floor: Decimal | None, cap: Decimal | None) -> dict[str, Any]:
    if raw is None:
        return {}
    if cap is not None and raw > cap:
        return {"limited_by": "cap", "limit": cap, "before_limit": raw}
    if floor is not None and raw < floor:
        return {"limited_by": "floor", "limit": floor, "before_limit": raw}
    return {}


class _Index:
    """
    What explaining needs of a plan, worked out once per plan rather than per employee.
    """

    def __init__(self, plan: Plan) -> None:
        s = plan.scheme
        self.elements: dict[tuple[str, str], Any] = {(coll, name): item for coll, name, item in s.named()}
        self.reads: dict[StepRef, tuple[str, ...]] = {}
        for path, formula in plan.formulas.items():
            ref = step_of(path)
            team = {group_name(*call) for call in formula.groups}
            team |= {history_name(fn, arg, n) for fn, arg, n in formula.history}
            self.reads[ref] = tuple(sorted({*self.reads.get(ref, ()), *formula.names, *team}))
        self.facts: dict[StepRef, list[tuple[str, int]]] = {}
        base = len(plan.outputs)
        for k, (ref, key) in enumerate(plan.facts):
            self.facts.setdefault(ref, []).append((key, base + k))
        self.members = {sec.name: [i for i in s.indicators if i.section == sec.name] for sec in s.sections}
        self.loose = [i for i in s.indicators if i.section is None]
        self.point_adjs = [j for j in s.adjustments() if j.unit == "points"]
        self.by_payout = {p.name: [j for j in s.adjustments() if j.payout == p.name] for p in s.payouts}
        # Shared costs charged through a relation (P7): the adjustment's name → (relation, value name).
        self.charged = {
            j.name: (rel, charges_name(rel, j.name)) for j in s.adjustments() if (rel := charged_to(s, j)) is not None
        }
        # The steps that get a line, in order (inputs get none; the grade follows the score).
        self.refs: list[StepRef] = []
        for ref in plan.order:
            if ref[0] in ("grades", "groups") or (ref[0] == "metrics" and self.elements[ref].formula is None):
                continue
            self.refs.append(ref)
            if ref[0] == "score" and s.grades is not None:
                self.refs.append(("grades", "grade"))
        self.bands = {id(lk): tuple(t.range_text() for t in lk.tiers) for lk in plan.lookups.values()}


_INDEXES: weakref.WeakKeyDictionary[Plan, _Index] = weakref.WeakKeyDictionary()


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


class _Builder:
    def __init__(self, plan: Plan, out: tuple[Any, ...], note: str | None = None, final: str | None = None) -> None:
        self.plan, self.s, self.out = plan, plan.scheme, out
        self.note, self.final = note, final
        self.ix = _index(plan)
        self.env = dict(zip(plan.outputs, out, strict=False))
        self.handlers = {
            "metrics": self.metric,
            "indicators": self.indicator,
            "penalties": self.adjustment,
            "bonuses": self.adjustment,
            "sections": self.section,
            "score": self.score,
            "grades": self.grade,
            "payouts": self.payout,
            "flags": self.flag,
            "teams": self.eligible,
            "assessed": self.assessed,
        }

    def facts(self, ref: StepRef) -> dict[str, Any]:
        out = self.out
        return {key: out[i] for key, i in self.ix.facts.get(ref, ())}

    def reads(self, ref: StepRef) -> dict[str, Any]:
        env = self.env
        return {n: env[n] for n in self.ix.reads.get(ref, ()) if n in env}

    def terms(self, names: list[str], adjs: list[Penalty | Bonus]) -> list[tuple[str, Decimal]]:
        env = self.env
        out = [(n, env[n]) for n in names] + [
            (j.name, env[j.name] if isinstance(j, Bonus) else -env[j.name]) for j in adjs
        ]
        # Other people's shared costs charged to this person (P7) follow their own part.
        charged = self.ix.charged
        for j in adjs:
            if j.name in charged:
                key = charged[j.name][1]
                out.append((key, env[key] if isinstance(j, Bonus) else -env[key]))
        return out

    def lines(self) -> tuple[Line, ...]:
        handlers = self.handlers
        return tuple(handlers[ref[0]](ref) for ref in self.ix.refs)

    def metric(self, ref: StepRef) -> Line:
        m = self.ix.elements[ref]
        return Line(
            f"metrics.{m.name}", "metric", m.name, m.label, self.env[m.name], {"formula": m.formula}, self.reads(ref)
        )

    def indicator(self, ref: StepRef) -> Line:
        ind = self.ix.elements[ref]
        traced = self.facts(ref)
        facts: dict[str, Any] = {}
        if "value" in traced:
            facts.update(input=ind.input, value=traced["value"])
        if ind.formula is not None:
            facts.update(scorer="formula", formula=ind.formula)
        elif "band" in traced:
            lookup = (
                self.plan.lookups.get(("indicators", ind.name, "tiers"))
                or self.plan.lookups[("tables", str(ind.table))]
            )
            k = traced["band"]
            facts.update(
                scorer="table",
                table=ind.table or ind.name,
                band=self.ix.bands[id(lookup)][k] if k is not None else None,
            )
        elif ind.target is not None:
            facts.update(scorer="target", target=traced["target"], direction=ind.target.direction)
        else:
            sf = ind.shortfall
            facts.update(
                scorer="shortfall",
                target=sf.target,
                per=sf.per,
                deduct=sf.deduct,
                full=sf.full,
                direction=sf.direction,
                steps=sf.steps,
            )
        facts["points"] = traced["points"]
        facts.update(_limit(traced["points"], ind.floor, ind.cap))
        if ind.weight is not None:
            facts["weight"] = ind.weight
        if ind.section is not None:
            facts["section"] = ind.section
        return Line(
            f"indicators.{ind.name}", "indicator", ind.name, ind.label, self.env[ind.name], facts, self.reads(ref)
        )

    def adjustment(self, ref: StepRef) -> Line:
        adj: Penalty | Bonus = self.ix.elements[ref]
        name, traced, env = adj.name, self.facts(ref), self.env
        facts: dict[str, Any] = {"unit": adj.unit, "sign": "-" if isinstance(adj, Penalty) else "+"}
        if adj.when is not None:
            facts.update(when=adj.when, applies=bool(traced["applies"]))
        applies = facts.get("applies", True)
        if applies:
            if adj.occurrences is not None:
                values = env[adj.occurrences]
                amounts = traced.get("amounts") or [adj.amount if adj.amount is not None else v for v in values]
                facts["occurrences"] = list(zip(values, amounts, strict=True))
            else:
                facts["count"] = traced.get("count", Decimal(1))
                if adj.schedule is not None:
                    facts["schedule"] = list(adj.schedule)
                else:
                    facts["amount"] = adj.amount if adj.amount is not None else Decimal(1)
            gross = traced["gross"]
            facts["gross"] = gross
            if adj.cap is not None:
                low = -adj.cap if isinstance(adj, Bonus) and adj.signed else None
                facts.update(_limit(gross, low, adj.cap))
        if adj.share is not None:
            whole = env[f"{name}.whole"]
            facts.update(
                share=adj.share, counterpart=adj.counterpart, whole=whole, counterpart_amount=whole - env[name]
            )
            if name in self.ix.charged and env[f"{self.ix.charged[name][0]}.id"]:
                facts["charged_to"] = env[f"{self.ix.charged[name][0]}.id"]
        into = adj.into()
        facts["into"] = into[1] if into is not None else None
        kind = "penalty" if isinstance(adj, Penalty) else "bonus"
        return Line(f"{ref[0]}.{name}", kind, name, adj.label, env[name], facts, self.reads(ref))

    def _vetoes(self, traced: dict[str, Any], texts: dict[str, str | None]) -> list[tuple[str, str | None]]:
        return [(key[5:], texts.get(key[5:])) for key, hit in traced.items() if key.startswith("veto:") and hit]

    def section(self, ref: StepRef) -> Line:
        sec = self.ix.elements[ref]
        members = self.ix.members[sec.name]
        traced = self.facts(ref)
        terms = self.terms([i.name for i in members], [j for j in self.ix.point_adjs if j.section == sec.name])
        facts: dict[str, Any] = {"base": sec.base, "terms": terms, "sum": traced.get("sum")}
        hit = self._vetoes(traced, {sec.name: sec.veto, **{i.name: i.veto for i in members}})
        if hit:
            facts["vetoed_by"] = hit
        else:
            facts.update(_limit(traced.get("sum"), sec.floor, sec.cap))
        if sec.weight is not None:
            facts["weight"] = sec.weight
        return Line(f"sections.{sec.name}", "section", sec.name, sec.label, self.env[sec.name], facts, self.reads(ref))

    def score(self, ref: StepRef) -> Line:
        sc, traced = self.s.score, self.facts(ref)
        facts: dict[str, Any] = {}
        if sc.formula is not None:
            facts["formula"] = sc.formula
        else:
            terms = self.terms(
                [x.name for x in self.s.sections] + [i.name for i in self.ix.loose],
                [j for j in self.ix.point_adjs if j.section is None],
            )
            facts.update(base=sc.base, terms=terms)
        facts["sum"] = traced.get("sum")
        hit = self._vetoes(traced, {"score": sc.veto, **{i.name: i.veto for i in self.ix.loose}})
        if hit:
            facts["vetoed_by"] = hit
        else:
            facts.update(_limit(traced.get("sum"), sc.floor, sc.cap))
        if sc.rounding is not None:
            facts["rounding"] = {"places": sc.rounding.places, "mode": sc.rounding.mode}
        return Line("score", "score", "score", None, self.env["score"], facts, self.reads(ref))

    def grade(self, ref: StepRef) -> Line:
        g = self.s.grades
        assert g is not None
        label, of = self.env.get("grade"), self.facts(ref)["value"]
        if self.s.assessed is not None and not self.env["assessed"]:
            return Line("grade", "grade", "grade", None, None, {"of": g.of, "value": of, "not_assessed": True}, {})
        band = next((t.range_text() for t in g.tiers if t.label == label and t.contains(of)), None)
        facts = {"of": g.of, "value": of, "band": band}
        if self.note is not None:  # forced distribution moved the grade the band gave
            facts.update(band_grade=label, distribution=self.note)
            label = self.final
        return Line("grade", "grade", "grade", None, label, facts, {})

    def payout(self, ref: StepRef) -> Line:
        p = self.ix.elements[ref]
        traced = self.facts(ref)
        rounding = p.rounding or self.s.money
        facts: dict[str, Any] = {
            "formula": p.formula,
            "formula_value": traced.get("formula_value"),
            "adjustments": self.terms([], self.ix.by_payout[p.name]),
            "sum": traced.get("sum"),
            "rounding": {"places": rounding.places, "mode": rounding.mode},
        }
        if p.when is not None:
            facts.update(when=p.when, applies=bool(traced["applies"]))
        facts.update(_limit(traced.get("sum"), p.floor, p.cap))
        return Line(f"payouts.{p.name}", "payout", p.name, p.label, self.env[p.name], facts, self.reads(ref))

    def eligible(self, ref: StepRef) -> Line:
        teams = self.s.teams
        assert teams is not None
        return Line(
            "teams.eligible",
            "team",
            "team_eligible",
            None,
            self.env["team_eligible"],
            {"when": teams.eligible},
            self.reads(ref),
        )

    def assessed(self, ref: StepRef) -> Line:
        rule = self.s.assessed
        assert rule is not None
        facts = {"when": rule.when, "reason": rule.reason}
        return Line("assessed", "assessed", "assessed", None, self.env["assessed"], facts, self.reads(ref))

    def flag(self, ref: StepRef) -> Line:
        fl = self.ix.elements[ref]
        return Line(
            f"flags.{fl.name}",
            "flag",
            fl.name,
            fl.label,
            self.env[fl.name],
            {"when": fl.when, "reason": fl.reason},
            self.reads(ref),
        )


class Explanation:
    """
    Every step behind one employee's result, in evaluation order.

    Lines are built from the traced facts the first time they are asked for.
    An explanation is immutable: ``lines`` always gives the same records.
    """

    __slots__ = ("_final", "_lines", "_note", "_out", "_plan", "digest", "employee", "period", "scheme")

    def __init__(self, plan: Plan, result: Result, out: tuple[Any, ...]) -> None:
        self._plan, self._out = plan, out
        self._note, self._final = result.grade_note, result.grade
        self._lines: tuple[Line, ...] | None = None
        self.employee, self.period = result.employee, result.period
        self.scheme, self.digest = plan.scheme.name, plan.digest

    @property
    def lines(self) -> tuple[Line, ...]:
        """The trace records, one per step, in evaluation order."""
        lines = self._lines
        if lines is None:
            lines = self._lines = _Builder(self._plan, self._out, self._note, self._final).lines()
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

"""
Trace records: how every number of one employee's result was made.

Scoring never records anything (tracing off costs nothing).  An explanation is
derived afterwards from the result's values and the plan: each step is
re-read, not re-run, except where a detail (the band a value fell in, the
points before a cap) is cheap to recompute.  Records are plain data; renderers
live in :mod:`.render`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, localcontext
from typing import Any

import attrs

from .._compile import CONTEXT, Plan
from .._compile.steps import shortfall_points
from .._evaluate import Result
from .._formula import CompiledFormula, Lookup
from .._model import Bonus, Indicator, Payout, Penalty, Scheme, Section

__all__ = ["Explanation", "Line", "explain"]

_HUNDRED = Decimal(100)


@attrs.frozen
class Line:
    """
    One step of an explanation: what was computed, from what, and the facts that decided it.
    """

    step: str
    kind: str
    name: str
    label: str | None
    value: Any
    facts: Mapping[str, Any] = attrs.field(factory=dict)
    reads: Mapping[str, Any] = attrs.field(factory=dict)

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


@attrs.frozen
class Explanation:
    """
    Every step behind one employee's result, in evaluation order.
    """

    employee: str
    period: str | None
    scheme: str
    digest: str
    lines: tuple[Line, ...]

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


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _limit(raw: Decimal, floor: Decimal | None, cap: Decimal | None) -> dict[str, Any]:
    if cap is not None and raw > cap:
        return {"limited_by": "cap", "limit": cap, "before_limit": raw}
    if floor is not None and raw < floor:
        return {"limited_by": "floor", "limit": floor, "before_limit": raw}
    return {}


class _Tracer:
    def __init__(self, plan: Plan, env: Mapping[str, Any]) -> None:
        self.plan, self.s, self.env = plan, plan.scheme, env

    def f(self, *path: str | int) -> CompiledFormula | None:
        return self.plan.formulas.get(path)

    def reads(self, *prefix: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for path, formula in self.plan.formulas.items():
            if path[: len(prefix)] == prefix:
                out.update({n: self.env[n] for n in sorted(formula.names) if n in self.env})
        return out

    def metric(self, name: str) -> Line | None:
        m = next(x for x in self.s.metrics if x.name == name)
        if m.formula is None:
            return None
        return Line(
            f"metrics.{name}",
            "metric",
            name,
            m.label,
            self.env[name],
            {"formula": m.formula},
            self.reads("metrics", name),
        )

    def indicator(self, name: str) -> Line:
        ind = next(x for x in self.s.indicators if x.name == name)
        facts: dict[str, Any] = {}
        value_f = self.f("indicators", name, "input")
        x = value_f.fn(self.env) if value_f is not None else None
        if x is not None:
            facts["input"] = ind.input
            facts["value"] = x
        raw = self._points(ind, x, facts)
        facts["points"] = raw
        facts.update(_limit(raw, ind.floor, ind.cap))
        if ind.weight is not None:
            facts["weight"] = ind.weight
        if ind.section is not None:
            facts["section"] = ind.section
        return Line(
            f"indicators.{name}", "indicator", name, ind.label, self.env[name], facts, self.reads("indicators", name)
        )

    def _points(self, ind: Indicator, x: Decimal | None, facts: dict[str, Any]) -> Decimal:
        lookup: Lookup | None = self.plan.lookups.get(("indicators", ind.name, "tiers")) or (
            self.plan.lookups.get(("tables", ind.table)) if ind.table else None
        )
        if lookup is not None and x is not None:
            k = lookup.index(x)
            facts["scorer"] = "table"
            facts["table"] = ind.table or ind.name
            facts["band"] = lookup.tiers[k].range_text() if k is not None else None
            points: Decimal = lookup(x)
            return points
        if ind.target is not None and x is not None:
            t = self.f("indicators", ind.name, "target", "target")
            assert t is not None
            target: Decimal = t.fn(self.env)
            facts.update(scorer="target", target=target, direction=ind.target.direction)
            ratio = x / target
            return ratio * _HUNDRED if ind.target.direction == "higher_is_better" else (1 - ratio) * _HUNDRED
        if ind.shortfall is not None and x is not None:
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
            return shortfall_points(sf, x)
        formula = self.f("indicators", ind.name, "formula")
        assert formula is not None
        facts.update(scorer="formula", formula=ind.formula)
        return Decimal(formula.fn(self.env))

    def adjustment(self, coll: str, name: str) -> Line:
        adj: Penalty | Bonus = next(x for x in self.s.adjustments() if x.name == name)
        facts: dict[str, Any] = {"unit": adj.unit, "sign": "-" if isinstance(adj, Penalty) else "+"}
        when = self.f(coll, name, "when")
        if when is not None:
            facts["when"] = adj.when
            facts["applies"] = bool(when.fn(self.env))
        if adj.occurrences is not None:
            lookup = self.plan.lookups.get((coll, name, "tiers"))
            values = self.env[adj.occurrences]
            each = [(v, lookup(v) if lookup else adj.amount if adj.amount is not None else v) for v in values]
            facts["occurrences"] = each
            gross = sum((a for _, a in each), Decimal(0))
        else:
            count_f = self.f(coll, name, "count")
            n = count_f.fn(self.env) if count_f is not None else Decimal(1)
            facts["count"] = n
            if adj.schedule is not None:
                facts["schedule"] = list(adj.schedule)
                k, sched = int(n), adj.schedule
                gross = sum(sched[: min(k, len(sched))], Decimal(0)) + sched[-1] * max(k - len(sched), 0)
            else:
                amount = adj.amount if adj.amount is not None else Decimal(1)
                facts["amount"] = amount
                gross = n * amount
        facts["gross"] = gross
        if adj.cap is not None:
            low = -adj.cap if isinstance(adj, Bonus) and adj.signed else None
            facts.update(_limit(gross, low, adj.cap))
        if adj.share is not None:
            total = min(gross, adj.cap) if adj.cap is not None else gross
            own = self.env[name] if facts.get("applies", True) else Decimal(0)
            facts.update(
                share=adj.share,
                counterpart=adj.counterpart,
                whole=total,
                counterpart_amount=total - own if facts.get("applies", True) else Decimal(0),
            )
        facts["into"] = adj.section or adj.payout or ("score" if adj.unit == "points" else None)
        return Line(
            f"{coll}.{name}",
            "penalty" if isinstance(adj, Penalty) else "bonus",
            name,
            adj.label,
            self.env[name],
            facts,
            self.reads(coll, name),
        )

    def _terms(self, names: list[str], adjs: list[Penalty | Bonus]) -> list[tuple[str, Decimal]]:
        terms = [(n, self.env[n]) for n in names]
        terms += [(j.name, self.env[j.name] if isinstance(j, Bonus) else -self.env[j.name]) for j in adjs]
        return terms

    def section(self, name: str) -> Line:
        sec: Section = next(x for x in self.s.sections if x.name == name)
        members = [i for i in self.s.indicators if i.section == name]
        terms = self._terms(
            [i.name for i in members], [j for j in self.s.adjustments() if j.unit == "points" and j.section == name]
        )
        raw = sec.base + sum((v for _, v in terms), Decimal(0))
        facts: dict[str, Any] = {"base": sec.base, "terms": terms, "sum": raw}
        vetoes = [(sec.name, self.f("sections", name, "veto"), sec.veto)] + [
            (i.name, self.f("indicators", i.name, "veto"), i.veto) for i in members
        ]
        hit = [(who, text) for who, f, text in vetoes if f is not None and f.fn(self.env)]
        if hit:
            facts["vetoed_by"] = hit
        else:
            facts.update(_limit(raw, sec.floor, sec.cap))
        if sec.weight is not None:
            facts["weight"] = sec.weight
        return Line(f"sections.{name}", "section", name, sec.label, self.env[name], facts, self.reads("sections", name))

    def score(self) -> Line:
        sc = self.s.score
        facts: dict[str, Any] = {}
        if sc.formula is not None:
            f = self.f("score", "formula")
            assert f is not None
            raw = f.fn(self.env)
            facts.update(formula=sc.formula)
        else:
            loose = [i.name for i in self.s.indicators if i.section is None]
            terms = self._terms(
                [x.name for x in self.s.sections] + loose,
                [j for j in self.s.adjustments() if j.unit == "points" and j.section is None],
            )
            raw = sc.base + sum((v for _, v in terms), Decimal(0))
            facts.update(base=sc.base, terms=terms)
        facts["sum"] = raw
        vetoes = [("score", self.f("score", "veto"), sc.veto)] + [
            (i.name, self.f("indicators", i.name, "veto"), i.veto) for i in self.s.indicators if i.section is None
        ]
        hit = [(who, text) for who, f, text in vetoes if f is not None and f.fn(self.env)]
        if hit:
            facts["vetoed_by"] = hit
        else:
            facts.update(_limit(raw, sc.floor, sc.cap))
        if sc.rounding is not None:
            facts["rounding"] = {"places": sc.rounding.places, "mode": sc.rounding.mode}
        return Line("score", "score", "score", None, self.env["score"], facts, self.reads("score"))

    def payout(self, name: str) -> Line:
        p: Payout = next(x for x in self.s.payouts if x.name == name)
        f = self.f("payouts", name, "formula")
        assert f is not None
        base = f.fn(self.env)
        terms = self._terms([], [j for j in self.s.adjustments() if j.payout == name])
        raw = base + sum((v for _, v in terms), Decimal(0))
        rounding = p.rounding or self.s.money
        facts: dict[str, Any] = {
            "formula": p.formula,
            "formula_value": base,
            "adjustments": terms,
            "sum": raw,
            "rounding": {"places": rounding.places, "mode": rounding.mode},
        }
        when = self.f("payouts", name, "when")
        if when is not None:
            facts["when"] = p.when
            facts["applies"] = bool(when.fn(self.env))
        facts.update(_limit(raw, p.floor, p.cap))
        return Line(f"payouts.{name}", "payout", name, p.label, self.env[name], facts, self.reads("payouts", name))

    def flag(self, name: str) -> Line:
        fl = next(x for x in self.s.flags if x.name == name)
        return Line(
            f"flags.{name}",
            "flag",
            name,
            fl.label,
            self.env[name],
            {"when": fl.when, "reason": fl.reason},
            self.reads("flags", name),
        )


def _grade(s: Scheme, result: Result, plan: Plan, env: Mapping[str, Any]) -> Line | None:
    if s.grades is None:
        return None
    of = plan.formulas[("grades", "of")].fn(env)
    band = next((t.range_text() for t in s.grades.tiers if t.label == result.grade and t.contains(of)), None)
    return Line("grade", "grade", "grade", None, result.grade, {"of": s.grades.of, "value": of, "band": band})


def explain(plan: Plan, result: Result) -> Explanation:
    """
    Return the :class:`Explanation` of one employee's result under ``plan``.
    """
    env = result.values
    tracer = _Tracer(plan, env)
    lines: list[Line] = []
    single = {
        "metrics": tracer.metric,
        "indicators": tracer.indicator,
        "sections": tracer.section,
        "payouts": tracer.payout,
        "flags": tracer.flag,
    }
    with localcontext(CONTEXT):
        for step in plan.steps:
            if step.collection in ("penalties", "bonuses"):
                lines.append(tracer.adjustment(step.collection, step.name))
            elif step.collection == "score":
                lines.append(tracer.score())
                grade = _grade(plan.scheme, result, plan, env)
                if grade is not None:
                    lines.append(grade)
            else:
                line = single[step.collection](step.name)
                if line is not None:
                    lines.append(line)
    return Explanation(result.employee, result.period, plan.scheme.name, plan.digest, tuple(lines))

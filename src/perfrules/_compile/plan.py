"""
The compile phase: a validated scheme becomes an immutable, reusable :class:`Plan`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from .._errors import SchemeError
from .._formula import CompiledFormula, Lookup
from .._load import unstructure
from .._model import Bonus, Metric, Penalty, Scheme
from .._plugins import MetricType, metric_type
from .._validate import analyse_scheme
from .._validate.analyse import Analysis, StepRef
from .numbers import quantizer
from .steps import (
    Env,
    Run,
    adjustment_step,
    clamp,
    indicator_points,
    indicator_step,
    payout_step,
    section_step,
    signed_terms,
)

__all__ = ["InputSpec", "Plan", "Step", "compile_scheme", "scheme_digest"]


@attrs.frozen
class InputSpec:
    """
    One input the plan reads from each row: the metric and its type's parser.
    """

    metric: Metric
    kind: MetricType
    levels: frozenset[Decimal] | None = None
    range: tuple[Decimal, Decimal] | None = None


@attrs.frozen
class Step:
    """
    One compiled step: what it computes (``collection``, ``name``) and the closure.
    """

    collection: str
    name: str
    run: Run


@attrs.frozen(eq=False)
class Plan:
    """
    A compiled scheme: inputs to read, constants, and steps in dependency order.

    Plans are immutable and hold no per-run state, so one plan can serve many
    threads at once.  Pickling a plan pickles its scheme and compiles again on
    load, which makes it safe to send to worker processes.
    """

    scheme: Scheme
    digest: str
    inputs: tuple[InputSpec, ...]
    params: Mapping[str, Decimal]
    steps: tuple[Step, ...]
    formulas: Mapping[tuple[str | int, ...], CompiledFormula]
    lookups: Mapping[tuple[str | int, ...], Lookup]
    grade: Callable[[Env], str | None] | None
    money: Callable[[Decimal], Decimal]

    def __reduce__(self) -> tuple[Any, ...]:
        return (compile_scheme, (self.scheme,))


def scheme_digest(scheme: Scheme) -> str:
    """
    Return a content hash of the scheme: equal schemes give equal digests.
    """
    text = json.dumps(unstructure(scheme), default=str, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _inputs(s: Scheme) -> tuple[InputSpec, ...]:
    limits: dict[str, tuple[frozenset[Decimal] | None, tuple[Decimal, Decimal] | None]] = {}
    for adj in s.adjustments():
        if adj.occurrences is not None and adj.tiers is None and adj.amount is None:
            levels = frozenset(adj.levels) if adj.levels is not None else None
            limits[adj.occurrences] = (levels, adj.range)
    out = []
    for m in s.metrics:
        if m.formula is None:
            kind = metric_type(m.type)
            assert kind is not None  # analysis refused unknown types
            out.append(InputSpec(m, kind, *limits.get(m.name, (None, None))))
    return tuple(out)


class _Builder:
    def __init__(self, a: Analysis) -> None:
        self.a, self.s = a, a.scheme
        self.money = quantizer(self.s.money)
        self.point_adjs = [j for j in self.s.adjustments() if j.unit == "points"]

    def f(self, *path: str | int) -> CompiledFormula | None:
        return self.a.formulas.get(path)

    def terms(self, names: list[str], adjs: list[Penalty | Bonus]) -> Callable[[Env], Decimal]:
        plus = names + [j.name for j in adjs if isinstance(j, Bonus)]
        minus = [j.name for j in adjs if isinstance(j, Penalty)]
        return signed_terms(plus, minus)

    def build(self, ref: StepRef) -> Run | None:
        coll, name = ref
        method: Callable[[str], Run | None] = getattr(self, f"b_{coll}")
        return method(name)

    def b_metrics(self, name: str) -> Run | None:
        f = self.f("metrics", name, "formula")
        if f is None:
            return None  # an input: set when the row is read
        fn = f.fn

        def run(env: Env) -> None:
            env[name] = fn(env)

        return run

    def b_indicators(self, name: str) -> Run:
        ind = next(i for i in self.s.indicators if i.name == name)
        value = self.f("indicators", name, "input")
        lookup = self.a.lookups.get(("indicators", name, "tiers")) or (
            self.a.lookups.get(("tables", ind.table)) if ind.table else None
        )
        points = indicator_points(
            ind,
            value.fn if value else (lambda env: Decimal(0)),
            lookup,
            self.f("indicators", name, "target", "target"),
            self.f("indicators", name, "formula"),
        )
        return indicator_step(ind, points)

    def b_sections(self, name: str) -> Run:
        sec = next(x for x in self.s.sections if x.name == name)
        members = [i for i in self.s.indicators if i.section == name]
        vetoes = [
            v
            for v in (self.f("sections", name, "veto"), *(self.f("indicators", i.name, "veto") for i in members))
            if v is not None
        ]
        terms = self.terms([i.name for i in members], [j for j in self.point_adjs if j.section == name])
        return section_step(sec, terms, vetoes)

    def _adjustment(self, coll: str, adj: Penalty | Bonus) -> Run:
        return adjustment_step(
            adj,
            self.f(coll, adj.name, "count"),
            self.f(coll, adj.name, "when"),
            self.a.lookups.get((coll, adj.name, "tiers")),
            self.money,
        )

    def b_penalties(self, name: str) -> Run:
        return self._adjustment("penalties", next(x for x in self.s.penalties if x.name == name))

    def b_bonuses(self, name: str) -> Run:
        return self._adjustment("bonuses", next(x for x in self.s.bonuses if x.name == name))

    def b_score(self, name: str) -> Run:
        sc = self.s.score
        formula = self.f("score", "formula")
        total: Callable[[Env], Decimal]
        if formula is not None:
            total = formula.fn
        else:
            loose = [i.name for i in self.s.indicators if i.section is None]
            terms = self.terms(
                [x.name for x in self.s.sections] + loose, [j for j in self.point_adjs if j.section is None]
            )
            base = sc.base

            def total(env: Env) -> Decimal:
                return base + terms(env)

        vetoes = tuple(
            v.fn
            for v in (
                self.f("score", "veto"),
                *(self.f("indicators", i.name, "veto") for i in self.s.indicators if i.section is None),
            )
            if v is not None
        )
        limit = clamp(sc.floor, sc.cap)
        rnd = quantizer(sc.rounding) if sc.rounding is not None else (lambda x: x)

        def run(env: Env) -> None:
            env["score"] = Decimal(0) if any(v(env) for v in vetoes) else rnd(limit(total(env)))

        return run

    def b_grades(self, name: str) -> Run:
        return lambda env: None  # the grade is a label, computed by Plan.grade

    def b_payouts(self, name: str) -> Run:
        p = next(x for x in self.s.payouts if x.name == name)
        formula = self.f("payouts", name, "formula")
        assert formula is not None
        adjs = [j for j in self.s.adjustments() if j.payout == name]
        rnd = quantizer(p.rounding) if p.rounding is not None else self.money
        return payout_step(p, formula, self.f("payouts", name, "when"), self.terms([], adjs), rnd)

    def b_flags(self, name: str) -> Run:
        fn = self.a.formulas[("flags", name, "when")].fn

        def run(env: Env) -> None:
            env[name] = bool(fn(env))

        return run


def _grade(a: Analysis) -> Callable[[Env], str | None] | None:
    from .._formula import compile_table
    from .._model import TierTable

    g = a.scheme.grades
    if g is None:
        return None
    lookup = compile_table(TierTable(name="grade", tiers=g.tiers, match=g.match))
    of = a.formulas[("grades", "of")].fn
    return lambda env: lookup.label(of(env))


def compile_scheme(scheme: Scheme) -> Plan:
    """
    Validate ``scheme`` and compile it into a :class:`Plan`.

    Raises :class:`SchemeError` with every error when the scheme is invalid;
    warnings do not stop compilation.
    """
    a = analyse_scheme(scheme)
    if not a.ok:
        raise SchemeError([i for i in a.issues if i.severity == "error"], "the scheme has errors")
    b = _Builder(a)
    steps = []
    for ref in a.order:
        run = b.build(ref)
        if run is not None and ref[0] != "grades":
            steps.append(Step(ref[0], ref[1], run))
    params = {p.name: p.value for p in scheme.params}
    return Plan(
        scheme,
        scheme_digest(scheme),
        _inputs(scheme),
        params,
        tuple(steps),
        dict(a.formulas),
        dict(a.lookups),
        _grade(a),
        b.money,
    )

"""
Whole-plan code generation: the analysed scheme becomes one Python function.

Every element becomes a few lines over local variables ``v_<name>``; every
decision that depends only on the scheme (scorer, limits, signs, rounding,
which terms a sum has) is taken while writing the source, so the function
holds no branch it could do without.  Constants (Decimal literals, tier
lookups, rounding functions) are bound in the function's globals; it has no
builtins.  The function takes the tuple of converted inputs and returns the
tuple of every value, in :attr:`Generated.outputs` order.

Each line is mapped to the element it computes, so when arithmetic fails the
traceback's line number names the step without any bookkeeping on the fast
path.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from .._formula import Lookup, compile_table, formula_source, group_name, groups_for, orient
from .._formula.functions import Type
from .._model import Bonus, Indicator, Payout, Penalty, Rounding, Section, TierTable
from .._validate.analyse import Analysis, StepRef
from .._validate.people import charged_to, charges_name, group_scopes
from .numbers import quantizer, quantizer_parts
from .steps import schedule_total, shortfall_points

__all__ = ["FILENAME", "Generated", "Stage", "generate"]

FILENAME = "<perfrules plan>"
_HUNDRED = Decimal(100)


@attrs.frozen
class Stage:
    """
    One generated function of a plan: a stage of evaluation.

    It takes every value so far plus this stage's team values (``groups``, as
    ``(function, name)`` in order) and returns the first ``width`` values of
    the plan's outputs (then, when traced, this stage's facts).
    """

    run: Callable[[tuple[Any, ...]], tuple[Any, ...]]
    width: int
    groups: tuple[tuple[str, ...], ...]
    facts: tuple[tuple[StepRef, str], ...]


@attrs.frozen
class Generated:
    """
    The generated functions with their source, output layout and line-to-step map.
    """

    stages: tuple[Stage, ...]
    source: str
    outputs: tuple[str, ...]
    lines: dict[int, StepRef]
    facts: tuple[tuple[StepRef, str], ...] = ()


class _Writer:
    def __init__(self, a: Analysis, traced: bool) -> None:
        self.a, self.s, self.traced = a, a.scheme, traced
        self.facts: list[tuple[StepRef, str]] = []
        self.ns: dict[str, Any] = {"__builtins__": {}, "_ZERO": Decimal(0), "_sum": sum, "_D": Decimal, "_len": len}
        self.body: list[tuple[str, StepRef | None]] = []
        self.outputs: list[str] = []
        self.n = 0
        self.scopes = group_scopes(a.scheme)

    # -- helpers ---------------------------------------------------------------------------------------------
    def const(self, value: Any) -> str:
        self.n += 1
        name = f"_c{self.n}"
        self.ns[name] = value
        return name

    def expr(self, path: tuple[str | int, ...], want: Type | None) -> str:
        compiled = self.a.formulas[path]
        self.n += 1
        groups = groups_for(str(path[0]), self.scopes)
        src, consts = formula_source(
            compiled.text, self.a.types, self.a.functions, want=want, prefix=f"_f{self.n}_", groups=groups
        )
        self.ns.update(consts)
        return src

    def fact(self, ref: StepRef, key: str, expr: str, indent: str = "") -> str:
        # In the traced function an intermediate value is kept in a variable of
        # its own and returned; in the plain one it stays inline.
        if not self.traced:
            return expr
        var = f"_fact{len(self.facts)}"
        self.facts.append((ref, key))
        self.emit(ref, f"{indent}{var} = {expr}")
        return var

    def emit(self, ref: StepRef | None, *lines: str) -> None:
        self.body.extend((line, ref) for line in lines)

    def out(self, name: str) -> None:
        self.outputs.append(name)

    def limits(self, ref: StepRef, var: str, floor: Decimal | None, cap: Decimal | None, indent: str = "") -> None:
        if floor is not None:
            low = self.const(floor)
            self.emit(ref, f"{indent}if {var} < {low}: {var} = {low}")
        if cap is not None:
            head = "elif" if floor is not None else "if"
            c = self.const(cap)
            self.emit(ref, f"{indent}{head} {var} > {c}: {var} = {c}")

    def lookup(self, lookup: Lookup, value: str) -> str:
        # A table whose bands one bisect can pick is written inline over its
        # sorted thresholds; any other goes through the lookup closure.
        if lookup.oriented is None:
            return f"{self.const(lookup.fn)}({value})"
        side, cuts, points = lookup.oriented
        search = self.const(bisect_right if side == "right" else bisect_left)
        return f"{self.const(points)}[{search}({self.const(cuts)}, {value})]"

    def rounding(self, rule: Rounding, var: str) -> str:
        quantum, mode = quantizer_parts(rule)
        return f"{var}.quantize({self.const(quantum)}, {self.const(mode)})"

    def terms(self, names: list[str], adjs: list[Penalty | Bonus]) -> str:
        # What other people's shared costs charge this person (P7) goes where their own part goes.
        charged = {j.name: f"v_{charges_name(r, j.name)}" for j in adjs if (r := charged_to(self.s, j)) is not None}
        plus = [f"v_{n}" for n in names] + [f"v_{j.name}" for j in adjs if isinstance(j, Bonus)]
        minus = [f"v_{j.name}" for j in adjs if isinstance(j, Penalty)]
        plus += [charged[j.name] for j in adjs if isinstance(j, Bonus) and j.name in charged]
        minus += [charged[j.name] for j in adjs if isinstance(j, Penalty) and j.name in charged]
        return "".join(f" + {p}" for p in plus) + "".join(f" - {m}" for m in minus)

    # -- elements --------------------------------------------------------------------------------------------
    def metric(self, name: str) -> None:
        if ("metrics", name, "formula") in self.a.formulas:
            self.emit(("metrics", name), f"v_{name} = {self.expr(('metrics', name, 'formula'), 'number')}")
            self.out(name)

    def indicator(self, name: str) -> None:
        ind: Indicator = next(i for i in self.s.indicators if i.name == name)
        ref: StepRef = ("indicators", name)
        value = self.expr(("indicators", name, "input"), "number") if ind.input is not None else None
        if value is not None and ind.formula is None:
            value = self.fact(ref, "value", value)
        if ind.formula is not None:
            points = self.expr(("indicators", name, "formula"), "number")
        elif ind.tiers is not None or ind.table is not None:
            lookup = self.a.lookups.get(("indicators", name, "tiers")) or self.a.lookups[("tables", str(ind.table))]
            points = self.lookup(lookup, str(value))
            if self.traced:
                self.fact(ref, "band", f"{self.const(lookup.index)}({value})")
        elif ind.target is not None:
            target = self.fact(ref, "target", self.expr(("indicators", name, "target", "target"), "number"))
            hundred = self.const(_HUNDRED)
            ratio = f"({value}) / ({target})"
            points = (
                f"{ratio} * {hundred}"
                if ind.target.direction == "higher_is_better"
                else f"({self.const(Decimal(1))} - {ratio}) * {hundred}"
            )
        else:
            assert ind.shortfall is not None
            points = f"{self.const(functools.partial(shortfall_points, ind.shortfall))}({value})"
        points = self.fact(ref, "points", points)
        weight = "" if ind.weight is None else f" * {self.const(ind.weight / _HUNDRED)}"
        if ind.cap is None and ind.floor is None:
            self.emit(ref, f"v_{name} = {points}{weight}")
        else:
            self.emit(ref, f"_t = {points}")
            self.limits(ref, "_t", ind.floor, ind.cap)
            self.emit(ref, f"v_{name} = _t{weight}")
        self.out(name)

    def adjustment(self, coll: str, name: str) -> None:
        adj: Penalty | Bonus = next(j for j in self.s.adjustments() if j.name == name)
        ref: StepRef = (coll, name)
        when = self.expr((coll, name, "when"), "bool") if adj.when is not None else None
        ind = "    " if when is not None else ""
        if when is not None:
            when = self.fact(ref, "applies", when)
        if when is not None:
            self.emit(ref, f"if {when}:")
        gross = self._gross(adj, ref, ind)
        self.emit(ref, f"{ind}_t = {gross}")
        self.fact(ref, "gross", "_t", ind)
        if adj.cap is not None:
            cap = self.const(adj.cap)
            self.emit(ref, f"{ind}if _t > {cap}: _t = {cap}")
            if isinstance(adj, Bonus) and adj.signed:
                low = self.const(-adj.cap)
                self.emit(ref, f"{ind}elif _t < {low}: _t = {low}")
        if adj.share is not None:
            share = self.const(adj.share)
            rnd = self.const(quantizer(self.s.money)) if adj.unit == "money" else ""
            self.emit(ref, f"{ind}w_{name} = _t", f"{ind}v_{name} = {rnd}(_t * {share})")
        else:
            self.emit(ref, f"{ind}v_{name} = _t")
        if when is not None:
            # Facts of the branch not taken still exist, as None.
            self.emit(ref, "else:", f"    v_{name} = _ZERO", *(f"    {var} = None" for var in self._branch_facts(ref)))
            if adj.share is not None:
                self.emit(ref, f"    w_{name} = _ZERO")
        self.out(name)
        if adj.share is not None:
            self.outputs.append(f"{name}.whole")
            self.emit(None, f"v_{name}__whole = w_{name}")

    def _gross(self, adj: Penalty | Bonus, ref: StepRef, ind: str) -> str:
        # The expression for the amount before any cap or share.
        if adj.occurrences is not None:
            occ = f"v_{adj.occurrences}"
            lookup = self.a.lookups.get((ref[0], ref[1], "tiers"))
            if lookup is not None:
                items = self.fact(ref, "amounts", f"[{self.const(lookup.fn)}(x) for x in {occ}]", ind)
                return f"_sum({items}, _ZERO)"
            if adj.amount is not None:
                return f"{self.const(adj.amount)} * _D(_len({occ}))"
            return f"_sum({occ}, _ZERO)"
        count = self.expr((ref[0], ref[1], "count"), "number") if adj.count is not None else None
        if count is not None:
            count = self.fact(ref, "count", count, ind)
        if adj.schedule is not None:
            return f"{self.const(schedule_total(adj.schedule))}({count or self.const(Decimal(1))})"
        if count is None:
            return self.const(adj.amount if adj.amount is not None else Decimal(1))
        if adj.amount is None or adj.amount == 1:
            return f"({count})"
        return f"({count}) * {self.const(adj.amount)}"

    def _branch_facts(self, ref: StepRef) -> list[str]:
        return [f"_fact{k}" for k, (r, key) in enumerate(self.facts) if r == ref and key != "applies"]

    def _vetoes(self, pairs: Sequence[tuple[str, tuple[str | int, ...]]], ref: StepRef) -> list[str]:
        out = []
        for who, path in pairs:
            if path in self.a.formulas:
                out.append(self.fact(ref, f"veto:{who}", self.expr(path, "bool")))
        return out

    def section(self, name: str) -> None:
        sec: Section = next(x for x in self.s.sections if x.name == name)
        ref: StepRef = ("sections", name)
        members = [i for i in self.s.indicators if i.section == name]
        adjs = [j for j in self.s.adjustments() if j.unit == "points" and j.section == name]
        self.emit(ref, f"_t = {self.const(sec.base)}{self.terms([i.name for i in members], adjs)}")
        self.fact(ref, "sum", "_t")
        vetoes = self._vetoes(
            [(name, ("sections", name, "veto"))] + [(i.name, ("indicators", i.name, "veto")) for i in members], ref
        )
        if vetoes:
            self.emit(ref, f"if {' or '.join(f'({v})' for v in vetoes)}: _t = _ZERO")
            if sec.floor is not None or sec.cap is not None:
                self.emit(ref, "else:")
                self.limits(ref, "_t", sec.floor, sec.cap, indent="    ")
        else:
            self.limits(ref, "_t", sec.floor, sec.cap)
        weight = "" if sec.weight is None else f" * {self.const(sec.weight / _HUNDRED)}"
        self.emit(ref, f"v_{name} = _t{weight}")
        self.out(name)

    def score(self) -> None:
        sc, ref = self.s.score, ("score", "score")
        if sc.formula is not None:
            self.emit(ref, f"_t = {self.expr(('score', 'formula'), 'number')}")
        else:
            loose = [i.name for i in self.s.indicators if i.section is None]
            adjs = [j for j in self.s.adjustments() if j.unit == "points" and j.section is None]
            self.emit(ref, f"_t = {self.const(sc.base)}{self.terms([x.name for x in self.s.sections] + loose, adjs)}")
        self.fact(ref, "sum", "_t")
        vetoes = self._vetoes(
            [("score", ("score", "veto"))]
            + [(i.name, ("indicators", i.name, "veto")) for i in self.s.indicators if i.section is None],
            ref,
        )
        indent = ""
        if vetoes:
            self.emit(ref, f"if {' or '.join(f'({v})' for v in vetoes)}: _t = _ZERO", "else:")
            indent = "    "
        self.limits(ref, "_t", sc.floor, sc.cap, indent=indent)
        if sc.rounding is not None:
            self.emit(ref, f"{indent}_t = {self.rounding(sc.rounding, '_t')}")
        elif vetoes:
            self.emit(ref, f"{indent}pass")
        self.emit(ref, "v_score = _t")
        self.out("score")

    def grade(self) -> None:
        g = self.s.grades
        if g is None:
            return
        lookup = compile_table(TierTable(name="grade", tiers=g.tiers, match=g.match))
        self.emit(("grades", "grade"), f"v_grade__value = {self.expr(('grades', 'of'), 'number')}")
        of = self.fact(("grades", "grade"), "value", "v_grade__value")
        # Like tier points, a grade whose band one bisect can pick is written inline.
        found = orient(lookup.cuts, lookup.bands)
        if found is not None:
            side, bands = found
            labels = self.const(tuple(g.tiers[k].label for k in bands))
            search = self.const(bisect_right if side == "right" else bisect_left)
            self.emit(("grades", "grade"), f"v_grade = {labels}[{search}({self.const(lookup.cuts)}, {of})]")
        else:
            self.emit(("grades", "grade"), f"v_grade = {self.const(lookup.label)}({of})")
        self.out("grade")
        self.out("grade.value")  # what forced distribution ranks by

    def payout(self, name: str) -> None:
        p: Payout = next(x for x in self.s.payouts if x.name == name)
        ref: StepRef = ("payouts", name)
        rounding = quantizer(p.rounding or self.s.money)
        adjs = [j for j in self.s.adjustments() if j.payout == name]
        indent = ""
        if p.when is not None:
            self.emit(ref, f"if {self.fact(ref, 'applies', self.expr(('payouts', name, 'when'), 'bool'))}:")
            indent = "    "
        formula = self.fact(ref, "formula_value", self.expr(("payouts", name, "formula"), "number"), indent)
        self.emit(ref, f"{indent}_t = {formula}{self.terms([], adjs)}")
        self.fact(ref, "sum", "_t", indent)
        self.limits(ref, "_t", p.floor, p.cap, indent=indent)
        self.emit(ref, f"{indent}v_{name} = {self.rounding(p.rounding or self.s.money, '_t')}")
        if p.when is not None:
            self.emit(
                ref,
                "else:",
                f"    v_{name} = {self.const(rounding(Decimal(0)))}",
                *(f"    {var} = None" for var in self._branch_facts(ref)),
            )
        self.out(name)

    def eligible(self) -> None:
        self.emit(("teams", "eligible"), f"v_team_eligible = {self.expr(('teams', 'eligible'), 'bool')}")
        self.out("team_eligible")

    def assessed(self) -> None:
        self.emit(("assessed", "assessed"), f"v_assessed = {self.expr(('assessed', 'when'), 'bool')}")
        self.out("assessed")

    def flag(self, name: str) -> None:
        self.emit(("flags", name), f"v_{name} = {self.expr(('flags', name, 'when'), 'bool')}")
        self.out(name)


def _stage_steps(w: _Writer, a: Analysis, k: int) -> None:
    handlers: dict[str, Callable[[str], None]] = {
        "metrics": w.metric,
        "indicators": w.indicator,
        "sections": w.section,
        "payouts": w.payout,
        "flags": w.flag,
    }
    for coll, name in a.order:
        if a.stages.get((coll, name), 0) != k or coll == "groups":
            continue
        if coll in ("penalties", "bonuses"):
            w.adjustment(coll, name)
        elif coll == "score":
            w.score()
        elif coll == "grades":
            w.grade()
        elif coll == "teams":
            w.eligible()
        elif coll == "assessed":
            w.assessed()
        else:
            handlers[coll](name)


def _var(name: str) -> str:
    return f"v_{name.replace('.', '__')}"


def generate(a: Analysis, inputs: tuple[str, ...], *, traced: bool = False) -> Generated:
    """
    Write, compile and return the plan's functions for the analysed scheme.

    A scheme without team values has one stage: one function from the inputs
    to every value.  Each team value read by a formula starts a new stage:
    stage ``k`` takes every value so far plus the team values the engine
    worked out after stage ``k - 1``, and returns every value so far.  With
    ``traced`` each function also returns the facts an explanation needs.
    """
    w = _Writer(a, traced)
    count = max(a.stages.values(), default=0) + 1
    outputs, source, refs = list(inputs), list[str](), dict[int, StepRef]()
    stages, all_facts = [], []
    for k in range(count):
        w.body, w.outputs, w.facts = [], [], []
        groups = tuple(a.groups[name] for coll, name in a.order if coll == "groups" and a.stages[(coll, name)] == k)
        start = [*outputs, *(group_name(*call) for call in groups)]
        if k == 0:
            for p in a.scheme.params:
                w.emit(None, f"v_{p.name} = {w.const(p.value)}")
                w.out(p.name)
        _stage_steps(w, a, k)
        outputs = [*start, *w.outputs]
        unpack = "".join(f"{_var(n)}, " for n in start)
        header = [f"def run_{k}(_in):", f"    ({unpack}) = _in" if start else "    pass"]
        first = len(source) + len(header) + 1
        refs.update({first + j: ref for j, (_, ref) in enumerate(w.body) if ref is not None})
        returned = ", ".join([_var(n) for n in outputs] + [f"_fact{j}" for j in range(len(w.facts))])
        source += header + [f"    {line}" for line, _ in w.body] + [f"    return ({returned},)", ""]
        stages.append((k, len(outputs), groups, tuple(w.facts)))
        all_facts += w.facts
    text = "\n".join(source) + "\n"
    exec(compile(text, FILENAME, "exec"), w.ns)  # noqa: S102 - written from an allow-listed, type-checked scheme
    built = tuple(Stage(w.ns[f"run_{k}"], width, groups, facts) for k, width, groups, facts in stages)
    return Generated(built, text, tuple(outputs), refs, tuple(all_facts))

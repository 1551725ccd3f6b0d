"""
Static bounds: the range of every value a compiled scheme computes, proven over its declared inputs.

An interval analysis over the intermediate representation, one step at a
time in evaluation order.  Inputs take the range their metric declares
(``min``/``max``, a count is never negative, a list's items never are; a
default fills an empty cell, so it is in the range too); every node type has
a sound rule, exact through tier tables, limits and rounding; a function the
analysis does not know gives "any number".  A range is never narrower than
what can happen; it may be wider (a formula's branches are not told apart).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, localcontext
from typing import Any

import attrs

from .._compile import Plan, compile_scheme
from .._formula import HIRE_SPAN, MAX_HISTORY, Lookup, total_of
from .._ir import (
    Apply,
    Arith,
    Choice,
    Clamp,
    Compare,
    Const,
    Fact,
    Node,
    Ref,
    Round,
    Step,
    Sum,
    TableLookup,
    Unary,
    quantizer_parts,
)
from .._limits import LIMITS
from .._model import Scheme
from .functions import Value, apply_range, table_range
from .interval import ANY, CONTEXT, ListRange, Range, exact, hull, monotone
from .lint import bound_warnings
from .ranges import Bounds, Limit
from .relations import below_pairs, charge_range, narrow_inputs, ratio_range

__all__ = ["REPORTED", "Bounds", "Limit", "bounds"]

_ZERO = Decimal(0)

#: The collections whose values ``perfrules bounds`` lists, in this order.
REPORTED = ("metrics", "indicators", "sections", "penalties", "bonuses", "score", "accelerators", "payouts")


def bounds(scheme_or_plan: Scheme | Plan) -> Bounds:
    """
    Return the proven range of every value ``scheme_or_plan`` computes, from its inputs' declared ranges.
    """
    plan = scheme_or_plan if isinstance(scheme_or_plan, Plan) else compile_scheme(scheme_or_plan)
    with localcontext(CONTEXT):
        return _Analysis(plan).run()


class _Analysis:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.env: dict[str, Value] = {}
        self.memo: dict[int, Value] = {}
        self.limits: list[Limit] = []
        self.tables: dict[int, Lookup] = {id(lk.fn): lk for lk in plan.lookups.values()}
        self.nodes: dict[int, Range] = {}
        self.depth = 0  # how many narrowed branches the analysis is inside
        self.below = below_pairs(plan.constraints)

    def run(self) -> Bounds:
        self.inputs()
        rows: list[tuple[str, str, Range]] = []
        for ref in self.plan.order:
            step = self.plan.steps.get(ref)
            if step is None:
                if ref[0] == "groups":
                    self.env[ref[1]] = self.group(ref[1])
                continue
            for name, value in self.step(step):
                self.env[name] = value
                if ref[0] in REPORTED and isinstance(value, Range):
                    rows.append((ref[0], ref[1] if name == f"metrics.{ref[1]}" else name, value))
        inputs = [("metrics", i.metric.name, self.env[i.name]) for i in self.plan.inputs]
        ordered = [r for c in REPORTED for r in (*inputs, *rows) if r[0] == c and isinstance(r[2], Range)]
        ranges = {k: v for k, v in self.env.items() if isinstance(v, Range)}
        found = Bounds(self.plan, ranges, tuple(ordered), tuple(self.limits), self.nodes)  # type: ignore[arg-type]
        return attrs.evolve(found, warnings=tuple(bound_warnings(found)))

    # -- names the steps read ---------------------------------------------------------------------------------
    def inputs(self) -> None:
        s = self.plan.scheme
        for p in s.params:
            self.env[p.name] = exact(p.value)
        limits: dict[str, Range] = {}
        for adj in s.adjustments():
            if adj.occurrences is not None and adj.tiers is None and adj.amount is None:
                if adj.levels is not None:
                    limits[adj.occurrences] = Range(min(adj.levels), max(adj.levels))
                elif adj.range is not None:
                    limits[adj.occurrences] = Range(*adj.range)
        for spec in self.plan.inputs:
            m, kind = spec.metric, spec.kind
            if kind.value_type == "list":
                items = limits.get(m.name, Range(_ZERO, None))
                # The built-in list type refuses a cell of more occurrences than the limit.
                size = Range(_ZERO, Decimal(LIMITS.list_items) if _builtin(kind) else None)
                self.env[spec.name] = ListRange(items, size)
                continue
            if kind.value_type != "number":
                self.env[spec.name] = None
                continue
            # min, max and "never negative" are enforced by the built-in number types (and the row
            # reader); a plugin's parser may ignore them, so a plugin's values are unbounded.
            flags = getattr(kind, "number_flags", None)
            builtin = _builtin(kind)
            lo = _ZERO if builtin and flags is not None and flags[1] else None
            if builtin and m.min is not None:
                lo = m.min if lo is None else max(lo, m.min)
            hi = m.max if builtin else None
            r = Range(lo, hi)
            # An empty cell takes the default as a cell holding it reads (a refused default fills nothing).
            filled = _filled(spec.convert) if m.default is not None else None
            self.env[spec.name] = r if not isinstance(filled, Decimal) else hull([r, exact(filled)])
        # Constraints name the inputs' columns; a metric sharing its name with an element is metrics.<name> here.
        view = {i.column: self.env[i.name] for i in self.plan.inputs}
        narrow_inputs(self.plan.constraints, view)
        self.env.update({i.name: view[i.column] for i in self.plan.inputs})
        for function, name, n in self.plan.history:
            # Earlier periods are assumed scored under a scheme with the same ranges (or absent: 0).
            from .._formula import history_name

            key = history_name(function, name, n)
            if function == "previous_streak":
                self.env[key] = Range(_ZERO, Decimal(MAX_HISTORY))
            elif function == "prior":
                source = self.env.get(name)
                self.env[key] = _LATER if source is None else hull([source, exact(_ZERO)])  # type: ignore[list-item]
            elif function == HIRE_SPAN[0]:
                self.env[key] = Range(_ZERO, None)
            elif total_of(function) is not None:
                self.env[key] = _total_range(function, n, self.plan.scheme.period, self.env.get(name))
            else:
                self.env[key] = None
        for name in self.plan.people:
            self.env[name] = ANY

    def group(self, name: str) -> Value:
        if name.startswith("charges_"):
            return charge_range(self.plan.scheme, name, self.env)
        function, argument = name.split("__")[:2]
        op = function.split("_", 1)[1]
        x = self.env.get(argument)
        if not isinstance(x, Range):
            return None if op == "top" else ANY
        if op in ("avg", "min", "max"):
            return hull([x, exact(_ZERO)])
        if op == "count":
            return Range(_ZERO, None)
        if op == "rank":
            return Range(Decimal(1), None)
        if op == "sum":
            return Range(
                _ZERO if x.lo is not None and x.lo >= 0 else None, _ZERO if x.hi is not None and x.hi <= 0 else None
            )
        if op == "share":
            return Range(_ZERO, None) if x.lo is not None and x.lo >= 0 else ANY
        return None

    # -- steps and nodes --------------------------------------------------------------------------------------
    def step(self, step: Step) -> Iterator[tuple[str, Value]]:
        self.memo = {}
        for node in step.prelude:
            self.node(node)
        values = [(name, self.node(node)) for name, node in step.outputs]
        if step.guard is None:
            yield from values
            return
        for (name, value), other in zip(values, step.otherwise, strict=True):
            alt = self.node(other)
            yield name, hull([value, alt]) if isinstance(value, Range) and isinstance(alt, Range) else value

    def node(self, node: Node) -> Value:
        found = self.memo.get(id(node), _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        value = self.compute(node)
        if node.type == "number" and not isinstance(value, Range):
            value = ANY
        elif node.type == "list" and not isinstance(value, ListRange):
            value = ListRange(ANY, Range(_ZERO, None))
        elif node.type in ("bool", "text"):
            value = None
        self.memo[id(node)] = value
        if self.depth == 0 and isinstance(value, Range):
            self.nodes[id(node)] = value
        return value

    def num(self, node: Node) -> Range:
        value = self.node(node)
        return value if isinstance(value, Range) else ANY

    def compute(self, node: Node) -> Value:
        if isinstance(node, Const):
            return exact(node.value) if isinstance(node.value, Decimal) and node.type == "number" else None
        if isinstance(node, Ref):
            return self.env.get(node.name)
        if isinstance(node, Fact):
            return self.node(node.value)
        if isinstance(node, Unary):
            operand = self.node(node.operand)
            if not isinstance(operand, Range):
                return None
            return -operand if node.op == "-" else operand
        if isinstance(node, Arith):
            return self.arith(node)
        if isinstance(node, Compare):
            for item in node.operands:
                self.node(item)
            return None
        if isinstance(node, Choice):
            return self.choice(node)
        if isinstance(node, Apply):
            return apply_range(node.fn, [self.node(a) for a in node.args], self.tables)
        if isinstance(node, TableLookup):
            value = self.num(node.value)
            return None if node.labels else table_range(node.table, value)
        if isinstance(node, Clamp):
            raw = self.num(node.value)
            self.limits.append(Limit(node.origin.path, raw, node.floor, node.cap))
            return _clamp(raw, node.floor, node.cap)
        if isinstance(node, Round):
            quantum, mode = quantizer_parts(node.rule)
            return monotone(lambda v: v.quantize(quantum, rounding=mode), self.num(node.value))
        if isinstance(node, Sum):
            total = self.num(node.base)
            for sign, term in node.terms:
                total = total + self.num(term) if sign > 0 else total - self.num(term)
            return total
        return None  # pragma: no cover - the node set is closed

    def choice(self, node: Choice) -> Value:
        self.node(node.test)
        if isinstance(node.test, Const):
            return self.node(node.then) if node.test.value else self.node(node.orelse)
        narrowed = _narrowing(node.test, self.num)
        if narrowed is None:
            then, orelse = self.node(node.then), self.node(node.orelse)
        else:
            # ``x if x < c else y``: each branch is worked out with x within what its test allows.
            name, yes, no = narrowed
            then, orelse = self.within(node.then, name, yes), self.within(node.orelse, name, no)
        if isinstance(then, Range) and isinstance(orelse, Range):
            return hull([then, orelse])
        if isinstance(then, ListRange) and isinstance(orelse, ListRange):
            return ListRange(hull([then.items, orelse.items]), hull([then.size, orelse.size]))
        return None

    def within(self, node: Node, name: str, where: Range | None) -> Value:
        if where is None:
            return None  # the branch is never taken
        saved, before = self.memo, self.env.get(name)
        self.memo, self.env[name] = {}, where
        self.depth += 1
        try:
            return self.node(node)
        finally:
            self.depth -= 1
            self.memo, self.env[name] = saved, before

    def arith(self, node: Arith) -> Value:
        a, b = self.num(node.left), self.num(node.right)
        if node.op == "+":
            return a + b
        if node.op == "-":
            return a - b
        if node.op == "*":
            return a * b
        if node.op == "/":
            # A declared constraint (x <= b) may bound a quotient the two ranges alone cannot.
            related = ratio_range(node, self.below, self.num)
            return a / b if related is None else (a / b).meet(related) or related
        return _power(a, node.right)


def _filled(convert: Any) -> Any:
    # The value the input's converter gives an empty cell, or None when it refuses one.
    try:
        return convert(None)
    except ValueError:
        return None


def _builtin(kind: object) -> bool:
    # The built-in types enforce min, max and their limits; a plugin's parser may not.
    return type(kind).__module__ == "perfrules._plugins.registry"


_MISSING = object()
_LATER = ANY

#: Months in each period kind: how many of the scheme's periods a window can hold before this one.
_SPAN = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def _total_range(function: str, n: int, kind: str, source: Value) -> Value:
    # A total over at most k earlier periods, each holding a value of the source's range or none (0).
    total, window = total_of(function) or ("", None)
    # Since hire, as many periods as an employee has been there: no bound on how many.
    k = None if window == "hire" else Decimal(n if window is None else max(_SPAN[window] // _SPAN.get(kind, 1) - 1, 0))
    if total == "prior_count":
        return Range(_ZERO, k)
    if not isinstance(source, Range):
        return _LATER
    if total != "prior_sum":
        return hull([source, exact(_ZERO)])
    lo = _ZERO if source.lo is not None and source.lo >= 0 else None
    hi = _ZERO if source.hi is not None and source.hi <= 0 else None
    if k is not None:
        lo = None if source.lo is None else min(source.lo * k, _ZERO)
        hi = None if source.hi is None else max(source.hi * k, _ZERO)
    return Range(lo, hi)


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _narrowing(test: Node, num: Any) -> tuple[str, Range | None, Range | None] | None:
    # A test ``x op c`` (or ``c op x``) of a named number against a constant: the ranges of x in each branch.
    if not isinstance(test, Compare) or len(test.ops) != 1 or test.ops[0] not in _FLIP:
        return None
    (left, right), op = test.operands, test.ops[0]
    if isinstance(right, Ref) and not isinstance(left, Ref):
        left, right, op = right, left, _FLIP[op]
    bound = num(right)
    if not isinstance(left, Ref) or left.type != "number" or bound.lo is None or bound.lo != bound.hi:
        return None
    x, c = num(left), bound.lo
    # The ranges are closed: ``x < c`` keeps c itself, which only makes the range wider, never wrong.
    below, above = x.meet(Range(None, c)), x.meet(Range(c, None))
    return (left.name, below, above) if op in ("<", "<=") else (left.name, above, below)


def _clamp(raw: Range, floor: Decimal | None, cap: Decimal | None) -> Range:
    # A floor first, then a cap: both are monotone, so the ends go through them.
    def limit(x: Decimal | None, low_end: bool) -> Decimal | None:
        if floor is not None and ((x is None and low_end) or (x is not None and x < floor)):
            x = floor
        if cap is not None and ((x is None and not low_end) or (x is not None and x > cap)):
            x = cap
        return x

    return Range(limit(raw.lo, True), limit(raw.hi, False))


def _power(base: Range, exponent: Node) -> Range:
    # Only a whole constant exponent of 0 or more has a range worked out here.
    if not isinstance(exponent, Const) or not isinstance(exponent.value, Decimal):
        return ANY
    e = exponent.value
    if e != e.to_integral_value() or e < 0 or e > 64:
        return ANY
    n = int(e)
    if n == 0:
        return exact(Decimal(1))
    if (base.lo is not None and base.lo >= 0) or n % 2 == 1:
        return monotone(lambda v: v**n, base)
    top = None if base.lo is None or base.hi is None else max(-base.lo, base.hi) ** n
    low = _ZERO if _ZERO in base else min(abs(x) for x in (base.lo, base.hi) if x is not None) ** n
    return Range(low, top)

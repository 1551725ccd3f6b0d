"""
Proving a relation between values whose ranges alone cannot: ``bonus - awards <= 2020``.

Interval bounds lose what two values share: ``performance_bonus`` holds the
suggestion awards, so ``performance_bonus - suggestion`` is bounded even when
each side is not.  Here each side of a comparison is written out as a sum of
the values it adds up (through sums, adjustments, rounding and scaling by a
constant), so that a value appearing on both sides cancels; what is left is
bounded by the ranges.

Soundness, where the engine's arithmetic is not exact:

- ``round(x)`` is within half a quantum of ``x`` (a whole quantum for the
  other modes): that error is added to the range.
- Each sum and each scaling is computed by the engine to 28 significant
  digits.  Decimal operations round correctly, so the engine's value is
  monotone in each operand; the side whose bound is sought is worst where every
  value that does not cancel sits at its extreme.  There, every such node's
  magnitude is bounded, and its rounding error is at most ``1e-27`` of it;
  that error is added too.  A value that appears twice without cancelling,
  or a node whose magnitude is unbounded there, is not written out: the proof
  falls back to its range.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from decimal import ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, Inexact

import attrs

from .._ir import Arith, Const, Fact, Node, Ref, Round, Sum, Unary, quantizer_parts
from .interval import ANY, Range, exact
from .proven import Bounds

__all__ = ["difference_range"]

_EPS = Decimal("1e-27")  # more than the relative error of one operation at 28 digits (5e-28)
_HALF = {ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_HALF_DOWN}
_EXACT = Context(prec=28, traps=[Inexact])


@attrs.define
class _Form:
    # sum(coefficient * atom) + rest, with the engine's operations that round still to be accounted for.
    atoms: dict[str, Decimal] = attrs.field(factory=dict)
    rest: Range = attrs.field(factory=lambda: exact(Decimal(0)))
    # Each operation the engine computes to 28 digits: its own form, and the factor its error is
    # multiplied by on the way to this form (a later scaling by a constant scales it too).
    ops: list[tuple[_Form, Decimal]] = attrs.field(factory=list)

    def scaled(self, k: Decimal) -> _Form:
        ops = [(f, s * k) for f, s in self.ops]
        return _Form({a: c * k for a, c in self.atoms.items()}, self.rest * exact(k), ops)

    def plus(self, other: _Form) -> _Form:
        atoms = dict(self.atoms)
        for a, c in other.atoms.items():
            atoms[a] = atoms.get(a, Decimal(0)) + c
        return _Form(atoms, self.rest + other.rest, [*self.ops, *other.ops])


class _Writer:
    def __init__(self, b: Bounds, shared: frozenset[str] | None = None) -> None:
        self.b = b
        # Values known to cancel (found by a first pass): a node that holds none of them is better
        # taken whole, at its proven range, than written out with every rounding error of its parts.
        self.shared = shared
        self.by_name: dict[str, Node] = {}
        for step in b.plan.steps.values():
            if step.guard is None and not step.prelude:
                for name, node in step.outputs:
                    self.by_name[name] = node
        self.seen: dict[str, int] = {}  # how often each atom is written
        self.opaque: dict[str, Range] = {}  # nodes that are not sums, by id, with their proven ranges

    def atom(self, name: str) -> _Form:
        self.seen[name] = self.seen.get(name, 0) + 1
        return _Form({name: Decimal(1)})

    def name(self, name: str, depth: int) -> _Form:
        node = self.by_name.get(name)
        r = self.b.ranges.get(name)
        if node is None and r is not None and r.lo is not None and r.lo == r.hi:
            return _Form(rest=r)  # a parameter: a constant
        if node is None or depth > 12:
            return self.atom(name)
        return self.node(node, depth + 1) or self.atom(name)

    def op(self, form: _Form) -> _Form:
        # The node is computed by the engine to 28 digits: remember its form to bound that error.
        return _Form(form.atoms, form.rest, [*form.ops, (_Form(dict(form.atoms), form.rest), Decimal(1))])

    def node(self, node: Node, depth: int) -> _Form | None:
        before = dict(self.seen)
        found = self.written(node, depth)
        whole = self.shared is not None and found is not None and not (found.atoms.keys() & self.shared)
        if (found is not None and not whole) or node.type != "number" or id(node) not in self.b.nodes:
            return found
        if isinstance(node, Fact | Ref) or (found is not None and not found.atoms):
            return found  # the same value under another name, or a constant
        self.seen = before  # what was written inside the node is not part of the sum
        # Not a sum (a product of two values, a table, a function): one value, of its proven range.
        key = f"#{id(node)}"
        self.opaque[key] = self.b.nodes[id(node)]
        return self.atom(key)

    def written(self, node: Node, depth: int) -> _Form | None:
        if isinstance(node, Fact):
            return self.node(node.value, depth)
        if isinstance(node, Ref):
            return self.name(node.name, depth) if node.type == "number" else None
        if isinstance(node, Const):
            return _Form(rest=exact(node.value)) if isinstance(node.value, Decimal) else None
        if isinstance(node, Unary):
            inner = self.node(node.operand, depth)
            return None if inner is None else (inner.scaled(Decimal(-1)) if node.op == "-" else inner)
        if isinstance(node, Round):
            inner = self.node(node.value, depth)
            if inner is None:
                return None
            quantum, mode = quantizer_parts(node.rule)
            err = quantum / 2 if mode in _HALF else quantum
            return _Form(inner.atoms, inner.rest + Range(-err, err), inner.ops)
        if isinstance(node, Sum):
            total = self.node(node.base, depth)
            for sign, term in node.terms:
                part = self.node(term, depth)
                if total is None or part is None:
                    return None
                total = self.op(total.plus(part.scaled(Decimal(sign))))
            return total
        if isinstance(node, Arith):
            return self.arith(node, depth)
        return None

    def arith(self, node: Arith, depth: int) -> _Form | None:
        left, right = self.node(node.left, depth), self.node(node.right, depth)
        if left is None or right is None:
            return None
        if node.op in ("+", "-"):
            return self.op(left.plus(right.scaled(Decimal(1 if node.op == "+" else -1))))
        k = _constant(right) if node.op in ("*", "/") else None
        if node.op == "*" and k is None and (k := _constant(left)) is not None:
            left = right
        if k is None or (node.op == "/" and (k := _reciprocal(k)) is None):
            return None
        return self.op(left.scaled(k))


def _reciprocal(k: Decimal) -> Decimal | None:
    # 1 / k when it is exact (k = 100, 4, 0.5...): a rounded coefficient would not cancel exactly.
    if k == 0:
        return None
    try:
        return _EXACT.divide(Decimal(1), k)
    except Inexact:
        return None


def _constant(form: _Form) -> Decimal | None:
    r = form.rest
    return r.lo if not form.atoms and r.lo is not None and r.lo == r.hi else None


def _expr(w: _Writer, node: ast.expr) -> _Form | None:
    if isinstance(node, ast.Name):
        return w.name(node.id, 0)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return w.atom(f"{node.value.id}.{node.attr}")
    if isinstance(node, ast.Constant):
        return _Form(rest=exact(node.value))  # type: ignore[arg-type]  # a Decimal, as the check was read
    if isinstance(node, ast.UnaryOp):
        inner = _expr(w, node.operand)
        return None if inner is None else inner.scaled(Decimal(-1 if isinstance(node.op, ast.USub) else 1))
    if isinstance(node, ast.BinOp):
        left, right = _expr(w, node.left), _expr(w, node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Add | ast.Sub):
            return left.plus(right.scaled(Decimal(1 if isinstance(node.op, ast.Add) else -1)))
        k = _constant(right)
        if isinstance(node.op, ast.Mult) and k is None and (k := _constant(left)) is not None:
            left = right
        if k is None or (isinstance(node.op, ast.Div) and (k := _reciprocal(k)) is None):
            return None
        return left.scaled(k)
    return None


def difference_range(b: Bounds, left: ast.expr, right: ast.expr) -> Range | None:
    """
    Return a proven range of ``left - right`` (two sides of a check), with shared values cancelled.

    ``None`` when a side cannot be written out as a sum; the range may be open.
    """
    first = _written(_Writer(b), left, right)
    if first is None:
        return None
    shared = frozenset(a for a, c in first.atoms.items() if c == 0)
    w = _Writer(b, shared)
    d = _written(w, left, right)
    if d is None:
        return None
    live = {a: c for a, c in d.atoms.items() if c != 0}
    if any(w.seen.get(a, 0) > 1 for a in live):
        return None  # a value written twice but not cancelled: its extremes do not bound the rest
    ranges: Mapping[str, Range] = {**b.ranges, **w.opaque}
    hi = _side(d, live, ranges, upper=True)
    lo = _side(d, live, ranges, upper=False)
    return Range(lo, hi)


def _written(w: _Writer, left: ast.expr, right: ast.expr) -> _Form | None:
    lf, rf = _expr(w, left), _expr(w, right)
    return None if lf is None or rf is None else lf.plus(rf.scaled(Decimal(-1)))


def _side(d: _Form, live: dict[str, Decimal], ranges: Mapping[str, Range], *, upper: bool) -> Decimal | None:
    # The bound of one side: live atoms at their extremes, cancelled ones over their range, plus every error.
    def value(form: _Form) -> Range:
        total = form.rest
        for a, c in form.atoms.items():
            r = ranges.get(a, ANY)
            if a in live:
                end = r.hi if (live[a] > 0) == upper else r.lo
                r = Range(end, end) if end is not None else r
            total = total + r * exact(c)
        return total

    whole = value(d)
    errors = Decimal(0)
    for form, factor in d.ops:
        at = value(form)
        if at.lo is None or at.hi is None:
            return None
        errors += max(abs(at.lo), abs(at.hi)) * abs(factor) * _EPS
    end = whole.hi if upper else whole.lo
    if end is None:
        return None
    return end + errors if upper else end - errors

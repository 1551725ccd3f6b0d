"""
Direction analysis: whether a value can only rise, only fall, or stays put as one named value rises.

Each node gets a direction with respect to the moved name ``x``: ``0`` (does
not depend on it), ``+1`` (never falls as x rises), ``-1`` (never rises), or
``None`` (unknown).  Everything else is held fixed: the direction is the
value's partial monotonicity in x.  Products and quotients use the proven
ranges of their other side (a factor never below 0 keeps a direction).
Rounding, limits and tier tables whose points run one way keep directions;
a branch whose test reads x is unknown, since a step can go either way
where the branches meet.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from itertools import pairwise

from .._formula import BUILTINS, Lookup
from .._ir import Apply, Arith, Choice, Clamp, Compare, Const, Fact, Node, Ref, Round, Step, Sum, TableLookup, Unary
from .._kinds import marginal_total, schedule_total, shortfall_points
from .interval import ANY, Range
from .proven import Bounds

__all__ = ["Direction", "direction"]

Direction = int | None

_SCHEDULE_CODE = schedule_total((1,)).__code__  # type: ignore[arg-type]
_KEEP = {id(BUILTINS[n].impl) for n in ("min", "max", "round", "floor", "ceil")}


def _join(ds: Iterable[Direction]) -> Direction:
    # The direction of a value that follows several parts the same way (a sum, a min, a max).
    out: Direction = 0
    for d in ds:
        if d is None:
            return None
        if d == 0:
            continue
        if out not in (0, d):
            return None
        out = d
    return out


def _flip(d: Direction) -> Direction:
    return None if d is None else -d


def _scaled(d: Direction, factor: Range) -> Direction:
    # d times a factor that does not move: its sign decides.
    if d == 0:
        return 0
    if factor.lo is not None and factor.lo >= 0:
        return d
    if factor.hi is not None and factor.hi <= 0:
        return _flip(d)
    return None


def _table(lookup: Lookup) -> Direction:
    # The way a table's points run along the number line (gaps are skipped: they give no value).
    values = [v if v is not None else lookup.otherwise for v in lookup.values]
    known = [v for v in values if v is not None]
    pairs = list(pairwise(known))
    if all(a == b for a, b in pairs):
        return 0
    if all(a <= b for a, b in pairs):
        return 1
    if all(a >= b for a, b in pairs):
        return -1
    return None


class _Directions:
    def __init__(self, b: Bounds, moved: str) -> None:
        self.b, self.moved = b, moved
        plan = b.plan
        fixed = [i.name for i in plan.inputs] + [p.name for p in plan.scheme.params] + list(plan.people)
        # Inputs, parameters, population and history values do not move with x (earlier periods neither).
        self.env: dict[str, Direction] = dict.fromkeys(fixed, 0)
        self.env.update({n: 0 for n in b.ranges if n.startswith(("prior_", "has_prior_", "previous_streak__"))})
        self.env[moved] = 1
        self.memo: dict[int, Direction] = {}
        self.tables = {id(lk.fn): lk for lk in b.plan.lookups.values()}

    def range(self, node: Node) -> Range:
        return self.b.nodes.get(id(node), ANY)

    def step(self, step: Step) -> None:
        guard = 0 if step.guard is None else self.node(step.guard)
        for k, (name, node) in enumerate(step.outputs):
            if name == self.moved:
                continue  # the moved value itself is what rises
            parts = [self.node(node)]
            if step.guard is not None:
                parts.append(self.node(step.otherwise[k]))
            self.env[name] = None if guard != 0 else _join(parts)

    def node(self, node: Node) -> Direction:
        if id(node) not in self.memo:
            self.memo[id(node)] = self.compute(node)
        return self.memo[id(node)]

    def compute(self, node: Node) -> Direction:
        if isinstance(node, Const):
            return 0
        if isinstance(node, Ref):
            if node.name.startswith(("prior_", "has_prior_", "previous_streak__")):
                return 0
            return self.env.get(node.name)
        if isinstance(node, Fact | Clamp | Round):
            return self.node(node.value)
        if isinstance(node, Unary):
            d = self.node(node.operand)
            return _flip(d) if node.op == "-" else d if node.op == "+" else (0 if d == 0 else None)
        if isinstance(node, Sum):
            return _join(
                [self.node(node.base), *(self.node(t) if s > 0 else _flip(self.node(t)) for s, t in node.terms)]
            )
        if isinstance(node, Arith):
            return self.arith(node)
        if isinstance(node, Compare):
            return _join(0 if self.node(x) == 0 else None for x in node.operands)
        if isinstance(node, Choice):
            if self.node(node.test) != 0:
                return None
            return _join([self.node(node.then), self.node(node.orelse)])
        if isinstance(node, TableLookup):
            d = self.node(node.value)
            if d == 0:
                return 0
            t = None if node.labels else _table(node.table)
            return None if d is None or t is None else d * t
        if isinstance(node, Apply):
            return self.apply(node)
        return None  # pragma: no cover - the node set is closed

    def arith(self, node: Arith) -> Direction:
        a, b = self.node(node.left), self.node(node.right)
        if node.op == "+":
            return _join([a, b])
        if node.op == "-":
            return _join([a, _flip(b)])
        if a == 0 and b == 0:
            return 0
        if node.op == "*":
            if b == 0:
                return _scaled(a, self.range(node.right))
            if a == 0:
                return _scaled(b, self.range(node.left))
            return None
        if node.op == "/" and b == 0:
            right = self.range(node.right)
            if right.lo is not None and right.lo > 0:
                return a
            if right.hi is not None and right.hi < 0:
                return _flip(a)
        return None

    def apply(self, node: Apply) -> Direction:
        ds = [self.node(a) for a in node.args]
        if all(d == 0 for d in ds):
            return 0
        fn = node.fn
        if id(fn) in _KEEP:
            return _join(ds)
        if fn is BUILTINS["clamp"].impl:
            return ds[0] if ds[1] == ds[2] == 0 else None
        table = self.tables.get(id(fn))
        if table is not None and node.type == "number":
            t = _table(table)
            return None if ds[0] is None or t is None else ds[0] * t
        if isinstance(fn, functools.partial) and len(fn.args) == 1 and ds[0] is not None:
            if fn.func is marginal_total and all(rate >= 0 for *_, rate in fn.args[0]):
                return ds[0]
            if fn.func is shortfall_points and fn.args[0].deduct >= 0 and fn.args[0].per > 0:
                return ds[0] * (1 if fn.args[0].direction == "higher_is_better" else -1)
        if getattr(fn, "__code__", None) is _SCHEDULE_CODE and ds[0] is not None:
            cells = dict(zip(fn.__code__.co_freevars, (c.cell_contents for c in fn.__closure__ or ()), strict=True))
            n = self.range(node.args[0])
            if all(a >= 0 for a in cells.get("schedule", (-1,))) and n.lo is not None and n.lo >= 0:
                return ds[0]
        return None


_MEMBERS = ("team_eligible", "assessed")  # who counts in a group value


def _group(env: dict[str, Direction], name: str, moved: str) -> Direction:
    # A group value stays put when nothing it reads moves: its argument and condition, and who counts.
    # Ranks, tops and charges also read rankings and other people's rules: only when nothing moves yet.
    parts = name.split("___", maxsplit=1)[0].split("__")
    op = parts[0].split("_", 1)[-1]
    if op in ("avg", "sum", "min", "max", "count", "share"):
        reads = [*parts[1:], *_MEMBERS]
        return 0 if all(env.get(n, 0) == 0 for n in reads) else None
    return 0 if all(d == 0 for n, d in env.items() if n != moved) else None


def direction(b: Bounds, value: str, moved: str) -> Direction:
    """
    Return how ``value`` moves as ``moved`` rises, all else held: 0, +1 (never falls), -1 (never rises) or None.
    """
    walker = _Directions(b, moved)
    for ref in b.plan.order:
        step = b.plan.steps.get(ref)
        if step is None:
            if ref[0] == "groups":
                walker.env[ref[1]] = _group(walker.env, ref[1], moved)
            continue
        walker.step(step)
    return walker.env.get(value, 0 if value != moved else 1)

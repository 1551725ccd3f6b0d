"""
The columnar engine: a plan's steps as vectorised, exact operations over whole columns (polars).

It reads the same lowered steps as the row engine (``plan.steps`` in
``plan.order``) and computes each node for every employee at once, with
decimals held exactly as Decimal holds them (see :mod:`.fixed`).  Whatever it
cannot compute exactly yet — a node, a function, a kind of value — is refused
before anything is computed, by :func:`columnar_issues` (:mod:`.colcheck`), naming the element.
Rows are read and checked by the row engine's reader, and results are built
by the row engine's own code from the values computed here, so the two engines
give the same :class:`Result` objects.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from decimal import Decimal
from functools import partial
from typing import Any

from .._compile import Plan
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
    walk,
)
from .colcheck import EACH, EXP_OF_PLACES, FN, columnar_issues, require_columnar
from .crowds import People
from .groups import group_calls

__all__ = ["columnar_issues", "evaluate_columns", "require_columnar"]


def _colpart() -> Any:
    # Imported when first used: it imports polars, which the row engine (the default) never needs.
    from . import colpart

    return colpart


def _where(step: Step) -> str:
    return f"{step.ref[0]}.{step.ref[1]}" if step.ref[0] != "score" else "score"


class _Eval:
    """
    Evaluates nodes over columns, each node once per set of live rows (kept with the value: ids are not reused).

    With ``part``, a value few rows are live for is computed on those rows alone (see :mod:`.colpart`).
    """

    def __init__(self, n: int, env: dict[str, Any]) -> None:
        from . import fixed

        self.f, self.n, self.env = fixed, n, env
        self.memo: dict[tuple[int, int], Any] = {}

    def __call__(self, node: Node, live: Any, *, part: bool = False) -> Any:
        key = (id(node), id(live))
        found = self.memo.get(key)
        if found is None:
            sub = (
                _colpart().on_rows(node, live, self.n, self.env, lambda m, env: _Eval(m, env)(node, None))
                if part
                else None
            )
            found = self.memo[key] = (self._eval(node, live) if sub is None else sub, live)
        return found[0]

    def _eval(self, node: Node, live: Any) -> Any:
        f = self.f
        if isinstance(node, Fact):
            return self(node.value, live)
        if isinstance(node, Ref):
            return self.env[node.name]
        if isinstance(node, Const):
            if node.type == "bool":
                return self._flags(bool(node.value))
            return f.const(node.value, self.n)
        if isinstance(node, Unary):
            x = self(node.operand, live)
            return ~x if node.op == "not" else f.sign(x, node.op)
        if isinstance(node, Arith):
            a, b = self(node.left, live), self(node.right, live)
            if node.op == "/":
                return f.div(a, b, live)
            return f.mul(a, b, live) if node.op == "*" else f.add(a, b, live, subtract=node.op == "-")
        if isinstance(node, Sum):
            total = self(node.base, live)
            for s, term in node.terms:
                total = f.add(total, self(term, live), live, subtract=s < 0)
            return total
        if isinstance(node, Compare):
            return self._compare(node, live)
        if isinstance(node, Choice):
            test = self(node.test, live)
            then, orelse = self(node.then, _and(live, test), part=True), self(node.orelse, _and(live, ~test), part=True)
            return f.choose(test, then, orelse)
        if isinstance(node, Clamp):
            x = self(node.value, live)
            if node.floor is not None:
                low = f.const(node.floor, self.n)
                x = f.choose(f.compare(x, low, "<", live), low, x)
            if node.cap is not None:
                cap = f.const(node.cap, self.n)
                x = f.choose(f.compare(x, cap, ">", live), cap, x)
            return x
        if isinstance(node, Round):
            return self._round(node, live)
        if isinstance(node, TableLookup):
            return self._lookup(node, live)
        assert isinstance(node, Apply)
        return self._apply(node, live)

    def _round(self, node: Round, live: Any) -> Any:
        rounded = partial(_quantize, self.f.quantize, -node.rule.places, node.rule.mode)
        inner = node.value.value if isinstance(node.value, Fact) else node.value
        if not isinstance(inner, Choice):
            return rounded(self(node.value, live), live)
        # round(a if t else b) is round(a) if t else round(b), row by row: each branch is rounded on its own
        # rows (few, for a rare one; often of one exponent), not the chosen values of mixed exponents together.
        # The choice's branches are computed first, as without rounding; then every row whose rounding
        # fails is refused together, as rounding the chosen values refuses them.
        test = self(inner.test, live)
        masks = (_and(live, test), _and(live, ~test))
        values = [self(branch, m, part=True) for branch, m in zip((inner.then, inner.orelse), masks, strict=True)]
        done, failed = [], []
        for value, m in zip(values, masks, strict=True):
            try:
                done.append(_colpart().on_live(rounded, value, m, self.n))
            except self.f.Limit as exc:
                failed.append(exc.rows)
        if failed:
            raise self.f.Limit(failed[0] if len(failed) == 1 else failed[0] | failed[1])
        return self.f.choose(test, *done)

    def _flags(self, value: bool) -> Any:
        import polars as pl

        return pl.repeat(value, self.n, eager=True)

    def _compare(self, node: Compare, live: Any) -> Any:
        op = node.ops[0]
        if op in ("and", "or"):
            # Python stops at the first operand that decides: later ones are computed only where needed.
            acc = self(node.operands[0], live)
            for x in node.operands[1:]:
                rest = self(x, _lazy(x, live, acc if op == "and" else ~acc), part=True)
                acc = (acc & rest) if op == "and" else (acc | rest)
            return acc
        left = self(node.operands[0], live)
        acc = None
        for op, operand in zip(node.ops, node.operands[1:], strict=True):
            right = self(operand, _lazy(operand, live, acc))
            held = self.f.compare(left, right, op, _and(live, acc))
            acc = held if acc is None else acc & held
            left = right
        return acc

    def _lookup(self, node: TableLookup, live: Any) -> Any:
        import polars as pl

        from .tiers import bands

        x = self(node.value, live)
        table = node.table
        oriented = table.labels_oriented if node.labels else table.oriented
        if oriented is None:
            # A band's label is a word, whatever type the node was given.
            return self._by_value(
                table.label if node.labels else table.fn, [x], "text" if node.labels else node.type, live
            )
        side, cuts, picks = oriented
        at = bands(x, cuts, side, live)  # bisect_right counts the cuts <= x; bisect_left those < x
        if node.labels:
            return pl.Series(list(picks), dtype=pl.Utf8).gather(at)
        return self.f.pick(self.f.from_decimals(list(picks)), at)

    def _by_value(self, fn: Callable[..., Any], args: list[Any], kind: str, live: Any) -> Any:
        from .values import by_value

        return by_value(fn, args, kind, live, self.n)

    def _apply(self, node: Apply, live: Any) -> Any:
        name = FN.get(id(node.fn))
        if name is None:
            # A function without a column form: the very function, called once per distinct argument
            # (a function over each item, once per distinct list).
            fn = partial(_each, node.fn) if node.inline == EACH else node.fn
            return self._by_value(fn, [self(a, live) for a in node.args], node.type, live)
        f = self.f
        if name == "div":
            # div(a, b, d) is inlined: a / b only where b is not zero, d only where it is.
            b = self(node.args[1], live)
            zero = f.compare(b, f.const(Decimal(0), self.n), "==", live)
            a = self(node.args[0], _lazy(node.args[0], live, ~zero))
            d = self(node.args[2], _lazy(node.args[2], live, zero))
            return f.choose(zero, d, f.div(a, f.choose(zero, f.const(Decimal(1), self.n), b), _and(live, ~zero)))
        args = [self(a, live) for a in node.args if name != "round" or a is node.args[0]]
        if name in ("max", "min"):
            # Python's max and min keep the first of equal values: a later one wins only when strictly beyond.
            best = args[0]
            for x in args[1:]:
                best = f.choose(f.compare(x, best, ">" if name == "max" else "<", live), x, best)
            return best
        if name == "clamp":
            x, lo, hi = args
            return f.choose(f.compare(x, lo, "<", live), lo, f.choose(f.compare(x, hi, ">", live), hi, x))
        if name == "abs":
            return f.sign(args[0], "abs")
        if name == "round":
            places = node.args[1]
            assert isinstance(places, Const)
            return f.quantize(args[0], EXP_OF_PLACES[places.value], "half_up", live)
        return f.quantize(args[0], 0, "floor" if name == "floor" else "ceiling", live, integral=True)


def _quantize(quantize: Callable[..., Any], exp: int, mode: str, value: Any, live: Any) -> Any:
    return quantize(value, exp, mode, live)


def _each(fn: Callable[[Any], Any], items: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(fn(x) for x in items)


def _lazy(node: Node, live: Any, mask: Any) -> Any:
    # Python computes an operand only where it is needed, unless the operand takes statements (a limit):
    # those run before the expression, for every row the step reaches.
    if any(isinstance(n, Clamp) for n in walk(node)):
        return live
    return _and(live, mask)


def _and(live: Any, mask: Any) -> Any:
    if mask is None:
        return live
    return mask if live is None else live & mask


def evaluate_columns(
    plan: Plan,
    inputs: Callable[[], dict[str, Any]],
    n: int,
    employee: Callable[[int], str],
    fallback: Callable[[], None],
    people: People | None = None,
    keep: Collection[str] | None = None,
    step: Callable[..., dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """
    Return every value of ``plan`` as a column (numbers as :class:`~.fixed.Num`), by name, from ``inputs()``.

    ``employee(k)`` names the employee of row ``k`` in errors; ``fallback()`` is
    called first when a value leaves the exact range (see :func:`run_columnar`).
    ``people`` holds the rows' ids, teams and relations, for group values.
    With ``keep``, only those values are returned, and every other is let go
    as soon as no later step reads it (memory: a column is 20 bytes a row).
    Steps that do not read each other's values are evaluated on two threads
    (see :mod:`.colsched`); the values, and the first error in plan order, are
    those of one thread.  ``step``, when given, evaluates each step in place of
    ``_run`` (called with its arguments; it may return more values than the step makes).
    """
    from . import fixed
    from .collimit import limit_error
    from .colsched import last_reads, ordered, step_names, threads_for

    crowd = people if people is not None else People([employee(k) for k in range(n)])
    env: dict[str, Any] = {}
    groups = group_calls(plan)
    done = last_reads(plan, groups) if keep is not None else {}
    run = partial(step or _run, plan, groups, n, crowd)
    try:
        env.update(inputs())
        for p in plan.scheme.params:
            env[p.name] = fixed.const(p.value, n)
    except fixed.Limit as exc:
        raise limit_error(exc, None, employee, fallback) from None  # an input cell: its employee's
    workers = threads_for(n, len(plan.order))
    values = dict(env) if workers > 1 else env
    names = [step_names(plan, groups, ref) for ref in plan.order] if workers > 1 else []
    steps = ordered([r for r, _ in names], [m for _, m in names], run, values, workers) if workers > 1 else None
    try:
        for at, ref in enumerate(plan.order):
            for name in done.get(at, ()):  # read for the last time by the step before (position 0: the inputs)
                if keep is not None and name not in keep:
                    env.pop(name, None)
                    values.pop(name, None)
            try:
                env.update(run(at, env) if steps is None else next(steps)[1].result())
            except fixed.Limit as exc:
                lowered = plan.steps.get(ref)  # None: a group value's own step
                where = _where(lowered) if lowered else f"groups.{ref[1]}"
                raise limit_error(exc, where, employee, fallback) from None
    finally:
        if steps is not None:
            steps.close()  # an error: what has not started is cancelled, what has is waited for
    return env


def _run(
    plan: Plan, groups: dict[str, tuple[str, ...]], n: int, crowd: People, at: int, env: dict[str, Any]
) -> dict[str, Any]:
    # The values step ``at`` of the plan's order makes, from ``env`` (its outputs are written into it too).
    from .groups import group_values

    ref = plan.order[at]
    step = plan.steps.get(ref)
    if step is None:
        return {ref[1]: group_values(plan, groups[ref[1]], env, n, crowd)}
    _step(_Eval(n, env), step)
    return {name: env[name] for name, _ in step.outputs}


def _step(ev: _Eval, step: Step) -> None:
    for node in step.prelude:
        ev(node, None)
    if step.guard is None:
        for name, node in step.outputs:
            ev.env[name] = ev(node, None)
        return
    test = ev(step.guard, None)
    for (name, node), other in zip(step.outputs, step.otherwise, strict=True):
        ev.env[name] = ev.f.choose(test, ev(node, test, part=True), ev(other, ~test, part=True))

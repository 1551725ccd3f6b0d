"""
Amounts over an approval threshold held column-wise (W2): the fixpoint of ``score_held`` over whole columns.

The command line holds every amount over its threshold by scoring a copy of
the scheme whose adjustments with a threshold are gated on a hold input
(:func:`~perfrules._evaluate.holdcopy.held_plan`), again and again, until
holding brings nothing new over.  :func:`hold_columns` runs the same
fixpoint with the columnar engine: the copy is evaluated with every hold 0,
the rows whose amounts are over get their holds set, and only what a hold
can change is evaluated again: a step that reads a hold (or a value a hold
changed) on the rows where what it reads changed, a population value over
everyone, as the row path scores the whole population again.  A population
of which nobody is over costs one evaluation.  The rounds, the amounts
recorded (the first found) and the order are those of ``score_held``
without approvals, so the results are the same, cell for cell.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from decimal import Decimal
from functools import partial
from typing import Any

import attrs
import polars as pl

from .._compile import Plan
from .._ir import Ref, walk
from .coeffs import wide
from .columnar import evaluate_columns
from .crowds import People, needed
from .fixed import Num, choose, compare, const
from .groups import group_calls
from .holdcopy import held_plan
from .results import Layout, layout_of
from .values import Joined, by_value

__all__ = ["HeldColumns", "hold_columns", "over_columns"]


@attrs.frozen(eq=False)
class HeldColumns:
    """
    What :func:`hold_columns` worked out: every value, and for each adjustment where its amount is held.
    """

    env: dict[str, Any]
    """Every value kept, by name, as scored with the holds (the plan's own names: no hold input among them)."""
    held: dict[str, pl.Series]
    """For each adjustment with a threshold that holds anything: the rows held (booleans)."""
    amounts: dict[str, Num]
    """The amount held where :attr:`held` is true (the amount first found over; elsewhere meaningless)."""
    limits: dict[str, Decimal]
    """Each adjustment's threshold."""


def _over(limit: Decimal, values: tuple[Decimal, ...]) -> bool:
    return any(abs(v) > limit for v in values)


def over_columns(layout: Layout, env: dict[str, Any], n: int) -> dict[str, pl.Series]:
    """
    Return, for each approval rule of ``layout``, the rows whose amount is over its threshold (as ``over_of``).
    """
    out = {}
    zero = const(Decimal(0), n)
    for _, name, limit, occ, amount, at in layout.approvals:
        paid = compare(env[layout.outputs[at]], zero, "!=", None)
        if occ is not None:
            big = by_value(partial(_over, limit), [env[layout.outputs[occ]]], "bool", None, n)
            out[name] = big & paid
        elif amount is not None and amount > limit:
            out[name] = paid
    return out


def _reads(plan: Plan, groups: dict[str, tuple[str, ...]], ref: Any) -> tuple[set[str], set[str]]:
    # The names step ``ref`` reads, and those it makes.
    step = plan.steps.get(ref)
    if step is None:
        return set(needed(plan, groups[ref[1]])), {ref[1]}
    roots = (*step.prelude, *step.otherwise, *(node for _, node in step.outputs))
    if step.guard is not None:
        roots += (step.guard,)
    return {n.name for root in roots for n in walk(root) if isinstance(n, Ref)}, {name for name, _ in step.outputs}


def _affected(plan: Plan, holds: Collection[str]) -> tuple[list[_Step], set[str], set[str]]:
    # The steps a hold can change, in order, the names they make, and the other names they read.
    groups = group_calls(plan)
    dirty, reads = set(holds), set()
    steps = []
    for ref in plan.order:
        read, made = _reads(plan, groups, ref)
        if read & dirty:
            dirty |= made
            reads |= read
            steps.append(_Step(ref, plan.steps.get(ref) is None, read, made))
    return steps, dirty, reads - dirty


@attrs.frozen
class _Step:
    # A step a hold can change: a row step (evaluated again where what it reads changed) or a group value.
    ref: Any
    group: bool
    reads: set[str]
    made: set[str]


def _ones(mask: pl.Series) -> Num:
    # A hold input as the row reader gives it: 1 or 0, exponent 0.
    return Num(mask.cast(pl.Int128), pl.repeat(0, len(mask), dtype=pl.Int32, eager=True))


def _gather(column: Any, at: pl.Series) -> Any:
    if isinstance(column, Num):
        return Num(column.c.gather(at), column.e.gather(at), None if column.nz is None else column.nz.gather(at))
    if isinstance(column, Joined):
        return Joined(column.text.gather(at))
    return column.gather(at)


def _scatter(column: Any, at: pl.Series, part: Any) -> Any:
    # ``column`` with the rows ``at`` replaced by ``part``'s (a new column: the old one may be shared).
    if isinstance(column, Num):
        nz = None
        if column.nz is not None or part.nz is not None:
            old = column.nz if column.nz is not None else pl.repeat(False, len(column.c), eager=True)
            new = part.nz if part.nz is not None else pl.repeat(False, len(at), eager=True)
            nz = old.clone().scatter(at, new)
        # Coefficients may be Int64 or Int128 (see .coeffs): scattered as Int128 where the two differ
        # (polars would write a null for a value the narrower column cannot hold).
        c, d = (column.c, part.c) if column.c.dtype == part.c.dtype else (wide(column.c), wide(part.c))
        return Num(c.clone().scatter(at, d), column.e.clone().scatter(at, part.e), nz)
    if isinstance(column, Joined):
        return Joined(column.text.clone().scatter(at, part.text))
    return column.clone().scatter(at, part)


def _differs(old: Any, new: Any, n: int) -> pl.Series:
    # Where a group value changed, exponent and sign of zero included (the text written would differ).
    if isinstance(old, Num) and isinstance(new, Num):
        return old.c.ne_missing(new.c) | old.e.ne_missing(new.e) | old.negative().ne_missing(new.negative())
    if isinstance(old, pl.Series) and isinstance(new, pl.Series) and old.dtype == new.dtype:
        return old.ne_missing(new)
    return pl.repeat(True, n, eager=True)


def _named(employee: Callable[[int], str], at: pl.Series, k: int) -> str:
    return employee(int(at[k]))


def _known(column: Any) -> bool:
    return isinstance(column, Num | Joined | pl.Series)


def _again(
    plan: Plan, steps: list[_Step], env: dict[str, Any], moved: dict[str, pl.Series], how: tuple[Any, ...]
) -> dict[str, Any]:
    """
    Return ``env`` with every step evaluated again where what it reads ``moved`` (by name: the rows that changed).
    """
    # A row step's value can change only where a value it reads did: it is evaluated again on those rows
    # alone, and the rows where its value did change are what moved for the steps that read it. A group
    # value is worked out over everyone again (each row's may change when one member's does).
    n, employee, fallback, people = how
    env, moved, none = dict(env), dict(moved), pl.repeat(False, n, eager=True)
    for step in steps:
        changed = [moved[name] for name in step.reads if name in moved]
        if not changed:
            continue
        rows = changed[0]
        for more in changed[1:]:
            rows = rows | more
        at = rows.arg_true()
        if not len(at):
            continue
        again = attrs.evolve(plan, order=(step.ref,))
        given = {name: env[name] for name in step.reads if name in env}
        made = [name for name in step.made if name in env]
        whole = step.group or len(at) * 2 > n or not all(_known(env[name]) for name in (*given, *made))
        if whole:
            done = evaluate_columns(again, partial(dict, given), n, employee, fallback, people, made)
            for name in made:
                moved[name], env[name] = _differs(env[name], done[name], n), done[name]
            continue
        some = {name: _gather(column, at) for name, column in given.items()}
        named = partial(_named, employee, at)
        done = evaluate_columns(again, partial(dict, some), len(at), named, fallback, people, made)
        for name in made:
            moved[name] = none.clone().scatter(at, _differs(_gather(env[name], at), done[name], len(at)))
            env[name] = _scatter(env[name], at, done[name])
    return env


def hold_columns(
    plan: Plan,
    columns: dict[str, Any],
    n: int,
    employee: Callable[[int], str],
    fallback: Callable[[], None],
    people: People | None = None,
    keep: Collection[str] | None = None,
) -> HeldColumns:
    """
    Evaluate ``plan`` column-wise from the input ``columns``, holding every amount over its threshold.

    The arguments are those of :func:`~perfrules._evaluate.columnar.evaluate_columns`
    (``columns`` the inputs it would read); nothing is approved.  With
    ``keep``, only those values (and the approval rules' amounts) are kept.
    """
    copy, holds = held_plan(plan)
    layout = layout_of(copy)
    wanted = {layout.outputs[i] for a in layout.approvals for i in (a[3], a[5]) if i is not None}
    steps, dirty, reads = _affected(copy, holds.values())
    # Kept from the first pass: whatever a later pass reads, and every value a hold can change.
    first = None if keep is None else {*keep, *wanted, *reads, *dirty}
    zero = pl.repeat(False, n, eager=True)
    env = evaluate_columns(
        copy, lambda: {**columns, **{h: _ones(zero) for h in holds.values()}}, n, employee, fallback, people, first
    )
    paid = {a[1]: layout.outputs[a[5]] for a in layout.approvals}  # each adjustment's value
    asked: dict[str, pl.Series] = {}
    amounts: dict[str, Num] = {}
    # As many rounds as score_held gives the population; each sees the amounts of the round before.
    for _ in range(len(plan.scheme.adjustments()) + 1):
        moved = {}
        for name, hit in over_columns(layout, env, n).items():
            seen = asked.get(name)
            fresh = hit if seen is None else hit & ~seen
            if not fresh.any():
                continue
            moved[holds[name]] = fresh
            amount = env[paid[name]]
            amounts[name] = amount if seen is None else choose(fresh, amount, amounts[name])
            asked[name] = fresh if seen is None else seen | fresh
            env[holds[name]] = _ones(asked[name])
        if not moved:
            break
        env = _again(copy, steps, env, moved, (n, employee, fallback, people))
    for name in [*holds.values(), *(() if keep is None else set(env) - set(keep) - wanted)]:
        env.pop(name, None)  # let go of what only the fixpoint needed before the results are written
    limits = {a[1]: a[2] for a in layout.approvals}
    return HeldColumns(env, asked, amounts, {name: limits[name] for name in asked})

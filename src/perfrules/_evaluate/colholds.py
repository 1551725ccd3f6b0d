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

When no hold can reach an amount another threshold looks at (a plan-level
fact, worked out once per plan), the first round already finds every row
that will be held, and the rounds fold into one pass: each step with a
threshold is held where it is over as soon as it is evaluated (see
:func:`_at_once`), and every later step reads the held amounts.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection
from decimal import Decimal, localcontext
from functools import partial, reduce
from typing import Any

import attrs
import polars as pl

from .._compile import CONTEXT, Plan
from .coeffs import wide
from .columnar import _run, evaluate_columns
from .crowds import People
from .fixed import Limit, Num, choose, compare, const
from .holdfacts import HeldStep, HoldFacts, hold_facts
from .results import Layout
from .values import Joined, by_value, split_list

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
    for approval in layout.approvals:
        hit = _over_rows(layout, approval, env, n)
        if hit is not None:
            out[approval[1]] = hit
    return out


def _over_rows(layout: Layout, approval: tuple[Any, ...], env: dict[str, Any], n: int) -> pl.Series | None:
    # The rows whose amount of this one approval rule is over its threshold (None: none can be).
    _, _, limit, occ, amount, at = approval
    value = env[layout.outputs[at]]
    # (A coefficient is 0 exactly where the value is 0, whatever its exponent or the sign of a zero.)
    paid = value.c != 0 if isinstance(value, Num) else compare(value, const(Decimal(0), n), "!=", None)
    if occ is not None:
        lists = env[layout.outputs[occ]]
        if isinstance(lists, Joined):
            big = _over_lists(limit, lists, n)
        else:
            big = by_value(partial(_over, limit), [lists], "bool", None, n)
        hit: pl.Series = big & paid
        return hit
    if amount is not None and amount > limit:
        return paid
    return None


def _over_lists(limit: Decimal, lists: Joined, n: int) -> pl.Series:
    # by_value's answer for a column of lists, without its join: each distinct list's text is looked at once
    # (as the row engine would, by its Decimals), and the rows whose text is one over are found by equality.
    over = []
    with localcontext(CONTEXT):
        for text in lists.text.unique().drop_nulls().to_list():
            try:
                if _over(limit, split_list(text)):
                    over.append(text)
            except ArithmeticError:
                raise Limit(pl.repeat(True, n, eager=True)) from None
    return lists.text.is_in(over).fill_null(False)


def _ones(mask: pl.Series) -> Num:
    # A hold input as the row reader gives it: 1 or 0, exponent 0 (one for all: no column of exponents).
    return Num(mask.cast(pl.Int64), 0, None, (0, 1))


def _gather(column: Any, at: pl.Series) -> Any:
    if isinstance(column, Num):
        exp = column.scale()  # (one exponent for all stays one: no column of exponents is made)
        e = column.e.gather(at) if exp is None else exp
        return Num(column.c.gather(at), e, None if column.nz is None else column.nz.gather(at))
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
        exp = column.scale()
        e = exp if exp is not None and exp == part.scale() else column.e.clone().scatter(at, part.e)
        return Num(c.clone().scatter(at, d), e, nz)
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
    plan: Plan,
    steps: list[HeldStep],
    env: dict[str, Any],
    moved: dict[str, pl.Series],
    how: tuple[Any, ...],
    *,
    track: bool = True,
) -> tuple[dict[str, Any], dict[str, pl.Series]]:
    """
    Return ``env`` with every step evaluated again where what it reads ``moved`` (by name: the rows that changed).

    Also returns ``moved`` with the rows where each value evaluated again
    changed (with ``track``: else what changed is not worked out).
    """
    # A row step's value can change only where a value it reads did: it is evaluated again on those rows
    # alone, and the rows where its value did change are what moved for the steps that read it. A group
    # value is worked out over everyone again (each row's may change when one member's does).
    n, employee, fallback, people = how
    env, moved, none = dict(env), dict(moved), pl.repeat(False, n, eager=True)
    for step in steps:
        at = _changed_at(moved, step.reads)
        if at is None:
            continue
        again = attrs.evolve(plan, order=(step.ref,))
        given = {name: env[name] for name in step.reads if name in env}
        made = [name for name in step.made if name in env]
        whole = step.group or len(at) * 2 > n or not all(_known(env[name]) for name in (*given, *made))
        if whole:
            done = evaluate_columns(again, partial(dict, given), n, employee, fallback, people, made)
            for name in made:
                if track:
                    moved[name] = _differs(env[name], done[name], n)
                env[name] = done[name]
            continue
        some = {name: _gather(column, at) for name, column in given.items()}
        named = partial(_named, employee, at)
        done = evaluate_columns(again, partial(dict, some), len(at), named, fallback, people, made)
        for name in made:
            if track:
                moved[name] = none.clone().scatter(at, _differs(_gather(env[name], at), done[name], len(at)))
            env[name] = _scatter(env[name], at, done[name])
    return env, moved


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
    facts = hold_facts(plan)
    holds, layout = facts.holds, facts.layout
    wanted = {layout.outputs[i] for a in layout.approvals for i in (a[3], a[5]) if i is not None}
    how = (n, employee, fallback, people)
    asked: dict[str, pl.Series] = {}
    amounts: dict[str, Num] = {}
    env = {**columns, **{h: Num.constant(0, 0, n) for h in holds.values()}}  # nobody held yet
    if facts.cuts is not None:
        env = _at_once(plan, facts, env, how, keep if keep is None else {*keep, *wanted}, asked, amounts)
    else:
        env = _rounds(facts, env, how, keep if keep is None else {*keep, *wanted, *facts.kept}, asked, amounts)
    for name in [*holds.values(), *(() if keep is None else set(env) - set(keep) - wanted)]:
        env.pop(name, None)  # let go of what only the fixpoint needed before the results are written
    limits = {a[1]: a[2] for a in layout.approvals}
    return HeldColumns(env, asked, amounts, {name: limits[name] for name in asked})


def _at_once(
    plan: Plan,
    facts: HoldFacts,
    env: dict[str, Any],
    how: tuple[Any, ...],
    keep: set[str] | None,
    asked: dict[str, pl.Series],
    amounts: dict[str, Num],
) -> dict[str, Any]:
    # One evaluation of the copy: each step with a threshold is evaluated with every hold 0, its rows over are
    # held at once, in that step's own turn (the step evaluated again on those rows alone, see _held_step),
    # and every later step reads the amounts as held, population values included. The copy is evaluated once,
    # as without holds, and the steps a hold cannot change run beside the holding (see .colsched).
    assert facts.cuts is not None
    n, employee, fallback, people = how
    cuts = {pos: (approvals, step, _ungated(plan, facts.copy, step.ref)) for pos, approvals, step in facts.cuts}
    found: dict[int, list[tuple[str, pl.Series, Num]]] = {}
    held = partial(_held_step, facts, cuts, how, found)
    env = evaluate_columns(facts.copy, [env].pop, n, employee, fallback, people, keep, held)
    for pos in sorted(found):  # (in the plan's order, whichever thread held first)
        for name, hit, amount in found[pos]:
            asked[name], amounts[name] = hit, amount
    return env


def _ungated(plan: Plan, copy: Plan, ref: Any) -> tuple[Plan, int] | None:
    # The same step in the scheme's own plan: the copy's without the gate on its hold (the gate is all the copy
    # adds). With every hold 0 the gate lets every row through, so the plan's own step gives the very values,
    # without the gate's test over every row and the choice between its branches.
    mine, gated = plan.steps.get(ref), copy.steps.get(ref)
    if mine is None or gated is None or [n for n, _ in mine.outputs] != [n for n, _ in gated.outputs]:
        return None
    return plan, plan.order.index(ref)


def _held_step(
    facts: HoldFacts,
    cuts: dict[int, tuple[tuple[Any, ...], HeldStep, tuple[Plan, int] | None]],
    how: tuple[Any, ...],
    found: dict[int, list[tuple[str, pl.Series, Num]]],
    plan: Plan,
    groups: dict[str, tuple[str, ...]],
    n: int,
    crowd: People,
    at: int,
    env: dict[str, Any],
) -> dict[str, Any]:
    # The values step ``at`` makes (as evaluate_columns makes them); a step with a threshold is held where
    # over before any later step can read it: its values as held, and the hold inputs set.
    cut = cuts.get(at)
    if cut is None:
        return _run(plan, groups, n, crowd, at, env)
    approvals, step, own = cut
    made = _run(plan, groups, n, crowd, at, env) if own is None else _run(own[0], groups, n, crowd, own[1], env)
    values, moved, hits = {**env, **made}, {}, []
    for approval in approvals:
        name = approval[1]
        hit = _over_rows(facts.layout, approval, values, n)
        if hit is None or not hit.any():
            continue
        hits.append((name, hit, values[facts.layout.outputs[approval[5]]]))
        values[facts.holds[name]] = _ones(hit)
        moved[facts.holds[name]] = hit
    found[at] = hits
    if not moved:
        return made
    values = _again(plan, [step], values, moved, how, track=False)[0]  # (no later step is evaluated again)
    return {name: values[name] for name in (*made, *moved)}


def _rounds(
    facts: HoldFacts,
    env: dict[str, Any],
    how: tuple[Any, ...],
    first: set[str] | None,
    asked: dict[str, pl.Series],
    amounts: dict[str, Num],
) -> dict[str, Any]:
    # score_held's rounds over whole columns: the copy with every hold 0, then, as long as holding brings new
    # amounts over, only what the new holds reach, evaluated again (see _again).
    n, employee, fallback, people = how
    copy, holds, layout = facts.copy, facts.holds, facts.layout
    env = evaluate_columns(copy, [env].pop, n, employee, fallback, people, first)
    paid = {a[1]: layout.outputs[a[5]] for a in layout.approvals}  # each adjustment's value
    changed: dict[str, pl.Series] | None = None  # what the last round changed (None: the first looks at all)
    # As many rounds as score_held gives the population; each sees the amounts of the round before.
    for _ in range(len(copy.scheme.adjustments()) + 1):
        moved = {}
        hits = over_columns(layout, env, n) if changed is None else _over_changed(layout, env, n, changed)
        for name, hit in hits.items():
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
        env, changed = _again(copy, facts.steps, env, moved, how)
    return env


def _changed_at(changed: dict[str, pl.Series], names: Collection[str]) -> pl.Series | None:
    # The rows where any of ``names`` changed (masks by name), or None where none did.
    masks = [changed[name] for name in names if name in changed]
    if not masks:
        return None
    at = reduce(operator.or_, masks).arg_true()
    return at if len(at) else None


def _over_changed(layout: Layout, env: dict[str, Any], n: int, changed: dict[str, pl.Series]) -> dict[str, pl.Series]:
    # An amount can be newly over only where it (or its occurrences) changed since the last round looked:
    # elsewhere it is over exactly where it was, and those rows are held already. Only those rows are looked at.
    out = {}
    for approval in layout.approvals:
        looked = [layout.outputs[i] for i in (approval[3], approval[5]) if i is not None]
        at = _changed_at(changed, looked)
        if at is None:
            continue
        part = _over_rows(layout, approval, {name: _gather(env[name], at) for name in looked}, len(at))
        if part is not None:
            out[approval[1]] = pl.repeat(False, n, eager=True).scatter(at, part)
    return out

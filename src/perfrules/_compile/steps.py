"""
Step builders: each scheme element becomes one closure that writes its value.

Every decision that depends only on the scheme (which scorer, which limits,
which sign, which rounding) is taken here, once, so the closures evaluation
runs do no branching they could have done at compile time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from .._formula import CompiledFormula, Lookup
from .._model import Bonus, Indicator, Payout, Penalty, Section, Shortfall

__all__ = [
    "Env",
    "Run",
    "adjustment_step",
    "clamp",
    "indicator_points",
    "indicator_step",
    "payout_step",
    "section_step",
    "shortfall_points",
    "signed_terms",
]

Env = dict[str, Any]
Run = Callable[[Env], None]
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


def clamp(floor: Decimal | None, cap: Decimal | None) -> Callable[[Decimal], Decimal]:
    """
    Return a function keeping a value within ``floor`` and ``cap`` (either may be absent).
    """
    if floor is None and cap is None:
        return lambda x: x
    if floor is None:
        assert cap is not None
        return lambda x: cap if x > cap else x
    if cap is None:
        return lambda x: floor if x < floor else x
    return lambda x: floor if x < floor else cap if x > cap else x


def shortfall_points(rule: Shortfall, x: Decimal) -> Decimal:
    """
    Points for ``x`` under a points-off-per-unit-short rule (S5), never below zero.
    """
    gap = rule.target - x if rule.direction == "higher_is_better" else x - rule.target
    if gap <= 0:
        return rule.full
    units = gap / rule.per
    if rule.steps == "whole":
        units = units.to_integral_value(rounding="ROUND_FLOOR")
    elif rule.steps == "started":
        units = units.to_integral_value(rounding="ROUND_CEILING")
    return max(rule.full - units * rule.deduct, _ZERO)


def indicator_points(
    ind: Indicator,
    value: Callable[[Env], Decimal],
    lookup: Lookup | None,
    target: CompiledFormula | None,
    formula: CompiledFormula | None,
) -> Callable[[Env], Decimal]:
    """
    Return the function that gives an indicator's points (before weight) on an environment.
    """
    if formula is not None:
        return formula.fn
    if lookup is not None:
        return lambda env: lookup(value(env))
    if target is not None:
        assert ind.target is not None
        t = target.fn
        if ind.target.direction == "higher_is_better":
            return lambda env: value(env) / t(env) * _HUNDRED
        return lambda env: (1 - value(env) / t(env)) * _HUNDRED
    rule = ind.shortfall
    assert rule is not None
    return lambda env: shortfall_points(rule, value(env))


def indicator_step(ind: Indicator, points: Callable[[Env], Decimal]) -> Run:
    """
    Return the step writing an indicator's contribution: points kept in limits, times weight.
    """
    name, limit = ind.name, clamp(ind.floor, ind.cap)
    if ind.weight is None:

        def run(env: Env) -> None:
            env[name] = limit(points(env))
    else:
        w = ind.weight / _HUNDRED

        def run(env: Env) -> None:
            env[name] = limit(points(env)) * w

    return run


def signed_terms(plus: Sequence[str], minus: Sequence[str]) -> Callable[[Env], Decimal]:
    """
    Return a function summing ``plus`` names and subtracting ``minus`` names.
    """
    p, m = tuple(plus), tuple(minus)
    if not m:
        return lambda env: sum([env[k] for k in p], _ZERO)
    return lambda env: sum([env[k] for k in p], _ZERO) - sum([env[k] for k in m], _ZERO)


def section_step(sec: Section, terms: Callable[[Env], Decimal], vetoes: Sequence[CompiledFormula]) -> Run:
    """
    Return the step writing a section: base plus terms, vetoed, kept in limits, weighted.
    """
    name, base, limit = sec.name, sec.base, clamp(sec.floor, sec.cap)
    w = None if sec.weight is None else sec.weight / _HUNDRED
    vetoed = tuple(v.fn for v in vetoes)

    def run(env: Env) -> None:
        value = _ZERO if any(v(env) for v in vetoed) else limit(base + terms(env))
        env[name] = value if w is None else value * w

    return run


def _per_occurrence(adj: Penalty | Bonus, lookup: Lookup | None) -> Callable[[Decimal], Decimal]:
    if lookup is not None:
        return lookup
    if adj.amount is not None:
        amount = adj.amount
        return lambda _v: amount
    return lambda v: v


def _schedule(schedule: tuple[Decimal, ...]) -> Callable[[Decimal], Decimal]:
    last = schedule[-1]

    def total(n: Decimal) -> Decimal:
        k = int(n)
        head = sum(schedule[: min(k, len(schedule))], _ZERO)
        return head + last * max(k - len(schedule), 0)

    return total


def adjustment_step(
    adj: Penalty | Bonus,
    count: CompiledFormula | None,
    when: CompiledFormula | None,
    lookup: Lookup | None,
    money_places: Callable[[Decimal], Decimal],
) -> Run:
    """
    Return the step writing a penalty's or bonus's amount for this person (a magnitude).
    """
    name = adj.name
    if adj.occurrences is not None:
        occ, each = adj.occurrences, _per_occurrence(adj, lookup)

        def gross(env: Env) -> Decimal:
            return sum([each(v) for v in env[occ]], _ZERO)
    else:
        assert count is not None or when is not None
        n = count.fn if count is not None else (lambda _env: Decimal(1))
        if adj.schedule is not None:
            by_count = _schedule(adj.schedule)

            def gross(env: Env) -> Decimal:
                return by_count(n(env))
        else:
            amount = adj.amount if adj.amount is not None else Decimal(1)

            def gross(env: Env) -> Decimal:
                return n(env) * amount

    cap = adj.cap
    limited: Callable[[Env], Decimal] = gross
    if cap is not None:
        low = -cap if isinstance(adj, Bonus) and adj.signed else _ZERO

        def limited(env: Env) -> Decimal:
            x = gross(env)
            return cap if x > cap else low if x < low else x

    share = adj.share
    own: Callable[[Env], Decimal] = limited
    if share is not None:
        rnd = money_places if adj.unit == "money" else (lambda x: x)
        whole_key = f"{name}.whole"  # a dotted key: no formula name can read or clash with it

        def own(env: Env) -> Decimal:
            whole = env[whole_key] = limited(env)
            return rnd(whole * share)

    if when is None:

        def run(env: Env) -> None:
            env[name] = own(env)
    else:
        cond = when.fn

        def run(env: Env) -> None:
            if cond(env):
                env[name] = own(env)
            else:
                env[name] = _ZERO
                if share is not None:
                    env[f"{name}.whole"] = _ZERO

    return run


def payout_step(
    p: Payout,
    formula: CompiledFormula,
    when: CompiledFormula | None,
    terms: Callable[[Env], Decimal],
    rounding: Callable[[Decimal], Decimal],
) -> Run:
    """
    Return the step writing a payout: formula plus money adjustments, limited, rounded.
    """
    name, f, limit = p.name, formula.fn, clamp(p.floor, p.cap)
    if when is None:

        def run(env: Env) -> None:
            env[name] = rounding(limit(f(env) + terms(env)))
    else:
        cond = when.fn
        zero = rounding(_ZERO)

        def run(env: Env) -> None:
            env[name] = rounding(limit(f(env) + terms(env))) if cond(env) else zero

    return run

"""
Interval rules for the pure functions ``Apply`` nodes carry.

A function is recognised by what it is (the very builtin, a ``partial`` of a
known function, a table's lookup, a closure of a known code object), never
by its label.  A function this module does not know gives ANY: the analysis
never guesses a range.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from types import MethodType
from typing import Any

from .._formula import BUILTINS, Lookup
from .._kinds import marginal_total, schedule_after, schedule_total, shortfall_points
from .interval import ANY, ListRange, Range, exact, hull, monotone

__all__ = ["apply_range", "table_range"]

_ZERO = Decimal(0)
Value = Range | ListRange | None
_SCHEDULE_CODE = schedule_total((Decimal(1),)).__code__
_AFTER_CODE = schedule_after((Decimal(1),)).__code__


def _reached(cuts: Sequence[Decimal], r: Range) -> list[int]:
    # The pieces of a table's number line (stretches and bound points, alternating) that ``r`` reaches.
    n, out = len(cuts), []
    for i in range(n + 1):
        below = cuts[i] if i < n else None
        above = cuts[i - 1] if i > 0 else None
        if (below is None or r.lo is None or r.lo < below) and (above is None or r.hi is None or r.hi > above):
            out.append(2 * i)
        if i < n and cuts[i] in r:
            out.append(2 * i + 1)
    return out


def table_range(lookup: Lookup, r: Range) -> Range:
    """
    Return the points a tier table gives over ``r``: the hull of the bands ``r`` reaches (a gap gives no value).
    """
    otherwise = lookup.otherwise
    values = [lookup.values[k] for k in _reached(lookup.cuts, r)]
    return hull(exact(v) for v in (otherwise if v is None else v for v in values) if v is not None)


def _builtin(name: str) -> Callable[..., object]:
    return BUILTINS[name].impl


def _clamp(x: Range, lo: Range, hi: Range) -> Range:
    # clamp(x, lo, hi) is lo when x < lo, else hi when x > hi, else x: only the cases that can happen count.
    cases: list[Range] = []
    if x.lo is None or lo.hi is None or x.lo < lo.hi:
        cases.append(lo)
    if x.hi is None or hi.lo is None or x.hi > hi.lo:
        cases.append(hi)
    middle = x.meet(Range(lo.lo, hi.hi))
    if middle is not None:
        cases.append(middle)
    return hull(cases)


def _abs(x: Range) -> Range:
    if x.lo is not None and x.lo >= 0:
        return x
    if x.hi is not None and x.hi <= 0:
        return -x
    top = None if x.lo is None or x.hi is None else max(-x.lo, x.hi)
    return Range(_ZERO, top)


def _div(a: Range, b: Range, default: Range) -> Range:
    cases: list[Range] = []
    if _ZERO in b:
        cases.append(default)
    if b.lo is None or b.hi is None or b.lo != b.hi or b.lo != 0:
        if _ZERO in b:
            if a == exact(_ZERO):
                cases.append(a)
            else:
                return ANY  # a quotient near a zero divisor has no bound
        else:
            cases.append(a / b)
    return hull(cases)


def _sum_of(items: Range, size: Range) -> Range:
    # k items, k within size (never below 0): each end is an item's end times the k that takes it furthest.
    most = size.hi

    def end(x: Decimal | None, low: bool) -> Decimal | None:
        if x is None:
            return _ZERO if most is not None and most == 0 else None
        if x == 0:
            return _ZERO
        k = size.lo if (x > 0) == low else most
        return None if k is None else x * k

    return Range(end(items.lo, True), end(items.hi, False))


def _extreme(items: Range, size: Range) -> Range:
    # largest()/smallest() of a list: an item, or 0 when the list may be empty.
    return items if size.lo is not None and size.lo > 0 else hull([items, exact(_ZERO)])


def _marginal(bands: Sequence[tuple[Decimal, Decimal | None, Decimal]], x: Range) -> Range:
    if any(rate < 0 for _, _, rate in bands):
        return ANY
    top = marginal_total(bands, bands[-1][0]) if bands[-1][2] == 0 else None
    fn = functools.partial(marginal_total, bands)
    return monotone(fn, x, low=_ZERO, high=top)


def _shortfall(rule: Any, x: Range) -> Range:
    if rule.deduct < 0 or rule.per <= 0:
        return ANY
    fn = functools.partial(shortfall_points, rule)
    worst = _ZERO if rule.deduct > 0 else rule.full  # very far short of the target
    rising = rule.direction == "higher_is_better"
    return monotone(fn, x, rising=rising, low=worst if rising else rule.full, high=rule.full if rising else worst)


def _schedule(fn: Callable[[Decimal], Decimal], n: Range) -> Range:
    cells = dict(zip(fn.__code__.co_freevars, (c.cell_contents for c in fn.__closure__ or ()), strict=True))
    schedule = cells.get("schedule")
    if not isinstance(schedule, tuple) or any(a < 0 for a in schedule) or n.lo is None or n.lo < 0:
        return ANY
    return monotone(fn, n, high=None if schedule[-1] > 0 else sum(schedule, _ZERO))


def _schedule_after(fn: Callable[..., Decimal], n: Range) -> Range:
    # n occurrences after any number counted earlier: each costs one of the schedule's amounts.
    cells = dict(zip(fn.__code__.co_freevars, (c.cell_contents for c in fn.__closure__ or ()), strict=True))
    total: Any = cells.get("total")
    if getattr(total, "__code__", None) is not _SCHEDULE_CODE:
        return ANY
    inner = zip(total.__code__.co_freevars, (c.cell_contents for c in total.__closure__ or ()), strict=True)
    schedule = dict(inner).get("schedule")
    if not isinstance(schedule, tuple) or any(a < 0 for a in schedule) or n.lo is None or n.lo < 0:
        return ANY
    hi = None if n.hi is None else max(schedule) * n.hi
    if schedule[-1] == 0:  # beyond the schedule nothing more is charged: at most the whole schedule
        hi = sum(schedule, _ZERO) if hi is None else min(hi, sum(schedule, _ZERO))
    return Range(min(schedule) * n.lo, hi)


def _quantize(rounding: str) -> Callable[[Range, Range], Range]:
    def rule(x: Range, quantum: Range) -> Range:
        if quantum.lo is None or quantum.lo != quantum.hi:
            return ANY
        q = quantum.lo
        return monotone(lambda v: v.quantize(q, rounding=rounding), x)

    return rule


def _whole(rounding: str) -> Callable[[Range], Range]:
    return lambda x: monotone(lambda v: v.to_integral_value(rounding=rounding), x)


_NUMERIC: dict[int, Callable[..., Range]] = {
    id(_builtin("min")): lambda *xs: Range(_low(min, [x.lo for x in xs]), _high(min, [x.hi for x in xs])),
    id(_builtin("max")): lambda *xs: Range(_low(max, [x.lo for x in xs]), _high(max, [x.hi for x in xs])),
    id(_builtin("clamp")): _clamp,
    id(_builtin("abs")): _abs,
    id(_builtin("round")): _quantize(ROUND_HALF_UP),
    id(_builtin("floor")): _whole(ROUND_FLOOR),
    id(_builtin("ceil")): _whole(ROUND_CEILING),
    id(_builtin("div")): _div,
}


def _low(fn: Callable[[list[Decimal]], Decimal], ends: list[Decimal | None]) -> Decimal | None:
    # min of lower ends (an unbounded one wins) for min(); max of those bounded for max().
    known = [e for e in ends if e is not None]
    if fn is min:
        return None if len(known) < len(ends) else min(known)
    return max(known) if known else None


def _high(fn: Callable[[list[Decimal]], Decimal], ends: list[Decimal | None]) -> Decimal | None:
    known = [e for e in ends if e is not None]
    if fn is max:
        return None if len(known) < len(ends) else max(known)
    return min(known) if known else None


def apply_range(fn: Callable[..., Any], args: Sequence[Value], lookups: Mapping[int, Lookup]) -> Value:
    """
    Return the range of ``fn(*args)`` (None: not a number); ``lookups`` maps ``id(lookup.fn)`` to each table.
    """
    nums = [a if isinstance(a, Range) else ANY for a in args]
    lists = [a if isinstance(a, ListRange) else ListRange() for a in args]
    rule = _NUMERIC.get(id(fn))
    if rule is not None:
        return rule(*nums)
    if fn is _builtin("count"):
        return lists[0].size
    if fn is _builtin("count_over") or fn is _builtin("count_under"):
        return Range(_ZERO, lists[0].size.hi)
    if fn is _builtin("total") or _named(fn, "_sum_list"):
        return _sum_of(lists[0].items, lists[0].size)
    if fn is _builtin("largest") or fn is _builtin("smallest"):
        return _extreme(lists[0].items, lists[0].size)
    if _named(fn, "_times_count"):
        return nums[0] * lists[1].size
    table = lookups.get(id(fn))
    if table is not None:
        if isinstance(args[0], ListRange):
            return ListRange(table_range(table, args[0].items), args[0].size)
        return table_range(table, nums[0])
    if isinstance(fn, MethodType) and isinstance(fn.__self__, Lookup) and fn.__func__ is Lookup.index:
        return Range(_ZERO, Decimal(len(fn.__self__.tiers) - 1))
    if isinstance(fn, functools.partial) and len(fn.args) == 1 and not fn.keywords:
        if fn.func is marginal_total:
            return _marginal(fn.args[0], nums[0])
        if fn.func is shortfall_points:
            return _shortfall(fn.args[0], nums[0])
    if getattr(fn, "__code__", None) is _SCHEDULE_CODE:
        return _schedule(fn, nums[0])
    if getattr(fn, "__code__", None) is _AFTER_CODE:
        return _schedule_after(fn, nums[1])
    column = _grade_column(fn)
    if column is not None:
        lookup, by_band = column
        return hull(exact(by_band[k]) for k in _bands(lookup, nums[0]))
    return None


def _named(fn: Callable[..., Any], name: str) -> bool:
    # Adjustments' helpers are private to their kind; they are known by module and name together.
    return getattr(fn, "__module__", None) == "perfrules._kinds.adjustment" and getattr(fn, "__name__", "") == name


def _grade_column(fn: Callable[..., Any]) -> tuple[Lookup, tuple[Decimal, ...]] | None:
    if type(fn).__name__ == "_Column" and type(fn).__module__ == "perfrules._kinds.grade":
        return fn.lookup, fn.by_band  # type: ignore[attr-defined]
    return None


def _bands(lookup: Lookup, r: Range) -> set[int]:
    return {k for k in (lookup.bands[p] for p in _reached(lookup.cuts, r)) if k is not None}

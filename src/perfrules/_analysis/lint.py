"""
Warnings from the bounds: money with no upper bound, a cap that can never bind, a floor that always binds.
"""

from __future__ import annotations

from decimal import Decimal

from .._errors import Issue
from .interval import Range, hull, number_text
from .ranges import Bounds, Limit

__all__ = ["bound_warnings"]


def _money(b: Bounds) -> list[tuple[tuple[str, str], str]]:
    # What is paid: payouts, accelerators and bonuses with unit: money (a penalty only takes away).
    out = []
    for ref in b.plan.order:
        step = b.plan.steps.get(ref)
        if step is None:
            continue
        unit = getattr(step.element, "unit", None)
        if ref[0] in ("payouts", "accelerators") or (ref[0] == "bonuses" and unit == "money"):
            out.append((ref, step.outputs[0][0]))
    return out


def _readers(name: str, reads: dict[str, set[str]], open_: set[str]) -> tuple[list[str], list[str]]:
    # The money values that read ``name`` directly, and those its open end reaches: readers that are
    # open themselves, and theirs in turn (a capped reader stops it). Both in evaluation order.
    direct = [other for other, read in reads.items() if name in read]
    reached: list[str] = []
    todo = [n for n in direct if n in open_]
    while todo:
        current = todo.pop()
        if current in reached:
            continue
        reached.append(current)
        todo += [other for other, read in reads.items() if current in read and other in open_]
    order = list(reads)
    return direct, sorted(reached, key=order.index)


_KIND = {"payouts": "payout", "accelerators": "accelerator", "bonuses": "bonus"}


def _merged(limits: tuple[Limit, ...]) -> list[Limit]:
    # A limit met in several branches of the analysis is one limit: its value's range is the hull.
    by_path: dict[tuple[object, ...], Limit] = {}
    for lim in limits:
        seen = by_path.get(lim.path)
        raw = lim.raw if seen is None else hull([seen.raw, lim.raw])
        by_path[lim.path] = Limit(lim.path, raw, lim.floor, lim.cap)
    return list(by_path.values())


def bound_warnings(b: Bounds) -> list[Issue]:
    """
    Return warnings about what the bounds show: unbounded money, limits that never or always bind.
    """
    issues: list[Issue] = []
    money = _money(b)
    open_ = {name for _, name in money if (r := b.ranges.get(name)) is not None and r.hi is None}
    # Warn where an open end starts and is paid out, not at every total that adds it up: those are
    # named in the message.
    reads = {name: b.plan.steps[ref].reads() for ref, name in money}
    for ref, name in money:
        if name not in open_ or reads[name] & open_:
            continue
        direct, after = _readers(name, reads, open_)
        if direct and not after:
            continue  # everything that pays it out is bounded (a capped payout): nothing unbounded is paid
        also = f" (and so {'has' if len(after) == 1 else 'have'} {', '.join(after)})" if after else ""
        issues.append(
            Issue(
                "unbounded-money",
                f"{_KIND[ref[0]]} {name!r} has no upper bound: some input can make it pay any amount{also}",
                ref,
                "warning",
                "declare max: on the inputs it reads, or give it a cap:",
            )
        )
    for lim in _merged(b.limits):
        issues += _limit_warnings(lim)
    return issues


def _limit_warnings(lim: Limit) -> list[Issue]:
    out: list[Issue] = []
    raw: Range = lim.raw
    path = tuple(lim.path)
    if lim.cap is not None and raw.hi is not None and raw.hi <= lim.cap:
        out.append(
            Issue(
                "cap-never-binds",
                f"cap {lim.cap} can never bind: the value it limits is at most {_n(raw.hi)}",
                (*path, "cap"),
                "warning",
                "lower the cap, or remove it if the value can never reach it by design",
            )
        )
    if lim.floor is not None and raw.hi is not None and raw.hi <= lim.floor:
        out.append(
            Issue(
                "floor-always-binds",
                f"floor {lim.floor} always binds: the value it limits is at most {_n(raw.hi)}, "
                f"so the result is always {lim.floor}",
                (*path, "floor"),
                "warning",
                "check the formula's sign and the inputs' declared ranges, or the floor",
            )
        )
    return out


def _n(x: Decimal) -> str:
    return number_text(x)

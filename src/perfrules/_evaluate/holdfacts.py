"""
What holding a plan's amounts over their approval thresholds needs to know of it (W2), once per plan.

Which steps a hold can change, what those read, and whether the rounds of
``score_held`` fold into one pass (no hold reaches an amount another
threshold looks at): facts of the plan alone, the same for every population,
kept as long as the plan is (see :mod:`.colholds`).
"""

from __future__ import annotations

import contextlib
import contextvars
import decimal
import threading
import weakref
from collections.abc import Collection
from typing import Any

import attrs

from .._compile import Plan
from .colsched import step_names
from .groups import group_calls
from .holdcopy import held_plan
from .results import Layout, layout_of

__all__ = ["HeldStep", "HoldFacts", "hold_facts", "hold_facts_soon"]


def _reads(plan: Plan, groups: dict[str, tuple[str, ...]], ref: Any) -> tuple[set[str], set[str]]:
    # The names step ``ref`` reads (its values, not its traced-only nodes), and those it makes.
    return step_names(plan, groups, ref, traced=False)


def _affected(plan: Plan, holds: Collection[str]) -> tuple[list[HeldStep], set[str], set[str]]:
    # The steps a hold can change, in order, the names they make, and the other names they read.
    groups = group_calls(plan)
    dirty, reads = set(holds), set()
    steps = []
    for ref in plan.order:
        read, made = _reads(plan, groups, ref)
        if read & dirty:
            dirty |= made
            reads |= read
            steps.append(HeldStep(ref, plan.steps.get(ref) is None, read, made))
    return steps, dirty, reads - dirty


@attrs.frozen
class HeldStep:
    """
    A step a hold can change: a row step (evaluated again where what it reads changed) or a group value.
    """

    ref: Any
    """The step's reference in the plan's order."""
    group: bool
    """Whether it is a group value (worked out over everyone)."""
    reads: set[str]
    """The names it reads."""
    made: set[str]
    """The names it makes."""


@attrs.frozen(eq=False)
class HoldFacts:
    """
    What holding a plan's amounts needs to know of it, worked out once per plan (see :func:`hold_facts`).
    """

    copy: Plan
    """The plan of the scheme with each adjustment that has a threshold gated on its hold input."""
    holds: dict[str, str]
    """Each such adjustment's hold input."""
    layout: Layout
    """The copy's layout."""
    steps: list[HeldStep]
    """Every step a hold can change, in order (the rounds evaluate these again)."""
    kept: set[str]
    """What the rounds read past the first evaluation: every value a hold can change and what those steps read."""
    cuts: tuple[tuple[int, tuple[Any, ...], HeldStep], ...] | None
    """
    One pass (``_at_once`` in :mod:`.colholds`): each position in ``copy.order`` whose step makes
    adjustments with a threshold, those rules, and that step; ``None`` when a hold can reach another
    amount's threshold (the rounds of score_held, over whole columns).
    """


_FACTS: weakref.WeakKeyDictionary[Plan, HoldFacts] = weakref.WeakKeyDictionary()
_SOON: weakref.WeakKeyDictionary[Plan, threading.Thread] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def hold_facts(plan: Plan) -> HoldFacts:
    """
    Return what holding ``plan``'s amounts needs to know of it (the same object for the same plan).
    """
    # A plan is immutable: what a hold reaches is the same for every population it scores.
    found = _FACTS.get(plan)
    if found is None:
        with _LOCK:
            soon = _SOON.get(plan)
        if soon is not None:
            soon.join()  # worked out beside the reading (see hold_facts_soon): its answer, or nothing
            found = _FACTS.get(plan)
        if found is None:
            found = _FACTS[plan] = _work_out(plan)
    return found


def hold_facts_soon(plan: Plan) -> None:
    """
    Start working out :func:`hold_facts` of a plan not yet seen, on a thread of its own.

    The copy of the scheme the holds need is compiled in Python while the
    caller's polars reads and parses the input on the other cores; a later
    :func:`hold_facts` waits for it (or works it out again, should it fail).
    """
    with _LOCK:
        if plan in _FACTS or plan in _SOON:
            return
        context = contextvars.copy_context()  # (compiled in the caller's decimal context, as it would be)
        _SOON[plan] = thread = threading.Thread(
            target=context.run, args=(_quietly, plan), name="perfrules-holdfacts", daemon=True
        )
    thread.start()


def _quietly(plan: Plan) -> None:
    # An error here is met again, and raised, by hold_facts in the caller's own thread.
    decimal.setcontext(decimal.getcontext().copy())  # (a copy: compiling sets flags on the context it uses)
    with contextlib.suppress(Exception):
        found = _work_out(plan)
        _FACTS.setdefault(plan, found)


def _work_out(plan: Plan) -> HoldFacts:
    copy, holds = held_plan(plan)
    layout = layout_of(copy)
    steps, dirty, reads = _affected(copy, holds.values())
    return HoldFacts(copy, holds, layout, steps, dirty | reads, _cuts(copy, holds, layout))


def _cuts(copy: Plan, holds: dict[str, str], layout: Layout) -> Any:
    # Holding in one pass gives score_held's results when no hold reaches an amount another threshold looks at
    # (nor its own occurrences): each rule's rows over are then those the first round finds, found as soon as
    # its step is evaluated, and holding them there leaves nothing new over for a second round.
    groups = group_calls(copy)
    made_at: dict[str, int] = {}
    stepped: dict[int, HeldStep] = {}
    for pos, ref in enumerate(copy.order):
        read, made = _reads(copy, groups, ref)
        stepped[pos] = HeldStep(ref, copy.steps.get(ref) is None, read, made)
        made_at.update(dict.fromkeys(made, pos))
    reach = {name: _affected(copy, [hold])[1] for name, hold in holds.items()}
    at: dict[int, list[Any]] = {}
    for approval in layout.approvals:
        name, occ, looked = approval[1], approval[3], layout.outputs[approval[5]]
        seen = {looked} | ({layout.outputs[occ]} if occ is not None else set())
        if any(seen & (dirty - ({looked} if other == name else set())) for other, dirty in reach.items()):
            return None
        where = made_at.get(looked)
        if where is None or stepped[where].group or any(made_at.get(x, -1) > where for x in seen):
            return None
        # The step is held in its own turn, from what it reads, and the hold is read by it alone (the steps
        # beside it on another thread never wait for the hold: see _held_step in .colholds).
        if not seen <= stepped[where].reads | stepped[where].made:
            return None
        if any(holds[name] in s.reads for p, s in stepped.items() if p != where):
            return None
        at.setdefault(where, []).append(approval)
    return tuple((pos, tuple(at[pos]), stepped[pos]) for pos in sorted(at))

"""
The columnar engine's steps on two threads: steps whose inputs are ready run at once, results come in plan order.

polars releases the GIL while it computes, so two steps that do not read each
other's values are evaluated side by side on two cores.  Each step runs on
the values it reads (a dict of its own: a worker never sees another's
writes), and :func:`ordered` hands the steps back strictly in plan order, so
the caller fills its values, lets them go, and meets a step's error exactly
as with one thread: the first step in plan order that fails is the one
reported, whichever thread finished first.  A step waits for every earlier
step that makes a value it reads, reads a value it makes, or makes a value
it makes.

``PERFRULES_THREADS`` sets how many threads evaluate (``1``: one thread, the
plain loop; anything but a positive whole number is ignored); populations
below :data:`MIN_ROWS` rows always use one.
"""

from __future__ import annotations

import contextvars
import decimal
import os
from collections.abc import Callable, Collection, Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

from .._ir import Ref, walk

if TYPE_CHECKING:
    from .._compile import Plan

__all__ = ["MIN_ROWS", "THREADS", "last_reads", "ordered", "step_names", "threads_for"]

THREADS = "PERFRULES_THREADS"
"""The environment variable that sets how many threads the columnar engine evaluates steps on (default 2)."""
MIN_ROWS = 20_000
"""Below this many rows the columnar engine evaluates on one thread (a thread costs more than it gives)."""


def threads_for(n: int, steps: int) -> int:
    """
    Return how many threads evaluate ``steps`` steps over ``n`` rows (1: the single-thread loop).
    """
    raw = os.environ.get(THREADS, "").strip()
    wanted = int(raw) if raw.isdigit() and int(raw) > 0 else 2
    if n < MIN_ROWS or steps < 2:
        return 1
    return min(wanted, os.cpu_count() or 1, steps)


def step_names(
    plan: Plan, groups: dict[str, tuple[str, ...]], ref: Any, *, traced: bool = True
) -> tuple[set[str], set[str]]:
    """
    Return the names step ``ref`` of ``plan`` reads (a group value: what its call reads) and the names it makes.

    With ``traced``, the names its traced-only nodes read count too.
    """
    from .crowds import needed

    step = plan.steps.get(ref)
    if step is None:
        return set(needed(plan, groups[ref[1]])), {ref[1]}
    roots = (*step.prelude, *(step.traced_only if traced else ()), *step.otherwise, *(n for _, n in step.outputs))
    if step.guard is not None:
        roots += (step.guard,)
    return {n.name for root in roots for n in walk(root) if isinstance(n, Ref)}, {name for name, _ in step.outputs}


def last_reads(plan: Plan, groups: dict[str, tuple[str, ...]]) -> dict[int, list[str]]:
    """
    Return, for each position in ``(None, *plan.order)``, the names read or made there for the last time.
    """
    last: dict[str, int] = {}
    for at, ref in enumerate(plan.order, 1):
        read, made = step_names(plan, groups, ref)
        for name in read | made:
            last[name] = at
    out: dict[int, list[str]] = {}
    for name, at in last.items():
        out.setdefault(at, []).append(name)
    return out


def _after(reads: Sequence[Collection[str]], makes: Sequence[Collection[str]]) -> list[set[int]]:
    # For each step, the earlier steps it must wait for (read after make, make after read, make after make).
    out: list[set[int]] = []
    for i in range(len(reads)):
        mine = set(reads[i]) | set(makes[i])
        out.append({j for j in range(i) if set(makes[j]) & mine or set(reads[j]) & set(makes[i])})
    return out


def _call(context: decimal.Context, run: Callable[[int, dict[str, Any]], Any], at: int, given: dict[str, Any]) -> Any:
    # In the worker: the caller's decimal context, a copy of its own (Decimal sets flags on the context it uses).
    decimal.setcontext(context.copy())
    return run(at, given)


def _finish(
    running: dict[Future[dict[str, Any]], int], fut: Future[dict[str, Any]], values: dict[str, Any], finished: set[int]
) -> None:
    at = running.pop(fut)
    if fut.exception() is None:
        values.update(fut.result())
        finished.add(at)


def ordered(
    reads: Sequence[Collection[str]],
    makes: Sequence[Collection[str]],
    run: Callable[[int, dict[str, Any]], dict[str, Any]],
    values: dict[str, Any],
    workers: int,
) -> Generator[tuple[int, Future[dict[str, Any]]], None, None]:
    """
    Run ``run(at, given)`` for each step on ``workers`` threads; yield ``(at, future)`` in plan order.

    ``given`` holds the values of ``values`` the step ``reads``; what a step
    returns (the values it ``makes``) is put into ``values`` as soon as it is
    done, in this (the caller's) thread, for the steps that read it.  The
    caller may let go of values it knows no later step reads.  Each future
    yielded is done; its ``result()`` raises the step's error.  Closing the
    iterator (an error raised by the caller) cancels what has not started
    and waits for what has.
    """
    after, count = _after(reads, makes), len(reads)
    waiting, finished = list(range(count)), set[int]()
    futures: dict[int, Future[dict[str, Any]]] = {}
    running: dict[Future[dict[str, Any]], int] = {}
    pool = ThreadPoolExecutor(workers, thread_name_prefix="perfrules-columnar")
    try:
        for at in range(count):
            while True:
                for i in list(waiting):  # the earliest ready steps first, one per free thread
                    if len(running) >= workers:
                        break
                    if after[i] <= finished:
                        waiting.remove(i)
                        given = {name: values[name] for name in reads[i] if name in values}
                        context = contextvars.copy_context()
                        fut = pool.submit(context.run, _call, decimal.getcontext(), run, i, given)
                        futures[i], running[fut] = fut, i
                mine = futures.get(at)
                if mine is not None and mine.done():
                    if mine in running:  # its values go in before the caller lets any go
                        _finish(running, mine, values, finished)
                    break
                # A step that never became ready waits for one that failed: that one is yielded (and raised) first.
                assert running, "a step waits for nothing that runs"
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    _finish(running, fut, values, finished)
            del futures[at]  # its values are the caller's now: a future kept would keep every column alive
            yield at, mine
    finally:
        for fut in futures.values():
            fut.cancel()
        pool.shutdown(wait=True)

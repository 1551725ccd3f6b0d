"""
A plan sent to other processes (Dask workers) as its scheme: each process compiles a scheme once.

A :class:`~perfrules.Plan` pickles as its scheme and compiles again when it is
loaded; sent with every task of a cluster, it would be compiled once per task.
"""

from __future__ import annotations

import pickle
from typing import Any

from .._compile import Plan, compile_scheme
from .._errors import InputError, Issue
from .._model import Scheme

__all__ = ["Shipped", "portable"]

_PLANS: dict[str, Plan] = {}  # by digest, in each process


class Shipped:
    """
    A plan that unpickles as the plan this process compiled from the same scheme, if any.
    """

    __slots__ = ("plan",)

    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    def __reduce__(self) -> tuple[Any, ...]:
        return (_arrived, (self.plan.digest, self.plan.scheme))


def _arrived(digest: str, scheme: Scheme) -> Shipped:
    plan = _PLANS.get(digest)
    if plan is None:
        plan = _PLANS[digest] = compile_scheme(scheme)
    return Shipped(plan)


def portable(history: Any) -> None:
    """
    Raise :class:`InputError` (``history-not-portable``) unless ``history`` can be sent to other processes.
    """
    if history is None:
        return
    try:
        pickle.dumps(history)
    except Exception as exc:
        issue = Issue(
            "history-not-portable",
            f"the history source ({type(history).__name__}) cannot be sent to the cluster's workers: {exc}",
            hint="give a RecordedHistory of the periods history rules read, or score in one process",
        )
        raise InputError([issue], "the history source cannot be sent to the workers; nothing was scored") from None

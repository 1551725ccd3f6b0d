"""
A plan sent to other processes (Dask workers) as its scheme: each process compiles a scheme once.

A :class:`~perfrules.Plan` pickles as its scheme and compiles again when it is
loaded; sent with every task of a cluster, it would be compiled once per task.
"""

from __future__ import annotations

from typing import Any

from .._compile import Plan, compile_scheme
from .._model import Scheme

__all__ = ["Shipped"]

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

"""
Ranks and tops by the scheme's declared ranking (issue 11): a value, then the ranking's keys in turn.

Each employee gets one sort key, best first: the keys' values (negated when
descending) and, for ``employee_id``, the id's place among all ids.  A rank
is then 1 + how many counted members sort strictly before; only people equal
on every key share one.  No number is made up to break a tie, so
explanations show the keys as they are.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .._compile import Plan
from .._kinds import key_name

__all__ = ["RANKED", "order_keys", "ranked"]

#: The group functions a declared ranking orders.
RANKED = ("_rank", "_top")

Key = tuple[Decimal, ...]


def order_keys(plan: Plan, values: Sequence[tuple[Any, ...]], ids: Sequence[str]) -> list[Key] | None:
    """
    Return each employee's sort key by the declared ranking (best first), or ``None`` without one.
    """
    r = plan.scheme.ranking
    if r is None:
        return None
    place = {emp: Decimal(k) for k, emp in enumerate(sorted(ids))}
    columns: list[tuple[int | None, bool]] = [
        (None if text == "employee_id" else plan.index[key_name(k)], desc) for k, (text, desc) in enumerate(r.parsed())
    ]
    if r.ties == "first" and all(at is not None for at, _ in columns):
        columns.append((None, False))  # the first by employee id among those equal on every key
    return [
        tuple((-x if desc else x) for at, desc in columns for x in ((place[emp] if at is None else v[at]),))
        for v, emp in zip(values, ids, strict=True)
    ]


def ranked(function: str, own: Key, counted: bool, ordered: Sequence[Key], ties: str) -> Decimal | bool:
    """
    Return a rank or top of one employee whose key is ``own``, among the counted members' ``ordered`` keys.
    """
    ahead = bisect_left(ordered, own)
    if function.endswith("_rank"):
        return Decimal(1 + ahead)
    if not counted or ahead:
        return False
    # Tied on every key at the top: the ranking's tie rule says who is top.
    return ties == "all" or bisect_right(ordered, own) - ahead == 1

"""
Group functions: values of a formula name over the employee's team, or everyone.

``team_avg(score)`` is not computed by the formula itself: when the scheme is
compiled, each such call becomes a name of its own (``team_avg__score``) whose
value the engine works out between evaluation stages, over the eligible
members of each team, and hands to the formulas that read it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from decimal import Decimal

import attrs

from .functions import BOOL, NUM, Type

__all__ = [
    "GROUP_FUNCTIONS",
    "POPULATIONS",
    "RELATION_SCOPES",
    "GroupFunction",
    "aggregate",
    "group_name",
    "groups_for",
]

_ZERO = Decimal(0)

#: Group scopes over a relation between people (T5): ``mentees_*`` read the
#: employees naming this one in the ``mentor`` column, ``reports_*`` in ``manager``.
RELATION_SCOPES = {"mentees": "mentor", "reports": "manager"}

#: Whom a group call is over (``team_sum(sales, over=everyone)``), before its own condition:
#: ``everyone`` in the group, the ``assessed`` (H3), or the ``eligible`` (assessed and
#: ``teams.eligible``).  Without ``over=``, team and whole-population calls are over the
#: eligible and relation calls (``reports_*``, ``mentees_*``) over the assessed.
POPULATIONS = ("everyone", "assessed", "eligible")


@attrs.frozen
class GroupFunction:
    """
    A team function: its name, result type and documentation.
    """

    name: str
    returns: Type
    doc: str


_OPERATIONS = (
    ("avg", NUM, "the average of a value over the eligible members (0 if none)"),
    ("sum", NUM, "the sum of a value over the eligible members"),
    ("min", NUM, "the smallest value among the eligible members (0 if none)"),
    ("max", NUM, "the largest value among the eligible members (0 if none)"),
    ("count", NUM, "how many eligible members there are"),
    ("rank", NUM, "1 + how many eligible members rank before (a higher value, then the ranking's keys)"),
    ("top", BOOL, "whether this employee is eligible and first (a declared ranking says who, when tied)"),
    ("share", NUM, "this employee's value divided by the eligible members' sum (0 when the sum is 0)"),
)

#: ``team_*`` look at the employee's team (schemes with ``teams:``); ``all_*`` at the whole population.
GROUP_FUNCTIONS: dict[str, GroupFunction] = {
    f"{scope}_{op}": GroupFunction(f"{scope}_{op}", returns, f"{where}: {doc}")
    for scope, where in (
        ("team", "Over the employee's team"),
        ("all", "Over the whole population"),
        ("mentees", "Over the employee's trainees"),
        ("reports", "Over the employee's direct reports"),
    )
    for op, returns, doc in _OPERATIONS
}


def groups_for(rule: str, scopes: frozenset[str]) -> dict[str, GroupFunction]:
    """
    Return the group functions a formula of ``rule`` may call, among the scheme's ``scopes``.

    ``all_*`` are always there, ``team_*`` with teams, ``mentees_*`` with
    mentors and ``reports_*`` with managers.  The rule that says who counts
    (``teams.eligible``), the rule that says who is assessed and the ranking's
    keys may call none of them.
    """
    if rule in ("teams", "assessed", "ranking"):
        return {}
    return {k: v for k, v in GROUP_FUNCTIONS.items() if k.split("_", 1)[0] in scopes}


def group_name(function: str, argument: str, condition: str = "", over: str = "") -> str:
    """
    Return the name a group call stands for.

    ``team_avg(score)`` → ``team_avg__score``; ``team_top(score, qualified)`` →
    ``team_top__score__qualified``; ``team_sum(sales, over=everyone)`` →
    ``team_sum__sales___everyone``.
    """
    name = f"{function}__{argument}__{condition}" if condition else f"{function}__{argument}"
    return f"{name}___{over}" if over else name


def aggregate(
    function: str, own: Decimal, eligible: bool, members: Sequence[Decimal], ordered: Sequence[Decimal], total: Decimal
) -> Decimal | bool:
    """
    Return one employee's value of a team function.

    ``members`` are the eligible members' values, ``ordered`` the same sorted
    ascending, ``total`` their sum; ``own`` is this employee's value.
    """
    n = len(members)
    function = "team_" + function.split("_", 1)[1]  # team_* and all_* compute alike
    if function == "team_avg":
        return total / n if n else _ZERO
    if function == "team_sum":
        return total
    if function == "team_min":
        return ordered[0] if n else _ZERO
    if function == "team_max":
        return ordered[-1] if n else _ZERO
    if function == "team_count":
        return Decimal(n)
    higher = n - bisect_right(ordered, own)
    if function == "team_rank":
        return Decimal(1 + higher)
    if function == "team_top":
        return eligible and higher == 0
    return own / total if total else _ZERO

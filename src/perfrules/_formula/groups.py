"""
Team functions: values of a formula name over the employee's team.

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

__all__ = ["GROUP_FUNCTIONS", "GroupFunction", "aggregate", "group_name"]

_ZERO = Decimal(0)


@attrs.frozen
class GroupFunction:
    """
    A team function: its name, result type and documentation.
    """

    name: str
    returns: Type
    doc: str


GROUP_FUNCTIONS: dict[str, GroupFunction] = {
    g.name: g
    for g in (
        GroupFunction("team_avg", NUM, "The average of a value over the eligible members of the team (0 if none)."),
        GroupFunction("team_sum", NUM, "The sum of a value over the eligible members of the team."),
        GroupFunction("team_min", NUM, "The smallest value among the eligible members (0 if none)."),
        GroupFunction("team_max", NUM, "The largest value among the eligible members (0 if none)."),
        GroupFunction("team_count", NUM, "How many eligible members the team has."),
        GroupFunction("team_rank", NUM, "1 + how many eligible members have a higher value (ties share a rank)."),
        GroupFunction("team_top", BOOL, "Whether this employee is eligible and no eligible member has a higher value."),
        GroupFunction("team_share", NUM, "This employee's value divided by the team's sum (0 when the sum is 0)."),
    )
}


def group_name(function: str, argument: str) -> str:
    """
    Return the name a team call stands for: ``team_avg(score)`` → ``team_avg__score``.
    """
    return f"{function}__{argument}"


def aggregate(
    function: str, own: Decimal, eligible: bool, members: Sequence[Decimal], ordered: Sequence[Decimal], total: Decimal
) -> Decimal | bool:
    """
    Return one employee's value of a team function.

    ``members`` are the eligible members' values, ``ordered`` the same sorted
    ascending, ``total`` their sum; ``own`` is this employee's value.
    """
    n = len(members)
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

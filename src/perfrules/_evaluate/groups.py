"""
Population-wide values for the columnar engine: ``all_max``, ``all_min``, ``all_count``, ``all_sum``, ``all_top``.

They are worked out as the row engine's :func:`~perfrules._formula.aggregate`
does, over the same members (those assessed, eligible and meeting the call's
condition), with the same choice among equal values: ``max`` is the last of
the sorted members and ``min`` the first, so when ``80`` and ``80.0`` tie the
one Python's stable sort puts there is the one given, with its exponent.
Team values, ranks, shares, averages, relations and charges are worked out
by :mod:`.crowds`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .._compile import Plan
from .._formula import group_name
from .crowds import People, crowd_value
from .given import GIVEN

__all__ = ["group_calls", "group_problem", "group_values"]

_DONE = ("all_max", "all_min", "all_count", "all_sum", "all_top")
_SCOPES = ("all", "team", "mentees", "reports", "charges")


def group_calls(plan: Plan) -> dict[str, tuple[str, ...]]:
    """
    Return every group call of ``plan`` by the name it stands for (``all_max__score`` → ``("all_max", "score")``).
    """
    return {group_name(*call): call for stage in plan.stages for call in stage.groups}


def _numbers(plan: Plan) -> set[str]:
    names = {s.name for s in plan.inputs if s.kind.value_type == "number"}
    names |= {p.name for p in plan.scheme.params}
    for step in plan.steps.values():
        names |= {name for name, node in step.outputs if node.type == "number"}
    return names


def group_problem(plan: Plan, call: tuple[str, ...]) -> str | None:
    """
    Return why the columnar engine cannot compute the group value ``call``, or ``None`` when it can.
    """
    if call[0].split("_", 1)[0] not in _SCOPES:
        return f"the group value {call[0]}() yet (only {', '.join(s + '_*' for s in _SCOPES)})"
    return None


def _own(plan: Plan, call: tuple[str, ...]) -> bool:
    # The population-wide values worked out here; the others by .crowds.
    if call[0] == "all_top" and plan.scheme.ranking is not None:
        return False
    return call[0] in _DONE and call[1] in _numbers(plan)


def group_values(plan: Plan, call: tuple[str, ...], env: dict[str, Any], n: int, people: People) -> Any:
    """
    Return the column of the group value ``call`` for the rows of ``people``.
    """
    import polars as pl

    from . import fixed

    part = GIVEN.get()
    given = None if part is None else part.group_values(plan, call, env, n, people.teams)
    if given is not None:  # one part of a population: the value is over all of it (see .split)
        return given

    if not _own(plan, call):
        return crowd_value(plan, call, env, n, people)

    function, argument = call[0], call[1]
    counted = pl.repeat(True, n, eager=True)
    over = call[3] if len(call) > 3 and call[3] else "eligible"  # whom the call is over (the row engine's default)
    wanted = {"everyone": (), "assessed": (plan.assessed,), "eligible": (plan.assessed, plan.eligible)}[over]
    names = [plan.outputs[at] for at in wanted if at is not None]
    if len(call) > 2 and call[2]:
        names.append(call[2])
    for name in names:
        counted = counted & env[name]
    value: fixed.Num = env[argument]
    members = counted.arg_true()
    zero = fixed.const(Decimal(0), n)
    if function == "all_count":
        return fixed.const(Decimal(len(members)), n)
    if not len(members):
        return pl.repeat(False, n, eager=True) if function == "all_top" else zero
    # Every member at the smallest exponent among them: exact integers to compare and add.
    least = int(value.e.filter(counted).min())
    at = fixed.const(Decimal(1).scaleb(least), n)
    aligned, _, _ = fixed.align(value, at, counted)
    aligned = aligned.cast(pl.Int128)  # (it may be Int64, see .coeffs: its sum is taken here, in Int128)
    if function == "all_sum":
        # sum(members, 0): exact while no partial sum reaches 28 digits, which the absolute sum bounds.
        if aligned.filter(counted).abs().sum() >= 10**28:
            raise fixed.Limit(counted)
        return fixed.add(zero, _pick(value, counted, aligned, 0, n, sum_of=True), None)
    biggest = aligned.filter(counted).max()
    if function == "all_top":
        # top: counted, and no member above one's own value.
        return counted & (aligned >= biggest)
    target = biggest if function == "all_max" else aligned.filter(counted).min()
    hits = (counted & (aligned == target)).arg_true()
    # Python's stable sort keeps equal members in employee order: max is the last of them, min the first.
    row = int(hits[-1] if function == "all_max" else hits[0])
    return _pick(value, counted, aligned, row, n)


def _pick(value: Any, counted: Any, aligned: Any, row: int, n: int, *, sum_of: bool = False) -> Any:
    import polars as pl

    from . import fixed

    if sum_of:
        least = int(value.e.filter(counted).min())
        total = aligned.filter(counted).sum()
        return fixed.Num(
            pl.repeat(total, n, dtype=pl.Int128, eager=True), pl.repeat(least, n, dtype=pl.Int32, eager=True)
        )
    nz = None if value.nz is None else pl.repeat(bool(value.nz[row]), n, eager=True)
    return fixed.Num(
        pl.repeat(value.c[row], n, dtype=pl.Int128, eager=True),
        pl.repeat(value.e[row], n, dtype=pl.Int32, eager=True),
        nz,
    )

"""
History: values of earlier periods, for ``prior()``, ``streak()`` and ``previous_streak()``.

A history source is anything with ``previous(period, count)``: the stored
results of up to ``count`` periods recorded before ``period``, the most recent
first, each as ``{employee: result data}`` (the data ``Result.to_dict()``
gives).  The results ledger is one; an HRIS can serve its own database the
same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from .._compile import Plan
from .._formula import MAX_HISTORY
from .._model import Period

__all__ = ["HistorySource", "history_values"]

_ZERO = Decimal(0)


@runtime_checkable
class HistorySource(Protocol):
    """
    Where earlier periods' results come from.
    """

    def previous(self, period: Period, count: int) -> Sequence[Mapping[str, Mapping[str, Any]]]:
        """
        Return up to ``count`` periods recorded before ``period``, most recent first, as ``{employee: data}``.
        """
        ...


def _stored(entry: Mapping[str, Any] | None, name: str, flag: bool = False) -> Any:
    # Read one named value back from stored result data; None when absent.
    if entry is None:
        return None
    if name == "score":
        return Decimal(entry["score"])
    if flag:  # a flag is stored only in the list of flags raised; a condition in its own group
        held = entry.get("conditions", {}).get(name)
        if held is not None:
            return bool(held) or None
        return any(f["name"] == name for f in entry.get("flags", ())) or None
    for group in ("indicators", "sections", "penalties", "bonuses", "payouts", "inputs"):
        value = entry.get(group, {}).get(name)
        if value is not None and not isinstance(value, list):
            return Decimal(value)
    return None


def history_values(
    plan: Plan, source: HistorySource | None, period: Period | None, employees: Sequence[str], kinds: Mapping[str, str]
) -> list[tuple[Any, ...]]:
    """
    Return, for each employee, the values of the plan's history calls, in :attr:`Plan.history` order.

    Without a source or a period there is no history: numbers are 0, conditions false, streaks 0.
    ``kinds`` gives each name's type (``number`` or ``bool``).
    """
    depth = max((MAX_HISTORY if fn == "previous_streak" else n for fn, _, n in plan.history), default=0)
    periods = list(source.previous(period, depth)) if source is not None and period is not None and depth else []
    out = []
    for emp in employees:
        row: list[Any] = []
        for fn, name, n in plan.history:
            if fn in ("prior", "has_prior"):
                entry = periods[n - 1].get(emp) if n <= len(periods) else None
                if fn == "has_prior":
                    # The employee was scored in that period, and the value was kept then.
                    row.append(entry is not None and (kinds[name] == "bool" or _stored(entry, name) is not None))
                    continue
                value = _stored(entry, name, kinds[name] == "bool")
                row.append(value if value is not None else (False if kinds[name] == "bool" else _ZERO))
            else:
                run = 0
                for recorded in periods:
                    if not _stored(recorded.get(emp), name, kinds[name] == "bool"):
                        break
                    run += 1
                row.append(Decimal(run))
        out.append(tuple(row))
    return out

"""
Rolling recorded periods up into a longer one: months into a quarter, by the scheme's declared rule (H1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from .._compile import quantizer
from .._errors import Issue, LedgerError
from .._model import Period, RollupRule, Scheme
from .ledger import Ledger

__all__ = ["roll_up"]

_GROUPS = ("indicators", "sections", "penalties", "bonuses", "payouts")


def _combine(rule: RollupRule, values: Sequence[Decimal]) -> Decimal:
    if rule == "sum":
        return sum(values, Decimal(0))
    if rule == "average":
        return sum(values, Decimal(0)) / len(values)
    if rule == "max":
        return max(values)
    if rule == "min":
        return min(values)
    return values[-1]


def roll_up(ledger: Ledger, scheme: Scheme, period: Period) -> dict[str, Any]:
    """
    Return the recorded periods inside ``period`` rolled up per employee, as JSON-ready data.

    Periods are read in date order, latest revision of each.  Raises
    :class:`LedgerError` when no recorded period lies inside ``period``.
    """
    inside = ledger.inside(period)
    if not inside:
        raise LedgerError(
            [
                Issue(
                    "nothing-to-roll-up",
                    f"no recorded period lies inside {period.label}",
                    hint="record the months first with perfrules score ... --ledger",
                )
            ]
        )
    rule = scheme.rollup
    # The rolled-up score and money keep the scheme's declared places.
    same: Callable[[Decimal], Decimal] = lambda x: x  # noqa: E731
    score_round = quantizer(scheme.score.rounding) if scheme.score.rounding is not None else same
    money = quantizer(scheme.money)
    employees: dict[str, list[dict[str, Any]]] = {}
    for _, data in inside:
        for emp, entry in data.items():
            employees.setdefault(emp, []).append(entry)
    out = []
    for emp in sorted(employees):
        entries = employees[emp]
        row: dict[str, Any] = {
            "employee": emp,
            "period": period.label,
            "periods": len(entries),
            "score": str(score_round(_combine(rule.score, [Decimal(e["score"]) for e in entries]))),
            "grade": entries[-1]["grade"],
        }
        for group in _GROUPS:
            names = dict.fromkeys(k for e in entries for k in e[group])
            rnd = money if group == "payouts" else same
            row[group] = {
                k: str(rnd(_combine(rule.amounts, [Decimal(e[group][k]) for e in entries if k in e[group]])))
                for k in names
            }
        row["flags"] = sorted({f["name"] for e in entries for f in e["flags"]})
        out.append(row)
    return {
        "scheme": scheme.name,
        "period": period.label,
        "rule": {"score": rule.score, "amounts": rule.amounts},
        "from": [label for label, _ in inside],
        "results": out,
    }

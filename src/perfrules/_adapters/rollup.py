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


def _fail(code: str, message: str, hint: str) -> LedgerError:
    return LedgerError([Issue(code, message, hint=hint)], message)


def roll_up(ledger: Ledger, scheme: Scheme, period: Period | str, *, partial: bool = False) -> dict[str, Any]:
    """
    Return the periods ``scheme`` recorded inside ``period`` rolled up per employee, as JSON-ready data.

    ``period`` is read in the scheme's calendar (``2026-Q2`` of a calendar
    whose months start on the 26th runs from 26 March to 25 June).  Periods
    are read in date order, latest revision of each; ``from`` names them.
    Raises :class:`LedgerError` when none was recorded, when a recorded
    period straddles the boundary, or when a period of the scheme's kind
    inside ``period`` was never recorded (unless ``partial``: then
    ``missing`` names them).
    """
    try:
        period = scheme.calendar.resolve(period) if isinstance(period, str) else period
    except ValueError as exc:
        raise _fail("bad-period", str(exc), "write 2026-Q2, 2026-H1 or 2026") from None
    period = scheme.calendar.canonical(period.start, period.end)
    straddling = ledger.straddling(period, scheme.name)
    if straddling:
        raise _fail(
            "rollup-straddles",
            f"recorded period(s) {', '.join(straddling)} lie partly inside {period.label} "
            f"({period.start}..{period.end})",
            "roll up a period whose bounds follow the scheme's calendar",
        )
    inside = ledger.inside(period, scheme.name)
    recorded = {label for label, _ in inside}
    missing = [p.label for p in scheme.calendar.inside(scheme.period, period) if p.label not in recorded]
    if inside and missing and not partial:
        raise _fail(
            "rollup-incomplete",
            f"{period.label} ({period.start}..{period.end}) holds {', '.join(missing)}, never recorded",
            "record the missing period(s) first, or pass --partial to roll up what is recorded",
        )
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
        **({"missing": missing} if missing else {}),
        "results": out,
    }

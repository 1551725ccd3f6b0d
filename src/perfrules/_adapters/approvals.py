"""
Approvals (W2): an adjustment above its ``approval_over`` is held, not paid, until an approval is recorded.

Holding is exact because it is scoring: the held adjustment is scored as
not applying (a gate on an input the hold adds, ``hold_<adjustment>``, 1 for
each employee whose amount waits), so every cap, floor, rounding, grade,
ranking and team rule sees the number that is paid, in either engine.  The
amount held, its threshold and a flag (``approval_held``) go with the result.

An approval names the period, employee and adjustment, who gave it, when and
why, and the amount it approves; it is recorded in the ledger.  Scoring the
period again (``--revise``) then pays the amount as a new revision: a
published number never changes in place, and the revision's delta is the
money released.  An approval of another amount than the one held does not
release it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from .._compile import Plan, compile_scheme
from .._evaluate import FlagHit, Hold, Result, Results, as_records, holding_scheme, over_of, score
from .ledger import Ledger
from .records import fail

__all__ = ["Approved", "approvals_of", "approve", "marked", "score_held"]

#: (employee, adjustment) → the amount approved, and who approved it when.
Approved = Mapping[tuple[str, str], Mapping[str, Any]]


def _same(approved: object, amount: Any) -> bool:
    # The amount approved is the amount held, compared as numbers: "300" approves 300.00 (money is written
    # with its places); text that is no number approves nothing.
    try:
        return approved is not None and Decimal(str(approved)) == Decimal(str(amount))
    except ArithmeticError:  # decimal.InvalidOperation
        return False


def _over(result: Result) -> dict[str, tuple[Decimal, Decimal]]:
    # The adjustments of one result that need approval: name → (the amount, the threshold).
    return over_of(result.layout, result.row)


def score_held(
    plan: Plan, rows: Iterable[Mapping[str, Any]], approved: Approved, **options: Any
) -> tuple[Plan, Results]:
    """
    Score ``rows`` as :func:`~perfrules.score` does, holding every amount over its threshold that is not approved.

    Returns the plan the results were scored with (``plan`` itself when
    nothing is held; explain the results with it) and the results, whose
    digest stays ``plan``'s.  ``approved`` maps ``(employee, adjustment)``
    to a recorded approval (``amount``, ``by``, ``at``, ``note``).
    """
    rows = list(as_records(rows))  # a DataFrame or an Arrow table too, as score() takes them
    id_column = options.get("id_column", "employee_id")
    used, results = plan, score(plan, rows, **options)
    asked: dict[str, dict[str, tuple[Decimal, Decimal]]] = {}
    pending: set[tuple[str, str]] = set()
    # Holding one adjustment can bring another to life (a gate that reads it): hold until nothing new asks.
    for _ in range(len(plan.scheme.adjustments()) + 1):
        for r in results:
            for name, found in _over(r).items():
                asked.setdefault(r.employee, {}).setdefault(name, found)
        new = {
            (emp, name)
            for emp, over in asked.items()
            for name, (amount, _) in over.items()
            if not _same(approved.get((emp, name), {}).get("amount"), amount) and (emp, name) not in pending
        }
        if not new:
            break
        pending |= new
        variant, holds = holding_scheme(plan.scheme, sorted({name for _, name in pending}))
        used = compile_scheme(variant)
        gated = [
            {
                **row,
                **{h: "1" if (str(row.get(id_column, "")).strip(), n) in pending else "0" for n, h in holds.items()},
            }
            for row in rows
        ]
        results = score(used, gated, **options)
    out = [marked(r, asked.get(r.employee, {}), pending, approved) for r in results]
    return used, attrs.evolve(results, digest=plan.digest, results=tuple(out))


def marked(
    result: Result,
    over: Mapping[str, tuple[Decimal, Decimal]],
    pending: Collection[tuple[str, str]],
    approved: Approved,
) -> Result:
    """
    Return ``result`` flagged with what it holds (``approval_held``) or what was approved, as ``score_held`` gives it.

    ``over`` maps each adjustment of the employee over its threshold to (the
    amount, the threshold); those ``(employee, adjustment)`` in ``pending`` are
    held, the others approved in ``approved``.
    """
    flags = [f for f in result.flags if f.name != "approval_required"]
    held = []
    for name, (amount, limit) in sorted(over.items()):
        if (result.employee, name) in pending:
            held.append(Hold(name, amount, limit))
            flags.append(FlagHit("approval_held", f"{name}: {amount} is over {limit}; held until approved"))
        else:
            a = approved[(result.employee, name)]
            flags.append(FlagHit("approved", f"{name}: {amount} approved by {a['by']} on {a['at']}: {a['note']}"))
    changed = over or len(flags) != len(result.flags)
    return result.with_held(tuple(flags), tuple(held)) if changed else result


def approvals_of(ledger: Ledger, scheme: str, period: str) -> dict[tuple[str, str], dict[str, Any]]:
    """
    Return the approvals recorded for ``period`` of ``scheme``, the latest for each employee and adjustment.
    """
    return {(a["employee"], a["adjustment"]): a for a in ledger.events(scheme, "approval", period)}


def approve(
    ledger: Ledger, scheme: str, period: str, employee: str, adjustment: str, *, by: str, at: str, note: str
) -> dict[str, Any]:
    """
    Record an approval of the amount held for ``employee``'s ``adjustment`` in the latest revision of ``period``.

    Raises :class:`LedgerError` ``approval-nothing-held`` when that revision
    holds nothing there (a typo, or already released).  Returns the approval.
    """
    if not (by.strip() and note.strip() and at.strip()):
        raise fail("approval-incomplete", "an approval needs who gave it, when, and a note", ledger.path)
    stored = ledger.load(period, scheme=scheme).get(employee)
    held = (stored or {}).get("held", {})
    if adjustment not in held:
        what = ", ".join(f"{k} {v}" for k, v in held.items()) or "nothing"
        raise fail(
            "approval-nothing-held",
            f"period {period} of {scheme!r} holds no {adjustment} for employee {employee} (it holds {what})",
            ledger.path,
            "name the employee and adjustment as the publication listed them",
        )
    data = {"adjustment": adjustment, "amount": held[adjustment], "by": by.strip(), "at": at, "note": note.strip()}
    ledger.record_events(scheme, period, "approval", [(employee, data)])
    return data

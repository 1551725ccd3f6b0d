"""
True-up and clawback: paying, in a later period, what revisions changed in periods already paid.

Every revision records per employee what it changed in each payout (a
``delta`` event, from the revision before it: that one was paid, in its own
period or by an earlier true-up).  A later period pays the deltas not yet
paid through an input the scheme declares, ``trueup_<payout>``, read by an
adjustment the scheme writes (a signed money bonus into that payout), so the
scheme says how a true-up is paid (capped, spread, into which payout) and the
explanation shows it like any other amount.  Recording that period records
which deltas it paid, in the same transaction, so none is paid twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from .._compile import Plan
from .._errors import InputError, Issue
from .ledger import Ledger

__all__ = ["TRUEUP", "with_trueup"]

#: The input a scheme declares to be paid a payout's true-up: ``trueup_<payout>``.
TRUEUP = "trueup_{payout}"


def _unpaid_whole(plan: Plan, payout: str, column: str) -> str | None:
    # A true-up is paid 1:1 or not at all: a cap, a gate or a payout limit could cut it, and the cut would be lost.
    s = plan.scheme
    paying = [a for a in s.adjustments() if a.count == column]
    if len(paying) != 1:
        return f"{len(paying)} adjustments read it (one signed money bonus must)"
    adj = paying[0]
    whole = (adj.unit, adj.amount, adj.payout, adj.cap, adj.when, adj.share) == (
        "money",
        Decimal(1),
        payout,
        None,
        None,
        None,
    )
    if adj not in s.bonuses or not getattr(adj, "signed", False) or not whole:
        return f"{adj.name} is not a signed money bonus of amount 1 into {payout} without cap, when or share"
    target = next(p for p in s.payouts if p.name == payout)
    if (target.cap, target.floor, target.when) != (None, None, None):
        return f"payout {payout} has a cap, floor or when that could cut it"
    return None


def with_trueup(
    ledger: Ledger | None, plan: Plan, rows: Sequence[Mapping[str, Any]], period: str, id_column: str = "employee_id"
) -> tuple[list[dict[str, Any]], tuple[int, ...]]:
    """
    Return ``rows`` with each ``trueup_<payout>`` column holding the deltas still to pay, and the deltas' numbers.

    Refuses (``InputError``) rather than drop a delta: ``trueup-undeclared``
    when the scheme has no input for a payout that has deltas to pay, and
    ``trueup-unpaid`` for an employee owed (or owing) a delta who is not in
    the population.  A row that already has the column is refused too
    (``trueup-column``): the ledger is the only source of a true-up.
    """
    owed: dict[str, dict[str, Decimal]] = {}
    found = ledger.outstanding(plan.scheme.name, period) if ledger is not None else []
    for d in found:
        for payout, amount in d["payouts"].items():
            mine = owed.setdefault(d["employee"], {})
            mine[payout] = mine.get(payout, Decimal(0)) + Decimal(amount)
    inputs = {i.metric.name for i in plan.inputs}
    columns = {p.name: TRUEUP.format(payout=p.name) for p in plan.scheme.payouts}
    issues = []
    needed = sorted({p for per in owed.values() for p in per})
    for payout in needed:
        column = columns.get(payout, TRUEUP.format(payout=payout))
        if column not in inputs:
            issues.append(
                Issue(
                    "trueup-undeclared",
                    f"revisions changed {payout} by amounts still to pay, and the scheme has no input {column!r}",
                    hint=f"declare metric {column} and a signed money bonus into {payout} that pays it",
                )
            )
        elif (problem := _unpaid_whole(plan, payout, column)) is not None:
            issues.append(
                Issue(
                    "trueup-undeclared",
                    f"{column} would not be paid whole: {problem}",
                    hint=f"pay it with {{unit: money, count: {column}, amount: 1, signed: true, payout: {payout}}}, "
                    "into a payout without cap, floor or when",
                )
            )
    ids = {str(r.get(id_column, "")).strip() for r in rows}
    gone = sorted(set(owed) - ids)
    if gone:
        issues.append(
            Issue(
                "trueup-unpaid",
                f"{len(gone)} employee(s) with a true-up to pay are not in the population: {', '.join(gone[:10])}",
                hint="include them (with zero inputs) so the amount is paid or clawed back, never dropped",
            )
        )
    clash = sorted({c for c in columns.values() if c in inputs and any(c in r for r in rows)})
    if clash:
        issues.append(
            Issue(
                "trueup-column",
                f"the data has a column {clash[0]!r}: a true-up comes from the ledger with --trueup",
                hint="remove the column from the data",
            )
        )
    if issues:
        raise InputError(issues, f"{len(issues)} problem(s) with the true-up; nothing was scored")
    out = []
    for row in rows:
        mine = owed.get(str(row.get(id_column, "")).strip(), {})
        extra = {c: str(mine.get(p, Decimal(0))) for p, c in columns.items() if c in inputs}
        out.append({**row, **extra})
    return out, tuple(d["seq"] for d in found)

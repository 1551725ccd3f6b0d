"""
The text columns a scheme names (reasons, team, population columns): checked, then kept with each result.

A discretionary bonus (B7) must say why: a non-zero amount with an empty
``reason`` cell refuses the whole population, naming each row.  The text is
then kept on the result, so the reason reaches the results file, the
explanation and the ledger, and a changed team or hire date is part of the
record like any other input.
"""

from __future__ import annotations

from .._compile import Plan
from .._errors import InputError, Issue
from .inputs import Row
from .results import Result

__all__ = ["kept_texts"]


def kept_texts(plan: Plan, results: list[Result], rows: list[Row]) -> list[Result]:
    """
    Check that every discretionary amount has its reason; return the results with their rows' text columns.
    """
    issues = []
    for b in plan.scheme.bonuses:
        if b.reason is None:
            continue
        at = plan.index[b.name]
        for res, row in zip(results, rows, strict=True):
            amount = res.row[at]
            if amount != 0 and not row.text.get(b.reason, "").strip():
                issues.append(
                    Issue(
                        "reason-required",
                        f"{b.name} of {amount} needs a reason in column {b.reason!r}",
                        (f"row {row.number}", b.reason),
                        hint="a discretionary adjustment must say why",
                    )
                )
    if issues:
        raise InputError(issues, f"{len(issues)} adjustment(s) without a reason; nothing was scored")
    if not any(row.text for row in rows):
        return results
    return [res.with_texts(row.text) if row.text else res for res, row in zip(results, rows, strict=True)]

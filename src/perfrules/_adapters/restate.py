"""
Restating: scoring again, in calendar order, the later periods that read a period just recorded or revised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .._compile import Plan
from .._errors import InputError, Issue
from .approvals import approvals_of, score_held
from .ledger import Ledger, Publication
from .trueup import with_trueup

__all__ = ["restate"]


def restate(
    ledger: Ledger,
    plan: Plan,
    stale: Iterable[str],
    rows_of: Callable[[str], Iterable[Mapping[str, Any]]],
    *,
    id_column: str = "employee_id",
) -> list[Publication]:
    """
    Score each stale period again from ``rows_of(label)`` and record it as a new revision, earliest first.

    Restating a period may make later ones stale in turn; they are restated
    too, until none is left.  Returns what each recording did, in order.  If
    a period's rows cannot be read or scored, the periods restated so far stay
    recorded and the :class:`InputError` also names those still stale.
    """
    calendar = plan.scheme.calendar
    todo = {label: calendar.resolve(label) for label in stale}
    done: list[Publication] = []
    while todo:
        label = min(todo, key=lambda k: todo[k].start)
        period = todo.pop(label)
        try:
            rows = rows_of(label)
            # Amounts over their threshold stay held unless the ledger records their approval (W2).
            approved = approvals_of(ledger, plan.scheme.name, label)
            options = {"period": period, "id_column": id_column, "source": label, "history": ledger}
            settles: tuple[int, ...] = ()
            if ledger.events(plan.scheme.name, "trueup", label):  # it paid a true-up: the same one again
                rows, settles = with_trueup(ledger, plan, list(rows), label, id_column)
            _, results = score_held(plan, rows, approved, **options)
        except InputError as exc:  # what was restated stays recorded; say what is still stale
            left = ", ".join(sorted([label, *todo], key=lambda k: calendar.resolve(k).start))
            issue = Issue("restate-incomplete", f"still stale, not restated: {left}", hint="fix the data, run again")
            raise InputError([*exc.issues, issue], f"{exc}\n{issue.render()}") from None
        publication = ledger.publish(results, plan.scheme, revise=True, settles=settles)
        done.append(publication)
        todo.update({k: calendar.resolve(k) for k in publication.stale})
    return done

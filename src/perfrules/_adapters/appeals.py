"""
Appeals (W1): recorded against a published period within the window its scheme declares.

The window opens when the revision appealed against was recorded and closes
at the end of the ``within``-th working day after it (``appeals:`` in the
scheme: weekends, holidays and made-up working days are data).  An appeal
outside it is refused with the dates that decided.  An appeal stays open
until the period is recorded again: its outcome is that revision (the event
``appeal-outcome`` names it, and whether the employee's results changed).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .._model import Appeals, Scheme
from .ledger import Ledger
from .records import fail

__all__ = ["appeal", "deadline", "local_day"]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def local_day(rule: Appeals, moment: dt.datetime) -> dt.date:
    """
    Return the date of ``moment`` at the scheme's ``utc_offset`` (a moment without a zone is UTC).
    """
    zone = dt.datetime.strptime(rule.utc_offset, "%z").tzinfo
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(zone).date()


def _working(rule: Appeals, day: dt.date) -> bool:
    text = day.isoformat()
    if rule.days == "calendar" or text in rule.workdays:
        return True
    return _DAYS[day.weekday()] not in rule.weekend and text not in rule.holidays


def deadline(rule: Appeals, published: dt.datetime) -> dt.date:
    """
    Return the last day an appeal is taken: the ``within``-th working day after the day of publication.
    """
    day, left = local_day(rule, published), rule.within
    while left:
        day += dt.timedelta(days=1)
        left -= _working(rule, day)
    return day


def appeal(
    ledger: Ledger,
    scheme: Scheme,
    period: str,
    employee: str,
    *,
    by: str,
    note: str,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """
    Record an appeal by ``employee`` against the latest revision of ``period``; return what was recorded.

    Raises :class:`LedgerError`: ``appeal-not-taken`` (the scheme declares no
    appeals), ``appeal-unknown`` (the period or employee is not recorded),
    ``appeal-incomplete`` (no one named, or no note), ``appeal-out-of-window``
    (before publication or after the window closed, with the dates).
    """
    rule = scheme.appeals
    if rule is None:
        raise fail(
            "appeal-not-taken",
            f"scheme {scheme.name!r} declares no appeals",
            ledger.path,
            "declare the window in the scheme: appeals: {within: 2, holidays: [...]}",
        )
    if not (by.strip() and note.strip()):
        raise fail("appeal-incomplete", "an appeal needs who makes it and a note of what is appealed", ledger.path)
    found = ledger.published_at(scheme.name, period)
    if found is None or employee not in ledger.load(period, scheme=scheme.name):
        what = f"period {period}" if found is None else f"employee {employee} in period {period}"
        raise fail("appeal-unknown", f"{what} of {scheme.name!r} is not recorded in {ledger.path}", ledger.path)
    revision, recorded = found
    published = dt.datetime.fromisoformat(recorded)
    moment = at or dt.datetime.now(dt.timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    last, day = deadline(rule, published), local_day(rule, moment)
    if moment < published or day > last:
        counted = f"{rule.within} {'working ' if rule.days == 'working' else ''}day(s)"
        raise fail(
            "appeal-out-of-window",
            f"period {period} revision {revision} was published on {local_day(rule, published)}; appeals are taken "
            f"within {counted}, until {last}; this one is dated {day}",
            ledger.path,
            "an appeal outside the window is not recorded; a correction is a revision (score --revise)",
        )
    data = {
        "by": by.strip(),
        "at": moment.isoformat(timespec="seconds"),
        "note": note.strip(),
        "revision": revision,
        "deadline": last.isoformat(),
    }
    ledger.record_events(scheme.name, period, "appeal", [(employee, data)])
    return data

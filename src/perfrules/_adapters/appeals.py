"""
Appeals (W1): recorded against a published period within the window its scheme declares.

The window opens when the revision appealed against was recorded and closes
at the end of the ``within``-th working day after it (``appeals:`` in the
scheme: weekends, holidays and made-up working days are data).  An appeal
outside it is refused with the dates that decided.  An appeal stays open
until it is answered (an ``appeal-outcome`` event): by the first revision of
its period that changes the employee's record (``changed: true``), or by a
person who decided that nothing changes (``ledger answer``: who, when, why).
A revision that changes only other employees leaves it open.

An appeal is against the revision in force when it was made: the latest one
published at or before its time.  It is taken if it is dated within that
revision's window, even when a later revision has been published since (a
paper form recorded late); a later revision published before it was recorded
did not answer it, so it stays open.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .._model import Appeals, Scheme
from .ledger import Ledger
from .records import fail

__all__ = ["answer_appeal", "appeal", "appeals_of", "deadline", "local_day"]

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


def _aware(moment: dt.datetime | None) -> dt.datetime:
    moment = moment or dt.datetime.now(dt.timezone.utc)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


def _in_force(
    ledger: Ledger, rule: Appeals, period: str, revisions: list[tuple[int, str]], moment: dt.datetime
) -> tuple[int, dt.date]:
    # The revision an appeal made at ``moment`` is against, and its window's last day; refused with the dates
    # that decide when there is none, or when the appeal is after its window.
    published = [(rev, dt.datetime.fromisoformat(when)) for rev, when in revisions]
    day, (latest, latest_at) = local_day(rule, moment), published[-1]
    counted = f"{rule.within} {'working ' if rule.days == 'working' else ''}day(s)"
    before = [(rev, at) for rev, at in published if at <= moment]
    if not before:
        zone = dt.datetime.strptime(rule.utc_offset, "%z").tzinfo
        made, first = (m.astimezone(zone).isoformat(timespec="minutes") for m in (moment, published[0][1]))
        raise fail(
            "appeal-out-of-window",
            f"this appeal is dated {made}, before period {period} was published (revision 1, {first}); "
            "an appeal is against a published revision",
            ledger.path,
            f"give the time the appeal was made (--at); revision {latest} takes appeals until "
            f"{deadline(rule, latest_at)}",
        )
    revision, at = before[-1]
    last = deadline(rule, at)
    if day <= last:
        return revision, last
    if revision == latest:
        raise fail(
            "appeal-out-of-window",
            f"period {period} revision {revision} was published on {local_day(rule, at)}; appeals are taken "
            f"within {counted}, until {last}; this one is dated {day}",
            ledger.path,
            "an appeal outside the window is not recorded; a correction is a revision (score --revise)",
        )
    later, later_at = next((rev, when) for rev, when in published if rev > revision)
    raise fail(
        "appeal-out-of-window",
        f"this appeal is dated {day}: after the window of period {period} revision {revision} (published on "
        f"{local_day(rule, at)}, appeals until {last}) and before revision {later} was published "
        f"({local_day(rule, later_at)}); no revision took appeals that day",
        ledger.path,
        f"appeal against revision {latest} within its window, until {deadline(rule, latest_at)}; "
        "a correction is a revision (score --revise)",
    )


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
    Record an appeal by ``employee`` against the revision of ``period`` in force at ``at``; return what was recorded.

    The revision in force is the latest one published at or before ``at``
    (default now); the appeal is taken if ``at`` falls within that
    revision's window, even when a later revision was published since.

    Raises :class:`LedgerError`: ``appeal-not-taken`` (the scheme declares no
    appeals), ``appeal-unknown`` (the period, or the employee in the revision
    appealed, is not recorded), ``appeal-incomplete`` (no one named, or no
    note), ``appeal-out-of-window`` (before the period was published, or
    after the window of the revision then in force, with the revisions and
    dates that decided).
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
    moment = _aware(at)

    def recorded() -> list[tuple[str, dict[str, Any]]]:
        # Run with the write lock held: the revision in force cannot change before the appeal is recorded.
        revisions = ledger.published_times(scheme.name, period)
        if not revisions:
            raise fail(
                "appeal-unknown", f"period {period} of {scheme.name!r} is not recorded in {ledger.path}", ledger.path
            )
        revision, last = _in_force(ledger, rule, period, revisions, moment)
        if employee not in ledger.load(period, revision=revision, scheme=scheme.name):
            raise fail(
                "appeal-unknown",
                f"employee {employee} is not recorded in period {period} revision {revision} of {scheme.name!r}",
                ledger.path,
            )
        data.update(revision=revision, deadline=last.isoformat())
        return [(employee, data)]

    data: dict[str, Any] = {"by": by.strip(), "at": moment.isoformat(timespec="seconds"), "note": note.strip()}
    ledger.record_events(scheme.name, period, "appeal", recorded)
    return data


def appeals_of(
    ledger: Ledger, scheme: str, period: str | None = None, *, open_only: bool = False
) -> list[dict[str, Any]]:
    """
    Return the appeals ``scheme`` recorded (of ``period`` only, if given), oldest first, each with its outcome.

    Each is a dict: ``appeal`` (its number in the ledger), ``period``,
    ``employee``, ``revision`` (the one appealed against), ``at``,
    ``deadline``, ``by``, ``note``, ``recorded_at``, ``status`` (``open`` or
    ``answered``) and ``outcome``: None while open, else ``revision`` (the
    revision in force after it), ``changed``, and, when a person answered it,
    ``by``, ``at`` and ``note``.  ``open_only`` keeps the open ones.
    """
    outcomes = {o["appeal"]: o for o in ledger.events(scheme, "appeal-outcome", period)}
    out = []
    for a in ledger.events(scheme, "appeal", period):
        found = outcomes.get(a["seq"])
        if open_only and found is not None:
            continue
        keys = ("revision", "changed", "by", "at", "note")
        outcome = None if found is None else {k: found[k] for k in keys if k in found}
        out.append(
            {
                "appeal": a["seq"],
                "period": a["period"],
                "employee": a["employee"],
                **{k: a[k] for k in ("revision", "at", "deadline", "by", "note", "recorded_at")},
                "status": "open" if found is None else "answered",
                "outcome": outcome,
            }
        )
    return out


def answer_appeal(
    ledger: Ledger,
    scheme: str,
    period: str,
    employee: str,
    *,
    by: str,
    note: str,
    at: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """
    Answer the open appeals of ``employee`` in ``period`` without a revision: nothing changes; return what was recorded.

    Each gets an ``appeal-outcome`` with ``changed: false``, who decided,
    when (``at``, default now) and why, and the revision that stays in force.
    Raises :class:`LedgerError`: ``appeal-not-open`` (no open appeal of the
    employee in the period), ``appeal-incomplete`` (no one named, or no
    note), ``appeal-answer-time`` (dated in the future or before an appeal
    it answers).
    """
    if not (by.strip() and note.strip()):
        raise fail("appeal-incomplete", "an answer needs who decided and a note of why", ledger.path)
    moment = _aware(at)
    text = moment.isoformat(timespec="seconds")

    def outcomes() -> list[tuple[str, dict[str, Any]]]:
        # Run with the write lock held: an appeal a revision answers meanwhile is not answered twice.
        waiting = [a for a in appeals_of(ledger, scheme, period, open_only=True) if a["employee"] == employee]
        if not waiting:
            raise fail(
                "appeal-not-open",
                f"employee {employee} has no open appeal in period {period} of {scheme!r}",
                ledger.path,
                f"list the appeals: perfrules ledger appeals {ledger.path} SCHEME --period {period}",
            )
        made = max(dt.datetime.fromisoformat(a["at"]) for a in waiting)
        if moment > dt.datetime.now(dt.timezone.utc) or moment < made:
            why = "in the future" if moment >= made else f"before the appeal it answers ({made.isoformat()})"
            raise fail(
                "appeal-answer-time", f"the answer is dated {text}, {why}", ledger.path, "give the time it was decided"
            )
        found = ledger.published_at(scheme, period)
        assert found is not None  # an appeal was recorded against the period
        told = {"revision": found[0], "changed": False, "by": by.strip(), "at": text, "note": note.strip()}
        recorded[:] = [(employee, {"appeal": a["appeal"], **told}) for a in waiting]
        return recorded

    recorded: list[tuple[str, dict[str, Any]]] = []
    ledger.record_events(scheme, period, "appeal-outcome", outcomes)
    return [d for _, d in recorded]

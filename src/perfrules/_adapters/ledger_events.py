"""
Process records in the results ledger: approvals, appeals, revision deltas and true-ups paid.

(Revisions themselves are inserted here too, chained as the events are; the
ledger class decides what is recorded.)

They are events: rows of one table, each chained by hash to whatever was
recorded before it (a revision or another event), so ``ledger verify`` finds
an edited, removed or reordered event as it finds an edited result.  An event
is never changed: an approval, an appeal, a delta and its settlement are each
recorded once.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

from .._errors import Issue, LedgerError
from .._evaluate import Results
from .._load import dump_json
from .._model import Scheme
from .records import EVENT_SELECT, event_hash, fail, revision_hash, row_hash

__all__ = ["LedgerEvents", "deltas_of", "now", "published_time", "stored_entries", "unheld"]


def now() -> str:
    """
    Return the time of recording: UTC, to the second, ISO 8601.
    """
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def published_time(at: dt.datetime | None, before: tuple[str, int, str] | None, path: str) -> str:
    """
    Return the time a revision is recorded as published: ``at`` (without a zone, UTC) or now, in UTC.

    ``before`` is the period's latest revision, ``(label, revision, recorded
    at)``.  A revision published in the future, or before the revision it
    revises, is refused (``publish-time``): appeal windows count from it.
    """
    if at is None:
        return now()
    moment = (at if at.tzinfo is not None else at.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)
    text = moment.isoformat(timespec="seconds")
    if moment > dt.datetime.now(dt.timezone.utc):
        raise fail("publish-time", f"{text} is in the future", path, "give the time the results were published")
    if before is not None and moment < dt.datetime.fromisoformat(before[2]):
        label, revision, when = before
        raise fail(
            "publish-time",
            f"{text} is before revision {revision} of {label} was published ({when})",
            path,
            "a revision is published after the one it revises: give a later time, or leave --at out for now",
        )
    return text


def stored_entries(results: Results) -> dict[str, dict[str, Any]]:
    """
    Return what the ledger stores of each result: its data, with the row's text columns among its inputs.

    The team, hire date, relations and reasons are inputs like any other: a
    corrected one is a change of the record even when no number shows it.
    """
    out = {}
    for result, entry in zip(results, results.to_dict()["results"], strict=True):
        if result.texts:
            entry["inputs"] = {**{k: v for k, v in result.texts.items() if k not in entry["inputs"]}, **entry["inputs"]}
        out[result.employee] = entry
    return out


def _number(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except ArithmeticError:
        return Decimal(0)


def deltas_of(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """
    Return, by employee, what each payout changed from ``old`` to ``new`` (only the non-zero ones).

    An employee only in one of them counts as 0 in the other: a person added
    by a revision is owed the whole amount, one removed owes it back.
    """
    out = {}
    for emp in sorted(set(old) | set(new)):
        was, now_ = old.get(emp, {}), new.get(emp, {})
        a, b = was.get("payouts", {}), now_.get("payouts", {})
        # A change in what a true-up pays (the trueup_<payout> input) is paying other deltas, not a new one.
        paid = {
            k: _number(now_.get("inputs", {}).get(f"trueup_{k}")) - _number(was.get("inputs", {}).get(f"trueup_{k}"))
            for k in set(a) | set(b)
        }
        changed = {k: str(Decimal(b.get(k, "0")) - Decimal(a.get(k, "0")) - paid[k]) for k in sorted(set(a) | set(b))}
        changed = {k: v for k, v in changed.items() if Decimal(v) != 0}
        if changed:
            out[emp] = changed
    return out


def unheld(entries: Mapping[str, Mapping[str, Any]], path: str) -> LedgerError | None:
    """
    Return the error for results that would pay an amount needing approval without holding it, or None.
    """
    flagged = sorted(e for e, entry in entries.items() if any(f["name"] == "approval_required" for f in entry["flags"]))
    if not flagged:
        return None
    return fail(
        "approval-not-held",
        f"{len(flagged)} result(s) pay an amount that needs approval without holding it: {', '.join(flagged[:10])}",
        path,
        "score with the ledger's approvals (perfrules score --ledger does it; in Python score_held())",
    )


class LedgerEvents:
    """
    What :class:`~perfrules.Ledger` knows of events; the ledger class itself holds the file.
    """

    path: str
    _db: sqlite3.Connection
    _events: bool
    _rows: Callable[..., list[tuple[Any, ...]]]
    _transaction: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _prepare: Callable[[sqlite3.Connection], None]
    _check_format: Callable[[], bool]
    _fresh: bool
    _error: Callable[[sqlite3.Error], LedgerError]

    def _head(self, db: sqlite3.Connection) -> str:
        # The hash of the last thing recorded: the newest revision, or an event recorded after it.
        row = db.execute("SELECT seq, hash FROM periods ORDER BY seq DESC LIMIT 1").fetchone()
        seq, head = (row[0], row[1]) if row else (0, "")
        if self._events:
            event = db.execute("SELECT hash FROM events WHERE after = ? ORDER BY seq DESC LIMIT 1", (seq,)).fetchone()
            head = event[0] if event else head
        return str(head)

    def _event(
        self,
        db: sqlite3.Connection,
        scheme: str,
        label: str,
        kind: str,
        employee: str,
        data: dict[str, Any],
        *,
        after: int | None = None,
    ) -> int:
        before = self._head(db)
        if after is None:
            row = db.execute("SELECT MAX(seq) FROM periods").fetchone()
            after = int(row[0] or 0)
        fields = (after, scheme, label, kind, employee, json.dumps(data, ensure_ascii=False, sort_keys=True), now())
        seq = db.execute(
            "INSERT INTO events (after, scheme, label, kind, employee, data, recorded_at, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (*fields, event_hash(before, fields)),
        ).lastrowid
        return int(seq or 0)

    def record_events(
        self,
        scheme: str,
        label: str,
        kind: str,
        items: list[tuple[str, dict[str, Any]]] | Callable[[], list[tuple[str, dict[str, Any]]]],
    ) -> list[int]:
        """
        Record events of one ``kind`` for ``(employee, data)`` pairs in one transaction; return their numbers.

        ``items`` may be a function returning the pairs: it runs inside the
        transaction, with the write lock held, so what it checks cannot change
        before they are recorded (an error it raises records nothing).
        """
        try:
            with self._transaction() as db:
                self._prepare(db)
                pairs = items() if callable(items) else items
                return [self._event(db, scheme, label, kind, emp, data) for emp, data in pairs]
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        finally:
            self._fresh = self._check_format()  # a refused first write leaves the file as it was

    def events(self, scheme: str, kind: str, label: str | None = None) -> list[dict[str, Any]]:
        """
        Return the events of ``kind`` that ``scheme`` recorded (for ``label`` only, if given), oldest first.

        Each is checked against the chain: an edited event raises ``ledger-tampered``.
        """
        if not self._events:
            return []
        out = []
        for seq, after, name, period, what, emp, text, at, _ in self._checked():
            if name == scheme and what == kind and label in (None, period):
                data = json.loads(text)
                out.append({"seq": seq, "after": after, "period": period, "employee": emp, "recorded_at": at, **data})
        return out

    def _checked(self) -> Iterator[tuple[Any, ...]]:
        # Every event in chain order, each checked against the hash of what was recorded before it.
        heads = {r[0]: r[1] for r in self._rows("SELECT seq, hash FROM periods")}
        before, last = "", None
        for event in self._rows(EVENT_SELECT + " ORDER BY after, seq"):
            if event[1] != last:
                before, last = heads.get(event[1], ""), event[1]
            try:
                json.loads(event[6])
                good = event_hash(before, tuple(event[1:-1])) == event[-1]
            except (TypeError, ValueError):
                good = False
            if not good:
                raise fail(
                    "ledger-tampered",
                    f"{self.path}: {event[4]} {event[0]} for period {event[3]}, employee {event[5]} "
                    "was edited after it was recorded",
                    self.path,
                    "restore the file from a backup; perfrules ledger verify lists every edit",
                )
            before = event[-1]
            yield event

    def outstanding(self, scheme: str, into: str) -> list[dict[str, Any]]:
        """
        Return the revision deltas of ``scheme`` that ``into`` pays: those not yet paid by any period.

        A delta is paid (settled) when a period that carries it as a true-up is
        recorded; recording that period again (a revision, a restatement)
        carries exactly the same ones, and deltas recorded since wait for a
        later period.
        """
        paid: dict[int, str] = {}
        for t in self.events(scheme, "trueup"):
            paid.update(dict.fromkeys(t["deltas"], t["period"]))
        deltas = self.events(scheme, "delta")
        if into in paid.values():  # recording it again pays exactly what it paid; newer deltas wait for a later one
            return [d for d in deltas if paid.get(d["seq"]) == into]
        return [d for d in deltas if d["seq"] not in paid and d["period"] != into]

    def _keeps_trueup(self, scheme: str, label: str, settles: tuple[int, ...]) -> None:
        # A revision of a period that paid a true-up must pay the same one again: the ledger counts those
        # deltas as paid by this period, so a revision without them would drop the money in silence.
        paid = sorted({seq for t in self.events(scheme, "trueup") if t["period"] == label for seq in t["deltas"]})
        if paid and sorted(set(settles)) != paid:
            raise LedgerError(
                [
                    Issue(
                        "trueup-dropped",
                        f"period {label} paid a true-up of {len(paid)} revision delta(s); this revision does not",
                        source=self.path,
                        hint="score the period again with --trueup (in Python: with_trueup), so it pays them again",
                    )
                ],
                f"period {label} would drop the true-up it paid; nothing was recorded",
            )

    def published_at(self, scheme: str, period: str) -> tuple[int, str] | None:
        """
        Return the latest revision of ``period`` and when it was recorded, or None.
        """
        rows = self._rows(
            "SELECT revision, recorded_at FROM periods WHERE scheme = ? AND label = ? ORDER BY revision DESC LIMIT 1",
            (scheme, period),
        )
        return (int(rows[0][0]), str(rows[0][1])) if rows else None

    def published_times(self, scheme: str, period: str) -> list[tuple[int, str]]:
        """
        Return every revision of ``period`` and when it was recorded as published, oldest first.
        """
        rows = self._rows(
            "SELECT revision, recorded_at FROM periods WHERE scheme = ? AND label = ? ORDER BY revision",
            (scheme, period),
        )
        return [(int(r[0]), str(r[1])) for r in rows]

    def _answer_appeals(
        self, db: sqlite3.Connection, scheme: str, label: str, revision: int, changed: set[str], after: int
    ) -> None:
        # An open appeal is answered by a revision that changes its employee's record (``changed``: the
        # employees with any change, inputs included). A revision that changes only others has not looked at
        # it: the appeal stays open for a later revision or a person's answer (``ledger answer``).
        answered = {o["appeal"] for o in self.events(scheme, "appeal-outcome", label)}
        for a in self.events(scheme, "appeal", label):
            if a["seq"] not in answered and a["employee"] in changed:
                data = {"appeal": a["seq"], "revision": revision, "changed": True}
                self._event(db, scheme, label, "appeal-outcome", a["employee"], data, after=after)

    def _insert(
        self,
        db: sqlite3.Connection,
        scheme: Scheme,
        results: Results,
        revision: int,
        entries: dict[str, dict[str, Any]],
        looked: dict[str, Any],
        now: str,
    ) -> int:
        # A revision and its rows, chained after whatever was recorded last; ``now`` is when it is published.
        assert results.period is not None
        p = results.period
        db.execute(
            "INSERT OR IGNORE INTO schemes VALUES (?, ?, ?, ?)",
            (results.digest, scheme.name, scheme.version, dump_json(scheme)),
        )
        before = self._head(db)
        texts = [(emp, json.dumps(e, ensure_ascii=False, sort_keys=True)) for emp, e in sorted(entries.items())]
        hashes = [row_hash(scheme.name, p.label, revision, emp, text) for emp, text in texts]
        fields = (
            scheme.name,
            p.label,
            revision,
            results.digest,
            now,
            len(texts),
            p.start.isoformat(),
            p.end.isoformat(),
            p.kind,
            json.dumps(looked, sort_keys=True),
        )
        chained = revision_hash(before, fields, hashes)
        seq = db.execute(
            "INSERT INTO periods (scheme, label, revision, scheme_digest, recorded_at, employees, start, end, kind, "
            "history, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*fields, chained),
        ).lastrowid
        db.executemany(
            "INSERT INTO results VALUES (?, ?, ?, ?)",
            [(seq, emp, text, h) for (emp, text), h in zip(texts, hashes, strict=True)],
        )
        return int(seq or 0)

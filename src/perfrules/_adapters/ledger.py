"""
The results ledger: an embedded SQLite file recording each scored period.

Each period is recorded under its scheme's name (the scheme's lineage) with
the exact scheme that produced it (content hash, version and text), its dates
and the earlier periods its history rules read, so any published number can be
reproduced.  A published period is immutable: scoring it again with different
results (inputs included) is refused unless a new revision is asked for, and
then the differences are reported per employee.  Within one scheme, periods do
not overlap: the same dates cannot be published again under another label.
Every write is one transaction that takes the write lock before it reads what
it compares against.  Reading never writes, and a read-only file can be read.
Every row read is checked (see :mod:`.records`).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from .._errors import Issue, LedgerError
from .._evaluate import Results
from .._model import Period, Scheme
from .ledger_events import LedgerEvents, deltas_of, published_time, stored_entries, unheld
from .records import (
    EVENTS,
    FORMAT,
    READS,
    SCHEMA,
    SELECT,
    Change,
    Publication,
    check_entry,
    diff,
    fail,
    hold_inputs,
    moved_start,
    reads_period,
    row_hash,
    sqlite_error,
    verify_chain,
)

__all__ = ["Change", "Ledger", "Publication"]


class Ledger(LedgerEvents):
    """
    A results ledger in one SQLite file; use it as a context manager, or call :meth:`close`.

    With ``readonly`` the file is opened read-only (it must exist); otherwise
    it is created on the first write.  Opening and reading never write.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 2.0, readonly: bool = False) -> None:
        self.path = str(path)
        self._events = False
        try:
            if readonly:
                if not os.path.exists(self.path):
                    raise fail("ledger-missing", f"there is no ledger at {self.path}", self.path)
                uri = f"file:{urllib.parse.quote(os.path.abspath(self.path))}?mode=ro"
                self._db = sqlite3.connect(uri, timeout=timeout, isolation_level=None, uri=True)
            else:
                self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._fresh = self._check_format()
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def _check_format(self) -> bool:
        # True for an empty file (a new ledger); refuse anything but a ledger of this format.
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        self._events = "events" in tables
        if not tables:
            return True
        found = None
        if "meta" in tables:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
            found = row[0] if row else None
        if found is None:
            raise fail(
                "ledger-corrupt",
                f"{self.path} is not a perfrules ledger (it has no format record)",
                self.path,
                "name a new ledger file, or restore this one from a backup",
            )
        if found not in READS:
            raise fail(
                "ledger-format",
                f"{self.path} is a ledger of format {found}; this perfrules reads formats {', '.join(READS)}",
                self.path,
                "use the perfrules version that wrote it, or start a new ledger file",
            )
        return False

    def _prepare(self, db: sqlite3.Connection) -> None:
        # Inside a write transaction: create a new ledger, or bring a format-2 one to this format.
        # Format 2 differs only by the events table; its revisions and their chain stay as they were.
        if self._check_format():
            for statement in SCHEMA.split(";"):  # one at a time: executescript would commit half-way
                if statement.strip():
                    db.execute(statement)
            db.execute("INSERT INTO meta VALUES ('format', ?)", (str(FORMAT),))
        if not self._events:
            db.execute(EVENTS)
            db.execute("UPDATE meta SET value = ? WHERE key = 'format'", (str(FORMAT),))
            self._events = True
        self._fresh = False

    def _error(self, exc: sqlite3.Error) -> LedgerError:
        return sqlite_error(exc, self.path)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # BEGIN IMMEDIATE takes the write lock before anything is read, so what a
        # write compares against cannot change under it, and all of it commits or none.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """
        Close the file.
        """
        self._db.close()

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self._fresh:
            return []
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def _scheme_of(self, label: str, scheme: str | None) -> str | None:
        names = sorted({r[0] for r in self._rows("SELECT scheme FROM periods WHERE label = ?", (label,))})
        if scheme is not None or len(names) <= 1:
            return scheme if scheme is not None else (names[0] if names else None)
        raise fail(
            "ledger-ambiguous",
            f"period {label} is recorded by {len(names)} schemes: {', '.join(names)}",
            self.path,
            "name the scheme",
        )

    def revisions(self, period: str, scheme: str | None = None) -> list[int]:
        """
        Return the recorded revisions of ``period`` (of ``scheme``, needed when several schemes share the file).
        """
        name = self._scheme_of(period, scheme)
        rows = self._rows(
            "SELECT revision FROM periods WHERE scheme = ? AND label = ? ORDER BY revision", (name, period)
        )
        return [r[0] for r in rows]

    def load(self, period: str, revision: int | None = None, scheme: str | None = None) -> dict[str, dict[str, Any]]:
        """
        Return the stored results of ``period`` (the latest revision unless one is named), by employee.

        Every row is checked: a damaged or edited row raises :class:`LedgerError`
        (``ledger-corrupt``, ``ledger-tampered``) naming the period and employee.
        """
        name = self._scheme_of(period, scheme)
        rows = self._rows(SELECT + " WHERE scheme = ? AND label = ? ORDER BY revision", (name, period))
        if revision is not None:
            rows = [r for r in rows if r[3] == revision]
        return self._entries(rows[-1]) if rows else {}

    def _entries(self, period_row: tuple[Any, ...]) -> dict[str, dict[str, Any]]:
        seq, scheme, label, revision = period_row[:4]
        out = {}
        for emp, text, stored in self._rows("SELECT employee, data, hash FROM results WHERE seq = ?", (seq,)):
            data, problem = check_entry(text) if isinstance(text, str) else (None, "not text")
            where = f"period {label} revision {revision}, employee {emp}"
            if data is None:
                raise fail(
                    "ledger-corrupt",
                    f"{self.path}: {where}: stored result is damaged: {problem}",
                    self.path,
                    "restore the file from a backup; perfrules ledger verify lists every damaged row",
                )
            if stored != row_hash(scheme, label, revision, emp, text):
                raise fail(
                    "ledger-tampered",
                    f"{self.path}: {where}: stored result was edited after it was recorded",
                    self.path,
                    "restore the file from a backup; perfrules ledger verify lists every edit",
                )
            out[emp] = data
        if len(out) != period_row[6]:
            raise fail(
                "ledger-tampered",
                f"{self.path}: period {label} revision {revision} recorded "
                f"{period_row[6]} employee(s), {len(out)} are left",
                self.path,
                "restore the file from a backup",
            )
        return out

    def _latest(self, scheme: str) -> list[tuple[Any, ...]]:
        # The latest revision of every period of one scheme, in date order.
        return self._rows(
            SELECT + " p WHERE scheme = ? AND revision = "  # noqa: S608 (constant text, values bound)
            "(SELECT MAX(revision) FROM periods q WHERE q.scheme = p.scheme AND q.label = p.label) ORDER BY start",
            (scheme,),
        )

    def recorded(self, scheme: str, period: Period) -> dict[str, dict[str, Any]] | None:
        """
        Return the latest results ``scheme`` recorded for exactly ``period``, or None (a history source).
        """
        for row in self._latest(scheme):
            if (row[7], row[8]) == (period.start.isoformat(), period.end.isoformat()):
                return self._entries(row)
        return None

    def first(self, scheme: str) -> Period | None:
        """
        Return the earliest period recorded for ``scheme``, or None (a history source).
        """
        rows = self._latest(scheme)
        if not rows:
            return None
        _, _, label, _, _, _, _, start, end, kind, _, _ = rows[0]
        return Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end), kind, label)

    def inside(self, period: Period, scheme: str) -> list[tuple[str, dict[str, dict[str, Any]]]]:
        """
        Return the periods ``scheme`` recorded inside ``period`` (latest revisions), in date order.
        """
        lo, hi = period.start.isoformat(), period.end.isoformat()
        return [
            (r[2], self._entries(r)) for r in self._latest(scheme) if lo <= r[7] and r[8] <= hi and r[2] != period.label
        ]

    def straddling(self, period: Period, scheme: str) -> list[str]:
        """
        Return the periods ``scheme`` recorded that overlap ``period`` without lying inside it.
        """
        lo, hi = period.start.isoformat(), period.end.isoformat()
        return [r[2] for r in self._latest(scheme) if r[7] <= hi and lo <= r[8] and not (lo <= r[7] and r[8] <= hi)]

    def publish(
        self,
        results: Results,
        scheme: Scheme,
        *,
        revise: bool = False,
        settles: tuple[int, ...] = (),
        at: dt.datetime | None = None,
    ) -> Publication:
        """
        Record a period's results; refuse to change a published period unless ``revise``.

        Raises :class:`LedgerError`: ``period-published`` with the per-employee
        differences (inputs included) when the period is published, the results
        differ and ``revise`` is false; ``period-overlap`` when the scheme
        recorded other periods sharing days with this one.  A revision lists,
        in :attr:`Publication.stale`, the later periods that read this one, and
        records per employee what it changed in each payout (a ``delta`` event).
        ``settles`` are the deltas these results pay as a true-up.  ``at`` is
        when the revision is published (default now; appeal windows count from
        it): ``publish-time`` when it is in the future or before the revision
        it revises.
        """
        if results.period is None:
            raise fail(
                "ledger-no-period",
                "results without a period cannot be recorded",
                self.path,
                "score with a period, e.g. --period 2026-04",
            )
        period, label = results.period, results.period.label
        new = stored_entries(results)
        refused = unheld(new, self.path)
        if refused is not None:
            raise refused
        held = tuple((e, k, v) for e, entry in new.items() for k, v in entry.get("held", {}).items())
        note = results.history
        looked = {"read": list(note.read), "missing": list(note.missing), "before": note.before} if note else {}
        used = note is not None and note.used
        if note is not None and note.used:  # where history began for these results, and what that cut
            looked.update(begins=note.begins, cut=note.cut)

        def start_of(label: str) -> str:
            return scheme.calendar.resolve(label).start.isoformat()

        try:
            with self._transaction() as db:
                self._prepare(db)
                latest = self._latest(scheme.name)
                self._refuse_overlap(scheme.name, period, latest)
                later = [r for r in latest if r[7] > period.end.isoformat()]
                # A later period scored under another start of history counts other periods: stale too.
                begins = note.begins if note is not None else None
                moved = {r[2] for r in later if used and moved_start(r[10], begins, start_of)}
                same = [r for r in latest if r[2] == label]
                revision, changes = 1, tuple[Change, ...]()
                old: dict[str, dict[str, Any]] = {}
                if same:
                    old = self._entries(same[0])
                    changes = diff(old, new, hold_inputs(scheme))
                    if not changes:
                        kept = tuple(r[2] for r in later if r[2] in moved)
                        return Publication(label, same[0][3], "unchanged", stale=kept, held=held)
                    if not revise:
                        raise self._published(label, same[0][3], changes)
                    self._keeps_trueup(scheme.name, label, settles)
                    revision = same[0][3] + 1
                when = published_time(at, (label, same[0][3], same[0][5]) if same else None, self.path)
                seq = self._insert(db, scheme, results, revision, new, looked, when)
                if same:  # what this revision changes in each payout, per employee: a true-up or clawback to pay
                    for emp, delta in deltas_of(old, new).items():
                        data = {"revision": revision, "from": same[0][3], "payouts": delta}
                        self._event(db, scheme.name, label, "delta", emp, data, after=seq)
                    self._answer_appeals(db, scheme.name, label, revision, {c.employee for c in changes}, seq)
                if settles:  # the true-up these results pay is recorded with them, or not at all
                    self._event(db, scheme.name, label, "trueup", "", {"deltas": list(settles)}, after=seq)
                stale = tuple(r[2] for r in later if r[2] in moved or reads_period(r[10], period))
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        finally:
            self._fresh = self._check_format()  # a failed first write leaves the file empty again
        status: Literal["published", "revised"] = "published" if revision == 1 else "revised"
        return Publication(label, revision, status, changes, stale, held)

    def _published(self, label: str, revision: int, changes: tuple[Change, ...]) -> LedgerError:
        shown = "\n".join(c.render() for c in changes[:20])
        issue = Issue(
            "period-published",
            f"period {label} is published (revision {revision}); re-scoring it changed {len(changes)} value(s)",
            source=self.path,
            hint=f"pass --revise to record revision {revision + 1}",
        )
        return LedgerError([issue], f"period {label} is published; nothing was recorded\n{shown}")

    def _refuse_overlap(self, scheme: str, period: Period, latest: list[tuple[Any, ...]]) -> None:
        # One scheme's periods never share a day: the same dates under two labels would be paid twice.
        lo, hi = period.start.isoformat(), period.end.isoformat()
        for row in latest:
            same_label, same_dates = row[2] == period.label, (row[7], row[8]) == (lo, hi)
            if (same_label and not same_dates) or (not same_label and row[7] <= hi and lo <= row[8]):
                raise fail(
                    "period-overlap",
                    f"{period.label} ({lo}..{hi}) overlaps period {row[2]} ({row[7]}..{row[8]}) that scheme "
                    f"{scheme!r} already recorded; nothing was recorded",
                    self.path,
                    f"score {row[2]} again (with --revise to change it), or record periods that do not overlap",
                )

    def verify(self, kept: str | None = None) -> tuple[list[Issue], int, str]:
        """
        Check every revision and row against the hash chain; return ``(problems, revisions, head hash)``.

        Each problem names the period, revision and, for a row, the employee.
        ``kept`` is a head hash printed by an earlier verify and kept elsewhere:
        it must still be in the chain, which shows that nothing recorded up to
        then was rewritten, even with the hashes recomputed.
        """
        return verify_chain(self._rows, self.path, kept, has_events=self._events)

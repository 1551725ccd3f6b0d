"""
The results ledger: an embedded SQLite file recording each scored period.

Each period is recorded with the scheme that produced it (its content hash and
its text), so any published number can be reproduced.  A published period is
immutable: scoring it again with different results is refused unless a new
revision is asked for, and then the differences from the latest revision are
reported per employee.  Scoring it again with the same results changes
nothing.  Every write is one transaction: a failure leaves the ledger as it
was.  A locked or corrupted file is reported as a :class:`LedgerError`, not a
traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import attrs

from .._errors import Issue, LedgerError
from .._evaluate import Results
from .._load import dump_json
from .._model import Period, Scheme

__all__ = ["Change", "Ledger", "Publication"]

_FORMAT = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS schemes (digest TEXT PRIMARY KEY, name TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS periods (
    label TEXT NOT NULL, revision INTEGER NOT NULL, scheme_digest TEXT NOT NULL REFERENCES schemes(digest),
    recorded_at TEXT NOT NULL, employees INTEGER NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL,
    PRIMARY KEY (label, revision));
CREATE TABLE IF NOT EXISTS results (
    label TEXT NOT NULL, revision INTEGER NOT NULL, employee TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (label, revision, employee), FOREIGN KEY (label, revision) REFERENCES periods(label, revision));
"""


@attrs.frozen
class Change:
    """
    One difference between a published result and a new one: employee, field, old and new value.
    """

    employee: str
    field: str
    old: Any
    new: Any

    def render(self) -> str:
        """
        Return the change as one line: ``E003 score: 27 → 29``.
        """
        return f"{self.employee} {self.field}: {self.old} → {self.new}"


@attrs.frozen
class Publication:
    """
    What recording a period did: ``published`` (first revision), ``unchanged`` or ``revised``.
    """

    period: str
    revision: int
    status: Literal["published", "unchanged", "revised"]
    changes: tuple[Change, ...] = ()


def _flat(entry: dict[str, Any]) -> dict[str, Any]:
    out = {"score": entry["score"], "grade": entry["grade"]}
    for group in ("indicators", "sections", "penalties", "bonuses", "payouts"):
        out.update({f"{group}.{k}": v for k, v in entry[group].items()})
    out["flags"] = ",".join(f["name"] for f in entry["flags"])
    return out


def diff(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> tuple[Change, ...]:
    """
    Return every difference between two sets of stored results, by employee and field.
    """
    changes: list[Change] = []
    for emp in sorted(set(old) | set(new)):
        if emp not in new:
            changes.append(Change(emp, "employee", "present", "absent"))
        elif emp not in old:
            changes.append(Change(emp, "employee", "absent", "present"))
        else:
            a, b = _flat(old[emp]), _flat(new[emp])
            changes += [Change(emp, k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    return tuple(changes)


class Ledger:
    """
    A results ledger in one SQLite file; use it as a context manager, or call :meth:`close`.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 2.0) -> None:
        self.path = str(path)
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self._db.execute("PRAGMA foreign_keys = ON")
            with self._transaction() as db:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (str(_FORMAT),))
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def _error(self, exc: sqlite3.Error) -> LedgerError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            issue = Issue(
                "ledger-locked",
                f"the ledger {self.path} is locked by another process",
                source=self.path,
                hint="wait for the other run to finish, then try again",
            )
        elif "not a database" in text or "malformed" in text or "corrupt" in text:
            issue = Issue(
                "ledger-corrupt",
                f"{self.path} is not a readable perfrules ledger ({text})",
                source=self.path,
                hint="restore the file from a backup, or name a new ledger file",
            )
        else:
            issue = Issue("ledger-failed", f"the ledger {self.path} could not be used: {text}", source=self.path)
        return LedgerError([issue], issue.message)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # BEGIN IMMEDIATE takes the write lock up front, so two runs cannot
        # interleave, and everything inside commits or rolls back as one.
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

    def revisions(self, period: str) -> list[int]:
        """
        Return the recorded revisions of ``period``, oldest first.
        """
        try:
            rows = self._db.execute("SELECT revision FROM periods WHERE label = ? ORDER BY revision", (period,))
            return [r[0] for r in rows]
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def load(self, period: str, revision: int | None = None) -> dict[str, dict[str, Any]]:
        """
        Return the stored results of ``period`` (the latest revision unless one is named), by employee.
        """
        try:
            if revision is None:
                revs = self.revisions(period)
                if not revs:
                    return {}
                revision = revs[-1]
            rows = self._db.execute(
                "SELECT employee, data FROM results WHERE label = ? AND revision = ?", (period, revision)
            )
            return {emp: json.loads(data) for emp, data in rows}
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def previous(self, period: Period, count: int) -> list[dict[str, dict[str, Any]]]:
        """
        Return up to ``count`` periods recorded before ``period`` (latest revisions), most recent first.

        This makes the ledger a history source for ``prior()`` and streaks.
        """
        try:
            rows = self._db.execute(
                "SELECT label, MAX(revision) FROM periods WHERE end < ? GROUP BY label ORDER BY MAX(start) DESC "
                "LIMIT ?",
                (period.start.isoformat(), count),
            ).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        return [self.load(label, revision) for label, revision in rows]

    def inside(self, period: Period) -> list[tuple[str, dict[str, dict[str, Any]]]]:
        """
        Return the recorded periods that lie inside ``period`` (latest revisions), in date order.
        """
        try:
            rows = self._db.execute(
                "SELECT label, MAX(revision) FROM periods WHERE start >= ? AND end <= ? AND label != ? "
                "GROUP BY label ORDER BY MAX(start)",
                (period.start.isoformat(), period.end.isoformat(), period.label),
            ).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        return [(label, self.load(label, revision)) for label, revision in rows]

    def publish(self, results: Results, scheme: Scheme, *, revise: bool = False) -> Publication:
        """
        Record a period's results; refuse to change a published period unless ``revise``.

        Raises :class:`LedgerError` with the per-employee differences when the
        period is published and the results differ and ``revise`` is false.
        """
        if results.period is None:
            raise LedgerError(
                [
                    Issue(
                        "ledger-no-period",
                        "results without a period cannot be recorded",
                        hint="score with a period, e.g. --period 2026-04",
                    )
                ]
            )
        label = results.period.label
        new = {r["employee"]: r for r in results.to_dict()["results"]}
        revs = self.revisions(label)
        if revs:
            changes = diff(self.load(label, revs[-1]), new)
            if not changes:
                return Publication(label, revs[-1], "unchanged")
            if not revise:
                shown = "\n".join(c.render() for c in changes[:20])
                raise LedgerError(
                    [
                        Issue(
                            "period-published",
                            f"period {label} is published (revision {revs[-1]}); re-scoring it "
                            f"changed {len(changes)} value(s)",
                            hint=f"pass --revise to record revision {revs[-1] + 1}",
                        )
                    ],
                    f"period {label} is published; nothing was recorded\n{shown}",
                )
            self._write(label, revs[-1] + 1, results, scheme, new)
            return Publication(label, revs[-1] + 1, "revised", changes)
        self._write(label, 1, results, scheme, new)
        return Publication(label, 1, "published")

    def _write(
        self, label: str, revision: int, results: Results, scheme: Scheme, entries: dict[str, dict[str, Any]]
    ) -> None:
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        try:
            with self._transaction() as db:
                db.execute(
                    "INSERT OR IGNORE INTO schemes VALUES (?, ?, ?)", (results.digest, scheme.name, dump_json(scheme))
                )
                assert results.period is not None
                start, end = results.period.start.isoformat(), results.period.end.isoformat()
                db.execute(
                    "INSERT INTO periods VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (label, revision, results.digest, now, len(entries), start, end),
                )
                self._insert_results(db, label, revision, entries)
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def _insert_results(
        self, db: sqlite3.Connection, label: str, revision: int, entries: dict[str, dict[str, Any]]
    ) -> None:
        db.executemany(
            "INSERT INTO results VALUES (?, ?, ?, ?)",
            [
                (label, revision, emp, json.dumps(e, ensure_ascii=False, sort_keys=True))
                for emp, e in sorted(entries.items())
            ],
        )

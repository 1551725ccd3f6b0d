"""
What the results ledger stores, and how every stored row is checked when it is read.

Each result row carries a hash of its own content; each revision carries a
hash of its fields, of its rows' hashes and of the revision recorded before it
(any scheme, any period), so the revisions form one chain.  Editing a value,
deleting a row or a revision, or reordering them breaks the chain where it
happened.  The chain has no secret: it shows edits made with a database tool,
and anyone who keeps the head hash printed by ``perfrules ledger verify`` can
show that nothing before it was rewritten.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import attrs

from .._errors import Issue, LedgerError
from .._evaluate import hold_input  # one definition: the scheme copy scoring holds with names them
from .._model import Period, Scheme, plain_again

__all__ = [
    "EVENTS",
    "EVENT_SELECT",
    "FORMAT",
    "READS",
    "SCHEMA",
    "SELECT",
    "Change",
    "Publication",
    "check_entry",
    "diff",
    "fail",
    "hold_input",
    "hold_inputs",
    "moved_start",
    "reads_period",
    "revision_hash",
    "row_hash",
    "sqlite_error",
    "verify_chain",
]

FORMAT = 3
#: Formats this perfrules reads: 2 (before events) is read as it is, and becomes 3 on its next write.
READS = ("2", "3")
#: Process records since format 3: approvals, appeals, revision deltas, true-ups paid; chained with the revisions.
EVENTS = """
CREATE TABLE events (
    seq INTEGER PRIMARY KEY, after INTEGER NOT NULL, scheme TEXT NOT NULL, label TEXT NOT NULL, kind TEXT NOT NULL,
    employee TEXT NOT NULL, data TEXT NOT NULL, recorded_at TEXT NOT NULL, hash TEXT NOT NULL)
"""
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE schemes (digest TEXT PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE periods (
    seq INTEGER PRIMARY KEY, scheme TEXT NOT NULL, label TEXT NOT NULL, revision INTEGER NOT NULL,
    scheme_digest TEXT NOT NULL REFERENCES schemes(digest), recorded_at TEXT NOT NULL, employees INTEGER NOT NULL,
    start TEXT NOT NULL, end TEXT NOT NULL, kind TEXT NOT NULL, history TEXT NOT NULL, hash TEXT NOT NULL,
    UNIQUE (scheme, label, revision));
CREATE TABLE results (
    seq INTEGER NOT NULL REFERENCES periods(seq), employee TEXT NOT NULL, data TEXT NOT NULL, hash TEXT NOT NULL,
    PRIMARY KEY (seq, employee));
"""
#: Every column of a revision, in the order the code unpacks them.
SELECT = (
    "SELECT seq, scheme, label, revision, scheme_digest, recorded_at, employees, start, end, kind, history, hash "
    "FROM periods"
)
#: Every column of an event, in the order the code unpacks them.
EVENT_SELECT = "SELECT seq, after, scheme, label, kind, employee, data, recorded_at, hash FROM events"
_GROUPS = ("indicators", "sections", "penalties", "bonuses", "payouts")


def fail(code: str, message: str, source: str, hint: str | None = None) -> LedgerError:
    """
    Return a :class:`LedgerError` with one issue.
    """
    issue = Issue(code, message, source=source, hint=hint)
    return LedgerError([issue], issue.message)


def sqlite_error(exc: sqlite3.Error, path: str) -> LedgerError:
    """
    Return the ledger error that an SQLite failure means: locked, corrupt, full, read-only, a lost race.
    """
    text = str(exc)
    if "locked" in text or "busy" in text:
        return fail(
            "ledger-locked",
            f"the ledger {path} is locked by another process",
            path,
            "wait for the other run to finish, then try again",
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return fail(
            "ledger-corrupt",
            f"{path} is not a readable perfrules ledger ({text})",
            path,
            "restore the file from a backup, or name a new ledger file",
        )
    if "full" in text:
        return fail(
            "ledger-full",
            f"the disk holding {path} is full; nothing was recorded",
            path,
            "free space on that disk, then run again",
        )
    if "readonly" in text or "read-only" in text:
        return fail(
            "ledger-readonly",
            f"the ledger {path} can be read but not written; nothing was recorded",
            path,
            "record into a writable copy, or ask for write access",
        )
    if "UNIQUE constraint" in text:  # another run recorded the same revision first
        return fail(
            "period-published",
            f"another run recorded this period in {path} at the same time; nothing was recorded",
            path,
            "score it again to see the differences from what was recorded",
        )
    return fail("ledger-failed", f"the ledger {path} could not be used: {text}", path)


def _sha(*parts: Any) -> str:
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_hash(scheme: str, label: str, revision: int, employee: str, data: str) -> str:
    """
    Return the hash of one stored result row.
    """
    return _sha(scheme, label, revision, employee, data)


def revision_hash(before: str, fields: tuple[Any, ...], rows: list[str]) -> str:
    """
    Return the hash of one revision: the previous revision's hash, its own fields, its rows' hashes in order.
    """
    return _sha(before, list(fields), rows)


def _decimal(value: Any) -> bool:
    try:
        return isinstance(value, str) and Decimal(value).is_finite()
    except InvalidOperation:
        return False


def check_entry(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """
    Read one stored result; return ``(data, None)``, or ``(None, what is wrong)``.
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        return None, f"not JSON ({exc})"
    if not isinstance(data, dict):
        return None, "not a result record"
    if not _decimal(data.get("score")):
        return None, f"score {data.get('score')!r} is not a number"
    for group in _GROUPS:
        values = data.get(group)
        if not isinstance(values, dict):
            return None, f"{group} missing"
        bad = [k for k, v in values.items() if not _decimal(v)]
        if bad:
            return None, f"{group}.{bad[0]} {values[bad[0]]!r} is not a number"
    flags = data.get("flags")
    if not isinstance(flags, list) or not all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in flags):
        return None, "flags are not a list of named flags"
    if not isinstance(data.get("inputs", {}), dict):
        return None, "inputs are not a mapping"
    return data, None


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

    ``stale`` lists the later periods of the same scheme whose history rules
    looked at this period (read it, found it missing, or stopped before history
    began where it now lies), or were scored under another declared start of
    history that counted other periods than this one's start would: score
    them again, in calendar order.
    """

    period: str
    revision: int
    status: Literal["published", "unchanged", "revised"]
    changes: tuple[Change, ...] = ()
    stale: tuple[str, ...] = ()
    held: tuple[tuple[str, str, str], ...] = ()
    """What the period holds until approved (W2): ``(employee, adjustment, amount)``."""


def _plain(value: Any) -> Any:
    return value if isinstance(value, str) or value is None else json.dumps(value, ensure_ascii=False)


def _flat(entry: dict[str, Any]) -> dict[str, Any]:
    # Records stored before amounts were written as plain digits hold str(Decimal)'s text (1E-12, -0.00):
    # compared as the plain digits written now, the same amount is no change (the stored text is kept).
    out = {"score": plain_again(entry["score"]), "grade": entry.get("grade")}
    for group in _GROUPS:
        out.update({f"{group}.{k}": plain_again(v) for k, v in entry[group].items()})
    # Inputs are part of the record: a corrected input is a change even when no output shows it.
    out.update({f"inputs.{k}": _plain(plain_again(v)) for k, v in entry.get("inputs", {}).items()})
    out["flags"] = ",".join(f["name"] for f in entry["flags"])
    out.update({f"held.{k}": plain_again(v) for k, v in entry.get("held", {}).items()})
    out.update({f"reasons.{k}": v for k, v in entry.get("reasons", {}).items()})
    return out


def hold_inputs(scheme: Scheme) -> frozenset[str]:
    """
    Return the hold inputs scoring adds to ``scheme`` (one per adjustment with ``approval_over``), none of its names.
    """
    return frozenset(hold_input(scheme, a.name) for a in scheme.adjustments() if a.approval_over is not None)


def diff(
    old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]], internal: frozenset[str] = frozenset()
) -> tuple[Change, ...]:
    """
    Return every difference between two sets of stored results, by employee and field (inputs included).

    ``internal`` names inputs the engine added (the hold inputs of
    :func:`hold_inputs`): a hold shows as ``held.<adjustment>``, so its input
    is no change of its own, and an employee never held has none to compare.
    """
    skip = {f"inputs.{name}" for name in internal}
    changes: list[Change] = []
    for emp in sorted(set(old) | set(new)):
        if emp not in new:
            changes.append(Change(emp, "employee", "present", "absent"))
        elif emp not in old:
            changes.append(Change(emp, "employee", "absent", "present"))
        else:
            a, b = _flat(old[emp]), _flat(new[emp])
            changes += [
                Change(emp, k, a.get(k), b.get(k)) for k in sorted((set(a) | set(b)) - skip) if a.get(k) != b.get(k)
            ]
    return tuple(changes)


def event_hash(before: str, event: tuple[Any, ...]) -> str:
    """
    Return the hash of one event (its columns but ``seq`` and ``hash``), chained to what was recorded before it.
    """
    return _sha("event", before, list(event))


def _check_event(event: tuple[Any, ...], before: str, issues: list[Issue], path: str) -> str:
    seq, *fields, stored = event
    if event_hash(before, tuple(fields)) != stored:
        _, scheme, label, kind, emp = fields[:5]
        issues.append(
            Issue(
                "ledger-tampered",
                f"{kind} {seq} for period {label} of {scheme!r}, employee {emp}: edited, moved or removed",
                source=path,
            )
        )
    return str(stored)


def verify_chain(
    query: Callable[..., list[tuple[Any, ...]]], path: str, kept: str | None = None, *, has_events: bool = False
) -> tuple[list[Issue], int, str]:
    """
    Check every revision and row against the hash chain; return ``(problems, revisions, head hash)``.

    ``query(sql, args)`` reads the ledger.  Each problem names the period,
    revision and, for a row, the employee.  ``kept`` is a head hash printed
    earlier and kept elsewhere: it must still be in the chain.
    """
    issues: list[Issue] = []
    before, count, seen = "", 0, set()
    events = query(EVENT_SELECT + " ORDER BY after, seq") if has_events else []
    for event in (e for e in events if e[1] == 0):
        before = _check_event(event, before, issues, path)
        seen.add(before)
    for row in query(SELECT + " ORDER BY seq"):
        seq, scheme, label, revision, *fields, stored = row
        where = f"period {label} revision {revision} of {scheme!r}"
        hashes = []
        rows = query("SELECT employee, data, hash FROM results WHERE seq = ? ORDER BY employee", (seq,))
        for emp, text, h in rows:
            _, problem = check_entry(text) if isinstance(text, str) else (None, "not text")
            if problem is not None:
                issues.append(Issue("ledger-corrupt", f"{where}, employee {emp}: damaged: {problem}", source=path))
            elif h != row_hash(scheme, label, revision, emp, text):
                issues.append(
                    Issue(
                        "ledger-tampered",
                        f"{where}, employee {emp}: result edited after recording",
                        source=path,
                    )
                )
            hashes.append(h)
        if revision_hash(before, (scheme, label, revision, *fields), hashes) != stored:
            issues.append(
                Issue(
                    "ledger-tampered",
                    f"{where}: its fields or rows were changed, rows added or removed, or a revision before it "
                    "was removed",
                    source=path,
                )
            )
        before, count = stored, count + 1
        seen.add(stored)
        for event in (e for e in events if e[1] == seq):
            before = _check_event(event, before, issues, path)
            seen.add(before)
    if kept is not None and kept not in seen:
        issues.append(
            Issue(
                "ledger-tampered",
                f"the head hash kept from an earlier run ({kept[:16]}...) is not in the chain: revisions recorded "
                "up to then were rewritten or removed",
                source=path,
                hint="restore the file from a backup taken when that head hash was printed",
            )
        )
    return issues, count, before


def reads_period(text: Any, period: Period) -> bool:
    """
    Return whether a revision's history record (``text``) shows that its rules looked at ``period``.
    """
    # Whether a revision's history rules looked at ``period``: read it, found it missing, or stopped
    # before history began at a period that ``period`` now precedes.  A damaged record counts as yes.
    try:
        looked = json.loads(text)
        if not looked:
            return False
        before = looked.get("before")
        return period.label in looked["read"] + looked["missing"] or (
            before is not None and period.start.isoformat() <= before
        )
    except (TypeError, ValueError, KeyError, AttributeError):
        return True


def moved_start(text: Any, begins: str | None, start_of: Callable[[str], str]) -> bool:
    """
    Return whether a revision's history record (``text``) would read differently from history begun at ``begins``.

    ``begins`` is the first day (ISO) of the declared start the new results
    were scored under, None without one; ``start_of`` gives a period label's
    first day.  Moved earlier, a period the revision counted as nothing may
    now count; moved later, a period it read may now be cut.  A record from
    before history starts were recorded says nothing, and counts as no.
    """
    try:
        looked = json.loads(text)
        if not looked or "begins" not in looked or looked["begins"] == begins:
            return False
        nothing = looked["cut"] if looked["begins"] is not None else looked["before"]
        if nothing is not None and (begins is None or begins <= nothing):
            return True
        return begins is not None and any(start_of(k) < begins for k in looked["read"] + looked["missing"])
    except (TypeError, ValueError, KeyError, AttributeError):
        return True

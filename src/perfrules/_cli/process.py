"""
The process around published results: ``perfrules ledger approve``, ``appeal``, ``answer``, ``appeals`` and ``deltas``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from .._adapters import Ledger, Publication, answer_appeal, appeal, appeals_of, approve
from .._errors import Issue, LedgerError
from .._load import read_scheme
from .._model import Scheme

__all__ = ["add_process_commands", "process_command", "tell_held"]

EXIT_OK, EXIT_USAGE = 0, 2


def tell_held(path: str, done: Publication) -> None:
    """
    Print what a publication holds until approved: one line per employee and adjustment.
    """
    if done.held:
        total = len(done.held)
        print(f"ledger {path}: {total} amount(s) held until approved, not paid:", file=sys.stderr)
        for employee, adjustment, amount in done.held:
            print(f"  held {employee} {adjustment}: {amount}", file=sys.stderr)


def add_process_commands(actions: Any) -> None:
    """
    Add ``approve``, ``appeal``, ``answer``, ``appeals`` and ``deltas`` to the ``perfrules ledger`` subcommands.
    """
    ap = actions.add_parser("approve", help="record an approval of an amount held (W2); score again to release it")
    ap.add_argument("ledger")
    ap.add_argument("scheme")
    ap.add_argument("--period", required=True)
    ap.add_argument("--employee", required=True)
    ap.add_argument("--adjustment", required=True, help="the penalty or bonus whose amount is held")
    ap.add_argument("--by", required=True, help="who approves")
    ap.add_argument("--note", required=True, help="why (the written approval)")
    ap.add_argument("--at", help="when it was approved, ISO 8601 (default: now)")
    ea = actions.add_parser("appeal", help="record an appeal against a published period within its window (W1)")
    ea.add_argument("ledger")
    ea.add_argument("scheme")
    ea.add_argument("--period", required=True)
    ea.add_argument("--employee", required=True)
    ea.add_argument("--by", required=True, help="who appeals")
    ea.add_argument("--note", required=True, help="what is appealed")
    ea.add_argument("--at", help="when the appeal was made, ISO 8601 (default: now)")
    an = actions.add_parser("answer", help="answer an employee's open appeals without a revision: nothing changes")
    an.add_argument("ledger")
    an.add_argument("scheme")
    an.add_argument("--period", required=True)
    an.add_argument("--employee", required=True)
    an.add_argument("--by", required=True, help="who decided")
    an.add_argument("--note", required=True, help="why nothing changes (the written answer)")
    an.add_argument("--at", help="when it was decided, ISO 8601 (default: now)")
    al = actions.add_parser("appeals", help="list the appeals recorded and their outcomes")
    al.add_argument("ledger")
    al.add_argument("scheme")
    al.add_argument("--period", help="only this period's")
    al.add_argument("--open", action="store_true", help="only those not yet answered")
    al.add_argument("--json", action="store_true", help="print them as JSON")
    de = actions.add_parser("deltas", help="list what revisions changed in payouts and is not yet paid (true-up)")
    de.add_argument("ledger")
    de.add_argument("scheme")
    de.add_argument("--json", action="store_true", help="print them as JSON")


def _scheme(path: str) -> Scheme:
    loaded = read_scheme(path)
    assert loaded.scheme is not None
    return loaded.scheme


def _moment(args: argparse.Namespace) -> dt.datetime | None:
    if args.at is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(args.at)
    except ValueError:
        print(f"perfrules ledger {args.action}: error: --at: {args.at!r} is not a time such as 2026-05-06T10:00+08:00")
        raise SystemExit(EXIT_USAGE) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


def _appeal_line(a: dict[str, Any]) -> str:
    # One appeal and its outcome, as ``ledger appeals`` lists it.
    made = f"appeal {a['appeal']} against revision {a['revision']}, made {a['at']} by {a['by']}"
    told = f'{made} (window until {a["deadline"]}): "{a["note"]}"'
    o = a["outcome"]
    if o is None:
        return f"{told}; open"
    if "by" in o:
        return f'{told}; answered by {o["by"]} on {o["at"]}, revision {o["revision"]} stands: "{o["note"]}"'
    return f"{told}; answered by revision {o['revision']}, {'changed' if o['changed'] else 'unchanged'}"


def process_command(args: argparse.Namespace) -> int:
    """
    ``perfrules ledger approve | appeal | answer | appeals | deltas``.
    """
    scheme = _scheme(args.scheme)
    if args.action == "appeals":
        with Ledger(args.ledger, readonly=True) as ledger:
            found = appeals_of(ledger, scheme.name, args.period, open_only=args.open)
        if args.json:
            print(json.dumps(found, ensure_ascii=False, indent=2))
        for a in [] if args.json else found:
            print(f"{a['period']} {a['employee']}: {_appeal_line(a)}")
        return EXIT_OK
    if args.action == "deltas":
        with Ledger(args.ledger, readonly=True) as ledger:
            found = ledger.outstanding(scheme.name, "")
        if args.json:
            print(json.dumps(found, ensure_ascii=False, indent=2))
        for d in [] if args.json else found:
            shown = ", ".join(f"{k} {v}" for k, v in d["payouts"].items())
            print(f"{d['employee']} {d['period']} revision {d['from']} → {d['revision']}: {shown}")
        return EXIT_OK
    moment = _moment(args)
    with Ledger(args.ledger) as ledger:
        if args.action == "approve":
            at = (moment or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
            done = approve(
                ledger, scheme.name, args.period, args.employee, args.adjustment, by=args.by, at=at, note=args.note
            )
            print(
                f"ledger {args.ledger}: approved {args.employee} {args.adjustment} {done['amount']} in {args.period}; "
                "score the period again with --revise to pay it",
                file=sys.stderr,
            )
            return EXIT_OK
        if args.action == "appeal":
            done = appeal(ledger, scheme, args.period, args.employee, by=args.by, note=args.note, at=moment)
            latest = ledger.published_at(scheme.name, args.period)
            since = f"; revision {latest[0]} was published since" if latest and latest[0] > done["revision"] else ""
            print(
                f"ledger {args.ledger}: appeal by {args.employee} against {args.period} revision {done['revision']} "
                f"recorded (window until {done['deadline']}){since}; it is answered by a revision that changes "
                f"{args.employee}'s results, or by perfrules ledger answer",
                file=sys.stderr,
            )
            return EXIT_OK
        if args.action == "answer":
            answered = answer_appeal(
                ledger, scheme.name, args.period, args.employee, by=args.by, note=args.note, at=moment
            )
            print(
                f"ledger {args.ledger}: {len(answered)} appeal(s) of {args.employee} in {args.period} answered by "
                f"{args.by}: revision {answered[0]['revision']} stands",
                file=sys.stderr,
            )
            return EXIT_OK
    raise LedgerError([Issue("ledger-failed", f"unknown action {args.action}")])

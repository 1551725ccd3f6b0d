"""
The assurance commands: ``bounds``, ``check``, and the warnings from the bounds that ``validate`` adds.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from .._adapters import Ledger, read_population, write_atomic
from .._analysis import bounds, check_scheme, read_checks, recorded, render_html, whatif
from .._compile import compile_scheme
from .._errors import SchemeError
from .._load import read_scheme
from .._model import Period
from .._validate import Report

__all__ = ["add_commands", "run_bounds", "run_check", "run_whatif", "with_bound_warnings"]


def add_commands(sub: Any) -> None:
    """
    Add the assurance subcommands to the command line's subparsers.
    """
    b = sub.add_parser("bounds", help="print the proven range of every value a scheme computes")
    b.add_argument("scheme")
    b.add_argument("--json", action="store_true", help="print the ranges as JSON")
    c = sub.add_parser("check", help="prove a scheme's checks, or find a counterexample to each")
    c.add_argument("scheme")
    c.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    c.add_argument("--examples", type=int, default=400, help="rows to search per check (default 400)")
    c.add_argument(
        "--window",
        type=Decimal,
        default=Decimal(10**6),
        help="how far from its other end to search an input with an open end (default 1000000)",
    )
    w = sub.add_parser("whatif", help="score the same data under two scheme versions and compare (writes nothing)")
    w.add_argument("old")
    w.add_argument("new")
    w.add_argument("data", nargs="*", help="population files; a file named like a period (2026-04.csv) is that period")
    w.add_argument(
        "--period",
        action="append",
        default=[],
        help="the period of data files not named like one; with --ledger, each period to replay (repeat it)",
    )
    w.add_argument("--ledger", help="replay recorded periods from this results ledger (read-only), under their inputs")
    w.add_argument("--amount", help="the value to rank and chart by (default: the last payout both versions declare)")
    w.add_argument("--largest", type=int, default=5, help="how many of the largest changes to explain (default 5)")
    w.add_argument("--id-column", default="employee_id")
    w.add_argument(
        "--no-history", action="store_true", help="with data files: score a scheme with history rules without history"
    )
    form = w.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print the comparison as JSON")
    form.add_argument("--html", metavar="FILE", help="write a self-contained HTML report to FILE")


def run_bounds(args: argparse.Namespace) -> int:
    """
    ``perfrules bounds SCHEME``: the table of proven ranges (or JSON); 1 when the scheme has errors.
    """
    loaded = read_scheme(args.scheme)
    assert loaded.scheme is not None
    proven = bounds(compile_scheme(loaded.scheme))
    print(json.dumps(proven.to_dict(), ensure_ascii=False, indent=2) if args.json else proven.render())
    return 0


def run_check(args: argparse.Namespace) -> int:
    """
    ``perfrules check SCHEME``: each check proven or refuted; 1 when one fails (or cannot be read).
    """
    loaded = read_scheme(args.scheme)
    assert loaded.scheme is not None
    try:
        outcomes = check_scheme(loaded.scheme, examples=args.examples, window=args.window)
    except ImportError as exc:
        print(f"perfrules check: {exc}", file=sys.stderr)
        return 2
    except SchemeError as exc:
        raise SchemeError([loaded.source_map.place(i) for i in exc.issues], str(exc).splitlines()[0]) from None
    failed = sum(o.status == "failed" for o in outcomes)
    if args.json:
        print(json.dumps([o.to_dict() for o in outcomes], ensure_ascii=False, indent=2))
    else:
        for o in outcomes:
            print(o.render())
        counts = {s: sum(o.status == s for o in outcomes) for s in ("proven", "not refuted", "unknown", "failed")}
        print(f"{args.scheme}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return 1 if failed else 0


def run_whatif(args: argparse.Namespace) -> int:
    """
    ``perfrules whatif OLD NEW DATA...``: the comparison as text, JSON or an HTML report; nothing else is written.
    """
    schemes = []
    for path in (args.old, args.new):
        loaded = read_scheme(path)
        assert loaded.scheme is not None
        schemes.append(loaded.scheme)
    if args.ledger and args.data:
        raise SystemExit("perfrules whatif: error: give data files or --ledger, not both")
    if not args.ledger and not args.data:
        raise SystemExit("perfrules whatif: error: give data files, or --ledger with --period")
    if args.ledger:
        if not args.period:
            raise SystemExit("perfrules whatif: error: --ledger needs --period (once per period to replay)")
        with Ledger(args.ledger, readonly=True) as ledger:
            batches = recorded(ledger, args.period, schemes[0].name)
            result = whatif(schemes[0], schemes[1], batches, amount=args.amount, largest=args.largest, history=ledger)
    else:
        if len(args.period) > 1:
            raise SystemExit("perfrules whatif: error: --period more than once is for --ledger")
        files: list[tuple[str | None, Any]] = []
        for data in args.data:
            try:
                period: str | None = Period.parse(Path(data).stem).label
            except ValueError:
                period = args.period[0] if args.period else None
            files.append((period, read_population(data)))
        result = whatif(
            schemes[0],
            schemes[1],
            files,
            amount=args.amount,
            largest=args.largest,
            id_column=args.id_column,
            no_history=args.no_history,
        )
        if args.no_history:
            print("warning: compared without history: prior() read 0 and streaks started here", file=sys.stderr)
    if args.html:
        write_atomic(args.html, render_html(result))
        print(f"wrote the what-if report to {args.html}", file=sys.stderr)
    elif args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(result.render_text())
    return 0


def with_bound_warnings(report: Report, path: str) -> Report:
    """
    Return ``report`` with the warnings the bounds give, placed in the file, when the scheme has no errors.
    """
    if not report.ok:
        return report
    loaded = read_scheme(path)
    assert loaded.scheme is not None
    plan = compile_scheme(loaded.scheme)
    proven = bounds(plan)
    issues = list(proven.warnings)
    try:
        read_checks(plan, proven)
    except SchemeError as exc:
        issues = [*exc.issues, *issues]
    found = [loaded.source_map.place(i) for i in issues]
    errors = [i for i in found if i.severity == "error"]
    return Report((*errors, *report.issues, *(i for i in found if i.severity != "error")), report.source)

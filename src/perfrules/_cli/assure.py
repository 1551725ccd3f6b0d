"""
The assurance commands: ``bounds``, ``check``, and the warnings from the bounds that ``validate`` adds.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from typing import Any

from .._analysis import bound_warnings, bounds, check_scheme, read_checks
from .._compile import compile_scheme
from .._errors import SchemeError
from .._load import read_scheme
from .._validate import Report

__all__ = ["add_commands", "run_bounds", "run_check", "with_bound_warnings"]


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
    issues = bound_warnings(proven)
    try:
        read_checks(plan, proven)
    except SchemeError as exc:
        issues = [*exc.issues, *issues]
    found = [loaded.source_map.place(i) for i in issues]
    errors = [i for i in found if i.severity == "error"]
    return Report((*errors, *report.issues, *(i for i in found if i.severity != "error")), report.source)

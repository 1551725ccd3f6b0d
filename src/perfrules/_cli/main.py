"""
The ``perfrules`` command line: validate, score and explain.

Exit codes: 0 success; 1 the scheme or the input has errors (nothing was
written); 2 the command itself was called wrongly.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .._adapters import Ledger, read_population, roll_up, score_csv_columnar, write_atomic, write_results
from .._compile import Plan, compile_scheme
from .._errors import CompileError, EvaluationError, InputError, LedgerError, PerfrulesError, SchemeError
from .._evaluate import Results, score
from .._explain import LANGUAGES, explain, render_json, render_text
from .._load import read_scheme, scheme_json_schema
from .._model import Period
from .._validate import check_file
from .progress import progress
from .table import render_table

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="perfrules", description="Score employees and turn scores into pay.")
    sub = p.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check a scheme file and print every finding")
    v.add_argument("scheme")
    v.add_argument("--json", action="store_true", help="print findings as JSON")
    v.add_argument("--strict", action="store_true", help="fail on warnings too")
    sub.add_parser("schema", help="print the JSON Schema of scheme files (for editors and HR tools)")
    s = sub.add_parser("score", help="score a population for one period")
    s.add_argument("scheme")
    s.add_argument("data", help="population file: CSV with a header line, or JSON")
    s.add_argument("--period", required=True, help="2026-04, 2026-Q2, 2026-H1, 2026 or 2026-03-26..2026-04-25")
    s.add_argument("--out", help="write results to FILE.csv or FILE.json (atomically)")
    s.add_argument("--id-column", default="employee_id")
    s.add_argument(
        "--engine",
        choices=("row", "columnar"),
        default="row",
        help="columnar: whole columns at once (needs the 'columnar' extra); same results, or refused",
    )
    s.add_argument("--ledger", help="record the period in this results ledger (an SQLite file)")
    s.add_argument("--revise", action="store_true", help="with --ledger: record a new revision of a published period")
    s.add_argument(
        "--explain",
        action="store_true",
        help="with --out FILE.json: add each employee's points, bands, limits and explanation",
    )
    r = sub.add_parser("rollup", help="roll recorded periods up into a longer one (months into a quarter)")
    r.add_argument("scheme")
    r.add_argument("--ledger", required=True, help="the results ledger the periods were recorded in")
    r.add_argument("--period", required=True, help="the longer period: 2026-Q2, 2026-H1, 2026")
    r.add_argument("--out", help="write the roll-up to FILE.json (atomically)")
    e = sub.add_parser("explain", help="explain one employee's result line by line")
    e.add_argument("scheme")
    e.add_argument("data")
    e.add_argument("--employee", required=True, help="the employee's id")
    e.add_argument("--period", help="the period label to show (optional)")
    e.add_argument("--lang", choices=LANGUAGES, default="en")
    e.add_argument("--json", action="store_true", help="print the trace records as JSON")
    e.add_argument("--id-column", default="employee_id")
    return p


def _fail(exc: PerfrulesError) -> int:
    print(str(exc), file=sys.stderr)
    return EXIT_INVALID


def _validate(args: argparse.Namespace) -> int:
    report = check_file(args.scheme)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(report.render())
    bad = not report.ok or (args.strict and report.warnings)
    return EXIT_INVALID if bad else EXIT_OK


def _period(args: argparse.Namespace) -> Period | None:
    if args.period is None:
        return None
    try:
        return Period.parse(args.period)
    except ValueError as exc:
        raise SystemExit(f"perfrules {args.command}: error: --period: {exc}") from None


def _score(args: argparse.Namespace) -> tuple[Plan, Results]:
    period = _period(args)
    loaded = read_scheme(args.scheme)
    assert loaded.scheme is not None
    plan = compile_scheme(loaded.scheme)
    rows = read_population(args.data)
    ledger = getattr(args, "ledger", None)
    with progress(len(rows), enabled=sys.stderr.isatty()) as tick:
        if ledger and plan.history:
            with Ledger(ledger) as history:  # earlier periods for prior() and streaks
                results = score(
                    plan,
                    rows,
                    period=period,
                    id_column=args.id_column,
                    source=args.data,
                    progress=tick,
                    history=history,
                    engine=getattr(args, "engine", "row"),
                )
        else:
            results = score(
                plan,
                rows,
                period=period,
                id_column=args.id_column,
                source=args.data,
                progress=tick,
                engine=getattr(args, "engine", "row"),
            )
    return plan, results


def _columnar_csv(args: argparse.Namespace) -> bool:
    # CSV to CSV with the columnar engine: whole columns, no Python object per cell, when the file is plain.
    if args.engine != "columnar" or not args.out or Path(args.out).suffix.lower() != ".csv" or args.ledger:
        return False
    if Path(args.data).suffix.lower() != ".csv":
        return False
    loaded = read_scheme(args.scheme)
    assert loaded.scheme is not None
    plan = compile_scheme(loaded.scheme)
    written = score_csv_columnar(plan, args.data, args.out, period=_period(args), id_column=args.id_column)
    if written is None:
        return False
    print(f"wrote {written} result(s) to {args.out}", file=sys.stderr)
    return True


def _record(args: argparse.Namespace, plan: Plan, results: Results) -> None:
    with Ledger(args.ledger) as ledger:
        done = ledger.publish(results, plan.scheme, revise=args.revise)
    print(f"ledger {args.ledger}: period {done.period} revision {done.revision} {done.status}", file=sys.stderr)
    for change in done.changes:
        print(f"  {change.render()}", file=sys.stderr)


def _rollup(args: argparse.Namespace) -> int:
    period = _period(args)
    assert period is not None  # --period is required for rollup
    loaded = read_scheme(args.scheme)
    assert loaded.scheme is not None
    with Ledger(args.ledger) as ledger:
        data = roll_up(ledger, loaded.scheme, period)
    if args.out:
        write_atomic(args.out, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        print(f"wrote {len(data['results'])} roll-up(s) to {args.out}", file=sys.stderr)
    else:
        print(
            f"{data['period']} from {', '.join(data['from'])} (score: {data['rule']['score']}, "
            f"amounts: {data['rule']['amounts']})"
        )
        for row in data["results"]:
            flags = ", ".join(row["flags"])
            print(
                f"{row['employee']:<10} {row['score']:>10} {row['grade'] or '':<4} {row['periods']} period(s)  {flags}"
            )
    return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    plan, results = _score(args)
    found = results.by_employee().get(args.employee)
    if found is None:
        known = ", ".join(sorted(results.by_employee())[:10])
        print(f"perfrules explain: no employee {args.employee!r} in {args.data} (first ids: {known})", file=sys.stderr)
        return EXIT_INVALID
    trace = explain(plan, found)
    print(render_json(trace) if args.json else render_text(trace, args.lang))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """
    Run the command line; return the exit code.
    """
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args)
        if args.command == "schema":
            print(json.dumps(scheme_json_schema(), ensure_ascii=False, indent=2))
            return EXIT_OK
        if args.command == "explain":
            return _explain(args)
        if args.command == "rollup":
            return _rollup(args)
        if _columnar_csv(args):
            return EXIT_OK
        plan, results = _score(args)
        if args.ledger:
            _record(args, plan, results)
        if args.out:
            write_results(results, args.out, plan=plan if args.explain else None)
            print(f"wrote {len(results)} result(s) to {args.out}", file=sys.stderr)
        else:
            print(render_table(results))
        return EXIT_OK
    except (SchemeError, CompileError, InputError, EvaluationError, LedgerError) as exc:
        return _fail(exc)


if __name__ == "__main__":
    sys.exit(main())

"""
The ``perfrules`` command line: validate, score and explain.

Exit codes: 0 success; 1 the scheme or the input has errors (nothing was
written); 2 the command itself was called wrongly.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from .._adapters import (
    Joined,
    Ledger,
    check_writable,
    join_tables,
    prepare_results,
    read_table,
    roll_up,
    write_atomic,
)
from .._adapters.output import STDOUT
from .._compile import Plan, compile_scheme
from .._errors import EvaluationError, InputError, LedgerError, OutputError, PerfrulesError, SchemeError
from .._evaluate import Results, score
from .._explain import LANGUAGES, explain, render_json, render_text
from .._load import read_scheme, scheme_json_schema
from .._model import Period
from .._plugins import NumberFormat
from .._validate import check_file
from .progress import progress
from .table import render_table

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
EXIT_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a program whose reader went away


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
    s.add_argument(
        "data",
        nargs="+",
        help="population file(s): CSV with a header line, JSON or .xlsx; several files are joined by employee id",
    )
    s.add_argument("--period", required=True, help="2026-04, 2026-Q2, 2026-H1, 2026 or 2026-03-26..2026-04-25")
    s.add_argument(
        "--out", help="write results to FILE.csv, FILE.json or FILE.xlsx (atomically), or - for CSV on standard output"
    )
    s.add_argument("--id-column", default="employee_id")
    _reading(s)
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
    e.add_argument("data", nargs="+", help="population file(s), as for score")
    e.add_argument("--employee", required=True, help="the employee's id")
    e.add_argument("--period", help="the period label to show (optional)")
    e.add_argument("--lang", choices=LANGUAGES, default="en")
    e.add_argument("--json", action="store_true", help="print the trace records as JSON")
    e.add_argument("--id-column", default="employee_id")
    _reading(e)
    return p


def _reading(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("reading the data (docs/reference/input-files.md)")
    g.add_argument("--encoding", help="text encoding: utf-8, utf-16, gb18030 (gbk), cp1252 (default: detected)")
    g.add_argument("--delimiter", help="CSV delimiter: , ; tab | (default: detected from the header)")
    g.add_argument("--decimal-comma", action="store_true", help="numbers are written 0,8 (a decimal comma)")
    g.add_argument("--thousands", choices=[",", ".", " ", "'"], help="numbers group thousands with this separator")


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


def _numbers(args: argparse.Namespace) -> NumberFormat:
    try:
        return NumberFormat(decimal="," if args.decimal_comma else ".", thousands=args.thousands)
    except ValueError as exc:
        raise SystemExit(f"perfrules {args.command}: error: --thousands: {exc}") from None


def _population(args: argparse.Namespace) -> tuple[list[dict[str, object]], str, Joined | None]:
    tables = [read_table(path, encoding=args.encoding, delimiter=args.delimiter) for path in args.data]
    for t in tables:
        if t.encoding not in (None, "utf-8", "utf-8-sig") and args.encoding is None:
            print(f"note: read {t.source} as {t.encoding} (detected; --encoding to declare)", file=sys.stderr)
    if len(tables) == 1:
        return tables[0].rows, tables[0].source, None
    joined = join_tables(tables, args.id_column)
    return joined.rows, joined.source, joined


def _score(args: argparse.Namespace) -> tuple[Plan, Results]:
    period = _period(args)
    numbers = _numbers(args)
    loaded = read_scheme(args.scheme)
    assert loaded.scheme is not None
    plan = compile_scheme(loaded.scheme)
    rows, source, joined = _population(args)
    ledger = getattr(args, "ledger", None)
    try:
        with progress(len(rows), enabled=sys.stderr.isatty()) as tick:
            options: dict[str, Any] = {
                "period": period,
                "id_column": args.id_column,
                "source": source,
                "numbers": numbers,
            }
            if ledger and plan.history:
                with Ledger(ledger) as history:  # earlier periods for prior() and streaks
                    results = score(plan, rows, progress=tick, history=history, **options)
            else:
                results = score(plan, rows, progress=tick, **options)
    except InputError as exc:
        raise exc if joined is None else joined.relocate(exc) from None
    return plan, results


def _record(args: argparse.Namespace, plan: Plan, results: Results) -> None:
    with Ledger(args.ledger) as ledger:
        done = ledger.publish(results, plan.scheme, revise=args.revise)
    print(f"ledger {args.ledger}: period {done.period} revision {done.revision} {done.status}", file=sys.stderr)
    for change in done.changes:
        print(f"  {change.render()}", file=sys.stderr)


def _rollup(args: argparse.Namespace) -> int:
    period = _period(args)
    assert period is not None  # --period is required for rollup
    if args.out:
        check_writable(args.out)
    loaded = read_scheme(args.scheme)
    assert loaded.scheme is not None
    with Ledger(args.ledger) as ledger:
        data = roll_up(ledger, loaded.scheme, period)
    if args.out:
        write_atomic(args.out, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        if args.out == STDOUT:
            return EXIT_OK
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
        where = " + ".join(args.data)
        print(f"perfrules explain: no employee {args.employee!r} in {where} (first ids: {known})", file=sys.stderr)
        return EXIT_INVALID
    trace = explain(plan, found)
    print(render_json(trace) if args.json else render_text(trace, args.lang))
    return EXIT_OK


def _score_command(args: argparse.Namespace) -> int:
    if args.out:
        check_writable(args.out)  # before anything is scored or published
    plan, results = _score(args)
    pending = None
    try:
        if args.out:
            pending = prepare_results(results, args.out, plan=plan if args.explain else None)
        if args.ledger:
            _record(args, plan, results)  # only once every output is written, waiting to be put in place
        if pending is not None:
            pending.commit()
    finally:
        if pending is not None:
            pending.discard()
    if not args.out:
        print(render_table(results))
    elif args.out != STDOUT:
        print(f"wrote {len(results)} result(s) to {args.out}", file=sys.stderr)
    return EXIT_OK


def _terminated(signum: int, frame: object) -> None:
    # SIGTERM becomes an exception, so temporary files are removed on the way out.
    raise SystemExit(128 + signum)


def _quiet_pipe() -> int:
    # The reader went away (perfrules score ... | head): stop quietly, and keep
    # Python from complaining when it flushes standard output at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass
    return EXIT_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    """
    Run the command line; return the exit code.
    """
    args = _parser().parse_args(argv)
    main_thread = threading.current_thread() is threading.main_thread()  # signals can be handled only there
    previous = signal.signal(signal.SIGTERM, _terminated) if main_thread else None
    try:
        return _run(args)
    except BrokenPipeError:
        return _quiet_pipe()
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


def _run(args: argparse.Namespace) -> int:
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
        return _score_command(args)
    except (SchemeError, InputError, EvaluationError, LedgerError, OutputError) as exc:
        return _fail(exc)


if __name__ == "__main__":
    sys.exit(main())

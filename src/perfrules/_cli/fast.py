"""
The command line's fast paths (one table file in, one out, in chunks or whole columns) and option reading.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .._adapters import ARROW_SUFFIXES, STDOUT, score_csv_columnar, score_csv_streamed
from .._compile import Plan, compile_scheme
from .._errors import EvaluationError
from .._evaluate import not_plain, scheme_period
from .._load import read_scheme
from .._model import Period
from .._plugins import NumberFormat
from .progress import progress

__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "NO_HISTORY_WARNING",
    "columnar_csv",
    "columnar_stopped",
    "numbers_of",
    "period_of",
    "plan_of",
    "streamed_csv",
    "usage",
]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

#: Said whenever a scheme that reads history was scored without it (``--no-history``).
NO_HISTORY_WARNING = "warning: scored without history: prior() read 0 and streaks started here"


def usage(args: argparse.Namespace, message: str) -> SystemExit:
    """
    Print a usage error as argparse does, and return the exit to raise (code 2).
    """
    print(f"perfrules {args.command}: error: {message}", file=sys.stderr)
    return SystemExit(EXIT_USAGE)


def period_of(args: argparse.Namespace) -> Period | None:
    """Return ``--period`` read, or None; a bad one is a usage error (exit 2)."""
    if args.period is None:
        return None
    try:
        return Period.parse(args.period)
    except ValueError as exc:
        raise usage(args, f"--period: {exc}") from None


def numbers_of(args: argparse.Namespace) -> NumberFormat:
    """Return the number grammar the reading options declare; a bad one is a usage error (exit 2)."""
    try:
        return NumberFormat(decimal="," if args.decimal_comma else ".", thousands=args.thousands)
    except ValueError as exc:
        raise usage(args, f"--thousands: {exc}") from None


def streamed_csv(args: argparse.Namespace, plan: Plan) -> bool:
    """Score one CSV file into one output in chunks with the row engine; False when it cannot be streamed."""
    # One CSV file to a CSV file with the row engine: read, scored and written in chunks, in constant
    # memory. Whatever cannot be streamed (see _adapters/streamed.py) takes the general path below.
    wanted = getattr(args, "engine", "row") == "row" and len(args.data) == 1 and args.out and args.out != STDOUT
    if not wanted or args.json or getattr(args, "ledger", None) or args.encoding:
        return False
    period, numbers = period_of(args), numbers_of(args)
    scheme = scheme_period(plan, args.period if period is not None else None, args.any_period)
    with progress(enabled=sys.stderr.isatty()) as bar:
        written = score_csv_streamed(
            plan,
            args.data[0],
            args.out,
            period=scheme,
            id_column=args.id_column,
            numbers=numbers,
            no_history=args.no_history,
            delimiter=args.delimiter,
            progress=bar,
            explain=bool(getattr(args, "explain", False)),
        )
    return _wrote(plan, written, args.out)


def columnar_csv(args: argparse.Namespace, plan: Plan) -> bool:
    """Score one table file into one with the columnar engine, whole columns; False when that path does not apply."""
    # One plain CSV file to a CSV file with the columnar engine: whole columns, no Python object per cell.
    if args.engine != "columnar":
        return False
    reading = ("encoding", "delimiter", "decimal_comma", "thousands", "json", "ledger")
    given = [f"--{name.replace('_', '-')}" for name in reading if getattr(args, name)]
    tables = {".csv", *ARROW_SUFFIXES}
    if given:
        return _general(f"{', '.join(given)} given")
    if len(args.data) != 1:
        return _general("several data files")
    if not args.out or args.out == STDOUT:
        return _general("no --out file")
    if Path(args.out).suffix.lower() not in tables or Path(args.data[0]).suffix.lower() not in tables:
        return _general("not a .csv, .parquet, .arrow, .feather or .ipc file in and out")
    if plan.history and not args.no_history:
        return False  # the general path says that history is needed
    period = scheme_period(plan, args.period, args.any_period)
    try:
        written = score_csv_columnar(
            plan, args.data[0], args.out, period=period, id_column=args.id_column, no_history=args.no_history
        )
    except EvaluationError as exc:
        if exc.code != "columnar-limit":
            raise
        columnar_stopped(args, exc)
        return False  # the row engine's paths score the file
    if written is None:  # the scheme, when it is the cause, or else the file
        why = not_plain(plan) or f"{args.data[0]} is not the plain case of docs/how-to/columnar-engine.md"
        return _general(why)
    return _wrote(plan, written, args.out)


def columnar_stopped(args: argparse.Namespace, exc: EvaluationError) -> None:
    """Say that the columnar engine stopped at a value past its exact range, and score with the row engine."""
    # The row engine has scored these rows already, without an error (or its own error was raised):
    # its results are the ones --engine row gives, and nothing is approximated.
    where = f"in {exc.step!r}" if exc.step else "in an input"
    who = f", employee {exc.employee!r}" if exc.employee else ""
    print(
        f"note: --engine columnar stopped at a value past its exact range ({where}{who}): "
        "scored with the row engine instead, the same results as --engine row",
        file=sys.stderr,
    )
    args.engine = "row"


def _general(why: str) -> bool:
    # The same results either way, but the general path reads every cell as a Python object: say why.
    print(f"note: --engine columnar took the general path ({why}): the same results, more slowly", file=sys.stderr)
    return False


def plan_of(args: argparse.Namespace) -> Plan:
    """Return the compiled plan of ``args.scheme`` (every path of ``score`` uses this one)."""
    loaded = read_scheme(args.scheme)
    assert loaded.scheme is not None  # read_scheme raises SchemeError otherwise
    return compile_scheme(loaded.scheme)


def _wrote(plan: Plan, written: int | None, out: str) -> bool:
    # What a fast path says when it scored the file (None: it did not, the general path will).
    if written is None:
        return False
    if plan.history:
        print(NO_HISTORY_WARNING, file=sys.stderr)
    print(f"wrote {written} result(s) to {out}", file=sys.stderr)
    return True

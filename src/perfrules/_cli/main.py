"""
The ``perfrules`` command line: validate, score, explain, roll up, print the schema.

Exit codes are in docs/reference/cli.md (a test checks each one): 0 success;
1 the scheme, the data, the ledger or an output has errors (nothing was
written or published); 2 the command itself was called wrongly; 141 the
reader of standard output went away; 143 stopped by SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from .. import __version__
from .._errors import PerfrulesError
from .assure import add_commands, run_bounds, run_check, run_whatif
from .commands import explain_command, ledger_command, rollup, schema, score_command, statement, validate
from .process import add_process_commands, process_command
from .style import print_error

__all__ = ["EXIT_PIPE", "EXIT_TERM", "main"]

_LANG = "en, zh, a language an installed package publishes, or a message catalogue file (de.toml)"

EXIT_PIPE = 128 + 13  # SIGPIPE: what a shell reports for a program whose reader went away
EXIT_TERM = 128 + 15  # SIGTERM


def _reading(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("reading the data (docs/reference/input-files.md)")
    g.add_argument("--id-column", default="employee_id", help="the employees' id column (default: employee_id)")
    g.add_argument("--encoding", help="text encoding: utf-8, utf-16, gb18030 (gbk), cp1252 (default: detected)")
    g.add_argument("--delimiter", help="CSV delimiter: , ; tab | (default: detected from the header)")
    g.add_argument("--decimal-comma", action="store_true", help="numbers are written 0,8 (a decimal comma)")
    g.add_argument("--thousands", choices=[",", ".", " ", "'"], help="numbers group thousands with this separator")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="perfrules", description="Score employees and turn scores into pay.")
    p.add_argument("--version", action="version", version=f"perfrules {__version__}")
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
        help="population file(s): CSV with a header line, JSON, .xlsx, or .parquet, .arrow, .feather, .ipc (the "
        "'columnar' extra); several files are joined by employee id",
    )
    s.add_argument("--period", required=True, help="2026-04, 2026-Q2, 2026-H1, 2026 or 2026-03-26..2026-04-25")
    s.add_argument(
        "--out",
        help="write results to FILE.csv, FILE.json, FILE.jsonl (one result a line), FILE.xlsx, or FILE.parquet, "
        "FILE.arrow, FILE.feather, FILE.ipc (the 'columnar' extra), atomically; or - for CSV on standard output",
    )
    s.add_argument(
        "--engine",
        choices=("row", "columnar"),
        default="row",
        help="columnar: whole columns at once (needs the 'columnar' extra); the same results, or refused",
    )
    s.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    s.add_argument("--ledger", help="record the period in this results ledger (an SQLite file)")
    s.add_argument("--revise", action="store_true", help="with --ledger: record a new revision of a published period")
    s.add_argument(
        "--restate", metavar="DIR", help="with --ledger: score stale later periods again from DIR/<period>.csv"
    )
    s.add_argument(
        "--trueup", action="store_true", help="with --ledger: pay earlier revisions' deltas through trueup_<payout>"
    )
    s.add_argument(
        "--at",
        help="with --ledger: when the revision is published, ISO 8601 (default: now); appeal windows count from it",
    )
    s.add_argument(
        "--explain",
        action="store_true",
        help="with --out FILE.json or FILE.jsonl: add each employee's points, bands, limits and explanation",
    )
    _reading(s)
    _time_options(s)
    r = sub.add_parser("rollup", help="roll recorded periods up into a longer one (months into a quarter)")
    r.add_argument("scheme")
    r.add_argument("--ledger", required=True, help="the results ledger the periods were recorded in")
    r.add_argument("--period", required=True, help="the longer period: 2026-Q2, 2026-H1, 2026")
    r.add_argument("--out", help="write the roll-up to FILE.json (atomically), or - for standard output")
    r.add_argument("--json", action="store_true", help="print the roll-up as JSON")
    r.add_argument("--partial", action="store_true", help="roll up what is recorded when periods are missing")
    e = sub.add_parser("explain", help="explain one employee's result line by line")
    e.add_argument("scheme")
    e.add_argument("data", nargs="+", help="population file(s), as for score")
    e.add_argument("--employee", required=True, help="the employee's id")
    e.add_argument("--period", help="the period label to show (optional)")
    e.add_argument("--lang", default="en", help=_LANG)
    e.add_argument("--json", action="store_true", help="print the trace records as JSON")
    e.add_argument("--ledger", help="read earlier periods for history rules from this results ledger")
    _reading(e)
    _time_options(e)
    _statement_and_ledger(sub)
    add_commands(sub)
    return p


def _statement_and_ledger(sub: Any) -> None:
    # The commands added after the first four: pay statements, and checks of a results ledger.
    st = sub.add_parser("statement", help="write pay statements as self-contained HTML pages")
    st.add_argument("scheme")
    st.add_argument("data", nargs="+", help="population file(s), as for score")
    st.add_argument("--period", required=True, help="the period, as for score")
    st.add_argument("--employee", help="the employee's id (with --out FILE.html)")
    st.add_argument("--out", help="the statement's file, FILE.html")
    st.add_argument("--all", action="store_true", help="a statement for everyone (with --out-dir DIR)")
    st.add_argument("--out-dir", help="the folder for --all: one ID.html per employee")
    st.add_argument("--lang", default="en", help=_LANG)
    st.add_argument("--ledger", help="read earlier periods for history rules from this results ledger")
    _reading(st)
    _time_options(st)
    g = sub.add_parser("ledger", help="check a results ledger").add_subparsers(dest="action", required=True)
    lv = g.add_parser("verify", help="check every recorded revision against the hash chain")
    lv.add_argument("ledger")
    lv.add_argument("--head", help="a head hash printed earlier: check that it is still in the chain")
    add_process_commands(g)


def _time_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-history", action="store_true", help="score a scheme with history rules without history")
    p.add_argument("--any-period", action="store_true", help="score a period of another kind than the scheme's")


_COMMANDS = {
    "validate": validate,
    "schema": schema,
    "score": score_command,
    "rollup": rollup,
    "explain": explain_command,
    "statement": statement,
    "ledger": lambda args: ledger_command(args) if args.action == "verify" else process_command(args),
    "bounds": run_bounds,
    "check": run_check,
    "whatif": run_whatif,
}


def _terminated(signum: int, frame: object) -> None:
    # SIGTERM becomes an exception, so temporary files are removed on the way out.
    raise SystemExit(128 + signum)


def _quiet_pipe() -> int:
    # The reader went away (perfrules score ... | head): stop quietly, and keep
    # Python from complaining when it flushes standard output at exit.
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):  # no descriptor to redirect
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_PIPE


def _run(args: argparse.Namespace) -> int:
    try:
        return _COMMANDS[args.command](args)
    except PerfrulesError as exc:  # every error of the project's tree, CompileError included
        print_error(exc, as_json=getattr(args, "json", False))
        return 1
    except BrokenPipeError:
        raise  # the reader went away: main ends quietly
    except OSError as exc:  # a file that cannot be read or written after the checks (a disk that fills up)
        print(f"perfrules {args.command}: {exc}", file=sys.stderr)
        return 1


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


if __name__ == "__main__":
    sys.exit(main())

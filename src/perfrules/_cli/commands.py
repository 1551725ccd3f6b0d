"""
The commands' bodies: read, check, score, publish and write, with progress on a terminal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .._adapters import (
    STDOUT,
    Ledger,
    approvals_of,
    check_writable,
    join_tables,
    prepare_results,
    read_population,
    read_table,
    restate,
    roll_up,
    score_held,
    statement_html,
    with_trueup,
    write_atomic,
)
from .._compile import Plan
from .._errors import EvaluationError, InputError, Issue
from .._evaluate import HistorySource, RecordedHistory, Results, layout_of, scheme_period, score
from .._explain import catalogue, explain, history_lines, render_text
from .._load import read_scheme, scheme_json_schema
from .._validate import check_file
from .assure import with_bound_warnings
from .fast import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    NO_HISTORY_WARNING,
    columnar_csv,
    columnar_stopped,
    numbers_of,
    period_of,
    plan_of,
    streamed_csv,
    usage,
)
from .process import tell_held
from .progress import Progress, progress
from .style import paint, use_colour
from .table import render_table

__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "explain_command",
    "rollup",
    "schema",
    "score_command",
    "statement",
    "validate",
]


def _dump(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def validate(args: argparse.Namespace) -> int:
    """
    ``perfrules validate``: print every finding; exit 1 on errors (or warnings with ``--strict``).
    """
    report = with_bound_warnings(check_file(args.scheme), args.scheme)
    if args.json:
        _dump(report.to_dict())
    else:
        print(paint(report.render(), use_colour(sys.stdout)))
    bad = not report.ok or (args.strict and report.warnings)
    return EXIT_INVALID if bad else EXIT_OK


def schema(args: argparse.Namespace) -> int:
    """
    ``perfrules schema``: print the JSON Schema of scheme files.
    """
    _dump(scheme_json_schema())
    return EXIT_OK


Relocate = Callable[[InputError], InputError]


def _population(args: argparse.Namespace, bar: Progress | None) -> tuple[list[dict[str, Any]], str, Relocate]:
    tables = []
    for path in args.data:
        if bar is not None:
            bar.phase(f"reading {path}")
        tick = None if bar is None else bar.count
        tables.append(read_table(path, encoding=args.encoding, delimiter=args.delimiter, progress=tick))
    for t in tables:
        if t.encoding not in (None, "utf-8", "utf-8-sig") and args.encoding is None:
            print(f"note: read {t.source} as {t.encoding} (detected; --encoding to declare)", file=sys.stderr)
    if len(tables) == 1:
        table = tables[0]

        def located(exc: InputError) -> InputError:
            # Row problems get the line and column of their cell: data.csv:7:3: error [...]
            return InputError([table.locate(i) for i in exc.issues], str(exc).split("\n", 1)[0])

        return table.rows, table.source, located
    if bar is not None:
        bar.phase("joining files")
    joined = join_tables(tables, args.id_column)
    return joined.rows, joined.source, joined.relocate


def _score(args: argparse.Namespace, bar: Progress | None, plan: Plan | None = None) -> tuple[Plan, Results]:
    plan, results, _ = _score_rows(args, bar, plan)
    return plan, results


def _score_rows(
    args: argparse.Namespace, bar: Progress | None, plan: Plan | None = None
) -> tuple[Plan, Results, list[dict[str, Any]]]:
    period, numbers = period_of(args), numbers_of(args)
    if plan is None:
        if bar is not None:
            bar.phase(f"compiling {args.scheme}")
        plan = plan_of(args)
    rows, source, relocate = _population(args, bar)
    # The label is read again in the scheme's own calendar (months may start on the 26th).
    options: dict[str, Any] = {
        "period": args.period if period is not None else None,
        "id_column": args.id_column,
        "source": source,
        "numbers": numbers,
        "no_history": args.no_history,
        "any_period": args.any_period,
        "engine": getattr(args, "engine", "row"),
    }
    ledger = getattr(args, "ledger", None)
    try:
        with ExitStack() as stack:
            book = stack.enter_context(Ledger(ledger, readonly=True)) if ledger and os.path.exists(ledger) else None
            history: HistorySource | None = None
            if ledger and plan.history and not args.no_history:  # earlier periods for prior() and streaks
                history = book if book is not None else RecordedHistory()
            label = scheme_period(plan, options["period"], args.any_period)
            if getattr(args, "trueup", False) and label is not None:  # earlier revisions' deltas, paid now
                rows, args.settles = with_trueup(book, plan, rows, label.label, args.id_column)
            approved = {}  # (a ledger's approvals are read only for a scheme with approval thresholds)
            if layout_of(plan).approvals and book is not None and label is not None:
                approved = approvals_of(book, plan.scheme.name, label.label)
            try:
                plan, results = _scored(plan, rows, approved, bar, history, options)
            except EvaluationError as exc:
                if exc.code != "columnar-limit" or options["engine"] != "columnar":
                    raise
                columnar_stopped(args, exc)
                plan, results = _scored(plan, rows, approved, bar, history, {**options, "engine": "row"})
    except InputError as exc:
        raise relocate(exc) from None
    _tell_history(results)
    return plan, results, rows


def _scored(
    plan: Plan, rows: Any, approved: Any, bar: Progress | None, history: Any, options: dict[str, Any]
) -> tuple[Plan, Results]:
    if layout_of(plan).approvals:  # amounts over their threshold are held until approved (W2)
        return score_held(plan, rows, approved, progress=bar, history=history, **options)
    return plan, score(plan, rows, progress=bar, history=history, **options)


def _tell_history(results: Results) -> None:
    note = results.history
    if note is not None and not note.used:
        print(NO_HISTORY_WARNING, file=sys.stderr)
    elif note is not None and note.missing:
        print(f"warning: never recorded, read as absent: {', '.join(note.missing)}", file=sys.stderr)


def _published_at(args: argparse.Namespace) -> dt.datetime | None:
    # ``--at``: when the revision is published (a time without an offset is UTC), checked before anything is scored.
    if args.at is None:
        return None
    if not args.ledger:
        raise usage(args, "--at needs --ledger (it is the time the ledger records the revision as published)")
    try:
        moment = dt.datetime.fromisoformat(args.at)
    except ValueError:
        raise usage(args, f"--at: {args.at!r} is not a time such as 2026-04-30T09:00+08:00") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


def _record(args: argparse.Namespace, plan: Plan, results: Results) -> None:
    with Ledger(args.ledger) as ledger:
        settles = getattr(args, "settles", ())
        done = ledger.publish(results, plan.scheme, revise=args.revise, settles=settles, at=getattr(args, "at", None))
    print(f"ledger {args.ledger}: period {done.period} revision {done.revision} {done.status}", file=sys.stderr)
    for change in done.changes:
        print(f"  {change.render()}", file=sys.stderr)
    tell_held(args.ledger, done)
    if done.stale and args.restate:  # each stale period's data is DIR/<label>.csv (or .json)
        with Ledger(args.ledger) as ledger:
            for again in restate(ledger, plan, done.stale, lambda label: _period_rows(args.restate, label)):
                print(
                    f"ledger {args.ledger}: restated {again.period} revision {again.revision} {again.status}",
                    file=sys.stderr,
                )
                tell_held(args.ledger, again)
    elif done.stale:
        print(f"stale (they read {done.period}; score them again): {', '.join(done.stale)}", file=sys.stderr)


def _period_rows(folder: str, label: str) -> list[dict[str, Any]]:
    found = [p for p in (os.path.join(folder, f"{label}.{x}") for x in ("csv", "json")) if os.path.exists(p)]
    if not found:
        issue = Issue("restate-no-data", f"no data for stale period {label} in {folder} (write {label}.csv)")
        raise InputError([issue], issue.message)
    return read_population(found[0])


def score_command(args: argparse.Namespace) -> int:
    """
    ``perfrules score``: check outputs, read, score, write to temporary files, publish, then put files in place.
    """
    if args.out:
        check_writable(args.out)  # before anything is scored or published
    args.at = _published_at(args)
    plan = plan_of(args)  # compiled once, whichever path scores
    if columnar_csv(args, plan) or streamed_csv(args, plan):
        return EXIT_OK
    with progress(enabled=sys.stderr.isatty()) as bar:
        # ``used`` is the plan the results were scored with (a scheme copy when amounts are held); the
        # ledger records them under the scheme's own plan, whose digest they carry.
        used, results = _score(args, bar, plan)
        pending = None
        try:
            if args.out:
                if bar is not None:
                    bar.phase(f"writing {args.out}", len(results))
                detail = used if args.explain else None
                pending = prepare_results(results, args.out, plan=detail, progress=bar)
            if args.ledger:
                if bar is not None:
                    bar.phase(f"publishing to {args.ledger}", 0)
                _record(args, plan, results)  # only once every output is written, waiting to be put in place
            if pending is not None:
                pending.commit()
        finally:
            if pending is not None:
                pending.discard()
    if args.json and args.out != STDOUT:
        _dump(results.to_dict())
    elif not args.out:
        print(render_table(results))
    if args.out and args.out != STDOUT:
        print(f"wrote {len(results)} result(s) to {args.out}", file=sys.stderr)
    return EXIT_OK


def rollup(args: argparse.Namespace) -> int:
    """
    ``perfrules rollup``: roll recorded periods up into a longer one.
    """
    period_of(args)  # --period is required for rollup; read again in the scheme's calendar
    if args.out:
        check_writable(args.out)
    loaded = read_scheme(args.scheme)
    assert loaded.scheme is not None
    with Ledger(args.ledger, readonly=True) as ledger:
        data = roll_up(ledger, loaded.scheme, args.period, partial=args.partial)
    if args.out:
        write_atomic(args.out, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        if args.out != STDOUT:
            print(f"wrote {len(data['results'])} roll-up(s) to {args.out}", file=sys.stderr)
    elif args.json:
        _dump(data)
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


def explain_command(args: argparse.Namespace) -> int:
    """
    ``perfrules explain``: one employee's result, line by line (or as JSON records).
    """
    words = catalogue(args.lang)  # an unknown language or a broken catalogue fails before anything is read
    with progress(enabled=sys.stderr.isatty()) as bar:
        plan, results = _score(args, bar)
    found = results.by_employee().get(args.employee)
    if found is None:
        known = ", ".join(sorted(results.by_employee())[:10])
        where = " + ".join(args.data)
        print(f"perfrules explain: no employee {args.employee!r} in {where} (first ids: {known})", file=sys.stderr)
        return EXIT_INVALID
    trace = explain(plan, found)
    told = None
    if results.history is not None and results.period is not None:
        # Which earlier period each history value came from; the trace itself shows only the values.
        told = history_lines(plan, results.period, results.history, found.values, words)
    if args.json:
        _dump({**trace.to_dict(), **({"history": told} if told is not None else {})})
    else:
        print(render_text(trace, words))
        if told is not None:
            print("\n".join(told))
    return EXIT_OK


def ledger_command(args: argparse.Namespace) -> int:
    """
    ``perfrules ledger verify``: check every recorded revision against the hash chain.
    """
    with Ledger(args.ledger, readonly=True) as ledger:
        problems, count, head = ledger.verify(args.head)
    for issue in problems:
        print(issue.render(), file=sys.stderr)
    print(f"ledger {args.ledger}: {count} revision(s), {len(problems)} problem(s), head {head or '-'}")
    return EXIT_INVALID if problems else EXIT_OK


def _statement_name(employee: str) -> str:
    # Any id makes a safe file name: only letters, digits, '-', '_' and '.' are kept as they are.
    return quote(employee, safe="") + ".html"


def statement(args: argparse.Namespace) -> int:
    """
    ``perfrules statement``: one employee's pay statement (``--out``), or everyone's (``--all --out-dir``).
    """
    if args.all == (args.employee is not None):
        raise usage(args, "give either --employee ID with --out FILE.html, or --all with --out-dir DIR")
    if args.all and not args.out_dir:
        raise usage(args, "--all needs --out-dir DIR")
    if args.employee is not None and not args.out:
        raise usage(args, "--employee needs --out FILE.html")
    words = catalogue(args.lang)  # an unknown language or a broken catalogue fails before anything is read
    if args.out:
        check_writable(args.out)
    else:
        check_writable(Path(args.out_dir) / _statement_name("probe"))
    with progress(enabled=sys.stderr.isatty()) as bar:
        plan, results, rows = _score_rows(args, bar)
    people = results.by_employee()
    column = plan.team_column
    ids = {str(r.get(args.id_column, "")).strip(): r for r in rows}
    teams = {e: str(r.get(column, "")).strip() for e, r in ids.items()} if column else None
    wanted = sorted(people) if args.all else [args.employee]
    if args.employee is not None and args.employee not in people:
        known = ", ".join(sorted(people)[:10])
        print(f"perfrules statement: no employee {args.employee!r} (first ids: {known})", file=sys.stderr)
        return EXIT_INVALID
    for employee in wanted:
        name = ids.get(employee, {}).get("name")
        page = statement_html(
            plan, people[employee], results, lang=words, teams=teams, name=str(name) if name else None
        )
        write_atomic(args.out or Path(args.out_dir) / _statement_name(employee), page)
    where = args.out or args.out_dir
    print(f"wrote {len(wanted)} statement(s) to {where}", file=sys.stderr)
    return EXIT_OK

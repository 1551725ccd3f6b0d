"""
The evaluate phase: run a plan's generated function for each employee and collect results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sized
from decimal import Decimal, localcontext
from types import TracebackType
from typing import Any, Literal

from .._compile import CONTEXT, FILENAME, Plan
from .._errors import EvaluationError, InputError, Issue
from .._formula import NoTier, group_name
from .._kinds import CountError
from .._model import Period
from .._plugins import NumberFormat, number_format
from .batch import columnar_results, columnar_wanted
from .distribution import distributed
from .history import HistoryNote, HistorySource, history_values
from .inputs import Row, as_records, read_rows
from .people import population_values
from .population import Results
from .results import Layout, Result, build_result, layout_of
from .teams import team_values, unshared
from .texts import kept_texts

__all__ = ["evaluate", "scheme_period", "score"]

_CHUNK = 10_000


def _failing_frame(tb: TracebackType | None) -> tuple[int, dict[str, Any]] | None:
    found = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(FILENAME):
            found = (tb.tb_lineno, dict(tb.tb_frame.f_locals))
        tb = tb.tb_next
    return found


def _arith(err: BaseException) -> str:
    if isinstance(err, NoTier | CountError):
        return str(err)
    # The C decimal module raises InvalidOperation listing the signal: [<class 'DivisionUndefined'>].
    signals = err.args[0] if err.args and isinstance(err.args[0], list) else []
    name = " ".join([type(err).__name__, *(getattr(s, "__name__", "") for s in signals)])
    if "DivisionByZero" in name or "DivisionUndefined" in name or isinstance(err, ZeroDivisionError):
        return "division by zero (use div(a, b, default) where the divisor can be 0)"
    if "Overflow" in name:
        return "number too large"
    return f"arithmetic error ({name})"


def _diagnose(plan: Plan, row: Row, exc: ArithmeticError) -> EvaluationError:
    # The fast path keeps no record of where it is; the traceback's line number
    # in the generated function names the step, and its frame holds the values.
    found = _failing_frame(exc.__traceback__)
    if found is None:
        return EvaluationError(_arith(exc), employee=row.employee)
    line, local = found
    ref = plan.lines.get(line)
    if ref is None:
        return EvaluationError(_arith(exc), employee=row.employee)
    formulas = [f for p, f in plan.formulas.items() if p[:2] == ref or (ref[0] == "score" and p[0] == "score")]
    text = formulas[0].text if len(formulas) == 1 else None
    names = sorted({n for f in formulas for n in f.names} | {group_name(*g) for f in formulas for g in f.groups})
    step = "score" if ref[0] == "score" else f"{ref[0]}.{ref[1]}"
    return EvaluationError(
        _arith(exc), employee=row.employee, step=step, formula=text, values={n: local.get(f"v_{n}") for n in names}
    )


def _finite(plan: Plan, results: list[Result], rows: list[Row]) -> None:
    # Python's decimal module gives 0 ** -1 = Infinity without any signal, so a
    # value that is not finite is looked for here, before anything is stored,
    # written or published. The first one in the plan's order is where it came from.
    # Every other source of a value is finite by construction (inputs, parameters
    # and plugin values are checked against the budget; the context traps
    # division by zero, overflow and invalid operations), so only a plan with a
    # power pays for the check: about 7 µs per employee of 33 values.
    if not any("**" in f.text for f in plan.formulas.values()):
        return
    outputs = plan.outputs
    for res, row in zip(results, rows, strict=True):
        bad = next(
            (k for k, v in enumerate(res.row) if v.__class__ is Decimal and not v.is_finite()),
            None,
        )
        if bad is None:
            continue
        name = outputs[bad]
        formulas = [f for p, f in plan.formulas.items() if name in p or (name == "score" and p[0] == "score")]
        names = sorted({n for f in formulas for n in f.names})
        values = dict(zip(outputs, res.row, strict=True))
        raise EvaluationError(
            f"{name} is {res.row[bad]}, not a finite number (a power of 0 with a negative exponent divides by zero)",
            employee=row.employee,
            step=name,
            formula=formulas[0].text if len(formulas) == 1 else None,
            values={n: values.get(n) for n in names},
        )


def _counts(plan: Plan, rows: list[Row], source: str | None) -> None:
    # A schedule (P4) charges by a count of occurrences: a count read straight
    # from a column must be whole and not negative, named by row and column.
    spots = {i.metric.name: k for k, i in enumerate(plan.inputs)}
    columns = [
        (column, spots[column])
        for adj in plan.scheme.adjustments()
        if adj.schedule is not None
        and adj.count is not None
        and (column := adj.count.strip().removeprefix("metrics.")) in spots
    ]
    issues = [
        Issue(
            "bad-count",
            f"{column}: a count of occurrences must be a whole number of 0 or more, got {value}",
            (f"row {row.number}", column),
            source=source,
            hint="write how many times it happened: 0, 1, 2...",
        )
        for column, at in columns
        for row in rows
        if (value := row.values[at]).__class__ is Decimal and (value < 0 or value != value.to_integral_value())
    ]
    if issues:
        raise InputError(issues, f"{len(issues)} problem(s) in {source or 'the input'}; nothing was scored")


def _shown(value: object) -> str:
    # repr() of an integer over 4,300 digits raises: what is shown of a value is bounded.
    try:
        text = repr(value)
    except ValueError:
        return f"<{type(value).__name__} too long to show>"
    return text if len(text) <= 60 else text[:57] + "..."


def _phase(progress: Callable[[int], None] | None, name: str, total: int) -> None:
    # A progress object may also be told which phase is running (the command line's bar is).
    phase = getattr(progress, "phase", None)
    if phase is not None:
        phase(name, total)


def _run(
    plan: Plan, run: Callable[[tuple[Any, ...]], tuple[Any, ...]], row: Row, values: tuple[Any, ...]
) -> tuple[Any, ...]:
    try:
        return run(values)
    except ArithmeticError as exc:
        raise _diagnose(plan, row, exc) from exc


def _single_stage(
    plan: Plan,
    layout: Layout,
    checked: list[Row],
    label: str | None,
    progress: Callable[[int], None] | None,
    trace: bool,
) -> list[Result]:
    stage = plan.traced_stages[0] if trace else plan.stages[0]
    run, results, width = stage.run, [], stage.width
    _phase(progress, "scoring", len(checked))
    # The try is written out here rather than calling _run: at 100,000
    # employees one more function call per employee is measurable.
    for k, row in enumerate(checked, start=1):
        try:
            out = run(row.values)
        except ArithmeticError as exc:
            raise _diagnose(plan, row, exc) from exc
        if trace:
            results.append(build_result(layout, row.employee, out[:width], label, out))
        else:
            results.append(build_result(layout, row.employee, out, label))
        if progress is not None and (k % 1000 == 0 or k == len(checked)):
            progress(k)
    return results


def _staged(
    plan: Plan,
    layout: Layout,
    checked: list[Row],
    label: str | None,
    progress: Callable[[int], None] | None,
    trace: bool,
) -> list[Result]:
    # Every employee goes through stage k before team values for stage k + 1
    # are worked out: individual values, then team values, then what reads them.
    stages = plan.traced_stages if trace else plan.stages
    values: list[tuple[Any, ...]] = [row.values for row in checked]
    facts: list[tuple[Any, ...]] = [() for _ in checked]
    teams = [row.text[plan.team_column] if plan.team_column else "*" for row in checked]
    pop = plan.scheme.population
    columns = pop.relations() if pop is not None else {}
    relations = {rel: [row.text.get(col, "").strip() for row in checked] for rel, col in columns.items()}
    ids = [row.employee for row in checked]
    n = len(checked)
    for k, stage in enumerate(stages):
        _phase(progress, f"stage {k + 1}/{len(stages)}", n)
        if k:
            extra = team_values(plan, stage, teams, values, ids, relations)
            values = [v + g for v, g in zip(values, extra, strict=True)]
        run, width = stage.run, stage.width
        done = []
        for start in range(0, n, _CHUNK):  # in chunks, so that a progress bar moves within a stage
            chunk = values[start : start + _CHUNK]
            try:  # one try around a chunk: the failing employee is found only when one fails
                done += [run(v) for v in chunk]
            except ArithmeticError:
                done += [_run(plan, run, row, v) for row, v in zip(checked[start:], chunk, strict=False)]
            if progress is not None:
                progress(start + len(chunk))
        if trace:
            values = [out[:width] for out in done]
            facts = [f + out[width:] for f, out in zip(facts, done, strict=True)]
        else:
            values = done  # without tracing a stage returns its values and nothing else
    _phase(progress, "building results", 0)
    return [
        build_result(layout, row.employee, v, label, v + f if trace else None)
        for row, v, f in zip(checked, values, facts, strict=True)
    ]


def _kinds(plan: Plan) -> dict[str, str]:
    flags = {f.name for f in plan.scheme.flags} | {c.name for c in plan.scheme.conditions}
    return {name: "bool" if name in flags else "number" for _, name, _ in plan.history}


def scheme_period(plan: Plan, period: Period | str | None, any_period: bool) -> Period | None:
    """
    Return ``period`` read in the scheme's own calendar (one interval, one name), or raise ``InputError``.
    """
    if period is None:
        return None
    if not isinstance(period, Period | str):
        raise InputError(
            [
                Issue(
                    "bad-period",
                    f"a period must be a Period or text such as '2026-04', got {type(period).__name__} "
                    f"{_shown(period)}",
                    hint="write 2026-04, 2026-Q2, 2026-H1, 2026 or 2026-03-26..2026-04-25",
                )
            ]
        )
    calendar = plan.scheme.calendar
    try:
        found = calendar.resolve(period) if isinstance(period, str) else calendar.canonical(period.start, period.end)
    except ValueError as exc:
        raise InputError([Issue("bad-period", str(exc))], "the period cannot be read; nothing was scored") from None
    if plan.scheme.period not in (found.kind, "custom") and not any_period:
        issue = Issue(
            "period-kind",
            f"scheme {plan.scheme.name!r} scores {plan.scheme.period} periods; {found.label} is a {found.kind} "
            f"period in its calendar (months start on day {calendar.month_starts})",
            hint="score a period of the scheme's kind, or ask for another kind explicitly (--any-period, "
            "any_period=True)",
        )
        raise InputError([issue], "the period is not one the scheme scores; nothing was scored")
    return found


def score(
    plan: Plan,
    rows: Iterable[Mapping[str, Any]],
    *,
    period: Period | str | None = None,
    id_column: str = "employee_id",
    source: str | None = None,
    first_row: int = 2,
    progress: Callable[[int], None] | None = None,
    trace: bool = False,
    history: HistorySource | None = None,
    numbers: NumberFormat | None = None,
    no_history: bool = False,
    any_period: bool = False,
    engine: Literal["row", "columnar"] = "row",
) -> Results:
    """
    Score a whole population for one period.

    ``rows`` are mappings (``csv.DictReader`` rows, dicts from a database),
    or a pandas DataFrame, pyarrow Table or polars DataFrame.  Every row is checked before any
    is scored; any bad cell raises :class:`InputError` naming its row and
    column, and no result is returned.  Results are in employee-id order,
    whatever the order of the rows.  ``progress(done)`` is called every
    1,000 employees when given (if it also has a ``phase(name, total)`` method,
    that is called as checking, scoring and each stage begin, and ``progress``
    counts within each).  With ``trace`` each result keeps the facts
    :func:`perfrules.explain` needs, so explaining it evaluates nothing again.
    ``history`` (the results ledger, or any :class:`HistorySource`) provides
    earlier periods for ``prior()``, ``streak()`` and ``previous_streak()``; a
    scheme that reads history needs one unless ``no_history`` asks to go
    without, and then :attr:`Results.history` says so.  The period is read in
    the scheme's calendar and must be of the scheme's kind unless ``any_period``.
    ``numbers`` declares how numbers are written in the cells (a decimal comma,
    a thousands separator); without it a comma in a number is an error.
    ``engine="columnar"``: whole columns at once, same results (:mod:`perfrules._evaluate.columnar`).
    """
    columnar = columnar_wanted(plan, engine, trace)
    period = scheme_period(plan, period, any_period)
    note: HistoryNote | None = None
    label = period.label if period else None
    records = as_records(rows)
    _phase(progress, "checking", len(records) if isinstance(records, Sized) else 0)
    with number_format(numbers):
        checked = sorted(
            read_rows(plan, records, id_column=id_column, source=source, first_row=first_row, progress=progress),
            key=lambda r: r.employee,
        )
    _counts(plan, checked, source)
    if plan.history or plan.scheme.population is not None:
        _phase(progress, "history and population values", 0)
        # History values, then population values, follow the inputs; rows are rebuilt once.
        past = None
        if plan.history:
            past, note = history_values(plan, history, period, checked, _kinds(plan), no_history=no_history)
        people = population_values(plan, checked, period) if plan.scheme.population is not None else None
        make = tuple.__new__
        checked = [
            make(Row, (r[0], r[1], r[2] + (past[k] if past else ()) + (people[k] if people else ()), r[3]))
            for k, r in enumerate(checked)
        ]
    layout = layout_of(plan)
    with localcontext(CONTEXT):
        if columnar:  # where it stops, the row engine (the last argument) raises its own error, or not
            results = columnar_results(plan, layout, checked, label, _staged if plan.stages[1:] else _single_stage)
        elif len(plan.stages) == 1:
            results = _single_stage(plan, layout, checked, label, progress, trace)
        else:
            results = _staged(plan, layout, checked, label, progress, trace)
    _finite(plan, results, checked)
    results = distributed(plan, results, checked)
    results = kept_texts(plan, results, checked)
    unshared(plan, results, checked)
    return Results(plan.scheme.name, plan.digest, period, tuple(results), note)


def evaluate(
    plan: Plan,
    inputs: Mapping[str, Any],
    *,
    employee: str = "employee",
    period: Period | str | None = None,
    history: HistorySource | None = None,
    numbers: NumberFormat | None = None,
    no_history: bool = False,
    any_period: bool = False,
) -> Result:
    """
    Score one employee from a mapping of metric names to raw values (see :func:`score`).

    ``inputs`` may hold ``employee_id`` only when it equals ``employee``: the
    id is given once, so a row copied with its id cannot score someone else.
    """
    if not isinstance(inputs, Mapping):
        raise InputError(
            [Issue("bad-row", f"inputs must be a mapping of names to values, got {type(inputs).__name__}")]
        )
    other = inputs.get("employee_id", employee)
    if other != employee:
        raise InputError(
            [
                Issue(
                    "bad-row",
                    f"inputs say employee_id {_shown(other)} but employee is {_shown(employee)}",
                    ("employee_id",),
                    hint="give the id once, as evaluate(plan, inputs, employee=...)",
                )
            ]
        )
    rows = [{**inputs, "employee_id": employee}]
    return score(
        plan, rows, period=period, history=history, numbers=numbers, no_history=no_history, any_period=any_period
    ).results[0]

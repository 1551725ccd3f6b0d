"""
The evaluate phase: run a plan's generated function for each employee and collect results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import localcontext
from types import TracebackType
from typing import Any, Literal

from .._compile import CONTEXT, FILENAME, Plan
from .._errors import EvaluationError, InputError, Issue
from .._formula import NoTier, group_name
from .._model import Period
from .distribution import distribute
from .history import HistorySource, history_values
from .inputs import Row, read_rows
from .people import population_values
from .results import Layout, Result, Results, build_result, layout_of
from .teams import team_values

__all__ = ["evaluate", "score", "score_frame"]


def _failing_frame(tb: TracebackType | None) -> tuple[int, dict[str, Any]] | None:
    found = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(FILENAME):
            found = (tb.tb_lineno, dict(tb.tb_frame.f_locals))
        tb = tb.tb_next
    return found


def _arith(err: BaseException) -> str:
    if isinstance(err, NoTier):
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


def _reasons(plan: Plan, results: list[Result], rows: list[Row]) -> None:
    issues = []
    for b in plan.scheme.bonuses:
        if b.reason is None:
            continue
        at = plan.index[b.name]
        for res, row in zip(results, rows, strict=True):
            amount = res.row[at]
            if amount != 0 and not row.text.get(b.reason, "").strip():
                issues.append(
                    Issue(
                        "reason-required",
                        f"{b.name} of {amount} needs a reason in column {b.reason!r}",
                        (f"row {row.number}", b.reason),
                        hint="a discretionary adjustment must say why",
                    )
                )
    if issues:
        raise InputError(issues, f"{len(issues)} adjustment(s) without a reason; nothing was scored")


def _records(rows: Any) -> Iterable[Mapping[str, Any]]:
    # A pandas DataFrame or a pyarrow Table works without depending on either.
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):
        return rows.to_dict("records")  # type: ignore[no-any-return]
    if hasattr(rows, "to_pylist"):
        return rows.to_pylist()  # type: ignore[no-any-return]
    return rows  # type: ignore[no-any-return]


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
    for k, stage in enumerate(stages):
        if k:
            extra = team_values(plan, stage, teams, values, ids, relations)
            values = [v + g for v, g in zip(values, extra, strict=True)]
        run, width = stage.run, stage.width
        try:  # one try around the whole stage: the failing employee is found only when one fails
            done = [run(v) for v in values]
        except ArithmeticError:
            done = [_run(plan, run, row, v) for row, v in zip(checked, values, strict=True)]
        if trace:
            values = [out[:width] for out in done]
            facts = [f + out[width:] for f, out in zip(facts, done, strict=True)]
        else:
            values = done  # without tracing a stage returns its values and nothing else
    if progress is not None:
        progress(len(checked))
    return [
        build_result(layout, row.employee, v, label, v + f if trace else None)
        for row, v, f in zip(checked, values, facts, strict=True)
    ]


def _columnar(plan: Plan, layout: Layout, checked: list[Row], label: str | None) -> list[Result]:
    from .columnar import run_columnar

    def fallback() -> None:
        # Where the columnar engine stops, the row engine says what it would do: raise its own error, or not.
        if len(plan.stages) == 1:
            _single_stage(plan, layout, checked, label, None, False)
        else:
            _staged(plan, layout, checked, label, None, False)

    outs = run_columnar(plan, checked, fallback)
    return [build_result(layout, row.employee, out, label) for row, out in zip(checked, outs, strict=True)]


def _distributed(plan: Plan, results: list[Result], rows: list[Row]) -> list[Result]:
    grades = plan.scheme.grades
    if grades is None or grades.distribution is None:
        return results
    order = [str(t.label) for t in grades.tiers if t.label is not None]
    at = plan.index["grade.value"]
    # Only those assessed this period (H3) are graded together and take quota places.
    graded = [k for k, r in enumerate(results) if plan.assessed is None or r.row[plan.assessed]]
    groups = [rows[k].text.get(plan.team_column, "") if plan.team_column else "*" for k in graded]
    moved = distribute(
        [results[k].grade for k in graded], [results[k].row[at] for k in graded], groups, order, grades.distribution
    )
    out = list(results)
    for k, (grade, note) in zip(graded, moved, strict=True):
        if note is not None:
            out[k] = results[k].regraded(grade, note)
    return out


def _kinds(plan: Plan) -> dict[str, str]:
    flags = {f.name for f in plan.scheme.flags} | {c.name for c in plan.scheme.conditions}
    return {name: "bool" if name in flags else "number" for _, name, _ in plan.history}


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
    engine: Literal["row", "columnar"] = "row",
) -> Results:
    """
    Score a whole population for one period.

    ``rows`` are mappings (``csv.DictReader`` rows, dicts from a database),
    or a pandas DataFrame or pyarrow Table.  Every row is checked before any
    is scored; any bad cell raises :class:`InputError` naming its row and
    column, and no result is returned.  Results are in employee-id order,
    whatever the order of the rows.  ``progress(done)`` is called every
    1,000 employees when given.  With ``trace`` each result keeps the facts
    :func:`perfrules.explain` needs, so explaining it evaluates nothing again.
    ``history`` (the results ledger, or any :class:`HistorySource`) provides
    earlier periods for ``prior()``, ``streak()`` and ``previous_streak()``.
    ``engine="columnar"`` computes with whole columns at once (the optional
    ``columnar`` extra, polars): the same results, exactly; a scheme it cannot
    compute exactly yet is refused with ``columnar-unsupported`` before any row
    is read.  Explanations (``trace``) always come from the row engine.
    """
    if engine not in ("row", "columnar"):
        raise ValueError(f"engine must be 'row' or 'columnar', not {engine!r}")
    columnar = engine == "columnar" and not trace
    if columnar:
        from .columnar import require_columnar

        require_columnar(plan)
    if isinstance(period, str):
        period = Period.parse(period)
    label = period.label if period else None
    checked = sorted(
        read_rows(plan, _records(rows), id_column=id_column, source=source, first_row=first_row),
        key=lambda r: r.employee,
    )
    if plan.history or plan.scheme.population is not None:
        # History values, then population values, follow the inputs; rows are rebuilt once.
        past = (
            history_values(plan, history, period, [r.employee for r in checked], _kinds(plan)) if plan.history else None
        )
        people = population_values(plan, checked, period) if plan.scheme.population is not None else None
        make = tuple.__new__
        checked = [
            make(Row, (r[0], r[1], r[2] + (past[k] if past else ()) + (people[k] if people else ()), r[3]))
            for k, r in enumerate(checked)
        ]
    layout = layout_of(plan)
    with localcontext(CONTEXT):
        if columnar:
            results = _columnar(plan, layout, checked, label)
            if progress is not None:
                progress(len(checked))
        elif len(plan.stages) == 1:
            results = _single_stage(plan, layout, checked, label, progress, trace)
        else:
            results = _staged(plan, layout, checked, label, progress, trace)
    results = _distributed(plan, results, checked)
    _reasons(plan, results, checked)
    return Results(plan.scheme.name, plan.digest, period, tuple(results))


def evaluate(
    plan: Plan,
    inputs: Mapping[str, Any],
    *,
    employee: str = "employee",
    period: Period | str | None = None,
    history: HistorySource | None = None,
) -> Result:
    """
    Score one employee from a mapping of metric names to raw values.
    """
    return score(plan, [{"employee_id": employee, **inputs}], period=period, history=history).results[0]


def score_frame(plan: Plan, df: Any, id_column: str, period: Period | None, fallback: Callable[[], None]) -> Any:
    """
    Return the flat result rows of a polars frame of text cells, column-wise, or ``None`` when not the plain case.

    See :mod:`perfrules._evaluate.columns`; polars is imported only here.
    """
    from .columns import score_frame as run

    return run(plan, df, id_column, period, fallback)

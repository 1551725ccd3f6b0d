"""
The evaluate phase: run a plan's steps for each employee and collect results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import localcontext
from typing import Any

from .._compile import CONTEXT, Plan
from .._errors import EvaluationError, InputError, Issue
from .._formula import NoTier
from .._model import Period
from .inputs import Row, read_rows
from .results import Result, Results, build_result

__all__ = ["evaluate", "evaluate_row", "score"]


def _diagnose(plan: Plan, row: Row, env: dict[str, Any], exc: ArithmeticError) -> EvaluationError:
    # The fast path does not track which step is running; on failure, replay
    # step by step to name the step, its formula and the values it read.
    env = {**plan.params, **row.values}
    for step in plan.steps:
        try:
            step.run(env)
        except ArithmeticError as err:
            formulas = [(p, f) for p, f in plan.formulas.items() if p[:2] == (step.collection, step.name)]
            text = formulas[0][1].text if len(formulas) == 1 else None
            names = {n for _, f in formulas for n in f.names}
            values = {n: env.get(n) for n in sorted(names)}
            why = str(err) if isinstance(err, NoTier) else _arith(err)
            return EvaluationError(
                why, employee=row.employee, step=f"{step.collection}.{step.name}", formula=text, values=values
            )
    return EvaluationError(_arith(exc), employee=row.employee)


def _arith(err: BaseException) -> str:
    name = type(err).__name__
    if "DivisionByZero" in name or "DivisionUndefined" in name or isinstance(err, ZeroDivisionError):
        return "division by zero (use div(a, b, default) where the divisor can be 0)"
    if "Overflow" in name:
        return "number too large"
    return f"arithmetic error ({name})"


def evaluate_row(plan: Plan, row: Row, period: Period | None = None) -> Result:
    """
    Score one checked row; the caller has set the Decimal context.
    """
    env: dict[str, Any] = {**plan.params, **row.values}
    try:
        for step in plan.steps:
            step.run(env)
    except ArithmeticError as exc:
        raise _diagnose(plan, row, env, exc) from exc
    grade = plan.grade(env) if plan.grade is not None else None
    return build_result(plan, row, env, grade, period)


def _reasons(plan: Plan, results: list[Result], rows: list[Row]) -> None:
    issues = []
    for b in plan.scheme.bonuses:
        if b.reason is None:
            continue
        for res, row in zip(results, rows, strict=True):
            if res.values[b.name] != 0 and not row.text.get(b.reason, "").strip():
                issues.append(
                    Issue(
                        "reason-required",
                        f"{b.name} of {res.values[b.name]} needs a reason in column {b.reason!r}",
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


def score(
    plan: Plan,
    rows: Iterable[Mapping[str, Any]],
    *,
    period: Period | str | None = None,
    id_column: str = "employee_id",
    source: str | None = None,
    first_row: int = 2,
    progress: Callable[[int], None] | None = None,
) -> Results:
    """
    Score a whole population for one period.

    ``rows`` are mappings (``csv.DictReader`` rows, dicts from a database),
    or a pandas DataFrame or pyarrow Table.  Every row is checked before any
    is scored; any bad cell raises :class:`InputError` naming its row and
    column, and no result is returned.  Results are in employee-id order,
    whatever the order of the rows.  ``progress(done)`` is called every
    1,000 employees when given.
    """
    if isinstance(period, str):
        period = Period.parse(period)
    checked = sorted(
        read_rows(plan, _records(rows), id_column=id_column, source=source, first_row=first_row),
        key=lambda r: r.employee,
    )
    with localcontext(CONTEXT):
        if progress is None:
            results = [evaluate_row(plan, row, period) for row in checked]
        else:
            results = []
            for k, row in enumerate(checked, start=1):
                results.append(evaluate_row(plan, row, period))
                if k % 1000 == 0 or k == len(checked):
                    progress(k)
    _reasons(plan, results, checked)
    return Results(plan.scheme.name, plan.digest, period, tuple(results))


def evaluate(
    plan: Plan, inputs: Mapping[str, Any], *, employee: str = "employee", period: Period | str | None = None
) -> Result:
    """
    Score one employee from a mapping of metric names to raw values.
    """
    return score(plan, [{"employee_id": employee, **inputs}], period=period).results[0]

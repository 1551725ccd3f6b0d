"""
Reading a population's rows into environments, checking every cell first.

All problems of all rows are collected and raised together as one
:class:`~perfrules.InputError`, before anything is evaluated, so a bad file
never produces half a result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from .._compile import InputSpec, Plan
from .._errors import InputError, Issue
from .._suggest import did_you_mean

__all__ = ["Row", "read_rows"]


@attrs.frozen
class Row:
    """
    One employee's checked inputs: id, 1-based row number, values by metric name, extra text columns.
    """

    employee: str
    number: int
    values: Mapping[str, Any]
    text: Mapping[str, str] = attrs.field(factory=dict)


def _cell(spec: InputSpec, raw: Any, where: tuple[str | int, ...], issues: list[Issue]) -> Any:
    m = spec.metric
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if spec.kind.value_type == "list":
            return ()
        if m.default is not None:
            return m.default
        issues.append(
            Issue(
                "missing-value", f"no value for {m.name!r}", where, hint="fill the cell, or give the metric a default"
            )
        )
        return None
    try:
        value = spec.kind.parse(raw, m)
    except (ValueError, TypeError, ArithmeticError) as exc:
        issues.append(Issue("bad-value", f"{m.name}: {exc}", where, hint=f"{m.name} is of type {m.type!r}"))
        return None
    if isinstance(value, tuple):
        for v in value:
            if spec.levels is not None and v not in spec.levels:
                allowed = ", ".join(str(x) for x in sorted(spec.levels))
                issues.append(Issue("not-a-level", f"{m.name}: {v} is not one of the levels {allowed}", where))
            if spec.range is not None and not spec.range[0] <= v <= spec.range[1]:
                issues.append(
                    Issue(
                        "out-of-range",
                        f"{m.name}: {v} is outside the range {spec.range[0]}-{spec.range[1]}",
                        where,
                        hint="each amount must lie in the range the scheme declares",
                    )
                )
    return value


def read_rows(
    plan: Plan,
    rows: Iterable[Mapping[str, Any]],
    *,
    id_column: str = "employee_id",
    source: str | None = None,
    first_row: int = 2,
) -> list[Row]:
    """
    Check and convert every row; raise :class:`InputError` with every bad cell.

    ``first_row`` is the number shown for the first data row (2 for a CSV file
    whose line 1 is the header).  Columns the scheme does not read are kept as
    text (reasons for discretionary adjustments live there).
    """
    issues: list[Issue] = []
    out: list[Row] = []
    seen: dict[str, int] = {}
    missing: set[str] = set()
    names = [s.metric.name for s in plan.inputs]
    reasons = {b.reason for b in plan.scheme.bonuses if b.reason}
    for n, row in enumerate(rows, start=first_row):
        where_row: tuple[str | int, ...] = (f"row {n}",)
        emp = row.get(id_column)
        if emp is None or not str(emp).strip():
            issues.append(
                Issue(
                    "missing-id",
                    f"row {n} has no {id_column!r}",
                    where_row,
                    source=source,
                    hint=f"every row needs the employee's id in column {id_column!r}",
                )
            )
            emp = f"<row {n}>"
        emp = str(emp).strip()
        if emp in seen:
            issues.append(
                Issue(
                    "duplicate-employee",
                    f"employee {emp!r} appears in rows {seen[emp]} and {n}",
                    where_row,
                    source=source,
                    hint="keep one row per employee and period",
                )
            )
        seen.setdefault(emp, n)
        values: dict[str, Any] = {}
        for spec in plan.inputs:
            name = spec.metric.name
            where = (f"row {n}", name)
            if name not in row:
                needed = spec.metric.default is None and spec.kind.value_type != "list"
                if needed and name not in missing:
                    missing.add(name)
                    issues.append(
                        Issue(
                            "missing-column",
                            f"column {name!r} is missing (first at row {n}){did_you_mean(name, [str(k) for k in row])}",
                            (name,),
                            source=source,
                            hint=f"the scheme reads {', '.join(names)}",
                        )
                    )
                values[name] = spec.metric.default if spec.kind.value_type != "list" else ()
                continue
            values[name] = _cell(spec, row[name], where, issues)
        text = {k: str(v) for k, v in row.items() if k in reasons and v is not None}
        out.append(Row(emp, n, values, text))
    if not out and not issues:
        issues.append(
            Issue(
                "empty-input",
                "the input has no rows",
                source=source,
                hint="give one row per employee under a header line",
            )
        )
    if issues:
        placed = [attrs.evolve(i, source=source) for i in issues]
        raise InputError(placed, f"{len(placed)} problem(s) in {source or 'the input'}; nothing was scored")
    return out

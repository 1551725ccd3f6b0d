"""
One period's rows under many variants of a scheme, column-wise: rows read and turned into columns once.

A sweep (:func:`perfrules.sweep`) scores the same rows under variants that
usually differ only in parameters, tables and weights.  Where every variant
reads the rows, history and population values exactly as the baseline does
(the same inputs, history calls and output names before the first computed
value), the rows are read and checked once by the row engine's reader, turned
into columns once, and each variant is evaluated over those columns by the
columnar engine; only the amount compared is turned back into Decimals.  Every
other case, and any value beyond the columnar engine's exact range, is scored by
:func:`~perfrules._evaluate.engine.score` itself, so the amounts are the ones
``score`` gives, cell for cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, localcontext
from typing import Any

from .._compile import CONTEXT, Plan
from .._errors import EvaluationError
from .._model import Period
from .columnar import columnar_issues, evaluate_columns
from .engine import _counts, _kinds, scheme_period, score
from .history import history_values
from .inputs import as_records, read_rows

__all__ = ["amounts", "shares_reading"]


def _reading(plan: Plan) -> tuple[Any, ...]:
    return (
        tuple((s.name, s.kind.value_type, repr(s.metric)) for s in plan.inputs),
        tuple(plan.history),
        tuple(s.groups for s in plan.stages),
    )


def shares_reading(base: Plan, plan: Plan) -> bool:
    """
    Return whether ``plan`` reads rows and history as ``base`` does and the columnar engine can score it alone.

    Only plain plans share a reading: no population values (tenure, roles, relations, shared costs), no
    reasons and no forced distribution, which :func:`score` works out beside the columnar engine's values.
    """
    scheme = plan.scheme
    plain = (
        scheme.population is None
        and not any(b.reason is not None for b in scheme.bonuses)
        and (scheme.grades is None or scheme.grades.distribution is None)
        and not columnar_issues(plan)
    )
    return plain and _reading(plan) == _reading(base)


def amounts(
    base: Plan,
    plans: Mapping[str, Plan],
    rows: Sequence[Mapping[str, Any]],
    period: str | Period | None,
    names: Mapping[str, str],
    *,
    id_column: str = "employee_id",
    history: Any = None,
    no_history: bool = False,
) -> dict[str, dict[str, Decimal]]:
    """
    Return each plan's value ``names[key]`` by employee for ``rows``; every plan must share ``base``'s reading.

    Bad rows raise :class:`InputError` as :func:`score` does.
    """
    found = scheme_period(base, period, False)
    checked = sorted(read_rows(base, as_records(rows), id_column=id_column), key=lambda r: r.employee)
    _counts(base, checked, None)
    ids = [r.employee for r in checked]
    values = [r.values for r in checked]
    if base.history:
        past, _ = history_values(base, history, found, ids, _kinds(base), no_history=no_history)
        values = [v + p for v, p in zip(values, past, strict=True)]
    from .values import from_values

    width = len(values[0]) if values else 0
    columns = {name: from_values([v[k] for v in values]) for k, name in enumerate(base.outputs[:width])}
    out: dict[str, dict[str, Decimal]] = {}
    for key, plan in plans.items():
        try:
            with localcontext(CONTEXT):
                env = evaluate_columns(plan, lambda: dict(columns), len(ids), ids.__getitem__, lambda: None)
        except EvaluationError as exc:
            if exc.code != "columnar-limit":
                raise
            # Beyond the columnar engine's exact range: the row engine scores it (or raises its own error).
            at = plan.index[names[key]]
            results = score(plan, rows, period=period, id_column=id_column, history=history, no_history=no_history)
            out[key] = {r.employee: r.row[at] for r in results}
            continue
        out[key] = dict(zip(ids, env[names[key]].decimals(), strict=True))
    return out

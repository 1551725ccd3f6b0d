"""
What-if sweeps: many variants of a scheme over many periods, totals and per-employee changes against a baseline.

Each variant scores every period's rows (a ledger's recorded inputs, say) with
the columnar engine where the variant allows it and the row engine otherwise
(:attr:`Sweep.engines` says which, and why); the scores are those of
:func:`perfrules.score`, cell for cell.  Variants the columnar engine scores
that read rows as the baseline does share one reading of each period's rows.
With ``dask=True`` each period is one task on the active Dask scheduler (a
``distributed.Client``).
Nothing is written.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from .._compile import Plan, compile_scheme
from .._errors import CompileError, InputError, Issue
from .._evaluate import Shipped, amounts, columnar_issues, portable, score, shares_reading
from .._model import Period, Scheme
from .versions import HOLDS_NOTE

__all__ = ["Sweep", "sweep"]

_ZERO = Decimal(0)

Amounts = dict[str, Decimal]


@attrs.frozen
class Sweep:
    """
    A sweep's outcome: each variant's total by period and each employee's change against the baseline.

    ``variants`` lists the baseline first; ``totals[variant][period]`` is the sum of
    ``amount`` over the period's employees; ``changes[variant]`` maps ``(period,
    employee)`` to ``(baseline, variant)`` amounts wherever they differ (a side
    without the employee is ``None``); ``engines[variant]`` is ``"columnar"`` or
    ``"row"`` with the reason; ``seconds`` the wall time of the scoring and
    ``employee_months`` how many employee-periods were scored over all variants.
    """

    amount: str
    variants: tuple[str, ...]
    periods: tuple[str, ...]
    totals: Mapping[str, Mapping[str, Decimal]]
    changes: Mapping[str, Mapping[tuple[str, str], tuple[Decimal | None, Decimal | None]]]
    engines: Mapping[str, str]
    seconds: float = 0.0
    employee_months: int = 0
    notes: tuple[str, ...] = ()
    """What a reader must know to read the totals (amounts compared before approval holds)."""

    def total(self, variant: str) -> Decimal:
        """Return the variant's total over every period."""
        return sum(self.totals[variant].values(), _ZERO)

    def change(self, variant: str) -> Decimal:
        """Return how much more (or less) the variant pays than the baseline over every period."""
        return self.total(variant) - self.total(self.variants[0])

    def to_dict(self) -> dict[str, Any]:
        """Return the sweep as JSON-ready data (numbers as strings)."""
        return {
            "amount": self.amount,
            "baseline": self.variants[0],
            "periods": list(self.periods),
            "variants": [
                {
                    "name": v,
                    "engine": self.engines[v],
                    "total": str(self.total(v)),
                    "change": str(self.change(v)),
                    "totals": {p: str(t) for p, t in self.totals[v].items()},
                    "changes": [
                        {"period": p, "employee": e, "baseline": _s(a), "variant": _s(b)}
                        for (p, e), (a, b) in sorted(self.changes[v].items())
                    ],
                }
                for v in self.variants
            ],
            "notes": list(self.notes),
        }

    def render_text(self) -> str:
        """Return the sweep as a table: each variant's total, its change and how many people it changes."""
        lines = [f"sweep of {len(self.variants) - 1} variant(s) over {len(self.periods)} period(s), by {self.amount}"]
        width = max(len(v) for v in self.variants)
        for v in self.variants:
            people = len({e for _, e in self.changes[v]})
            lines.append(
                f"  {v:<{width}}  {self.total(v):>16}  {self.change(v):>+14}  {people:>7} changed  ({self.engines[v]})"
            )
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def _s(x: Decimal | None) -> str | None:
    return None if x is None else str(x)


def _plan(s: Scheme | Plan) -> Plan:
    return s if isinstance(s, Plan) else compile_scheme(s)


def _engine(plan: Plan, wanted: str) -> tuple[str, str]:
    if wanted == "row":
        return "row", "row: asked for"
    issues = columnar_issues(plan)
    try:
        import polars  # noqa: F401 - only to know whether the columnar engine can run
    except ImportError:
        issues = [
            Issue(
                "columnar-unsupported",
                "polars is not installed",
                hint="pip install 'perfrules[columnar]', or sweep with the row engine",
            )
        ]
    if not issues:
        return "columnar", "columnar"
    if wanted == "columnar":
        raise CompileError(issues, f"the columnar engine cannot score {plan.scheme.name!r}; nothing was scored")
    return "row", f"row: {issues[0].message}" + (f" (and {len(issues) - 1} more)" if len(issues) > 1 else "")


def _amounts(
    plan: Plan, rows: Sequence[Mapping[str, Any]], period: str | Period | None, amount: str, **options: Any
) -> Amounts:
    at = plan.index[amount]
    return {r.employee: r.row[at] for r in score(plan, rows, period=period, **options)}


def _label(period: str | Period | None) -> str:
    return period.label if isinstance(period, Period) else str(period or "")


def sweep(
    baseline: Scheme | Plan,
    variants: Mapping[str, Scheme | Plan],
    batches: Iterable[tuple[str | Period | None, Sequence[Mapping[str, Any]]]],
    *,
    amount: str | None = None,
    engine: str = "auto",
    id_column: str = "employee_id",
    history: Any = None,
    no_history: bool = False,
    dask: bool = False,
) -> Sweep:
    """
    Score every period's rows under the baseline and each variant; return totals and changes (:class:`Sweep`).

    ``batches`` are ``(period, rows)`` pairs, as for :func:`perfrules.whatif`
    (``recorded(ledger, periods)`` from :mod:`perfrules._analysis` gives a ledger's).  ``amount`` is the value
    compared (default: the baseline's last payout).  ``engine`` is ``"auto"``
    (columnar where the scheme allows it), ``"columnar"`` (refused where it does
    not) or ``"row"``.  ``history`` and ``no_history`` are :func:`perfrules.score`'s;
    with ``dask=True`` the history source must pickle.  Bad rows raise
    :class:`InputError` as scoring does.
    """
    if engine not in ("auto", "row", "columnar"):
        raise ValueError(f"engine must be 'auto', 'row' or 'columnar', not {engine!r}")
    plans = {"baseline": _plan(baseline), **{name: _plan(s) for name, s in variants.items()}}
    if len(plans) != len(variants) + 1:
        raise ValueError("a variant may not be named 'baseline'")
    base = plans["baseline"]
    name = amount or (base.scheme.payouts[-1].name if base.scheme.payouts else "score")
    missing = [v for v, p in plans.items() if name not in p.index]
    if missing:
        raise InputError(
            [Issue("unknown-name", f"{v} has no value {name!r} to compare", hint="give amount=") for v in missing]
        )
    chosen = {v: _engine(p, engine) for v, p in plans.items()}
    work = [(_label(period), period, list(rows)) for period, rows in batches]
    options = {"id_column": id_column, "history": history, "no_history": no_history}
    started = time.perf_counter()
    shipped = {v: Shipped(p) for v, p in plans.items()}  # on Dask, each worker compiles each variant once
    if dask:
        found = _on_dask(shipped, chosen, work, name, options)
    else:
        found = {}
        for label, period, rows in work:
            found.update(_period(shipped, chosen, rows, period, label, name, options))
    seconds = time.perf_counter() - started
    labels = tuple(label for label, _, _ in work)
    totals = {v: {label: sum(found[v, label].values(), _ZERO) for label in labels} for v in plans}
    changes: dict[str, dict[tuple[str, str], tuple[Decimal | None, Decimal | None]]] = {}
    for v in plans:
        changes[v] = {}
        for label in labels:
            old, new = found["baseline", label], found[v, label]
            for emp in sorted(old.keys() | new.keys()):
                a, b = old.get(emp), new.get(emp)
                if a is None or b is None or a != b:
                    changes[v][label, emp] = (a, b)
    return Sweep(
        name,
        tuple(plans),
        labels,
        totals,
        changes,
        {v: why for v, (_, why) in chosen.items()},
        seconds,
        sum(len(found[key]) for key in found),
        (HOLDS_NOTE,)
        if any(a.approval_over is not None for p in plans.values() for a in p.scheme.adjustments())
        else (),
    )


def _period(
    ships: dict[str, Shipped],
    chosen: dict[str, tuple[str, str]],
    rows: list[Mapping[str, Any]],
    period: str | Period | None,
    label: str,
    name: str,
    options: dict[str, Any],
) -> dict[tuple[str, str], Amounts]:
    # Variants the columnar engine scores that read the rows as the baseline does share one reading.
    plans = {v: ship.plan for v, ship in ships.items()}
    plan = plans["baseline"]
    shared = {v: p for v, p in plans.items() if chosen[v][0] == "columnar" and shares_reading(plan, p)}
    found = amounts(plan, shared, rows, period, dict.fromkeys(shared, name), **options) if shared else {}
    for v, p in plans.items():
        if v not in found:
            found[v] = _amounts(p, rows, period, name, engine=chosen[v][0], **options)
    return {(v, label): found[v] for v in plans}


def _on_dask(
    ships: dict[str, Shipped],
    chosen: dict[str, tuple[str, str]],
    work: list[tuple[str, str | Period | None, list[Mapping[str, Any]]]],
    name: str,
    options: dict[str, Any],
) -> dict[tuple[str, str], Amounts]:
    try:
        dask: Any = importlib.import_module("dask")
    except ImportError:
        raise InputError(
            [
                Issue(
                    "dask-missing",
                    "a sweep on Dask needs dask, which is not installed",
                    (),
                    hint="pip install 'perfrules[dask]', or sweep without dask=True",
                )
            ],
            "dask is not installed; nothing was scored",
        ) from None
    portable(options["history"])
    # One task per period, scoring every variant: its rows go to one worker, once.
    task = dask.delayed(_period, pure=True)
    tasks = [task(ships, chosen, rows, period, label, name, options) for label, period, rows in work]
    found: dict[tuple[str, str], Amounts] = {}
    for part in dask.compute(*tasks):
        found.update(part)
    return found

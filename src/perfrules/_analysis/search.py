"""
Searching for a counterexample to a check with Hypothesis, over the inputs' declared ranges.

Rows are generated from each input's declared range (an end the scheme
leaves open is searched up to ``window`` away); a direction check raises its
input by a positive step on a second row.  Hypothesis shrinks what it finds to
a minimal row.  The search is deterministic (derandomized), so the same
scheme gives the same counterexample on every run.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from .._compile import Plan
from .._errors import EvaluationError, InputError
from .._evaluate import Result, score
from .._explain import explain, render_text
from .._ir import Const, walk
from .checks import Check

__all__ = ["CannotSearch", "Counterexample", "search"]

_PERIOD = {"month": "2026-04", "quarter": "2026-Q2", "half": "2026-H1", "year": "2026"}
_ID = "employee_id"


@attrs.frozen
class Counterexample:
    """
    Rows that break a check (one, or two for a direction: before and after the input rises), with what went wrong.
    """

    rows: tuple[dict[str, str], ...]
    results: tuple[Result | None, ...] = attrs.field(repr=False)
    message: str
    explanations: tuple[str, ...] = ()

    def csv(self) -> str:
        """Return the rows as CSV with a header line."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(self.rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()


class CannotSearch(ValueError):
    """Raised when the declared ranges leave nothing to search (or Hypothesis refuses them)."""


def _places(*ends: Decimal) -> int:
    # Enough decimal places to reach every declared end (at least 2, at most 12).
    return min(12, max([2, *(-int(e.as_tuple().exponent) for e in ends)]))


def _hypothesis() -> Any:
    try:
        import hypothesis
    except ImportError:  # pragma: no cover - an extra of the package
        return None
    return hypothesis


def _texts(plan: Plan) -> list[str]:
    found = {
        n.value
        for step in plan.steps.values()
        for root in step.roots()
        for n in walk(root)
        if isinstance(n, Const) and n.type == "text" and isinstance(n.value, str)
    }
    return sorted(found) + ["other"]


def _rows(plan: Plan, st: Any, window: Decimal) -> Any:
    columns: dict[str, Any] = {}
    for spec in plan.inputs:
        m, kind = spec.metric, spec.kind
        if kind.value_type == "text":
            columns[m.name] = st.sampled_from(_texts(plan))
            continue
        if kind.value_type == "list":
            item = st.decimals(min_value=0, max_value=window, places=2)
            for adj in plan.scheme.adjustments():
                if adj.occurrences == m.name and adj.tiers is None and adj.amount is None:
                    if adj.levels is not None:
                        item = st.sampled_from(sorted(adj.levels))
                    elif adj.range is not None:
                        a, b = adj.range
                        item = st.decimals(min_value=a, max_value=b, places=_places(a, b))
            columns[m.name] = st.lists(item, max_size=3).map(lambda xs: ";".join(str(x) for x in xs))
            continue
        flags = getattr(kind, "number_flags", (False, False))
        lo, hi = m.min, m.max
        if flags[1]:
            lo = Decimal(0) if lo is None else max(lo, Decimal(0))
        lo = (hi - window if hi is not None else -window) if lo is None else lo
        hi = lo + window if hi is None else hi
        if flags[0]:
            first, last = int(lo.to_integral_value("ROUND_CEILING")), int(hi.to_integral_value("ROUND_FLOOR"))
            if first > last:
                raise CannotSearch(f"{m.name} is a whole number, but its range {lo}-{hi} holds none")
            columns[m.name] = st.integers(first, last).map(str)
        elif getattr(kind, "percent", False) and m.scale is None and (lo < -1 or hi > 1):
            # Written with its sign, as a bare percent above 1 is refused as ambiguous.
            values = st.decimals(min_value=lo, max_value=hi, places=_places(lo, hi))
            columns[m.name] = values.map(lambda d: f"{d * 100}%")
        else:
            columns[m.name] = st.decimals(min_value=lo, max_value=hi, places=_places(lo, hi)).map(str)
    pop = plan.scheme.population
    fixed: dict[str, Any] = {}
    if plan.team_column is not None:
        fixed[plan.team_column] = st.just("T1")
    if pop is not None:
        for column in pop.relations().values():
            fixed[column] = st.just("")
        if pop.hire_date is not None:
            fixed[pop.hire_date] = st.just("2020-01-01")
        if pop.leave_date is not None:
            fixed[pop.leave_date] = st.just("")
        if pop.role is not None and pop.roles:
            fixed[pop.role] = st.sampled_from(pop.roles)
    rows = st.fixed_dictionaries({_ID: st.just("E1"), **columns, **fixed})
    if plan.constraints:
        # Only rows the scheme accepts: a row breaking a declared constraint is refused, never scored.
        rows = rows.filter(lambda row: all(c.broken(lambda n: Decimal(row[n])) is None for c in plan.constraints))
    return rows


def _run(plan: Plan, row: Mapping[str, str], trace: bool = False) -> Result | EvaluationError | None:
    try:
        # One employee, one period of the scheme's kind, no earlier periods: history values are 0.
        period = _PERIOD.get(plan.scheme.period, "2026-04")
        return score(plan, [row], period=period, trace=trace, no_history=True, any_period=True).results[0]
    except EvaluationError as exc:
        return exc
    except InputError:
        return None  # a row the generator should not have made: not a counterexample


def _violation(plan: Plan, check: Check, tally: list[int]) -> Callable[[Any], str | None]:
    # tally[0] counts the rows scored (not refused as input): a search that scored none proved nothing.
    def run(row: dict[str, str]) -> Result | EvaluationError | None:
        got = _run(plan, row)
        if got is not None:
            tally[0] += 1
        return got

    def compare(row: dict[str, str]) -> str | None:
        got = run(row)
        if not isinstance(got, Result):
            return None
        values = got.values
        if check.holds(values):
            return None
        try:
            shown = ", ".join(f"{t.text} = {t.value(values)}" for t in check.terms)
        except ArithmeticError as exc:
            return f"{check.text} cannot be computed ({type(exc).__name__})"
        return f"{shown}: {check.text} does not hold"

    def finite(row: dict[str, str]) -> str | None:
        got = run(row)
        if isinstance(got, EvaluationError):
            return f"the scheme cannot pay this row: {str(got).splitlines()[0]}"
        if not isinstance(got, Result):
            return None
        bad = [n for n in check.values if not (isinstance(got.values[n], Decimal) and got.values[n].is_finite())]
        return f"{', '.join(bad)} not a finite number" if bad else None

    def direction(pair: tuple[dict[str, str], dict[str, str]]) -> str | None:
        low, high = (run(r) for r in pair)
        if not isinstance(low, Result) or not isinstance(high, Result):
            return None
        a, b = low.values[check.value], high.values[check.value]
        if (b - a) * check.sign >= 0:
            return None
        way = "fell" if check.sign > 0 else "rose"
        return f"{check.input} {pair[0][check.input]} -> {pair[1][check.input]}: {check.value} {way} from {a} to {b}"

    return {"compare": compare, "finite": finite, "direction": direction}[check.form]  # type: ignore[return-value]


def _pairs(plan: Plan, check: Check, rows: Any, st: Any) -> Any:
    # The second row raises the input by a small step (a tenth of its declared span at most), so a
    # counterexample shows where the value turns, not a jump across the whole range.
    spec = next(i for i in plan.inputs if i.metric.name == check.input)
    whole = getattr(spec.kind, "number_flags", (False, False))[0]
    m = spec.metric
    span = (m.max - m.min) / 10 if m.min is not None and m.max is not None else Decimal(100)
    if whole:
        step = st.integers(1, max(1, int(span))).map(Decimal)
    else:
        step = st.decimals(min_value=Decimal("0.01"), max_value=max(span, Decimal("0.01")), places=2)

    def bump(row: dict[str, str], by: Decimal) -> tuple[dict[str, str], dict[str, str]]:
        cell = row[check.input]
        signed = cell.endswith("%")  # a percent written with its sign stays so
        value = (Decimal(cell[:-1]) / 100 if signed else Decimal(cell)) + by
        if m.max is not None and value > m.max:
            value = m.max
        return row, {**row, check.input: f"{value * 100}%" if signed else str(value)}

    return st.builds(bump, rows, step)


def search(
    plan: Plan, check: Check, *, examples: int = 400, window: Decimal = Decimal(10**6), tally: list[int] | None = None
) -> Counterexample | None:
    """
    Search the declared input ranges for rows that break ``check``; return the smallest found, or ``None``.

    ``tally[0]``, when given, is increased by the number of rows that could be scored.

    Raises ``ImportError`` when Hypothesis (the ``check`` extra) is not installed, :class:`CannotSearch`
    when the declared ranges leave nothing to search.
    """
    hypothesis = _hypothesis()
    if hypothesis is None:
        raise ImportError("perfrules check searches with Hypothesis: pip install 'perfrules[check]'")
    st = hypothesis.strategies
    rows = _rows(plan, st, window)  # may raise CannotSearch
    strategy = _pairs(plan, check, rows, st) if check.form == "direction" else rows
    broken = _violation(plan, check, tally if tally is not None else [0])
    settings = hypothesis.settings(
        max_examples=examples,
        database=None,
        derandomize=True,
        deadline=None,
        phases=(hypothesis.Phase.generate, hypothesis.Phase.shrink),  # no replay database, no "explain" phase
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    try:
        found = hypothesis.find(strategy, lambda x: broken(x) is not None, settings=settings)
    except hypothesis.errors.NoSuchExample:
        return None
    except hypothesis.errors.HypothesisException as exc:
        raise CannotSearch(f"the declared ranges cannot be searched: {exc}") from None
    pair = found if check.form == "direction" else (found,)
    message = broken(found) or ""
    labels = ("before", "after") if len(pair) == 2 else ("E1",)
    inputs = [i.metric.name for i in plan.inputs]
    order = [_ID, *inputs, *(k for k in pair[0] if k != _ID and k not in inputs)]
    named = tuple({k: ({**r, _ID: label})[k] for k in order} for r, label in zip(pair, labels, strict=True))
    results = tuple(_run(plan, r, trace=True) for r in named)
    texts = tuple(render_text(explain(plan, r)) if isinstance(r, Result) else str(r) for r in results if r is not None)
    return Counterexample(named, tuple(r if isinstance(r, Result) else None for r in results), message, texts)

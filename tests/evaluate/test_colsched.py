"""The columnar engine on two threads: the very values, in the same order, and the first error in plan order."""

from __future__ import annotations

import csv
import time
from decimal import Decimal
from pathlib import Path

import pytest

import perfrules as pr

pl = pytest.importorskip("polars")
colsched = pytest.importorskip("perfrules._evaluate.colsched")
columnar = pytest.importorskip("perfrules._evaluate.columnar")
values = pytest.importorskip("perfrules._evaluate.values")
fixed = pytest.importorskip("perfrules._evaluate.fixed")

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture
def threads(monkeypatch):
    """Set how many threads the columnar engine uses, small populations and one-core machines included."""
    calls = []
    ordered = colsched.ordered

    def counted(*args, **kwargs):
        calls.append(args[-1])
        return ordered(*args, **kwargs)

    monkeypatch.setattr(colsched, "MIN_ROWS", 0)
    monkeypatch.setattr(colsched.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(colsched, "ordered", counted)

    def use(k: int) -> list[int]:
        monkeypatch.setenv(colsched.THREADS, str(k))
        calls.clear()
        return calls

    return use


def _text(column):
    if isinstance(column, fixed.Num):
        return [repr(v) for v in column.decimals()]
    if isinstance(column, values.Joined):
        return column.tuples()
    return column.to_list()


def _wide_scheme() -> pr.Scheme:
    # Indicators that read only the metrics: independent steps, then a total that reads them all.
    metrics = tuple(pr.Metric(m, "number") for m in ("x", "y", "z"))
    formulas = ["x * x * x", "y * 3 + 1", "z * z * z", "x / 7", "y * y * y", "round(z / 3, 2)"]
    indicators = tuple(pr.Indicator(f"i{k}", formula=f, weight=Decimal(10)) for k, f in enumerate(formulas))
    return pr.Scheme(name="wide", metrics=metrics, indicators=indicators)


def _evaluate(plan, cols, n):
    fallbacks = []
    env = columnar.evaluate_columns(
        plan, lambda: dict(cols), n, lambda k: f"E{k}", lambda: fallbacks.append(1), keep=None
    )
    return env, fallbacks


def _columns(rows: list[dict[str, str]]) -> dict:
    return {m: values.from_values([Decimal(r[m]) for r in rows]) for m in ("x", "y", "z")}


def test_threads_give_the_same_values_in_the_same_order(threads):
    plan = pr.compile_scheme(_wide_scheme())
    rows = [{"x": str(k % 97 - 40), "y": f"{k % 13}.25", "z": str(k * 3 % 101)} for k in range(300)]
    one = threads(1)
    single, _ = _evaluate(plan, _columns(rows), len(rows))
    assert one == []
    two = threads(2)
    double, _ = _evaluate(plan, _columns(rows), len(rows))
    assert two == [2]  # the threaded path ran
    assert list(single) == list(double)
    for name in single:
        assert _text(single[name]) == _text(double[name]), name


def test_the_first_failing_step_in_plan_order_is_reported_whichever_finishes_first(threads, monkeypatch):
    plan = pr.compile_scheme(_wide_scheme())
    # i0 (x*x*x) fails on row 2, i2 (z*z*z) on row 1, i4 (y*y*y) on row 0: i0 is first in plan order.
    rows = [{"x": "1", "y": "1", "z": "1"} for _ in range(4)]
    rows[2]["x"] = rows[1]["z"] = rows[0]["y"] = "123456789012345"
    run = columnar._run
    first = plan.order.index(("indicators", "i0"))

    def slow_first(plan_, groups, n, crowd, at, env):
        if at == first:
            time.sleep(0.3)  # the later failing steps finish first on the other thread
        return run(plan_, groups, n, crowd, at, env)

    monkeypatch.setattr(columnar, "_run", slow_first)
    seen = []
    for k in (1, 2):
        calls = threads(k)
        with pytest.raises(pr.EvaluationError, match="columnar-limit") as err:
            _evaluate(plan, _columns(rows), len(rows))
        seen.append((err.value.employee, err.value.step, err.value.code))
        assert calls == ([] if k == 1 else [2])
    assert seen[0] == seen[1] == ("E2", "indicators.i0", "columnar-limit")


def test_fallback_is_called_once_for_the_first_failing_step(threads):
    plan = pr.compile_scheme(_wide_scheme())
    rows = [{"x": "123456789012345", "y": "123456789012345", "z": "123456789012345"}]
    for k in (1, 2):
        threads(k)
        fallbacks = []
        with pytest.raises(pr.EvaluationError):
            columnar.evaluate_columns(plan, lambda: _columns(rows), 1, str, lambda: fallbacks.append(1))
        assert fallbacks == [1]


@pytest.mark.parametrize("name", ["seed000-team", "seed003-kpi", "seed002", "seed004"])
def test_examples_score_the_same_on_two_threads(threads, name):
    plan = pr.compile_scheme(pr.load_scheme(EXAMPLES / name / "scheme.yaml"))
    with open(EXAMPLES / name / "data.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    quiet = {"no_history": True, "any_period": True} if plan.history else {"any_period": True}
    got = []
    for k in (1, 2):
        calls = threads(k)
        got.append(
            [[repr(v) for v in r.row] for r in pr.score(plan, rows, period="2026-04", engine="columnar", **quiet)]
        )
        assert calls == ([] if k == 1 else [2])
    assert got[0] == got[1]


def test_how_many_threads(monkeypatch):
    monkeypatch.setattr(colsched.os, "cpu_count", lambda: 2)
    monkeypatch.delenv(colsched.THREADS, raising=False)
    assert colsched.threads_for(colsched.MIN_ROWS, 5) == 2
    assert colsched.threads_for(colsched.MIN_ROWS - 1, 5) == 1  # a small population: one thread
    assert colsched.threads_for(colsched.MIN_ROWS, 1) == 1  # one step: nothing to share
    for raw, want in (("1", 1), ("8", 2), ("0", 2), ("two", 2)):
        monkeypatch.setenv(colsched.THREADS, raw)
        assert colsched.threads_for(10**6, 5) == want, raw

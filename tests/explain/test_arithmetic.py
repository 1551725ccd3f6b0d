"""Every explanation line's stated arithmetic recomputes, exactly, to the value it reports and the result holds."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

import perfrules as pr
from perfrules._adapters import read_population
from tests.conftest import EXAMPLES
from tests.explain.recompute import check_explanation, check_line
from tests.strategies import populations, rich_populations, rich_schemes, schemes

EXAMPLE_CASES = sorted(p.parent for p in EXAMPLES.glob("*/scheme.yaml") if (p.parent / "data.csv").exists())
PERIOD = {"month": "2026-04", "quarter": "2026-Q2"}
# Modest by default (each example compiles a scheme); HYPOTHESIS_PROFILE=thorough runs the profile's 1,000.
_QUICK = settings(
    max_examples=min(settings.default.max_examples, 40)
    if settings.default.max_examples <= 100
    else settings.default.max_examples,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@_QUICK
@given(rich_schemes(), rich_populations())
def test_every_line_recomputes_to_its_value_over_rich_schemes(scheme, rows):
    plan = pr.compile_scheme(scheme)
    traced = pr.score(plan, rows, trace=True)
    for r in traced:
        kinds = check_explanation(plan, r)
        assert Counter(kinds)["indicator"] == len(scheme.indicators)
    # Explaining a result scored without trace runs the traced code again: the same lines.
    for plain, with_trace in zip(pr.score(plan, rows), traced, strict=True):
        assert pr.explain(plan, plain).to_dict() == pr.explain(plan, with_trace).to_dict()


@_QUICK
@given(schemes().flatmap(lambda s: populations(s).map(lambda rows: (s, rows))))
def test_every_line_recomputes_to_its_value_over_the_shared_schemes(case):
    scheme, rows = case
    plan = pr.compile_scheme(scheme)
    for r in pr.score(plan, rows):
        check_explanation(plan, r)


@pytest.mark.parametrize("folder", EXAMPLE_CASES, ids=lambda p: p.name)
def test_every_line_of_every_example_recomputes(folder):
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    period = PERIOD.get(plan.scheme.period, PERIOD["month"])
    rows = read_population(folder / "data.csv")
    results = pr.score(plan, rows, period=period, trace=True, history=pr.RecordedHistory())
    assert len(results) > 0
    for r in results:
        check_explanation(plan, r)


def _off(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, Decimal):
        return value + Decimal("0.001")
    return f"{value}x"


@pytest.mark.parametrize("folder", ["seed003-kpi", "seed003-pay", "seed000-pay", "accelerator"])
def test_the_check_refuses_a_line_whose_value_or_facts_are_off(folder):
    """The check can fail: change any line's value, or any number among its facts, and it says so."""
    plan = pr.compile_scheme(pr.load_scheme(EXAMPLES / folder / "scheme.yaml"))
    rows = read_population(EXAMPLES / folder / "data.csv")
    r = pr.score(plan, rows, period="2026-04", history=pr.RecordedHistory()).results[0]
    caught = 0
    for line in pr.explain(plan, r).lines:
        with pytest.raises(AssertionError):
            check_line(plan.scheme, r, line._replace(value=_off(line.value)))
        for key in ("points", "gross", "sum", "limit", "formula_value", "weight", "count", "base", "total"):
            if isinstance(line.facts.get(key), Decimal):
                with pytest.raises(AssertionError):
                    check_line(plan.scheme, r, line._replace(facts={**line.facts, key: line.facts[key] + 1}))
                caught += 1
    assert caught >= 5

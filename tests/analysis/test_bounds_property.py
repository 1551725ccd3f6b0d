"""Every value a scheme computes lies within the bounds the analysis proves, over generated schemes and people."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrules as pr
from perfrules._analysis import bounds
from tests.strategies import populations, rich_populations, rich_schemes, schemes


def _within(scheme: pr.Scheme, rows: list[dict[str, str]], period: str | None = None) -> int:
    plan = pr.compile_scheme(scheme)
    proven = bounds(plan)
    try:
        results = pr.score(plan, rows, period=period, no_history=True)
    except pr.EvaluationError:
        return 0  # no value was computed, so none can break a bound
    checked = 0
    for result in results.results:
        for name, value in result.values.items():
            r = proven.ranges.get(name)
            if r is None or not isinstance(value, Decimal):
                continue
            assert value in r, f"{name} = {value} outside {r.text()} for {result.employee}"
            checked += 1
    return checked


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_values_lie_within_their_bounds(data: st.DataObject) -> None:
    scheme = data.draw(schemes())
    _within(scheme, data.draw(populations(scheme)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rich_schemes(), rich_populations())
def test_values_of_rich_schemes_lie_within_their_bounds(scheme: pr.Scheme, rows: list[dict[str, str]]) -> None:
    _within(scheme, rows)


@st.composite
def ranged(draw: st.DrawFn) -> tuple[pr.Scheme, list[dict[str, str]]]:
    """A rich scheme whose number input declares a range, with rows inside it (the case where bounds are tight)."""
    import attrs

    scheme = draw(rich_schemes())
    lo = draw(st.integers(-1200, 1000))
    hi = lo + draw(st.integers(0, 400))
    metrics = tuple(attrs.evolve(m, min=Decimal(lo), max=Decimal(hi)) if m.name == "num" else m for m in scheme.metrics)
    scheme = attrs.evolve(scheme, metrics=metrics)
    rows = draw(rich_populations())
    for row in rows:
        row["num"] = str(draw(st.decimals(min_value=lo, max_value=hi, places=3)))
    return scheme, rows


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ranged())
def test_values_within_declared_input_ranges_lie_within_their_bounds(case: tuple[pr.Scheme, list]) -> None:
    _within(*case)


def test_every_example_scores_within_its_bounds() -> None:
    from perfrules._adapters import read_population
    from tests.test_golden import CASES, PERIOD

    checked = 0
    for folder in CASES:
        scheme = pr.load_scheme(folder / "scheme.yaml")
        period = PERIOD.get(scheme.period, PERIOD["month"])
        checked += _within(scheme, read_population(folder / "data.csv"), period)
    assert checked > 500

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


@st.composite
def constrained(draw: st.DrawFn) -> tuple[pr.Scheme, list[dict[str, str]]]:
    """A scheme whose inputs keep declared constraints (x <= y, y <= top), with quotients they bound."""
    top = draw(st.integers(1, 60))
    low = draw(st.integers(-20, top))
    p = draw(st.decimals(min_value=-50, max_value=50, places=2))
    forms = st.sampled_from(["p * x / y", "x / y", "x * p / y", "x / y * p", "(x + p) / y", "p * x / y - x"])
    whole = draw(st.booleans())
    text = f"""
name: constrained
params: {{p: {p}}}
metrics:
  x: {{type: {"count" if whole else "number"}, min: {max(low, 0)}}}
  y: {{type: number, min: {low}}}
constraints:
  - "x <= y <= {top}"
score: {{formula: "0"}}
payouts:
  a: {{formula: "{draw(forms)}"}}
  b: {{formula: "{draw(forms)}"}}
"""
    loaded = pr.scheme_from_text(text)
    assert loaded.scheme is not None, loaded.issues
    rows = []
    for k in range(draw(st.integers(1, 5))):
        y = draw(st.decimals(min_value=max(low, 0) if low > 0 else Decimal("0.01"), max_value=top, places=2))
        x = (
            draw(st.integers(max(low, 0), int(y)))
            if whole
            else draw(st.decimals(min_value=max(low, 0), max_value=y, places=3))
        )
        rows.append({"employee_id": f"E{k}", "x": str(x), "y": str(y)})
    return loaded.scheme, rows


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(constrained())
def test_values_of_rows_keeping_declared_constraints_lie_within_their_bounds(case: tuple[pr.Scheme, list]) -> None:
    _within(*case)

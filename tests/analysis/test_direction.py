"""Direction analysis: when it says a value never falls (or never rises) as an input rises, scoring agrees."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrules as pr
from perfrules._analysis import bounds
from perfrules._analysis.direction import direction
from tests.conftest import EXAMPLES
from tests.strategies import rich_populations, rich_schemes


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rich_schemes(), rich_populations(min_size=1, max_size=1), st.data())
def test_a_proven_direction_holds_when_the_input_rises(scheme, rows, data):
    plan = pr.compile_scheme(scheme)
    proven = bounds(plan)
    (row,) = rows
    low = Decimal(row["num"])
    high = low + data.draw(st.decimals(min_value=Decimal("0.001"), max_value=500, places=3))
    try:
        before, after = (pr.score(plan, [{**row, "num": str(v)}], no_history=True).results[0] for v in (low, high))
    except pr.EvaluationError:
        return
    for name, value in before.values.items():
        if not isinstance(value, Decimal) or name == "num":
            continue
        d = direction(proven, name, "num")
        if d is not None:
            assert (after.values[name] - value) * (d if d else 1) >= 0 if d else after.values[name] == value, name


def test_directions_of_the_kpi_scheme():
    b = bounds(pr.load_scheme(EXAMPLES / "seed003-kpi" / "scheme.yaml"))
    assert direction(b, "score", "conversion_rate") == 1
    assert direction(b, "score", "response_seconds") == -1
    assert direction(b, "score", "late_count") == -1
    assert direction(b, "score", "suggestions_accepted") == 0
    gs = bounds(pr.load_scheme(EXAMPLES / "seed003-gs" / "scheme.yaml"))
    assert direction(gs, "workload_bonus", "workload") == 1
    assert direction(gs, "bonus", "qc") is None  # the factor's branches meet where the test reads qc

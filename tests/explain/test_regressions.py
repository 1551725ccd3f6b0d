"""Regressions the typed IR fixed: limits mean one thing in the code and in the explanation."""

from __future__ import annotations

from decimal import Decimal

import pytest

import perfrules as pr
from tests.explain.recompute import check_explanation

_SCHEME = """name: limits
metrics:
  x: {{type: number}}
indicators:
  i: {{formula: x, floor: {floor}, cap: {cap}}}
"""


def _plan(tmp_path, floor, cap):
    path = tmp_path / "scheme.yaml"
    path.write_text(_SCHEME.format(floor=floor, cap=cap), encoding="utf-8")
    return path


def test_a_cap_below_the_floor_is_one_error_naming_the_indicator(tmp_path):
    path = _plan(tmp_path, 50, 40)
    report = pr.check_file(path)
    found = [i for i in report.issues if i.code == "cap-below-floor"]
    # Once, as an error (not also as a warning of the same code), at the indicator's line.
    assert [(i.severity, i.path, i.line) for i in found] == [("error", ("indicators", "i"), 5)]
    assert "40 is below" in found[0].message and "50" in found[0].message
    with pytest.raises(pr.SchemeError) as caught:
        pr.compile_scheme(pr.load_scheme(path))
    assert [(i.code, i.path) for i in caught.value.issues] == [("cap-below-floor", ("indicators", "i"))]


def test_a_cap_equal_to_the_floor_is_allowed(tmp_path):
    plan = pr.compile_scheme(pr.load_scheme(_plan(tmp_path, 50, 50)))
    assert pr.evaluate(plan, {"x": "45"}).indicators["i"] == 50


@pytest.mark.parametrize(
    ("x", "value", "limit", "en", "zh"),
    [
        ("45", Decimal(50), "floor", "raised to floor 50 (was 45)", "保底 50（原为 45）"),
        ("75", Decimal(60), "cap", "capped at 60 (was 75)", "封顶 60（原为 75）"),
        ("55", Decimal(55), None, None, None),
        ("50", Decimal(50), None, None, None),  # at the floor: nothing raised it
        ("60", Decimal(60), None, None, None),  # at the cap: nothing lowered it
    ],
)
def test_the_value_and_the_explanation_name_the_same_limit(tmp_path, x, value, limit, en, zh):
    plan = pr.compile_scheme(pr.load_scheme(_plan(tmp_path, 50, 60)))
    for r in (pr.evaluate(plan, {"x": x}), pr.score(plan, [{"employee_id": "E1", "x": x}], trace=True).results[0]):
        assert r.indicators["i"] == value and r.score == value
        explanation = pr.explain(plan, r)
        line = next(line for line in explanation.lines if line.step == "indicators.i")
        assert line.value == value and line.facts["points"] == Decimal(x)
        assert line.facts.get("limited_by") == limit
        if limit is None:
            assert "limit" not in line.facts and "before_limit" not in line.facts
        else:
            assert line.facts["limit"] == value and line.facts["before_limit"] == Decimal(x)
            assert en in pr.render_text(explanation, "en")
            assert zh in pr.render_text(explanation, "zh")
        check_explanation(plan, r)


def test_a_sum_adds_its_terms_in_the_order_the_explanation_lists_them():
    """Found by the arithmetic property: the score added bonuses before penalties but listed them after.

    1/3 of a target is 33.33...3 to 28 digits; adding 100 then taking 100 off loses its last digit,
    taking 100 off then adding 100 does not.  The explanation lists penalties before bonuses (file
    order), so its ``base + terms = sum`` must be what the code added.
    """
    scheme = pr.Scheme(
        "order",
        params=(pr.Param("goal", Decimal(3)),),
        metrics=(pr.Metric("x", "number"), pr.Metric("n", "count")),
        indicators=(pr.Indicator("third", input="x", target=pr.Target("goal")),),
        penalties=(pr.Penalty("minus", count="n", amount=Decimal(100)),),
        bonuses=(pr.Bonus("plus", count="n", amount=Decimal(100)),),
    )
    plan = pr.compile_scheme(scheme)
    r = pr.score(plan, [{"employee_id": "E1", "x": "1", "n": "1"}], trace=True).results[0]
    third = r.indicators["third"]
    assert third == Decimal(100) / 3
    assert third - 100 + 100 != third + 100 - 100  # the two orders really differ here
    line = next(line for line in pr.explain(plan, r).lines if line.kind == "score")
    assert [name for name, _ in line.facts["terms"]] == ["third", "minus", "plus"]
    assert r.score == line.value == line.facts["sum"] == third - 100 + 100
    check_explanation(plan, r)

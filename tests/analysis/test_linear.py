"""Relations proven with shared values cancelled: the range found always holds the real difference."""

import ast
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrules as pr
from perfrules._analysis import Range, bounds
from perfrules._analysis.linear import difference_range

FORMS = ["a * K + b", "(a + b) * K", "a / 4 - b * K", "a * b", "round(a, 1) + b", "a - b / 8", "max(a, b) * K"]


@st.composite
def cases(draw):
    lo = draw(st.integers(-50, 50))
    hi = lo + draw(st.integers(0, 100))
    k = draw(st.decimals(min_value=-1000, max_value=1000, places=3))
    places = draw(st.integers(0, 3))
    text = f"""
name: relation
params: {{K: {k}}}
money: {{places: {places}}}
metrics:
  a: {{type: number, min: {lo}, max: {hi}}}
  b: {{type: number, min: {lo}, max: {hi}}}
  items: list
score: {{formula: "0"}}
bonuses:
  extra: {{occurrences: items, range: [1, 500], unit: money, payout: pay}}
penalties:
  fine: {{count: b, amount: 1, unit: money, payout: pay}}
payouts:
  pay: {{formula: "{draw(st.sampled_from(FORMS))}"}}
"""
    scheme = pr.scheme_from_text(text).scheme
    numbers = st.decimals(min_value=lo, max_value=hi, places=4)
    item = st.decimals(min_value=1, max_value=500, places=4)
    rows = [
        {
            "employee_id": f"E{n}",
            "a": str(draw(numbers)),
            "b": str(draw(numbers)),
            "items": ";".join(str(x) for x in draw(st.lists(item, max_size=3))),
        }
        for n in range(draw(st.integers(1, 6)))
    ]
    rows.append({"employee_id": "top", "a": str(hi), "b": str(lo), "items": "500;500"})
    return scheme, rows


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.sampled_from(["pay - extra", "pay + fine - extra", "pay * 2 - extra * 2"]))
def test_the_difference_range_holds_every_row(case, text):
    scheme, rows = case
    plan = pr.compile_scheme(scheme)
    b = bounds(plan)
    tree = ast.parse(text, mode="eval").body
    assert isinstance(tree, ast.BinOp)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            node.value = Decimal(node.value)
    found = difference_range(b, tree.left, tree.right)
    if found is None:
        return
    for r in pr.score(plan, rows, period="2026-04").results:
        v = r.values
        left = eval(ast.unparse(tree.left), {"Decimal": Decimal}, dict(v))
        right = eval(ast.unparse(tree.right), {"Decimal": Decimal}, dict(v))
        assert left - right in found, f"{text} = {left - right} outside {found.text()}"


def test_a_value_on_both_sides_cancels_and_one_twice_on_a_side_does_not():
    scheme = pr.scheme_from_text(
        """
name: relation
metrics: {a: {type: number, min: 0, max: 10}, items: list}
score: {formula: "0"}
bonuses:
  extra: {occurrences: items, range: [1, 500], unit: money, payout: pay}
payouts:
  pay: {formula: "a * 3"}
"""
    ).scheme
    b = bounds(scheme)

    def diff(text):
        tree = ast.parse(text, mode="eval").body
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant):
                node.value = Decimal(node.value)
        return difference_range(b, tree.left, tree.right)

    cancelled = diff("pay - extra")
    assert cancelled is not None and cancelled.hi is not None and Decimal("30") <= cancelled.hi < Decimal("30.01")
    assert b["pay"].hi == 500_030  # on its own: up to 1,000 extras of 500
    # a appears in pay (times 3) and again on the right (times 2): it does not cancel, so each side is
    # taken whole, at its own range, and the difference is no narrower than the ranges give.
    assert diff("pay - a * 2") == Range(Decimal(-20), Decimal(500_030))

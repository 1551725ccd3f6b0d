"""A declared default for history that does not exist (issue #11): prior(x, n, d) and has_prior(x, n)."""

from decimal import Decimal as D

import perfrules as pr

SCHEME = """
name: growth
metrics: {sales: money}
score: {formula: sales}
payouts:
  growth_bonus: {formula: "max(sales - prior(sales, 1, sales), 0) / 10"}
flags:
  new_this_period: {when: "not has_prior(sales, 1)", reason: no sales recorded last period}
"""


def test_a_new_employee_gets_the_declared_default_not_zero(tmp_path):
    plan = pr.compile_scheme(pr.scheme_from_text(SCHEME).scheme)
    ledger = pr.Ledger(tmp_path / "l.db")
    april = pr.score(plan, [{"employee_id": "old", "sales": "1000"}], period="2026-04", history=ledger)
    ledger.publish(april, plan.scheme)
    rows = [{"employee_id": "old", "sales": "1500"}, {"employee_id": "new", "sales": "900"}]
    may = {r.employee: r for r in pr.score(plan, rows, period="2026-05", history=ledger).results}
    # Without a default, prior(sales, 1) is 0 and the new employee would be paid 90 for "growth" from nothing.
    assert may["new"].payouts["growth_bonus"] == D("0.00")
    assert may["old"].payouts["growth_bonus"] == D("50.00")
    assert [f.name for f in may["new"].flags] == ["new_this_period"]
    assert [f.name for f in may["old"].flags] == []
    text = pr.render_text(pr.explain(plan, may["new"]))
    assert "has_prior(sales, 1)=false" in text
    # The "where" line shows the value the formula used: the default (900), not the 0 read for no period.
    assert "prior(sales, 1)=900" in text and "prior(sales, 1)=0" not in text
    old = pr.render_text(pr.explain(plan, may["old"]))
    assert "has_prior(sales, 1)=true, prior(sales, 1)=1000" in old


def test_the_default_must_have_the_values_type():
    bad = SCHEME.replace("prior(sales, 1, sales)", "prior(sales, 1, sales > 0)")
    try:
        pr.compile_scheme(pr.scheme_from_text(bad).scheme)
    except pr.SchemeError as exc:
        assert exc.issues[0].code == "formula-type" and "default of prior()" in exc.issues[0].message
    else:
        raise AssertionError("a condition as the default of a number was accepted")

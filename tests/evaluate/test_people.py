"""Relations between people and roles: managers and reports, shared costs charged across (T3, T5, P7)."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules as pr

TEAM = """name: t
population: {manager: manager, role: role, roles: [agent, supervisor]}
metrics:
  sales: money
  month_score: number
score:
  formula: "reports_avg(month_score) * 1.2 if is_supervisor else month_score"
payouts:
  commission:
    formula: "reports_sum(sales) / 1000"
    when: is_supervisor
  headcount:
    formula: reports_count(sales)
"""


def plan_of(text):
    return pr.compile_scheme(pr.scheme_from_text(text).scheme)


def row(emp, role, manager="", **values):
    return {"employee_id": emp, "role": role, "manager": manager, **values}


ROWS = [
    row("A", "agent", "S", sales="500000", month_score="90"),
    row("B", "agent", "S", sales="300000", month_score="80"),
    row("C", "agent", "T", sales="100000", month_score="70"),
    row("S", "supervisor", "", sales="0", month_score="0"),
    row("T", "supervisor", "", sales="0", month_score="0"),
]


def test_t3_supervisor_score_from_direct_reports():
    """T3: a team lead's score = the average of their direct reports' scores × 1.2; $7 1‰ of their sales."""
    res = pr.score(plan_of(TEAM), ROWS).by_employee()
    assert (D("102.0"), D("84.0")) == (res["S"].score, res["T"].score)
    assert (D("800.00"), D("100.00"), D("0.00")) == tuple(res[e].payouts["commission"] for e in ("S", "T", "A"))
    assert (D(2), D(1), D(0)) == tuple(res[e].payouts["headcount"] for e in ("S", "T", "A"))


def test_roles_are_true_false_names_in_formulas():
    """T5: each declared role r gives a name is_r, true for the employees holding it."""
    res = pr.score(plan_of(TEAM), ROWS).by_employee()
    assert (D("90"), D("102.0")) == (res["A"].score, res["S"].score)
    assert res["A"].values["is_agent"] is True and res["A"].values["is_supervisor"] is False


def test_an_unknown_role_is_refused_with_row_column_and_suggestion():
    with pytest.raises(pr.InputError) as err:
        pr.score(plan_of(TEAM), [*ROWS[:4], row("T", "supervsor", "", sales="0", month_score="0")])
    [issue] = err.value.issues
    assert "unknown-role" == issue.code
    assert ("row 6", "role") == issue.path
    assert "did you mean 'supervisor'?" in issue.message


@pytest.mark.parametrize(
    ("manager", "why"),
    [("X", "is not in the population"), ("C", "names the employee themself")],
)
def test_a_relation_must_point_at_another_employee_of_the_input(manager, why):
    with pytest.raises(pr.InputError) as err:
        pr.score(plan_of(TEAM), [*ROWS[:2], row("C", "agent", manager, sales="1", month_score="1"), *ROWS[3:]])
    [issue] = err.value.issues
    assert ("unknown-relation", ("row 4", "manager")) == (issue.code, issue.path)
    assert why in issue.message


def test_a_role_name_may_not_clash_with_an_element():
    report = pr.validate(
        pr.scheme_from_text(
            "name: t\npopulation: {role: role, roles: [supervisor]}\nmetrics: {is_supervisor: count}\n"
            "score: {formula: is_supervisor}\n"
        ).scheme
    )
    assert ["duplicate-name"] == [i.code for i in report.errors]


def test_reports_functions_need_a_manager_column():
    report = pr.validate(
        pr.scheme_from_text("name: t\nmetrics: {x: number}\nscore: {formula: reports_avg(x)}\n").scheme
    )
    assert ["unknown-function"] == [i.code for i in report.errors]


def test_a_counterpart_relation_must_be_declared():
    """P7: counterpart: manager charges the manager, so the scheme must say where managers are."""
    report = pr.validate(
        pr.scheme_from_text(
            "name: t\nmetrics: {cost: money}\npayouts: {pay: {formula: '0'}}\n"
            "penalties: {c: {count: cost, amount: 1, share: 0.5, counterpart: manager, unit: money, payout: pay}}\n"
        ).scheme
    )
    [issue] = report.errors
    assert ("undeclared-relation", ("penalties", "c", "counterpart")) == (issue.code, issue.path)
    assert "population" in (issue.hint or "")


CHARGED = """name: t
money: {places: 2}
population: {manager: manager}
metrics: {cost: money, base: money}
penalties:
  shared: {count: cost, amount: 1, share: SHARE, counterpart: manager, unit: money, payout: pay}
payouts:
  pay: {formula: base}
"""


@st.composite
def charged_populations(draw):
    n = draw(st.integers(1, 12))
    ids = [f"E{i:02d}" for i in range(n)]
    rows = []
    for emp in ids:
        others = [x for x in ids if x != emp]
        manager = draw(st.sampled_from(["", *others])) if others else ""
        cost = draw(st.decimals(min_value=0, max_value=10**5, places=2, allow_nan=False, allow_infinity=False))
        rows.append({"employee_id": emp, "manager": manager, "cost": str(cost), "base": "1000"})
    share = draw(st.decimals(min_value=0, max_value=1, places=2, allow_nan=False, allow_infinity=False))
    return share, rows


@given(charged_populations(), st.sampled_from(["keep", "charge"]))
def test_charged_shared_costs_add_up_to_the_costs_exactly(case, rule):
    """P7 property: over a population, every shared cost is borne exactly once: own parts + charged parts = costs."""
    share, rows = case
    declared = f"no_counterpart: {rule}" + (", charge_to: E00" if rule == "charge" else "")
    scheme = CHARGED.replace("SHARE", str(share)).replace("counterpart: manager,", f"counterpart: manager, {declared},")
    res = pr.score(plan_of(scheme), rows)
    whole = sum((D(r["cost"]) for r in rows), D(0))
    own = sum((r.penalties["shared"] for r in res), D(0))
    charged = sum((r.charges["shared"] for r in res), D(0))
    assert own + charged == whole  # nothing is lost, whoever has no manager
    for r in res:  # and each charge lands in the manager's own pay
        assert r.payouts["pay"] == D(1000) - r.penalties["shared"] - r.charges["shared"]


def test_a_missing_counterpart_is_an_error_naming_the_row():
    """Issue 11: an empty manager cell no longer drops the manager's part (82.42 in one run) in silence."""
    rows = [
        {"employee_id": "A1", "manager": "", "cost": "164.84", "base": "1000"},
        {"employee_id": "S1", "manager": "", "cost": "0", "base": "1000"},
    ]
    with pytest.raises(pr.InputError) as err:
        pr.score(plan_of(CHARGED.replace("SHARE", "0.5")), rows)
    [issue] = err.value.issues
    assert (issue.code, issue.path) == ("missing-counterpart", ("row 2", "manager"))
    assert "82.42" in issue.message and "A1" in issue.message and "no_counterpart" in (issue.hint or "")


@pytest.mark.parametrize(
    ("declared", "own", "charged_s1"),
    [("no_counterpart: keep", "164.84", "0"), ("no_counterpart: charge, charge_to: S1", "82.42", "82.42")],
)
def test_a_declared_rule_says_who_bears_the_rest(declared, own, charged_s1):
    """Issue 11: the scheme declares who bears a shared cost when the manager cell is empty; the explanation says so."""
    scheme = CHARGED.replace("SHARE", "0.5").replace("counterpart: manager,", f"counterpart: manager, {declared},")
    rows = [
        {"employee_id": "A1", "manager": "", "cost": "164.84", "base": "1000"},
        {"employee_id": "S1", "manager": "", "cost": "0", "base": "1000"},
    ]
    plan = plan_of(scheme)
    res = pr.score(plan, rows, trace=True).by_employee()
    assert (res["A1"].penalties["shared"], res["S1"].charges["shared"]) == (D(own), D(charged_s1))
    share = res["A1"].shares["shared"]
    assert (share.counterpart_amount, share.charged_to) == (D(charged_s1), "S1" if "charge" in declared else None)
    text = pr.render_text(pr.explain(plan, res["A1"]))
    assert ("bears it all" in text) if "keep" in declared else ("manager S1 bears 82.42" in text)


@pytest.mark.parametrize(
    ("declared", "where"),
    [("no_counterpart: charge", "no_counterpart"), ("charge_to: S1", "charge_to")],
)
def test_charge_to_goes_with_no_counterpart_charge(declared, where):
    scheme = CHARGED.replace("SHARE", "0.5").replace("counterpart: manager,", f"counterpart: manager, {declared},")
    report = pr.validate(pr.scheme_from_text(scheme).scheme)
    assert [(i.code, i.path[-1]) for i in report.errors] == [("no-counterpart-rule", where)]


def test_charge_to_must_be_in_the_population():
    scheme = CHARGED.replace("SHARE", "0.5").replace(
        "counterpart: manager,", "counterpart: manager, no_counterpart: charge, charge_to: S9,"
    )
    with pytest.raises(pr.InputError) as err:
        pr.score(plan_of(scheme), [{"employee_id": "S1", "manager": "", "cost": "1", "base": "1"}])
    assert [i.code for i in err.value.issues] == ["unknown-relation"]


def test_membership_can_change_between_periods():
    """T5: team values follow each period's own input: someone who moves team counts where they are that month."""
    plan = plan_of("""name: t
teams: {column: team}
metrics: {x: number}
score: {formula: team_avg(x)}
""")
    april = [{"employee_id": "A", "team": "n", "x": "10"}, {"employee_id": "B", "team": "n", "x": "30"}]
    may = [{"employee_id": "A", "team": "n", "x": "10"}, {"employee_id": "B", "team": "s", "x": "30"}]
    a4 = pr.score(plan, april, period="2026-04").by_employee()
    a5 = pr.score(plan, may, period="2026-05").by_employee()
    assert (D(20), D(10), D(30)) == (a4["A"].score, a5["A"].score, a5["B"].score)


@pytest.mark.parametrize(("population", "missing"), [("{role: role}", "roles"), ("{roles: [agent]}", "role")])
def test_role_and_roles_go_together(population, missing):
    report = pr.validate(pr.scheme_from_text(f"name: t\npopulation: {population}\nscore: {{base: 1}}\n").scheme)
    [issue] = report.errors
    assert ("missing-key", ("population", missing)) == (issue.code, issue.path)

"""Whom a group value is over (issue 11): everyone, the assessed or the eligible, independently of who is graded."""

from decimal import Decimal as D

import pytest

import perfrules as pr

# Inside sales: new agents (first month) are not assessed and do not count in the team average,
# but the supervisor's commission is over all agents' sales, new ones included.
SALES = """name: t
population: {hire_date: hire_date, role: role, roles: [agent, supervisor]}
teams: {column: team, eligible: "tenure_months > 2"}
assessed: {when: "tenure_months > 1", reason: new this month}
metrics: {sales: money}
score: {formula: "sales / 100"}
payouts:
  commission: {formula: "FORMULA", when: is_supervisor}
"""

ROWS = [
    {"employee_id": "A1", "team": "n", "role": "agent", "hire_date": "2025-01-01", "sales": "1000"},
    {"employee_id": "A2", "team": "n", "role": "agent", "hire_date": "2026-03-01", "sales": "2000"},  # 2nd month
    {"employee_id": "A3", "team": "n", "role": "agent", "hire_date": "2026-04-10", "sales": "4000"},  # new
    {"employee_id": "S1", "team": "n", "role": "supervisor", "hire_date": "2020-01-01", "sales": "300"},
    {"employee_id": "B1", "team": "s", "role": "agent", "hire_date": "2020-01-01", "sales": "9000"},
]


def commission(formula):
    plan = pr.compile_scheme(pr.scheme_from_text(SALES.replace("FORMULA", formula)).scheme)
    return pr.score(plan, ROWS, period="2026-04").by_employee()["S1"].payouts["commission"]


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("team_sum(sales, is_agent, over=everyone)", "7000"),  # all agents, the new one included
        ("team_sum(sales, is_agent, over=assessed)", "3000"),  # A3 is not assessed
        ("team_sum(sales, is_agent, over=eligible)", "1000"),  # A2 is not eligible either
        ("team_sum(sales, is_agent)", "1000"),  # without over=: the eligible, as before
        ("team_sum(sales, over=everyone)", "7300"),  # the supervisor's own sales too
        ("all_sum(sales, is_agent, over=everyone)", "16000"),
        ("team_count(sales, over=everyone)", "4"),
    ],
)
def test_a_group_call_says_whom_it_is_over(formula, expected):
    """Issue 11: a supervisor's commission over all agents' sales, new ones included, without a precomputed column."""
    assert commission(formula) == D(expected).quantize(D("0.01"))


def test_the_explanation_names_whom_a_value_is_over():
    plan = pr.compile_scheme(
        pr.scheme_from_text(SALES.replace("FORMULA", "team_sum(sales, is_agent, over=everyone) / 100")).scheme
    )
    s1 = pr.score(plan, ROWS, period="2026-04", trace=True).by_employee()["S1"]
    assert "team_sum(sales, is_agent, over=everyone)" in pr.render_text(pr.explain(plan, s1))


@pytest.mark.parametrize(
    ("formula", "code"),
    [
        ("team_sum(sales, over=all)", "formula-literal"),
        ("team_sum(sales, over=is_agent)", "formula-literal"),
        ("team_sum(sales, among=everyone)", "formula-arity"),
        ("team_sum(sales, over=everyone, over=assessed)", "formula-arity"),
    ],
)
def test_whom_a_call_is_over_is_one_of_three_words(formula, code):
    report = pr.validate(pr.scheme_from_text(SALES.replace("FORMULA", formula)).scheme)
    assert code in [i.code for i in report.errors]


DISTRIBUTED = """name: t
population: {hire_date: hire_date}
teams: {column: team, eligible: "tenure_months > 2"}
metrics: {raw: number}
score: {formula: raw}
grades:
  tiers:
    - {range: ">= 90", grade: A}
    - {range: "< 90", grade: B}
  distribution:
    OVER
    quotas: [{grade: A, at_most: 0.5}]
"""


@pytest.mark.parametrize(("over", "grades"), [("", ["A", "A", "B", "B"]), ("over: eligible", ["A", "B", "A", "A"])])
def test_the_forced_distribution_is_over_a_declared_population(over, grades):
    """Issue 11: teams.eligible did not affect the forced distribution; distribution.over declares it."""
    plan = pr.compile_scheme(pr.scheme_from_text(DISTRIBUTED.replace("OVER", over)).scheme)
    rows = [
        {"employee_id": "E1", "team": "n", "hire_date": "2020-01-01", "raw": "99"},
        {"employee_id": "E2", "team": "n", "hire_date": "2020-01-01", "raw": "98"},
        {"employee_id": "N1", "team": "n", "hire_date": "2026-04-01", "raw": "97"},  # not eligible
        {"employee_id": "N2", "team": "n", "hire_date": "2026-04-01", "raw": "96"},  # not eligible
    ]
    res = pr.score(plan, rows, period="2026-04")
    # Over the assessed (the default), 50% of 4 is 2: E1 and E2 keep A. Over the eligible, 50% of 2 is 1:
    # E1 keeps A, E2 moves to B, and the new members, not graded together, keep the grade of their band.
    assert [r.grade for r in res] == grades

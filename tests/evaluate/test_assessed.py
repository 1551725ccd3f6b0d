"""Who is assessed this period (H3): trial staff and long absences are left out of grades, ranks and quotas."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules as pr
from perfrules._adapters import read_population
from tests.conftest import EXAMPLES

FOLDER = EXAMPLES / "seed003-quarter"


@pytest.fixture(scope="module")
def quarter():
    plan = pr.compile_scheme(pr.load_scheme(FOLDER / "scheme.yaml"))
    return plan, pr.score(plan, read_population(FOLDER / "data.csv"), period="2026-Q2").by_employee()


def test_h3_probation_and_long_absence_are_not_assessed(quarter):
    """H3: trial staff are not assessed and get no performance pay; absent over two months, not assessed."""
    _, res = quarter
    for emp in ("T01", "L01"):
        r = res[emp]
        assert (None, D("0.00")) == (r.grade, r.payouts["perf_pay"])
        assert "not_assessed" == r.flags[0].name and "试用期" in r.flags[0].reason
    assert ("B", D("2622.00")) == (res["Q05"].grade, res["Q05"].payouts["perf_pay"])  # exactly 2 months: assessed


def test_h3_those_not_assessed_take_no_place_in_ranks_or_quotas(quarter):
    """H3/G2: quotas count the ten assessed (S: 1, A: 2), and the first place is the first of those assessed."""
    _, res = quarter
    assert ["S", "A", "A", "B", "B"] == [res[e].grade for e in ("Q01", "Q02", "Q03", "Q04", "Q05")]
    assert [e for e, r in res.items() if any(f.name == "top_of_quarter" for f in r.flags)] == ["Q01"]


def test_h3_not_assessed_members_count_in_no_team_value():
    """H3/T1: a team average leaves out whoever is not assessed, whatever the eligibility rule says."""
    plan = pr.compile_scheme(
        pr.scheme_from_text("""name: t
teams: {column: team}
assessed: {when: "absent == 0", reason: absent}
metrics: {x: number, absent: number}
score: {formula: x}
payouts: {avg: {formula: team_avg(score)}, n: {formula: team_count(score)}}
""").scheme
    )
    rows = [
        {"employee_id": e, "team": "t", "x": x, "absent": a}
        for e, x, a in (("a", "80", "0"), ("b", "60", "0"), ("c", "10", "3"))
    ]
    res = pr.score(plan, rows).by_employee()
    assert (D("70.00"), D("2.00")) == (res["c"].payouts["avg"], res["c"].payouts["n"])


def test_the_assessed_rule_may_not_read_group_values():
    report = pr.validate(
        pr.scheme_from_text(
            "name: t\nmetrics: {x: number}\nassessed: {when: 'all_avg(x) > 1', reason: r}\nscore: {formula: x}\n"
        ).scheme
    )
    assert ["unknown-function"] == [i.code for i in report.errors]


GRADED = """name: t
assessed: {when: "ok == 1", reason: not assessed}
metrics: {x: number, ok: count}
score: {formula: x}
grades:
  tiers:
    - {range: ">= 90", grade: S}
    - {range: "< 90", grade: B}
  distribution:
    quotas: [{grade: S, at_most: 0.25}]
"""


@given(st.lists(st.tuples(st.integers(80, 100), st.booleans()), min_size=1, max_size=40))
def test_quotas_count_only_those_assessed(people):
    """H3/G2 property: nobody unassessed has a grade, and S never exceeds its quota among those assessed."""
    plan = pr.compile_scheme(pr.scheme_from_text(GRADED).scheme)
    rows = [{"employee_id": f"e{i:02d}", "x": str(x), "ok": str(int(ok))} for i, (x, ok) in enumerate(people)]
    res = pr.score(plan, rows)
    assessed = [r for r, (_, ok) in zip(res, people, strict=True) if ok]
    assert all(r.grade is None for r, (_, ok) in zip(res, people, strict=True) if not ok)
    assert sum(r.grade == "S" for r in assessed) <= len(assessed) // 4

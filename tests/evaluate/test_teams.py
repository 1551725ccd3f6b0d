"""Team values in formulas: T1-T3, B1, $6, $7 and the A3 unit-average check."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules as pr
from perfrules._adapters import read_population
from tests.conftest import EXAMPLES

FOLDER = EXAMPLES / "seed000-team"


@pytest.fixture(scope="module")
def team():
    plan = pr.compile_scheme(pr.load_scheme(FOLDER / "scheme.yaml"))
    return plan, pr.score(
        plan, read_population(FOLDER / "data.csv"), period="2026-04", history=pr.RecordedHistory()
    ).by_employee()


def test_e1_agent_a_earns_4000(team):
    """E1: 3,500 (2,800 personal + 700 team) + 300 gold + 200 mentor = 4,000."""
    a = team[1]["A"].payouts
    assert [D("2800.00"), D("700.00"), D("300.00"), D("200.00"), D("4000.00")] == [
        a[k] for k in ("personal_part", "team_part", "gold", "mentor", "total_pay")
    ]


def test_trial_members_do_not_count_in_the_team_average(team):
    """T1/T2: the team average is over eligible members only: (90 + 85 + 85) / 3, not with N's first-month 40."""
    q = D("0.01")
    assert D("86.67") == team[1]["A"].values["team_avg__month_score"].quantize(q)
    assert D("86.67") == team[1]["N"].values["team_avg__month_score"].quantize(q)  # the trial member still sees it


def test_supervisor_score_from_the_team(team):
    """T3: supervisor's score = 50% agents' average + 50% own admin score."""
    assert (D("88.33"), D("76.25")) == (team[1]["S1"].score, team[1]["S2"].score)


def test_b1_gold_agent_tops_sales_and_score(team):
    """B1: gold agent = highest sales AND highest score in the team, score above 80: +300."""
    assert [["gold_agent"], [], ["new_hire"], []] == [[f.name for f in team[1][e].flags] for e in ("A", "B", "C", "D")]


def test_6_team_part_gated_on_the_team_average(team):
    """$6: 80% personal; the other 20% only when the team average is at least 80."""
    assert (D("600.00"), D("0.00")) == (team[1]["B"].payouts["team_part"], team[1]["D"].payouts["team_part"])


def test_7_supervisor_per_mille_of_team_sales(team):
    """$7: the supervisor earns 1‰ of the team's total sales."""
    assert (D("900.00"), D("450.00")) == (team[1]["S1"].payouts["commission"], team[1]["S2"].payouts["commission"])


def test_a3_unit_average_constraint_is_reported():
    """A3: a unit's average may not exceed 102: every member of such a team is flagged."""
    plan = pr.compile_scheme(pr.load_scheme(FOLDER / "scheme.yaml"))
    rows = [
        {"employee_id": e, "team": "t", "month_score": s, "sales": "1", "hire_date": "2020-01-01", "role": "agent"}
        for e, s in (("x", "105"), ("y", "101"))
    ]
    flags = {
        r.employee: [f.name for f in r.flags]
        for r in pr.score(plan, rows, period="2026-04", history=pr.RecordedHistory())
    }
    assert "team_average_over_102" in flags["x"] and "team_average_over_102" in flags["y"]


def test_e1_through_the_cli(tmp_path):
    import json

    from perfrules._cli import main

    out = tmp_path / "r.json"
    assert 0 == main(
        [
            "score",
            str(FOLDER / "scheme.yaml"),
            str(FOLDER / "data.csv"),
            "--period",
            "2026-04",
            "--out",
            str(out),
            "--no-history",
        ]
    )
    row = next(r for r in json.loads(out.read_text(encoding="utf-8"))["results"] if r["employee"] == "A")
    assert "4000.00" == row["payouts"]["total_pay"]


def scheme(text):
    return pr.scheme_from_text("name: t\nteams: {column: team}\n" + text).scheme


class TestFunctions:
    """Every team function."""

    def test_values(self):
        s = scheme(
            """metrics: {x: number}
flags:
  top: {when: team_top(x), reason: top}
payouts:
  avg: {formula: team_avg(x), rounding: {places: 4}}
  total: {formula: team_sum(x)}
  low: {formula: team_min(x)}
  high: {formula: team_max(x)}
  n: {formula: team_count(x)}
  rank: {formula: team_rank(x)}
  part: {formula: team_share(x), rounding: {places: 4}}
""".replace("total:", "total_x:")
        )
        plan = pr.compile_scheme(s)
        rows = [
            {"employee_id": e, "team": t, "x": x}
            for e, t, x in (("a", "1", "10"), ("b", "1", "30"), ("c", "1", "30"), ("d", "2", "5"))
        ]
        r = pr.score(plan, rows).by_employee()
        b = r["b"].payouts
        assert [D("23.3333"), D("70.00"), D("10.00"), D("30.00"), D("3.00"), D("1.00"), D("0.4286")] == [
            b[k] for k in ("avg", "total_x", "low", "high", "n", "rank", "part")
        ]
        assert (D("3.00"), ["top"], ["top"]) == (
            r["a"].payouts["rank"],
            [f.name for f in r["c"].flags],
            [f.name for f in r["d"].flags],
        )

    def test_team_function_needs_teams(self):
        s = pr.scheme_from_text("name: t\nmetrics: {x: number}\npayouts:\n  p: {formula: team_avg(x)}\n").scheme
        (issue,) = pr.validate(s).errors
        assert "unknown-function" == issue.code and "teams" in issue.hint

    def test_argument_must_be_a_name(self):
        s = scheme("metrics: {x: number}\npayouts:\n  p: {formula: team_avg(x + 1)}\n")
        assert ["formula-arity"] == [i.code for i in pr.validate(s).errors]

    def test_reading_your_own_team_value_is_a_loop(self):
        s = scheme("metrics: {x: number}\nscore: {formula: 'team_avg(score) + x'}\n")
        (issue,) = pr.validate(s).errors
        assert "cycle" == issue.code and "score → team_avg__score → score" in issue.message

    def test_missing_team_is_an_input_error(self):
        plan = pr.compile_scheme(scheme("metrics: {x: number}\npayouts:\n  p: {formula: team_avg(x)}\n"))
        with pytest.raises(pr.InputError, match="row 2 has no team"):
            pr.score(plan, [{"employee_id": "a", "x": "1"}])

    def test_explain_without_trace_equals_with_trace(self, team):
        plan, _ = team
        rows = read_population(FOLDER / "data.csv")
        plain = pr.score(plan, rows, period="2026-04", history=pr.RecordedHistory()).by_employee()
        traced = pr.score(plan, rows, period="2026-04", trace=True, history=pr.RecordedHistory()).by_employee()
        for e in plain:
            assert pr.explain(plan, plain[e]).to_dict() == pr.explain(plan, traced[e]).to_dict()


@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 100), st.booleans()), min_size=1, max_size=25))
def test_team_average_never_includes_ineligible_members(members):
    """T2 property: the team average is the average over eligible members only."""
    plan = pr.compile_scheme(
        pr.scheme_from_text("""name: t
teams: {column: team, eligible: "trial == 0"}
metrics: {x: number, trial: count}
payouts:
  avg: {formula: team_avg(x), rounding: {places: 6}}
""").scheme
    )
    rows = [
        {"employee_id": f"e{i}", "team": t, "x": str(x), "trial": "0" if ok else "1"}
        for i, (t, x, ok) in enumerate(members)
    ]
    got = pr.score(plan, rows).by_employee()
    for i, (t, _, _) in enumerate(members):
        pool = [D(x) for tt, x, ok in members if tt == t and ok]
        expected = (sum(pool, D(0)) / len(pool)) if pool else D(0)
        assert expected.quantize(D("0.000001")) == got[f"e{i}"].payouts["avg"]


def test_g3_disqualified_first_passes_the_award_to_the_next_in_rank():
    """G3: rank within the team; a verified complaint disqualifies the first, and the award passes to the next."""
    plan = pr.compile_scheme(
        pr.scheme_from_text("""name: t
teams: {column: team}
metrics: {score_in: number, complaints: count}
flags:
  qualified: {when: "complaints == 0", reason: no verified complaint}
  first_place: {when: "team_top(score_in, qualified)", reason: first of the team among the qualified}
payouts:
  rank: {formula: "team_rank(score_in)", rounding: {places: 0}}
  award: {formula: "200", when: first_place}
""").scheme
    )
    rows = [
        {"employee_id": e, "team": "t", "score_in": s, "complaints": c}
        for e, s, c in (("a", "95", "1"), ("b", "90", "0"), ("c", "80", "0"))
    ]
    r = pr.score(plan, rows).by_employee()
    assert ["1", "2", "3"] == [str(r[e].payouts["rank"]) for e in "abc"]
    assert [D("0.00"), D("200.00"), D("0.00")] == [r[e].payouts["award"] for e in "abc"]
    assert "team_top(score_in, qualified)=true" in pr.render_text(pr.explain(plan, r["b"]))


def test_population_wide_values_need_no_teams():
    """G3: rank over the whole population with all_rank(); all_* work without teams."""
    plan = pr.compile_scheme(
        pr.scheme_from_text("""name: t
metrics: {x: number}
payouts:
  rank: {formula: "all_rank(x)", rounding: {places: 0}}
  mean: {formula: "all_avg(x)"}
""").scheme
    )
    r = pr.score(plan, [{"employee_id": e, "x": x} for e, x in (("a", "1"), ("b", "3"), ("c", "2"))]).by_employee()
    assert (["3", "1", "2"], D("2.00")) == ([str(r[e].payouts["rank"]) for e in "abc"], r["a"].payouts["mean"])


def test_b3_team_pool_paid_to_the_supervisor(team):
    """B3/T4: a team averaging above 90 earns 1,000, handed to the supervisor to distribute."""
    plan, _ = team
    rows = [
        {
            "employee_id": e,
            "team": "t",
            "month_score": s,
            "sales": "1",
            "role": role,
            "admin_score": "80",
            "hire_date": "2020-01-01",
        }
        for e, s, role in (("x", "95", "agent"), ("y", "92", "agent"), ("boss", "0", "supervisor"))
    ]
    r = pr.score(plan, rows, period="2026-04", history=pr.RecordedHistory()).by_employee()
    assert (D("1000.00"), D("0.00")) == (r["boss"].payouts["team_award"], r["x"].payouts["team_award"])
    assert D("0.00") == team[1]["S1"].payouts["team_award"]  # north averages 87.5: no award


def test_b4_mentor_paid_when_a_trainee_scores_80_within_two_months(team):
    """B4/T5: a new hire trained one-to-one who scores 80 or more within two months earns the mentor 200."""
    r = team[1]
    assert (D("200.00"), D("0.00")) == (r["A"].payouts["mentor"], r["B"].payouts["mentor"])  # C: 85 in month 2; N: 40


def test_h3_tenure_and_days_employed():
    """H3/$2: tenure from the hire date; days employed for joiners and leavers, for proration."""
    plan = pr.compile_scheme(
        pr.scheme_from_text("""name: t
population: {hire_date: hired, leave_date: left}
metrics: {base: money}
flags:
  floating: {when: "tenure_months >= 3", reason: pay floats from the third month}
payouts:
  prorated: {formula: "base * days_employed / period_days"}
  tenure: {formula: tenure_months, rounding: {places: 0}}
""").scheme
    )
    rows = [
        {"employee_id": "j", "base": "3000", "hired": "2026-04-16", "left": ""},
        {"employee_id": "l", "base": "3000", "hired": "2025-01-01", "left": "2026-04-10"},
        {"employee_id": "o", "base": "3000", "hired": "2026-02-01", "left": ""},
    ]
    r = pr.score(plan, rows, period="2026-04", history=pr.RecordedHistory()).by_employee()
    assert [D("1500.00"), D("1000.00"), D("3000.00")] == [r[e].payouts["prorated"] for e in "jlo"]
    assert (["1", "16", "3"], ["floating"]) == (
        [str(r[e].payouts["tenure"]) for e in "jlo"],
        [f.name for f in r["o"].flags],
    )
    with pytest.raises(pr.InputError, match="not a real date"):
        pr.score(
            plan,
            [{"employee_id": "x", "base": "1", "hired": "2026-02-30"}],
            period="2026-04",
            history=pr.RecordedHistory(),
        )


def test_an_arithmetic_error_after_team_values_names_the_employee_and_the_team_value():
    plan = pr.compile_scheme(scheme("metrics: {x: number}\nscore: {formula: 'x / team_min(x)'}\n"))
    rows = [{"employee_id": "b", "team": "t", "x": "2"}, {"employee_id": "a", "team": "t", "x": "0"}]
    with pytest.raises(pr.EvaluationError) as err:
        pr.score(plan, rows)
    assert ("a", "score") == (err.value.employee, err.value.step)
    assert {"x": D(0), "team_min__x": D(0)} == err.value.values
    assert str(err.value).startswith("division by zero")

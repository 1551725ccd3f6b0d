"""Team, relation and population values: the columnar engine gives the row engine's results, cell for cell."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrules as pr
from perfrules._load import scheme_from_text

pytest.importorskip("polars")

TEAMS = """
name: crowds
teams:
  column: team
  eligible: "x >= 0"
population:
  mentor: mentor
metrics:
  x: {type: number}
  y: {type: number}
flags:
  good: {when: "y > 1", reason: good}
  top_x: {when: "team_top(x)", reason: top of the team in x}
  top_y_good: {when: "team_top(y, good) and all_top(x)", reason: top}
  high: {when: "team_avg(x) > 1", reason: high average}
score:
  formula: "team_avg(x) + team_sum(y) - team_count(x) + team_max(y) - team_min(x, good)"
payouts:
  ranks:
    formula: "team_rank(x) * 1000 + all_rank(y) + team_share(y) + all_share(x)"
  spread:
    formula: "all_avg(y) + team_avg(y, over=everyone) + team_sum(x, good, over=assessed) + team_count(y, over=everyone)"
  mentoring:
    formula: "mentees_sum(x) + mentees_max(y) + mentees_count(x) + mentees_avg(y)"
  extremes:
    formula: "all_max(x) - all_min(y) + team_max(x) * 2"
"""
RANKED = TEAMS.replace(
    "name: crowds", "name: ranked crowds\nranking:\n  keys: [y desc, employee_id asc]\n  ties: first"
)

NUMBERS = st.sampled_from(
    ["80", "80.0", "80.00", "-0", "0", "0.0", "-1.5", "2", "2.000", "1E+1", "3.33"]
) | st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False).map(str)


@st.composite
def crowds(draw: st.DrawFn) -> list[dict[str, str]]:
    ids = draw(st.lists(st.from_regex(r"E[0-9]{1,2}", fullmatch=True), min_size=1, max_size=12, unique=True))
    return [
        {
            "employee_id": e,
            "team": draw(st.sampled_from(["north", "south", "west"])),
            "mentor": draw(st.sampled_from(["", "", *(m for m in ids if m != e)])),
            "x": draw(NUMBERS),
            "y": draw(NUMBERS),
        }
        for e in ids
    ]


def _agree(plan: pr.Plan, rows: list[dict[str, str]]) -> None:
    try:
        row = pr.score(plan, rows)
    except pr.EvaluationError as exc:
        with pytest.raises(pr.EvaluationError) as err:
            pr.score(plan, rows, engine="columnar")
        assert str(err.value) == str(exc)
        return
    col = pr.score(plan, rows, engine="columnar")
    for a, b in zip(row, col, strict=True):
        # Same values, same Decimal text (exponent and sign of zero), same flags.
        assert [repr(v) for v in a.row] == [repr(v) for v in b.row], a.employee
        assert a.to_dict() == b.to_dict()


PLANS = {
    name: pr.compile_scheme(scheme_from_text(text).scheme) for name, text in (("plain", TEAMS), ("ranked", RANKED))
}


@pytest.mark.parametrize("name", sorted(PLANS))
def test_the_scheme_is_not_refused(name):
    from perfrules._evaluate import columnar_issues

    assert columnar_issues(PLANS[name]) == []


@settings(max_examples=60, deadline=None)
@given(crowds())
def test_team_and_relation_values_agree(rows):
    _agree(PLANS["plain"], rows)


@settings(max_examples=30, deadline=None)
@given(crowds())
def test_ranks_and_tops_under_declared_keys_agree(rows):
    _agree(PLANS["ranked"], rows)


SUMS = """
name: sums
teams: {column: team}
metrics:
  x: {type: number}
  y: {type: number}
payouts:
  summed: {formula: "team_sum(y)"}
  average: {formula: "team_avg(y) + all_avg(x)"}
flags:
  over: {when: "team_sum(y) > 999999999999999", reason: over}
score:
  formula: "team_sum(y)"
"""


def test_a_team_sum_beyond_the_window_range_is_the_row_engines_rounded_sum():
    # 29 digits in a team sum: Decimal rounds it to 28, and so must the columnar engine (by the row engine's code).
    plan = pr.compile_scheme(scheme_from_text(SUMS).scheme)
    rows = [
        {"employee_id": f"E{k}", "team": "north", "mentor": "", "x": "9" * 15, "y": "0.00000000000001"}
        for k in range(3)
    ]
    rows.append({"employee_id": "E9", "team": "north", "mentor": "", "x": "1", "y": "9" * 15})
    # Exactly, the sum is above 999999999999999; rounded to 28 digits it is equal: no flag.
    assert [r.flags for r in pr.score(plan, rows, engine="columnar")] == [()] * 4
    _agree(plan, rows)


@pytest.mark.parametrize("ys", [("1E+1", "2E+1"), ("-0", "-0.00"), ("0.50", "-0.5"), ("1E+1", "-0.001")])
def test_a_team_sum_has_decimals_exponent_and_sign_of_zero(ys):
    # sum(members, Decimal(0)): the exponent is the smallest of 0 and the members', and a zero sum is +0.
    plan = pr.compile_scheme(scheme_from_text(SUMS).scheme)
    rows = [{"employee_id": f"E{k}", "team": "north", "x": "1", "y": y} for k, y in enumerate(ys)]
    _agree(plan, rows)


def test_team_months_with_a_ledger_agree(tmp_path):
    """seed000-team month after month: team averages and tops, mentors, tenure, streaks read from the ledger."""
    from pathlib import Path

    from perfrules._adapters import read_population

    folder = Path(__file__).parents[2] / "examples" / "seed000-team"
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    with pr.Ledger(tmp_path / "l.db") as ledger:
        for month in sorted(p.stem for p in (folder / "months").glob("*.csv")):
            rows = read_population(folder / "months" / f"{month}.csv")
            row = pr.score(plan, rows, period=month, history=ledger)
            col = pr.score(plan, rows, period=month, history=ledger, engine="columnar")
            assert [[repr(v) for v in r.row] for r in row] == [[repr(v) for v in r.row] for r in col]
            assert [r.to_dict() for r in row] == [r.to_dict() for r in col]
            ledger.publish(row, plan.scheme)

"""Ranking by declared keys (issue 11): ranks, tops and forced distribution, without numeric tricks."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules as pr

SCHEME = """name: t
teams: {column: team}
metrics: {raw: number, sales: money}
score: {formula: raw}
RANKING
flags:
  team_first: {when: team_top(score), reason: first of the team}
  overall_first: {when: all_top(score), reason: first of all}
"""

# Two tied on score 90; T2 sells more than T1, and T1 has the smaller id than T3 (same score, same sales).
ROWS = [
    {"employee_id": "T1", "team": "n", "raw": "90", "sales": "500"},
    {"employee_id": "T2", "team": "n", "raw": "90", "sales": "800"},
    {"employee_id": "T3", "team": "s", "raw": "88", "sales": "900"},
    {"employee_id": "T4", "team": "s", "raw": "88", "sales": "900"},
]


def run(ranking, formula="all_rank(score)"):
    text = SCHEME.replace("RANKING", ranking) + f"payouts:\n  place: {{formula: '{formula}'}}\n"
    plan = pr.compile_scheme(pr.scheme_from_text(text).scheme)
    return plan, pr.score(plan, ROWS, trace=True).by_employee()


def firsts(res, flag):
    return sorted(e for e, r in res.items() if any(f.name == flag for f in r.flags))


def test_score_then_sales_then_employee_id():
    """Issue 11: "score, then sales, then employee id" is written as keys, not as score * 1e11 + sales."""
    _, res = run("ranking: {keys: [score desc, sales desc, employee_id asc]}")
    assert [res[e].payouts["place"] for e in ("T2", "T1", "T3", "T4")] == [D(1), D(2), D(3), D(4)]
    assert firsts(res, "team_first") == ["T2", "T3"] and firsts(res, "overall_first") == ["T2"]


def test_without_a_ranking_ties_share_a_rank_and_all_tied_are_top():
    _, res = run("")
    assert [res[e].payouts["place"] for e in ("T1", "T2", "T3", "T4")] == [D(1), D(1), D(3), D(3)]
    assert firsts(res, "team_first") == ["T1", "T2", "T3", "T4"]


@pytest.mark.parametrize(
    ("ties", "team_first"), [("all", ["T2", "T3", "T4"]), ("none", ["T2"]), ("first", ["T2", "T3"])]
)
def test_a_top_has_a_declared_tie_rule(ties, team_first):
    """Issue 11: team_top() was true for everyone tied; the ranking says all, none, or the first by employee id."""
    _, res = run(f"ranking: {{keys: [sales desc], ties: {ties}}}")
    assert firsts(res, "team_first") == team_first  # T3 and T4 tie on score and sales


def test_ascending_keys_and_any_expression():
    _, res = run("ranking: {keys: [sales / 100 asc, employee_id desc]}")
    # On score: T1, T2 (90) before T3, T4 (88); then fewer sales first; T3, T4 by id descending.
    assert [res[e].payouts["place"] for e in ("T1", "T2", "T4", "T3")] == [D(1), D(2), D(3), D(4)]


def test_the_explanation_shows_the_keys_as_they_are():
    plan, res = run("ranking: {keys: [score desc, sales desc, employee_id asc]}")
    text = pr.render_text(pr.explain(plan, res["T1"]))
    assert "Ranked by score desc (90.00), sales desc (500), employee_id asc" in text
    assert "e+" not in text and "00000000" not in text  # no score * 1e11 + sales


@pytest.mark.parametrize(
    ("ranking", "code"),
    [
        ("ranking: {keys: [employee_id asc, sales desc]}", "ranking-key"),
        ("ranking: {keys: [sales upward]}", "formula-syntax"),
        ("ranking: {keys: [team_avg(sales)]}", "unknown-function"),
        ("ranking: {keys: [salse desc]}", "unknown-name"),
    ],
)
def test_bad_keys_are_errors(ranking, code):
    report = pr.validate(pr.scheme_from_text(SCHEME.replace("RANKING", ranking)).scheme)
    assert code in [i.code for i in report.errors]


DISTRIBUTED = """name: t
metrics: {raw: number, sales: money}
score: {formula: raw}
RANKING
grades:
  tiers:
    - {range: ">= 90", grade: A}
    - {range: "< 90", grade: B}
  distribution:
    quotas: [{grade: A, at_most: 0.5}]
"""


@pytest.mark.parametrize(
    ("ranking", "grades"),
    [("", ["B", "B", "B", "B"]), ("ranking: {keys: [sales desc, employee_id asc]}", ["B", "A", "A", "B"])],
)
def test_the_forced_distribution_orders_by_the_keys(ranking, grades):
    """Issue 11: four people all on 95: ties demote everyone; with keys, the two best by sales keep A."""
    plan = pr.compile_scheme(pr.scheme_from_text(DISTRIBUTED.replace("RANKING", ranking)).scheme)
    rows = [{"employee_id": f"E{i}", "raw": "95", "sales": s} for i, s in enumerate(["100", "300", "300", "200"])]
    assert [r.grade for r in pr.score(plan, rows)] == grades


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=12))
def test_with_the_id_as_last_key_ranks_are_a_permutation_and_one_is_top(people):
    text = """name: t
metrics: {raw: number, sales: number}
score: {formula: raw}
ranking: {keys: [sales desc, employee_id asc]}
flags: {first: {when: all_top(score), reason: first}}
payouts: {place: {formula: all_rank(score)}}
"""
    plan = pr.compile_scheme(pr.scheme_from_text(text).scheme)
    rows = [{"employee_id": f"E{i:02d}", "raw": str(r), "sales": str(s)} for i, (r, s) in enumerate(people)]
    res = pr.score(plan, rows).results
    assert sorted(r.payouts["place"] for r in res) == [D(k) for k in range(1, len(people) + 1)]
    [best] = [r for r in res if r.flags]
    assert best.payouts["place"] == 1
    # and the order is the lexicographic one: score, then sales, both higher first, then the id
    order = sorted(range(len(people)), key=lambda i: (-people[i][0], -people[i][1], i))
    assert [res[i].payouts["place"] for i in order] == [D(k) for k in range(1, len(people) + 1)]

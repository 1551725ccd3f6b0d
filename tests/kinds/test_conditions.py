"""Named conditions that are not flags (issue #11): read by formulas and streak(), explained, never reported as raised."""

from decimal import Decimal as D

import pytest

import perfrules as pr

SCHEME = """
name: conditions
metrics: {points: number, attendance: number}
score: {formula: points}
conditions:
  qualified: "score >= 80 and attendance == 1"
payouts:
  bonus: {formula: "100 if qualified else 0"}
flags:
  gold: {when: "streak(qualified) >= 2", reason: qualified two periods running}
"""


@pytest.fixture
def plan():
    return pr.compile_scheme(pr.scheme_from_text(SCHEME).scheme)


def test_a_condition_is_read_by_formulas_and_is_not_a_flag(plan):
    result = pr.score(plan, [{"employee_id": "a", "points": "85", "attendance": "1"}], no_history=True).results[0]
    assert result.conditions == {"qualified": True}
    assert result.payouts["bonus"] == D("100.00")
    assert [f.name for f in result.flags] == []
    assert result.to_dict()["conditions"] == {"qualified": True}


def test_streak_counts_a_condition_across_published_periods(plan, tmp_path):
    ledger = pr.Ledger(tmp_path / "l.db")
    seen = []
    for month, points in (("2026-04", "85"), ("2026-05", "90"), ("2026-06", "70")):
        results = pr.score(
            plan, [{"employee_id": "a", "points": points, "attendance": "1"}], period=month, history=ledger
        )
        ledger.publish(results, plan.scheme)
        seen.append([f.name for f in results.results[0].flags])
    assert seen == [[], ["gold"], []]


def test_the_explanation_says_whether_it_held_in_both_languages(plan):
    result = pr.score(plan, [{"employee_id": "a", "points": "70", "attendance": "1"}], no_history=True).results[0]
    explanation = pr.explain(plan, result)
    assert "- qualified: score >= 80 and attendance == 1 → does not hold" in pr.render_text(explanation)
    assert "- qualified：score >= 80 and attendance == 1 → 不成立" in pr.render_text(explanation, "zh")
    line = next(x for x in explanation.lines if x.kind == "condition")
    assert line.value is False and line.reads == {"attendance": D(1), "score": D(70)}


def test_a_condition_must_be_true_or_false():
    with pytest.raises(pr.SchemeError) as info:
        pr.compile_scheme(pr.scheme_from_text(SCHEME.replace('"score >= 80 and attendance == 1"', "score")).scheme)
    assert info.value.issues[0].code == "formula-type"


def test_schemes_without_conditions_keep_their_results_shape():
    scheme = pr.scheme_from_text("name: x\nmetrics: {a: number}\nscore: {formula: a}\n").scheme
    result = pr.score(pr.compile_scheme(scheme), [{"employee_id": "e", "a": "1"}]).results[0]
    assert "conditions" not in result.to_dict()

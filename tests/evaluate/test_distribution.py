"""Forced distribution of grades (G2)."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

import perfrules as pr

SCHEME = """name: t
metrics: {raw: number}
score: {formula: raw}
grades:
  tiers:
    - {range: ">= 90", grade: S}
    - {range: "[80, 90)", grade: A}
    - {range: "[70, 80)", grade: B}
    - {range: "< 70", grade: C}
  distribution:
    ties: TIES
    quotas:
      - {grade: S, at_most: 0.10}
      - {grade: A, at_most: 0.20}
      - {grade: C, at_least: 0.05}
"""


def plan(ties="demote"):
    return pr.compile_scheme(pr.scheme_from_text(SCHEME.replace("TIES", ties)).scheme)


def grades(p, scores):
    rows = [{"employee_id": f"e{i:02d}", "raw": str(s)} for i, s in enumerate(scores)]
    return [r.grade for r in pr.score(p, rows)]


def test_g2_quotas_of_seed_002():
    """G2: S at most the top 10%, A the top 20%, C the bottom 5% (of 20 people: 2, 4 and 1)."""
    scores = [99, 98, 97, 96, 95, 94, 93, 85, 84, 83, 82, 81, 75, 74, 73, 72, 71, 70, 70, 71]
    got = grades(plan(), scores)
    assert ["S", "S", "A", "A", "A", "A", "B"] == got[:7]  # 5 more S by band: 2 keep S, A holds 4, rest to B
    # The bottom 5% is one person, but the two lowest are tied on 70: ties go to the lower grade.
    assert ["C", "C"] == [got[17], got[18]] and 2 == got.count("C")
    assert got.count("S") <= 2 and got.count("A") <= 4


def test_ties_at_a_boundary():
    """G2: a declared tie rule: demote never exceeds the quota; keep lets all tied keep the better grade."""
    scores = [95] * 3 + [60] * 17  # 20 people: S quota 2, three tied on 95
    assert 0 == grades(plan("demote"), scores).count("S")
    assert 3 == grades(plan("keep"), scores).count("S")


def test_the_explanation_says_why():
    p = plan()
    rows = [{"employee_id": f"e{i:02d}", "raw": str(s)} for i, s in enumerate([95, 96, 97] + [75] * 17)]
    moved = next(r for r in pr.score(p, rows) if r.grade_note)
    text = pr.render_text(pr.explain(p, moved))
    assert "forced distribution, quota S: at most 10% of 20 = 2: moved from S to A" in text
    assert moved.to_dict()["grade_note"].startswith("quota S")


@given(st.lists(st.integers(50, 100), min_size=1, max_size=60), st.sampled_from(["demote"]))
def test_at_most_quotas_are_never_exceeded(scores, ties):
    """G2 property: with ties demoted, no grade exceeds its at-most quota."""
    got = grades(plan(ties), scores)
    n = len(scores)
    assert got.count("S") <= int(D("0.10") * n)
    assert got.count("A") <= int(D("0.20") * n)

"""Forced distribution of grades (G2)."""

from decimal import Decimal as D

import pytest
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


ROUNDED = """name: t
metrics: {raw: number}
score: {formula: raw}
grades:
  tiers:
    - {range: ">= 90", grade: A}
    - {range: "< 90", grade: B}
  distribution:
    rounding: ROUNDING
    quotas: [{grade: A, at_most: SHARE}]
"""


@pytest.mark.parametrize(
    ("rounding", "share", "a_count"),
    [
        ("down", "0.10", 0),
        ("nearest", "0.10", 0),
        ("up", "0.10", 1),
        ("at_least_one", "0.10", 1),
        ("down", "0.50", 1),
        ("nearest", "0.50", 2),
        ("up", "0.50", 2),
        ("at_least_one", "0.50", 1),
    ],
)
def test_declared_rounding_of_head_counts(rounding, share, a_count):
    """Issue 11: three people scoring 99, 98 and 97 all got B (10% of 3 rounds down to 0); the scheme says how."""
    p = pr.compile_scheme(pr.scheme_from_text(ROUNDED.replace("ROUNDING", rounding).replace("SHARE", share)).scheme)
    got = grades(p, [99, 98, 97])
    assert got.count("A") == a_count and got[: a_count or 0] == ["A"] * a_count  # the best keep it


def test_a_rounded_quota_says_how_in_the_explanation():
    p = pr.compile_scheme(
        pr.scheme_from_text(ROUNDED.replace("ROUNDING", "at_least_one").replace("SHARE", "0.1")).scheme
    )
    rows = [{"employee_id": f"e{i}", "raw": str(s)} for i, s in enumerate([99, 98, 97])]
    moved = next(r for r in pr.score(p, rows) if r.grade_note)
    assert "quota A: at most 10% of 3 = 1 (rounded at least one): moved from A to B" in moved.grade_note


UNFILLED = SCHEME.replace("ties: TIES", "ties: keep\n    unfilled: UNFILLED")


@pytest.mark.parametrize(("unfilled", "c_count"), [("leave", 0), ("fill", 1)])
def test_an_unfilled_bottom_quota_follows_the_declared_rule(unfilled, c_count):
    """Issue 11: with ties: keep the bottom quota went unfilled in silence; now the scheme declares it."""
    p = pr.compile_scheme(pr.scheme_from_text(UNFILLED.replace("UNFILLED", unfilled)).scheme)
    got = grades(p, [75] * 20)  # C at least 5% of 20 = 1, but all 20 are tied
    assert got.count("C") == c_count
    if c_count:
        assert got[-1] == "C"  # among the tied, the last in the ranking (the latest employee id)


def test_an_unfilled_bottom_quota_can_be_an_error():
    p = pr.compile_scheme(pr.scheme_from_text(UNFILLED.replace("UNFILLED", "error")).scheme)
    with pytest.raises(pr.InputError) as err:
        grades(p, [75] * 20)
    [issue] = err.value.issues
    assert issue.code == "quota-unfilled" and "C: at least 5% of 20 = 1" in issue.message
    assert 20 == len(grades(p, list(range(60, 80))))  # no tie at the boundary: no error

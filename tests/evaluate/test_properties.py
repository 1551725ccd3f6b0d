"""Properties that hold for every scheme and population (Hypothesis)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

import perfrules as pr
from tests.strategies import populations, schemes


def _plan_and_rows(draw):
    s = draw(schemes())
    return s, pr.compile_scheme(s), draw(populations(s))


@st.composite
def cases(draw):
    return _plan_and_rows(draw)


def _within(value, floor, cap):
    return (floor is None or value >= floor) and (cap is None or value <= cap)


@given(cases())
def test_every_level_stays_within_its_cap_and_floor(case):
    s, plan, rows = case
    for r in pr.score(plan, rows):
        assert _within(r.score, s.score.floor, s.score.cap)
        for sec in s.sections:
            assert _within(r.sections[sec.name], sec.floor, sec.cap)
        for ind in s.indicators:
            points = r.indicators[ind.name] / (ind.weight / 100) if ind.weight else None
            if points is not None:
                assert _within(points, ind.floor, ind.cap)
        for p in s.payouts:
            assert _within(r.payouts[p.name], p.floor, p.cap)
        for pen in s.penalties:
            assert _within(r.penalties[pen.name], Decimal(0), pen.cap)


@given(cases())
def test_one_more_penalty_occurrence_never_raises_score_or_pay(case):
    s, plan, rows = case
    count = s.metrics[1].name
    worse = [{**row, count: str(int(row[count]) + 1)} for row in rows]
    for a, b in zip(pr.score(plan, rows), pr.score(plan, worse), strict=True):
        assert b.score <= a.score
        for p in s.payouts:
            assert b.payouts[p.name] <= a.payouts[p.name]


@given(cases(), st.decimals(min_value=0, max_value=500, places=2))
def test_raising_a_higher_is_better_input_never_lowers_points(case, delta):
    s, plan, rows = case
    value = s.metrics[0].name
    better = [{**row, value: str(Decimal(row[value]) + delta)} for row in rows]
    for a, b in zip(pr.score(plan, rows), pr.score(plan, better), strict=True):
        for ind in s.indicators:
            assert b.indicators[ind.name] >= a.indicators[ind.name]


@given(cases())
def test_money_has_the_declared_places(case):
    s, plan, rows = case
    for r in pr.score(plan, rows):
        for amount in r.payouts.values():
            assert -s.money.places == amount.as_tuple().exponent


@given(cases(), st.randoms(use_true_random=False))
def test_same_input_same_results_and_explanations_in_any_row_order(case, rnd):
    """W1: results are reproducible and explainable line by line, whatever the row order."""
    _scheme, plan, rows = case
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    a, b = pr.score(plan, rows, period="2026-04"), pr.score(plan, shuffled, period="2026-04")
    assert a.to_dict() == b.to_dict()
    for ra, rb in zip(a, b, strict=True):
        assert pr.render_text(pr.explain(plan, ra), "zh") == pr.render_text(pr.explain(plan, rb), "zh")
        assert pr.explain(plan, ra).to_dict() == pr.explain(plan, rb).to_dict()


@given(cases())
def test_explanation_agrees_with_the_result(case):
    s, plan, rows = case
    for r in pr.score(plan, rows):
        lines = {line.step: line for line in pr.explain(plan, r).lines}
        assert r.score == lines["score"].value
        for ind in s.indicators:
            line = lines[f"indicators.{ind.name}"]
            limited = (
                line.facts.get("limit", line.facts["points"]) if "limited_by" in line.facts else line.facts["points"]
            )
            expected = limited * ind.weight / 100 if ind.weight is not None else limited
            assert expected == r.indicators[ind.name]


@given(
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=1, places=2, allow_nan=False, allow_infinity=False),
    st.integers(0, 4),
)
def test_shared_cost_shares_add_up_to_the_cost_exactly(cost, share, places):
    """P7 property: this person's share plus the counterpart's is the whole cost, to the cent."""
    plan = pr.compile_scheme(
        pr.Scheme(
            "p7",
            money=pr.Rounding(places),
            metrics=(pr.Metric("cost", "money"),),
            penalties=(
                pr.Penalty(
                    "shared",
                    count="cost",
                    amount=Decimal(1),
                    share=share,
                    counterpart="supervisor",
                    unit="money",
                    payout="pay",
                ),
            ),
            payouts=(pr.Payout("pay", formula="0"),),
        )
    )
    r = pr.evaluate(plan, {"cost": str(cost)})
    split = r.shares["shared"]
    assert split.own + split.counterpart_amount == split.whole == cost
    assert -places == split.own.as_tuple().exponent or split.own == 0

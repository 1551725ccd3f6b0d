"""Building schemes in Python: plain ints, floats refused with a suggestion, Tier(range=...)."""

import pickle
from decimal import Decimal as D

import attrs
import pytest

import perfrules as pr


class TestPlainInts:
    def test_param_takes_an_int(self):
        p = pr.Param("baseline", 80)
        assert p.value == D(80) and type(p.value) is D

    def test_every_number_field_takes_ints(self):
        scheme = pr.Scheme(
            name="ints",
            metrics=(pr.Metric("raw", min=0, max=200, default=0),),
            params=(pr.Param("baseline", 80),),
            penalties=(pr.Penalty("late", count="raw", amount=2, cap=10, levels=[1, 2], schedule=(1, 2)),),
            score=pr.Score(formula="raw", cap=110, floor=0, base=0),
            payouts=(pr.Payout("swing", formula="(score - baseline) * 10", cap=300, floor=-300),),
        )
        assert scheme.penalties[0].levels == (D(1), D(2)) and scheme.penalties[0].schedule == (D(1), D(2))
        assert all(type(x) is D for x in (scheme.metrics[0].min, scheme.score.cap, scheme.payouts[0].floor))
        result = pr.evaluate(pr.compile_scheme(scheme), {"raw": "91"})
        assert result.payouts["swing"] == D("110.00")

    def test_equal_to_the_decimal_built_scheme(self):
        assert pr.Param("b", 80) == pr.Param("b", D(80))
        assert pr.Shortfall(target=10, per=1, deduct=2, full=40) == pr.Shortfall(D(10), D(1), D(2), D(40))

    @pytest.mark.parametrize("value", [0.8, 80.0])
    def test_float_refused_with_what_to_write(self, value):
        with pytest.raises(TypeError, match=r"'value' must be a Decimal or an int, not a float.*write Decimal\("):
            pr.Param("b", value)  # type: ignore[arg-type]

    def test_bool_is_not_a_number(self):
        with pytest.raises(TypeError, match="got True that is a bool"):
            pr.Param("b", True)

    def test_probability_and_positive_take_ints(self):
        assert pr.Quota("A", at_most=0).at_most == D(0)
        with pytest.raises(ValueError, match="'share' must be between 0 and 1"):
            pr.Penalty("x", count="n", amount=1, share=2, counterpart="manager")


class TestTierRange:
    def test_text_in_the_file_notation(self):
        t = pr.Tier(range="(80, 90]", points=20)
        assert (t.lower, t.upper, t.points) == (pr.Bound(D(80), False), pr.Bound(D(90), True), D(20))

    def test_pair_is_low_up_to_but_not_including_high(self):
        t = pr.Tier(range=(80, 90), points=20)
        assert t.range_text() == "[80, 90)"
        assert t.contains(D(80)) and not t.contains(D(90))

    def test_open_ends_and_bounds(self):
        assert pr.Tier(range=(90, None), label="A").range_text() == ">= 90"
        assert pr.Tier(range=(None, 60), label="F").range_text() == "< 60"
        assert pr.Tier(range=(pr.Bound(80, False), pr.Bound(90, True))).range_text() == "(80, 90]"
        assert pr.Tier(range=(D("0.65"), D("0.75"))).range_text() == "[0.65, 0.75)"

    def test_same_as_lower_and_upper(self):
        assert pr.Tier(range="[1, 2)", points=3) == pr.Tier(*pr.parse_range("[1, 2)"), points=D(3))

    def test_scores_in_a_table(self):
        scheme = pr.Scheme(
            name="t",
            metrics=(pr.Metric("x"),),
            indicators=(
                pr.Indicator(
                    "i",
                    input="x",
                    tiers=(
                        pr.Tier(range=(None, 60), points=0),
                        pr.Tier(range=(60, 90), points=50),
                        pr.Tier(range=(90, None), points=100),
                    ),
                ),
            ),
        )
        plan = pr.compile_scheme(scheme)
        assert [pr.evaluate(plan, {"x": x}).score for x in ("59.9", "60", "89", "90")] == [0, 50, 50, 100]

    @pytest.mark.parametrize(
        ("value", "error", "match"),
        [
            ("80..90", ValueError, "cannot read range '80..90'"),
            ((0.5, 1), TypeError, r"low end must be .* got 0.5 \(write Decimal\('0.5'\)"),
            ((1, 2, 3), TypeError, "a pair such as"),
            (80, TypeError, "a pair such as"),
            ((90, 80), ValueError, "is empty"),
        ],
    )
    def test_refused_clearly(self, value, error, match):
        with pytest.raises(error, match=match):
            pr.Tier(range=value)

    def test_not_both_ways(self):
        with pytest.raises(ValueError, match="not both"):
            pr.Tier(pr.Bound(1, True), range="[1, 2)")

    def test_evolve_and_pickle(self):
        t = pr.Tier(range=(1, 2), points=3)
        assert attrs.evolve(t, points=4).points == D(4)
        assert pickle.loads(pickle.dumps(t)) == t

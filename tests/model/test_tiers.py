from decimal import Decimal as D

import attrs
import pytest

import perfrules as pr


class TestParseRange:
    """The range notation of scheme files."""

    @pytest.mark.parametrize(
        ("text", "lower", "upper"),
        [
            ("[0.65, 0.75)", (D("0.65"), True), (D("0.75"), False)),
            ("(30, 45]", (D(30), False), (D(45), True)),
            (">= 0.75", (D("0.75"), True), None),
            ("> 55", (D(55), False), None),
            ("<= 30", None, (D(30), True)),
            ("< 0.5", None, (D("0.5"), False)),
            ("== 3", (D(3), True), (D(3), True)),
            ("any", None, None),
        ],
    )
    def test_forms(self, text, lower, upper):
        lo, hi = pr.parse_range(text)
        assert lower == (None if lo is None else (lo.value, lo.inclusive))
        assert upper == (None if hi is None else (hi.value, hi.inclusive))

    @pytest.mark.parametrize("text", ["0.65-0.75", "[1, 2", "between 1 and 2", "> x", ""])
    def test_bad_forms_name_the_accepted_ones(self, text):
        with pytest.raises(ValueError, match=r"write '\[a, b\)'"):
            pr.parse_range(text)


class TestTier:
    """Bounds and their inclusiveness."""

    def test_boundaries_follow_inclusiveness(self):
        t = pr.Tier(*pr.parse_range("[0.65, 0.75)"), points=D(80))
        assert t.contains(D("0.65"))
        assert not t.contains(D("0.75"))
        assert t.contains(D("0.7499999"))

    def test_exact_decimal_sum_hits_threshold(self):
        t = pr.Tier(*pr.parse_range(">= 0.3"), points=D(1))
        assert t.contains(D("0.1") + D("0.2"))

    def test_empty_range_refused(self):
        with pytest.raises(ValueError, match="is empty"):
            pr.Tier(*pr.parse_range("(5, 5]"))

    def test_range_text_round_trips(self):
        for text in ["[0.65, 0.75)", "(30, 45]", ">= 0.75", "< 0.5", "any"]:
            assert text == pr.Tier(*pr.parse_range(text)).range_text()


class TestValidators:
    """Model validators say name, expected and got."""

    def test_float_refused_with_name_expected_got(self):
        with pytest.raises(
            TypeError,
            match=r"'points' must be a Decimal or an int, not a float: 0.5 is not exact as a float \(write Decimal\('0.5'\)\)",
        ):
            pr.Tier(points=0.5)  # type: ignore[arg-type]

    def test_bad_identifier(self):
        with pytest.raises(ValueError, match="'name' must be a name"):
            pr.Metric("__class__")

    def test_share_is_a_fraction(self):
        with pytest.raises(ValueError, match="'share' must be between 0 and 1"):
            pr.Penalty("x", count="n", amount=D(1), share=D("1.5"), counterpart="supervisor")

    def test_frozen_and_evolve(self):
        m = pr.Metric("sales", "money")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            m.name = "x"  # type: ignore[misc]
        assert "count" == attrs.evolve(m, type="count").type

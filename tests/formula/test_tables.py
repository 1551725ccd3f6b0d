from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules as pr
from perfrules._formula import NoTier, analyse, compile_table
from tests.strategies import decimals, tier_tables


def T(text, points):
    return pr.Tier(*pr.parse_range(text), points=D(points))


# S1 conversion table of seed 003
CONVERSION = pr.TierTable(
    "conversion",
    (T(">= 0.75", 100), T("[0.65, 0.75)", 80), T("[0.50, 0.65)", 60), T("< 0.50", 0)),
    direction="higher_is_better",
)
# S2 response time: lower is better, upper bounds inclusive
RESPONSE = pr.TierTable(
    "response", (T("<= 30", 100), T("(30, 45]", 80), T("(45, 55]", 60), T("> 55", 0)), direction="lower_is_better"
)


class TestLookup:
    """Compiled lookups honour every bound's inclusiveness."""

    @pytest.mark.parametrize(
        ("x", "points"),
        [
            ("0.75", 100),
            ("0.7499", 80),
            ("0.65", 80),
            ("0.6499", 60),
            ("0.5", 60),
            ("0.4999", 0),
            ("1.2", 100),
            ("-1", 0),
        ],
    )
    def test_s1_higher_is_better(self, x, points):
        assert D(points) == compile_table(CONVERSION)(D(x))

    @pytest.mark.parametrize(("x", "points"), [("30", 100), ("30.01", 80), ("45", 80), ("55", 60), ("55.5", 0)])
    def test_s2_lower_is_better(self, x, points):
        assert D(points) == compile_table(RESPONSE)(D(x))

    def test_first_match_step_table(self):
        # S3: ">= 250,000 → 100, >= 150,000 → 90, ..." as a first-hit step table
        t = pr.TierTable(
            "sales", (T(">= 250000", 100), T(">= 150000", 90), T(">= 100000", 80), T("< 100000", 0)), match="first"
        )
        lookup = compile_table(t)
        assert [D(100), D(90), D(90), D(0)] == [lookup(D(x)) for x in (300000, 250000 - 1, 150000, 99999)]

    def test_gap_raises_or_otherwise(self):
        t = pr.TierTable("g", (T("< 1", 1), T("> 2", 3)))
        with pytest.raises(NoTier, match="in no tier"):
            compile_table(t)(D("1.5"))
        assert D(0) == compile_table(pr.TierTable("g", t.tiers, otherwise=D(0)))(D("1.5"))

    @given(tier_tables(), decimals(-1100, 1100, 3))
    def test_bisect_agrees_with_first_containing_band(self, table, x):
        expected = next((t.points for t in table.tiers if t.contains(x)), None)
        lookup = compile_table(table)
        if expected is None:
            with pytest.raises(NoTier):
                lookup(x)
        else:
            assert expected == lookup(x)

    @given(tier_tables(contiguous=True), st.lists(decimals(-1100, 1100, 3), min_size=1, max_size=20))
    def test_table_without_gaps_has_a_band_for_every_value(self, table, xs):
        lookup = compile_table(table)
        for x in xs:
            assert lookup.index(x) is not None

    @given(tier_tables(contiguous=True, monotone=True), decimals(-1100, 1100, 3), decimals(-1100, 1100, 3))
    def test_monotone_table_gives_monotone_lookup(self, table, a, b):
        lookup = compile_table(table)
        lo, hi = sorted((a, b))
        assert lookup(lo) <= lookup(hi)


class TestAnalyse:
    """Gap and overlap analysis of the per-mille table $7 of seed 003."""

    def test_gaps_and_overlap(self):
        t = pr.TierTable(
            "pm",
            (
                T("> 410000", "2.5"),
                T("[310000, 400000]", 2),
                T("[210000, 300000]", "1.5"),
                T("[150000, 200000]", 1),
                T("[100000, 150000]", "0.5"),
                T("< 100000", 0),
            ),
        )
        pieces = analyse(t)
        gaps = [p.text for p in pieces if not p.owners]
        overlaps = [p.text for p in pieces if len(p.owners) > 1]
        assert ["(200000, 210000)", "(300000, 310000)", "(400000, 410000)", "= 410000"] == gaps
        assert ["= 150000"] == overlaps

import datetime as dt
from decimal import Decimal as D

import pytest

import perfrules as pr
from perfrules.contrib.business_hours import BusinessHours, business_seconds


class TestRegistry:
    """The plugin seam for metric types."""

    def test_builtins(self):
        assert {"number", "count", "money", "rating", "ratio", "percent", "list"} <= set(pr.metric_types())

    def test_entry_point_discovery_finds_the_example_plugin(self):
        assert isinstance(pr.metric_type("business_hours"), BusinessHours)

    def test_register_and_refuse_shadowing(self):
        class Stars:
            name = "stars_test"
            value_type = "number"

            def parse(self, raw, metric):
                return D(str(raw).count("*"))

        pr.register_metric_type(Stars())
        with pytest.raises(ValueError, match="registered already"):
            pr.register_metric_type(Stars())
        plan = pr.compile_scheme(
            pr.Scheme("x", metrics=(pr.Metric("s", "stars_test"),), payouts=(pr.Payout("p", formula="s * 10"),))
        )
        assert D("30.00") == pr.evaluate(plan, {"s": "***"}).payouts["p"]

    def test_not_a_metric_type(self):
        with pytest.raises(TypeError, match="needs name, value_type and parse"):
            pr.register_metric_type(object())  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("raw", "scale", "expected"),
        [
            ("68%", None, D("0.68")),
            ("0.68", None, D("0.68")),
            (0.1, None, D("0.1")),
            ("150%", None, D("1.5")),
            ("1,234.5", "fraction", D("1234.5")),
            ("85", "points", D("0.85")),
            ("85%", "points", D("0.85")),
        ],
    )
    def test_percent_and_numbers(self, raw, scale, expected):
        assert expected == pr.metric_type("percent").parse(raw, pr.Metric("p", "percent", scale=scale))

    @pytest.mark.parametrize("raw", ["85", 85, "-3", "1.2"])
    def test_a_bare_percent_above_one_is_ambiguous_unless_the_scale_is_declared(self, raw):
        with pytest.raises(ValueError, match="ambiguous for a percent") as err:
            pr.metric_type("percent").parse(raw, pr.Metric("p", "percent"))
        assert err.value.code == "percent-scale"  # type: ignore[attr-defined]
        assert "scale: points" in str(err.value)


class TestBusinessHours:
    """The example plugin: response time in business hours."""

    def test_friday_evening_to_monday_morning(self):
        assert 20 * 60 == business_seconds(dt.datetime(2026, 4, 3, 17, 50), dt.datetime(2026, 4, 6, 9, 10))

    def test_average_of_pairs(self):
        raw = "2026-04-01T10:00/2026-04-01T10:01;2026-04-01T10:00/2026-04-01T10:03"
        assert D(120) == BusinessHours().parse(raw, pr.Metric("r", "business_hours"))

    def test_bad_cell_names_the_fix(self):
        with pytest.raises(ValueError, match="write 2026-04-03T17:50/2026-04-06T09:10"):
            BusinessHours().parse("yesterday", pr.Metric("r", "business_hours"))

    def test_in_a_scheme_with_a_row_error(self):
        plan = pr.compile_scheme(
            pr.Scheme(
                "x",
                metrics=(pr.Metric("resp", "business_hours"),),
                payouts=(pr.Payout("p", formula="resp"),),
            )
        )
        with pytest.raises(pr.InputError, match="row 2, column resp"):
            pr.score(plan, [{"employee_id": "A", "resp": "2026-04-02T10:00/2026-04-01T10:00"}])

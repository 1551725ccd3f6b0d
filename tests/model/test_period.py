import datetime as dt

import pytest

import perfrules as pr


class TestPeriod:
    """Period labels (H1)."""

    @pytest.mark.parametrize(
        ("text", "start", "end", "kind"),
        [
            ("2026-04", dt.date(2026, 4, 1), dt.date(2026, 4, 30), "month"),
            ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month"),
            ("2026-Q2", dt.date(2026, 4, 1), dt.date(2026, 6, 30), "quarter"),
            ("2026-H2", dt.date(2026, 7, 1), dt.date(2026, 12, 31), "half"),
            ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31), "year"),
            ("2026-03-26..2026-04-25", dt.date(2026, 3, 26), dt.date(2026, 4, 25), "custom"),
        ],
    )
    def test_labels(self, text, start, end, kind):
        p = pr.Period.parse(text)
        assert (start, end, kind, text) == (p.start, p.end, p.kind, p.label)

    def test_h1_impossible_date_refused(self):
        """H1: monthly, quarterly, half-year and custom periods; seed 000's "9月31日" does not exist."""
        with pytest.raises(ValueError, match="not a real date range"):
            pr.Period.parse("2026-04-01..2026-09-31")

    @pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "April", "2026-04-30..2026-04-01"])
    def test_bad_labels(self, text):
        with pytest.raises(ValueError):
            pr.Period.parse(text)

    def test_days(self):
        assert 31 == pr.Period.parse("2026-03-26..2026-04-25").days


class TestCalendar:
    """A scheme's calendar: months from a given day, and quarters, halves and years built from them."""

    def test_months_from_the_26th_are_named_after_the_month_they_end_in(self):
        c = pr.Calendar(month_starts=26)
        april = c.resolve("2026-04")
        assert (dt.date(2026, 3, 26), dt.date(2026, 4, 25), "month") == (april.start, april.end, april.kind)
        january = c.resolve("2026-01")
        assert (dt.date(2025, 12, 26), dt.date(2026, 1, 25)) == (january.start, january.end)

    def test_the_26th_start_quarter_includes_the_month_starting_26_march(self):
        c = pr.Calendar(month_starts=26)
        q2 = c.resolve("2026-Q2")
        assert (dt.date(2026, 3, 26), dt.date(2026, 6, 25)) == (q2.start, q2.end)
        assert ["2026-04", "2026-05", "2026-06"] == [p.label for p in c.inside("month", q2)]
        assert ["2025-12-26", "2026-12-25"] == [str(c.resolve("2026").start), str(c.resolve("2026").end)]

    @pytest.mark.parametrize(
        ("text", "label"),
        [
            ("2026-04-01..2026-04-30", "2026-04"),
            ("2026-04-01..2026-06-30", "2026-Q2"),
            ("2026-01-01..2026-12-31", "2026"),
            ("2026-04-01..2026-04-29", "2026-04-01..2026-04-29"),
        ],
    )
    def test_a_range_equal_to_a_calendar_period_is_that_period(self, text, label):
        """A label resolves to exactly one interval, and an interval has one label."""
        assert label == pr.Period.parse(text).label

    @pytest.mark.parametrize(
        ("start", "label", "back", "expected"),
        [
            (1, "2026-03", 1, "2026-02"),
            (1, "2026-01", 1, "2025-12"),
            (1, "2026-Q1", 1, "2025-Q4"),
            (1, "2026-H1", 2, "2025-H1"),
            (1, "2026", 1, "2025"),
            (26, "2026-04", 1, "2026-03"),
            (26, "2026-01", 13, "2024-12"),
        ],
    )
    def test_shift_steps_through_the_calendar(self, start, label, back, expected):
        c = pr.Calendar(month_starts=start)
        assert c.resolve(expected) == c.shift(c.resolve(label), -back)

    def test_a_custom_period_has_no_neighbours(self):
        with pytest.raises(ValueError, match="not a calendar period"):
            pr.Calendar().shift(pr.Period.parse("2026-04-03..2026-04-09"), -1)

    def test_month_starts_is_a_day_of_every_month(self):
        with pytest.raises(ValueError, match="between 1 and 28"):
            pr.Calendar(month_starts=29)

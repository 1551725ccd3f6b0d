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

"""The appeals window a scheme declares (W1) is checked when the scheme is read."""

import pytest

import perfrules as pr

BASE = "name: a\nmetrics: {x: number}\npayouts: {pay: {formula: x}}\n"


@pytest.mark.parametrize(
    ("appeals", "message"),
    [
        ("{within: 0}", "not a number of days"),
        ("{weekend: [mon, tue, wed, thu, fri, sat, sun]}", "no appeal window could end"),
        ("{holidays: [2026-02-30]}", "is not a date"),
        ("{utc_offset: 'Beijing'}", "not an offset"),
        ("{days: weekdays}", "is not one of"),
    ],
)
def test_a_bad_window_is_refused(appeals, message):
    with pytest.raises(pr.SchemeError, match=message):
        pr.scheme_from_text(BASE + f"appeals: {appeals}\n")


def test_the_default_is_no_appeals_and_two_working_days_when_declared():
    assert pr.scheme_from_text(BASE).scheme.appeals is None
    rule = pr.scheme_from_text(BASE + "appeals: {}\n").scheme.appeals
    assert (2, "working", ("sat", "sun")) == (rule.within, rule.days, rule.weekend)

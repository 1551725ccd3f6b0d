"""Bounds and checks of a scheme whose metric shares its name with a penalty: each says which one it means."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

import perfrules as pr
from perfrules._analysis import bounds, check_scheme
from perfrules._load import scheme_from_text

TEXT = """
name: shared
metrics:
  minor: {type: count, max: 10}
  reach: {formula: "metrics.minor * 2"}
score: {base: 80}
penalties:
  minor: {count: minor, amount: 3}
conditions:
  reach: {when: "reach > 3"}
payouts:
  pay: {formula: "penalties.minor * 10", cap: 500}
"""


def _scheme(checks: list[str] | None = None) -> pr.Scheme:
    text = TEXT + ("checks:\n" + "".join(f"  - {c!r}\n" for c in checks) if checks else "")
    loaded = scheme_from_text(text, source="s.yaml")
    assert loaded.scheme is not None
    return loaded.scheme


def test_bounds_name_the_metric_and_the_penalty_apart():
    rows = {(c, n): (r.lo, r.hi) for c, n, r in bounds(_scheme()).rows}
    assert rows[("metrics", "minor")] == (D(0), D(10))
    assert rows[("metrics", "reach")] == (D(0), D(20))  # the derived metric, not metrics.metrics.reach
    assert rows[("penalties", "minor")] == (D(0), D(30))
    assert rows[("payouts", "pay")][1] == D(300)


def test_checks_say_which_one_they_mean():
    checks = [
        "penalties.minor <= 30",
        "metrics.minor <= 10",
        "penalties.minor does not decrease when minor rises",
    ]
    outcomes = check_scheme(_scheme(checks))
    by = {o.check.text: o for o in outcomes}
    assert [by[c].status for c in checks] == ["proven", "proven", "proven"]
    assert by[checks[2]].reason.startswith("penalties.minor never falls as minor rises")


@pytest.mark.parametrize("check", ["minor <= 30", "minor does not decrease when minor rises"])
def test_a_check_naming_a_shared_name_bare_is_refused(check):
    with pytest.raises(pr.SchemeError) as err:
        check_scheme(_scheme([check]))
    (issue,) = err.value.issues
    assert issue.code == "bad-check"
    assert "'minor' is both metric 'minor' and penalties.minor: write metrics.minor or penalties.minor" in issue.message

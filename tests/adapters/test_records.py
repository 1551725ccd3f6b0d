"""What the ledger compares: a record stored before plain digits is no change when its amounts are the same."""

from __future__ import annotations

from perfrules._adapters.records import diff


def _entry(score: str, hit: str, paid: str, inputs: dict[str, object]) -> dict[str, object]:
    groups = {"indicators": {"hit": hit}, "sections": {}, "penalties": {}, "bonuses": {}, "payouts": {"pay": paid}}
    return {"score": score, "grade": None, **groups, "flags": [], "inputs": inputs}


def test_str_decimal_text_stored_before_is_the_same_amount_written_now():
    old = {"A": _entry("1E-12", "-0.0", "-0.00", {"v": "1E-12", "list": ["1E-7"], "team": "E12"})}
    new = {"A": _entry("0.000000000001", "0.0", "0.00", {"v": "0.000000000001", "list": ["0.0000001"], "team": "E12"})}
    assert diff(old, new) == ()


def test_a_changed_amount_or_places_is_still_a_change():
    old = {"A": _entry("1E-12", "0.0", "10.00", {"team": "E12"})}
    new = {"A": _entry("0.000000000002", "0.00", "10.00", {"team": "E13"})}
    assert {c.field for c in diff(old, new)} == {"score", "indicators.hit", "inputs.team"}

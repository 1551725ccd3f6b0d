"""Recompute an explanation line's stated arithmetic from its facts alone, and compare with exact Decimal equality.

Each checker reads only what the line states (its facts and value) plus what the
scheme declares (the limits a ``limit`` fact must be), never the engine's code,
so a line that says one thing and reports another fails here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, localcontext
from typing import Any

import perfrules as pr

__all__ = ["check_explanation", "check_line"]

_ZERO, _HUNDRED = Decimal(0), Decimal(100)
_MODES = {
    "half_up": "ROUND_HALF_UP",
    "half_even": "ROUND_HALF_EVEN",
    "down": "ROUND_DOWN",
    "up": "ROUND_UP",
    "floor": "ROUND_FLOOR",
    "ceiling": "ROUND_CEILING",
}


def _same(got: Any, want: Any, what: str) -> None:
    # Exact: equal numbers, and neither side a float standing in for a Decimal.
    assert not isinstance(got, float) and not isinstance(want, float), what
    assert got == want, f"{what}: stated {got!r}, recomputed {want!r}"


def _rounded(x: Decimal, places: int, mode: str) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places), rounding=_MODES[mode])


def _limited(line: pr.Explanation | Any, raw: Decimal, floor: Decimal | None, cap: Decimal | None) -> Decimal:
    """The value after the limit the line names; with no limit named, ``raw`` must be within both."""
    f = line.facts
    if "limited_by" not in f:
        assert floor is None or raw >= floor, f"{line.step}: {raw} below floor {floor} but no limit stated"
        assert cap is None or raw <= cap, f"{line.step}: {raw} above cap {cap} but no limit stated"
        return raw
    _same(f["before_limit"], raw, f"{line.step} before_limit")
    if f["limited_by"] == "floor":
        _same(f["limit"], floor, f"{line.step} floor")
        assert raw < f["limit"], f"{line.step}: raised to floor {f['limit']} from {raw}"
    else:
        assert f["limited_by"] == "cap", f["limited_by"]
        _same(f["limit"], cap, f"{line.step} cap")
        assert raw > f["limit"], f"{line.step}: lowered to cap {f['limit']} from {raw}"
    return f["limit"]


def _terms_sum(
    s: pr.Scheme, line: Any, base: Decimal, terms: list[tuple[str, Decimal]], values: Mapping[str, Any]
) -> Decimal:
    penalties = {j.name for j in s.penalties}
    total = base
    for name, signed in terms:
        # Each term is the value the result holds under that name: penalties (and what
        # others' shared penalties charge this person) taken off, everything else added.
        own = name.rsplit("__", 1)[-1] if name.startswith("charges_") else name
        _same(signed, -values[name] if own in penalties else values[name], f"{line.step} term {name}")
        total += signed
    return total


def _shortfall(f: Mapping[str, Any]) -> Decimal:
    """Full points, less ``deduct`` for each ``per`` short of the target (whole, started or exact units), not below 0."""
    gap = f["target"] - f["value"] if f["direction"] == "higher_is_better" else f["value"] - f["target"]
    if gap <= 0:
        return f["full"]
    units = gap / f["per"]
    if f["steps"] != "exact":
        units = units.to_integral_value(rounding="ROUND_FLOOR" if f["steps"] == "whole" else "ROUND_CEILING")
    return max(f["full"] - units * f["deduct"], _ZERO)


def _indicator(s: pr.Scheme, r: pr.Result, line: Any) -> None:
    ind = next(i for i in s.indicators if i.name == line.name)
    f = line.facts
    points = f["points"]
    if f["scorer"] == "target" and f["target"]:
        ratio = f["value"] / f["target"]
        want = ratio * _HUNDRED if f["direction"] == "higher_is_better" else (1 - ratio) * _HUNDRED
        _same(points, want, f"{line.step} target points")
    if f["scorer"] == "shortfall":
        _same(points, _shortfall(f), f"{line.step} shortfall points")
    if f["scorer"] == "table" and f["band"] is not None:
        lo, hi = pr.parse_range(f["band"])
        assert pr.Tier(lo, hi, Decimal(0)).contains(f["value"]), f"{line.step}: {f['value']} not in {f['band']}"
    limited = _limited(line, points, ind.floor, ind.cap)
    want = limited * (f["weight"] / _HUNDRED) if "weight" in f else limited
    _same(line.value, want, f"{line.step} value")
    _same(line.value, r.indicators[line.name], f"{line.step} result")


def _schedule_total(schedule: list[Decimal], count: Decimal) -> Decimal:
    k = int(count)
    return sum((schedule[min(i, len(schedule) - 1)] for i in range(k)), _ZERO)


def _adjustment(s: pr.Scheme, r: pr.Result, line: Any) -> None:
    adj = next(j for j in (s.penalties if line.kind == "penalty" else s.bonuses) if j.name == line.name)
    f = line.facts
    held = r.penalties if line.kind == "penalty" else r.bonuses
    _same(line.value, held[line.name], f"{line.step} result")
    if f.get("applies") is False:
        assert "gross" not in f, line
        _same(line.value, _ZERO, f"{line.step} not applied")
        return
    if "occurrences" in f:
        gross = sum((amount for _, amount in f["occurrences"]), _ZERO)
    elif "schedule" in f:
        gross = _schedule_total(f["schedule"], f["count"])
    else:
        gross = f["count"] * f["amount"]
    _same(f["gross"], gross, f"{line.step} gross")
    floor = -adj.cap if adj.cap is not None and getattr(adj, "signed", False) else None
    limited = _limited(line, gross, floor, adj.cap)
    if "share" not in f:
        _same(line.value, limited, f"{line.step} value")
        return
    own = limited * f["share"]
    if f["unit"] == "money":
        own = _rounded(own, s.money.places, s.money.mode)
    _same(f["whole"], limited, f"{line.step} whole")
    _same(line.value, own, f"{line.step} own share")
    _same(f["counterpart_amount"], f["whole"] - line.value, f"{line.step} counterpart's share")


def _total(
    s: pr.Scheme, line: Any, values: Mapping[str, Any], floor: Decimal | None, cap: Decimal | None
) -> Decimal | None:
    """Check base + Σ terms = sum, then the veto and the limit; return the limited sum (None when vetoed)."""
    f = line.facts
    if "terms" in f:
        _same(f["sum"], _terms_sum(s, line, f["base"], f["terms"], values), f"{line.step} sum")
    if "vetoed_by" in f:
        assert "limited_by" not in f, line
        _same(line.value, _ZERO, f"{line.step} vetoed")
        return None
    return _limited(line, f["sum"], floor, cap)


def _section(s: pr.Scheme, r: pr.Result, line: Any) -> None:
    sec = next(x for x in s.sections if x.name == line.name)
    limited = _total(s, line, r.values, sec.floor, sec.cap)
    if limited is not None:
        want = limited * (line.facts["weight"] / _HUNDRED) if "weight" in line.facts else limited
        _same(line.value, want, f"{line.step} value")
    _same(line.value, r.sections[line.name], f"{line.step} result")


def _score(s: pr.Scheme, r: pr.Result, line: Any) -> None:
    limited = _total(s, line, r.values, s.score.floor, s.score.cap)
    if limited is not None:
        rule = line.facts.get("rounding")
        want = limited if rule is None else _rounded(limited, rule["places"], rule["mode"])
        _same(line.value, want, f"{line.step} value")
    _same(line.value, r.score, f"{line.step} result")


def _payout(s: pr.Scheme, r: pr.Result, line: Any) -> None:
    p = next(x for x in s.payouts if x.name == line.name)
    f = line.facts
    rule = f["rounding"]
    _same(line.value, r.payouts[line.name], f"{line.step} result")
    if f.get("applies") is False:
        _same(line.value, _ZERO, f"{line.step} not applied")
        assert line.value.as_tuple().exponent == -rule["places"], line.value
        return
    _same(f["sum"], _terms_sum(s, line, f["formula_value"], f["adjustments"], r.values), f"{line.step} sum")
    limited = _limited(line, f["sum"], p.floor, p.cap)
    _same(line.value, _rounded(limited, rule["places"], rule["mode"]), f"{line.step} value")


def _grade(s: pr.Scheme, r: pr.Result, line: Any) -> None:
    f = line.facts
    _same(line.value, r.grade, "grade result")
    if f.get("not_assessed"):
        assert line.value is None, line
        return
    lo, hi = pr.parse_range(f["band"])
    assert pr.Tier(lo, hi, label="x").contains(f["value"]), f"grade: {f['value']} not in {f['band']}"
    label = f.get("band_grade", line.value)
    assert s.grades is not None
    tier = next(t for t in s.grades.tiers if t.label == label and t.contains(f["value"]))
    assert tier.range_text() == f["band"], (tier, f["band"])


def _accelerator(s: pr.Scheme, r: pr.Result, line: Any) -> None:
    acc = next(a for a in s.accelerators if a.name == line.name)
    f = line.facts
    # The slices run on from the first band's start, each its width at its rate, up to the value.
    at, total = f["start"], _ZERO
    for piece in f["slices"]:
        _same(piece["from"], at, f"{line.step} slice start")
        _same(piece["to"], piece["from"] + piece["width"], f"{line.step} slice end")
        _same(piece["amount"], piece["width"] * piece["rate"], f"{line.step} slice amount")
        at, total = piece["to"], total + piece["amount"]
    _same(at, max(f["value"], f["start"]), f"{line.step} slices reach the value")
    _same(f["total"], total, f"{line.step} total")
    limited = _limited(line, total, None, acc.cap)
    rule = f["rounding"]
    _same(line.value, _rounded(limited, rule["places"], rule["mode"]), f"{line.step} value")
    _same(line.value, r.values[line.name], f"{line.step} result")


def _named(s: pr.Scheme, r: pr.Result, line: Any) -> None:
    # Metrics, flags, conditions, team eligibility, assessed: the value is the result's value of that name.
    _same(line.value, r.values[line.name], f"{line.step} result")


_CHECKS: dict[str, Callable[[pr.Scheme, pr.Result, Any], None]] = {
    "indicator": _indicator,
    "penalty": _adjustment,
    "bonus": _adjustment,
    "section": _section,
    "score": _score,
    "payout": _payout,
    "grade": _grade,
    "accelerator": _accelerator,
    "metric": _named,
    "flag": _named,
    "condition": _named,
    "team": _named,
    "assessed": _named,
}


def check_line(s: pr.Scheme, r: pr.Result, line: Any) -> None:
    """Assert that ``line``'s stated arithmetic recomputes to its value, and that value is the result's."""
    assert line.kind in _CHECKS, f"no arithmetic check for line kind {line.kind!r}"
    with localcontext(pr.DECIMAL_CONTEXT):
        _CHECKS[line.kind](s, r, line)


def check_explanation(plan: pr.Plan, r: pr.Result) -> list[str]:
    """Check every line of ``r``'s explanation; return the kinds seen, in order."""
    lines = pr.explain(plan, r).lines
    for line in lines:
        check_line(plan.scheme, r, line)
    score = [line for line in lines if line.kind == "score"]
    assert len(score) == 1 and score[0].value == r.score
    return [line.kind for line in lines]
